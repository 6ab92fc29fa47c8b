/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Processes by /proc: the children of one (exec's target, trace-cmd
 * record's per-CPU recorders).
 */
#ifndef VMB_PROC_H
#define VMB_PROC_H

#include <sys/types.h>

/*
 * The processes whose parent is pid, at most max of them into kids: from
 * /proc/PID/task/TID/children of each of its threads
 * (CONFIG_PROC_CHILDREN), or, on a kernel without those files (the
 * bench's own kernels, defconfig), every process whose /proc/N/stat names
 * pid as its parent. How many; -errno when pid has no /proc entry.
 */
int vmb_proc_children(pid_t pid, pid_t *kids, int max);

#endif /* VMB_PROC_H */
