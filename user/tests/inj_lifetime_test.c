// SPDX-License-Identifier: GPL-2.0
/*
 * What an armed injector may keep from others, and for how long.
 *
 * exit_frees_memory: the injectors keep the target's mm_struct (mmgrab),
 * not its address space: a target killed in the middle of a 5 s hold gets
 * its memory back as soon as it is reaped, not when the hold ends (which
 * is when an injector holding mm_users would let it go). MemFree must
 * come back within 100 ms of waitpid(), for each injector: by 80% of
 * what the target had, the rest being the few pages the hold pins and
 * freed pages still on the per-CPU lists, which MemFree does not count.
 *
 * busy_folio_*: another task holds folios of the folio_lock range locked
 * (the migration injector, on a second mapping of the same memfd). The
 * folio_lock injector waits for none of them while holding another: the
 * first folio it waits for (and disarm ends that wait), the rest it skips
 * and counts in folios_busy. Disarm ends within 10 ms of a disarm with
 * nothing busy on this platform, either way.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"
#include "lib/clock.h"
#include "lib/inj.h"
#include "lib/knob.h"
#include "lib/map.h"
#include "lib/module.h"
#include "lib/uapi.h"

#define MS 1000000ULL
/* The target's memory besides the injector's range. */
#define BIG_MB 256UL
#define NPAGES 16UL
#define S(s, name) ((s)->v[VMB_STAT_##name])

/* MemFree from /proc/meminfo, in kB; -errno on failure. */
static long mem_free_kb(void)
{
	char line[128];
	long kb = -ENOENT;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

FIXTURE(life) {
	int ok[2];
};

FIXTURE_VARIANT(life) {
	const char *inj;
	const char *feature;
};

FIXTURE_VARIANT_ADD(life, folio_lock) {
	.inj = VMB_INJ_FOLIO_LOCK_DIR,
	.feature = "inject_folio_lock",
};

FIXTURE_VARIANT_ADD(life, migration) {
	.inj = VMB_INJ_MIGRATION_DIR,
	.feature = "inject_migration",
};

FIXTURE_SETUP(life)
{
	if (vmb_loaded())
		SKIP(return, "vmalock_bench is not loaded (modprobe vmalock_bench)");
	if (vmb_has_feature(variant->feature) != 1)
		SKIP(return, "no %s in features", variant->feature);
}

FIXTURE_TEARDOWN(life)
{
	vmb_inj_disarm(VMB_INJ_FOLIO_LOCK_DIR);
	vmb_inj_disarm(VMB_INJ_MIGRATION_DIR);
	vmb_write(VMB_KNOB(migration, mode), "restore\n");
	vmb_set_target(0);
}

TEST_F_TIMEOUT(life, exit_frees_memory, 60)
{
	size_t big = BIG_MB << 20;
	long before, alive, now = 0;
	uint64_t t0, waited = 0;
	int pfd[2], status;
	char *addr;
	pid_t pid;

	ASSERT_EQ(0, pipe(pfd));
	before = mem_free_kb();
	ASSERT_LT(0, before);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct vmb_map m;
		char *mem;

		mem = mmap(NULL, big, PROT_READ | PROT_WRITE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mem == MAP_FAILED || vmb_map_create(&m, VMB_MAP_ANON,
							NPAGES))
			_exit(1);
		memset(mem, 1, big);
		vmb_map_fill(&m, 0, NPAGES);
		addr = m.mem;
		if (write(pfd[1], &addr, sizeof(addr)) != sizeof(addr))
			_exit(2);
		for (;;)
			pause();
	}
	close(pfd[1]);
	ASSERT_EQ((ssize_t)sizeof(addr), read(pfd[0], &addr, sizeof(addr)));
	close(pfd[0]);
	alive = mem_free_kb();
	ASSERT_LT(0, alive);
	ASSERT_EQ(0, vmb_set_target(pid));
	ASSERT_EQ(0, vmb_inj_setup(variant->inj, addr, NPAGES * vmb_page_size(),
				   5000000, 1000, -1));
	ASSERT_EQ(0, vmb_inj_arm(variant->inj));
	ASSERT_EQ(0, vmb_inj_wait_holding(variant->inj, 5000, &t0));
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	t0 = vmb_now_ns();
	while (waited < 100 * MS) {
		now = mem_free_kb();
		if (now - alive >= (long)(BIG_MB << 10) * 8 / 10)
			break;
		usleep(5000);
		waited = vmb_now_ns() - t0;
	}
	TH_LOG("MemFree: %ld kB before the target, %ld with it, %ld kB %" PRIu64 " ms after it was reaped",
	       before, alive, now, (uint64_t)(waited / MS));
	EXPECT_LE((long)(BIG_MB << 10) * 8 / 10, now - alive)
		TH_LOG("the target's %lu MiB came back only in part within 100 ms",
		       BIG_MB);
	/*
	 * The injector ends by itself: its target is gone. folio_lock's
	 * hold runs to its end (docs/injectors.md, "The target exits"), up
	 * to the whole 5 s after the kill, and then its next
	 * mmget_not_zero() fails: the hold and as long again for the
	 * platform (an injector that kept going, times -1, never ends).
	 */
	EXPECT_EQ(0, vmb_inj_wait_disarmed(variant->inj, 2 * 5000));
}

/* Two mappings of one memfd: what the migration injector holds locked. */
struct busy {
	struct vmb_map m;	/* the folio_lock injector's */
	char *other;		/* the migration injector's */
	uint64_t plain_ns;	/* median disarm in a hold, nothing busy */
};

/*
 * What a disarm takes here with nothing busy: the thread woken from its
 * hold, the folios released, the thread reaped. Under TCG on a busy host
 * that alone can take milliseconds (a wake-up of another vCPU waits for
 * the host to run it): the busy cases are judged against it.
 */
static int plain_disarm_ns(struct busy *b, uint64_t *ns)
{
	int64_t t[3];
	uint64_t t0;
	int i, ret;

	for (i = 0; i < 3; i++) {
		ret = vmb_inj_setup(VMB_INJ_FOLIO_LOCK_DIR, b->m.mem, b->m.len,
				    5000000, 0, 1);
		if (!ret)
			ret = vmb_inj_arm(VMB_INJ_FOLIO_LOCK_DIR);
		if (!ret)
			ret = vmb_inj_wait_holding(VMB_INJ_FOLIO_LOCK_DIR, 5000,
						   &t0);
		if (ret)
			return ret;
		t0 = vmb_now_ns();
		ret = vmb_inj_disarm(VMB_INJ_FOLIO_LOCK_DIR);
		t[i] = (int64_t)(vmb_now_ns() - t0);
		if (ret)
			return ret;
	}
	qsort(t, 3, sizeof(t[0]), vmb_cmp_s64);
	*ns = (uint64_t)t[1];
	return 0;
}

static void busy_setup(struct __test_metadata *_metadata, struct busy *b,
		       size_t skip)
{
	long page = vmb_page_size();
	uint64_t t0;

	ASSERT_EQ(0, vmb_map_create(&b->m, VMB_MAP_MEMFD, NPAGES));
	vmb_map_fill(&b->m, 0, NPAGES);
	b->other = mmap(NULL, b->m.len, PROT_READ | PROT_WRITE, MAP_SHARED,
			b->m.fd, 0);
	ASSERT_NE(MAP_FAILED, b->other);
	ASSERT_EQ(0, madvise(b->other, b->m.len, MADV_NOHUGEPAGE));
	/* Its ptes are what migrate_vma_setup() collects and locks. */
	ASSERT_EQ(0UL, vmb_map_check(b->other, 0, NPAGES));
	ASSERT_EQ(0, vmb_set_target(getpid()));
	ASSERT_EQ(0, plain_disarm_ns(b, &b->plain_ns));
	ASSERT_EQ(0, vmb_write(VMB_KNOB(migration, mode),
				   "restore\n"));
	ASSERT_EQ(0, vmb_inj_setup(VMB_INJ_MIGRATION_DIR,
				   b->other + skip * page,
				   (NPAGES - skip) * page, 5000000, 0, 1));
	ASSERT_EQ(0, vmb_inj_arm(VMB_INJ_MIGRATION_DIR));
	ASSERT_EQ(0, vmb_inj_wait_holding(VMB_INJ_MIGRATION_DIR, 5000, &t0));
	ASSERT_EQ(0, vmb_inj_setup(VMB_INJ_FOLIO_LOCK_DIR, b->m.mem, b->m.len,
				   5000000, 0, 1));
}

/*
 * Disarm, timed: within 10 ms of what a disarm with nothing busy takes
 * here (a wait for the busy folio would take the migration's 5 s).
 */
static void busy_disarm(struct __test_metadata *_metadata, struct busy *b)
{
	uint64_t t0, took;

	t0 = vmb_now_ns();
	ASSERT_EQ(0, vmb_inj_disarm(VMB_INJ_FOLIO_LOCK_DIR));
	took = vmb_now_ns() - t0;
	TH_LOG("disarm took %" PRIu64 " us; with nothing busy %" PRIu64 " us",
	       took / 1000, b->plain_ns / 1000);
	EXPECT_GE(10 * MS + b->plain_ns, took);
	ASSERT_EQ(0, vmb_inj_disarm(VMB_INJ_MIGRATION_DIR));
	munmap(b->other, b->m.len);
	vmb_map_destroy(&b->m);
}

/* The first folio is the busy one: folio_lock waits there, killably. */
TEST_F_TIMEOUT(life, busy_first_folio, 60)
{
	struct vmb_inj_stats st;
	struct busy b;

	if (strcmp(variant->inj, VMB_INJ_FOLIO_LOCK_DIR))
		SKIP(return, "a folio_lock test");
	if (vmb_has_feature("inject_migration") != 1)
		SKIP(return, "no inject_migration to hold folios with");
	busy_setup(_metadata, &b, 0);
	ASSERT_EQ(0, vmb_inj_arm(VMB_INJ_FOLIO_LOCK_DIR));
	/* Time to reach the first folio and wait for it. */
	usleep(100000);
	ASSERT_EQ(0, vmb_inj_read_stats(VMB_INJ_FOLIO_LOCK_DIR, &st));
	EXPECT_EQ(0, S(&st, holding));
	busy_disarm(_metadata, &b);
}

/* The first is free, the rest busy: skipped and counted, not waited for. */
TEST_F_TIMEOUT(life, busy_other_folios, 60)
{
	struct vmb_inj_stats st;
	struct busy b;
	uint64_t t0;

	if (strcmp(variant->inj, VMB_INJ_FOLIO_LOCK_DIR))
		SKIP(return, "a folio_lock test");
	if (vmb_has_feature("inject_migration") != 1)
		SKIP(return, "no inject_migration to hold folios with");
	busy_setup(_metadata, &b, 1);
	ASSERT_EQ(0, vmb_inj_arm(VMB_INJ_FOLIO_LOCK_DIR));
	ASSERT_EQ(0, vmb_inj_wait_holding(VMB_INJ_FOLIO_LOCK_DIR, 5000, &t0));
	busy_disarm(_metadata, &b);
	ASSERT_EQ(0, vmb_inj_read_stats(VMB_INJ_FOLIO_LOCK_DIR, &st));
	EXPECT_EQ(1, S(&st, folios_held));
	EXPECT_EQ((int64_t)NPAGES - 1, S(&st, folios_busy));
	EXPECT_EQ(1, S(&st, cut_short) + S(&st, holds));
}

TEST_HARNESS_MAIN
