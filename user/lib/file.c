// SPDX-License-Identifier: GPL-2.0
/* Whole-file reads and single writes; see file.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "lib/file.h"

int vmb_read_file(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (len + 1 < size) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			n = -errno;
			close(fd);
			return (int)n;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(fd);
	return (int)len;
}

int vmb_write_file_at(const char *path, const char *val, size_t len,
		      off_t off)
{
	ssize_t n;
	int fd, ret = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	/* Not pwrite(): seq_file files refuse it with ESPIPE. */
	if (off && lseek(fd, off, SEEK_SET) != off) {
		ret = -errno;
		close(fd);
		return ret;
	}
	n = write(fd, val, len);
	if (n < 0)
		ret = -errno;
	else if ((size_t)n != len)
		ret = -EIO;
	if (close(fd) && !ret)
		ret = -errno;
	return ret;
}

int vmb_write_file(const char *path, const char *val)
{
	return vmb_write_file_at(path, val, strlen(val), 0);
}
