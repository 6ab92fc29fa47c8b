// SPDX-License-Identifier: GPL-2.0
/*
 * Swap scenarios on the module's slow RAM disk /dev/vmalock_swap0
 * (docs/swap.md): swap-async, swap-sync, swap-shared-page.
 *
 * prepare writes a swap header itself (no mkswap binary needed), sets the
 * device's sync_io, swapon(2)s it ahead of any other swap, turns zswap off
 * and page-cluster to 0 (one page per swap-in read); cleanup undoes all of
 * it, also after an error or Ctrl-C. Reads of the target (this process)
 * complete --hold-us late; writes are not delayed.
 *
 * swap-async: swap-in through the swap cache; the folio stays locked for
 * the read, the fault drops its lock, waits and retries. swap-sync: the
 * device is SWP_SYNCHRONOUS_IO, swap-in skips the swap cache and the
 * fault waits for its own read under its lock. swap-shared-page: every
 * victim touches the same swapped-out page at once, round after round:
 * one reads it, the others wait on its swap-cache folio.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <unistd.h>

#include "vmb.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define PAGE_CLUSTER "/proc/sys/vm/page-cluster"
#define ZSWAP_ENABLED "/sys/module/zswap/parameters/enabled"
#define SWAP_PAGES_MAX 64

struct swp {
	struct vmb_region reg;
	bool sync;
	bool shared;
	bool touched_knobs;	/* cleanup has delays to undo */
	bool swapped_on;
	bool sync_set;
	char page_cluster[16];
	char zswap[8];
	pthread_barrier_t bar;
	bool bar_init;
	atomic_int done;
	int err;
	int64_t reads0, delayed0;
};

/* mkswap: a version 1 swap header in the device's first page. */
static int write_swap_header(long page)
{
	struct {
		char bootbits[1024];
		uint32_t version, last_page, nr_badpages;
		unsigned char uuid[16];
		char volume_name[16];
	} *hdr;
	off_t size;
	char *buf;
	int fd, ret = 0;

	fd = open(VMB_SWAP_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return vmb_fail(-errno, "opening %s", VMB_SWAP_DEV);
	size = lseek(fd, 0, SEEK_END);
	buf = calloc(1, (size_t)page);
	if (size < 16 * page || !buf) {
		ret = vmb_fail(buf ? -ENOSPC : -ENOMEM,
			       "%s: too small for swap", VMB_SWAP_DEV);
		goto out;
	}
	hdr = (void *)buf;
	hdr->version = 1;
	hdr->last_page = (uint32_t)(size / page - 1);
	memcpy(hdr->uuid, "vmalock-bench-sw", 16);
	memcpy(buf + page - 10, "SWAPSPACE2", 10);
	if (pwrite(fd, buf, (size_t)page, 0) != (ssize_t)page || fsync(fd))
		ret = vmb_fail(errno ? -errno : -EIO,
			       "writing a swap header to %s", VMB_SWAP_DEV);
out:
	free(buf);
	close(fd);
	return ret;
}

static int sysctl_swap(const char *path, char *save, size_t size,
		       const char *val)
{
	int n = vmb_read_file(path, save, size);

	if (n < 0) {
		save[0] = '\0';
		return 0;	/* no zswap: nothing to turn off */
	}
	return vmb_write_file(path, val);
}

/* Delays off, scope all: what every run must leave behind. */
static int swap_delays_off(struct vmb_run *r)
{
	int ret = vmb_knob_write(r->mod, "swap/read_delay_us", "0\n");
	int r2 = vmb_knob_write(r->mod, "swap/jitter_us", "0\n");
	int r3 = vmb_knob_write(r->mod, "swap/scope", "all\n");

	return ret ? ret : r2 ? r2 : r3;
}

static int pageout(char *p, size_t len, const char *what)
{
	if (madvise(p, len, MADV_PAGEOUT))
		return vmb_fail(-errno, "%s: madvise(MADV_PAGEOUT)", what);
	return 0;
}

static int swap_prepare_kind(struct vmb_run *r, bool sync, bool shared)
{
	const char *what = r->sc->name;
	struct swp *s;
	size_t i;
	int ret;

	s = calloc(1, sizeof(*s));
	if (!s)
		return vmb_fail(-ENOMEM, "%s: allocation", what);
	s->reg.fd = -1;
	s->sync = sync;
	s->shared = shared;
	r->priv = s;
	if (access(VMB_SWAP_DEV, F_OK)) {
		snprintf(r->res->reason, sizeof(r->res->reason),
			 "%s missing (module loaded with swap_mb=0, or no devtmpfs on /dev)",
			 VMB_SWAP_DEV);
		return 1;
	}
	vmb_cap_iterations(r, 30000, 10);
	s->touched_knobs = true;
	ret = swap_delays_off(r);
	if (ret)
		return ret;
	/* Left on by a run that was killed: sync_io cannot change while on. */
	swapoff(VMB_SWAP_DEV);
	ret = vmb_knob_write(r->mod, "swap/sync_io", sync ? "1\n" : "0\n");
	if (ret == -EBUSY) {
		vmb_clear_error();
		return vmb_fail(ret,
				"%s: %s is in use (swapped on elsewhere?): swapoff it",
				what, VMB_SWAP_DEV);
	}
	if (ret)
		return ret;
	s->sync_set = sync;
	ret = write_swap_header(r->page);
	if (ret)
		return ret;
	if (swapon(VMB_SWAP_DEV, SWAP_FLAG_PREFER | SWAP_FLAG_DISCARD |
				 (32767 << SWAP_FLAG_PRIO_SHIFT)))
		return vmb_fail(-errno, "%s: swapon %s (root needed)", what,
				VMB_SWAP_DEV);
	s->swapped_on = true;
	/* Every page to the device, one page per swap-in read. */
	ret = sysctl_swap(ZSWAP_ENABLED, s->zswap, sizeof(s->zswap), "N");
	if (!ret)
		ret = sysctl_swap(PAGE_CLUSTER, s->page_cluster,
				  sizeof(s->page_cluster), "0");
	if (ret)
		return vmb_fail(ret, "%s: setting %s and %s", what,
				ZSWAP_ENABLED, PAGE_CLUSTER);

	s->reg.per = shared ? 1 : vmb_span_pages(r);
	if (s->reg.per > SWAP_PAGES_MAX)
		s->reg.per = SWAP_PAGES_MAX;
	s->reg.len = s->reg.per * (size_t)(shared ? 1 : r->nvictims) *
		     (size_t)r->page;
	ret = vmb_map_anon(s->reg.len, true, &s->reg.base);
	if (ret)
		return ret;
	for (i = 0; i < s->reg.len; i++)
		s->reg.base[i] = (char)(i * 7 + 1);
	if (shared) {
		ret = pthread_barrier_init(&s->bar, NULL,
					   (unsigned int)r->nvictims);
		if (ret)
			return vmb_fail(-ret, "%s: pthread_barrier_init", what);
		s->bar_init = true;
	}
	return 0;
}

static int async_prepare(struct vmb_run *r)
{
	return swap_prepare_kind(r, false, false);
}

static int sync_prepare(struct vmb_run *r)
{
	return swap_prepare_kind(r, true, false);
}

static int shared_prepare(struct vmb_run *r)
{
	return swap_prepare_kind(r, false, true);
}

static int swap_arm(struct vmb_run *r)
{
	struct swp *s = r->priv;
	int ret;

	ret = pageout(s->reg.base, s->reg.len, r->sc->name);
	if (!ret)
		ret = vmb_knob_write(r->mod, "swap/scope", "target\n");
	if (!ret)
		ret = vmb_knob_writef(r->mod, "swap/read_delay_us", "%llu\n",
				      (unsigned long long)r->o->hold_us);
	s->reads0 = s->delayed0 = 0;
	vmb_knob_read_stat(r->mod, "swap/stats", "reads", &s->reads0);
	vmb_knob_read_stat(r->mod, "swap/stats", "delayed", &s->delayed0);
	return ret;
}

static int swap_refill(struct vmb_run *r, struct vmb_worker *w)
{
	return pageout(w->span.base, w->span.npages * (size_t)r->page,
		       r->sc->name);
}

static int swap_victim(struct vmb_run *r, struct vmb_worker *w)
{
	struct swp *s = r->priv;

	vmb_region_span(r, &s->reg, w, true);
	w->span.refill = swap_refill;
	return vmb_touch_loop(r, w);
}

/*
 * Rounds in lockstep: all touch the swapped-out page at once, then all
 * swap it out again. Every victim asks: the folio can only be isolated
 * from the LRU once it has left the per-CPU batch of the CPU that faulted
 * it in, which madvise() drains for its own CPU only.
 */
static int shared_victim(struct vmb_run *r, struct vmb_worker *w)
{
	struct swp *s = r->priv;
	char *p = s->reg.base;
	uint64_t round = 0, t0, t1;
	int ret;

	for (;;) {
		if (w->id == 0)
			atomic_store(&s->done,
				     vmb_should_stop(r) || s->err ||
				     (r->iterations && round >= r->iterations));
		pthread_barrier_wait(&s->bar);
		if (atomic_load(&s->done))
			break;
		t0 = vmb_now_ns();
		*(volatile char *)p = (char)round;
		t1 = vmb_now_ns();
		vmb_hist_add(&w->hist, t1 - t0);
		w->ops++;
		round++;
		/* Everyone has touched before the swap-out. */
		pthread_barrier_wait(&s->bar);
		ret = pageout(p, (size_t)r->page, r->sc->name);
		if (ret)
			s->err = ret;
		pthread_barrier_wait(&s->bar);
	}
	return w->id == 0 ? s->err : 0;
}

static void swap_quiesce(struct vmb_run *r)
{
	vmb_knob_write(r->mod, "swap/read_delay_us", "0\n");
}

static int swap_disarm(struct vmb_run *r)
{
	struct swp *s = r->priv;
	int64_t reads, delayed;
	int ret;

	ret = swap_delays_off(r);
	if (!vmb_knob_read_stat(r->mod, "swap/stats", "reads", &reads))
		vmb_add_metric(r->res, "swap_reads", (double)(reads - s->reads0),
			       false);
	if (!vmb_knob_read_stat(r->mod, "swap/stats", "delayed", &delayed))
		vmb_add_metric(r->res, "swap_delayed",
			       (double)(delayed - s->delayed0), false);
	return ret;
}

static void swap_cleanup(struct vmb_run *r)
{
	struct swp *s = r->priv;

	if (!s)
		return;
	if (s->touched_knobs)
		swap_delays_off(r);
	/* Unmapped first: swapoff need not read our pages back. */
	vmb_region_unmap(&s->reg);
	if (s->swapped_on && swapoff(VMB_SWAP_DEV))
		fprintf(stderr, "vmalock-bench: %s: swapoff %s: %s\n",
			r->sc->name, VMB_SWAP_DEV, strerror(errno));
	if (s->sync_set)
		vmb_knob_write(r->mod, "swap/sync_io", "0\n");
	if (s->page_cluster[0])
		vmb_write_file(PAGE_CLUSTER, s->page_cluster);
	if (s->zswap[0])
		vmb_write_file(ZSWAP_ENABLED, s->zswap);
	if (s->bar_init)
		pthread_barrier_destroy(&s->bar);
	vmb_clear_error();
	free(s);
	r->priv = NULL;
}

#define SWAP_NEEDS ((1U << VMB_F_swap) | (1U << VMB_F_swap_device))

const struct vmb_scenario vmb_sc_swap_async = {
	.name = "swap-async",
	.desc = "swap-in through the swap cache from a device whose reads take --hold-us",
	.needs_desc = "swap, module swap device /dev/vmalock_swap0, root",
	.needs = SWAP_NEEDS,
	.knob = "swap/read_delay_us",
	.prepare = async_prepare,
	.arm = swap_arm,
	.victim = swap_victim,
	.quiesce = swap_quiesce,
	.disarm = swap_disarm,
	.cleanup = swap_cleanup,
};

const struct vmb_scenario vmb_sc_swap_sync = {
	.name = "swap-sync",
	.desc = "swap-in from a SWP_SYNCHRONOUS_IO device (no swap cache), reads take --hold-us",
	.needs_desc = "swap, module swap device with sync_io, root",
	.needs = SWAP_NEEDS,
	.knob = "swap/sync_io",
	.prepare = sync_prepare,
	.arm = swap_arm,
	.victim = swap_victim,
	.quiesce = swap_quiesce,
	.disarm = swap_disarm,
	.cleanup = swap_cleanup,
};

const struct vmb_scenario vmb_sc_swap_shared = {
	.name = "swap-shared-page",
	.desc = "all victims fault on one swapped-out page at once (one reads, the rest wait on its folio)",
	.needs_desc = "swap, module swap device /dev/vmalock_swap0, root",
	.needs = SWAP_NEEDS,
	.knob = "swap/read_delay_us",
	.prepare = shared_prepare,
	.arm = swap_arm,
	.victim = shared_victim,
	.quiesce = swap_quiesce,
	.disarm = swap_disarm,
	.cleanup = swap_cleanup,
};
