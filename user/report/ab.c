// SPDX-License-Identifier: GPL-2.0
/*
 * report: the kernel A/B report (scripts/ab, "make ab").
 *
 * Input: one run --json file per configuration: a kernel, or a kernel run
 * with --force-mmap-lock (the same kernel with the VMA lock off). Output:
 * DIR/report.md and DIR/cdf-SCENARIO.svg: the summary, a line per claim
 * (claims.c, summary.c) saying whether the expected direction was
 * observed, and if not where and by how much: a finding about the kernel,
 * not an error of the tool; the configurations; a table per scenario and
 * thread count with means over repeats, ratios to the first file, and '*'
 * when Welch's t-test over the per-repeat values (stats.c) gives p < 0.05;
 * the claims themselves.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/base.h"
#include "lib/clock.h"
#include "lib/error.h"
#include "report/model.h"
#include "report/plot.h"
#include "report/stats.h"
#include "run/commands.h"
#include "run/scenario.h"

#define MAX_KEYS 256

/* A scenario (name, with its variant) and a thread count. */
struct key {
	const char *sc;
	int threads;
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
	{ "completed under the VMA lock", 0, K_FIG,
	  VMB_FIG_completed_under_vma_lock_pct, U_PCT },
	{ "done in 1 attempt", 0, K_FIG, VMB_FIG_attempts_1_pct, U_PCT },
	{ "done in 2 attempts", 0, K_FIG, VMB_FIG_attempts_2_pct, U_PCT },
	{ "done in 3 attempts", 0, K_FIG, VMB_FIG_attempts_3_pct, U_PCT },
	{ "done in 4+ attempts", 0, K_FIG, VMB_FIG_attempts_4plus_pct, U_PCT },
	{ "mmap_lock acquisitions / fault", 0, K_FIG,
	  VMB_FIG_mmap_lock_per_fault, U_NUM },
	{ "mmap_lock reads in faults / fault", 0, K_FIG,
	  VMB_FIG_mmap_lock_read_in_fault_per_fault, U_NUM },
	{ "mmap_lock writes outside faults / fault", 0, K_FIG,
	  VMB_FIG_mmap_lock_write_outside_per_fault, U_NUM },
	{ "mmap_lock wait / fault", 0, K_FIG,
	  VMB_FIG_mmap_lock_wait_ns_per_fault, U_NS },
	{ "mmap_lock wait / write acquisition", 0, K_FIG,
	  VMB_FIG_mmap_lock_wait_ns_per_write, U_NS },
	{ "mmap_lock wait p50 (bucket bound, us)", 0, K_FIG,
	  VMB_FIG_mmap_lock_wait_p50_us_bound, U_NUM },
	{ "mmap_lock wait p99 (bucket bound, us)", 0, K_FIG,
	  VMB_FIG_mmap_lock_wait_p99_us_bound, U_NUM },
	{ "writer's sleep, % of the victims' fault time", 0, K_FIG,
	  VMB_FIG_writer_wait_pct, U_PCT },
	{ "faults", 0, K_CTR, VMB_C_faults, U_NUM },
	{ "vma_locked_done", 0, K_CTR, VMB_C_vma_locked_done, U_NUM },
	{ "vma_lock_retry", 0, K_CTR, VMB_C_vma_lock_retry, U_NUM },
	{ "mmap_lock_faults", 0, K_CTR, VMB_C_mmap_lock_faults, U_NUM },
	{ "retry", 0, K_CTR, VMB_C_retry, U_NUM },
	{ "retry_after_tried", 0, K_CTR, VMB_C_retry_after_tried, U_NUM },
	{ "major", 0, K_CTR, VMB_C_major, U_NUM },
	{ "forced_miss", 0, K_CTR, VMB_C_forced_miss, U_NUM },
};

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
static const char *vma_desc(enum ab_vma m)
{
	switch (m) {
	case VMA_ON:
		return "on (features: per_vma_lock)";
	case VMA_FORCED_OFF:
		return "forced off (target/force_mmap_lock=1): this kernel's fault path with lock_vma_under_rcu() failed by a kretprobe for the target's faults, baseline included; not a kernel without per-VMA locks";
	case VMA_NONE:
		return "none (no per_vma_lock in the module's features)";
	default:
		return "unknown (no module: no features, no counters)";
	}
}

static void config_table(FILE *f, const struct ab_cfg *c, int nc)
{
	int i;

	fputs("## Configurations\n\n| | label | kernel | VMA lock | module | hold | repeats | results | file |\n|---|---|---|---|---|---|---|---|---|\n",
	      f);
	for (i = 0; i < nc; i++) {
		char h[32];

		fprintf(f, "| [%d] | %s | %s | %s | ", i, c[i].label,
			c[i].l.release[0] ? c[i].l.release : "?", vma_desc(c[i].vma));
		ab_md_cell(f, c[i].l.modversion[0] ? c[i].l.modversion : "not loaded");
		fprintf(f, " | %s | %d | %zu | ",
			ab_fmt_hold(h, sizeof(h), c[i].l.hold_us),
			c[i].l.repeat, c[i].l.n);
		ab_md_cell(f, c[i].l.path);
		fputs(" |\n", f);
	}
	fputc('\n', f);
}

static void table_row(FILE *f, const struct ab_cfg *c, int nc, const struct key *k,
		      const struct row_def *d, const char *metric, enum unit u)
{
	struct vmb_stat s[VMB_MAX_FILES];
	char buf[48];
	bool any = false, nonzero = false;
	int i;

	for (i = 0; i < nc; i++) {
		ab_stat_of(&c[i], k->sc, k->threads, d, metric, &s[i]);
		any |= s[i].n > 0;
		nonzero |= s[i].n > 0 && s[i].mean != 0;
	}
	/* Counters that stayed zero everywhere are noise in a table. */
	if (!any || ((d->kind == K_CTR || d->kind == K_METRIC ||
		      (d->kind == K_FIG && d->ctr >= VMB_FIG_attempts_2_pct &&
		       d->ctr <= VMB_FIG_attempts_4plus_pct)) && !nonzero))
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
			fprintf(f, " %s |", ab_fmt_ratio(buf, sizeof(buf), &s[0], &s[i]));
	}
	fputc('\n', f);
}

static void key_table(FILE *f, const struct ab_cfg *c, int nc, const struct key *k)
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
		const char *w = ab_why_not(&c[i], k->sc, k->threads, why, sizeof(why));
		int ok = 0, bad = 0;

		for (j = 0; j < c[i].l.n; j++) {
			const struct vmb_result *r = &c[i].l.res[j];

			if (r->threads == k->threads && ab_in_tables(&c[i], r) &&
			    !strcmp(r->scenario, k->sc)) {
				ok += r->status == VMB_OK;
				bad += r->status == VMB_FAILED;
			}
		}
		if (w) {
			fputc(' ', f);
			ab_md_cell(f, w);
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

static bool any_ok(const struct ab_cfg *c, int nc, const char *sc, int role)
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

static int plot_scenario(const struct ab_cfg *c, int nc, const char *sc,
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

static int collect_keys(const struct ab_cfg *c, int nc, struct key *keys)
{
	size_t k, m;
	int i, j, n = 0;

	for (i = 0; i < nc; i++)
		for (k = 0; k < c[i].l.n; k++) {
			const struct vmb_result *r = &c[i].l.res[k];

			if (r->status != VMB_OK || !ab_in_tables(&c[i], r))
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
	static char buf[512];
	const struct vmb_scenario *s;
	size_t len = strcspn(sc, "+");
	char name[128];
	int variant;

	/* "SCENARIO+MODE": the scenario with --writer MODE. */
	snprintf(name, sizeof(name), "%.*s", (int)len, sc);
	s = vmb_find_scenario(name, &variant);
	if (!s)
		return "A program run under vmalock-bench exec or attach, not a scenario: its faults are the victim's (the command and what was armed: settings.exec in its JSON)";
	if (!sc[len])
		return s->desc;
	snprintf(buf, sizeof(buf), "%s; the writer: --writer %s (vmalock-bench(8))",
		 s->desc, sc + len + 1);
	return buf;
}

/* Scenarios that ran in no configuration: why, once each. */
static void not_run(FILE *f, const struct ab_cfg *c, int nc,
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
				ab_md_cell(f, ab_why_or(&c[x], r->scenario, r->threads,
						  why, sizeof(why), "ok"));
				fputc('\n', f);
			}
			fputc('\n', f);
		}
}

/* The seeds and the summary, and DIR/verdicts.tsv for scripts/ab --stability. */
static int write_verdicts(FILE *f, const struct ab_cfg *c, int nc,
			  const struct vmb_opts *o)
{
	char path[512];
	FILE *tsv;
	int ret;

	snprintf(path, sizeof(path), "%s/verdicts.tsv", o->output);
	tsv = fopen(path, "w");
	if (!tsv)
		return vmb_fail(-errno, "report: cannot write %s", path);
	fputs("# claim\tthreads\tverdict\tscenarios\truns (suite, or victims alone)\n",
	      tsv);
	ret = ab_summary(f, c, nc, o->wall_s, tsv);
	if ((ferror(tsv) | fclose(tsv)) && !ret)
		ret = -EIO;
	if (ret)
		return vmb_fail(ret, "report: writing the verdicts to %s", path);
	return 0;
}

static int write_report(FILE *f, const struct ab_cfg *c, int nc,
			const struct vmb_opts *o)
{
	static struct key keys[MAX_KEYS];
	char name[160];
	int n, j, ret = 0;
	bool drawn;

	n = collect_keys(c, nc, keys);
	fputs("# vmalock-bench: kernel A/B report\n\n", f);
	ret = write_verdicts(f, c, nc, o);
	if (ret)
		return ret;
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
	ab_claims_table(f, o->wall_s);
	return ret;
}

int vmb_cmd_report(const struct vmb_opts *o)
{
	static struct ab_cfg c[VMB_MAX_FILES];
	char path[512], tmp[520];
	int nc, ret = 0;
	FILE *f;

	for (nc = 0; nc < o->nfiles; nc++) {
		ret = ab_load_cfg(o->files[nc], &c[nc].l);
		if (ret)
			goto out;
	}
	ab_label_cfgs(c, nc);
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
