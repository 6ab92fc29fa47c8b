/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A "trace-cmd record" of ours (the tool's --trace, the trace tests):
 * whether its per-CPU recorders are reading yet.
 */
#ifndef VMB_TRACECMD_H
#define VMB_TRACECMD_H

#include <sys/types.h>

/*
 * 1 when every per-CPU recorder (a child process per CPU) of trace-cmd
 * record PID waits in its read loop, 0 when one does not yet, -errno.
 * Until then a stop loses that CPU's events: see tracecmd.c.
 */
int vmb_tracecmd_recording(pid_t pid);

#endif /* VMB_TRACECMD_H */
