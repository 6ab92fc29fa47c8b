// SPDX-License-Identifier: GPL-2.0
/* Helpers for the swap device tests; see libswap.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <unistd.h>

#include "libdisk.h"
#include "libinj.h"
#include "libswap.h"
#include "libvmb.h"

int vmb_file_read(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0) {
		n = -errno;
		close(fd);
		return n;
	}
	close(fd);
	buf[n] = '\0';
	return 0;
}

int vmb_file_write(const char *path, const char *val)
{
	ssize_t n;
	int fd = open(path, O_WRONLY), ret;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	ret = n < 0 ? -errno : (size_t)n != strlen(val) ? -EIO : 0;
	close(fd);
	return ret;
}

int vmb_swap_env_save(struct vmb_swap_env *e)
{
	int ret;

	e->page_cluster[0] = e->zswap[0] = '\0';
	if (!vmb_file_read(VMB_ZSWAP_ENABLED, e->zswap, sizeof(e->zswap))) {
		ret = vmb_file_write(VMB_ZSWAP_ENABLED, "N");
		if (ret)
			return ret;
	}
	return vmb_file_read(VMB_PAGE_CLUSTER, e->page_cluster,
			     sizeof(e->page_cluster));
}

int vmb_swap_env_restore(const struct vmb_swap_env *e)
{
	int ret = 0, r;

	if (e->page_cluster[0])
		ret = vmb_file_write(VMB_PAGE_CLUSTER, e->page_cluster);
	if (e->zswap[0]) {
		r = vmb_file_write(VMB_ZSWAP_ENABLED, e->zswap);
		if (!ret)
			ret = r;
	}
	return ret;
}

/* swap/ is one of the delayed disks: libdisk.c reads and sets them all. */
int vmb_swap_read_stats(struct vmb_swap_stats *s)
{
	return vmb_rdisk_read_stats("swap", s);
}

int vmb_swap_set(const char *knob, uint64_t v)
{
	return vmb_rdisk_set("swap", knob, v);
}

int vmb_swap_disarm(void)
{
	return vmb_rdisk_disarm("swap");
}

/*
 * mkswap: a version 1 swap header in the first page of the device,
 * written through the block device's page cache, which swapon reads.
 */
static int swap_mkswap(const char *dev)
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

	fd = open(dev, O_RDWR);
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
	if (size <= 0) {
		ret = size < 0 ? -errno : -EIO;
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
	int ret = swap_mkswap(VMB_SWAP_DEV);

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
