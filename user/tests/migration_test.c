// SPDX-License-Identifier: GPL-2.0
/*
 * migration/: faults on the range wait in migration_entry_wait() for the
 * hold, under the VMA lock on 6.12 (seed 000) and under mmap_lock before
 * per-VMA locks; the injector itself holds no mmap_lock during the hold,
 * so an mmap() writer only waits when a fault holds mmap_lock (seed 001);
 * "move" really migrates and keeps the data, "restore" keeps the folios.
 * The mmap() writer test is in inj_tests.h.
 */
#define INJ VMB_INJ_MIGRATION_DIR
#define INJ_FEATURE "inject_migration"

#include "inj_tests.h"

static int inj_prepare(struct _test_data_inj *self, size_t i)
{
	/* Every page is populated: the entries replace present ptes. */
	return 0;
}

static void inj_reset(void)
{
	vmb_inj_write(INJ, "mode", "restore\n");
}

static bool inj_meets(enum vmb_map_type type)
{
	return true;
}

/* migration_entry_wait() waits holding whatever the fault holds. */
static bool inj_writer_waits(struct _test_data_inj *self,
			     enum vmb_map_type type)
{
	return !self->per_vma_lock;
}

static void inj_check_path(struct __test_metadata *_metadata,
			   struct _test_data_inj *self, enum vmb_map_type type,
			   const struct vmb_faults *f)
{
	/* do_swap_page() -> migration_entry_wait(): waits, no retry. */
	EXPECT_EQ(0UL, C(f, retry));
	if (self->per_vma_lock) {
		EXPECT_GE(C(f, vma_locked_done), 1UL);
	} else {
		EXPECT_GE(C(f, mmap_lock_faults), 1UL);
	}
}

static int pfns(const char *mem, long page, uint64_t *pfn)
{
	size_t i;
	int ret;

	for (i = 0; i < NPAGES; i++) {
		ret = vmb_pfn(mem + i * page, &pfn[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/* One hold in mode; returns how many pages changed frame. */
static void one_hold(struct __test_metadata *_metadata,
		     struct _test_data_inj *self, const char *mode,
		     size_t *changed, struct vmb_inj_stats *st)
{
	uint64_t before[NPAGES], after[NPAGES];
	size_t i;

	ASSERT_EQ(0, pfns(self->m.mem, self->page, before));
	ASSERT_NE(0UL, before[0]) TH_LOG("no PFNs in pagemap: not root?");
	ASSERT_EQ(0, vmb_inj_write(INJ, "mode", mode));
	ASSERT_EQ(0, vmb_inj_setup(INJ, self->m.mem, self->m.len, 10000, 0,
				   1));
	ASSERT_EQ(0, vmb_inj_arm(INJ));
	ASSERT_EQ(0, vmb_inj_wait_disarmed(INJ, 10000));
	ASSERT_EQ(0, vmb_inj_read_stats(INJ, st));
	/* Read after the hold: pagemap of the restored ptes. */
	EXPECT_EQ(0UL, vmb_map_check(self->m.mem, 0, NPAGES));
	ASSERT_EQ(0, pfns(self->m.mem, self->page, after));
	*changed = 0;
	for (i = 0; i < NPAGES; i++)
		*changed += before[i] != after[i];
}

TEST_F_TIMEOUT(inj, move_keeps_data, 60)
{
	struct vmb_inj_stats st;
	size_t changed;

	if (variant->type == VMB_MAP_RAMFS) {
		/* No plain migrate_folio() for ramfs: refused at arm. */
		ASSERT_EQ(0, vmb_inj_write(INJ, "mode", "move\n"));
		ASSERT_EQ(0, vmb_inj_setup(INJ, self->m.mem, self->m.len, 1000,
					   0, 1));
		EXPECT_EQ(-EINVAL, vmb_inj_arm(INJ));
		return;
	}
	one_hold(_metadata, self, "move\n", &changed, &st);
	EXPECT_EQ((int64_t)NPAGES, S(&st, folios_held));
	EXPECT_EQ((int64_t)NPAGES, S(&st, moved));
	EXPECT_EQ(NPAGES, changed);
	EXPECT_EQ(0, S(&st, errors));
}

/* A real migration of the largest range keeps every byte. */
TEST_F_TIMEOUT(inj, move_max_len, 180)
{
	size_t npages = VMB_LEN_MAX / self->page;
	struct vmb_inj_stats st;
	struct vmb_map big;

	if (variant->type != VMB_MAP_ANON && variant->type != VMB_MAP_MEMFD)
		SKIP(return, "anon and memfd are enough");
	ASSERT_EQ(0, vmb_map_create(&big, variant->type, npages));
	vmb_map_fill(&big, 0, npages);
	ASSERT_EQ(0, vmb_inj_write(INJ, "mode", "move\n"));
	ASSERT_EQ(0, vmb_inj_setup(INJ, big.mem, big.len, 1000, 0, 1));
	ASSERT_EQ(0, vmb_inj_arm(INJ));
	ASSERT_EQ(0, vmb_inj_wait_disarmed(INJ, 120000));
	ASSERT_EQ(0, vmb_inj_read_stats(INJ, &st));
	TH_LOG("%zu pages: held %" PRId64 ", moved %" PRId64 ", hold %" PRId64 " us",
	       npages, S(&st, folios_held), S(&st, moved),
	       S(&st, last_hold_us));
	EXPECT_EQ((int64_t)npages, S(&st, folios_held));
	EXPECT_EQ((int64_t)npages, S(&st, moved));
	EXPECT_EQ(0UL, vmb_map_check(big.mem, 0, npages));
	vmb_map_destroy(&big);
}

TEST_F_TIMEOUT(inj, restore_keeps_folios, 60)
{
	struct vmb_inj_stats st;
	size_t changed;

	one_hold(_metadata, self, "restore\n", &changed, &st);
	EXPECT_EQ((int64_t)NPAGES, S(&st, folios_held));
	EXPECT_EQ(0, S(&st, moved));
	EXPECT_EQ(0UL, changed);
}

TEST_F(inj, bad_mode)
{
	char buf[32];

	EXPECT_EQ(-EINVAL, vmb_inj_write(INJ, "mode", "bogus\n"));
	EXPECT_EQ(-EINVAL, vmb_inj_write(INJ, "mode", "2\n"));
	ASSERT_LT(0, vmb_inj_read(INJ, "mode", buf, sizeof(buf)));
	EXPECT_STREQ("restore\n", buf);
	ASSERT_EQ(0, vmb_inj_setup(INJ, self->m.mem, self->m.len, 1000000, 0,
				   1));
	ASSERT_EQ(0, vmb_inj_arm(INJ));
	EXPECT_EQ(-EBUSY, vmb_inj_write(INJ, "mode", "move\n"));
	ASSERT_EQ(0, vmb_inj_disarm(INJ));
}

TEST_HARNESS_MAIN
