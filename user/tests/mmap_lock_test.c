// SPDX-License-Identifier: GPL-2.0
/*
 * target/mmap_lock: the target's mmap_lock acquisitions, failures, waits
 * and write holds, from the kernel's mmap_lock tracepoints.
 *
 * writes_outside: N mmap()/munmap() pairs are 2N write acquisitions
 * outside faults, each held a while, none in a fault.
 * fault_loop: anonymous faults take mmap_lock for read once each on a
 * kernel without per-VMA locks (6.1), about never on one with them
 * (6.12); every start/return pair lands in exactly one wait bucket.
 * writer_behind_fault: a fault asleep on a locked shmem folio holds
 * mmap_lock for read on 6.1 (shmem_fault() locks the folio under the
 * fault's lock), so an mmap() in another thread waits for the rest of the
 * folio_lock/ hold; on 6.12 the fault holds only its VMA lock and the
 * mmap() does not wait.
 * nothing_targeted: with no target nothing is counted, even while the
 * probes linger for their second.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib/clock.h"
#include "lib/inj.h"
#include "lib/knob.h"
#include "lib/map.h"
#include "lib/module.h"
#include "lib/uapi.h"

#define ML(m, name) ((m)->v[VMB_ML_##name])
#define FC(f, name) ((f)->v[VMB_C_##name])

/* Locks the test thread takes besides the ones under test (libc, harness). */
#define ALLOWANCE 16UL

static void log_ml(struct __test_metadata *_metadata,
		   const struct vmb_mmap_lock *ml)
{
	char line[2048];
	size_t used = 0;

	for (unsigned int i = 0; i < VMB_ML_NR; i++)
		if (ml->v[i] && used < sizeof(line))
			used += snprintf(line + used, sizeof(line) - used,
					 " %s=%llu", vmb_mmap_lock_names[i],
					 (unsigned long long)ml->v[i]);
	TH_LOG("mmap_lock:%s", used ? line : " all 0");
}

/* Every start/return pair (acquired or not) is in one wait bucket. */
static void check_buckets(struct __test_metadata *_metadata,
			  const struct vmb_mmap_lock *ml)
{
	uint64_t waits = 0;

	for (unsigned int i = VMB_ML_wait_lt_1us; i < VMB_ML_NR; i++)
		waits += ml->v[i];
	EXPECT_EQ(ML(ml, read_in_fault) + ML(ml, read_outside) +
		  ML(ml, write_in_fault) + ML(ml, write_outside) +
		  ML(ml, read_failed) + ML(ml, write_failed), waits);
}

FIXTURE(ml) {
	int per_vma_lock;
	int folio_lock;
};

FIXTURE_SETUP(ml)
{
	if (vmb_loaded())
		SKIP(return, "vmalock_bench is not loaded (modprobe vmalock_bench)");
	if (vmb_has_feature("fault_accounting") != 1)
		SKIP(return, "no fault_accounting in features");
	self->per_vma_lock = vmb_has_feature("per_vma_lock") == 1;
	self->folio_lock = vmb_has_feature("inject_folio_lock") == 1;
	ASSERT_EQ(0, vmb_set_target(getpid()));
}

FIXTURE_TEARDOWN(ml)
{
	vmb_inj_disarm(VMB_INJ_FOLIO_LOCK_DIR);
	vmb_set_target(0);
}

#define MMAPS 200

TEST_F(ml, writes_outside)
{
	long psz = sysconf(_SC_PAGESIZE);
	struct vmb_mmap_lock ml;
	int i;

	ASSERT_EQ(0, vmb_reset());
	for (i = 0; i < MMAPS; i++) {
		void *p = mmap(NULL, psz, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		ASSERT_NE(MAP_FAILED, p);
		ASSERT_EQ(0, munmap(p, psz));
	}
	ASSERT_EQ(0, vmb_read_mmap_lock(&ml));
	log_ml(_metadata, &ml);
	EXPECT_LE(2UL * MMAPS, ML(&ml, write_outside));
	EXPECT_GE(2UL * MMAPS + ALLOWANCE, ML(&ml, write_outside));
	EXPECT_EQ(0UL, ML(&ml, write_in_fault));
	EXPECT_EQ(0UL, ML(&ml, write_failed));
	/* Each hold lasts a little: 400 of them are not 0 ns together. */
	EXPECT_LT(0UL, ML(&ml, write_hold_ns));
	check_buckets(_metadata, &ml);

	/* Reset zeroes every field. */
	ASSERT_EQ(0, vmb_reset());
	ASSERT_EQ(0, vmb_read_mmap_lock(&ml));
	EXPECT_GE(ALLOWANCE, ML(&ml, write_outside));
}

#define NPAGES 512UL

TEST_F(ml, fault_loop)
{
	size_t len = NPAGES * sysconf(_SC_PAGESIZE);
	struct vmb_mmap_lock ml;
	struct vmb_faults f;
	void *mem;

	ASSERT_EQ(0, vmb_reset());
	ASSERT_EQ(0, vmb_fault_anon(NPAGES, &mem));
	ASSERT_EQ(0, vmb_read_mmap_lock(&ml));
	ASSERT_EQ(0, vmb_read_faults(&f));
	munmap(mem, len);
	log_ml(_metadata, &ml);
	TH_LOG("faults %llu mmap_lock_faults %llu",
	       (unsigned long long)FC(&f, faults),
	       (unsigned long long)FC(&f, mmap_lock_faults));
	EXPECT_LE(NPAGES, FC(&f, faults));
	if (self->per_vma_lock) {
		/* Only the few that fall back (the first needs an anon_vma). */
		EXPECT_GE(ALLOWANCE, ML(&ml, read_in_fault));
	} else {
		/*
		 * One mmap_read_trylock() (or lock) per fault; the two files
		 * are read one after the other, and faults of the reads
		 * themselves may land in one and not the other.
		 */
		EXPECT_LE(NPAGES, ML(&ml, read_in_fault));
		EXPECT_LE(FC(&f, faults), ML(&ml, read_in_fault) + ALLOWANCE);
		EXPECT_GE(FC(&f, faults) + ALLOWANCE, ML(&ml, read_in_fault));
	}
	/* The mmap() of the area, outside any fault. */
	EXPECT_LE(1UL, ML(&ml, write_outside));
	EXPECT_EQ(0UL, ML(&ml, write_in_fault));
	check_buckets(_metadata, &ml);
}

#define HOLD_US 300000ULL

struct toucher {
	const char *mem;
	uint64_t ns;
};

static void *touch_thread(void *p)
{
	struct toucher *t = p;

	t->ns = vmb_map_touch_ns(t->mem, 0);
	return NULL;
}

TEST_F_TIMEOUT(ml, writer_behind_fault, 60)
{
	long psz = sysconf(_SC_PAGESIZE);
	struct toucher t = {};
	struct vmb_mmap_lock ml;
	struct vmb_inj_stats st;
	uint64_t hold_start, w0, w1, expect;
	struct vmb_map m;
	pthread_t th;
	void *p;

	if (!self->folio_lock)
		SKIP(return, "no inject_folio_lock in features");
	ASSERT_EQ(0, vmb_map_create(&m, VMB_MAP_MEMFD, 4));
	vmb_map_fill(&m, 0, 4);
	/* In the page cache, not mapped: the touch faults into the lock. */
	ASSERT_EQ(0, madvise(m.mem, m.len, MADV_DONTNEED));
	ASSERT_EQ(0, vmb_inj_setup(VMB_INJ_FOLIO_LOCK_DIR, m.mem, psz,
				   HOLD_US, 0, 1));
	ASSERT_EQ(0, vmb_inj_arm(VMB_INJ_FOLIO_LOCK_DIR));
	ASSERT_EQ(0, vmb_inj_wait_holding(VMB_INJ_FOLIO_LOCK_DIR, 10000,
					  &hold_start));
	ASSERT_EQ(0, vmb_reset());
	t.mem = m.mem;
	ASSERT_EQ(0, pthread_create(&th, NULL, touch_thread, &t));
	/* Let the fault reach the folio lock. */
	usleep(30000);
	w0 = vmb_now_ns();
	p = mmap(NULL, psz, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	w1 = vmb_now_ns();
	ASSERT_NE(MAP_FAILED, p);
	munmap(p, psz);
	ASSERT_EQ(0, vmb_join_ms(th, 10000));
	ASSERT_EQ(0, vmb_inj_wait_disarmed(VMB_INJ_FOLIO_LOCK_DIR, 10000));
	ASSERT_EQ(0, vmb_read_mmap_lock(&ml));
	ASSERT_EQ(0, vmb_inj_read_stats(VMB_INJ_FOLIO_LOCK_DIR, &st));
	log_ml(_metadata, &ml);
	/* From the writer's start to the hold's end. */
	expect = (uint64_t)st.v[VMB_STAT_hold_end_ns] > w0 ?
		 (uint64_t)st.v[VMB_STAT_hold_end_ns] - w0 : 0;
	TH_LOG("hold %llu us, the fault took %llu us, mmap() %llu us, hold left at mmap() %llu us, write_wait %llu us",
	       (unsigned long long)st.v[VMB_STAT_last_hold_us],
	       (unsigned long long)t.ns / 1000,
	       (unsigned long long)(w1 - w0) / 1000,
	       (unsigned long long)expect / 1000,
	       (unsigned long long)ML(&ml, write_wait_ns) / 1000);
	ASSERT_EQ(1, st.v[VMB_STAT_holds]);
	ASSERT_LT(HOLD_US * 1000 / 2, expect)
		TH_LOG("the writer started too late to test anything");
	if (self->per_vma_lock) {
		/* The fault holds its VMA lock only: no wait for the writer. */
		EXPECT_GT(expect / 2, ML(&ml, write_wait_ns));
		EXPECT_GE(ALLOWANCE, ML(&ml, read_in_fault));
	} else {
		/* Waited for the rest of the hold, behind the fault. */
		EXPECT_LE(expect / 100 * 95, ML(&ml, write_wait_ns));
		EXPECT_LE(1UL, ML(&ml, read_in_fault));
		/* The wait fell in a bucket of 65536 us or more. */
		EXPECT_LE(1UL, ML(&ml, wait_65536us) + ML(&ml, wait_131072us) +
			       ML(&ml, wait_262144us) + ML(&ml, wait_524288us));
	}
	check_buckets(_metadata, &ml);
	vmb_map_destroy(&m);
}

TEST(nothing_targeted)
{
	long psz = sysconf(_SC_PAGESIZE);
	struct vmb_mmap_lock ml;

	if (vmb_loaded())
		SKIP(return, "vmalock_bench is not loaded (modprobe vmalock_bench)");
	if (vmb_has_feature("fault_accounting") != 1)
		SKIP(return, "no fault_accounting in features");
	ASSERT_EQ(0, vmb_set_target(0));
	for (int i = 0; i < MMAPS; i++) {
		void *p = mmap(NULL, psz, PROT_READ,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		ASSERT_NE(MAP_FAILED, p);
		ASSERT_EQ(0, munmap(p, psz));
	}
	ASSERT_EQ(0, vmb_read_mmap_lock(&ml));
	for (unsigned int i = 0; i < VMB_ML_NR; i++) {
		EXPECT_EQ(0UL, ml.v[i])
			TH_LOG("%s", vmb_mmap_lock_names[i]);
	}
}

TEST_HARNESS_MAIN
