// SPDX-License-Identifier: GPL-2.0
/* The swap device; see swap.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <unistd.h>

#include "lib/disk.h"
#include "lib/file.h"
#include "lib/knob.h"
#include "lib/map.h"
#include "lib/swap.h"

/* The first line of path into buf (NUL-terminated), or -errno. */
static int read_line(const char *path, char *buf, size_t size)
{
	int n = vmb_read_file(path, buf, size);

	if (n < 0) {
		buf[0] = '\0';
		return n;
	}
	return 0;
}

int vmb_swap_env_save(struct vmb_swap_env *e)
{
	int ret;

	e->page_cluster[0] = '\0';
	if (!read_line(VMB_ZSWAP_ENABLED, e->zswap, sizeof(e->zswap))) {
		ret = vmb_write_file(VMB_ZSWAP_ENABLED, "N");
		if (ret)
			return ret;
	}
	return read_line(VMB_PAGE_CLUSTER, e->page_cluster,
			 sizeof(e->page_cluster));
}

int vmb_swap_env_restore(const struct vmb_swap_env *e)
{
	int ret = 0, r;

	if (e->page_cluster[0])
		ret = vmb_write_file(VMB_PAGE_CLUSTER, e->page_cluster);
	if (e->zswap[0]) {
		r = vmb_write_file(VMB_ZSWAP_ENABLED, e->zswap);
		if (!ret)
			ret = r;
	}
	return ret;
}

/* swap/ is one of the delayed disks: disk.c reads and sets them all. */
int vmb_swap_read_stats(struct vmb_swap_stats *s)
{
	return vmb_rdisk_read_stats("swap", s);
}

int vmb_swap_disarm(void)
{
	return vmb_rdisk_disarm("swap");
}

int vmb_swap_mkswap(const char *dev)
{
	struct {
		char bootbits[1024];
		uint32_t version, last_page, nr_badpages;
		unsigned char uuid[16];
		char volume_name[16];
	} *hdr;
	long page_size = vmb_page_size();
	struct stat st;
	off_t size;
	char *page;
	int fd, ret = 0;

	fd = open(dev, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		ret = -errno;
		goto out;
	}
	if (!S_ISBLK(st.st_mode)) {
		ret = -ENOTBLK;
		goto out;
	}
	size = lseek(fd, 0, SEEK_END);
	if (size < 0) {
		ret = -errno;
		goto out;
	}
	/* A header page and some to swap to. */
	if (size < 16 * page_size) {
		ret = -ENOSPC;
		goto out;
	}
	page = calloc(1, page_size);
	if (!page) {
		ret = -ENOMEM;
		goto out;
	}
	hdr = (void *)page;
	hdr->version = 1;
	hdr->last_page = size / page_size - 1;
	memcpy(hdr->uuid, "vmalock-bench-sw", 16);
	memcpy(page + page_size - 10, "SWAPSPACE2", 10);
	errno = 0;
	if (pwrite(fd, page, page_size, 0) != page_size)
		ret = errno ? -errno : -EIO;
	else if (fsync(fd))
		ret = -errno;
	free(page);
out:
	close(fd);
	return ret;
}

int vmb_swap_on(int flags)
{
	int ret = vmb_swap_mkswap(VMB_SWAP_DEV);

	if (ret)
		return ret;
	if (swapon(VMB_SWAP_DEV, SWAP_FLAG_PREFER | flags |
				 (32767 << SWAP_FLAG_PRIO_SHIFT)))
		return -errno;
	return 0;
}

int vmb_swap_off(void)
{
	return swapoff(VMB_SWAP_DEV) ? -errno : 0;
}
