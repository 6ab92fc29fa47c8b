/* SPDX-License-Identifier: GPL-2.0 */
/* Mean, spread and Welch's t-test over per-repeat values (stats.c). */
#ifndef VMB_STATS_H
#define VMB_STATS_H

#include <stdbool.h>

struct vmb_stat {
	int n;
	double mean;
	double sd;		/* sample standard deviation */
};

void vmb_stats(const double *x, int n, struct vmb_stat *s);
/* Two-sided p of Welch's t-test; -1 when it cannot be computed. */
double vmb_welch_p(const struct vmb_stat *a, const struct vmb_stat *b);
/*
 * The 95% t-interval of the mean, mean -+ t(0.975, n-1) sd / sqrt(n);
 * false with fewer than two values (no interval).
 */
bool vmb_interval95(const struct vmb_stat *s, double *lo, double *hi);

#endif /* VMB_STATS_H */
