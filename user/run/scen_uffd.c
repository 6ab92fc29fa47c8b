// SPDX-License-Identifier: GPL-2.0
/*
 * userfaultfd scenarios.
 *
 * uffd-missing: victims fault on a registered range; a handler thread
 * answers each fault --hold-us after it read it. handle_userfault()
 * releases the fault's lock (the VMA lock on 6.6+, mmap_lock before)
 * before it sleeps and returns VM_FAULT_RETRY, so the wait stalls no
 * writer on either kernel. What differs is the retry: on 6.1 both tries
 * take mmap_lock, on 6.12 only the retry does (seed 000).
 *
 * uffd-move-vs-copy: the heap-compaction emulation of the UFFDIO_MOVE
 * series (seed 002). Live objects (every other 64-byte object) of two
 * from-space pages are packed into one page of a fresh registered
 * to-space. The compacting thread walks the to-space; mutators (the
 * victims) read it concurrently and a fault makes the handler compact that
 * page first. Variants: install with UFFDIO_COPY or UFFDIO_MOVE, from a
 * recycled staging page (COPY: one reused buffer; MOVE: the from-space
 * page itself, compacted in place) or a freshly allocated one.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/error.h"
#include "lib/map.h"
#include "lib/uffd.h"
#include "run/scenario.h"

static void uffd_unregister(int fd, void *addr, size_t len)
{
	struct uffdio_range range = { (unsigned long)addr, len };

	/* Also wakes every waiter: they re-fault as ordinary faults. */
	ioctl(fd, UFFDIO_UNREGISTER, &range);
}

/*
 * The fault-serving thread shared by both scenarios. Each fault is answered
 * at its own deadline (read time + hold), so that victims do not queue
 * behind each other's hold time; ppoll() gives ns resolution.
 */
#define PENDING_MAX 1024

struct handler {
	int fd;
	uint64_t hold_ns;
	long page;
	atomic_int stop;
	int err;
	uint64_t events;
	pthread_t tid;
	bool started;
	struct vmb_run *run;
	/* answer one fault at addr; returns -errno with a message */
	int (*serve)(struct handler *h, unsigned long addr);
	char *src;		/* uffd-missing: page copied in */
	void *ctx;
	void *reg_base;
	size_t reg_len;
	struct {
		unsigned long addr;
		uint64_t deadline;
	} pending[PENDING_MAX];
	int npending;
};

static int uffd_copy(int fd, unsigned long dst, const void *src, size_t len)
{
	struct uffdio_copy c;

	for (;;) {
		memset(&c, 0, sizeof(c));
		c.dst = dst;
		c.src = (unsigned long)src;
		c.len = len;
		if (!ioctl(fd, UFFDIO_COPY, &c))
			return 0;
		if (errno == EEXIST)
			return 0; /* someone else filled it: waiters woken */
		if (errno != EAGAIN)
			return vmb_fail(-errno, "UFFDIO_COPY to %#lx", dst);
	}
}

static int uffd_wake(int fd, unsigned long addr, size_t len)
{
	struct uffdio_range range = { addr, len };

	if (ioctl(fd, UFFDIO_WAKE, &range))
		return vmb_fail(-errno, "UFFDIO_WAKE of %#lx", addr);
	return 0;
}

static int handler_drain(struct handler *h)
{
	struct uffd_msg msg[16];
	ssize_t n;
	int i, cnt;

	for (;;) {
		n = read(h->fd, msg, sizeof(msg));
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return 0;
			return vmb_fail(-errno, "read from the userfaultfd");
		}
		cnt = (int)(n / (ssize_t)sizeof(msg[0]));
		for (i = 0; i < cnt; i++) {
			if (msg[i].event != UFFD_EVENT_PAGEFAULT)
				continue;
			if (h->npending == PENDING_MAX)
				return vmb_fail(-EOVERFLOW,
						"more than %d faults pending on the userfaultfd",
						PENDING_MAX);
			h->events++;
			h->pending[h->npending].addr =
				(unsigned long)msg[i].arg.pagefault.address &
				~((unsigned long)h->page - 1);
			h->pending[h->npending].deadline =
				vmb_now_ns() + h->hold_ns;
			h->npending++;
		}
	}
}

static void *handler_main(void *arg)
{
	struct handler *h = arg;
	struct pollfd pfd = { .fd = h->fd, .events = POLLIN };
	struct timespec ts;
	uint64_t now, next;
	int i, ret = 0;

	while (!atomic_load(&h->stop) || h->npending) {
		now = vmb_now_ns();
		next = now + 10000000;
		for (i = 0; i < h->npending;) {
			if (h->pending[i].deadline <= now ||
			    atomic_load(&h->stop)) {
				ret = h->serve(h, h->pending[i].addr);
				if (ret)
					goto out;
				h->pending[i] = h->pending[--h->npending];
				continue;
			}
			if (h->pending[i].deadline < next)
				next = h->pending[i].deadline;
			i++;
		}
		ts.tv_sec = (time_t)((next - now) / 1000000000);
		ts.tv_nsec = (long)((next - now) % 1000000000);
		if (ppoll(&pfd, 1, &ts, NULL) < 0 && errno != EINTR) {
			ret = vmb_fail(-errno, "ppoll on the userfaultfd");
			goto out;
		}
		ret = handler_drain(h);
		if (ret)
			goto out;
	}
out:
	if (ret) {
		/* Nobody answers faults any more: let them through, stop. */
		h->err = ret;
		uffd_unregister(h->fd, h->reg_base, h->reg_len);
		atomic_store(&h->run->stop, 1);
	}
	return NULL;
}

static int handler_start(struct handler *h)
{
	int ret = pthread_create(&h->tid, NULL, handler_main, h);

	if (ret)
		return vmb_fail(-ret, "pthread_create for the uffd handler");
	h->started = true;
	return 0;
}

static int handler_stop(struct handler *h)
{
	if (!h->started)
		return 0;
	atomic_store(&h->stop, 1);
	pthread_join(h->tid, NULL);
	h->started = false;
	return h->err;
}

/* Stopped, the range unregistered (waking every waiter), the fd closed. */
static void handler_close(struct handler *h)
{
	handler_stop(h);
	if (h->fd < 0)
		return;
	if (h->reg_base)
		uffd_unregister(h->fd, h->reg_base, h->reg_len);
	close(h->fd);
	h->fd = -1;
}

/* ---- uffd-missing ---- */

struct missing {
	struct vmb_region reg;
	struct handler h;
};

static int missing_serve(struct handler *h, unsigned long addr)
{
	return uffd_copy(h->fd, addr, h->src, (size_t)h->page);
}

static int missing_prepare(struct vmb_run *r)
{
	struct missing *m = r->priv;
	int ret;

	m->h.fd = -1;
	m->reg.fd = -1;
	/* Keep the default run short: each fault waits --hold-us. */
	vmb_cap_iterations(r, 30000, 20);
	ret = vmb_region_map_anon(r, &m->reg);
	if (ret)
		return ret;
	ret = vmb_map_anon((size_t)r->page, false, &m->h.src);
	if (ret)
		return ret;
	memset(m->h.src, 0xa5, (size_t)r->page);
	ret = vmb_uffd_open(0, NULL);
	if (ret < 0)
		return ret;
	m->h.fd = ret;
	m->h.page = r->page;
	m->h.hold_ns = r->o->hold_us * 1000;
	m->h.run = r;
	m->h.serve = missing_serve;
	ret = vmb_uffd_register_missing(m->h.fd, m->reg.base, m->reg.len);
	if (ret)
		return ret;
	m->h.reg_base = m->reg.base;
	m->h.reg_len = m->reg.len;
	return 0;
}

static int missing_arm(struct vmb_run *r)
{
	struct missing *m = r->priv;

	return handler_start(&m->h);
}

static int missing_victim(struct vmb_run *r, struct vmb_worker *w)
{
	struct missing *m = r->priv;

	vmb_region_span(r, &m->reg, w, true);
	return vmb_touch_loop(r, w);
}

static int missing_disarm(struct vmb_run *r)
{
	struct missing *m = r->priv;
	int ret = handler_stop(&m->h);

	vmb_add_metric(r->res, "uffd_events", (double)m->h.events, false);
	return ret;
}

static void missing_cleanup(struct vmb_run *r)
{
	struct missing *m = r->priv;

	handler_close(&m->h);
	if (m->h.src)
		munmap(m->h.src, (size_t)r->page);
	vmb_region_unmap(&m->reg);
}

const struct vmb_scen_ops vmb_uffd_missing_ops = {
	.priv_size = sizeof(struct missing), .prepare = missing_prepare,
	.arm = missing_arm, .victim = missing_victim, .disarm = missing_disarm,
	.cleanup = missing_cleanup,
};

/* ---- uffd-move-vs-copy ---- */

enum { V_COPY_RECYCLED, V_COPY_FRESH, V_MOVE_RECYCLED, V_MOVE_FRESH };
static const char *const move_variants[] = {
	"copy-recycled", "copy-fresh", "move-recycled", "move-fresh", NULL
};

#define OBJ 64
#define TAG_MAGIC 0x5eedc0de00000000ULL

struct heap {
	struct handler h;
	int mode;
	size_t npages;		/* to-space pages */
	char *from, *to, *stage;
	char *buf[2];		/* recycled COPY buffers: compactor, handler */
	atomic_uchar *state;	/* 0 todo, 1 being compacted, 2 done */
	atomic_int done;
	uint64_t by_handler;
};

static uint64_t tag(size_t page, size_t obj)
{
	return TAG_MAGIC | (uint64_t)page << 12 | obj;
}

/*
 * EAGAINs of UFFDIO_MOVE in this run (a source pte or folio that changed
 * under it): reported, so that a slow move can be told from a retry storm.
 */
static atomic_ulong move_eagain;

static int uffd_move(int fd, unsigned long dst, unsigned long src, size_t len)
{
	struct uffdio_move mv;

	for (;;) {
		memset(&mv, 0, sizeof(mv));
		mv.dst = dst;
		mv.src = src;
		mv.len = len;
		if (!ioctl(fd, UFFDIO_MOVE, &mv))
			return 0;
		if (errno != EAGAIN)
			return -errno;
		atomic_fetch_add(&move_eagain, 1);
	}
}

/* Pack the live objects of from-space pages 2j and 2j+1 into to-space j. */
static int compact_page(struct heap *hp, size_t j, int who)
{
	size_t page = (size_t)hp->h.page, per = page / OBJ, half = per / 2, k;
	char *a = hp->from + 2 * j * page, *b = a + page, *buf;
	unsigned long dst = (unsigned long)(hp->to + j * page);
	int ret;

	switch (hp->mode) {
	case V_COPY_RECYCLED:
		buf = hp->buf[who];
		break;
	case V_MOVE_RECYCLED:
		buf = a; /* compacted in place: k <= 2k never overtakes */
		break;
	default:
		buf = hp->stage + j * page; /* first touch allocates */
		break;
	}
	for (k = 0; k < half; k++)
		memmove(buf + k * OBJ, a + 2 * k * OBJ, OBJ);
	for (k = 0; k < half; k++)
		memcpy(buf + (half + k) * OBJ, b + 2 * k * OBJ, OBJ);
	if (hp->mode == V_COPY_RECYCLED || hp->mode == V_COPY_FRESH)
		return uffd_copy(hp->h.fd, dst, buf, page);
	ret = uffd_move(hp->h.fd, dst, (unsigned long)buf, page);
	if (ret)
		return vmb_fail(ret, "UFFDIO_MOVE to %#lx", dst);
	return 0;
}

static int heap_serve(struct handler *h, unsigned long addr)
{
	struct heap *hp = h->ctx;
	size_t j = (addr - (unsigned long)hp->to) / (size_t)h->page;
	unsigned char want = 0;
	int ret;

	if (atomic_compare_exchange_strong(&hp->state[j], &want, 1)) {
		ret = compact_page(hp, j, 1);
		atomic_store(&hp->state[j], 2);
		hp->by_handler++;
		return ret;
	}
	/* Being compacted: that install wakes us. Done: wake to be sure. */
	return want == 2 ? uffd_wake(h->fd, addr, (size_t)h->page) : 0;
}

/* Probe UFFDIO_MOVE once: 1 (skip) when this kernel refuses it. */
static int probe_move(struct vmb_run *r, struct heap *hp)
{
	char *scratch;
	int ret;

	ret = vmb_map_anon(2 * (size_t)r->page, true, &scratch);
	if (ret)
		return ret;
	scratch[0] = 1;
	ret = vmb_uffd_register_missing(hp->h.fd, scratch + r->page,
					(size_t)r->page);
	if (!ret)
		ret = uffd_move(hp->h.fd, (unsigned long)scratch + r->page,
				(unsigned long)scratch, (size_t)r->page);
	uffd_unregister(hp->h.fd, scratch + r->page, (size_t)r->page);
	munmap(scratch, 2 * (size_t)r->page);
	if (ret == -EINVAL || ret == -ENOTTY)
		return vmb_skip(r, "UFFDIO_MOVE refused with %s (needs Linux 6.8+)",
				ret == -EINVAL ? "EINVAL" : "ENOTTY");
	return ret ? vmb_fail(ret, "probing UFFDIO_MOVE") : 0;
}

static int heap_prepare(struct vmb_run *r)
{
	size_t page = (size_t)r->page, per = page / OBJ, i, k;
	struct heap *hp = r->priv;
	int ret;

	hp->h.fd = -1;
	hp->mode = r->variant;
	hp->npages = r->iterations ? r->iterations : 4096;
	/* Default runs: a small heap, the TCG guest of make bench is slow. */
	if (!r->o->iterations_set && hp->npages > 256)
		hp->npages = 256;
	if (hp->npages < 16)
		hp->npages = 16;
	r->iterations = hp->npages;
	if (hp->mode >= V_MOVE_RECYCLED && !vmb_have(r->mod, VMB_F_userfaultfd_move))
		return vmb_skip(r, "this kernel lacks UFFDIO_MOVE (UFFDIO_API reports no UFFD_FEATURE_MOVE; needs 6.8+)");
	ret = vmb_uffd_open(0, NULL);
	if (ret < 0)
		return ret;
	hp->h.fd = ret;
	hp->h.page = r->page;
	hp->h.run = r;
	hp->h.serve = heap_serve;
	hp->h.ctx = hp;
	if (hp->mode >= V_MOVE_RECYCLED) {
		ret = probe_move(r, hp);
		if (ret)
			return ret;
	}
	hp->state = calloc(hp->npages, sizeof(*hp->state));
	if (!hp->state)
		return vmb_fail(-ENOMEM, "uffd-move-vs-copy: page states");
	atomic_store(&move_eagain, 0);
	ret = vmb_map_anon(2 * hp->npages * page, true, &hp->from);
	if (!ret)
		ret = vmb_map_anon(hp->npages * page, true, &hp->to);
	if (!ret)
		ret = vmb_map_anon(hp->npages * page, true, &hp->stage);
	if (!ret)
		ret = vmb_map_anon(2 * page, true, &hp->buf[0]);
	if (ret)
		return ret;
	hp->buf[1] = hp->buf[0] + page;
	memset(hp->buf[0], 0, 2 * page);
	for (i = 0; i < 2 * hp->npages; i++)
		for (k = 0; k < per; k++)
			*(uint64_t *)(hp->from + i * page + k * OBJ) = tag(i, k);
	hp->h.reg_base = hp->to;
	hp->h.reg_len = hp->npages * page;
	return vmb_uffd_register_missing(hp->h.fd, hp->to, hp->npages * page);
}

static int heap_arm(struct vmb_run *r)
{
	struct heap *hp = r->priv;

	return handler_start(&hp->h);
}

/* The compacting thread: its completion time is the headline number. */
static int heap_compactor(struct vmb_run *r, struct vmb_worker *w)
{
	struct heap *hp = r->priv;
	uint64_t t0 = vmb_now_ns(), a, b;
	unsigned char want;
	size_t j;
	int ret = 0;

	for (j = 0; j < hp->npages && !atomic_load(&vmb_interrupted); j++) {
		want = 0;
		if (!atomic_compare_exchange_strong(&hp->state[j], &want, 1))
			continue;
		a = vmb_now_ns();
		ret = compact_page(hp, j, 0);
		b = vmb_now_ns();
		atomic_store(&hp->state[j], 2);
		if (ret)
			break;
		vmb_hist_add(&w->hist, b - a);
		w->ops++;
	}
	/*
	 * Pages the handler took (state 1) may still be copied out of the
	 * from-space: release it only once every page is installed.
	 */
	for (j = 0; !ret && j < hp->npages; j++)
		while (atomic_load(&hp->state[j]) != 2 &&
		       !atomic_load(&vmb_interrupted) &&
		       !atomic_load(&r->injector_stop))
			sched_yield();
	/* From-space goes back to the kernel, as a GC would release it. */
	if (!ret && madvise(hp->from, 2 * hp->npages * (size_t)r->page,
			    MADV_DONTNEED))
		ret = vmb_fail(-errno, "madvise(MADV_DONTNEED) of the from-space");
	vmb_add_metric(r->res, "compact_ms",
		       (double)(vmb_now_ns() - t0) / 1e6, true);
	atomic_store(&hp->done, 1);
	return ret;
}

/* Mutators: read objects across the to-space until compaction is over. */
static int heap_mutator(struct vmb_run *r, struct vmb_worker *w)
{
	struct heap *hp = r->priv;
	size_t page = (size_t)r->page, per = page / OBJ, half = per / 2;
	size_t i, j, k, n = hp->npages;
	uint64_t t0, t1, v, want;

	do {
		for (i = 0; i < n; i++) {
			if (vmb_should_stop(r))
				return 0;
			j = (i + (size_t)w->id * n / (size_t)r->nvictims) % n;
			k = (i * 7 + (size_t)w->id) % per;
			t0 = vmb_now_ns();
			v = *(volatile uint64_t *)(hp->to + j * page + k * OBJ);
			t1 = vmb_now_ns();
			vmb_hist_add(&w->hist, t1 - t0);
			w->ops++;
			want = k < half ? tag(2 * j, 2 * k) :
					  tag(2 * j + 1, 2 * (k - half));
			if (v != want)
				return vmb_fail(-EIO,
						"uffd-move-vs-copy: heap page %zu object %zu holds %#llx, expected %#llx (compaction bug)",
						j, k, (unsigned long long)v,
						(unsigned long long)want);
		}
	} while (!atomic_load(&hp->done));
	return 0;
}

static int heap_disarm(struct vmb_run *r)
{
	struct heap *hp = r->priv;
	int ret = handler_stop(&hp->h);

	vmb_add_metric(r->res, "pages_by_handler", (double)hp->by_handler,
		       false);
	if (hp->mode == V_MOVE_RECYCLED || hp->mode == V_MOVE_FRESH)
		vmb_add_metric(r->res, "move_eagain",
			       (double)atomic_load(&move_eagain), false);
	return ret;
}

static void heap_cleanup(struct vmb_run *r)
{
	struct heap *hp = r->priv;
	size_t page = (size_t)r->page;

	handler_close(&hp->h);
	if (hp->from)
		munmap(hp->from, 2 * hp->npages * page);
	if (hp->to)
		munmap(hp->to, hp->npages * page);
	if (hp->stage)
		munmap(hp->stage, hp->npages * page);
	if (hp->buf[0])
		munmap(hp->buf[0], 2 * page);
	free(hp->state);
}

const struct vmb_scen_ops vmb_uffd_move_ops = {
	.priv_size = sizeof(struct heap), .variants = move_variants,
	.prepare = heap_prepare, .arm = heap_arm, .victim = heap_mutator,
	.injector = heap_compactor, .disarm = heap_disarm,
	.cleanup = heap_cleanup,
};
