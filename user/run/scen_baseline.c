// SPDX-License-Identifier: GPL-2.0
/*
 * The no-injection baselines: what a fault costs here when nothing holds
 * it up. baseline-anon: first-touch faults on private anonymous memory;
 * baseline-file: page-cache hits on a MAP_SHARED file in $TMPDIR, written
 * first so that every fault finds its page cached.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/error.h"
#include "run/scenario.h"

/* A file in $TMPDIR, in the page cache before the first fault. */
static int file_map(struct vmb_run *r, struct vmb_region *reg)
{
	const char *dir = getenv("TMPDIR");
	char path[512];

	reg->per = vmb_span_pages(r);
	reg->len = reg->per * (size_t)r->nvictims * (size_t)r->page;
	snprintf(path, sizeof(path), "%s/vmalock-bench.XXXXXX",
		 dir && *dir ? dir : "/tmp");
	reg->fd = mkostemp(path, O_CLOEXEC);
	if (reg->fd < 0)
		return vmb_fail(-errno,
				"baseline-file: cannot create %s (set TMPDIR to a writable directory)",
				path);
	unlink(path);
	return vmb_region_map_file(r, reg, r->sc->name);
}

static int baseline_prepare(struct vmb_run *r)
{
	struct vmb_region *reg = r->priv;

	reg->fd = -1;
	if (r->sc->kind == VMB_BASELINE_FILE)
		return file_map(r, reg);
	return vmb_region_map_anon(r, reg);
}

/* Stores on anon (each allocates a page), loads on the cached file. */
static int baseline_victim(struct vmb_run *r, struct vmb_worker *w)
{
	vmb_region_span(r, r->priv, w, r->sc->kind == VMB_BASELINE_ANON);
	return vmb_touch_loop(r, w);
}

static void baseline_cleanup(struct vmb_run *r)
{
	vmb_region_unmap(r->priv);
}

const struct vmb_scen_ops vmb_baseline_ops = {
	.priv_size = sizeof(struct vmb_region), .prepare = baseline_prepare,
	.victim = baseline_victim, .cleanup = baseline_cleanup,
};
