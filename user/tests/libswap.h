/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the tests that swap to /dev/vmalock_swap0 (swap_test,
 * lifecycle_test): its stats and knobs, mkswap and swapon, and the
 * files outside debugfs that swap depends on. Every one returns 0 (or a
 * count) on success and -errno on failure.
 */
#ifndef _LIBSWAP_H
#define _LIBSWAP_H

#include <stddef.h>
#include <stdint.h>

#include "vmalock_bench_uapi.h"

#define VMB_PAGE_CLUSTER "/proc/sys/vm/page-cluster"
#define VMB_ZSWAP_ENABLED "/sys/module/zswap/parameters/enabled"

#define VMB_SWAP_STAT_ENUM(name, ...) VMB_SWAP_##name,
enum vmb_swap_stat {
	VMB_SWAP_STATS(VMB_SWAP_STAT_ENUM)
	VMB_SWAP_NR_STATS
};

struct vmb_swap_stats {
	uint64_t v[VMB_SWAP_NR_STATS];
};

/* A file outside debugfs: read one line (NUL-terminated), or write val. */
int vmb_file_read(const char *path, char *buf, size_t size);
int vmb_file_write(const char *path, const char *val);

/* What swap depends on outside debugfs, saved to be put back. */
struct vmb_swap_env {
	char page_cluster[16];
	char zswap[8];		/* "" where the kernel has no zswap */
};
/* Save both, and turn zswap off: pages must reach the device. */
int vmb_swap_env_save(struct vmb_swap_env *e);
/* Put back what was saved: the first error. */
int vmb_swap_env_restore(const struct vmb_swap_env *e);

/* Parse swap/stats; -EPROTO if a line is not the expected counter. */
int vmb_swap_read_stats(struct vmb_swap_stats *s);
/* "swap/knob" := v. */
int vmb_swap_set(const char *knob, uint64_t v);
/* Delays back to none, scope all: every knob tried, the first error. */
int vmb_swap_disarm(void);
/*
 * mkswap the device (a version 1 header in its first page), then swapon
 * it above any other swap (SWAP_FLAG_PREFER, priority 32767) with flags
 * added, e.g. SWAP_FLAG_DISCARD.
 */
int vmb_swap_on(int flags);
int vmb_swap_off(void);

#endif /* _LIBSWAP_H */
