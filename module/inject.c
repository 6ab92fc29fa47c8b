// SPDX-License-Identifier: GPL-2.0
/*
 * The injectors' common part: the registry, knob validation, arm and
 * disarm, the hold loop and the stats file.
 *
 * Arming takes a reference to the target's mm_struct (mmgrab: the struct,
 * not the address space) and starts one kthread. The kthread repeats:
 * mmget_not_zero() (if it fails the target has exited: the thread ends),
 * mmap_read_lock, find the VMA, let the injector take its hold, drop
 * mmap_lock and the mm_users reference, sleep until the hold's end on an
 * absolute hrtimer, let the injector release, sleep interval_us. It never
 * sleeps with mmap_lock held: a fault waiting on the hold must be waiting
 * on the hold alone (seed 001). It never keeps the address space alive
 * either: a target that exits, or is OOM-killed, gets its memory back at
 * once but for what a hold pins (folio references), and the migration
 * injector's notifier ends a hold before the exit unmaps its range.
 * Everything a hold takes is released by the kthread before it exits, so
 * stopping the thread is the whole of disarming, and rmmod is disarming.
 * The thread waits for nothing that disarming cannot interrupt: its one
 * blocking folio lock is killable, and disarm kills it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>

#include "compat.h"
#include "inject.h"
#include "vmalock_bench.h"

#define VMB_STAT_NAME(name, ...) #name,
static const char *const vmb_inj_stat_names[] = {
	VMB_INJ_STATS(VMB_STAT_NAME)
};

/* Every injector, registered at load in this order. */
static struct vmb_injector *const *const vmb_registry[] = {
	&vmb_folio_lock_injector,
	&vmb_migration_injector,
};

/* The registered ones, for unregistering. */
static LIST_HEAD(vmb_injectors);

static inline struct vmb_injector *vmb_inj_of(struct vmb_group *g)
{
	return container_of(g, struct vmb_injector, g);
}

int vmb_inj_store(struct vmb_group *g, unsigned int idx, u64 val)
{
	switch (idx) {
	case VMB_inj_addr:
		return PAGE_ALIGNED(val) ? 0 : -EINVAL;
	case VMB_inj_len:
		return PAGE_ALIGNED(val) ? 0 : -EINVAL;
	case VMB_inj_times:
		/* Arming for no hold at all is a mistake, not a no-op. */
		return val ? 0 : -EINVAL;
	}
	return 0;
}

/*
 * The range must lie in one VMA: -EFAULT if part of it is not mapped,
 * -EINVAL if it spans two VMAs or the injector does not take this kind.
 */
static int vmb_inj_find_vma(struct vmb_injector *inj, struct mm_struct *mm,
			    struct vm_area_struct **vmap)
{
	struct vm_area_struct *vma, *next;

	vma = find_vma(mm, inj->start);
	if (!vma || vma->vm_start > inj->start)
		return -EFAULT;
	if (vma->vm_end < inj->end) {
		next = find_vma(mm, vma->vm_end);
		if (next && next->vm_start == vma->vm_end)
			return -EINVAL;
		return -EFAULT;
	}
	*vmap = vma;
	return inj->ops->check_vma(inj, vma);
}

/*
 * The end of a hold is not left to the timer's wake-up latency alone
 * (150-200 us measured under TCG, 15% of a 1 ms hold, with a long
 * tail): the thread wakes early by twice the worst latency it has seen
 * lately (up at once, down by 1/16 per sleep, within these bounds) and
 * polls the clock for the rest.
 */
#define VMB_INJ_SPIN_MIN_NS (10 * NSEC_PER_USEC)
#define VMB_INJ_SPIN_MAX_NS (500 * NSEC_PER_USEC)

/* Disarm: kthread_stop(), after a SIGKILL that may come first. */
static bool vmb_inj_stopping(void)
{
	return kthread_should_stop() || fatal_signal_pending(current);
}

static bool vmb_inj_interrupted(struct vmb_injector *inj, bool hold)
{
	return vmb_inj_stopping() || (hold && READ_ONCE(inj->cut));
}

bool vmb_inj_should_stop(struct vmb_injector *inj)
{
	return vmb_inj_interrupted(inj, true);
}

/*
 * Sleep until @until (CLOCK_MONOTONIC) with no slack, or until the
 * thread is told to stop, or, for a hold, until it is cut short.
 */
static void vmb_inj_sleep_until(struct vmb_injector *inj, ktime_t until,
				bool hold)
{
	ktime_t wake = hold ? ktime_sub_ns(until, inj->spin_ns) : until;
	s64 late;

	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (vmb_inj_interrupted(inj, hold) ||
		    ktime_compare(ktime_get(), wake) >= 0)
			break;
		if (!schedule_hrtimeout_range(&wake, 0, HRTIMER_MODE_ABS)) {
			late = ktime_to_ns(ktime_sub(ktime_get(), wake));
			inj->spin_ns = clamp_t(s64, max(2 * late, inj->spin_ns -
							inj->spin_ns / 16),
					       VMB_INJ_SPIN_MIN_NS,
					       VMB_INJ_SPIN_MAX_NS);
			break;
		}
	}
	__set_current_state(TASK_RUNNING);
	while (hold && !vmb_inj_interrupted(inj, hold) &&
	       ktime_before(ktime_get(), until))
		cpu_relax();
}

/* 0 with a hold in place, -ESRCH if the target has exited, or -errno. */
static int vmb_inj_hold_once(struct vmb_injector *inj, struct vmb_hold *h)
{
	const struct vmb_inj_ops *ops = inj->ops;
	struct mm_struct *mm = inj->mm;
	ktime_t t0, t1;
	int ret;

	if (!mmget_not_zero(mm))
		return -ESRCH;
	mmap_read_lock(mm);
	ret = vmb_inj_find_vma(inj, mm, &h->vma);
	if (!ret) {
		WRITE_ONCE(inj->cut, false);
		ret = ops->take(inj, h);
	}
	if (ret) {
		mmap_read_unlock(mm);
		mmput_async(mm);
		return ret;
	}
	/* Before mmap_lock goes: from here on a notifier may cut us. */
	WRITE_ONCE(inj->holding, true);
	mmap_read_unlock(mm);
	h->vma = NULL;
	/*
	 * Not ours to keep: if this was the last user, the exit runs now in
	 * a worker, and it meets the hold as a munmap() would.
	 */
	mmput_async(mm);

	if (ops->engage)
		ops->engage(inj, h);
	/*
	 * What this hold has, before it is seen to begin: a victim whose
	 * fault ends inside the hold can tell that its folio was skipped.
	 */
	vmb_inj_stat_set(inj, VMB_STAT_folios_held, h->held);
	vmb_inj_stat_set(inj, VMB_STAT_folios_absent, h->absent);
	vmb_inj_stat_set(inj, VMB_STAT_folios_busy, h->busy);
	t0 = ktime_get();
	vmb_inj_stat_set(inj, VMB_STAT_hold_start_ns, ktime_to_ns(t0));
	vmb_inj_stat_set(inj, VMB_STAT_holding, 1);
	vmb_trace_inject_begin(inj->name, h->start, h->end - h->start, h->held);
	if (ops->during)
		ops->during(inj, h);
	vmb_inj_sleep_until(inj, ktime_add_ns(t0, inj->hold_ns), true);
	t1 = ktime_get();
	vmb_inj_stat_set(inj, VMB_STAT_hold_end_ns, ktime_to_ns(t1));
	/*
	 * The end event before the release: a fault woken by the release
	 * can end (and emit its own event) on another CPU before this one
	 * gets to the line after it, and a trace would then show it ending
	 * inside the hold (seen on 6.1 under TCG, whose vCPUs run in turns).
	 */
	vmb_trace_inject_end(inj->name, h->start, h->end - h->start, h->held);
	ops->release(inj, h);

	vmb_inj_stat_set(inj, VMB_STAT_holding, 0);
	vmb_inj_stat_set(inj, VMB_STAT_last_hold_us,
			 ktime_us_delta(t1, t0));
	vmb_inj_stat_set(inj, VMB_STAT_folios_held, h->held);
	vmb_inj_stat_set(inj, VMB_STAT_folios_absent, h->absent);
	vmb_inj_stat_set(inj, VMB_STAT_folios_busy, h->busy);
	vmb_inj_stat_set(inj, VMB_STAT_moved, h->moved);
	if (READ_ONCE(inj->cut))
		vmb_inj_stat_inc(inj, VMB_STAT_cut_short);
	vmb_inj_stat_inc(inj, VMB_STAT_holds);

	WRITE_ONCE(inj->holding, false);
	wake_up_all(&inj->wq);
	return 0;
}

static int vmb_inj_thread(void *data)
{
	struct vmb_injector *inj = data;
	s64 n;
	int ret;

	/*
	 * Wake-up latency is added to every hold: FIFO (lowest priority)
	 * keeps it to the timer's, as the accuracy goal needs.
	 */
	sched_set_fifo_low(current);
	/*
	 * Disarm kills us out of the one blocking folio lock. Until this
	 * runs a SIGKILL would be dropped (a kthread ignores signals), so
	 * arming waits for it.
	 */
	allow_signal(SIGKILL);
	complete(&inj->ready);
	for (n = 0; inj->times < 0 || n < inj->times; n++) {
		struct vmb_hold h = { .start = inj->start, .end = inj->end };

		if (n)
			vmb_inj_sleep_until(inj, ktime_add_ns(ktime_get(),
							      inj->interval_ns),
					    false);
		if (vmb_inj_stopping())
			break;
		ret = vmb_inj_hold_once(inj, &h);
		/* The target has exited: nothing left to hold. */
		if (ret == -ESRCH)
			break;
		if (ret) {
			vmb_inj_stat_inc(inj, VMB_STAT_errors);
			vmb_inj_stat_set(inj, VMB_STAT_last_error, -ret);
			/* The range is gone or changed: nothing to retry. */
			if (ret == -EFAULT || ret == -EINVAL)
				break;
		}
		cond_resched();
	}
	/* Nothing is held here. Disarming is the reaper's job. */
	if (!kthread_should_stop()) {
		WRITE_ONCE(inj->done, true);
		schedule_work(&inj->reap);
	}
	return 0;
}

/* Group mutex held. */
static void vmb_inj_disarm_locked(struct vmb_injector *inj)
{
	if (!inj->thread)
		return;
	/*
	 * The thread releases what it holds before it returns; the signal
	 * ends a wait for a folio lock someone else holds.
	 */
	send_sig(SIGKILL, inj->thread, 1);
	kthread_stop(inj->thread);
	/* No notifier callback may look at the thread after this. */
	if (inj->ops->disarm)
		inj->ops->disarm(inj);
	put_task_struct(inj->thread);
	inj->thread = NULL;
	mmdrop(inj->mm);
	inj->mm = NULL;
	inj->g.armed = false;
	WRITE_ONCE(inj->g.vals[VMB_inj_enable], 0);
}

static void vmb_inj_reap(struct work_struct *work)
{
	struct vmb_injector *inj = container_of(work, struct vmb_injector,
						reap);

	mutex_lock(&inj->g.lock);
	/* Not a thread armed since this one ended. */
	if (READ_ONCE(inj->done))
		vmb_inj_disarm_locked(inj);
	mutex_unlock(&inj->g.lock);
}

/* Group mutex held. */
static int vmb_inj_arm_locked(struct vmb_injector *inj)
{
	struct vmb_group *g = &inj->g;
	struct vm_area_struct *vma;
	struct task_struct *task;
	struct mm_struct *mm;
	unsigned int i;
	u64 len;
	int ret;

	if (inj->ops->supported) {
		ret = inj->ops->supported(inj);
		if (ret)
			return ret;
	}
	inj->start = vmb_knob_get(g, VMB_inj_addr);
	len = vmb_knob_get(g, VMB_inj_len);
	if (!len || !PAGE_ALIGNED(inj->start) || inj->start + len < len)
		return -EINVAL;
	inj->end = inj->start + len;
	inj->hold_ns = vmb_knob_get(g, VMB_inj_hold_us) * NSEC_PER_USEC;
	inj->interval_ns = vmb_knob_get(g, VMB_inj_interval_us) *
			   NSEC_PER_USEC;
	inj->times = (s64)vmb_knob_get(g, VMB_inj_times);

	task = vmb_target_get_task();
	if (!task)
		return -ESRCH;
	/* get_task_mm(), then keep only the struct: */
	mm = get_task_mm(task);
	put_task_struct(task);
	if (!mm)
		return -ESRCH;
	mmgrab(mm);

	ret = mmap_read_lock_killable(mm);
	if (ret)
		goto err_mmput;
	ret = vmb_inj_find_vma(inj, mm, &vma);
	mmap_read_unlock(mm);
	if (ret)
		goto err_mmput;

	inj->mm = mm;
	for (i = 0; i < VMB_NR_INJ_STATS; i++)
		vmb_inj_stat_set(inj, i, 0);
	/* With mm_users held: a notifier is registered on a live mm. */
	if (inj->ops->arm) {
		ret = inj->ops->arm(inj);
		if (ret)
			goto err_clear_mm;
	}
	inj->thread = kthread_create(vmb_inj_thread, inj, "vmb_%s", inj->name);
	if (IS_ERR(inj->thread)) {
		ret = PTR_ERR(inj->thread);
		inj->thread = NULL;
		goto err_disarm;
	}
	get_task_struct(inj->thread);
	WRITE_ONCE(inj->done, false);
	g->armed = true;
	mmput(mm);
	reinit_completion(&inj->ready);
	wake_up_process(inj->thread);
	/* A disarm from now on kills a thread that takes signals. */
	wait_for_completion(&inj->ready);
	return 0;

err_disarm:
	if (inj->ops->disarm)
		inj->ops->disarm(inj);
err_clear_mm:
	inj->mm = NULL;
err_mmput:
	mmput(mm);
	mmdrop(mm);
	return ret;
}

int vmb_inj_enable_store(struct vmb_group *g, unsigned int idx, u64 val)
{
	struct vmb_injector *inj = vmb_inj_of(g);

	if (!val) {
		vmb_inj_disarm_locked(inj);
		return 0;
	}
	if (inj->thread)
		return -EBUSY;
	return vmb_inj_arm_locked(inj);
}

int vmb_inj_stats_show(struct seq_file *m, struct vmb_group *g,
		       unsigned int idx)
{
	struct vmb_injector *inj = vmb_inj_of(g);
	unsigned int i;

	for (i = 0; i < VMB_NR_INJ_STATS; i++)
		seq_printf(m, "%s %lld\n", vmb_inj_stat_names[i],
			   (long long)atomic64_read(&inj->stats[i]));
	return 0;
}

void vmb_inj_cut(struct vmb_injector *inj)
{
	struct task_struct *thread = READ_ONCE(inj->thread);

	if (!thread || !READ_ONCE(inj->holding))
		return;
	WRITE_ONCE(inj->cut, true);
	wake_up_process(thread);
	wait_event(inj->wq, !READ_ONCE(inj->holding));
}

static int vmb_inj_register(struct vmb_injector *inj)
{
	int ret;

	/* The timer's latency is the machine's: learnt across armings. */
	inj->spin_ns = VMB_INJ_SPIN_MAX_NS / 2;
	init_waitqueue_head(&inj->wq);
	init_completion(&inj->ready);
	INIT_WORK(&inj->reap, vmb_inj_reap);
	ret = vmb_group_register(&inj->g);
	if (ret)
		return ret;
	list_add_tail(&inj->node, &vmb_injectors);
	if (!inj->ops->supported || !inj->ops->supported(inj))
		vmb_set_feature(inj->feature);
	return 0;
}

/* After the debugfs files are gone: no store can run, only the reaper. */
static void vmb_inj_unregister(struct vmb_injector *inj)
{
	mutex_lock(&inj->g.lock);
	vmb_inj_disarm_locked(inj);
	mutex_unlock(&inj->g.lock);
	cancel_work_sync(&inj->reap);
	vmb_group_unregister(&inj->g);
	list_del(&inj->node);
}

/*
 * On failure, whatever was registered stays so until vmb_inject_exit(),
 * which core.c calls after removing the debugfs files.
 */
int vmb_inject_init(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(vmb_registry); i++) {
		ret = vmb_inj_register(*vmb_registry[i]);
		if (ret)
			return ret;
	}
	return 0;
}

void vmb_inject_exit(void)
{
	struct vmb_injector *inj, *tmp;

	list_for_each_entry_safe_reverse(inj, tmp, &vmb_injectors, node)
		vmb_inj_unregister(inj);
}
