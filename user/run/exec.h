/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exec and attach (exec.c): someone else's program as the target. The
 * parts a test can use on their own: a mapping spec resolved against
 * /proc/PID/maps, and a vmalock_bench:fault trace line parsed.
 */
#ifndef VMB_EXEC_H
#define VMB_EXEC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "run/opts.h"

/*
 * --inject INJ,MAP[,OFFSET[,LENGTH]] and --pageout MAP[,OFFSET[,LENGTH]]
 * as parsed: MAP is [heap], [stack] (any [name] of maps), a path
 * (absolute: exact; else the last path component), or a raw range
 * 0xSTART-0xEND.
 */
struct vmb_exec_inj {
	const char *spec;	/* as given, for messages */
	char inj[16];		/* folio_lock, migration; "" for --pageout */
	char map[256];
	bool raw;		/* map is a range: start, end */
	uint64_t start, end;
	uint64_t off;		/* file offset (a file), else from the start */
	uint64_t len;		/* 0: the mapping (at most VMB_LEN_MAX) */
};

/* -EINVAL with a message naming the spec when it does not parse. */
int vmb_exec_parse_inj(const char *spec, struct vmb_exec_inj *e);
/* The same for --pageout's MAP[,OFFSET[,LENGTH]]. */
int vmb_exec_parse_map(const char *spec, struct vmb_exec_inj *e);
/*
 * Where e lies in pid's address space now: 0 and *addr, *len; -ENOENT
 * when no mapping matches (yet), -ESRCH when pid is gone.
 */
int vmb_exec_resolve(pid_t pid, const struct vmb_exec_inj *e, uint64_t *addr,
		     uint64_t *len);
/* duration_ns of a vmalock_bench:fault line; false if it is none. */
bool vmb_exec_trace_line(const char *line, uint64_t *ns, bool *major);

#endif /* VMB_EXEC_H */
