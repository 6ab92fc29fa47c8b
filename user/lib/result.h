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

#define VMB_MAX_METRICS 20
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
	/*
	 * Read back from a run with --bystanders 0 --no-writer: its fault
	 * counts are (nearly) all the victims'. Not written, derived.
	 */
	bool alone;
	enum vmb_status status;
	char reason[256];	/* why skipped or failed */
	double elapsed_s;
	uint64_t iterations;
	struct vmb_role_result roles[VMB_ROLE_NR];
	bool have_counters;
	uint64_t counters[VMB_C_NR];	/* target/faults, during the run */
	/* target/mmap_lock, during the run: only where the module has it */
	bool have_mmap_lock;
	uint64_t mmap_lock[VMB_ML_NR];
	struct vmb_metric metrics[VMB_MAX_METRICS];
	int nmetrics;
};

/*
 * How a run's faults finished, per fault, from its counters and its
 * mmap_lock figures, and what they cost a writer: X(name, unit,
 * meaning). name is the JSON key (under "per_fault") and the report's
 * row. The share completed under the VMA lock counts vma_locked_done
 * only: a fault that began under the VMA lock, got VM_FAULT_RETRY and
 * finished under mmap_lock is not in it. The wait percentiles come from
 * the log2 buckets: each is the upper bound of the bucket the percentile
 * falls in (a bound, not a value). writer_wait_pct is no counter's: the
 * writer's sleep (metric writer_wait_ms, user/run/writer.c) as a share
 * of the victims' summed fault latency (their histogram's sum), the
 * measure of the report's seed-001 claims; it needs no module.
 */
#define VMB_FAULT_FIGURES(X)                                                   \
	X(completed_under_vma_lock_pct, "%",                                   \
	  "faults completed under the VMA lock: vma_locked_done / faults, retries not counted") \
	X(attempts_1_pct, "%", "faults done in one handle_mm_fault() call")    \
	X(attempts_2_pct, "%", "in two (one VM_FAULT_RETRY)")                  \
	X(attempts_3_pct, "%", "in three")                                     \
	X(attempts_4plus_pct, "%", "in four or more")                          \
	X(mmap_lock_per_fault, "",                                             \
	  "mmap_lock acquisitions (read and write, in faults and outside) per fault") \
	X(mmap_lock_read_in_fault_per_fault, "", "read acquisitions in a fault, per fault") \
	X(mmap_lock_read_outside_per_fault, "", "read acquisitions outside faults, per fault") \
	X(mmap_lock_write_in_fault_per_fault, "", "write acquisitions in a fault, per fault") \
	X(mmap_lock_write_outside_per_fault, "", "write acquisitions outside faults (mmap, munmap...), per fault") \
	X(mmap_lock_wait_ns_per_fault, "ns", "ns waiting for mmap_lock, read and write, per fault") \
	X(mmap_lock_write_wait_ns_per_fault, "ns", "of that, waiting for the write lock") \
	X(mmap_lock_wait_ns_per_write, "ns",                                   \
	  "ns one write acquisition (mmap, munmap...) waited, on average")    \
	X(mmap_lock_wait_p50_us_bound, "us", "median mmap_lock wait: upper bound of its log2 bucket") \
	X(mmap_lock_wait_p99_us_bound, "us", "p99 mmap_lock wait: upper bound of its log2 bucket") \
	X(writer_wait_pct, "%",                                                \
	  "the writer's sleep in its ops (writer_wait_ms) as a % of the victims' summed fault time")

enum vmb_fault_figure {
#define X(name, ...) VMB_FIG_##name,
	VMB_FAULT_FIGURES(X)
#undef X
	VMB_FIG_NR
};

extern const char *const vmb_figure_names[VMB_FIG_NR];
extern const char *const vmb_figure_units[VMB_FIG_NR];
extern const char *const vmb_figure_descs[VMB_FIG_NR];

/*
 * Figure f of res into *v; false when res cannot give it: no counters,
 * no faults, or (the mmap_lock figures) a module without target/mmap_lock;
 * writer_wait_pct: no writer_wait_ms metric, or no victim fault timed.
 */
bool vmb_figure(const struct vmb_result *res, enum vmb_fault_figure f,
		double *v);
/*
 * The upper bound, in us, of the log2 wait bucket that percentile p of
 * the waits in ml (VMB_ML_*) falls in; the open last bucket gives its
 * lower bound. false when no wait was counted.
 */
bool vmb_mmap_lock_wait_pct(const uint64_t *ml, double p, double *us);

/* "ok", "skipped", "failed" */
const char *vmb_status_name(enum vmb_status s);
/* Appended, unless all VMB_MAX_METRICS are taken. */
void vmb_add_metric(struct vmb_result *res, const char *name, double v,
		    bool lower_is_better);
/* The value of the scenario metric name of res: false when it has none. */
bool vmb_result_metric(const struct vmb_result *res, const char *name,
		       double *v);

#endif /* VMB_RESULT_H */
