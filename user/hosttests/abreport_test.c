// SPDX-License-Identifier: GPL-2.0
/*
 * The A/B report: on recorded runs (data/ab-*.json, a "scripts/ab --tiny"
 * of 6.1, 6.12 and 6.12 with force_mmap_lock) and on made-up ones whose
 * verdicts are known, the summary follows the data both ways.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib/error.h"
#include "lib/file.h"
#include "report/json.h"
#include "run/cli.h"
#include "run/commands.h"
#include "run/output.h"

/* data/ next to this binary, wherever the test is run from. */
static int data_path(char *buf, size_t size, const char *name)
{
	char exe[PATH_MAX];
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return -errno;
	exe[n] = '\0';
	slash = strrchr(exe, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	if ((size_t)snprintf(buf, size, "%s/data/%s", exe, name) >= size)
		return -ENAMETOOLONG;
	return 0;
}

/* The whole of DIR/report.md, NUL-terminated; NULL if unreadable. */
static char *slurp(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;
	char *text;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (stat(path, &st))
		return NULL;
	text = malloc((size_t)st.st_size + 1);
	if (text && vmb_read_file(path, text, (size_t)st.st_size + 1) < 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* The line of text that contains what, or "" (for the failure message). */
static const char *line_with(const char *text, const char *what)
{
	static char line[4096];
	const char *p = strstr(text, what), *a, *b;

	if (!p)
		return "";
	for (a = p; a > text && a[-1] != '\n'; a--)
		;
	b = strchr(p, '\n');
	snprintf(line, sizeof(line), "%.*s", (int)(b ? b - a : (long)strlen(a)), a);
	return line;
}

/* The test's own directory and the files the report wrote in it. */
static void rm_dir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     e->d_name) < sizeof(path))
			unlink(path);
	}
	closedir(d);
	rmdir(dir);
}

static int report(const char *out, const char *const *files, int n,
		  bool plots)
{
	struct vmb_opts o;
	int i;

	memset(&o, 0, sizeof(o));
	o.cmd = VMB_CMD_REPORT;
	o.output = out;
	o.no_plots = !plots;
	for (i = 0; i < n; i++)
		o.files[i] = files[i];
	o.nfiles = n;
	vmb_clear_error();
	return vmb_cmd_report(&o);
}

FIXTURE(recorded) {
	char dir[64];
	char files[3][PATH_MAX];
	const char *f[3];
};

FIXTURE_SETUP(recorded)
{
	static const char *const names[] = { "ab-6.1.json", "ab-6.12.json",
					     "ab-6.12-forced.json" };
	int i;

	snprintf(self->dir, sizeof(self->dir), "/tmp/vmb-ab-test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, data_path(self->files[i], sizeof(self->files[i]),
				       names[i]));
		ASSERT_EQ(0, access(self->files[i], R_OK))
			TH_LOG("recorded run %s missing", self->files[i]);
		self->f[i] = self->files[i];
	}
}

FIXTURE_TEARDOWN(recorded)
{
	rm_dir(self->dir);
}

TEST_F(recorded, summary_tables_and_skips)
{
	char *md;

	ASSERT_EQ(0, report(self->dir, self->f, 3, false)) TH_LOG("%s", vmb_errmsg());
	md = slurp(self->dir, "report.md");
	ASSERT_NE(NULL, md);
	/* A line per seed claim, each with a verdict. */
	EXPECT_NE(NULL, strstr(md, "- **seed 001**, a folio held locked under a shmem fault (`folio-lock-shmem`, 1 victim thread), during a 2 ms hold: writer ops/s 6.1: "));
	EXPECT_NE(NULL, strstr(md, "- **seed 001**, slow synchronous swap-in (`swap-sync`"));
	EXPECT_NE(NULL, strstr(md, "- **seed 002**, recycled pages (1 mutator thread): UFFDIO_MOVE completion / UFFDIO_COPY completion 6.1: skipped: this kernel lacks UFFDIO_MOVE"));
	EXPECT_NE(NULL, strstr(md, "- **control** (`baseline-anon`"));
	EXPECT_EQ(NULL, strstr(md, "no verdict"));
	/* Recorded: MOVE 5.27x slower on 6.12 with 10 faults. Said plainly. */
	EXPECT_NE(NULL, strstr(line_with(md, "**seed 002**, recycled"),
			       "**Not observed**: 6.12 5.27 (expected <= 0.6)"))
		TH_LOG("%s", line_with(md, "**seed 002**, recycled"));
	/* Hit rate: none on 6.1 and forced, all on 6.12. */
	EXPECT_NE(NULL, strstr(line_with(md, "**VMA-lock hit rate**"),
			       "6.1: 0.0% in all 4 scenarios, 6.12: 100.0% in all 5 scenarios, 6.12 forced: 0.0% in all 5 scenarios."))
		TH_LOG("%s", line_with(md, "**VMA-lock hit rate**"));
	EXPECT_NE(NULL, strstr(line_with(md, "**VMA-lock hit rate**"),
			       "**Observed.**"));
	/* Configurations, derived from the files, not from their names. */
	EXPECT_NE(NULL, strstr(md, "| [2] | 6.12 forced | 6.12.117+deb12-amd64 | off (target/force_mmap_lock=1) |"));
	EXPECT_NE(NULL, strstr(md, "| [0] | 6.1 | 6.1.0-56-amd64 | none (no per_vma_lock"));
	/* One table per scenario and thread count, ratios to the first. */
	EXPECT_NE(NULL, strstr(md, "### folio-lock-shmem\n"));
	EXPECT_NE(NULL, strstr(md, "|  | 6.1 | 6.12 | 6.12 / 6.1 | 6.12 forced | 6.12 forced / 6.1 |\n"));
	EXPECT_NE(NULL, strstr(md, "| runs | ok x2 | ok x2 | | ok x2 | |\n"));
	EXPECT_NE(NULL, strstr(md, "| writer ops/s |"));
	EXPECT_NE(NULL, strstr(md, "| VMA-lock hit % | 0.0% | 100.0% ±0% | - | 0.0% | - |\n"));
	/* A scenario skipped on one kernel says so in its table. */
	EXPECT_NE(NULL, strstr(md, "| runs | skipped: this kernel lacks UFFDIO_MOVE"));
	/* No plots asked for: none referenced. */
	EXPECT_EQ(NULL, strstr(md, ".svg)"));
	free(md);
}

TEST_F(recorded, plots_embedded)
{
	char *md, *svg;

	if (system("gnuplot --version >/dev/null 2>&1"))
		SKIP(return, "gnuplot is not installed (scripts/setup installs it)");
	ASSERT_EQ(0, report(self->dir, self->f, 3, true)) TH_LOG("%s", vmb_errmsg());
	md = slurp(self->dir, "report.md");
	ASSERT_NE(NULL, md);
	EXPECT_NE(NULL, strstr(md, "](cdf-folio-lock-shmem.svg)"));
	EXPECT_NE(NULL, strstr(md, "](cdf-uffd-move-vs-copy_move-recycled.svg)"));
	svg = slurp(self->dir, "cdf-folio-lock-shmem.svg");
	ASSERT_NE(NULL, svg);
	/* A curve per configuration, by label. */
	EXPECT_NE(NULL, strstr(svg, "6.12 forced t=1"));
	EXPECT_NE(NULL, strstr(svg, "6.1 t=1"));
	free(svg);
	free(md);
}

/* stdout of cmd(o) into DIR/name; returns cmd's result. */
static int capture(const char *dir, const char *name,
		   int (*cmd)(const struct vmb_opts *), const struct vmb_opts *o)
{
	char path[PATH_MAX];
	int fd, saved, ret;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -errno;
	fflush(stdout);
	saved = dup(1);
	dup2(fd, 1);
	close(fd);
	ret = cmd(o);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	return ret;
}

/*
 * compare on the recorded A/B: every column has mean and spread, the
 * others a ratio to the first and a significance mark.
 */
TEST_F(recorded, compare_table)
{
	struct vmb_opts o;
	const char *l;
	char *out;
	int i;

	memset(&o, 0, sizeof(o));
	o.cmd = VMB_CMD_COMPARE;
	for (i = 0; i < 3; i++)
		o.files[i] = self->f[i];
	o.nfiles = 3;
	ASSERT_EQ(0, capture(self->dir, "compare.txt", vmb_cmd_compare, &o))
		TH_LOG("%s", vmb_errmsg());
	out = slurp(self->dir, "compare.txt");
	ASSERT_NE(NULL, out);
	EXPECT_NE(NULL, strstr(out, "[0] mean±sd"));
	EXPECT_NE(NULL, strstr(out, "[n] mean±sd  ratio sig"));
	EXPECT_NE(NULL, strstr(out, "kernel 6.1.0-56-amd64"));
	/* 6.1's bystanders wait behind the hold; 6.12's do not. */
	l = line_with(out, "folio-lock-shmem                 1 bystander p99 ns");
	EXPECT_NE(NULL, strstr(l, "4.456e+06±1.9e+05")) TH_LOG("%s", l);
	EXPECT_NE(NULL, strstr(l, "1.567e+05±3.9e+04    0.04x*")) TH_LOG("%s", l);
	EXPECT_NE(NULL, strstr(l, "1.753e+06±5.8e+05    0.39x ")) TH_LOG("%s", l);
	free(out);
}

/* plot: one SVG with a curve per file. */
TEST_F(recorded, plot_cdf)
{
	char path[PATH_MAX], *svg;
	struct vmb_opts o;
	int i;

	if (system("gnuplot --version >/dev/null 2>&1"))
		SKIP(return, "gnuplot is not installed (scripts/setup installs it)");
	memset(&o, 0, sizeof(o));
	o.cmd = VMB_CMD_PLOT;
	o.role = "victim";
	snprintf(path, sizeof(path), "%s/cdf.svg", self->dir);
	o.output = path;
	for (i = 0; i < 3; i++)
		o.files[i] = self->f[i];
	o.nfiles = 3;
	ASSERT_EQ(0, capture(self->dir, "plot.txt", vmb_cmd_plot, &o))
		TH_LOG("%s", vmb_errmsg());
	svg = slurp(self->dir, "cdf.svg");
	ASSERT_NE(NULL, svg);
	EXPECT_NE(NULL, strstr(svg, "<svg"));
	EXPECT_NE(NULL, strstr(svg, "folio-lock-shmem"));
	free(svg);
	o.output = "cdf.pdf";
	EXPECT_EQ(-EINVAL, vmb_cmd_plot(&o));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "must end in .svg or .png"));
}

TEST_F(recorded, bad_file_leaves_no_report)
{
	const char *f[2] = { self->f[0], "/nonexistent/x.json" };
	char *md;

	EXPECT_EQ(-ENOENT, report(self->dir, f, 2, false));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "/nonexistent/x.json"));
	md = slurp(self->dir, "report.md");
	EXPECT_EQ(NULL, md);
	free(md);
}

/* ---- made-up runs whose verdicts are known ---- */

struct shape {
	double writer_x;	/* writer slowdown against its baseline */
	double bys_x;		/* bystander p99 slowdown */
	double move_ms, copy_ms;	/* compact_ms, recycled pages */
	bool hit;		/* faults under the VMA lock */
};

static void role(struct vmb_result *r, int k, uint64_t ns, double ops_s)
{
	struct vmb_role_result *rr = &r->roles[k];
	int i;

	rr->present = true;
	for (i = 0; i < 100; i++)
		vmb_hist_add(&rr->h, ns);
	rr->secs = 0.1;
	rr->ops = (uint64_t)(ops_s * rr->secs);
}

static int write_cfg(const char *path, const char *release, bool vma,
		     bool forced, const struct shape *s)
{
	static struct vmb_result res[8];
	struct vmb_opts o = { .nthreads = 1, .threads = { 1 }, .hold_us = 10000,
			      .repeat = 2, .force_mmap_lock = forced };
	struct vmb_env env = { 0 };
	struct vmb_module mod = { .present = true, .version = "test",
				  .features_read = true };
	int n = 0, rep, k;

	snprintf(env.release, sizeof(env.release), "%s", release);
	mod.features = vma ? 1U << VMB_F_per_vma_lock : 0;
	memset(res, 0, sizeof(res));
	for (rep = 0; rep < 2; rep++) {
		/* Repeats 1% apart: a spread for Welch's test. */
		double j = 1 + 0.01 * rep;
		struct vmb_result *r = &res[n++];

		for (k = 0; k < VMB_ROLE_NR; k++)
			vmb_hist_init(&r->roles[k].h);
		snprintf(r->scenario, sizeof(r->scenario), "folio-lock-shmem");
		r->threads = 1;
		r->repeat = rep;
		role(r, VMB_ROLE_VICTIM, 10000000, 100);
		role(r, VMB_ROLE_BYSTANDER_BASE, 100000, 10000 * j);
		role(r, VMB_ROLE_BYSTANDER, (uint64_t)(100000 * s->bys_x * j), 5000);
		role(r, VMB_ROLE_WRITER_BASE, 50000, 20000 * j);
		role(r, VMB_ROLE_WRITER, 50000, 20000 / s->writer_x * j);
		r->have_counters = true;
		r->counters[VMB_C_faults] = 1000;
		r->counters[s->hit ? VMB_C_vma_locked_done : VMB_C_mmap_lock_faults] = 1000;

		r = &res[n++];
		for (k = 0; k < VMB_ROLE_NR; k++)
			vmb_hist_init(&r->roles[k].h);
		snprintf(r->scenario, sizeof(r->scenario), "uffd-move-vs-copy:copy-recycled");
		r->threads = 1;
		r->repeat = rep;
		role(r, VMB_ROLE_VICTIM, 5000, 1000);
		vmb_add_metric(r, "compact_ms", s->copy_ms * j, true);

		r = &res[n++];
		for (k = 0; k < VMB_ROLE_NR; k++)
			vmb_hist_init(&r->roles[k].h);
		snprintf(r->scenario, sizeof(r->scenario), "uffd-move-vs-copy:move-recycled");
		r->threads = 1;
		r->repeat = rep;
		if (s->move_ms <= 0) {
			r->status = VMB_SKIPPED;
			snprintf(r->reason, sizeof(r->reason), "no UFFDIO_MOVE here");
			continue;
		}
		role(r, VMB_ROLE_VICTIM, 5000, 1000);
		vmb_add_metric(r, "compact_ms", s->move_ms * j, true);
	}
	return vmb_write_json(path, &o, &env, &mod, res, (size_t)n);
}

FIXTURE(madeup) {
	char dir[64];
	char files[3][PATH_MAX];
	const char *f[3];
	char *md;
};

FIXTURE_SETUP(madeup)
{
	int i;

	snprintf(self->dir, sizeof(self->dir), "/tmp/vmb-ab-test.XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	for (i = 0; i < 3; i++) {
		snprintf(self->files[i], sizeof(self->files[i]), "%s/%d.json",
			 self->dir, i);
		self->f[i] = self->files[i];
	}
	self->md = NULL;
}

FIXTURE_TEARDOWN(madeup)
{
	free(self->md);
	rm_dir(self->dir);
}

/* The seeds' shapes: every claim observed. */
TEST_F(madeup, as_the_seeds_say)
{
	const struct shape old = { 50, 40, 0, 100, false };
	const struct shape vma = { 1.1, 1.2, 40, 100, true };
	const struct shape forced = { 30, 20, 45, 100, false };

	ASSERT_EQ(0, write_cfg(self->f[0], "6.1.0-1-amd64", false, false, &old));
	ASSERT_EQ(0, write_cfg(self->f[1], "6.12.9+deb12-amd64", true, false, &vma));
	ASSERT_EQ(0, write_cfg(self->f[2], "6.12.9+deb12-amd64", true, true, &forced));
	ASSERT_EQ(0, report(self->dir, self->f, 3, false)) TH_LOG("%s", vmb_errmsg());
	self->md = slurp(self->dir, "report.md");
	ASSERT_NE(NULL, self->md);
	EXPECT_NE(NULL, strstr(line_with(self->md, "**seed 001**, a folio"),
			       "during a 10 ms hold: writer ops/s 6.1: 400 (baseline 20100, slowdown 50.2x), 6.12: 18270 (baseline 20100, slowdown 1.1x), 6.12 forced: 665 (baseline 20100, slowdown 30.2x); 6.12 / 6.1 = 45.7x*;"))
		TH_LOG("%s", line_with(self->md, "**seed 001**, a folio"));
	EXPECT_NE(NULL, strstr(line_with(self->md, "**seed 001**, a folio"),
			       "**Observed.**"));
	EXPECT_NE(NULL, strstr(line_with(self->md, "**seed 002**, recycled"),
			       "6.1: skipped: no UFFDIO_MOVE here, 6.12: 0.4* (40.20ms / 100.50ms), 6.12 forced: 0.45*"))
		TH_LOG("%s", line_with(self->md, "**seed 002**, recycled"));
	EXPECT_NE(NULL, strstr(line_with(self->md, "**seed 002**, recycled"),
			       "**Observed.**"));
	EXPECT_NE(NULL, strstr(line_with(self->md, "**VMA-lock hit rate**"),
			       "**Observed.**"));
	/* Only the default A/B is timed. */
	EXPECT_EQ(NULL, strstr(self->md, "wall time"));
}

/* Where the kernel does not behave as the seeds say, the report says so. */
TEST_F(madeup, findings_said_plainly)
{
	const struct shape old = { 3, 40, 0, 100, false };
	const struct shape vma = { 3.5, 1.2, 80, 100, true };
	const struct shape forced = { 30, 20, 45, 100, true };
	struct vmb_opts o;

	ASSERT_EQ(0, write_cfg(self->f[0], "6.1.0-1-amd64", false, false, &old));
	ASSERT_EQ(0, write_cfg(self->f[1], "6.12.9+deb12-amd64", true, false, &vma));
	ASSERT_EQ(0, write_cfg(self->f[2], "6.12.9+deb12-amd64", true, true, &forced));
	memset(&o, 0, sizeof(o));
	o.cmd = VMB_CMD_REPORT;
	o.output = self->dir;
	o.no_plots = true;
	o.files[0] = self->f[0];
	o.files[1] = self->f[1];
	o.files[2] = self->f[2];
	o.nfiles = 3;
	o.wall_s = 200;
	ASSERT_EQ(0, vmb_cmd_report(&o)) TH_LOG("%s", vmb_errmsg());
	self->md = slurp(self->dir, "report.md");
	ASSERT_NE(NULL, self->md);
	EXPECT_NE(NULL, strstr(line_with(self->md, "**seed 001**, a folio"),
			       "**Not observed**: 6.1 writer slowdown only 3x (expected >= 10x); 6.12 writer slowdown 3.5x (expected <= 1.5x)."))
		TH_LOG("%s", line_with(self->md, "**seed 001**, a folio"));
	EXPECT_NE(NULL, strstr(line_with(self->md, "**seed 002**, recycled"),
			       "**Not observed**: 6.12 0.8 (expected <= 0.6)."))
		TH_LOG("%s", line_with(self->md, "**seed 002**, recycled"));
	/* The forced run whose faults still took the VMA lock: a finding. */
	EXPECT_NE(NULL, strstr(line_with(self->md, "**VMA-lock hit rate**"),
			       "**Not observed**: 6.12 forced 100.0% in folio-lock-shmem (expected 0%)."))
		TH_LOG("%s", line_with(self->md, "**VMA-lock hit rate**"));
	EXPECT_NE(NULL, strstr(self->md, "- **A/B wall time**: 200 s for 3 configurations. Expected: <= 180 s for three with the default repeats under TCG on 2 cores. **Not met.**"));
}

/*
 * A tree against the same tree with a patch (scripts/build-kernel names
 * the patched release -pDIGEST): one major.minor, two columns, each
 * named by its full release; the same release twice, by position.
 */
TEST_F(madeup, same_major_minor_full_release)
{
	const struct shape vma = { 1.1, 1.2, 40, 100, true };

	ASSERT_EQ(0, write_cfg(self->f[0], "6.12.117-vmb", true, false, &vma));
	ASSERT_EQ(0, write_cfg(self->f[1], "6.12.117-vmb-p1a2b3c4d", true,
			       false, &vma));
	ASSERT_EQ(0, write_cfg(self->f[2], "6.12.117-vmb-p1a2b3c4d", true,
			       false, &vma));
	ASSERT_EQ(0, report(self->dir, self->f, 3, false)) TH_LOG("%s", vmb_errmsg());
	self->md = slurp(self->dir, "report.md");
	ASSERT_NE(NULL, self->md);
	EXPECT_NE(NULL, strstr(line_with(self->md, "**seed 001**, a folio"),
			       "6.12.117-vmb: 18270 (baseline 20100, slowdown 1.1x), 6.12.117-vmb-p1a2b3c4d: 18270 (baseline 20100, slowdown 1.1x), 6.12.117-vmb-p1a2b3c4d [2]: 18270"))
		TH_LOG("%s", line_with(self->md, "**seed 001**, a folio"));
}

/* Without the module, nothing to judge the VMA lock by: no verdict. */
TEST_F(madeup, no_module_no_verdict)
{
	static struct vmb_result r;
	struct vmb_opts o = { .nthreads = 1, .threads = { 1 }, .repeat = 1 };
	struct vmb_env env = { .release = "6.12.9+deb12-amd64" };
	struct vmb_module mod = { .present = false };
	int k;

	for (k = 0; k < VMB_ROLE_NR; k++)
		vmb_hist_init(&r.roles[k].h);
	snprintf(r.scenario, sizeof(r.scenario), "folio-lock-shmem");
	r.threads = 1;
	role(&r, VMB_ROLE_WRITER, 1000, 100);
	role(&r, VMB_ROLE_WRITER_BASE, 1000, 1000);
	ASSERT_EQ(0, vmb_write_json(self->f[0], &o, &env, &mod, &r, 1));
	ASSERT_EQ(0, report(self->dir, self->f, 1, false)) TH_LOG("%s", vmb_errmsg());
	self->md = slurp(self->dir, "report.md");
	ASSERT_NE(NULL, self->md);
	EXPECT_NE(NULL, strstr(line_with(self->md, "**seed 001**, a folio"),
			       "6.12: 100 (baseline 1000, slowdown 10x)"));
	EXPECT_NE(NULL, strstr(line_with(self->md, "**seed 001**, a folio"),
			       "**no verdict**"));
	EXPECT_NE(NULL, strstr(self->md, "unknown (no module: no features, no counters)"));
}

#define ARGS(...) ((char *[]){ "vmalock-bench", __VA_ARGS__, NULL })
#define NARGS(...) (int)(sizeof((char *[]){ "vmalock-bench", __VA_ARGS__ }) / sizeof(char *))
#define PARSE(o, ...) parse(o, NARGS(__VA_ARGS__), ARGS(__VA_ARGS__))

static int parse(struct vmb_opts *o, int argc, char **argv)
{
	vmb_clear_error();
	return vmb_parse_args(argc, argv, o);
}

TEST(report_options)
{
	struct vmb_opts o;

	ASSERT_EQ(0, PARSE(&o, "report", "a.json", "b.json", "-o", "d",
			   "--no-plots", "--wall", "150"));
	EXPECT_EQ(VMB_CMD_REPORT, (int)o.cmd);
	EXPECT_EQ(2, o.nfiles);
	EXPECT_STREQ("d", o.output);
	EXPECT_TRUE(o.no_plots);
	EXPECT_EQ(150, (int)o.wall_s);
	EXPECT_EQ(-EINVAL, PARSE(&o, "report", "a.json"));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "-o DIR"));
	EXPECT_EQ(-EINVAL, PARSE(&o, "report", "-o", "d"));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "JSON file of each configuration"));
	EXPECT_EQ(-EINVAL, PARSE(&o, "report", "a.json", "-o", "d", "--wall",
				 "soon"));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "'soon' for --wall"));
	EXPECT_EQ(-EINVAL, PARSE(&o, "compare", "a.json", "--no-plots"));
	EXPECT_NE(NULL, strstr(vmb_errmsg(), "'--no-plots' does not apply"));
}

TEST_HARNESS_MAIN
