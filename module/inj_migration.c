// SPDX-License-Identifier: GPL-2.0
/*
 * migration/: install migration entries over a range and hold them.
 *
 * migrate_vma_setup(MIGRATE_VMA_SELECT_SYSTEM) under mmap_read_lock
 * collects the range's folios, locks them (trylock: a folio someone else
 * holds is skipped) and replaces their ptes with migration entries. Then
 * mmap_lock is dropped, as a real migration drops it while copying, and a
 * fault on the range waits in migration_entry_wait() for the folio lock,
 * under the VMA lock on 6.12, under mmap_lock before per-VMA locks. At the
 * hold's end: "restore" finalizes with no destination (the entries go
 * back to the same folios); "move" copies into new folios during the hold
 * and finalizes a real migration, of private anonymous memory only:
 * migrate_vma_pages() moves a page-cache folio's mapping but leaves the
 * old folio's ->mapping set, which only move_to_new_folio() in
 * mm/migrate.c clears, so a file or shmem folio is not ours to move.
 *
 * Without mmap_lock, the VMA may go while entries are installed.
 * migrate_vma_finalize() walks the rmap of the folios, so their anon_vma
 * (or address_space) must outlive the hold: the address_space is pinned
 * with the file, and the anon_vma, freed with the last VMA that uses it,
 * by an mmu interval notifier: munmap() and mremap() invalidate the range
 * before they free anything, and our callback ends the hold and waits
 * until the entries are gone. The target exiting frees them the same way:
 * exit_mmap() releases the notifiers (MMU_NOTIFY_RELEASE) and unmaps
 * (MMU_NOTIFY_UNMAP) before it frees a VMA, and both end the hold first.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/file.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/highmem.h>
#include <linux/hugetlb.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/slab.h>

#include "compat.h"
#include "inject.h"
#include "vmalock_bench.h"

enum {
#define VMB_MODE_ENUM(name, ...) VMB_MIG_##name,
	VMB_MIGRATION_MODES(VMB_MODE_ENUM)
};

#define VMB_MODE_NAME(name, ...) #name,
static const char *const vmb_mig_modes[] = {
	VMB_MIGRATION_MODES(VMB_MODE_NAME) NULL
};

#define VMB_MIGRATION_KNOBS(X)						\
	VMB_INJ_KNOBS(X, migration)					\
	X(migration, mode, VMB_ENUM, .mode = 0600,			\
	  .enum_names = vmb_mig_modes,					\
	  .help = "restore: same folios back; move: really migrate")

VMB_DEFINE_KNOBS(migration, VMB_MIGRATION_KNOBS);
VMB_INJ_CHECK_TABLE(migration);

struct vmb_mig {
	struct vmb_injector inj;
	struct migrate_vma args;
	unsigned long *src, *dst;
	struct file *file;	/* pins the address_space during a hold */
	unsigned int mode;
	struct mmu_interval_notifier notifier;
};

static inline struct vmb_mig *vmb_mig_of(struct vmb_injector *inj)
{
	return container_of(inj, struct vmb_mig, inj);
}

static int vmb_mig_supported(struct vmb_injector *inj)
{
	return vmb_has(VMB_FEAT_migrate_vma) ? 0 : -EOPNOTSUPP;
}

static int vmb_mig_check_vma(struct vmb_injector *inj,
			     struct vm_area_struct *vma)
{
	/* What migrate_vma_setup() refuses, refused at arm time. */
	if (vma->vm_flags & VM_SPECIAL)
		return -EINVAL;
	if (is_vm_hugetlb_page(vma) || vma_is_dax(vma))
		return -EINVAL;
	if (vmb_knob_get(&inj->g, VMB_migration_mode) == VMB_MIG_move &&
	    !vma_is_anonymous(vma))
		return -EINVAL;
	return 0;
}

static bool vmb_mig_invalidate(struct mmu_interval_notifier *mni,
			       const struct mmu_notifier_range *range,
			       unsigned long cur_seq)
{
	struct vmb_mig *m = container_of(mni, struct vmb_mig, notifier);
	struct vmb_injector *inj = &m->inj;

	/* Our own migrate_vma_*() calls, and anything our thread does. */
	if (range->owner == m || current == READ_ONCE(inj->thread))
		return true;
	/*
	 * Only unmapping (munmap, mremap) may free the VMA and with it the
	 * anon_vma finalize needs; zapping (MADV_DONTNEED, truncation)
	 * just drops entries, which finalize tolerates.
	 */
	if (range->event != MMU_NOTIFY_UNMAP &&
	    range->event != MMU_NOTIFY_RELEASE)
		return true;
	if (!mmu_notifier_range_blockable(range))
		return !READ_ONCE(inj->holding);
	vmb_inj_cut(inj);
	return true;
}

static const struct mmu_interval_notifier_ops vmb_mig_notifier_ops = {
	.invalidate = vmb_mig_invalidate,
};

static int vmb_mig_arm(struct vmb_injector *inj)
{
	struct vmb_mig *m = vmb_mig_of(inj);
	unsigned long npages = (inj->end - inj->start) >> PAGE_SHIFT;
	int ret;

	m->mode = vmb_knob_get(&inj->g, VMB_migration_mode);
	m->src = kvcalloc(npages, sizeof(*m->src), GFP_KERNEL);
	m->dst = kvcalloc(npages, sizeof(*m->dst), GFP_KERNEL);
	if (!m->src || !m->dst) {
		ret = -ENOMEM;
		goto err_free;
	}
	/* Takes mmap_lock for write the first time: not under it. */
	ret = mmu_interval_notifier_insert(&m->notifier, inj->mm, inj->start,
					   inj->end - inj->start,
					   &vmb_mig_notifier_ops);
	if (ret)
		goto err_free;
	return 0;

err_free:
	kvfree(m->dst);
	kvfree(m->src);
	m->src = NULL;
	m->dst = NULL;
	return ret;
}

static void vmb_mig_disarm(struct vmb_injector *inj)
{
	struct vmb_mig *m = vmb_mig_of(inj);

	mmu_interval_notifier_remove(&m->notifier);
	kvfree(m->dst);
	kvfree(m->src);
	m->src = NULL;
	m->dst = NULL;
}

static int vmb_mig_take(struct vmb_injector *inj, struct vmb_hold *h)
{
	struct vmb_mig *m = vmb_mig_of(inj);
	unsigned long i;
	int ret;

	if (!VMB_HAVE_MIGRATE_VMA)
		return -EOPNOTSUPP;
	memset(m->dst, 0, sizeof(*m->dst) * ((h->end - h->start) >> PAGE_SHIFT));
	m->args = (struct migrate_vma) {
		.vma = h->vma,
		.start = h->start,
		.end = h->end,
		.src = m->src,
		.dst = m->dst,
		.pgmap_owner = m,
		.flags = MIGRATE_VMA_SELECT_SYSTEM,
	};
	ret = migrate_vma_setup(&m->args);
	if (ret)
		return ret;
	for (i = 0; i < m->args.npages; i++) {
		if (migrate_pfn_to_page(m->src[i]) &&
		    (m->src[i] & MIGRATE_PFN_MIGRATE))
			h->held++;
		else
			h->absent++;
	}
	m->file = h->vma->vm_file ? get_file(h->vma->vm_file) : NULL;
	/* Only for migrate_vma_setup(): stale once mmap_lock is dropped. */
	m->args.vma = NULL;
	return 0;
}

/* "move": new folios, a copy, then the mapping switched to them. */
static void vmb_mig_during(struct vmb_injector *inj, struct vmb_hold *h)
{
	struct vmb_mig *m = vmb_mig_of(inj);
	struct page *spage, *dpage;
	unsigned long i;

	if (!VMB_HAVE_MIGRATE_VMA || m->mode != VMB_MIG_move)
		return;
	for (i = 0; i < m->args.npages; i++) {
		spage = migrate_pfn_to_page(m->src[i]);
		/* Holes get no destination: nothing to insert into the VMA. */
		if (!spage || !(m->src[i] & MIGRATE_PFN_MIGRATE))
			continue;
		dpage = alloc_page(GFP_HIGHUSER_MOVABLE | __GFP_NOWARN);
		if (!dpage)
			continue;	/* dst 0: this one is restored */
		lock_page(dpage);
		copy_highpage(dpage, spage);
		m->dst[i] = migrate_pfn(page_to_pfn(dpage));
	}
	/* Uses the vma only to insert pages into holes, which we never ask. */
	migrate_vma_pages(&m->args);
	for (i = 0; i < m->args.npages; i++)
		if (m->dst[i] && (m->src[i] & MIGRATE_PFN_MIGRATE))
			h->moved++;
}

static void vmb_mig_release(struct vmb_injector *inj, struct vmb_hold *h)
{
	struct vmb_mig *m = vmb_mig_of(inj);

	if (!VMB_HAVE_MIGRATE_VMA)
		return;
	migrate_vma_finalize(&m->args);
	if (m->file)
		fput(m->file);
	m->file = NULL;
}

static const struct vmb_inj_ops vmb_mig_ops = {
	.supported = vmb_mig_supported,
	.check_vma = vmb_mig_check_vma,
	.arm = vmb_mig_arm,
	.disarm = vmb_mig_disarm,
	.take = vmb_mig_take,
	.during = vmb_mig_during,
	.release = vmb_mig_release,
};

static struct vmb_mig vmb_mig = {
	.inj = { VMB_INJECTOR_INIT(migration, VMB_INJ_MIGRATION_DIR,
				   vmb_mig.inj, "migration", &vmb_mig_ops,
				   VMB_FEAT_inject_migration) },
};

struct vmb_injector *const vmb_migration_injector = &vmb_mig.inj;
