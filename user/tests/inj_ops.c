// SPDX-License-Identifier: GPL-2.0
/* The injectors as the tests see them; see inj_ops.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "inj_ops.h"
#include "lib/knob.h"
#include "lib/module.h"

/* The pte goes, the page-cache folio stays: the next access faults. */
static int folio_lock_prepare(struct vmb_map *m, long page, size_t i)
{
	if (m->type == VMB_MAP_ANON)
		return 0;
	return madvise(m->mem + i * page, page, MADV_DONTNEED) ? -errno : 0;
}

static void folio_lock_reset(void)
{
}

/*
 * What waits on which mapping: a refault (after MADV_DONTNEED) of a shmem
 * page (memfd, tmpfs) sleeps in shmem_fault() -> folio_lock() under the
 * fault's lock, with no retry; of a ramfs page goes through
 * filemap_fault() -> lock_folio_maybe_drop_mmap(), which drops the lock,
 * waits, and returns VM_FAULT_RETRY. A resident anonymous folio is
 * mapped: no fault meets its lock (only a swap-cache folio would, in
 * do_swap_page()), so anon only checks what is held and counted.
 */
const struct inj_ops inj_folio_lock = {
	.name = VMB_INJ_FOLIO_LOCK_DIR,
	.feature = "inject_folio_lock",
	.wait = { [VMB_MAP_ANON] = INJ_NOT_MET, [VMB_MAP_MEMFD] = INJ_WAITS,
		  [VMB_MAP_TMPFS] = INJ_WAITS, [VMB_MAP_RAMFS] = INJ_RETRIES },
	.prepare = folio_lock_prepare,
	.reset = folio_lock_reset,
};

/* Every page is populated: the entries replace present ptes. */
static int migration_prepare(struct vmb_map *m, long page, size_t i)
{
	return 0;
}

static void migration_reset(void)
{
	vmb_write(VMB_KNOB(migration, mode), "restore\n");
}

/* do_swap_page() -> migration_entry_wait(): waits, no retry. */
const struct inj_ops inj_migration = {
	.name = VMB_INJ_MIGRATION_DIR,
	.feature = "inject_migration",
	.wait = { [VMB_MAP_ANON] = INJ_WAITS, [VMB_MAP_MEMFD] = INJ_WAITS,
		  [VMB_MAP_TMPFS] = INJ_WAITS, [VMB_MAP_RAMFS] = INJ_WAITS },
	.prepare = migration_prepare,
	.reset = migration_reset,
};

int inj_ctx_setup(struct inj_ctx *c, const struct inj_ops *ops,
		  enum vmb_map_type type)
{
	int ret;

	memset(c, 0, sizeof(*c));
	c->ops = ops;
	c->inj = ops->name;
	c->m.fd = -1;
	if (vmb_loaded()) {
		snprintf(c->why, sizeof(c->why),
			 "vmalock_bench is not loaded (modprobe vmalock_bench)");
		return 1;
	}
	if (vmb_has_feature(ops->feature) != 1) {
		snprintf(c->why, sizeof(c->why), "no %s in features",
			 ops->feature);
		return 1;
	}
	c->page = vmb_page_size();
	c->per_vma_lock = vmb_has_feature("per_vma_lock") == 1;
	c->accounting = vmb_has_feature("fault_accounting") == 1;
	ret = vmb_map_create(&c->m, type, NPAGES);
	if (ret == -ENODEV || ret == -EPERM) {
		snprintf(c->why, sizeof(c->why),
			 "cannot mount the filesystem: %s", strerror(-ret));
		return 1;
	}
	if (ret)
		return ret;
	vmb_map_fill(&c->m, 0, NPAGES);
	ret = vmb_set_target(getpid());
	if (!ret)
		ret = vmb_inj_disarm(ops->name);
	ops->reset();
	return ret;
}

void inj_ctx_teardown(struct inj_ctx *c)
{
	if (!c->ops)
		return;
	vmb_inj_disarm(c->ops->name);
	c->ops->reset();
	vmb_set_target(0);
	vmb_map_destroy(&c->m);
}

int inj_max_len_hold(const struct inj_ctx *c, struct vmb_inj_stats *st,
		     size_t *bad, const char **step)
{
	size_t npages = VMB_LEN_MAX / c->page;
	const char *inj = c->ops->name;
	struct vmb_map big;
	int ret;

	*step = "vmb_map_create";
	ret = vmb_map_create(&big, c->m.type, npages);
	if (ret)
		return ret;
	vmb_map_fill(&big, 0, npages);
	*step = "vmb_inj_setup";
	ret = vmb_inj_setup(inj, big.mem, big.len, 1000, 0, 1);
	if (!ret) {
		*step = "vmb_inj_arm";
		ret = vmb_inj_arm(inj);
	}
	if (!ret) {
		*step = "vmb_inj_wait_disarmed";
		ret = vmb_inj_wait_disarmed(inj, 120000);
	}
	if (!ret) {
		*step = "vmb_inj_read_stats";
		ret = vmb_inj_read_stats(inj, st);
	}
	if (!ret)
		*bad = vmb_map_check(big.mem, 0, npages);
	vmb_map_destroy(&big);
	return ret;
}
