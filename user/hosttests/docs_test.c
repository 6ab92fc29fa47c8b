// SPDX-License-Identifier: GPL-2.0
/*
 * The docs against the UAPI header's list of files (VMB_FILES), which
 * the uapi test holds the running module to: every file has a "###"
 * heading in the doc of its directory, "### dir/name" or "### name"
 * (docs/knobs.md: the top and target/, docs/injectors.md: folio_lock/ and
 * migration/, where the files every injector has are headed once,
 * docs/swap.md: swap/, docs/disk.md: disk/), and every "###" heading of
 * those docs is such a file, but for the module parameters swap_mb and
 * disk_mb.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "kselftest_harness.h"
#include "lib/file.h"
#include "lib/uapi.h"

/* Which doc documents which directories (VMB_DIR_*). */
static const struct {
	const char *doc;
	const char *dirs[2];
} docs[] = {
	{ "knobs.md", { VMB_DIR_root, VMB_DIR_target } },
	{ "injectors.md", { VMB_DIR_folio_lock, VMB_DIR_migration } },
	{ "swap.md", { VMB_DIR_swap } },
	{ "disk.md", { VMB_DIR_disk } },
};

/* Headings that are not files: the disks' module parameters. */
static const char *const not_files[] = { "swap_mb", "disk_mb" };

/* docs/NAME in the checkout this test was built in. */
static char *read_doc(const char *name)
{
	char top[PATH_MAX], path[PATH_MAX + 32];
	static char text[1 << 17];

	if (vmb_top_dir(top, sizeof(top)))
		return NULL;
	snprintf(path, sizeof(path), "%s/docs/%s", top, name);
	return vmb_read_file(path, text, sizeof(text)) > 0 ? text : NULL;
}

/* Whether the doc has the heading "### what" on a line of its own. */
static bool has_heading(const char *text, const char *what)
{
	size_t len = strlen(what);
	const char *p;

	for (p = strstr(text, "\n### "); p; p = strstr(p + 1, "\n### "))
		if (!strncmp(p + 5, what, len) && p[5 + len] == '\n')
			return true;
	return false;
}

static bool in_doc(unsigned int d, const char *dir)
{
	return !strcmp(docs[d].dirs[0], dir) ||
	       (docs[d].dirs[1] && !strcmp(docs[d].dirs[1], dir));
}

TEST(every_file_has_a_heading)
{
	unsigned int d;
	int k;

	for (d = 0; d < ARRAY_SIZE(docs); d++) {
		const char *text = read_doc(docs[d].doc);

		ASSERT_NE(NULL, text) TH_LOG("docs/%s", docs[d].doc);
		for (k = VMB_K_NONE + 1; k < VMB_K_NR; k++) {
			if (!in_doc(d, vmb_knobs[k].dir))
				continue;
			EXPECT_TRUE(has_heading(text, vmb_knobs[k].path) ||
				    has_heading(text, vmb_knobs[k].name))
				TH_LOG("docs/%s has no \"### %s\" or \"### %s\"",
				       docs[d].doc, vmb_knobs[k].path,
				       vmb_knobs[k].name);
		}
	}
}

TEST(every_heading_is_a_file)
{
	char what[128];
	const char *p, *nl;
	unsigned int d, i;
	int k, found;

	for (d = 0; d < ARRAY_SIZE(docs); d++) {
		const char *text = read_doc(docs[d].doc);

		ASSERT_NE(NULL, text) TH_LOG("docs/%s", docs[d].doc);
		for (p = strstr(text, "\n### "); p; p = strstr(p + 1, "\n### ")) {
			nl = strchr(p + 5, '\n');
			snprintf(what, sizeof(what), "%.*s",
				 (int)(nl ? nl - p - 5 : (long)strlen(p + 5)),
				 p + 5);
			found = 0;
			for (k = VMB_K_NONE + 1; k < VMB_K_NR && !found; k++)
				found = in_doc(d, vmb_knobs[k].dir) &&
					(!strcmp(what, vmb_knobs[k].path) ||
					 !strcmp(what, vmb_knobs[k].name));
			for (i = 0; i < ARRAY_SIZE(not_files) && !found; i++)
				found = !strcmp(what, not_files[i]);
			EXPECT_TRUE(found)
				TH_LOG("docs/%s: \"### %s\" is no file of VMB_FILES",
				       docs[d].doc, what);
		}
	}
}

TEST_HARNESS_MAIN
