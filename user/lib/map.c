// SPDX-License-Identifier: GPL-2.0
/* Mappings to fault on; see map.h. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/error.h"
#include "lib/map.h"

const char *const vmb_map_names[VMB_MAP_NR] = {
	[VMB_MAP_ANON] = "anon", [VMB_MAP_MEMFD] = "memfd",
	[VMB_MAP_TMPFS] = "tmpfs", [VMB_MAP_RAMFS] = "ramfs",
};

long vmb_page_size(void)
{
	long p = sysconf(_SC_PAGESIZE);

	return p > 0 ? p : 4096;
}

int vmb_map_anon(size_t len, bool nohuge, char **out)
{
	void *p;

	p = mmap(NULL, len, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return vmb_fail(-errno, "mmap of %zu bytes of anonymous memory",
				len);
	/* One fault per page: no THP may back a counted region. */
	if (nohuge && madvise(p, len, MADV_NOHUGEPAGE)) {
		int ret = -errno;

		munmap(p, len);
		return vmb_fail(ret, "madvise(MADV_NOHUGEPAGE)");
	}
	*out = p;
	return 0;
}

int vmb_fault_anon(size_t npages, void **mem)
{
	size_t page = (size_t)vmb_page_size(), i;
	char *p;
	int ret;

	ret = vmb_map_anon(npages * page, true, &p);
	if (ret)
		return ret;
	/* One fault per page: no THP, no fault-around for anon. */
	for (i = 0; i < npages; i++)
		((volatile char *)p)[i * page] = 1;
	*mem = p;
	return 0;
}

static int map_file(struct vmb_map *m, const char *fstype)
{
	char path[128];
	int ret;

	snprintf(m->dir, sizeof(m->dir), "/tmp/vmb-%s-%d", fstype, getpid());
	if (mkdir(m->dir, 0700) && errno != EEXIST)
		return -errno;
	if (mount("vmb", m->dir, fstype, 0, NULL)) {
		ret = -errno;
		rmdir(m->dir);
		m->dir[0] = '\0';
		return ret;
	}
	snprintf(path, sizeof(path), "%s/file", m->dir);
	m->fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (m->fd < 0)
		return -errno;
	return 0;
}

int vmb_map_create(struct vmb_map *m, enum vmb_map_type type, size_t npages)
{
	int flags = MAP_SHARED, ret = -EINVAL;

	memset(m, 0, sizeof(*m));
	m->type = type;
	m->fd = -1;
	m->len = npages * vmb_page_size();
	switch (type) {
	case VMB_MAP_ANON:
		flags = MAP_PRIVATE | MAP_ANONYMOUS;
		break;
	case VMB_MAP_MEMFD:
		m->fd = memfd_create("vmb", 0);
		if (m->fd < 0)
			return -errno;
		break;
	case VMB_MAP_TMPFS:
		ret = map_file(m, "tmpfs");
		if (ret)
			goto err;
		break;
	case VMB_MAP_RAMFS:
		ret = map_file(m, "ramfs");
		if (ret)
			goto err;
		break;
	default:
		goto err;
	}
	if (m->fd >= 0 && ftruncate(m->fd, m->len)) {
		ret = -errno;
		goto err;
	}
	m->mem = mmap(NULL, m->len, PROT_READ | PROT_WRITE, flags, m->fd, 0);
	if (m->mem == MAP_FAILED) {
		ret = -errno;
		m->mem = NULL;
		goto err;
	}
	/* One folio per page: the counts in stats are then pages. */
	if (madvise(m->mem, m->len, MADV_NOHUGEPAGE)) {
		ret = -errno;
		goto err;
	}
	return 0;
err:
	vmb_map_destroy(m);
	return ret;
}

void vmb_map_destroy(struct vmb_map *m)
{
	if (m->mem)
		munmap(m->mem, m->len);
	m->mem = NULL;
	if (m->fd >= 0)
		close(m->fd);
	m->fd = -1;
	if (m->dir[0]) {
		umount2(m->dir, MNT_DETACH);
		rmdir(m->dir);
		m->dir[0] = '\0';
	}
}

static char page_byte(size_t i)
{
	return (char)(0x5a ^ (i * 7));
}

void vmb_map_fill(struct vmb_map *m, size_t first, size_t n)
{
	long page = vmb_page_size();
	size_t i;

	for (i = first; i < first + n; i++)
		memset(m->mem + i * page, page_byte(i), page);
}

size_t vmb_map_check(const char *mem, size_t first, size_t n)
{
	long page = vmb_page_size();
	size_t i;
	long j;

	for (i = first; i < first + n; i++)
		for (j = 0; j < page; j++)
			if (mem[i * page + j] != page_byte(i))
				return i + 1;
	return 0;
}

uint64_t vmb_map_touch_ns(const char *mem, size_t i)
{
	volatile const char *p = mem + i * vmb_page_size();
	uint64_t t0 = vmb_now_ns();

	(void)*p;
	return vmb_now_ns() - t0;
}

int vmb_pfn(const void *addr, uint64_t *pfn)
{
	uint64_t ent;
	off_t off = (uintptr_t)addr / vmb_page_size() * sizeof(ent);
	int fd, ret = 0;

	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0)
		return -errno;
	if (pread(fd, &ent, sizeof(ent), off) != sizeof(ent))
		ret = -EIO;
	close(fd);
	if (ret)
		return ret;
	/* Bit 63: present; bits 0-54: the PFN (0 without CAP_SYS_ADMIN). */
	*pfn = (ent >> 63) ? ent & ((1ULL << 55) - 1) : 0;
	return 0;
}

void *vmb_munmap_thread(void *job)
{
	struct vmb_unmap_job *u = job;

	u->err = munmap(u->mem, u->len) ? -errno : 0;
	u->done_ns = vmb_now_ns();
	return NULL;
}

int vmb_munmap_elsewhere(void *mem, size_t len, int ms)
{
	/* On the heap: a stuck thread outlives this call. */
	struct vmb_unmap_job *u = calloc(1, sizeof(*u));
	pthread_t th;
	int ret;

	if (!u)
		return -ENOMEM;
	u->mem = mem;
	u->len = len;
	ret = -pthread_create(&th, NULL, vmb_munmap_thread, u);
	if (!ret)
		ret = vmb_join_ms(th, ms);
	if (ret == -ETIMEDOUT)
		return ret;	/* u is the stuck thread's now */
	if (!ret)
		ret = u->err;
	free(u);
	return ret;
}

/*
 * MADV_PAGEOUT reclaims only folios on the LRU: one still in a CPU's
 * folio batch (lru_add) is skipped, and madvise_pageout() drains only
 * the calling CPU's batch (lru_add_drain()). A page faulted in on
 * another CPU stays resident that way (16368 and 16378 of 16384 pages in
 * two runs of swap_test). So the range is paged out from every CPU the
 * thread may run on: each call drains its own CPU's batch first.
 */
static int pageout_here(char *p, size_t len)
{
	size_t chunk = 4UL << 20, off, n;

	for (off = 0; off < len; off += n) {
		n = len - off < chunk ? len - off : chunk;
		if (madvise(p + off, n, MADV_PAGEOUT))
			return -errno;
	}
	return 0;
}

int vmb_each_cpu(int (*fn)(void *arg), void *arg)
{
	cpu_set_t all, one;
	int cpu, ret = 0;

	if (sched_getaffinity(0, sizeof(all), &all))
		return -errno;
	for (cpu = 0; cpu < CPU_SETSIZE && !ret; cpu++) {
		if (!CPU_ISSET(cpu, &all))
			continue;
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		if (sched_setaffinity(0, sizeof(one), &one))
			ret = -errno;
		else
			ret = fn(arg);
	}
	if (sched_setaffinity(0, sizeof(all), &all) && !ret)
		ret = -errno;
	return ret;
}

struct pageout_arg {
	char *p;
	size_t len;
};

static int pageout_cpu(void *arg)
{
	struct pageout_arg *a = arg;

	return pageout_here(a->p, a->len);
}

int vmb_pageout(void *p, size_t len)
{
	struct pageout_arg a = { p, len };

	return vmb_each_cpu(pageout_cpu, &a);
}
