/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmalock_bench tracepoints: one event per finished fault of the target,
 * and a pair around each injection. Record them next to the kernel's own
 * with: trace-cmd record -e vmalock_bench -e mmap_lock
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM vmalock_bench

#if !defined(_VMB_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _VMB_TRACE_H

#include <linux/tracepoint.h>

#include "vmalock_bench_uapi.h"

TRACE_DEFINE_ENUM(VMB_PATH_VMA_LOCK);
TRACE_DEFINE_ENUM(VMB_PATH_VMA_THEN_MMAP);
TRACE_DEFINE_ENUM(VMB_PATH_MMAP_LOCK);

#define vmb_show_path(p)						\
	__print_symbolic(p,						\
			 { VMB_PATH_VMA_LOCK, "vma_lock" },		\
			 { VMB_PATH_VMA_THEN_MMAP, "vma_then_mmap" },	\
			 { VMB_PATH_MMAP_LOCK, "mmap_lock" })

TRACE_EVENT(fault,
	TP_PROTO(unsigned long address, unsigned int path,
		 unsigned int attempts, unsigned int retries, bool major,
		 u64 duration_ns),
	TP_ARGS(address, path, attempts, retries, major, duration_ns),
	TP_STRUCT__entry(
		__field(unsigned long, address)
		__field(unsigned int, path)
		__field(unsigned int, attempts)
		__field(unsigned int, retries)
		__field(bool, major)
		__field(u64, duration_ns)
	),
	TP_fast_assign(
		__entry->address = address;
		__entry->path = path;
		__entry->attempts = attempts;
		__entry->retries = retries;
		__entry->major = major;
		__entry->duration_ns = duration_ns;
	),
	TP_printk("address=0x%lx path=%s attempts=%u retries=%u major=%d duration_ns=%llu",
		  __entry->address, vmb_show_path(__entry->path),
		  __entry->attempts, __entry->retries, __entry->major,
		  __entry->duration_ns)
);

DECLARE_EVENT_CLASS(vmb_inject,
	TP_PROTO(const char *name, unsigned long start, unsigned long len,
		 unsigned long folios),
	TP_ARGS(name, start, len, folios),
	TP_STRUCT__entry(
		/* Injector names are short; an array needs no compat. */
		__array(char, name, 16)
		__field(unsigned long, start)
		__field(unsigned long, len)
		__field(unsigned long, folios)
	),
	TP_fast_assign(
		strscpy(__entry->name, name, sizeof(__entry->name));
		__entry->start = start;
		__entry->len = len;
		__entry->folios = folios;
	),
	TP_printk("injector=%s start=0x%lx len=%lu folios=%lu",
		  __entry->name, __entry->start, __entry->len,
		  __entry->folios)
);

DEFINE_EVENT(vmb_inject, inject_begin,
	TP_PROTO(const char *name, unsigned long start, unsigned long len,
		 unsigned long folios),
	TP_ARGS(name, start, len, folios)
);

DEFINE_EVENT(vmb_inject, inject_end,
	TP_PROTO(const char *name, unsigned long start, unsigned long len,
		 unsigned long folios),
	TP_ARGS(name, start, len, folios)
);

#endif /* _VMB_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
