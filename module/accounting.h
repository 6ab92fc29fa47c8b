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

#endif /* _VMB_ACCOUNTING_H */
