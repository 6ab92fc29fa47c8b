// SPDX-License-Identifier: GPL-2.0
/*
 * The A/B report's model: the configurations, labelled from their files,
 * and what the tables (ab.c) and the claims' lines (summary.c) read out of
 * them: means and spreads over repeats, why a scenario did not run.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "lib/base.h"
#include "lib/clock.h"
#include "lib/error.h"
#include "report/model.h"
#include "run/opts.h"

#define MAX_REP 1000

static bool value_of(const struct vmb_result *r, const struct row_def *d,
		     const char *metric, double *v)
{
	const struct vmb_role_result *rr = &r->roles[d->role];

	switch (d->kind) {
	case K_CTR:
		*v = (double)r->counters[d->ctr];
		return r->have_counters;
	case K_FIG:
		return vmb_figure(r, d->ctr, v);
	case K_METRIC:
		return vmb_result_metric(r, metric, v);
	case K_OPS:
		/*
		 * A writer blocked for a whole phase did 0 ops: a value; in a
		 * phase too short for a first op, 0 means nothing.
		 */
		*v = rr->secs > 0 ? (double)rr->ops / rr->secs : 0;
		return rr->present && (rr->ops || rr->secs >= AB_MIN_PHASE_S);
	default:
		if (!rr->present || !rr->h.count)
			return false;
		*v = d->kind == K_MAX ? (double)rr->h.max :
			(double)vmb_hist_pct(&rr->h, d->kind == K_P50 ? 50 : 99);
		return true;
	}
}

/* Mean and spread over the repeats of one key in one configuration. */
void ab_stat_of(const struct ab_cfg *c, const char *sc, int threads,
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
		    ab_in_tables(c, r) && !strcmp(r->scenario, sc) &&
		    value_of(r, d, metric, &v))
			x[n++] = v;
	}
	vmb_stats(x, n, s);
}

struct vmb_stat ab_get(const struct ab_cfg *c, const char *sc, int threads,
			   int role, enum ab_kind kind)
{
	struct row_def d = { "", role, kind, 0, U_NUM };
	struct vmb_stat s;

	ab_stat_of(c, sc, threads, &d, NULL, &s);
	return s;
}

struct vmb_stat ab_get_metric(const struct ab_cfg *c, const char *sc,
				  int threads, const char *metric)
{
	struct row_def d = { "", 0, K_METRIC, 0, U_NUM };
	struct vmb_stat s;

	ab_stat_of(c, sc, threads, &d, metric, &s);
	return s;
}

bool ab_in_tables(const struct ab_cfg *c, const struct vmb_result *r)
{
	return !r->alone || c->l.alone;
}

struct vmb_stat ab_metric_of(const struct vmb_result *r, const char *metric)
{
	struct row_def d = { "", 0, K_METRIC, 0, U_NUM };
	struct vmb_stat s = { 0 };
	double v;

	if (value_of(r, &d, metric, &v))
		vmb_stats(&v, 1, &s);
	return s;
}

struct vmb_stat ab_get_figure(const struct ab_cfg *c, const char *sc,
			      int threads, enum vmb_fault_figure fig)
{
	struct row_def d = { "", 0, K_FIG, fig, U_NUM };
	struct vmb_stat s;

	ab_stat_of(c, sc, threads, &d, NULL, &s);
	return s;
}

/* The status of a key in a configuration: NULL when it ran. */
const char *ab_why_not(const struct ab_cfg *c, const char *sc, int threads,
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

const char *ab_fmt_ratio(char *buf, size_t size,
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
void ab_md_cell(FILE *f, const char *s)
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

/* The first repeat number after those of r's scenario and threads in l. */
static int next_repeat(const struct vmb_loaded *l, size_t n,
		       const struct vmb_result *r)
{
	int next = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (l->res[i].threads == r->threads &&
		    !strcmp(l->res[i].scenario, r->scenario) &&
		    l->res[i].repeat >= next)
			next = l->res[i].repeat + 1;
	return next;
}

/* The results of more joined into l, renumbered after l's own. */
static int join(struct vmb_loaded *l, struct vmb_loaded *more)
{
	struct vmb_result *res;
	size_t i, n = l->n;

	res = realloc(l->res, (l->n + more->n + 1) * sizeof(*res));
	if (!res)
		return -ENOMEM;
	l->res = res;
	for (i = 0; i < more->n; i++) {
		res[n + i] = more->res[i];
		res[n + i].repeat += next_repeat(l, n, &more->res[i]);
	}
	l->n += more->n;
	return 0;
}

int ab_load_cfg(const char *spec, struct vmb_loaded *l)
{
	struct vmb_loaded more;
	char path[256];
	const char *p = spec, *plus;
	size_t len;
	int ret, first = 1;

	if (!access(spec, F_OK))
		return vmb_load_results(spec, l);
	for (; *p; p = plus + !!*plus, first = 0) {
		/* Split after ".json": a '+' is in Debian's releases too. */
		plus = strstr(p, ".json+");
		plus = plus ? plus + 5 : p + strlen(p);
		len = (size_t)(plus - p);
		if (!len || len >= sizeof(path)) {
			ret = vmb_fail(-EINVAL, "report: '%s': expected FILE or FILE+FILE...",
				       spec);
			goto fail;
		}
		memcpy(path, p, len);
		path[len] = '\0';
		ret = vmb_load_results(path, first ? l : &more);
		if (ret)
			goto fail_first;
		if (first)
			continue;
		ret = join(l, &more);
		vmb_loaded_free(&more);
		if (ret) {
			vmb_fail(ret, "report: joining %s", path);
			goto fail;
		}
	}
	return 0;
fail_first:
	if (first)
		return ret;
fail:
	if (!first)
		vmb_loaded_free(l);
	return ret;
}

void ab_label_cfgs(struct ab_cfg *c, int nc)
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

/* Labels of the configurations in a mode, "6.1 and 6.12 forced". */
const char *ab_labels_of(const struct ab_cfg *c, int nc, unsigned int vmas,
			     char *buf, size_t size)
{
	size_t len = 0;
	int i, k = 0, n = 0;

	vmas &= ~(1U << VMA_UNKNOWN);
	for (i = 0; i < nc; i++)
		n += !!(vmas & (1U << c[i].vma));
	buf[0] = '\0';
	for (i = 0; i < nc && len < size; i++) {
		if (!(vmas & (1U << c[i].vma)))
			continue;
		k++;
		len += (size_t)snprintf(buf + len, size - len, "%s%s",
					k == 1 ? "" : k == n ? " and " : ", ",
					c[i].label);
	}
	return n ? buf : "none";
}

/* Thread counts a scenario ran with, in any configuration. */
int ab_threads_of(const struct ab_cfg *c, int nc, const char *sc, int *t,
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

const char *ab_fmt_hold(char *buf, size_t size, uint64_t us)
{
	if (us && !(us % 1000))
		snprintf(buf, size, "%llu ms", (unsigned long long)us / 1000);
	else
		snprintf(buf, size, "%llu us", (unsigned long long)us);
	return buf;
}

/* The hold of the first configuration that ran the scenario. */
uint64_t ab_hold_of(const struct ab_cfg *c, int nc, const char *sc)
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
const char *ab_why_or(const struct ab_cfg *c, const char *sc, int threads,
			  char *buf, size_t size, const char *alt)
{
	const char *w = ab_why_not(c, sc, threads, buf, size);

	return w ? w : alt;
}

/* ---- tables ---- */

