// SPDX-License-Identifier: GPL-2.0
/*
 * Fault-path accounting of one target process, and force_mmap_lock.
 *
 * x86's do_user_addr_fault() is inlined into exc_page_fault() (noinstr), so
 * the fault is observed at its edges instead:
 *
 *   exceptions:page_fault_user   tracepoint, fault begins
 *   lock_vma_under_rcu()         kretprobe, VMA lock attempt and result
 *   handle_mm_fault()            kretprobe, one call per attempt
 *
 * A fault ends when a handle_mm_fault() call returns without
 * VM_FAULT_RETRY, or with VM_FAULT_RETRY and a signal pending (the fault
 * is then abandoned and not counted as finished). The state of a fault in
 * flight lives in a slot of a small table claimed by cmpxchg() on the
 * thread id: handlers take no lock and never sleep.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>

#include "compat.h"
#include "knob.h"
#include "vmalock_bench.h"

#define VMB_CTR_ENUM(name, ...) VMB_CTR_##name,
enum vmb_counter {
	VMB_FAULT_COUNTERS(VMB_CTR_ENUM)
	VMB_NR_COUNTERS
};

#define VMB_CTR_NAME(name, ...) #name,
static const char *const vmb_counter_names[] = {
	VMB_FAULT_COUNTERS(VMB_CTR_NAME)
};

static int vmb_pid_store(struct vmb_group *g, unsigned int idx, u64 val);
static int vmb_pid_show(struct seq_file *m, struct vmb_group *g,
			unsigned int idx);
static int vmb_reset_store(struct vmb_group *g, unsigned int idx, u64 val);
static int vmb_force_store(struct vmb_group *g, unsigned int idx, u64 val);
static int vmb_faults_show(struct seq_file *m, struct vmb_group *g,
			   unsigned int idx);

#define VMB_TARGET_KNOBS(X)						\
	X(target, pid, VMB_U64, .mode = 0600, .max = PID_MAX_LIMIT,	\
	  .live = true, .store = vmb_pid_store, .show = vmb_pid_show,	\
	  .help = "tgid of the process to account, 0 for none")	\
	X(target, faults, VMB_SHOW, .mode = 0400, .show = vmb_faults_show, \
	  .help = "one \"name value\" line per VMB_FAULT_COUNTERS entry") \
	X(target, reset, VMB_BOOL, .mode = 0200, .min = 1, .max = 1,	\
	  .live = true, .store = vmb_reset_store,			\
	  .help = "write 1 to zero the counters")			\
	X(target, force_mmap_lock, VMB_BOOL, .mode = 0600, .max = 1,	\
	  .live = true, .store = vmb_force_store,			\
	  .help = "1: the target's faults skip the VMA lock")

VMB_DEFINE_GROUP(target, "target", VMB_TARGET_KNOBS);

struct vmb_counters {
	u64 v[VMB_NR_COUNTERS];
};

static DEFINE_PER_CPU(struct vmb_counters, vmb_counters);

static inline void vmb_count(enum vmb_counter c)
{
	this_cpu_inc(vmb_counters.v[c]);
}

/*
 * The target: its global tgid for a cheap first test, and its struct pid
 * (referenced) so that a recycled tgid is not mistaken for the target.
 * Handlers compare the pointer, never dereference it.
 */
static pid_t vmb_target_tgid;
static struct pid *vmb_target_pid;

static inline bool vmb_is_target(void)
{
	pid_t tgid = READ_ONCE(vmb_target_tgid);

	return tgid && current->tgid == tgid &&
	       task_tgid(current) == READ_ONCE(vmb_target_pid);
}

/* Faults in flight: one slot per faulting thread of the target. */
#define VMB_SLOTS_BITS 8
#define VMB_SLOTS (1U << VMB_SLOTS_BITS)
#define VMB_SLOT_WINDOW 16

struct vmb_slot {
	pid_t pid;		/* global tid of the owner, 0 when free */
	unsigned int calls;	/* handle_mm_fault() calls of this fault */
	unsigned int retries;
	bool vma_retry;		/* a VMA-locked call returned RETRY */
	bool major;
	unsigned long address;
	u64 start_ns;
} ____cacheline_aligned_in_smp;

static struct vmb_slot vmb_slots[VMB_SLOTS];

static struct vmb_slot *vmb_slot_find(pid_t pid)
{
	unsigned int h = hash_32(pid, VMB_SLOTS_BITS), i;
	struct vmb_slot *s;

	for (i = 0; i < VMB_SLOT_WINDOW; i++) {
		s = &vmb_slots[(h + i) & (VMB_SLOTS - 1)];
		if (READ_ONCE(s->pid) == pid)
			return s;
	}
	return NULL;
}

/* A slot whose owner is gone (killed in the middle of a fault). */
static bool vmb_slot_stale(pid_t owner)
{
	struct task_struct *t;
	bool stale;

	rcu_read_lock();
	t = pid_task(find_pid_ns(owner, &init_pid_ns), PIDTYPE_PID);
	stale = !t || (t->flags & PF_EXITING);
	rcu_read_unlock();
	return stale;
}

static struct vmb_slot *vmb_slot_claim(pid_t pid)
{
	unsigned int h = hash_32(pid, VMB_SLOTS_BITS), i;
	struct vmb_slot *s;
	pid_t owner;

	for (i = 0; i < VMB_SLOT_WINDOW; i++) {
		s = &vmb_slots[(h + i) & (VMB_SLOTS - 1)];
		if (!READ_ONCE(s->pid) && !cmpxchg(&s->pid, 0, pid))
			return s;
	}
	for (i = 0; i < VMB_SLOT_WINDOW; i++) {
		s = &vmb_slots[(h + i) & (VMB_SLOTS - 1)];
		owner = READ_ONCE(s->pid);
		if (owner && vmb_slot_stale(owner) &&
		    cmpxchg(&s->pid, owner, pid) == owner)
			return s;
	}
	return NULL;
}

static inline void vmb_slot_release(struct vmb_slot *s)
{
	/* Pairs with cmpxchg() in vmb_slot_claim(): our writes come first. */
	smp_store_release(&s->pid, 0);
}

static void vmb_slots_clear(void)
{
	unsigned int i;

	for (i = 0; i < VMB_SLOTS; i++)
		WRITE_ONCE(vmb_slots[i].pid, 0);
}

/* exceptions:page_fault_user: a user-mode fault begins. */
static void vmb_fault_begin(void *data, unsigned long address,
			    struct pt_regs *regs, unsigned long error_code)
{
	struct vmb_slot *s;

	if (!vmb_is_target())
		return;
	/* Still in flight: the previous fault was abandoned unseen. */
	s = vmb_slot_find(current->pid);
	if (!s)
		s = vmb_slot_claim(current->pid);
	if (!s) {
		vmb_count(VMB_CTR_slot_overflow);
		return;
	}
	s->calls = 0;
	s->retries = 0;
	s->vma_retry = false;
	s->major = false;
	s->address = address;
	s->start_ns = ktime_get_ns();
}

static void vmb_fault_end(struct vmb_slot *s, bool vma_locked)
{
	enum vmb_fault_path path;

	vmb_count(VMB_CTR_faults);
	switch (s->calls) {
	case 1:
		vmb_count(VMB_CTR_attempts_1);
		break;
	case 2:
		vmb_count(VMB_CTR_attempts_2);
		break;
	case 3:
		vmb_count(VMB_CTR_attempts_3);
		break;
	default:
		vmb_count(VMB_CTR_attempts_4plus);
		break;
	}
	if (vma_locked)
		path = VMB_PATH_VMA_LOCK;
	else if (s->vma_retry)
		path = VMB_PATH_VMA_THEN_MMAP;
	else
		path = VMB_PATH_MMAP_LOCK;
	vmb_trace_fault(s->address, path, s->calls, s->retries, s->major,
			ktime_get_ns() - s->start_ns);
}

/* The fault-path state of the current thread, or NULL if not tracked. */
static struct vmb_slot *vmb_current_fault(void)
{
	if (!vmb_is_target())
		return NULL;
	return vmb_slot_find(current->pid);
}

static inline bool vmb_force_mmap_lock(void)
{
	return vmb_knob_get(&vmb_group_target, VMB_target_force_mmap_lock);
}

/* lock_vma_under_rcu(): only the call at the start of a tracked fault. */
static int vmb_lvur_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vmb_slot *s = vmb_current_fault();

	/*
	 * calls == 0: before the fault's first handle_mm_fault(), which is
	 * where do_user_addr_fault() calls it. Other callers (userfaultfd
	 * ioctls, TCP zerocopy) are not counted and not forced.
	 */
	if (!s || s->calls)
		return 1;
	vmb_count(VMB_CTR_vma_lock_attempt);
	return 0;
}

static int vmb_lvur_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vm_area_struct *vma = (void *)regs_return_value(regs);

	if (vma && vmb_force_mmap_lock()) {
		/*
		 * lock_vma_under_rcu() returned with vma read-locked and
		 * nothing has used it yet: release that lock here, once,
		 * and make the caller see NULL, a result every caller
		 * handles by taking mmap_lock. The VMA is not touched
		 * after vma_end_read().
		 */
		vmb_vma_end_read(vma);
		regs_set_return_value(regs, 0);
		vmb_count(VMB_CTR_forced_miss);
		vma = NULL;
	}
	if (!vma)
		vmb_count(VMB_CTR_vma_lock_miss);
	return 0;
}

static struct kretprobe vmb_lvur_probe = {
	.kp.symbol_name = "lock_vma_under_rcu",
	.entry_handler = vmb_lvur_entry,
	.handler = vmb_lvur_ret,
};

struct vmb_hmf_data {
	struct vmb_slot *slot;
	unsigned int flags;
};

/* handle_mm_fault(vma, address, flags, regs): x86_64 passes flags in dx. */
static int vmb_hmf_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vmb_hmf_data *d = (void *)ri->data;
	unsigned int flags = regs->dx;
	struct vmb_slot *s;

	if (!(flags & FAULT_FLAG_USER))
		return 1;
	s = vmb_current_fault();
	if (!s)
		return 1;
	s->calls++;
	d->slot = s;
	d->flags = flags;
	return 0;
}

static int vmb_hmf_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vmb_hmf_data *d = (void *)ri->data;
	vm_fault_t ret = regs_return_value(regs);
	bool vma_locked = d->flags & VMB_FAULT_FLAG_VMA_LOCK;
	struct vmb_slot *s = d->slot;

	if (vma_locked)
		vmb_count(ret & VM_FAULT_RETRY ? VMB_CTR_vma_lock_retry :
						 VMB_CTR_vma_locked_done);
	else
		vmb_count(VMB_CTR_mmap_lock_faults);
	if (ret & VM_FAULT_COMPLETED)
		vmb_count(VMB_CTR_completed);
	if (ret & VM_FAULT_MAJOR) {
		vmb_count(VMB_CTR_major);
		s->major = true;
	}
	if (ret & VM_FAULT_RETRY) {
		vmb_count(VMB_CTR_retry);
		if (d->flags & FAULT_FLAG_TRIED)
			vmb_count(VMB_CTR_retry_after_tried);
		s->retries++;
		if (vma_locked)
			s->vma_retry = true;
		/*
		 * fault_signal_pending(): a user fault is abandoned when a
		 * signal is pending. Signals only become un-pending in this
		 * thread, so if we see one the fault path sees it too.
		 */
		if (!signal_pending(current))
			return 0;
	} else {
		vmb_fault_end(s, vma_locked);
	}
	/* Only the owner releases; a target change may have reused it. */
	if (READ_ONCE(s->pid) == current->pid)
		vmb_slot_release(s);
	return 0;
}

static struct kretprobe vmb_hmf_probe = {
	.kp.symbol_name = "handle_mm_fault",
	.entry_handler = vmb_hmf_entry,
	.handler = vmb_hmf_ret,
	.data_size = sizeof(struct vmb_hmf_data),
};

static struct tracepoint *vmb_pf_user_tp;

static void vmb_find_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "page_fault_user"))
		vmb_pf_user_tp = tp;
}

/* probe_missed: kretprobe misses since the last reset. */
static unsigned long vmb_missed_base;

static unsigned long vmb_missed(void)
{
	return vmb_hmf_probe.nmissed + vmb_hmf_probe.kp.nmissed +
	       vmb_lvur_probe.nmissed + vmb_lvur_probe.kp.nmissed;
}

static void vmb_counters_reset(void)
{
	unsigned int i;
	int cpu;

	for_each_possible_cpu(cpu)
		for (i = 0; i < VMB_NR_COUNTERS; i++)
			WRITE_ONCE(per_cpu(vmb_counters, cpu).v[i], 0);
	vmb_missed_base = vmb_missed();
}

/* target/ store and show hooks; the group mutex is held by stores. */

static int vmb_pid_store(struct vmb_group *g, unsigned int idx, u64 val)
{
	struct task_struct *task;
	struct pid *pid = NULL, *old;
	pid_t tgid = 0;
	int ret = 0;

	if (val) {
		/* In the writer's pid namespace. */
		pid = find_get_pid(val);
		task = pid ? get_pid_task(pid, PIDTYPE_PID) : NULL;
		put_pid(pid);
		pid = NULL;
		if (!task)
			return -ESRCH;
		if (task->flags & PF_KTHREAD)
			ret = -EPERM;
		else if (task->flags & PF_EXITING)
			ret = -ESRCH;
		else
			pid = get_pid(task_tgid(task));
		tgid = task_tgid_nr(task);
		put_task_struct(task);
		if (ret)
			return ret;
	}

	/* Stop counting, let the handlers running now finish, reset. */
	WRITE_ONCE(vmb_target_tgid, 0);
	old = vmb_target_pid;
	WRITE_ONCE(vmb_target_pid, pid);
	synchronize_rcu();
	vmb_slots_clear();
	vmb_counters_reset();
	WRITE_ONCE(vmb_target_tgid, tgid);
	put_pid(old);
	return 0;
}

static int vmb_pid_show(struct seq_file *m, struct vmb_group *g,
			unsigned int idx)
{
	struct pid *pid;

	mutex_lock(&g->lock);
	pid = vmb_target_pid;
	/* In the reader's namespace: 0 if the target is not visible. */
	seq_printf(m, "%d\n", pid ? pid_vnr(pid) : 0);
	mutex_unlock(&g->lock);
	return 0;
}

static int vmb_reset_store(struct vmb_group *g, unsigned int idx, u64 val)
{
	vmb_counters_reset();
	return 0;
}

static int vmb_force_store(struct vmb_group *g, unsigned int idx, u64 val)
{
	if (!vmb_has(VMB_FEAT_force_mmap_lock))
		return -EOPNOTSUPP;
	return 0;
}

static int vmb_faults_show(struct seq_file *m, struct vmb_group *g,
			   unsigned int idx)
{
	u64 sum[VMB_NR_COUNTERS] = {};
	unsigned int i;
	int cpu;

	if (!vmb_has(VMB_FEAT_fault_accounting))
		return -EOPNOTSUPP;
	for_each_possible_cpu(cpu)
		for (i = 0; i < VMB_NR_COUNTERS; i++)
			sum[i] += READ_ONCE(per_cpu(vmb_counters, cpu).v[i]);
	sum[VMB_CTR_probe_missed] = vmb_missed() - vmb_missed_base;
	for (i = 0; i < VMB_NR_COUNTERS; i++)
		seq_printf(m, "%s %llu\n", vmb_counter_names[i], sum[i]);
	return 0;
}

static void vmb_probes_register(void)
{
	unsigned int maxactive;
	int ret;

	for_each_kernel_tracepoint(vmb_find_tp, NULL);
	if (!vmb_pf_user_tp) {
		pr_warn("no page_fault_user tracepoint: no fault accounting\n");
		return;
	}

	/*
	 * Every task in handle_mm_fault() holds an instance until it
	 * returns, target or not, and faults sleep: be generous.
	 */
	maxactive = max(1024U, 32 * num_possible_cpus());
	vmb_hmf_probe.maxactive = maxactive;
	ret = register_kretprobe(&vmb_hmf_probe);
	if (ret) {
		pr_warn("kretprobe handle_mm_fault: %d: no fault accounting\n",
			ret);
		return;
	}
	vmb_set_feature(VMB_FEAT_kprobes);

	ret = tracepoint_probe_register(vmb_pf_user_tp, vmb_fault_begin, NULL);
	if (ret) {
		pr_warn("page_fault_user tracepoint: %d: no fault accounting\n",
			ret);
		goto err_hmf;
	}
	vmb_set_feature(VMB_FEAT_fault_accounting);

	if (!VMB_HAVE_PER_VMA_LOCK)
		return;
	vmb_lvur_probe.maxactive = maxactive;
	ret = register_kretprobe(&vmb_lvur_probe);
	if (ret) {
		pr_warn("kretprobe lock_vma_under_rcu: %d: no VMA lock counters\n",
			ret);
		return;
	}
	vmb_set_feature(VMB_FEAT_per_vma_lock);
	vmb_set_feature(VMB_FEAT_force_mmap_lock);
	return;

err_hmf:
	unregister_kretprobe(&vmb_hmf_probe);
	vmb_features &= ~BIT(VMB_FEAT_kprobes);
}

int vmb_accounting_init(void)
{
	int ret;

	ret = vmb_group_register(&vmb_group_target);
	if (ret)
		return ret;
	/* Missing probes only remove features: loading never fails on them. */
	vmb_probes_register();
	return 0;
}

/* Called after the debugfs files are gone: no store can run. */
void vmb_accounting_exit(void)
{
	if (vmb_has(VMB_FEAT_per_vma_lock))
		unregister_kretprobe(&vmb_lvur_probe);
	if (vmb_has(VMB_FEAT_fault_accounting)) {
		tracepoint_probe_unregister(vmb_pf_user_tp, vmb_fault_begin,
					    NULL);
		tracepoint_synchronize_unregister();
	}
	if (vmb_has(VMB_FEAT_kprobes))
		unregister_kretprobe(&vmb_hmf_probe);
	put_pid(vmb_target_pid);
	vmb_group_unregister(&vmb_group_target);
}

/*
 * For the injectors and the swap device: the target's task (referenced,
 * put_task_struct() it; NULL if there is no target or it is gone), and
 * whether current is one of the target's threads (cheap, any context).
 */
struct task_struct *vmb_target_get_task(void)
{
	struct task_struct *task = NULL;
	struct pid *pid;

	rcu_read_lock();
	pid = READ_ONCE(vmb_target_pid);
	if (pid && READ_ONCE(vmb_target_tgid))
		task = pid_task(pid, PIDTYPE_TGID);
	if (task)
		get_task_struct(task);
	rcu_read_unlock();
	return task;
}

bool vmb_current_is_target(void)
{
	return vmb_is_target();
}
