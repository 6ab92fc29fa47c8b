/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A delayed RAM disk (rdisk.c): the one implementation behind the swap
 * device (swapdev.c, /dev/vmalock_swap0) and the file disk (diskdev.c,
 * /dev/vmalock_disk0). Each of them declares a knob group with
 * VMB_RDISK_KNOBS() and a struct vmb_rdisk, and calls vmb_rdisk_init()
 * and vmb_rdisk_exit().
 */
#ifndef _VMB_RDISK_H
#define _VMB_RDISK_H

#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/list.h>
#include <linux/mempool.h>
#include <linux/percpu.h>
#include <linux/spinlock.h>
#include <linux/timerqueue.h>
#include <linux/xarray.h>

#include "knob.h"
#include "vmalock_bench.h"

extern const char *const vmb_rdisk_scopes[];
int vmb_rdisk_sync_store(struct vmb_group *g, unsigned int idx, u64 val);
int vmb_rdisk_stats_show(struct seq_file *m, struct vmb_group *g,
			 unsigned int idx);

/*
 * The knobs of a disk's directory: the same for every disk, but for the
 * help of sync_io, whose meaning the disk chooses (enum vmb_rdisk_sync).
 */
#define VMB_RDISK_KNOBS(grp, X, sync_help)				\
	X(grp, read_delay_us, VMB_U64, .mode = 0600,			\
	  .max = VMB_DELAY_US_MAX, .live = true,			\
	  .help = "completion delay of a read, microseconds")		\
	X(grp, write_delay_us, VMB_U64, .mode = 0600,			\
	  .max = VMB_DELAY_US_MAX, .live = true,			\
	  .help = "completion delay of a write, microseconds")		\
	X(grp, jitter_us, VMB_U64, .mode = 0600,			\
	  .max = VMB_DELAY_US_MAX, .live = true,			\
	  .help = "uniform random extra delay in [0, jitter_us]")	\
	X(grp, scope, VMB_ENUM, .mode = 0600, .max = 1, .live = true,	\
	  .enum_names = vmb_rdisk_scopes,				\
	  .help = "all: delay every I/O; target: only the target's")	\
	X(grp, sync_io, VMB_BOOL, .mode = 0600, .max = 1, .live = true, \
	  .store = vmb_rdisk_sync_store, .help = sync_help)		\
	X(grp, stats, VMB_SHOW, .mode = 0400,				\
	  .show = vmb_rdisk_stats_show,					\
	  .help = "one \"name value\" line per VMB_SWAP_STATS entry")

/* Their indices, the same in every disk's group. */
enum { VMB_RDISK_KNOBS(rdisk, VMB_KNOB_IDX, "") VMB_rdisk_NR };

#define VMB_RDISK_STAT_ENUM(name, ...) VMB_RDISK_STAT_##name,
enum { VMB_SWAP_STATS(VMB_RDISK_STAT_ENUM) VMB_RDISK_NR_STATS };

/* What sync_io=1 does. */
enum vmb_rdisk_sync {
	/*
	 * The disk says it is synchronous, for swapon(2) to read when it
	 * opens it (SWP_SYNCHRONOUS_IO): the kernel then waits for each
	 * bio, which still completes from the timer (on 6.1, swap calls
	 * ->rw_page, which sleeps). -EBUSY while the disk is open.
	 */
	VMB_RDISK_SYNC_ADVERTISED,
	/*
	 * The task that submits a delayed bio sleeps out the delay in
	 * submit_bio and ends the bio itself. Live, like every other knob.
	 */
	VMB_RDISK_SYNC_IN_SUBMIT,
};

/*
 * The delayed bios one CPU submitted to a disk, by completion time, and
 * the timer, pinned there, that ends them: a bio ends on the CPU that
 * submitted it, and wakes its waiter there, as a timer of its own would.
 * lock orders the queue and the timer's expiry; the timer's hard
 * interrupt takes it too.
 */
struct vmb_rdisk_cpu {
	spinlock_t lock;
	struct timerqueue_head queue;
	struct hrtimer timer;
	struct vmb_rdisk *d;
};

struct vmb_rdisk {
	/* Set by the disk's own file. */
	const char *name;		/* gendisk name: /dev/NAME */
	const char *param;		/* the module parameter of its size */
	unsigned int mb, mb_max;	/* size in MiB (0: no disk), bound */
	struct vmb_group *group;	/* its directory: VMB_RDISK_KNOBS() */
	enum vmb_rdisk_sync sync;
	const char *trace_read, *trace_write;	/* inject_begin/end names */
	enum vmb_feature feature;	/* set once the disk exists */

	/* rdisk.c's own. */
	struct gendisk *disk;
	struct xarray pages;		/* page index -> struct page */
	mempool_t *io_pool;
	struct vmb_rdisk_cpu __percpu *cpus;
	atomic_t inflight;		/* delayed bios not yet ended */
	atomic64_t stats[VMB_RDISK_NR_STATS];
	struct list_head node;		/* in rdisk.c's list of disks */
};

/* Create the disk and its directory; 0 with nothing done if d->mb is 0. */
int vmb_rdisk_init(struct vmb_rdisk *d);
/* After the debugfs files are gone: no store runs. */
void vmb_rdisk_exit(struct vmb_rdisk *d);

#endif /* _VMB_RDISK_H */
