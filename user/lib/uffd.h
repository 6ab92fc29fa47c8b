/* SPDX-License-Identifier: GPL-2.0 */
/*
 * userfaultfd helpers. Bookworm's /usr/include is 6.1-era and lacks
 * UFFDIO_MOVE (6.8): its ABI is defined here when the headers miss it, and
 * a kernel without it answers EINVAL or ENOTTY, which callers report as a
 * skip.
 */
#ifndef VMB_UFFD_H
#define VMB_UFFD_H

#include <linux/types.h>
#include <linux/userfaultfd.h>
#include <stddef.h>
#include <sys/ioctl.h>

#ifndef UFFD_FEATURE_MOVE
#define VMB_UFFD_FEATURE_MOVE (1 << 16)
#else
#define VMB_UFFD_FEATURE_MOVE UFFD_FEATURE_MOVE
#endif

#ifndef UFFDIO_MOVE
#define _UFFDIO_MOVE (0x05)
struct uffdio_move {
	__u64 dst;
	__u64 src;
	__u64 len;
#define UFFDIO_MOVE_MODE_DONTWAKE ((__u64)1 << 0)
#define UFFDIO_MOVE_MODE_ALLOW_SRC_HOLES ((__u64)1 << 1)
	__u64 mode;
	__s64 move;
};
#define UFFDIO_MOVE _IOWR(UFFDIO, _UFFDIO_MOVE, struct uffdio_move)
#endif

/*
 * A userfaultfd, without a word on failure: the syscall, then
 * /dev/userfaultfd (5.11+) when the syscall is refused, then the API
 * handshake. The fd or -errno; *features what UFFDIO_API reported (0 if
 * it failed).
 */
int vmb_uffd_probe(__u64 *features);
/* The same, asking for want_features; -errno with a message. */
int vmb_uffd_open(__u64 want_features, __u64 *got_features);
int vmb_uffd_register_missing(int fd, void *addr, size_t len);

#endif /* VMB_UFFD_H */
