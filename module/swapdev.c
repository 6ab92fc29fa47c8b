// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vmalock_swap0: a RAM block device, after drivers/block/brd.c, that
 * can be made as slow as a disk so that swap-in faults wait.
 *
 * Data moves when a bio is submitted; only its completion is late. A
 * delayed bio is ended from an hrtimer, never by sleeping in submit_bio,
 * so a swap-cache folio stays locked for the whole delay and a second
 * fault on it waits on the folio lock, as with a real disk. In sync_io
 * mode the disk is advertised as synchronous and swap-in skips the swap
 * cache: the faulting thread waits for its own read (submit_bio_wait()
 * on 6.11+, a sleep in ->rw_page on kernels that decide by ->rw_page).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/atomic.h>
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/highmem.h>
#include <linux/hrtimer.h>
#include <linux/mempool.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pagemap.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/wait.h>
#include <linux/xarray.h>

#include "compat.h"
#include "knob.h"
#include "vmalock_bench.h"

static unsigned int swap_mb = VMB_SWAP_MB_DEFAULT;
module_param(swap_mb, uint, 0444);
MODULE_PARM_DESC(swap_mb,
		 "size of /dev/vmalock_swap0 in MiB (default 256, 0: no device)");

#if VMB_HAVE_SWAPDEV

#define VMB_SWAP_SCOPE_NAME(name, ...) #name,
static const char *const vmb_swap_scopes[] = {
	VMB_SWAP_SCOPES(VMB_SWAP_SCOPE_NAME) NULL
};

#define VMB_SWAP_SCOPE_ENUM(name, ...) VMB_SWAP_SCOPE_##name,
enum { VMB_SWAP_SCOPES(VMB_SWAP_SCOPE_ENUM) };

#define VMB_SWAP_STAT_ENUM(name, ...) VMB_SWAP_STAT_##name,
enum { VMB_SWAP_STATS(VMB_SWAP_STAT_ENUM) VMB_SWAP_NR_STATS };

#define VMB_SWAP_STAT_NAME(name, ...) #name,
static const char *const vmb_swap_stat_names[] = {
	VMB_SWAP_STATS(VMB_SWAP_STAT_NAME)
};

static int vmb_swap_sync_store(struct vmb_group *g, unsigned int idx,
			       u64 val);
static int vmb_swap_stats_show(struct seq_file *m, struct vmb_group *g,
			       unsigned int idx);

#define VMB_SWAP_KNOBS(X)						\
	X(swap, read_delay_us, VMB_U64, .mode = 0600,			\
	  .max = VMB_DELAY_US_MAX, .live = true,			\
	  .help = "completion delay of a read, microseconds")		\
	X(swap, write_delay_us, VMB_U64, .mode = 0600,			\
	  .max = VMB_DELAY_US_MAX, .live = true,			\
	  .help = "completion delay of a write, microseconds")		\
	X(swap, jitter_us, VMB_U64, .mode = 0600,			\
	  .max = VMB_DELAY_US_MAX, .live = true,			\
	  .help = "uniform random extra delay in [0, jitter_us]")	\
	X(swap, scope, VMB_ENUM, .mode = 0600, .max = 1, .live = true, \
	  .enum_names = vmb_swap_scopes,				\
	  .help = "all: delay every I/O; target: only the target's")	\
	X(swap, sync_io, VMB_BOOL, .mode = 0600, .max = 1, .live = true, \
	  .store = vmb_swap_sync_store,					\
	  .help = "1: synchronous disk (swap-in skips the swap cache)") \
	X(swap, stats, VMB_SHOW, .mode = 0400, .show = vmb_swap_stats_show, \
	  .help = "one \"name value\" line per VMB_SWAP_STATS entry")

VMB_DEFINE_GROUP(swap, "swap", VMB_SWAP_KNOBS);

/* A bio whose completion waits for its timer. */
struct vmb_swap_io {
	struct hrtimer timer;
	struct bio *bio;
	const char *what;
};

/*
 * Enough for the bios swap writeback has in flight at once under memory
 * pressure; beyond that a submitter waits for a completion.
 */
#define VMB_SWAP_IO_POOL 256

static struct {
	struct gendisk *disk;
	struct xarray pages;		/* page index -> struct page */
	mempool_t *io_pool;
	atomic_t inflight;		/* delayed I/Os not yet ended */
	wait_queue_head_t drained;	/* woken when inflight drops to 0 */
	atomic64_t stats[VMB_SWAP_NR_STATS];
} vmb_swap;

static void vmb_swap_count(unsigned int stat, u64 n)
{
	atomic64_add(n, &vmb_swap.stats[stat]);
}

/* The completion delay of one I/O, 0 for none. */
static u64 vmb_swap_delay_ns(bool write)
{
	struct vmb_group *g = &vmb_group_swap;
	u64 us = vmb_knob_get(g, write ? VMB_swap_write_delay_us :
					 VMB_swap_read_delay_us);
	u64 jitter = vmb_knob_get(g, VMB_swap_jitter_us);

	if (!us && !jitter)
		return 0;
	/* Submitted in the submitter's context: current is who asked. */
	if (vmb_knob_get(g, VMB_swap_scope) == VMB_SWAP_SCOPE_target &&
	    !vmb_current_is_target())
		return 0;
	/* Uniform in [0, jitter]: scale a 32-bit random number. */
	if (jitter)
		us += ((u64)get_random_u32() * (jitter + 1)) >> 32;
	return us * NSEC_PER_USEC;
}

static void vmb_swap_inflight_inc(void)
{
	s64 n = atomic_inc_return(&vmb_swap.inflight);
	atomic64_t *max = &vmb_swap.stats[VMB_SWAP_STAT_inflight_max];
	s64 old = atomic64_read(max);

	while (n > old && !atomic64_try_cmpxchg(max, &old, n))
		;
}

static void vmb_swap_inflight_dec(void)
{
	if (atomic_dec_and_test(&vmb_swap.inflight))
		wake_up(&vmb_swap.drained);
}

/* Allocate the page behind @idx for a write, if it is not there yet. */
static int vmb_swap_insert(pgoff_t idx, gfp_t gfp)
{
	struct page *page;
	int ret;

	if (xa_load(&vmb_swap.pages, idx))
		return 0;
	page = alloc_page(gfp | __GFP_ZERO | __GFP_HIGHMEM);
	if (!page)
		return -ENOMEM;
	ret = xa_insert(&vmb_swap.pages, idx, page, gfp);
	if (ret) {
		__free_page(page);
		/* Another writer of the same page got there first. */
		if (ret == -EBUSY)
			ret = 0;
	}
	return ret;
}

/*
 * Copy one single-page segment to or from the store. Pages are looked up
 * under RCU because a discard may free them (after a grace period).
 */
static int vmb_swap_copy(struct bio_vec *bv, sector_t sector, bool write,
			 gfp_t gfp)
{
	unsigned int done = 0, off, n;
	struct page *page;
	void *mem, *store;
	pgoff_t idx;
	int ret;

	while (done < bv->bv_len) {
		idx = sector >> PAGE_SECTORS_SHIFT;
		off = (sector & (PAGE_SECTORS - 1)) << SECTOR_SHIFT;
		n = min_t(unsigned int, bv->bv_len - done, PAGE_SIZE - off);
		if (write) {
			ret = vmb_swap_insert(idx, gfp);
			if (ret)
				return ret;
		}
		rcu_read_lock();
		page = xa_load(&vmb_swap.pages, idx);
		if (write && !page) {
			/* Discarded while being written: the caller's race. */
			rcu_read_unlock();
			return -EIO;
		}
		mem = kmap_local_page(bv->bv_page);
		if (write) {
			flush_dcache_page(bv->bv_page);
			store = kmap_local_page(page);
			memcpy(store + off, mem + bv->bv_offset + done, n);
			kunmap_local(store);
		} else if (page) {
			store = kmap_local_page(page);
			memcpy(mem + bv->bv_offset + done, store + off, n);
			kunmap_local(store);
		} else {
			memset(mem + bv->bv_offset + done, 0, n);
		}
		kunmap_local(mem);
		if (!write)
			flush_dcache_page(bv->bv_page);
		rcu_read_unlock();
		done += n;
		sector += n >> SECTOR_SHIFT;
	}
	return 0;
}

static void vmb_swap_free_page_rcu(struct rcu_head *head)
{
	__free_page(container_of(head, struct page, rcu_head));
}

/*
 * Discard and write-zeroes: whole pages are dropped (they read back as
 * zeroes), the ends of a range that cover part of a page are zeroed.
 */
static void vmb_swap_zero(sector_t sector, u64 bytes)
{
	unsigned int off, n;
	struct page *page;
	pgoff_t idx;

	while (bytes) {
		idx = sector >> PAGE_SECTORS_SHIFT;
		off = (sector & (PAGE_SECTORS - 1)) << SECTOR_SHIFT;
		n = min_t(u64, bytes, PAGE_SIZE - off);
		if (n == PAGE_SIZE) {
			page = xa_erase(&vmb_swap.pages, idx);
			if (page)
				call_rcu(&page->rcu_head,
					 vmb_swap_free_page_rcu);
		} else {
			rcu_read_lock();
			page = xa_load(&vmb_swap.pages, idx);
			if (page)
				memzero_page(page, off, n);
			rcu_read_unlock();
		}
		bytes -= n;
		sector += n >> SECTOR_SHIFT;
		cond_resched();
	}
}

static enum hrtimer_restart vmb_swap_timer_fn(struct hrtimer *timer)
{
	struct vmb_swap_io *io = container_of(timer, struct vmb_swap_io,
					      timer);
	struct bio *bio = io->bio;

	vmb_trace_inject_end(io->what, bio->bi_iter.bi_sector,
			     bio->bi_iter.bi_size, 1);
	mempool_free(io, vmb_swap.io_pool);
	bio_endio(bio);
	/* Last: vmb_swap_exit() may free everything once this is seen. */
	vmb_swap_inflight_dec();
	return HRTIMER_NORESTART;
}

/* Move the data of a read or write bio; -errno if it could not. */
static int vmb_swap_rw(struct bio *bio, bool write)
{
	gfp_t gfp = bio->bi_opf & REQ_NOWAIT ? GFP_NOWAIT : GFP_NOIO;
	sector_t sector = bio->bi_iter.bi_sector;
	struct bvec_iter iter;
	struct bio_vec bv;
	int ret;

	bio_for_each_segment(bv, bio, iter) {
		ret = vmb_swap_copy(&bv, sector, write, gfp);
		if (ret)
			return ret;
		sector += bv.bv_len >> SECTOR_SHIFT;
	}
	return 0;
}

static void vmb_swap_submit_bio(struct bio *bio)
{
	bool write = op_is_write(bio_op(bio));
	bool nowait = bio->bi_opf & REQ_NOWAIT;
	struct vmb_swap_io *io = NULL;
	u32 bytes = bio->bi_iter.bi_size;
	u64 ns;
	int ret;

	switch (bio_op(bio)) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		break;
	case REQ_OP_DISCARD:
	case REQ_OP_WRITE_ZEROES:
		vmb_swap_zero(bio->bi_iter.bi_sector, bytes);
		bio_endio(bio);
		return;
	case REQ_OP_FLUSH:
		/* RAM: everything written is already stable. */
		bio_endio(bio);
		return;
	default:
		vmb_swap_count(VMB_SWAP_STAT_errors, 1);
		bio->bi_status = BLK_STS_NOTSUPP;
		bio_endio(bio);
		return;
	}

	/* Before moving data, so that REQ_NOWAIT fails with nothing done. */
	ns = vmb_swap_delay_ns(write);
	if (ns) {
		io = mempool_alloc(vmb_swap.io_pool,
				   nowait ? GFP_NOWAIT : GFP_NOIO);
		if (!io) {
			bio_wouldblock_error(bio);
			return;
		}
	}

	ret = vmb_swap_rw(bio, write);
	if (ret) {
		if (io)
			mempool_free(io, vmb_swap.io_pool);
		if (ret == -ENOMEM && nowait) {
			bio_wouldblock_error(bio);
			return;
		}
		vmb_swap_count(VMB_SWAP_STAT_errors, 1);
		bio_io_error(bio);
		return;
	}
	vmb_swap_count(write ? VMB_SWAP_STAT_writes : VMB_SWAP_STAT_reads, 1);
	vmb_swap_count(write ? VMB_SWAP_STAT_write_bytes :
			       VMB_SWAP_STAT_read_bytes, bytes);
	if (!io) {
		bio_endio(bio);
		return;
	}

	vmb_swap_count(VMB_SWAP_STAT_delayed, 1);
	io->bio = bio;
	io->what = write ? "swap_write" : "swap_read";
	vmb_trace_inject_begin(io->what, bio->bi_iter.bi_sector, bytes, 1);
	vmb_swap_inflight_inc();
	hrtimer_init(&io->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	io->timer.function = vmb_swap_timer_fn;
	hrtimer_start(&io->timer, ns_to_ktime(ns), HRTIMER_MODE_REL);
}

static const struct block_device_operations vmb_swap_fops = {
	.owner = THIS_MODULE,
	.submit_bio = vmb_swap_submit_bio,
};

#if VMB_SWAP_SYNC_BY_RW_PAGE
/*
 * Kernels up to 6.2 give SWP_SYNCHRONOUS_IO to disks with ->rw_page and
 * call it, in the task that reads or writes the page, before any bio: so
 * the delay is a sleep here. A failure makes the caller fall back to a
 * bio, which then reports the error: this does not end the page then.
 */
static void vmb_swap_sleep(u64 ns)
{
	ktime_t end = ktime_add_ns(ktime_get(), ns);

	do {
		set_current_state(TASK_UNINTERRUPTIBLE);
		schedule_hrtimeout(&end, HRTIMER_MODE_ABS);
	} while (ktime_before(ktime_get(), end));
}

static int vmb_swap_rw_page(struct block_device *bdev, sector_t sector,
			    struct page *page, enum req_op op)
{
	struct bio_vec bv = { .bv_page = page, .bv_len = PAGE_SIZE };
	bool write = op_is_write(op);
	u64 ns;
	int ret;

	if (PageTransHuge(page))
		return -EOPNOTSUPP;
	ns = vmb_swap_delay_ns(write);
	ret = vmb_swap_copy(&bv, sector, write, GFP_NOIO);
	if (ret)
		return ret;
	vmb_swap_count(write ? VMB_SWAP_STAT_writes : VMB_SWAP_STAT_reads, 1);
	vmb_swap_count(write ? VMB_SWAP_STAT_write_bytes :
			       VMB_SWAP_STAT_read_bytes, PAGE_SIZE);
	if (ns) {
		vmb_swap_count(VMB_SWAP_STAT_delayed, 1);
		vmb_swap_inflight_inc();
		vmb_swap_sleep(ns);
		vmb_swap_inflight_dec();
	}
	page_endio(page, write, 0);
	return 0;
}

static const struct block_device_operations vmb_swap_sync_fops = {
	.owner = THIS_MODULE,
	.submit_bio = vmb_swap_submit_bio,
	.rw_page = vmb_swap_rw_page,
};

static int vmb_swap_set_sync(struct gendisk *disk, bool sync)
{
	WRITE_ONCE(disk->fops, sync ? &vmb_swap_sync_fops : &vmb_swap_fops);
	return 0;
}
#endif

/*
 * swapon reads the flag when it opens the disk: changing it under an
 * opener would leave swap and the disk disagreeing. open_mutex keeps an
 * open from slipping in between the check and the change.
 */
static int vmb_swap_sync_store(struct vmb_group *g, unsigned int idx,
			       u64 val)
{
	struct gendisk *disk = vmb_swap.disk;
	int ret;

	mutex_lock(&disk->open_mutex);
	if (disk_openers(disk))
		ret = -EBUSY;
	else
		ret = vmb_swap_set_sync(disk, val);
	mutex_unlock(&disk->open_mutex);
	return ret;
}

static int vmb_swap_stats_show(struct seq_file *m, struct vmb_group *g,
			       unsigned int idx)
{
	unsigned int i;

	for (i = 0; i < VMB_SWAP_NR_STATS; i++)
		seq_printf(m, "%s %lld\n", vmb_swap_stat_names[i],
			   atomic64_read(&vmb_swap.stats[i]));
	return 0;
}

static void vmb_swap_free_pages(void)
{
	struct page *page;
	unsigned long idx;

	xa_for_each(&vmb_swap.pages, idx, page) {
		__free_page(page);
		cond_resched();
	}
	xa_destroy(&vmb_swap.pages);
}

int vmb_swap_init(void)
{
	struct gendisk *disk;
	int ret;

	if (!swap_mb)
		return 0;
	if (swap_mb > VMB_SWAP_MB_MAX) {
		pr_err("swap_mb=%u: at most %u\n", swap_mb, VMB_SWAP_MB_MAX);
		return -EINVAL;
	}

	xa_init(&vmb_swap.pages);
	init_waitqueue_head(&vmb_swap.drained);
	vmb_swap.io_pool = mempool_create_kmalloc_pool(VMB_SWAP_IO_POOL,
						       sizeof(struct vmb_swap_io));
	if (!vmb_swap.io_pool)
		return -ENOMEM;

	disk = vmb_swap_alloc_disk(false);
	if (IS_ERR(disk)) {
		ret = PTR_ERR(disk);
		goto err_pool;
	}
	/* major 0, no minors: a dynamic dev_t, and no partitions. */
	disk->fops = &vmb_swap_fops;
	disk->flags |= GENHD_FL_NO_PART;
	strscpy(disk->disk_name, "vmalock_swap0", DISK_NAME_LEN);
	set_capacity(disk, (sector_t)swap_mb << (20 - SECTOR_SHIFT));
	ret = add_disk(disk);
	if (ret)
		goto err_put_disk;
	vmb_swap.disk = disk;

	ret = vmb_group_register(&vmb_group_swap);
	if (ret)
		goto err_del_disk;
	vmb_set_feature(VMB_FEAT_swap_device);
	pr_info("%s: %u MiB\n", VMB_SWAP_DEV, swap_mb);
	return 0;

err_del_disk:
	del_gendisk(disk);
	vmb_swap.disk = NULL;
err_put_disk:
	put_disk(disk);
err_pool:
	mempool_destroy(vmb_swap.io_pool);
	return ret;
}

/* After the debugfs files are gone: no store runs. */
void vmb_swap_exit(void)
{
	struct gendisk *disk = vmb_swap.disk;

	if (!disk)
		return;
	/* No new I/O after this; the delayed ones end on their own. */
	del_gendisk(disk);
	wait_event(vmb_swap.drained, !atomic_read(&vmb_swap.inflight));
	/* Let the timer handler that woke us return from this module. */
	synchronize_rcu();
	put_disk(disk);
	vmb_swap.disk = NULL;
	/* Pages freed by discards, after their grace period. */
	rcu_barrier();
	vmb_swap_free_pages();
	mempool_destroy(vmb_swap.io_pool);
	vmb_group_unregister(&vmb_group_swap);
}

#else /* !VMB_HAVE_SWAPDEV */

int vmb_swap_init(void)
{
	if (swap_mb)
		pr_info("no swap device: this kernel's block API is not handled\n");
	return 0;
}

void vmb_swap_exit(void)
{
}

#endif /* VMB_HAVE_SWAPDEV */
