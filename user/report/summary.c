// SPDX-License-Identifier: GPL-2.0
/*
 * The A/B report's verdicts: a line per claim (claims.c) and thread
 * count, computed from the data and ending in its verdict, then a line
 * per seed, then the claims themselves, so that a reader sees what each
 * line checks and why.
 *
 * Every judged value is taken repeat by repeat (a slowdown against the
 * same repeat's baseline, or over a control scenario's of the same
 * repeat; a MOVE/COPY ratio of the same repeat index; a figure of the
 * repeat's faults; a scenario metric, or a counter, of the repeat), and
 * carries the 95% t-interval of its mean over the repeats; a ratio (the
 * slowdowns, MOVE/COPY) its geometric mean and the t-interval of its
 * logarithms, taken back (judge()). A configuration's verdict is Observed when the
 * whole interval is on the expected side of the threshold, Not observed
 * when none of it is (a finding about the kernel, said plainly), and Not
 * significant when the interval straddles the threshold or there is only
 * one repeat: the noise is then as large as the effect, and the line
 * shows the interval. A line is Not observed if any configuration is,
 * else Not significant if any is, else Observed if any was judged.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base.h"
#include "lib/clock.h"
#include "report/claims.h"
#include "report/model.h"
#include "run/opts.h"
#include "run/scenario.h"

#define MAX_REP 1000

/* What a line found: its verdict so far and the reasons for it. */
struct verdict {
	enum vmb_verdict v;
	int judged;
	char why[1024];
	size_t len;
};

static void say(struct verdict *v, const char *fmt, ...) VMB_PRINTF(2, 3);

static void say(struct verdict *v, const char *fmt, ...)
{
	va_list ap;

	if (v->len >= sizeof(v->why))
		return;
	if (v->len)
		v->len += (size_t)snprintf(v->why + v->len,
					   sizeof(v->why) - v->len, "; ");
	if (v->len >= sizeof(v->why))
		return;
	va_start(ap, fmt);
	v->len += (size_t)vsnprintf(v->why + v->len, sizeof(v->why) - v->len,
				    fmt, ap);
	va_end(ap);
}

/* A configuration's verdict into the line's: the worst one wins. */
static void add_verdict(struct verdict *line, enum vmb_verdict v)
{
	if (v == VMB_CANNOT_JUDGE)
		return;
	line->judged = 1;
	if (v == VMB_NOT_OBSERVED ||
	    (v == VMB_NOT_SIGNIFICANT && line->v != VMB_NOT_OBSERVED) ||
	    line->v == VMB_CANNOT_JUDGE)
		line->v = v;
}

/* The verdicts of the lines, for the seeds' lines and verdicts.tsv. */
struct tally {
	FILE *tsv;
	int n[VMB_VERDICT_NR];
};

static struct tally *seed_tally;	/* vmb_nseeds of them */

static void record(const struct vmb_claim *cl, int threads,
		   enum vmb_verdict v, struct tally *all)
{
	size_t i;
	int k;

	if (all->tsv) {
		fprintf(all->tsv, "%s\t%d\t%s\t", cl->id, threads,
			vmb_verdict_names[v]);
		for (k = 0; k < 2 && cl->scenarios[k]; k++)
			fprintf(all->tsv, "%s%s", k ? "," : "", cl->scenarios[k]);
		/* A run again (scripts/ab --budget) needs its control too. */
		if (cl->control)
			fprintf(all->tsv, ",%s", cl->control);
		fprintf(all->tsv, "\t%s\n",
			cl->metric == VMB_M_FIGURE ? "alone" : "suite");
	}
	all->n[v]++;
	for (i = 0; cl->seed && i < vmb_nseeds; i++)
		if (!strcmp(vmb_seeds[i].seed, cl->seed))
			seed_tally[i].n[v]++;
}

static enum vmb_verdict verdict_end(FILE *f, const struct verdict *v,
				    const char *cannot)
{
	enum vmb_verdict r = v->judged ? v->v : VMB_CANNOT_JUDGE;

	switch (r) {
	case VMB_CANNOT_JUDGE:
		fprintf(f, " **Cannot be judged here**: %s.\n", cannot);
		break;
	case VMB_OBSERVED:
		fputs(" **Observed.**\n", f);
		break;
	default:
		fprintf(f, " **%s**: %s.\n", vmb_verdict_names[r], v->why);
		break;
	}
	return r;
}

/* The configurations an expectation is about, as a mask of enum ab_vma. */
static unsigned int vmas_of(enum vmb_cfgs cfgs)
{
	switch (cfgs) {
	case VMB_CFG_WITH_LOCK:
		return 1U << VMA_ON;
	case VMB_CFG_WITHOUT_LOCK:
		return 1U << VMA_FORCED_OFF | 1U << VMA_NONE;
	case VMB_CFG_FORCED:
		return 1U << VMA_FORCED_OFF;
	default:
		return ~0U;
	}
}

/* The expectation of cl that configuration c is held to, or NULL. */
static const struct vmb_expect *expect_for(const struct vmb_claim *cl,
					   const struct ab_cfg *c)
{
	const struct vmb_expect *e;
	int i;

	for (i = 0; i < cl->nexpect; i++) {
		e = &cl->expect[i];
		if (e->cfgs == VMB_CFG_ANY)
			return e;
		if (c->vma != VMA_UNKNOWN && (vmas_of(e->cfgs) & (1U << c->vma)))
			return e;
	}
	return NULL;
}

/* A mean over the repeats, its interval, and how it stands against e. */
struct judged {
	struct vmb_stat s;
	double lo, hi;
	bool interval;
	bool not_positive;	/* a ratio with a value <= 0: no interval */
	enum vmb_verdict v;
};

/*
 * A ratio (a slowdown, MOVE over COPY) is judged on its logarithm: its
 * geometric mean and the t-interval of its logs, taken back. A ratio of
 * two times is skewed (2x and 0.5x are as far from 1), so one slow repeat
 * of the numerator (10x where the rest read 1x) drags an arithmetic mean
 * and stretches its interval on one side only; the geometric mean of
 * B/A is the inverse of A/B's, where the arithmetic means differ. The
 * interval is then one of the geometric mean (the median, for a
 * log-normal ratio). Every value must be finite and positive: a ratio
 * with a 0 in it (a p99 of 0) gives no interval, said so.
 */
static bool log_stats(const double *x, int n, struct vmb_stat *s)
{
	double l[MAX_REP];
	int i;

	for (i = 0; i < n; i++) {
		if (!isfinite(x[i]) || !(x[i] > 0))
			return false;
		l[i] = log(x[i]);
	}
	vmb_stats(l, n, s);
	return true;
}

static struct judged judge(const double *x, int n, bool ratio,
			   const struct vmb_expect *e)
{
	struct judged j = { .v = VMB_CANNOT_JUDGE };
	struct vmb_stat l;

	if (ratio && n && log_stats(x, n, &l)) {
		j.s = l;
		j.s.mean = exp(l.mean);
		j.s.sd = NAN;	/* in log units: not the mean's */
		j.interval = vmb_interval95(&l, &j.lo, &j.hi);
		if (j.interval) {
			j.lo = exp(j.lo);
			j.hi = exp(j.hi);
		}
	} else {
		vmb_stats(x, n, &j.s);
		j.not_positive = ratio && n;
		j.interval = !ratio && vmb_interval95(&j.s, &j.lo, &j.hi);
	}
	if (!e || !n)
		return j;
	j.v = j.interval ? vmb_expect_judge(e, j.lo, j.hi) :
			   VMB_NOT_SIGNIFICANT;
	return j;
}

/* "3.5 [3.1, 3.9]", or "3.5 (1 repeat)" */
static const char *fmt_judged(char *buf, size_t size, const struct judged *j,
			      const char *unit)
{
	if (j->interval)
		snprintf(buf, size, "%.3g%s [%.3g, %.3g]", j->s.mean, unit,
			 j->lo, j->hi);
	else if (j->not_positive)
		snprintf(buf, size, "%.3g%s (%d repeats, a ratio not above 0 among them: no interval)",
			 j->s.mean, unit, j->s.n);
	else
		snprintf(buf, size, "%.3g%s (%d repeat%s: no interval)",
			 j->s.mean, unit, j->s.n, j->s.n == 1 ? "" : "s");
	return buf;
}

/* A configuration's judged value into the line's verdict and reasons. */
static void judge_into(struct verdict *v, const char *label, const char *what,
		       const struct judged *j, const struct vmb_expect *e,
		       const char *unit)
{
	char b[96];

	if (!e || !j->s.n)
		return;
	add_verdict(v, j->v);
	if (j->v == VMB_OBSERVED)
		return;
	fmt_judged(b, sizeof(b), j, unit);
	if (j->v == VMB_NOT_OBSERVED)
		say(v, "%s%s%s %s (expected %s %g%s)", label, what[0] ? " " : "",
		    what, b, vmb_direction_op(e->dir), e->threshold, unit);
	else
		say(v, "%s%s%s %s, against %s %g%s", label, what[0] ? " " : "",
		    what, b, vmb_direction_op(e->dir), e->threshold, unit);
}

static const char *threads_word(int n, const char *what, char *buf,
				size_t size)
{
	snprintf(buf, size, "%d %s thread%s", n, what, n == 1 ? "" : "s");
	return buf;
}

/* The thread counts a claim's scenarios ran with, the first's first. */
static int claim_threads(const struct vmb_claim *cl, const struct ab_cfg *c,
			 int nc, int *t)
{
	int n = ab_threads_of(c, nc, cl->scenarios[0], t, VMB_MAX_THREADS_LIST);

	if (!n && cl->scenarios[1])
		n = ab_threads_of(c, nc, cl->scenarios[1], t,
				  VMB_MAX_THREADS_LIST);
	return n;
}

static bool ok_at(const struct vmb_result *r, const char *sc, int threads)
{
	return r->status == VMB_OK && r->threads == threads &&
	       !strcmp(r->scenario, sc);
}

/* The same repeat of another scenario at the same thread count. */
static const struct vmb_result *same_repeat(const struct ab_cfg *c,
					    const char *sc, int threads,
					    int repeat)
{
	size_t k;

	for (k = 0; k < c->l.n; k++)
		if (ok_at(&c->l.res[k], sc, threads) &&
		    c->l.res[k].repeat == repeat)
			return &c->l.res[k];
	return NULL;
}

static double ops_of(const struct vmb_role_result *rr)
{
	return rr->present && rr->secs > 0 ? (double)rr->ops / rr->secs : 0;
}

/* Whether c has a victims-alone result of sc at threads. */
static bool has_alone(const struct ab_cfg *c, const char *sc, int threads)
{
	size_t k;

	for (k = 0; k < c->l.n; k++)
		if (c->l.res[k].alone && ok_at(&c->l.res[k], sc, threads))
			return true;
	return false;
}

/* What part of a claim a value is. */
enum part { P_WRITER, P_BYSTANDER, P_RATIO, P_FIGURE, P_METRIC, P_COUNTER };

/*
 * The value of part of cl in one result r of c: a writer's slowdown (its
 * baseline ops/s over its ops/s during the injection), a bystander
 * p99's (during over baseline), a COMPACT ratio of the same repeat index,
 * a figure, a scenario metric (per writer op, %), a counter. false when
 * r has none.
 */
static bool value_of(const struct vmb_claim *cl, enum part part,
		     const struct ab_cfg *c, const struct vmb_result *r,
		     double *v)
{
	const struct vmb_role_result *in, *base;
	const struct vmb_result *o;
	struct vmb_stat a, b;

	switch (part) {
	case P_WRITER:
		in = &r->roles[VMB_ROLE_WRITER];
		base = &r->roles[VMB_ROLE_WRITER_BASE];
		if (!in->present || !base->present || ops_of(base) <= 0 ||
		    (!in->ops && in->secs < AB_MIN_PHASE_S))
			return false;
		/*
		 * A writer blocked for the whole phase did fewer than one op:
		 * counted as one, a lower bound of its slowdown.
		 */
		*v = ops_of(base) / (in->ops ? ops_of(in) : 1 / in->secs);
		return true;
	case P_BYSTANDER:
		in = &r->roles[VMB_ROLE_BYSTANDER];
		base = &r->roles[VMB_ROLE_BYSTANDER_BASE];
		if (!in->h.count || !base->h.count)
			return false;
		*v = (double)vmb_hist_pct(&in->h, 99) /
		     (double)vmb_hist_pct(&base->h, 99);
		return true;
	case P_RATIO:
		o = same_repeat(c, cl->scenarios[!cl->num], r->threads,
				r->repeat);
		if (!o)
			return false;
		a = ab_metric_of(r, "compact_ms");
		b = ab_metric_of(o, "compact_ms");
		if (!a.n || !b.n || b.mean <= 0)
			return false;
		*v = a.mean / b.mean;
		return true;
	case P_METRIC:
		/*
		 * A share of the victims' fault time: compare's figure too
		 * (values_at() takes a control's sleep off it).
		 */
		if (cl->over_victims)
			return vmb_figure(r, VMB_FIG_writer_wait_pct, v);
		a = ab_metric_of(r, cl->metric_name);
		if (!a.n)
			return false;
		*v = a.mean;
		return true;
	case P_COUNTER:
		if (!r->have_counters)
			return false;
		*v = (double)r->counters[cl->counter];
		return true;
	default:
		return vmb_figure(r, cl->figure, v);
	}
}

/*
 * The control's writer sleep, ms per second of the writer's ops, pooled
 * over every repeat of the control at threads in c: a rate, so that it
 * can be taken off a scenario whose phase is longer or shorter. Pooled,
 * not of the same repeat: one repeat's phase of the control holds a
 * sleep or two, and its rate alone swings from 0 to hundreds of ms/s.
 */
static bool ctl_sleep_rate(const struct vmb_claim *cl, const struct ab_cfg *c,
			   int threads, double *rate)
{
	double ms, sum_ms = 0, secs = 0;
	size_t k;

	for (k = 0; k < c->l.n; k++) {
		const struct vmb_result *r = &c->l.res[k];
		const struct vmb_role_result *w = &r->roles[VMB_ROLE_WRITER];

		if (!ok_at(r, cl->control, threads) || r->alone ||
		    !w->present || w->secs <= 0 ||
		    !vmb_result_metric(r, "writer_wait_ms", &ms))
			continue;
		sum_ms += ms;
		secs += w->secs;
	}
	if (secs <= 0)
		return false;
	*rate = sum_ms / secs;
	return true;
}

/*
 * A writer-sleep share of r with a control: less the sleep the writer
 * would have had at the control's rate (ms/s) over its own ops' time, as
 * a share of the same victims' fault time. What is left is sleep the
 * injection added; it can be below 0 (less than with nothing injected).
 */
static bool less_ctl_sleep(const struct vmb_result *r, double rate, double *v)
{
	const struct vmb_role_result *w = &r->roles[VMB_ROLE_WRITER];
	const struct vmb_hist *h = &r->roles[VMB_ROLE_VICTIM].h;

	if (!w->present || w->secs <= 0 || !h->sum)
		return false;
	*v -= 100 * rate * w->secs * 1e6 / (double)h->sum;
	return true;
}

/*
 * The per-repeat values of part of cl in c at threads; with a control,
 * a slowdown over the control's of the same repeat, a writer-sleep share
 * less the sleep at the control's rate (less_ctl_sleep()). Returns how
 * many.
 */
static int values_at(const struct vmb_claim *cl, enum part part,
		     const struct ab_cfg *c, int threads, double *x)
{
	const char *sc = cl->scenarios[part == P_RATIO ? cl->num : 0];
	/* A figure from the victims-alone runs when there are any. */
	bool alone = part == P_FIGURE && has_alone(c, sc, threads);
	bool ctl = cl->control && (part == P_WRITER || part == P_BYSTANDER);
	/* A writer-sleep share's control: its rate, the same for every repeat. */
	bool sub = cl->control && part == P_METRIC && cl->over_victims;
	double rate = 0;
	size_t k;
	int n = 0;

	if (sub && !ctl_sleep_rate(cl, c, threads, &rate))
		return 0;
	for (k = 0; k < c->l.n && n < MAX_REP; k++) {
		const struct vmb_result *r = &c->l.res[k], *o;
		double v, w;

		if (!ok_at(r, sc, threads) || (alone && !r->alone) ||
		    !value_of(cl, part, c, r, &v))
			continue;
		if (sub && !less_ctl_sleep(r, rate, &v))
			continue;
		if (ctl) {
			o = same_repeat(c, cl->control, threads, r->repeat);
			if (!o || !value_of(cl, part, c, o, &w) || w <= 0)
				continue;
			v /= w;
		}
		x[n++] = v;
	}
	return n;
}

static struct judged judged_of(const struct vmb_claim *cl, enum part part,
			       const struct ab_cfg *c, int threads)
{
	static double x[MAX_REP];

	return judge(x, values_at(cl, part, c, threads, x),
		     part == P_WRITER || part == P_BYSTANDER || part == P_RATIO,
		     expect_for(cl, c));
}

/* Figure fig of cl's scenario in c at threads, unjudged. */
static struct judged judged_fig(const struct vmb_claim *cl,
				enum vmb_fault_figure fig,
				const struct ab_cfg *c, int threads)
{
	struct vmb_claim other = *cl;
	static double x[MAX_REP];

	other.figure = fig;
	return judge(x, values_at(&other, P_FIGURE, c, threads, x), false,
		     NULL);
}

/* "within 1.5x of baseline with the VMA lock (6.12), ..." */
static void expected(FILE *f, const struct vmb_claim *cl,
		     const struct ab_cfg *c, int nc, const char *unit)
{
	char on[160];
	int i;

	fputs(" Expected:", f);
	for (i = 0; i < cl->nexpect; i++) {
		const struct vmb_expect *e = &cl->expect[i];

		fprintf(f, "%s %s %g%s %s", i ? "," : "",
			vmb_direction_op(e->dir), e->threshold, unit,
			vmb_cfgs_name(e->cfgs));
		if (e->cfgs != VMB_CFG_ANY)
			fprintf(f, " (%s)",
				ab_labels_of(c, nc, vmas_of(e->cfgs),
					     on, sizeof(on)));
	}
	if (cl->says)
		fprintf(f, " (the seed: %s)", cl->says);
	fputc('.', f);
}

/* "- **seed 001** `seed001-shmem`, TITLE (`SC`, 1 victim thread)" */
static void line_head(FILE *f, const struct vmb_claim *cl, int threads,
		      const char *who)
{
	char thr[32];
	int k;

	fprintf(f, "- **%s%s** `%s`, %s (", cl->seed ? "seed " : "",
		cl->seed ? cl->seed : "bench", cl->id, cl->title);
	for (k = 0; k < 2 && cl->scenarios[k]; k++)
		fprintf(f, "%s`%s`", k ? ", " : "", cl->scenarios[k]);
	if (threads)
		fprintf(f, ", %s", threads_word(threads, who, thr, sizeof(thr)));
	fputc(')', f);
}

/*
 * Seed 001 (and the d065bd810b6d measurement): while one fault sleeps on a
 * held folio or slow swap I/O holding its lock, does an mmap()/munmap()
 * writer keep going, and do faults elsewhere? Each side is compared with
 * its own no-injection baseline of the same repeat.
 */
/*
 * The mean of part of cl's own scenario (or of its control's), each
 * repeat against its baseline only: what a control divides.
 */
static double raw_mean(const struct vmb_claim *cl, enum part part,
		       const struct ab_cfg *c, int t, bool of_control)
{
	struct vmb_claim raw = *cl;
	static double x[MAX_REP];

	raw.control = NULL;
	if (of_control)
		raw.scenarios[0] = cl->control;
	/* A geometric mean, as the slowdown it is shown beside. */
	return judge(x, values_at(&raw, part, c, t, x), true, NULL).s.mean;
}

/* ", over the control's" and the two slowdowns it divides. */
static void control_said(FILE *f, const struct vmb_claim *cl, enum part part,
			 const struct ab_cfg *c, int t)
{
	if (cl->control)
		fprintf(f, " (%.3gx over %.3gx)", raw_mean(cl, part, c, t, false),
			raw_mean(cl, part, c, t, true));
}

static enum vmb_verdict stall_line(FILE *f, const struct vmb_claim *cl,
				   const struct ab_cfg *c, int nc, int t)
{
	const char *sc = cl->scenarios[0];
	const char *over = cl->control ? " over the control's" : "";
	struct verdict v = { .v = VMB_CANNOT_JUDGE };
	char a[96], h[32], why[320];
	int i;

	line_head(f, cl, t, "victim");
	fprintf(f, ", during a %s hold: writer slowdown (baseline ops/s over ops/s)",
		ab_fmt_hold(h, sizeof(h), ab_hold_of(c, nc, sc)));
	if (cl->control)
		fprintf(f, " over the control's (`%s`, the same repeat)",
			cl->control);
	for (i = 0; i < nc; i++) {
		struct judged j = judged_of(cl, P_WRITER, &c[i], t);
		struct vmb_stat w = ab_get(&c[i], sc, t, VMB_ROLE_WRITER, K_OPS);
		struct vmb_stat wb = ab_get(&c[i], sc, t, VMB_ROLE_WRITER_BASE,
					    K_OPS);

		if (!j.s.n) {
			fprintf(f, "%s %s: %s", i ? "," : "", c[i].label,
				ab_why_or(&c[i], sc, t, why, sizeof(why),
					  cl->control ? "no writer, or no control" :
							"no writer"));
			continue;
		}
		fprintf(f, "%s %s: %s", i ? "," : "", c[i].label,
			fmt_judged(a, sizeof(a), &j, "x"));
		control_said(f, cl, P_WRITER, &c[i], t);
		fprintf(f, " (%.0f ops/s, baseline %.0f)", w.mean, wb.mean);
		judge_into(&v, c[i].label, cl->control ?
			   "writer slowdown over the control's" :
			   "writer slowdown", &j, expect_for(cl, &c[i]), "x");
	}
	fprintf(f, ". Bystander p99 slowdown%s", over);
	for (i = 0; i < nc; i++) {
		struct judged j = judged_of(cl, P_BYSTANDER, &c[i], t);

		if (!j.s.n) {
			fprintf(f, "%s %s: -", i ? "," : "", c[i].label);
			continue;
		}
		fprintf(f, "%s %s: %s", i ? "," : "", c[i].label,
			fmt_judged(a, sizeof(a), &j, "x"));
		control_said(f, cl, P_BYSTANDER, &c[i], t);
		judge_into(&v, c[i].label, cl->control ?
			   "bystander p99 slowdown over the control's" :
			   "bystander p99 slowdown", &j, expect_for(cl, &c[i]), "x");
	}
	fputc('.', f);
	expected(f, cl, c, nc, "x");
	return verdict_end(f, &v,
			   "no configuration with a known VMA-lock state has this data");
}

/*
 * A scenario metric or a counter of each result against a threshold:
 * seed 001's cost (writer_waits per writer op, in the SCENARIO+MODE runs),
 * seed 003's retries after FAULT_FLAG_TRIED. Shown beside it, unjudged:
 * bystander faults queued behind a waiting writer (behind_writer), or the
 * faults done in four or more attempts.
 */
static enum vmb_verdict value_line(FILE *f, const struct vmb_claim *cl,
				   const struct ab_cfg *c, int nc, int t)
{
	enum part part = cl->metric == VMB_M_COUNTER ? P_COUNTER : P_METRIC;
	const char *unit = cl->over_victims ? "%" : "";
	const char *sc = cl->scenarios[0];
	struct verdict v = { .v = VMB_CANNOT_JUDGE };
	char a[96], h[32], why[320];
	int i;

	line_head(f, cl, t, "victim");
	if (part == P_COUNTER)
		fprintf(f, ": `%s` per run", vmb_counter_names[cl->counter]);
	else if (cl->over_victims)
		fprintf(f, ", during a %s hold: `%s` over the victims' summed fault time%s%s%s",
			ab_fmt_hold(h, sizeof(h), ab_hold_of(c, nc, sc)),
			cl->metric_name,
			cl->control ? ", less the writer's sleep at the control's rate (`" : "",
			cl->control ? cl->control : "",
			cl->control ? "`, nothing injected: ms per second of writer ops, all its repeats)" : "");
	else	/* a scenario's own figure: no hold need be in it */
		fprintf(f, ": `%s`", cl->metric_name);
	for (i = 0; i < nc; i++) {
		struct judged j = judged_of(cl, part, &c[i], t);

		if (!j.s.n) {
			fprintf(f, "%s %s: %s", i ? "," : "", c[i].label,
				ab_why_or(&c[i], sc, t, why, sizeof(why),
					  part == P_COUNTER ?
					  "no fault counters (no module)" :
					  cl->control && cl->over_victims ?
					  "no such metric, no writer op, or none in the control to take off" :
					  "no such metric, or no writer op"));
			continue;
		}
		fprintf(f, "%s %s: %s", i ? "," : "", c[i].label,
			fmt_judged(a, sizeof(a), &j, unit));
		if (part == P_COUNTER) {
			struct vmb_stat s = ab_get_figure(&c[i], sc, t,
							  VMB_FIG_attempts_4plus_pct);

			if (s.n)
				fprintf(f, " (4+ attempts: %.3g%% of the process's faults)",
					s.mean);
		} else if (cl->over_victims) {
			struct vmb_stat w = ab_get_metric(&c[i], sc, t,
							  "writer_waits");
			struct vmb_stat ms = ab_get_metric(&c[i], sc, t,
							   cl->metric_name);
			struct vmb_stat bh = ab_get_metric(&c[i], sc, t,
							   "behind_writer");
			struct vmb_stat rw = ab_get_metric(&c[i], sc, t,
							   "writer_refill_waits");

			fprintf(f, " (%s %.3g, writer_waits %.3g",
				cl->metric_name, ms.mean, w.mean);
			if (cl->control) {
				struct vmb_stat raw = ab_get_figure(&c[i], sc, t,
								    VMB_FIG_writer_wait_pct);
				double rate;

				if (raw.n)
					fprintf(f, ", %.3g%% before the control", raw.mean);
				if (ctl_sleep_rate(cl, &c[i], t, &rate))
					fprintf(f, ", the control's %.3g ms/s", rate);
			}
			if (bh.n)
				fprintf(f, ", behind_writer %.3g", bh.mean);
			/* Sleeps during a victim's refill: not in the share. */
			if (rw.n && rw.mean > 0)
				fprintf(f, ", writer_refill_waits %.3g", rw.mean);
			fputc(')', f);
		}
		judge_into(&v, c[i].label, "", &j, expect_for(cl, &c[i]), unit);
	}
	fputc('.', f);
	expected(f, cl, c, nc, unit);
	return verdict_end(f, &v,
			   "no configuration with a known VMA-lock state has this data");
}

/*
 * A control row: slowdowns shown, never judged. Seed 001's,
 * baseline-anon, injects nothing, so its slowdowns against the baselines
 * are what CPU sharing alone costs (the victims run during the measured
 * phase, not in its baseline), plus, in a forced configuration, what the
 * force path itself costs; seed 004's, collapse-shmem-2proc, is what the
 * collapses' CPU and the second process cost, lock or not. The row's why
 * says which.
 */
static void control_line(FILE *f, const struct vmb_claim *cl,
			 const struct ab_cfg *c, int nc, int t)
{
	char a[96];
	int i, shown = 0;

	line_head(f, cl, t, "victim");
	fputs(": writer slowdown", f);
	for (i = 0; i < nc; i++) {
		struct judged j = judged_of(cl, P_WRITER, &c[i], t);

		fprintf(f, "%s %s: %s", i ? "," : "", c[i].label,
			j.s.n ? fmt_judged(a, sizeof(a), &j, "x") : "-");
	}
	fputs(", bystander p99 slowdown", f);
	for (i = 0; i < nc; i++) {
		struct judged j = judged_of(cl, P_BYSTANDER, &c[i], t);

		fprintf(f, "%s %s: %s", i ? "," : "", c[i].label,
			j.s.n ? fmt_judged(a, sizeof(a), &j, "x") : "-");
	}
	for (i = 0; i < nc; i++) {
		struct judged j = judged_fig(cl, VMB_FIG_mmap_lock_wait_ns_per_write,
					     &c[i], t);
		struct judged r = judged_fig(cl, VMB_FIG_mmap_lock_read_in_fault_per_fault,
					     &c[i], t);

		if (!j.s.n || !r.s.n)
			continue;
		fprintf(f, "%s %s: %s", shown++ ? "," : "; mmap_lock reads per fault and wait per write acquisition",
			c[i].label, fmt_judged(a, sizeof(a), &r, ""));
		fprintf(f, ", %s", fmt_judged(a, sizeof(a), &j, " ns"));
	}
	fprintf(f, ". Shown, not judged: %s. Each configuration's baseline runs in its own mode (a forced run is forced from its baseline on), so a slowdown here is what the injected phase costs the others in that mode.", cl->why);
	fputs(" A forced column is its kernel's fault path with lock_vma_under_rcu() failed by a kretprobe for the target's faults, bystanders' and writer's included: every fault takes mmap_lock, as on 6.1, plus the probe's cost per fault; it is not a kernel without per-VMA locks.\n", f);
}

/*
 * The geometric mean of a scenario metric over sc's repeats at threads in
 * c, 0 when none is positive: shown beside a ratio of geometric means, so
 * that numerator over denominator is the ratio shown when every repeat
 * is paired.
 */
static double geo_metric(const struct ab_cfg *c, const char *sc, int threads,
			 const char *metric)
{
	double sum = 0, v;
	size_t k;
	int n = 0;

	for (k = 0; k < c->l.n; k++)
		if (ok_at(&c->l.res[k], sc, threads) &&
		    vmb_result_metric(&c->l.res[k], metric, &v) && v > 0) {
			sum += log(v);
			n++;
		}
	return n ? exp(sum / n) : 0;
}

/* The pages of a scenario's first result at threads in c, or 0. */
static uint64_t pages_of(const struct ab_cfg *c, const char *sc, int threads)
{
	size_t k;

	for (k = 0; k < c->l.n; k++)
		if (ok_at(&c->l.res[k], sc, threads))
			return c->l.res[k].iterations;
	return 0;
}

/*
 * Whether this machine's IPIs alone could have given a spread seed-002
 * pair its verdict. A move of a page needs a remote TLB flush whenever
 * the mm is live on another CPU (move_pages() -> ptep_clear_flush()), so
 * at worst one per page, and one costs shootdown_us here (to a CPU
 * running the mm in user space: tlb.c). Where that costs more than what
 * separates the same pair pinned, per page (no move needs a remote flush
 * there), the flushes can outweigh what the pair measures. They only
 * ever slow MOVE, so they can only push the ratio one way: a verdict the
 * other way (recycled: MOVE <= 0.6x COPY Observed; allocated: COPY
 * slower than MOVE, Not observed) stands; any other is not judged. Under
 * TCG a shootdown costs 3.7-4.2 ms against 20-120 us a page between the
 * pinned pair, and a spread move of 256 pages took 6-50 ms in some
 * repeats and 100-340 ms in others (how many flushes the mutators'
 * placement asked for); the pinned row judges the seed. A machine that
 * gives no shootdown_us (one CPU, no TLB line in /proc/interrupts) has
 * its spread pair judged as it reads. why and brief say it.
 */
static bool flushes_decide(const struct vmb_claim *cl, const struct ab_cfg *c,
			   int t, const struct judged *j, char *why,
			   size_t size, char *brief, size_t bsize)
{
	const struct vmb_expect *e = expect_for(cl, c);
	struct vmb_stat y, n, p0, p1;
	enum vmb_verdict stands;
	uint64_t pages;
	double apart;
	int move;

	if (!cl->pinned[0] || !cl->pinned[1] || !cl->what[0] || !e)
		return false;
	move = strcmp(cl->what[0], "UFFDIO_MOVE") ? 1 : 0;
	/* A slower MOVE raises MOVE/COPY, lowers COPY/MOVE. */
	stands = (move == cl->num) ==
		 (e->dir == VMB_AT_MOST || e->dir == VMB_BELOW) ?
		 VMB_OBSERVED : VMB_NOT_OBSERVED;
	if (j->v == stands)
		return false;
	y = ab_get_metric(c, cl->scenarios[move], t, "shootdown_us");
	n = ab_get_metric(c, cl->scenarios[move], t, "tlb_ipis_per_page");
	p0 = ab_get_metric(c, cl->pinned[0], t, "compact_ms");
	p1 = ab_get_metric(c, cl->pinned[1], t, "compact_ms");
	pages = pages_of(c, cl->pinned[0], t);
	if (!y.n || !p0.n || !p1.n || !pages)
		return false;
	apart = fabs(p0.mean - p1.mean) * 1e3 / (double)pages;
	if (y.mean <= apart)
		return false;
	snprintf(brief, bsize, "not judged: a remote flush costs %.0f us here, the pinned pair is %.0f us a page apart",
		 y.mean, apart);
	snprintf(why, size, "%s: a move needs a remote TLB flush per page whenever the mm is live on another CPU (these took %.2f a page, tlb_ipis_per_page), and one costs %.0f us here (shootdown_us), more than the %.0f us a page that separate the pair pinned (`%s`, `%s`, no remote flush): the flushes alone can make the pair read %s, so only %s would be judged here; the pinned row judges the seed",
		 c->label, n.n ? n.mean : 0, y.mean, apart, cl->pinned[0],
		 cl->pinned[1],
		 stands == VMB_OBSERVED ? "as it does" : "the seed's way",
		 stands == VMB_OBSERVED ? "Observed" : "Not observed");
	return true;
}

/* Seed 002: compaction completion, one way of installing over the other. */
static enum vmb_verdict compact_line(FILE *f, const struct vmb_claim *cl,
				     const struct ab_cfg *c, int nc, int t)
{
	const char *num_sc = cl->scenarios[cl->num];
	const char *den_sc = cl->scenarios[!cl->num];
	struct verdict v = { .v = VMB_CANNOT_JUDGE };
	char a[96], b[32], d[32], why[640], flushes[640] = "", brief[128];
	int i, shown = 0;

	line_head(f, cl, t, "mutator");
	fprintf(f, ": %s completion / %s completion", cl->what[cl->num],
		cl->what[!cl->num]);
	for (i = 0; i < nc; i++) {
		struct judged j = judged_of(cl, P_RATIO, &c[i], t);
		double num = geo_metric(&c[i], num_sc, t, "compact_ms");
		double den = geo_metric(&c[i], den_sc, t, "compact_ms");
		const char *sc = ab_why_not(&c[i], den_sc, t, why, sizeof(why)) ?
				 den_sc : num_sc;

		if (!j.s.n) {
			/* Left out of a configuration's run: nothing to say. */
			if (!strcmp(ab_why_or(&c[i], sc, t, why, sizeof(why), ""),
				    "not run"))
				continue;
			fprintf(f, "%s %s: %s", shown++ ? "," : "", c[i].label,
				ab_why_or(&c[i], sc, t, why, sizeof(why),
					  "no compact_ms"));
			continue;
		}
		fprintf(f, "%s %s: %s (%s / %s)", shown++ ? "," : "", c[i].label,
			fmt_judged(a, sizeof(a), &j, ""),
			vmb_fmt_ns(b, sizeof(b), num * 1e6),
			vmb_fmt_ns(d, sizeof(d), den * 1e6));
		if (flushes_decide(cl, &c[i], t, &j, why, sizeof(why), brief,
				   sizeof(brief))) {
			fprintf(f, " (%s)", brief);
			if (!flushes[0])
				snprintf(flushes, sizeof(flushes), "%s", why);
			continue;
		}
		judge_into(&v, c[i].label, "", &j, expect_for(cl, &c[i]), "");
	}
	fputc('.', f);
	expected(f, cl, c, nc, "");
	return verdict_end(f, &v, flushes[0] ? flushes :
			   "no configuration ran both scenarios");
}

/* Why a configuration that ran the scenario has no value of fig. */
static const char *figure_missing(enum vmb_fault_figure fig)
{
	if (fig == VMB_FIG_writer_wait_pct)
		return "no writer_wait_ms (no writer), or no victim fault timed";
	if (fig >= VMB_FIG_mmap_lock_per_fault)
		return "no mmap_lock figures (this module has no target/mmap_lock)";
	return "no fault counters (no module, or no faults counted)";
}

/* Seed 000 and the like: a figure of how the scenario's faults finished. */
static enum vmb_verdict figure_line(FILE *f, const struct vmb_claim *cl,
				    const struct ab_cfg *c, int nc, int t)
{
	const char *sc = cl->scenarios[0];
	const char *unit = vmb_figure_units[cl->figure];
	struct verdict v = { .v = VMB_CANNOT_JUDGE };
	char a[96], why[320];
	int i, ran = 0;

	line_head(f, cl, t, "victim");
	fprintf(f, ": %s (`%s`)", cl->measure, vmb_figure_names[cl->figure]);
	for (i = 0; i < nc; i++) {
		struct judged j = judged_of(cl, P_FIGURE, &c[i], t);
		const char *w = ab_why_not(&c[i], sc, t, why, sizeof(why));

		ran += !w;
		if (!j.s.n) {
			fprintf(f, "%s %s: %s", i ? "," : "", c[i].label,
				w ? w : figure_missing(cl->figure));
			continue;
		}
		fprintf(f, "%s %s: %s%s", i ? "," : "", c[i].label,
			fmt_judged(a, sizeof(a), &j, unit),
			has_alone(&c[i], sc, t) ? " (victims alone)" :
			c[i].l.alone ? "" : " (with bystanders and writer)");
		judge_into(&v, c[i].label, "", &j, expect_for(cl, &c[i]), unit);
	}
	fputc('.', f);
	expected(f, cl, c, nc, unit);
	return verdict_end(f, &v, ran ? figure_missing(cl->figure) :
			   "the scenario ran in no configuration");
}

/*
 * The A/B's own wall time against its budget: only when it was given.
 * Said with what it covered, configurations and kernels (one boot each):
 * its budget was set for three configurations on two kernels.
 */
static void wall_line(FILE *f, const struct vmb_claim *cl,
		      const struct ab_cfg *c, int nc, double wall_s)
{
	const struct vmb_expect *e = &cl->expect[0];
	int i, j, nk = 0;

	if (wall_s <= 0)
		return;
	for (i = 0; i < nc; i++) {
		for (j = 0; j < i && strcmp(c[i].l.release, c[j].l.release); j++)
			;
		nk += j == i;
	}
	fprintf(f, "- **%s**: %.0f s for %d configuration%s on %d kernel%s. Expected: %s %g s %s. **%s.**\n",
		cl->title, wall_s, nc, nc == 1 ? "" : "s", nk,
		nk == 1 ? "" : "s", vmb_direction_op(e->dir), e->threshold,
		cl->says, vmb_expect_met(e, wall_s) ? "Met" : "Not met");
}

/* A scenario of cl that this tool does not have, or NULL. */
static const char *unknown_scenario(const struct vmb_claim *cl)
{
	char name[128];
	int k, variant;

	for (k = 0; k < 2 && cl->scenarios[k]; k++) {
		/* "SCENARIO+MODE": a run with --writer MODE */
		snprintf(name, sizeof(name), "%.*s",
			 (int)strcspn(cl->scenarios[k], "+"), cl->scenarios[k]);
		if (!vmb_find_scenario(name, &variant))
			return cl->scenarios[k];
	}
	return NULL;
}

/*
 * A figure claim's thread counts: those with victims-alone runs when any
 * configuration has some, so that no line falls back to the runs with
 * bystanders where the alone runs did not go (other thread counts).
 */
static int alone_threads(const struct vmb_claim *cl, const struct ab_cfg *c,
			 int nc, int *t, int nt)
{
	int i, j, n = 0;

	for (j = 0; j < nt; j++) {
		bool alone = false;

		for (i = 0; i < nc && !alone; i++)
			alone = has_alone(&c[i], cl->scenarios[0], t[j]);
		if (alone)
			t[n++] = t[j];
	}
	return n ? n : nt;
}

/* Every line of a claim: one per thread count, or one saying why none. */
static void claim_lines(FILE *f, const struct vmb_claim *cl,
			const struct ab_cfg *c, int nc, struct tally *all)
{
	int t[VMB_MAX_THREADS_LIST], nt, j;
	const char *unknown = unknown_scenario(cl);
	char why[320];
	enum vmb_verdict v;

	nt = unknown ? 0 : claim_threads(cl, c, nc, t);
	if (cl->metric == VMB_M_FIGURE)
		nt = alone_threads(cl, c, nc, t, nt);
	if (!nt) {
		line_head(f, cl, 0, "victim");
		if (unknown)
			fprintf(f, ": **Cannot be judged here**: no scenario `%s` in this tool.\n",
				unknown);
		else
			fprintf(f, ": **Cannot be judged here**: ran in no configuration (%s: %s).\n",
				nc ? c[0].label : "no files",
				nc ? ab_why_or(&c[0], cl->scenarios[0], 1, why,
					       sizeof(why), "no result") : "-");
		if (cl->role != VMB_CONTROL)
			record(cl, 0, VMB_CANNOT_JUDGE, all);
		return;
	}
	for (j = 0; j < nt; j++) {
		if (cl->role == VMB_CONTROL) {
			control_line(f, cl, c, nc, t[j]);
			continue;
		}
		switch (cl->metric) {
		case VMB_M_STALL:
			v = stall_line(f, cl, c, nc, t[j]);
			break;
		case VMB_M_COMPACT:
			v = compact_line(f, cl, c, nc, t[j]);
			break;
		case VMB_M_METRIC:
		case VMB_M_COUNTER:
			v = value_line(f, cl, c, nc, t[j]);
			break;
		default:
			v = figure_line(f, cl, c, nc, t[j]);
			break;
		}
		record(cl, t[j], v, all);
	}
}

/* A line per seed: how its claims' lines came out, or why there are none. */
static void seed_lines(FILE *f)
{
	size_t i, k;
	int total, v;

	fputs("## Seeds\n\n", f);
	for (i = 0; i < vmb_nseeds; i++) {
		const struct tally *t = &seed_tally[i];

		for (total = 0, v = 0; v < VMB_VERDICT_NR; v++)
			total += t->n[v];
		fprintf(f, "- **Seed %s**, %s: ", vmb_seeds[i].seed,
			vmb_seeds[i].title);
		if (!total || t->n[VMB_CANNOT_JUDGE] == total) {
			bool rows = false;

			for (k = 0; k < vmb_nclaims && !rows; k++)
				rows = vmb_claims[k].seed &&
				       !strcmp(vmb_claims[k].seed, vmb_seeds[i].seed) &&
				       !unknown_scenario(&vmb_claims[k]);
			fprintf(f, "**Cannot be judged here**: %s (it needs %s).\n",
				rows ? "no configuration ran its scenarios" :
				       "no scenario", vmb_seeds[i].needs);
			continue;
		}
		for (v = 0, k = 0; v < VMB_VERDICT_NR; v++)
			if (t->n[v])
				fprintf(f, "%s%s %d", k++ ? ", " : "",
					vmb_verdict_names[v], t->n[v]);
		fprintf(f, " (of %d line%s below).\n", total,
			total == 1 ? "" : "s");
	}
	fputc('\n', f);
}

int ab_summary(FILE *f, const struct ab_cfg *c, int nc, double wall_s,
	       FILE *tsv)
{
	struct tally all = { .tsv = tsv };
	char *body = NULL;
	size_t i, len = 0;
	FILE *m;

	seed_tally = calloc(vmb_nseeds, sizeof(*seed_tally));
	m = open_memstream(&body, &len);
	if (!seed_tally || !m) {
		free(seed_tally);
		if (m)
			fclose(m);
		free(body);
		return -ENOMEM;
	}
	for (i = 0; i < vmb_nclaims; i++) {
		if (vmb_claims[i].metric == VMB_M_WALL)
			wall_line(m, &vmb_claims[i], c, nc, wall_s);
		else
			claim_lines(m, &vmb_claims[i], c, nc, &all);
	}
	fclose(m);
	seed_lines(f);
	fputs("## Summary\n\n", f);
	fputs(body ? body : "", f);
	fputs("\nEach value is the mean over the repeats with its 95% t-interval in brackets; a slowdown is taken against the same repeat's baseline, a ratio between the same repeat index of its two scenarios, and both are ratios: their geometric mean, with the t-interval of their logarithms taken back (a ratio is skewed: 0.5x and 2x are as far from 1x, and one slow repeat would stretch an arithmetic interval on one side). An interval that straddles its threshold reads **Not significant**; one repeat gives no interval. Ratios in the tables are to the first configuration; `*`: Welch's t-test over the repeats, p < 0.05; `?`: fewer than 2 repeats on a side. Scenarios: `vmalock-bench list`; metrics: vmalock-bench(8).\n\n",
	      f);
	free(body);
	free(seed_tally);
	seed_tally = NULL;
	return 0;
}

static const char *const role_names[] = {
	[VMB_CLAIM] = "claim", [VMB_CONTROL] = "control",
	[VMB_BUDGET] = "budget",
};

/* The unit of a claim's value, after its threshold. */
static const char *unit_of(const struct vmb_claim *cl)
{
	switch (cl->metric) {
	case VMB_M_STALL:
		return "x";
	case VMB_M_FIGURE:
		return vmb_figure_units[cl->figure];
	case VMB_M_WALL:
		return " s";
	case VMB_M_METRIC:
		return cl->over_victims ? "%" : "";
	default:
		return "";
	}
}

void ab_claims_table(FILE *f, double wall_s)
{
	size_t i;
	int k;

	fputs("## Claims\n\nWhat each summary line checks, and why (`user/report/claims.c`).\n\n| claim | seed | scenarios | role | metric | configurations: expected | why |\n|---|---|---|---|---|---|---|\n",
	      f);
	for (i = 0; i < vmb_nclaims; i++) {
		const struct vmb_claim *cl = &vmb_claims[i];

		/* The budget only where it was measured, as in the summary. */
		if (cl->metric == VMB_M_WALL && wall_s <= 0)
			continue;
		fprintf(f, "| %s | %s | ", cl->id, cl->seed ? cl->seed : "-");
		if (!cl->scenarios[0])
			fputs("-", f);
		for (k = 0; k < 2 && cl->scenarios[k]; k++)
			fprintf(f, "%s`%s`", k ? ", " : "", cl->scenarios[k]);
		fprintf(f, " | %s | ", role_names[cl->role]);
		ab_md_cell(f, cl->measure);
		fputs(" | ", f);
		if (!cl->nexpect)
			fputs("none: shown, not judged", f);
		for (k = 0; k < cl->nexpect; k++)
			fprintf(f, "%s%s: %s %g%s", k ? "; " : "",
				vmb_cfgs_name(cl->expect[k].cfgs),
				vmb_direction_op(cl->expect[k].dir),
				cl->expect[k].threshold, unit_of(cl));
		fputs(" | ", f);
		ab_md_cell(f, cl->why);
		fputs(" |\n", f);
	}
	fputc('\n', f);
}
