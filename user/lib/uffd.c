// SPDX-License-Identifier: GPL-2.0
/* Opening and registering a userfaultfd; see uffd.h. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/uffd.h"

/* /dev/userfaultfd (5.11+), for when the syscall is refused. */
static int uffd_open_dev(int flags)
{
	int dev, fd;

	dev = open("/dev/userfaultfd", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -errno;
	fd = ioctl(dev, USERFAULTFD_IOC_NEW, flags);
	if (fd < 0)
		fd = -errno;
	close(dev);
	return fd;
}

/* The fd, or -errno; *sys_err the syscall's own error. */
static int uffd_open(int *sys_err)
{
	int fd;

	*sys_err = 0;
	fd = (int)syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (fd >= 0)
		return fd;
	*sys_err = -errno;
	return uffd_open_dev(O_CLOEXEC | O_NONBLOCK);
}

int vmb_uffd_probe(__u64 *features)
{
	struct uffdio_api api = { .api = UFFD_API };
	int fd, err;

	*features = 0;
	fd = uffd_open(&err);
	if (fd >= 0 && !ioctl(fd, UFFDIO_API, &api))
		*features = api.features;
	return fd;
}

int vmb_uffd_open(__u64 want_features, __u64 *got_features)
{
	struct uffdio_api api = { .api = UFFD_API, .features = want_features };
	int fd, err;

	fd = uffd_open(&err);
	if (fd < 0)
		return vmb_fail(fd,
				"userfaultfd(2) failed (%s) and so did /dev/userfaultfd: run as root or set vm.unprivileged_userfaultfd=1",
				strerror(-err));
	if (ioctl(fd, UFFDIO_API, &api)) {
		err = -errno;
		close(fd);
		return vmb_fail(err, "UFFDIO_API handshake");
	}
	if (got_features)
		*got_features = api.features;
	return fd;
}

int vmb_uffd_register_missing(int fd, void *addr, size_t len)
{
	struct uffdio_register reg = {
		.range = { .start = (unsigned long)addr, .len = len },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};

	if (ioctl(fd, UFFDIO_REGISTER, &reg))
		return vmb_fail(-errno, "UFFDIO_REGISTER of %zu bytes", len);
	return 0;
}
