// SPDX-License-Identifier: GPL-2.0
/*
 * The scripts' own parsers, on recorded results: scripts/control-table.awk
 * turns "vmalock-bench compare" into the control pair's verdict per
 * scenario, scripts/pair-verdicts.awk a pair's claims and "compare --ci"
 * of its writer runs into what the pair shows (scripts/ab-seeds); and
 * scripts/ab's options, which it checks before it boots anything.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "kselftest_harness.h"

/* Run CMD with sh, its output in OUT: 0, or its exit status. */
static int sh_out(const char *cmd, char *out, size_t size)
{
	FILE *f = popen(cmd, "r");
	size_t len;

	if (!f)
		return -1;
	len = fread(out, 1, size - 1, f);
	out[len] = '\0';
	return pclose(f);
}

/*
 * In the checkout's top directory, "INPUT | awk VARS -f scripts/SCRIPT":
 * its output in out, 0 or the pipeline's status (the command logged).
 */
static int awk_out(struct __test_metadata *_metadata, const char *input,
		   const char *vars, const char *script, char *out,
		   size_t size)
{
	char top[PATH_MAX], cmd[4 * PATH_MAX + 2048];
	int ret;

	if (vmb_top_dir(top, sizeof(top)))
		return -1;
	snprintf(cmd, sizeof(cmd), "cd '%s' && %s | awk %s -f scripts/%s",
		 top, input, vars, script);
	ret = sh_out(cmd, out, size);
	TH_LOG("%s\n%s", cmd, out);
	return ret;
}

TEST(control_table_from_compare)
{
	char out[8192];

	ASSERT_EQ(0, awk_out(_metadata,
			     "user/vmalock-bench compare user/hosttests/data/ab-6.12-forced.json user/hosttests/data/ab-6.1.json",
			     "", "control-table.awk", out, sizeof(out)));
	/* Welch p < 0.05 on one figure: the fixture's 7735 against 11040 ops/s. */
	EXPECT_NE(NULL, strstr(out, "| folio-lock-shmem | 1 | **differs** | bystander ops/s 0.70x |"));
	EXPECT_NE(NULL, strstr(out, "| baseline-anon | 1 | no difference found |"));
	EXPECT_NE(NULL, strstr(out, "| swap-sync | 1 | no difference found |"));
	/* One repeat on a side: named, not judged. */
	EXPECT_NE(NULL, strstr(out, "| uffd-move-vs-copy:copy-recycled | 1 | no difference found | (one repeat, not judged: "));
	EXPECT_NE(NULL, strstr(out, "| uffd-move-vs-copy:move-recycled | 1 | one side only |"));
	/* Nothing but table rows: no footer read as a scenario. */
	EXPECT_EQ(NULL, strstr(out, "| ratios |"));
	EXPECT_EQ(NULL, strstr(out, "| under |"));
}

/* LINES (text without a single quote) through pair-verdicts.awk, P and P-v. */
static int pair_verdicts(struct __test_metadata *_metadata, const char *lines,
			 char *out, size_t size)
{
	char input[4096];

	snprintf(input, sizeof(input), "printf '%%s' '%s'", lines);
	return awk_out(_metadata, input, "-v plain=P -v variant=P-v",
		       "pair-verdicts.awk", out, size);
}

/* A pair's claim lines: which the variant alone fails (the seed shown). */
TEST(pair_verdicts_from_claim_lines)
{
	char out[4096];
	static const char lines[] =
		"- **seed 000** `a`, x (`swap-sync`, 1 victim thread): P: 100% [100, 100], P-v: 0% [0, 0]. **Not observed**: P-v 0% [0, 0] (expected >= 90%).\n"
		"- **seed 000** `b`, x (`swap-async`, 2 victim threads): P: 0%. **Observed.**\n"
		"- **seed 001** `c`, x (`swap-sync`, 1 victim thread): **Not observed**: P writer slowdown 3x [2, 4], against <= 1.5x.\n"
		"- **seed 001** `d`, x (`swap-sync`): **Not significant**: P-v 16x [-18, 50], against <= 1.5x.\n"
		"- **seed 002** `e`, x: **Cannot be judged here**: ran in no configuration.\n";

	ASSERT_EQ(0, pair_verdicts(_metadata, lines, out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "| `a` | 1 | Not observed | **differs**: holds on plain, not on the variant"));
	EXPECT_NE(NULL, strstr(out, "| `b` | 2 | Observed | the same on both"));
	EXPECT_NE(NULL, strstr(out, "| `c` | 1 | Not observed | **differs**: holds on the variant, not on plain |"));
	EXPECT_NE(NULL, strstr(out, "| `d` | - | Not significant |"));
	EXPECT_EQ(NULL, strstr(out, "`e`"));
}

/* A result file, as vmalock-bench run --json writes it (what compare reads). */
#define HEAD(rel) \
	"{\"tool\":\"vmalock-bench\",\"format\":1,\"kernel\":{\"release\":\"" rel "\"},\"results\":[\n"
#define TAIL "]}\n"
/* One result at 1 thread: victims' faults summed to 100 ms, the writer's sleep. */
#define RES(sc, rep, status, ms)                                               \
	"{\"scenario\":\"" sc "\",\"threads\":1,\"repeat\":" #rep                \
	",\"status\":\"" status "\",\"roles\":{\"victim\":{\"count\":20,"        \
	"\"sum_ns\":100000000,\"buckets\":[[1,2]]}},\"metrics\":"                \
	"{\"writer_waits\":1,\"writer_wait_ms\":" #ms "}}"
/* Three repeats of sc, all ok. */
#define RES3(sc, a, b, c) \
	RES(sc, 0, "ok", a) ",\n" RES(sc, 1, "ok", b) ",\n" RES(sc, 2, "ok", c)

/* TEXT into DIR/NAME: 0, or -1 (logged). */
static int write_file(struct __test_metadata *_metadata, const char *dir,
		      const char *name, const char *text)
{
	char path[PATH_MAX];
	FILE *f;
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f) {
		TH_LOG("cannot write %s", path);
		return -1;
	}
	ret = fputs(text, f) < 0;
	ret |= fclose(f) != 0;
	return ret ? -1 : 0;
}

/*
 * Seed 001's cost rows: the writer_wait share of the SCENARIO+MODE results
 * of each side, as "vmalock-bench compare --ci" gives it (its row writer
 * wait %, the figure writer_wait_pct), each column named by its file's
 * kernel release.
 */
TEST(pair_verdicts_writer_share)
{
	char out[8192], dir[] = "/tmp/vmb-scripts-XXXXXX", cmd[512];
	static const char p[] =
		HEAD("P")
		RES3("swap-async+mprotect", 1, 2, 0) ",\n"
		/* not a SCENARIO+MODE run, and a failed one: neither counted */
		RES("swap-async", 0, "ok", 99) ",\n"
		RES("swap-async+mprotect", 3, "failed", 99) "\n"
		TAIL;
	static const char pv[] =
		HEAD("P-v")
		RES3("swap-async+mprotect", 60, 70, 80) ",\n"
		RES("swap-shared-page+mprotect", 0, "ok", 50) "\n"
		TAIL;
	/* a third kernel's results: neither side's */
	static const char q[] =
		HEAD("Q")
		RES("swap-async+mprotect", 0, "ok", 99) "\n"
		TAIL;

	ASSERT_NE(NULL, mkdtemp(dir));
	ASSERT_EQ(0, write_file(_metadata, dir, "p.json", p));
	ASSERT_EQ(0, write_file(_metadata, dir, "pv.json", pv));
	ASSERT_EQ(0, write_file(_metadata, dir, "q.json", q));
	snprintf(cmd, sizeof(cmd),
		 "user/vmalock-bench compare --ci %s/p.json %s/pv.json %s/q.json",
		 dir, dir, dir);
	EXPECT_EQ(0, awk_out(_metadata, cmd, "-v plain=P -v variant=P-v",
			     "pair-verdicts.awk", out, sizeof(out)));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	EXPECT_EQ(0, system(cmd));
	/*
	 * P: 1, 2, 0 %: 1% +- 4.303 * 1 / sqrt(3); P-v: 60, 70, 80 %.
	 * Welch: t = 69 / sqrt(1/3 + 100/3) = 11.9 at 2.04 degrees of
	 * freedom: p = 0.0065 (compare's '*').
	 */
	EXPECT_NE(NULL, strstr(out, "| `swap-async+mprotect` writer_wait share | 1 | plain: 1% [-1.48, 3.48], variant: 70% [45.2, 94.8] | **differs** (Welch's t-test, p < 0.05): the writer sleeps more on the variant; plain at most 10%, the variant above 10% |"));
	/* One side only, one repeat: no interval, no verdict. */
	EXPECT_NE(NULL, strstr(out, "| `swap-shared-page+mprotect` writer_wait share | 1 | plain: not run, variant: 50% (1 repeat: no interval) | cannot tell (a side has under 2 repeats) |"));
	EXPECT_EQ(NULL, strstr(out, "99"));
	EXPECT_EQ(NULL, strstr(out, "`swap-async` writer_wait"));

	/* Recorded runs (2 repeats each): the same swap-sync wait on both. */
	ASSERT_EQ(0, awk_out(_metadata,
			     "user/vmalock-bench compare --ci user/hosttests/data/ab2-6.12-mprotect.json user/hosttests/data/ab2-6.1-mprotect.json",
			     "-v plain=6.12.117+deb12-amd64 -v variant=6.1.0-57-amd64",
			     "pair-verdicts.awk", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "| `swap-sync+mprotect` writer_wait share | 1 | plain: 76% [74.3, 77.7], variant: 75% [11.2, 139] | the same on both (the writer waits for the fault): not what the variant changes |"));
	/* 0.998% against 57.5%, 2 repeats a side: t = 1.88, df 1.0, p = 0.31. */
	EXPECT_NE(NULL, strstr(out, "| `folio-lock-file+mprotect` writer_wait share | 1 | plain: 0.998% [-11.7, 13.7], variant: 57.5% [-325, 440] | no difference found (Welch's t-test, p >= 0.05); plain straddles 10%, the variant straddles 10% |"));

	/* The variant as compare's [0]: its column read as the variant's. */
	ASSERT_EQ(0, awk_out(_metadata,
			     "user/vmalock-bench compare --ci user/hosttests/data/ab2-6.1-mprotect.json user/hosttests/data/ab2-6.12-mprotect.json",
			     "-v plain=6.12.117+deb12-amd64 -v variant=6.1.0-57-amd64",
			     "pair-verdicts.awk", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "| `folio-lock-file+mprotect` writer_wait share | 1 | plain: 0.998% [-11.7, 13.7], variant: 57.5% [-325, 440] | no difference found"));
}

/* scripts/ab ARGS in the checkout, stderr too: its exit status. */
static int ab_out(struct __test_metadata *_metadata, const char *args,
		  char *out, size_t size)
{
	char top[PATH_MAX], cmd[PATH_MAX + 256];
	int ret;

	if (vmb_top_dir(top, sizeof(top)))
		return -1;
	snprintf(cmd, sizeof(cmd), "cd '%s' && bash scripts/ab %s 2>&1", top,
		 args);
	ret = sh_out(cmd, out, size);
	TH_LOG("%s\n%s", cmd, out);
	return ret;
}

/*
 * --rounds: in --help, whole (its last line too); a bad count, or rounds
 * without a budget to run them in, named before anything boots.
 */
TEST(ab_rounds_option)
{
	char out[16384];

	ASSERT_EQ(0, ab_out(_metadata, "--help", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "[--budget S] [--rounds N]"));
	EXPECT_NE(NULL, strstr(out, "--rounds N (with a budget): at most N rounds"));
	EXPECT_NE(NULL, strstr(out, "report and fails the A/B after it.\n"));
	EXPECT_EQ(NULL, strstr(out, "set -euo"));
	EXPECT_NE(0, ab_out(_metadata, "--rounds abc", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "ab: --rounds abc: expected a count of rounds, 0..99"));
	EXPECT_NE(0, ab_out(_metadata, "--tiny --rounds 2", out, sizeof(out)));
	EXPECT_NE(NULL, strstr(out, "ab: --rounds 2: rounds run only within a budget; give --budget S too"));
}

TEST_HARNESS_MAIN
