// SPDX-License-Identifier: GPL-2.0
/* Histogram and percentile maths against known distributions. */
#include <math.h>
#include <stdlib.h>

#include "kselftest_harness.h"
#include "lib/hist.h"
#include "report/stats.h"

static struct vmb_hist *new_hist(void)
{
	struct vmb_hist *h = malloc(sizeof(*h));

	if (h)
		vmb_hist_init(h);
	return h;
}

/* Within one bucket: 1/16 of the true value. */
static int near(uint64_t got, double want)
{
	return fabs((double)got - want) <= want / VMB_HIST_SUB + 1;
}

TEST(bucket_edges_round_trip)
{
	unsigned int i;

	for (i = 0; i < VMB_HIST_BUCKETS - 1; i++) {
		ASSERT_EQ(i, vmb_hist_index(vmb_hist_lo(i)));
		ASSERT_EQ(i, vmb_hist_index(vmb_hist_hi(i)));
		ASSERT_EQ(vmb_hist_hi(i) + 1, vmb_hist_lo(i + 1));
	}
	ASSERT_EQ(VMB_HIST_BUCKETS - 1, vmb_hist_index(UINT64_MAX));
}

TEST(small_values_are_exact)
{
	struct vmb_hist *h = new_hist();
	uint64_t v;

	ASSERT_NE(NULL, h);
	for (v = 0; v < 16; v++)
		vmb_hist_add(h, v);
	EXPECT_EQ(7U, vmb_hist_pct(h, 50));
	EXPECT_EQ(15U, vmb_hist_pct(h, 100));
	EXPECT_EQ(0U, vmb_hist_pct(h, 1));
	free(h);
}

TEST(uniform_percentiles)
{
	struct vmb_hist *h = new_hist();
	uint64_t v;

	ASSERT_NE(NULL, h);
	for (v = 1; v <= 100000; v++)
		vmb_hist_add(h, v);
	EXPECT_EQ(100000U, h->count);
	EXPECT_EQ(1U, h->min);
	EXPECT_EQ(100000U, vmb_hist_pct(h, 100));
	EXPECT_TRUE(near(vmb_hist_pct(h, 50), 50000));
	EXPECT_TRUE(near(vmb_hist_pct(h, 90), 90000));
	EXPECT_TRUE(near(vmb_hist_pct(h, 99), 99000));
	EXPECT_TRUE(near(vmb_hist_pct(h, 99.9), 99900));
	EXPECT_EQ(50000.5, vmb_hist_mean(h));
	free(h);
}

TEST(constant_value_clamps_to_exact)
{
	struct vmb_hist *h = new_hist();
	int i;

	ASSERT_NE(NULL, h);
	for (i = 0; i < 1000; i++)
		vmb_hist_add(h, 123456);
	EXPECT_EQ(123456U, vmb_hist_pct(h, 50));
	EXPECT_EQ(123456U, vmb_hist_pct(h, 99.9));
	free(h);
}

/*
 * Percentiles are the midpoint of the bucket, not its top or bottom: with
 * every sample at a wide bucket's lower bound and the exact min and max
 * far outside it (so clamping cannot hide the choice), p50 must be
 * exactly lo + (hi - lo) / 2. Reporting hi or lo fails here.
 */
TEST(percentile_is_bucket_midpoint)
{
	struct vmb_hist *h = new_hist();
	unsigned int idx = vmb_hist_index(1000000);
	uint64_t lo = vmb_hist_lo(idx), hi = vmb_hist_hi(idx), mid;
	int i;

	ASSERT_NE(NULL, h);
	ASSERT_GT(hi - lo, 1000U);	/* a bucket where the choice shows */
	mid = lo + (hi - lo) / 2;
	vmb_hist_add(h, 10);
	for (i = 0; i < 1000; i++)
		vmb_hist_add(h, lo);
	vmb_hist_add(h, 1000000000);
	EXPECT_EQ(mid, vmb_hist_pct(h, 50));
	EXPECT_EQ(mid, vmb_hist_pct(h, 99));
	EXPECT_NE(hi, vmb_hist_pct(h, 50));
	EXPECT_NE(lo, vmb_hist_pct(h, 50));
	/* Nearest rank: the last sample is the max, exactly. */
	EXPECT_EQ(1000000000U, vmb_hist_pct(h, 100));
	EXPECT_EQ(10U, vmb_hist_pct(h, 0.05));
	free(h);
}

/* 99% fast (1 us), 1% slow (1 ms): p99 fast, p99.9 slow. */
TEST(bimodal_tail)
{
	struct vmb_hist *h = new_hist();
	int i;

	ASSERT_NE(NULL, h);
	for (i = 0; i < 9900; i++)
		vmb_hist_add(h, 1000);
	for (i = 0; i < 100; i++)
		vmb_hist_add(h, 1000000);
	EXPECT_TRUE(near(vmb_hist_pct(h, 99), 1000));
	EXPECT_TRUE(near(vmb_hist_pct(h, 99.9), 1000000));
	free(h);
}

TEST(merge_equals_single)
{
	struct vmb_hist *a = new_hist(), *b = new_hist(), *all = new_hist();
	uint64_t v;

	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	ASSERT_NE(NULL, all);
	for (v = 1; v <= 20000; v++) {
		vmb_hist_add(v & 1 ? a : b, v * 37);
		vmb_hist_add(all, v * 37);
	}
	vmb_hist_merge(a, b);
	EXPECT_EQ(all->count, a->count);
	EXPECT_EQ(all->sum, a->sum);
	EXPECT_EQ(all->min, a->min);
	EXPECT_EQ(all->max, a->max);
	EXPECT_EQ(0, memcmp(all->b, a->b, sizeof(a->b)));
	EXPECT_EQ(vmb_hist_pct(all, 99), vmb_hist_pct(a, 99));
	free(a);
	free(b);
	free(all);
}

TEST(welch)
{
	double x[] = { 10, 11, 9, 10, 10 }, y[] = { 20, 21, 19, 20, 20 };
	struct vmb_stat a, b;

	vmb_stats(x, 5, &a);
	vmb_stats(y, 5, &b);
	EXPECT_EQ(10.0, a.mean);
	EXPECT_LT(vmb_welch_p(&a, &b), 0.001);
	EXPECT_GT(vmb_welch_p(&a, &a), 0.99);
	vmb_stats(x, 1, &b);
	EXPECT_EQ(-1.0, vmb_welch_p(&a, &b));
}

TEST_HARNESS_MAIN
