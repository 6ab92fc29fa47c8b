/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Every difference between the kernels vmalock_bench builds against lives
 * here, tested by feature (a config option or a macro the kernel defines),
 * never by version number, so a backport is picked up by itself.
 */
#ifndef _VMB_COMPAT_H
#define _VMB_COMPAT_H

#include <linux/mm.h>
#include <linux/userfaultfd.h>
#include <linux/mman.h>

/*
 * Per-VMA locks (6.4+): lock_vma_under_rcu() and FAULT_FLAG_VMA_LOCK.
 * Without them, FAULT_FLAG_VMA_LOCK is 0 so that every handle_mm_fault()
 * call is counted as an mmap_lock call, which is what it is.
 */
#ifdef CONFIG_PER_VMA_LOCK
#define VMB_HAVE_PER_VMA_LOCK 1
#define VMB_FAULT_FLAG_VMA_LOCK FAULT_FLAG_VMA_LOCK

/* Drop the VMA read lock lock_vma_under_rcu() took. */
static inline void vmb_vma_end_read(struct vm_area_struct *vma)
{
	vma_end_read(vma);
}
#else
#define VMB_HAVE_PER_VMA_LOCK 0
#define VMB_FAULT_FLAG_VMA_LOCK 0

static inline void vmb_vma_end_read(struct vm_area_struct *vma)
{
}
#endif

/* ---- fault path (accounting.c, force.c): begin ---- */
#include <linux/ptrace.h>
#include <asm/vsyscall.h>
/*
 * The page_fault_user tracepoint's declaration: x86's own header until
 * 7.x, where it moved to the generic trace/events/exceptions.h.
 */
#if __has_include("trace/events/exceptions.h")
#include <trace/events/exceptions.h>
#else
#include <asm/trace/exceptions.h>
#endif

/*
 * The fault path is observed as x86 lays it out: do_user_addr_fault() is
 * inlined into exc_page_fault() (noinstr), the user fault begins at the
 * exceptions:page_fault_user tracepoint, and a user fault outside the
 * vsyscall page calls lock_vma_under_rcu() first on a kernel with per-VMA
 * locks, then handle_mm_fault() with FAULT_FLAG_USER. dkms.conf builds
 * for x86_64 only.
 */
#define VMB_FAULT_HANDLERS { "exc_page_fault", "do_user_addr_fault" }

/* Type-checks a probe against the tracepoint's declared prototype. */
#define VMB_CHECK_PF_USER_PROBE(fn) check_trace_callback_type_page_fault_user(fn)

/* The vsyscall page is emulated without lock_vma_under_rcu(). */
static inline bool vmb_is_vsyscall(unsigned long address)
{
	return IS_ENABLED(CONFIG_X86_64) &&
	       (address & PAGE_MASK) == VSYSCALL_ADDR;
}

/*
 * An ftrace callback sends the traced call elsewhere (livepatch's way):
 * 6.12 names the setter ftrace_regs_set_instruction_pointer(), 6.1
 * ftrace_instruction_pointer_set(); both need only ftrace_regs (no
 * FTRACE_OPS_FL_SAVE_REGS) with DYNAMIC_FTRACE_WITH_ARGS, which every
 * x86_64 kernel since 5.18 has (dkms.conf skips a kernel without it).
 */
#include <linux/ftrace.h>
#ifndef CONFIG_DYNAMIC_FTRACE_WITH_ARGS
#error "vmalock_bench needs CONFIG_DYNAMIC_FTRACE_WITH_ARGS (ftrace that can redirect handle_mm_fault()); this kernel lacks it"
#endif
#if defined(ftrace_regs_set_instruction_pointer)
#define vmb_ftrace_set_ip(fregs, ip) ftrace_regs_set_instruction_pointer(fregs, ip)
#else
#define vmb_ftrace_set_ip(fregs, ip) ftrace_instruction_pointer_set(fregs, ip)
#endif

/* The return address, at a probed function's entry. */
static inline unsigned long vmb_entry_ret_addr(struct pt_regs *regs)
{
	return *(unsigned long *)kernel_stack_pointer(regs);
}
/* ---- fault path: end ---- */

/* ---- mmap_lock tracepoints (mmap_lock.c): begin ---- */
#include <trace/events/mmap_lock.h>

/*
 * Up to 6.x the probes of the three mmap_lock tracepoints get the mm's
 * memcg path after the mm; 7.x dropped it. Told apart by the type of the
 * tracepoint's iterator, which has the probe's arguments: a feature
 * test, not a version. mmap_lock.c writes each probe once as
 * fn(mm, write[, success]); VMB_MMAP_LOCK_PROBES() wraps it both ways
 * and VMB_MMAP_LOCK_PROBE() takes the one this kernel calls.
 */
#define VMB_MMAP_LOCK_MEMCG_PATH						\
	__same_type(&__traceiter_mmap_lock_released,			\
		    int (*)(void *, struct mm_struct *, const char *, bool))

static_assert(VMB_MMAP_LOCK_MEMCG_PATH ||
	      __same_type(&__traceiter_mmap_lock_released,
			  int (*)(void *, struct mm_struct *, bool)));
static_assert(__same_type(&__traceiter_mmap_lock_start_locking,
			  &__traceiter_mmap_lock_released));
static_assert(VMB_MMAP_LOCK_MEMCG_PATH ?
	      __same_type(&__traceiter_mmap_lock_acquire_returned,
			  int (*)(void *, struct mm_struct *, const char *,
				  bool, bool)) :
	      __same_type(&__traceiter_mmap_lock_acquire_returned,
			  int (*)(void *, struct mm_struct *, bool, bool)));

#define VMB_MMAP_LOCK_PROBES(start, acquired, released)			\
static void __maybe_unused start##_memcg(void *d, struct mm_struct *mm,	\
					 const char *p, bool w)		\
{ start(mm, w); }								\
static void __maybe_unused start##_plain(void *d, struct mm_struct *mm,	\
					 bool w)				\
{ start(mm, w); }								\
static void __maybe_unused acquired##_memcg(void *d,			\
					    struct mm_struct *mm,	\
					    const char *p, bool w,	\
					    bool ok)			\
{ acquired(mm, w, ok); }							\
static void __maybe_unused acquired##_plain(void *d,			\
					    struct mm_struct *mm,	\
					    bool w, bool ok)		\
{ acquired(mm, w, ok); }							\
static void __maybe_unused released##_memcg(void *d,			\
					    struct mm_struct *mm,	\
					    const char *p, bool w)	\
{ released(mm, w); }								\
static void __maybe_unused released##_plain(void *d,			\
					    struct mm_struct *mm,	\
					    bool w)			\
{ released(mm, w); }

#define VMB_MMAP_LOCK_PROBE(fn)						\
	((void *)__builtin_choose_expr(VMB_MMAP_LOCK_MEMCG_PATH,		\
				       fn##_memcg, fn##_plain))
/* ---- mmap_lock tracepoints: end ---- */

/* UFFDIO_MOVE (6.8+) is a uapi macro: test it, not the version. */
#if defined(CONFIG_USERFAULTFD) && defined(UFFDIO_MOVE)
#define VMB_HAVE_UFFDIO_MOVE 1
#else
#define VMB_HAVE_UFFDIO_MOVE 0
#endif

/* THP that userspace can drive, including MADV_COLLAPSE (6.1+). */
#if defined(CONFIG_TRANSPARENT_HUGEPAGE) && defined(MADV_COLLAPSE)
#define VMB_HAVE_THP 1
#else
#define VMB_HAVE_THP 0
#endif

/* ---- delayed RAM disks (rdisk.c: the swap device and the file disk): begin ---- */
#include <linux/blkdev.h>
#include <linux/hrtimer.h>
#include <linux/version.h>

/*
 * How a disk tells swapon(2) that it is synchronous (SWP_SYNCHRONOUS_IO:
 * swap-in skips the swap cache), and how its queue limits are set:
 *
 *   6.11+    BLK_FEAT_SYNCHRONOUS in struct queue_limits, passed to
 *            blk_alloc_disk() and changed by queue_limits_start_update()
 *            and queue_limits_commit_update().
 *   <= 6.2   swapon sets SWP_SYNCHRONOUS_IO when the disk's fops have
 *            ->rw_page; limits are set by blk_queue_*() after
 *            blk_alloc_disk(node), which returns NULL on failure.
 *
 * 6.3 to 6.10 (QUEUE_FLAG_SYNCHRONOUS) are not handled: no disk at all.
 */
#if defined(BLK_FEAT_SYNCHRONOUS)
#define VMB_HAVE_RDISK 1
#define VMB_RDISK_SYNC_BY_RW_PAGE 0

static inline struct gendisk *vmb_rdisk_alloc_disk(bool sync)
{
	struct queue_limits lim = {
		.physical_block_size = PAGE_SIZE,
		.max_hw_discard_sectors = UINT_MAX,
		.max_discard_segments = 1,
		.discard_granularity = PAGE_SIZE,
		.max_write_zeroes_sectors = UINT_MAX,
		.features = BLK_FEAT_NOWAIT |
			    (sync ? BLK_FEAT_SYNCHRONOUS : 0),
	};

	return blk_alloc_disk(&lim, NUMA_NO_NODE);
}

/* With disk->open_mutex held and no opener: swapon reads it at open. */
static inline int vmb_rdisk_set_sync(struct gendisk *disk, bool sync)
{
	struct queue_limits lim = queue_limits_start_update(disk->queue);

	if (sync)
		lim.features |= BLK_FEAT_SYNCHRONOUS;
	else
		lim.features &= ~BLK_FEAT_SYNCHRONOUS;
	return queue_limits_commit_update(disk->queue, &lim);
}
#elif !defined(QUEUE_FLAG_SYNCHRONOUS)
#define VMB_HAVE_RDISK 1
#define VMB_RDISK_SYNC_BY_RW_PAGE 1

/* Synchronous or not is a choice of fops, made by rdisk.c. */
static inline struct gendisk *vmb_rdisk_alloc_disk(bool sync)
{
	struct gendisk *disk = blk_alloc_disk(NUMA_NO_NODE);
	struct request_queue *q;

	if (!disk)
		return ERR_PTR(-ENOMEM);
	q = disk->queue;
	blk_queue_physical_block_size(q, PAGE_SIZE);
	blk_queue_max_discard_sectors(q, UINT_MAX);
	blk_queue_max_discard_segments(q, 1);
	q->limits.discard_granularity = PAGE_SIZE;
	blk_queue_max_write_zeroes_sectors(q, UINT_MAX);
	blk_queue_flag_set(QUEUE_FLAG_NONROT, q);
	blk_queue_flag_clear(QUEUE_FLAG_ADD_RANDOM, q);
	blk_queue_flag_set(QUEUE_FLAG_NOWAIT, q);
	return disk;
}
#else
#define VMB_HAVE_RDISK 0
#endif

/*
 * hrtimer_setup() (6.13) replaced hrtimer_init() plus an assignment of
 * ->function, and hrtimer_init() was removed later. Both are functions,
 * nothing the kernel defines marks the change: this test is by version.
 */
static inline void vmb_hrtimer_setup(struct hrtimer *timer,
				     enum hrtimer_restart (*fn)(struct hrtimer *),
				     clockid_t clock, enum hrtimer_mode mode)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
	hrtimer_setup(timer, fn, clock, mode);
#else
	hrtimer_init(timer, clock, mode);
	timer->function = fn;
#endif
}
/* ---- delayed RAM disks: end ---- */

/* ---- injectors (inject.c, inj_*.c): begin ---- */
#include <linux/pagemap.h>
#include <linux/version.h>

/* A page-cache folio, referenced, or NULL: 6.3+ returns ERR_PTR(-ENOENT). */
static inline struct folio *vmb_filemap_get_folio(struct address_space *m,
						  pgoff_t index)
{
	struct folio *folio = filemap_get_folio(m, index);

	return IS_ERR_OR_NULL(folio) ? NULL : folio;
}

/*
 * get_user_pages_remote() lost its vmas argument in 6.5. Nothing the
 * kernel defines marks the change, so this one test is by version.
 * mmap_lock held; FOLL_NOFAULT: present pages only.
 */
static inline long vmb_gup_resident(struct mm_struct *mm, unsigned long addr,
				    unsigned long nr, struct page **pages)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	return get_user_pages_remote(mm, addr, nr, FOLL_NOFAULT, pages, NULL);
#else
	return get_user_pages_remote(mm, addr, nr, FOLL_NOFAULT, pages, NULL,
				     NULL);
#endif
}

/* migrate_vma_*() and MIGRATE_VMA_SELECT_SYSTEM (DEVICE_MIGRATION). */
#if IS_ENABLED(CONFIG_DEVICE_MIGRATION)
#include <linux/migrate.h>
#define VMB_HAVE_MIGRATE_VMA 1
#else
#define VMB_HAVE_MIGRATE_VMA 0
#endif
/* ---- injectors: end ---- */

#endif /* _VMB_COMPAT_H */
