/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The UAPI header's lists, as userspace uses them: an enum and a table of
 * names for each, generated here once for the tool and the tests. Every
 * knob path comes from vmb_knobs[]; nothing else spells one out.
 */
#ifndef VMB_UAPI_H
#define VMB_UAPI_H

#include <stdbool.h>

#include "vmalock_bench_uapi.h"

/* "features": bit f of a mask is feature f. */
enum vmb_feature {
#define X(name, ...) VMB_F_##name,
	VMB_FEATURES(X)
#undef X
	VMB_F_NR
};

/* "target/faults", in file order. */
enum vmb_counter {
#define X(name, ...) VMB_C_##name,
	VMB_FAULT_COUNTERS(X)
#undef X
	VMB_C_NR
};

/* "target/mmap_lock", in file order. */
enum vmb_mmap_lock_stat {
#define X(name, ...) VMB_ML_##name,
	VMB_MMAP_LOCK_STATS(X)
#undef X
	VMB_ML_NR
};

/* "<injector>/stats", in file order. */
enum vmb_inj_stat {
#define X(name, ...) VMB_STAT_##name,
	VMB_INJ_STATS(X)
#undef X
	VMB_STAT_NR
};

/* "swap/stats", in file order. */
enum vmb_swap_stat {
#define X(name, ...) VMB_SWAP_##name,
	VMB_SWAP_STATS(X)
#undef X
	VMB_SWAP_NR
};

extern const char *const vmb_feature_names[VMB_F_NR];
extern const char *const vmb_feature_descs[VMB_F_NR];
extern const char *const vmb_counter_names[VMB_C_NR];
extern const char *const vmb_mmap_lock_names[VMB_ML_NR];
extern const char *const vmb_inj_stat_names[VMB_STAT_NR];
extern const char *const vmb_swap_stat_names[VMB_SWAP_NR];

/* Every file of the module: VMB_K_<dir>_<name>, VMB_FILES order. */
enum vmb_knob {
	VMB_K_NONE,		/* no file: a scenario that needs none */
#define X(dir, name, ...) VMB_K_##dir##_##name,
	VMB_FILES(X)
#undef X
	VMB_K_NR
};

struct vmb_knob_info {
	const char *path;	/* under VMB_DEBUGFS_PATH: "target/pid" */
	const char *dir;	/* "target/", "" at the top */
	const char *name;	/* "pid" */
	const char *type;	/* as "knobs" prints it: "u64" */
	unsigned int mode;
	bool live;
};

extern const struct vmb_knob_info vmb_knobs[VMB_K_NR];

/* The path of a file, e.g. VMB_KNOB(target, pid) is "target/pid". */
#define VMB_KNOB(dir, name) (vmb_knobs[VMB_K_##dir##_##name].path)

/* The files every injector has (VMB_INJ_FILES), by position. */
enum vmb_inj_knob {
#define X(dir, name, ...) VMB_INJ_##name,
	VMB_INJ_FILES(X, _)
#undef X
	VMB_INJ_NR
};

extern const char *const vmb_inj_knob_names[VMB_INJ_NR];

/* The injectors (VMB_INJECTORS). */
struct vmb_inj_info {
	const char *dir;		/* "folio_lock": VMB_INJ_FOLIO_LOCK_DIR */
	enum vmb_feature feature;	/* inject_folio_lock */
	enum vmb_knob first;		/* its VMB_INJ_FILES start here */
};

extern const struct vmb_inj_info vmb_injectors[];
extern const unsigned int vmb_nr_injectors;

/* The injector whose directory is dir, or NULL. */
const struct vmb_inj_info *vmb_inj_find(const char *dir);
/* The path of injector dir's knob k, or NULL if dir is no injector. */
const char *vmb_inj_path(const char *dir, enum vmb_inj_knob k);

#endif /* VMB_UAPI_H */
