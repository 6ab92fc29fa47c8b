/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What one run of a scenario measured (one thread count, one repeat):
 * the runner fills it and writes it as JSON, the report reads it back.
 */
#ifndef VMB_RESULT_H
#define VMB_RESULT_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/hist.h"
#include "lib/uapi.h"

/*
 * Victims fault in the injected range, bystanders in VMAs of their own,
 * the writer maps and unmaps elsewhere; _base: the same before the
 * injection; the injector: a scenario's own thread (handler, compactor).
 */
enum vmb_role { VMB_ROLE_VICTIM, VMB_ROLE_BYSTANDER, VMB_ROLE_BYSTANDER_BASE,
		VMB_ROLE_WRITER, VMB_ROLE_WRITER_BASE, VMB_ROLE_INJECTOR,
		VMB_ROLE_NR };
extern const char *const vmb_role_names[VMB_ROLE_NR];

#define VMB_MAX_METRICS 12
/* A number of the scenario's own: compact_ms, swap_reads, ... */
struct vmb_metric {
	char name[32];
	double value;
	bool lower_is_better;
};

struct vmb_role_result {
	bool present;
	struct vmb_hist h;
	uint64_t ops;
	double secs;
};

enum vmb_status { VMB_OK, VMB_SKIPPED, VMB_FAILED };

struct vmb_result {
	char scenario[64];	/* "name" or "name:variant" */
	int threads;
	int repeat;
	enum vmb_status status;
	char reason[256];	/* why skipped or failed */
	double elapsed_s;
	uint64_t iterations;
	struct vmb_role_result roles[VMB_ROLE_NR];
	bool have_counters;
	uint64_t counters[VMB_C_NR];	/* target/faults, during the run */
	struct vmb_metric metrics[VMB_MAX_METRICS];
	int nmetrics;
};

/* "ok", "skipped", "failed" */
const char *vmb_status_name(enum vmb_status s);
/* Appended, unless all VMB_MAX_METRICS are taken. */
void vmb_add_metric(struct vmb_result *res, const char *name, double v,
		    bool lower_is_better);

#endif /* VMB_RESULT_H */
