/* SPDX-License-Identifier: GPL-2.0 */
/* What a run writes: the table on stdout, JSON (everything), CSV. */
#ifndef VMB_OUTPUT_H
#define VMB_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lib/module.h"
#include "lib/result.h"
#include "run/opts.h"

/* The machine a run ran on, and what measuring costs there. */
struct vmb_env {
	char release[128];
	char kversion[256];
	char machine[80];
	double timing_overhead_ns;	/* timed minus untimed loop, per sample */
	/*
	 * What the module's fault accounting adds to a fault: median
	 * first-touch fault cost counted minus not counted; NAN without it.
	 */
	double accounting_overhead_ns;
	double clock_cost_ns;
	uint64_t iterations;	/* what the run used per victim */
};

/* release, version and machine from uname(); the rest zero. */
void vmb_env_init(struct vmb_env *env);
void vmb_print_result(FILE *f, const struct vmb_result *res, bool header,
		      bool verbose);
int vmb_write_json(const char *path, const struct vmb_opts *o,
		   const struct vmb_env *env, const struct vmb_module *mod,
		   const struct vmb_result *res, size_t n);
int vmb_write_csv(const char *path, const struct vmb_result *res, size_t n);

#endif /* VMB_OUTPUT_H */
