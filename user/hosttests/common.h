/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the host tests share beyond the library and the tool's sources:
 * temporary files, a command's stdout, where the test's data and the
 * checkout are, and a command line parsed. Each returns 0 (or the text)
 * or -errno (NULL), for the test to assert.
 */
#ifndef VMB_HOSTTESTS_COMMON_H
#define VMB_HOSTTESTS_COMMON_H

#include <stddef.h>

struct vmb_opts;

/*
 * A path for a new file NAME in this run's temporary directory (it does
 * not exist yet). The directory is made before main() and removed, with
 * all in it, when the test binary exits, whatever the tests' outcomes:
 * the harness ends each test's process with _exit(), which runs no
 * atexit() handler, so the binary's first process owns the directory.
 */
int vmb_tmp_path(char *path, size_t size, const char *name);

/*
 * cmd(o) with its stdout in a temporary file: cmd's result, or -errno if
 * stdout could not be redirected. With out, the text written, in *out
 * (malloc'd; NULL if it cannot be read back).
 */
int vmb_capture(int (*cmd)(const struct vmb_opts *o),
		const struct vmb_opts *o, char **out);

/* The whole file, NUL-terminated and malloc'd; NULL if unreadable. */
char *vmb_read_all(const char *path);

/* data/NAME next to this binary, wherever the test is run from. */
int vmb_data_path(char *buf, size_t size, const char *name);

/* The checkout this binary was built in: two folders above its own. */
int vmb_top_dir(char *buf, size_t size);

/* "vmalock-bench ARG..." as argv (NULL-terminated) and as argc. */
#define ARGS(...) ((char *[]){ "vmalock-bench", __VA_ARGS__, NULL })
#define NARGS(...) (int)(sizeof((char *[]){ "vmalock-bench", __VA_ARGS__ }) / sizeof(char *))
/* vmb_parse_args() of "vmalock-bench ARG..." into *o. */
#define PARSE(o, ...) vmb_parse(o, NARGS(__VA_ARGS__), ARGS(__VA_ARGS__))

/* vmb_parse_args() after vmb_clear_error(): vmb_errmsg() is its own. */
int vmb_parse(struct vmb_opts *o, int argc, char **argv);

/* DIR and everything in it, depth first; errors ignored. */
void vmb_rm_dir(const char *dir);

#endif /* VMB_HOSTTESTS_COMMON_H */
