/* SPDX-License-Identifier: GPL-2.0 */
/* --trace: the run recorded with trace-cmd, and a summary of it. */
#ifndef VMB_TRACE_H
#define VMB_TRACE_H

#include <stdbool.h>
#include <sys/types.h>

#include "lib/result.h"

int vmb_trace_start(const char *file, pid_t *pid);
/* Record the calling thread's role (VMB_ROLE_NR: the main thread). */
void vmb_trace_note_tid(enum vmb_role role);
int vmb_trace_stop(pid_t pid, const char *file, bool quiet);

#endif /* VMB_TRACE_H */
