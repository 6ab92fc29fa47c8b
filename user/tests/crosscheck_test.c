// SPDX-License-Identifier: GPL-2.0
/*
 * An independent check of the fault accounting: on a kernel built with
 * CONFIG_PER_VMA_LOCK_STATS (scripts/build-kernel), /proc/vmstat's own
 * vma_lock_success / vma_lock_retry / vma_lock_abort + vma_lock_miss must
 * move by the same amounts as the module's vma_locked_done /
 * vma_lock_retry / vma_lock_miss when the target is the only process
 * faulting. Debian's kernels lack the option: the test skips there.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "libvmb.h"

#define NPAGES 1024
/* Faults of other processes in the idle VM (the init shell waiting). */
#define SLACK 4

struct vmstat_vma {
	unsigned long long success, abort, retry, miss;
};

static int read_vmstat(struct vmstat_vma *v)
{
	char name[64];
	unsigned long long val;
	int found = 0;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -errno;
	memset(v, 0, sizeof(*v));
	while (fscanf(f, "%63s %llu", name, &val) == 2) {
		if (!strcmp(name, "vma_lock_success"))
			v->success = val, found++;
		else if (!strcmp(name, "vma_lock_abort"))
			v->abort = val, found++;
		else if (!strcmp(name, "vma_lock_retry"))
			v->retry = val, found++;
		else if (!strcmp(name, "vma_lock_miss"))
			v->miss = val, found++;
	}
	fclose(f);
	return found == 4 ? 0 : -ENOENT;
}

#define C(f, name) ((f)->v[VMB_CTR_##name])

FIXTURE(xcheck) {
	int unused;
};

FIXTURE_SETUP(xcheck)
{
	struct vmstat_vma v;

	if (vmb_loaded())
		SKIP(return, "vmalock_bench is not loaded");
	if (read_vmstat(&v))
		SKIP(return,
		     "no vma_lock_* in /proc/vmstat: the kernel lacks CONFIG_PER_VMA_LOCK_STATS (scripts/build-kernel has it)");
	if (vmb_has_feature("per_vma_lock") != 1)
		SKIP(return, "no per_vma_lock in features");
	ASSERT_EQ(0, vmb_set_target(getpid()));
}

FIXTURE_TEARDOWN(xcheck)
{
	vmb_set_target(0);
}

static void *toucher(void *arg)
{
	char *p = arg;
	long i, pg = getpagesize();

	for (i = 0; i < NPAGES; i++)
		p[i * pg] = 1;
	return NULL;
}

TEST_F(xcheck, vmstat_matches_module)
{
	struct vmstat_vma a, b;
	struct vmb_faults f;
	size_t len = (size_t)NPAGES * getpagesize();
	pthread_t t;
	char *mem;

	mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	ASSERT_EQ(0, madvise(mem, len, MADV_NOHUGEPAGE));
	/* The first fault prepares the anon_vma; keep it out of the count. */
	mem[0] = 1;

	ASSERT_EQ(0, read_vmstat(&a));
	ASSERT_EQ(0, vmb_reset());
	/* A second thread, so that both sides see more than one task. */
	ASSERT_EQ(0, pthread_create(&t, NULL, toucher, mem));
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ(0, vmb_read_faults(&f));
	ASSERT_EQ(0, read_vmstat(&b));
	munmap(mem, len);

	TH_LOG("vmstat success %llu retry %llu abort+miss %llu; module done %llu retry %llu miss %llu",
	       b.success - a.success, b.retry - a.retry,
	       (b.abort - a.abort) + (b.miss - a.miss),
	       (unsigned long long)C(&f, vma_locked_done),
	       (unsigned long long)C(&f, vma_lock_retry),
	       (unsigned long long)C(&f, vma_lock_miss));
	EXPECT_GE(C(&f, vma_locked_done), (uint64_t)NPAGES - 1);
	/* Our faults are all of it but for a few from the idle VM. */
	EXPECT_GE(b.success - a.success, C(&f, vma_locked_done));
	EXPECT_LE(b.success - a.success, C(&f, vma_locked_done) + SLACK);
	EXPECT_GE(b.retry - a.retry, C(&f, vma_lock_retry));
	EXPECT_LE(b.retry - a.retry, C(&f, vma_lock_retry) + SLACK);
	EXPECT_GE((b.abort - a.abort) + (b.miss - a.miss),
		  C(&f, vma_lock_miss));
	EXPECT_LE((b.abort - a.abort) + (b.miss - a.miss),
		  C(&f, vma_lock_miss) + SLACK);
}

TEST_HARNESS_MAIN
