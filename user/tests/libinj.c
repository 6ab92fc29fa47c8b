// SPDX-License-Identifier: GPL-2.0
/* Helpers for the injector tests; see libinj.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "libinj.h"
#include "libvmb.h"

#define VMB_STAT_NAME(name, ...) #name,
static const char *const stat_names[VMB_NR_INJ_STATS] = {
	VMB_INJ_STATS(VMB_STAT_NAME)
};

uint64_t vmb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

int vmb_join_ms(pthread_t th, int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return -pthread_timedjoin_np(th, NULL, &ts);
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

int64_t vmb_sleep_late_ns(uint64_t us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
	int slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
	uint64_t t;

	/* The timer's lateness, not the 50 us slack a task gets by default. */
	prctl(PR_SET_TIMERSLACK, 1, 0, 0, 0);
	t = vmb_now_ns();
	nanosleep(&ts, NULL);
	t = vmb_now_ns() - t;
	if (slack > 0)
		prctl(PR_SET_TIMERSLACK, slack, 0, 0, 0);
	return (int64_t)t - (int64_t)(us * 1000);
}

int vmb_cmp_s64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

int vmb_median_sleep_late_ns(uint64_t us, size_t n, int64_t *late)
{
	int64_t *lat;
	size_t i;

	if (!n)
		return -EINVAL;
	lat = calloc(n, sizeof(*lat));
	if (!lat)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		lat[i] = vmb_sleep_late_ns(us);
	qsort(lat, n, sizeof(*lat), vmb_cmp_s64);
	*late = lat[n / 2];
	free(lat);
	return 0;
}

long vmb_page_size(void)
{
	return sysconf(_SC_PAGESIZE);
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
	int flags = MAP_SHARED, ret;

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

int vmb_inj_write(const char *inj, const char *knob, const char *val)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "%s/%s", inj, knob);
	return vmb_write(rel, val);
}

int vmb_inj_read(const char *inj, const char *knob, char *buf, size_t size)
{
	char rel[64];

	snprintf(rel, sizeof(rel), "%s/%s", inj, knob);
	return vmb_read(rel, buf, size);
}

int vmb_inj_read_stats(const char *inj, struct vmb_inj_stats *s)
{
	char buf[2048], *line, *save, name[64];
	unsigned int i = 0;
	long long v;
	int ret;

	ret = vmb_inj_read(inj, "stats", buf, sizeof(buf));
	if (ret < 0)
		return ret;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), i++) {
		if (i >= VMB_NR_INJ_STATS ||
		    sscanf(line, "%63s %lld", name, &v) != 2 ||
		    strcmp(name, stat_names[i]))
			return -EPROTO;
		s->v[i] = v;
	}
	return i == VMB_NR_INJ_STATS ? 0 : -EPROTO;
}

int vmb_inj_setup(const char *inj, const void *addr, size_t len,
		  uint64_t hold_us, uint64_t interval_us, int64_t times)
{
	char buf[4][32];
	int ret;

	snprintf(buf[0], sizeof(buf[0]), "%p\n", addr);
	snprintf(buf[1], sizeof(buf[1]), "%zu\n", len);
	snprintf(buf[2], sizeof(buf[2]), "%" PRIu64 "\n", hold_us);
	snprintf(buf[3], sizeof(buf[3]), "%" PRIu64 "\n", interval_us);
	ret = vmb_inj_write(inj, "addr", buf[0]);
	if (!ret)
		ret = vmb_inj_write(inj, "len", buf[1]);
	if (!ret)
		ret = vmb_inj_write(inj, "hold_us", buf[2]);
	if (!ret)
		ret = vmb_inj_write(inj, "interval_us", buf[3]);
	if (!ret) {
		snprintf(buf[0], sizeof(buf[0]), "%" PRId64 "\n", times);
		ret = vmb_inj_write(inj, "times", buf[0]);
	}
	return ret;
}

int vmb_inj_arm(const char *inj)
{
	return vmb_inj_write(inj, "enable", "1\n");
}

int vmb_inj_disarm(const char *inj)
{
	return vmb_inj_write(inj, "enable", "0\n");
}

int vmb_inj_armed(const char *inj)
{
	char buf[16];
	int ret;

	ret = vmb_inj_read(inj, "enable", buf, sizeof(buf));
	if (ret < 0)
		return ret;
	return buf[0] == '1';
}

int vmb_inj_wait_holding(const char *inj, int timeout_ms, uint64_t *start_ns)
{
	uint64_t end = vmb_now_ns() + timeout_ms * 1000000ULL;
	struct vmb_inj_stats s;
	int ret;

	do {
		ret = vmb_inj_read_stats(inj, &s);
		if (ret)
			return ret;
		if (s.v[VMB_STAT_holding]) {
			*start_ns = s.v[VMB_STAT_hold_start_ns];
			return 0;
		}
		ret = vmb_inj_armed(inj);
		if (ret <= 0)
			return ret ? ret : -ENOENT;
	} while (vmb_now_ns() < end);
	return -ETIMEDOUT;
}

int vmb_inj_wait_disarmed(const char *inj, int timeout_ms)
{
	uint64_t end = vmb_now_ns() + timeout_ms * 1000000ULL;
	int ret;

	do {
		ret = vmb_inj_armed(inj);
		if (ret <= 0)
			return ret;
		usleep(1000);
	} while (vmb_now_ns() < end);
	return -ETIMEDOUT;
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
