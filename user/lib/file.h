/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whole files by path: the module's knobs (knob.h builds on these), and
 * the sysctls and sysfs files around them. -errno on failure.
 */
#ifndef VMB_FILE_H
#define VMB_FILE_H

#include <stddef.h>
#include <sys/types.h>

/* The whole file, NUL-terminated (at most size - 1 bytes): its length. */
int vmb_read_file(const char *path, char *buf, size_t size);
/* val in one write(): 0. */
int vmb_write_file(const char *path, const char *val);
/* len bytes of val in one write() at offset off (lseek first): 0. */
int vmb_write_file_at(const char *path, const char *val, size_t len,
		      off_t off);

#endif /* VMB_FILE_H */
