// SPDX-License-Identifier: GPL-2.0
/*
 * A RAM block device, after drivers/block/brd.c, that can be made as slow
 * as a disk: the one implementation of /dev/vmalock_swap0 (swapdev.c)
 * and /dev/vmalock_disk0 (diskdev.c).
 *
 * Data moves when a bio is submitted; only its completion is late. A
 * delayed bio joins its CPU's queue, ordered by completion time (a
 * timerqueue, as hrtimers themselves use), and that CPU's hrtimer ends
 * every bio that is due, then re-arms for the next. By default
 * submitting never sleeps, so a folio under read stays locked for the
 * whole delay and a second fault on it waits on the folio lock, as with a
 * real disk. What sync_io=1 changes is each disk's choice (enum
 * vmb_rdisk_sync): the swap device says it is synchronous and the kernel
 * waits for its own read, the file disk makes the submitting task sleep
 * out the delay in submit_bio and end the bio itself.
 *
 * Lifetime. A task runs in this file's submit paths only between
 * bio_queue_enter() (blk_queue_enter() for ->rw_page) and
 * blk_queue_exit(): del_gendisk() freezes the queue, so once it returns
 * no task is in them, sleeping or not, and none can enter. Then only the
 * timers are left: hrtimer_cancel() dequeues each or waits for its
 * running callback, no submitter is left to arm one again, and the bios
 * still queued are ended at once (their data has moved). Only then are the
 * pages freed. A disk that is open holds this module (fops->owner), so
 * all this happens only once nobody uses it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/highmem.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/random.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

#include "compat.h"
#include "rdisk.h"

#define VMB_RDISK_SCOPE_NAME(name, ...) #name,
const char *const vmb_rdisk_scopes[] = {
	VMB_SWAP_SCOPES(VMB_RDISK_SCOPE_NAME) NULL
};

#define VMB_RDISK_SCOPE_ENUM(name, ...) VMB_RDISK_SCOPE_##name,
enum { VMB_SWAP_SCOPES(VMB_RDISK_SCOPE_ENUM) };

#define VMB_RDISK_STAT_NAME(name, ...) #name,
static const char *const vmb_rdisk_stat_names[] = {
	VMB_SWAP_STATS(VMB_RDISK_STAT_NAME)
};

/* The disks that exist, for the knob hooks to find theirs. */
static LIST_HEAD(vmb_rdisks);
static DEFINE_MUTEX(vmb_rdisks_lock);

static struct vmb_rdisk *vmb_rdisk_of(struct vmb_group *g)
{
	struct vmb_rdisk *d, *found = NULL;

	mutex_lock(&vmb_rdisks_lock);
	list_for_each_entry(d, &vmb_rdisks, node)
		if (d->group == g)
			found = d;
	mutex_unlock(&vmb_rdisks_lock);
	/* The group is registered only once its disk is on the list. */
	WARN_ON_ONCE(!found);
	return found;
}

int vmb_rdisk_stats_show(struct seq_file *m, struct vmb_group *g,
			 unsigned int idx)
{
	struct vmb_rdisk *d = vmb_rdisk_of(g);
	unsigned int i;

	if (!d)
		return -ENODEV;
	for (i = 0; i < VMB_RDISK_NR_STATS; i++)
		seq_printf(m, "%s %lld\n", vmb_rdisk_stat_names[i],
			   atomic64_read(&d->stats[i]));
	return 0;
}

#if VMB_HAVE_RDISK

/* A bio whose completion waits in its CPU's queue. */
struct vmb_rdisk_io {
	struct timerqueue_node node;	/* .expires: when it completes */
	struct bio *bio;
	struct vmb_rdisk_io *next;	/* due, in the timer's list */
};

/*
 * Enough for the bios swap writeback has in flight at once under memory
 * pressure; beyond that a submitter waits for a completion.
 */
#define VMB_RDISK_IO_POOL 256

static void vmb_rdisk_count(struct vmb_rdisk *d, unsigned int stat, u64 n)
{
	atomic64_add(n, &d->stats[stat]);
}

/* A read or write served: its counters. */
static void vmb_rdisk_count_io(struct vmb_rdisk *d, bool write, u64 bytes)
{
	vmb_rdisk_count(d, write ? VMB_RDISK_STAT_writes :
				   VMB_RDISK_STAT_reads, 1);
	vmb_rdisk_count(d, write ? VMB_RDISK_STAT_write_bytes :
				   VMB_RDISK_STAT_read_bytes, bytes);
}

/* The completion delay of one I/O, 0 for none. */
static u64 vmb_rdisk_delay_ns(struct vmb_rdisk *d, bool write)
{
	struct vmb_group *g = d->group;
	u64 us = vmb_knob_get(g, write ? VMB_rdisk_write_delay_us :
					 VMB_rdisk_read_delay_us);
	u64 jitter = vmb_knob_get(g, VMB_rdisk_jitter_us);

	if (!us && !jitter)
		return 0;
	/* Submitted in the submitter's context: current is who asked. */
	if (vmb_knob_get(g, VMB_rdisk_scope) == VMB_RDISK_SCOPE_target &&
	    !vmb_current_is_target())
		return 0;
	/* Uniform in [0, jitter]: scale a 32-bit random number. */
	if (jitter)
		us += ((u64)get_random_u32() * (jitter + 1)) >> 32;
	return us * NSEC_PER_USEC;
}

/* Does a delayed bio make its submitter sleep (sync_io, file disk)? */
static bool vmb_rdisk_sleeps(struct vmb_rdisk *d)
{
	return d->sync == VMB_RDISK_SYNC_IN_SUBMIT &&
	       vmb_knob_get(d->group, VMB_rdisk_sync_io);
}

static void vmb_rdisk_inflight_inc(struct vmb_rdisk *d)
{
	s64 n = atomic_inc_return(&d->inflight);
	atomic64_t *max = &d->stats[VMB_RDISK_STAT_inflight_max];
	s64 old = atomic64_read(max);

	while (n > old && !atomic64_try_cmpxchg(max, &old, n))
		;
}

static const char *vmb_rdisk_what(struct vmb_rdisk *d, bool write)
{
	return write ? d->trace_write : d->trace_read;
}

/* Allocate the page behind @idx for a write, if it is not there yet. */
static int vmb_rdisk_insert(struct vmb_rdisk *d, pgoff_t idx, gfp_t gfp)
{
	struct page *page;
	int ret;

	if (xa_load(&d->pages, idx))
		return 0;
	page = alloc_page(gfp | __GFP_ZERO | __GFP_HIGHMEM);
	if (!page)
		return -ENOMEM;
	ret = xa_insert(&d->pages, idx, page, gfp);
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
static int vmb_rdisk_copy(struct vmb_rdisk *d, struct bio_vec *bv,
			  sector_t sector, bool write, gfp_t gfp)
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
			ret = vmb_rdisk_insert(d, idx, gfp);
			if (ret)
				return ret;
		}
		rcu_read_lock();
		page = xa_load(&d->pages, idx);
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

static void vmb_rdisk_free_page_rcu(struct rcu_head *head)
{
	__free_page(container_of(head, struct page, rcu_head));
}

/*
 * Discard and write-zeroes: whole pages are dropped (they read back as
 * zeroes), the ends of a range that cover part of a page are zeroed.
 */
static void vmb_rdisk_zero(struct vmb_rdisk *d, sector_t sector, u64 bytes)
{
	unsigned int off, n;
	struct page *page;
	pgoff_t idx;

	while (bytes) {
		idx = sector >> PAGE_SECTORS_SHIFT;
		off = (sector & (PAGE_SECTORS - 1)) << SECTOR_SHIFT;
		n = min_t(u64, bytes, PAGE_SIZE - off);
		if (n == PAGE_SIZE) {
			page = xa_erase(&d->pages, idx);
			if (page)
				call_rcu(&page->rcu_head,
					 vmb_rdisk_free_page_rcu);
		} else {
			rcu_read_lock();
			page = xa_load(&d->pages, idx);
			if (page)
				memzero_page(page, off, n);
			rcu_read_unlock();
		}
		bytes -= n;
		sector += n >> SECTOR_SHIFT;
		cond_resched();
	}
}

/* End a delayed bio whose time has come (or whose disk goes away). */
static void vmb_rdisk_end(struct vmb_rdisk *d, struct vmb_rdisk_io *io)
{
	struct bio *bio = io->bio;

	vmb_trace_inject_end(vmb_rdisk_what(d, op_is_write(bio_op(bio))),
			     bio->bi_iter.bi_sector, bio->bi_iter.bi_size, 1);
	mempool_free(io, d->io_pool);
	bio_endio(bio);
	atomic_dec(&d->inflight);
}

/*
 * A CPU's timer: take every bio that is due off its queue, re-arm for the
 * next one, and end the due ones outside the lock, oldest first.
 */
static enum hrtimer_restart vmb_rdisk_timer_fn(struct hrtimer *timer)
{
	struct vmb_rdisk_cpu *c = container_of(timer, struct vmb_rdisk_cpu,
					       timer);
	struct vmb_rdisk_io *io, *due = NULL, **tail = &due;
	enum hrtimer_restart ret = HRTIMER_NORESTART;
	ktime_t now = ktime_get();
	struct timerqueue_node *next;

	spin_lock(&c->lock);
	while ((next = timerqueue_getnext(&c->queue)) &&
	       !ktime_after(next->expires, now)) {
		timerqueue_del(&c->queue, next);
		io = container_of(next, struct vmb_rdisk_io, node);
		io->next = NULL;
		*tail = io;
		tail = &io->next;
	}
	/*
	 * A submitter that queued a bio due before any other has armed the
	 * timer again meanwhile: leave it armed as it is.
	 */
	if (next && !hrtimer_is_queued(timer)) {
		hrtimer_set_expires(timer, next->expires);
		ret = HRTIMER_RESTART;
	}
	spin_unlock(&c->lock);

	while (due) {
		io = due;
		due = io->next;
		vmb_rdisk_end(c->d, io);
	}
	return ret;
}

/* Queue a bio to complete in @ns on this CPU; its timer ends it. */
static void vmb_rdisk_queue(struct vmb_rdisk *d, struct vmb_rdisk_io *io,
			    struct bio *bio, u64 ns)
{
	struct vmb_rdisk_cpu *c;
	unsigned long flags;

	io->bio = bio;
	timerqueue_init(&io->node);
	io->node.expires = ktime_add_ns(ktime_get(), ns);
	vmb_trace_inject_begin(vmb_rdisk_what(d, op_is_write(bio_op(bio))),
			       bio->bi_iter.bi_sector, bio->bi_iter.bi_size, 1);
	vmb_rdisk_inflight_inc(d);
	/*
	 * No move to another CPU while this CPU's queue and pinned timer are
	 * chosen and armed, and interrupts off under the lock its callback
	 * takes (in hard interrupt context; PREEMPT_RT runs it in a thread
	 * and makes the lock a sleeping one, which interrupts must not be
	 * disabled around: spin_lock_irqsave() does the right thing for both,
	 * local_irq_save() did not).
	 */
	migrate_disable();
	c = this_cpu_ptr(d->cpus);
	spin_lock_irqsave(&c->lock, flags);
	/* First in the queue: the timer must fire for it. */
	if (timerqueue_add(&c->queue, &io->node))
		hrtimer_start(&c->timer, io->node.expires,
			      HRTIMER_MODE_ABS_PINNED);
	spin_unlock_irqrestore(&c->lock, flags);
	migrate_enable();
}

/*
 * Sleep out a delay in the task that asked for the I/O (->rw_page on
 * 6.1's synchronous swap, or sync_io on the file disk), as long as a
 * queued bio would have waited.
 */
static void vmb_rdisk_sleep(struct vmb_rdisk *d, bool write, sector_t sector,
			    u32 bytes, u64 ns)
{
	const char *what = vmb_rdisk_what(d, write);
	ktime_t end = ktime_add_ns(ktime_get(), ns);

	vmb_trace_inject_begin(what, sector, bytes, 1);
	vmb_rdisk_inflight_inc(d);
	do {
		set_current_state(TASK_UNINTERRUPTIBLE);
		schedule_hrtimeout(&end, HRTIMER_MODE_ABS);
	} while (ktime_before(ktime_get(), end));
	atomic_dec(&d->inflight);
	vmb_trace_inject_end(what, sector, bytes, 1);
}

/* Move the data of a read or write bio; -errno if it could not. */
static int vmb_rdisk_rw(struct vmb_rdisk *d, struct bio *bio, bool write)
{
	gfp_t gfp = bio->bi_opf & REQ_NOWAIT ? GFP_NOWAIT : GFP_NOIO;
	sector_t sector = bio->bi_iter.bi_sector;
	struct bvec_iter iter;
	struct bio_vec bv;
	int ret;

	bio_for_each_segment(bv, bio, iter) {
		ret = vmb_rdisk_copy(d, &bv, sector, write, gfp);
		if (ret)
			return ret;
		sector += bv.bv_len >> SECTOR_SHIFT;
	}
	return 0;
}

static void vmb_rdisk_submit_bio(struct bio *bio)
{
	struct vmb_rdisk *d = bio->bi_bdev->bd_disk->private_data;
	bool write = op_is_write(bio_op(bio));
	bool nowait = bio->bi_opf & REQ_NOWAIT;
	struct vmb_rdisk_io *io = NULL;
	u32 bytes = bio->bi_iter.bi_size;
	bool sleep;
	u64 ns;
	int ret;

	switch (bio_op(bio)) {
	case REQ_OP_READ:
	case REQ_OP_WRITE:
		break;
	case REQ_OP_DISCARD:
	case REQ_OP_WRITE_ZEROES:
		vmb_rdisk_zero(d, bio->bi_iter.bi_sector, bytes);
		bio_endio(bio);
		return;
	case REQ_OP_FLUSH:
		/* RAM: everything written is already stable. */
		bio_endio(bio);
		return;
	default:
		vmb_rdisk_count(d, VMB_RDISK_STAT_errors, 1);
		bio->bi_status = BLK_STS_NOTSUPP;
		bio_endio(bio);
		return;
	}

	/* Before moving data, so that REQ_NOWAIT fails with nothing done. */
	ns = vmb_rdisk_delay_ns(d, write);
	sleep = ns && vmb_rdisk_sleeps(d);
	if (sleep && nowait) {
		/* A synchronous disk blocks: that is what NOWAIT refuses. */
		bio_wouldblock_error(bio);
		return;
	}
	if (ns && !sleep) {
		io = mempool_alloc(d->io_pool, nowait ? GFP_NOWAIT : GFP_NOIO);
		if (!io) {
			bio_wouldblock_error(bio);
			return;
		}
	}

	ret = vmb_rdisk_rw(d, bio, write);
	if (ret) {
		if (io)
			mempool_free(io, d->io_pool);
		if (ret == -ENOMEM && nowait) {
			bio_wouldblock_error(bio);
			return;
		}
		vmb_rdisk_count(d, VMB_RDISK_STAT_errors, 1);
		bio_io_error(bio);
		return;
	}
	vmb_rdisk_count_io(d, write, bytes);
	if (!ns) {
		bio_endio(bio);
		return;
	}

	vmb_rdisk_count(d, VMB_RDISK_STAT_delayed, 1);
	if (sleep) {
		vmb_rdisk_sleep(d, write, bio->bi_iter.bi_sector, bytes, ns);
		bio_endio(bio);
		return;
	}
	vmb_rdisk_queue(d, io, bio, ns);
}

static const struct block_device_operations vmb_rdisk_fops = {
	.owner = THIS_MODULE,
	.submit_bio = vmb_rdisk_submit_bio,
};

#if VMB_RDISK_SYNC_BY_RW_PAGE
/*
 * Kernels up to 6.2 give SWP_SYNCHRONOUS_IO to disks with ->rw_page and
 * call it, in the task that reads or writes the page, before any bio: so
 * the delay is a sleep here. A failure makes the caller fall back to a
 * bio, which then reports the error: this does not end the page then.
 */
static int vmb_rdisk_rw_page(struct block_device *bdev, sector_t sector,
			     struct page *page, enum req_op op)
{
	struct vmb_rdisk *d = bdev->bd_disk->private_data;
	struct bio_vec bv = { .bv_page = page, .bv_len = PAGE_SIZE };
	bool write = op_is_write(op);
	u64 ns;
	int ret;

	if (PageTransHuge(page))
		return -EOPNOTSUPP;
	ns = vmb_rdisk_delay_ns(d, write);
	ret = vmb_rdisk_copy(d, &bv, sector, write, GFP_NOIO);
	if (ret)
		return ret;
	vmb_rdisk_count_io(d, write, PAGE_SIZE);
	if (ns) {
		vmb_rdisk_count(d, VMB_RDISK_STAT_delayed, 1);
		vmb_rdisk_sleep(d, write, sector, PAGE_SIZE, ns);
	}
	page_endio(page, write, 0);
	return 0;
}

static const struct block_device_operations vmb_rdisk_sync_fops = {
	.owner = THIS_MODULE,
	.submit_bio = vmb_rdisk_submit_bio,
	.rw_page = vmb_rdisk_rw_page,
};

static int vmb_rdisk_set_sync(struct gendisk *disk, bool sync)
{
	WRITE_ONCE(disk->fops, sync ? &vmb_rdisk_sync_fops : &vmb_rdisk_fops);
	return 0;
}
#endif

/*
 * A disk that says it is synchronous: swapon reads the flag when it
 * opens the disk, so changing it under an opener would leave swap and
 * the disk disagreeing. open_mutex keeps an open from slipping in
 * between the check and the change. The file disk reads sync_io for
 * each bio: nothing to do.
 */
int vmb_rdisk_sync_store(struct vmb_group *g, unsigned int idx, u64 val)
{
	struct vmb_rdisk *d = vmb_rdisk_of(g);
	struct gendisk *disk;
	int ret;

	if (!d)
		return -ENODEV;
	if (d->sync != VMB_RDISK_SYNC_ADVERTISED)
		return 0;
	disk = d->disk;
	mutex_lock(&disk->open_mutex);
	if (disk_openers(disk))
		ret = -EBUSY;
	else
		ret = vmb_rdisk_set_sync(disk, val);
	mutex_unlock(&disk->open_mutex);
	return ret;
}

/*
 * After del_gendisk(): no submitter is left to queue a bio or arm a
 * timer. Stop each CPU's timer (or wait for its callback), then end what
 * is still queued.
 */
static void vmb_rdisk_cancel(struct vmb_rdisk *d)
{
	struct timerqueue_node *next;
	struct vmb_rdisk_cpu *c;
	unsigned int n = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(d->cpus, cpu);
		hrtimer_cancel(&c->timer);
		while ((next = timerqueue_getnext(&c->queue))) {
			timerqueue_del(&c->queue, next);
			vmb_rdisk_end(d, container_of(next, struct vmb_rdisk_io,
						      node));
			n++;
		}
	}
	if (n)
		pr_info("/dev/%s: %u delayed I/Os ended early at removal\n",
			d->name, n);
	WARN_ON_ONCE(atomic_read(&d->inflight));
}

static void vmb_rdisk_free_pages(struct vmb_rdisk *d)
{
	struct page *page;
	unsigned long idx;

	xa_for_each(&d->pages, idx, page) {
		__free_page(page);
		cond_resched();
	}
	xa_destroy(&d->pages);
}

int vmb_rdisk_init(struct vmb_rdisk *d)
{
	struct vmb_rdisk_cpu *c;
	struct gendisk *disk;
	int cpu, ret;

	if (!d->mb)
		return 0;
	if (d->mb > d->mb_max) {
		pr_err("%s=%u: at most %u\n", d->param, d->mb, d->mb_max);
		return -EINVAL;
	}

	xa_init(&d->pages);
	d->cpus = alloc_percpu(struct vmb_rdisk_cpu);
	if (!d->cpus)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		c = per_cpu_ptr(d->cpus, cpu);
		spin_lock_init(&c->lock);
		timerqueue_init_head(&c->queue);
		vmb_hrtimer_setup(&c->timer, vmb_rdisk_timer_fn,
				  CLOCK_MONOTONIC, HRTIMER_MODE_ABS_PINNED);
		c->d = d;
	}
	d->io_pool = mempool_create_kmalloc_pool(VMB_RDISK_IO_POOL,
						 sizeof(struct vmb_rdisk_io));
	if (!d->io_pool) {
		ret = -ENOMEM;
		goto err_cpus;
	}

	disk = vmb_rdisk_alloc_disk(false);
	if (IS_ERR(disk)) {
		ret = PTR_ERR(disk);
		goto err_pool;
	}
	/* major 0, no minors: a dynamic dev_t, and no partitions. */
	disk->fops = &vmb_rdisk_fops;
	disk->private_data = d;
	disk->flags |= GENHD_FL_NO_PART;
	strscpy(disk->disk_name, d->name, DISK_NAME_LEN);
	set_capacity(disk, (sector_t)d->mb << (20 - SECTOR_SHIFT));
	ret = add_disk(disk);
	if (ret)
		goto err_put_disk;
	d->disk = disk;

	mutex_lock(&vmb_rdisks_lock);
	list_add_tail(&d->node, &vmb_rdisks);
	mutex_unlock(&vmb_rdisks_lock);
	ret = vmb_group_register(d->group);
	if (ret)
		goto err_del_disk;
	vmb_set_feature(d->feature);
	pr_info("/dev/%s: %u MiB\n", d->name, d->mb);
	return 0;

err_del_disk:
	mutex_lock(&vmb_rdisks_lock);
	list_del(&d->node);
	mutex_unlock(&vmb_rdisks_lock);
	del_gendisk(disk);
	d->disk = NULL;
err_put_disk:
	put_disk(disk);
err_pool:
	mempool_destroy(d->io_pool);
err_cpus:
	free_percpu(d->cpus);
	return ret;
}

void vmb_rdisk_exit(struct vmb_rdisk *d)
{
	if (!d->disk)
		return;
	/* The queue is frozen: no submitter runs, none can start. */
	del_gendisk(d->disk);
	vmb_rdisk_cancel(d);
	put_disk(d->disk);
	d->disk = NULL;
	/* Pages freed by discards, after their grace period. */
	rcu_barrier();
	vmb_rdisk_free_pages(d);
	mempool_destroy(d->io_pool);
	free_percpu(d->cpus);
	mutex_lock(&vmb_rdisks_lock);
	list_del(&d->node);
	mutex_unlock(&vmb_rdisks_lock);
	vmb_group_unregister(d->group);
}

#else /* !VMB_HAVE_RDISK */

int vmb_rdisk_sync_store(struct vmb_group *g, unsigned int idx, u64 val)
{
	return -EOPNOTSUPP;
}

int vmb_rdisk_init(struct vmb_rdisk *d)
{
	if (d->mb)
		pr_info("no /dev/%s: this kernel's block API is not handled\n",
			d->name);
	return 0;
}

void vmb_rdisk_exit(struct vmb_rdisk *d)
{
}

#endif /* VMB_HAVE_RDISK */
