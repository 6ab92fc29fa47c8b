// SPDX-License-Identifier: GPL-2.0
/*
 * report: the kernel A/B report (scripts/ab, "make ab").
 *
 * Input: one run --json file per configuration: a kernel, or a kernel run
 * with --force-mmap-lock (the same kernel with the VMA lock off). Output:
 * DIR/report.md and DIR/cdf-SCENARIO.svg. The summary has one line per
 * seed claim, each computed from the data and saying whether the expected
 * direction was observed; when it was not, the line says so and why: that
 * is a finding about the kernel, not an error of the tool. The tables give
 * means over repeats, ratios to the first file, and '*' when Welch's t-test
 * over the per-repeat values (compare.c) gives p < 0.05.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/base.h"
#include "lib/clock.h"
#include "lib/error.h"
#include "report/plot.h"
#include "report/stats.h"
#include "run/commands.h"
#include "run/scenario.h"

#define MAX_REP 1000
#define MAX_KEYS 256
#define MIN_PHASE_S 0.01	/* shortest phase whose 0 ops/s is a value */

/* The targets of the A/B issue; measured and reported, never asserted. */
#define STALL_OK_X 1.5		/* with the VMA lock: within 1.5x of baseline */
#define STALL_BAD_X 10.0	/* without: 10x or more worse */
#define MOVE_RECYCLED_MAX 0.6	/* UFFDIO_MOVE/UFFDIO_COPY, recycled pages */
#define HIT_ON_MIN 99.0		/* % of faults under the VMA lock */
#define WALL_MAX_S 180.0	/* three configurations, default repeats */

enum vma_mode { VMA_ON, VMA_FORCED_OFF, VMA_NONE, VMA_UNKNOWN };

struct cfg {
	struct vmb_loaded l;
	char label[160];	/* major.minor or the release, " forced", " [N]" */
	enum vma_mode vma;
};

/* A scenario (name, with its variant) and a thread count. */
struct key {
	const char *sc;
	int threads;
};

enum kind { K_P50, K_P99, K_MAX, K_OPS, K_CTR, K_HIT, K_METRIC };
enum unit { U_NS, U_OPS, U_PCT, U_NUM };

struct row_def {
	const char *label;
	int role;
	enum kind kind;
	int ctr;
	enum unit unit;
};

static const struct row_def rows[] = {
	{ "victim p50", VMB_ROLE_VICTIM, K_P50, 0, U_NS },
	{ "victim p99", VMB_ROLE_VICTIM, K_P99, 0, U_NS },
	{ "victim max", VMB_ROLE_VICTIM, K_MAX, 0, U_NS },
	{ "bystander p99", VMB_ROLE_BYSTANDER, K_P99, 0, U_NS },
	{ "bystander p99, baseline", VMB_ROLE_BYSTANDER_BASE, K_P99, 0, U_NS },
	{ "bystander ops/s", VMB_ROLE_BYSTANDER, K_OPS, 0, U_OPS },
	{ "bystander ops/s, baseline", VMB_ROLE_BYSTANDER_BASE, K_OPS, 0, U_OPS },
	{ "writer ops/s", VMB_ROLE_WRITER, K_OPS, 0, U_OPS },
	{ "writer ops/s, baseline", VMB_ROLE_WRITER_BASE, K_OPS, 0, U_OPS },
	{ "VMA-lock hit %", 0, K_HIT, 0, U_PCT },
	{ "faults", 0, K_CTR, VMB_C_faults, U_NUM },
	{ "vma_locked_done", 0, K_CTR, VMB_C_vma_locked_done, U_NUM },
	{ "vma_lock_retry", 0, K_CTR, VMB_C_vma_lock_retry, U_NUM },
	{ "mmap_lock_faults", 0, K_CTR, VMB_C_mmap_lock_faults, U_NUM },
	{ "retry", 0, K_CTR, VMB_C_retry, U_NUM },
	{ "retry_after_tried", 0, K_CTR, VMB_C_retry_after_tried, U_NUM },
	{ "major", 0, K_CTR, VMB_C_major, U_NUM },
	{ "forced_miss", 0, K_CTR, VMB_C_forced_miss, U_NUM },
};

/* VMA-lock hit rate: faults that took the per-VMA lock first. */
static double hit_pct(const uint64_t *c)
{
	return 100.0 * (double)(c[VMB_C_vma_locked_done] +
				c[VMB_C_vma_lock_retry]) /
	       (double)c[VMB_C_faults];
}

static bool value_of(const struct vmb_result *r, const struct row_def *d,
		     const char *metric, double *v)
{
	const struct vmb_role_result *rr = &r->roles[d->role];
	int i;

	switch (d->kind) {
	case K_CTR:
		*v = (double)r->counters[d->ctr];
		return r->have_counters;
	case K_HIT:
		if (!r->have_counters || !r->counters[VMB_C_faults])
			return false;
		*v = hit_pct(r->counters);
		return true;
	case K_METRIC:
		for (i = 0; i < r->nmetrics; i++) {
			if (!strcmp(r->metrics[i].name, metric)) {
				*v = r->metrics[i].value;
				return true;
			}
		}
		return false;
	case K_OPS:
		/*
		 * A writer blocked for a whole phase did 0 ops: a value; in a
		 * phase too short for a first op, 0 means nothing.
		 */
		*v = rr->secs > 0 ? (double)rr->ops / rr->secs : 0;
		return rr->present && (rr->ops || rr->secs >= MIN_PHASE_S);
	default:
		if (!rr->present || !rr->h.count)
			return false;
		*v = d->kind == K_MAX ? (double)rr->h.max :
			(double)vmb_hist_pct(&rr->h, d->kind == K_P50 ? 50 : 99);
		return true;
	}
}

/* Mean and spread over the repeats of one key in one configuration. */
static void stat_of(const struct cfg *c, const char *sc, int threads,
		    const struct row_def *d, const char *metric,
		    struct vmb_stat *s)
{
	static double x[MAX_REP];
	size_t i;
	int n = 0;
	double v;

	for (i = 0; i < c->l.n && n < MAX_REP; i++) {
		const struct vmb_result *r = &c->l.res[i];

		if (r->status == VMB_OK && r->threads == threads &&
		    !strcmp(r->scenario, sc) && value_of(r, d, metric, &v))
			x[n++] = v;
	}
	vmb_stats(x, n, s);
}

static struct vmb_stat get(const struct cfg *c, const char *sc, int threads,
			   int role, enum kind kind)
{
	struct row_def d = { "", role, kind, 0, U_NUM };
	struct vmb_stat s;

	stat_of(c, sc, threads, &d, NULL, &s);
	return s;
}

static struct vmb_stat get_metric(const struct cfg *c, const char *sc,
				  int threads, const char *metric)
{
	struct row_def d = { "", 0, K_METRIC, 0, U_NUM };
	struct vmb_stat s;

	stat_of(c, sc, threads, &d, metric, &s);
	return s;
}

/* The status of a key in a configuration: NULL when it ran. */
static const char *why_not(const struct cfg *c, const char *sc, int threads,
			   char *buf, size_t size)
{
	const struct vmb_result *other = NULL;
	size_t i;

	for (i = 0; i < c->l.n; i++) {
		const struct vmb_result *r = &c->l.res[i];

		if (strcmp(r->scenario, sc))
			continue;
		if (r->status == VMB_OK && r->threads == threads)
			return NULL;
		/* A skip is recorded once, at the first thread count. */
		if (r->status != VMB_OK && (!other || r->threads == threads))
			other = r;
	}
	if (!other)
		return "not run";
	snprintf(buf, size, "%s: %s",
		 other->status == VMB_SKIPPED ? "skipped" : "failed",
		 other->reason[0] ? other->reason : "no reason given");
	return buf;
}

static const char *fmt_val(char *buf, size_t size, double v, enum unit u)
{
	switch (u) {
	case U_NS:
		return vmb_fmt_ns(buf, size, v);
	case U_PCT:
		snprintf(buf, size, "%.1f%%", v);
		return buf;
	case U_OPS:
		snprintf(buf, size, "%.0f", v);
		return buf;
	default:
		snprintf(buf, size, "%.4g", v);
		return buf;
	}
}

/* "1.23x*": b over a, marked by Welch's test over the repeats. */
static const char *fmt_ratio(char *buf, size_t size,
			     const struct vmb_stat *a,
			     const struct vmb_stat *b)
{
	double p;

	if (!a->n || !b->n || a->mean == 0) {
		snprintf(buf, size, "-");
		return buf;
	}
	p = vmb_welch_p(a, b);
	snprintf(buf, size, "%.3gx%s", b->mean / a->mean,
		 p < 0 ? "?" : p < 0.05 ? "*" : "");
	return buf;
}

/* Markdown table cells must not hold a '|' or a newline. */
static void md_cell(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '|' ? '/' : *s == '\n' ? ' ' : *s, f);
}

static int major_minor(const char *release, char *buf, size_t size)
{
	int major, minor;

	if (sscanf(release, "%d.%d", &major, &minor) != 2)
		return -EINVAL;
	snprintf(buf, size, "%d.%d", major, minor);
	return 0;
}

static void label_cfgs(struct cfg *c, int nc)
{
	char base[sizeof(c->l.release)];
	bool full[VMB_MAX_FILES] = { false };
	int i, j;

	for (i = 0; i < nc; i++) {
		struct vmb_loaded *l = &c[i].l;

		if (l->force_mmap_lock)
			c[i].vma = VMA_FORCED_OFF;
		else if (!l->module_present)
			c[i].vma = VMA_UNKNOWN;
		else if (l->features & (1U << VMB_F_per_vma_lock))
			c[i].vma = VMA_ON;
		else
			c[i].vma = VMA_NONE;
		if (major_minor(l->release, base, sizeof(base)))
			snprintf(base, sizeof(base), "%s",
				 l->release[0] ? l->release : "?");
		snprintf(c[i].label, sizeof(c[i].label), "%s%s", base,
			 l->force_mmap_lock ? " forced" : "");
	}
	/*
	 * Two kernels of one major.minor (Debian's 6.12 and a tree built
	 * from it, a tree with and without a patch): their full releases.
	 */
	for (i = 0; i < nc; i++)
		for (j = 0; j < nc && !full[i]; j++)
			full[i] = i != j && !strcmp(c[i].label, c[j].label) &&
				  strcmp(c[i].l.release, c[j].l.release);
	for (i = 0; i < nc; i++)
		if (full[i])
			snprintf(c[i].label, sizeof(c[i].label), "%s%s",
				 c[i].l.release,
				 c[i].l.force_mmap_lock ? " forced" : "");
	/* Two runs of one configuration: tell them apart by position. */
	for (i = 0; i < nc; i++)
		for (j = i + 1; j < nc; j++)
			if (!strcmp(c[i].label, c[j].label)) {
				size_t len = strlen(c[j].label);

				snprintf(c[j].label + len,
					 sizeof(c[j].label) - len, " [%d]", j);
			}
}

static const char *vma_desc(enum vma_mode m)
{
	switch (m) {
	case VMA_ON:
		return "on (features: per_vma_lock)";
	case VMA_FORCED_OFF:
		return "off (target/force_mmap_lock=1)";
	case VMA_NONE:
		return "none (no per_vma_lock in the module's features)";
	default:
		return "unknown (no module: no features, no counters)";
	}
}

/* Labels of the configurations in a mode, "6.1 and 6.12 forced". */
static const char *labels_of(const struct cfg *c, int nc, bool with_lock,
			     char *buf, size_t size)
{
	size_t len = 0;
	int i, k = 0, n = 0;

	for (i = 0; i < nc; i++)
		n += (c[i].vma == VMA_ON) == with_lock && c[i].vma != VMA_UNKNOWN;
	buf[0] = '\0';
	for (i = 0; i < nc && len < size; i++) {
		if ((c[i].vma == VMA_ON) != with_lock || c[i].vma == VMA_UNKNOWN)
			continue;
		k++;
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					k == 1 ? "" : k == n ? " and " : ", ",
					c[i].label);
	}
	return n ? buf : "none";
}

/* ---- the summary ---- */

struct verdict {
	char why[1024];
	size_t len;
	int judged;
};

static void miss(struct verdict *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

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

static void verdict_end(FILE *f, const struct verdict *v)
{
	if (!v->judged)
		fputs(" **no verdict**: no configuration with a known VMA-lock state has this data.\n",
		      f);
	else if (!v->len)
		fputs(" **Observed.**\n", f);
	else
		fprintf(f, " **Not observed**: %s.\n", v->why);
}

/* Thread counts a scenario ran with, in any configuration. */
static int threads_of(const struct cfg *c, int nc, const char *sc, int *t,
		      int max)
{
	size_t k;
	int i, j, n = 0;

	for (i = 0; i < nc; i++)
		for (k = 0; k < c[i].l.n; k++) {
			const struct vmb_result *r = &c[i].l.res[k];

			if (r->status != VMB_OK || strcmp(r->scenario, sc))
				continue;
			for (j = 0; j < n && t[j] != r->threads; j++)
				;
			if (j == n && n < max)
				t[n++] = r->threads;
		}
	return n;
}

static const char *fmt_hold(char *buf, size_t size, uint64_t us)
{
	if (us && !(us % 1000))
		snprintf(buf, size, "%llu ms", (unsigned long long)us / 1000);
	else
		snprintf(buf, size, "%llu us", (unsigned long long)us);
	return buf;
}

/* The hold of the first configuration that ran the scenario. */
static uint64_t hold_of(const struct cfg *c, int nc, const char *sc)
{
	size_t k;
	int i;

	for (i = 0; i < nc; i++)
		for (k = 0; k < c[i].l.n; k++)
			if (c[i].l.res[k].status == VMB_OK &&
			    !strcmp(c[i].l.res[k].scenario, sc))
				return c[i].l.hold_us;
	return nc ? c[0].l.hold_us : 0;
}

/* The reason a key did not run, or alt when it did. */
static const char *why_or(const struct cfg *c, const char *sc, int threads,
			  char *buf, size_t size, const char *alt)
{
	const char *w = why_not(c, sc, threads, buf, size);

	return w ? w : alt;
}

/*
 * Seed 001 (and the d065bd810b6d measurement): while one fault sleeps on a
 * held folio or slow swap I/O holding its lock, does an mmap()/munmap()
 * writer keep going, and do faults elsewhere? Each side is compared with
 * its own no-injection baseline of the same run.
 */
static void seed001(FILE *f, const struct cfg *c, int nc, const char *sc,
		    const char *what)
{
	char a[32], b[32], r[32], why[320], on[160], off[160];
	int t[VMB_MAX_THREADS_LIST], nt, i, j;

	nt = threads_of(c, nc, sc, t, VMB_MAX_THREADS_LIST);
	for (j = 0; j < nt; j++) {
		struct verdict v = { .len = 0 };
		struct vmb_stat w0 = get(&c[0], sc, t[j], VMB_ROLE_WRITER, K_OPS);

		fprintf(f, "- **seed 001**, %s (`%s`, %d victim thread%s), during a %s hold: writer ops/s",
			what, sc, t[j], t[j] == 1 ? "" : "s",
			fmt_hold(a, sizeof(a), hold_of(c, nc, sc)));
		for (i = 0; i < nc; i++) {
			struct vmb_stat w = get(&c[i], sc, t[j], VMB_ROLE_WRITER, K_OPS);
			struct vmb_stat wb = get(&c[i], sc, t[j], VMB_ROLE_WRITER_BASE,
						 K_OPS);
			double x = w.mean > 0 ? wb.mean / w.mean : INFINITY;

			if (!w.n || !wb.n) {
				fprintf(f, "%s %s: %s", i ? "," : "", c[i].label,
					why_or(&c[i], sc, t[j], why, sizeof(why),
					       "no writer"));
				continue;
			}
			fprintf(f, "%s %s: %.0f (baseline %.0f, slowdown %.3gx)",
				i ? "," : "", c[i].label, w.mean, wb.mean, x);
			if (c[i].vma == VMA_ON && !(x <= STALL_OK_X))
				miss(&v, "%s writer slowdown %.3gx (expected <= %.1fx)",
				     c[i].label, x, STALL_OK_X);
			if ((c[i].vma == VMA_NONE || c[i].vma == VMA_FORCED_OFF) &&
			    !(x >= STALL_BAD_X))
				miss(&v, "%s writer slowdown only %.3gx (expected >= %.0fx)",
				     c[i].label, x, STALL_BAD_X);
			v.judged |= c[i].vma != VMA_UNKNOWN;
		}
		for (i = 1; i < nc && w0.n; i++) {
			struct vmb_stat w = get(&c[i], sc, t[j], VMB_ROLE_WRITER, K_OPS);

			if (w.n)
				fprintf(f, "; %s / %s = %s", c[i].label, c[0].label,
					fmt_ratio(r, sizeof(r), &w0, &w));
		}
		fputs(". Bystander p99", f);
		for (i = 0; i < nc; i++) {
			struct vmb_stat by = get(&c[i], sc, t[j], VMB_ROLE_BYSTANDER, K_P99);
			struct vmb_stat bb = get(&c[i], sc, t[j],
						 VMB_ROLE_BYSTANDER_BASE, K_P99);
			double x;

			if (!by.n || !bb.n || bb.mean <= 0) {
				fprintf(f, "%s %s: -", i ? "," : "", c[i].label);
				continue;
			}
			x = by.mean / bb.mean;
			fprintf(f, "%s %s: %s (baseline %s, slowdown %.3gx)", i ? "," : "",
				c[i].label, vmb_fmt_ns(a, sizeof(a), by.mean),
				vmb_fmt_ns(b, sizeof(b), bb.mean), x);
			if (c[i].vma == VMA_ON && !(x <= STALL_OK_X))
				miss(&v, "%s bystander p99 slowdown %.3gx (expected <= %.1fx)",
				     c[i].label, x, STALL_OK_X);
			if ((c[i].vma == VMA_NONE || c[i].vma == VMA_FORCED_OFF) &&
			    !(x >= STALL_BAD_X))
				miss(&v, "%s bystander p99 slowdown only %.3gx (expected >= %.0fx)",
				     c[i].label, x, STALL_BAD_X);
		}
		fprintf(f, ". Expected: within %.1fx of baseline with the VMA lock (%s), %.0fx or more worse without (%s).",
			STALL_OK_X, labels_of(c, nc, true, on, sizeof(on)),
			STALL_BAD_X, labels_of(c, nc, false, off, sizeof(off)));
		verdict_end(f, &v);
	}
}

/*
 * The control for seed 001: baseline-anon injects nothing, so its
 * slowdowns against the baselines are what CPU sharing alone costs (the
 * victims run during the measured phase, not in its baseline).
 */
static void seed001_control(FILE *f, const struct cfg *c, int nc)
{
	const char *sc = "baseline-anon";
	int t[VMB_MAX_THREADS_LIST], nt, i, j;

	nt = threads_of(c, nc, sc, t, VMB_MAX_THREADS_LIST);
	if (!nt)
		return;
	fprintf(f, "- **control** (`%s`, nothing injected: the part of a slowdown that is the victims' CPU use, not a lock):",
		sc);
	for (j = 0; j < nt; j++) {
		fprintf(f, "%s %d victim thread%s: writer slowdown", j ? ";" : "",
			t[j], t[j] == 1 ? "" : "s");
		for (i = 0; i < nc; i++) {
			struct vmb_stat w = get(&c[i], sc, t[j], VMB_ROLE_WRITER, K_OPS);
			struct vmb_stat wb = get(&c[i], sc, t[j], VMB_ROLE_WRITER_BASE,
						 K_OPS);

			fprintf(f, "%s %s: ", i ? "," : "", c[i].label);
			if (w.n && wb.n)
				fprintf(f, "%.3gx", wb.mean / w.mean);
			else
				fputs("-", f);
		}
		fputs(", bystander p99 slowdown", f);
		for (i = 0; i < nc; i++) {
			struct vmb_stat by = get(&c[i], sc, t[j], VMB_ROLE_BYSTANDER, K_P99);
			struct vmb_stat bb = get(&c[i], sc, t[j],
						 VMB_ROLE_BYSTANDER_BASE, K_P99);

			fprintf(f, "%s %s: ", i ? "," : "", c[i].label);
			if (by.n && bb.n && bb.mean > 0)
				fprintf(f, "%.3gx", by.mean / bb.mean);
			else
				fputs("-", f);
		}
	}
	fputs(".\n", f);
}

/* Seed 002: compaction completion, UFFDIO_MOVE against UFFDIO_COPY. */
static void seed002(FILE *f, const struct cfg *c, int nc, bool recycled)
{
	const char *copy = recycled ? "uffd-move-vs-copy:copy-recycled" :
				      "uffd-move-vs-copy:copy-fresh";
	const char *move = recycled ? "uffd-move-vs-copy:move-recycled" :
				      "uffd-move-vs-copy:move-fresh";
	char a[32], b[32], why[320];
	int t[VMB_MAX_THREADS_LIST], nt, i, j;

	nt = threads_of(c, nc, copy, t, VMB_MAX_THREADS_LIST);
	for (j = 0; j < nt; j++) {
		struct verdict v = { .len = 0 };
		int shown = 0;

		fprintf(f, "- **seed 002**, %s pages (%d mutator thread%s): ",
			recycled ? "recycled" : "freshly allocated", t[j],
			t[j] == 1 ? "" : "s");
		fputs(recycled ? "UFFDIO_MOVE completion / UFFDIO_COPY completion" :
				 "UFFDIO_COPY completion / UFFDIO_MOVE completion", f);
		for (i = 0; i < nc; i++) {
			struct vmb_stat sc = get_metric(&c[i], copy, t[j], "compact_ms");
			struct vmb_stat sm = get_metric(&c[i], move, t[j], "compact_ms");
			const struct vmb_stat *num = recycled ? &sm : &sc;
			const struct vmb_stat *den = recycled ? &sc : &sm;
			double x, p;

			if (!sc.n || !sm.n || den->mean <= 0) {
				/* Left out of a configuration's run: nothing to say. */
				if (!strcmp(why_or(&c[i], sm.n ? copy : move, t[j],
						   why, sizeof(why), ""), "not run"))
					continue;
				fprintf(f, "%s %s: %s", shown++ ? "," : "", c[i].label,
					why_or(&c[i], sm.n ? copy : move, t[j], why,
					       sizeof(why), "no compact_ms"));
				continue;
			}
			x = num->mean / den->mean;
			p = vmb_welch_p(num, den);
			fprintf(f, "%s %s: %.3g%s (%s / %s)", shown++ ? "," : "",
				c[i].label, x, p < 0 ? "?" : p < 0.05 ? "*" : "",
				vmb_fmt_ns(a, sizeof(a), num->mean * 1e6),
				vmb_fmt_ns(b, sizeof(b), den->mean * 1e6));
			v.judged = 1;
			if (recycled && !(x <= MOVE_RECYCLED_MAX))
				miss(&v, "%s %.3g (expected <= %.1f)", c[i].label, x,
				     MOVE_RECYCLED_MAX);
			if (!recycled && !(x < 1))
				miss(&v, "%s %.3g: UFFDIO_MOVE ahead (expected UFFDIO_COPY ahead, < 1)",
				     c[i].label, x);
		}
		fprintf(f, ". Expected: %s.", recycled ?
			"<= 0.6 (the seed: over 40% shorter with UFFDIO_MOVE)" :
			"< 1 (the seed: UFFDIO_COPY ~20% faster when pages must be allocated)");
		verdict_end(f, &v);
	}
}

/*
 * Seed 000: faults that took the per-VMA lock first (vma_locked_done +
 * vma_lock_retry over faults), over every scenario with counters, summed
 * over repeats and thread counts.
 */
static void hit_rates(FILE *f, const struct cfg *c, int nc)
{
	char on[160], off[160];
	struct verdict v = { .len = 0 };
	int i;

	fputs("- **VMA-lock hit rate** (faults that took the per-VMA lock first, vma_locked_done + vma_lock_retry over faults, per scenario):",
	      f);
	for (i = 0; i < nc; i++) {
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
			h = hit_pct(sum);
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
		if (c[i].vma == VMA_ON && !(min >= HIT_ON_MIN))
			miss(&v, "%s %.1f%% in %s (expected >= %.0f%%)",
			     c[i].label, min, min_sc, HIT_ON_MIN);
		if ((c[i].vma == VMA_NONE || c[i].vma == VMA_FORCED_OFF) &&
		    max != 0)
			miss(&v, "%s %.1f%% in %s (expected 0%%)", c[i].label,
			     max, max_sc);
	}
	fprintf(f, ". Expected: >= %.0f%% in every scenario with the VMA lock (%s), 0%% without (%s).",
		HIT_ON_MIN, labels_of(c, nc, true, on, sizeof(on)),
		labels_of(c, nc, false, off, sizeof(off)));
	verdict_end(f, &v);
}

static void summary(FILE *f, const struct cfg *c, int nc, double wall_s)
{
	fputs("## Summary\n\n", f);
	seed001(f, c, nc, "folio-lock-shmem",
		"a folio held locked under a shmem fault");
	seed001(f, c, nc, "swap-sync", "slow synchronous swap-in");
	seed001_control(f, c, nc);
	seed002(f, c, nc, true);
	seed002(f, c, nc, false);
	hit_rates(f, c, nc);
	if (wall_s > 0)
		fprintf(f, "- **A/B wall time**: %.0f s for %d configuration%s. Expected: <= %.0f s for three with the default repeats under TCG on 2 cores. **%s.**\n",
			wall_s, nc, nc == 1 ? "" : "s", WALL_MAX_S,
			wall_s <= WALL_MAX_S ? "Met" : "Not met");
	fputs("\nRatios are to the first configuration; `*`: Welch's t-test over the repeats, p < 0.05; `?`: fewer than 2 repeats on a side. Scenarios: `vmalock-bench list`; metrics: vmalock-bench(8).\n\n",
	      f);
}

/* ---- tables ---- */

static void config_table(FILE *f, const struct cfg *c, int nc)
{
	int i;

	fputs("## Configurations\n\n| | label | kernel | VMA lock | module | hold | repeats | results | file |\n|---|---|---|---|---|---|---|---|---|\n",
	      f);
	for (i = 0; i < nc; i++) {
		char h[32];

		fprintf(f, "| [%d] | %s | %s | %s | ", i, c[i].label,
			c[i].l.release[0] ? c[i].l.release : "?", vma_desc(c[i].vma));
		md_cell(f, c[i].l.modversion[0] ? c[i].l.modversion : "not loaded");
		fprintf(f, " | %s | %d | %zu | ",
			fmt_hold(h, sizeof(h), c[i].l.hold_us),
			c[i].l.repeat, c[i].l.n);
		md_cell(f, c[i].l.path);
		fputs(" |\n", f);
	}
	fputc('\n', f);
}

static void table_row(FILE *f, const struct cfg *c, int nc, const struct key *k,
		      const struct row_def *d, const char *metric, enum unit u)
{
	struct vmb_stat s[VMB_MAX_FILES];
	char buf[48];
	bool any = false, nonzero = false;
	int i;

	for (i = 0; i < nc; i++) {
		stat_of(&c[i], k->sc, k->threads, d, metric, &s[i]);
		any |= s[i].n > 0;
		nonzero |= s[i].n > 0 && s[i].mean != 0;
	}
	/* Counters that stayed zero everywhere are noise in a table. */
	if (!any || ((d->kind == K_CTR || d->kind == K_METRIC) && !nonzero))
		return;
	fprintf(f, "| %s |", metric ? metric : d->label);
	for (i = 0; i < nc; i++) {
		if (!s[i].n) {
			fputs(" - |", f);
		} else {
			fprintf(f, " %s", fmt_val(buf, sizeof(buf), s[i].mean, u));
			if (s[i].n > 1 && s[i].mean != 0)
				fprintf(f, " ±%.0f%%", 100 * s[i].sd / fabs(s[i].mean));
			fputs(" |", f);
		}
		if (i)
			fprintf(f, " %s |", fmt_ratio(buf, sizeof(buf), &s[0], &s[i]));
	}
	fputc('\n', f);
}

static void key_table(FILE *f, const struct cfg *c, int nc, const struct key *k)
{
	const char *names[VMB_MAX_METRICS * VMB_MAX_FILES];
	char why[320];
	struct row_def md = { "", 0, K_METRIC, 0, U_NUM };
	int i, nn = 0, m, x;
	size_t j;

	fprintf(f, "#### %d victim thread%s\n\n|  |", k->threads,
		k->threads == 1 ? "" : "s");
	for (i = 0; i < nc; i++) {
		fprintf(f, " %s |", c[i].label);
		if (i)
			fprintf(f, " %s / %s |", c[i].label, c[0].label);
	}
	fputs("\n|---|", f);
	for (i = 0; i < nc; i++)
		fputs(i ? "---:|---:|" : "---:|", f);
	fputs("\n| runs |", f);
	for (i = 0; i < nc; i++) {
		const char *w = why_not(&c[i], k->sc, k->threads, why, sizeof(why));
		int ok = 0, bad = 0;

		for (j = 0; j < c[i].l.n; j++) {
			const struct vmb_result *r = &c[i].l.res[j];

			if (r->threads == k->threads && !strcmp(r->scenario, k->sc)) {
				ok += r->status == VMB_OK;
				bad += r->status == VMB_FAILED;
			}
		}
		if (w) {
			fputc(' ', f);
			md_cell(f, w);
			fputs(" |", f);
		} else if (bad) {
			fprintf(f, " ok x%d, failed x%d |", ok, bad);
		} else {
			fprintf(f, " ok x%d |", ok);
		}
		if (i)
			fputs(" |", f);
	}
	fputc('\n', f);
	for (j = 0; j < VMB_ARRAY_SIZE(rows); j++)
		table_row(f, c, nc, k, &rows[j], NULL, rows[j].unit);
	/* The scenario's own metrics, in the order they first appear. */
	for (i = 0; i < nc; i++)
		for (j = 0; j < c[i].l.n; j++) {
			const struct vmb_result *r = &c[i].l.res[j];

			if (r->status != VMB_OK || r->threads != k->threads ||
			    strcmp(r->scenario, k->sc))
				continue;
			for (m = 0; m < r->nmetrics; m++) {
				for (x = 0; x < nn && strcmp(names[x], r->metrics[m].name); x++)
					;
				if (x == nn && nn < (int)VMB_ARRAY_SIZE(names))
					names[nn++] = r->metrics[m].name;
			}
		}
	for (x = 0; x < nn; x++)
		table_row(f, c, nc, k, &md, names[x], U_NUM);
	fputc('\n', f);
}

/* cdf-NAME.svg, NAME with the ':' of a variant made '_'. */
static void plot_name(char *buf, size_t size, const char *sc)
{
	size_t i;

	snprintf(buf, size, "cdf-%s.svg", sc);
	for (i = 0; buf[i]; i++)
		if (buf[i] == ':' || buf[i] == '/')
			buf[i] = '_';
}

static bool any_ok(const struct cfg *c, int nc, const char *sc, int role)
{
	size_t k;
	int i;

	for (i = 0; i < nc; i++)
		for (k = 0; k < c[i].l.n; k++)
			if (c[i].l.res[k].status == VMB_OK &&
			    !strcmp(c[i].l.res[k].scenario, sc) &&
			    c[i].l.res[k].roles[role].h.count)
				return true;
	return false;
}

static int plot_scenario(const struct cfg *c, int nc, const char *sc,
			 const char *dir, bool *drawn)
{
	struct vmb_plot_panel p[2];
	const char *labels[VMB_MAX_FILES];
	struct vmb_loaded L[VMB_MAX_FILES];
	char path[512], name[160], t[2][160];
	int i, np = 0;

	*drawn = false;
	if (any_ok(c, nc, sc, VMB_ROLE_VICTIM)) {
		snprintf(t[np], sizeof(t[np]), "%s: victims", sc);
		p[np] = (struct vmb_plot_panel){ sc, VMB_ROLE_VICTIM, t[np] };
		np++;
	}
	if (any_ok(c, nc, sc, VMB_ROLE_BYSTANDER)) {
		snprintf(t[np], sizeof(t[np]), "%s: bystanders", sc);
		p[np] = (struct vmb_plot_panel){ sc, VMB_ROLE_BYSTANDER, t[np] };
		np++;
	}
	if (!np)
		return 0;
	for (i = 0; i < nc; i++) {
		L[i] = c[i].l;
		labels[i] = c[i].label;
	}
	plot_name(name, sizeof(name), sc);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	*drawn = true;
	return vmb_plot_cdfs(L, labels, nc, p, np, "latency CDF", path, NULL);
}

/* "uffd-move-vs-copy:copy-fresh" and "uffd-move-vs-copy:move-fresh" */
static bool same_base(const char *a, const char *b)
{
	size_t la = strcspn(a, ":"), lb = strcspn(b, ":");

	return la == lb && !strncmp(a, b, la);
}

static int collect_keys(const struct cfg *c, int nc, struct key *keys)
{
	size_t k, m;
	int i, j, n = 0;

	for (i = 0; i < nc; i++)
		for (k = 0; k < c[i].l.n; k++) {
			const struct vmb_result *r = &c[i].l.res[k];

			if (r->status != VMB_OK)
				continue;
			for (j = 0; j < n; j++)
				if (keys[j].threads == r->threads &&
				    !strcmp(keys[j].sc, r->scenario))
					break;
			if (j < n || n == MAX_KEYS)
				continue;
			m = 0;
			/*
			 * After the last key of the same scenario, or else of
			 * another variant of it (skipped where the first file
			 * did not have it), or else at the end.
			 */
			for (j = n; j > 0 && strcmp(keys[j - 1].sc, r->scenario); j--)
				;
			for (; !j && (int)m < n; m++)
				if (same_base(keys[n - 1 - m].sc, r->scenario))
					j = n - (int)m;
			if (!j)
				j = n;
			memmove(&keys[j + 1], &keys[j], (size_t)(n - j) * sizeof(*keys));
			keys[j] = (struct key){ r->scenario, r->threads };
			n++;
		}
	return n;
}

static const char *desc_of(const char *sc)
{
	const struct vmb_scenario *s;
	int variant;

	s = vmb_find_scenario(sc, &variant);
	return s ? s->desc : "";
}

/* Scenarios that ran in no configuration: why, once each. */
static void not_run(FILE *f, const struct cfg *c, int nc,
		    const struct key *keys, int n)
{
	char why[320];
	size_t k, m;
	int i, x;

	for (i = 0; i < nc; i++)
		for (k = 0; k < c[i].l.n; k++) {
			const struct vmb_result *r = &c[i].l.res[k];
			bool listed = false;

			for (x = 0; x < n && !listed; x++)
				listed = !strcmp(keys[x].sc, r->scenario);
			for (x = 0; x <= i && !listed; x++)
				for (m = 0; m < (x < i ? c[x].l.n : k) && !listed; m++)
					listed = !strcmp(c[x].l.res[m].scenario,
							 r->scenario);
			if (listed)
				continue;
			fprintf(f, "### %s\n\n", r->scenario);
			for (x = 0; x < nc; x++) {
				fprintf(f, "- %s: ", c[x].label);
				md_cell(f, why_or(&c[x], r->scenario, r->threads,
						  why, sizeof(why), "ok"));
				fputc('\n', f);
			}
			fputc('\n', f);
		}
}

static int write_report(FILE *f, const struct cfg *c, int nc,
			const struct vmb_opts *o)
{
	static struct key keys[MAX_KEYS];
	char name[160];
	int n, j, ret = 0;
	bool drawn;

	n = collect_keys(c, nc, keys);
	fputs("# vmalock-bench: kernel A/B report\n\n", f);
	summary(f, c, nc, o->wall_s);
	config_table(f, c, nc);
	fputs("## Scenarios\n\n", f);
	for (j = 0; j < n; j++) {
		if (!j || strcmp(keys[j - 1].sc, keys[j].sc))
			fprintf(f, "### %s\n\n%s.\n\n", keys[j].sc, desc_of(keys[j].sc));
		key_table(f, c, nc, &keys[j]);
		if (j + 1 < n && !strcmp(keys[j + 1].sc, keys[j].sc))
			continue;
		if (o->no_plots)
			continue;
		ret = plot_scenario(c, nc, keys[j].sc, o->output, &drawn);
		if (ret)
			return ret;
		plot_name(name, sizeof(name), keys[j].sc);
		if (drawn)
			fprintf(f, "![%s: latency CDFs, one curve per configuration and thread count](%s)\n\n",
				keys[j].sc, name);
	}
	not_run(f, c, nc, keys, n);
	return ret;
}

int vmb_cmd_report(const struct vmb_opts *o)
{
	static struct cfg c[VMB_MAX_FILES];
	char path[512], tmp[520];
	int nc, ret = 0;
	FILE *f;

	for (nc = 0; nc < o->nfiles; nc++) {
		ret = vmb_load_results(o->files[nc], &c[nc].l);
		if (ret)
			goto out;
	}
	label_cfgs(c, nc);
	if (mkdir(o->output, 0755) && errno != EEXIST) {
		ret = vmb_fail(-errno, "report: cannot create the directory %s",
			       o->output);
		goto out;
	}
	/* Written aside and renamed: no half report after an error. */
	snprintf(path, sizeof(path), "%s/report.md", o->output);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f) {
		ret = vmb_fail(-errno, "report: cannot write %s", tmp);
		goto out;
	}
	ret = write_report(f, c, nc, o);
	if (ferror(f) | fclose(f)) {
		if (!ret)
			ret = vmb_fail(-EIO, "report: writing %s", tmp);
	}
	if (ret) {
		unlink(tmp);
		if (!o->no_plots && ret == -ENOENT)
			fprintf(stderr, "vmalock-bench: report: --no-plots writes the report without gnuplot\n");
		goto out;
	}
	if (rename(tmp, path)) {
		ret = vmb_fail(-errno, "report: renaming %s to %s", tmp, path);
		unlink(tmp);
		goto out;
	}
	printf("wrote %s (%d configurations)\n", path, nc);
out:
	while (nc--)
		vmb_loaded_free(&c[nc].l);
	return ret;
}
