// SPDX-License-Identifier: GPL-2.0
/*
 * Lifecycle torture: what happens to a hold when the process it is taken
 * on, or the module, goes away or changes under it. For each injector
 * (and the mapping types that matter: shmem memfd for both, ramfs for
 * folio_lock's killable filemap_fault() wait, private anon for migration)
 * the target is SIGKILLed with one of its threads waiting on the hold,
 * exits normally while armed with times=-1, forks during a hold (its child
 * faults the range too), munmap()s or mremap()s the range mid-hold, is
 * replaced in target/pid mid-hold, and the module is removed mid-hold.
 * The swap device gets a swapoff while delayed I/O is in flight and the
 * process doing the I/O is SIGKILLed; the file disk, a SIGKILL of a
 * target waiting on delayed reads, then an unmount. And rmmod, 20
 * times, while a target faults in a loop through every hook.
 *
 * The target is a child sharing the range with the test process (the
 * same MAP_SHARED memfd or ramfs file, or for anon the pages fork left
 * shared, on which a migration hold installs entries through the rmap),
 * so that after each case the test process can check, with timeouts so
 * that a leak fails instead of hanging:
 *
 *   - a fault on every page completes, in a child (a leaked folio lock
 *     leaves it in D state: it is abandoned, not waited for) and then in
 *     a thread of the test process (its own ptes: a leaked migration
 *     entry), and every byte is intact;
 *   - munmap() of the range from another thread returns (no leaked VMA
 *     read lock: munmap write-locks the VMA);
 *   - the injector's enable reads 0, holding 0;
 *   - /sys/module/vmalock_bench/refcnt reads 0.
 *
 * The last test removes the module, loads it again and checks it works.
 * Each test logs the lifecycle cases it ran and the bytes it verified, and
 * appends them to /tmp/vmb-lifecycle.count ("<run pid> <test> cases N
 * bytes M"); the last test logs the run's totals.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"
#include "lib/clock.h"
#include "lib/disk.h"
#include "lib/file.h"
#include "lib/inj.h"
#include "lib/knob.h"
#include "lib/map.h"
#include "lib/module.h"
#include "lib/swap.h"
#include "lib/uapi.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define NPAGES 16UL
#define MS UINT64_C(1000000)
#define US UINT64_C(1000)
/* Long enough that a fault started after a poll still lands inside. */
#define HOLD_US UINT64_C(300000)
/* What TCG on a loaded host may add to anything that must end. */
#define SLACK_MS 10000
#define REFCNT "/sys/module/vmalock_bench/refcnt"
#define COUNT_FILE "/tmp/vmb-lifecycle.count"

/* The harness's own pid: every test of one run shares it. */
static pid_t run_pid;

static void __attribute__((constructor)) life_init(void)
{
	run_pid = getpid();
}

/* ---- small helpers, -errno on failure ---- */

static int read_long(const char *path, long *v)
{
	char buf[32], *end;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return n ? -errno : -EIO;
	buf[n] = '\0';
	errno = 0;
	*v = strtol(buf, &end, 10);
	return errno || end == buf ? -EPROTO : 0;
}

static int module_refcnt(long *v)
{
	return read_long(REFCNT, v);
}

/*
 * waitpid() with a timeout: -ETIMEDOUT leaves the child alone. options
 * beyond WNOHANG (WUNTRACED) as waitpid() takes them.
 */
static int waitpid_ms(pid_t pid, int options, int ms, int *status)
{
	uint64_t end = vmb_now_ns() + ms * MS;
	pid_t r;

	do {
		r = waitpid(pid, status, WNOHANG | options);
		if (r == pid)
			return 0;
		if (r < 0)
			return -errno;
		usleep(1000);
	} while (vmb_now_ns() < end);
	return -ETIMEDOUT;
}

static int wait_pid_ms(pid_t pid, int ms, int *status)
{
	return waitpid_ms(pid, 0, ms, status);
}

/*
 * SIGSTOP a child and wait until it has stopped. A task stops only on its
 * way back to user space, so a stopped target is between two system calls
 * or faults, never inside one: what a knob written now changes applies to
 * its next I/O as a whole. -ECHILD if it ended instead.
 */
static int stop_pid_ms(pid_t pid, int ms)
{
	int status, ret;

	if (kill(pid, SIGSTOP))
		return -errno;
	ret = waitpid_ms(pid, WUNTRACED, ms, &status);
	if (ret)
		return ret;
	return WIFSTOPPED(status) ? 0 : -ECHILD;
}

/* In a new child: die with the parent, even if it dies of a failure. */
static void die_with_parent(pid_t parent)
{
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(1);
}

/* ---- faulting the range: in a thread, a target, or its child ---- */

struct reply {
	char tag;	/* who answers: see the CMD_* below */
	int32_t bad;	/* 0, or 1 + the first page with wrong data */
	uint64_t ns;	/* how long the faults took */
	uint64_t fork_ns;	/* fork(): from the call to the child running */
};

struct fault_job {
	const char *mem;
	size_t npages;
	bool zap;	/* drop our ptes first: refault from the page cache */
	int rep;	/* a pipe to answer on, or -1 */
	char tag;
	uint64_t ns;
	uint64_t done_ns;	/* CLOCK_MONOTONIC when the faults ended */
	size_t bad;
	int err;
};

/* Read every page (no write: anon pages stay shared with the fork). */
static void *fault_all(void *arg)
{
	struct fault_job *j = arg;
	long page = vmb_page_size();
	struct reply r = { .tag = j->tag };
	uint64_t t0;
	size_t i;

	if (j->zap && madvise((void *)j->mem, j->npages * page, MADV_DONTNEED))
		j->err = -errno;
	t0 = vmb_now_ns();
	for (i = 0; i < j->npages; i++)
		(void)*(volatile const char *)(j->mem + i * page);
	j->done_ns = vmb_now_ns();
	j->ns = j->done_ns - t0;
	j->bad = vmb_map_check(j->mem, 0, j->npages);
	if (j->rep >= 0) {
		r.bad = j->err ? -1 : (int32_t)j->bad;
		r.ns = j->ns;
		if (write(j->rep, &r, sizeof(r)) != sizeof(r))
			j->err = -EIO;
	}
	return NULL;
}

/*
 * A thread created now and run later: creating one maps its stack, which
 * needs mmap_lock for writing, and on 6.1 a fault of ours waiting on a
 * hold holds mmap_lock for reading until the hold ends.
 */
struct gated {
	sem_t go;
	void *(*fn)(void *arg);
	void *arg;
	pthread_t th;
};

static void *gated_thread(void *arg)
{
	struct gated *g = arg;

	while (sem_wait(&g->go))
		;
	return g->fn(g->arg);
}

static int gated_create(struct gated *g, void *(*fn)(void *), void *arg)
{
	g->fn = fn;
	g->arg = arg;
	if (sem_init(&g->go, 0, 0))
		return -errno;
	return -pthread_create(&g->th, NULL, gated_thread, g);
}

static void gated_start(struct gated *g)
{
	sem_post(&g->go);
}

/* Commands a target takes on its pipe. */
enum {
	CMD_FAULT = 'T',	/* a thread faults every page, answers 't' */
	CMD_FORK = 'F',		/* its child faults every page, answers 'g' */
	CMD_EXIT = 'X',		/* exit(0) */
	CMD_PAGEOUT = 'P',	/* MADV_PAGEOUT, answer 'p', fault forever */
	CMD_MUNMAP = 'U',	/* munmap() the range, answers 'u' */
	CMD_MREMAP = 'M',	/* mremap() it elsewhere, fault it there: 'm' */
	READY = 'r',
};

#define STASH 8

struct target {
	pid_t pid;
	int cmd, rep;	/* ours: write commands, read replies */
	/* Replies read while waiting for another tag. */
	struct reply stash[STASH];
	unsigned int nstash;
};

struct target_env {
	const char *mem;
	size_t npages;
	bool zap;
	int cmd, rep;	/* the target's ends */
};

static void target_fork(const struct target_env *e)
{
	struct fault_job j = {
		.mem = e->mem, .npages = e->npages, .zap = e->zap,
		.rep = -1,
	};
	struct reply r = { .tag = 'g' };
	uint64_t t0 = vmb_now_ns();
	pid_t pid, self = getpid();

	pid = fork();
	if (pid < 0) {
		r.bad = -1;
		if (write(e->rep, &r, sizeof(r)) != sizeof(r))
			_exit(1);
		return;
	}
	if (!pid) {
		r.fork_ns = vmb_now_ns() - t0;
		die_with_parent(self);
		fault_all(&j);
		r.bad = j.err ? -1 : (int32_t)j.bad;
		r.ns = j.ns;
		_exit(write(e->rep, &r, sizeof(r)) != sizeof(r));
	}
	waitpid(pid, NULL, 0);
}

/* Longer than the async write delay of swapoff_sigkill, with slack. */
#define SETTLE_US 200000

static char anon_byte(size_t i)
{
	return (char)(i * 13 + 1);
}

/*
 * Page out the shared range and as much private anon of our own, then
 * fault both back and page them out again until killed. A shmem page
 * leaves the swap device on swap-in, so while its write is delayed it
 * comes back from the swap cache; an anon page keeps its swap copy, so
 * the next MADV_PAGEOUT drops it at once and the next fault reads it:
 * delayed reads in flight in both modes. Bad anon data answers 'e'.
 */
static void target_pageout(const struct target_env *e)
{
	long page = vmb_page_size();
	size_t len = e->npages * page, i;
	struct reply r = { .tag = 'p' };
	char *anon;

	anon = mmap(NULL, len, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (anon == MAP_FAILED || madvise(anon, len, MADV_NOHUGEPAGE))
		_exit(1);
	for (i = 0; i < e->npages; i++)
		memset(anon + i * page, anon_byte(i), page);
	if (madvise((void *)e->mem, len, MADV_PAGEOUT) ||
	    madvise(anon, len, MADV_PAGEOUT))
		r.bad = -1;
	/*
	 * Anon folios still under writeback stayed in the swap cache: once
	 * written, fault them back clean and page them out again, which
	 * drops them, so that the faults below read from the device.
	 */
	usleep(SETTLE_US);
	for (i = 0; i < e->npages; i++)
		(void)*(volatile const char *)(anon + i * page);
	if (madvise(anon, len, MADV_PAGEOUT))
		r.bad = -1;
	if (write(e->rep, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	r.tag = 'e';
	for (;;) {
		for (i = 0; i < e->npages; i++) {
			(void)*(volatile const char *)(e->mem + i * page);
			if (anon[i * page] != anon_byte(i) ||
			    anon[(i + 1) * page - 1] != anon_byte(i)) {
				r.bad = i + 1;
				_exit(write(e->rep, &r, sizeof(r)) != sizeof(r));
			}
		}
		madvise((void *)e->mem, len, MADV_PAGEOUT);
		madvise(anon, len, MADV_PAGEOUT);
	}
}

/*
 * The range goes from under the hold: munmap(), or mremap() to a new
 * address (ptes, migration entries included, move with it) and a fault
 * of every page there, whose data must have come along. ns: how long the
 * munmap() or mremap() took.
 */
static void target_unmap(const struct target_env *e, bool move)
{
	size_t len = e->npages * vmb_page_size();
	struct reply r = { .tag = move ? 'm' : 'u' };
	struct fault_job j = { .npages = e->npages, .rep = -1 };
	uint64_t t0 = vmb_now_ns();
	void *to;

	if (!move) {
		r.bad = munmap((void *)e->mem, len) ? -1 : 0;
		r.ns = vmb_now_ns() - t0;
	} else {
		to = mmap(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			  0);
		if (to != MAP_FAILED)
			to = mremap((void *)e->mem, len, len,
				    MREMAP_MAYMOVE | MREMAP_FIXED, to);
		r.ns = vmb_now_ns() - t0;
		if (to == MAP_FAILED) {
			r.bad = -1;
		} else {
			j.mem = to;
			fault_all(&j);
			r.bad = j.err ? -1 : (int32_t)j.bad;
		}
	}
	if (write(e->rep, &r, sizeof(r)) != sizeof(r))
		_exit(1);
}

/* A target: the harness's macros must not run here (they longjmp). */
static void __attribute__((noreturn)) target_main(const struct target_env *e,
						  bool unmap)
{
	struct fault_job j = {
		.mem = e->mem, .npages = e->npages, .zap = e->zap,
		.rep = e->rep, .tag = 't',
	};
	long page = vmb_page_size();
	struct reply r = { .tag = READY };
	pthread_t th;
	size_t i;
	char op;

	if (unmap) {
		if (munmap((void *)e->mem, e->npages * page))
			_exit(1);
	} else {
		/* Our ptes, for migration to replace. */
		for (i = 0; i < e->npages; i++)
			(void)*(volatile const char *)(e->mem + i * page);
	}
	if (write(e->rep, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	for (;;) {
		if (read(e->cmd, &op, 1) != 1)
			_exit(0);	/* the test is gone */
		switch (op) {
		case CMD_FAULT:
			if (pthread_create(&th, NULL, fault_all, &j))
				_exit(1);
			break;
		case CMD_FORK:
			target_fork(e);
			break;
		case CMD_PAGEOUT:
			target_pageout(e);
			break;
		case CMD_MUNMAP:
		case CMD_MREMAP:
			target_unmap(e, op == CMD_MREMAP);
			break;
		case CMD_EXIT:
			exit(0);
		default:
			_exit(1);
		}
	}
}

static int target_spawn(struct target *t, const struct vmb_map *m, bool zap,
			bool unmap)
{
	struct target_env e = {
		.mem = m->mem, .npages = m->len / vmb_page_size(), .zap = zap,
	};
	int cmd[2], rep[2];
	pid_t self = getpid();

	if (pipe(cmd))
		return -errno;
	if (pipe(rep)) {
		close(cmd[0]);
		close(cmd[1]);
		return -errno;
	}
	t->nstash = 0;
	t->pid = fork();
	if (t->pid < 0) {
		t->pid = 0;
		return -errno;
	}
	if (!t->pid) {
		die_with_parent(self);
		close(cmd[1]);
		close(rep[0]);
		e.cmd = cmd[0];
		e.rep = rep[1];
		target_main(&e, unmap);
	}
	close(cmd[0]);
	close(rep[1]);
	t->cmd = cmd[1];
	t->rep = rep[0];
	return 0;
}

static int target_send(struct target *t, char op)
{
	return write(t->cmd, &op, 1) == 1 ? 0 : -EIO;
}

/* The next reply tagged tag, within ms; others are kept for later. */
static int target_reply(struct target *t, char tag, int ms, struct reply *r)
{
	uint64_t end = vmb_now_ns() + ms * MS;
	struct pollfd pfd = { .fd = t->rep, .events = POLLIN };
	unsigned int i;
	int64_t left;
	ssize_t n;

	for (i = 0; i < t->nstash; i++) {
		if (t->stash[i].tag != tag)
			continue;
		*r = t->stash[i];
		t->stash[i] = t->stash[--t->nstash];
		return 0;
	}
	for (;;) {
		left = (int64_t)(end - vmb_now_ns()) / (int64_t)MS;
		if (left <= 0)
			return -ETIMEDOUT;
		n = poll(&pfd, 1, left);
		if (n < 0 && errno != EINTR)
			return -errno;
		if (n <= 0)
			continue;
		n = read(t->rep, r, sizeof(*r));
		if (n != sizeof(*r))
			return n < 0 ? -errno : -EPIPE;
		if (r->tag == tag)
			return 0;
		if (t->nstash == STASH)
			return -ENOBUFS;
		t->stash[t->nstash++] = *r;
	}
}

/* SIGKILL and reap, within ms: -ETIMEDOUT if it does not die. */
static int target_kill(struct target *t, int ms, uint64_t *took_ns)
{
	uint64_t t0 = vmb_now_ns();
	int status, ret;

	if (!t->pid)
		return 0;
	kill(t->pid, SIGKILL);
	ret = wait_pid_ms(t->pid, ms, &status);
	if (took_ns)
		*took_ns = vmb_now_ns() - t0;
	if (ret)
		return ret;
	t->pid = 0;
	close(t->cmd);
	close(t->rep);
	return 0;
}

/* ---- the checks every case ends with ---- */

struct counts {
	unsigned int cases;
	uint64_t bytes;
};

static void log_counts(struct __test_metadata *_metadata,
		       const struct counts *c, const char *what)
{
	FILE *f;

	TH_LOG("%s: lifecycle cases run %u, bytes verified %" PRIu64, what,
	       c->cases, c->bytes);
	vmb_tally("lifecycle_cases", c->cases);
	vmb_tally("bytes_verified", c->bytes);
	f = fopen(COUNT_FILE, "a");
	if (!f)
		return;
	fprintf(f, "%d %s cases %u bytes %" PRIu64 "\n", run_pid, what,
		c->cases, c->bytes);
	fclose(f);
}

/*
 * Fault every page in a new child (for anon, a copy of our page tables,
 * migration entries included; for a file, the page cache), and for a
 * file refault it once more after MADV_DONTNEED, so that a folio lock
 * left behind is met. A child stuck on a leak is killed and left.
 */
static int check_in_child(const struct vmb_map *m, bool file, int ms,
			  uint64_t *bytes)
{
	size_t npages = m->len / vmb_page_size();
	struct fault_job j = { .mem = m->mem, .npages = npages, .rep = -1 };
	uint64_t n = 0;
	int pfd[2], status, ret;
	pid_t pid, self = getpid();

	if (pipe(pfd))
		return -errno;
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return ret;
	}
	if (!pid) {
		die_with_parent(self);
		fault_all(&j);
		if (j.bad)
			_exit(2);
		n += m->len;
		if (file) {
			j.zap = true;
			fault_all(&j);
			if (j.err || j.bad)
				_exit(3);
			n += m->len;
		}
		_exit(write(pfd[1], &n, sizeof(n)) != sizeof(n));
	}
	close(pfd[1]);
	ret = wait_pid_ms(pid, ms, &status);
	if (ret) {
		kill(pid, SIGKILL);
		close(pfd[0]);
		return ret;
	}
	if (read(pfd[0], &n, sizeof(n)) != sizeof(n))
		n = 0;
	close(pfd[0]);
	*bytes += n;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/*
 * The range is clean: a fault on every page completes (child, then this
 * process), the data is intact, a munmap() from another thread returns,
 * and nothing holds the module. Unmaps m.
 */
static void check_clean(struct __test_metadata *_metadata, struct vmb_map *m,
			struct counts *c)
{
	struct fault_job j = { .mem = m->mem, .npages = m->len /
			       vmb_page_size(), .rep = -1 };
	bool file = m->type != VMB_MAP_ANON;
	pthread_t th;
	long refcnt;
	int ret;

	ret = check_in_child(m, file, SLACK_MS, &c->bytes);
	ASSERT_EQ(0, ret) TH_LOG("faulting the range in a child: %s",
				 ret == -ETIMEDOUT ? "did not complete: a leaked folio lock or migration entry" :
				 ret == 2 || ret == 3 ? "data corrupted" : strerror(ret < 0 ? -ret : EIO));

	/* Our own ptes: a migration entry left in them would spin or hang. */
	ASSERT_EQ(0, pthread_create(&th, NULL, fault_all, &j));
	ret = vmb_join_ms(th, SLACK_MS);
	ASSERT_EQ(0, ret) TH_LOG("a fault on our own range did not complete: leaked migration entry or folio lock");
	ASSERT_EQ(0UL, j.bad) TH_LOG("page %zu corrupted", j.bad - 1);
	c->bytes += m->len;

	/* munmap() write-locks the VMA: it waits for every VMA reader. */
	ret = vmb_munmap_elsewhere(m->mem, m->len, SLACK_MS);
	ASSERT_NE(-ETIMEDOUT, ret) TH_LOG("munmap() of the range did not return: a leaked VMA lock");
	ASSERT_EQ(0, ret) TH_LOG("munmap: %s", strerror(-ret));
	m->mem = NULL;

	ASSERT_EQ(0, module_refcnt(&refcnt));
	ASSERT_EQ(0, refcnt) TH_LOG("%s reads %ld with nothing open", REFCNT,
				    refcnt);
}

/* ---- per injector, per mapping ---- */

FIXTURE(life) {
	struct vmb_map m;
	struct target t[2];
	struct counts c;
};

FIXTURE_VARIANT(life) {
	const char *inj;
	const char *feature;
	enum vmb_map_type type;
	/* A fault meets the hold only on a refault (folio_lock on a file). */
	bool zap;
};

FIXTURE_VARIANT_ADD(life, folio_lock_memfd) {
	.inj = VMB_INJ_FOLIO_LOCK_DIR,
	.feature = "inject_folio_lock",
	.type = VMB_MAP_MEMFD,
	.zap = true,
};

/* filemap_fault() waits killably: a SIGKILLed waiter leaves at once. */
FIXTURE_VARIANT_ADD(life, folio_lock_ramfs) {
	.inj = VMB_INJ_FOLIO_LOCK_DIR,
	.feature = "inject_folio_lock",
	.type = VMB_MAP_RAMFS,
	.zap = true,
};

FIXTURE_VARIANT_ADD(life, migration_memfd) {
	.inj = VMB_INJ_MIGRATION_DIR,
	.feature = "inject_migration",
	.type = VMB_MAP_MEMFD,
};

/* The pages fork left shared: entries go into our ptes too (rmap). */
FIXTURE_VARIANT_ADD(life, migration_anon) {
	.inj = VMB_INJ_MIGRATION_DIR,
	.feature = "inject_migration",
	.type = VMB_MAP_ANON,
};

FIXTURE_SETUP(life)
{
	int ret;

	memset(self, 0, sizeof(*self));
	self->m.fd = -1;
	if (vmb_loaded())
		SKIP(return, "vmalock_bench is not loaded (modprobe vmalock_bench)");
	if (vmb_has_feature(variant->feature) != 1)
		SKIP(return, "no %s in features", variant->feature);
	ret = vmb_map_create(&self->m, variant->type, NPAGES);
	if (ret == -ENODEV || ret == -EPERM)
		SKIP(return, "cannot mount the filesystem: %s", strerror(-ret));
	ASSERT_EQ(0, ret);
	vmb_map_fill(&self->m, 0, NPAGES);
	ASSERT_EQ(0, vmb_inj_disarm(variant->inj));
	if (!strcmp(variant->inj, VMB_INJ_MIGRATION_DIR))
		ASSERT_EQ(0, vmb_write(VMB_KNOB(migration, mode), "restore\n"));
}

FIXTURE_TEARDOWN(life)
{
	char what[96];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(self->t); i++)
		if (self->t[i].pid)
			target_kill(&self->t[i], SLACK_MS, NULL);
	if (!vmb_loaded()) {
		vmb_inj_disarm(variant->inj);
		vmb_set_target(0);
	}
	vmb_map_destroy(&self->m);
	snprintf(what, sizeof(what), "life.%s.%s", variant->inj,
		 variant->type == VMB_MAP_ANON ? "anon" :
		 variant->type == VMB_MAP_MEMFD ? "memfd" : "ramfs");
	log_counts(_metadata, &self->c, what);
}

static void arm_forever(struct __test_metadata *_metadata, const char *inj,
			const struct vmb_map *m, uint64_t *start)
{
	ASSERT_EQ(0, vmb_inj_setup(inj, m->mem, m->len, HOLD_US, 1000, -1));
	ASSERT_EQ(0, vmb_inj_arm(inj));
	ASSERT_EQ(0, vmb_inj_wait_holding(inj, 5000, start));
}

/* The injector is done by itself, with no error and nothing held. */
static void expect_stopped(struct __test_metadata *_metadata, const char *inj,
			   int64_t min_holds)
{
	struct vmb_inj_stats st;

	ASSERT_EQ(0, vmb_inj_wait_disarmed(inj, SLACK_MS))
		TH_LOG("%s/enable still reads 1 after the target is gone", inj);
	ASSERT_EQ(0, vmb_inj_read_stats(inj, &st));
	EXPECT_EQ(0, st.v[VMB_STAT_holding]);
	EXPECT_EQ(0, st.v[VMB_STAT_errors]);
	EXPECT_LE(min_holds, st.v[VMB_STAT_holds]);
}

/*
 * A target that maps the range, the injector armed on it (times=-1),
 * and a fault of ours, on our own mapping, started into the first hold:
 * *ours runs in *th; *start is when the hold began.
 */
static void hold_with_our_fault(struct __test_metadata *_metadata,
				struct _test_data_life *self,
				const struct _fixture_variant_life *variant,
				struct fault_job *ours, pthread_t *th,
				uint64_t *start)
{
	struct target *t = &self->t[0];
	struct reply r;

	*ours = (struct fault_job){ .mem = self->m.mem, .npages = NPAGES,
				    .zap = variant->zap, .rep = -1 };
	ASSERT_EQ(0, target_spawn(t, &self->m, variant->zap, false));
	ASSERT_EQ(0, target_reply(t, READY, SLACK_MS, &r));
	ASSERT_EQ(0, vmb_set_target(t->pid));
	arm_forever(_metadata, variant->inj, &self->m, start);
	ASSERT_EQ(0, pthread_create(th, NULL, fault_all, ours));
}

/* Our fault completes after the hold, and every byte is intact. */
static void our_fault_done(struct __test_metadata *_metadata,
			   struct _test_data_life *self,
			   const struct fault_job *ours, pthread_t th)
{
	ASSERT_EQ(0, vmb_join_ms(th, HOLD_US / 1000 + SLACK_MS))
		TH_LOG("our fault never completed");
	ASSERT_EQ(0, ours->err);
	ASSERT_EQ(0UL, ours->bad) TH_LOG("page %zu corrupted", ours->bad - 1);
	self->c.bytes += self->m.len;
}

/*
 * The target dies with a hold in place and a fault of ours and (sigkill)
 * one of its own threads waiting on it. It is dead once its waiting
 * thread leaves (at the hold's end; at once for a killable wait), the
 * injector then stops by itself, and our fault completes.
 */
static void die_in_hold(struct __test_metadata *_metadata,
			struct _test_data_life *self,
			const struct _fixture_variant_life *variant, bool sigkill)
{
	struct target *t = &self->t[0];
	uint64_t start, t0, died;
	struct fault_job ours;
	pthread_t th;
	int status;

	hold_with_our_fault(_metadata, self, variant, &ours, &th, &start);
	if (sigkill)
		ASSERT_EQ(0, target_send(t, CMD_FAULT));
	usleep(50000);
	t0 = vmb_now_ns();
	if (sigkill) {
		ASSERT_EQ(0, target_kill(t, HOLD_US / 1000 + SLACK_MS, &died))
			TH_LOG("the target did not die");
	} else {
		ASSERT_EQ(0, target_send(t, CMD_EXIT));
		ASSERT_EQ(0, wait_pid_ms(t->pid, SLACK_MS, &status));
		died = vmb_now_ns() - t0;
		t->pid = 0;
		ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));
	}
	self->c.cases++;
	our_fault_done(_metadata, self, &ours, th);
	TH_LOG("%s %" PRIu64 " ms into the hold: dead after %" PRIu64 " ms; our fault took %" PRIu64 " ms",
	       sigkill ? "SIGKILL" : "exit(0)", (t0 - start) / MS, died / MS,
	       ours.ns / MS);
	expect_stopped(_metadata, variant->inj, 1);
	check_clean(_metadata, &self->m, &self->c);
}

TEST_F_TIMEOUT(life, sigkill_in_hold, 60)
{
	die_in_hold(_metadata, self, variant, true);
}

TEST_F_TIMEOUT(life, exit_in_hold, 60)
{
	die_in_hold(_metadata, self, variant, false);
}

/*
 * The target forks during a hold, twice: with nothing of its own
 * waiting (for anon, fork copies the migration entries into the child),
 * and with one of its threads waiting on the hold, which holds the VMA
 * lock (6.12) or mmap_lock (6.1) that fork() needs for writing: that fork
 * returns when the hold ends. Each time the child faults every page.
 */
TEST_F_TIMEOUT(life, fork_in_hold, 60)
{
	struct target *t = &self->t[0];
	uint64_t start;
	struct reply r;
	int round, status;

	ASSERT_EQ(0, target_spawn(t, &self->m, variant->zap, false));
	ASSERT_EQ(0, target_reply(t, READY, SLACK_MS, &r));
	ASSERT_EQ(0, vmb_set_target(t->pid));
	arm_forever(_metadata, variant->inj, &self->m, &start);
	for (round = 0; round < 2; round++) {
		ASSERT_EQ(0, vmb_inj_wait_holding(variant->inj, 5000, &start));
		if (round) {
			ASSERT_EQ(0, target_send(t, CMD_FAULT));
			usleep(50000);
		}
		ASSERT_EQ(0, target_send(t, CMD_FORK));
		ASSERT_EQ(0, target_reply(t, 'g', 2 * HOLD_US / 1000 + SLACK_MS,
					  &r))
			TH_LOG("round %d: the target's child never finished its faults",
			       round);
		self->c.cases++;
		EXPECT_EQ(0, r.bad) TH_LOG("round %d: the child saw page %d corrupted",
					   round, r.bad - 1);
		if (!r.bad)
			self->c.bytes += self->m.len;
		TH_LOG("round %d: fork took %" PRIu64 " ms, the child's faults %" PRIu64 " ms",
		       round, r.fork_ns / MS, r.ns / MS);
		if (round) {
			ASSERT_EQ(0, target_reply(t, 't', SLACK_MS, &r));
			EXPECT_EQ(0, r.bad);
			if (!r.bad)
				self->c.bytes += self->m.len;
		}
	}
	ASSERT_EQ(0, vmb_inj_disarm(variant->inj));
	ASSERT_EQ(0, vmb_inj_armed(variant->inj));
	expect_stopped(_metadata, variant->inj, 2);
	ASSERT_EQ(0, target_send(t, CMD_EXIT));
	ASSERT_EQ(0, wait_pid_ms(t->pid, SLACK_MS, &status));
	t->pid = 0;
	check_clean(_metadata, &self->m, &self->c);
}

/*
 * The target munmap()s, or mremap()s elsewhere, the range in the middle
 * of a hold, with a fault of ours (on our own mapping of it) waiting on
 * the hold. The current hold ends as set, our fault completes, the next
 * hold finds the range gone and the injector disarms itself (EFAULT, its
 * one error); after mremap the target finds its data at the new address.
 */
static void unmap_in_hold(struct __test_metadata *_metadata,
			  struct _test_data_life *self,
			  const struct _fixture_variant_life *variant,
			  bool move)
{
	struct target *t = &self->t[0];
	struct vmb_inj_stats st;
	struct fault_job ours;
	uint64_t start, t0;
	struct reply r;
	pthread_t th;
	int status;

	hold_with_our_fault(_metadata, self, variant, &ours, &th, &start);
	usleep(50000);
	t0 = vmb_now_ns();
	ASSERT_EQ(0, target_send(t, move ? CMD_MREMAP : CMD_MUNMAP));
	ASSERT_EQ(0, target_reply(t, move ? 'm' : 'u',
				  HOLD_US / 1000 + SLACK_MS, &r))
		TH_LOG("the target's %s never returned",
		       move ? "mremap()" : "munmap()");
	self->c.cases++;
	EXPECT_EQ(0, r.bad) TH_LOG("%s: %s", move ? "mremap()" : "munmap()",
				   r.bad < 0 ? "failed" : "a page moved corrupted");
	if (move && !r.bad)
		self->c.bytes += self->m.len;
	our_fault_done(_metadata, self, &ours, th);
	ASSERT_EQ(0, vmb_inj_wait_disarmed(variant->inj, SLACK_MS))
		TH_LOG("%s/enable still reads 1 with the range gone",
		       variant->inj);
	ASSERT_EQ(0, vmb_inj_read_stats(variant->inj, &st));
	TH_LOG("%s %" PRIu64 " ms into the hold took %" PRIu64 " ms; our fault took %" PRIu64 " ms; holds %" PRId64 " errors %" PRId64 " last_error %" PRId64,
	       move ? "mremap()" : "munmap()", (t0 - start) / MS, r.ns / MS,
	       ours.ns / MS, st.v[VMB_STAT_holds], st.v[VMB_STAT_errors],
	       st.v[VMB_STAT_last_error]);
	EXPECT_EQ(0, st.v[VMB_STAT_holding]);
	EXPECT_LE(1, st.v[VMB_STAT_holds]);
	EXPECT_EQ(1, st.v[VMB_STAT_errors]);
	EXPECT_EQ(EFAULT, st.v[VMB_STAT_last_error]);
	ASSERT_EQ(0, target_send(t, CMD_EXIT));
	ASSERT_EQ(0, wait_pid_ms(t->pid, SLACK_MS, &status));
	t->pid = 0;
	check_clean(_metadata, &self->m, &self->c);
}

TEST_F_TIMEOUT(life, munmap_in_hold, 60)
{
	unmap_in_hold(_metadata, self, variant, false);
}

TEST_F_TIMEOUT(life, mremap_in_hold, 60)
{
	unmap_in_hold(_metadata, self, variant, true);
}

/*
 * target/pid changes to another process, then to none, then back, in
 * the middle of a hold: the injector stays on the mm it was armed with
 * (the holds go on, the new target has no such range) and stops when
 * that process exits, whoever the target is then. Arming again uses the
 * new target: EFAULT, its range is not mapped.
 */
TEST_F_TIMEOUT(life, retarget_in_hold, 60)
{
	struct target *a = &self->t[0], *b = &self->t[1];
	struct vmb_inj_stats st;
	uint64_t start, seen;
	struct reply r;

	ASSERT_EQ(0, target_spawn(a, &self->m, variant->zap, false));
	ASSERT_EQ(0, target_spawn(b, &self->m, variant->zap, true));
	ASSERT_EQ(0, target_reply(a, READY, SLACK_MS, &r));
	ASSERT_EQ(0, target_reply(b, READY, SLACK_MS, &r));
	ASSERT_EQ(0, vmb_set_target(a->pid));
	arm_forever(_metadata, variant->inj, &self->m, &start);
	ASSERT_EQ(0, vmb_set_target(b->pid));
	ASSERT_EQ(0, vmb_set_target(0));
	ASSERT_EQ(0, vmb_set_target(b->pid));
	ASSERT_EQ(0, vmb_read_u64(VMB_KNOB(target, pid), &seen));
	ASSERT_EQ((uint64_t)b->pid, seen);
	self->c.cases++;

	/* A's range is still held, hold after hold. */
	ASSERT_EQ(0, target_send(a, CMD_FAULT));
	ASSERT_EQ(0, target_reply(a, 't', HOLD_US / 1000 + SLACK_MS, &r));
	EXPECT_EQ(0, r.bad);
	if (!r.bad)
		self->c.bytes += self->m.len;
	ASSERT_EQ(0, vmb_inj_wait_holding(variant->inj, 5000, &start));
	ASSERT_EQ(0, vmb_inj_read_stats(variant->inj, &st));
	EXPECT_LE(1, st.v[VMB_STAT_holds]);
	EXPECT_EQ((int64_t)NPAGES, st.v[VMB_STAT_folios_held]);
	EXPECT_EQ(1, vmb_inj_armed(variant->inj));

	ASSERT_EQ(0, target_kill(a, HOLD_US / 1000 + SLACK_MS, NULL));
	self->c.cases++;
	expect_stopped(_metadata, variant->inj, 1);

	ASSERT_EQ(0, vmb_inj_setup(variant->inj, self->m.mem, self->m.len,
				   1000, 0, 1));
	EXPECT_EQ(-EFAULT, vmb_inj_arm(variant->inj));
	ASSERT_EQ(0, vmb_set_target(getpid()));
	ASSERT_EQ(0, vmb_inj_arm(variant->inj));
	ASSERT_EQ(0, vmb_inj_wait_disarmed(variant->inj, SLACK_MS));
	ASSERT_EQ(0, vmb_inj_read_stats(variant->inj, &st));
	EXPECT_EQ(1, st.v[VMB_STAT_holds]);
	EXPECT_EQ(0, st.v[VMB_STAT_errors]);
	ASSERT_EQ(0, vmb_set_target(0));
	ASSERT_EQ(0, target_kill(b, SLACK_MS, NULL));
	check_clean(_metadata, &self->m, &self->c);
}

/*
 * rmmod with a hold in place and faults waiting on it, ours and the
 * target's: rmmod returns, the faults complete, and the module loads
 * again with nothing armed.
 */
TEST_F_TIMEOUT(life, rmmod_in_hold, 90)
{
	struct fault_job ours = { .mem = self->m.mem, .npages = NPAGES,
				  .zap = variant->zap, .rep = -1 };
	struct target *t = &self->t[0];
	uint64_t start, t0, t1;
	struct reply r;
	pthread_t th;
	int ret;

	ASSERT_EQ(0, target_spawn(t, &self->m, variant->zap, false));
	ASSERT_EQ(0, target_reply(t, READY, SLACK_MS, &r));
	ASSERT_EQ(0, vmb_set_target(t->pid));
	arm_forever(_metadata, variant->inj, &self->m, &start);
	ASSERT_EQ(0, pthread_create(&th, NULL, fault_all, &ours));
	ASSERT_EQ(0, target_send(t, CMD_FAULT));
	usleep(50000);
	t0 = vmb_now_ns();
	ret = vmb_system("rmmod vmalock_bench");
	t1 = vmb_now_ns();
	ASSERT_EQ(0, ret) TH_LOG("rmmod vmalock_bench: exit status %d", ret);
	self->c.cases++;
	ASSERT_EQ(0, vmb_join_ms(th, SLACK_MS)) TH_LOG("our fault never completed");
	EXPECT_EQ(0UL, ours.bad);
	if (!ours.bad)
		self->c.bytes += self->m.len;
	ASSERT_EQ(0, target_reply(t, 't', SLACK_MS, &r));
	EXPECT_EQ(0, r.bad);
	if (!r.bad)
		self->c.bytes += self->m.len;
	TH_LOG("rmmod %" PRIu64 " ms into the hold took %" PRIu64 " ms; our fault took %" PRIu64 " ms",
	       (t0 - start) / MS, (t1 - t0) / MS, ours.ns / MS);
	ASSERT_NE(0, vmb_loaded());
	ASSERT_EQ(0, vmb_system("modprobe vmalock_bench"));
	ASSERT_EQ(0, vmb_loaded());
	ASSERT_EQ(1, vmb_has_feature(variant->feature));
	ASSERT_EQ(0, vmb_inj_armed(variant->inj));
	ASSERT_EQ(0, target_kill(t, SLACK_MS, NULL));
	check_clean(_metadata, &self->m, &self->c);
}

/*
 * The checks above catch what they look for: during a long hold, which
 * is what a leak looks like from userspace, the fault in a child and in
 * a thread of ours do not complete, an munmap() behind a waiting fault
 * does not return, and an open debugfs file shows in refcnt. After the
 * hold, the same checks pass.
 */
TEST_F_TIMEOUT(life, leak_detectors, 60)
{
	const uint64_t hold_us = 3000000;
	const int short_ms = 500;
	struct fault_job ours = { .mem = self->m.mem, .npages = NPAGES - 1,
				  .zap = variant->zap, .rep = -1 };
	long page = vmb_page_size();
	struct vmb_unmap_job u = { .mem = self->m.mem + (NPAGES - 1) * page,
			       .len = page };
	bool waits_locked = variant->type != VMB_MAP_RAMFS;
	uint64_t start, bytes = 0, began;
	struct gated fault_g, unmap_g;
	struct vmb_inj_stats st;
	char path[256];
	long refcnt;
	int fd, ret;

	ASSERT_EQ(0, gated_create(&fault_g, fault_all, &ours));
	ASSERT_EQ(0, gated_create(&unmap_g, vmb_munmap_thread, &u));
	ASSERT_EQ(0, vmb_set_target(getpid()));
	ASSERT_EQ(0, vmb_inj_setup(variant->inj, self->m.mem, self->m.len,
				   hold_us, 0, 1));
	ASSERT_EQ(0, vmb_inj_arm(variant->inj));
	ASSERT_EQ(0, vmb_inj_wait_holding(variant->inj, 5000, &start));

	ret = check_in_child(&self->m, self->m.type != VMB_MAP_ANON, short_ms,
			     &bytes);
	/* Our own thread: not the last page, which munmap() takes below. */
	gated_start(&fault_g);
	usleep(100000);
	/*
	 * The fault waits holding the VMA lock (6.12) or mmap_lock (6.1),
	 * which munmap() needs for writing; filemap_fault() (ramfs) drops
	 * its lock to wait, so munmap() would not wait there.
	 */
	if (waits_locked)
		gated_start(&unmap_g);
	began = vmb_now_ns();
	ASSERT_EQ(0, vmb_path(VMB_KNOB(root, version), path, sizeof(path)));
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, module_refcnt(&refcnt));
	EXPECT_LE(1, refcnt) TH_LOG("an open debugfs file does not show in refcnt");
	close(fd);

	/* The hold ends: everything completes, none of it before. */
	ASSERT_EQ(0, vmb_inj_wait_disarmed(variant->inj, hold_us / 1000 +
					   SLACK_MS));
	ASSERT_EQ(0, vmb_inj_read_stats(variant->inj, &st));
	ASSERT_EQ(0, vmb_join_ms(fault_g.th, SLACK_MS));
	EXPECT_EQ(0UL, ours.bad);
	if (waits_locked) {
		ASSERT_EQ(0, vmb_join_ms(unmap_g.th, SLACK_MS));
		ASSERT_EQ(0, u.err);
		self->m.len -= page;
	} else {
		u.mem = NULL;
		gated_start(&unmap_g);	/* munmap(NULL, ...) of nothing */
		ASSERT_EQ(0, vmb_join_ms(unmap_g.th, SLACK_MS));
	}
	ASSERT_LT(began, (uint64_t)st.v[VMB_STAT_hold_end_ns])
		TH_LOG("too slow: the hold ended before the checks began");
	TH_LOG("hold %" PRIu64 " ms: the child's fault %s after %d ms; ours ended %" PRId64 " ms after the release, munmap() %" PRId64 " ms after",
	       hold_us / 1000, ret == -ETIMEDOUT ? "was abandoned" : "ended",
	       short_ms,
	       ((int64_t)ours.done_ns - st.v[VMB_STAT_hold_end_ns]) / (int64_t)MS,
	       waits_locked ? ((int64_t)u.done_ns -
			       st.v[VMB_STAT_hold_end_ns]) / (int64_t)MS : -1);
	EXPECT_EQ(-ETIMEDOUT, ret) TH_LOG("a child's fault completed inside the hold");
	EXPECT_GE(ours.done_ns, (uint64_t)st.v[VMB_STAT_hold_end_ns])
		TH_LOG("our fault completed inside the hold");
	if (waits_locked)
		EXPECT_GE(u.done_ns, (uint64_t)st.v[VMB_STAT_hold_end_ns])
			TH_LOG("munmap() returned with a fault waiting in the VMA");
	ASSERT_EQ(0, vmb_set_target(0));
	self->c.cases++;
	check_clean(_metadata, &self->m, &self->c);
}

/* ---- the swap device: swapoff with delayed I/O and a SIGKILL ---- */

#define SWAP_NPAGES 128UL

FIXTURE(swapkill) {
	struct vmb_map m;
	struct target t;
	struct counts c;
	struct vmb_swap_env env;
	bool ready, swapped_on;
};

FIXTURE_VARIANT(swapkill) {
	bool sync_io;
};

FIXTURE_VARIANT_ADD(swapkill, async) {
	.sync_io = false,
};

FIXTURE_VARIANT_ADD(swapkill, sync) {
	.sync_io = true,
};

FIXTURE_SETUP(swapkill)
{
	int ret;

	memset(self, 0, sizeof(*self));
	self->m.fd = -1;
	if (vmb_loaded())
		SKIP(return, "vmalock_bench is not loaded (modprobe vmalock_bench)");
	if (vmb_has_feature("swap_device") != 1)
		SKIP(return, "no swap device (swap_mb=0 or unsupported kernel)");
	if (access(VMB_SWAP_DEV, F_OK))
		SKIP(return, "%s missing: is devtmpfs mounted?", VMB_SWAP_DEV);
	self->ready = true;
	ASSERT_EQ(0, vmb_swap_env_save(&self->env));
	ASSERT_EQ(0, vmb_write_file(VMB_PAGE_CLUSTER, "0"));
	vmb_swap_off();
	ASSERT_EQ(0, vmb_swap_disarm());
	ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(swap, sync_io), variant->sync_io));
	ret = vmb_swap_on(0);
	ASSERT_EQ(0, ret) TH_LOG("swapon %s: %s", VMB_SWAP_DEV, strerror(-ret));
	self->swapped_on = true;
	ASSERT_EQ(0, vmb_map_create(&self->m, VMB_MAP_MEMFD, SWAP_NPAGES));
	vmb_map_fill(&self->m, 0, SWAP_NPAGES);
}

FIXTURE_TEARDOWN(swapkill)
{
	if (self->t.pid)
		target_kill(&self->t, SLACK_MS, NULL);
	vmb_map_destroy(&self->m);
	if (!self->ready)
		return;
	if (!vmb_loaded()) {
		vmb_swap_disarm();
		if (self->swapped_on)
			vmb_swap_off();
		vmb_write_u64(VMB_KNOB(swap, sync_io), 0);
		vmb_set_target(0);
	}
	vmb_swap_env_restore(&self->env);
	log_counts(_metadata, &self->c, variant->sync_io ? "swapkill.sync" :
		   "swapkill.async");
}

struct swapoff_job {
	int ret;
	uint64_t ns;
};

static void *swapoff_thread(void *arg)
{
	struct swapoff_job *s = arg;
	uint64_t t0 = vmb_now_ns();

	s->ret = vmb_swap_off();
	s->ns = vmb_now_ns() - t0;
	return NULL;
}

/*
 * A target pages a shmem range out to the device (writes delayed) and
 * faults it back in a loop (reads delayed); swapoff starts, reading
 * every page back with the same delays, and the target is SIGKILLed in
 * the middle. swapoff completes, the target dies, and the range is clean
 * with every byte intact.
 */
TEST_F_TIMEOUT(swapkill, swapoff_sigkill, 90)
{
	/*
	 * Async writes are all in flight at once; sync ones one by one.
	 * Either way they are over before swapoff: the target is then
	 * reading pages back (and paging them out again, writes in flight
	 * once more), and so is swapoff.
	 */
	uint64_t wr_us = variant->sync_io ? 1000 : 50000, rd_us = 2000;
	struct swapoff_job so = { .ret = -EINPROGRESS };
	struct vmb_swap_stats a, b;
	uint64_t died;
	struct reply r;
	pthread_t th;

	/* Only the target maps the pages: MADV_PAGEOUT skips shared ones. */
	ASSERT_EQ(0, madvise(self->m.mem, self->m.len, MADV_DONTNEED));
	ASSERT_EQ(0, target_spawn(&self->t, &self->m, false, false));
	ASSERT_EQ(0, target_reply(&self->t, READY, SLACK_MS, &r));
	ASSERT_EQ(0, vmb_set_target(self->t.pid));
	ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(swap, write_delay_us), wr_us));
	ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(swap, read_delay_us), rd_us));
	ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(swap, jitter_us), rd_us / 2));
	ASSERT_EQ(0, vmb_swap_read_stats(&a));
	ASSERT_EQ(0, target_send(&self->t, CMD_PAGEOUT));
	ASSERT_EQ(0, target_reply(&self->t, 'p', 3 * SLACK_MS, &r));
	ASSERT_EQ(0, r.bad) TH_LOG("MADV_PAGEOUT failed in the target");

	/* The target is faulting pages back in; swapoff joins. */
	ASSERT_EQ(0, pthread_create(&th, NULL, swapoff_thread, &so));
	/*
	 * Kill once reads are really under way, however slow this kernel
	 * (a lockdep + KASAN one under TCG is 10x slower): at most 10 s.
	 */
	for (int i = 0; i < 2000; i++) {
		ASSERT_EQ(0, vmb_swap_read_stats(&b));
		if (b.v[VMB_SWAP_reads] - a.v[VMB_SWAP_reads] >= SWAP_NPAGES / 16)
			break;
		usleep(5000);
	}
	EXPECT_EQ(-ETIMEDOUT, target_reply(&self->t, 'e', 1, &r))
		TH_LOG("the target's own anon page %d came back wrong", r.bad - 1);
	ASSERT_EQ(0, target_kill(&self->t, SLACK_MS, &died))
		TH_LOG("the target did not die");
	self->c.cases++;
	ASSERT_EQ(0, vmb_join_ms(th, 6 * SLACK_MS))
		TH_LOG("swapoff did not return");
	ASSERT_EQ(0, so.ret) TH_LOG("swapoff: %s", strerror(-so.ret));
	self->swapped_on = false;
	ASSERT_EQ(0, vmb_swap_read_stats(&b));
	TH_LOG("%s: target dead %" PRIu64 " ms after SIGKILL; swapoff took %" PRIu64 " ms; device writes +%" PRIu64 " reads +%" PRIu64 " delayed +%" PRIu64 " inflight_max %" PRIu64,
	       variant->sync_io ? "sync" : "async", died / MS, so.ns / MS,
	       b.v[VMB_SWAP_writes] - a.v[VMB_SWAP_writes],
	       b.v[VMB_SWAP_reads] - a.v[VMB_SWAP_reads],
	       b.v[VMB_SWAP_delayed] - a.v[VMB_SWAP_delayed],
	       b.v[VMB_SWAP_inflight_max]);
	/* Something really went out, late. */
	EXPECT_LE(SWAP_NPAGES / 2, b.v[VMB_SWAP_writes] - a.v[VMB_SWAP_writes]);
	EXPECT_LE(SWAP_NPAGES / 16, b.v[VMB_SWAP_reads] - a.v[VMB_SWAP_reads]);
	EXPECT_LE(1ULL, b.v[VMB_SWAP_delayed] - a.v[VMB_SWAP_delayed]);
	EXPECT_EQ(a.v[VMB_SWAP_errors], b.v[VMB_SWAP_errors]);
	ASSERT_EQ(0, vmb_swap_disarm());
	ASSERT_EQ(0, vmb_set_target(0));
	check_clean(_metadata, &self->m, &self->c);
}

/* ---- the file disk: a SIGKILL in a delayed read, then umount ---- */

#define DISK_NPAGES 1024UL
#define DISK_FILE "kill"
#define DISK_SEED UINT64_C(0xd15c0)

FIXTURE(diskkill) {
	struct target t;
	struct counts c;
	bool ready, mounted;
};

FIXTURE_VARIANT(diskkill) {
	bool sync_io;
};

FIXTURE_VARIANT_ADD(diskkill, async) {
	.sync_io = false,
};

FIXTURE_VARIANT_ADD(diskkill, sync) {
	.sync_io = true,
};

FIXTURE_SETUP(diskkill)
{
	const char *why;
	int ret;

	memset(self, 0, sizeof(*self));
	why = vmb_disk_unusable();
	if (why)
		SKIP(return, "%s", why);
	self->ready = true;
	ret = vmb_disk_prepare(variant->sync_io);
	if (ret == -ENODEV)
		SKIP(return, "no ext4 in this kernel (CONFIG_EXT4_FS)");
	ASSERT_EQ(0, ret) TH_LOG("mkfs.ext4 and mount of %s: %s",
				 VMB_DISK_DEV, strerror(-ret));
	self->mounted = true;
	ASSERT_EQ(0, vmb_disk_write_file(DISK_FILE, DISK_NPAGES, DISK_SEED));
}

FIXTURE_TEARDOWN(diskkill)
{
	if (self->t.pid)
		target_kill(&self->t, SLACK_MS, NULL);
	if (!self->ready)
		return;
	if (!vmb_loaded()) {
		vmb_rdisk_disarm(VMB_DISK_DIR);
		vmb_set_target(0);
		if (self->mounted)
			vmb_disk_umount();
		vmb_write_u64(VMB_KNOB(disk, sync_io), 0);
	}
	log_counts(_metadata, &self->c, variant->sync_io ? "diskkill.sync" :
		   "diskkill.async");
}

/*
 * A target for diskkill: maps the file with readahead off and reads
 * random pages of it, dropping them from the page cache every 64 pages,
 * so that its faults are major and wait on the disk. Answers READY once
 * mapped, and 'e' (then exits) if a page reads back wrong.
 */
static void __attribute__((noreturn)) disk_reader(int rep)
{
	size_t psize = vmb_page_size(), len = DISK_NPAGES * psize, i, n;
	struct reply r = { .tag = READY };
	unsigned int seed = 1;
	char path[128];
	char *p;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", VMB_DISK_MNT, DISK_FILE);
	fd = open(path, O_RDONLY);
	p = fd < 0 ? MAP_FAILED : mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED || madvise(p, len, MADV_RANDOM) ||
	    write(rep, &r, sizeof(r)) != sizeof(r))
		_exit(1);
	r.tag = 'e';
	for (;;) {
		for (n = 0; n < 64; n++) {
			i = rand_r(&seed) % DISK_NPAGES;
			if (vmb_pattern_match(p + i * psize, psize, i * psize / 8,
					      DISK_SEED) != psize) {
				r.bad = i + 1;
				_exit(write(rep, &r, sizeof(r)) != sizeof(r));
			}
		}
		madvise(p, len, MADV_DONTNEED);
		posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	}
}

/*
 * The target reads the file through delayed reads (its own, scope
 * target) and is SIGKILLed in the middle: it dies, the filesystem then
 * unmounts, nothing holds the module any more, e2fsck finds it clean and
 * every byte of the file is intact after a new mount.
 */
TEST_F_TIMEOUT(diskkill, sigkill_in_read, 90)
{
	const uint64_t rd_us = 2000;
	struct vmb_swap_stats a, b;
	uint64_t died, t0, umount_ns;
	int rep[2], i, ret;
	struct reply r;
	long refcnt, good;
	pid_t self_pid = getpid();

	ASSERT_EQ(0, pipe(rep));
	self->t.pid = fork();
	ASSERT_LE(0, self->t.pid);
	if (!self->t.pid) {
		die_with_parent(self_pid);
		close(rep[0]);
		disk_reader(rep[1]);
	}
	close(rep[1]);
	self->t.rep = rep[0];
	self->t.cmd = -1;
	ASSERT_EQ(0, target_reply(&self->t, READY, SLACK_MS, &r));
	/*
	 * The target reads at full speed from READY on. Armed while it
	 * runs, one read could take its delay (none) before the knob write
	 * and be counted after the snapshot: a read not delayed, seen on
	 * single-threaded TCG, where the target's vCPU can be parked in the
	 * middle of a submit while this one runs. Arm it stopped.
	 */
	ASSERT_EQ(0, stop_pid_ms(self->t.pid, SLACK_MS));
	ASSERT_EQ(0, vmb_set_target(self->t.pid));
	ASSERT_EQ(0, vmb_write(VMB_KNOB(disk, scope), "target"));
	ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(disk, read_delay_us), rd_us));
	ASSERT_EQ(0, vmb_write_u64(VMB_KNOB(disk, jitter_us), rd_us / 2));
	ASSERT_EQ(0, vmb_rdisk_read_stats(VMB_DISK_DIR, &a));
	ASSERT_EQ(0, kill(self->t.pid, SIGCONT));
	/* Kill once reads are really under way: at most 10 s. */
	for (i = 0; i < 2000; i++) {
		ASSERT_EQ(0, vmb_rdisk_read_stats(VMB_DISK_DIR, &b));
		if (b.v[VMB_SWAP_delayed] - a.v[VMB_SWAP_delayed] >= 64)
			break;
		usleep(5000);
	}
	EXPECT_EQ(-ETIMEDOUT, target_reply(&self->t, 'e', 1, &r))
		TH_LOG("the target read page %d wrong", r.bad - 1);
	ASSERT_EQ(0, target_kill(&self->t, SLACK_MS, &died))
		TH_LOG("the target did not die");
	self->c.cases++;
	ASSERT_EQ(0, vmb_rdisk_read_stats(VMB_DISK_DIR, &b));
	ASSERT_EQ(0, vmb_set_target(0));
	ASSERT_EQ(0, vmb_rdisk_disarm(VMB_DISK_DIR));

	t0 = vmb_now_ns();
	ret = vmb_disk_umount();
	umount_ns = vmb_now_ns() - t0;
	ASSERT_EQ(0, ret) TH_LOG("umount after the kill: %s", strerror(-ret));
	self->mounted = false;
	self->c.cases++;
	ASSERT_EQ(0, module_refcnt(&refcnt));
	ASSERT_EQ(0, refcnt) TH_LOG("unmounted, and the module is still held");
	ret = vmb_disk_fsck();
	ASSERT_EQ(0, ret) TH_LOG("e2fsck -fn: %s", strerror(-ret));
	ASSERT_EQ(0, vmb_disk_mount());
	self->mounted = true;
	good = vmb_disk_check_file(DISK_FILE, DISK_NPAGES, DISK_SEED);
	ASSERT_EQ((long)(DISK_NPAGES * vmb_page_size()), good)
		TH_LOG("first bad byte at offset %ld", good);
	self->c.bytes += good;
	TH_LOG("%s: target dead %" PRIu64 " ms after SIGKILL; disk reads +%" PRIu64 " delayed +%" PRIu64 "; umount %" PRIu64 " ms",
	       variant->sync_io ? "sync" : "async", died / MS,
	       b.v[VMB_SWAP_reads] - a.v[VMB_SWAP_reads],
	       b.v[VMB_SWAP_delayed] - a.v[VMB_SWAP_delayed], umount_ns / MS);
	/* Every read the target's faults caused was its own: delayed. */
	EXPECT_EQ(b.v[VMB_SWAP_reads] - a.v[VMB_SWAP_reads],
		  b.v[VMB_SWAP_delayed] - a.v[VMB_SWAP_delayed]);
	EXPECT_LE(64ULL, b.v[VMB_SWAP_delayed] - a.v[VMB_SWAP_delayed]);
}

/* ---- last: the module goes and comes back ---- */

FIXTURE(reload) {
	int unused;
};

/*
 * What a failed test may have left (kselftest_harness.h skips the
 * teardown after a failed ASSERT when gcc keeps the wrapper's "child" in
 * a register across setjmp()): the checks below are about the module.
 */
FIXTURE_SETUP(reload)
{
	if (vmb_loaded())
		SKIP(return, "vmalock_bench is not loaded (modprobe vmalock_bench)");
	vmb_swap_off();
	vmb_disk_umount();
	vmb_inj_disarm(VMB_INJ_FOLIO_LOCK_DIR);
	vmb_inj_disarm(VMB_INJ_MIGRATION_DIR);
	vmb_set_target(0);
}

FIXTURE_TEARDOWN(reload)
{
}

/* The totals of this run, from what every test appended. */
static void log_totals(struct __test_metadata *_metadata)
{
	unsigned long long bytes, tb = 0;
	unsigned int cases, tc = 0, tests = 0;
	char line[256], what[128];
	FILE *f = fopen(COUNT_FILE, "r");
	int pid;

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%d %127s cases %u bytes %llu", &pid, what,
			   &cases, &bytes) == 4 && pid == run_pid) {
			tests++;
			tc += cases;
			tb += bytes;
		}
	fclose(f);
	TH_LOG("this run: %u tests, lifecycle cases run %u, bytes verified %llu (%s)",
	       tests, tc, tb, COUNT_FILE);
}

/*
 * rmmod while the target faults in a loop: every hook (the fault
 * tracepoint, the handle_mm_fault() redirect with calls in flight, the
 * mmap_lock probes, the force_mmap_lock kretprobe every other round) is
 * torn down under load. rmmod must succeed and return, the target must
 * live on (it faulted through module text), and vm-run fails the run on
 * any oops, warning or hung task in the kernel log.
 */
#define RMMOD_ROUNDS 20
#define RMMOD_PAGES 64UL

static void fault_forever(void)
{
	size_t len = RMMOD_PAGES * sysconf(_SC_PAGESIZE);

	for (;;) {
		char *mem = mmap(NULL, len, PROT_READ | PROT_WRITE,
				 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (mem == MAP_FAILED)
			_exit(1);
		for (size_t off = 0; off < len; off += sysconf(_SC_PAGESIZE))
			mem[off] = 1;
		munmap(mem, len);
	}
}

TEST_F_TIMEOUT(reload, rmmod_while_target_faults, 600)
{
	struct vmb_faults f;
	int force_ok, ret, status;
	unsigned int round;
	pid_t child;

	force_ok = vmb_has_feature("force_mmap_lock") == 1;
	for (round = 0; round < RMMOD_ROUNDS; round++) {
		child = fork();
		ASSERT_LE(0, child);
		if (!child) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			fault_forever();
		}
		ret = vmb_set_target(child);
		if (!ret && force_ok)
			ret = vmb_write(VMB_KNOB(target, force_mmap_lock),
					round % 2 ? "1\n" : "0\n");
		if (!ret)
			ret = vmb_read_faults(&f);
		/* Only once the child's faults are followed. */
		while (!ret && !f.v[VMB_C_faults]) {
			usleep(1000);
			ret = vmb_read_faults(&f);
		}
		if (ret) {
			kill(child, SIGKILL);
			waitpid(child, NULL, 0);
			ASSERT_EQ(0, ret) TH_LOG("round %u: target/ set-up", round);
		}
		usleep(20000);
		ret = vmb_system("rmmod vmalock_bench");
		EXPECT_EQ(0, ret) TH_LOG("round %u: rmmod: exit status %d", round, ret);
		/* Still faulting: nothing it ran through went away under it. */
		EXPECT_EQ(0, waitpid(child, &status, WNOHANG))
			TH_LOG("round %u: the target died (status %#x)", round, status);
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		if (!vmb_loaded()) {
			vmb_write(VMB_KNOB(target, force_mmap_lock), "0\n");
			vmb_set_target(0);
		}
		ret = vmb_system("modprobe vmalock_bench");
		ASSERT_EQ(0, ret) TH_LOG("round %u: modprobe: exit status %d", round, ret);
		if (!__test_passed(_metadata))
			break;
	}
	TH_LOG("%u rounds of rmmod under a faulting target", round);
}

TEST_F_TIMEOUT(reload, rmmod_modprobe, 60)
{
	struct counts c = {};
	struct vmb_inj_stats st;
	struct vmb_map m;
	uint64_t seen;
	char buf[4096];
	long refcnt;
	int ret;

	ASSERT_EQ(0, module_refcnt(&refcnt));
	ASSERT_EQ(0, refcnt);
	ret = vmb_system("rmmod vmalock_bench");
	ASSERT_EQ(0, ret) TH_LOG("rmmod vmalock_bench: exit status %d", ret);
	c.cases++;
	ASSERT_NE(0, vmb_loaded());
	ASSERT_NE(0, access("/sys/module/vmalock_bench", F_OK));
	ret = vmb_system("modprobe vmalock_bench");
	ASSERT_EQ(0, ret) TH_LOG("modprobe vmalock_bench: exit status %d", ret);
	ASSERT_EQ(0, vmb_loaded());
	ASSERT_LT(0, vmb_read(VMB_KNOB(root, features), buf, sizeof(buf)));
	ASSERT_LT(0, vmb_read(VMB_KNOB(root, version), buf, sizeof(buf)));
	ASSERT_EQ(0, strncmp(buf, "vmalock_bench ", 14));
	ASSERT_EQ(0, vmb_set_target(getpid()));
	ASSERT_EQ(0, vmb_read_u64(VMB_KNOB(target, pid), &seen));
	ASSERT_EQ((uint64_t)getpid(), seen);

	/* An injector works: one hold over a memfd, data intact. */
	if (vmb_has_feature("inject_folio_lock") == 1) {
		ASSERT_EQ(0, vmb_map_create(&m, VMB_MAP_MEMFD, NPAGES));
		vmb_map_fill(&m, 0, NPAGES);
		ASSERT_EQ(0, vmb_inj_setup(VMB_INJ_FOLIO_LOCK_DIR, m.mem, m.len,
					   1000, 0, 1));
		ASSERT_EQ(0, vmb_inj_arm(VMB_INJ_FOLIO_LOCK_DIR));
		ASSERT_EQ(0, vmb_inj_wait_disarmed(VMB_INJ_FOLIO_LOCK_DIR,
						   SLACK_MS));
		ASSERT_EQ(0, vmb_inj_read_stats(VMB_INJ_FOLIO_LOCK_DIR, &st));
		EXPECT_EQ(1, st.v[VMB_STAT_holds]);
		EXPECT_EQ((int64_t)NPAGES, st.v[VMB_STAT_folios_held]);
		ASSERT_EQ(0, vmb_set_target(0));
		check_clean(_metadata, &m, &c);
		vmb_map_destroy(&m);
	} else {
		ASSERT_EQ(0, vmb_set_target(0));
		ASSERT_EQ(0, module_refcnt(&refcnt));
		ASSERT_EQ(0, refcnt);
	}
	log_counts(_metadata, &c, "reload.rmmod_modprobe");
	log_totals(_metadata);
}

TEST_HARNESS_MAIN
