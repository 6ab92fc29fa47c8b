// SPDX-License-Identifier: GPL-2.0
/* Histogram maths; the hot-path add is inline in hist.h. */
#include <math.h>
#include <string.h>

#include "lib/hist.h"

void vmb_hist_init(struct vmb_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

uint64_t vmb_hist_lo(unsigned int idx)
{
	unsigned int k, sub;

	if (idx < VMB_HIST_SUB)
		return idx;
	k = (idx - VMB_HIST_SUB) / VMB_HIST_SUB + VMB_HIST_SUB_BITS;
	sub = (idx - VMB_HIST_SUB) % VMB_HIST_SUB;
	return (1ULL << k) + ((uint64_t)sub << (k - VMB_HIST_SUB_BITS));
}

uint64_t vmb_hist_hi(unsigned int idx)
{
	if (idx + 1 >= VMB_HIST_BUCKETS)
		return UINT64_MAX;
	return vmb_hist_lo(idx + 1) - 1;
}

void vmb_hist_merge(struct vmb_hist *dst, const struct vmb_hist *src)
{
	unsigned int i;

	if (!src->count)
		return;
	for (i = 0; i < VMB_HIST_BUCKETS; i++)
		dst->b[i] += src->b[i];
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
}

uint64_t vmb_hist_pct(const struct vmb_hist *h, double p)
{
	uint64_t rank, seen = 0, lo, hi, v;
	unsigned int i;

	if (!h->count)
		return 0;
	if (p >= 100.0)
		return h->max;
	rank = (uint64_t)ceil(p / 100.0 * (double)h->count);
	if (rank < 1)
		rank = 1;
	for (i = 0; i < VMB_HIST_BUCKETS; i++) {
		seen += h->b[i];
		if (seen >= rank)
			break;
	}
	if (i == VMB_HIST_BUCKETS)
		return h->max;
	lo = vmb_hist_lo(i);
	hi = vmb_hist_hi(i);
	v = lo + (hi - lo) / 2;
	if (v < h->min)
		v = h->min;
	if (v > h->max)
		v = h->max;
	return v;
}

double vmb_hist_mean(const struct vmb_hist *h)
{
	return h->count ? (double)h->sum / (double)h->count : 0.0;
}
