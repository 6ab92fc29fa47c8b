// SPDX-License-Identifier: GPL-2.0
/*
 * The scenario table: one row per scenario, what it measures and what it
 * needs, so that a scenario this kernel or module cannot run is reported
 * as skipped with a reason instead of silently missing. A row names its
 * family (scen_*.c) and its kind there; scenario.h says what a family is.
 * The order is the order of "list" and of "run all".
 */
#include <stdio.h>
#include <string.h>

#include "lib/knob.h"
#include "run/scenario.h"

#define NEEDS(f) (1U << VMB_F_##f)

const struct vmb_scenario vmb_scenarios[] = {
	{ "baseline-anon",
	  "first-touch faults on private anonymous memory, no injection",
	  "nothing",
	  0, VMB_K_NONE, &vmb_baseline_ops, VMB_BASELINE_ANON },
	{ "baseline-file",
	  "read faults on a cached MAP_SHARED file in $TMPDIR, no injection",
	  "a writable $TMPDIR (default /tmp)",
	  0, VMB_K_NONE, &vmb_baseline_ops, VMB_BASELINE_FILE },
	{ "folio-lock-file",
	  "refaults on file folios the module holds locked for --hold-us (filemap_fault retries)",
	  "module injector folio_lock/; $TMPDIR not tmpfs, or root (private ramfs)",
	  NEEDS(inject_folio_lock), VMB_K_folio_lock_enable,
	  &vmb_inject_ops, VMB_INJECT_FILE },
	{ "folio-lock-shmem",
	  "refaults on shmem folios the module holds locked for --hold-us (wait under the fault's lock)",
	  "module injector folio_lock/",
	  NEEDS(inject_folio_lock), VMB_K_folio_lock_enable,
	  &vmb_inject_ops, VMB_INJECT_SHMEM },
	{ "folio-lock-retry",
	  "file folios re-locked with no pause: a retry meets the next hold (attempts_3)",
	  "module injector folio_lock/; $TMPDIR not tmpfs, or root",
	  NEEDS(inject_folio_lock), VMB_K_folio_lock_enable,
	  &vmb_inject_ops, VMB_INJECT_RETRY },
	{ "swap-async",
	  "swap-in through the swap cache from a device whose reads take --hold-us",
	  "swap, module swap device /dev/vmalock_swap0, root",
	  NEEDS(swap) | NEEDS(swap_device), VMB_K_swap_read_delay_us,
	  &vmb_swapin_ops, VMB_SWAPIN_ASYNC },
	{ "swap-sync",
	  "swap-in from a SWP_SYNCHRONOUS_IO device (no readahead; no swap cache before 7.x), reads take --hold-us",
	  "swap, module swap device with sync_io, root",
	  NEEDS(swap) | NEEDS(swap_device), VMB_K_swap_sync_io,
	  &vmb_swapin_ops, VMB_SWAPIN_SYNC },
	{ "swap-shared-page",
	  "all victims fault on one swapped-out page at once (one reads, the rest wait on its folio)",
	  "swap, module swap device /dev/vmalock_swap0, root",
	  NEEDS(swap) | NEEDS(swap_device), VMB_K_swap_read_delay_us,
	  &vmb_swapin_ops, VMB_SWAPIN_SHARED },
	{ "file-io",
	  "random reads of a file mmapped from ext4 on a disk whose reads take --hold-us: major faults (d065bd810b6d)",
	  "module file disk /dev/vmalock_disk0, ext4, mkfs.ext4, root",
	  NEEDS(disk_device), VMB_K_disk_read_delay_us, &vmb_file_io_ops, 0 },
	{ "migration",
	  "faults on anonymous pages under migration entries held for --hold-us",
	  "module injector migration/ (migrate_vma)",
	  NEEDS(inject_migration), VMB_K_migration_enable,
	  &vmb_inject_ops, VMB_INJECT_MIGRATION },
	{ "uffd-missing",
	  "userfaultfd missing faults answered after --hold-us",
	  "userfaultfd (syscall or /dev/userfaultfd, root)",
	  NEEDS(userfaultfd), VMB_K_NONE, &vmb_uffd_missing_ops,
	  VMB_UFFD_MISSING },
	{ "uffd-wake-retry",
	  "userfaultfd missing faults woken 3 times unresolved (UFFDIO_WAKE), then answered, each after --hold-us: retries after FAULT_FLAG_TRIED",
	  "userfaultfd (syscall or /dev/userfaultfd, root)",
	  NEEDS(userfaultfd), VMB_K_NONE, &vmb_uffd_missing_ops,
	  VMB_UFFD_WAKE_RETRY },
	{ "uffd-move-vs-copy",
	  "heap compaction into a userfaultfd heap: UFFDIO_MOVE vs UFFDIO_COPY (--iterations = heap pages)",
	  "userfaultfd; UFFDIO_MOVE (6.8+) for the move-* variants",
	  NEEDS(userfaultfd), VMB_K_NONE, &vmb_uffd_move_ops, 0 },
	{ "collapse-shmem",
	  "MADV_COLLAPSE of shmem racing victims' faults and the writer",
	  "transparent_hugepage, MADV_COLLAPSE (6.1+)",
	  NEEDS(transparent_hugepage), VMB_K_NONE, &vmb_collapse_ops,
	  VMB_COLLAPSE_ONE },
	{ "collapse-shmem-2proc",
	  "collapse-shmem with a second process faulting on the same memfd (retract_page_tables() over every mapper); faults during hole punches counted apart",
	  "transparent_hugepage, MADV_COLLAPSE (6.1+)",
	  NEEDS(transparent_hugepage), VMB_K_NONE, &vmb_collapse_ops,
	  VMB_COLLAPSE_2PROC },
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
		const struct vmb_scenario *sc = &vmb_scenarios[i];
		const char *const *variants = sc->ops->variants;

		if (strlen(sc->name) != len || strncmp(sc->name, name, len))
			continue;
		if (!colon)
			return sc;
		for (v = 0; variants && variants[v]; v++) {
			if (!strcmp(variants[v], colon + 1)) {
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
	if (sc->knob != VMB_K_NONE && !vmb_exists(vmb_knobs[sc->knob].path)) {
		if (!m->present)
			snprintf(buf, size,
				 "needs module knob %s/%s (module not loaded: load vmalock_bench, mount debugfs)",
				 m->dir, vmb_knobs[sc->knob].path);
		else
			snprintf(buf, size,
				 "module has no %s/%s (its injector is not in this module version)",
				 m->dir, vmb_knobs[sc->knob].path);
		return buf;
	}
	return NULL;
}
