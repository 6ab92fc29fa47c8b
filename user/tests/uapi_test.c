// SPDX-License-Identifier: GPL-2.0
/*
 * The running module against the UAPI header's lists
 * (module/vmalock_bench_uapi.h), which the tool and the tests take every
 * path and name from: each line of its "knobs" file is a file of
 * VMB_FILES, with the type, mode and liveness the list gives, in the
 * list's order within its directory; each directory of the list is there
 * with all its files, or, where a feature says it may be missing, not at
 * all; each file is on debugfs with its mode; and each "name value" file
 * has the lines of its list, in order. The docs' headings are checked
 * against the same lists on the host (hosttests/docs_test.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "lib/disk.h"
#include "lib/inj.h"
#include "lib/knob.h"
#include "lib/module.h"
#include "lib/swap.h"
#include "lib/uapi.h"

#define MAX_LINES 256

FIXTURE(uapi) {
	struct vmb_knob_line k[MAX_LINES];
	int n;
};

FIXTURE_SETUP(uapi)
{
	if (vmb_loaded())
		SKIP(return, "vmalock_bench is not loaded (modprobe vmalock_bench)");
	self->n = vmb_read_knobs(self->k, MAX_LINES);
	ASSERT_LT(0, self->n) TH_LOG("knobs: %s", strerror(-self->n));
}

FIXTURE_TEARDOWN(uapi)
{
}

static enum vmb_knob find_path(const char *path)
{
	int i;

	for (i = VMB_K_NONE + 1; i < VMB_K_NR; i++)
		if (!strcmp(vmb_knobs[i].path, path))
			return i;
	return VMB_K_NONE;
}

/* Where the module's "knobs" lists file k: its line, or -1. */
static int line_of(const struct vmb_knob_line *k, int n, enum vmb_knob id)
{
	int i;

	for (i = 0; i < n; i++)
		if (!strcmp(k[i].path, vmb_knobs[id].path))
			return i;
	return -1;
}

/* Every file the module has is in the list, as the list says. */
TEST_F(uapi, every_knob_is_listed)
{
	int i;

	for (i = 0; i < self->n; i++) {
		const struct vmb_knob_line *k = &self->k[i];
		enum vmb_knob id = find_path(k->path);

		EXPECT_NE((int)VMB_K_NONE, (int)id)
			TH_LOG("%s is not in VMB_FILES (module/vmalock_bench_uapi.h)",
			       k->path);
		if (id == VMB_K_NONE)
			continue;
		EXPECT_STREQ(vmb_knobs[id].type, k->type) TH_LOG("%s", k->path);
		EXPECT_EQ(vmb_knobs[id].mode, k->mode)
			TH_LOG("%s: mode %04o, VMB_FILES %04o", k->path, k->mode,
			       vmb_knobs[id].mode);
		/* A show file prints "-" for live. */
		EXPECT_EQ(vmb_knobs[id].live, k->live == 1) TH_LOG("%s", k->path);
	}
}

/*
 * Every directory of the list is there with all its files, in the list's
 * order, or not at all: only swap/ without the swap device, or disk/
 * without the file disk.
 */
TEST_F(uapi, every_listed_file_is_there)
{
	const char *feature;
	char path[512];
	struct stat st;
	int i, j, listed, prev;

	for (i = VMB_K_NONE + 1; i < VMB_K_NR; i = j) {
		const char *dir = vmb_knobs[i].dir;

		listed = 0;
		prev = -1;
		for (j = i; j < VMB_K_NR && !strcmp(vmb_knobs[j].dir, dir); j++) {
			int at = line_of(self->k, self->n, j);

			listed += at >= 0;
			if (at < 0)
				continue;
			EXPECT_LT(prev, at)
				TH_LOG("%s: listed before the file VMB_FILES has before it",
				       vmb_knobs[j].path);
			prev = at;
			ASSERT_EQ(0, vmb_path(vmb_knobs[j].path, path,
					      sizeof(path)));
			ASSERT_EQ(0, stat(path, &st)) TH_LOG("%s", path);
			EXPECT_EQ(vmb_knobs[j].mode, st.st_mode & 07777)
				TH_LOG("%s", path);
		}
		if (listed == j - i)
			continue;
		EXPECT_EQ(0, listed) TH_LOG("%s: %d of its %d files listed",
					    dir[0] ? dir : "/", listed, j - i);
		feature = !strcmp(dir, vmb_knobs[VMB_K_swap_stats].dir) ?
			  "swap_device" :
			  !strcmp(dir, vmb_knobs[VMB_K_disk_stats].dir) ?
			  "disk_device" : NULL;
		ASSERT_NE(NULL, feature)
			TH_LOG("%s is missing", dir[0] ? dir : "/");
		EXPECT_EQ(0, vmb_has_feature(feature))
			TH_LOG("%s is missing, but features has %s", dir,
			       feature);
		TH_LOG("%s: not there, and features has no %s", dir, feature);
	}
}

/* The "name value" files have the lines of their lists, in order. */
TEST_F(uapi, stats_lines)
{
	struct vmb_inj_stats inj;
	struct vmb_swap_stats swap;
	struct vmb_mmap_lock ml;
	struct vmb_faults f;
	unsigned int i;

	EXPECT_EQ(0, vmb_read_faults(&f))
		TH_LOG("target/faults: not VMB_FAULT_COUNTERS");
	EXPECT_EQ(0, vmb_read_mmap_lock(&ml))
		TH_LOG("target/mmap_lock: not VMB_MMAP_LOCK_STATS");
	for (i = 0; i < vmb_nr_injectors; i++)
		EXPECT_EQ(0, vmb_inj_read_stats(vmb_injectors[i].dir, &inj))
			TH_LOG("%s/stats: not VMB_INJ_STATS",
			       vmb_injectors[i].dir);
	if (vmb_has_feature("swap_device") == 1) {
		EXPECT_EQ(0, vmb_swap_read_stats(&swap))
			TH_LOG("swap/stats: not VMB_SWAP_STATS");
	}
	if (vmb_has_feature("disk_device") == 1) {
		EXPECT_EQ(0, vmb_rdisk_read_stats(VMB_DISK_DIR, &swap))
			TH_LOG("disk/stats: not VMB_SWAP_STATS");
	}
}

TEST_HARNESS_MAIN
