// SPDX-License-Identifier: GPL-2.0
/*
 * An independent check of the fault accounting: on a kernel built with
 * CONFIG_PER_VMA_LOCK_STATS (scripts/build-kernel), /proc/vmstat's own
 * counters must move by the same amounts as the module's, each on its
 * own, when the target is the only process faulting:
 *
 *   vma_lock_success   vma_locked_done   (handled under the VMA lock)
 *   vma_lock_retry     vma_lock_retry    (VM_FAULT_RETRY, fell back)
 *   vma_lock_abort     vma_lock_attempt - vma_locked_done - vma_lock_retry
 *                      (lock_vma_under_rcu() NULL: the module's
 *                      vma_lock_miss, and the faults that never reached
 *                      handle_mm_fault(), which it counts as attempts only)
 *
 * The kernel's vma_lock_miss is something else: lock_vma_under_rcu()
 * found the VMA detached and looked again, invisible from outside; it is
 * logged. Faults of three kinds move the three: plain anon faults, missing
 * userfaultfd faults (handle_userfault() drops the VMA lock and returns
 * VM_FAULT_RETRY) and faults in a hole (no VMA: abort, then SIGSEGV).
 * Debian's kernels lack the option: the test skips there.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib/module.h"
#include "lib/uapi.h"

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

#define C(f, name) ((f)->v[VMB_C_##name])

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

#define UFFD_PAGES 32
#define HOLE_FAULTS 32

/* Resolve every missing fault on [mem, mem + UFFD_PAGES pages). */
struct resolver {
	int fd;
	char *src;
	int ret;
};

static void *resolve(void *arg)
{
	struct resolver *r = arg;
	struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
	long pg = getpagesize();
	struct uffd_msg msg;
	int n;

	for (n = 0; n < UFFD_PAGES; n++) {
		struct uffdio_copy c = { .src = (uintptr_t)r->src, .len = pg };

		if (poll(&pfd, 1, 10000) != 1 ||
		    read(r->fd, &msg, sizeof(msg)) != sizeof(msg) ||
		    msg.event != UFFD_EVENT_PAGEFAULT) {
			r->ret = -EPROTO;
			return NULL;
		}
		c.dst = msg.arg.pagefault.address & ~(uint64_t)(pg - 1);
		if (ioctl(r->fd, UFFDIO_COPY, &c)) {
			r->ret = -errno;
			return NULL;
		}
	}
	return NULL;
}

static sigjmp_buf segv_env;

static void on_segv(int sig)
{
	siglongjmp(segv_env, 1);
}

TEST_F(xcheck, vmstat_matches_module)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct sigaction sa = { .sa_handler = on_segv }, old;
	long pg = getpagesize(), i;
	struct resolver r = { 0 };
	struct vmstat_vma a, b;
	volatile int holes = 0;
	char *mem, *uf, *hole;
	struct vmb_faults f;
	uint64_t aborted;
	pthread_t t;

	mem = mmap(NULL, NPAGES * pg, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, mem);
	uf = mmap(NULL, UFFD_PAGES * pg, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, uf);
	/* A hole: mapped, then unmapped. */
	hole = mmap(NULL, pg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, hole);
	ASSERT_EQ(0, munmap(hole, pg));
	ASSERT_EQ(0, madvise(mem, NPAGES * pg, MADV_NOHUGEPAGE));
	ASSERT_EQ(0, madvise(uf, UFFD_PAGES * pg, MADV_NOHUGEPAGE));
	r.src = malloc(pg);
	ASSERT_NE(NULL, r.src);
	memset(r.src, 0x5a, pg);
	r.fd = syscall(__NR_userfaultfd, O_CLOEXEC);
	if (r.fd < 0)
		SKIP(return, "userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(r.fd, UFFDIO_API, &api));
	reg.range.start = (uintptr_t)uf;
	reg.range.len = UFFD_PAGES * pg;
	ASSERT_EQ(0, ioctl(r.fd, UFFDIO_REGISTER, &reg));
	ASSERT_EQ(0, sigaction(SIGSEGV, &sa, &old));
	/* The first faults (anon_vmas, the resolver's stack) before counting. */
	ASSERT_EQ(0, pthread_create(&t, NULL, resolve, &r));
	mem[0] = 1;
	uf[0] = 1;
	usleep(100000);

	ASSERT_EQ(0, read_vmstat(&a));
	ASSERT_EQ(0, vmb_reset());
	for (i = 1; i < NPAGES; i++)
		mem[i * pg] = 1;
	for (i = 1; i < UFFD_PAGES; i++)
		(void)*(volatile char *)(uf + i * pg);
	for (i = 0; i < HOLE_FAULTS; i++)
		if (sigsetjmp(segv_env, 1) == 0)
			(void)*(volatile char *)hole;
		else
			holes++;
	ASSERT_EQ(0, vmb_read_faults(&f));
	ASSERT_EQ(0, read_vmstat(&b));
	sigaction(SIGSEGV, &old, NULL);
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ(0, r.ret) TH_LOG("resolver: %s", strerror(-r.ret));
	ASSERT_EQ(HOLE_FAULTS, holes);

	TH_LOG("vmstat: success %llu retry %llu abort %llu (miss %llu); module: vma_lock_attempt %llu vma_locked_done %llu vma_lock_retry %llu vma_lock_miss %llu",
	       b.success - a.success, b.retry - a.retry, b.abort - a.abort,
	       b.miss - a.miss, (unsigned long long)C(&f, vma_lock_attempt),
	       (unsigned long long)C(&f, vma_locked_done),
	       (unsigned long long)C(&f, vma_lock_retry),
	       (unsigned long long)C(&f, vma_lock_miss));
	EXPECT_GE(C(&f, vma_locked_done), (uint64_t)NPAGES - 1);
	EXPECT_GE(C(&f, vma_lock_retry), (uint64_t)UFFD_PAGES - 1);
	/* The holes: attempts that neither succeeded nor missed. */
	aborted = C(&f, vma_lock_attempt) - C(&f, vma_locked_done) -
		  C(&f, vma_lock_retry);
	EXPECT_GE(aborted - C(&f, vma_lock_miss), (uint64_t)HOLE_FAULTS);
	/* Each the same, but for a few faults from the idle VM. */
	EXPECT_GE(b.success - a.success, C(&f, vma_locked_done));
	EXPECT_LE(b.success - a.success, C(&f, vma_locked_done) + SLACK);
	EXPECT_GE(b.retry - a.retry, C(&f, vma_lock_retry));
	EXPECT_LE(b.retry - a.retry, C(&f, vma_lock_retry) + SLACK);
	EXPECT_GE(b.abort - a.abort, aborted);
	EXPECT_LE(b.abort - a.abort, aborted + SLACK);
	close(r.fd);
	free(r.src);
	munmap(mem, NPAGES * pg);
	munmap(uf, UFFD_PAGES * pg);
}

TEST_HARNESS_MAIN
