/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's files, by their path under its debugfs directory (take it
 * from vmb_knobs[], VMB_KNOB() or vmb_inj_path()). The plain forms return
 * 0 (or a length) and -errno, so that a test can assert the exact errno a
 * bad write must get; the vmb_knob_* forms also record a message naming
 * the file for the tool to print.
 */
#ifndef VMB_KNOB_H
#define VMB_KNOB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/base.h"

/* The module's directory: VMB_DEBUGFS_PATH unless set (--debugfs). */
void vmb_set_dir(const char *dir);
const char *vmb_dir(void);

/* dir/rel into buf: 0, or -ENAMETOOLONG. */
int vmb_path(const char *rel, char *buf, size_t size);
bool vmb_exists(const char *rel);
/* Whole-file read, NUL-terminated; returns the length. */
int vmb_read(const char *rel, char *buf, size_t size);
/* One write() of len bytes at file offset off (lseek first). */
int vmb_write_at(const char *rel, const char *val, size_t len, off_t off);
int vmb_write(const char *rel, const char *val);
/* a then b, two write()s on one open file: the first error, or 0. */
int vmb_write_split(const char *rel, const char *a, const char *b);
int vmb_read_u64(const char *rel, uint64_t *v);
int vmb_write_u64(const char *rel, uint64_t v);

/* vmb_write() that records "cannot write VAL to PATH" on failure. */
int vmb_knob_write(const char *rel, const char *val);
int vmb_knob_writef(const char *rel, const char *fmt, ...) VMB_PRINTF(2, 3);

/*
 * A "name value" file (target/faults, <injector>/stats, swap/stats):
 * vals[i] gets the value of names[i], negative values as their two's
 * complement (read them back as int64_t). With have NULL the lines must
 * be names, exactly and in order (-EPROTO otherwise): what the tests
 * check. Otherwise lines are matched by name, unknown ones are skipped
 * (a newer module), and *have gets bit i for each names[i] found.
 */
int vmb_parse_stats(const char *text, const char *const *names,
		    unsigned int n, uint64_t *vals, uint64_t *have);
/* rel read and parsed as above, strictly. */
int vmb_read_stats(const char *rel, const char *const *names,
		   unsigned int n, uint64_t *vals);

/* A line of the "knobs" file: path type mode default min max live help. */
struct vmb_knob_line {
	char path[64];
	char type[8];
	unsigned int mode;
	char def[32], min[32], max[32];	/* "-" for a show file */
	int live;			/* -1 for a show file */
};

/* The "knobs" file, at most max lines: their number, or -errno. */
int vmb_read_knobs(struct vmb_knob_line *k, int max);

#endif /* VMB_KNOB_H */
