// SPDX-License-Identifier: GPL-2.0
/*
 * collapse-shmem: MADV_COLLAPSE of a shmem range while victims fault on it
 * and the writer maps and unmaps elsewhere (seed 004). Since 6.6 the
 * collapse retracts page tables without mmap_lock or the VMA lock, so
 * neither the victims nor the writer should wait for it. The injector
 * thread collapses each 2 MiB chunk, then punches it out so that the next
 * round has small pages to collapse again.
 *
 * collapse-shmem-2proc: the same, and a second process maps the same
 * memfd, 2 MiB-aligned like the first (retract_page_tables() skips a
 * mapper whose range is not), and faults on it too. The second process
 * times its faults into a shared histogram (metrics proc2_*).
 *
 * Which mmap_lock a collapse takes for write (mm/khugepaged.c): 6.1's
 * retract_page_tables() trylocks the caller's own mm only (other mappers
 * are left to khugepaged), around collapse_and_free_pmd() and
 * set_huge_pmd(); when the trylock fails, madvise_collapse() waits in
 * mmap_write_lock() for collapse_pte_mapped_thp(). 6.6+ (seed 004):
 * none, retract_page_tables() under the pmd and pte locks, and
 * collapse_pte_mapped_thp() under mmap_read_lock(). The pre-seed004
 * variant trylocks every mapper's mm. Counted in the collapsing process
 * from target/mmap_lock: its write acquisitions and failed attempts less
 * the writer's two per mmap op (collapse_write_locks, and per successful
 * collapse, write_locks_per_collapse), a count, not a time.
 *
 * A fault into a chunk while its hole is punched waits in
 * shmem_falloc_wait(), a wait of the punch, not of the collapse: the
 * victims' and the second process's faults that overlap a punch are kept
 * out of their histograms and counted apart (punch_*).
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/error.h"
#include "lib/map.h"
#include "run/scenario.h"

#define CHUNK (2UL << 20)

/* Shared with the second process (MAP_SHARED before fork()). */
struct shared {
	atomic_uint punches;	/* +1 as a punch begins, +1 as it ends */
	atomic_int stop;
	struct vmb_hist proc2;		/* its faults, punches left out */
	struct vmb_hist proc2_punch;	/* its faults during a punch */
	int err;			/* its -errno */
};

struct collapse {
	struct vmb_region reg;
	char *resv;		/* the reservation the aligned region sits in */
	size_t resv_len;
	size_t nchunks;
	uint64_t ok, fail, einval;
	struct shared *sh;
	struct vmb_hist *punch;	/* per victim: faults during a punch */
	pid_t child;
};


/*
 * The memfd mapped shared at a 2 MiB boundary, inside a reservation of
 * len + CHUNK (*resv): a PMD can only map an aligned range, and
 * retract_page_tables() passes over a mapper whose range is not. 0, or
 * -errno with what failed in *what.
 */
static int map_aligned(int fd, size_t len, char **resv, char **base,
		       const char **what)
{
	uintptr_t aligned;
	void *p;

	*what = "reserving address space";
	p = mmap(NULL, len + CHUNK, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	*resv = p;
	aligned = ((uintptr_t)p + CHUNK - 1) & ~(uintptr_t)(CHUNK - 1);
	*what = "mmap of the memfd";
	p = mmap((void *)aligned, len, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	*base = p;
	return 0;
}

/*
 * Touch every page of base..+npages once per pass, then zap them; a fault
 * that met a punch goes to punch, the others to h.
 */
static int fault_loop(struct vmb_run *r, struct shared *sh, char *base,
		      size_t npages, struct vmb_hist *h, struct vmb_hist *punch,
		      uint64_t *ops, bool (*stop)(struct vmb_run *r, uint64_t n))
{
	size_t i, page = (size_t)r->page;
	unsigned int n0, n1;
	uint64_t t0, t1;

	for (;;) {
		for (i = 0; i < npages; i++) {
			if (stop(r, *ops))
				return 0;
			n0 = atomic_load(&sh->punches);
			t0 = vmb_now_ns();
			*(volatile char *)(base + i * page) = 1;
			t1 = vmb_now_ns();
			n1 = atomic_load(&sh->punches);
			/* A punch under way at its start, or one since. */
			vmb_hist_add((n0 & 1) || n1 != n0 ? punch : h, t1 - t0);
			(*ops)++;
		}
		if (madvise(base, npages * page, MADV_DONTNEED))
			return -errno;
	}
}

static int collapse_one(struct collapse *c, size_t i)
{
	char *p = c->reg.base + i * CHUNK;

	if (!madvise(p, CHUNK, MADV_COLLAPSE))
		return 0;
	return -errno;
}

static int punch(struct collapse *c, size_t i)
{
	int ret = 0;

	if (c->sh)
		atomic_fetch_add(&c->sh->punches, 1);
	if (fallocate(c->reg.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)(i * CHUNK), (off_t)CHUNK))
		ret = vmb_fail(-errno, "collapse-shmem: fallocate(PUNCH_HOLE)");
	if (c->sh)
		atomic_fetch_add(&c->sh->punches, 1);
	return ret;
}

static bool victim_stop(struct vmb_run *r, uint64_t n)
{
	return (r->iterations && n >= r->iterations) || vmb_should_stop(r);
}

static bool proc2_stop(struct vmb_run *r, uint64_t n)
{
	struct collapse *c = r->priv;

	return atomic_load_explicit(&c->sh->stop, memory_order_relaxed);
}

/*
 * The second process: the memfd mapped at an address of its own, every
 * page faulted over and over until told to stop. It only ever _exit()s.
 */
static void proc2_main(struct vmb_run *r, struct collapse *c)
{
	const char *what;
	uint64_t ops = 0;
	char *resv, *p;

	/* Never outlive the tool, whatever kills it. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(1);
	c->sh->err = map_aligned(c->reg.fd, c->reg.len, &resv, &p, &what);
	if (c->sh->err)
		_exit(1);
	c->sh->err = fault_loop(r, c->sh, p, c->reg.len / (size_t)r->page,
				&c->sh->proc2, &c->sh->proc2_punch, &ops,
				proc2_stop);
	_exit(c->sh->err ? 1 : 0);
}

/* collapse-shmem-2proc: the shared page and the second process. */
static int proc2_start(struct vmb_run *r, struct collapse *c)
{
	void *p;

	p = mmap(NULL, sizeof(*c->sh), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return vmb_fail(-errno, "%s: shared page", r->sc->name);
	c->sh = p;
	vmb_hist_init(&c->sh->proc2);
	vmb_hist_init(&c->sh->proc2_punch);
	c->child = fork();
	if (c->child < 0)
		return vmb_fail(-errno, "%s: fork() of the second process",
				r->sc->name);
	if (!c->child)
		proc2_main(r, c);
	return 0;
}

/* Stop and reap the second process: 0, or its -errno. */
static int proc2_stop_wait(struct vmb_run *r, struct collapse *c)
{
	int status;

	if (c->child <= 0)
		return 0;
	atomic_store(&c->sh->stop, 1);
	if (waitpid(c->child, &status, 0) < 0)
		return vmb_fail(-errno, "%s: waitpid() of the second process",
				r->sc->name);
	c->child = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return vmb_fail(c->sh->err ? c->sh->err : -ECHILD,
				"%s: the second process failed faulting on the memfd",
				r->sc->name);
	return 0;
}

static int collapse_prepare(struct vmb_run *r)
{
	size_t pages_per_chunk = CHUNK / (size_t)r->page;
	struct collapse *c = r->priv;
	const char *what;
	int ret;

	c->reg.fd = -1;
	c->reg.per = vmb_span_pages(r);
	c->nchunks = (c->reg.per * (size_t)r->nvictims + pages_per_chunk - 1) /
		     pages_per_chunk;
	c->reg.len = c->nchunks * CHUNK;
	c->reg.fd = memfd_create("vmalock-bench-shmem", MFD_CLOEXEC);
	if (c->reg.fd < 0)
		return vmb_fail(-errno, "collapse-shmem: memfd_create");
	if (ftruncate(c->reg.fd, (off_t)c->reg.len))
		return vmb_fail(-errno, "collapse-shmem: ftruncate of the memfd");
	c->resv_len = c->reg.len + CHUNK;
	ret = map_aligned(c->reg.fd, c->reg.len, &c->resv, &c->reg.base,
			  &what);
	if (ret)
		return vmb_fail(ret, "collapse-shmem: %s", what);
	/* Probe: one page present, one collapse. */
	c->reg.base[0] = 1;
	ret = collapse_one(c, 0);
	if (ret == -EINVAL)
		return vmb_skip(r, "MADV_COLLAPSE refused with EINVAL (needs 6.1+, shmem THP not denied in /sys/kernel/mm/transparent_hugepage/shmem_enabled)");
	ret = punch(c, 0);
	if (ret || r->sc->kind != VMB_COLLAPSE_2PROC)
		return ret;
	c->punch = calloc((size_t)r->nvictims, sizeof(*c->punch));
	if (!c->punch)
		return vmb_fail(-ENOMEM, "%s: allocation", r->sc->name);
	return 0;
}

/* The second process starts with the injected phase. */
static int collapse_arm(struct vmb_run *r)
{
	struct collapse *c = r->priv;

	if (r->sc->kind != VMB_COLLAPSE_2PROC)
		return 0;
	return proc2_start(r, c);
}

static int collapse_victim(struct vmb_run *r, struct vmb_worker *w)
{
	struct collapse *c = r->priv;
	int ret;

	vmb_region_span(r, &c->reg, w, true);
	if (!c->sh)
		return vmb_touch_loop(r, w);
	vmb_hist_init(&c->punch[w->id]);
	ret = fault_loop(r, c->sh, w->span.base, w->span.npages, &w->hist,
			 &c->punch[w->id], &w->ops, victim_stop);
	if (ret)
		return vmb_fail(ret, "%s: madvise(MADV_DONTNEED) of the victim range",
				r->sc->name);
	return 0;
}

static int collapse_injector(struct vmb_run *r, struct vmb_worker *w)
{
	struct collapse *c = r->priv;
	uint64_t t0, t1;
	size_t i;
	int ret;

	while (!atomic_load(&r->injector_stop) &&
	       !atomic_load(&vmb_interrupted)) {
		for (i = 0; i < c->nchunks; i++) {
			t0 = vmb_now_ns();
			ret = collapse_one(c, i);
			t1 = vmb_now_ns();
			vmb_hist_add(&w->hist, t1 - t0);
			w->ops++;
			/*
			 * Racing faults make collapse fail: EAGAIN, ENOMEM,
			 * and EINVAL for scan results without an errno of
			 * their own (madvise_collapse_errno()). Count them.
			 */
			if (!ret)
				c->ok++;
			else if (ret == -EINVAL)
				c->einval++;
			else if (ret == -EAGAIN || ret == -ENOMEM ||
				 ret == -EBUSY)
				c->fail++;
			else
				return vmb_fail(ret, "collapse-shmem: MADV_COLLAPSE");
			ret = punch(c, i);
			if (ret)
				return ret;
		}
	}
	return 0;
}

static void add_us(struct vmb_run *r, const char *name,
		   const struct vmb_hist *h, double pct)
{
	if (h->count)
		vmb_add_metric(r->res, name, (double)vmb_hist_pct(h, pct) / 1e3,
			       true);
}

/*
 * The write locks the collapses took or tried on their own mm (the
 * module's target): the process's write acquisitions and failed attempts
 * in the injected phase, less the writer's. The mmap writer takes it
 * once in mmap() and once in munmap(), killable, failing only for a
 * fatal signal; it starts after the phase's first reading and is joined
 * before its last, so its ops are all inside. Other writer modes take it
 * another number of times: not counted then. Nothing else of the process
 * takes it for write meanwhile (victims' MADV_DONTNEED and madvise()
 * itself read-lock), so the rest is the collapses'.
 */
static void add_write_locks(struct vmb_run *r, struct collapse *c)
{
	const uint64_t *ml = r->res->mmap_lock;
	double n;

	if (!r->res->have_mmap_lock ||
	    (r->o->writer && r->o->writer_mode != VMB_W_MMAP))
		return;
	n = (double)ml[VMB_ML_write_in_fault] +
	    (double)ml[VMB_ML_write_outside] + (double)ml[VMB_ML_write_failed];
	if (r->o->writer)
		n -= 2 * (double)r->res->roles[VMB_ROLE_WRITER].ops;
	vmb_add_metric(r->res, "collapse_write_locks", n, true);
	vmb_add_metric(r->res, "collapse_write_failed",
		       (double)ml[VMB_ML_write_failed], true);
	/* Below 0 the writer was miscounted: no figure rather than a low one. */
	if (c->ok && n >= 0)
		vmb_add_metric(r->res, "write_locks_per_collapse",
			       n / (double)c->ok, true);
}

static int collapse_disarm(struct vmb_run *r)
{
	struct collapse *c = r->priv;
	struct vmb_hist punch;
	int i, ret = 0;

	vmb_add_metric(r->res, "collapse_ok", (double)c->ok, false);
	vmb_add_metric(r->res, "collapse_fail", (double)c->fail, true);
	vmb_add_metric(r->res, "collapse_einval", (double)c->einval, true);
	add_write_locks(r, c);
	if (!c->sh)
		return 0;
	ret = proc2_stop_wait(r, c);
	vmb_hist_init(&punch);
	for (i = 0; i < r->nvictims; i++)
		vmb_hist_merge(&punch, &c->punch[i]);
	vmb_hist_merge(&punch, &c->sh->proc2_punch);
	vmb_add_metric(r->res, "proc2_faults", (double)c->sh->proc2.count,
		       false);
	add_us(r, "proc2_p50_us", &c->sh->proc2, 50);
	add_us(r, "proc2_p99_us", &c->sh->proc2, 99);
	vmb_add_metric(r->res, "punch_faults", (double)punch.count, false);
	add_us(r, "punch_p99_us", &punch, 99);
	return ret;
}

static void collapse_cleanup(struct vmb_run *r)
{
	struct collapse *c = r->priv;

	if (c->sh) {
		proc2_stop_wait(r, c);
		munmap(c->sh, sizeof(*c->sh));
	}
	free(c->punch);
	if (c->resv)
		munmap(c->resv, c->resv_len);
	c->reg.base = NULL; /* inside the reservation */
	vmb_region_unmap(&c->reg);
}

const struct vmb_scen_ops vmb_collapse_ops = {
	.priv_size = sizeof(struct collapse), .prepare = collapse_prepare,
	.arm = collapse_arm, .victim = collapse_victim, .injector = collapse_injector,
	.disarm = collapse_disarm, .cleanup = collapse_cleanup,
};
