// SPDX-License-Identifier: GPL-2.0
/*
 * collapse-shmem: MADV_COLLAPSE of a shmem range while victims fault on it
 * and the writer maps and unmaps elsewhere (seed 004). Since 6.6 the
 * collapse retracts page tables without mmap_lock or the VMA lock, so
 * neither the victims nor the writer should wait for it. The injector
 * thread collapses each 2 MiB chunk, then punches it out so that the next
 * round has small pages to collapse again.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/error.h"
#include "lib/map.h"
#include "run/scenario.h"

#define CHUNK (2UL << 20)

struct collapse {
	struct vmb_region reg;
	char *resv;		/* the reservation the aligned region sits in */
	size_t resv_len;
	size_t nchunks;
	uint64_t ok, fail, einval;
};

static int collapse_one(struct collapse *c, size_t i)
{
	char *p = c->reg.base + i * CHUNK;

	if (!madvise(p, CHUNK, MADV_COLLAPSE))
		return 0;
	return -errno;
}

static int punch(struct collapse *c, size_t i)
{
	if (fallocate(c->reg.fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)(i * CHUNK), (off_t)CHUNK))
		return vmb_fail(-errno, "collapse-shmem: fallocate(PUNCH_HOLE)");
	return 0;
}

static int collapse_prepare(struct vmb_run *r)
{
	size_t pages_per_chunk = CHUNK / (size_t)r->page;
	struct collapse *c = r->priv;
	uintptr_t aligned;
	void *p;
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
	/* A PMD can only map a 2 MiB-aligned range. */
	c->resv_len = c->reg.len + CHUNK;
	p = mmap(NULL, c->resv_len, PROT_NONE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return vmb_fail(-errno, "collapse-shmem: reserving address space");
	c->resv = p;
	aligned = ((uintptr_t)p + CHUNK - 1) & ~(uintptr_t)(CHUNK - 1);
	p = mmap((void *)aligned, c->reg.len, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED, c->reg.fd, 0);
	if (p == MAP_FAILED)
		return vmb_fail(-errno, "collapse-shmem: mmap of the memfd");
	c->reg.base = p;
	/* Probe: one page present, one collapse. */
	c->reg.base[0] = 1;
	ret = collapse_one(c, 0);
	if (ret == -EINVAL)
		return vmb_skip(r, "MADV_COLLAPSE refused with EINVAL (needs 6.1+, shmem THP not denied in /sys/kernel/mm/transparent_hugepage/shmem_enabled)");
	return punch(c, 0);
}

static int collapse_victim(struct vmb_run *r, struct vmb_worker *w)
{
	struct collapse *c = r->priv;

	vmb_region_span(r, &c->reg, w, true);
	return vmb_touch_loop(r, w);
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

static int collapse_disarm(struct vmb_run *r)
{
	struct collapse *c = r->priv;

	vmb_add_metric(r->res, "collapse_ok", (double)c->ok, false);
	vmb_add_metric(r->res, "collapse_fail", (double)c->fail, true);
	vmb_add_metric(r->res, "collapse_einval", (double)c->einval, true);
	return 0;
}

static void collapse_cleanup(struct vmb_run *r)
{
	struct collapse *c = r->priv;

	if (c->resv)
		munmap(c->resv, c->resv_len);
	c->reg.base = NULL; /* inside the reservation */
	vmb_region_unmap(&c->reg);
}

const struct vmb_scen_ops vmb_collapse_ops = {
	.priv_size = sizeof(struct collapse), .prepare = collapse_prepare,
	.victim = collapse_victim, .injector = collapse_injector,
	.disarm = collapse_disarm, .cleanup = collapse_cleanup,
};
