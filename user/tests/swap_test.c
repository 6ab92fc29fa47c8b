// SPDX-License-Identifier: GPL-2.0
/*
 * The swap device: /dev/vmalock_swap0 as a real swap device, its delays,
 * data integrity under delays and jitter (one thread, then several at
 * once), the folio wait of a second thread, the accounting of swap
 * faults, swapoff with I/O in flight, and the errno of bad writes. Every
 * case runs with the device asynchronous (the default) and synchronous
 * (sync_io=1, SWP_SYNCHRONOUS_IO).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"
#include "lib/clock.h"
#include "lib/disk.h"
#include "lib/file.h"
#include "lib/knob.h"
#include "lib/map.h"
#include "lib/module.h"
#include "lib/swap.h"
#include "lib/uapi.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define MIB (1UL << 20)

static long page_size;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Pages of [p, p + npages) that pagemap shows as swapped out. */
static long pages_swapped(void *p, size_t npages)
{
	uint64_t *ent;
	long n = 0;
	size_t i;
	int fd;

	ent = calloc(npages, sizeof(*ent));
	if (!ent)
		return -ENOMEM;
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0) {
		n = -errno;
		goto out;
	}
	if (pread(fd, ent, npages * sizeof(*ent),
		  (uintptr_t)p / page_size * sizeof(*ent)) !=
	    (ssize_t)(npages * sizeof(*ent))) {
		n = errno ? -errno : -EIO;
		close(fd);
		goto out;
	}
	close(fd);
	for (i = 0; i < npages; i++)
		n += !!(ent[i] & (1ULL << 62));
out:
	free(ent);
	return n;
}

/* Word i of the pattern of seed: seed is word ^ (i * constant). */
static uint64_t pattern_word(size_t i, uint64_t seed)
{
	return (i * 0x9e3779b97f4a7c15ULL) ^ seed;
}

/* Every 8-byte word of [p, p + npages) patterned by seed and its index. */
static void pattern_fill(void *p, size_t npages, uint64_t seed)
{
	size_t i, n = npages * page_size / 8;
	uint64_t *w = p;

	for (i = 0; i < n; i++)
		w[i] = pattern_word(i, seed);
}

/* An anonymous mapping, no THP: every page a 4 KiB folio to swap. */
static void *anon_map(size_t npages)
{
	size_t len = npages * page_size;
	void *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (madvise(p, len, MADV_NOHUGEPAGE)) {
		munmap(p, len);
		return NULL;
	}
	return p;
}

/* An anonymous mapping, no THP, every 8-byte word patterned by seed. */
static void *pattern_map(size_t npages, uint64_t seed)
{
	void *p = anon_map(npages);

	if (p)
		pattern_fill(p, npages, seed);
	return p;
}

/* Bytes that match the pattern, from the start; faults every page in. */
static size_t pattern_check(void *p, size_t npages, uint64_t seed)
{
	volatile uint64_t *w = p;
	size_t i, n = npages * page_size / 8;

	for (i = 0; i < n; i++)
		if (w[i] != pattern_word(i, seed))
			break;
	return i * 8;
}

/* Swap out [p, p + npages) in chunks: MADV_PAGEOUT runs as the caller. */
static int pageout(void *p, size_t npages)
{
	return vmb_pageout(p, npages * page_size);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Median latency of single-page swap-in faults, one page after another. */
static int median_fault_ns(size_t npages, uint64_t *median)
{
	uint64_t *lat, t;
	char *p;
	size_t i;
	int ret = 0;

	lat = calloc(npages, sizeof(*lat));
	p = pattern_map(npages, 7);
	if (!lat || !p) {
		ret = -ENOMEM;
		goto out;
	}
	ret = pageout(p, npages);
	if (ret)
		goto out;
	if (pages_swapped(p, npages) != (long)npages) {
		ret = -EAGAIN;
		goto out;
	}
	for (i = 0; i < npages; i++) {
		t = now_ns();
		*(volatile char *)(p + i * page_size);
		lat[i] = now_ns() - t;
	}
	if (pattern_check(p, npages, 7) != npages * page_size) {
		ret = -EIO;
		goto out;
	}
	qsort(lat, npages, sizeof(*lat), cmp_u64);
	*median = lat[npages / 2];
out:
	if (p)
		munmap(p, npages * page_size);
	free(lat);
	return ret;
}

FIXTURE(swap) {
	struct vmb_swap_env env;
	bool ready;		/* the knobs exist: teardown has work */
	bool swapped_on;
};

FIXTURE_VARIANT(swap) {
	bool sync_io;
};

FIXTURE_VARIANT_ADD(swap, async) {
	.sync_io = false,
};

FIXTURE_VARIANT_ADD(swap, sync) {
	.sync_io = true,
};

FIXTURE_SETUP(swap)
{
	int ret;

	page_size = sysconf(_SC_PAGESIZE);
	self->ready = self->swapped_on = false;
	self->env.page_cluster[0] = self->env.zswap[0] = '\0';
	if (vmb_loaded())
		SKIP(return, "vmalock_bench is not loaded (modprobe vmalock_bench)");
	if (vmb_has_feature("swap_device") != 1)
		SKIP(return, "no swap device (swap_mb=0 or unsupported kernel)");
	if (access(VMB_SWAP_DEV, F_OK))
		SKIP(return, "%s missing: is devtmpfs mounted?", VMB_SWAP_DEV);
	self->ready = true;

	/* Pages must reach the device, not zswap's pool. */
	ASSERT_EQ(0, vmb_swap_env_save(&self->env));

	/* The device must be off swap for sync_io to change. */
	vmb_swap_off();
	ASSERT_EQ(0, vmb_swap_disarm());
	ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(swap, sync_io), variant->sync_io));
	/* Preferred over any other swap, and discard exercised at swapon. */
	ret = vmb_swap_on(SWAP_FLAG_DISCARD);
	ASSERT_EQ(0, ret) TH_LOG("swapon %s: %s", VMB_SWAP_DEV, strerror(-ret));
	self->swapped_on = true;
	ASSERT_EQ(0, vmb_set_target(getpid()));
}

FIXTURE_TEARDOWN(swap)
{
	if (!self->ready || vmb_loaded())
		return;
	EXPECT_EQ(0, vmb_swap_disarm());
	if (self->swapped_on)
		EXPECT_EQ(0, vmb_swap_off());
	EXPECT_EQ(0, vmb_write_u64(VMB_KNOB(swap, sync_io), 0));
	vmb_set_target(0);
	EXPECT_EQ(0, vmb_swap_env_restore(&self->env));
}

/* Out of bounds -EINVAL, read-only -EACCES, sync_io while on -EBUSY. */
TEST_F(swap, bad_writes)
{
	char buf[64];

	ASSERT_EQ(-EINVAL, vmb_write_u64(VMB_KNOB(swap, read_delay_us), VMB_DELAY_US_MAX + 1));
	ASSERT_EQ(-EINVAL, vmb_write_u64(VMB_KNOB(swap, write_delay_us), VMB_DELAY_US_MAX + 1));
	ASSERT_EQ(-EINVAL, vmb_write_u64(VMB_KNOB(swap, jitter_us), VMB_DELAY_US_MAX + 1));
	ASSERT_EQ(-EINVAL, vmb_write(VMB_KNOB(swap, read_delay_us), "-1"));
	ASSERT_EQ(-EINVAL, vmb_write(VMB_KNOB(swap, scope), "kswapd"));
	ASSERT_EQ(-EINVAL, vmb_write_u64(VMB_KNOB(swap, sync_io), 2));
	ASSERT_EQ(-EACCES, vmb_write(VMB_KNOB(swap, stats), "0"));
	ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(swap, read_delay_us), VMB_DELAY_US_MAX));
	ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(swap, read_delay_us), 0));
	ASSERT_EQ(0, vmb_write(VMB_KNOB(swap, scope), "target\n"));
	ASSERT_GT(vmb_read(VMB_KNOB(swap, scope), buf, sizeof(buf)), 0);
	ASSERT_STREQ("target\n", buf);

	/* swapon decided the swap-in path: it cannot change under it. */
	ASSERT_EQ(-EBUSY, vmb_write_u64(VMB_KNOB(swap, sync_io), !variant->sync_io));
	ASSERT_EQ(-EBUSY, vmb_write_u64(VMB_KNOB(swap, sync_io), variant->sync_io));
	ASSERT_EQ(0, vmb_swap_off());
	self->swapped_on = false;
	ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(swap, sync_io), !variant->sync_io));
	ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(swap, sync_io), variant->sync_io));
	ASSERT_EQ(0, vmb_swap_on(SWAP_FLAG_DISCARD));
	self->swapped_on = true;
}

/*
 * 64 MiB of patterned pages out to the device and back under delays and
 * jitter: every byte checked, every page seen swapped in pagemap, and
 * the device's counters moved by at least as much.
 */
TEST_F_TIMEOUT(swap, integrity_64m, 180)
{
	size_t npages = 64 * MIB / page_size, good;
	struct vmb_swap_stats a, b;
	uint64_t t0, t1, t2;
	long swapped;
	void *p;

	ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(swap, read_delay_us), 100));
	ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(swap, write_delay_us), 50));
	ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(swap, jitter_us), 200));
	p = pattern_map(npages, 0x5eed);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, vmb_swap_read_stats(&a));

	t0 = now_ns();
	ASSERT_EQ(0, pageout(p, npages));
	swapped = pages_swapped(p, npages);
	ASSERT_EQ((long)npages, swapped);
	/*
	 * Async: a folio still under writeback when reclaim looks at it
	 * stays in the swap cache and comes back without a read. Fault it
	 * in clean (its swap copy is kept), page it out again: now it is
	 * dropped at once, and the second read-back comes from the device.
	 */
	if (!variant->sync_io) {
		good = pattern_check(p, npages, 0x5eed);
		ASSERT_EQ(npages * page_size, good)
			TH_LOG("round 1: first bad byte at offset %zu", good);
		ASSERT_EQ(0, pageout(p, npages));
		ASSERT_EQ((long)npages, pages_swapped(p, npages));
	}
	t1 = now_ns();
	good = pattern_check(p, npages, 0x5eed);
	t2 = now_ns();
	ASSERT_EQ(npages * page_size, good)
		TH_LOG("first bad byte at offset %zu of %zu", good,
		       npages * page_size);
	ASSERT_EQ(0, pages_swapped(p, npages));
	ASSERT_EQ(0, vmb_swap_read_stats(&b));
	ASSERT_GE(b.v[VMB_SWAP_write_bytes] - a.v[VMB_SWAP_write_bytes],
		  npages * page_size);
	ASSERT_GE(b.v[VMB_SWAP_read_bytes] - a.v[VMB_SWAP_read_bytes],
		  npages * page_size);
	ASSERT_GT(b.v[VMB_SWAP_delayed] - a.v[VMB_SWAP_delayed], 0ULL);
	ASSERT_EQ(b.v[VMB_SWAP_errors], a.v[VMB_SWAP_errors]);
	TH_LOG("%s: %zu bytes verified; %zu pages swapped (pagemap); swap-out %.2f s, swap-in+check %.2f s; device writes %" PRIu64 " reads %" PRIu64 " delayed %" PRIu64 " inflight_max %" PRIu64,
	       variant->sync_io ? "sync" : "async", good, npages,
	       (t1 - t0) / 1e9, (t2 - t1) / 1e9,
	       b.v[VMB_SWAP_writes] - a.v[VMB_SWAP_writes],
	       b.v[VMB_SWAP_reads] - a.v[VMB_SWAP_reads],
	       b.v[VMB_SWAP_delayed] - a.v[VMB_SWAP_delayed],
	       b.v[VMB_SWAP_inflight_max]);
	vmb_tally("bytes_verified", good);
	munmap(p, npages * page_size);
}

/* integrity_under_load: threads, the MiB each one owns, rounds. */
#define LOAD_THREADS	4
#define LOAD_MIB	4
#define LOAD_ROUNDS	6
/* The top 16 bits of every seed: a word that has them is some round's. */
#define LOAD_MAGIC	0x10adULL

struct loader {
	pthread_t tid;
	unsigned int id;
	int cpu;		/* the thread runs there only */
	char *p;
	size_t npages;
	bool sync_io;
	volatile int *go, *stop;
	/* Written by the thread, read after pthread_join(). */
	int err;		/* -EIO bad data, -EAGAIN not swapped, -errno */
	char why[256];		/* what failed, in which round, where */
	unsigned int rounds;	/* completed */
	uint64_t bytes;		/* verified, every read-back counted */
	uint64_t swapped;	/* pages pagemap showed swapped, summed */
	uint64_t ns;		/* from go to the end of its last round */
};

/* Thread id's pattern in round r: at any offset, no two (id, r) agree. */
static uint64_t load_seed(unsigned int id, unsigned int r)
{
	return LOAD_MAGIC << 48 | (uint64_t)id << 32 | r;
}

/* Record the first failure of a thread and stop the others. */
static int __attribute__((format(printf, 3, 4)))
load_fail(struct loader *l, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->why, sizeof(l->why), fmt, ap);
	va_end(ap);
	l->err = err;
	*l->stop = 1;
	return err;
}

/* MADV_PAGEOUT the whole region, then see every page swapped in pagemap. */
static int load_pageout(struct loader *l, unsigned int r, const char *when)
{
	long n;
	int ret;

	ret = pageout(l->p, l->npages);
	if (ret)
		return load_fail(l, ret, "round %u: MADV_PAGEOUT %s: %s", r,
				 when, strerror(-ret));
	n = pages_swapped(l->p, l->npages);
	if (n != (long)l->npages)
		return load_fail(l, n < 0 ? (int)n : -EAGAIN,
				 "round %u: MADV_PAGEOUT %s: %ld of %zu pages swapped (pagemap)",
				 r, when, n, l->npages);
	l->swapped += n;
	return 0;
}

/*
 * Read every byte back against round r's pattern: the first touch of a
 * swapped page is a swap-in fault. A bad word is named by whose pattern
 * it is at that offset, if any: stale data from an earlier round, or
 * another thread's page, says which.
 */
static int load_check(struct loader *l, unsigned int r, const char *when)
{
	size_t len = l->npages * page_size, good;
	uint64_t seed = load_seed(l->id, r), found, whose;
	char from[64] = "no round's pattern";

	good = pattern_check(l->p, l->npages, seed);
	if (good != len) {
		found = ((uint64_t *)l->p)[good / 8];
		whose = found ^ pattern_word(good / 8, 0);
		if (whose >> 48 == LOAD_MAGIC)
			snprintf(from, sizeof(from), "thread %u round %u's pattern",
				 (unsigned int)(whose >> 32 & 0xffff),
				 (unsigned int)whose);
		return load_fail(l, -EIO,
				 "round %u: %s: first bad byte at offset %zu of %zu: %#" PRIx64 " (%s), expected %#" PRIx64,
				 r, when, good, len, found, from,
				 pattern_word(good / 8, seed));
	}
	l->bytes += len;
	return 0;
}

/*
 * One thread of integrity_under_load: every round, a new pattern, out
 * and back. Async: a folio still under writeback when reclaim looks at it
 * stays in the swap cache, and the first read-back may find it there
 * without a read; as in integrity_64m the region then goes out again
 * clean (its swap copy kept, so nothing is written and every folio is
 * dropped at once) and the second read-back comes from the device.
 */
static void *load_thread(void *arg)
{
	struct loader *l = arg;
	uint64_t t0;
	unsigned int r;
	cpu_set_t set;
	long n;

	/*
	 * A folio faulted in or swapped in goes to a per-CPU batch before
	 * the LRU, and MADV_PAGEOUT drains only this CPU's batches
	 * (lru_add_drain()): one still in another CPU's is not on the LRU,
	 * cannot be isolated, and is not paged out (unpinned, 1001 of 1024
	 * pages swapped was seen). Pinned, a thread's folios are all in
	 * its own CPU's batches.
	 */
	CPU_ZERO(&set);
	CPU_SET(l->cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		load_fail(l, -errno, "sched_setaffinity(CPU %d): %s", l->cpu,
			  strerror(errno));
	while (!*l->go)
		sched_yield();
	t0 = now_ns();
	for (r = 0; r < LOAD_ROUNDS && !*l->stop; r++) {
		/*
		 * Round 0 faults in zero pages; later ones write to the pages
		 * read back last round, dirty again: they must be written out
		 * anew, not dropped on an old swap copy.
		 */
		pattern_fill(l->p, l->npages, load_seed(l->id, r));
		if (load_pageout(l, r, "after writing"))
			break;
		if (!l->sync_io &&
		    (load_check(l, r, "read-back from the swap cache") ||
		     load_pageout(l, r, "clean")))
			break;
		if (load_check(l, r, "read-back"))
			break;
		n = pages_swapped(l->p, l->npages);
		if (n) {
			load_fail(l, n < 0 ? (int)n : -EAGAIN,
				  "round %u: %ld pages still swapped after read-back",
				  r, n);
			break;
		}
		l->rounds++;
	}
	l->ns = now_ns() - t0;
	return NULL;
}

/*
 * Data integrity under load: LOAD_THREADS threads, each with its own
 * LOAD_MIB MiB, run LOAD_ROUNDS rounds at once: write a pattern of
 * (thread, round, offset), MADV_PAGEOUT it, read every byte back. Every
 * read and write is delayed 200 us plus up to 100 us of jitter, so one
 * thread's swap-in faults wait on their reads (async: on the locked
 * swap-cache folio; sync: for its own read, in the fault) while
 * another's pages are under writeback and a third's reads complete out
 * of order. Every page is seen swapped before it is read
 * back, and the device counted at least every byte, delayed all of it,
 * and failed none.
 */
TEST_F_TIMEOUT(swap, integrity_under_load, 120)
{
	const size_t npages = LOAD_MIB * MIB / page_size;
	const uint64_t total = (uint64_t)LOAD_THREADS * LOAD_ROUNDS * npages *
			       page_size;
	uint64_t d[VMB_SWAP_NR], bytes = 0, swapped = 0;
	uint64_t t0, t1, fastest = UINT64_MAX, slowest = 0;
	struct loader l[LOAD_THREADS] = {};
	int cpus[CPU_SETSIZE], ncpus = 0, c, ret = 0;
	unsigned int i, n, failed = 0, first;
	struct vmb_swap_stats a, b;
	volatile int go = 0, stop = 0;
	cpu_set_t set;

	ASSERT_EQ(0, vmb_write(VMB_KNOB(swap, scope), "all"));
	ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(swap, read_delay_us), 200));
	ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(swap, write_delay_us), 200));
	ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(swap, jitter_us), 100));
	ASSERT_EQ(0, sched_getaffinity(0, sizeof(set), &set));
	for (c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, &set))
			cpus[ncpus++] = c;
	ASSERT_GT(ncpus, 0);
	for (i = 0; i < LOAD_THREADS; i++) {
		l[i].id = i;
		l[i].cpu = cpus[i % ncpus];
		l[i].npages = npages;
		l[i].sync_io = variant->sync_io;
		l[i].go = &go;
		l[i].stop = &stop;
		/*
		 * A PROT_NONE page after each region keeps it a VMA of its
		 * own: swap readahead stays in the faulting VMA, so no
		 * thread reads another's pages into its own CPU's batch.
		 */
		l[i].p = anon_map(npages + 1);
		ASSERT_NE(NULL, l[i].p);
		ASSERT_EQ(0, mprotect(l[i].p + npages * page_size, page_size,
				      PROT_NONE));
	}
	ASSERT_EQ(0, vmb_swap_read_stats(&a));

	/*
	 * All start together. If one cannot be created, those that were
	 * are let go with stop set, and end at once: no thread may outlive
	 * the test body, whose ASSERTs leave for the teardown (swapoff).
	 */
	for (n = 0; n < LOAD_THREADS; n++) {
		ret = pthread_create(&l[n].tid, NULL, load_thread, &l[n]);
		if (ret)
			break;
	}
	stop = n < LOAD_THREADS;
	t0 = now_ns();
	go = 1;
	for (i = 0; i < n; i++)
		EXPECT_EQ(0, pthread_join(l[i].tid, NULL));
	t1 = now_ns();
	ASSERT_EQ(LOAD_THREADS, (int)n) TH_LOG("pthread_create: %s", strerror(ret));

	ASSERT_EQ(0, vmb_swap_read_stats(&b));
	for (i = 0, first = LOAD_THREADS; i < LOAD_THREADS; i++) {
		if (l[i].err && !failed++)
			first = i;
		else if (l[i].err)
			EXPECT_EQ(0, l[i].err)
				TH_LOG("thread %u (CPU %d, %u rounds done): %s",
				       i, l[i].cpu, l[i].rounds, l[i].why);
		bytes += l[i].bytes;
		swapped += l[i].swapped;
		if (l[i].ns < fastest)
			fastest = l[i].ns;
		if (l[i].ns > slowest)
			slowest = l[i].ns;
		munmap(l[i].p, (npages + 1) * page_size);
	}
	/* The first failure last: run-tests' summary quotes the last line. */
	if (failed)
		ASSERT_EQ(0, l[first].err)
			TH_LOG("thread %u (CPU %d, %u rounds done): %s; %u of %d threads failed",
			       first, l[first].cpu, l[first].rounds,
			       l[first].why, failed, LOAD_THREADS);
	/* Async reads every round back twice (see load_thread()). */
	ASSERT_EQ(total * (variant->sync_io ? 1 : 2), bytes);
	vmb_tally("bytes_verified", bytes);

	for (i = 0; i < VMB_SWAP_NR; i++)
		d[i] = b.v[i] - a.v[i];
	/* Every round wrote every page out, then read it in from the device. */
	ASSERT_GE(d[VMB_SWAP_write_bytes], total);
	ASSERT_GE(d[VMB_SWAP_read_bytes], total);
	/* scope=all, both delays > 0: each read and write had its delay. */
	ASSERT_EQ(d[VMB_SWAP_reads] + d[VMB_SWAP_writes], d[VMB_SWAP_delayed]);
	ASSERT_EQ(b.v[VMB_SWAP_errors], a.v[VMB_SWAP_errors]);
	TH_LOG("%s: %d threads x %d MiB x %d rounds in %.2f s (threads %.2f to %.2f s): %" PRIu64 " bytes verified, %" PRIu64 " pages seen swapped (pagemap); device writes %" PRIu64 " reads %" PRIu64 " delayed %" PRIu64 " errors +0; inflight_max %" PRIu64 " (%" PRIu64 " before)",
	       variant->sync_io ? "sync" : "async", LOAD_THREADS, LOAD_MIB,
	       LOAD_ROUNDS, (t1 - t0) / 1e9, fastest / 1e9, slowest / 1e9,
	       bytes, swapped, d[VMB_SWAP_writes], d[VMB_SWAP_reads],
	       d[VMB_SWAP_delayed], b.v[VMB_SWAP_inflight_max],
	       a.v[VMB_SWAP_inflight_max]);
}

/*
 * Median swap-in fault at 1 ms and 10 ms of read delay, against the
 * median at 100 us: the difference must be the difference of the delays
 * within 5%. Measuring against a short delay, not none, takes out what
 * every delayed fault pays besides the delay (the timer interrupt's and
 * the wakeup's latency, and in async mode the retry of the fault). Under
 * TCG this fails: a vCPU woken from idle by a timer is itself late by up
 * to 0.6 ms (nanosleep(1 ms) takes 1.16 ms, nanosleep(10 ms) 10.55 ms).
 */
TEST_F(swap, delay_accuracy)
{
	static const struct {
		uint64_t us;
		size_t npages;
	} cases[] = { { 1000, 61 }, { 10000, 21 } };
	const uint64_t base_us = 100;
	int64_t late_base, late[2];
	uint64_t base, med[2];
	double err[2], worst_late = 0;
	unsigned int i;

	/* One page per read: no readahead hiding the delay. */
	ASSERT_EQ(0, vmb_write_file(VMB_PAGE_CLUSTER, "0"));
	ASSERT_EQ(0, vmb_write(VMB_KNOB(swap, scope), "target"));
	ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(swap, read_delay_us), base_us));
	ASSERT_EQ(0, median_fault_ns(61, &base));
	ASSERT_EQ(0, vmb_median_sleep_late_ns(base_us, 61, &late_base));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(swap, read_delay_us), cases[i].us));
		ASSERT_EQ(0, median_fault_ns(cases[i].npages, &med[i]));
		ASSERT_EQ(0, vmb_median_sleep_late_ns(cases[i].us, cases[i].npages,
						  &late[i]));
		/*
		 * The fault at 100 us carries the fixed cost of a swap-in;
		 * the difference must be the difference of the delays, plus
		 * whatever the platform's timers add beyond it.
		 */
		err[i] = vmb_delay_error(cases[i].us, med[i], late[i], base_us,
					 base, late_base);
		if ((double)late[i] / (cases[i].us * 1e3) > worst_late)
			worst_late = (double)late[i] / (cases[i].us * 1e3);
		TH_LOG("%s: delay %" PRIu64 " us: median fault %.1f us (at %" PRIu64 " us: %.1f us); nanosleep late by %.1f us (%.1f us at %" PRIu64 " us); error %+.2f%%",
		       variant->sync_io ? "sync" : "async", cases[i].us,
		       med[i] / 1e3, base_us, base / 1e3, late[i] / 1e3,
		       late_base / 1e3, base_us, err[i] * 100);
		/* Never early: a delay is a minimum. */
		EXPECT_GE(med[i], cases[i].us * 1000);
	}
	/*
	 * A 5% judgement needs a clock better than 5%: under TCG on a busy
	 * host nanosleep() itself is late by 15% at 1 ms, and by a varying
	 * amount, so the error above is noise there. Say so, with numbers.
	 */
	if (__test_passed(_metadata) && worst_late > 0.05)
		SKIP(return, "this machine's timers are late by %.0f%% (nanosleep): a 5%% delay accuracy cannot be judged here (errors measured: %+.1f%% at 1 ms, %+.1f%% at 10 ms)",
		     worst_late * 100, err[0] * 100, err[1] * 100);
	for (i = 0; i < 2; i++)
		EXPECT_LT(err[i] < 0 ? -err[i] : err[i], 0.05);
}

/* scope=target: a process that is not the target is never delayed. */
TEST_F(swap, scope_target)
{
	struct vmb_swap_stats a, b;
	size_t npages = 32;
	int status;
	pid_t pid;
	void *p;

	ASSERT_EQ(0, vmb_write(VMB_KNOB(swap, scope), "target"));
	ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(swap, read_delay_us), 1000));
	ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(swap, write_delay_us), 1000));
	ASSERT_EQ(0, vmb_swap_read_stats(&a));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		p = pattern_map(npages, 3);
		if (!p || pageout(p, npages) ||
		    pages_swapped(p, npages) != (long)npages ||
		    pattern_check(p, npages, 3) != npages * page_size)
			_exit(1);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	ASSERT_EQ(0, vmb_swap_read_stats(&b));
	ASSERT_GE(b.v[VMB_SWAP_writes] - a.v[VMB_SWAP_writes], 1ULL);
	ASSERT_EQ(a.v[VMB_SWAP_delayed], b.v[VMB_SWAP_delayed]);

	/* The same from the target is delayed. */
	p = pattern_map(npages, 4);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, pageout(p, npages));
	ASSERT_EQ(npages * page_size, pattern_check(p, npages, 4));
	ASSERT_EQ(0, vmb_swap_read_stats(&a));
	ASSERT_GE(a.v[VMB_SWAP_delayed] - b.v[VMB_SWAP_delayed], npages);
	munmap(p, npages * page_size);
}

struct toucher {
	volatile char *addr;
	volatile int go;
	uint64_t start, end;
};

/*
 * Spin until told to go: creating a thread needs mmap_lock for writing,
 * which a fault that sleeps under mmap_lock (6.1) would hold up.
 */
static void *touch_thread(void *arg)
{
	struct toucher *t = arg;

	while (!t->go)
		;
	t->start = now_ns();
	(void)*t->addr;
	t->end = now_ns();
	return NULL;
}

/*
 * Async: thread A faults a swapped-out page and its read is delayed 200
 * ms; thread B faults the same page 50 ms later. One read reaches the
 * device; B waits on A's locked swap-cache folio and so finishes with A,
 * well before a delay of its own would end. Both faults retry.
 */
TEST_F(swap, two_threads_one_page)
{
	const uint64_t delay_ns = 200 * 1000000ULL, lag_ns = 50 * 1000000ULL;
	struct toucher a = {}, b = {};
	struct vmb_swap_stats s0, s1;
	struct vmb_faults f0, f1;
	int accounting, per_vma;
	pthread_t ta, tb;
	char *p;

	if (variant->sync_io)
		SKIP(return, "the async path's test: a synchronous swap-in reads in the faulting thread and does not retry");
	ASSERT_EQ(0, vmb_write_file(VMB_PAGE_CLUSTER, "0"));
	ASSERT_EQ(0, vmb_write(VMB_KNOB(swap, scope), "target"));
	p = pattern_map(1, 11);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, pageout(p, 1));
	ASSERT_EQ(1, pages_swapped(p, 1));
	ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(swap, read_delay_us), delay_ns / 1000));
	accounting = vmb_has_feature("fault_accounting") == 1;
	per_vma = vmb_has_feature("per_vma_lock") == 1;
	if (accounting)
		ASSERT_EQ(0, vmb_read_faults(&f0));
	ASSERT_EQ(0, vmb_swap_read_stats(&s0));

	a.addr = p;
	b.addr = p;
	ASSERT_EQ(0, pthread_create(&ta, NULL, touch_thread, &a));
	ASSERT_EQ(0, pthread_create(&tb, NULL, touch_thread, &b));
	a.go = 1;
	usleep(lag_ns / 1000);
	b.go = 1;
	ASSERT_EQ(0, pthread_join(ta, NULL));
	ASSERT_EQ(0, pthread_join(tb, NULL));

	ASSERT_EQ(0, vmb_swap_read_stats(&s1));
	ASSERT_EQ(1ULL, s1.v[VMB_SWAP_reads] - s0.v[VMB_SWAP_reads]);
	ASSERT_EQ(1ULL, s1.v[VMB_SWAP_delayed] - s0.v[VMB_SWAP_delayed]);
	ASSERT_EQ((size_t)page_size, pattern_check(p, 1, 11));
	TH_LOG("A %.1f ms (start +0), B %.1f ms (start +%.1f ms), ends %.1f ms apart",
	       (a.end - a.start) / 1e6, (b.end - b.start) / 1e6,
	       ((double)b.start - a.start) / 1e6,
	       ((double)b.end - a.end) / 1e6);
	/* A did the I/O: the whole delay. */
	ASSERT_GE(a.end - a.start, delay_ns * 95 / 100);
	/* B started while A's read was in flight, and ended with it. */
	ASSERT_LT(b.start, a.end);
	ASSERT_LT(b.end - b.start, delay_ns * 90 / 100);
	ASSERT_LT(b.end > a.end ? b.end - a.end : a.end - b.end,
		  delay_ns / 4);

	if (accounting) {
		ASSERT_EQ(0, vmb_read_faults(&f1));
		TH_LOG("faults +%" PRIu64 " retry +%" PRIu64 " vma_lock_retry +%" PRIu64 " mmap_lock_faults +%" PRIu64,
		       f1.v[VMB_C_faults] - f0.v[VMB_C_faults],
		       f1.v[VMB_C_retry] - f0.v[VMB_C_retry],
		       f1.v[VMB_C_vma_lock_retry] - f0.v[VMB_C_vma_lock_retry],
		       f1.v[VMB_C_mmap_lock_faults] - f0.v[VMB_C_mmap_lock_faults]);
		/*
		 * B dropped its lock to wait on the folio and retried. So did
		 * A on 6.12; on 6.1 a one-page readahead window waits for its
		 * read in swap_readpage() (do_poll), under mmap_lock.
		 */
		ASSERT_GE(f1.v[VMB_C_retry] - f0.v[VMB_C_retry],
			  per_vma ? 2ULL : 1ULL);
		if (per_vma)
			ASSERT_GE(f1.v[VMB_C_vma_lock_retry] -
				  f0.v[VMB_C_vma_lock_retry], 2ULL);
	}
	munmap(p, page_size);
}

/*
 * The accounting of swap-in faults: under the VMA lock where the kernel
 * has per-VMA locks (6.12), under mmap_lock where it does not (6.1). In
 * async mode every fault waits on its folio, so every one retries.
 */
TEST_F(swap, fault_accounting)
{
	const size_t npages = 64;
	struct vmb_faults f0, f1;
	uint64_t d[VMB_C_NR];
	unsigned int i;
	int per_vma;
	char *p;

	if (vmb_has_feature("fault_accounting") != 1)
		SKIP(return, "no fault accounting on this kernel");
	per_vma = vmb_has_feature("per_vma_lock") == 1;
	ASSERT_EQ(0, vmb_write_file(VMB_PAGE_CLUSTER, "0"));
	ASSERT_EQ(0, vmb_write(VMB_KNOB(swap, scope), "target"));
	p = pattern_map(npages, 21);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, pageout(p, npages));
	ASSERT_EQ((long)npages, pages_swapped(p, npages));
	ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(swap, read_delay_us), 2000));
	ASSERT_EQ(0, vmb_read_faults(&f0));
	ASSERT_EQ(npages * page_size, pattern_check(p, npages, 21));
	ASSERT_EQ(0, vmb_read_faults(&f1));
	for (i = 0; i < VMB_C_NR; i++)
		d[i] = f1.v[i] - f0.v[i];
	TH_LOG("%s, %s: faults +%" PRIu64 " vma_locked_done +%" PRIu64 " vma_lock_retry +%" PRIu64 " mmap_lock_faults +%" PRIu64 " retry +%" PRIu64 " major +%" PRIu64,
	       per_vma ? "per-VMA locks" : "no per-VMA locks",
	       variant->sync_io ? "sync" : "async", d[VMB_C_faults],
	       d[VMB_C_vma_locked_done], d[VMB_C_vma_lock_retry],
	       d[VMB_C_mmap_lock_faults], d[VMB_C_retry],
	       d[VMB_C_major]);
	ASSERT_GE(d[VMB_C_faults], npages);
	ASSERT_GE(d[VMB_C_major], npages);
	if (per_vma) {
		ASSERT_GE(d[VMB_C_vma_locked_done] +
			  d[VMB_C_vma_lock_retry], npages);
		if (variant->sync_io)
			ASSERT_GE(d[VMB_C_vma_locked_done], npages);
	} else {
		ASSERT_EQ(0ULL, d[VMB_C_vma_lock_attempt]);
		ASSERT_GE(d[VMB_C_mmap_lock_faults], npages);
	}
	/*
	 * Async on 6.12: the fault drops the VMA lock to wait for the read
	 * and retries (a read that already ended is allowed for 1 in 8).
	 * 6.1 waits in place (one-page window: swap_readpage() polls).
	 */
	if (!variant->sync_io && per_vma)
		ASSERT_GE(d[VMB_C_retry], npages - npages / 8);
	munmap(p, npages * page_size);
}

/* swapoff with delayed writes and reads in flight completes, data intact. */
TEST_F(swap, swapoff_inflight)
{
	/*
	 * Async writes are all in flight at once: make them long. Reads in
	 * swapoff and sync writes go one at a time: keep those short.
	 */
	uint64_t wr_us = variant->sync_io ? 2000 : 200000, rd_us = 2000;
	size_t npages = 256;
	struct vmb_swap_stats a, b;
	uint64_t t0;
	int ret;
	void *p;

	p = pattern_map(npages, 31);
	ASSERT_NE(NULL, p);
	ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(swap, write_delay_us), wr_us));
	ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(swap, read_delay_us), rd_us));
	ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(swap, jitter_us), rd_us / 2));
	ASSERT_EQ(0, vmb_swap_read_stats(&a));
	ASSERT_EQ(0, pageout(p, npages));
	t0 = now_ns();
	ret = vmb_swap_off();
	ASSERT_EQ(0, ret) TH_LOG("swapoff: %s", strerror(-ret));
	self->swapped_on = false;
	ASSERT_EQ(0, vmb_swap_read_stats(&b));
	TH_LOG("swapoff took %.2f s; delayed +%" PRIu64 ", inflight_max %" PRIu64,
	       (now_ns() - t0) / 1e9, b.v[VMB_SWAP_delayed] - a.v[VMB_SWAP_delayed],
	       b.v[VMB_SWAP_inflight_max]);
	ASSERT_GE(b.v[VMB_SWAP_delayed] - a.v[VMB_SWAP_delayed], npages);
	ASSERT_EQ(0, pages_swapped(p, npages));
	ASSERT_EQ(npages * page_size, pattern_check(p, npages, 31));
	ASSERT_EQ(0, vmb_swap_disarm());
	ASSERT_EQ(0, vmb_swap_on(SWAP_FLAG_DISCARD));
	self->swapped_on = true;
	munmap(p, npages * page_size);
}

/* While swapped on the block layer holds the module: rmmod is refused. */
TEST_F(swap, rmmod_refused)
{
	struct vmb_swap_stats s;
	long ret;

	ret = syscall(SYS_delete_module, "vmalock_bench", O_NONBLOCK);
	ASSERT_EQ(-1, ret);
	ASSERT_TRUE(errno == EAGAIN || errno == EBUSY)
		TH_LOG("delete_module: %s", strerror(errno));
	ASSERT_EQ(0, vmb_loaded());
	ASSERT_EQ(0, vmb_swap_read_stats(&s));
}

TEST_HARNESS_MAIN
