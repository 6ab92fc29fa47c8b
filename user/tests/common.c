// SPDX-License-Identifier: GPL-2.0
/* What the in-VM tests share beyond the library; see common.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "common.h"

void vmb_tally(const char *what, uint64_t n)
{
	FILE *f = fopen(VMB_TALLY_FILE, "a");

	if (!f)
		return;
	fprintf(f, "%s %" PRIu64 "\n", what, n);
	fclose(f);
}

int vmb_system(const char *cmd)
{
	int status = system(cmd);

	return status == -1 ? -errno : WIFEXITED(status) ?
		WEXITSTATUS(status) : 128;
}
