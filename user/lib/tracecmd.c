// SPDX-License-Identifier: GPL-2.0
/*
 * trace-cmd record (3.1, Debian 12's) starts a recorder per CPU, a child
 * process that sets its SIGUSR1 handler, opens its trace_pipe_raw and
 * only then enters the loop that ends, on SIGUSR1, in a flush of what is
 * left in its buffer. trace-cmd turns tracing_on on right after the
 * forks, without waiting for them, and stops on SIGINT by sending each
 * recorder SIGUSR1: one that is not in its loop yet (or is, but has not
 * cleared its stop flag) ends with nothing read, and that CPU's events
 * are missing from the file; an empty report when it is every CPU. In
 * the loop a recorder waits in select() on trace_pipe_raw until its
 * buffer is half full (buffer_percent): of a short run nothing is read
 * before the stop, the flush reads it all. So a recorder in select() is
 * one whose events will be in the file.
 */
#include <stdlib.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/base.h"
#include "lib/file.h"
#include "lib/proc.h"
#include "lib/tracecmd.h"

int vmb_tracecmd_recording(pid_t pid)
{
	long cpus = sysconf(_SC_NPROCESSORS_CONF);
	pid_t kids[64];
	char path[64], sys[32];
	int i, n;

	n = vmb_proc_children(pid, kids, (int)VMB_ARRAY_SIZE(kids));
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "/proc/%d/syscall", (int)kids[i]);
		/* "NR ARGS...", "running", or gone */
		if (vmb_read_file(path, sys, sizeof(sys)) < 0)
			return 0;
		switch (atoi(sys)) {
		case SYS_select:
		case SYS_pselect6:
			break;
		default:
			return 0;
		}
	}
	return n >= cpus;
}
