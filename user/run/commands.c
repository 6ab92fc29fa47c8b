// SPDX-License-Identifier: GPL-2.0
/* The list, check and run commands. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/error.h"
#include "lib/knob.h"
#include "lib/map.h"
#include "run/commands.h"
#include "run/engine.h"
#include "run/signals.h"
#include "run/trace.h"

int vmb_cmd_list(const struct vmb_opts *o)
{
	size_t i;
	int v;

	for (i = 0; i < vmb_nscenarios; i++) {
		const struct vmb_scenario *sc = &vmb_scenarios[i];
		const char *const *variants = sc->ops->variants;

		printf("%-18s %s\n%-18s   needs: %s\n", sc->name, sc->desc, "",
		       sc->needs_desc);
		if (variants) {
			printf("%-18s   variants:", "");
			for (v = 0; variants[v]; v++)
				printf(" %s", variants[v]);
			printf("\n");
		}
	}
	return 0;
}

int vmb_cmd_check(const struct vmb_opts *o)
{
	struct vmb_module m;
	struct vmb_env env;
	char buf[256];
	const char *why;
	size_t i;
	int f, runnable = 0;

	vmb_env_init(&env);
	vmb_module_open(&m, o->debugfs);
	printf("kernel:  %s\n", env.release);
	if (m.present)
		printf("module:  version %s (%s)\n", m.version, m.dir);
	else
		printf("module:  not loaded (%s/version not readable: load vmalock_bench and mount debugfs)\n",
		       m.dir);
	if (m.present && !m.features_read)
		printf("module:  %s/features not readable\n", m.dir);
	printf("features:\n");
	for (f = 0; f < VMB_F_NR; f++) {
		bool mod_has = m.features_read && (m.features & (1U << f));
		bool probed = m.probed & (1U << f);

		printf("  %-22s %-4s %-28s %s\n", vmb_feature_names[f],
		       mod_has || probed ? "yes" : "no",
		       mod_has && probed ? "(module, probed)" :
		       mod_has ? "(module)" :
		       probed ? "(probed by the tool)" :
		       m.features_read ? "(not in module features)" :
					  "(unknown without module)",
		       vmb_feature_descs[f]);
	}
	if (m.unknown[0])
		printf("  unknown to this tool: %s (a newer module?)\n",
		       m.unknown);
	printf("scenarios:\n");
	for (i = 0; i < vmb_nscenarios; i++) {
		why = vmb_scenario_missing(&vmb_scenarios[i], &m, buf,
					   sizeof(buf));
		printf("  %-18s %s%s\n", vmb_scenarios[i].name,
		       why ? "missing: " : "ready", why ? why : "");
		runnable += !why;
	}
	printf("%d of %zu scenarios can run here\n", runnable, vmb_nscenarios);
	return 0;
}

/* Mean first-touch anonymous fault, to size default runs to the machine. */
static double fault_cost_ns(void)
{
	size_t page = (size_t)vmb_page_size(), i, n = 256;
	uint64_t t0;
	char *p;

	if (vmb_map_anon(n * page, true, &p)) {
		vmb_clear_error();
		return 0;
	}
	t0 = vmb_now_ns();
	for (i = 0; i < n; i++)
		p[i * page] = 1;
	t0 = vmb_now_ns() - t0;
	munmap(p, n * page);
	return (double)t0 / (double)n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/*
 * The cost of the module's kprobes to a fault: rounds of first-touch
 * faults alternately counted (target = us) and not (no target); the
 * difference of the medians of the rounds. Leaves the target set to us.
 */
static double accounting_overhead_ns(struct vmb_module *mod)
{
	enum { ROUNDS = 9 };
	double on[ROUNDS], off[ROUNDS];
	int i;

	if (!mod->present || !vmb_have(mod, VMB_F_fault_accounting))
		return NAN;
	for (i = 0; i < ROUNDS; i++) {
		if (vmb_module_set_target(mod, 0))
			goto fail;
		off[i] = fault_cost_ns();
		if (vmb_module_set_target(mod, (int)getpid()))
			goto fail;
		on[i] = fault_cost_ns();
	}
	qsort(on, ROUNDS, sizeof(on[0]), cmp_double);
	qsort(off, ROUNDS, sizeof(off[0]), cmp_double);
	return on[ROUNDS / 2] - off[ROUNDS / 2];
fail:
	vmb_clear_error();
	vmb_module_set_target(mod, (int)getpid());
	return NAN;
}

struct pick {
	const struct vmb_scenario *sc;
	int variant;
};

static int add_pick(struct pick *p, size_t *n, size_t max,
		    const struct vmb_scenario *sc, int variant)
{
	const char *const *variants = sc->ops->variants;
	int v;

	if (variant >= 0 || !variants) {
		if (*n == max)
			return -E2BIG;
		p[(*n)++] = (struct pick){ sc, variant };
		return 0;
	}
	for (v = 0; variants[v]; v++) {
		if (*n == max)
			return -E2BIG;
		p[(*n)++] = (struct pick){ sc, v };
	}
	return 0;
}

/*
 * When the table is not on a terminal (or not printed at all) and the
 * run has taken more than a few seconds: where it is, on stderr. step
 * counts the points of skipped picks too, so the last is [total/total].
 */
static void progress(const struct vmb_opts *o, uint64_t t0, size_t step,
		     size_t total, const struct pick *p, int threads, int rep)
{
	const char *const *variants = p->sc->ops->variants;
	double s = (double)(vmb_now_ns() - t0) / 1e9;

	if (s < 3 || (!o->quiet && isatty(STDOUT_FILENO)))
		return;
	fprintf(stderr, "vmalock-bench: [%zu/%zu] %s%s%s, %d thread(s), repeat %d (%.0f s)\n",
		step + 1, total, p->sc->name,
		p->variant >= 0 && variants ? ":" : "",
		p->variant >= 0 && variants ? variants[p->variant] : "",
		threads, rep, s);
}

int vmb_cmd_run(const struct vmb_opts *o)
{
	struct pick picks[256];
	int skip_from[VMB_ARRAY_SIZE(picks)];
	struct vmb_result *res = NULL;
	struct vmb_module mod;
	struct vmb_env env;
	size_t npicks = 0, nres = 0, cap, step, i;
	int t, rep, ret = 0, failed = 0, variant;
	pid_t tracer = 0;
	uint64_t t_run;
	uint64_t iterations = o->iterations;
	double cost;

	for (i = 0; i < (size_t)o->nscenarios; i++) {
		const struct vmb_scenario *sc =
			vmb_find_scenario(o->scenarios[i], &variant);

		if (!sc || add_pick(picks, &npicks, VMB_ARRAY_SIZE(picks), sc,
				    variant))
			return vmb_fail(-EINVAL, "run: too many scenarios");
	}
	for (i = 0; !o->nscenarios && i < vmb_nscenarios; i++)
		add_pick(picks, &npicks, VMB_ARRAY_SIZE(picks),
			 &vmb_scenarios[i], -1);
	vmb_env_init(&env);
	vmb_module_open(&mod, o->debugfs);
	if (o->force_mmap_lock && !vmb_exists(VMB_KNOB(target, force_mmap_lock)))
		return vmb_fail(-ENOENT,
				"--force-mmap-lock needs %s/target/force_mmap_lock: load the module",
				mod.dir);
	ret = vmb_module_set_target(&mod, (int)getpid());
	if (ret)
		return ret;
	vmb_measure_overhead(&env);
	env.accounting_overhead_ns = accounting_overhead_ns(&mod);
	/* Defaults sized to the machine: a TCG guest is 10-50x slower. */
	if (!o->iterations_set && o->duration_s == 0) {
		cost = fault_cost_ns();
		if (cost > 0 && cost * (double)iterations > 0.1e9) {
			iterations = (uint64_t)(0.1e9 / cost);
			if (iterations < 100)
				iterations = 100;
		}
	}
	env.iterations = iterations;
	cap = npicks * (size_t)o->nthreads * (size_t)o->repeat;
	res = calloc(cap ? cap : 1, sizeof(*res));
	if (!res) {
		vmb_module_set_target(&mod, 0);
		return vmb_fail(-ENOMEM, "run: allocating %zu results", cap);
	}
	if (!o->quiet) {
		char acct[48] = "not counted";

		if (!isnan(env.accounting_overhead_ns))
			snprintf(acct, sizeof(acct), "%+.0f ns per fault",
				 env.accounting_overhead_ns);
		printf("# vmalock-bench %s, kernel %s, module %s; %llu faults per victim%s; clock cost %.0f ns, timing overhead %.0f ns per sample; fault accounting %s\n",
		       VMB_VERSION, env.release,
		       mod.present ? mod.version : "not loaded",
		       (unsigned long long)iterations,
		       o->duration_s > 0 ? " (duration mode)" : "",
		       env.clock_cost_ns, env.timing_overhead_ns, acct);
	}
	vmb_install_signals();
	t_run = vmb_now_ns();
	if (o->trace) {
		ret = vmb_trace_start(o->trace, &tracer);
		if (ret)
			goto out;
	}
	/*
	 * In rounds: repeat r of every (scenario, variant, threads) point
	 * before repeat r + 1 of any. A burst of load on the host (a kernel
	 * build beside a TCG guest) then lands on one repeat of many points,
	 * not on every repeat of one, so that a point's repeats are as far
	 * apart as the run allows: the report's t-intervals over them assume
	 * they are independent. A skip is the same at every point: a pick
	 * skipped at a thread count runs at no later one, in no later round.
	 */
	for (i = 0; i < npicks; i++)
		skip_from[i] = o->nthreads;
	for (step = 0; step < cap && !atomic_load(&vmb_interrupted); step++) {
		struct vmb_result *r = &res[nres];

		rep = (int)(step / (npicks * (size_t)o->nthreads));
		i = step / (size_t)o->nthreads % npicks;
		t = (int)(step % (size_t)o->nthreads);
		if (t >= skip_from[i])
			continue;
		progress(o, t_run, step, cap, &picks[i], o->threads[t], rep);
		ret = vmb_run_one(picks[i].sc, picks[i].variant, o->threads[t],
				  rep, o, &mod, iterations, r);
		if (ret)
			goto out;
		nres++;
		failed += r->status == VMB_FAILED;
		if (!o->quiet) {
			vmb_print_result(stdout, r, nres == 1, o->verbose);
			fflush(stdout);
		}
		if (r->status == VMB_SKIPPED)
			skip_from[i] = t;
	}
	if (atomic_load(&vmb_interrupted))
		fprintf(stderr, "vmalock-bench: interrupted: injectors disarmed; %zu results kept\n",
			nres);
out:
	if (tracer) {
		int ret2 = vmb_trace_stop(tracer, o->trace, o->quiet);

		ret = ret ? ret : ret2;
	}
	/* No target left behind: the module forgets this process. */
	if (mod.target_set) {
		int ret2 = vmb_module_set_target(&mod, 0);

		ret = ret ? ret : ret2;
		mod.target_set = false;
	}
	if (!ret && o->json)
		ret = vmb_write_json(o->json, o, &env, &mod, res, nres);
	if (!ret && o->csv)
		ret = vmb_write_csv(o->csv, res, nres);
	free(res);
	if (!ret && failed) {
		vmb_clear_error();
		ret = vmb_fail(-EIO, "%d run(s) failed: see the 'failed:' lines above",
			       failed);
	}
	if (!ret && atomic_load(&vmb_interrupted))
		ret = -EINTR;
	return ret;
}
