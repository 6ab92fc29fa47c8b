// SPDX-License-Identifier: GPL-2.0
/*
 * The scenario table, what each needs, and the no-injection baselines.
 *
 * A scenario is a small contract (description, needs, prepare, arm, victim
 * body, disarm, cleanup) with what it needs, so that a scenario this
 * kernel or module cannot run is reported as skipped with a reason
 * instead of silently missing.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmb.h"

#define SPAN_PAGES_MAX 4096

size_t vmb_span_pages(const struct vmb_run *r)
{
	if (r->iterations && r->iterations < SPAN_PAGES_MAX)
		return r->iterations;
	return SPAN_PAGES_MAX;
}

int vmb_region_map_anon(struct vmb_run *r, struct vmb_region *reg)
{
	memset(reg, 0, sizeof(*reg));
	reg->fd = -1;
	reg->per = vmb_span_pages(r);
	reg->len = reg->per * (size_t)r->nvictims * (size_t)r->page;
	return vmb_map_anon(reg->len, true, &reg->base);
}

void vmb_region_unmap(struct vmb_region *reg)
{
	if (reg->base)
		munmap(reg->base, reg->len);
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

/* ---- baseline-anon: first-touch anonymous faults ---- */

static int anon_prepare(struct vmb_run *r)
{
	struct vmb_region *reg = calloc(1, sizeof(*reg));

	if (!reg)
		return vmb_fail(-ENOMEM, "baseline-anon: allocation");
	r->priv = reg;
	return vmb_region_map_anon(r, reg);
}

static int anon_victim(struct vmb_run *r, struct vmb_worker *w)
{
	vmb_region_span(r, r->priv, w, true);
	return vmb_touch_loop(r, w);
}

static void region_cleanup(struct vmb_run *r)
{
	if (r->priv)
		vmb_region_unmap(r->priv);
	free(r->priv);
	r->priv = NULL;
}

/* ---- baseline-file: page-cache hits on a MAP_SHARED file ---- */

static int file_prepare(struct vmb_run *r)
{
	const char *dir = getenv("TMPDIR");
	struct vmb_region *reg;
	char path[512], *buf;
	size_t off;
	ssize_t n;
	int ret;

	reg = calloc(1, sizeof(*reg));
	if (!reg)
		return vmb_fail(-ENOMEM, "baseline-file: allocation");
	r->priv = reg;
	reg->fd = -1;
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
	/* Written, so every later fault finds its page in the page cache. */
	buf = malloc((size_t)r->page);
	if (!buf)
		return vmb_fail(-ENOMEM, "baseline-file: allocation");
	memset(buf, 0x5a, (size_t)r->page);
	for (off = 0; off < reg->len; off += (size_t)n) {
		n = pwrite(reg->fd, buf, (size_t)r->page, (off_t)off);
		if (n <= 0) {
			ret = n < 0 ? -errno : -EIO;
			free(buf);
			return vmb_fail(ret, "baseline-file: writing %s", path);
		}
	}
	free(buf);
	reg->base = mmap(NULL, reg->len, PROT_READ | PROT_WRITE, MAP_SHARED,
			 reg->fd, 0);
	if (reg->base == MAP_FAILED) {
		reg->base = NULL;
		return vmb_fail(-errno, "baseline-file: mmap of %s", path);
	}
	if (madvise(reg->base, reg->len, MADV_NOHUGEPAGE))
		return vmb_fail(-errno, "baseline-file: madvise(MADV_NOHUGEPAGE)");
	return 0;
}

static int file_victim(struct vmb_run *r, struct vmb_worker *w)
{
	vmb_region_span(r, r->priv, w, false);
	return vmb_touch_loop(r, w);
}

static const struct vmb_scenario sc_baseline_anon = {
	.name = "baseline-anon",
	.desc = "first-touch faults on private anonymous memory, no injection",
	.needs_desc = "nothing",
	.prepare = anon_prepare,
	.victim = anon_victim,
	.cleanup = region_cleanup,
};

static const struct vmb_scenario sc_baseline_file = {
	.name = "baseline-file",
	.desc = "read faults on a cached MAP_SHARED file in $TMPDIR, no injection",
	.needs_desc = "a writable $TMPDIR (default /tmp)",
	.prepare = file_prepare,
	.victim = file_victim,
	.cleanup = region_cleanup,
};

const struct vmb_scenario *const vmb_scenarios[] = {
	&sc_baseline_anon,	  &sc_baseline_file,
	&vmb_sc_folio_lock_file,  &vmb_sc_folio_lock_shmem,
	&vmb_sc_folio_lock_retry, &vmb_sc_swap_async,
	&vmb_sc_swap_sync,	  &vmb_sc_swap_shared,
	&vmb_sc_migration,	  &vmb_sc_uffd_missing,
	&vmb_sc_uffd_move,	  &vmb_sc_collapse_shmem,
};
const size_t vmb_nscenarios = VMB_ARRAY_SIZE(vmb_scenarios);

/* "name" or "name:variant"; *variant is -1 for all variants. */
const struct vmb_scenario *vmb_find_scenario(const char *name, int *variant)
{
	const char *colon = strchr(name, ':');
	size_t len = colon ? (size_t)(colon - name) : strlen(name);
	size_t i;
	int v;

	*variant = -1;
	for (i = 0; i < vmb_nscenarios; i++) {
		const struct vmb_scenario *sc = vmb_scenarios[i];

		if (strlen(sc->name) != len || strncmp(sc->name, name, len))
			continue;
		if (!colon)
			return sc;
		for (v = 0; sc->variants && sc->variants[v]; v++) {
			if (!strcmp(sc->variants[v], colon + 1)) {
				*variant = v;
				return sc;
			}
		}
		return NULL;
	}
	return NULL;
}

static bool tool_probes(enum vmb_feature f)
{
	return f == VMB_F_userfaultfd || f == VMB_F_userfaultfd_move ||
	       f == VMB_F_transparent_hugepage || f == VMB_F_swap;
}

const char *vmb_scenario_missing(const struct vmb_scenario *sc,
				 const struct vmb_module *m, char *buf,
				 size_t size)
{
	int f;

	for (f = 0; f < VMB_F_NR; f++) {
		if (!(sc->needs & (1U << f)) || vmb_have(m, (enum vmb_feature)f))
			continue;
		if (tool_probes((enum vmb_feature)f))
			snprintf(buf, size, "this kernel lacks %s (%s)",
				 vmb_feature_names[f], vmb_feature_descs[f]);
		else if (!m->present)
			snprintf(buf, size,
				 "needs the vmalock_bench module for '%s' (%s not found: load the module, mount debugfs)",
				 vmb_feature_names[f], m->dir);
		else
			snprintf(buf, size,
				 "%s/features lacks '%s' (%s)", m->dir,
				 vmb_feature_names[f], vmb_feature_descs[f]);
		return buf;
	}
	if (sc->knob && !vmb_knob_exists(m, sc->knob)) {
		if (!m->present)
			snprintf(buf, size,
				 "needs module knob %s/%s (module not loaded: load vmalock_bench, mount debugfs)",
				 m->dir, sc->knob);
		else
			snprintf(buf, size,
				 "module has no %s/%s (its injector is not in this module version)",
				 m->dir, sc->knob);
		return buf;
	}
	if (!sc->victim) {
		snprintf(buf, size,
			 "module injector present, but this tool version has no body for it yet");
		return buf;
	}
	return NULL;
}
