// SPDX-License-Identifier: GPL-2.0
/* Option parsing: good values land, a bad option or value names itself. */
#include <errno.h>
#include <string.h>

#include "common.h"
#include "kselftest_harness.h"
#include "lib/error.h"
#include "run/cli.h"

TEST(run_good_values)
{
	struct vmb_opts o;

	ASSERT_EQ(0, PARSE(&o, "run", "baseline-anon", "uffd-move-vs-copy:move-fresh",
			   "-t", "1,4,8", "--hold-us", "50", "-n", "2k",
			   "--repeat", "3", "--json", "x.json", "--quiet"));
	EXPECT_EQ(VMB_CMD_RUN, (int)o.cmd);
	EXPECT_EQ(3, o.nthreads);
	EXPECT_EQ(8, o.threads[2]);
	EXPECT_EQ(50U, o.hold_us);
	EXPECT_EQ(2000U, o.iterations);
	EXPECT_EQ(3, o.repeat);
	EXPECT_EQ(2, o.nscenarios);
	EXPECT_STREQ("x.json", o.json);
	EXPECT_TRUE(o.quiet);
	EXPECT_FALSE(o.verbose);
	ASSERT_EQ(0, PARSE(&o, "run", "-v", "--trace", "a b.dat"));
	EXPECT_TRUE(o.verbose);
	EXPECT_STREQ("a b.dat", o.trace);
}

/* exec and attach: the delays, --pageout and what they need. */
TEST(exec_swap_and_pageout)
{
	static const char *const args[] = {
		"vmalock-bench", "exec", "--swap-delay-us", "2000",
		"--jitter-us", "50", "--pageout", "[heap],4096,8192",
		"--pageout-every", "0.2", "--", "prog", "-x" };
	/* Named, not PARSE()'s: o.cmd_argv points into it after the call. */
	char *argv[ARRAY_SIZE(args) + 1] = { NULL };
	struct vmb_opts o;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(args); i++)
		argv[i] = (char *)args[i];
	ASSERT_EQ(0, vmb_parse(&o, (int)ARRAY_SIZE(args), argv));
	EXPECT_EQ(2000U, o.swap_delay_us);
	EXPECT_EQ(50U, o.jitter_us);
	EXPECT_STREQ("[heap],4096,8192", o.pageout);
	EXPECT_EQ(0.2, o.pageout_every_s);
	EXPECT_STREQ("-x", o.cmd_argv[1]);
	ASSERT_EQ(0, PARSE(&o, "attach", "7", "-d", "1", "--pageout", "libc.so.6"));
	EXPECT_EQ(1.0, o.pageout_every_s);
	EXPECT_EQ(0U, o.swap_delay_us);
	EXPECT_EQ(-EINVAL, PARSE(&o, "exec", "--swap-delay-us", "10000001", "--", "p"));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "--swap-delay-us"));
	EXPECT_EQ(-EINVAL, PARSE(&o, "exec", "--jitter-us", "5", "--", "p"));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "give --swap-delay-us or --disk-delay-us"));
	EXPECT_EQ(-EINVAL, PARSE(&o, "exec", "--pageout-every", "2", "--", "p"));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "--pageout-every needs --pageout"));
	EXPECT_EQ(-EINVAL, PARSE(&o, "exec", "--pageout", "[heap],x", "--", "p"));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "bad --pageout '[heap],x'"));
	EXPECT_EQ(-EINVAL, PARSE(&o, "run", "--swap-delay-us", "5"));
}

/* exec and attach --name: the result's name; a bad one names itself. */
TEST(exec_name)
{
	static const char *const bad[] = {
		"", "a+b", "exec:x", "a b", "-x", "baseline-anon",
		"uffd-move-vs-copy:copy-fresh",
		"x234567890123456789012345678901234567890123456789012345678901234",
	};
	struct vmb_opts o;
	size_t i;

	ASSERT_EQ(0, PARSE(&o, "exec", "--name", "sqlite3-disk-2ms", "--", "p"));
	EXPECT_STREQ("sqlite3-disk-2ms", o.name);
	ASSERT_EQ(0, PARSE(&o, "exec", "--", "p"));
	EXPECT_EQ(NULL, o.name);
	ASSERT_EQ(0, PARSE(&o, "attach", "7", "-d", "1", "--name", "A_1.b"));
	EXPECT_STREQ("A_1.b", o.name);
	/* 63 characters: the longest */
	ASSERT_EQ(0, PARSE(&o, "exec", "--name",
			   "x23456789012345678901234567890123456789012345678901234567890123",
			   "--", "p"));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, PARSE(&o, "exec", "--name", (char *)bad[i],
					 "--", "p"));
		EXPECT_NE(NULL, strstr(vmb_errmsg(), "for --name"))
			TH_LOG("'%s': %s", bad[i], vmb_errmsg());
	}
	EXPECT_EQ(-EINVAL, PARSE(&o, "run", "--name", "x"));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "does not apply"));
}

TEST(defaults)
{
	struct vmb_opts o;

	ASSERT_EQ(0, PARSE(&o, "run"));
	EXPECT_EQ(2, o.nthreads);
	EXPECT_EQ(0, o.nscenarios);
	EXPECT_EQ(1000U, o.hold_us);
	EXPECT_TRUE(o.writer);
}

TEST(unknown_option_names_itself)
{
	struct vmb_opts o;

	EXPECT_EQ(-EINVAL, PARSE(&o, "run", "--bogus"));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "'--bogus'"));
	EXPECT_EQ(-EINVAL, PARSE(&o, "run", "-Z"));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "'-Z'"));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "--help"));
}

TEST(bad_values_name_option_and_value)
{
	struct vmb_opts o;

	EXPECT_EQ(-EINVAL, PARSE(&o, "run", "--threads", "0"));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "--threads"));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "'0'"));
	EXPECT_EQ(-EINVAL, PARSE(&o, "run", "--threads", "1,x"));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "'1,x'"));
	EXPECT_EQ(-EINVAL, PARSE(&o, "run", "--hold-us", "-5"));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "--hold-us"));
	EXPECT_EQ(-EINVAL, PARSE(&o, "run", "--duration", "abc"));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "--duration"));
	EXPECT_EQ(-EINVAL, PARSE(&o, "run", "--threads"));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "needs a value"));
}

TEST(conflicts_and_names)
{
	struct vmb_opts o;

	EXPECT_EQ(-EINVAL, PARSE(&o, "run", "-n", "5", "-d", "1"));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "--duration"));
	EXPECT_EQ(-EINVAL, PARSE(&o, "run", "no-such-scenario"));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "'no-such-scenario'"));
	EXPECT_EQ(-EINVAL, PARSE(&o, "frobnicate"));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "'frobnicate'"));
	EXPECT_EQ(-EINVAL, PARSE(&o, "list", "--threads", "2"));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "does not apply"));
	EXPECT_EQ(-EINVAL, PARSE(&o, "plot", "a.json"));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "-o"));
	/* --ci is compare's alone. */
	ASSERT_EQ(0, PARSE(&o, "compare", "a.json", "b.json", "--ci"));
	EXPECT_TRUE(o.ci);
	EXPECT_EQ(2, o.nfiles);
	EXPECT_EQ(-EINVAL, PARSE(&o, "plot", "a.json", "-o", "a.svg", "--ci"));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "does not apply"));
}

TEST(help_and_version)
{
	struct vmb_opts o;

	ASSERT_EQ(0, PARSE(&o, "run", "--help"));
	EXPECT_TRUE(o.help);
	ASSERT_EQ(0, PARSE(&o, "--version"));
	EXPECT_EQ(VMB_CMD_VERSION, (int)o.cmd);
}

TEST_HARNESS_MAIN
