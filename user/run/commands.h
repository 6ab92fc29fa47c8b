/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The commands (cli.c has their table and options). Where the module is
 * (run/commands.c): list, check, run. Anywhere, on JSON results
 * (report/): compare, plot, and the kernel A/B report (scripts/ab).
 */
#ifndef VMB_COMMANDS_H
#define VMB_COMMANDS_H

#include "run/opts.h"

int vmb_cmd_list(const struct vmb_opts *o);
int vmb_cmd_check(const struct vmb_opts *o);
int vmb_cmd_run(const struct vmb_opts *o);
int vmb_cmd_compare(const struct vmb_opts *o);	/* report/compare.c */
int vmb_cmd_plot(const struct vmb_opts *o);	/* report/plot.c */
int vmb_cmd_report(const struct vmb_opts *o);	/* report/ab.c */

#endif /* VMB_COMMANDS_H */
