// SPDX-License-Identifier: GPL-2.0
/*
 * Mean, spread and Welch's t-test over per-repeat values: what compare
 * and report mark with '*' (p < 0.05); the t-interval each verdict of
 * the report carries.
 */
#include <math.h>

#include "report/stats.h"

/* Regularised incomplete beta by Lentz's continued fraction. */
static double betacf(double a, double b, double x)
{
	double c = 1, d = 1 - (a + b) * x / (a + 1), h, del, aa;
	int m;

	d = fabs(d) < 1e-300 ? 1e-300 : d;
	d = 1 / d;
	h = d;
	for (m = 1; m <= 300; m++) {
		aa = m * (b - m) * x / ((a - 1 + 2 * m) * (a + 2 * m));
		d = 1 + aa * d;
		d = fabs(d) < 1e-300 ? 1e-300 : d;
		c = 1 + aa / c;
		c = fabs(c) < 1e-300 ? 1e-300 : c;
		d = 1 / d;
		h *= d * c;
		aa = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 1 + 2 * m));
		d = 1 + aa * d;
		d = fabs(d) < 1e-300 ? 1e-300 : d;
		c = 1 + aa / c;
		c = fabs(c) < 1e-300 ? 1e-300 : c;
		d = 1 / d;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 1e-12)
			break;
	}
	return h;
}

static double ibeta(double a, double b, double x)
{
	double bt;

	if (x <= 0)
		return 0;
	if (x >= 1)
		return 1;
	bt = exp(lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) +
		 b * log(1 - x));
	if (x < (a + 1) / (a + b + 2))
		return bt * betacf(a, b, x) / a;
	return 1 - bt * betacf(b, a, 1 - x) / b;
}

void vmb_stats(const double *x, int n, struct vmb_stat *s)
{
	double sum = 0, ss = 0;
	int i;

	s->n = n;
	for (i = 0; i < n; i++)
		sum += x[i];
	s->mean = n ? sum / n : 0;
	for (i = 0; i < n; i++)
		ss += (x[i] - s->mean) * (x[i] - s->mean);
	s->sd = n > 1 ? sqrt(ss / (n - 1)) : 0;
}

/* Two-sided p of Welch's t-test; -1 when it cannot be computed. */
double vmb_welch_p(const struct vmb_stat *a, const struct vmb_stat *b)
{
	double va, vb, t, df, se;

	if (a->n < 2 || b->n < 2)
		return -1;
	va = a->sd * a->sd / a->n;
	vb = b->sd * b->sd / b->n;
	se = va + vb;
	if (se <= 0)
		return a->mean == b->mean ? 1 : 0;
	t = (a->mean - b->mean) / sqrt(se);
	df = se * se / (va * va / (a->n - 1) + vb * vb / (b->n - 1));
	return ibeta(df / 2, 0.5, df / (df + t * t));
}


/* t(0.975, df) for df 1..30; above, the normal's 1.96 is within 4%. */
static double t975(int df)
{
	static const double t[] = {
		12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262,
		2.228, 2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101,
		2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052,
		2.048, 2.045, 2.042,
	};

	return df <= 30 ? t[df - 1] : 1.96;
}

bool vmb_interval95(const struct vmb_stat *s, double *lo, double *hi)
{
	double h;

	if (s->n < 2)
		return false;
	h = t975(s->n - 1) * s->sd / sqrt(s->n);
	*lo = s->mean - h;
	*hi = s->mean + h;
	return true;
}
