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
 * pause, so a retry can meet the next hold and the fault retries again
 * (seed 003: FAULT_FLAG_TRIED, retry_after_tried, attempts_3+).
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
#include <inttypes.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "vmb.h"

#ifndef TMPFS_MAGIC
#define TMPFS_MAGIC 0x01021994
#endif

enum inj_kind { INJ_FILE, INJ_SHMEM, INJ_RETRY, INJ_MIGRATION };

struct inj {
	enum inj_kind kind;
	const char *dir;	/* "folio_lock" or "migration" */
	struct vmb_region reg;
	uint64_t interval_us;
	int64_t times;
};

static int inj_knob(struct vmb_run *r, const char *knob, const char *val)
{
	struct inj *s = r->priv;
	char rel[64];

	snprintf(rel, sizeof(rel), "%s/%s", s->dir, knob);
	return vmb_knob_write(r->mod, rel, val);
}

/* The knobs are not all "live": a disarmed injector takes them. */
static int inj_stop(struct vmb_run *r)
{
	struct inj *s = r->priv;

	if (!s || !s->dir)
		return 0;
	return inj_knob(r, "enable", "0\n");
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
		    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
			ret = -errno;
			snprintf(r->res->reason, sizeof(r->res->reason),
				 "%s is tmpfs (shmem faults) and a private ramfs needs root (%s): set TMPDIR to a disk-backed directory",
				 tmp, strerror(-ret));
			return 1;
		}
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

/* One page per victim, in the page cache before the first fault. */
static int map_shared(struct vmb_run *r, struct inj *s, const char *what)
{
	struct vmb_region *reg = &s->reg;
	size_t off, page = (size_t)r->page;
	char *buf;
	int ret;

	reg->per = 1;
	reg->len = (size_t)r->nvictims * page;
	if (s->kind == INJ_SHMEM) {
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
	buf = malloc(page);
	if (!buf)
		return vmb_fail(-ENOMEM, "%s: allocation", what);
	memset(buf, 0x5a, page);
	for (off = 0; off < reg->len; off += page) {
		if (pwrite(reg->fd, buf, page, (off_t)off) != (ssize_t)page) {
			ret = errno ? -errno : -EIO;
			free(buf);
			return vmb_fail(ret, "%s: filling the file", what);
		}
	}
	free(buf);
	reg->base = mmap(NULL, reg->len, PROT_READ | PROT_WRITE, MAP_SHARED,
			 reg->fd, 0);
	if (reg->base == MAP_FAILED) {
		reg->base = NULL;
		return vmb_fail(-errno, "%s: mmap of the file", what);
	}
	/* Small folios only: one lock per victim page. */
	madvise(reg->base, reg->len, MADV_NOHUGEPAGE);
	return 0;
}

static int inj_prepare(struct vmb_run *r, enum inj_kind kind)
{
	const char *what = r->sc->name;
	size_t i;
	struct inj *s;
	int ret;

	s = calloc(1, sizeof(*s));
	if (!s)
		return vmb_fail(-ENOMEM, "%s: allocation", what);
	s->kind = kind;
	s->reg.fd = -1;
	s->dir = kind == INJ_MIGRATION ? VMB_INJ_MIGRATION_DIR :
					 VMB_INJ_FOLIO_LOCK_DIR;
	r->priv = s;
	/* Left armed by a run that was killed? Its knobs would be EBUSY. */
	ret = inj_stop(r);
	if (ret)
		return ret;
	/* Each fault waits a hold or more: keep default runs short. */
	vmb_cap_iterations(r, kind == INJ_MIGRATION ? 15000 : 30000, 10);
	/* A hold per fault and some to spare, never unbounded. */
	s->times = r->iterations ? (int64_t)r->iterations * 4 + 32 : -1;
	/*
	 * folio-lock-file: a pause between holds as long as a hold, for the
	 * retry to get through; the others follow hold with hold.
	 */
	s->interval_us = kind == INJ_FILE ? r->o->hold_us : 0;
	if (kind != INJ_MIGRATION)
		return map_shared(r, s, what);

	s->reg.per = 1;
	s->reg.len = (size_t)r->nvictims * (size_t)r->page;
	ret = vmb_map_anon(s->reg.len, true, &s->reg.base);
	if (ret)
		return ret;
	for (i = 0; i < s->reg.len; i += (size_t)r->page)
		s->reg.base[i] = 1;
	return 0;
}

static int fl_file_prepare(struct vmb_run *r)
{
	return inj_prepare(r, INJ_FILE);
}

static int fl_shmem_prepare(struct vmb_run *r)
{
	return inj_prepare(r, INJ_SHMEM);
}

static int fl_retry_prepare(struct vmb_run *r)
{
	return inj_prepare(r, INJ_RETRY);
}

static int mig_prepare(struct vmb_run *r)
{
	return inj_prepare(r, INJ_MIGRATION);
}

static int inj_arm(struct vmb_run *r)
{
	struct inj *s = r->priv;
	char val[32];
	int ret;

	snprintf(val, sizeof(val), "%#lx\n", (unsigned long)s->reg.base);
	ret = inj_knob(r, "addr", val);
	if (!ret) {
		snprintf(val, sizeof(val), "%zu\n", s->reg.len);
		ret = inj_knob(r, "len", val);
	}
	if (!ret) {
		snprintf(val, sizeof(val), "%llu\n",
			 (unsigned long long)(r->o->hold_us ? r->o->hold_us : 1));
		ret = inj_knob(r, "hold_us", val);
	}
	if (!ret) {
		snprintf(val, sizeof(val), "%llu\n",
			 (unsigned long long)s->interval_us);
		ret = inj_knob(r, "interval_us", val);
	}
	if (!ret) {
		snprintf(val, sizeof(val), "%lld\n", (long long)s->times);
		ret = inj_knob(r, "times", val);
	}
	if (!ret && s->kind == INJ_MIGRATION)
		ret = inj_knob(r, "mode", "restore\n");
	if (ret)
		return ret;
	vmb_clear_error();
	ret = inj_knob(r, "enable", "1\n");
	if (ret == -ESRCH) {
		vmb_clear_error();
		return vmb_fail(ret,
				"%s: arming %s/enable: the module has no target (target/pid)",
				r->sc->name, s->dir);
	}
	return ret;
}

static void inj_quiesce(struct vmb_run *r)
{
	inj_stop(r);
}

static const char *const inj_stats[] = { "holds", "errors", "last_error",
					 "cut_short", "last_hold_us" };

static int inj_disarm(struct vmb_run *r)
{
	struct inj *s = r->priv;
	char rel[64];
	int64_t v;
	size_t i;
	int ret;

	ret = inj_stop(r);
	snprintf(rel, sizeof(rel), "%s/stats", s->dir);
	for (i = 0; i < VMB_ARRAY_SIZE(inj_stats); i++) {
		if (vmb_knob_read_stat(r->mod, rel, inj_stats[i], &v))
			continue;
		/* Zero errors are not worth a column. */
		if (i && i < 4 && !v)
			continue;
		vmb_add_metric(r->res, inj_stats[i], (double)v, i > 0 && i < 4);
	}
	return ret;
}

static void inj_cleanup(struct vmb_run *r)
{
	struct inj *s = r->priv;

	if (!s)
		return;
	/* Disarmed before the range goes: also after an error, on Ctrl-C. */
	inj_stop(r);
	vmb_clear_error();
	vmb_region_unmap(&s->reg);
	free(s);
	r->priv = NULL;
}

/* holding and hold_start_ns from <dir>/stats. */
static int hold_state(const char *path, int64_t *holding, int64_t *start)
{
	char buf[1024], *p;
	int n;

	n = vmb_read_file(path, buf, sizeof(buf));
	if (n < 0)
		return vmb_fail(n, "reading %s", path);
	p = strstr(buf, "\nholding ");
	if (!p || sscanf(p, "\nholding %" SCNd64, holding) != 1)
		return vmb_fail(-EPROTO, "%s: no 'holding' line", path);
	p = strstr(buf, "\nhold_start_ns ");
	if (!p || sscanf(p, "\nhold_start_ns %" SCNd64, start) != 1)
		return vmb_fail(-EPROTO, "%s: no 'hold_start_ns' line", path);
	return 0;
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
	char stats[512], enable[512], buf[8];
	int64_t holding, start;
	unsigned int polls = 0;
	int ret;

	snprintf(stats, sizeof(stats), "%s/%s/stats", r->mod->dir, s->dir);
	snprintf(enable, sizeof(enable), "%s/%s/enable", r->mod->dir, s->dir);
	for (;;) {
		if (vmb_should_stop(r))
			return 0;
		ret = hold_state(stats, &holding, &start);
		if (ret)
			return ret;
		if (holding && start != *last) {
			*last = start;
			return 1;
		}
		if (!(++polls & 63) && vmb_read_file(enable, buf, sizeof(buf)) > 0 &&
		    buf[0] == '0')
			return 0;
		sched_yield();
	}
}

/*
 * One timed fault per hold, made as soon as the hold is seen: the
 * fault waits about --hold-us, less the time it took to see the hold
 * (one read of the stats file).
 */
static int inj_victim(struct vmb_run *r, struct vmb_worker *w)
{
	struct inj *s = r->priv;
	char *p = s->reg.base + (size_t)w->id * (size_t)r->page;
	uint64_t t0, t1;
	int64_t last = 0;
	int ret;

	while (!(r->iterations && w->ops >= r->iterations)) {
		ret = wait_for_hold(r, &last);
		if (ret <= 0)
			return ret;
		t0 = vmb_now_ns();
		if (s->kind == INJ_MIGRATION)
			*(volatile char *)p = 1;
		else
			(void)*(volatile char *)p;
		t1 = vmb_now_ns();
		vmb_hist_add(&w->hist, t1 - t0);
		w->ops++;
		/* The folio stays in the page cache, only our pte goes. */
		if (s->kind != INJ_MIGRATION &&
		    madvise(p, (size_t)r->page, MADV_DONTNEED))
			return vmb_fail(-errno, "%s: madvise(MADV_DONTNEED)",
					r->sc->name);
	}
	return 0;
}

const struct vmb_scenario vmb_sc_folio_lock_file = {
	.name = "folio-lock-file",
	.desc = "refaults on file folios the module holds locked for --hold-us (filemap_fault retries)",
	.needs_desc = "module injector folio_lock/; $TMPDIR not tmpfs, or root (private ramfs)",
	.needs = 1U << VMB_F_inject_folio_lock,
	.knob = "folio_lock/enable",
	.prepare = fl_file_prepare,
	.arm = inj_arm,
	.victim = inj_victim,
	.quiesce = inj_quiesce,
	.disarm = inj_disarm,
	.cleanup = inj_cleanup,
};

const struct vmb_scenario vmb_sc_folio_lock_shmem = {
	.name = "folio-lock-shmem",
	.desc = "refaults on shmem folios the module holds locked for --hold-us (wait under the fault's lock)",
	.needs_desc = "module injector folio_lock/",
	.needs = 1U << VMB_F_inject_folio_lock,
	.knob = "folio_lock/enable",
	.prepare = fl_shmem_prepare,
	.arm = inj_arm,
	.victim = inj_victim,
	.quiesce = inj_quiesce,
	.disarm = inj_disarm,
	.cleanup = inj_cleanup,
};

const struct vmb_scenario vmb_sc_folio_lock_retry = {
	.name = "folio-lock-retry",
	.desc = "file folios re-locked with no pause: a fault retries more than once (attempts_3+)",
	.needs_desc = "module injector folio_lock/; $TMPDIR not tmpfs, or root",
	.needs = 1U << VMB_F_inject_folio_lock,
	.knob = "folio_lock/enable",
	.prepare = fl_retry_prepare,
	.arm = inj_arm,
	.victim = inj_victim,
	.quiesce = inj_quiesce,
	.disarm = inj_disarm,
	.cleanup = inj_cleanup,
};

const struct vmb_scenario vmb_sc_migration = {
	.name = "migration",
	.desc = "faults on anonymous pages under migration entries held for --hold-us",
	.needs_desc = "module injector migration/ (migrate_vma)",
	.needs = 1U << VMB_F_inject_migration,
	.knob = "migration/enable",
	.prepare = mig_prepare,
	.arm = inj_arm,
	.victim = inj_victim,
	.quiesce = inj_quiesce,
	.disarm = inj_disarm,
	.cleanup = inj_cleanup,
};
