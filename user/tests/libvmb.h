/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the in-VM tests: every one returns 0 (or a count) on
 * success and -errno on failure, so a test can assert the exact errno a
 * bad write must get.
 */
#ifndef _LIBVMB_H
#define _LIBVMB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "vmalock_bench_uapi.h"

#define VMB_CTR_ENUM(name, ...) VMB_CTR_##name,
enum vmb_counter {
	VMB_FAULT_COUNTERS(VMB_CTR_ENUM)
	VMB_NR_COUNTERS
};

struct vmb_faults {
	uint64_t v[VMB_NR_COUNTERS];
};

extern const char *const vmb_counter_names[VMB_NR_COUNTERS];

/* Paths are relative to VMB_DEBUGFS_PATH, e.g. "target/pid". */
int vmb_path(const char *rel, char *buf, size_t size);
/* Whole-file read, NUL-terminated; returns the length. */
int vmb_read(const char *rel, char *buf, size_t size);
/* One write() of len bytes at file offset off (lseek first). */
int vmb_write_at(const char *rel, const char *val, size_t len, off_t off);
int vmb_write(const char *rel, const char *val);
/* a then b, two write()s on one open file: the first error, or 0. */
int vmb_write_split(const char *rel, const char *a, const char *b);
int vmb_read_u64(const char *rel, uint64_t *v);
int vmb_write_u64(const char *rel, uint64_t v);

/* 0 if the module's debugfs directory is there. */
int vmb_loaded(void);
/* 1 if "features" lists name, 0 if not, -errno if unreadable. */
int vmb_has_feature(const char *name);

int vmb_set_target(pid_t pid);
int vmb_reset(void);
/* Parse target/faults; -EPROTO if a line is not the expected counter. */
int vmb_read_faults(struct vmb_faults *f);
/*
 * Add n to a run-wide count (knob_writes, lifecycle_cases,
 * bytes_verified): appended to VMB_TALLY_FILE, which run-tests empties
 * before the first test and sums after the last.
 */
#define VMB_TALLY_FILE "/tmp/vmb-tally"
void vmb_tally(const char *what, uint64_t n);

/* Touch npages pages of a fresh, non-THP anonymous mapping. */
int vmb_fault_anon(size_t npages, void **mem);

#endif /* _LIBVMB_H */
