// SPDX-License-Identifier: GPL-2.0
/*
 * run's order, on the host (no module: --debugfs names no directory, so
 * what needs the module is skipped): repeat r of every point before
 * repeat r + 1 of any, and a pick skipped once is not tried again, at no
 * later thread count and in no later round. The JSON keeps that order,
 * and compare finds a point whatever repeat of it ran first.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "kselftest_harness.h"
#include "lib/error.h"
#include "report/json.h"
#include "run/cli.h"
#include "run/commands.h"
#include "run/output.h"

/* The JSON's path: RUN names it. */
static char tmp_path[PATH_MAX];

/* Two thread counts, three repeats; a few faults, victims alone. */
#define RUN "run", "baseline-anon", "folio-lock-shmem", "baseline-file", \
	"-t", "1,2", "-r", "3", "-n", "20", "--bystanders", "0", \
	"--no-writer", "--baseline", "0", \
	"--debugfs", "/nonexistent/vmalock_bench", "-q", "--json", tmp_path

TEST(repeats_in_rounds)
{
	static const struct {
		const char *sc;
		int threads, repeat;
		enum vmb_status status;
	} want[] = {
		{ "baseline-anon", 1, 0, VMB_OK },
		{ "baseline-anon", 2, 0, VMB_OK },
		{ "folio-lock-shmem", 1, 0, VMB_SKIPPED },
		{ "baseline-file", 1, 0, VMB_OK },
		{ "baseline-file", 2, 0, VMB_OK },
		{ "baseline-anon", 1, 1, VMB_OK },
		{ "baseline-anon", 2, 1, VMB_OK },
		{ "baseline-file", 1, 1, VMB_OK },
		{ "baseline-file", 2, 1, VMB_OK },
		{ "baseline-anon", 1, 2, VMB_OK },
		{ "baseline-anon", 2, 2, VMB_OK },
		{ "baseline-file", 1, 2, VMB_OK },
		{ "baseline-file", 2, 2, VMB_OK },
	};
	struct vmb_opts o;
	struct vmb_loaded l;
	size_t i;

	ASSERT_EQ(0, vmb_tmp_path(tmp_path, sizeof(tmp_path), "run.json"));
	ASSERT_EQ(0, PARSE(&o, RUN));
	ASSERT_EQ(0, vmb_cmd_run(&o)) TH_LOG("%s", vmb_errmsg());
	ASSERT_EQ(0, vmb_load_results(tmp_path, &l));
	EXPECT_EQ(ARRAY_SIZE(want), l.n);
	for (i = 0; i < ARRAY_SIZE(want) && i < l.n; i++) {
		EXPECT_STREQ(want[i].sc, l.res[i].scenario);
		EXPECT_EQ(want[i].threads, l.res[i].threads);
		EXPECT_EQ(want[i].repeat, l.res[i].repeat);
		EXPECT_EQ(want[i].status, l.res[i].status)
			TH_LOG("result %zu: %s", i, l.res[i].reason);
	}
	vmb_loaded_free(&l);
}

/* Repeat 0 of a point failed, repeats 1 and 2 ran: compare has its rows. */
TEST(compare_without_repeat_0)
{
	static struct vmb_result r[3];
	char *out;
	struct vmb_opts o = { .nthreads = 1, .threads = { 2 }, .repeat = 3,
			      .nfiles = 1, .files = { tmp_path } };
	struct vmb_env env = { .release = "6.12.0-test" };
	struct vmb_module mod = { 0 };
	int i, k;

	for (i = 0; i < 3; i++) {
		for (k = 0; k < VMB_ROLE_NR; k++)
			vmb_hist_init(&r[i].roles[k].h);
		snprintf(r[i].scenario, sizeof(r[i].scenario), "baseline-anon");
		r[i].threads = 2;
		r[i].repeat = i;
		r[i].roles[VMB_ROLE_VICTIM].present = true;
		vmb_hist_add(&r[i].roles[VMB_ROLE_VICTIM].h, 1000 + 10 * i);
	}
	r[0].status = VMB_FAILED;
	snprintf(r[0].reason, sizeof(r[0].reason), "a victim died");
	ASSERT_EQ(0, vmb_tmp_path(tmp_path, sizeof(tmp_path), "compare.json"));
	ASSERT_EQ(0, vmb_write_json(tmp_path, &o, &env, &mod, r, 3));
	ASSERT_EQ(0, vmb_capture(vmb_cmd_compare, &o, &out));
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, "baseline-anon                    2 victim p50"))
		TH_LOG("%s", out);
	free(out);
}

TEST_HARNESS_MAIN
