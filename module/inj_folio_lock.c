// SPDX-License-Identifier: GPL-2.0
/*
 * folio_lock/: hold the folios backing a range locked (PG_locked).
 *
 * File and shmem mappings: the page-cache folios at the range's file
 * offsets, mapped or not, so that a refault (after MADV_DONTNEED) meets
 * the locked folio: filemap_fault() sleeps in lock_folio_maybe_drop_mmap()
 * and retries, shmem_fault() sleeps in folio_lock() under the fault's lock.
 * Anonymous mappings: the resident folios, found without faulting
 * anything in (absent pages are counted, not populated).
 *
 * Lock order: folio references are taken under mmap_read_lock, then
 * mmap_lock is dropped and the folios are locked in increasing index (or
 * address) order, the page cache's order. A faulting thread holds the VMA
 * lock or mmap_lock and then waits for a folio lock; we never wait for
 * either while holding a folio lock, so there is no cycle. Nor do we ever
 * wait for a folio lock while holding another: the first folio is taken
 * with folio_lock_killable() (disarm kills the thread out of it), the
 * rest with folio_trylock(), a few times over for one another task holds
 * for a moment, and one that stays locked is skipped and counted in
 * folios_busy. Disarm is checked between the tries.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/slab.h>

#include "compat.h"
#include "inject.h"
#include "vmalock_bench.h"

#define VMB_FOLIO_LOCK_KNOBS(X) VMB_INJ_KNOBS(X, folio_lock)

VMB_DEFINE_KNOBS(folio_lock, VMB_FOLIO_LOCK_KNOBS);
VMB_INJ_CHECK_TABLE(folio_lock);

/* Pages asked of GUP at once. */
#define VMB_FL_BATCH 64

struct vmb_fl {
	struct vmb_injector inj;
	struct folio **folios;	/* one per page at most, in lock order */
	unsigned long nr;
	unsigned long *locked;	/* bitmap over folios: which we hold */
	struct page **pages;	/* VMB_FL_BATCH, for GUP */
};

static inline struct vmb_fl *vmb_fl_of(struct vmb_injector *inj)
{
	return container_of(inj, struct vmb_fl, inj);
}

static int vmb_fl_check_vma(struct vmb_injector *inj,
			    struct vm_area_struct *vma)
{
	if (vma->vm_flags & (VM_IO | VM_PFNMAP | VM_MIXEDMAP))
		return -EINVAL;
	if (is_vm_hugetlb_page(vma) || vma_is_dax(vma))
		return -EINVAL;
	return 0;
}

static void vmb_fl_disarm(struct vmb_injector *inj)
{
	struct vmb_fl *fl = vmb_fl_of(inj);

	kfree(fl->pages);
	fl->pages = NULL;
	bitmap_free(fl->locked);
	fl->locked = NULL;
	kvfree(fl->folios);
	fl->folios = NULL;
}

static int vmb_fl_arm(struct vmb_injector *inj)
{
	unsigned long npages = (inj->end - inj->start) >> PAGE_SHIFT;
	struct vmb_fl *fl = vmb_fl_of(inj);

	fl->folios = kvcalloc(npages, sizeof(*fl->folios), GFP_KERNEL);
	fl->locked = bitmap_zalloc(npages, GFP_KERNEL);
	fl->pages = kcalloc(VMB_FL_BATCH, sizeof(*fl->pages), GFP_KERNEL);
	if (!fl->folios || !fl->locked || !fl->pages) {
		vmb_fl_disarm(inj);
		return -ENOMEM;
	}
	fl->nr = 0;
	return 0;
}

/* The page cache at the range's offsets: one reference per folio. */
static void vmb_fl_take_file(struct vmb_fl *fl, struct vmb_hold *h)
{
	struct vm_area_struct *vma = h->vma;
	struct address_space *mapping = vma->vm_file->f_mapping;
	struct folio *folio, *last = NULL;
	unsigned long addr;
	pgoff_t index;

	for (addr = h->start; addr < h->end; addr += PAGE_SIZE) {
		index = linear_page_index(vma, addr);
		/* A large folio is held once, for all its pages. */
		if (last && index >= last->index &&
		    index < folio_next_index(last))
			continue;
		folio = vmb_filemap_get_folio(mapping, index);
		if (!folio) {
			h->absent++;
			continue;
		}
		fl->folios[fl->nr++] = folio;
		last = folio;
	}
}

/* Resident anonymous folios: GUP without faulting in. */
static int vmb_fl_take_anon(struct vmb_injector *inj, struct vmb_fl *fl,
			    struct vmb_hold *h)
{
	struct folio *folio, *last = NULL;
	unsigned long addr = h->start, nr;
	long i, got;

	while (addr < h->end) {
		nr = min_t(unsigned long, VMB_FL_BATCH,
			   (h->end - addr) >> PAGE_SHIFT);
		got = vmb_gup_resident(inj->mm, addr, nr, fl->pages);
		if (got == -EFAULT || !got) {
			/* FOLL_NOFAULT: the first page is not present. */
			h->absent++;
			addr += PAGE_SIZE;
			continue;
		}
		if (got < 0)
			return got;
		for (i = 0; i < got; i++) {
			folio = page_folio(fl->pages[i]);
			/* The zero page is no one's to lock. */
			if (!folio_test_anon(folio)) {
				h->absent++;
				folio_put(folio);
			} else if (folio == last) {
				folio_put(folio);
			} else {
				fl->folios[fl->nr++] = folio;
				last = folio;
			}
		}
		addr += got << PAGE_SHIFT;
	}
	return 0;
}

static void vmb_fl_release(struct vmb_injector *inj, struct vmb_hold *h)
{
	struct vmb_fl *fl = vmb_fl_of(inj);
	unsigned long i;

	for (i = 0; i < fl->nr; i++) {
		if (test_bit(i, fl->locked))
			folio_unlock(fl->folios[i]);
		folio_put(fl->folios[i]);
	}
	bitmap_zero(fl->locked, fl->nr);
	fl->nr = 0;
}

static int vmb_fl_take(struct vmb_injector *inj, struct vmb_hold *h)
{
	struct vmb_fl *fl = vmb_fl_of(inj);
	int ret = 0;

	fl->nr = 0;
	if (h->vma->vm_file)
		vmb_fl_take_file(fl, h);
	else
		ret = vmb_fl_take_anon(inj, fl, h);
	if (ret)
		vmb_fl_release(inj, h);
	return ret;
}

/* Tries at a folio another task holds, 50-100 us apart. */
#define VMB_FL_BUSY_TRIES 16

/* Try the folios not yet held once; returns how many are still busy. */
static unsigned long vmb_fl_trylock_rest(struct vmb_fl *fl, struct vmb_hold *h)
{
	unsigned long i, busy = 0;

	for (i = 0; i < fl->nr; i++) {
		if (test_bit(i, fl->locked))
			continue;
		if (!folio_trylock(fl->folios[i])) {
			busy++;
			continue;
		}
		__set_bit(i, fl->locked);
		h->held++;
	}
	return busy;
}

/*
 * Without mmap_lock: a fault may hold it and wait for these folios. The
 * one wait for a folio lock is for the first, holding nothing. A folio
 * held by someone else is usually held for a moment (a fault mapping
 * it): it is tried again a few times, sleeping with the others held as
 * the hold itself does, and skipped (counted busy) if it stays locked.
 */
static void vmb_fl_engage(struct vmb_injector *inj, struct vmb_hold *h)
{
	struct vmb_fl *fl = vmb_fl_of(inj);
	unsigned long busy;
	int tries;

	if (!fl->nr || folio_lock_killable(fl->folios[0]))
		return;
	__set_bit(0, fl->locked);
	h->held++;
	busy = vmb_fl_trylock_rest(fl, h);
	for (tries = 0; busy && tries < VMB_FL_BUSY_TRIES; tries++) {
		if (vmb_inj_should_stop(inj))
			break;
		usleep_range(50, 100);
		busy = vmb_fl_trylock_rest(fl, h);
	}
	h->busy = busy;
}

static const struct vmb_inj_ops vmb_fl_ops = {
	.check_vma = vmb_fl_check_vma,
	.arm = vmb_fl_arm,
	.disarm = vmb_fl_disarm,
	.take = vmb_fl_take,
	.engage = vmb_fl_engage,
	.release = vmb_fl_release,
};

static struct vmb_fl vmb_fl = {
	.inj = { VMB_INJECTOR_INIT(folio_lock, VMB_INJ_FOLIO_LOCK_DIR,
				   vmb_fl.inj, "folio_lock", &vmb_fl_ops,
				   VMB_FEAT_inject_folio_lock) },
};

struct vmb_injector *const vmb_folio_lock_injector = &vmb_fl.inj;
