// SPDX-License-Identifier: GPL-2.0
/* Output: the human table, JSON (everything), CSV (summaries). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "lib/base.h"
#include "lib/clock.h"
#include "lib/error.h"
#include "run/output.h"

static const double pcts[] = { 50, 90, 99, 99.9 };
static const char *const pct_names[] = { "p50", "p90", "p99", "p99.9" };

/* The counters worth a glance: which lock, how many retries. */
static const enum vmb_counter key_counters[] = {
	VMB_C_vma_locked_done, VMB_C_vma_lock_retry, VMB_C_mmap_lock_faults,
	VMB_C_retry, VMB_C_retry_after_tried, VMB_C_attempts_3,
	VMB_C_attempts_4plus, VMB_C_major, VMB_C_completed,
};

static const struct vmb_role_result *role_of(const struct vmb_result *res,
					     enum vmb_role role)
{
	const struct vmb_role_result *rr = &res->roles[role];

	return rr->present && rr->h.count ? rr : NULL;
}

static double ops_per_s(const struct vmb_role_result *rr)
{
	return rr && rr->secs > 0 ? (double)rr->ops / rr->secs : 0.0;
}

static const char *fmt_pct(char *buf, size_t size,
			   const struct vmb_role_result *rr, double pct)
{
	if (!rr)
		return "-";
	return vmb_fmt_ns(buf, size, pct >= 100 ? (double)rr->h.max :
			(double)vmb_hist_pct(&rr->h, pct));
}

/*
 * How the faults finished: the share completed under the VMA lock (not
 * counting those that fell back after a retry), and when the module has
 * target/mmap_lock, its acquisitions and wait per fault.
 */
static void print_finish(FILE *f, const struct vmb_result *res)
{
	double v, w;

	if (vmb_figure(res, VMB_FIG_completed_under_vma_lock_pct, &v))
		fprintf(f, " under_vma_lock=%.1f%%", v);
	if (vmb_figure(res, VMB_FIG_mmap_lock_per_fault, &v) &&
	    vmb_figure(res, VMB_FIG_mmap_lock_wait_ns_per_fault, &w))
		fprintf(f, " mmap_lock/fault=%.3g wait/fault=%.3gns", v, w);
}

/*
 * One line per scenario, thread count and repeat, in the order they ran
 * (rounds of repeats, so a point's lines are apart): victims' p50/p99/max,
 * bystanders' p99 during the injection and in the baseline, the
 * writer's ops/s during and before, then the key counters.
 */
static void print_compact(FILE *f, const struct vmb_result *res, bool header)
{
	const struct vmb_role_result *v, *by, *bb, *wr, *wb;
	char b[5][16];
	size_t k;

	if (header)
		fprintf(f, "%-32s %3s %3s %6s %8s %8s %8s  %17s  %15s  %s\n",
			"scenario", "thr", "rep", "faults", "p50", "p99", "max",
			"byst p99 (base)", "writer/s (base)", "counters");
	if (res->status != VMB_OK) {
		fprintf(f, "%-32s %3d %3d %s: %s\n", res->scenario,
			res->threads, res->repeat, vmb_status_name(res->status),
			res->reason);
		return;
	}
	v = role_of(res, VMB_ROLE_VICTIM);
	by = role_of(res, VMB_ROLE_BYSTANDER);
	bb = role_of(res, VMB_ROLE_BYSTANDER_BASE);
	wr = role_of(res, VMB_ROLE_WRITER);
	wb = role_of(res, VMB_ROLE_WRITER_BASE);
	fprintf(f, "%-32s %3d %3d %6llu %8s %8s %8s  %8s (%6s)  %7.0f (%5.0f) ",
		res->scenario, res->threads, res->repeat,
		(unsigned long long)(v ? v->h.count : 0),
		fmt_pct(b[0], sizeof(b[0]), v, 50),
		fmt_pct(b[1], sizeof(b[1]), v, 99),
		fmt_pct(b[2], sizeof(b[2]), v, 100),
		fmt_pct(b[3], sizeof(b[3]), by, 99),
		fmt_pct(b[4], sizeof(b[4]), bb, 99), ops_per_s(wr),
		ops_per_s(wb));
	if (!res->have_counters) {
		fputs(" -", f);
	} else {
		print_finish(f, res);
		for (k = 0; k < VMB_ARRAY_SIZE(key_counters); k++)
			if (res->counters[key_counters[k]])
				fprintf(f, " %s=%llu",
					vmb_counter_names[key_counters[k]],
					(unsigned long long)
					res->counters[key_counters[k]]);
	}
	for (k = 0; k < (size_t)res->nmetrics; k++)
		fprintf(f, " %s=%.6g", res->metrics[k].name,
			res->metrics[k].value);
	fputc('\n', f);
}

void vmb_print_result(FILE *f, const struct vmb_result *res, bool header,
		      bool verbose)
{
	char b[6][16];
	int i, c;

	if (!verbose) {
		print_compact(f, res, header);
		return;
	}
	if (header)
		fprintf(f, "%-30s %3s %3s %-15s %8s %8s %8s %8s %8s %8s %10s\n",
			"scenario", "thr", "rep", "role", "count", "p50", "p90",
			"p99", "p99.9", "max", "ops/s");
	if (res->status != VMB_OK) {
		fprintf(f, "%-30s %3d %3d %s: %s\n", res->scenario,
			res->threads, res->repeat, vmb_status_name(res->status),
			res->reason);
		return;
	}
	for (i = 0; i < VMB_ROLE_NR; i++) {
		const struct vmb_role_result *rr = &res->roles[i];
		int k;

		if (!rr->present)
			continue;
		if (!rr->h.count) {
			fprintf(f, "%-30s %3d %3d %-15s %8d %8s\n", res->scenario,
				res->threads, res->repeat, vmb_role_names[i], 0,
				"-");
			continue;
		}
		for (k = 0; k < 4; k++)
			vmb_fmt_ns(b[k], sizeof(b[k]),
			       (double)vmb_hist_pct(&rr->h, pcts[k]));
		vmb_fmt_ns(b[4], sizeof(b[4]), (double)rr->h.max);
		fprintf(f, "%-30s %3d %3d %-15s %8llu %8s %8s %8s %8s %8s %10.0f\n",
			res->scenario, res->threads, res->repeat,
			vmb_role_names[i], (unsigned long long)rr->h.count,
			b[0], b[1], b[2], b[3], b[4],
			rr->secs > 0 ? (double)rr->ops / rr->secs : 0.0);
	}
	if (res->nmetrics) {
		fprintf(f, "%-30s          metrics:", "");
		for (i = 0; i < res->nmetrics; i++)
			fprintf(f, " %s=%.6g", res->metrics[i].name,
				res->metrics[i].value);
		fputc('\n', f);
	}
	fprintf(f, "%-30s          counters:", "");
	if (!res->have_counters) {
		fputs(" unavailable (module not loaded or no target/faults)\n", f);
		return;
	}
	for (i = 0, c = 0; c < VMB_C_NR; c++) {
		if (!res->counters[c])
			continue;
		fprintf(f, " %s=%llu", vmb_counter_names[c],
			(unsigned long long)res->counters[c]);
		i++;
	}
	fputs(i ? "\n" : " all zero\n", f);
	fprintf(f, "%-30s          per fault:", "");
	for (c = 0; c < VMB_FIG_NR; c++) {
		double v;

		if (vmb_figure(res, c, &v))
			fprintf(f, " %s=%.4g", vmb_figure_names[c], v);
	}
	fputs(res->have_mmap_lock ? "\n" :
	      " (no target/mmap_lock in this module: no mmap_lock figures)\n", f);
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20)
			fprintf(f, "\\u%04x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

/* exec and attach: what ran and what was armed, "exec":{...}. */
static void json_exec_settings(FILE *f, const struct vmb_opts *o)
{
	int k;

	fputs("\"exec\":{\"command\":", f);
	if (o->cmd_argv) {
		fputc('[', f);
		for (k = 0; o->cmd_argv[k]; k++) {
			fputs(k ? "," : "", f);
			json_str(f, o->cmd_argv[k]);
		}
		fputc(']', f);
	} else {
		fputs("null", f);
	}
	fprintf(f, ",\"pid\":%d,\"inject\":[", o->attach_pid);
	for (k = 0; k < o->ninject; k++) {
		fputs(k ? "," : "", f);
		json_str(f, o->inject[k]);
	}
	fprintf(f, "],\"wait_map_s\":%.6g,\"interval_us\":%llu,\"disk_delay_us\":%llu,\"swap_delay_us\":%llu,\"jitter_us\":%llu,\"pageout\":",
		o->wait_map_s, (unsigned long long)o->interval_us,
		(unsigned long long)o->disk_delay_us,
		(unsigned long long)o->swap_delay_us,
		(unsigned long long)o->jitter_us);
	if (o->pageout)
		json_str(f, o->pageout);
	else
		fputs("null", f);
	fprintf(f, ",\"pageout_every_s\":%.6g,\"drop_caches\":%s,\"on_interrupt\":\"%s\"},",
		o->pageout_every_s, o->drop_caches ? "true" : "false",
		o->on_interrupt == VMB_ON_INT_KEEP ? "keep" : "kill");
}

static void json_role(FILE *f, const struct vmb_role_result *rr)
{
	const struct vmb_hist *h = &rr->h;
	bool first = true;
	unsigned int i;
	int k;

	fprintf(f, "{\"count\":%llu,\"ops\":%llu,\"secs\":%.9g,\"ops_per_s\":%.6g,",
		(unsigned long long)h->count, (unsigned long long)rr->ops,
		rr->secs, rr->secs > 0 ? (double)rr->ops / rr->secs : 0.0);
	fprintf(f, "\"sum_ns\":%llu,\"min_ns\":%llu,\"max_ns\":%llu,\"mean_ns\":%.6g,",
		(unsigned long long)h->sum,
		(unsigned long long)(h->count ? h->min : 0),
		(unsigned long long)h->max, vmb_hist_mean(h));
	for (k = 0; k < 4; k++)
		fprintf(f, "\"%s_ns\":%llu,", pct_names[k],
			(unsigned long long)vmb_hist_pct(h, pcts[k]));
	/* Sparse raw histogram: [bucket lower bound in ns, count]. */
	fputs("\"buckets\":[", f);
	for (i = 0; i < VMB_HIST_BUCKETS; i++) {
		if (!h->b[i])
			continue;
		fprintf(f, "%s[%llu,%llu]", first ? "" : ",",
			(unsigned long long)vmb_hist_lo(i),
			(unsigned long long)h->b[i]);
		first = false;
	}
	fputs("]}", f);
}

/* ,"key":{"name":value,...}, or ,"key":null when the run has none. */
static void json_u64s(FILE *f, const char *key, bool have,
		      const char *const *names, const uint64_t *v, int n)
{
	int k;

	fprintf(f, ",\"%s\":", key);
	if (!have) {
		fputs("null", f);
		return;
	}
	fputc('{', f);
	for (k = 0; k < n; k++)
		fprintf(f, "%s\"%s\":%llu", k ? "," : "", names[k],
			(unsigned long long)v[k]);
	fputc('}', f);
}

/*
 * "mmap_lock": target/mmap_lock during the run, null without it; then
 * "per_fault": how the faults finished (VMB_FAULT_FIGURES), each null
 * when the run cannot give it.
 */
static void json_mmap_lock(FILE *f, const struct vmb_result *r)
{
	double v;
	int k;

	json_u64s(f, "mmap_lock", r->have_mmap_lock, vmb_mmap_lock_names,
		  r->mmap_lock, VMB_ML_NR);
	fputs(",\"per_fault\":{", f);
	for (k = 0; k < VMB_FIG_NR; k++) {
		fprintf(f, "%s\"%s\":", k ? "," : "", vmb_figure_names[k]);
		if (vmb_figure(r, k, &v))
			fprintf(f, "%.6g", v);
		else
			fputs("null", f);
	}
	fputc('}', f);
}

int vmb_write_json(const char *path, const struct vmb_opts *o,
		   const struct vmb_env *env, const struct vmb_module *mod,
		   const struct vmb_result *res, size_t n)
{
	FILE *f;
	size_t i;
	int k, first;

	f = fopen(path, "w");
	if (!f)
		return vmb_fail(-errno, "cannot write the JSON file %s", path);
	fprintf(f, "{\"tool\":\"vmalock-bench\",\"format\":1,\"version\":");
	json_str(f, VMB_VERSION);
	fputs(",\"kernel\":{\"release\":", f);
	json_str(f, env->release);
	fputs(",\"version\":", f);
	json_str(f, env->kversion);
	fputs(",\"machine\":", f);
	json_str(f, env->machine);
	fputs("},\"module\":{\"present\":", f);
	fputs(mod->present ? "true" : "false", f);
	fputs(",\"dir\":", f);
	json_str(f, mod->dir);
	fputs(",\"version\":", f);
	json_str(f, mod->version);
	fputs(",\"features\":[", f);
	for (k = 0, first = 1; k < VMB_F_NR; k++) {
		if (!mod->features_read || !(mod->features & (1U << k)))
			continue;
		fprintf(f, "%s", first ? "" : ",");
		json_str(f, vmb_feature_names[k]);
		first = 0;
	}
	fputs("],\"probed\":[", f);
	for (k = 0, first = 1; k < VMB_F_NR; k++) {
		if (!(mod->probed & (1U << k)))
			continue;
		fprintf(f, "%s", first ? "" : ",");
		json_str(f, vmb_feature_names[k]);
		first = 0;
	}
	fputs("]},\"settings\":{\"threads\":[", f);
	for (k = 0; k < o->nthreads; k++)
		fprintf(f, "%s%d", k ? "," : "", o->threads[k]);
	fprintf(f, "],\"hold_us\":%llu,\"iterations\":%llu,",
		(unsigned long long)o->hold_us,
		(unsigned long long)env->iterations);
	fprintf(f, "\"duration_s\":%.6g,\"repeat\":%d,\"bystanders\":%d,",
		o->duration_s, o->repeat, o->bystanders);
	fprintf(f, "\"writer\":%s,\"writer_mode\":\"%s\",\"baseline_s\":%.6g,\"force_mmap_lock\":%s,",
		o->writer ? "true" : "false",
		vmb_writer_names[o->writer_mode], o->baseline_s,
		o->force_mmap_lock ? "true" : "false");
	fputs("\"clock\":\"clock_gettime(CLOCK_MONOTONIC) vDSO\",", f);
	fprintf(f, "\"clock_cost_ns\":%.3g,\"timing_overhead_ns\":%.3g,",
		env->clock_cost_ns, env->timing_overhead_ns);
	/* JSON has no NaN: null when the module cannot count. */
	if (isnan(env->accounting_overhead_ns))
		fputs("\"accounting_overhead_ns\":null,", f);
	else
		fprintf(f, "\"accounting_overhead_ns\":%.3g,",
			env->accounting_overhead_ns);
	if (o->cmd == VMB_CMD_EXEC || o->cmd == VMB_CMD_ATTACH)
		json_exec_settings(f, o);
	fprintf(f, "\"hist_sub_bits\":%d},\"results\":[", VMB_HIST_SUB_BITS);
	for (i = 0; i < n; i++) {
		const struct vmb_result *r = &res[i];

		fprintf(f, "%s\n{\"scenario\":", i ? "," : "");
		json_str(f, r->scenario);
		fprintf(f, ",\"threads\":%d,\"repeat\":%d,\"status\":\"%s\",\"reason\":",
			r->threads, r->repeat, vmb_status_name(r->status));
		json_str(f, r->reason);
		fprintf(f, ",\"elapsed_s\":%.9g,\"iterations\":%llu,\"roles\":{",
			r->elapsed_s, (unsigned long long)r->iterations);
		for (k = 0, first = 1; k < VMB_ROLE_NR; k++) {
			if (!r->roles[k].present)
				continue;
			fprintf(f, "%s\"%s\":", first ? "" : ",",
				vmb_role_names[k]);
			json_role(f, &r->roles[k]);
			first = 0;
		}
		fputc('}', f);
		json_u64s(f, "counters", r->have_counters, vmb_counter_names,
			  r->counters, VMB_C_NR);
		json_mmap_lock(f, r);
		fputs(",\"metrics\":{", f);
		for (k = 0; k < r->nmetrics; k++)
			fprintf(f, "%s\"%s\":%.9g", k ? "," : "",
				r->metrics[k].name, r->metrics[k].value);
		fputs("}}", f);
	}
	fputs("\n]}\n", f);
	if (ferror(f) | fclose(f))
		return vmb_fail(-EIO, "writing the JSON file %s", path);
	return 0;
}

int vmb_write_csv(const char *path, const struct vmb_result *res, size_t n)
{
	FILE *f;
	size_t i;
	int k, p;

	f = fopen(path, "w");
	if (!f)
		return vmb_fail(-errno, "cannot write the CSV file %s", path);
	fputs("scenario,threads,repeat,status,role,count,ops_per_s,mean_ns,min_ns,p50_ns,p90_ns,p99_ns,p99.9_ns,max_ns\n",
	      f);
	for (i = 0; i < n; i++) {
		const struct vmb_result *r = &res[i];

		if (r->status != VMB_OK) {
			fprintf(f, "%s,%d,%d,%s,,,,,,,,,,\n", r->scenario,
				r->threads, r->repeat, vmb_status_name(r->status));
			continue;
		}
		for (k = 0; k < VMB_ROLE_NR; k++) {
			const struct vmb_role_result *rr = &r->roles[k];

			if (!rr->present)
				continue;
			fprintf(f, "%s,%d,%d,ok,%s,%llu,%.6g,%.6g,%llu", r->scenario,
				r->threads, r->repeat, vmb_role_names[k],
				(unsigned long long)rr->h.count,
				rr->secs > 0 ? (double)rr->ops / rr->secs : 0.0,
				vmb_hist_mean(&rr->h),
				(unsigned long long)(rr->h.count ? rr->h.min : 0));
			for (p = 0; p < 4; p++)
				fprintf(f, ",%llu", (unsigned long long)
					vmb_hist_pct(&rr->h, pcts[p]));
			fprintf(f, ",%llu\n", (unsigned long long)rr->h.max);
		}
	}
	if (ferror(f) | fclose(f))
		return vmb_fail(-EIO, "writing the CSV file %s", path);
	return 0;
}

void vmb_env_init(struct vmb_env *env)
{
	struct utsname u;

	memset(env, 0, sizeof(*env));
	if (!uname(&u)) {
		snprintf(env->release, sizeof(env->release), "%s", u.release);
		snprintf(env->kversion, sizeof(env->kversion), "%s", u.version);
		snprintf(env->machine, sizeof(env->machine), "%s", u.machine);
	}
}
