// SPDX-License-Identifier: GPL-2.0
/*
 * The one place the tracepoints are instantiated. The rest of the module
 * calls these helpers, so only this file includes trace.h.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/string.h>

#include "vmalock_bench.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

void vmb_trace_fault(unsigned long address, enum vmb_fault_path path,
		     unsigned int attempts, unsigned int retries, bool major,
		     u64 duration_ns)
{
	trace_fault(address, path, attempts, retries, major, duration_ns);
}

bool vmb_trace_fault_enabled(void)
{
	return trace_fault_enabled();
}

void vmb_trace_inject_begin(const char *name, unsigned long start,
			    unsigned long len, unsigned long folios)
{
	trace_inject_begin(name, start, len, folios);
}

void vmb_trace_inject_end(const char *name, unsigned long start,
			  unsigned long len, unsigned long folios)
{
	trace_inject_end(name, start, len, folios);
}
