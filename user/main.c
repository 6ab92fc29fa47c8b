// SPDX-License-Identifier: GPL-2.0
/*
 * vmalock-bench: page faults under the per-VMA lock, how long they take and
 * whom they block. The one place that prints errors.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "vmb.h"

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
	switch (o.cmd) {
	case VMB_CMD_VERSION:
		printf("vmalock-bench %s\n", VMB_VERSION);
		return 0;
	case VMB_CMD_LIST:
		ret = vmb_cmd_list(&o);
		break;
	case VMB_CMD_CHECK:
		ret = vmb_cmd_check(&o);
		break;
	case VMB_CMD_RUN:
		ret = vmb_cmd_run(&o);
		break;
	case VMB_CMD_COMPARE:
		ret = vmb_cmd_compare(&o);
		break;
	case VMB_CMD_PLOT:
		ret = vmb_cmd_plot(&o);
		break;
	case VMB_CMD_REPORT:
		ret = vmb_cmd_report(&o);
		break;
	default:
		ret = -EINVAL;
	}
	if (ret == -EINTR && !vmb_errmsg()[0])
		return 130;
	if (ret) {
		fprintf(stderr, "vmalock-bench: %s: %s\n",
			vmb_errmsg()[0] ? vmb_errmsg() : "error", strerror(-ret));
		return 1;
	}
	return 0;
}
