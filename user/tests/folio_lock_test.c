// SPDX-License-Identifier: GPL-2.0
/*
 * What only folio_lock/ does (what every injector does, on every mapping
 * type, is in inj_test.c): holds back to back make a fault that
 * filemap_fault() lets go retry more than once (seed 003).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>

#include "kselftest_harness.h"
#include "inj_ops.h"
#include "lib/clock.h"
#include "lib/inj.h"
#include "lib/module.h"

#define C(f, name) ((f)->v[VMB_C_##name])

FIXTURE(folio_lock) {
	struct inj_ctx c;
};

FIXTURE_VARIANT(folio_lock) {
	enum vmb_map_type type;
};

/* filemap_fault() retries only on a page-cache file: ramfs. */
FIXTURE_VARIANT_ADD(folio_lock, ramfs) {
	.type = VMB_MAP_RAMFS,
};

FIXTURE_SETUP(folio_lock)
{
	int ret = inj_ctx_setup(&self->c, &inj_folio_lock, variant->type);

	if (ret == 1)
		SKIP(return, "%s", self->c.why);
	ASSERT_EQ(0, ret);
}

FIXTURE_TEARDOWN(folio_lock)
{
	inj_ctx_teardown(&self->c);
}

/*
 * Seed 003: a fault retried more than once. Holds back to back
 * (interval_us 0): the injector takes the folio again right after the
 * faulting thread, woken by the unlock, let it go to retry. With the VMA
 * lock the first retry is not FAULT_FLAG_TRIED (no VM_FAULT_MAJOR), so the
 * mmap_lock attempt may drop and retry again: three attempts. Without it,
 * the second attempt is TRIED and waits: two. Whether the injector takes
 * the folio back before the retry looks is a race: under single-threaded
 * TCG the retry wins most of the time (3 faults of 40 lost it, in two
 * make check runs), so up to MANY_TRIES faults, until one retries twice.
 */
#define MANY_TRIES 100
TEST_F_TIMEOUT(folio_lock, retry_many, 120)
{
	struct inj_ctx *c = &self->c;
	volatile char *p = c->m.mem + c->page;
	uint64_t start, t0, multi = 0;
	struct vmb_faults f;
	int i;

	if (!c->accounting)
		SKIP(return, "no fault_accounting in features");
	ASSERT_EQ(0, vmb_inj_setup(c->inj, c->m.mem, c->m.len, 5000, 0, -1));
	ASSERT_EQ(0, vmb_inj_arm(c->inj));
	for (i = 0; i < MANY_TRIES && !multi; i++) {
		ASSERT_EQ(0, c->ops->prepare(&c->m, c->page, 1));
		ASSERT_EQ(0, vmb_inj_wait_holding(c->inj, 5000, &start));
		ASSERT_EQ(0, vmb_reset());
		t0 = vmb_now_ns();
		(void)*p;
		ASSERT_EQ(0, vmb_read_faults(&f));
		TH_LOG("fault %d: %" PRIu64 " us, retry %" PRIu64 ", attempts 1/2/3/4+ %" PRIu64 "/%" PRIu64 "/%" PRIu64 "/%" PRIu64,
		       i, (vmb_now_ns() - t0) / 1000, C(&f, retry),
		       C(&f, attempts_1), C(&f, attempts_2), C(&f, attempts_3),
		       C(&f, attempts_4plus));
		if (c->per_vma_lock)
			multi += C(&f, attempts_3) + C(&f, attempts_4plus);
		else
			multi += C(&f, attempts_2);
	}
	ASSERT_EQ(0, vmb_inj_disarm(c->inj));
	EXPECT_GE(multi, 1UL) TH_LOG("no fault of %d retried %s", i,
				   c->per_vma_lock ? "twice" : "at all");
	TH_LOG("%d fault(s) of at most %d until one retried %s", i,
	       MANY_TRIES, c->per_vma_lock ? "twice" : "once");
	EXPECT_EQ(0UL, vmb_map_check(c->m.mem, 0, NPAGES));
}

TEST_HARNESS_MAIN
