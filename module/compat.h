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

#endif /* _VMB_COMPAT_H */
