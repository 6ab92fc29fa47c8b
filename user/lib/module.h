/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module as a whole: is it loaded, what can it and this kernel do
 * (features), whose faults does it count (target/pid) and how
 * (target/faults). The tests use the plain functions; the tool keeps
 * what it found in a struct vmb_module.
 */
#ifndef VMB_MODULE_H
#define VMB_MODULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/uapi.h"

/* 0 if the module's directory is there. */
int vmb_loaded(void);
/* 1 if "features" lists name, 0 if not, -errno if unreadable. */
int vmb_has_feature(const char *name);
int vmb_set_target(pid_t pid);
int vmb_reset(void);

struct vmb_faults {
	uint64_t v[VMB_C_NR];
};

/* Parse target/faults; -EPROTO if a line is not the expected counter. */
int vmb_read_faults(struct vmb_faults *f);

struct vmb_mmap_lock {
	uint64_t v[VMB_ML_NR];
};

/* Parse target/mmap_lock, as strictly. */
int vmb_read_mmap_lock(struct vmb_mmap_lock *ml);

struct vmb_module {
	char dir[256];		/* debugfs directory of the module */
	bool present;		/* dir/version readable */
	char version[64];
	uint32_t features;	/* bit per enum vmb_feature: from the module */
	bool features_read;
	uint32_t probed;	/* bit per feature: probed by the tool itself */
	char unknown[256];	/* feature lines this tool does not know */
	bool target_set;
};

/* One feature name a line; unknown names are collected, not fatal. */
int vmb_parse_features(const char *text, uint32_t *mask, char *unknown,
		       size_t unknown_size);
/* "name value" a line, any order; have gets a bit per counter found. */
int vmb_parse_counters(const char *text, uint64_t *vals, uint32_t *have);
/* Read what the module at dir (NULL: the default) says; vmb_set_dir(). */
void vmb_module_open(struct vmb_module *m, const char *dir);
/* What the tool can see without the module: userfaultfd, THP, swap. */
void vmb_probe_kernel(struct vmb_module *m);
bool vmb_have(const struct vmb_module *m, enum vmb_feature f);
/* target/pid := pid, with a message on failure; 0 without the module. */
int vmb_module_set_target(struct vmb_module *m, int pid);
/* Returns 0 and fills vals[VMB_C_NR] when target/faults could be read. */
int vmb_module_read_counters(const struct vmb_module *m, uint64_t *vals);
/*
 * Fills vals[VMB_ML_NR] from target/mmap_lock; -ENOENT when no target is
 * set or the module has no such file (before its mmap_lock statistics).
 */
int vmb_module_read_mmap_lock(const struct vmb_module *m, uint64_t *vals);

#endif /* VMB_MODULE_H */
