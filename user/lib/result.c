// SPDX-License-Identifier: GPL-2.0
/* Results of a run; see result.h. */
#include <stdio.h>
#include <string.h>

#include "lib/result.h"

const char *const vmb_role_names[VMB_ROLE_NR] = {
	[VMB_ROLE_VICTIM] = "victim",
	[VMB_ROLE_BYSTANDER] = "bystander",
	[VMB_ROLE_BYSTANDER_BASE] = "bystander_base",
	[VMB_ROLE_WRITER] = "writer",
	[VMB_ROLE_WRITER_BASE] = "writer_base",
	[VMB_ROLE_INJECTOR] = "injector",
};

const char *vmb_status_name(enum vmb_status s)
{
	return s == VMB_OK ? "ok" : s == VMB_SKIPPED ? "skipped" : "failed";
}

void vmb_add_metric(struct vmb_result *res, const char *name, double v,
		    bool lower_is_better)
{
	struct vmb_metric *m;

	if (res->nmetrics >= VMB_MAX_METRICS)
		return;
	m = &res->metrics[res->nmetrics++];
	snprintf(m->name, sizeof(m->name), "%s", name);
	m->value = v;
	m->lower_is_better = lower_is_better;
}

bool vmb_result_metric(const struct vmb_result *res, const char *name,
		       double *v)
{
	int i;

	for (i = 0; i < res->nmetrics; i++) {
		if (!strcmp(res->metrics[i].name, name)) {
			*v = res->metrics[i].value;
			return true;
		}
	}
	return false;
}

const char *const vmb_figure_names[VMB_FIG_NR] = {
#define X(name, unit, desc) #name,
	VMB_FAULT_FIGURES(X)
#undef X
};

const char *const vmb_figure_units[VMB_FIG_NR] = {
#define X(name, unit, desc) unit,
	VMB_FAULT_FIGURES(X)
#undef X
};

const char *const vmb_figure_descs[VMB_FIG_NR] = {
#define X(name, unit, desc) desc,
	VMB_FAULT_FIGURES(X)
#undef X
};

bool vmb_mmap_lock_wait_pct(const uint64_t *ml, double p, double *us)
{
	const unsigned int first = VMB_ML_wait_lt_1us;
	const unsigned int last = VMB_ML_wait_ge_1048576us;
	uint64_t total = 0, seen = 0;
	unsigned int i;

	for (i = first; i <= last; i++)
		total += ml[i];
	if (!total)
		return false;
	for (i = first; i <= last; i++) {
		seen += ml[i];
		/* Nearest rank: the first bucket holding p% of the waits. */
		if ((double)seen >= p / 100 * (double)total)
			break;
	}
	/* Bucket i - first covers [2^(i-first-1), 2^(i-first)) us. */
	*us = i == last ? (double)(1ULL << (last - first - 1)) :
			  (double)(1ULL << (i - first));
	return true;
}

static double pct_of(uint64_t part, uint64_t whole)
{
	return 100.0 * (double)part / (double)whole;
}

/*
 * The writer's sleep over the victims' summed fault time, %: the share of
 * the time faults took that the writer spent asleep in its ops.
 */
static bool writer_wait_pct(const struct vmb_result *res, double *v)
{
	const struct vmb_hist *h = &res->roles[VMB_ROLE_VICTIM].h;
	double ms;

	/* No fault timed: nothing to take a share of. */
	if (!h->count || !h->sum ||
	    !vmb_result_metric(res, "writer_wait_ms", &ms))
		return false;
	*v = 100 * ms * 1e6 / (double)h->sum;
	return true;
}

bool vmb_figure(const struct vmb_result *res, enum vmb_fault_figure f,
		double *v)
{
	const uint64_t *c = res->counters, *ml = res->mmap_lock;
	double faults = (double)c[VMB_C_faults];

	if (f == VMB_FIG_writer_wait_pct)
		return writer_wait_pct(res, v);
	if (!res->have_counters || !c[VMB_C_faults])
		return false;
	switch (f) {
	case VMB_FIG_completed_under_vma_lock_pct:
		*v = pct_of(c[VMB_C_vma_locked_done], c[VMB_C_faults]);
		return true;
	case VMB_FIG_attempts_1_pct:
	case VMB_FIG_attempts_2_pct:
	case VMB_FIG_attempts_3_pct:
	case VMB_FIG_attempts_4plus_pct:
		*v = pct_of(c[VMB_C_attempts_1 + (f - VMB_FIG_attempts_1_pct)],
			    c[VMB_C_faults]);
		return true;
	default:
		break;
	}
	if (!res->have_mmap_lock)
		return false;
	switch (f) {
	case VMB_FIG_mmap_lock_per_fault:
		*v = (double)(ml[VMB_ML_read_in_fault] + ml[VMB_ML_read_outside] +
			      ml[VMB_ML_write_in_fault] +
			      ml[VMB_ML_write_outside]) / faults;
		return true;
	case VMB_FIG_mmap_lock_read_in_fault_per_fault:
	case VMB_FIG_mmap_lock_read_outside_per_fault:
	case VMB_FIG_mmap_lock_write_in_fault_per_fault:
	case VMB_FIG_mmap_lock_write_outside_per_fault:
		*v = (double)ml[VMB_ML_read_in_fault +
				(f - VMB_FIG_mmap_lock_read_in_fault_per_fault)] /
		     faults;
		return true;
	case VMB_FIG_mmap_lock_wait_ns_per_fault:
		*v = (double)(ml[VMB_ML_read_wait_ns] + ml[VMB_ML_write_wait_ns]) /
		     faults;
		return true;
	case VMB_FIG_mmap_lock_write_wait_ns_per_fault:
		*v = (double)ml[VMB_ML_write_wait_ns] / faults;
		return true;
	case VMB_FIG_mmap_lock_wait_ns_per_write:
		if (!ml[VMB_ML_write_in_fault] && !ml[VMB_ML_write_outside])
			return false;
		*v = (double)ml[VMB_ML_write_wait_ns] /
		     (double)(ml[VMB_ML_write_in_fault] + ml[VMB_ML_write_outside]);
		return true;
	case VMB_FIG_mmap_lock_wait_p50_us_bound:
		return vmb_mmap_lock_wait_pct(ml, 50, v);
	case VMB_FIG_mmap_lock_wait_p99_us_bound:
		return vmb_mmap_lock_wait_pct(ml, 99, v);
	default:
		return false;
	}
}
