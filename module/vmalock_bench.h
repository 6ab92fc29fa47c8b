/* SPDX-License-Identifier: GPL-2.0 */
/* vmalock_bench: what the module's files share with each other. */
#ifndef _VMALOCK_BENCH_H
#define _VMALOCK_BENCH_H

#include <linux/bitops.h>
#include <linux/dcache.h>
#include <linux/types.h>

#include "vmalock_bench_uapi.h"

#define VMB_FEAT_ENUM(name, ...) VMB_FEAT_##name,
enum vmb_feature {
	VMB_FEATURES(VMB_FEAT_ENUM)
	VMB_NR_FEATURES
};

/* Decided once at load time; read-only afterwards. */
extern unsigned long vmb_features;

static inline bool vmb_has(enum vmb_feature f)
{
	return vmb_features & BIT(f);
}

static inline void vmb_set_feature(enum vmb_feature f)
{
	vmb_features |= BIT(f);
}

/* /sys/kernel/debug/vmalock_bench, parent of every group directory. */
extern struct dentry *vmb_debugfs_root;

/* accounting.c: kprobes on the fault path and the target/ directory. */
int vmb_accounting_init(void);
void vmb_accounting_exit(void);

/* swapdev.c: /dev/vmalock_swap0 and the swap/ directory. */
int vmb_swap_init(void);
void vmb_swap_exit(void);
/* diskdev.c: /dev/vmalock_disk0 and the disk/ directory. */
int vmb_disk_init(void);
void vmb_disk_exit(void);

/*
 * inject.c: the folio_lock/ and migration/ injectors. Call the exit after
 * debugfs_remove() of the root, also when the init failed.
 */
int vmb_inject_init(void);
void vmb_inject_exit(void);
struct task_struct;
/* The target's task, referenced (put_task_struct() it), or NULL. */
struct task_struct *vmb_target_get_task(void);
/* Is current a thread of the target? Cheap, any context. */
bool vmb_current_is_target(void);

/* trace.c: what the injectors call around each injection. */
void vmb_trace_inject_begin(const char *name, unsigned long start,
			    unsigned long len, unsigned long folios);
void vmb_trace_inject_end(const char *name, unsigned long start,
			  unsigned long len, unsigned long folios);
/* Is vmalock_bench:fault on? Its timestamps cost only then. */
bool vmb_trace_fault_enabled(void);
void vmb_trace_fault(unsigned long address, enum vmb_fault_path path,
		     unsigned int attempts, unsigned int retries, bool major,
		     u64 duration_ns);

#endif /* _VMALOCK_BENCH_H */
