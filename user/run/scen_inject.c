// SPDX-License-Identifier: GPL-2.0
/*
 * Scenarios driven by the module's injectors (docs/knobs.md,
 * module/inject.c): folio-lock-file, folio-lock-shmem, folio-lock-retry
 * and migration.
 *
 * Each victim owns one page of a mapping and faults on it over and over;
 * the injector holds the whole mapping (its folios locked, or migration
 * entries in its ptes) for --hold-us, again and again. The injector is
 * armed with a bounded number of holds, and stopped as soon as the
 * injected phase ends (quiesce), so a victim can never stay blocked
 * behind it.
 *
 * folio-lock-*: the victim zaps its pte (MADV_DONTNEED) and refaults the
 * page-cache folio, which waits about --hold-us: a file fault drops its
 * lock and retries (filemap_fault(), VM_FAULT_RETRY), a shmem fault sleeps
 * in folio_lock() under its lock. folio-lock-file pauses a hold's length
 * between holds, for the retry to get through; folio-lock-retry does not
 * pause, so a retry can meet the next hold and the fault takes a third
 * call (attempts_3). Never more on 6.12: the VMA-lock fallback sets
 * FAULT_FLAG_TRIED only for a major fault, and lock_folio_maybe_drop_mmap()
 * drops mmap_lock only on a first try, so no retry_after_tried here; the
 * measured retry after FAULT_FLAG_TRIED (seed 003) is uffd-wake-retry.
 *
 * migration: the victim writes to its anonymous page while the injector
 * holds a migration entry in its pte (mode restore).
 *
 * Victims fault in step with the holds: each waits until the injector's
 * stats show a new hold in place, then faults once. Free-running victims
 * would mostly fault in the gaps between holds, which on a slow (TCG)
 * guest are longer than the holds themselves.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/error.h"
#include "lib/inj.h"
#include "lib/knob.h"
#include "lib/map.h"
#include "run/scenario.h"

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif

struct inj {
	const char *dir;	/* VMB_INJ_FOLIO_LOCK_DIR or _MIGRATION_DIR */
	struct vmb_region reg;
	uint64_t interval_us;
	int64_t times;
	/*
	 * Each timed fault against its hold's scheduled end (hold_start_ns
	 * + hold_us, both CLOCK_MONOTONIC): begun before it (met the hold),
	 * and of those, ended before it: in a hold that skipped folios (a
	 * busy or absent one, which stats say from the hold's start), or
	 * not (never, unless the hold was cut short); how late, on average,
	 * the victims saw the holds begin.
	 */
	atomic_uint_fast64_t met, early, skipped, late_ns;
};

/* The knobs are not all "live": a disarmed injector takes them. */
static int inj_stop(struct vmb_run *r)
{
	struct inj *s = r->priv;

	if (!s->dir)
		return 0;
	return vmb_knob_write(vmb_inj_path(s->dir, VMB_INJ_enable), "0\n");
}

/*
 * <dir>/stats by name (a newer module may have more lines): *have gets a
 * bit per enum vmb_inj_stat found.
 */
static int inj_stats(struct vmb_run *r, uint64_t *v, uint64_t *have)
{
	struct inj *s = r->priv;
	char buf[2048];
	int n;

	n = vmb_read(vmb_inj_path(s->dir, VMB_INJ_stats), buf, sizeof(buf));
	if (n < 0)
		return n;
	return vmb_parse_stats(buf, vmb_inj_stat_names, VMB_STAT_NR, v, have);
}

/*
 * A regular file whose faults go through filemap_fault(): in $TMPDIR,
 * unless that is tmpfs (shmem: another fault path), then on a ramfs
 * mounted in a mount namespace of our own, gone as soon as the file is
 * open.
 */
static int open_page_cache_file(struct vmb_run *r, const char *what)
{
	static bool private_ns;
	const char *tmp = getenv("TMPDIR");
	char dir[256], path[300];
	struct statfs sf;
	int fd, ret;

	if (!tmp || !*tmp)
		tmp = "/tmp";
	if (statfs(tmp, &sf))
		return vmb_fail(-errno, "%s: statfs of %s (set TMPDIR)", what,
				tmp);
	if ((unsigned long)sf.f_type != TMPFS_MAGIC) {
		snprintf(path, sizeof(path), "%s/vmalock-bench.XXXXXX", tmp);
		fd = mkostemp(path, O_CLOEXEC);
		if (fd < 0)
			return vmb_fail(-errno,
					"%s: cannot create %s (set TMPDIR to a writable directory)",
					what, path);
		unlink(path);
		return fd;
	}
	/* Only the main thread runs here: unshare() needs that. */
	if (!private_ns) {
		if (unshare(CLONE_NEWNS) ||
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			return vmb_skip(r, "%s is tmpfs (shmem faults) and a private ramfs needs root (%s): set TMPDIR to a disk-backed directory",
					tmp, strerror(errno));
		private_ns = true;
	}
	snprintf(dir, sizeof(dir), "%s/vmalock-bench.XXXXXX", tmp);
	if (!mkdtemp(dir))
		return vmb_fail(-errno, "%s: mkdtemp in %s", what, tmp);
	if (mount("vmalock-bench", dir, "ramfs", 0, "mode=0700")) {
		ret = -errno;
		rmdir(dir);
		return vmb_fail(ret, "%s: mounting a ramfs on %s", what, dir);
	}
	snprintf(path, sizeof(path), "%s/file", dir);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ret = fd < 0 ? -errno : 0;
	if (fd >= 0)
		unlink(path);
	umount2(dir, MNT_DETACH);
	rmdir(dir);
	if (ret)
		return vmb_fail(ret, "%s: creating %s", what, path);
	return fd;
}

/*
 * A page per victim, each at the start of its own 64 KiB (the kernel's
 * default fault_around_bytes), all in the page cache before the first
 * fault. One page apart, a victim's fault mapped its neighbours' pages
 * (do_fault_around(), filemap_map_pages(): uptodate and unlocked, in a
 * gap between holds), and a neighbour's next access then met no fault
 * at all: with 2 victims and the writer, folio-lock-file "faults" ended
 * before their hold 12 times in 38 on 6.12, in holds that skipped no
 * folio.
 */
static size_t victim_stride(const struct vmb_run *r)
{
	size_t n = (64 << 10) / (size_t)r->page;

	return n ? n : 1;
}

static int map_shared(struct vmb_run *r, struct inj *s, const char *what)
{
	struct vmb_region *reg = &s->reg;
	int ret;

	reg->per = victim_stride(r);
	reg->len = (size_t)r->nvictims * reg->per * (size_t)r->page;
	if (r->sc->kind == VMB_INJECT_SHMEM) {
		reg->fd = memfd_create("vmalock-bench", MFD_CLOEXEC);
		if (reg->fd < 0)
			return vmb_fail(-errno, "%s: memfd_create", what);
	} else {
		ret = open_page_cache_file(r, what);
		if (ret == 1)
			return 1;
		if (ret < 0)
			return ret;
		reg->fd = ret;
	}
	return vmb_region_map_file(r, reg, what);
}

static int inj_prepare(struct vmb_run *r)
{
	bool migration = r->sc->kind == VMB_INJECT_MIGRATION;
	struct inj *s = r->priv;
	size_t i;
	int ret;

	s->reg.fd = -1;
	s->dir = migration ? VMB_INJ_MIGRATION_DIR : VMB_INJ_FOLIO_LOCK_DIR;
	/* Left armed by a run that was killed? Its knobs would be EBUSY. */
	ret = inj_stop(r);
	if (ret)
		return ret;
	/* Each fault waits a hold or more: keep default runs short. */
	vmb_cap_iterations(r, migration ? 15000 : 30000, 10);
	/* A hold per fault and some to spare, never unbounded. */
	s->times = r->iterations ? (int64_t)r->iterations * 4 + 32 : -1;
	/*
	 * folio-lock-file: a pause between holds as long as a hold, for the
	 * retry to get through; the others follow hold with hold.
	 */
	s->interval_us = r->sc->kind == VMB_INJECT_FILE ? r->o->hold_us : 0;
	if (!migration)
		return map_shared(r, s, r->sc->name);

	s->reg.per = 1;
	s->reg.len = (size_t)r->nvictims * (size_t)r->page;
	s->reg.spare = (size_t)r->page;
	ret = vmb_map_anon(s->reg.len + s->reg.spare, true, &s->reg.base);
	if (ret)
		return ret;
	vmb_writer_vma(r, s->reg.base, s->reg.len + s->reg.spare);
	for (i = 0; i < s->reg.len; i += (size_t)r->page)
		s->reg.base[i] = 1;
	return 0;
}

static int inj_arm(struct vmb_run *r)
{
	struct inj *s = r->priv;
	int ret;

	atomic_store(&s->met, 0);
	atomic_store(&s->early, 0);
	atomic_store(&s->skipped, 0);
	atomic_store(&s->late_ns, 0);
	ret = vmb_inj_setup(s->dir, s->reg.base, s->reg.len,
			    r->o->hold_us ? r->o->hold_us : 1, s->interval_us,
			    s->times);
	if (ret)
		return vmb_fail(ret,
				"%s: cannot set up %s/%s (addr, len, hold_us, interval_us, times): is the module loaded and are you root?",
				r->sc->name, vmb_dir(), s->dir);
	if (r->sc->kind == VMB_INJECT_MIGRATION) {
		ret = vmb_knob_write(VMB_KNOB(migration, mode), "restore\n");
		if (ret)
			return ret;
	}
	vmb_clear_error();
	ret = vmb_inj_arm(s->dir);
	if (ret == -ESRCH)
		return vmb_fail(ret,
				"%s: arming %s/enable: the module has no target (target/pid)",
				r->sc->name, s->dir);
	if (ret)
		return vmb_fail(ret, "%s: cannot write '1' to %s/%s",
				r->sc->name, vmb_dir(),
				vmb_inj_path(s->dir, VMB_INJ_enable));
	return 0;
}

static void inj_quiesce(struct vmb_run *r)
{
	inj_stop(r);
}

/* What the run's holds did, as metrics: zero errors are not worth one. */
static int inj_disarm(struct vmb_run *r)
{
	static const struct {
		enum vmb_inj_stat stat;
		bool only_nonzero;	/* and lower is better */
	} shown[] = {
		{ VMB_STAT_holds, false },	{ VMB_STAT_errors, true },
		{ VMB_STAT_last_error, true },	{ VMB_STAT_cut_short, true },
		{ VMB_STAT_last_hold_us, false },
	};
	struct inj *s = r->priv;
	uint64_t v[VMB_STAT_NR], have = 0;
	size_t i;
	int ret;

	ret = inj_stop(r);
	/* Shown always: 0 early faults is the finding. */
	vmb_add_metric(r->res, "met_hold", (double)atomic_load(&s->met), false);
	vmb_add_metric(r->res, "ended_before_hold_end",
		       (double)atomic_load(&s->early), false);
	vmb_add_metric(r->res, "ended_early_folios_skipped",
		       (double)atomic_load(&s->skipped), false);
	if (atomic_load(&s->met))
		vmb_add_metric(r->res, "hold_seen_late_us",
			       (double)atomic_load(&s->late_ns) / 1e3 /
				       (double)atomic_load(&s->met),
			       true);
	inj_stats(r, v, &have);
	for (i = 0; i < VMB_ARRAY_SIZE(shown); i++) {
		enum vmb_inj_stat k = shown[i].stat;

		if (!(have & (1ULL << k)) || (shown[i].only_nonzero && !v[k]))
			continue;
		vmb_add_metric(r->res, vmb_inj_stat_names[k],
			       (double)(int64_t)v[k], shown[i].only_nonzero);
	}
	return ret;
}

static void inj_cleanup(struct vmb_run *r)
{
	struct inj *s = r->priv;

	/* Disarmed before the range goes: also after an error, on Ctrl-C. */
	inj_stop(r);
	vmb_clear_error();
	vmb_region_unmap(&s->reg);
}

/*
 * Wait until a hold newer than *last is in place. 1 when it is, 0 when
 * the phase is over or the injector has stopped (holds used up, or it
 * gave up: see its stats errors), -errno on error. The polls yield the
 * CPU: the injector's kthread needs it on a small (TCG) guest.
 */
static int wait_for_hold(struct vmb_run *r, int64_t *last)
{
	struct inj *s = r->priv;
	uint64_t v[VMB_STAT_NR], have;
	unsigned int polls = 0;
	const uint64_t need = (1ULL << VMB_STAT_holding) |
			      (1ULL << VMB_STAT_hold_start_ns);
	int ret;

	for (;;) {
		if (vmb_should_stop(r))
			return 0;
		ret = inj_stats(r, v, &have);
		if (!ret && (have & need) != need)
			ret = -EPROTO;
		if (ret)
			return vmb_fail(ret, "reading 'holding' and 'hold_start_ns' of %s/%s",
					vmb_dir(),
					vmb_inj_path(s->dir, VMB_INJ_stats));
		if (v[VMB_STAT_holding] &&
		    (int64_t)v[VMB_STAT_hold_start_ns] != *last) {
			*last = (int64_t)v[VMB_STAT_hold_start_ns];
			return 1;
		}
		if (!(++polls & 63) && vmb_inj_armed(s->dir) == 0)
			return 0;
		sched_yield();
	}
}

/*
 * Did the hold that began at @start skip folios (busy, or absent)? Read
 * while it is still in place: a fault that ended before its scheduled
 * end did so inside it, and the module sets these before the hold
 * shows. false when another hold is up by now: unknown.
 */
static bool hold_skipped(struct vmb_run *r, int64_t start)
{
	uint64_t v[VMB_STAT_NR], have;
	const uint64_t need = (1ULL << VMB_STAT_hold_start_ns) |
			      (1ULL << VMB_STAT_folios_busy) |
			      (1ULL << VMB_STAT_folios_absent);

	if (inj_stats(r, v, &have) || (have & need) != need ||
	    (int64_t)v[VMB_STAT_hold_start_ns] != start)
		return false;
	return v[VMB_STAT_folios_busy] + v[VMB_STAT_folios_absent] > 0;
}

/*
 * One timed fault per hold, made as soon as the hold is seen: the
 * fault waits about --hold-us, less the time it took to see the hold
 * (one read of the stats file).
 */
static int inj_victim(struct vmb_run *r, struct vmb_worker *w)
{
	bool migration = r->sc->kind == VMB_INJECT_MIGRATION;
	struct inj *s = r->priv;
	char *p = s->reg.base + (size_t)w->id * s->reg.per * (size_t)r->page;
	uint64_t hold_ns = (r->o->hold_us ? r->o->hold_us : 1) * 1000ULL;
	uint64_t t0, t1, end;
	int64_t last = 0;
	int ret;

	while (!(r->iterations && w->ops >= r->iterations)) {
		ret = wait_for_hold(r, &last);
		if (ret <= 0)
			return ret;
		t0 = vmb_now_ns();
		if (migration)
			*(volatile char *)p = 1;
		else
			(void)*(volatile char *)p;
		t1 = vmb_now_ns();
		vmb_hist_add(&w->hist, t1 - t0);
		w->ops++;
		end = (uint64_t)last + hold_ns;
		if (t0 < end) {
			atomic_fetch_add(&s->met, 1);
			atomic_fetch_add(&s->late_ns, t0 - (uint64_t)last);
			if (t1 < end)
				atomic_fetch_add(hold_skipped(r, last) ?
						 &s->skipped : &s->early, 1);
		}
		/* The folio stays in the page cache, only our pte goes. */
		if (!migration && madvise(p, (size_t)r->page, MADV_DONTNEED))
			return vmb_fail(-errno, "%s: madvise(MADV_DONTNEED)",
					r->sc->name);
	}
	return 0;
}

const struct vmb_scen_ops vmb_inject_ops = {
	.priv_size = sizeof(struct inj), .prepare = inj_prepare,
	.arm = inj_arm, .victim = inj_victim, .quiesce = inj_quiesce,
	.disarm = inj_disarm, .cleanup = inj_cleanup,
};
