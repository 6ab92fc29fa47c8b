// SPDX-License-Identifier: GPL-2.0
/*
 * exec's JSON read back as run's: recorded runs of "vmalock-bench exec"
 * on 6.12 (data/exec-6.12-pages.json: vmb-touch pages 2048;
 * data/exec-6.12-swap.json: vmb-touch heap 256 6 300 under
 * --swap-delay-us 2000 --pageout '[heap]' --pageout-every 0.2, see
 * README, "Real programs") load into the model report, compare and plot
 * use, and plot draws one panel with a curve per file. The settings of
 * an exec's JSON name the command and what was armed.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "kselftest_harness.h"
#include "lib/error.h"
#include "lib/file.h"
#include "report/json.h"
#include "run/cli.h"
#include "run/commands.h"
#include "run/output.h"

static const char *const files[] = { "exec-6.12-pages.json",
				     "exec-6.12-swap.json" };

static double metric(const struct vmb_result *r, const char *name)
{
	double v;

	return vmb_result_metric(r, name, &v) ? v : -1;
}

FIXTURE(recorded) {
	char path[2][PATH_MAX];
	struct vmb_loaded l[2];
	int n;
};

FIXTURE_SETUP(recorded)
{
	self->n = 0;
	for (; self->n < 2; self->n++) {
		ASSERT_EQ(0, vmb_data_path(self->path[self->n],
				       sizeof(self->path[0]), files[self->n]));
		vmb_clear_error();
		ASSERT_EQ(0, vmb_load_results(self->path[self->n],
					      &self->l[self->n]))
			TH_LOG("%s", vmb_errmsg());
	}
}

FIXTURE_TEARDOWN(recorded)
{
	while (self->n--)
		vmb_loaded_free(&self->l[self->n]);
}

/* One result each, the victim role the target's faults, as run's. */
TEST_F(recorded, loads_like_run)
{
	const struct vmb_result *r;
	int i;

	for (i = 0; i < 2; i++) {
		ASSERT_EQ(1U, self->l[i].n);
		r = &self->l[i].res[0];
		EXPECT_STREQ("exec:vmb-touch", r->scenario);
		EXPECT_EQ((int)VMB_OK, (int)r->status);
		EXPECT_EQ(1, r->threads);
		ASSERT_TRUE(r->roles[VMB_ROLE_VICTIM].present);
		EXPECT_TRUE(r->have_counters);
		/* Every counted fault traced: the histogram is the counters'. */
		EXPECT_EQ(r->counters[VMB_C_faults],
			  r->roles[VMB_ROLE_VICTIM].h.count);
		EXPECT_TRUE(r->have_mmap_lock);
		EXPECT_EQ(0, metric(r, "exit_status"));
		EXPECT_EQ(0, metric(r, "trace_lost"));
		EXPECT_EQ(0, metric(r, "children"));
	}
	/* The swap run: vmb-touch's 2048 pages are not in it, its reads are. */
	r = &self->l[1].res[0];
	EXPECT_LT(0, metric(r, "swap_delayed"));
	EXPECT_EQ(metric(r, "swap_reads"), metric(r, "swap_delayed"));
	EXPECT_LT(0, metric(r, "pageouts"));
	EXPECT_EQ(-1, metric(&self->l[0].res[0], "swap_reads"));
}

/* plot: one panel, exec:vmb-touch, a curve per file. */
TEST_F(recorded, plot_cdf)
{
	char svg_path[PATH_MAX], *svg;
	struct vmb_opts o;

	if (system("gnuplot --version >/dev/null 2>&1"))
		SKIP(return, "gnuplot is not installed (scripts/setup installs it)");
	ASSERT_EQ(0, vmb_tmp_path(svg_path, sizeof(svg_path), "cdf.svg"));
	memset(&o, 0, sizeof(o));
	o.cmd = VMB_CMD_PLOT;
	o.role = "victim";
	o.output = svg_path;
	o.files[0] = self->path[0];
	o.files[1] = self->path[1];
	o.nfiles = 2;
	vmb_clear_error();
	ASSERT_EQ(0, vmb_cmd_plot(&o)) TH_LOG("%s", vmb_errmsg());
	svg = vmb_read_all(svg_path);
	ASSERT_NE(NULL, svg);
	EXPECT_NE(NULL, strstr(svg, "<svg"));
	EXPECT_NE(NULL, strstr(svg, "exec:vmb-touch"));
	EXPECT_NE(NULL, strstr(svg, "exec-6.12-pages.json t=1"));
	EXPECT_NE(NULL, strstr(svg, "exec-6.12-swap.json t=1"));
	free(svg);
}

/* exec's JSON settings say what ran and what was armed. */
TEST(settings_say_what_ran)
{
	char path[PATH_MAX], *text;
	char *const argv[] = { "vmalock-bench", "exec", "--swap-delay-us", "2000",
			       "--pageout", "[heap]", "--inject", "folio_lock,a.dat",
			       "--", "prog", "a \"b\"", NULL };
	struct vmb_result *res = calloc(1, sizeof(*res));
	struct vmb_loaded l;
	struct vmb_module mod;
	struct vmb_env env;
	struct vmb_opts o;

	ASSERT_NE(NULL, res);
	vmb_clear_error();
	ASSERT_EQ(0, vmb_parse_args(11, (char **)argv, &o)) TH_LOG("%s", vmb_errmsg());
	memset(&mod, 0, sizeof(mod));
	memset(&env, 0, sizeof(env));
	snprintf(res->scenario, sizeof(res->scenario), "exec:prog");
	res->threads = 1;
	ASSERT_EQ(0, vmb_tmp_path(path, sizeof(path), "settings.json"));
	ASSERT_EQ(0, vmb_write_json(path, &o, &env, &mod, res, 1));
	text = vmb_read_all(path);
	ASSERT_NE(NULL, text);
	EXPECT_NE(NULL, strstr(text, "\"exec\":{\"command\":[\"prog\",\"a \\\"b\\\"\"],\"pid\":0,\"inject\":[\"folio_lock,a.dat\"]"))
		TH_LOG("%s", text);
	EXPECT_NE(NULL, strstr(text, "\"swap_delay_us\":2000,\"jitter_us\":0,\"pageout\":\"[heap]\",\"pageout_every_s\":1,"));
	EXPECT_NE(NULL, strstr(text, "\"on_interrupt\":\"kill\"}"));
	/* and it still loads */
	ASSERT_EQ(0, vmb_load_results(path, &l)) TH_LOG("%s", vmb_errmsg());
	EXPECT_EQ(1U, l.n);
	vmb_loaded_free(&l);
	free(text);
	free(res);
}

TEST_HARNESS_MAIN
