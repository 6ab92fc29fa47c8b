// SPDX-License-Identifier: GPL-2.0
/* JSON written by run --json reads back identically through compare's reader. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "kselftest_harness.h"
#include "lib/error.h"
#include "lib/module.h"
#include "report/json.h"
#include "run/output.h"

TEST(results_survive)
{
	static struct vmb_result r[2];
	char path[PATH_MAX];

	struct vmb_opts o = { .nthreads = 1, .threads = { 2 }, .hold_us = 77,
			      .repeat = 1 };
	struct vmb_env env = { .release = "6.12.0-test" };
	struct vmb_module mod = { .present = true, .version = "0.1.0",
				  .features_read = true,
				  .features = 1U << VMB_F_per_vma_lock };
	struct vmb_loaded l;
	uint64_t v;
	int k;

	ASSERT_EQ(0, vmb_tmp_path(path, sizeof(path), "results.json"));
	for (k = 0; k < VMB_ROLE_NR; k++) {
		vmb_hist_init(&r[0].roles[k].h);
		vmb_hist_init(&r[1].roles[k].h);
	}
	snprintf(r[0].scenario, sizeof(r[0].scenario), "uffd-missing");
	r[0].threads = 2;
	r[0].roles[VMB_ROLE_VICTIM].present = true;
	r[0].roles[VMB_ROLE_VICTIM].ops = 5000;
	r[0].roles[VMB_ROLE_VICTIM].secs = 0.5;
	for (v = 1; v <= 5000; v++)
		vmb_hist_add(&r[0].roles[VMB_ROLE_VICTIM].h, v * v);
	r[0].roles[VMB_ROLE_WRITER].present = true;
	vmb_hist_add(&r[0].roles[VMB_ROLE_WRITER].h, 4242);
	r[0].have_counters = true;
	r[0].counters[VMB_C_vma_lock_retry] = 17;
	vmb_add_metric(&r[0], "compact_ms", 12.5, true);
	snprintf(r[1].scenario, sizeof(r[1].scenario), "folio-lock-file");
	r[1].status = VMB_SKIPPED;
	snprintf(r[1].reason, sizeof(r[1].reason), "needs \"module\"\n");

	ASSERT_EQ(0, vmb_write_json(path, &o, &env, &mod, r, 2));
	ASSERT_EQ(0, vmb_load_results(path, &l));
	ASSERT_EQ(2U, l.n);
	EXPECT_STREQ("6.12.0-test", l.release);
	EXPECT_STREQ("0.1.0", l.modversion);
	EXPECT_EQ(77U, l.hold_us);
	EXPECT_STREQ("uffd-missing", l.res[0].scenario);
	EXPECT_EQ(2, l.res[0].threads);
	EXPECT_EQ(VMB_OK, (int)l.res[0].status);
	for (k = 0; k < VMB_ROLE_NR; k++) {
		const struct vmb_hist *a = &r[0].roles[k].h, *b = &l.res[0].roles[k].h;

		EXPECT_EQ(r[0].roles[k].present, l.res[0].roles[k].present);
		EXPECT_EQ(a->count, b->count);
		EXPECT_EQ(a->sum, b->sum);
		EXPECT_EQ(a->max, b->max);
		EXPECT_EQ(0, memcmp(a->b, b->b, sizeof(a->b)));
	}
	EXPECT_EQ(1U, l.res[0].roles[VMB_ROLE_VICTIM].h.min);
	EXPECT_EQ(5000U, l.res[0].roles[VMB_ROLE_VICTIM].ops);
	EXPECT_EQ(vmb_hist_pct(&r[0].roles[0].h, 99),
		  vmb_hist_pct(&l.res[0].roles[0].h, 99));
	EXPECT_TRUE(l.res[0].have_counters);
	EXPECT_EQ(17U, l.res[0].counters[VMB_C_vma_lock_retry]);
	ASSERT_EQ(1, l.res[0].nmetrics);
	EXPECT_EQ(12.5, l.res[0].metrics[0].value);
	EXPECT_EQ(VMB_SKIPPED, (int)l.res[1].status);
	EXPECT_STREQ("needs \"module\"\n", l.res[1].reason);
	EXPECT_FALSE(l.res[1].have_counters);
	vmb_loaded_free(&l);
}

TEST(garbage_is_refused_with_offset)
{
	char path[PATH_MAX];
	struct vmb_loaded l;
	FILE *f;

	ASSERT_EQ(0, vmb_tmp_path(path, sizeof(path), "garbage.json"));
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs("{\"tool\":\"vmalock-bench\",\"results\":[1,}", f);
	fclose(f);
	vmb_clear_error();
	EXPECT_EQ(-EINVAL, vmb_load_results(path, &l));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "byte"));
}

TEST(features_and_counters_parse)
{
	uint64_t vals[VMB_C_NR] = { 0 };
	char unknown[64];
	uint32_t mask, have;

	ASSERT_EQ(0, vmb_parse_features("per_vma_lock\nswap\nfuture_thing\n",
					&mask, unknown, sizeof(unknown)));
	EXPECT_EQ((1U << VMB_F_per_vma_lock) | (1U << VMB_F_swap), mask);
	EXPECT_STREQ("future_thing", unknown);
	ASSERT_EQ(0, vmb_parse_counters("faults 10\nvma_lock_retry 3\nbogus 1\n",
					vals, &have));
	EXPECT_EQ(10U, vals[VMB_C_faults]);
	EXPECT_EQ(3U, vals[VMB_C_vma_lock_retry]);
	EXPECT_EQ((1U << VMB_C_faults) | (1U << VMB_C_vma_lock_retry), have);
}

TEST_HARNESS_MAIN
