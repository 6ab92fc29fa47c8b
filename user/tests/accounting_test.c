// SPDX-License-Identifier: GPL-2.0
/*
 * Fault-path accounting (target/) and force_mmap_lock, on whichever
 * kernel the VM runs: what to expect is decided from the features file.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <setjmp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib/knob.h"
#include "lib/map.h"
#include "lib/module.h"
#include "lib/uapi.h"

#define NPAGES 512UL
/*
 * Faults of a fresh anonymous VMA that may not finish under the VMA lock:
 * the first one needs an anon_vma, and __vmf_anon_prepare() falls back
 * (VM_FAULT_RETRY, then mmap_lock) when mmap_read_trylock() fails; plus
 * the few faults the test thread itself takes on stack, libc and harness
 * pages between the reset and the read.
 */
#define ALLOWANCE 16UL

#define C(f, name) ((f)->v[VMB_C_##name])

static int page_size(void)
{
	return sysconf(_SC_PAGESIZE);
}

FIXTURE(acct) {
	int per_vma_lock;
	int force_ok;
};

FIXTURE_VARIANT(acct) {
	int force;
};

FIXTURE_VARIANT_ADD(acct, vma_lock) {
	.force = 0,
};

FIXTURE_VARIANT_ADD(acct, forced) {
	.force = 1,
};

FIXTURE_SETUP(acct)
{
	if (vmb_loaded())
		SKIP(return, "vmalock_bench is not loaded (modprobe vmalock_bench)");
	if (vmb_has_feature("fault_accounting") != 1)
		SKIP(return, "no fault_accounting in features");
	self->per_vma_lock = vmb_has_feature("per_vma_lock") == 1;
	self->force_ok = vmb_has_feature("force_mmap_lock") == 1;
	if (variant->force && !self->force_ok)
		SKIP(return, "no force_mmap_lock in features");
	ASSERT_EQ(0, vmb_set_target(getpid()));
	if (self->force_ok)
		ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(target, force_mmap_lock),
					   variant->force));
}

FIXTURE_TEARDOWN(acct)
{
	if (self->force_ok)
		vmb_write(VMB_KNOB(target, force_mmap_lock), "0\n");
	vmb_set_target(0);
}

static void check_vma_locked(struct __test_metadata *_metadata,
			     struct vmb_faults *f)
{
	EXPECT_GE(C(f, vma_lock_attempt), NPAGES);
	EXPECT_GE(C(f, vma_locked_done), NPAGES - ALLOWANCE);
	EXPECT_LE(C(f, mmap_lock_faults), ALLOWANCE);
	EXPECT_EQ(0UL, C(f, forced_miss));
}

TEST_F(acct, anon_faults)
{
	size_t len = (size_t)NPAGES * page_size();
	struct vmb_faults f;
	void *mem;

	ASSERT_EQ(0, vmb_reset());
	ASSERT_EQ(0, vmb_fault_anon(NPAGES, &mem));
	ASSERT_EQ(0, vmb_read_faults(&f));
	for (unsigned int i = 0; i < VMB_C_NR; i++) {
		TH_LOG("%s %llu", vmb_counter_names[i],
		       (unsigned long long)f.v[i]);
	}

	EXPECT_GE(C(&f, faults), NPAGES);
	EXPECT_GE(C(&f, attempts_1), NPAGES - ALLOWANCE);
	EXPECT_EQ(C(&f, faults), C(&f, attempts_1) + C(&f, attempts_2) +
				 C(&f, attempts_3) + C(&f, attempts_4plus));
	EXPECT_EQ(0UL, C(&f, probe_missed));
	EXPECT_EQ(0UL, C(&f, slot_overflow));

	if (variant->force) {
		EXPECT_GE(C(&f, vma_lock_miss), NPAGES);
		EXPECT_GE(C(&f, forced_miss), NPAGES);
		EXPECT_GE(C(&f, mmap_lock_faults), NPAGES);
		EXPECT_EQ(0UL, C(&f, vma_locked_done));
	} else if (self->per_vma_lock) {
		check_vma_locked(_metadata, &f);
	} else {
		EXPECT_GE(C(&f, mmap_lock_faults), NPAGES);
		EXPECT_EQ(0UL, C(&f, vma_lock_attempt));
		EXPECT_EQ(0UL, C(&f, vma_lock_miss));
		EXPECT_EQ(0UL, C(&f, vma_locked_done));
		EXPECT_EQ(0UL, C(&f, vma_lock_retry));
	}

	/* Every VMA read lock taken, forced or not, has been dropped. */
	ASSERT_EQ(0, vmb_munmap_elsewhere(mem, len, 10000))
		TH_LOG("munmap from another thread did not return: VMA lock leaked?");

	if (!variant->force)
		return;
	/* Back to 0: VMA-locked again. */
	ASSERT_EQ(0, vmb_write(VMB_KNOB(target, force_mmap_lock), "0\n"));
	ASSERT_EQ(0, vmb_reset());
	ASSERT_EQ(0, vmb_fault_anon(NPAGES, &mem));
	ASSERT_EQ(0, vmb_read_faults(&f));
	check_vma_locked(_metadata, &f);
	ASSERT_EQ(0, vmb_munmap_elsewhere(mem, len, 10000));
}

/*
 * Threads map, fault and unmap while force_mmap_lock flips under them:
 * the VMA locks the module drops must be exactly the ones taken, or a
 * munmap() (vma_start_write()) blocks forever or the kernel log shows a
 * rwsem warning; both fail the run.
 */
#define CHURN_THREADS 4
#define CHURN_ROUNDS 200
#define CHURN_PAGES 32UL

static void *churn_thread(void *p)
{
	long *done = p;
	void *mem;

	for (int i = 0; i < CHURN_ROUNDS; i++) {
		if (vmb_fault_anon(CHURN_PAGES, &mem) ||
		    munmap(mem, CHURN_PAGES * page_size()))
			return (void *)1L;
		(*done)++;
	}
	return NULL;
}

static int churn_stop;

static void *flip_thread(void *p)
{
	int v = 0;

	while (!__atomic_load_n(&churn_stop, __ATOMIC_RELAXED)) {
		vmb_write(VMB_KNOB(target, force_mmap_lock), (v ^= 1) ? "1\n" : "0\n");
		usleep(200);
	}
	return NULL;
}

TEST_F(acct, churn)
{
	pthread_t t[CHURN_THREADS], flip;
	long done[CHURN_THREADS] = {};
	struct vmb_faults f;
	struct timespec ts;
	void *ret;
	int i;

	ASSERT_EQ(0, vmb_reset());
	__atomic_store_n(&churn_stop, 0, __ATOMIC_RELAXED);
	if (variant->force)
		ASSERT_EQ(0, pthread_create(&flip, NULL, flip_thread, NULL));
	for (i = 0; i < CHURN_THREADS; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, churn_thread, &done[i]));
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 60;
	for (i = 0; i < CHURN_THREADS; i++) {
		ASSERT_EQ(0, pthread_timedjoin_np(t[i], &ret, &ts))
			TH_LOG("thread %d stuck after %ld rounds", i, done[i]);
		EXPECT_EQ(NULL, ret);
	}
	__atomic_store_n(&churn_stop, 1, __ATOMIC_RELAXED);
	if (variant->force)
		ASSERT_EQ(0, pthread_join(flip, NULL));
	ASSERT_EQ(0, vmb_read_faults(&f));
	EXPECT_GE(C(&f, faults), CHURN_THREADS * CHURN_ROUNDS * CHURN_PAGES);
	EXPECT_EQ(0UL, C(&f, probe_missed));
	EXPECT_EQ(0UL, C(&f, slot_overflow));
	if (variant->force) {
		EXPECT_LT(0UL, C(&f, forced_miss));
	}
}

/* Counters move for the target only, and survive its death. */
TEST_F(acct, other_process)
{
	int go[2], ready[2], zero = 1;
	struct vmb_faults f;
	pid_t a, b;
	uint64_t v;
	void *mem;
	char c;

	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(ready));
	a = fork();
	ASSERT_GE(a, 0);
	if (!a) {
		close(go[1]);
		close(ready[0]);
		if (write(ready[1], "r", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		if (vmb_fault_anon(NPAGES, &mem))
			_exit(2);
		if (write(ready[1], "d", 1) != 1)
			_exit(3);
		/* Hold until the parent closes the pipe. */
		while (read(go[0], &c, 1) > 0)
			;
		_exit(0);
	}
	close(go[0]);
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	ASSERT_EQ(0, vmb_set_target(a));

	/* Not the target: nothing moves. */
	b = fork();
	ASSERT_GE(b, 0);
	if (!b)
		_exit(vmb_fault_anon(NPAGES, &mem) ? 1 : 0);
	ASSERT_EQ(b, waitpid(b, &zero, 0));
	ASSERT_EQ(0, zero);
	ASSERT_EQ(0, vmb_read_faults(&f));
	for (unsigned int i = 0; i < VMB_C_NR; i++) {
		EXPECT_EQ(0UL, f.v[i])
			TH_LOG("%s moved", vmb_counter_names[i]);
	}

	/* The target faults: counted. */
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(1, read(ready[0], &c, 1));
	ASSERT_EQ(0, vmb_read_faults(&f));
	EXPECT_GE(C(&f, faults), NPAGES);

	/* The target dies: still readable, still named. */
	close(go[1]);
	ASSERT_EQ(a, waitpid(a, &zero, 0));
	ASSERT_EQ(0, zero);
	ASSERT_EQ(0, vmb_read_faults(&f));
	EXPECT_GE(C(&f, faults), NPAGES);
	ASSERT_EQ(0, vmb_read_u64(VMB_KNOB(target, pid), &v));
	EXPECT_EQ((uint64_t)a, v);
	close(ready[0]);
}

/*
 * The same while another process faults eight times as many pages at the
 * same moment: only the target's faults are counted.
 */
TEST_F(acct, other_process_meanwhile)
{
	size_t len = (size_t)NPAGES * page_size();
	volatile long *shared;	/* [0]: stop, [1]: rounds of the other */
	int go[2], done[2], status;
	long rounds_go, rounds_done;
	struct vmb_faults f;
	pid_t a, b;
	void *mem;
	char c;

	shared = mmap(NULL, page_size(), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, shared);
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(done));
	b = fork();
	ASSERT_GE(b, 0);
	if (!b) {
		while (!shared[0]) {
			if (vmb_fault_anon(NPAGES, &mem) || munmap(mem, len))
				_exit(1);
			__atomic_add_fetch(&shared[1], 1, __ATOMIC_RELAXED);
		}
		_exit(0);
	}
	a = fork();
	ASSERT_GE(a, 0);
	if (!a) {
		if (read(go[0], &c, 1) != 1 || vmb_fault_anon(NPAGES, &mem))
			_exit(1);
		_exit(write(done[1], "d", 1) == 1 ? 0 : 2);
	}
	ASSERT_EQ(0, vmb_set_target(a));
	/* The other process is faulting before the target starts. */
	while (__atomic_load_n(&shared[1], __ATOMIC_RELAXED) < 2)
		usleep(1000);
	rounds_go = shared[1];
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(1, read(done[0], &c, 1));
	rounds_done = shared[1];
	ASSERT_EQ(0, vmb_read_faults(&f));
	shared[0] = 1;
	ASSERT_EQ(a, waitpid(a, &status, 0));
	EXPECT_EQ(0, status);
	ASSERT_EQ(b, waitpid(b, &status, 0));
	EXPECT_EQ(0, status);
	TH_LOG("target: %llu faults; the other process, faulting without a pause, finished %ld rounds of %lu pages meanwhile",
	       (unsigned long long)C(&f, faults), rounds_done - rounds_go,
	       NPAGES);
	EXPECT_GE(C(&f, faults), NPAGES);
	/* The target's own, and the few a fresh process takes besides. */
	EXPECT_LE(C(&f, faults), NPAGES + 4 * ALLOWANCE);
	EXPECT_EQ(0UL, C(&f, probe_missed));
	munmap((void *)shared, page_size());
}

/*
 * Seed 003, in its first form: a userfaultfd handler that wakes a missing
 * fault without resolving it (UFFDIO_WAKE) makes handle_userfault() return
 * VM_FAULT_RETRY again, also on a call that already has FAULT_FLAG_TRIED
 * (allowed since 5.7). With WAKES wakes before the UFFDIO_COPY, one fault
 * takes WAKES + 1 handle_mm_fault() calls: on 6.12 the first under the VMA
 * lock, the second under mmap_lock (the fallback does not set TRIED for a
 * minor fault), the rest with TRIED; without the VMA lock, all but the
 * first with TRIED.
 */
#define WAKES 4

struct uffd_handler {
	int fd;
	char *page;
	char *src;
	long psz;
	int msgs;
	int ret;
};

static void *uffd_handler(void *p)
{
	struct uffd_handler *h = p;
	struct uffdio_range range = { (uintptr_t)h->page, h->psz };
	struct uffdio_copy copy = {
		.dst = (uintptr_t)h->page, .src = (uintptr_t)h->src,
		.len = h->psz,
	};
	struct pollfd pfd = { .fd = h->fd, .events = POLLIN };
	struct uffd_msg msg;

	for (h->msgs = 0; h->msgs <= WAKES; h->msgs++) {
		if (poll(&pfd, 1, 10000) != 1) {
			h->ret = -ETIMEDOUT;
			return NULL;
		}
		if (read(h->fd, &msg, sizeof(msg)) != sizeof(msg) ||
		    msg.event != UFFD_EVENT_PAGEFAULT) {
			h->ret = -EPROTO;
			return NULL;
		}
		if (h->msgs < WAKES ? ioctl(h->fd, UFFDIO_WAKE, &range) :
				      ioctl(h->fd, UFFDIO_COPY, &copy)) {
			h->ret = -errno;
			return NULL;
		}
	}
	return NULL;
}

TEST_F(acct, uffd_retry_more_than_once)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffd_handler h = { .psz = page_size() };
	struct vmb_faults f;
	pthread_t t;

	h.fd = syscall(__NR_userfaultfd, O_CLOEXEC);
	if (h.fd < 0)
		SKIP(return, "userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(h.fd, UFFDIO_API, &api));
	h.page = mmap(NULL, h.psz, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, h.page);
	h.src = malloc(h.psz);
	ASSERT_NE(NULL, h.src);
	memset(h.src, 0x5a, h.psz);
	reg.range.start = (uintptr_t)h.page;
	reg.range.len = h.psz;
	ASSERT_EQ(0, ioctl(h.fd, UFFDIO_REGISTER, &reg));
	ASSERT_EQ(0, pthread_create(&t, NULL, uffd_handler, &h));
	/* The handler's own first faults (its stack) before the reset. */
	usleep(100000);
	ASSERT_EQ(0, vmb_reset());
	EXPECT_EQ(0x5a, *(volatile char *)h.page);
	ASSERT_EQ(0, vmb_read_faults(&f));
	ASSERT_EQ(0, pthread_join(t, NULL));
	ASSERT_EQ(0, h.ret) TH_LOG("handler: %s after %d messages",
				   strerror(-h.ret), h.msgs);
	for (unsigned int i = 0; i < VMB_C_NR; i++)
		if (f.v[i])
			TH_LOG("%s %llu", vmb_counter_names[i],
			       (unsigned long long)f.v[i]);
	EXPECT_GE(C(&f, retry), (uint64_t)WAKES);
	EXPECT_GE(C(&f, attempts_4plus), 1UL);
	if (self->per_vma_lock && !variant->force) {
		EXPECT_GE(C(&f, vma_lock_retry), 1UL);
		EXPECT_GE(C(&f, retry_after_tried), (uint64_t)WAKES - 2);
	} else {
		EXPECT_GE(C(&f, retry_after_tried), (uint64_t)WAKES - 1);
	}
	close(h.fd);
	munmap(h.page, h.psz);
	free(h.src);
}

/*
 * Far more threads in a fault at once than the old fixed table had slots
 * (256): each blocks on its own page of a userfaultfd range until all are
 * in, then all are resolved. Every fault is followed to its end.
 */
#define INFLIGHT 320

struct inflight {
	int fd;
	char *mem;
	long psz;
	int ret;
};

static void *inflight_toucher(void *p)
{
	char *page = p;

	return (void *)(long)(*(volatile char *)page != 0x5a);
}

static void *inflight_handler(void *p)
{
	struct inflight *h = p;
	struct pollfd pfd = { .fd = h->fd, .events = POLLIN };
	char *src = malloc(h->psz);
	struct uffd_msg msg;
	int n = 0;

	if (!src) {
		h->ret = -ENOMEM;
		return NULL;
	}
	memset(src, 0x5a, h->psz);
	/* Every thread waits in its fault before the first is resolved. */
	while (n < INFLIGHT) {
		if (poll(&pfd, 1, 20000) != 1) {
			h->ret = -ETIMEDOUT;
			goto out;
		}
		if (read(h->fd, &msg, sizeof(msg)) != sizeof(msg))
			continue;
		if (msg.event == UFFD_EVENT_PAGEFAULT)
			n++;
	}
	for (int i = 0; i < INFLIGHT; i++) {
		struct uffdio_copy copy = {
			.dst = (uintptr_t)h->mem + i * h->psz,
			.src = (uintptr_t)src, .len = h->psz,
		};

		if (ioctl(h->fd, UFFDIO_COPY, &copy) && errno != EEXIST) {
			h->ret = -errno;
			goto out;
		}
	}
out:
	free(src);
	return NULL;
}

TEST_F_TIMEOUT(acct, many_threads_in_flight, 120)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct inflight h = { .psz = page_size() };
	pthread_t t[INFLIGHT], handler;
	size_t len = (size_t)INFLIGHT * h.psz;
	pthread_attr_t attr;
	struct vmb_faults f;
	void *ret;
	int i;

	h.fd = syscall(__NR_userfaultfd, O_CLOEXEC);
	if (h.fd < 0)
		SKIP(return, "userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(h.fd, UFFDIO_API, &api));
	h.mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, h.mem);
	reg.range.start = (uintptr_t)h.mem;
	reg.range.len = len;
	ASSERT_EQ(0, ioctl(h.fd, UFFDIO_REGISTER, &reg));
	ASSERT_EQ(0, pthread_attr_init(&attr));
	ASSERT_EQ(0, pthread_attr_setstacksize(&attr, 64 << 10));
	ASSERT_EQ(0, pthread_create(&handler, NULL, inflight_handler, &h));
	ASSERT_EQ(0, vmb_reset());
	for (i = 0; i < INFLIGHT; i++)
		ASSERT_EQ(0, pthread_create(&t[i], &attr, inflight_toucher,
					    h.mem + i * h.psz));
	for (i = 0; i < INFLIGHT; i++) {
		ASSERT_EQ(0, pthread_join(t[i], &ret));
		EXPECT_EQ(NULL, ret);
	}
	ASSERT_EQ(0, pthread_join(handler, NULL));
	ASSERT_EQ(0, h.ret) TH_LOG("handler: %s", strerror(-h.ret));
	ASSERT_EQ(0, vmb_read_faults(&f));
	TH_LOG("%d threads: faults %llu, retry %llu, slot_overflow %llu",
	       INFLIGHT, (unsigned long long)C(&f, faults),
	       (unsigned long long)C(&f, retry),
	       (unsigned long long)C(&f, slot_overflow));
	EXPECT_EQ(0UL, C(&f, slot_overflow));
	/* Each thread's fault on its page, and its stack's first faults. */
	EXPECT_LE((uint64_t)INFLIGHT, C(&f, faults));
	EXPECT_LE((uint64_t)INFLIGHT, C(&f, retry));
	pthread_attr_destroy(&attr);
	close(h.fd);
	munmap(h.mem, len);
}

/*
 * A fault that never reaches handle_mm_fault() (SIGSEGV in a hole), then
 * userfaultfd ioctls of the same thread, which call lock_vma_under_rcu()
 * too: an ioctl is no fault. None is counted as a VMA lock attempt or
 * forced (before the fix, the slot the SIGSEGV fault left behind made
 * every one of them both). A few faults of the test itself (stack, libc)
 * may land in between: fewer than IOCTLS / 4.
 */
#define IOCTLS 64

static sigjmp_buf segv_jmp;

static void segv_handler(int sig)
{
	siglongjmp(segv_jmp, 1);
}

TEST_F(acct, ioctl_after_segv)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct sigaction sa = { .sa_handler = segv_handler }, old;
	struct uffdio_copy copy = {};
	long psz = page_size();
	struct vmb_faults a, b;
	char *hole, *dst, *src;
	int fd, i;

	fd = syscall(__NR_userfaultfd, O_CLOEXEC);
	if (fd < 0)
		SKIP(return, "userfaultfd: %s", strerror(errno));
	ASSERT_EQ(0, ioctl(fd, UFFDIO_API, &api));
	dst = mmap(NULL, IOCTLS * psz, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, dst);
	reg.range.start = (uintptr_t)dst;
	reg.range.len = IOCTLS * psz;
	ASSERT_EQ(0, ioctl(fd, UFFDIO_REGISTER, &reg));
	src = malloc(psz);
	ASSERT_NE(NULL, src);
	memset(src, 0x5a, psz);
	/* A hole: mapped, then unmapped. */
	hole = mmap(NULL, psz, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, hole);
	ASSERT_EQ(0, munmap(hole, psz));
	ASSERT_EQ(0, vmb_read_faults(&a));
	ASSERT_EQ(0, sigaction(SIGSEGV, &sa, &old));
	if (!sigsetjmp(segv_jmp, 1))
		(void)*(volatile char *)hole;
	ASSERT_EQ(0, sigaction(SIGSEGV, &old, NULL));
	for (i = 0; i < IOCTLS; i++) {
		copy.dst = (uintptr_t)dst + i * psz;
		copy.src = (uintptr_t)src;
		copy.len = psz;
		if (ioctl(fd, UFFDIO_COPY, &copy))
			break;
	}
	ASSERT_EQ(IOCTLS, i) TH_LOG("UFFDIO_COPY: %s", strerror(errno));
	ASSERT_EQ(0, vmb_read_faults(&b));
	TH_LOG("across one SIGSEGV fault and %d ioctls: vma_lock_attempt +%llu, vma_lock_miss +%llu, forced_miss +%llu",
	       IOCTLS,
	       (unsigned long long)(C(&b, vma_lock_attempt) - C(&a, vma_lock_attempt)),
	       (unsigned long long)(C(&b, vma_lock_miss) - C(&a, vma_lock_miss)),
	       (unsigned long long)(C(&b, forced_miss) - C(&a, forced_miss)));
	EXPECT_GT(C(&a, vma_lock_attempt) + IOCTLS / 4, C(&b, vma_lock_attempt));
	EXPECT_GT(C(&a, vma_lock_miss) + IOCTLS / 4, C(&b, vma_lock_miss));
	EXPECT_GT(C(&a, forced_miss) + IOCTLS / 4, C(&b, forced_miss));
	/* The pages are there, copied by the ioctls. */
	EXPECT_EQ(0x5a, *(volatile char *)(dst + (IOCTLS - 1) * psz));
	free(src);
	close(fd);
	munmap(dst, IOCTLS * psz);
}

/*
 * The hooks outlive a cleared target by a second. force_mmap_lock set to
 * 1 in that second, with no target (which only records the wish), must
 * still force the faults of a target set before the hooks go.
 */
TEST(force_set_while_hooks_linger)
{
	size_t len = (size_t)NPAGES * page_size();
	struct vmb_faults f;
	void *mem;

	if (vmb_loaded())
		SKIP(return, "vmalock_bench is not loaded (modprobe vmalock_bench)");
	if (vmb_has_feature("force_mmap_lock") != 1)
		SKIP(return, "no force_mmap_lock in features");
	ASSERT_EQ(0, vmb_write(VMB_KNOB(target, force_mmap_lock), "0\n"));
	ASSERT_EQ(0, vmb_set_target(getpid()));
	ASSERT_EQ(0, vmb_set_target(0));
	/* Within the second the hooks stay: no sleep in between. */
	ASSERT_EQ(0, vmb_write(VMB_KNOB(target, force_mmap_lock), "1\n"));
	ASSERT_EQ(0, vmb_set_target(getpid()));
	ASSERT_EQ(0, vmb_fault_anon(NPAGES, &mem));
	ASSERT_EQ(0, vmb_read_faults(&f));
	TH_LOG("faults %llu forced_miss %llu vma_locked_done %llu",
	       (unsigned long long)C(&f, faults),
	       (unsigned long long)C(&f, forced_miss),
	       (unsigned long long)C(&f, vma_locked_done));
	EXPECT_GE(C(&f, forced_miss), NPAGES);
	EXPECT_EQ(0UL, C(&f, vma_locked_done));
	EXPECT_GE(C(&f, faults), NPAGES);
	ASSERT_EQ(0, vmb_munmap_elsewhere(mem, len, 10000))
		TH_LOG("munmap from another thread did not return: VMA lock leaked?");
	vmb_write(VMB_KNOB(target, force_mmap_lock), "0\n");
	vmb_set_target(0);
}

FIXTURE(errors) {
	int accounting;
};

FIXTURE_SETUP(errors)
{
	if (vmb_loaded())
		SKIP(return, "vmalock_bench is not loaded (modprobe vmalock_bench)");
	self->accounting = vmb_has_feature("fault_accounting") == 1;
}

FIXTURE_TEARDOWN(errors)
{
	vmb_write(VMB_KNOB(target, force_mmap_lock), "0\n");
	vmb_set_target(0);
}

/* Write the pid of an exited, unreaped child; return what the write got. */
static int write_zombie_pid(void)
{
	siginfo_t si = {};
	pid_t z;
	int ret;

	z = fork();
	if (z < 0)
		return -EAGAIN;
	if (!z)
		_exit(0);
	/* Wait for the exit without reaping it. */
	if (waitid(P_PID, z, &si, WEXITED | WNOWAIT) || si.si_pid != z)
		ret = -ECHILD;
	else
		ret = vmb_write_u64(VMB_KNOB(target, pid), z);
	waitpid(z, NULL, 0);
	return ret;
}

static pid_t unused_pid(void)
{
	FILE *fp = fopen("/proc/sys/kernel/pid_max", "r");
	long max = 32768;
	pid_t p;

	if (fp) {
		if (fscanf(fp, "%ld", &max) != 1)
			max = 32768;
		fclose(fp);
	}
	for (p = max - 1; p > 300; p--)
		if (kill(p, 0) && errno == ESRCH)
			return p;
	return -1;
}

/* Values that do not parse or are out of bounds. */
TEST_F(errors, pid_syntax)
{
	static const char *const bad[] = {
		"abc\n", "-1\n", "4194305\n", "1 2\n", "1\n\n", "0x10\n",
		" 1\n", "000000000000000000000000000000000001",
	};

	for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, vmb_write(VMB_KNOB(target, pid), bad[i]))
			TH_LOG("writing '%s'", bad[i]);
	}
	EXPECT_EQ(-EINVAL, vmb_write_at(VMB_KNOB(target, pid), "", 0, 0));
	/* Partial writes: a value is written whole at offset 0. */
	EXPECT_EQ(-EINVAL, vmb_write_at(VMB_KNOB(target, pid), "1\n", 2, 1));
	EXPECT_EQ(-EINVAL, vmb_write_split(VMB_KNOB(target, pid), "0", "\n"));
}

/* Well-formed pids that name no process we may account. */
TEST_F(errors, pid_target)
{
	char buf[64];
	uint64_t v;
	pid_t p;

	p = unused_pid();
	ASSERT_GT(p, 0);
	snprintf(buf, sizeof(buf), "%d\n", p);
	EXPECT_EQ(-ESRCH, vmb_write(VMB_KNOB(target, pid), buf));

	/* pid 2 is kthreadd on every Linux since 2.6.22. */
	EXPECT_EQ(-EPERM, vmb_write(VMB_KNOB(target, pid), "2\n"));

	/* A zombie has no mm left to fault in. */
	EXPECT_EQ(-ESRCH, write_zombie_pid());

	/* Nothing above changed the target. */
	ASSERT_EQ(0, vmb_read_u64(VMB_KNOB(target, pid), &v));
	EXPECT_EQ(0UL, v);
	/* Both spellings of a good value work, and the module still does. */
	EXPECT_EQ(0, vmb_write_u64(VMB_KNOB(target, pid), getpid()));
	snprintf(buf, sizeof(buf), "%d", getpid());
	EXPECT_EQ(0, vmb_write(VMB_KNOB(target, pid), buf));
	ASSERT_EQ(0, vmb_read_u64(VMB_KNOB(target, pid), &v));
	EXPECT_EQ((uint64_t)getpid(), v);
	EXPECT_EQ(0, vmb_write(VMB_KNOB(target, pid), "0"));
}

/* A pid the writer cannot see is no pid at all. */
TEST_F(errors, pid_namespace)
{
	pid_t outer = getpid(), c;
	int status;

	ASSERT_EQ(0, vmb_set_target(outer));
	c = fork();
	ASSERT_GE(c, 0);
	if (!c) {
		pid_t inner;
		uint64_t v;

		if (unshare(CLONE_NEWPID))
			_exit(4);
		inner = fork();
		if (inner < 0)
			_exit(5);
		if (!inner) {
			/* pid 1 here; outer is not visible. */
			if (outer != 1 && vmb_write_u64(VMB_KNOB(target, pid), outer) !=
			    -ESRCH)
				_exit(1);
			if (vmb_read_u64(VMB_KNOB(target, pid), &v) || v != 0)
				_exit(2);
			_exit(0);
		}
		if (waitpid(inner, &status, 0) != inner)
			_exit(6);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 7);
	}
	ASSERT_EQ(c, waitpid(c, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	if (WEXITSTATUS(status) == 4)
		SKIP(return, "unshare(CLONE_NEWPID) not permitted");
	EXPECT_EQ(0, WEXITSTATUS(status))
		TH_LOG("1: write of an invisible pid, 2: pid read in the namespace");
}

TEST_F(errors, reset)
{
	char buf[16];

	EXPECT_EQ(-EINVAL, vmb_write(VMB_KNOB(target, reset), "0\n"));
	EXPECT_EQ(-EINVAL, vmb_write(VMB_KNOB(target, reset), "2\n"));
	EXPECT_EQ(-EINVAL, vmb_write(VMB_KNOB(target, reset), "yes\n"));
	EXPECT_EQ(-EACCES, vmb_read(VMB_KNOB(target, reset), buf, sizeof(buf)));
	EXPECT_EQ(0, vmb_write(VMB_KNOB(target, reset), "1\n"));
}

TEST_F(errors, force_mmap_lock)
{
	uint64_t v;

	EXPECT_EQ(-EINVAL, vmb_write(VMB_KNOB(target, force_mmap_lock), "2\n"));
	EXPECT_EQ(-EINVAL, vmb_write(VMB_KNOB(target, force_mmap_lock), "-1\n"));
	EXPECT_EQ(-EINVAL, vmb_write(VMB_KNOB(target, force_mmap_lock), "on\n"));
	if (vmb_has_feature("force_mmap_lock") != 1) {
		EXPECT_EQ(-EOPNOTSUPP,
			  vmb_write(VMB_KNOB(target, force_mmap_lock), "1\n"));
		EXPECT_EQ(-EOPNOTSUPP,
			  vmb_write(VMB_KNOB(target, force_mmap_lock), "0\n"));
	} else {
		EXPECT_EQ(0, vmb_write(VMB_KNOB(target, force_mmap_lock), "1\n"));
		ASSERT_EQ(0, vmb_read_u64(VMB_KNOB(target, force_mmap_lock), &v));
		EXPECT_EQ(1UL, v);
		EXPECT_EQ(0, vmb_write(VMB_KNOB(target, force_mmap_lock), "0\n"));
	}
	ASSERT_EQ(0, vmb_read_u64(VMB_KNOB(target, force_mmap_lock), &v));
	EXPECT_EQ(0UL, v);
}

TEST_F(errors, faults)
{
	struct vmb_faults f;

	EXPECT_EQ(-EACCES, vmb_write(VMB_KNOB(target, faults), "0\n"));
	if (self->accounting) {
		EXPECT_EQ(0, vmb_read_faults(&f));
	} else {
		EXPECT_EQ(-EOPNOTSUPP, vmb_read_faults(&f));
	}
}

TEST_HARNESS_MAIN
