/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The machinery the injectors share: one knob list, one arm/disarm path,
 * one hold loop run by a kthread, one stats block. An injector only says
 * which mappings it accepts and how to take and release its hold.
 */
#ifndef _VMB_INJECT_H
#define _VMB_INJECT_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/list.h>
#include <linux/ktime.h>
#include <linux/mm_types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "knob.h"
#include "vmalock_bench.h"
#include "vmalock_bench_uapi.h"

/*
 * The knobs every injector has, first in its table and in this order, so
 * that VMB_inj_* indexes them in any injector's group. X(grp, name, ...)
 * as in knob.h.
 */
#define VMB_INJ_KNOBS(X, grp)						\
	X(grp, addr, VMB_HEX, .mode = 0600, .max = ULONG_MAX,		\
	  .store = vmb_inj_store,					\
	  .help = "start of the range, page aligned")			\
	X(grp, len, VMB_U64, .mode = 0600, .max = VMB_LEN_MAX,		\
	  .store = vmb_inj_store,					\
	  .help = "bytes, a multiple of the page size")			\
	X(grp, hold_us, VMB_U64, .mode = 0600, .def = 1000, .min = 1,	\
	  .max = VMB_HOLD_US_MAX, .help = "length of each hold")	\
	X(grp, interval_us, VMB_U64, .mode = 0600, .def = 1000,	\
	  .max = VMB_INTERVAL_US_MAX, .help = "pause between holds")	\
	X(grp, times, VMB_S64, .mode = 0600, .def = 1, .min = -1,	\
	  .max = VMB_TIMES_MAX, .store = vmb_inj_store,		\
	  .help = "number of holds, -1 until disarmed")			\
	X(grp, enable, VMB_BOOL, .mode = 0600, .max = 1, .live = true,	\
	  .store = vmb_inj_enable_store,				\
	  .help = "1 arms, 0 disarms; reads the state")		\
	X(grp, stats, VMB_SHOW, .mode = 0400, .show = vmb_inj_stats_show, \
	  .help = "one \"name value\" line per VMB_INJ_STATS entry")

enum { VMB_INJ_KNOBS(VMB_KNOB_IDX, inj) VMB_inj_NR };

/* In each injector: its table starts with VMB_INJ_KNOBS. */
#define VMB_INJ_CHECK_TABLE(grp)					\
	static_assert((int)VMB_##grp##_addr == (int)VMB_inj_addr &&	\
		      (int)VMB_##grp##_stats == (int)VMB_inj_stats)

#define VMB_STAT_ENUM(name, ...) VMB_STAT_##name,
enum vmb_inj_stat {
	VMB_INJ_STATS(VMB_STAT_ENUM)
	VMB_NR_INJ_STATS
};

struct vmb_injector;

/* What one hold covers, valid from ->take() to ->release(). */
struct vmb_hold {
	struct vm_area_struct *vma;	/* only under mmap_lock, in ->take() */
	unsigned long start, end;
	unsigned long held, absent, busy, moved;
};

struct vmb_inj_ops {
	/* Optional: -EOPNOTSUPP when this kernel cannot do it. */
	int (*supported)(struct vmb_injector *inj);
	/* Under mmap_read_lock at arm time: 0 or -EINVAL. */
	int (*check_vma)(struct vmb_injector *inj, struct vm_area_struct *vma);
	/* Optional, at arm and disarm, group mutex held, no mmap_lock. */
	int (*arm)(struct vmb_injector *inj);
	void (*disarm)(struct vmb_injector *inj);
	/*
	 * Under mmap_read_lock, h->vma covering [start, end): set up the
	 * hold. Returns 0 with whatever is held recorded in the injector,
	 * or -errno with nothing held. mmap_lock is dropped by the caller
	 * before the timed part of the hold.
	 */
	int (*take)(struct vmb_injector *inj, struct vmb_hold *h);
	/*
	 * Optional, after mmap_lock is dropped and before the hold's clock
	 * starts: what must not be done under mmap_lock (folio locks).
	 */
	void (*engage)(struct vmb_injector *inj, struct vmb_hold *h);
	/* Optional, once the clock runs: work done inside the hold. */
	void (*during)(struct vmb_injector *inj, struct vmb_hold *h);
	/* Release everything ->take() took. No mmap_lock held. */
	void (*release)(struct vmb_injector *inj, struct vmb_hold *h);
};

/*
 * One injector. Each inj_*.c embeds one in a struct of its own state
 * (container_of() gets there) and names it in inject.c's registry.
 */
struct vmb_injector {
	struct vmb_group g;		/* its directory; hooks container_of() */
	const char *name;		/* for the trace events */
	const struct vmb_inj_ops *ops;
	enum vmb_feature feature;	/* set when registered and supported */
	struct list_head node;		/* in inject.c's list */

	/* Set at arm, cleared at disarm, group mutex held. */
	struct task_struct *thread;	/* referenced */
	struct mm_struct *mm;		/* mmgrab(): mmget_not_zero() per hold */
	unsigned long start, end;
	u64 hold_ns, interval_ns;
	s64 times;
	s64 spin_ns;			/* how early to wake before a hold ends */

	/* Hold state, for ->release() and cut-short requests. */
	bool holding;			/* written by the thread only */
	bool cut;			/* end the current hold now */
	bool done;			/* the thread ended by itself */
	wait_queue_head_t wq;		/* holding became false */
	struct work_struct reap;	/* the thread ended by itself */
	struct completion ready;	/* the thread takes SIGKILL now */

	atomic64_t stats[VMB_NR_INJ_STATS];
};

/* An injector's struct for its group, with the fields set at load. */
#define VMB_INJECTOR_INIT(grp, dirname, obj, nm, o, feat)		\
	.g = VMB_GROUP_INIT(grp, dirname, obj.g), .name = nm, .ops = o, \
	.feature = feat

/* The injectors, in inj_*.c; inject.c registers every one. */
extern struct vmb_injector *const vmb_folio_lock_injector;
extern struct vmb_injector *const vmb_migration_injector;

int vmb_inj_store(struct vmb_group *g, unsigned int idx, u64 val);
int vmb_inj_enable_store(struct vmb_group *g, unsigned int idx, u64 val);
int vmb_inj_stats_show(struct seq_file *m, struct vmb_group *g,
		       unsigned int idx);

/*
 * End the current hold early and wait until it is released. For hooks
 * called by other tasks (an mmu notifier); never from the injector's
 * thread. Returns at once when nothing is held.
 */
void vmb_inj_cut(struct vmb_injector *inj);

static inline void vmb_inj_stat_set(struct vmb_injector *inj,
				    enum vmb_inj_stat s, s64 v)
{
	atomic64_set(&inj->stats[s], v);
}

static inline void vmb_inj_stat_inc(struct vmb_injector *inj,
				    enum vmb_inj_stat s)
{
	atomic64_inc(&inj->stats[s]);
}

/*
 * Injector state is per hold and owned by its thread: whether it should
 * stop what it is doing now (disarm, rmmod, or a cut), for loops that
 * take one folio at a time.
 */
bool vmb_inj_should_stop(struct vmb_injector *inj);

#endif /* _VMB_INJECT_H */
