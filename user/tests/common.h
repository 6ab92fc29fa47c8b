/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the in-VM tests share beyond the library (user/lib): what they
 * tell their runner, and the commands they run.
 */
#ifndef VMB_TESTS_COMMON_H
#define VMB_TESTS_COMMON_H

#include <stdint.h>

/*
 * Add n to a run-wide count (knob_writes, lifecycle_cases,
 * bytes_verified): appended to VMB_TALLY_FILE, which run-tests empties
 * before the first test and sums after the last.
 */
#define VMB_TALLY_FILE "/tmp/vmb-tally"
void vmb_tally(const char *what, uint64_t n);

/* system(cmd): its exit status, 128 if killed, -errno if not run. */
int vmb_system(const char *cmd);

#endif /* VMB_TESTS_COMMON_H */
