// SPDX-License-Identifier: GPL-2.0
/*
 * The file disk: /dev/vmalock_disk0 carrying ext4. Data written, dropped
 * from the page cache and read back byte for byte under delays and
 * jitter; the major faults of an mmapped file against the disk's reads,
 * with the reads that filemap_fault() and readahead submit caught by
 * scope=target; the accuracy of a delayed major fault; what sync_io
 * changes (readahead waits, REQ_NOWAIT refused); unmount with delayed
 * writes in flight; rmmod refused while mounted; the errno of bad
 * writes. Every case runs with sync_io=0 (async: the timer ends each
 * bio) and sync_io=1 (the submitter sleeps out the delay), on a fresh
 * filesystem.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"
#include "lib/clock.h"
#include "lib/disk.h"
#include "lib/inj.h"
#include "lib/knob.h"
#include "lib/map.h"
#include "lib/module.h"
#include "lib/uapi.h"

#define MIB (1UL << 20)

static long page_size;

/* The file the fault tests map: 16 MiB, one extent on a fresh ext4. */
#define FAULT_FILE "faults"
#define FAULT_PAGES 4096UL
#define FAULT_SEED 0xfa017ULL

/* disk/NAME := v. */
#define disk_set(name, v) vmb_write_u64(VMB_KNOB(disk, name), (v))

static int disk_stats(struct vmb_swap_stats *s)
{
	return vmb_rdisk_read_stats(VMB_DISK_DIR, s);
}

static uint64_t stat_delta(const struct vmb_swap_stats *a,
			   const struct vmb_swap_stats *b, unsigned int i)
{
	return b->v[i] - a->v[i];
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* What one round of faults on the mapped file did. */
struct fault_round {
	size_t n;			/* pages touched, each once */
	uint64_t reads, read_bytes, delayed;	/* the disk's, during it */
	uint64_t major;			/* target/faults major, if counted */
	bool counted;			/* the module counts faults here */
	uint64_t majflt;		/* getrusage(): the kernel's own count */
	uint64_t median_ns, max_ns;	/* of the faults */
	size_t bad;			/* pages whose data was wrong */
};

/*
 * Drop every cache, map FAULT_FILE with @advice, and read one byte of
 * each of n pages in a random order (seeded), each fault timed; then
 * check every touched page against its pattern (no I/O: they are
 * mapped). The first n of a permutation: no page is touched twice.
 */
static int fault_round(size_t n, int advice, unsigned int seed,
		       struct fault_round *r)
{
	size_t len = FAULT_PAGES * page_size, i, j, t, psize = page_size;
	struct vmb_swap_stats a, b;
	struct vmb_faults f0, f1;
	struct rusage u0, u1;
	uint64_t *lat = NULL, t0;
	size_t *idx = NULL;
	char path[128];
	int fd = -1, ret;
	char *p = MAP_FAILED;

	memset(r, 0, sizeof(*r));
	r->n = n;
	if (n > FAULT_PAGES)
		return -EINVAL;
	idx = calloc(FAULT_PAGES, sizeof(*idx));
	lat = calloc(n, sizeof(*lat));
	if (!idx || !lat) {
		ret = -ENOMEM;
		goto out;
	}
	for (i = 0; i < FAULT_PAGES; i++)
		idx[i] = i;
	for (i = 0; i < n; i++) {
		j = i + rand_r(&seed) % (FAULT_PAGES - i);
		t = idx[i];
		idx[i] = idx[j];
		idx[j] = t;
	}
	ret = vmb_drop_caches();
	if (ret)
		goto out;
	snprintf(path, sizeof(path), "%s/%s", VMB_DISK_MNT, FAULT_FILE);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED || madvise(p, len, advice)) {
		ret = -errno;
		goto out;
	}
	r->counted = vmb_has_feature("fault_accounting") == 1;
	ret = r->counted ? vmb_read_faults(&f0) : 0;
	if (!ret)
		ret = disk_stats(&a);
	if (ret)
		goto out;
	getrusage(RUSAGE_SELF, &u0);
	for (i = 0; i < n; i++) {
		t0 = vmb_now_ns();
		(void)*(volatile const char *)(p + idx[i] * psize);
		lat[i] = vmb_now_ns() - t0;
	}
	getrusage(RUSAGE_SELF, &u1);
	ret = disk_stats(&b);
	if (!ret && r->counted)
		ret = vmb_read_faults(&f1);
	if (ret)
		goto out;
	for (i = 0; i < n; i++)
		r->bad += vmb_pattern_match(p + idx[i] * psize, psize,
					    idx[i] * psize / 8,
					    FAULT_SEED) != psize;
	r->reads = stat_delta(&a, &b, VMB_SWAP_reads);
	r->read_bytes = stat_delta(&a, &b, VMB_SWAP_read_bytes);
	r->delayed = stat_delta(&a, &b, VMB_SWAP_delayed);
	if (r->counted)
		r->major = f1.v[VMB_C_major] - f0.v[VMB_C_major];
	r->majflt = u1.ru_majflt - u0.ru_majflt;
	qsort(lat, n, sizeof(*lat), cmp_u64);
	r->median_ns = lat[n / 2];
	r->max_ns = lat[n - 1];
out:
	if (p != MAP_FAILED)
		munmap(p, len);
	if (fd >= 0)
		close(fd);
	free(lat);
	free(idx);
	return ret;
}

static void log_round(struct __test_metadata *_metadata, const char *what,
		      const struct fault_round *r)
{
	TH_LOG("%s: %zu pages touched: major faults %" PRIu64 "%s (getrusage %" PRIu64 "), disk reads %" PRIu64 " (%" PRIu64 " KiB), delayed %" PRIu64 "; fault median %.2f ms, max %.2f ms",
	       what, r->n, r->major, r->counted ? "" : " (not counted here)",
	       r->majflt, r->reads, r->read_bytes >> 10, r->delayed,
	       r->median_ns / 1e6, r->max_ns / 1e6);
}

FIXTURE(disk) {
	bool ready;		/* the knobs exist: teardown has work */
	bool mounted;
};

FIXTURE_VARIANT(disk) {
	bool sync_io;
};

FIXTURE_VARIANT_ADD(disk, async) {
	.sync_io = false,
};

FIXTURE_VARIANT_ADD(disk, sync) {
	.sync_io = true,
};

FIXTURE_SETUP(disk)
{
	const char *why;
	uint64_t t0;
	int ret;

	page_size = vmb_page_size();
	self->ready = self->mounted = false;
	why = vmb_disk_unusable();
	if (why)
		SKIP(return, "%s", why);
	self->ready = true;
	t0 = vmb_now_ns();
	ret = vmb_disk_prepare(variant->sync_io);
	if (ret == -ENODEV)
		SKIP(return, "no ext4 in this kernel (CONFIG_EXT4_FS)");
	ASSERT_EQ(0, ret) TH_LOG("mkfs.ext4 and mount of %s: %s",
				 VMB_DISK_DEV, strerror(-ret));
	self->mounted = true;
	TH_LOG("mkfs.ext4 + mount of %s: %.2f s", VMB_DISK_DEV,
	       (vmb_now_ns() - t0) / 1e9);
	ASSERT_EQ(0, vmb_set_target(getpid()));
}

FIXTURE_TEARDOWN(disk)
{
	if (!self->ready || vmb_loaded())
		return;
	EXPECT_EQ(0, vmb_rdisk_disarm(VMB_DISK_DIR));
	if (self->mounted)
		EXPECT_EQ(0, vmb_disk_umount());
	EXPECT_EQ(0, disk_set(sync_io, 0));
	vmb_set_target(0);
}

/* Out of bounds -EINVAL, read-only -EACCES; sync_io live while mounted. */
TEST_F(disk, bad_writes)
{
	char buf[64];

	ASSERT_EQ(-EINVAL, disk_set(read_delay_us, VMB_DELAY_US_MAX + 1));
	ASSERT_EQ(-EINVAL, disk_set(write_delay_us, VMB_DELAY_US_MAX + 1));
	ASSERT_EQ(-EINVAL, disk_set(jitter_us, VMB_DELAY_US_MAX + 1));
	ASSERT_EQ(-EINVAL, vmb_write(VMB_KNOB(disk, read_delay_us), "-1"));
	ASSERT_EQ(-EINVAL, vmb_write(VMB_KNOB(disk, scope), "kswapd"));
	ASSERT_EQ(-EINVAL, disk_set(sync_io, 2));
	ASSERT_EQ(-EACCES, vmb_write(VMB_KNOB(disk, stats), "0"));
	ASSERT_EQ(0, disk_set(read_delay_us, VMB_DELAY_US_MAX));
	ASSERT_EQ(0, disk_set(read_delay_us, 0));
	ASSERT_EQ(0, vmb_write(VMB_KNOB(disk, scope), "target\n"));
	ASSERT_GT(vmb_read(VMB_KNOB(disk, scope), buf, sizeof(buf)), 0);
	ASSERT_STREQ("target\n", buf);
	/* Read per bio: it changes under a mounted filesystem. */
	ASSERT_EQ(0, disk_set(sync_io, !variant->sync_io));
	ASSERT_EQ(0, disk_set(sync_io, variant->sync_io));
}

/*
 * 32 MiB in four files written under delays and jitter, fsync()ed,
 * dropped from the page cache and read back byte for byte; then again
 * after an unmount and a mount, and e2fsck finds the filesystem clean.
 * The disk counted at least every byte both ways, delayed some, failed
 * none.
 */
TEST_F_TIMEOUT(disk, write_drop_read, 240)
{
	const size_t files = 4, npages = 8 * MIB / page_size;
	const size_t total = files * npages * page_size;
	uint64_t t0, t1, t2, t3, t4, bytes = 0;
	struct vmb_swap_stats a, b, c;
	char name[32];
	size_t i;
	long good;
	int ret;

	ASSERT_EQ(0, disk_set(read_delay_us, 100));
	ASSERT_EQ(0, disk_set(write_delay_us, 50));
	ASSERT_EQ(0, disk_set(jitter_us, 200));
	ASSERT_EQ(0, disk_stats(&a));
	t0 = vmb_now_ns();
	for (i = 0; i < files; i++) {
		snprintf(name, sizeof(name), "data%zu", i);
		ret = vmb_disk_write_file(name, npages, 0xd15c + i);
		ASSERT_EQ(0, ret) TH_LOG("writing %s: %s", name, strerror(-ret));
	}
	t1 = vmb_now_ns();
	ASSERT_EQ(0, vmb_drop_caches());
	ASSERT_EQ(0, disk_stats(&b));
	t2 = vmb_now_ns();
	for (i = 0; i < files; i++) {
		snprintf(name, sizeof(name), "data%zu", i);
		good = vmb_disk_check_file(name, npages, 0xd15c + i);
		ASSERT_EQ((long)(npages * page_size), good)
			TH_LOG("%s: first bad byte at offset %ld", name, good);
		bytes += good;
	}
	t3 = vmb_now_ns();
	ASSERT_EQ(0, disk_stats(&c));
	ASSERT_GE(stat_delta(&a, &b, VMB_SWAP_write_bytes), total);
	ASSERT_GE(stat_delta(&b, &c, VMB_SWAP_read_bytes), total);
	ASSERT_GT(stat_delta(&a, &c, VMB_SWAP_delayed), 0ULL);
	ASSERT_EQ(a.v[VMB_SWAP_errors], c.v[VMB_SWAP_errors]);

	/* From the disk once more, through a new mount. */
	ASSERT_EQ(0, vmb_disk_umount());
	self->mounted = false;
	ret = vmb_disk_fsck();
	ASSERT_EQ(0, ret) TH_LOG("e2fsck -fn %s: %s", VMB_DISK_DEV,
				 strerror(-ret));
	ASSERT_EQ(0, vmb_disk_mount());
	self->mounted = true;
	for (i = 0; i < files; i++) {
		snprintf(name, sizeof(name), "data%zu", i);
		good = vmb_disk_check_file(name, npages, 0xd15c + i);
		ASSERT_EQ((long)(npages * page_size), good)
			TH_LOG("%s after a remount: first bad byte at %ld",
			       name, good);
		bytes += good;
	}
	t4 = vmb_now_ns();
	TH_LOG("%s: %zu MiB written + fsync %.2f s, read back %.2f s, umount + e2fsck + mount + read back %.2f s; %" PRIu64 " bytes verified; disk writes %" PRIu64 " reads %" PRIu64 " delayed %" PRIu64 " inflight_max %" PRIu64,
	       variant->sync_io ? "sync" : "async", total / MIB,
	       (t1 - t0) / 1e9, (t3 - t2) / 1e9, (t4 - t3) / 1e9, bytes,
	       stat_delta(&a, &c, VMB_SWAP_writes),
	       stat_delta(&a, &c, VMB_SWAP_reads),
	       stat_delta(&a, &c, VMB_SWAP_delayed),
	       c.v[VMB_SWAP_inflight_max]);
	vmb_tally("bytes_verified", bytes);
}

/*
 * An mmapped file after drop_caches: every page touched is a major fault
 * whose read filemap_fault() submits in the faulting thread, directly or
 * through readahead (read_pages() calls ->readahead in the caller, and a
 * bio-based disk's submit_bio runs in the submitter). With scope=target
 * every read of the target's faults is delayed. MADV_RANDOM turns
 * readahead off: one 4 KiB read per major fault. Default readahead reads
 * a window around the first fault; later faults in it are minor, a hit
 * on its PG_readahead mark reads the next window without a major fault.
 */
TEST_F_TIMEOUT(disk, mmap_major_faults, 180)
{
	const size_t n = 256;
	const uint64_t delay_us = 1000;
	struct fault_round rnd, ra;
	int ret;

	ret = vmb_disk_write_file(FAULT_FILE, FAULT_PAGES, FAULT_SEED);
	ASSERT_EQ(0, ret) TH_LOG("writing the file: %s", strerror(-ret));
	ASSERT_EQ(0, vmb_write(VMB_KNOB(disk, scope), "target"));
	ASSERT_EQ(0, disk_set(read_delay_us, delay_us));

	ASSERT_EQ(0, fault_round(n, MADV_RANDOM, 1, &rnd));
	log_round(_metadata, "MADV_RANDOM", &rnd);
	ASSERT_EQ((size_t)0, rnd.bad);
	/* Every read the faults caused came from the target: delayed. */
	ASSERT_EQ(rnd.reads, rnd.delayed);
	/* One 4 KiB read per fault, give or take a metadata block. */
	ASSERT_GE(rnd.reads, n);
	ASSERT_LE(rnd.reads, n + n / 50 + 2);
	ASSERT_GE(rnd.majflt, n);
	if (rnd.counted) {
		ASSERT_GE(rnd.major, n);
		ASSERT_LE(rnd.major, rnd.reads);
		ASSERT_LE(rnd.reads - rnd.major, n / 50 + 2);
	}
	/* A major fault waits for its read. */
	ASSERT_GE(rnd.median_ns, delay_us * 1000);

	ASSERT_EQ(0, fault_round(n, MADV_NORMAL, 2, &ra));
	log_round(_metadata, "readahead", &ra);
	ASSERT_EQ((size_t)0, ra.bad);
	ASSERT_EQ(ra.reads, ra.delayed);
	ASSERT_GT(ra.reads, 0ULL);
	/* Windows, not pages: more bytes per read than MADV_RANDOM's. */
	ASSERT_GT(ra.read_bytes / ra.reads, rnd.read_bytes / rnd.reads);
	if (ra.counted) {
		/* Each major fault read something; marks read without one. */
		ASSERT_GE(ra.reads, ra.major);
		TH_LOG("readahead: disk reads / major faults = %.2f",
		       ra.major ? (double)ra.reads / ra.major : 0.0);
	}
}

/*
 * scope=target: the same faults by another process are not delayed,
 * and are read from the disk all the same.
 */
TEST_F(disk, scope_target)
{
	struct fault_round *child;
	const size_t n = 32;
	int status, ret;
	pid_t pid;

	ret = vmb_disk_write_file(FAULT_FILE, FAULT_PAGES, FAULT_SEED);
	ASSERT_EQ(0, ret) TH_LOG("writing the file: %s", strerror(-ret));
	ASSERT_EQ(0, vmb_write(VMB_KNOB(disk, scope), "target"));
	ASSERT_EQ(0, disk_set(read_delay_us, 1000));
	child = mmap(NULL, sizeof(*child), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, child);
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid)
		_exit(fault_round(n, MADV_RANDOM, 3, child) ? 1 : 0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	log_round(_metadata, "not the target", child);
	ASSERT_EQ((size_t)0, child->bad);
	ASSERT_GE(child->reads, n);
	ASSERT_EQ(0ULL, child->delayed);
	munmap(child, sizeof(*child));
}

/*
 * Median major fault at 1 ms and 10 ms of read delay, against the
 * median at 100 us, less how late the platform's own timers are: within
 * 5% of the difference of the delays (as swap_test's delay_accuracy;
 * docs/swap.md "Accuracy"). One 4 KiB read per fault (MADV_RANDOM).
 */
TEST_F_TIMEOUT(disk, delay_accuracy, 180)
{
	static const struct {
		uint64_t us;
		size_t n;
	} cases[] = { { 1000, 61 }, { 10000, 21 } };
	const uint64_t base_us = 100;
	int64_t late_base, late[2];
	double err[2], worst_late = 0;
	struct fault_round base, r[2];
	unsigned int i;
	int ret;

	ret = vmb_disk_write_file(FAULT_FILE, FAULT_PAGES, FAULT_SEED);
	ASSERT_EQ(0, ret) TH_LOG("writing the file: %s", strerror(-ret));
	ASSERT_EQ(0, vmb_write(VMB_KNOB(disk, scope), "target"));
	ASSERT_EQ(0, disk_set(read_delay_us, base_us));
	ASSERT_EQ(0, fault_round(61, MADV_RANDOM, 4, &base));
	ASSERT_EQ(0, vmb_median_sleep_late_ns(base_us, 61, &late_base));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, disk_set(read_delay_us, cases[i].us));
		ASSERT_EQ(0, fault_round(cases[i].n, MADV_RANDOM, 5 + i, &r[i]));
		ASSERT_EQ((size_t)0, r[i].bad);
		ASSERT_EQ(0, vmb_median_sleep_late_ns(cases[i].us, cases[i].n,
						      &late[i]));
		err[i] = vmb_delay_error(cases[i].us, r[i].median_ns, late[i],
					 base_us, base.median_ns, late_base);
		if ((double)late[i] / (cases[i].us * 1e3) > worst_late)
			worst_late = (double)late[i] / (cases[i].us * 1e3);
		TH_LOG("%s: delay %" PRIu64 " us: median major fault %.1f us (at %" PRIu64 " us: %.1f us); nanosleep late by %.1f us (%.1f us at %" PRIu64 " us); error %+.2f%%",
		       variant->sync_io ? "sync" : "async", cases[i].us,
		       r[i].median_ns / 1e3, base_us, base.median_ns / 1e3,
		       late[i] / 1e3, late_base / 1e3, base_us, err[i] * 100);
		/* Never early: a delay is a minimum. */
		EXPECT_GE(r[i].median_ns, cases[i].us * 1000);
	}
	if (__test_passed(_metadata) && worst_late > 0.05)
		SKIP(return, "this machine's timers are late by %.0f%% (nanosleep): a 5%% delay accuracy cannot be judged here (errors measured: %+.1f%% at 1 ms, %+.1f%% at 10 ms)",
		     worst_late * 100, err[0] * 100, err[1] * 100);
	for (i = 0; i < 2; i++)
		EXPECT_LT(err[i] < 0 ? -err[i] : err[i], 0.05);
}

/*
 * What sync_io changes: POSIX_FADV_WILLNEED submits readahead in the
 * caller. Asynchronous, it returns at once and the read() after it
 * waits out the rest of the delay; synchronous, it returns only once
 * its reads are done, and the read() after it waits for nothing.
 */
TEST_F(disk, readahead_waits)
{
	const uint64_t delay_ns = 100 * 1000000ULL;
	/* Less than one readahead window: one readahead does it all. */
	const size_t npages = 16;
	struct vmb_swap_stats a, b;
	uint64_t t0, t1, t2;
	char path[128], *buf;
	long good;
	int fd, ret;

	ret = vmb_disk_write_file(FAULT_FILE, npages, FAULT_SEED);
	ASSERT_EQ(0, ret) TH_LOG("writing the file: %s", strerror(-ret));
	ASSERT_EQ(0, vmb_drop_caches());
	ASSERT_EQ(0, disk_set(read_delay_us, delay_ns / 1000));
	snprintf(path, sizeof(path), "%s/%s", VMB_DISK_MNT, FAULT_FILE);
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	buf = malloc(npages * page_size);
	ASSERT_NE(NULL, buf);
	ASSERT_EQ(0, disk_stats(&a));
	t0 = vmb_now_ns();
	ASSERT_EQ(0, posix_fadvise(fd, 0, npages * page_size,
				   POSIX_FADV_WILLNEED));
	t1 = vmb_now_ns();
	ASSERT_EQ((ssize_t)(npages * page_size),
		  pread(fd, buf, npages * page_size, 0));
	t2 = vmb_now_ns();
	ASSERT_EQ(0, disk_stats(&b));
	good = vmb_pattern_match(buf, npages * page_size, 0, FAULT_SEED);
	free(buf);
	close(fd);
	TH_LOG("%s: fadvise(WILLNEED) of %zu pages returned after %.1f ms, the read() after it took %.1f ms; disk reads %" PRIu64 ", delayed %" PRIu64,
	       variant->sync_io ? "sync" : "async", npages, (t1 - t0) / 1e6,
	       (t2 - t1) / 1e6, stat_delta(&a, &b, VMB_SWAP_reads),
	       stat_delta(&a, &b, VMB_SWAP_delayed));
	ASSERT_EQ((long)(npages * page_size), good);
	ASSERT_GE(stat_delta(&a, &b, VMB_SWAP_delayed), 1ULL);
	/* Either way the data arrives a whole delay after the request. */
	ASSERT_GE(t2 - t0, delay_ns * 95 / 100);
	if (variant->sync_io) {
		ASSERT_GE(t1 - t0, delay_ns * 95 / 100);
		ASSERT_LT(t2 - t1, delay_ns / 2);
	} else {
		ASSERT_LT(t1 - t0, delay_ns / 2);
		ASSERT_GE(t2 - t1, delay_ns / 2);
	}
}

/*
 * REQ_NOWAIT on the raw disk (O_DIRECT, RWF_NOWAIT): a synchronous disk
 * with a delay would block, so the read fails with EAGAIN and nothing is
 * read; without a delay, or asynchronous, it is served.
 */
TEST_F(disk, nowait)
{
	struct vmb_swap_stats a, b;
	struct iovec iov;
	int fd, err;
	ssize_t n;
	void *buf;

	ASSERT_EQ(0, vmb_disk_umount());
	self->mounted = false;
	ASSERT_EQ(0, posix_memalign(&buf, page_size, page_size));
	iov.iov_base = buf;
	iov.iov_len = page_size;
	fd = open(VMB_DISK_DEV, O_RDONLY | O_DIRECT);
	ASSERT_LE(0, fd) TH_LOG("open %s O_DIRECT: %s", VMB_DISK_DEV,
				strerror(errno));
	ASSERT_EQ(0, disk_set(read_delay_us, 50000));
	ASSERT_EQ(0, disk_stats(&a));
	n = preadv2(fd, &iov, 1, 0, RWF_NOWAIT);
	err = n < 0 ? errno : 0;
	ASSERT_EQ(0, disk_stats(&b));
	if (variant->sync_io) {
		ASSERT_EQ(-1, n);
		ASSERT_EQ(EAGAIN, err);
		ASSERT_EQ(a.v[VMB_SWAP_reads], b.v[VMB_SWAP_reads]);
		ASSERT_EQ(0, disk_set(read_delay_us, 0));
		n = preadv2(fd, &iov, 1, 0, RWF_NOWAIT);
	}
	ASSERT_EQ(page_size, n) TH_LOG("preadv2(RWF_NOWAIT): %s",
				       strerror(errno));
	close(fd);
	free(buf);
}

/*
 * Unmount with delayed writes in flight: umount writes the dirty pages
 * back and waits for them; the data is all there after a new mount and
 * e2fsck finds the filesystem clean.
 */
TEST_F_TIMEOUT(disk, umount_inflight, 120)
{
	/* Async writes are all in flight at once; sync ones one by one. */
	uint64_t wr_us = variant->sync_io ? 2000 : 200000, t0, took;
	const size_t npages = 256;
	struct vmb_swap_stats a, b;
	char path[128], *buf;
	long good;
	size_t i;
	int fd, ret;

	snprintf(path, sizeof(path), "%s/inflight", VMB_DISK_MNT);
	buf = malloc(npages * page_size);
	ASSERT_NE(NULL, buf);
	for (i = 0; i < npages * page_size / 8; i++)
		((uint64_t *)buf)[i] = vmb_pattern_word(i, 0x1f);
	ASSERT_EQ(0, disk_set(write_delay_us, wr_us));
	ASSERT_EQ(0, disk_set(jitter_us, wr_us / 2));
	ASSERT_EQ(0, disk_stats(&a));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_LE(0, fd);
	ASSERT_EQ((ssize_t)(npages * page_size),
		  write(fd, buf, npages * page_size));
	ASSERT_EQ(0, close(fd));
	free(buf);
	/* Dirty in the page cache: umount writes it, delayed, and waits. */
	t0 = vmb_now_ns();
	ret = vmb_disk_umount();
	took = vmb_now_ns() - t0;
	ASSERT_EQ(0, ret) TH_LOG("umount: %s", strerror(-ret));
	self->mounted = false;
	ASSERT_EQ(0, disk_stats(&b));
	TH_LOG("%s: umount took %.2f s; disk writes +%" PRIu64 " delayed +%" PRIu64 " inflight_max %" PRIu64,
	       variant->sync_io ? "sync" : "async", took / 1e9,
	       stat_delta(&a, &b, VMB_SWAP_writes),
	       stat_delta(&a, &b, VMB_SWAP_delayed),
	       b.v[VMB_SWAP_inflight_max]);
	ASSERT_GE(stat_delta(&a, &b, VMB_SWAP_write_bytes),
		  npages * page_size);
	ASSERT_GE(stat_delta(&a, &b, VMB_SWAP_delayed), 1ULL);
	/* It waited for at least one delayed write. */
	ASSERT_GE(took, wr_us * 1000);
	ASSERT_EQ(0, vmb_rdisk_disarm(VMB_DISK_DIR));
	ASSERT_EQ(0, vmb_disk_fsck());
	ASSERT_EQ(0, vmb_disk_mount());
	self->mounted = true;
	good = vmb_disk_check_file("inflight", npages, 0x1f);
	ASSERT_EQ((long)(npages * page_size), good);
	vmb_tally("bytes_verified", good);
}

/* While mounted the block layer holds the module: rmmod is refused. */
TEST_F(disk, rmmod_refused)
{
	struct vmb_swap_stats s;
	long ret;

	ret = syscall(SYS_delete_module, "vmalock_bench", O_NONBLOCK);
	ASSERT_EQ(-1, ret);
	ASSERT_TRUE(errno == EAGAIN || errno == EBUSY)
		TH_LOG("delete_module: %s", strerror(errno));
	ASSERT_EQ(0, vmb_loaded());
	ASSERT_EQ(0, disk_stats(&s));
}

TEST_HARNESS_MAIN
