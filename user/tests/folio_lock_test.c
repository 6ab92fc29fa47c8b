// SPDX-License-Identifier: GPL-2.0
/*
 * folio_lock/: faults that meet a locked folio wait it out, on the path
 * the kernel really takes, and nothing outside the range waits.
 *
 * What waits on which mapping: a refault (after MADV_DONTNEED) of a
 * shmem page (memfd, tmpfs) sleeps in shmem_fault() -> folio_lock()
 * under the fault's lock, with no retry; of a ramfs page goes through
 * filemap_fault() -> lock_folio_maybe_drop_mmap(), which drops the lock,
 * waits, and returns VM_FAULT_RETRY. A resident anonymous folio is mapped:
 * no fault meets its lock (only a swap-cache folio would, in
 * do_swap_page()), so anon only checks what is held and counted.
 */
#define INJ VMB_INJ_FOLIO_LOCK_DIR
#define INJ_FEATURE "inject_folio_lock"

#include "inj_tests.h"

static int inj_prepare(struct _test_data_inj *self, size_t i)
{
	if (self->m.type == VMB_MAP_ANON)
		return 0;
	/* The pte goes, the page-cache folio stays: the next access faults. */
	return madvise(self->m.mem + i * self->page, self->page,
		       MADV_DONTNEED) ? -errno : 0;
}

static void inj_reset(void)
{
}

static bool inj_meets(enum vmb_map_type type)
{
	return type != VMB_MAP_ANON;
}

/*
 * shmem_fault() waits in folio_lock() holding the fault's lock: mmap_lock
 * without per-VMA locks. filemap_fault() drops it before waiting.
 */
static bool inj_writer_waits(struct _test_data_inj *self,
			     enum vmb_map_type type)
{
	return type != VMB_MAP_RAMFS && !self->per_vma_lock;
}

static void inj_check_path(struct __test_metadata *_metadata,
			   struct _test_data_inj *self, enum vmb_map_type type,
			   const struct vmb_faults *f)
{
	if (type == VMB_MAP_RAMFS) {
		/* filemap_fault(): dropped its lock to wait, retried. */
		EXPECT_GE(C(f, retry), 1UL);
		if (self->per_vma_lock) {
			EXPECT_GE(C(f, vma_lock_retry), 1UL);
		} else {
			EXPECT_GE(C(f, mmap_lock_faults), 2UL);
		}
		return;
	}
	/* shmem_fault(): waited in folio_lock() holding the fault's lock. */
	EXPECT_EQ(0UL, C(f, retry));
	if (self->per_vma_lock) {
		EXPECT_GE(C(f, vma_locked_done), 1UL);
	} else {
		EXPECT_GE(C(f, mmap_lock_faults), 1UL);
	}
}

/*
 * Seed 003: a fault retried more than once. Holds back to back
 * (interval_us 0): the injector takes the folio again right after the
 * faulting thread, woken by the unlock, let it go to retry. With the VMA
 * lock the first retry is not FAULT_FLAG_TRIED (no VM_FAULT_MAJOR), so the
 * mmap_lock attempt may drop and retry again: three attempts. Without it,
 * the second attempt is TRIED and waits: two.
 */
TEST_F_TIMEOUT(inj, retry_many, 60)
{
	volatile char *p = self->m.mem + self->page;
	uint64_t start, t0, multi = 0;
	struct vmb_faults f;
	int i;

	if (variant->type != VMB_MAP_RAMFS)
		SKIP(return, "only filemap_fault() retries (ramfs)");
	if (!self->accounting)
		SKIP(return, "no fault_accounting in features");
	ASSERT_EQ(0, vmb_inj_setup(INJ, self->m.mem, self->m.len, 5000, 0, -1));
	ASSERT_EQ(0, vmb_inj_arm(INJ));
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(0, inj_prepare(self, 1));
		ASSERT_EQ(0, vmb_inj_wait_holding(INJ, 5000, &start));
		ASSERT_EQ(0, vmb_reset());
		t0 = vmb_now_ns();
		(void)*p;
		ASSERT_EQ(0, vmb_read_faults(&f));
		TH_LOG("fault %d: %" PRIu64 " us, retry %" PRIu64 ", attempts 1/2/3/4+ %" PRIu64 "/%" PRIu64 "/%" PRIu64 "/%" PRIu64,
		       i, (vmb_now_ns() - t0) / 1000, C(&f, retry),
		       C(&f, attempts_1), C(&f, attempts_2), C(&f, attempts_3),
		       C(&f, attempts_4plus));
		if (self->per_vma_lock)
			multi += C(&f, attempts_3) + C(&f, attempts_4plus);
		else
			multi += C(&f, attempts_2);
	}
	ASSERT_EQ(0, vmb_inj_disarm(INJ));
	EXPECT_GE(multi, 1UL) TH_LOG("no fault retried %s",
				   self->per_vma_lock ? "twice" : "at all");
	EXPECT_EQ(0UL, vmb_map_check(self->m.mem, 0, NPAGES));
}

TEST_HARNESS_MAIN
