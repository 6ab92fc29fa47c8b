// SPDX-License-Identifier: GPL-2.0
/*
 * target/mmap_lock: how the target's threads take their own mm's
 * mmap_lock, from the kernel's mmap_lock tracepoints
 * (include/trace/events/mmap_lock.h, 6.1 and later):
 *
 *   mmap_lock_start_locking     a lock or trylock call begins
 *   mmap_lock_acquire_returned  it returned, with the lock or without;
 *                               also a write lock downgraded to read
 *                               (then with no start before it)
 *   mmap_lock_released          an unlock
 *
 * The probes are registered and removed with the fault-path hooks
 * (accounting.c), so only while a target is set and for a second after,
 * and share their lifetime rules: they run in the locking thread with
 * preemption off, return at once for every other thread, and keep the
 * state between a thread's events in accounting.c's per-thread struct,
 * which a target change frees only a grace period after no probe can
 * find it. An acquisition is "in a fault" when it happens between the
 * page_fault_user tracepoint of a user fault and that fault's end.
 *
 * Cost while a target is set: three early returns per mmap_lock
 * operation of every other thread, and a clock read per event of the
 * target's. Kernels up to 6.x (both Debian's) also compute the mm's
 * memcg path for every mmap_lock event on the machine while any probe is
 * attached (trace_mmap_lock_reg()), before ours can return; 7.x dropped
 * the path. Nothing at all while nothing is targeted.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>

#include "accounting.h"
#include "compat.h"
#include "vmalock_bench.h"

#define VMB_ML_ENUM(name, ...) VMB_ML_##name,
enum vmb_ml_stat {
	VMB_MMAP_LOCK_STATS(VMB_ML_ENUM)
	VMB_NR_ML
};

#define VMB_ML_NAME(name, ...) #name,
static const char *const vmb_ml_names[] = {
	VMB_MMAP_LOCK_STATS(VMB_ML_NAME)
};

/* The wait_* buckets: under 1 us, then one per power of two of us. */
#define VMB_ML_BUCKETS (VMB_ML_wait_ge_1048576us - VMB_ML_wait_lt_1us + 1)
static_assert(VMB_ML_wait_ge_1048576us == VMB_NR_ML - 1);
static_assert(1U << (VMB_ML_BUCKETS - 2) == 1048576);

struct vmb_ml_counters {
	u64 v[VMB_NR_ML];
};

static DEFINE_PER_CPU(struct vmb_ml_counters, vmb_ml_counters);

static inline void vmb_ml_add(enum vmb_ml_stat s, u64 n)
{
	this_cpu_add(vmb_ml_counters.v[s], n);
}

/* current, a thread of the target, on its own mm: its state, or NULL. */
static struct vmb_ml_thread *vmb_ml_thread(struct mm_struct *mm,
					   bool *in_fault)
{
	if (!vmb_is_target() || mm != current->mm)
		return NULL;
	return vmb_thread_ml(in_fault);
}

static void vmb_ml_wait(bool write, u64 ns)
{
	u64 us = div_u64(ns, NSEC_PER_USEC);
	unsigned int b = us ? min_t(unsigned int, ilog2(us) + 1,
				    VMB_ML_BUCKETS - 1) : 0;

	vmb_ml_add(write ? VMB_ML_write_wait_ns : VMB_ML_read_wait_ns, ns);
	vmb_ml_add(VMB_ML_wait_lt_1us + b, 1);
}

/* The write lock is no longer held: unlocked, or downgraded. */
static void vmb_ml_write_end(struct vmb_ml_thread *s)
{
	if (!s->write_since_ns)
		return;
	vmb_ml_add(VMB_ML_write_hold_ns, ktime_get_ns() - s->write_since_ns);
	s->write_since_ns = 0;
}

static void vmb_ml_start_locking(struct mm_struct *mm, bool write)
{
	struct vmb_ml_thread *s;
	bool in_fault;

	s = vmb_ml_thread(mm, &in_fault);
	if (!s)
		return;
	s->start_ns = ktime_get_ns();
	s->start_write = write;
}

static void vmb_ml_acquire_returned(struct mm_struct *mm, bool write,
				    bool success)
{
	struct vmb_ml_thread *s;
	bool in_fault;
	u64 now;

	s = vmb_ml_thread(mm, &in_fault);
	if (!s)
		return;
	if (!s->start_ns) {
		/* mmap_write_downgrade(): still held, for read now. */
		if (!write && success)
			vmb_ml_write_end(s);
		return;
	}
	now = ktime_get_ns();
	/* A start seen before a reset, or the pair not matched: no wait. */
	if (s->start_write == write && now > s->start_ns)
		vmb_ml_wait(write, now - s->start_ns);
	s->start_ns = 0;
	if (!success) {
		vmb_ml_add(write ? VMB_ML_write_failed : VMB_ML_read_failed, 1);
		return;
	}
	if (write) {
		vmb_ml_add(in_fault ? VMB_ML_write_in_fault :
				      VMB_ML_write_outside, 1);
		s->write_since_ns = now;
	} else {
		vmb_ml_add(in_fault ? VMB_ML_read_in_fault :
				      VMB_ML_read_outside, 1);
	}
}

static void vmb_ml_released(struct mm_struct *mm, bool write)
{
	struct vmb_ml_thread *s;
	bool in_fault;

	if (!write)
		return;
	s = vmb_ml_thread(mm, &in_fault);
	if (s)
		vmb_ml_write_end(s);
}

VMB_MMAP_LOCK_PROBES(vmb_ml_start_locking, vmb_ml_acquire_returned,
		     vmb_ml_released);

static struct {
	struct tracepoint *tp;
	void *probe;
} vmb_ml_probes[] = {
	{ &__tracepoint_mmap_lock_start_locking,
	  VMB_MMAP_LOCK_PROBE(vmb_ml_start_locking) },
	{ &__tracepoint_mmap_lock_acquire_returned,
	  VMB_MMAP_LOCK_PROBE(vmb_ml_acquire_returned) },
	{ &__tracepoint_mmap_lock_released,
	  VMB_MMAP_LOCK_PROBE(vmb_ml_released) },
};

/*
 * Target group mutex held. On failure nothing stays registered; the
 * caller's tracepoint_synchronize_unregister() waits out the probes,
 * after a stop too.
 */
int vmb_mmap_lock_start(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(vmb_ml_probes); i++) {
		ret = tracepoint_probe_register(vmb_ml_probes[i].tp,
						vmb_ml_probes[i].probe, NULL);
		if (ret)
			goto err;
	}
	return 0;

err:
	while (i--)
		tracepoint_probe_unregister(vmb_ml_probes[i].tp,
					    vmb_ml_probes[i].probe, NULL);
	return ret;
}

void vmb_mmap_lock_stop(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vmb_ml_probes); i++)
		tracepoint_probe_unregister(vmb_ml_probes[i].tp,
					    vmb_ml_probes[i].probe, NULL);
}

void vmb_mmap_lock_reset(void)
{
	vmb_percpu_zero(&vmb_ml_counters.v[0], VMB_NR_ML);
}

int vmb_mmap_lock_show(struct seq_file *m, struct vmb_group *g,
		       unsigned int idx)
{
	u64 sum[VMB_NR_ML] = {};
	unsigned int i;

	if (!vmb_has(VMB_FEAT_fault_accounting))
		return -EOPNOTSUPP;
	vmb_percpu_sum(&vmb_ml_counters.v[0], VMB_NR_ML, sum);
	for (i = 0; i < VMB_NR_ML; i++)
		seq_printf(m, "%s %llu\n", vmb_ml_names[i], sum[i]);
	return 0;
}
