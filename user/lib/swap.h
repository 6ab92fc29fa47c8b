/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's swap device, /dev/vmalock_swap0, and its swap/ directory
 * (docs/swap.md): stats, delays, mkswap and swapon, and the files outside
 * debugfs that swap depends on. Every function returns 0 (or a count) on
 * success and -errno on failure.
 */
#ifndef VMB_SWAP_H
#define VMB_SWAP_H

#include <stdint.h>

#include "lib/uapi.h"

#define VMB_PAGE_CLUSTER "/proc/sys/vm/page-cluster"
#define VMB_ZSWAP_ENABLED "/sys/module/zswap/parameters/enabled"

struct vmb_swap_stats {
	uint64_t v[VMB_SWAP_NR];
};

/* What swap depends on outside debugfs, saved to be put back. */
struct vmb_swap_env {
	char page_cluster[16];	/* "" if not saved */
	char zswap[8];		/* "" where the kernel has no zswap */
};
/* Save both, and turn zswap off: pages must reach the device. */
int vmb_swap_env_save(struct vmb_swap_env *e);
/* Put back what was saved: the first error. */
int vmb_swap_env_restore(const struct vmb_swap_env *e);

/* Parse swap/stats; -EPROTO if a line is not the expected counter. */
int vmb_swap_read_stats(struct vmb_swap_stats *s);
/* Delays back to none, scope all: every knob tried, the first error. */
int vmb_swap_disarm(void);
/*
 * mkswap: a version 1 swap header in the first page of the block device
 * dev, written through its page cache, which swapon reads.
 */
int vmb_swap_mkswap(const char *dev);
/*
 * mkswap the device, then swapon it above any other swap
 * (SWAP_FLAG_PREFER, priority 32767) with flags added, e.g.
 * SWAP_FLAG_DISCARD.
 */
int vmb_swap_on(int flags);
int vmb_swap_off(void);

#endif /* VMB_SWAP_H */
