// SPDX-License-Identifier: GPL-2.0
/*
 * Swap scenarios on the module's slow RAM disk /dev/vmalock_swap0
 * (docs/swap.md): swap-async, swap-sync, swap-shared-page.
 *
 * prepare writes a swap header itself (no mkswap binary needed), sets the
 * device's sync_io, swapon(2)s it ahead of any other swap, turns zswap off
 * and page-cluster to 0 (one page per swap-in read); cleanup undoes all of
 * it, also after an error or Ctrl-C. kind: VMB_SWAPIN_*. Reads of the target (this process)
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/swap.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/error.h"
#include "lib/file.h"
#include "lib/knob.h"
#include "lib/map.h"
#include "lib/swap.h"
#include "run/scenario.h"
#include "run/writer.h"

#define SWAP_PAGES_MAX 64

struct swp {
	struct vmb_region reg;
	bool touched_knobs;	/* cleanup has delays to undo */
	bool swapped_on;
	bool sync_set;
	bool env_saved;
	struct vmb_swap_env env;
	pthread_barrier_t bar;
	bool bar_init;
	atomic_int done;
	int err;
	uint64_t reads0, delayed0;
};

/* swap/stats by name (a newer module may have more): reads, delayed. */
static int swap_stats(uint64_t *reads, uint64_t *delayed)
{
	uint64_t v[VMB_SWAP_NR], have;
	char buf[1024];
	int n;

	n = vmb_read(VMB_KNOB(swap, stats), buf, sizeof(buf));
	if (n < 0)
		return n;
	n = vmb_parse_stats(buf, vmb_swap_stat_names, VMB_SWAP_NR, v, &have);
	if (n)
		return n;
	if (!(have & (1ULL << VMB_SWAP_reads)) ||
	    !(have & (1ULL << VMB_SWAP_delayed)))
		return -EPROTO;
	*reads = v[VMB_SWAP_reads];
	*delayed = v[VMB_SWAP_delayed];
	return 0;
}

/* Delays off, scope all: what every run must leave behind. */
static int swap_delays_off(void)
{
	int ret = vmb_swap_disarm();

	if (ret)
		return vmb_fail(ret,
				"cannot turn the delays of %s/swap/ off (is the module loaded and are you root?)",
				vmb_dir());
	return 0;
}

static int pageout(char *p, size_t len, const char *what)
{
	int ret = vmb_pageout(p, len);

	if (ret)
		return vmb_fail(ret, "%s: madvise(MADV_PAGEOUT)", what);
	return 0;
}

/* sync_io as the kind wants it, the header, swapon, zswap and page-cluster. */
static int swap_on(struct vmb_run *r, struct swp *s)
{
	const char *what = r->sc->name;
	bool sync = r->sc->kind == VMB_SWAPIN_SYNC;
	int ret;

	/* Left on by a run that was killed: sync_io cannot change while on. */
	swapoff(VMB_SWAP_DEV);
	ret = vmb_write(VMB_KNOB(swap, sync_io), sync ? "1\n" : "0\n");
	if (ret == -EBUSY)
		return vmb_fail(ret,
				"%s: %s is in use (swapped on elsewhere?): swapoff it",
				what, VMB_SWAP_DEV);
	if (ret)
		return vmb_fail(ret, "cannot write '%d' to %s/%s", sync,
				vmb_dir(), VMB_KNOB(swap, sync_io));
	s->sync_set = sync;
	ret = vmb_swap_mkswap(VMB_SWAP_DEV);
	if (ret)
		return vmb_fail(ret, "writing a swap header to %s%s", VMB_SWAP_DEV,
				ret == -ENOSPC ? ": too small for swap" : "");
	if (swapon(VMB_SWAP_DEV, SWAP_FLAG_PREFER | SWAP_FLAG_DISCARD |
				 (32767 << SWAP_FLAG_PRIO_SHIFT)))
		return vmb_fail(-errno, "%s: swapon %s (root needed)", what,
				VMB_SWAP_DEV);
	s->swapped_on = true;
	/* Every page to the device, one page per swap-in read. */
	ret = vmb_swap_env_save(&s->env);
	s->env_saved = true;
	if (!ret && s->env.page_cluster[0])
		ret = vmb_write_file(VMB_PAGE_CLUSTER, "0");
	if (ret)
		return vmb_fail(ret, "%s: setting %s and %s", what,
				VMB_ZSWAP_ENABLED, VMB_PAGE_CLUSTER);
	return 0;
}

static int swap_prepare(struct vmb_run *r)
{
	bool shared = r->sc->kind == VMB_SWAPIN_SHARED;
	const char *what = r->sc->name;
	struct swp *s = r->priv;
	size_t i;
	int ret;

	s->reg.fd = -1;
	if (access(VMB_SWAP_DEV, F_OK))
		return vmb_skip(r, "%s missing (module loaded with swap_mb=0, or no devtmpfs on /dev)",
				VMB_SWAP_DEV);
	vmb_cap_iterations(r, 30000, 10);
	s->touched_knobs = true;
	ret = swap_delays_off();
	if (!ret)
		ret = swap_on(r, s);
	if (ret)
		return ret;

	s->reg.per = shared ? 1 : vmb_span_pages(r);
	if (s->reg.per > SWAP_PAGES_MAX)
		s->reg.per = SWAP_PAGES_MAX;
	s->reg.len = s->reg.per * (size_t)(shared ? 1 : r->nvictims) *
		     (size_t)r->page;
	s->reg.spare = (size_t)r->page;
	ret = vmb_map_anon(s->reg.len + s->reg.spare, true, &s->reg.base);
	if (ret)
		return ret;
	vmb_writer_vma(r, s->reg.base, s->reg.len + s->reg.spare);
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

static int swap_arm(struct vmb_run *r)
{
	struct swp *s = r->priv;
	int ret;

	ret = pageout(s->reg.base, s->reg.len, r->sc->name);
	if (!ret)
		ret = vmb_knob_write(VMB_KNOB(swap, scope), "target\n");
	if (!ret)
		ret = vmb_knob_writef(VMB_KNOB(swap, read_delay_us), "%llu\n",
				      (unsigned long long)r->o->hold_us);
	s->reads0 = s->delayed0 = 0;
	swap_stats(&s->reads0, &s->delayed0);
	return ret;
}

static int swap_refill(struct vmb_run *r, struct vmb_worker *w)
{
	return pageout(w->span.base, w->span.npages * (size_t)r->page,
		       r->sc->name);
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
		vmb_writer_refill(r, w, true);
		ret = pageout(p, (size_t)r->page, r->sc->name);
		vmb_writer_refill(r, w, false);
		if (ret)
			s->err = ret;
		pthread_barrier_wait(&s->bar);
	}
	return w->id == 0 ? s->err : 0;
}

/* Each victim its slice, swapped out again after every pass. */
static int swap_victim(struct vmb_run *r, struct vmb_worker *w)
{
	struct swp *s = r->priv;

	if (r->sc->kind == VMB_SWAPIN_SHARED)
		return shared_victim(r, w);
	vmb_region_span(r, &s->reg, w, true);
	w->span.refill = swap_refill;
	return vmb_touch_loop(r, w);
}

static void swap_quiesce(struct vmb_run *r)
{
	vmb_write(VMB_KNOB(swap, read_delay_us), "0\n");
}

static int swap_disarm(struct vmb_run *r)
{
	struct swp *s = r->priv;
	uint64_t reads, delayed;
	int ret;

	ret = swap_delays_off();
	if (!swap_stats(&reads, &delayed)) {
		vmb_add_metric(r->res, "swap_reads",
			       (double)(int64_t)(reads - s->reads0), false);
		vmb_add_metric(r->res, "swap_delayed",
			       (double)(int64_t)(delayed - s->delayed0), false);
	}
	return ret;
}

static void swap_cleanup(struct vmb_run *r)
{
	struct swp *s = r->priv;

	if (s->touched_knobs)
		swap_delays_off();
	/* Unmapped first: swapoff need not read our pages back. */
	vmb_region_unmap(&s->reg);
	if (s->swapped_on && swapoff(VMB_SWAP_DEV))
		fprintf(stderr, "vmalock-bench: %s: swapoff %s: %s\n",
			r->sc->name, VMB_SWAP_DEV, strerror(errno));
	if (s->sync_set)
		vmb_write(VMB_KNOB(swap, sync_io), "0\n");
	if (s->env_saved)
		vmb_swap_env_restore(&s->env);
	if (s->bar_init)
		pthread_barrier_destroy(&s->bar);
	vmb_clear_error();
}

const struct vmb_scen_ops vmb_swapin_ops = {
	.priv_size = sizeof(struct swp), .prepare = swap_prepare,
	.arm = swap_arm, .victim = swap_victim, .quiesce = swap_quiesce,
	.disarm = swap_disarm, .cleanup = swap_cleanup,
};
