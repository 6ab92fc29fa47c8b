// SPDX-License-Identifier: GPL-2.0
/*
 * vmalock-bench: page faults under the per-VMA lock, how long they take and
 * whom they block. The one place that prints errors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base.h"
#include "lib/error.h"
#include "run/cli.h"

int main(int argc, char **argv)
{
	struct vmb_opts o;
	int ret;

	ret = vmb_parse_args(argc, argv, &o);
	if (ret) {
		fprintf(stderr, "vmalock-bench: %s\n", vmb_errmsg());
		return 2;
	}
	if (o.help || o.cmd == VMB_CMD_HELP) {
		vmb_usage(stdout, o.cmd == VMB_CMD_HELP ? VMB_CMD_NONE : o.cmd);
		return 0;
	}
	if (o.cmd == VMB_CMD_VERSION) {
		printf("vmalock-bench %s\n", VMB_VERSION);
		return 0;
	}
	ret = vmb_run_command(&o);
	if (ret == -EINTR && !vmb_errmsg()[0])
		return 130;
	if (ret) {
		fprintf(stderr, "vmalock-bench: %s: %s\n",
			vmb_errmsg()[0] ? vmb_errmsg() : "error", strerror(-ret));
		return 1;
	}
	return 0;
}
