/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The A/B report's model (model.c): the configurations it compares, each
 * a run --json file, and what is read out of them, by the tables (ab.c)
 * and by the claims' lines (summary.c).
 */
#ifndef VMB_MODEL_H
#define VMB_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report/json.h"
#include "report/stats.h"

/* The shortest phase whose 0 ops/s is a value, s. */
#define AB_MIN_PHASE_S 0.01

enum ab_vma { VMA_ON, VMA_FORCED_OFF, VMA_NONE, VMA_UNKNOWN };

/* A configuration: a kernel, or a kernel run with --force-mmap-lock. */
struct ab_cfg {
	struct vmb_loaded l;
	char label[160];	/* major.minor or the release, " forced", " [N]" */
	enum ab_vma vma;
};

/* What of a role a value is. */
/* K_FIG: a figure of how the faults finished, ctr its VMB_FIG_* */
enum ab_kind { K_P50, K_P99, K_MAX, K_OPS, K_CTR, K_FIG, K_METRIC };
enum unit { U_NS, U_OPS, U_PCT, U_NUM };

/* A row of a table: a label and what it shows. */
struct row_def {
	const char *label;
	int role;
	enum ab_kind kind;
	int ctr;
	enum unit unit;
};

/*
 * A configuration from "A.json" or "A.json+B.json+..." (split after
 * ".json+", as Debian's release directories have a '+'): the results of
 * every file, a later file's repeats numbered after the earlier ones'
 * (per scenario and thread count); settings and labels from the first.
 */
int ab_load_cfg(const char *spec, struct vmb_loaded *l);
/* Labels (6.1, 6.12 forced, ...) and VMA lock states from the files. */
void ab_label_cfgs(struct ab_cfg *c, int nc);
/* Mean and spread over the repeats of a row, or of metric (K_METRIC). */
void ab_stat_of(const struct ab_cfg *c, const char *sc, int threads,
		const struct row_def *d, const char *metric,
		struct vmb_stat *s);
/* The status of a scenario and thread count in c: NULL when it ran. */
const char *ab_why_not(const struct ab_cfg *c, const char *sc, int threads,
		       char *buf, size_t size);

/* Mean and spread over the repeats of a scenario and thread count. */
struct vmb_stat ab_get(const struct ab_cfg *c, const char *sc, int threads,
		       int role, enum ab_kind kind);
struct vmb_stat ab_get_metric(const struct ab_cfg *c, const char *sc,
			      int threads, const char *metric);
/*
 * Whether r is in the tables: a victims-alone run joined to a
 * configuration (A.json+alone.json) serves the fault-figure claims only.
 */
bool ab_in_tables(const struct ab_cfg *c, const struct vmb_result *r);
/* A scenario metric of one result, as a stat of n 0 or 1. */
struct vmb_stat ab_metric_of(const struct vmb_result *r, const char *metric);
struct vmb_stat ab_get_figure(const struct ab_cfg *c, const char *sc,
			      int threads, enum vmb_fault_figure fig);
/* Thread counts a scenario ran with, in any configuration. */
int ab_threads_of(const struct ab_cfg *c, int nc, const char *sc, int *t,
		  int max);
/* The hold of the first configuration that ran the scenario. */
uint64_t ab_hold_of(const struct ab_cfg *c, int nc, const char *sc);
/* Why a scenario did not run in c at threads ("not run", "skipped: ..."), or alt. */
const char *ab_why_or(const struct ab_cfg *c, const char *sc, int threads,
		      char *buf, size_t size, const char *alt);
/* Labels of the configurations with or without the lock, "6.1 and 6.12 forced". */
/* vmas: a mask of 1 << enum ab_vma; VMA_UNKNOWN is never in it. */
const char *ab_labels_of(const struct ab_cfg *c, int nc, unsigned int vmas,
			 char *buf, size_t size);
/* "10 ms", "500 us" */
const char *ab_fmt_hold(char *buf, size_t size, uint64_t us);
/* "1.23x*": b over a, marked by Welch's test over the repeats. */
const char *ab_fmt_ratio(char *buf, size_t size, const struct vmb_stat *a,
			 const struct vmb_stat *b);
/* A markdown table cell: no '|', no newline. */
void ab_md_cell(FILE *f, const char *s);

/*
 * "## Seeds" and "## Summary": a line per seed, a line per claim and
 * thread count (summary.c); tsv, unless NULL, gets "id threads verdict"
 * per line. -ENOMEM.
 */
int ab_summary(FILE *f, const struct ab_cfg *c, int nc, double wall_s,
	       FILE *tsv);
/* "## Claims": the claims themselves, a row each (summary.c). */
void ab_claims_table(FILE *f, double wall_s);

#endif /* VMB_MODEL_H */
