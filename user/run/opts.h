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
#define VMB_MAX_INJECT 4

/*
 * What the writer thread does (--writer): map and unmap a region of its
 * own, or change the VMA the victims fault in (its spare last page), or
 * fork().
 */
enum vmb_writer_mode { VMB_W_MMAP, VMB_W_MPROTECT, VMB_W_MUNMAP,
		       VMB_W_MREMAP, VMB_W_FORK, VMB_W_NR };
extern const char *const vmb_writer_names[VMB_W_NR];

enum vmb_cmd { VMB_CMD_NONE, VMB_CMD_LIST, VMB_CMD_RUN, VMB_CMD_COMPARE,
	       VMB_CMD_PLOT, VMB_CMD_CHECK, VMB_CMD_HELP, VMB_CMD_VERSION,
	       VMB_CMD_REPORT, VMB_CMD_EXEC, VMB_CMD_ATTACH };

/* exec, attach: CMD on Ctrl-C (and on an error of the tool). */
enum vmb_on_int { VMB_ON_INT_DEFAULT, VMB_ON_INT_KILL, VMB_ON_INT_KEEP };

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
	enum vmb_writer_mode writer_mode;
	bool force_mmap_lock;
	const char *json;
	const char *csv;
	const char *trace;
	bool quiet;
	bool verbose;		/* every role, not one line per run */
	/* exec, attach (also hold_us, duration_s, force_mmap_lock, json) */
	char **cmd_argv;	/* exec: CMD and its arguments, NULL-ended */
	int attach_pid;
	const char *inject[VMB_MAX_INJECT];	/* INJ,MAP[,OFF[,LEN]] */
	int ninject;
	uint64_t interval_us;	/* between holds */
	uint64_t disk_delay_us;
	uint64_t swap_delay_us;	/* also swapon of the swap device */
	uint64_t jitter_us;	/* of each delay given */
	const char *pageout;	/* MAP[,OFF[,LEN]]: process_madvise() */
	double pageout_every_s;	/* 0: once */
	bool drop_caches;
	double wait_map_s;	/* how long a mapping is waited for */
	enum vmb_on_int on_interrupt;
	const char *name;	/* --name: the result's name, or NULL */
	/* compare, plot, report */
	const char *files[VMB_MAX_FILES];
	int nfiles;
	const char *output;
	const char *role;
	/* compare */
	bool ci;		/* --ci: 95% t-intervals, not the deviation */
	/* report */
	bool no_plots;
	double wall_s;		/* the A/B's wall time; 0: not given */
};

#endif /* VMB_OPTS_H */
