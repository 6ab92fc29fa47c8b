/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The claims the A/B report judges (ab.c): one row each in claims.c,
 * saying which seed it comes from, which scenarios it reads, what it
 * measures, which configurations it compares, which way and how far they
 * are expected to go, and why. The report prints a summary line per row
 * (and thread count), ending in its verdict, and then the rows
 * themselves. Adding a claim is a row; a row of a new metric also needs
 * that metric's summary line in ab.c.
 */
#ifndef VMB_CLAIMS_H
#define VMB_CLAIMS_H

#include <stddef.h>

enum vmb_verdict {
	VMB_OBSERVED,		/* every configuration as expected */
	VMB_NOT_OBSERVED,	/* one or more not: a finding, said plainly */
	VMB_CANNOT_JUDGE,	/* no configuration here bears on it */
	VMB_NOT_SIGNIFICANT,	/* as expected, but not beyond the noise */
};

enum vmb_claim_role {
	VMB_CLAIM,		/* a seed's claim: judged */
	VMB_CONTROL,		/* shown beside claims, never judged */
	VMB_BUDGET,		/* a target of the bench itself: met or not */
};

enum vmb_claim_metric {
	/* writer ops/s and bystander p99 against their own baselines, x */
	VMB_M_STALL,
	/* compact_ms of scenarios[num] over the other scenario's */
	VMB_M_COMPACT,
	/* % of faults that took the VMA lock first, every scenario */
	VMB_M_VMA_HIT,
	/* the A/B's wall time, s (report --wall) */
	VMB_M_WALL,
};

/* Which configurations an expectation is about. */
enum vmb_cfgs {
	VMB_CFG_ANY,		/* every configuration, whatever its VMA lock */
	VMB_CFG_WITH_LOCK,	/* the per-VMA lock on */
	VMB_CFG_WITHOUT_LOCK,	/* none (before 6.4), or forced off */
};

enum vmb_direction { VMB_AT_MOST, VMB_AT_LEAST, VMB_BELOW, VMB_EXACTLY };

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
	/* read by the metric; NULL: every scenario (VMB_M_VMA_HIT) */
	const char *scenarios[2];
	const char *what[2];		/* what each scenario stands for */
	int num;			/* VMB_M_COMPACT: the numerator */
	enum vmb_claim_role role;
	enum vmb_claim_metric metric;
	const char *measure;		/* the metric, in words */
	struct vmb_expect expect[VMB_CLAIM_EXPECTS];
	int nexpect;
	const char *says;		/* the seed's own figure, if any */
	const char *why;		/* why it is expected, one line */
};

extern const struct vmb_claim vmb_claims[];
extern const size_t vmb_nclaims;

/* "<=", ">=", "<", "=" */
const char *vmb_direction_op(enum vmb_direction d);
/* Whether x goes the way e expects. */
int vmb_expect_met(const struct vmb_expect *e, double x);
/* "with the VMA lock", "without", "every configuration" */
const char *vmb_cfgs_name(enum vmb_cfgs c);

#endif /* VMB_CLAIMS_H */
