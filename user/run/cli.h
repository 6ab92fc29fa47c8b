/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vmalock-bench COMMAND [OPTIONS] [ARGS]: the table of commands, their
 * usage and the options each takes. A bad option or value is returned as
 * -EINVAL with a message that names it.
 */
#ifndef VMB_CLI_H
#define VMB_CLI_H

#include <stdio.h>

#include "run/opts.h"

int vmb_parse_args(int argc, char **argv, struct vmb_opts *o);
void vmb_usage(FILE *f, enum vmb_cmd cmd);
/* Run o->cmd: its function's result, -errno with a message recorded. */
int vmb_run_command(const struct vmb_opts *o);

#endif /* VMB_CLI_H */
