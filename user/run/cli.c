// SPDX-License-Identifier: GPL-2.0
/*
 * Command line: vmalock-bench COMMAND [OPTIONS] [ARGS]. Parsing only; a bad
 * option or value is returned as -EINVAL with a message that names it.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base.h"
#include "lib/error.h"
#include "lib/parse.h"
#include "lib/result.h"
#include "run/cli.h"
#include "run/commands.h"
#include "run/exec.h"
#include "run/scenario.h"

const char *const vmb_writer_names[VMB_W_NR] = {
	"mmap", "mprotect", "munmap", "mremap", "fork",
};

/* The options exec and attach share. */
#define EXEC_OPTS                                                              \
	"      --inject INJ,MAP[,OFFSET[,LENGTH]]  arm injector INJ (folio_lock,\n" \
	"                          migration) on a mapping of the target: MAP is\n" \
	"                          [heap], [stack], a file (path, or its name),\n" \
	"                          or 0xSTART-0xEND; OFFSET into the file (else\n" \
	"                          from the mapping's start), LENGTH bytes\n"      \
	"                          (default: to the mapping's end, at most 64M);\n" \
	"                          repeatable (up to 4 injectors, one each)\n"     \
	"      --wait-map S        wait up to S s for each mapping (default 10)\n" \
	"      --hold-us D         each hold of an injection (default 1000)\n"   \
	"      --interval-us D     pause between holds (default 1000)\n"         \
	"      --disk-delay-us D   the target's reads from /dev/vmalock_disk0 take\n" \
	"                          D us (disk/read_delay_us, scope target)\n"      \
	"      --swap-delay-us D   the same for its swap-ins from\n"              \
	"                          /dev/vmalock_swap0 (swapped on if it is not,\n" \
	"                          zswap off; swap/read_delay_us, scope target)\n" \
	"      --jitter-us J       up to J us more, random, on each I/O of the\n" \
	"                          target to a disk whose delay is given\n"      \
	"      --pageout MAP[,OFFSET[,LENGTH]]  page the target's mapping out\n" \
	"                          (process_madvise MADV_PAGEOUT: anonymous\n"    \
	"                          pages to swap, file pages dropped) when it\n"  \
	"                          exists, then every --pageout-every S\n"        \
	"      --pageout-every S   seconds between pageouts (default 1; 0: once)\n" \
	"      --drop-caches       sync and drop the page cache first\n"         \
	"      --force-mmap-lock   target/force_mmap_lock while measuring\n"     \
	"      --json FILE         write every number to FILE\n"                 \
	"      --name NAME         the result's name (scenario in the JSON, the\n" \
	"                          table's row) instead of exec:CMD or\n"        \
	"                          attach:PID: letters, digits, . _ -, not a\n"  \
	"                          scenario of run, up to 63 characters\n"      \
	"  -q, --quiet             no table on stdout\n"                          \
	"      --debugfs DIR       module directory (default " VMB_DEBUGFS_PATH ")\n"

/* Adding a command: a row here, its function, its options in allowed(). */
static const struct {
	const char *name;
	enum vmb_cmd cmd;
	int (*run)(const struct vmb_opts *o);
	const char *usage;
} cmds[] = {
	{ "list", VMB_CMD_LIST, vmb_cmd_list,
	  "usage: vmalock-bench list [--debugfs DIR]\n"
	  "List the scenarios, what each measures and what it needs.\n" },
	{ "run", VMB_CMD_RUN, vmb_cmd_run,
	  "usage: vmalock-bench run [SCENARIO...|all] [OPTIONS]\n"
	  "Run scenarios (default: all; NAME:VARIANT picks one variant).\n"
	  "  -t, --threads N[,N...]  victim thread counts to sweep (default 1,2)\n"
	  "      --hold-us D         injected hold time in us (default 1000)\n"
	  "  -n, --iterations N      faults per victim thread (default 1000,\n"
	  "                          scaled down on slow machines)\n"
	  "  -d, --duration S        run each point S seconds instead\n"
	  "  -r, --repeat R          repeats of every point (default 1), in rounds:\n"
	  "                          repeat r of every point before r+1 of any\n"
	  "      --bystanders N      threads faulting in other VMAs (default 1)\n"
	  "      --no-writer         no writer thread\n"
	  "      --writer MODE       what the writer does: mmap (default: map and\n"
	  "                          unmap 64 KiB elsewhere), or on the victims'\n"
	  "                          VMA: mprotect, munmap (and regrow), mremap\n"
	  "                          (shrink, regrow); or fork (the child exits)\n"
	  "      --baseline S        seconds of the no-injection baseline (default 0.1)\n"
	  "      --force-mmap-lock   set target/force_mmap_lock during runs\n"
	  "      --json FILE         write every number to FILE\n"
	  "      --csv FILE          write one summary row per role to FILE\n"
	  "      --trace FILE        record trace-cmd events into FILE; summary of\n"
	  "                          mmap_lock waits by role and faults by path\n"
	  "  -q, --quiet             no table on stdout\n"
	  "  -v, --verbose           every role's line, not one line per run\n"
	  "      --debugfs DIR       module directory (default " VMB_DEBUGFS_PATH ")\n" },
	{ "compare", VMB_CMD_COMPARE, vmb_cmd_compare,
	  "usage: vmalock-bench compare A.json B.json... [--role ROLE] [--ci]\n"
	  "Side by side, ratios to A, '*' when Welch's t-test over repeats\n"
	  "gives p < 0.05 ('?' when fewer than 2 repeats on a side).\n"
	  "      --ci    each mean with its 95% t-interval, not the deviation\n"
	  "              (three words a file: for scripts)\n" },
	{ "plot", VMB_CMD_PLOT, vmb_cmd_plot,
	  "usage: vmalock-bench plot A.json [B.json...] -o OUT.svg|OUT.png [--role ROLE]\n"
	  "Latency CDFs, one panel per scenario, one curve per run (gnuplot).\n" },
	{ "report", VMB_CMD_REPORT, vmb_cmd_report,
	  "usage: vmalock-bench report A.json B.json... -o DIR [--no-plots] [--wall S]\n"
	  "The kernel A/B report (scripts/ab): one file per configuration (a\n"
	  "kernel, or a kernel run with --force-mmap-lock); writes DIR/report.md\n"
	  "with a summary line per seed claim (expected direction observed or\n"
	  "not), a table per scenario and thread count (ratios to A, '*' when\n"
	  "Welch's t-test over repeats gives p < 0.05), and DIR/cdf-*.svg.\n"
	  "  -o, --output DIR   directory to write (created if missing)\n"
	  "      --no-plots     no gnuplot: tables and summary only\n"
	  "      --wall S       the A/B's wall time in seconds, checked against\n"
	  "                     its 3-minute target in the summary\n" },
	{ "exec", VMB_CMD_EXEC, vmb_cmd_exec,
	  "usage: vmalock-bench exec [OPTIONS] -- CMD [ARGS]\n"
	  "Run CMD as the target: its faults counted and timed by the module\n"
	  "(vmalock_bench:fault, the kernel's own durations), injections armed\n"
	  "on its mappings; the same table and JSON as run (the victim role is\n"
	  "CMD's faults), with CMD's exit status and wall time. Only CMD's\n"
	  "process is the target, not processes it starts (metric children).\n"
	  EXEC_OPTS
	  "      --on-interrupt kill|keep  CMD on Ctrl-C or a tool error\n"
	  "                          (default kill: SIGTERM, SIGKILL after 2 s;\n"
	  "                          keep: CMD runs in its own process group)\n" },
	{ "attach", VMB_CMD_ATTACH, vmb_cmd_attach,
	  "usage: vmalock-bench attach PID --duration S [OPTIONS]\n"
	  "The same for a running process, for S seconds or until it exits.\n"
	  "  -d, --duration S        how long to measure (required)\n"
	  EXEC_OPTS
	  "      --on-interrupt keep|kill  the process on Ctrl-C (default keep)\n" },
	{ "check", VMB_CMD_CHECK, vmb_cmd_check,
	  "usage: vmalock-bench check [--debugfs DIR]\n"
	  "Read the module's version and features; say what each scenario lacks.\n" },
};

static const char top_usage[] =
	"usage: vmalock-bench COMMAND [OPTIONS]\n"
	"Page faults under the per-VMA lock: latency, and who else they block.\n"
	"commands:\n"
	"  list      scenarios and what they need\n"
	"  run       run scenarios\n"
	"  compare   compare JSON results of runs\n"
	"  plot      latency CDFs of JSON results\n"
	"  report    kernel A/B report (markdown and plots) of JSON results\n"
	"  check     what this kernel and module lack for each scenario\n"
	"  exec      run a program as the target: its faults, injections\n"
	"  attach    the same for a running process\n"
	"'vmalock-bench COMMAND --help' for a command's options; --version.\n";

void vmb_usage(FILE *f, enum vmb_cmd cmd)
{
	size_t i;

	for (i = 0; i < VMB_ARRAY_SIZE(cmds); i++) {
		if (cmds[i].cmd == cmd) {
			fputs(cmds[i].usage, f);
			return;
		}
	}
	fputs(top_usage, f);
}

int vmb_run_command(const struct vmb_opts *o)
{
	size_t i;

	for (i = 0; i < VMB_ARRAY_SIZE(cmds); i++)
		if (cmds[i].cmd == o->cmd)
			return cmds[i].run(o);
	return vmb_fail(-EINVAL, "no such command");
}

static const char *cmd_name(enum vmb_cmd cmd)
{
	size_t i;

	for (i = 0; i < VMB_ARRAY_SIZE(cmds); i++)
		if (cmds[i].cmd == cmd)
			return cmds[i].name;
	return "";
}

/*
 * exec, attach --name: a result's name. Not '+' or ':' (the report reads
 * SCENARIO+MODE and NAME:VARIANT), nothing a table or file name would
 * break on, and not a scenario of run's, whose claims and descriptions
 * the report would give it.
 */
static int check_name(const char *s)
{
	const char *p;
	int variant;

	if (!isalnum((unsigned char)s[0]) || strlen(s) > 63)
		return -1;
	for (p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._-", *p))
			return -1;
	return vmb_find_scenario(s, &variant) ? -1 : 0;
}

static int bad_value(enum vmb_cmd cmd, const char *opt, const char *val,
		     const char *want)
{
	return vmb_fail(-EINVAL,
			"%s: bad value '%s' for %s: expected %s; see 'vmalock-bench %s --help'",
			cmd_name(cmd), val, opt, want, cmd_name(cmd));
}

static int parse_threads(struct vmb_opts *o, const char *arg)
{
	char *copy, *tok, *save = NULL;
	uint64_t v;
	int ret = 0;

	copy = strdup(arg);
	if (!copy)
		return -ENOMEM;
	o->nthreads = 0;
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (o->nthreads == VMB_MAX_THREADS_LIST ||
		    vmb_parse_u64(tok, 1, VMB_MAX_VICTIMS, &v)) {
			ret = -EINVAL;
			break;
		}
		o->threads[o->nthreads++] = (int)v;
	}
	free(copy);
	if (ret || !o->nthreads)
		return bad_value(VMB_CMD_RUN, "--threads", arg,
				 "a comma-separated list of up to 16 thread counts 1..1024, like 1,2,4");
	return 0;
}

enum {
	O_HOLD = 256, O_BYST, O_NOWRITER, O_BASELINE, O_FORCE, O_JSON, O_CSV,
	O_TRACE, O_DEBUGFS, O_ROLE, O_NOPLOTS, O_WALL, O_WRITER, O_INJECT,
	O_WAITMAP, O_INTERVAL, O_DISKDELAY, O_DROP, O_ONINT, O_SWAPDELAY,
	O_JITTER, O_PAGEOUT, O_PAGEOUT_EVERY, O_NAME, O_CI
};

static const struct option longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "threads", required_argument, NULL, 't' },
	{ "hold-us", required_argument, NULL, O_HOLD },
	{ "iterations", required_argument, NULL, 'n' },
	{ "duration", required_argument, NULL, 'd' },
	{ "repeat", required_argument, NULL, 'r' },
	{ "bystanders", required_argument, NULL, O_BYST },
	{ "no-writer", no_argument, NULL, O_NOWRITER },
	{ "writer", required_argument, NULL, O_WRITER },
	{ "baseline", required_argument, NULL, O_BASELINE },
	{ "force-mmap-lock", no_argument, NULL, O_FORCE },
	{ "json", required_argument, NULL, O_JSON },
	{ "csv", required_argument, NULL, O_CSV },
	{ "trace", required_argument, NULL, O_TRACE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "debugfs", required_argument, NULL, O_DEBUGFS },
	{ "output", required_argument, NULL, 'o' },
	{ "role", required_argument, NULL, O_ROLE },
	{ "no-plots", no_argument, NULL, O_NOPLOTS },
	{ "wall", required_argument, NULL, O_WALL },
	{ "inject", required_argument, NULL, O_INJECT },
	{ "wait-map", required_argument, NULL, O_WAITMAP },
	{ "interval-us", required_argument, NULL, O_INTERVAL },
	{ "disk-delay-us", required_argument, NULL, O_DISKDELAY },
	{ "swap-delay-us", required_argument, NULL, O_SWAPDELAY },
	{ "jitter-us", required_argument, NULL, O_JITTER },
	{ "pageout", required_argument, NULL, O_PAGEOUT },
	{ "pageout-every", required_argument, NULL, O_PAGEOUT_EVERY },
	{ "drop-caches", no_argument, NULL, O_DROP },
	{ "on-interrupt", required_argument, NULL, O_ONINT },
	{ "name", required_argument, NULL, O_NAME },
	{ "ci", no_argument, NULL, O_CI },
	{ NULL, 0, NULL, 0 },
};

/* Which options each command takes. */
static bool allowed(enum vmb_cmd cmd, int c)
{
	switch (c) {
	case 'h':
	case O_DEBUGFS:
		return true;
	case 'o':
		return cmd == VMB_CMD_PLOT || cmd == VMB_CMD_REPORT;
	case O_NOPLOTS:
	case O_WALL:
		return cmd == VMB_CMD_REPORT;
	case O_ROLE:
		return cmd == VMB_CMD_PLOT || cmd == VMB_CMD_COMPARE;
	case O_CI:
		return cmd == VMB_CMD_COMPARE;
	case O_INJECT:
	case O_WAITMAP:
	case O_INTERVAL:
	case O_DISKDELAY:
	case O_SWAPDELAY:
	case O_JITTER:
	case O_PAGEOUT:
	case O_PAGEOUT_EVERY:
	case O_DROP:
	case O_ONINT:
	case O_NAME:
		return cmd == VMB_CMD_EXEC || cmd == VMB_CMD_ATTACH;
	case O_HOLD:
	case O_FORCE:
	case O_JSON:
	case 'q':
		return cmd == VMB_CMD_RUN || cmd == VMB_CMD_EXEC ||
		       cmd == VMB_CMD_ATTACH;
	case 'd':
		return cmd == VMB_CMD_RUN || cmd == VMB_CMD_ATTACH;
	default:
		return cmd == VMB_CMD_RUN;
	}
}

static void defaults(struct vmb_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->threads[0] = 1;
	o->threads[1] = 2;
	o->nthreads = 2;
	o->hold_us = 1000;
	o->iterations = 1000;
	o->repeat = 1;
	o->bystanders = 1;
	o->writer = true;
	o->baseline_s = 0.1;
	o->debugfs = VMB_DEBUGFS_PATH;
	o->role = "victim";
	o->interval_us = 1000;
	o->wait_map_s = 10;
	o->pageout_every_s = 1;
}

static int check_role(const char *role)
{
	int i;

	for (i = 0; i < VMB_ROLE_NR; i++)
		if (!strcmp(role, vmb_role_names[i]))
			return 0;
	return -EINVAL;
}

int vmb_parse_args(int argc, char **argv, struct vmb_opts *o)
{
	const char *arg0;
	uint64_t v;
	size_t i;
	int c, variant;
	bool have_dur = false, have_po_every = false;

	defaults(o);
	if (argc < 2)
		return vmb_fail(-EINVAL,
				"no command given; try 'vmalock-bench --help'");
	arg0 = argv[1];
	if (!strcmp(arg0, "--help") || !strcmp(arg0, "-h") ||
	    !strcmp(arg0, "help")) {
		o->cmd = VMB_CMD_HELP;
		return 0;
	}
	if (!strcmp(arg0, "--version") || !strcmp(arg0, "-V")) {
		o->cmd = VMB_CMD_VERSION;
		return 0;
	}
	for (i = 0; i < VMB_ARRAY_SIZE(cmds); i++)
		if (!strcmp(arg0, cmds[i].name))
			o->cmd = cmds[i].cmd;
	if (o->cmd == VMB_CMD_NONE)
		return vmb_fail(-EINVAL,
				"unknown command '%s'; the commands are list, run, compare, plot, report, check, exec, attach (see 'vmalock-bench --help')",
				arg0);
	argc--;
	argv++;
	optind = 0; /* GNU: reinitialise, so parsing can be repeated */
	opterr = 0;
	/* exec: CMD's own options are CMD's ("+": stop at the first word). */
	while ((c = getopt_long(argc, argv,
				o->cmd == VMB_CMD_EXEC ? "+:ht:n:d:r:qvo:" :
							 ":ht:n:d:r:qvo:",
				longopts, NULL)) != -1) {
		const char *name = argv[optind - 1];
		char shortopt[3] = { '-', (char)optopt, 0 };

		if (c == '?')
			return vmb_fail(-EINVAL,
					"%s: unknown option '%s'; see 'vmalock-bench %s --help'",
					arg0,
					optopt && strncmp(name, "--", 2) ?
						shortopt : name,
					arg0);
		if (c == ':')
			return vmb_fail(-EINVAL,
					"%s: option '%s' needs a value; see 'vmalock-bench %s --help'",
					arg0, name, arg0);
		if (!allowed(o->cmd, c))
			return vmb_fail(-EINVAL,
					"%s: option '%s' does not apply to this command; see 'vmalock-bench %s --help'",
					arg0, name, arg0);
		switch (c) {
		case 'h':
			o->help = true;
			return 0;
		case 't':
			if (parse_threads(o, optarg))
				return -EINVAL;
			break;
		case O_HOLD:
			if (vmb_parse_u64(optarg, 0, VMB_HOLD_US_MAX, &o->hold_us))
				return bad_value(o->cmd, "--hold-us", optarg,
						 "microseconds 0..10000000");
			break;
		case 'n':
			if (vmb_parse_u64(optarg, 1, 1000000000ULL,
					  &o->iterations))
				return bad_value(o->cmd, "--iterations", optarg,
						 "a count 1..1000000000 (k, m suffixes allowed)");
			o->iterations_set = true;
			break;
		case 'd':
			if (vmb_parse_double(optarg, 0.001, 86400,
					     &o->duration_s))
				return bad_value(o->cmd, "--duration", optarg,
						 "seconds, 0.001..86400");
			have_dur = true;
			break;
		case 'r':
			if (vmb_parse_u64(optarg, 1, 1000, &v))
				return bad_value(o->cmd, "--repeat", optarg,
						 "a count 1..1000");
			o->repeat = (int)v;
			break;
		case O_BYST:
			if (vmb_parse_u64(optarg, 0, VMB_MAX_BYSTANDERS, &v))
				return bad_value(o->cmd, "--bystanders", optarg,
						 "a count 0..64");
			o->bystanders = (int)v;
			break;
		case O_NOWRITER:
			o->writer = false;
			break;
		case O_WRITER:
			for (v = 0; v < VMB_W_NR; v++)
				if (!strcmp(optarg, vmb_writer_names[v]))
					break;
			if (v == VMB_W_NR)
				return bad_value(o->cmd, "--writer", optarg,
						 "mmap, mprotect, munmap, mremap or fork");
			o->writer_mode = (enum vmb_writer_mode)v;
			break;
		case O_BASELINE:
			if (vmb_parse_double(optarg, 0, 3600, &o->baseline_s))
				return bad_value(o->cmd, "--baseline", optarg,
						 "seconds, 0..3600 (0: no baseline)");
			break;
		case O_FORCE:
			o->force_mmap_lock = true;
			break;
		case O_JSON:
			o->json = optarg;
			break;
		case O_CSV:
			o->csv = optarg;
			break;
		case O_TRACE:
			o->trace = optarg;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case O_DEBUGFS:
			o->debugfs = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case O_ROLE:
			if (check_role(optarg))
				return bad_value(o->cmd, "--role", optarg,
						 "victim, bystander, bystander_base, writer, writer_base or injector");
			o->role = optarg;
			break;
		case O_NOPLOTS:
			o->no_plots = true;
			break;
		case O_CI:
			o->ci = true;
			break;
		case O_INJECT: {
			struct vmb_exec_inj e;

			if (o->ninject == VMB_MAX_INJECT)
				return vmb_fail(-EINVAL,
						"%s: at most %d --inject", arg0,
						VMB_MAX_INJECT);
			if (vmb_exec_parse_inj(optarg, &e))
				return -EINVAL;
			for (i = 0; i < (size_t)o->ninject; i++)
				if (!strncmp(o->inject[i], e.inj, strlen(e.inj)) &&
				    o->inject[i][strlen(e.inj)] == ',')
					return vmb_fail(-EINVAL,
							"%s: injector %s given twice: one --inject per injector",
							arg0, e.inj);
			o->inject[o->ninject++] = optarg;
			break;
		}
		case O_WAITMAP:
			if (vmb_parse_double(optarg, 0, 3600, &o->wait_map_s))
				return bad_value(o->cmd, "--wait-map", optarg,
						 "seconds, 0..3600");
			break;
		case O_INTERVAL:
			if (vmb_parse_u64(optarg, 0, VMB_INTERVAL_US_MAX,
					  &o->interval_us))
				return bad_value(o->cmd, "--interval-us", optarg,
						 "microseconds 0..10000000");
			break;
		case O_DISKDELAY:
			if (vmb_parse_u64(optarg, 1, VMB_DELAY_US_MAX,
					  &o->disk_delay_us))
				return bad_value(o->cmd, "--disk-delay-us", optarg,
						 "microseconds 1..10000000");
			break;
		case O_SWAPDELAY:
			if (vmb_parse_u64(optarg, 1, VMB_DELAY_US_MAX,
					  &o->swap_delay_us))
				return bad_value(o->cmd, "--swap-delay-us", optarg,
						 "microseconds 1..10000000");
			break;
		case O_JITTER:
			if (vmb_parse_u64(optarg, 1, VMB_DELAY_US_MAX,
					  &o->jitter_us))
				return bad_value(o->cmd, "--jitter-us", optarg,
						 "microseconds 1..10000000");
			break;
		case O_PAGEOUT: {
			struct vmb_exec_inj e;

			if (vmb_exec_parse_map(optarg, &e))
				return -EINVAL;
			o->pageout = optarg;
			break;
		}
		case O_PAGEOUT_EVERY:
			if (vmb_parse_double(optarg, 0, 3600, &o->pageout_every_s))
				return bad_value(o->cmd, "--pageout-every", optarg,
						 "seconds, 0..3600");
			have_po_every = true;
			break;
		case O_DROP:
			o->drop_caches = true;
			break;
		case O_ONINT:
			if (!strcmp(optarg, "kill"))
				o->on_interrupt = VMB_ON_INT_KILL;
			else if (!strcmp(optarg, "keep"))
				o->on_interrupt = VMB_ON_INT_KEEP;
			else
				return bad_value(o->cmd, "--on-interrupt",
						 optarg, "kill or keep");
			break;
		case O_NAME:
			if (check_name(optarg))
				return bad_value(o->cmd, "--name", optarg,
						 "1..63 letters, digits, '.', '_', '-', starting with a letter or digit, not a scenario name (vmalock-bench list)");
			o->name = optarg;
			break;
		case O_WALL:
			if (vmb_parse_double(optarg, 0.001, 86400 * 7, &o->wall_s))
				return bad_value(o->cmd, "--wall", optarg,
						 "seconds, 0.001..604800");
			break;
		}
	}
	if (o->jitter_us && !o->swap_delay_us && !o->disk_delay_us)
		return vmb_fail(-EINVAL,
				"%s: --jitter-us is added to a delay: give --swap-delay-us or --disk-delay-us",
				arg0);
	if (have_po_every && !o->pageout)
		return vmb_fail(-EINVAL,
				"%s: --pageout-every needs --pageout MAP", arg0);
	if (o->cmd == VMB_CMD_EXEC) {
		if (optind >= argc)
			return vmb_fail(-EINVAL,
					"exec: give the command to run after '--', e.g. 'vmalock-bench exec -- ./prog ARGS'");
		o->cmd_argv = argv + optind;
		if (!o->on_interrupt)
			o->on_interrupt = VMB_ON_INT_KILL;
		return 0;
	}
	if (o->cmd == VMB_CMD_ATTACH) {
		if (optind + 1 != argc ||
		    vmb_parse_u64(argv[optind], 1, 4194304, &v))
			return vmb_fail(-EINVAL,
					"attach: give one process id, e.g. 'vmalock-bench attach 1234 --duration 10'");
		o->attach_pid = (int)v;
		if (!have_dur)
			return vmb_fail(-EINVAL,
					"attach: give how long to measure with --duration S");
		if (!o->on_interrupt)
			o->on_interrupt = VMB_ON_INT_KEEP;
		return 0;
	}
	if (have_dur && o->iterations_set)
		return vmb_fail(-EINVAL,
				"run: --iterations and --duration exclude each other; give one");
	if (have_dur)
		o->iterations = 0;
	for (; optind < argc; optind++) {
		const char *a = argv[optind];

		switch (o->cmd) {
		case VMB_CMD_RUN:
			if (!strcmp(a, "all"))
				break;
			if (!vmb_find_scenario(a, &variant))
				return vmb_fail(-EINVAL,
						"run: unknown scenario '%s'; 'vmalock-bench list' shows them",
						a);
			if (o->nscenarios == VMB_MAX_SCENARIOS)
				return vmb_fail(-EINVAL, "run: too many scenarios");
			o->scenarios[o->nscenarios++] = a;
			break;
		case VMB_CMD_COMPARE:
		case VMB_CMD_PLOT:
		case VMB_CMD_REPORT:
			if (o->nfiles == VMB_MAX_FILES)
				return vmb_fail(-EINVAL,
						"%s: at most %d files", arg0,
						VMB_MAX_FILES);
			o->files[o->nfiles++] = a;
			break;
		default:
			return vmb_fail(-EINVAL,
					"%s: unexpected argument '%s'; see 'vmalock-bench %s --help'",
					arg0, a, arg0);
		}
	}
	if (o->cmd == VMB_CMD_COMPARE && o->nfiles < 1)
		return vmb_fail(-EINVAL,
				"compare: give at least one JSON file (two to compare), e.g. 'vmalock-bench compare a.json b.json'");
	if (o->cmd == VMB_CMD_PLOT && !o->nfiles)
		return vmb_fail(-EINVAL,
				"plot: give at least one JSON file written by 'run --json'");
	if (o->cmd == VMB_CMD_REPORT && !o->nfiles)
		return vmb_fail(-EINVAL,
				"report: give the JSON file of each configuration, e.g. 'vmalock-bench report 6.1.json 6.12.json -o DIR'");
	if (o->cmd == VMB_CMD_REPORT && !o->output)
		return vmb_fail(-EINVAL,
				"report: give the output directory with -o DIR");
	if (o->cmd == VMB_CMD_PLOT && !o->output)
		return vmb_fail(-EINVAL,
				"plot: give the output file with -o OUT.svg or -o OUT.png");
	return 0;
}
