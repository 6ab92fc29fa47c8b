// SPDX-License-Identifier: GPL-2.0
/* The UAPI lists' names and paths; see uapi.h. */
#include <string.h>

#include "lib/base.h"
#include "lib/uapi.h"

const char *const vmb_feature_names[VMB_F_NR] = {
#define X(name, ...) #name,
	VMB_FEATURES(X)
#undef X
};

const char *const vmb_feature_descs[VMB_F_NR] = {
#define X(name, desc) desc,
	VMB_FEATURES(X)
#undef X
};

const char *const vmb_counter_names[VMB_C_NR] = {
#define X(name, ...) #name,
	VMB_FAULT_COUNTERS(X)
#undef X
};

const char *const vmb_mmap_lock_names[VMB_ML_NR] = {
#define X(name, ...) #name,
	VMB_MMAP_LOCK_STATS(X)
#undef X
};

const char *const vmb_inj_stat_names[VMB_STAT_NR] = {
#define X(name, ...) #name,
	VMB_INJ_STATS(X)
#undef X
};

const char *const vmb_swap_stat_names[VMB_SWAP_NR] = {
#define X(name, ...) #name,
	VMB_SWAP_STATS(X)
#undef X
};

const struct vmb_knob_info vmb_knobs[VMB_K_NR] = {
	[VMB_K_NONE] = { .path = "", .dir = "", .name = "", .type = "" },
#define X(d, nm, ty, md, lv)                                                   \
	[VMB_K_##d##_##nm] = { .path = VMB_DIR_##d #nm, .dir = VMB_DIR_##d,    \
			       .name = #nm, .type = #ty, .mode = md,           \
			       .live = lv },
	VMB_FILES(X)
#undef X
};

const char *const vmb_inj_knob_names[VMB_INJ_NR] = {
#define X(d, name, ...) #name,
	VMB_INJ_FILES(X, _)
#undef X
};

/* An injector's files are VMB_INJ_FILES first, in that order. */
#define X(d, ...) VMB_K_##d##_stats - VMB_K_##d##_addr == VMB_INJ_stats &&
_Static_assert(VMB_INJECTORS(X) 1, "an injector's files: VMB_INJ_FILES first");
#undef X

const struct vmb_inj_info vmb_injectors[] = {
#define X(d, feat)                                                             \
	{ .dir = #d, .feature = VMB_F_##feat, .first = VMB_K_##d##_addr },
	VMB_INJECTORS(X)
#undef X
};
const unsigned int vmb_nr_injectors = VMB_ARRAY_SIZE(vmb_injectors);

const struct vmb_inj_info *vmb_inj_find(const char *dir)
{
	unsigned int i;

	for (i = 0; dir && i < vmb_nr_injectors; i++)
		if (!strcmp(vmb_injectors[i].dir, dir))
			return &vmb_injectors[i];
	return NULL;
}

const char *vmb_inj_path(const char *dir, enum vmb_inj_knob k)
{
	const struct vmb_inj_info *inj = vmb_inj_find(dir);

	if (!inj || k >= VMB_INJ_NR)
		return NULL;
	return vmb_knobs[inj->first + k].path;
}
