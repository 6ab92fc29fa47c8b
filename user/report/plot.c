// SPDX-License-Identifier: GPL-2.0
/*
 * plot: latency CDFs with gnuplot, one panel per scenario, one curve per
 * run (file and thread count, repeats merged). Data files and the script
 * go to a temporary directory, removed when gnuplot succeeds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/error.h"
#include "report/plot.h"
#include "run/commands.h"

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && !strcmp(s + a - b, suffix);
}

/* CDF points at each non-empty bucket's upper edge (clamped to max). */
static int write_cdf(const char *path, const struct vmb_hist *h)
{
	uint64_t seen = 0, x;
	unsigned int i;
	FILE *f;

	f = fopen(path, "w");
	if (!f)
		return vmb_fail(-errno, "plot: cannot write %s", path);
	fprintf(f, "%llu 0\n", (unsigned long long)h->min);
	for (i = 0; i < VMB_HIST_BUCKETS; i++) {
		if (!h->b[i])
			continue;
		seen += h->b[i];
		x = vmb_hist_hi(i) < h->max ? vmb_hist_hi(i) : h->max;
		fprintf(f, "%llu %.6f\n", (unsigned long long)x,
			(double)seen / (double)h->count);
	}
	if (ferror(f) | fclose(f))
		return vmb_fail(-EIO, "plot: writing %s", path);
	return 0;
}

static int run_gnuplot(const char *script)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return vmb_fail(-errno, "plot: fork");
	if (!pid) {
		/* Signals are blocked only by run (engine.c): nothing to undo. */
		execlp("gnuplot", "gnuplot", script, (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return vmb_fail(-errno, "plot: waitpid");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return vmb_fail(-ENOENT,
				"plot: gnuplot not found: install gnuplot-nox");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return vmb_fail(-EIO, "plot: gnuplot failed on %s", script);
	return 0;
}

int vmb_plot_cdfs(const struct vmb_loaded *L, const char *const *labels,
		  int nf, const struct vmb_plot_panel *panels, int np,
		  const char *title, const char *output, int *ncurves)
{
	char dir[] = "/tmp/vmalock-bench-plot.XXXXXX", path[512];
	int i, f, ndata = 0, ret = 0;
	size_t k;
	FILE *s;

	if (!ends_with(output, ".svg") && !ends_with(output, ".png"))
		return vmb_fail(-EINVAL,
				"plot: output '%s' must end in .svg or .png",
				output);
	if (!mkdtemp(dir))
		return vmb_fail(-errno, "plot: cannot create a directory in /tmp");
	snprintf(path, sizeof(path), "%s/plot.gp", dir);
	s = fopen(path, "w");
	if (!s) {
		ret = vmb_fail(-errno, "plot: cannot write %s", path);
		goto out;
	}
	fprintf(s, "set terminal %s size 1200,%d\nset output '%s'\n",
		ends_with(output, ".svg") ? "svg" : "pngcairo",
		360 * ((np + 1) / 2), output);
	fprintf(s, "set multiplot layout %d,%d title '%s' noenhanced\n",
		(np + 1) / 2, np > 1 ? 2 : 1, title);
	fprintf(s, "set logscale x\nset xlabel 'latency (ns)'\nset ylabel 'fraction'\n"
		   "set yrange [0:1]\nset key bottom right font ',8'\nset grid\n");
	for (i = 0; i < np; i++) {
		const struct vmb_plot_panel *p = &panels[i];
		int curves = 0;

		fprintf(s, "set title '%s' noenhanced\nplot ", p->title);
		for (f = 0; f < nf; f++) {
			int t, done[VMB_MAX_VICTIMS + 1] = { 0 };

			for (k = 0; k < L[f].n; k++) {
				const struct vmb_result *r = &L[f].res[k];
				struct vmb_hist h;
				size_t m;

				t = r->threads;
				if (r->status != VMB_OK ||
				    strcmp(r->scenario, p->scenario) || t < 0 ||
				    t > VMB_MAX_VICTIMS || done[t])
					continue;
				done[t] = 1;
				vmb_hist_init(&h);
				for (m = k; m < L[f].n; m++)
					if (L[f].res[m].status == VMB_OK &&
					    L[f].res[m].threads == t &&
					    !strcmp(L[f].res[m].scenario, p->scenario))
						vmb_hist_merge(&h, &L[f].res[m].roles[p->role].h);
				if (!h.count)
					continue;
				snprintf(path, sizeof(path), "%s/d%d.dat", dir,
					 ndata++);
				ret = write_cdf(path, &h);
				if (ret)
					goto out;
				fprintf(s, "%s'%s' using 1:2 with steps title '%s t=%d' noenhanced",
					curves++ ? ", " : "", path, labels[f], t);
			}
		}
		if (!curves)
			fprintf(s, "NaN notitle");
		fputc('\n', s);
	}
	fprintf(s, "unset multiplot\n");
	if (ferror(s) | fclose(s)) {
		s = NULL;
		ret = vmb_fail(-EIO, "plot: writing the gnuplot script in %s", dir);
		goto out;
	}
	s = NULL;
	snprintf(path, sizeof(path), "%s/plot.gp", dir);
	ret = run_gnuplot(path);
out:
	if (s)
		fclose(s);
	if (ret) {
		fprintf(stderr, "vmalock-bench: gnuplot script and data kept in %s\n",
			dir);
		return ret;
	}
	for (i = 0; i < ndata; i++) {
		snprintf(path, sizeof(path), "%s/d%d.dat", dir, i);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/plot.gp", dir);
	unlink(path);
	rmdir(dir);
	if (ncurves)
		*ncurves = ndata;
	return 0;
}

int vmb_cmd_plot(const struct vmb_opts *o)
{
	struct vmb_loaded L[VMB_MAX_FILES];
	struct vmb_plot_panel panels[256];
	const char *labels[VMB_MAX_FILES];
	char title[64];
	int role = VMB_ROLE_VICTIM, nf = 0, nn = 0, i, f, ncurves = 0;
	size_t k;
	int ret = 0;

	for (i = 0; i < VMB_ROLE_NR; i++)
		if (!strcmp(o->role, vmb_role_names[i]))
			role = i;
	if (!ends_with(o->output, ".svg") && !ends_with(o->output, ".png"))
		return vmb_fail(-EINVAL,
				"plot: output '%s' must end in .svg or .png",
				o->output);
	for (nf = 0; nf < o->nfiles; nf++) {
		ret = vmb_load_results(o->files[nf], &L[nf]);
		if (ret)
			goto out;
		labels[nf] = L[nf].path;
	}
	for (f = 0; f < nf; f++)
		for (k = 0; k < L[f].n; k++) {
			const struct vmb_result *r = &L[f].res[k];

			if (r->status != VMB_OK || !r->roles[role].present)
				continue;
			for (i = 0; i < nn; i++)
				if (!strcmp(panels[i].scenario, r->scenario))
					break;
			if (i == nn && nn < (int)VMB_ARRAY_SIZE(panels))
				panels[nn++] = (struct vmb_plot_panel){
					r->scenario, role, r->scenario };
		}
	if (!nn) {
		ret = vmb_fail(-ENODATA, "plot: no successful run with role '%s' in the files",
			       o->role);
		goto out;
	}
	snprintf(title, sizeof(title), "%s latency CDF", o->role);
	ret = vmb_plot_cdfs(L, labels, nf, panels, nn, title, o->output,
			    &ncurves);
	if (!ret)
		printf("wrote %s (%d scenarios, %d curves)\n", o->output, nn,
		       ncurves);
out:
	while (nf--)
		vmb_loaded_free(&L[nf]);
	return ret;
}
