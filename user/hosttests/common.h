/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the host tests share beyond the library and the tool's sources:
 * temporary files. Each returns 0 or -errno, for the test to assert.
 */
#ifndef VMB_HOSTTESTS_COMMON_H
#define VMB_HOSTTESTS_COMMON_H

#include <stddef.h>

/*
 * A path for a new file NAME in this run's temporary directory (it does
 * not exist yet). The directory is made before main() and removed, with
 * all in it, when the test binary exits, whatever the tests' outcomes:
 * the harness ends each test's process with _exit(), which runs no
 * atexit() handler, so the binary's first process owns the directory.
 */
int vmb_tmp_path(char *path, size_t size, const char *name);

/* DIR and everything in it, depth first; errors ignored. */
void vmb_rm_dir(const char *dir);

#endif /* VMB_HOSTTESTS_COMMON_H */
