/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vmalock-bench: what the kernel module, the bench tool and the tests share.
 *
 * The module's interface is a directory of debugfs files. This header names
 * them, gives their limits, and lists the fields of the files that hold more
 * than one value, so that the three sides cannot drift apart. Every entry is
 * marked (in) when userspace writes it and (out) when the module writes it.
 */
#ifndef _VMALOCK_BENCH_UAPI_H
#define _VMALOCK_BENCH_UAPI_H

/* debugfs directory, relative to the debugfs mount point. */
#define VMB_DEBUGFS_DIR "vmalock_bench"
/* Where the tool and the tests expect it. */
#define VMB_DEBUGFS_PATH "/sys/kernel/debug/" VMB_DEBUGFS_DIR

/*
 * The files, directory by directory, in the order the module's "knobs"
 * file lists them: X(dir, name, type, mode, live). dir is the directory
 * (root: VMB_DEBUGFS_PATH itself, see VMB_DIR_* below), name the file,
 * type how its value reads and is written, as "knobs" prints it:
 *
 *   u64   decimal, unsigned           s64   decimal, signed
 *   hex   an address, 0x...           bool  0 or 1
 *   enum  one name of a list          show  read-only, produced by the module
 *
 * mode the file's permissions, and live 1 when it may change while its
 * directory's injector is armed (a write to another then gets -EBUSY).
 * The tool and the tests take every path from these lists; the module's
 * tables must list the same (the uapi test compares them with "knobs").
 */
#define VMB_ROOT_FILES(X)                                                      \
	X(root, version, show, 0400, 0)                                        \
	X(root, features, show, 0400, 0)                                       \
	X(root, knobs, show, 0400, 0)

#define VMB_TARGET_FILES(X)                                                    \
	X(target, pid, u64, 0600, 1)                                           \
	X(target, faults, show, 0400, 0)                                       \
	X(target, reset, bool, 0200, 1)                                        \
	X(target, force_mmap_lock, bool, 0600, 1)                              \
	X(target, mmap_lock, show, 0400, 0)

/* The delayed RAM disks, swap/ and disk/, have the same files. */
#define VMB_RDISK_FILES(X, dir)                                                \
	X(dir, read_delay_us, u64, 0600, 1)                                    \
	X(dir, write_delay_us, u64, 0600, 1)                                   \
	X(dir, jitter_us, u64, 0600, 1)                                        \
	X(dir, scope, enum, 0600, 1)                                           \
	X(dir, sync_io, bool, 0600, 1)                                         \
	X(dir, stats, show, 0400, 0)

#define VMB_SWAP_FILES(X) VMB_RDISK_FILES(X, swap)
#define VMB_DISK_FILES(X) VMB_RDISK_FILES(X, disk)

/* Every injector's directory starts with these, in this order. */
#define VMB_INJ_FILES(X, dir)                                                  \
	X(dir, addr, hex, 0600, 0)                                             \
	X(dir, len, u64, 0600, 0)                                              \
	X(dir, hold_us, u64, 0600, 0)                                          \
	X(dir, interval_us, u64, 0600, 0)                                      \
	X(dir, times, s64, 0600, 0)                                            \
	X(dir, enable, bool, 0600, 1)                                          \
	X(dir, stats, show, 0400, 0)

#define VMB_FOLIO_LOCK_FILES(X) VMB_INJ_FILES(X, folio_lock)

#define VMB_MIGRATION_FILES(X)                                                 \
	VMB_INJ_FILES(X, migration)                                            \
	X(migration, mode, enum, 0600, 0)

/* The injectors: X(dir, feature), dir's files VMB_INJ_FILES first. */
#define VMB_INJECTORS(X)                                                       \
	X(folio_lock, inject_folio_lock)                                       \
	X(migration, inject_migration)

#define VMB_FILES(X)                                                           \
	VMB_ROOT_FILES(X)                                                      \
	VMB_TARGET_FILES(X)                                                    \
	VMB_SWAP_FILES(X)                                                      \
	VMB_DISK_FILES(X)                                                      \
	VMB_FOLIO_LOCK_FILES(X)                                                \
	VMB_MIGRATION_FILES(X)

/*
 * Where each directory's files are, relative to VMB_DEBUGFS_PATH: a
 * file's path is VMB_DIR_<dir> "<name>". swap/ is there only with the
 * swap device (features: swap_device), disk/ only with the file disk
 * (disk_device); the others always are.
 */
#define VMB_DIR_root ""
#define VMB_DIR_target "target/"
#define VMB_DIR_swap "swap/"
#define VMB_DIR_disk VMB_DISK_DIR "/"
#define VMB_DIR_folio_lock VMB_INJ_FOLIO_LOCK_DIR "/"
#define VMB_DIR_migration VMB_INJ_MIGRATION_DIR "/"

/*
 * (out) "features": one capability per line, only those this kernel and
 * this module really have. X(name, what a user gets from it).
 */
#define VMB_FEATURES(X)                                                        \
	X(per_vma_lock, "faults can be handled under the per-VMA lock")        \
	X(kprobes, "the fault path can be hooked while a target is set")       \
	X(fault_accounting, "target/faults counts the target's faults")        \
	X(force_mmap_lock, "target/force_mmap_lock can turn the VMA lock off") \
	X(tracepoints, "vmalock_bench:* tracepoints")                          \
	X(migrate_vma, "migrate_vma_setup() is exported (DEVICE_MIGRATION)")   \
	X(swap, "the kernel can swap (CONFIG_SWAP)")                           \
	X(userfaultfd, "userfaultfd(2) (CONFIG_USERFAULTFD)")                  \
	X(userfaultfd_move, "UFFDIO_MOVE (6.8+)")                              \
	X(transparent_hugepage, "THP and MADV_COLLAPSE")                       \
	X(swap_device, "/dev/vmalock_swap0 and the swap/ directory")           \
	X(disk_device, "/dev/vmalock_disk0 and the disk/ directory")           \
	X(inject_folio_lock, "the folio_lock/ injector")                       \
	X(inject_migration, "the migration/ injector (needs migrate_vma)")

/*
 * (out) "target/faults": one "name value" line per counter, in this order.
 * X(name, meaning). Only user faults (FAULT_FLAG_USER) of the target's
 * threads are counted.
 */
#define VMB_FAULT_COUNTERS(X)                                                  \
	X(faults, "user faults of the target that reached handle_mm_fault()")  \
	X(vma_lock_attempt, "faults that began with lock_vma_under_rcu()")     \
	X(vma_lock_miss, "of those, first handle_mm_fault() under mmap_lock")  \
	X(vma_locked_done, "handled under the VMA lock, no retry")             \
	X(vma_lock_retry, "under the VMA lock, VM_FAULT_RETRY, fell back")     \
	X(mmap_lock_faults, "handle_mm_fault() calls under mmap_lock")         \
	X(retry, "handle_mm_fault() calls that returned VM_FAULT_RETRY")       \
	X(retry_after_tried, "VM_FAULT_RETRY on a call with FAULT_FLAG_TRIED") \
	X(completed, "handle_mm_fault() calls that returned VM_FAULT_COMPLETED") \
	X(major, "handle_mm_fault() calls that returned VM_FAULT_MAJOR")       \
	X(attempts_1, "faults that took one handle_mm_fault() call")           \
	X(attempts_2, "faults that took two calls")                            \
	X(attempts_3, "faults that took three calls")                          \
	X(attempts_4plus, "faults that took four calls or more")               \
	X(forced_miss, "VMA locks dropped because force_mmap_lock is 1")       \
	X(probe_missed, "force_mmap_lock kretprobe instances missed")          \
	X(slot_overflow, "faults not followed: no memory for a thread's state")

/*
 * (out) "target/mmap_lock": one "name value" line per field, in this
 * order. X(name, meaning). From the kernel's mmap_lock tracepoints, for
 * the target's threads locking the target's own mm: an acquisition is in
 * a fault when it happens between a user fault's begin and its end.
 * Waits run from mmap_lock_start_locking to mmap_lock_acquire_returned
 * (trylocks included, they wait ~0); the wait_* buckets count them all,
 * read and write, by log2 of the wait in microseconds.
 */
#define VMB_MMAP_LOCK_STATS(X)                                                 \
	X(read_in_fault, "read acquisitions in a fault of the target")         \
	X(read_outside, "read acquisitions outside faults (syscalls, GUP)")    \
	X(write_in_fault, "write acquisitions in a fault (stack expansion)")  \
	X(write_outside, "write acquisitions outside faults (mmap, munmap...)") \
	X(read_failed, "read attempts without the lock: trylock or killable")  \
	X(write_failed, "write attempts without the lock: trylock or killable") \
	X(read_wait_ns, "total ns from start_locking to acquire_returned, read") \
	X(write_wait_ns, "the same, write")                                    \
	X(write_hold_ns, "total ns the write lock was held (to unlock or downgrade)") \
	X(wait_lt_1us, "waits shorter than 1 us")                              \
	X(wait_1us, "waits of 1 us to under 2 us")                             \
	X(wait_2us, "waits of 2 us to under 4 us")                             \
	X(wait_4us, "waits of 4 us to under 8 us")                             \
	X(wait_8us, "waits of 8 us to under 16 us")                            \
	X(wait_16us, "waits of 16 us to under 32 us")                          \
	X(wait_32us, "waits of 32 us to under 64 us")                          \
	X(wait_64us, "waits of 64 us to under 128 us")                         \
	X(wait_128us, "waits of 128 us to under 256 us")                       \
	X(wait_256us, "waits of 256 us to under 512 us")                       \
	X(wait_512us, "waits of 512 us to under 1024 us")                      \
	X(wait_1024us, "waits of 1024 us to under 2048 us")                    \
	X(wait_2048us, "waits of 2048 us to under 4096 us")                    \
	X(wait_4096us, "waits of 4096 us to under 8192 us")                    \
	X(wait_8192us, "waits of 8192 us to under 16384 us")                   \
	X(wait_16384us, "waits of 16384 us to under 32768 us")                 \
	X(wait_32768us, "waits of 32768 us to under 65536 us")                 \
	X(wait_65536us, "waits of 65536 us to under 131072 us")                \
	X(wait_131072us, "waits of 131072 us to under 262144 us")              \
	X(wait_262144us, "waits of 262144 us to under 524288 us")              \
	X(wait_524288us, "waits of 524288 us to under 1048576 us")             \
	X(wait_ge_1048576us, "waits of 1048576 us (about 1.05 s) or more")

/*
 * The path a finished fault took, as reported by the vmalock_bench_fault
 * tracepoint.
 */
enum vmb_fault_path {
	VMB_PATH_VMA_LOCK = 0,	/* done under the VMA lock */
	VMB_PATH_VMA_THEN_MMAP = 1,	/* VMA lock, VM_FAULT_RETRY, then mmap_lock */
	VMB_PATH_MMAP_LOCK = 2,	/* mmap_lock only (miss, or no VMA lock) */
};

/* Limits of the injector knobs (common to folio_lock/ and migration/). */
#define VMB_LEN_MAX (64UL << 20)		/* bytes pinned or locked at most */
#define VMB_HOLD_US_MAX 10000000ULL	/* 10 s: below the hung-task timeout */
#define VMB_INTERVAL_US_MAX 10000000ULL
#define VMB_TIMES_MAX 1000000000LL	/* -1 means until disarmed */

/*
 * The swap device (swap/ directory, /dev/vmalock_swap0). Its size is the
 * module parameter swap_mb; delays and jitter are in microseconds.
 */
#define VMB_SWAP_DEV "/dev/vmalock_swap0"
#define VMB_SWAP_MB_DEFAULT 256		/* swap_mb when not given */
#define VMB_SWAP_MB_MAX (64U << 10)	/* 64 GiB: pages are allocated on write */
#define VMB_DELAY_US_MAX 10000000ULL	/* 10 s, also the bound of jitter_us */

/* (in) "swap/scope": whose I/O is delayed. X(name, meaning) */
#define VMB_SWAP_SCOPES(X)                                                     \
	X(all, "every bio")                                                    \
	X(target, "bios submitted by a thread of target/pid")

/* (out) "swap/stats": one "name value" line per counter, in this order. */
#define VMB_SWAP_STATS(X)                                                      \
	X(reads, "read bios and rw_page reads completed")                      \
	X(writes, "write bios and rw_page writes completed")                   \
	X(read_bytes, "bytes read")                                            \
	X(write_bytes, "bytes written")                                        \
	X(delayed, "reads and writes completed late (a delay applied)")       \
	X(inflight_max, "most delayed I/Os pending at once")                   \
	X(errors, "I/Os failed (no memory, unsupported operation)")

/*
 * The file disk (disk/ directory, /dev/vmalock_disk0): the same delayed
 * RAM disk as the swap device, made to carry a filesystem. Its size is
 * the module parameter disk_mb. disk/ has the knobs of swap/ (scope:
 * VMB_SWAP_SCOPES), and disk/stats the lines of swap/stats
 * (VMB_SWAP_STATS); only what sync_io means differs (docs/disk.md).
 */
#define VMB_DISK_DIR "disk"
#define VMB_DISK_DEV "/dev/vmalock_disk0"
#define VMB_DISK_MB_DEFAULT 256		/* disk_mb when not given */
#define VMB_DISK_MB_MAX (64U << 10)	/* 64 GiB: pages are allocated on write */

/* ---- injectors (inject.c, inj_*.c): begin ---- */
/* Directories of the two injectors; their knobs are in docs/injectors.md. */
#define VMB_INJ_FOLIO_LOCK_DIR "folio_lock"
#define VMB_INJ_MIGRATION_DIR "migration"

/* (in) "migration/mode": X(name, meaning) */
#define VMB_MIGRATION_MODES(X)                                                 \
	X(restore, "no destination: the entries go back to the same folios")  \
	X(move, "new folios, data copied: a real migration")

/*
 * (out) "<injector>/stats": one "name value" line per counter, in this
 * order. Zeroed when the injector is armed.
 */
#define VMB_INJ_STATS(X)                                                       \
	X(holds, "holds completed")                                            \
	X(folios_held, "folios locked (migration: entries installed), last hold") \
	X(folios_absent, "pages of the range with nothing to hold, last hold") \
	X(last_hold_us, "length of the last hold, as measured")                \
	X(errors, "holds that could not be set up")                            \
	X(last_error, "errno of the last error, 0 if none")                    \
	X(holding, "1 while a hold is in place")                               \
	X(hold_start_ns, "CLOCK_MONOTONIC time the current or last hold began") \
	X(hold_end_ns, "CLOCK_MONOTONIC time the last hold began its release") \
	X(cut_short, "holds ended early: the range was unmapped or moved")     \
	X(moved, "folios really migrated (mode move), last hold")              \
	X(folios_busy, "folios skipped: locked by another task, last hold")
/* ---- injectors: end ---- */

#endif /* _VMALOCK_BENCH_UAPI_H */
