/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory to fault on: the mappings the tests hold an injector over, the
 * anonymous ones the tool faults in, and what to check them with. Every
 * function returns 0 (or a count) on success and -errno on failure.
 */
#ifndef VMB_MAP_H
#define VMB_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What Bookworm's headers (6.1-era) may lack. */
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif
#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25
#endif

long vmb_page_size(void);

/*
 * len bytes of private anonymous memory, MADV_NOHUGEPAGE if nohuge (one
 * fault per page), nothing populated; with a message on failure.
 */
int vmb_map_anon(size_t len, bool nohuge, char **out);
/*
 * MADV_PAGEOUT of [p, p + len) from every CPU this thread may run on, one
 * after another (map.c says why), the affinity put back: 0 or -errno.
 */
int vmb_pageout(void *p, size_t len);
/*
 * fn(arg) on every CPU this thread may run on, one after another, pinned
 * to each, until one fails; the affinity put back: 0 or the first -errno.
 */
int vmb_each_cpu(int (*fn)(void *arg), void *arg);
/* Touch npages pages of a fresh, non-THP anonymous mapping. */
int vmb_fault_anon(size_t npages, void **mem);

enum vmb_map_type {
	VMB_MAP_ANON,	/* MAP_PRIVATE | MAP_ANONYMOUS */
	VMB_MAP_MEMFD,	/* MAP_SHARED of a memfd: shmem */
	VMB_MAP_TMPFS,	/* MAP_SHARED of a file on a tmpfs we mount */
	VMB_MAP_RAMFS,	/* MAP_SHARED of a file on ramfs: filemap_fault() */
	VMB_MAP_NR
};

extern const char *const vmb_map_names[VMB_MAP_NR];

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
/* PFN of the page at addr from /proc/self/pagemap (root), 0 if none. */
int vmb_pfn(const void *addr, uint64_t *pfn);

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

#endif /* VMB_MAP_H */
