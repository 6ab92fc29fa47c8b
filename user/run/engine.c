// SPDX-License-Identifier: GPL-2.0
/*
 * The run engine: one scenario, one thread count, one repeat.
 *
 * Roles: victims fault in the injected range (every fault timed),
 * bystanders fault in VMAs of their own, the writer takes mmap_lock for
 * write over and over (--writer: maps and unmaps an unrelated region, or
 * changes the victims' own VMA, or forks). Bystanders and writer first
 * run alone (the no-injection baseline), then again while the victims
 * run with the injector armed.
 * The writer and what queues behind it: writer.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/error.h"
#include "lib/knob.h"
#include "lib/map.h"
#include "run/engine.h"
#include "run/trace.h"
#include "run/writer.h"

#define BYSTANDER_PAGES 1024

#define SPAN_PAGES_MAX 4096
/* Stack a thread faults in before the gate: more than any body uses. */
#define STACK_PREFAULT (64 << 10)
#define GATE_TIMEOUT_NS (30 * 1000000000ULL)

size_t vmb_span_pages(const struct vmb_run *r)
{
	if (r->iterations && r->iterations < SPAN_PAGES_MAX)
		return r->iterations;
	return SPAN_PAGES_MAX;
}

int vmb_region_map_anon(struct vmb_run *r, struct vmb_region *reg)
{
	int ret;

	memset(reg, 0, sizeof(*reg));
	reg->fd = -1;
	reg->per = vmb_span_pages(r);
	reg->len = reg->per * (size_t)r->nvictims * (size_t)r->page;
	reg->spare = (size_t)r->page;
	ret = vmb_map_anon(reg->len + reg->spare, true, &reg->base);
	if (!ret)
		vmb_writer_vma(r, reg->base, reg->len + reg->spare);
	return ret;
}

void vmb_region_unmap(struct vmb_region *reg)
{
	if (reg->base)
		munmap(reg->base, reg->len + reg->spare);
	if (reg->fd >= 0)
		close(reg->fd);
	reg->base = NULL;
	reg->fd = -1;
}

void vmb_region_span(struct vmb_run *r, struct vmb_region *reg,
		     struct vmb_worker *w, bool write)
{
	w->span.base = reg->base + (size_t)w->id * reg->per * (size_t)r->page;
	w->span.npages = reg->per;
	w->span.write = write;
	w->span.refill = vmb_refill_dontneed;
}

int vmb_region_map_file(struct vmb_run *r, struct vmb_region *reg,
			const char *what)
{
	size_t off, page = (size_t)r->page;
	char *buf;
	int ret = 0;

	buf = malloc(page);
	if (!buf)
		return vmb_fail(-ENOMEM, "%s: allocation", what);
	memset(buf, 0x5a, page);
	for (off = 0; off < reg->len && !ret; off += page) {
		errno = 0;
		if (pwrite(reg->fd, buf, page, (off_t)off) != (ssize_t)page)
			ret = vmb_fail(errno ? -errno : -EIO,
				       "%s: filling the file", what);
	}
	free(buf);
	if (ret)
		return ret;
	/* The spare page lies past the end of the file: never touched. */
	reg->spare = page;
	reg->base = mmap(NULL, reg->len + reg->spare, PROT_READ | PROT_WRITE,
			 MAP_SHARED, reg->fd, 0);
	if (reg->base == MAP_FAILED) {
		reg->base = NULL;
		return vmb_fail(-errno, "%s: mmap of the file", what);
	}
	/* Small folios only: a fault per page, one folio per victim page. */
	if (madvise(reg->base, reg->len + reg->spare, MADV_NOHUGEPAGE))
		return vmb_fail(-errno, "%s: madvise(MADV_NOHUGEPAGE)", what);
	vmb_writer_vma(r, reg->base, reg->len + reg->spare);
	return 0;
}

int vmb_refill_dontneed(struct vmb_run *r, struct vmb_worker *w)
{
	if (madvise(w->span.base, w->span.npages * (size_t)r->page,
		    MADV_DONTNEED))
		return vmb_fail(-errno, "madvise(MADV_DONTNEED) of the %s range",
				vmb_role_names[w->role]);
	return 0;
}

/*
 * Touch every page of w->span once per pass, timing each touch; between
 * passes the span's refill (untimed) makes the pages not present again.
 * Victims stop after r->iterations faults, everyone at the phase's end.
 */
int vmb_touch_loop(struct vmb_run *r, struct vmb_worker *w)
{
	uint64_t limit = w->role == VMB_ROLE_VICTIM ? r->iterations : 0;
	size_t i, page = (size_t)r->page;
	uint64_t t0, t1;
	int ret;

	for (;;) {
		for (i = 0; i < w->span.npages; i++) {
			if ((limit && w->ops >= limit) || vmb_should_stop(r))
				return 0;
			t0 = vmb_now_ns();
			if (w->span.write)
				*(volatile char *)(w->span.base + i * page) = 1;
			else
				(void)*(volatile char *)(w->span.base + i * page);
			t1 = vmb_now_ns();
			vmb_hist_add(&w->hist, t1 - t0);
			w->ops++;
			if (w->watch)
				vmb_writer_watch(r, w, t0, t1);
		}
		vmb_writer_refill(r, w, true);
		ret = w->span.refill(r, w);
		vmb_writer_refill(r, w, false);
		if (ret)
			return ret;
	}
}

static bool is_bystander(const struct vmb_worker *w)
{
	return w->role == VMB_ROLE_BYSTANDER ||
	       w->role == VMB_ROLE_BYSTANDER_BASE;
}

/*
 * A bystander's VMA is mapped before the gate and unmapped when it is
 * joined (crew_join()): its mmap(), madvise() and munmap() take mmap_lock
 * for write, and are the thread's set-up, not the phase's.
 */
static int bystander_map(struct vmb_run *r, struct vmb_worker *w)
{
	int ret;

	ret = vmb_map_anon(BYSTANDER_PAGES * (size_t)r->page, true,
			   &w->span.base);
	if (ret)
		return ret;
	w->span.npages = BYSTANDER_PAGES;
	w->span.write = true;
	w->span.refill = vmb_refill_dontneed;
	return 0;
}

static void bystander_unmap(struct vmb_run *r, struct vmb_worker *w)
{
	if (w->span.base)
		munmap(w->span.base, BYSTANDER_PAGES * (size_t)r->page);
}

static int bystander_body(struct vmb_run *r, struct vmb_worker *w)
{
	int ret;

	w->t_start = vmb_now_ns();
	ret = vmb_touch_loop(r, w);
	w->t_end = vmb_now_ns();
	return ret;
}

/* Fault in the stack a thread's body uses: before the gate, not in it. */
static void __attribute__((noinline)) prefault_stack(long page)
{
	volatile char pad[STACK_PREFAULT];
	size_t i;

	for (i = 0; i < sizeof(pad); i += page)
		pad[i] = 0;
}

/* Ready, then wait for the gate to open (or the phase to end). */
static void wait_gate(struct vmb_run *r)
{
	prefault_stack(r->page);
	atomic_fetch_add(&r->ready, 1);
	while (!atomic_load(&r->go) && !vmb_should_stop(r))
		usleep(100);
}

static void *worker_main(void *arg)
{
	struct vmb_worker *w = arg;
	struct vmb_run *r = w->run;

	if (r->o->trace)
		vmb_trace_note_tid(w->role);
	if (is_bystander(w))
		w->err = bystander_map(r, w);
	if (r->gated)
		wait_gate(r);
	if (w->err)
		goto out;
	switch (w->role) {
	case VMB_ROLE_VICTIM:
		w->t_start = vmb_now_ns();
		w->err = r->sc->ops->victim(r, w);
		w->t_end = vmb_now_ns();
		atomic_fetch_sub(&r->victims_left, 1);
		break;
	case VMB_ROLE_BYSTANDER:
	case VMB_ROLE_BYSTANDER_BASE:
		w->err = bystander_body(r, w);
		break;
	case VMB_ROLE_WRITER:
	case VMB_ROLE_WRITER_BASE:
		w->err = vmb_writer_body(r, w);
		break;
	case VMB_ROLE_INJECTOR:
		w->t_start = vmb_now_ns();
		w->err = r->sc->ops->injector(r, w);
		w->t_end = vmb_now_ns();
		break;
	default:
		w->err = -EINVAL;
	}
out:
	/* Whoever fails first ends the phase for everyone. */
	if (w->err)
		atomic_store(&r->stop, 1);
	atomic_fetch_add(&r->finished, 1);
	return NULL;
}

struct crew {
	struct vmb_worker **w;
	int n;
};

static int crew_add(struct vmb_run *r, struct crew *c, enum vmb_role role,
		    int id)
{
	struct vmb_worker *w;
	int ret;

	w = aligned_alloc(VMB_CACHELINE, sizeof(*w));
	if (!w)
		return vmb_fail(-ENOMEM, "allocating a %s thread",
				vmb_role_names[role]);
	memset(w, 0, sizeof(*w));
	vmb_hist_init(&w->hist);
	w->run = r;
	w->role = role;
	w->id = id;
	if (role == VMB_ROLE_BYSTANDER && r->wr) {
		ret = vmb_writer_watch_init(w);
		if (ret) {
			free(w);
			return ret;
		}
	}
	c->w[c->n] = w;
	ret = pthread_create(&w->tid, NULL, worker_main, w);
	if (ret) {
		free(w->watch);
		free(w);
		return vmb_fail(-ret, "pthread_create for a %s thread",
				vmb_role_names[role]);
	}
	c->n++;
	return 0;
}

/* Join role's threads, merge their histograms into the result. */
static int crew_join(struct vmb_run *r, struct crew *c, int role)
{
	struct vmb_role_result *rr;
	uint64_t t0 = UINT64_MAX, t1 = 0;
	int i, err = 0;

	for (i = 0; i < c->n; i++) {
		struct vmb_worker *w = c->w[i];

		if (!w || (role >= 0 && (int)w->role != role))
			continue;
		pthread_join(w->tid, NULL);
		if (is_bystander(w))
			bystander_unmap(r, w);
		rr = &r->res->roles[w->role];
		rr->present = true;
		vmb_hist_merge(&rr->h, &w->hist);
		rr->ops += w->ops;
		if (w->t_start && w->t_start < t0)
			t0 = w->t_start;
		if (w->t_end > t1)
			t1 = w->t_end;
		if (t1 > t0)
			rr->secs = (double)(t1 - t0) / 1e9;
		if (w->err && !err)
			err = w->err;
		vmb_writer_watch_done(r, w);
		free(w);
		c->w[i] = NULL;
	}
	return err;
}

/* A line on stderr every this many seconds of one long phase. */
#define TICK_S 10

/*
 * Sleep up to s seconds (0: until the victims are done), waking early on
 * stop or Ctrl-C; a phase that goes on says so on stderr every TICK_S.
 */
static void nap(struct vmb_run *r, const char *phase, double s,
		bool until_victims)
{
	uint64_t t0 = vmb_now_ns(), end = t0 + (uint64_t)(s * 1e9), now;
	struct timespec ts = { 0, 2000000 };
	uint64_t tick = t0 + TICK_S * 1000000000ULL;

	while (!vmb_should_stop(r)) {
		if (until_victims && !atomic_load(&r->victims_left))
			return;
		now = vmb_now_ns();
		if (s > 0 && now >= end)
			return;
		if (now >= tick) {
			fprintf(stderr, "vmalock-bench: %s, %d thread(s): %s for %.0f s",
				r->sc->name, r->nvictims, phase,
				(double)(now - t0) / 1e9);
			if (s > 0)
				fprintf(stderr, " of %.0f", s);
			else
				fprintf(stderr, ", %d victim(s) not done",
					atomic_load(&r->victims_left));
			fputc('\n', stderr);
			tick += TICK_S * 1000000000ULL;
		}
		nanosleep(&ts, NULL);
	}
}

static int phase_baseline(struct vmb_run *r)
{
	const struct vmb_opts *o = r->o;
	struct vmb_worker *slots[VMB_MAX_BYSTANDERS + 1];
	struct crew c = { slots, 0 };
	int i, ret = 0, ret2;

	if (o->baseline_s <= 0 || (!o->bystanders && !o->writer))
		return 0;
	atomic_store(&r->stop, 0);
	for (i = 0; i < o->bystanders && !ret; i++)
		ret = crew_add(r, &c, VMB_ROLE_BYSTANDER_BASE, i);
	if (o->writer && !ret)
		ret = crew_add(r, &c, VMB_ROLE_WRITER_BASE, 0);
	if (!ret)
		nap(r, "baseline", o->baseline_s, false);
	atomic_store(&r->stop, 1);
	ret2 = crew_join(r, &c, -1);
	return ret ? ret : ret2;
}

/*
 * Counters and mmap_lock figures around the injected phase: read at the
 * gate, once every thread is up, and after the last one is joined.
 */
struct snap {
	uint64_t c[VMB_C_NR], ml[VMB_ML_NR];
	bool counters, mmap_lock;
};

static void snap_read(struct vmb_run *r, struct snap *s)
{
	s->counters = !vmb_module_read_counters(r->mod, s->c);
	s->mmap_lock = !vmb_module_read_mmap_lock(r->mod, s->ml);
}

/* Open the gate once every thread of the crew waits at it. */
static int open_gate(struct vmb_run *r, struct crew *c, struct snap *before)
{
	uint64_t end = vmb_now_ns() + GATE_TIMEOUT_NS;

	while (atomic_load(&r->ready) < c->n) {
		if (vmb_should_stop(r))
			break;
		if (vmb_now_ns() > end)
			return vmb_fail(-ETIMEDOUT, "the injected phase's %d threads did not all start in %llu s",
					c->n, GATE_TIMEOUT_NS / 1000000000);
		usleep(100);
	}
	snap_read(r, before);
	atomic_store(&r->go, 1);
	return 0;
}

/* Wait until n threads' bodies have returned. */
static void wait_finished(struct vmb_run *r, int n)
{
	while (atomic_load(&r->finished) < n)
		usleep(100);
}

/*
 * The counters are read at the gate (before) and once every body has
 * returned (after), before a thread is joined or its memory freed.
 */
static int phase_injected(struct vmb_run *r, struct snap *before,
			  struct snap *after)
{
	const struct vmb_opts *o = r->o;
	struct vmb_worker **slots;
	struct crew c;
	int i, ret = 0, ret2;

	slots = calloc((size_t)r->nvictims + (size_t)o->bystanders + 2,
		       sizeof(*slots));
	if (!slots)
		return vmb_fail(-ENOMEM, "allocating threads");
	c.w = slots;
	c.n = 0;
	atomic_store(&r->stop, 0);
	atomic_store(&r->injector_stop, 0);
	atomic_store(&r->victims_left, r->nvictims);
	atomic_store(&r->ready, 0);
	atomic_store(&r->go, 0);
	atomic_store(&r->finished, 0);
	r->gated = true;
	if (r->sc->ops->injector)
		ret = crew_add(r, &c, VMB_ROLE_INJECTOR, 0);
	for (i = 0; i < r->nvictims && !ret; i++)
		ret = crew_add(r, &c, VMB_ROLE_VICTIM, i);
	if (ret) /* threads never created cannot decrement victims_left */
		atomic_store(&r->victims_left, 0);
	for (i = 0; i < o->bystanders && !ret; i++)
		ret = crew_add(r, &c, VMB_ROLE_BYSTANDER, i);
	if (o->writer && !ret)
		ret = crew_add(r, &c, VMB_ROLE_WRITER, 0);
	if (!ret)
		ret = open_gate(r, &c, before);
	if (ret)
		atomic_store(&r->stop, 1);
	else if (r->iterations)
		nap(r, "injected", 0, true);
	else
		nap(r, "injected", o->duration_s, true);
	atomic_store(&r->stop, 1);
	if (r->sc->ops->quiesce)
		r->sc->ops->quiesce(r);
	/* The injector goes on until every other body is done. */
	wait_finished(r, c.n - (r->sc->ops->injector && c.n ? 1 : 0));
	atomic_store(&r->injector_stop, 1);
	wait_finished(r, c.n);
	snap_read(r, after);
	ret2 = crew_join(r, &c, VMB_ROLE_VICTIM);
	ret = ret ? ret : ret2;
	ret2 = crew_join(r, &c, VMB_ROLE_BYSTANDER);
	ret = ret ? ret : ret2;
	ret2 = crew_join(r, &c, VMB_ROLE_WRITER);
	ret = ret ? ret : ret2;
	ret2 = crew_join(r, &c, VMB_ROLE_INJECTOR);
	ret = ret ? ret : ret2;
	r->gated = false;
	free(slots);
	return ret;
}

void vmb_cap_iterations(struct vmb_run *r, uint64_t budget_us,
			uint64_t floor)
{
	uint64_t cap;

	if (r->o->iterations_set || !r->iterations || !r->o->hold_us)
		return;
	cap = budget_us / r->o->hold_us;
	if (cap < floor)
		cap = floor;
	if (r->iterations > cap)
		r->iterations = cap;
}

int vmb_skip(struct vmb_run *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->res->reason, sizeof(r->res->reason), fmt, ap);
	va_end(ap);
	return 1;
}

/*
 * "name", "name:variant", and "+mode" after either when the writer is not
 * the default one: each is its own row in compare and the report.
 */
static void result_init(struct vmb_result *res, const struct vmb_scenario *sc,
			int variant, int threads, int repeat,
			const struct vmb_opts *o)
{
	const char *const *v = sc->ops->variants;
	int i;

	memset(res, 0, sizeof(*res));
	snprintf(res->scenario, sizeof(res->scenario), "%s%s%s%s%s", sc->name,
		 variant >= 0 && v ? ":" : "", variant >= 0 && v ? v[variant] : "",
		 o->writer && o->writer_mode != VMB_W_MMAP ? "+" : "",
		 o->writer && o->writer_mode != VMB_W_MMAP ?
			 vmb_writer_names[o->writer_mode] : "");
	res->threads = threads;
	res->repeat = repeat;
	for (i = 0; i < VMB_ROLE_NR; i++)
		vmb_hist_init(&res->roles[i].h);
}

/* From arm to disarm: the injected phase, and the counters it moved. */
static int run_injected(struct vmb_run *r)
{
	const struct vmb_scen_ops *ops = r->sc->ops;
	struct snap before = { 0 }, after = { 0 };
	struct vmb_result *res = r->res;
	int ret, ret2, i;
	uint64_t t0;

	ret = ops->arm ? ops->arm(r) : 0;
	if (ret)
		return ret;
	t0 = vmb_now_ns();
	ret = phase_injected(r, &before, &after);
	res->elapsed_s = (double)(vmb_now_ns() - t0) / 1e9;
	vmb_writer_metrics(r);
	if (before.counters && after.counters) {
		res->have_counters = true;
		for (i = 0; i < VMB_C_NR; i++)
			res->counters[i] = after.c[i] - before.c[i];
	}
	if (before.mmap_lock && after.mmap_lock) {
		res->have_mmap_lock = true;
		for (i = 0; i < VMB_ML_NR; i++)
			res->mmap_lock[i] = after.ml[i] - before.ml[i];
	}
	ret2 = ops->disarm ? ops->disarm(r) : 0;
	return ret ? ret : ret2;
}

/* prepare, baseline, the injected phase; 1 when the scenario skipped. */
static int run_phases(struct vmb_run *r)
{
	const struct vmb_scen_ops *ops = r->sc->ops;
	int ret;

	ret = ops->prepare ? ops->prepare(r) : 0;
	if (ret)
		return ret;
	ret = vmb_writer_check(r);
	if (ret)
		return ret;
	r->res->iterations = r->iterations;
	/*
	 * Forced from the baseline on, so that a forced run's writer and
	 * bystanders are held against a baseline under mmap_lock too, as
	 * 6.1's are: forced only for the injected phase, the control
	 * compared a VMA-lock baseline with a forced phase (issue 13).
	 */
	if (r->o->force_mmap_lock) {
		ret = vmb_knob_write(VMB_KNOB(target, force_mmap_lock), "1\n");
		if (ret)
			return ret;
	}
	ret = phase_baseline(r);
	if (ret || atomic_load(&vmb_interrupted))
		return ret;
	return run_injected(r);
}

int vmb_run_one(const struct vmb_scenario *sc, int variant, int threads,
		int repeat, const struct vmb_opts *o, struct vmb_module *mod,
		uint64_t iterations, struct vmb_result *res)
{
	struct vmb_run r;
	const char *why;
	char buf[256];
	int ret, ret2;

	result_init(res, sc, variant, threads, repeat, o);
	why = vmb_scenario_missing(sc, mod, buf, sizeof(buf));
	if (why) {
		res->status = VMB_SKIPPED;
		snprintf(res->reason, sizeof(res->reason), "%s", why);
		return 0;
	}
	memset(&r, 0, sizeof(r));
	r.sc = sc;
	r.o = o;
	r.mod = mod;
	r.variant = variant;
	r.nvictims = threads;
	r.iterations = iterations;
	r.res = res;
	r.page = vmb_page_size();
	vmb_clear_error();
	r.priv = calloc(1, sc->ops->priv_size ? sc->ops->priv_size : 1);
	if (!r.priv)
		return vmb_fail(-ENOMEM, "%s: allocation", sc->name);
	ret = vmb_writer_init(&r);
	if (ret) {
		free(r.priv);
		return ret;
	}

	ret = run_phases(&r);
	if (o->force_mmap_lock) {
		ret2 = vmb_knob_write(VMB_KNOB(target, force_mmap_lock), "0\n");
		ret = ret ? ret : ret2;
	}
	/* Also after a failed prepare: cleanup undoes what is there. */
	if (sc->ops->cleanup)
		sc->ops->cleanup(&r);
	free(r.priv);
	vmb_writer_free(&r);
	if (ret > 0) {	/* the scenario found it cannot run here */
		res->status = VMB_SKIPPED;
	} else if (ret) {
		res->status = VMB_FAILED;
		snprintf(res->reason, sizeof(res->reason), "%s: %s",
			 vmb_errmsg()[0] ? vmb_errmsg() : "error",
			 strerror(-ret));
	}
	return 0;
}

/* Timed minus untimed loop over present pages: the cost of measuring. */
void vmb_measure_overhead(struct vmb_env *env)
{
	enum { N = 200000, PAGES = 64 };
	size_t page = (size_t)vmb_page_size(), i;
	struct vmb_hist *h;
	uint64_t t0, t1, a, b;
	char *p;

	h = malloc(sizeof(*h));
	if (!h || vmb_map_anon(PAGES * page, true, &p)) {
		free(h);
		vmb_clear_error();
		return;
	}
	vmb_hist_init(h);
	memset(p, 1, PAGES * page);
	t0 = vmb_now_ns();
	for (i = 0; i < N; i++)
		*(volatile char *)(p + (i % PAGES) * page) = 1;
	t1 = vmb_now_ns();
	for (i = 0; i < N; i++) {
		a = vmb_now_ns();
		*(volatile char *)(p + (i % PAGES) * page) = 1;
		b = vmb_now_ns();
		vmb_hist_add(h, b - a);
	}
	env->timing_overhead_ns =
		((double)(vmb_now_ns() - t1) - (double)(t1 - t0)) / N;
	env->clock_cost_ns = vmb_hist_mean(h);
	munmap(p, PAGES * page);
	free(h);
}
