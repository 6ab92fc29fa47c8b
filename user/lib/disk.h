/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The delayed RAM disks (swap/ and disk/, whose files and stats are the
 * same: VMB_RDISK_FILES, struct vmb_swap_stats), and ext4 on
 * /dev/vmalock_disk0 for the tests and the tool: mkfs, mount,
 * drop_caches, e2fsck, patterned files. Every one returns 0 (or a count) on success and -errno on
 * failure.
 */
#ifndef VMB_DISK_H
#define VMB_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/swap.h"
#include "lib/uapi.h"

/* Absolute: /bin/mke2fs is busybox's, which has no ext4. */
#define VMB_MKFS_EXT4 "/sbin/mkfs.ext4"
#define VMB_E2FSCK "/sbin/e2fsck"
#define VMB_DISK_MNT "/mnt/vmb-disk"
/*
 * No block bitmap prefetch: ext4lazyinit would read bitmaps after the
 * mount, reads that are nobody's (docs/disk.md, "Using it").
 */
#define VMB_DISK_MNT_OPTS "no_prefetch_block_bitmaps"
#define VMB_DROP_CACHES "/proc/sys/vm/drop_caches"

/* DIR/stats of a delayed disk (DIR "swap" or VMB_DISK_DIR). */
int vmb_rdisk_read_stats(const char *dir, struct vmb_swap_stats *s);
/* DIR's file that is swap_k (a VMB_K_swap_*) in swap/ := v. */
int vmb_rdisk_set(const char *dir, enum vmb_knob swap_k, uint64_t v);
/* Delays back to none, scope all: every knob tried, the first error. */
int vmb_rdisk_disarm(const char *dir);

/* Why the file disk cannot be used here (a SKIP reason), or NULL. */
const char *vmb_disk_unusable(void);
/*
 * mkfs.ext4 the disk: 4 KiB blocks (mke2fs would pick 1 KiB for a disk
 * this small), inode tables and journal initialised now, so that no
 * ext4lazyinit thread writes to it later behind a test's back.
 */
int vmb_disk_mkfs(void);
/* Mount it at VMB_DISK_MNT (noatime, VMB_DISK_MNT_OPTS), loading ext4. */
int vmb_disk_mount(void);
int vmb_disk_umount(void);
/*
 * A fresh ext4 mounted on the disk for a test: whatever a failed test
 * left unmounted, delays off, sync_io set, mkfs, mount. -ENODEV: the
 * kernel has no ext4.
 */
int vmb_disk_prepare(bool sync_io);
/* e2fsck -fn: 0 if the unmounted filesystem is clean, else -EUCLEAN. */
int vmb_disk_fsck(void);
/* sync(), then drop the page cache, dentries and inodes. */
int vmb_drop_caches(void);

/*
 * The error of a delay as docs/swap.md ("Accuracy") judges it, for both
 * disks: the median fault at us, less the median at base_us and less how
 * much later the platform's own timers are at us than at base_us (late:
 * medians of nanosleep() lateness), against us - base_us; a fraction of
 * us.
 */
double vmb_delay_error(uint64_t us, uint64_t median_ns, int64_t late_ns,
		       uint64_t base_us, uint64_t base_median_ns,
		       int64_t base_late_ns);

/* Word i of the pattern of seed, the same in every test. */
uint64_t vmb_pattern_word(size_t i, uint64_t seed);
/*
 * VMB_DISK_MNT/name: npages patterned by seed, written with write() and
 * fsync()ed, and its pages then dropped from the page cache.
 */
int vmb_disk_write_file(const char *name, size_t npages, uint64_t seed);
/* Bytes of buf (len a multiple of 8) that match the pattern from word. */
size_t vmb_pattern_match(const void *buf, size_t len, size_t word,
			 uint64_t seed);
/* Bytes of the file that match its pattern from the start, read(). */
long vmb_disk_check_file(const char *name, size_t npages, uint64_t seed);

#endif /* VMB_DISK_H */
