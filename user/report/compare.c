// SPDX-License-Identifier: GPL-2.0
/*
 * compare: runs side by side, in the spirit of mmtests compare-kernels.
 * For each scenario and thread count, each metric is taken per repeat;
 * the table shows mean and standard deviation per file, the ratio to the
 * first file, and '*' when Welch's t-test says the difference is
 * significant (two-sided p < 0.05), '?' with fewer than two repeats.
 * --ci: the mean's 95% t-interval in place of the deviation, in words a
 * script reads by position (scripts/pair-verdicts.awk).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base.h"
#include "report/json.h"
#include "report/stats.h"
#include "run/commands.h"

struct metric_def {
	const char *name;
	int role;		/* kind 4: the VMB_FIG_* */
	int kind;		/* 0 p50, 1 p99, 2 ops/s, 3 metric value, 4 figure */
};

static double extract(const struct vmb_result *r, int role, int kind,
		      const char *metric, bool *ok)
{
	const struct vmb_role_result *rr;

	*ok = false;
	if (kind == 4) {
		double v = 0;

		*ok = vmb_figure(r, role, &v);
		return v;
	}
	if (kind == 3) {
		double v = 0;

		*ok = vmb_result_metric(r, metric, &v);
		return v;
	}
	rr = &r->roles[role];
	if (!rr->present || !rr->h.count)
		return 0;
	*ok = true;
	if (kind == 2)
		return rr->secs > 0 ? (double)rr->ops / rr->secs : 0;
	return (double)vmb_hist_pct(&rr->h, kind ? 99 : 50);
}

static int collect(const struct vmb_loaded *l, const char *sc, int threads,
		   int role, int kind, const char *metric, double *x, int max)
{
	size_t i;
	int n = 0;
	bool ok;
	double v;

	for (i = 0; i < l->n && n < max; i++) {
		const struct vmb_result *r = &l->res[i];

		if (r->status != VMB_OK || r->threads != threads ||
		    strcmp(r->scenario, sc))
			continue;
		v = extract(r, role, kind, metric, &ok);
		if (ok)
			x[n++] = v;
	}
	return n;
}

/*
 * A file's column with --ci, three words: the mean, "[LO,HI]" (its 95%
 * t-interval, stats.c) or '-' with one repeat; after [0], the ratio to
 * [0] with the mark of the default table, the ratio '-' where [0]'s mean
 * is 0 (the mark still given). '-' for a file without the row.
 */
static void ci_cell(FILE *f, const struct vmb_stat *s0,
		    const struct vmb_stat *s, int i)
{
	char m[32] = "-", iv[80] = "-", r[32] = "-";
	double lo, hi, p;

	if (s->n)
		snprintf(m, sizeof(m), "%.6g", s->mean);
	if (vmb_interval95(s, &lo, &hi))
		snprintf(iv, sizeof(iv), "[%.6g,%.6g]", lo, hi);
	fprintf(f, " %12s %-27s", m, iv);
	if (!i)
		return;
	if (!s->n || !s0->n) {
		fprintf(f, " %8s", "-");
		return;
	}
	p = vmb_welch_p(s0, s);
	if (s0->mean != 0)
		snprintf(r, sizeof(r), "%.2fx", s->mean / s0->mean);
	fprintf(f, " %7s%c", r, p < 0 ? '?' : p < 0.05 ? '*' : ' ');
}

static void row(FILE *f, struct vmb_loaded *L, int nf, const char *sc,
		int threads, const char *label, int role, int kind,
		const char *metric, bool ci)
{
	struct vmb_stat s[VMB_MAX_FILES];
	double x[1000], p;
	int i, n;
	bool any = false;

	for (i = 0; i < nf; i++) {
		n = collect(&L[i], sc, threads, role, kind, metric, x, 1000);
		vmb_stats(x, n, &s[i]);
		any |= n > 0;
	}
	if (!any)
		return;
	fprintf(f, "%-30s %3d %-18s", sc, threads, label);
	for (i = 0; i < nf; i++) {
		if (ci) {
			ci_cell(f, &s[0], &s[i], i);
			continue;
		}
		if (!s[i].n) {
			fprintf(f, " %*s", i ? 33 : 24, "-");
			continue;
		}
		/* Every column: mean and spread (sd over the repeats). */
		fprintf(f, " %12.4g±%-8.2g", s[i].mean, s[i].sd);
		if (i == 0) {
			fputs("   ", f);
			continue;
		}
		if (!s[0].n || s[0].mean == 0) {
			fprintf(f, " %11s", "");
			continue;
		}
		p = vmb_welch_p(&s[0], &s[i]);
		fprintf(f, " %6.2fx%c  ", s[i].mean / s[0].mean,
			p < 0 ? '?' : p < 0.05 ? '*' : ' ');
	}
	fputc('\n', f);
}

/* Whether L[f].res[i]'s scenario and thread count ran before it. */
static bool ran_before(const struct vmb_loaded *L, int f, size_t i)
{
	const struct vmb_result *r = &L[f].res[i], *x;
	size_t k;
	int g;

	for (g = 0; g <= f; g++)
		for (k = 0; k < (g < f ? L[g].n : i); k++) {
			x = &L[g].res[k];
			if (x->status == VMB_OK && x->threads == r->threads &&
			    !strcmp(x->scenario, r->scenario))
				return true;
		}
	return false;
}

int vmb_cmd_compare(const struct vmb_opts *o)
{
	static const struct metric_def defs[] = {
		{ "victim p50 ns", VMB_ROLE_VICTIM, 0 },
		{ "victim p99 ns", VMB_ROLE_VICTIM, 1 },
		{ "bystander p99 ns", VMB_ROLE_BYSTANDER, 1 },
		{ "bystander ops/s", VMB_ROLE_BYSTANDER, 2 },
		{ "bys_base ops/s", VMB_ROLE_BYSTANDER_BASE, 2 },
		{ "writer p99 ns", VMB_ROLE_WRITER, 1 },
		{ "writer ops/s", VMB_ROLE_WRITER, 2 },
		{ "writer_base ops/s", VMB_ROLE_WRITER_BASE, 2 },
		{ "injector p50 ns", VMB_ROLE_INJECTOR, 0 },
		{ "under VMA lock %", VMB_FIG_completed_under_vma_lock_pct, 4 },
		{ "2 attempts %", VMB_FIG_attempts_2_pct, 4 },
		{ "mmap_lock/fault", VMB_FIG_mmap_lock_per_fault, 4 },
		{ "ml wait ns/fault", VMB_FIG_mmap_lock_wait_ns_per_fault, 4 },
		{ "ml wait p99 us<=", VMB_FIG_mmap_lock_wait_p99_us_bound, 4 },
		{ "writer wait %", VMB_FIG_writer_wait_pct, 4 },
	};
	struct vmb_loaded L[VMB_MAX_FILES];
	size_t i, d;
	int f, m, ret = 0;

	for (f = 0; f < o->nfiles; f++) {
		ret = vmb_load_results(o->files[f], &L[f]);
		if (ret) {
			while (f--)
				vmb_loaded_free(&L[f]);
			return ret;
		}
	}
	for (f = 0; f < o->nfiles; f++)
		printf("[%d] %s: kernel %s, module %s, hold_us %llu\n", f,
		       L[f].path, L[f].release[0] ? L[f].release : "?",
		       L[f].modversion[0] ? L[f].modversion : "none",
		       (unsigned long long)L[f].hold_us);
	printf("%-30s %3s %-18s", "scenario", "thr", "metric");
	for (f = 0; f < o->nfiles; f++) {
		if (o->ci)
			printf(" [%d] %8s %-27s%s", f, "mean", "[95% t-interval]",
			       f ? "    ratio" : "");
		else
			printf(" %*s", f ? 33 : 24,
			       f ? "[n] mean±sd  ratio sig" : "[0] mean±sd");
	}
	printf("\n");
	/*
	 * Keys in the order of the first file that has them, each from its
	 * first result that ran (not repeat 0's: that one may have failed).
	 */
	for (f = 0; f < o->nfiles; f++) {
		for (i = 0; i < L[f].n; i++) {
			const struct vmb_result *r = &L[f].res[i];

			if (r->status != VMB_OK || ran_before(L, f, i))
				continue;
			for (d = 0; d < VMB_ARRAY_SIZE(defs); d++)
				row(stdout, L, o->nfiles, r->scenario,
				    r->threads, defs[d].name, defs[d].role,
				    defs[d].kind, NULL, o->ci);
			for (m = 0; m < r->nmetrics; m++)
				row(stdout, L, o->nfiles, r->scenario,
				    r->threads, r->metrics[m].name, 0, 3,
				    r->metrics[m].name, o->ci);
		}
	}
	printf("ratios are [n]/[0]; '*': Welch's t-test over repeats, p < 0.05; '?': fewer than 2 repeats\n");
	if (o->ci)
		printf("intervals: the mean's 95%% t-interval over the repeats, mean -+ t(0.975, n-1) sd / sqrt(n); '-' with one repeat\n");
	printf("under VMA lock: vma_locked_done / faults (a fault that fell back after a retry is not in it); 2+ attempts: faults that took 2 calls; mmap_lock: from target/mmap_lock, where the module has it; p99 wait: the upper bound of its log2 bucket; writer wait: writer_wait_ms as a %% of the victims' summed fault time\n");
	for (f = 0; f < o->nfiles; f++)
		vmb_loaded_free(&L[f]);
	return ret;
}
