// SPDX-License-Identifier: GPL-2.0
/* Helpers for the in-VM tests; see libvmb.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libvmb.h"

#define VMB_CTR_NAME(name, ...) #name,
const char *const vmb_counter_names[VMB_NR_COUNTERS] = {
	VMB_FAULT_COUNTERS(VMB_CTR_NAME)
};

int vmb_path(const char *rel, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/%s", VMB_DEBUGFS_PATH, rel);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* Open the module's file rel: the fd, or -errno. */
static int vmb_open(const char *rel, int flags)
{
	char path[256];
	int fd;

	fd = vmb_path(rel, path, sizeof(path));
	if (fd)
		return fd;
	fd = open(path, flags);
	return fd < 0 ? -errno : fd;
}

int vmb_read(const char *rel, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd, ret;

	fd = vmb_open(rel, O_RDONLY);
	if (fd < 0)
		return fd;
	while (len + 1 < size) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0) {
			ret = -errno;
			close(fd);
			return ret;
		}
		if (!n)
			break;
		len += n;
	}
	close(fd);
	buf[len] = '\0';
	return len;
}

int vmb_write_at(const char *rel, const char *val, size_t len, off_t off)
{
	ssize_t n;
	int fd, ret;

	fd = vmb_open(rel, O_WRONLY);
	if (fd < 0)
		return fd;
	/* Not pwrite(): seq_file files refuse it with ESPIPE. */
	if (off && lseek(fd, off, SEEK_SET) != off) {
		ret = -errno;
		close(fd);
		return ret;
	}
	n = write(fd, val, len);
	ret = n < 0 ? -errno : (size_t)n != len ? -EIO : 0;
	close(fd);
	return ret;
}

int vmb_write(const char *rel, const char *val)
{
	return vmb_write_at(rel, val, strlen(val), 0);
}

int vmb_write_split(const char *rel, const char *a, const char *b)
{
	const char *part[2] = { a, b };
	int fd, i, ret = 0;

	fd = vmb_open(rel, O_WRONLY);
	if (fd < 0)
		return fd;
	for (i = 0; i < 2 && !ret; i++) {
		errno = 0;
		if (write(fd, part[i], strlen(part[i])) !=
		    (ssize_t)strlen(part[i]))
			ret = errno ? -errno : -EIO;
	}
	close(fd);
	return ret;
}

int vmb_read_u64(const char *rel, uint64_t *v)
{
	char buf[64], *end;
	int ret;

	ret = vmb_read(rel, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	errno = 0;
	*v = strtoull(buf, &end, 0);
	if (errno || end == buf || strcmp(end, "\n"))
		return -EPROTO;
	return 0;
}

int vmb_write_u64(const char *rel, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64 "\n", v);
	return vmb_write(rel, buf);
}

int vmb_loaded(void)
{
	return access(VMB_DEBUGFS_PATH, F_OK) ? -errno : 0;
}

int vmb_has_feature(const char *name)
{
	char buf[4096], *line, *save;
	int ret;

	ret = vmb_read("features", buf, sizeof(buf));
	if (ret < 0)
		return ret;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (!strcmp(line, name))
			return 1;
	return 0;
}

int vmb_set_target(pid_t pid)
{
	return vmb_write_u64("target/pid", pid);
}

int vmb_reset(void)
{
	return vmb_write("target/reset", "1\n");
}

int vmb_read_faults(struct vmb_faults *f)
{
	char buf[4096], *line, *save, name[64];
	unsigned int i = 0;
	uint64_t v;
	int ret;

	ret = vmb_read("target/faults", buf, sizeof(buf));
	if (ret < 0)
		return ret;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), i++) {
		if (i >= VMB_NR_COUNTERS ||
		    sscanf(line, "%63s %" SCNu64, name, &v) != 2 ||
		    strcmp(name, vmb_counter_names[i]))
			return -EPROTO;
		f->v[i] = v;
	}
	return i == VMB_NR_COUNTERS ? 0 : -EPROTO;
}

void vmb_tally(const char *what, uint64_t n)
{
	FILE *f = fopen(VMB_TALLY_FILE, "a");

	if (!f)
		return;
	fprintf(f, "%s %" PRIu64 "\n", what, n);
	fclose(f);
}

int vmb_fault_anon(size_t npages, void **mem)
{
	long page = sysconf(_SC_PAGESIZE);
	volatile char *p;
	size_t i;

	p = mmap(NULL, npages * page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	/* One fault per page: no THP, no fault-around for anon. */
	if (madvise((void *)p, npages * page, MADV_NOHUGEPAGE)) {
		int ret = -errno;

		munmap((void *)p, npages * page);
		return ret;
	}
	for (i = 0; i < npages; i++)
		p[i * page] = 1;
	*mem = (void *)p;
	return 0;
}
