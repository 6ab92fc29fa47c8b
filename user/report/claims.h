/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The claims the A/B report judges (summary.c): one row each in claims.c,
 * saying which seed it comes from, which scenarios it reads, what it
 * measures, which configurations it compares, which way and how far they
 * are expected to go, and why, naming the kernel function. The report
 * prints a line per row and thread count with the per-repeat values'
 * mean and 95% interval in each configuration, ending in its verdict,
 * then a line per seed (vmb_seeds) and the rows themselves. Adding a
 * claim is a row; a row of a new metric also needs that metric's values
 * in summary.c.
 */
#ifndef VMB_CLAIMS_H
#define VMB_CLAIMS_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/result.h"

enum vmb_verdict {
	VMB_OBSERVED,		/* every interval on the expected side */
	VMB_NOT_OBSERVED,	/* one or more on the other: a finding */
	VMB_NOT_SIGNIFICANT,	/* an interval straddles its threshold */
	VMB_CANNOT_JUDGE,	/* no data here bears on it */
	VMB_VERDICT_NR
};

/* "Observed", "Not observed", "Not significant", "Cannot be judged here" */
extern const char *const vmb_verdict_names[VMB_VERDICT_NR];

enum vmb_claim_role {
	VMB_CLAIM,		/* a seed's claim: judged */
	VMB_CONTROL,		/* shown beside claims, never judged */
	VMB_BUDGET,		/* a target of the bench itself: met or not */
};

enum vmb_claim_metric {
	/* writer ops/s and bystander p99 against their own baselines, x */
	VMB_M_STALL,
	/* compact_ms of scenarios[num] over the other scenario's, by repeat */
	VMB_M_COMPACT,
	/* a figure of how the scenario's faults finished (figure) */
	VMB_M_FIGURE,
	/*
	 * A scenario metric of each result (metric_name, from run --json's
	 * "metrics"); with over_victims, the figure writer_wait_pct instead:
	 * writer_wait_ms (metric_name, shown beside it) as a % of the
	 * victims' summed fault time, as compare and the tables show it;
	 * with a control, less the writer's sleep at the control's rate
	 * over its own time (then not compare's figure)
	 */
	VMB_M_METRIC,
	/* a fault-path counter of each result (counter, VMB_C_*) */
	VMB_M_COUNTER,
	/* the A/B's wall time, s (report --wall) */
	VMB_M_WALL,
};

/* Which configurations an expectation is about. */
enum vmb_cfgs {
	VMB_CFG_ANY,		/* every configuration, whatever its VMA lock */
	VMB_CFG_WITH_LOCK,	/* the per-VMA lock on */
	VMB_CFG_WITHOUT_LOCK,	/* none (before 6.4), or forced off */
	VMB_CFG_FORCED,		/* compiled in, forced off (force_mmap_lock) */
};

enum vmb_direction { VMB_AT_MOST, VMB_AT_LEAST, VMB_BELOW, VMB_ABOVE };

struct vmb_expect {
	enum vmb_cfgs cfgs;
	enum vmb_direction dir;
	double threshold;
};

#define VMB_CLAIM_EXPECTS 2

struct vmb_claim {
	const char *id;
	const char *seed;		/* "001", or NULL: the bench's own */
	const char *title;		/* what the summary line is about */
	const char *scenarios[2];	/* read by the metric */
	const char *what[2];		/* what each scenario stands for */
	int num;			/* VMB_M_COMPACT: the numerator */
	/*
	 * VMB_M_COMPACT, spread: the same pair on one CPU, no remote TLB
	 * flush. The spread pair is judged only where its moves' remote
	 * flushes cost less per page than what separates the pinned pair.
	 */
	const char *pinned[2];
	enum vmb_claim_role role;
	enum vmb_claim_metric metric;
	enum vmb_fault_figure figure;	/* VMB_M_FIGURE */
	const char *metric_name;	/* VMB_M_METRIC */
	bool over_victims;		/* VMB_M_METRIC: VMB_FIG_writer_wait_pct */
	int counter;			/* VMB_M_COUNTER: VMB_C_* */
	/*
	 * VMB_M_STALL: a scenario of the same run whose slowdowns divide
	 * the claim's, repeat by repeat (the victims' CPU use cancels);
	 * VMB_M_METRIC over_victims: one whose writer sleep, per second of
	 * writer ops over all its repeats, is taken off the claim's
	 */
	const char *control;
	const char *measure;		/* the metric, in words */
	struct vmb_expect expect[VMB_CLAIM_EXPECTS];
	int nexpect;
	const char *says;		/* the seed's own figure, if any */
	const char *why;		/* why it is expected: the kernel function */
};

extern const struct vmb_claim vmb_claims[];
extern const size_t vmb_nclaims;

/* A seed of shared/SEEDS.md: its line in the report, rows or not. */
struct vmb_seed {
	const char *seed;		/* "000" */
	const char *title;
	const char *needs;		/* what a scenario must show, when none does */
};

extern const struct vmb_seed vmb_seeds[];
extern const size_t vmb_nseeds;

/* "<=", ">=", "<", ">" */
const char *vmb_direction_op(enum vmb_direction d);
/* Whether x goes the way e expects. */
int vmb_expect_met(const struct vmb_expect *e, double x);
/*
 * The verdict of an interval [lo, hi] against e: Observed when all of it
 * is on the expected side, Not observed when none is, else Not
 * significant.
 */
enum vmb_verdict vmb_expect_judge(const struct vmb_expect *e, double lo,
				  double hi);
/* "with the VMA lock", "without", "every configuration" */
const char *vmb_cfgs_name(enum vmb_cfgs c);

#endif /* VMB_CLAIMS_H */
