// SPDX-License-Identifier: GPL-2.0
/*
 * The files that describe the module: version, features, knobs. They are
 * read-only; every write must fail with EACCES and leave them intact.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "kselftest_harness.h"
#include "lib/knob.h"
#include "lib/module.h"
#include "lib/uapi.h"


FIXTURE(core) {
	char buf[8192];
};

FIXTURE_SETUP(core)
{
	if (vmb_loaded())
		SKIP(return, "vmalock_bench is not loaded (modprobe vmalock_bench)");
}

FIXTURE_TEARDOWN(core)
{
}

TEST_F(core, version)
{
	char module[64], word[16], kernel[128], ver[64], prefix[128];
	struct utsname u;
	int n;

	ASSERT_GT(vmb_read(VMB_KNOB(root, version), self->buf, sizeof(self->buf)), 0);
	ASSERT_EQ(0, uname(&u));
	n = sscanf(self->buf, "%63s %63s %15s %127s", module, ver, word,
		   kernel);
	ASSERT_EQ(4, n) TH_LOG("version: '%s'", self->buf);
	EXPECT_STREQ("vmalock_bench", module);
#ifdef VMB_VERSION
	EXPECT_STREQ(VMB_VERSION, ver);
#endif
	EXPECT_STREQ("kernel", word);
	snprintf(prefix, sizeof(prefix), "vmalock_bench %s\nkernel ", ver);
	ASSERT_EQ(0, strncmp(self->buf, prefix, strlen(prefix)));
	EXPECT_STREQ(u.release, kernel);
	/* Exactly three lines, the third saying it is a test module. */
	n = 0;
	for (char *p = self->buf; *p; p++)
		n += *p == '\n';
	EXPECT_EQ(3, n);
	EXPECT_NE(NULL, strstr(self->buf, "\ntest module (taint N, TAINT_TEST)"))
		TH_LOG("version: '%s'", self->buf);
}

/* MODULE_INFO(test, "Y"): loading it set TAINT_TEST ('N', bit 18). */
TEST_F(core, taints_as_test_module)
{
	FILE *f = fopen("/proc/sys/kernel/tainted", "r");
	unsigned long tainted = 0;

	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%lu", &tainted));
	fclose(f);
	EXPECT_NE(0UL, tainted & (1UL << 18)) TH_LOG("tainted: %lu", tainted);
}

TEST_F(core, features)
{
	int seen[VMB_F_NR] = {}, lines = 0;
	char *line, *save;
	unsigned int i;

	ASSERT_GE(vmb_read(VMB_KNOB(root, features), self->buf, sizeof(self->buf)), 0);
	ASSERT_TRUE(!self->buf[0] ||
		    self->buf[strlen(self->buf) - 1] == '\n');
	for (line = strtok_r(self->buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save), lines++) {
		for (i = 0; i < VMB_F_NR; i++)
			if (!strcmp(line, vmb_feature_names[i]))
				break;
		ASSERT_LT(i, (unsigned int)VMB_F_NR) TH_LOG("unknown feature '%s'", line);
		EXPECT_EQ(0, seen[i]++) TH_LOG("'%s' twice", line);
	}
	TH_LOG("%d features", lines);
	/* What depends on what, as the module decides it. */
	if (vmb_has_feature("force_mmap_lock") == 1) {
		EXPECT_EQ(1, vmb_has_feature("per_vma_lock"));
	}
	if (vmb_has_feature("fault_accounting") == 1) {
		EXPECT_EQ(1, vmb_has_feature("kprobes"));
	}
	if (vmb_has_feature("per_vma_lock") == 1) {
		EXPECT_EQ(1, vmb_has_feature("fault_accounting"));
	}
	if (vmb_has_feature("userfaultfd_move") == 1) {
		EXPECT_EQ(1, vmb_has_feature("userfaultfd"));
	}
}

TEST_F(core, knobs)
{
	static const enum vmb_knob want[] = {
#define X(dir, name, ...) VMB_K_##dir##_##name,
		VMB_ROOT_FILES(X) VMB_TARGET_FILES(X)
#undef X
	};
	unsigned int i;

	ASSERT_GT(vmb_read(VMB_KNOB(root, knobs), self->buf, sizeof(self->buf)), 0);
	for (i = 0; i < ARRAY_SIZE(want); i++) {
		char needle[64];

		snprintf(needle, sizeof(needle), "\n%s ", vmb_knobs[want[i]].path);
		EXPECT_NE(NULL, strstr(self->buf, needle))
			TH_LOG("knobs lacks %s", vmb_knobs[want[i]].path);
	}
}

TEST_F(core, read_only)
{
	static const enum vmb_knob ids[] = {
		VMB_K_root_version, VMB_K_root_features, VMB_K_root_knobs,
	};
	char before[8192];
	unsigned int i;

	for (i = 0; i < 3; i++) {
		const char *f = vmb_knobs[ids[i]].path;

		ASSERT_GE(vmb_read(f, before, sizeof(before)), 0);
		EXPECT_EQ(-EACCES, vmb_write(f, "1\n"))
			TH_LOG("write to %s", f);
		ASSERT_GE(vmb_read(f, self->buf, sizeof(self->buf)), 0);
		EXPECT_STREQ(before, self->buf);
	}
	EXPECT_EQ(-ENOENT, vmb_write("no_such_knob", "1\n"));
}

TEST_HARNESS_MAIN
