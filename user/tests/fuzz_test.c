// SPDX-License-Identifier: GPL-2.0
/*
 * Knob fuzzing: every writable debugfs file gets hostile writes (empty,
 * huge, negative, non-numeric, overlong, split, at an offset), then
 * several threads write random values to random files while injectors are
 * armed and disarmed and the target changes. Every write must end in 0 or
 * an errno the docs give, and afterwards the module must still work.
 *
 * The knob list comes from the module's own "knobs" file, so a knob added
 * later is fuzzed without a change here. VMB_FUZZ_WRITES (environment)
 * sets the number of random writes: 20000 by default, 100000 or more for
 * the long mode (scripts/check --long). Meanwhile a thread does I/O on
 * the raw file disk, so that its knobs change under bios in flight.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"
#include "lib/knob.h"
#include "lib/map.h"
#include "lib/module.h"
#include "lib/uapi.h"

#define MAX_KNOBS 128
#define REGION_PAGES 64

static struct vmb_knob_line knobs[MAX_KNOBS];
static int nr_knobs;
static char *region;
static size_t page;

static int load_knobs(void)
{
	nr_knobs = vmb_read_knobs(knobs, MAX_KNOBS);
	return nr_knobs;
}

/* Whether k is an injector's knob i: folio_lock/addr, migration/addr. */
static int is_inj_knob(const struct vmb_knob_line *k, enum vmb_inj_knob i)
{
	const char *s = strrchr(k->path, '/');

	return s && !strcmp(s + 1, vmb_inj_knob_names[i]);
}

static int writable(const struct vmb_knob_line *k)
{
	return (k->mode & 0200) && strcmp(k->type, "show");
}

static int is_enable(const struct vmb_knob_line *k)
{
	return is_inj_knob(k, VMB_INJ_enable);
}

/*
 * The errnos a knob write may end in (knobs.md, injectors.md, swap.md):
 * anything else is a bug.
 */
static int expected_errno(int ret)
{
	switch (-ret) {
	case 0:
	case EINVAL:	/* unparsable, out of bounds, bad range */
	case EBUSY:	/* not live while armed; sync_io while in use */
	case ESRCH:	/* no target */
	case EPERM:	/* kernel thread */
	case EFAULT:	/* range not mapped */
	case EOPNOTSUPP:	/* kernel lacks it */
	case ENOMEM:	/* a hold could not allocate */
		return 1;
	}
	return 0;
}

/* Values for a target/pid write that cannot point at a bystander. */
static void pid_value(char *buf, size_t size, unsigned int r)
{
	static const char *const hostile[] = { "0", "-1", "2", "99999999",
					       "4194304", "abc", "" };

	if (r % 3 == 0)
		snprintf(buf, size, "%d", getpid());
	else
		snprintf(buf, size, "%s", hostile[r % 7]);
}

static void random_value(const struct vmb_knob_line *k, char *buf, size_t size,
			 unsigned int *seed)
{
	static const char *const hostile[] = {
		"", "\n", "-1", "-0", "+5", "0x", "abc", "1e3", " 5", "5 5",
		"18446744073709551616", "99999999999999999999999",
		"-9223372036854775809", "0x10000000000000000", "1\n\n",
		"all\n", "target", "move", "restore", "2", "0777",
	};
	unsigned int r = rand_r(seed);

	if (!strcmp(k->path, VMB_KNOB(target, pid))) {
		pid_value(buf, size, r >> 4);
		return;
	}
	if (is_inj_knob(k, VMB_INJ_addr) && r % 2) {
		/* Inside, across the end of, or outside our region. */
		snprintf(buf, size, "0x%lx",
			 (unsigned long)region + (r % (REGION_PAGES + 4)) * page);
		return;
	}
	if (is_inj_knob(k, VMB_INJ_len) && r % 2) {
		snprintf(buf, size, "%zu", (1 + r % REGION_PAGES) * page);
		return;
	}
	if (is_inj_knob(k, VMB_INJ_hold_us) && r % 2) {
		/* Mostly short holds, so that the run stays short. */
		snprintf(buf, size, "%u", 1 + r % 2000);
		return;
	}
	if ((strstr(k->path, "delay_us") || strstr(k->path, "jitter_us")) &&
	    r % 4) {
		/*
		 * Short delays, or (r % 4 == 0) a hostile string below:
		 * disk_worker's I/O waits them out. Their bounds are fuzzed
		 * in hostile_writes.
		 */
		snprintf(buf, size, "%u", r % 2000);
		return;
	}
	switch (r % 4) {
	case 0:
		snprintf(buf, size, "%s", hostile[(r >> 2) % 21]);
		break;
	case 1:
		snprintf(buf, size, "%s", r & 4 ? k->min : k->max);
		break;
	case 2:
		snprintf(buf, size, "%u", r % 100);
		break;
	default:
		snprintf(buf, size, "%s", k->def);
		break;
	}
}

static atomic_long writes, unexpected;
static atomic_int stop;

static void note_write(const char *path, const char *val, int ret)
{
	atomic_fetch_add(&writes, 1);
	if (!expected_errno(ret)) {
		if (atomic_fetch_add(&unexpected, 1) < 10)
			fprintf(stderr, "# %s <- '%s': unexpected %s\n", path,
				val, strerror(-ret));
	}
}

/* Disarm everything, then every writable knob back to its default. */
static int restore_defaults(void)
{
	int i, ret, bad = 0;

	for (i = 0; i < nr_knobs; i++)
		if (is_enable(&knobs[i]))
			bad |= vmb_write(knobs[i].path, "0") != 0;
	for (i = 0; i < nr_knobs; i++) {
		const struct vmb_knob_line *k = &knobs[i];

		if (!writable(k) || is_enable(k) ||
		    !strcmp(k->path, VMB_KNOB(target, reset)) ||
		    !strcmp(k->path, VMB_KNOB(target, pid)) || !strcmp(k->def, "-"))
			continue;
		ret = vmb_write(k->path, k->def);
		/*
		 * sync_io cannot change while the swap device is open;
		 * force_mmap_lock does not exist without per-VMA locks.
		 */
		if (ret && ret != -EBUSY && ret != -EOPNOTSUPP) {
			fprintf(stderr, "# restoring %s to %s: %s\n", k->path,
				k->def, strerror(-ret));
			bad = 1;
		}
	}
	vmb_set_target(0);
	return bad ? -EIO : 0;
}

FIXTURE(fuzz) {
	long nr_writes;
};

FIXTURE_SETUP(fuzz)
{
	const char *env = getenv("VMB_FUZZ_WRITES");

	if (vmb_loaded())
		SKIP(return, "vmalock_bench is not loaded");
	ASSERT_LT(0, load_knobs());
	page = getpagesize();
	region = mmap(NULL, REGION_PAGES * page, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, region);
	memset(region, 1, REGION_PAGES * page);
	self->nr_writes = env ? atol(env) : 20000;
	ASSERT_LT(0, self->nr_writes);
	atomic_store(&writes, 0);
	atomic_store(&unexpected, 0);
	atomic_store(&stop, 0);
}

FIXTURE_TEARDOWN(fuzz)
{
	restore_defaults();
	munmap(region, REGION_PAGES * page);
}

TEST_F(fuzz, hostile_writes)
{
	static const char *const hostile[] = {
		"", "\n", "-1", "abc", "0x", "18446744073709551616",
		"-9223372036854775809", "1 2", "\x01\x02", "1\n\n",
	};
	char overlong[4096];
	int i, j, ret;

	memset(overlong, '7', sizeof(overlong) - 1);
	overlong[sizeof(overlong) - 1] = '\0';
	ASSERT_EQ(0, vmb_set_target(getpid()));
	for (i = 0; i < nr_knobs; i++) {
		const struct vmb_knob_line *k = &knobs[i];

		if (!writable(k))
			continue;
		for (j = 0; j < (int)ARRAY_SIZE(hostile); j++) {
			ret = vmb_write(k->path, hostile[j]);
			note_write(k->path, hostile[j], ret);
			/*
			 * Garbage is never accepted, but by target/reset
			 * (any write resets), and -1 is "until disarmed" for
			 * an s64 knob whose minimum is -1 (times).
			 */
			if (!strcmp(hostile[j], "-1") && !strcmp(k->type, "s64") &&
			    atoll(k->min) <= -1)
				continue;
			if (strcmp(k->path, VMB_KNOB(target, reset)) && j != 1)
				EXPECT_NE(0, ret) TH_LOG("%s accepted '%s'",
							 k->path, hostile[j]);
		}
		ret = vmb_write(k->path, overlong);
		note_write(k->path, "<4095 digits>", ret);
		EXPECT_EQ(-EINVAL, ret) TH_LOG("%s: overlong", k->path);
		ret = vmb_write_at(k->path, "1", 1, 5);
		note_write(k->path, "1 at offset 5", ret);
		EXPECT_EQ(-EINVAL, ret) TH_LOG("%s: write at offset", k->path);
		/* (not "1" to target/pid: that would make init the target) */
		ret = vmb_write_split(k->path, strcmp(k->path, VMB_KNOB(target, pid)) ?
					       "1" : "0", "0");
		note_write(k->path, "1 then 0", ret);
		EXPECT_NE(0, ret) TH_LOG("%s: split write accepted", k->path);
		/* Just past the bounds of a numeric knob. */
		if (!strcmp(k->type, "u64") && strcmp(k->max, "18446744073709551615")) {
			char v[32];

			snprintf(v, sizeof(v), "%llu",
				 strtoull(k->max, NULL, 10) + 1);
			ret = vmb_write(k->path, v);
			note_write(k->path, v, ret);
			EXPECT_EQ(-EINVAL, ret) TH_LOG("%s <- %s (max %s)",
						       k->path, v, k->max);
		}
	}
	for (i = 0; i < nr_knobs; i++) {
		if (writable(&knobs[i]) || !strcmp(knobs[i].type, "show"))
			continue;
		/* Read-only files refuse a write. */
		EXPECT_EQ(-EACCES, vmb_write(knobs[i].path, "1"))
			TH_LOG("%s", knobs[i].path);
	}
	TH_LOG("%ld hostile writes, %ld with an unexpected errno",
	       atomic_load(&writes), atomic_load(&unexpected));
	vmb_tally("knob_writes", atomic_load(&writes));
	EXPECT_EQ(0, atomic_load(&unexpected));
}

struct worker {
	unsigned int seed;
	long n;
};

static void *fuzz_worker(void *arg)
{
	struct worker *w = arg;
	char val[64];
	long i;
	int ret;

	for (i = 0; i < w->n && !atomic_load(&stop);) {
		const struct vmb_knob_line *k = &knobs[rand_r(&w->seed) % nr_knobs];

		if (!writable(k))
			continue;
		i++;
		if (is_enable(k))
			snprintf(val, sizeof(val), "%d", rand_r(&w->seed) % 2);
		else
			random_value(k, val, sizeof(val), &w->seed);
		ret = vmb_write(k->path, val);
		note_write(k->path, val, ret);
	}
	return NULL;
}

/* Faults in the region all along, so that holds have someone to block. */
static void *toucher(void *arg)
{
	size_t i = 0;

	while (!atomic_load(&stop)) {
		madvise(region + (i % REGION_PAGES) * page, page, MADV_DONTNEED);
		region[(i % REGION_PAGES) * page]++;
		i++;
	}
	return NULL;
}

/*
 * What disk_worker did: I/Os done, RWF_NOWAIT refused (EAGAIN, allowed),
 * pages read back wrong, and the first other error.
 */
struct disk_io {
	bool ran;
	long ios, again, bad;
	int err;
};

/*
 * Writes and reads back pages of the raw file disk, O_DIRECT, a third
 * of them RWF_NOWAIT, while the knobs are fuzzed: its delays, scope and
 * sync_io change under bios in flight. O_EXCL leaves a mounted disk
 * alone (a failed test's).
 */
static void *disk_worker(void *arg)
{
	long page = getpagesize(), i, j;
	struct disk_io *d = arg;
	struct iovec wv, rv;
	uint64_t *w, *r;
	int fd, flags;
	ssize_t n;

	fd = open(VMB_DISK_DEV, O_RDWR | O_DIRECT | O_EXCL);
	if (fd < 0)
		return NULL;
	if (posix_memalign((void **)&w, page, page) ||
	    posix_memalign((void **)&r, page, page)) {
		d->err = ENOMEM;
		close(fd);
		return NULL;
	}
	d->ran = true;
	wv = (struct iovec){ .iov_base = w, .iov_len = page };
	rv = (struct iovec){ .iov_base = r, .iov_len = page };
	for (i = 0; !atomic_load(&stop) && !d->err; i++) {
		for (j = 0; j < page / 8; j++)
			w[j] = i * page + j;
		flags = i % 3 ? 0 : RWF_NOWAIT;
		n = pwritev2(fd, &wv, 1, (i % 256) * page, flags);
		if (n < 0 && errno == EAGAIN && flags) {
			d->again++;
			continue;
		}
		if (n != page) {
			d->err = n < 0 ? errno : EIO;
			break;
		}
		n = preadv2(fd, &rv, 1, (i % 256) * page, 0);
		if (n != page) {
			d->err = n < 0 ? errno : EIO;
			break;
		}
		d->bad += !!memcmp(w, r, page);
		d->ios += 2;
		/* Bios in flight while knobs change, not a CPU hog. */
		usleep(200);
	}
	free(w);
	free(r);
	close(fd);
	return NULL;
}

/*
 * The time scales with VMB_FUZZ_WRITES: 20000 took 17-21 s under TCG on
 * a loaded host (load 10), 5000 took 5-7 s with or without disk_worker;
 * the harness's default 30 s was too little for 100000 (--long) and
 * only just enough for 20000.
 */
TEST_F_TIMEOUT(fuzz, concurrent_writers, 300)
{
	struct disk_io dio = {};
	struct worker w[4];
	pthread_t t[4], tt, td;
	struct timespec a, b;
	char buf[4096];
	int i;

	ASSERT_EQ(0, vmb_set_target(getpid()));
	clock_gettime(CLOCK_MONOTONIC, &a);
	ASSERT_EQ(0, pthread_create(&tt, NULL, toucher, NULL));
	ASSERT_EQ(0, pthread_create(&td, NULL, disk_worker, &dio));
	for (i = 0; i < 4; i++) {
		w[i].seed = 1234 + i;
		w[i].n = self->nr_writes / 4;
		ASSERT_EQ(0, pthread_create(&t[i], NULL, fuzz_worker, &w[i]));
	}
	for (i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	atomic_store(&stop, 1);
	pthread_join(tt, NULL);
	pthread_join(td, NULL);
	clock_gettime(CLOCK_MONOTONIC, &b);
	TH_LOG("%ld random writes from 4 threads in %.1f s, %ld with an unexpected errno",
	       atomic_load(&writes),
	       (b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9,
	       atomic_load(&unexpected));
	vmb_tally("knob_writes", atomic_load(&writes));
	EXPECT_EQ(0, atomic_load(&unexpected));
	if (dio.ran) {
		TH_LOG("meanwhile on %s: %ld I/Os, %ld RWF_NOWAIT refused, %ld pages read back wrong, error: %s",
		       VMB_DISK_DEV, dio.ios, dio.again, dio.bad,
		       dio.err ? strerror(dio.err) : "none");
		EXPECT_EQ(0, dio.err);
		EXPECT_EQ(0, dio.bad);
		EXPECT_LT(0, dio.ios);
	}

	/* Afterwards: everything back, every file readable, and counting. */
	ASSERT_EQ(0, restore_defaults());
	for (i = 0; i < nr_knobs; i++) {
		if (!(knobs[i].mode & 0400))
			continue;
		EXPECT_LE(0, vmb_read(knobs[i].path, buf, sizeof(buf)))
			TH_LOG("%s unreadable after fuzzing", knobs[i].path);
	}
	if (vmb_has_feature("fault_accounting") == 1) {
		struct vmb_faults f;
		void *mem;

		ASSERT_EQ(0, vmb_set_target(getpid()));
		ASSERT_EQ(0, vmb_reset());
		ASSERT_EQ(0, vmb_fault_anon(32, &mem));
		ASSERT_EQ(0, vmb_read_faults(&f));
		EXPECT_LE(32ULL, (unsigned long long)f.v[VMB_C_faults]);
		munmap(mem, 32 * page);
	}
}

/* A normal injection still works after fuzzing, and the module unloads. */
TEST_F(fuzz, injection_after_fuzzing)
{
	char val[64], stats[1024];
	uint64_t holds = 0;
	char *p;
	int i;

	if (access(VMB_DEBUGFS_PATH "/folio_lock/enable", F_OK))
		SKIP(return, "no folio_lock/ injector");
	/* A round of random writes first, in this test's own run. */
	{
		struct worker w = { .seed = 99, .n = 2000 };

		ASSERT_EQ(0, vmb_set_target(getpid()));
		fuzz_worker(&w);
		vmb_tally("knob_writes", atomic_load(&writes));
		ASSERT_EQ(0, restore_defaults());
	}
	ASSERT_EQ(0, vmb_set_target(getpid()));
	snprintf(val, sizeof(val), "0x%lx", (unsigned long)region);
	ASSERT_EQ(0, vmb_write(VMB_KNOB(folio_lock, addr), val));
	snprintf(val, sizeof(val), "%zu", 4 * page);
	ASSERT_EQ(0, vmb_write(VMB_KNOB(folio_lock, len), val));
	ASSERT_EQ(0, vmb_write(VMB_KNOB(folio_lock, hold_us), "1000"));
	ASSERT_EQ(0, vmb_write(VMB_KNOB(folio_lock, times), "1"));
	ASSERT_EQ(0, vmb_write(VMB_KNOB(folio_lock, enable), "1"));
	for (i = 0; i < 200 && !holds; i++) {
		usleep(10000);
		ASSERT_LT(0, vmb_read(VMB_KNOB(folio_lock, stats), stats, sizeof(stats)));
		p = strstr(stats, "holds ");
		ASSERT_NE(NULL, p);
		holds = strtoull(p + 6, NULL, 10);
	}
	EXPECT_EQ(0, vmb_write(VMB_KNOB(folio_lock, enable), "0"));
	EXPECT_EQ(1ULL, (unsigned long long)holds) TH_LOG("stats: %s", stats);
	/* And it unloads; loaded again for the tests after this one. */
	ASSERT_EQ(0, vmb_set_target(0));
	EXPECT_EQ(0, system("rmmod vmalock_bench"));
	ASSERT_EQ(0, system("lsmod | grep -q '^vmalock_bench ' || modprobe vmalock_bench"));
	ASSERT_EQ(0, vmb_loaded());
}

TEST_HARNESS_MAIN
