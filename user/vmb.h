/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmalock-bench: what the parts of the tool share.
 *
 * Errors travel as -errno. The function that knows what went wrong records
 * a message naming the file, knob or argument and what to do with
 * vmb_fail(); main() prints it once.
 */
#ifndef VMB_H
#define VMB_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "vmalock_bench_uapi.h"
#include "hist.h"

#ifndef VMB_VERSION
#define VMB_VERSION "unknown"
#endif

#define VMB_CACHELINE 64
#define VMB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- errors and small helpers (util.c) ---- */
int vmb_fail(int err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *vmb_errmsg(void);
void vmb_clear_error(void);

int vmb_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int vmb_parse_double(const char *s, double min, double max, double *out);
int vmb_read_file(const char *path, char *buf, size_t size);
int vmb_write_file(const char *path, const char *val);
long vmb_page_size(void);

/*
 * The clock: clock_gettime(CLOCK_MONOTONIC) through the vDSO. It needs no
 * calibration and stays correct under TCG and across vCPU migration, where
 * a raw TSC may not; its cost is measured and reported (timing_overhead_ns).
 */
static inline uint64_t vmb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* ---- features and the module (module.c) ---- */
enum vmb_feature {
#define X(name, ...) VMB_F_##name,
	VMB_FEATURES(X)
#undef X
	VMB_F_NR
};

enum vmb_counter {
#define X(name, ...) VMB_C_##name,
	VMB_FAULT_COUNTERS(X)
#undef X
	VMB_C_NR
};

extern const char *const vmb_feature_names[VMB_F_NR];
extern const char *const vmb_feature_descs[VMB_F_NR];
extern const char *const vmb_counter_names[VMB_C_NR];

struct vmb_module {
	char dir[256];		/* debugfs directory of the module */
	bool present;		/* dir/version readable */
	char version[64];
	uint32_t features;	/* bit per enum vmb_feature: from the module */
	bool features_read;
	uint32_t probed;	/* bit per feature: probed by the tool itself */
	char unknown[256];	/* feature lines this tool does not know */
	bool target_set;
};

int vmb_parse_features(const char *text, uint32_t *mask, char *unknown,
		       size_t unknown_size);
int vmb_parse_counters(const char *text, uint64_t *vals, uint32_t *have);
void vmb_module_open(struct vmb_module *m, const char *dir);
void vmb_probe_kernel(struct vmb_module *m);
bool vmb_have(const struct vmb_module *m, enum vmb_feature f);
bool vmb_knob_exists(const struct vmb_module *m, const char *rel);
int vmb_knob_write(const struct vmb_module *m, const char *rel,
		   const char *val);
int vmb_knob_writef(const struct vmb_module *m, const char *rel,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* A "name value" file (stats): the value of name, or -ENOENT. */
int vmb_knob_read_stat(const struct vmb_module *m, const char *rel,
		       const char *name, int64_t *val);
int vmb_module_set_target(struct vmb_module *m, int pid);
/* Returns 0 and fills vals when target/faults could be read. */
int vmb_module_read_counters(const struct vmb_module *m, uint64_t *vals);

/* ---- options (cli.c) ---- */
#define VMB_MAX_THREADS_LIST 16
#define VMB_MAX_SCENARIOS 64
#define VMB_MAX_FILES 16
#define VMB_MAX_BYSTANDERS 64
#define VMB_MAX_VICTIMS 1024

enum vmb_cmd { VMB_CMD_NONE, VMB_CMD_LIST, VMB_CMD_RUN, VMB_CMD_COMPARE,
	       VMB_CMD_PLOT, VMB_CMD_CHECK, VMB_CMD_HELP, VMB_CMD_VERSION,
	       VMB_CMD_REPORT };

struct vmb_opts {
	enum vmb_cmd cmd;
	bool help;		/* --help given for cmd */
	const char *debugfs;	/* module directory */
	/* run */
	const char *scenarios[VMB_MAX_SCENARIOS];
	int nscenarios;
	int threads[VMB_MAX_THREADS_LIST];
	int nthreads;
	uint64_t hold_us;
	uint64_t iterations;	/* per victim thread; 0: use duration */
	bool iterations_set;
	double duration_s;	/* 0: use iterations */
	double baseline_s;	/* no-injection phase of bystanders, writer */
	int repeat;
	int bystanders;
	bool writer;
	bool force_mmap_lock;
	const char *json;
	const char *csv;
	const char *trace;
	bool quiet;
	bool verbose;		/* every role, not one line per run */
	/* compare, plot, report */
	const char *files[VMB_MAX_FILES];
	int nfiles;
	const char *output;
	const char *role;
	/* report */
	bool no_plots;
	double wall_s;		/* the A/B's wall time; 0: not given */
};

int vmb_parse_args(int argc, char **argv, struct vmb_opts *o);
void vmb_usage(FILE *f, enum vmb_cmd cmd);

/* ---- scenarios and the engine (engine.c, scen_*.c) ---- */
enum vmb_role { VMB_ROLE_VICTIM, VMB_ROLE_BYSTANDER, VMB_ROLE_BYSTANDER_BASE,
		VMB_ROLE_WRITER, VMB_ROLE_WRITER_BASE, VMB_ROLE_INJECTOR,
		VMB_ROLE_NR };
extern const char *const vmb_role_names[VMB_ROLE_NR];

struct vmb_run;
struct vmb_worker;

/*
 * The per-victim fault loop of vmb_touch_loop(): which pages to touch and
 * how to make them not present again once all have been touched.
 */
struct vmb_span {
	char *base;
	size_t npages;
	bool write;		/* store (allocating) or load */
	int (*refill)(struct vmb_run *r, struct vmb_worker *w);
};

/* One mapping cut into equal slices, one per victim. */
struct vmb_region {
	char *base;
	size_t len;
	size_t per;		/* pages per victim */
	int fd;
};

struct vmb_worker {
	struct vmb_hist hist;	/* written by this thread only */
	uint64_t ops;
	uint64_t t_start, t_end;
	struct vmb_run *run;
	enum vmb_role role;
	int id;
	int err;
	struct vmb_span span;
	pthread_t tid;
	void *priv;
} __attribute__((aligned(VMB_CACHELINE)));

#define VMB_MAX_METRICS 12
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
	char scenario[64];
	int threads;
	int repeat;
	enum vmb_status status;
	char reason[256];
	double elapsed_s;
	uint64_t iterations;
	struct vmb_role_result roles[VMB_ROLE_NR];
	bool have_counters;
	uint64_t counters[VMB_C_NR];
	struct vmb_metric metrics[VMB_MAX_METRICS];
	int nmetrics;
};

struct vmb_scenario {
	const char *name;
	const char *desc;
	const char *needs_desc;	/* human text for list */
	uint32_t needs;		/* features: bits of enum vmb_feature */
	const char *knob;	/* module knob file that must exist, or NULL */
	const char *const *variants;	/* NULL-terminated, or NULL */
	/* NULL victim: registered, body not in this tool yet */
	int (*prepare)(struct vmb_run *r);
	int (*arm)(struct vmb_run *r);
	int (*victim)(struct vmb_run *r, struct vmb_worker *w);
	int (*disarm)(struct vmb_run *r);
	void (*cleanup)(struct vmb_run *r);
	/* Optional thread of the scenario's own (handler, compactor). */
	int (*injector)(struct vmb_run *r, struct vmb_worker *w);
	/*
	 * Optional, called as soon as the injected phase ends (victims done,
	 * duration over, Ctrl-C or an error) and before the victims are
	 * joined: stops a module injector, so that no victim can stay
	 * blocked behind it.
	 */
	void (*quiesce)(struct vmb_run *r);
};

struct vmb_run {
	const struct vmb_scenario *sc;
	const struct vmb_opts *o;
	struct vmb_module *mod;
	int variant;		/* index into sc->variants */
	int nvictims;
	uint64_t iterations;	/* per victim; 0 means until stop */
	atomic_int stop;	/* phase is over */
	atomic_int victims_left;
	atomic_int injector_stop;	/* set after the victims are joined */
	struct vmb_result *res;
	void *priv;		/* scenario's own state */
	long page;
};

/* The scenarios outside scenarios.c (scen_*.c). */
extern const struct vmb_scenario vmb_sc_folio_lock_file;
extern const struct vmb_scenario vmb_sc_folio_lock_shmem;
extern const struct vmb_scenario vmb_sc_folio_lock_retry;
extern const struct vmb_scenario vmb_sc_swap_async;
extern const struct vmb_scenario vmb_sc_swap_sync;
extern const struct vmb_scenario vmb_sc_swap_shared;
extern const struct vmb_scenario vmb_sc_migration;
extern const struct vmb_scenario vmb_sc_uffd_missing;
extern const struct vmb_scenario vmb_sc_uffd_move;
extern const struct vmb_scenario vmb_sc_collapse_shmem;
extern const struct vmb_scenario *const vmb_scenarios[];
extern const size_t vmb_nscenarios;
const struct vmb_scenario *vmb_find_scenario(const char *name, int *variant);
/* Why a scenario cannot run here; NULL when it can. */
const char *vmb_scenario_missing(const struct vmb_scenario *sc,
				 const struct vmb_module *m, char *buf,
				 size_t size);

extern atomic_int vmb_interrupted;
/*
 * SIGINT/SIGTERM: a thread of their own disarms moddir's injectors and
 * sets vmb_interrupted. Call before any other thread is created; a child
 * calls vmb_child_signals() before exec.
 */
void vmb_install_signals(const char *moddir);
void vmb_child_signals(void);
int vmb_touch_loop(struct vmb_run *r, struct vmb_worker *w);
int vmb_refill_dontneed(struct vmb_run *r, struct vmb_worker *w);
int vmb_map_anon(size_t len, bool nohuge, char **out);
size_t vmb_span_pages(const struct vmb_run *r);
int vmb_region_map_anon(struct vmb_run *r, struct vmb_region *reg);
void vmb_region_unmap(struct vmb_region *reg);
void vmb_region_span(struct vmb_run *r, struct vmb_region *reg,
		     struct vmb_worker *w, bool write);
void vmb_add_metric(struct vmb_result *res, const char *name, double v,
		    bool lower_is_better);
/* Default runs: at most about budget_us of injected waiting per victim. */
void vmb_cap_iterations(struct vmb_run *r, uint64_t budget_us,
			uint64_t floor);
static inline bool vmb_should_stop(struct vmb_run *r)
{
	return atomic_load_explicit(&r->stop, memory_order_relaxed) ||
	       atomic_load_explicit(&vmb_interrupted, memory_order_relaxed);
}

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

void vmb_measure_overhead(struct vmb_env *env);
int vmb_run_one(const struct vmb_scenario *sc, int variant, int threads,
		int repeat, const struct vmb_opts *o, struct vmb_module *mod,
		uint64_t iterations, struct vmb_result *res);
int vmb_cmd_run(const struct vmb_opts *o);

/* ---- output (report.c) ---- */
/* "850ns", "12.3us", "1.05ms", "2.00s" */
const char *vmb_fmt_ns(char *buf, size_t size, double ns);
void vmb_print_result(FILE *f, const struct vmb_result *res, bool header,
		      bool verbose);
int vmb_write_json(const char *path, const struct vmb_opts *o,
		   const struct vmb_env *env, const struct vmb_module *mod,
		   const struct vmb_result *res, size_t n);
int vmb_write_csv(const char *path, const struct vmb_result *res, size_t n);

/* ---- compare, plot, trace, check, list ---- */
int vmb_cmd_compare(const struct vmb_opts *o);
int vmb_cmd_plot(const struct vmb_opts *o);
int vmb_cmd_report(const struct vmb_opts *o);
int vmb_cmd_list(const struct vmb_opts *o);
int vmb_cmd_check(const struct vmb_opts *o);
int vmb_trace_start(const char *file, pid_t *pid);
/* Record the calling thread's role (VMB_ROLE_NR: the main thread). */
void vmb_trace_note_tid(enum vmb_role role);
int vmb_trace_stop(pid_t pid, const char *file, bool quiet);

#endif /* VMB_H */
