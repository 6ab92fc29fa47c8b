// SPDX-License-Identifier: GPL-2.0
/*
 * The writer: a thread that takes mmap_lock for write over and over, the
 * other side of seed 001's trade-off. --writer picks what it does:
 *
 *   mmap      mmap() and munmap() of 64 KiB of its own: an unrelated VMA,
 *             the default and the d065bd810b6d measurement
 *   mprotect  mprotect() the victims' VMA's spare last page read-only and
 *             back: split and merge, each vma_start_write()s that VMA
 *   munmap    munmap() that page, then mremap() the VMA back over it
 *   mremap    mremap() the VMA a page shorter, then back
 *   fork      fork(), the child exits at once: dup_mmap() holds mmap_lock
 *             for write and vma_start_write()s every VMA of the process
 *
 * A fault that sleeps holding its VMA's read lock (6.12: folio_lock() in
 * shmem, submit_bio_wait() of a synchronous swap-in, a migration entry)
 * makes the last four wait, with mmap_lock held for write, until it lets
 * go: the cost of keeping the VMA lock across a wait. A fault that drops
 * its lock to wait (__folio_lock_or_retry(), handle_userfault()) does not.
 *
 * How often and how long the writer waited: an op in which it slept (off
 * the CPU and not runnable, from /proc/thread-self/schedstat; wall time
 * where that file is missing) half a hold or more is a wait (writer_waits,
 * writer_wait_ms). Preemption, which under TCG takes many milliseconds,
 * is not sleep. An op that slept and began during a victim's refill, or
 * saw one end (the madvise() between a victim's passes, under mmap_lock
 * for read: MADV_PAGEOUT of a swap scenario writes the pages out and
 * takes milliseconds under TCG), is counted apart (writer_refill_waits,
 * writer_refill_wait_ms): it may have slept behind the bench's own
 * set-up, not a fault; it may also have slept behind a fault besides, so
 * the split is a bound each way. A refill that begins as an op ends did
 * not hold the op up, and is not counted against it. Bystanders' refills
 * (MADV_DONTNEED of a few pages) are not followed: they are short, and
 * with the VMA lock they run all the time, so an op that waited for a
 * fault would nearly always have met one. Whether waits chain: a
 * bystander fault that began after a counted wait's op did and ended
 * before it was over queued behind the writer, or beside it
 * (behind_writer, and their p99).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/error.h"
#include "run/writer.h"

#define WRITER_LEN (64 << 10)
/* Ops whose wait a bystander fault can be matched to; later ones are not. */
#define WAITED_MAX (1U << 22)
/* Faults a bystander remembers during writer ops; later ones are not. */
#define WATCH_MAX (1U << 15)

struct vmb_writer {
	/* CLOCK_MONOTONIC ns the current op began, 0 between ops */
	atomic_uint_least64_t since;
	atomic_uint_least64_t seq;	/* the current op's number, from 1 */
	uint64_t waits;			/* injected phase: ops that waited */
	uint64_t wait_ns;		/* and the time they slept */
	/* victims' refills under way, and ended so far (vmb_writer_refill()) */
	atomic_uint refilling;
	atomic_uint_least64_t refilled;
	uint64_t refill_waits;		/* ops that waited during a refill */
	uint64_t refill_wait_ns;
	uint8_t waited[WAITED_MAX / 8];	/* which ops waited, by seq */
	struct vmb_hist behind;
};

struct vmb_watch {
	uint32_t n;
	struct {
		uint64_t seq;
		uint64_t ns;
	} e[WATCH_MAX];
};

int vmb_writer_init(struct vmb_run *r)
{
	if (!r->o->writer)
		return 0;
	r->wr = calloc(1, sizeof(*r->wr));
	if (!r->wr)
		return vmb_fail(-ENOMEM, "allocating the writer's state");
	vmb_hist_init(&r->wr->behind);
	return 0;
}

void vmb_writer_free(struct vmb_run *r)
{
	free(r->wr);
	r->wr = NULL;
}

void vmb_writer_vma(struct vmb_run *r, char *base, size_t len)
{
	r->vma = base;
	r->vma_len = len;
}

int vmb_writer_check(struct vmb_run *r)
{
	enum vmb_writer_mode m = r->o->writer_mode;

	if (!r->o->writer || r->vma || m == VMB_W_MMAP || m == VMB_W_FORK)
		return 0;
	return vmb_skip(r, "--writer %s acts on the victims' VMA, and %s has no single VMA the victims fault in",
			vmb_writer_names[m], r->sc->name);
}

/* mmap()+munmap() of an unrelated region: both take mmap_lock for write. */
static int writer_mmap(void)
{
	void *p;

	p = mmap(NULL, WRITER_LEN, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return vmb_fail(-errno, "writer: mmap of %d bytes", WRITER_LEN);
	if (munmap(p, WRITER_LEN))
		return vmb_fail(-errno, "writer: munmap");
	return 0;
}

/* Grow the victims' VMA back over its spare page, in place. */
static int writer_regrow(struct vmb_run *r, const char *mode)
{
	size_t page = (size_t)r->page;

	if (mremap(r->vma, r->vma_len - page, r->vma_len, 0) == MAP_FAILED)
		return vmb_fail(-errno,
				"writer --writer %s: mremap() growing the victims' VMA back over its last page (something else mapped there?)",
				mode);
	return 0;
}

/* One op on the victims' VMA, as the head of this file says. */
static int writer_vma_op(struct vmb_run *r, enum vmb_writer_mode mode)
{
	size_t page = (size_t)r->page;
	char *last = r->vma + r->vma_len - page;

	switch (mode) {
	case VMB_W_MPROTECT:
		if (mprotect(last, page, PROT_READ) ||
		    mprotect(last, page, PROT_READ | PROT_WRITE))
			return vmb_fail(-errno,
					"writer --writer mprotect: mprotect() of the victims' VMA's last page");
		return 0;
	case VMB_W_MUNMAP:
		if (munmap(last, page))
			return vmb_fail(-errno,
					"writer --writer munmap: munmap() of the victims' VMA's last page");
		return writer_regrow(r, "munmap");
	default:
		if (mremap(r->vma, r->vma_len, r->vma_len - page, 0) ==
		    MAP_FAILED)
			return vmb_fail(-errno,
					"writer --writer mremap: mremap() shrinking the victims' VMA by a page");
		return writer_regrow(r, "mremap");
	}
}

static uint64_t cpu_and_runnable_ns(int fd);

/*
 * fork(); *t1 when it returned in the parent, *c1 the CPU time then (the
 * child's exit is no part of the op); the child reaped.
 */
static int writer_fork(int fd, uint64_t *t1, uint64_t *c1)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return vmb_fail(-errno, "writer --writer fork: fork()");
	if (!pid)
		_exit(0);
	*t1 = vmb_now_ns();
	*c1 = cpu_and_runnable_ns(fd);
	if (waitpid(pid, &status, 0) < 0)
		return vmb_fail(-errno, "writer --writer fork: waitpid()");
	return 0;
}

/* This thread's on-CPU plus runnable time so far, ns; 0: unknown. */
static uint64_t cpu_and_runnable_ns(int fd)
{
	unsigned long long run, wait;
	char buf[96];
	ssize_t n;

	if (fd < 0)
		return 0;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if (sscanf(buf, "%llu %llu", &run, &wait) != 2)
		return 0;
	return run + wait;
}

/*
 * Each op timed (fork: until fork() returned in the parent; the child's
 * exit and reaping untimed). An op begins with since and seq set, so that
 * a bystander can tell which op its fault overlapped.
 */
int vmb_writer_body(struct vmb_run *r, struct vmb_worker *w)
{
	enum vmb_writer_mode mode = r->o->writer_mode;
	uint64_t slow = r->o->hold_us * 1000 / 2, t0, t1, c0, c1, slept, seq;
	struct vmb_writer *wr = r->wr;
	uint64_t refilled;
	bool refilling;
	int fd, ret = 0;

	fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
	w->t_start = vmb_now_ns();
	while (!vmb_should_stop(r)) {
		c0 = cpu_and_runnable_ns(fd);
		t0 = vmb_now_ns();
		t1 = c1 = 0;
		seq = atomic_fetch_add(&wr->seq, 1) + 1;
		atomic_store(&wr->since, t0);
		refilling = atomic_load(&wr->refilling);
		refilled = atomic_load(&wr->refilled);
		if (mode == VMB_W_MMAP)
			ret = writer_mmap();
		else if (mode == VMB_W_FORK)
			ret = writer_fork(fd, &t1, &c1);
		else
			ret = writer_vma_op(r, mode);
		if (!t1) {
			t1 = vmb_now_ns();
			c1 = cpu_and_runnable_ns(fd);
		}
		atomic_store(&wr->since, 0);
		if (ret)
			break;
		vmb_hist_add(&w->hist, t1 - t0);
		w->ops++;
		if (w->role != VMB_ROLE_WRITER || !slow)
			continue;
		slept = t1 - t0;
		if (c0 && c1)
			slept = c1 - c0 < slept ? slept - (c1 - c0) : 0;
		if (slept < slow)
			continue;
		/* A refill under way when the op began, or ended since. */
		if (refilling || atomic_load(&wr->refilled) != refilled) {
			wr->refill_waits++;
			wr->refill_wait_ns += slept;
			continue;
		}
		wr->waits++;
		wr->wait_ns += slept;
		if (seq < WAITED_MAX)
			wr->waited[seq / 8] |= (uint8_t)(1U << (seq % 8));
	}
	w->t_end = vmb_now_ns();
	if (fd >= 0)
		close(fd);
	return ret;
}

void vmb_writer_refill(struct vmb_run *r, const struct vmb_worker *w,
		       bool begin)
{
	if (!r->wr || w->role != VMB_ROLE_VICTIM)
		return;
	if (begin) {
		atomic_fetch_add(&r->wr->refilling, 1);
		return;
	}
	/* Ended before it is no longer under way: no op misses both. */
	atomic_fetch_add(&r->wr->refilled, 1);
	atomic_fetch_sub(&r->wr->refilling, 1);
}

int vmb_writer_watch_init(struct vmb_worker *w)
{
	w->watch = malloc(sizeof(*w->watch));
	if (!w->watch)
		return vmb_fail(-ENOMEM, "allocating a bystander's record");
	w->watch->n = 0;
	return 0;
}

void vmb_writer_watch(struct vmb_run *r, struct vmb_worker *w, uint64_t t0,
		      uint64_t t1)
{
	uint64_t since = atomic_load(&r->wr->since);
	struct vmb_watch *wa = w->watch;

	if (!since || since > t0 || wa->n == WATCH_MAX)
		return;
	wa->e[wa->n].seq = atomic_load(&r->wr->seq);
	wa->e[wa->n].ns = t1 - t0;
	wa->n++;
}

void vmb_writer_watch_done(struct vmb_run *r, struct vmb_worker *w)
{
	struct vmb_watch *wa = w->watch;
	uint32_t i;
	uint64_t s;

	for (i = 0; wa && i < wa->n; i++) {
		s = wa->e[i].seq;
		if (s < WAITED_MAX && (r->wr->waited[s / 8] & (1U << (s % 8))))
			vmb_hist_add(&r->wr->behind, wa->e[i].ns);
	}
	free(wa);
	w->watch = NULL;
}

void vmb_writer_metrics(struct vmb_run *r)
{
	struct vmb_writer *wr = r->wr;

	if (!wr || !r->o->hold_us)
		return;
	vmb_add_metric(r->res, "writer_waits", (double)wr->waits, true);
	vmb_add_metric(r->res, "writer_wait_ms", (double)wr->wait_ns / 1e6,
		       true);
	vmb_add_metric(r->res, "writer_refill_waits", (double)wr->refill_waits,
		       true);
	vmb_add_metric(r->res, "writer_refill_wait_ms",
		       (double)wr->refill_wait_ns / 1e6, true);
	if (!r->o->bystanders)
		return;
	vmb_add_metric(r->res, "behind_writer", (double)wr->behind.count,
		       true);
	if (wr->behind.count)
		vmb_add_metric(r->res, "behind_writer_p99_us",
			       (double)vmb_hist_pct(&wr->behind, 99) / 1e3,
			       true);
}
