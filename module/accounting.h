/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What accounting.c shares with force.c: the target, the counters and
 * the target/ group's hooks for force_mmap_lock.
 */
#ifndef _VMB_ACCOUNTING_H
#define _VMB_ACCOUNTING_H

#include <linux/percpu.h>
#include <linux/pid.h>
#include <linux/sched.h>

#include "knob.h"
#include "vmalock_bench_uapi.h"

#define VMB_CTR_ENUM(name, ...) VMB_CTR_##name,
enum vmb_counter {
	VMB_FAULT_COUNTERS(VMB_CTR_ENUM)
	VMB_NR_COUNTERS
};

struct vmb_counters {
	u64 v[VMB_NR_COUNTERS];
};

DECLARE_PER_CPU(struct vmb_counters, vmb_counters);

static inline void vmb_count(enum vmb_counter c)
{
	this_cpu_inc(vmb_counters.v[c]);
}

/*
 * Per-CPU arrays of n u64 counters (target/faults, target/mmap_lock),
 * given as the per-CPU address of element 0: zero them, or add them up
 * into sum[n] (racing increments land on either side).
 */
static inline void vmb_percpu_zero(u64 __percpu *v, unsigned int n)
{
	unsigned int i;
	int cpu;

	for_each_possible_cpu(cpu)
		for (i = 0; i < n; i++)
			WRITE_ONCE(per_cpu_ptr(v, cpu)[i], 0);
}

static inline void vmb_percpu_sum(u64 __percpu *v, unsigned int n, u64 *sum)
{
	unsigned int i;
	int cpu;

	for_each_possible_cpu(cpu)
		for (i = 0; i < n; i++)
			sum[i] += READ_ONCE(per_cpu_ptr(v, cpu)[i]);
}

/*
 * The target: its global tgid for a cheap first test, and its struct pid
 * (referenced) so that a recycled tgid is not mistaken for the target.
 * Handlers compare the pointer, never dereference it.
 */
extern pid_t vmb_target_tgid;
extern struct pid *vmb_target_pid;

static inline bool vmb_is_target(void)
{
	pid_t tgid = READ_ONCE(vmb_target_tgid);

	return tgid && current->tgid == tgid &&
	       task_tgid(current) == READ_ONCE(vmb_target_pid);
}

/*
 * force.c: force_mmap_lock. The store hook of target/force_mmap_lock;
 * start and stop follow the target, with the target group's mutex held;
 * init probes once whether lock_vma_under_rcu() can be hooked at all.
 */
int vmb_force_store(struct vmb_group *g, unsigned int idx, u64 val);
int vmb_force_start(void);
void vmb_force_stop(void);
unsigned long vmb_force_missed(bool reset);
void vmb_force_init(void);
/*
 * accounting.c: remove the hooks no longer needed, a second from now;
 * is target/force_mmap_lock 1 (the probe outlives a 0 by that second)?
 */
void vmb_unhook_later(void);
bool vmb_force_wanted(void);

/*
 * mmap_lock.c: target/mmap_lock. Its probes follow the fault-path hooks
 * (start and stop with them, target group mutex held); reset with the
 * counters.
 */
int vmb_mmap_lock_start(void);
void vmb_mmap_lock_stop(void);
void vmb_mmap_lock_reset(void);
int vmb_mmap_lock_show(struct seq_file *m, struct vmb_group *g,
		       unsigned int idx);

/* mmap_lock.c's state between one thread's events. */
struct vmb_ml_thread {
	u64 start_ns;		/* of a lock call not returned yet, or 0 */
	u64 write_since_ns;	/* write lock held since, or 0 */
	bool start_write;	/* that call is for write */
};

/*
 * For current, a thread of the target, with preemption off: its
 * mmap_lock state (allocated, without sleeping, at its first use; NULL
 * without memory), and whether it is inside a user fault now.
 */
struct vmb_ml_thread *vmb_thread_ml(bool *in_fault);

#endif /* _VMB_ACCOUNTING_H */
