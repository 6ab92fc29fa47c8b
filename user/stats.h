/* SPDX-License-Identifier: GPL-2.0 */
/* Mean, spread and Welch's t-test over per-repeat values (compare.c). */
#ifndef VMB_STATS_H
#define VMB_STATS_H

struct vmb_stat {
	int n;
	double mean;
	double sd;		/* sample standard deviation */
};

void vmb_stats(const double *x, int n, struct vmb_stat *s);
double vmb_welch_p(const struct vmb_stat *a, const struct vmb_stat *b);

#endif /* VMB_STATS_H */
