/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line, parsed (cli.c): the command and every option. What
 * each command reads of it: run the run options, compare, plot and
 * report the files and output options.
 */
#ifndef VMB_OPTS_H
#define VMB_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#define VMB_MAX_THREADS_LIST 16
#define VMB_MAX_SCENARIOS 64
#define VMB_MAX_FILES 16
#define VMB_MAX_BYSTANDERS 64
#define VMB_MAX_VICTIMS 1024

enum vmb_cmd { VMB_CMD_NONE, VMB_CMD_LIST, VMB_CMD_RUN, VMB_CMD_COMPARE,
	       VMB_CMD_PLOT, VMB_CMD_CHECK, VMB_CMD_HELP, VMB_CMD_VERSION,
	       VMB_CMD_REPORT };

struct vmb_opts {
	enum vmb_cmd cmd;
	bool help;		/* --help given for cmd */
	const char *debugfs;	/* module directory */
	/* run */
	const char *scenarios[VMB_MAX_SCENARIOS];
	int nscenarios;
	int threads[VMB_MAX_THREADS_LIST];
	int nthreads;
	uint64_t hold_us;
	uint64_t iterations;	/* per victim thread; 0: use duration */
	bool iterations_set;
	double duration_s;	/* 0: use iterations */
	double baseline_s;	/* no-injection phase of bystanders, writer */
	int repeat;
	int bystanders;
	bool writer;
	bool force_mmap_lock;
	const char *json;
	const char *csv;
	const char *trace;
	bool quiet;
	bool verbose;		/* every role, not one line per run */
	/* compare, plot, report */
	const char *files[VMB_MAX_FILES];
	int nfiles;
	const char *output;
	const char *role;
	/* report */
	bool no_plots;
	double wall_s;		/* the A/B's wall time; 0: not given */
};

#endif /* VMB_OPTS_H */
