// SPDX-License-Identifier: GPL-2.0
/*
 * force_mmap_lock: the target's faults skip the per-VMA lock, on the same
 * kernel, so that one boot can compare a fault path with and without it.
 *
 * A kretprobe on lock_vma_under_rcu(), registered only while a target is
 * set and target/force_mmap_lock is 1 (and for a second after either
 * ends, see accounting.c): nobody else pays for it. A call is
 * forced only when a thread of the target makes it from the page-fault
 * handler, which the return address tells (each caller's text range is
 * learnt by name once, then compared). Other callers, the userfaultfd
 * ioctls, madvise, and on 7.x kernels a variant that waits and retries
 * while the VMA exists, are never forced: a NULL there could make them
 * fail or spin.
 *
 * Forcing: lock_vma_under_rcu() has returned with the VMA read-locked
 * and its caller has not used it yet. The handler drops that lock, once,
 * and makes the caller see NULL, which the fault handler takes as "no
 * VMA lock" and goes to mmap_lock. The VMA is not touched after
 * vma_end_read(): on 7.x the lock is a reference count and the VMA is
 * SLAB_TYPESAFE_BY_RCU, so it may be freed and reused at once.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "accounting.h"
#include "compat.h"
#include "vmalock_bench.h"

/*
 * A kretprobe registered only while it is needed: a fresh copy of the
 * template each time (a registered kprobe keeps its resolved address,
 * which a second register_kprobe() refuses), and its misses kept across
 * registrations until the next reset. The target group's mutex
 * serialises all of these.
 */
struct vmb_kretprobe {
	const struct kretprobe *tmpl;
	struct kretprobe rp;
	bool registered;
	unsigned long base;	/* misses of rp at the last reset */
	unsigned long folded;	/* misses of earlier registrations since */
};

static int vmb_krp_register(struct vmb_kretprobe *k)
{
	int ret;

	if (k->registered)
		return 0;
	k->rp = *k->tmpl;
	/* Instances are taken only for the target's calls. */
	k->rp.maxactive = max(1024U, 32 * num_possible_cpus());
	ret = register_kretprobe(&k->rp);
	if (ret)
		return ret;
	k->registered = true;
	k->base = 0;
	return 0;
}

static void vmb_krp_unregister(struct vmb_kretprobe *k)
{
	if (!k->registered)
		return;
	/* No handler runs after this, not even for calls in flight. */
	unregister_kretprobe(&k->rp);
	k->folded += k->rp.nmissed + k->rp.kp.nmissed - k->base;
	k->base = 0;
	k->registered = false;
}

/* Misses since the last reset; reset: start counting again from 0. */
static unsigned long vmb_krp_missed(struct vmb_kretprobe *k, bool reset)
{
	unsigned long live = 0, n;

	if (k->registered)
		live = k->rp.nmissed + k->rp.kp.nmissed;
	n = k->folded + live - k->base;
	if (reset) {
		k->folded = 0;
		k->base = live;
	}
	return n;
}

/*
 * Which caller a return address is in, learnt once per caller function:
 * its name is compared with VMB_FAULT_HANDLERS the first time one of its
 * call sites is seen, and its whole text range [start, end) is kept with
 * the verdict, so that every later call, from that site or another in the
 * same function (inlining may make several), is a range comparison. A
 * few callers exist (the fault handler, the userfaultfd ioctls, madvise
 * on 7.x); one beyond VMB_CALLERS is looked up by name each time.
 */
#define VMB_CALLERS 8

struct vmb_caller {
	unsigned long start, end;
	bool fault;
};

static struct vmb_caller vmb_callers[VMB_CALLERS];
static unsigned int vmb_nr_callers;	/* published with release */
static DEFINE_RAW_SPINLOCK(vmb_callers_lock);

/* The function around addr by name: "name+0xoff/0xsize [module]". */
static bool vmb_caller_lookup(unsigned long addr, struct vmb_caller *c)
{
	static const char *const handlers[] = VMB_FAULT_HANDLERS;
	char sym[KSYM_SYMBOL_LEN];
	unsigned long off, size;
	unsigned int i;
	char *plus;

	sprint_symbol(sym, addr);
	plus = strrchr(sym, '+');
	if (!plus || sscanf(plus, "+%lx/%lx", &off, &size) != 2 || off > addr)
		return false;
	*plus = '\0';
	c->start = addr - off;
	c->end = c->start + size;
	c->fault = false;
	for (i = 0; i < ARRAY_SIZE(handlers); i++)
		if (!strcmp(sym, handlers[i]))
			c->fault = true;
	return true;
}

static bool vmb_called_from_fault(unsigned long ret)
{
	struct vmb_caller c;
	unsigned long flags;
	unsigned int i, n;

	/* Pairs with the release below: entries [0, n) are written. */
	n = smp_load_acquire(&vmb_nr_callers);

	for (i = 0; i < n; i++)
		if (ret >= vmb_callers[i].start && ret < vmb_callers[i].end)
			return vmb_callers[i].fault;
	/* No symbol: not a function we know to be the fault handler. */
	if (!vmb_caller_lookup(ret, &c))
		return false;
	raw_spin_lock_irqsave(&vmb_callers_lock, flags);
	n = vmb_nr_callers;
	/* Another CPU may have learnt it meanwhile: no harm in twice. */
	if (n < VMB_CALLERS) {
		vmb_callers[n] = c;
		/* The entry before the count that makes it visible. */
		smp_store_release(&vmb_nr_callers, n + 1);
	}
	raw_spin_unlock_irqrestore(&vmb_callers_lock, flags);
	return c.fault;
}

static int vmb_lvur_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	/* Non-zero: no return probe for this call. */
	return !vmb_is_target() ||
	       !vmb_force_wanted() ||
	       !vmb_called_from_fault(vmb_entry_ret_addr(regs));
}

static int vmb_lvur_ret(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct vm_area_struct *vma = (void *)regs_return_value(regs);

	if (!vma)
		return 0;
	vmb_vma_end_read(vma);
	regs_set_return_value(regs, 0);
	vmb_count(VMB_CTR_forced_miss);
	return 0;
}

static const struct kretprobe vmb_lvur_template = {
	.kp.symbol_name = "lock_vma_under_rcu",
	.entry_handler = vmb_lvur_entry,
	.handler = vmb_lvur_ret,
};

static struct vmb_kretprobe vmb_lvur = { .tmpl = &vmb_lvur_template };

int vmb_force_start(void)
{
	if (!vmb_has(VMB_FEAT_force_mmap_lock))
		return -EOPNOTSUPP;
	return vmb_krp_register(&vmb_lvur);
}

void vmb_force_stop(void)
{
	vmb_krp_unregister(&vmb_lvur);
}

unsigned long vmb_force_missed(bool reset)
{
	return vmb_krp_missed(&vmb_lvur, reset);
}

/* Group mutex held; the value is stored after this returns 0. */
int vmb_force_store(struct vmb_group *g, unsigned int idx, u64 val)
{
	if (!vmb_has(VMB_FEAT_force_mmap_lock))
		return -EOPNOTSUPP;
	if (!val) {
		vmb_unhook_later();
		return 0;
	}
	/* Forcing starts with the next target if there is none now. */
	return READ_ONCE(vmb_target_tgid) ? vmb_force_start() : 0;
}

/* Can lock_vma_under_rcu() be hooked? Tried once, at load. */
void vmb_force_init(void)
{
	int ret;

	if (!VMB_HAVE_PER_VMA_LOCK)
		return;
	ret = vmb_krp_register(&vmb_lvur);
	if (ret) {
		pr_warn("kretprobe lock_vma_under_rcu: %d: no force_mmap_lock\n",
			ret);
		return;
	}
	vmb_krp_unregister(&vmb_lvur);
	vmb_set_feature(VMB_FEAT_force_mmap_lock);
}
