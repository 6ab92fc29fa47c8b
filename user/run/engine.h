/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The run engine: one scenario, one thread count, one repeat, with the
 * victims, bystanders and writer of every scenario (scenario.h says what
 * a scenario adds).
 */
#ifndef VMB_ENGINE_H
#define VMB_ENGINE_H

#include <stdint.h>

#include "lib/module.h"
#include "lib/result.h"
#include "run/opts.h"
#include "run/output.h"
#include "run/scenario.h"

/* The cost of measuring: timed minus untimed loop, the clock's cost. */
void vmb_measure_overhead(struct vmb_env *env);

/*
 * Returns 0 when res holds an outcome (ok, skipped or failed, the reason
 * in res->reason); -errno only when the whole run should stop.
 */
int vmb_run_one(const struct vmb_scenario *sc, int variant, int threads,
		int repeat, const struct vmb_opts *o, struct vmb_module *mod,
		uint64_t iterations, struct vmb_result *res);

#endif /* VMB_ENGINE_H */
