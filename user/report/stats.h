/* SPDX-License-Identifier: GPL-2.0 */
/* Mean, spread and Welch's t-test over per-repeat values (stats.c). */
#ifndef VMB_STATS_H
#define VMB_STATS_H

struct vmb_stat {
	int n;
	double mean;
	double sd;		/* sample standard deviation */
};

void vmb_stats(const double *x, int n, struct vmb_stat *s);
/* Two-sided p of Welch's t-test; -1 when it cannot be computed. */
double vmb_welch_p(const struct vmb_stat *a, const struct vmb_stat *b);

#endif /* VMB_STATS_H */
