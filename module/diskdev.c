// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vmalock_disk0: a delayed RAM disk (rdisk.c) made to carry a
 * filesystem, so that faults on a file mapping wait for their reads
 * (filemap_fault() and readahead submit them in the faulting task).
 *
 * sync_io here is a property of each bio, read when it is submitted: a
 * delayed bio makes its submitter sleep out the delay in submit_bio and
 * end the bio itself, instead of returning at once and leaving the end
 * to the timer. docs/disk.md says what that means for a filesystem.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>

#include "rdisk.h"

static unsigned int disk_mb = VMB_DISK_MB_DEFAULT;
module_param(disk_mb, uint, 0444);
MODULE_PARM_DESC(disk_mb,
		 "size of /dev/vmalock_disk0 in MiB (default 256, 0: no device)");

#define VMB_DISK_KNOBS(X)						\
	VMB_RDISK_KNOBS(disk, X,					\
			"1: the submitter sleeps out the delay in submit_bio")

VMB_DEFINE_GROUP(disk, VMB_DISK_DIR, VMB_DISK_KNOBS);

static struct vmb_rdisk vmb_disk = {
	.name = "vmalock_disk0",
	.param = "disk_mb",
	.mb_max = VMB_DISK_MB_MAX,
	.group = &vmb_group_disk,
	.sync = VMB_RDISK_SYNC_IN_SUBMIT,
	.trace_read = "disk_read",
	.trace_write = "disk_write",
	.feature = VMB_FEAT_disk_device,
};

int vmb_disk_init(void)
{
	vmb_disk.mb = disk_mb;
	return vmb_rdisk_init(&vmb_disk);
}

void vmb_disk_exit(void)
{
	vmb_rdisk_exit(&vmb_disk);
}
