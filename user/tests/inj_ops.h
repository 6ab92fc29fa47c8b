/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The injectors as the tests see them, in the style of selftests/mm
 * khugepaged.c's mem_ops: what differs between folio_lock/ and migration/
 * is a little data and two small functions, so that a test is written
 * once and runs for every injector and mapping type (inj_test.c, one
 * FIXTURE_VARIANT per pair). What only one injector does is tested in its
 * own file (folio_lock_test.c, migration_test.c) from the same fixture.
 */
#ifndef VMB_TESTS_INJ_OPS_H
#define VMB_TESTS_INJ_OPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/inj.h"
#include "lib/map.h"

#define NPAGES 16UL		/* the fixture's mapping */
#define MS 1000000ULL
#define US 1000ULL

/* What a fault on a mapping type does while the injector holds it. */
enum inj_wait {
	INJ_NOT_MET,	/* no fault meets the hold (a resident folio is mapped) */
	INJ_WAITS,	/* it sleeps on the hold under the fault's lock */
	INJ_RETRIES,	/* it drops its lock, waits, retries (VM_FAULT_RETRY) */
};

struct inj_ops {
	const char *name;		/* its directory: VMB_INJ_*_DIR */
	const char *feature;		/* its line in features */
	enum inj_wait wait[VMB_MAP_NR];
	/* Make the next access to page i a fault that meets the hold. */
	int (*prepare)(struct vmb_map *m, long page, size_t i);
	/* Its own knobs, beyond VMB_INJ_FILES, back to their defaults. */
	void (*reset)(void);
};

extern const struct inj_ops inj_folio_lock;
extern const struct inj_ops inj_migration;

/* Each test's fixture: a filled mapping of NPAGES, this process the target. */
struct inj_ctx {
	const struct inj_ops *ops;
	const char *inj;	/* ops->name */
	struct vmb_map m;
	long page;
	int per_vma_lock;
	int accounting;
	char why[128];		/* why the test is skipped */
};

/* 0; 1: skip, c->why says why; -errno. Teardown also after a failure. */
int inj_ctx_setup(struct inj_ctx *c, const struct inj_ops *ops,
		  enum vmb_map_type type);
void inj_ctx_teardown(struct inj_ctx *c);

static inline bool inj_meets(const struct inj_ctx *c)
{
	return c->ops->wait[c->m.type] != INJ_NOT_MET;
}

/*
 * Whether an mmap() writer waits behind a fault waiting on the hold: only
 * if that fault waits holding mmap_lock (no per-VMA locks).
 */
static inline bool inj_writer_waits(const struct inj_ctx *c)
{
	return c->ops->wait[c->m.type] == INJ_WAITS && !c->per_vma_lock;
}

/*
 * One 1 ms hold over a new, filled mapping of the fixture's type of the
 * largest range, VMB_LEN_MAX, with the injector's knobs as they are: its
 * stats in *st, and in *bad the result of checking every byte after
 * (vmb_map_check()). 0 or -errno, *step naming what failed.
 */
int inj_max_len_hold(const struct inj_ctx *c, struct vmb_inj_stats *st,
		     size_t *bad, const char **step);

#endif /* VMB_TESTS_INJ_OPS_H */
