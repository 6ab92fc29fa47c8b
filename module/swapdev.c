// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vmalock_swap0: a delayed RAM disk (rdisk.c) made to be swapped on,
 * so that swap-in faults wait.
 *
 * In sync_io mode the disk is advertised as synchronous and swap-in skips
 * the swap cache: the faulting thread waits for its own read
 * (submit_bio_wait() on 6.11+, a sleep in ->rw_page on kernels that
 * decide by ->rw_page).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>

#include "rdisk.h"

static unsigned int swap_mb = VMB_SWAP_MB_DEFAULT;
module_param(swap_mb, uint, 0444);
MODULE_PARM_DESC(swap_mb,
		 "size of /dev/vmalock_swap0 in MiB (default 256, 0: no device)");

#define VMB_SWAP_KNOBS(X)						\
	VMB_RDISK_KNOBS(swap, X,					\
			"1: synchronous disk (swap-in skips the swap cache)")

VMB_DEFINE_GROUP(swap, "swap", VMB_SWAP_KNOBS);

static struct vmb_rdisk vmb_swap = {
	.name = "vmalock_swap0",
	.param = "swap_mb",
	.mb_max = VMB_SWAP_MB_MAX,
	.group = &vmb_group_swap,
	.sync = VMB_RDISK_SYNC_ADVERTISED,
	.trace_read = "swap_read",
	.trace_write = "swap_write",
	.feature = VMB_FEAT_swap_device,
};

int vmb_swap_init(void)
{
	vmb_swap.mb = swap_mb;
	return vmb_rdisk_init(&vmb_swap);
}

void vmb_swap_exit(void)
{
	vmb_rdisk_exit(&vmb_swap);
}
