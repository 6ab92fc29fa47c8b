// SPDX-License-Identifier: GPL-2.0
/*
 * What only migration/ does (what every injector does, on every mapping
 * type, is in inj_test.c, the mmap() writer of seed 001 too): "move"
 * really migrates and keeps the data, also byte for byte under load,
 * "restore" keeps the folios, and mode is refused while armed;
 * "move" takes private anonymous memory only (docs/injectors.md).
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"
#include "inj_ops.h"
#include "lib/clock.h"
#include "lib/inj.h"
#include "lib/knob.h"
#include "lib/map.h"
#include "lib/uapi.h"

#define S(s, name) ((s)->v[VMB_STAT_##name])

FIXTURE(migration) {
	struct inj_ctx c;
};

FIXTURE_VARIANT(migration) {
	enum vmb_map_type type;
};

FIXTURE_VARIANT_ADD(migration, anon) {
	.type = VMB_MAP_ANON,
};

FIXTURE_VARIANT_ADD(migration, memfd) {
	.type = VMB_MAP_MEMFD,
};

FIXTURE_VARIANT_ADD(migration, tmpfs) {
	.type = VMB_MAP_TMPFS,
};

FIXTURE_VARIANT_ADD(migration, ramfs) {
	.type = VMB_MAP_RAMFS,
};

FIXTURE_SETUP(migration)
{
	int ret = inj_ctx_setup(&self->c, &inj_migration, variant->type);

	if (ret == 1)
		SKIP(return, "%s", self->c.why);
	ASSERT_EQ(0, ret);
}

FIXTURE_TEARDOWN(migration)
{
	inj_ctx_teardown(&self->c);
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
		     struct inj_ctx *c, const char *mode,
		     size_t *changed, struct vmb_inj_stats *st)
{
	uint64_t before[NPAGES], after[NPAGES];
	size_t i;

	ASSERT_EQ(0, pfns(c->m.mem, c->page, before));
	ASSERT_NE(0UL, before[0]) TH_LOG("no PFNs in pagemap: not root?");
	ASSERT_EQ(0, vmb_write(VMB_KNOB(migration, mode), mode));
	ASSERT_EQ(0, vmb_inj_setup(c->inj, c->m.mem, c->m.len, 10000, 0,
				   1));
	ASSERT_EQ(0, vmb_inj_arm(c->inj));
	ASSERT_EQ(0, vmb_inj_wait_disarmed(c->inj, 10000));
	ASSERT_EQ(0, vmb_inj_read_stats(c->inj, st));
	/* Read after the hold: pagemap of the restored ptes. */
	EXPECT_EQ(0UL, vmb_map_check(c->m.mem, 0, NPAGES));
	ASSERT_EQ(0, pfns(c->m.mem, c->page, after));
	*changed = 0;
	for (i = 0; i < NPAGES; i++)
		*changed += before[i] != after[i];
}

TEST_F_TIMEOUT(migration, move_keeps_data, 60)
{
	struct inj_ctx *c = &self->c;
	struct vmb_inj_stats st;
	size_t changed;

	if (variant->type != VMB_MAP_ANON) {
		/* Page-cache folios are not moved: refused at arm. */
		ASSERT_EQ(0, vmb_write(VMB_KNOB(migration, mode), "move\n"));
		ASSERT_EQ(0, vmb_inj_setup(c->inj, c->m.mem, c->m.len, 1000,
					   0, 1));
		EXPECT_EQ(-EINVAL, vmb_inj_arm(c->inj));
		return;
	}
	one_hold(_metadata, c, "move\n", &changed, &st);
	EXPECT_EQ((int64_t)NPAGES, S(&st, folios_held));
	EXPECT_EQ((int64_t)NPAGES, S(&st, moved));
	EXPECT_EQ(NPAGES, changed);
	EXPECT_EQ(0, S(&st, errors));
}

/* A real migration of the largest range keeps every byte. */
TEST_F_TIMEOUT(migration, move_max_len, 180)
{
	struct inj_ctx *c = &self->c;
	size_t npages = VMB_LEN_MAX / c->page, bad = 1;
	struct vmb_inj_stats st;
	const char *step;

	if (variant->type != VMB_MAP_ANON)
		SKIP(return, "move takes anonymous memory only");
	ASSERT_EQ(0, vmb_write(VMB_KNOB(migration, mode), "move\n"));
	ASSERT_EQ(0, inj_max_len_hold(c, &st, &bad, &step)) TH_LOG("%s", step);
	EXPECT_EQ(0UL, bad);
	TH_LOG("%zu pages: held %" PRId64 ", moved %" PRId64 ", hold %" PRId64 " us",
	       npages, S(&st, folios_held), S(&st, moved),
	       S(&st, last_hold_us));
	EXPECT_EQ((int64_t)npages, S(&st, folios_held));
	EXPECT_EQ((int64_t)npages, S(&st, moved));
}

/*
 * move_under_load: threads write and read back their own pages while the
 * injector moves the range under them. Each writes a word derived from
 * (thread, iteration, offset) over each of its pages, checks the page at
 * once, and checks all of them again at its next iteration, after the
 * holds in between.
 */
#define LOADERS 3
#define LOAD_S 5
#define LOAD_HOLD_US 2000
#define LOAD_SLOW_NS (500 * US)

struct loader {
	char *mem;
	long page;
	size_t npages;
	int id;
	int *stop;
	uint64_t done;		/* iterations fully written */
	uint64_t bytes;		/* bytes verified */
	uint64_t slow;		/* page writes that took over LOAD_SLOW_NS */
	int bad;		/* 1 once a byte was wrong: then the below */
	uint64_t bad_it;
	size_t bad_off;
	uint8_t bad_got, bad_want;
	const char *bad_when;
};

static uint64_t load_word(int id, uint64_t it, size_t off)
{
	return ((it + 1) * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)id << 56) ^ off;
}

static void load_fill(struct loader *l, size_t p, uint64_t it)
{
	volatile uint64_t *w = (uint64_t *)(l->mem + p * l->page);
	size_t i, n = l->page / sizeof(*w);

	for (i = 0; i < n; i++)
		w[i] = load_word(l->id, it, p * l->page + i * sizeof(*w));
}

/* 0 if page p holds iteration it, else 1 with the first bad byte in l. */
static int load_check(struct loader *l, size_t p, uint64_t it,
		      const char *when)
{
	volatile const uint64_t *w = (uint64_t *)(l->mem + p * l->page);
	size_t i, n = l->page / sizeof(*w), off;
	uint64_t got, want;
	unsigned int b;

	for (i = 0; i < n; i++) {
		off = p * l->page + i * sizeof(*w);
		want = load_word(l->id, it, off);
		got = w[i];
		if (got == want)
			continue;
		/* Little-endian: byte b of the word is at off + b. */
		for (b = 0; b < sizeof(got) - 1; b++)
			if ((uint8_t)(got >> 8 * b) != (uint8_t)(want >> 8 * b))
				break;
		l->bad_it = it;
		l->bad_off = off + b;
		l->bad_got = got >> 8 * b;
		l->bad_want = want >> 8 * b;
		l->bad_when = when;
		__atomic_store_n(&l->bad, 1, __ATOMIC_RELEASE);
		return 1;
	}
	l->bytes += l->page;
	return 0;
}

static void *load_thread(void *arg)
{
	struct loader *l = arg;
	uint64_t it, t0;
	size_t p;

	for (it = 0; !__atomic_load_n(l->stop, __ATOMIC_RELAXED); it++) {
		/* Later: the last iteration's data, moved since or not. */
		for (p = l->id; it && p < l->npages; p += LOADERS)
			if (load_check(l, p, it - 1, "an iteration later"))
				return NULL;
		for (p = l->id; p < l->npages; p += LOADERS) {
			t0 = vmb_now_ns();
			load_fill(l, p, it);
			l->slow += vmb_now_ns() - t0 > LOAD_SLOW_NS;
			if (load_check(l, p, it, "just written"))
				return NULL;
		}
		l->done = it + 1;
	}
	return NULL;
}

static bool load_failed(struct loader *l, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (__atomic_load_n(&l[i].bad, __ATOMIC_ACQUIRE))
			return true;
	return false;
}

static void load_report(struct __test_metadata *_metadata,
			const struct loader *l)
{
	EXPECT_EQ(0, l->bad)
		TH_LOG("thread %d, iteration %" PRIu64 ", %s: byte %zu (page %zu) reads 0x%02x, expected 0x%02x",
		       l->id, l->bad_it, l->bad_when, l->bad_off,
		       l->bad_off / l->page, l->bad_got, l->bad_want);
}

/*
 * Holds of 2 ms every 1 ms in mode move for LOAD_S seconds, the loaders
 * running: their faults meet the entries and their pages are moved
 * between their writes and reads. Meanwhile the PFNs are sampled: a move
 * shows as a new frame (a hold in place as none). Then every byte of the
 * range holds the last iteration written, and munmap() from another
 * thread returns: no folio lock or VMA lock was left behind.
 */
TEST_F_TIMEOUT(migration, move_under_load, 90)
{
	struct inj_ctx *c = &self->c;
	uint64_t last[NPAGES], pfn[NPAGES], t0, t1, end;
	uint64_t bytes = 0, iters = 0, slow = 0, changes = 0;
	struct loader l[LOADERS];
	pthread_t th[LOADERS];
	bool moved[NPAGES] = { false };
	struct vmb_inj_stats st;
	int stop = 0, n, i, ret = 0, sampled = 0, disarmed;
	size_t p, pages_moved = 0;

	if (variant->type != VMB_MAP_ANON)
		SKIP(return, "move takes anonymous memory only: refused at arm (move_keeps_data)");
	ASSERT_EQ(0, pfns(c->m.mem, c->page, last));
	ASSERT_NE(0UL, last[0]) TH_LOG("no PFNs in pagemap: not root?");
	ASSERT_EQ(0, vmb_write(VMB_KNOB(migration, mode), "move\n"));
	ASSERT_EQ(0, vmb_inj_setup(c->inj, c->m.mem, c->m.len,
				   LOAD_HOLD_US, 1000, -1));
	ASSERT_EQ(0, vmb_inj_arm(c->inj));
	t0 = vmb_now_ns();
	for (n = 0; n < LOADERS; n++) {
		l[n] = (struct loader){ .mem = c->m.mem, .page = c->page,
					.npages = NPAGES, .id = n,
					.stop = &stop };
		ret = pthread_create(&th[n], NULL, load_thread, &l[n]);
		if (ret)
			break;
	}
	/* No ASSERT until the loaders are joined: they use the range. */
	end = t0 + LOAD_S * 1000 * MS;
	while (!ret && vmb_now_ns() < end && !load_failed(l, n) &&
	       vmb_inj_armed(c->inj) == 1) {
		sampled++;
		ret = pfns(c->m.mem, c->page, pfn);
		for (p = 0; !ret && p < NPAGES; p++) {
			if (!pfn[p])	/* a migration entry: in a hold */
				continue;
			if (pfn[p] != last[p]) {
				changes++;
				moved[p] = true;
			}
			last[p] = pfn[p];
		}
		usleep(1000);
	}
	/* Disarmed mid-hold as a rule: faults are waiting on it. */
	disarmed = vmb_inj_disarm(c->inj);
	t1 = vmb_now_ns();
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	ASSERT_EQ(LOADERS, n) TH_LOG("pthread_create: %s", strerror(ret));
	ASSERT_EQ(0, ret) TH_LOG("pagemap: %s", strerror(-ret));
	ASSERT_EQ(0, disarmed);
	ASSERT_EQ(0, vmb_inj_read_stats(c->inj, &st));
	for (i = 0; i < LOADERS; i++)
		load_report(_metadata, &l[i]);
	ASSERT_FALSE(load_failed(l, LOADERS));

	/* The whole range: the last iteration each thread wrote. */
	for (i = 0; i < LOADERS; i++) {
		ASSERT_LT(0UL, l[i].done) TH_LOG("thread %d never wrote", i);
		for (p = i; p < NPAGES && !l[i].bad; p += LOADERS)
			load_check(&l[i], p, l[i].done - 1, "at the end");
		load_report(_metadata, &l[i]);
		bytes += l[i].bytes;
		iters += l[i].done;
		slow += l[i].slow;
	}
	for (p = 0; p < NPAGES; p++)
		pages_moved += moved[p];

	/* munmap() write-locks the VMA and frees the folios: it returns. */
	ret = vmb_munmap_elsewhere(c->m.mem, c->m.len, 10000);
	ASSERT_NE(-ETIMEDOUT, ret)
		TH_LOG("munmap() of the range did not return: a leaked lock");
	ASSERT_EQ(0, ret) TH_LOG("munmap: %s", strerror(-ret));
	c->m.mem = NULL;

	vmb_tally("bytes_verified", bytes);
	TH_LOG("%.1f s, %d threads: %" PRIu64 " bytes verified in %" PRIu64 " iterations, %" PRIu64 " page writes over %llu us",
	       (t1 - t0) / 1e9, LOADERS, bytes, iters, slow,
	       LOAD_SLOW_NS / US);
	TH_LOG("%" PRId64 " holds, %" PRId64 " moved in the last, errors %" PRId64 "; %d PFN samples: %" PRIu64 " frame changes, %zu of %lu pages moved",
	       S(&st, holds), S(&st, moved), S(&st, errors), sampled,
	       changes, pages_moved, NPAGES);
	EXPECT_LT(0, S(&st, holds));
	EXPECT_LT(0, S(&st, moved));
	EXPECT_EQ(0, S(&st, errors));
	if (variant->type == VMB_MAP_ANON)
		EXPECT_EQ(NPAGES, pages_moved);
}

TEST_F_TIMEOUT(migration, restore_keeps_folios, 60)
{
	struct inj_ctx *c = &self->c;
	struct vmb_inj_stats st;
	size_t changed;

	one_hold(_metadata, c, "restore\n", &changed, &st);
	EXPECT_EQ((int64_t)NPAGES, S(&st, folios_held));
	EXPECT_EQ(0, S(&st, moved));
	EXPECT_EQ(0UL, changed);
}

TEST_F(migration, bad_mode)
{
	struct inj_ctx *c = &self->c;
	char buf[32];

	EXPECT_EQ(-EINVAL, vmb_write(VMB_KNOB(migration, mode), "bogus\n"));
	EXPECT_EQ(-EINVAL, vmb_write(VMB_KNOB(migration, mode), "2\n"));
	ASSERT_LT(0, vmb_read(VMB_KNOB(migration, mode), buf, sizeof(buf)));
	EXPECT_STREQ("restore\n", buf);
	ASSERT_EQ(0, vmb_inj_setup(c->inj, c->m.mem, c->m.len, 1000000, 0,
				   1));
	ASSERT_EQ(0, vmb_inj_arm(c->inj));
	EXPECT_EQ(-EBUSY, vmb_write(VMB_KNOB(migration, mode), "move\n"));
	ASSERT_EQ(0, vmb_inj_disarm(c->inj));
}

TEST_HARNESS_MAIN
