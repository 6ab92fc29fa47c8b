/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the injector tests (folio_lock_test, migration_test): the
 * mappings they hold, the injector's knobs and stats, timing. Every one
 * returns 0 (or a count) on success and -errno on failure.
 */
#ifndef _LIBINJ_H
#define _LIBINJ_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "vmalock_bench_uapi.h"

enum vmb_map_type {
	VMB_MAP_ANON,	/* MAP_PRIVATE | MAP_ANONYMOUS */
	VMB_MAP_MEMFD,	/* MAP_SHARED of a memfd: shmem */
	VMB_MAP_TMPFS,	/* MAP_SHARED of a file on a tmpfs we mount */
	VMB_MAP_RAMFS,	/* MAP_SHARED of a file on ramfs: filemap_fault() */
};

struct vmb_map {
	enum vmb_map_type type;
	char *mem;
	size_t len;
	int fd;
	char dir[64];	/* our mount point, "" if none */
};

/* A mapping of npages, MADV_NOHUGEPAGE, nothing populated. */
int vmb_map_create(struct vmb_map *m, enum vmb_map_type type, size_t npages);
void vmb_map_destroy(struct vmb_map *m);
/* Write a byte derived from the page number into pages [first, first+n). */
void vmb_map_fill(struct vmb_map *m, size_t first, size_t n);
/* 0 if the pages hold what vmb_map_fill() wrote, else 1 + the first bad. */
size_t vmb_map_check(const char *mem, size_t first, size_t n);
/* A read of one byte of page i, timed: returns the ns it took. */
uint64_t vmb_map_touch_ns(const char *mem, size_t i);

#define VMB_STAT_ENUM(name, ...) VMB_STAT_##name,
enum vmb_inj_stat {
	VMB_INJ_STATS(VMB_STAT_ENUM)
	VMB_NR_INJ_STATS
};

struct vmb_inj_stats {
	int64_t v[VMB_NR_INJ_STATS];
};

uint64_t vmb_now_ns(void);
long vmb_page_size(void);
/* pthread_join() within ms: 0, or -ETIMEDOUT with the thread left. */
int vmb_join_ms(pthread_t th, int ms);

/* A munmap() for a thread of its own: vmb_munmap_thread(job). */
struct vmb_unmap_job {
	void *mem;
	size_t len;
	int err;		/* 0 or munmap()'s -errno */
	uint64_t done_ns;	/* CLOCK_MONOTONIC when it returned */
};
void *vmb_munmap_thread(void *job);
/*
 * munmap() from another thread, within ms: munmap() write-locks the VMA,
 * so a VMA read lock or mmap_lock left held makes it hang. 0, munmap()'s
 * -errno, or -ETIMEDOUT (the thread is left behind, stuck).
 */
int vmb_munmap_elsewhere(void *mem, size_t len, int ms);
/* qsort() order of int64_t. */
int vmb_cmp_s64(const void *a, const void *b);
/*
 * The platform's own timer precision: how much later than us microseconds
 * a nanosleep(us) returns, in ns; the median of n with the _median form.
 * Nothing in the kernel can time a hold or a delay better than this.
 */
int64_t vmb_sleep_late_ns(uint64_t us);
int vmb_median_sleep_late_ns(uint64_t us, size_t n, int64_t *late);

/* "inj/knob" := val, one write. */
int vmb_inj_write(const char *inj, const char *knob, const char *val);
int vmb_inj_read(const char *inj, const char *knob, char *buf, size_t size);
int vmb_inj_read_stats(const char *inj, struct vmb_inj_stats *s);
/* Disarmed: addr, len, hold_us, interval_us, times, in that order. */
int vmb_inj_setup(const char *inj, const void *addr, size_t len,
		  uint64_t hold_us, uint64_t interval_us, int64_t times);
int vmb_inj_arm(const char *inj);
int vmb_inj_disarm(const char *inj);
/* 1 if enable reads 1, 0 if it reads 0. */
int vmb_inj_armed(const char *inj);
/*
 * Wait until a hold is in place (the start of the hold in *start_ns,
 * CLOCK_MONOTONIC) or until the injector disarmed itself (-ENOENT);
 * -ETIMEDOUT after timeout_ms.
 */
int vmb_inj_wait_holding(const char *inj, int timeout_ms, uint64_t *start_ns);
/* Wait until enable reads 0; -ETIMEDOUT after timeout_ms. */
int vmb_inj_wait_disarmed(const char *inj, int timeout_ms);
/* PFN of the page at addr from /proc/self/pagemap (root), 0 if none. */
int vmb_pfn(const void *addr, uint64_t *pfn);

#endif /* _LIBINJ_H */
