/* SPDX-License-Identifier: GPL-2.0 */
/* Latency CDFs with gnuplot (plot.c): the plot and report commands. */
#ifndef VMB_PLOT_H
#define VMB_PLOT_H

#include "report/json.h"

/* One panel: the CDF of one role in one scenario, a curve per run. */
struct vmb_plot_panel {
	const char *scenario;
	int role;		/* enum vmb_role */
	const char *title;
};

/*
 * Draw the panels, two per row, into output (.svg or .png): in each, one
 * curve per file and thread count, repeats merged, titled with the file's
 * label. *ncurves (may be NULL) gets the number of curves drawn.
 */
int vmb_plot_cdfs(const struct vmb_loaded *L, const char *const *labels,
		  int nf, const struct vmb_plot_panel *panels, int np,
		  const char *title, const char *output, int *ncurves);

#endif /* VMB_PLOT_H */
