// SPDX-License-Identifier: GPL-2.0
/*
 * The A/B report's summary: a line per claim (claims.c) and thread
 * count, computed from the data and ending in its verdict; when a claim
 * is not borne out, the line says where and by how much: that is a
 * finding about the kernel, not an error of the tool. Then the claims
 * themselves, so that a reader sees what each line checks and why.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/base.h"
#include "lib/clock.h"
#include "report/model.h"
#include "report/claims.h"
#include "run/opts.h"

/* What a line found: the misses, and whether any configuration counted. */
struct verdict {
	char why[1024];
	size_t len;
	int judged;
};

static void miss(struct verdict *v, const char *fmt, ...) VMB_PRINTF(2, 3);

static void miss(struct verdict *v, const char *fmt, ...)
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

static enum vmb_verdict verdict_of(const struct verdict *v)
{
	if (!v->judged)
		return VMB_CANNOT_JUDGE;
	return v->len ? VMB_NOT_OBSERVED : VMB_OBSERVED;
}

static void verdict_end(FILE *f, const struct verdict *v)
{
	switch (verdict_of(v)) {
	case VMB_CANNOT_JUDGE:
		fputs(" **no verdict**: no configuration with a known VMA-lock state has this data.\n",
		      f);
		break;
	case VMB_OBSERVED:
		fputs(" **Observed.**\n", f);
		break;
	default:
		fprintf(f, " **Not observed**: %s.\n", v->why);
		break;
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
		if (c->vma != VMA_UNKNOWN &&
		    (e->cfgs == VMB_CFG_WITH_LOCK) == (c->vma == VMA_ON))
			return e;
	}
	return NULL;
}

/* The configurations an expectation is about: "6.1 and 6.12 forced". */
static const char *labels_for(const struct vmb_expect *e,
			      const struct ab_cfg *c, int nc, char *buf,
			      size_t size)
{
	return ab_labels_of(c, nc, e->cfgs == VMB_CFG_WITH_LOCK, buf, size);
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
	return ab_threads_of(c, nc, cl->scenarios[0], t, VMB_MAX_THREADS_LIST);
}

/* A slowdown x of what against the expectation e of a configuration. */
static void stall_check(struct verdict *v, const char *label,
			const char *what, double x, const struct vmb_expect *e)
{
	if (!e || vmb_expect_met(e, x))
		return;
	if (e->dir == VMB_AT_LEAST)
		miss(v, "%s %s slowdown only %.3gx (expected >= %gx)", label,
		     what, x, e->threshold);
	else
		miss(v, "%s %s slowdown %.3gx (expected %s %gx)", label, what,
		     x, vmb_direction_op(e->dir), e->threshold);
}

/* "within 1.5x of baseline with the VMA lock (6.12), 10x or more worse without (6.1)" */
static void stall_expected(FILE *f, const struct vmb_claim *cl,
			   const struct ab_cfg *c, int nc)
{
	char on[160];
	int i;

	fputs(" Expected:", f);
	for (i = 0; i < cl->nexpect; i++) {
		const struct vmb_expect *e = &cl->expect[i];

		if (e->dir == VMB_AT_LEAST)
			fprintf(f, "%s %gx or more worse", i ? "," : "",
				e->threshold);
		else
			fprintf(f, "%s within %gx of baseline", i ? "," : "",
				e->threshold);
		fprintf(f, " %s (%s)", vmb_cfgs_name(e->cfgs),
			labels_for(e, c, nc, on, sizeof(on)));
	}
	fputc('.', f);
}

/* A role during the injection, and the same role in its baseline. */
struct during {
	struct vmb_stat in, base;
};

static struct during writer_ops(const struct ab_cfg *c, const char *sc, int t)
{
	return (struct during){
		ab_get(c, sc, t, VMB_ROLE_WRITER, K_OPS),
		ab_get(c, sc, t, VMB_ROLE_WRITER_BASE, K_OPS),
	};
}

static struct during bystander_p99(const struct ab_cfg *c, const char *sc,
				   int t)
{
	return (struct during){
		ab_get(c, sc, t, VMB_ROLE_BYSTANDER, K_P99),
		ab_get(c, sc, t, VMB_ROLE_BYSTANDER_BASE, K_P99),
	};
}

/*
 * Seed 001 (and the d065bd810b6d measurement): while one fault sleeps on a
 * held folio or slow swap I/O holding its lock, does an mmap()/munmap()
 * writer keep going, and do faults elsewhere? Each side is compared with
 * its own no-injection baseline of the same run.
 */
static void stall_line(FILE *f, const struct vmb_claim *cl,
		       const struct ab_cfg *c, int nc)
{
	const char *sc = cl->scenarios[0];
	char a[32], b[32], r[32], why[320], thr[32];
	int t[VMB_MAX_THREADS_LIST], nt, i, j;

	nt = claim_threads(cl, c, nc, t);
	for (j = 0; j < nt; j++) {
		struct verdict v = { .len = 0 };
		struct vmb_stat w0 = ab_get(&c[0], sc, t[j], VMB_ROLE_WRITER, K_OPS);

		fprintf(f, "- **seed %s**, %s (`%s`, %s), during a %s hold: writer ops/s",
			cl->seed, cl->title, sc,
			threads_word(t[j], "victim", thr, sizeof(thr)),
			ab_fmt_hold(a, sizeof(a), ab_hold_of(c, nc, sc)));
		for (i = 0; i < nc; i++) {
			struct during d = writer_ops(&c[i], sc, t[j]);
			struct vmb_stat w = d.in, wb = d.base;
			double x = w.mean > 0 ? wb.mean / w.mean : INFINITY;

			if (!w.n || !wb.n) {
				fprintf(f, "%s %s: %s", i ? "," : "", c[i].label,
					ab_why_or(&c[i], sc, t[j], why,
						  sizeof(why), "no writer"));
				continue;
			}
			fprintf(f, "%s %s: %.0f (baseline %.0f, slowdown %.3gx)",
				i ? "," : "", c[i].label, w.mean, wb.mean, x);
			stall_check(&v, c[i].label, "writer", x,
				    expect_for(cl, &c[i]));
			v.judged |= expect_for(cl, &c[i]) != NULL;
		}
		for (i = 1; i < nc && w0.n; i++) {
			struct vmb_stat w = ab_get(&c[i], sc, t[j], VMB_ROLE_WRITER, K_OPS);

			if (w.n)
				fprintf(f, "; %s / %s = %s", c[i].label, c[0].label,
					ab_fmt_ratio(r, sizeof(r), &w0, &w));
		}
		fputs(". Bystander p99", f);
		for (i = 0; i < nc; i++) {
			struct during d = bystander_p99(&c[i], sc, t[j]);
			struct vmb_stat by = d.in, bb = d.base;
			double x;

			if (!by.n || !bb.n || bb.mean <= 0) {
				fprintf(f, "%s %s: -", i ? "," : "", c[i].label);
				continue;
			}
			x = by.mean / bb.mean;
			fprintf(f, "%s %s: %s (baseline %s, slowdown %.3gx)",
				i ? "," : "", c[i].label,
				vmb_fmt_ns(a, sizeof(a), by.mean),
				vmb_fmt_ns(b, sizeof(b), bb.mean), x);
			stall_check(&v, c[i].label, "bystander p99", x,
				    expect_for(cl, &c[i]));
		}
		fputc('.', f);
		stall_expected(f, cl, c, nc);
		verdict_end(f, &v);
	}
}

/*
 * The control for seed 001: baseline-anon injects nothing, so its
 * slowdowns against the baselines are what CPU sharing alone costs (the
 * victims run during the measured phase, not in its baseline).
 */
static void control_line(FILE *f, const struct vmb_claim *cl,
			 const struct ab_cfg *c, int nc)
{
	const char *sc = cl->scenarios[0];
	int t[VMB_MAX_THREADS_LIST], nt, i, j;
	char thr[32];

	nt = claim_threads(cl, c, nc, t);
	if (!nt)
		return;
	fprintf(f, "- **control** (`%s`, %s):", sc, cl->title);
	for (j = 0; j < nt; j++) {
		fprintf(f, "%s %s: writer slowdown", j ? ";" : "",
			threads_word(t[j], "victim", thr, sizeof(thr)));
		for (i = 0; i < nc; i++) {
			struct during d = writer_ops(&c[i], sc, t[j]);

			fprintf(f, "%s %s: ", i ? "," : "", c[i].label);
			if (d.in.n && d.base.n)
				fprintf(f, "%.3gx", d.base.mean / d.in.mean);
			else
				fputs("-", f);
		}
		fputs(", bystander p99 slowdown", f);
		for (i = 0; i < nc; i++) {
			struct during d = bystander_p99(&c[i], sc, t[j]);

			fprintf(f, "%s %s: ", i ? "," : "", c[i].label);
			if (d.in.n && d.base.n && d.base.mean > 0)
				fprintf(f, "%.3gx", d.in.mean / d.base.mean);
			else
				fputs("-", f);
		}
	}
	fputs(".\n", f);
}

/* Seed 002: compaction completion, one way of installing over the other. */
static void compact_line(FILE *f, const struct vmb_claim *cl,
			 const struct ab_cfg *c, int nc)
{
	const char *num_sc = cl->scenarios[cl->num];
	const char *den_sc = cl->scenarios[!cl->num];
	/* The second's reason when it did not run, else the first's. */
	const char *first = cl->scenarios[0], *second = cl->scenarios[1];
	char a[32], b[32], why[320], thr[32];
	int t[VMB_MAX_THREADS_LIST], nt, i, j;

	nt = claim_threads(cl, c, nc, t);
	for (j = 0; j < nt; j++) {
		struct verdict v = { .len = 0 };
		int shown = 0;

		fprintf(f, "- **seed %s**, %s (%s): %s completion / %s completion",
			cl->seed, cl->title,
			threads_word(t[j], "mutator", thr, sizeof(thr)),
			cl->what[cl->num], cl->what[!cl->num]);
		for (i = 0; i < nc; i++) {
			struct vmb_stat num = ab_get_metric(&c[i], num_sc, t[j],
							    "compact_ms");
			struct vmb_stat den = ab_get_metric(&c[i], den_sc, t[j],
							    "compact_ms");
			struct vmb_stat s2 = cl->num ? num : den;
			const struct vmb_expect *e = expect_for(cl, &c[i]);
			const char *sc = s2.n ? first : second;
			double x, p;

			if (!num.n || !den.n || den.mean <= 0) {
				/* Left out of a configuration's run: nothing to say. */
				if (!strcmp(ab_why_or(&c[i], sc, t[j], why,
						      sizeof(why), ""), "not run"))
					continue;
				fprintf(f, "%s %s: %s", shown++ ? "," : "", c[i].label,
					ab_why_or(&c[i], sc, t[j], why,
						  sizeof(why), "no compact_ms"));
				continue;
			}
			x = num.mean / den.mean;
			p = vmb_welch_p(&num, &den);
			fprintf(f, "%s %s: %.3g%s (%s / %s)", shown++ ? "," : "",
				c[i].label, x, p < 0 ? "?" : p < 0.05 ? "*" : "",
				vmb_fmt_ns(a, sizeof(a), num.mean * 1e6),
				vmb_fmt_ns(b, sizeof(b), den.mean * 1e6));
			v.judged = 1;
			if (!e || vmb_expect_met(e, x))
				continue;
			if (e->dir == VMB_BELOW)
				miss(&v, "%s %.3g: %s ahead (expected %s ahead, < %g)",
				     c[i].label, x, cl->what[!cl->num],
				     cl->what[cl->num], e->threshold);
			else
				miss(&v, "%s %.3g (expected %s %g)", c[i].label, x,
				     vmb_direction_op(e->dir), e->threshold);
		}
		fprintf(f, ". Expected: %s %g (the seed: %s).",
			vmb_direction_op(cl->expect[0].dir),
			cl->expect[0].threshold, cl->says);
		verdict_end(f, &v);
	}
}

/*
 * Seed 000: faults that took the per-VMA lock first (vma_locked_done +
 * vma_lock_retry over faults), over every scenario with counters, summed
 * over repeats and thread counts.
 */
static void hit_line(FILE *f, const struct vmb_claim *cl,
		     const struct ab_cfg *c, int nc)
{
	struct verdict v = { .len = 0 };
	char on[160];
	int i;

	fprintf(f, "- **%s** (%s):", cl->title, cl->measure);
	for (i = 0; i < nc; i++) {
		const struct vmb_expect *e = expect_for(cl, &c[i]);
		const char *min_sc = NULL, *max_sc = NULL;
		double min = INFINITY, max = -1, h;
		uint64_t sum[VMB_C_NR];
		size_t k, m;
		int n = 0, ci;

		for (k = 0; k < c[i].l.n; k++) {
			const struct vmb_result *r = &c[i].l.res[k];
			bool seen = false;

			if (r->status != VMB_OK || !r->have_counters)
				continue;
			for (m = 0; m < k && !seen; m++)
				seen = c[i].l.res[m].status == VMB_OK &&
				       c[i].l.res[m].have_counters &&
				       !strcmp(c[i].l.res[m].scenario, r->scenario);
			if (seen)
				continue;
			memset(sum, 0, sizeof(sum));
			for (m = k; m < c[i].l.n; m++)
				if (c[i].l.res[m].status == VMB_OK &&
				    c[i].l.res[m].have_counters &&
				    !strcmp(c[i].l.res[m].scenario, r->scenario))
					for (ci = 0; ci < VMB_C_NR; ci++)
						sum[ci] += c[i].l.res[m].counters[ci];
			if (!sum[VMB_C_faults])
				continue;
			h = ab_hit_pct(sum);
			n++;
			if (h < min) {
				min = h;
				min_sc = r->scenario;
			}
			if (h > max) {
				max = h;
				max_sc = r->scenario;
			}
		}
		if (!n) {
			fprintf(f, "%s %s: no counters", i ? "," : "", c[i].label);
			continue;
		}
		if (max - min < 0.05)
			fprintf(f, "%s %s: %.1f%% in all %d scenarios", i ? "," : "",
				c[i].label, min, n);
		else
			fprintf(f, "%s %s: %.1f%% (%s) to %.1f%% (%s) in %d scenarios",
				i ? "," : "", c[i].label, min, min_sc, max, max_sc,
				n);
		v.judged |= c[i].vma != VMA_UNKNOWN;
		/* Every scenario: the lowest against a floor, else the highest. */
		if (!e)
			continue;
		if (e->dir == VMB_AT_LEAST && !vmb_expect_met(e, min))
			miss(&v, "%s %.1f%% in %s (expected >= %g%%)",
			     c[i].label, min, min_sc, e->threshold);
		if (e->dir != VMB_AT_LEAST &&
		    !(vmb_expect_met(e, max) && vmb_expect_met(e, min)))
			miss(&v, "%s %.1f%% in %s (expected %s%g%%)", c[i].label,
			     max, max_sc,
			     e->dir == VMB_EXACTLY ? "" : vmb_direction_op(e->dir),
			     e->threshold);
	}
	fputs(". Expected:", f);
	for (i = 0; i < cl->nexpect; i++) {
		const struct vmb_expect *e = &cl->expect[i];

		fprintf(f, "%s %s%s%g%% %s (%s)", i ? "," : "",
			e->dir == VMB_EXACTLY ? "" : vmb_direction_op(e->dir),
			e->dir == VMB_EXACTLY ? "" : " ",
			e->threshold, e->cfgs == VMB_CFG_WITH_LOCK ?
			"in every scenario with the VMA lock" : "without",
			labels_for(e, c, nc, on, sizeof(on)));
	}
	fputc('.', f);
	verdict_end(f, &v);
}

/* The A/B's own wall time against its budget: only when it was given. */
static void wall_line(FILE *f, const struct vmb_claim *cl,
		      const struct ab_cfg *c, int nc, double wall_s)
{
	const struct vmb_expect *e = &cl->expect[0];

	if (wall_s <= 0)
		return;
	fprintf(f, "- **%s**: %.0f s for %d configuration%s. Expected: %s %g s %s. **%s.**\n",
		cl->title, wall_s, nc, nc == 1 ? "" : "s",
		vmb_direction_op(e->dir), e->threshold, cl->says,
		vmb_expect_met(e, wall_s) ? "Met" : "Not met");
}

void ab_summary(FILE *f, const struct ab_cfg *c, int nc, double wall_s)
{
	const struct vmb_claim *cl;
	size_t i;

	fputs("## Summary\n\n", f);
	for (i = 0; i < vmb_nclaims; i++) {
		cl = &vmb_claims[i];
		switch (cl->metric) {
		case VMB_M_STALL:
			if (cl->role == VMB_CONTROL)
				control_line(f, cl, c, nc);
			else
				stall_line(f, cl, c, nc);
			break;
		case VMB_M_COMPACT:
			compact_line(f, cl, c, nc);
			break;
		case VMB_M_VMA_HIT:
			hit_line(f, cl, c, nc);
			break;
		case VMB_M_WALL:
			wall_line(f, cl, c, nc, wall_s);
			break;
		}
	}
	fputs("\nRatios are to the first configuration; `*`: Welch's t-test over the repeats, p < 0.05; `?`: fewer than 2 repeats on a side. Scenarios: `vmalock-bench list`; metrics: vmalock-bench(8).\n\n",
	      f);
}

static const char *const role_names[] = {
	[VMB_CLAIM] = "claim", [VMB_CONTROL] = "control",
	[VMB_BUDGET] = "budget",
};

/* The unit of a metric's value, after its threshold. */
static const char *const units[] = {
	[VMB_M_STALL] = "x", [VMB_M_COMPACT] = "", [VMB_M_VMA_HIT] = "%",
	[VMB_M_WALL] = " s",
};

void ab_claims_table(FILE *f, double wall_s)
{
	size_t i;
	int k;

	fputs("## Claims\n\nWhat each summary line checks, and why (`user/report/claims.c`).\n\n| claim | seed | scenarios | role | metric | expected | why |\n|---|---|---|---|---|---|---|\n",
	      f);
	for (i = 0; i < vmb_nclaims; i++) {
		const struct vmb_claim *cl = &vmb_claims[i];

		/* The budget only where it was measured, as in the summary. */
		if (cl->metric == VMB_M_WALL && wall_s <= 0)
			continue;
		fprintf(f, "| %s | %s | ", cl->id, cl->seed ? cl->seed : "-");
		if (!cl->scenarios[0])
			fputs(cl->metric == VMB_M_VMA_HIT ?
			      "every scenario with counters" : "-", f);
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
				cl->expect[k].threshold, units[cl->metric]);
		fputs(" | ", f);
		ab_md_cell(f, cl->why);
		fputs(" |\n", f);
	}
	fputc('\n', f);
}
