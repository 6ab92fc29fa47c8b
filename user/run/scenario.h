/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scenario: a row of the table in scenarios.c (name, what it measures,
 * what it needs) naming a family of scenarios, one scen_*.c file, by its
 * ops, and its kind within the family. Adding a scenario is a row, plus a
 * family or a kind of one. Everything a family needs is here.
 *
 * A family's ops are called in this order, each at most once a run:
 *   prepare   map, open, probe (main thread, before any other thread)
 *   arm       turn the injection on, once the baseline phase is over
 *   victim    each victim thread's body: fault and time every fault
 *   injector  optional: a thread of the scenario's own (a handler, a
 *             compactor), joined after the victims
 *   quiesce   optional: as soon as the injected phase ends (victims done,
 *             time up, Ctrl-C or an error), before the victims are
 *             joined: stop a module injector, so that no victim can stay
 *             blocked behind it
 *   disarm    turn the injection off, add the scenario's own metrics
 *   cleanup   undo everything prepare and arm did; also after a failed
 *             prepare or arm, so it checks what is there to undo
 * Each returns 0 or -errno with a message (vmb_fail()); prepare and arm
 * may return 1 instead: the scenario cannot run here, and why is in
 * r->res->reason (reported as skipped).
 */
#ifndef VMB_SCENARIO_H
#define VMB_SCENARIO_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base.h"
#include "lib/hist.h"
#include "lib/module.h"
#include "lib/result.h"
#include "run/opts.h"
#include "run/signals.h"

struct vmb_run;
struct vmb_watch;
struct vmb_worker;
struct vmb_writer;

struct vmb_scen_ops {
	/* r->priv: this many bytes, zeroed, from before prepare to after cleanup */
	size_t priv_size;
	/* NULL-terminated; r->variant is an index into it (-1: none) */
	const char *const *variants;
	int (*prepare)(struct vmb_run *r);
	int (*arm)(struct vmb_run *r);
	int (*victim)(struct vmb_run *r, struct vmb_worker *w);
	int (*injector)(struct vmb_run *r, struct vmb_worker *w);
	void (*quiesce)(struct vmb_run *r);
	int (*disarm)(struct vmb_run *r);
	void (*cleanup)(struct vmb_run *r);
};

struct vmb_scenario {
	const char *name;
	const char *desc;		/* what it measures, for list and report */
	const char *needs_desc;		/* what it needs, for list */
	uint32_t needs;			/* bits of enum vmb_feature */
	enum vmb_knob knob;		/* a file the module must have, or none */
	const struct vmb_scen_ops *ops;	/* its family */
	int kind;			/* which of the family: its own enum */
};

/* The scenario table (scenarios.c). */
extern const struct vmb_scenario vmb_scenarios[];
extern const size_t vmb_nscenarios;
/* "name" or "name:variant"; *variant is -1 for all variants. */
const struct vmb_scenario *vmb_find_scenario(const char *name, int *variant);
/* Why a scenario cannot run here, in buf; NULL when it can. */
const char *vmb_scenario_missing(const struct vmb_scenario *sc,
				 const struct vmb_module *m, char *buf,
				 size_t size);

/* The families (scen_*.c) and their kinds. */
extern const struct vmb_scen_ops vmb_baseline_ops;
enum { VMB_BASELINE_ANON, VMB_BASELINE_FILE };
extern const struct vmb_scen_ops vmb_inject_ops;
enum {
	VMB_INJECT_FILE,	/* folio_lock/ on a page-cache file, pauses */
	VMB_INJECT_SHMEM,	/* folio_lock/ on a memfd */
	VMB_INJECT_RETRY,	/* folio_lock/ on a file, holds back to back */
	VMB_INJECT_MIGRATION,	/* migration/ on anon, mode restore */
};
extern const struct vmb_scen_ops vmb_swapin_ops;
enum { VMB_SWAPIN_ASYNC, VMB_SWAPIN_SYNC, VMB_SWAPIN_SHARED };
extern const struct vmb_scen_ops vmb_uffd_missing_ops;
enum { VMB_UFFD_MISSING, VMB_UFFD_WAKE_RETRY };
extern const struct vmb_scen_ops vmb_uffd_move_ops;
extern const struct vmb_scen_ops vmb_collapse_ops;
enum { VMB_COLLAPSE_ONE, VMB_COLLAPSE_2PROC };
extern const struct vmb_scen_ops vmb_file_io_ops;

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

/*
 * One mapping cut into equal slices, one per victim, and one spare page
 * after them that no victim touches: the page a --writer mode that acts
 * on the victims' VMA changes (vmb_writer_vma()).
 */
struct vmb_region {
	char *base;
	size_t len;		/* the victims' slices; the VMA is len + spare */
	size_t spare;		/* bytes mapped past len */
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
	struct vmb_watch *watch;	/* bystanders: faults during writer ops */
	pthread_t tid;
} __attribute__((aligned(VMB_CACHELINE)));

struct vmb_run {
	const struct vmb_scenario *sc;
	const struct vmb_opts *o;
	struct vmb_module *mod;
	int variant;		/* index into sc->ops->variants */
	int nvictims;
	uint64_t iterations;	/* per victim; 0 means until stop */
	atomic_int stop;	/* phase is over */
	atomic_int victims_left;
	atomic_int injector_stop;	/* set once every other body is done */
	/*
	 * The injected phase's start gate: each thread faults its own stack
	 * in, counts itself ready and waits for go, so that the counters,
	 * read between the two, are the phase's faults, not the threads'
	 * start-up (engine.c, phase_injected()).
	 */
	bool gated;
	atomic_int ready;
	atomic_int go;
	/*
	 * Threads whose body has returned: the counters are read again once
	 * all have, before any is joined, so that a thread's teardown (its
	 * stack, its memory freed) is not in them.
	 */
	atomic_int finished;
	struct vmb_result *res;
	void *priv;		/* the family's own state: ops->priv_size */
	long page;
	/*
	 * The VMA the victims fault in, for a --writer mode that changes it:
	 * its last page is spare. NULL: the scenario names none (prepare).
	 */
	char *vma;
	size_t vma_len;
	struct vmb_writer *wr;	/* the writer's shared state (writer.c) */
};


static inline bool vmb_should_stop(struct vmb_run *r)
{
	return atomic_load_explicit(&r->stop, memory_order_relaxed) ||
	       atomic_load_explicit(&vmb_interrupted, memory_order_relaxed);
}

/*
 * Touch every page of w->span once per pass, timing each touch; between
 * passes the span's refill (untimed) makes the pages not present again.
 * Victims stop after r->iterations faults, everyone at the phase's end.
 */
int vmb_touch_loop(struct vmb_run *r, struct vmb_worker *w);
/*
 * Name [base, base + len) as the VMA the victims fault in, its last page
 * spare (never touched by a victim), for --writer mprotect/munmap/mremap.
 */
void vmb_writer_vma(struct vmb_run *r, char *base, size_t len);
/* A refill: MADV_DONTNEED of the span. */
int vmb_refill_dontneed(struct vmb_run *r, struct vmb_worker *w);
/* Pages per victim: r->iterations, at most 4096. */
size_t vmb_span_pages(const struct vmb_run *r);
/* vmb_span_pages() per victim of anonymous memory, no THP, a spare page. */
int vmb_region_map_anon(struct vmb_run *r, struct vmb_region *reg);
/*
 * reg->len bytes of the file reg->fd written, so that every fault finds
 * its page in the page cache, then mapped MAP_SHARED at reg->base, no THP.
 */
int vmb_region_map_file(struct vmb_run *r, struct vmb_region *reg,
			const char *what);
void vmb_region_unmap(struct vmb_region *reg);
/* w's slice of reg as its span, refilled with MADV_DONTNEED. */
void vmb_region_span(struct vmb_run *r, struct vmb_region *reg,
		     struct vmb_worker *w, bool write);
/* Default runs: at most about budget_us of injected waiting per victim. */
void vmb_cap_iterations(struct vmb_run *r, uint64_t budget_us,
			uint64_t floor);
/* The reason of a skip, in r->res->reason: returns 1 for prepare or arm. */
int vmb_skip(struct vmb_run *r, const char *fmt, ...) VMB_PRINTF(2, 3);

#endif /* VMB_SCENARIO_H */
