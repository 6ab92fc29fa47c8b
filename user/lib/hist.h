/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Log-bucketed latency histogram, HDR-like: values below 16 ns have a
 * bucket each; above, every power of two [2^k, 2^(k+1)) is split into 16
 * equal sub-buckets, so a bucket is at most 1/16 (6.25%) of its lower
 * bound wide. 992 buckets cover the whole u64 range. Percentiles report
 * the bucket's midpoint, clamped to the exact min and max.
 */
#ifndef VMB_HIST_H
#define VMB_HIST_H

#include <stdint.h>

#define VMB_HIST_SUB_BITS 4
#define VMB_HIST_SUB (1U << VMB_HIST_SUB_BITS)
#define VMB_HIST_BUCKETS (VMB_HIST_SUB + (64 - VMB_HIST_SUB_BITS) * VMB_HIST_SUB)

struct vmb_hist {
	uint64_t count;
	uint64_t sum;
	uint64_t min;
	uint64_t max;
	uint64_t b[VMB_HIST_BUCKETS];
};

static inline unsigned int vmb_hist_index(uint64_t v)
{
	unsigned int k;

	if (v < VMB_HIST_SUB)
		return (unsigned int)v;
	k = 63 - (unsigned int)__builtin_clzll(v);
	return VMB_HIST_SUB + (k - VMB_HIST_SUB_BITS) * VMB_HIST_SUB +
	       (unsigned int)((v >> (k - VMB_HIST_SUB_BITS)) & (VMB_HIST_SUB - 1));
}

/* The hot path: no locks, no branches beyond min/max. */
static inline void vmb_hist_add(struct vmb_hist *h, uint64_t v)
{
	h->b[vmb_hist_index(v)]++;
	h->count++;
	h->sum += v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

void vmb_hist_init(struct vmb_hist *h);
uint64_t vmb_hist_lo(unsigned int idx);	/* smallest value of bucket */
uint64_t vmb_hist_hi(unsigned int idx);	/* largest value of bucket */
void vmb_hist_merge(struct vmb_hist *dst, const struct vmb_hist *src);
/* Nearest-rank percentile, p in [0, 100]; 0 for an empty histogram. */
uint64_t vmb_hist_pct(const struct vmb_hist *h, double p);
double vmb_hist_mean(const struct vmb_hist *h);

#endif /* VMB_HIST_H */
