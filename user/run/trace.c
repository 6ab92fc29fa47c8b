// SPDX-License-Identifier: GPL-2.0
/*
 * --trace: the run wrapped in 'trace-cmd record -C global -e
 * vmalock_bench -e mmap_lock', started before the first scenario (once
 * every per-CPU recorder of trace-cmd's is reading: lib/tracecmd.c) and
 * stopped with SIGINT after the last. Then 'trace-cmd report' is read back (trace-cmd is
 * exec'd directly, never through a shell) for a short summary:
 *
 *  - mmap_lock waits by role: per thread, the time from
 *    mmap_lock_start_locking to mmap_lock_acquire_returned; threads are
 *    mapped to roles by the thread ids the engine records;
 *  - vmalock_bench:fault events by path, with their mean duration.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/error.h"
#include "lib/hist.h"
#include "lib/result.h"
#include "lib/tracecmd.h"
#include "run/signals.h"
#include "run/trace.h"

/* Roles of the engine, plus the tool's main thread. */
#define ROLE_MAIN VMB_ROLE_NR
#define NROLES (VMB_ROLE_NR + 1)

struct tid_role {
	pid_t tid;
	int role;
	bool pending;		/* start_locking seen, not yet returned */
	bool write;
	double start;
};

static pthread_mutex_t tids_lock = PTHREAD_MUTEX_INITIALIZER;
static struct tid_role *tids;
static size_t ntids, tids_cap;

/* Called by every worker thread: who it is, for the trace summary. */
void vmb_trace_note_tid(enum vmb_role role)
{
	struct tid_role *t;

	pthread_mutex_lock(&tids_lock);
	if (ntids == tids_cap) {
		size_t cap = tids_cap ? tids_cap * 2 : 64;

		t = realloc(tids, cap * sizeof(*t));
		if (!t)
			goto out;
		tids = t;
		tids_cap = cap;
	}
	t = &tids[ntids++];
	memset(t, 0, sizeof(*t));
	t->tid = (pid_t)syscall(SYS_gettid);
	t->role = (int)role;
out:
	pthread_mutex_unlock(&tids_lock);
}

/* The latest thread with that id: ids are reused only after a wrap. */
static struct tid_role *find_tid(pid_t tid)
{
	size_t i;

	for (i = ntids; i > 0; i--)
		if (tids[i - 1].tid == tid)
			return &tids[i - 1];
	return NULL;
}

static bool have_events(const char *sys)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/kernel/tracing/events/%s", sys);
	if (!access(path, F_OK))
		return true;
	snprintf(path, sizeof(path), "/sys/kernel/debug/tracing/events/%s", sys);
	return !access(path, F_OK);
}

int vmb_trace_start(const char *file, pid_t *pid)
{
	const char *argv[12];
	int n = 0, i;
	pid_t p;

	argv[n++] = "trace-cmd";
	argv[n++] = "record";
	/*
	 * A wait is timed from two events of one thread, which may be on
	 * two CPUs (it slept): the global clock agrees between CPUs, the
	 * default (local) one is not promised to.
	 */
	argv[n++] = "-C";
	argv[n++] = "global";
	if (have_events("vmalock_bench")) {
		argv[n++] = "-e";
		argv[n++] = "vmalock_bench";
	}
	if (have_events("mmap_lock")) {
		argv[n++] = "-e";
		argv[n++] = "mmap_lock";
	}
	if (n == 4)
		return vmb_fail(-ENOENT,
				"--trace: neither vmalock_bench nor mmap_lock events exist (mount tracefs on /sys/kernel/tracing, load the module)");
	argv[n++] = "-o";
	argv[n++] = file;
	argv[n] = NULL;
	/* The main thread's role, for the summary. */
	vmb_trace_note_tid(VMB_ROLE_NR);
	p = fork();
	if (p < 0)
		return vmb_fail(-errno, "--trace: fork");
	if (!p) {
		int null = open("/dev/null", O_WRONLY);

		/*
		 * Its own process group keeps a terminal's Ctrl-C for us (we
		 * stop it with SIGINT ourselves); a SIG_IGN would be inherited
		 * and leave it deaf to ours. Its chatter would cut the table.
		 */
		setpgid(0, 0);
		vmb_child_signals();
		if (null >= 0)
			dup2(null, 1);
		execvp("trace-cmd", (char *const *)argv);
		_exit(127);
	}
	/*
	 * SIGINT before trace-cmd has set up kills it without a trace, and
	 * before a per-CPU recorder is in its read loop loses that CPU's
	 * events (lib/tracecmd.c): wait until every one is, up to 20 s (it
	 * reads every event format first, slow on a TCG guest).
	 */
	for (i = 0; i < 400; i++) {
		int status;

		if (waitpid(p, &status, WNOHANG) == p)
			return vmb_fail(-EIO,
					"--trace: trace-cmd record exited at once (is trace-cmd installed, are you root?)");
		if (vmb_tracecmd_recording(p) == 1)
			break;
		usleep(50000);
	}
	if (i == 400)
		fprintf(stderr, "vmalock-bench: --trace: trace-cmd's recorders not all reading after 20 s: the trace may lack a CPU's events\n");
	*pid = p;
	return 0;
}

struct wait_stat {
	uint64_t n;
	double sum, max;
	struct vmb_hist h;
};

struct fault_stat {
	const char *path;
	uint64_t n;
	double sum_ns;
};

struct summary {
	uint64_t events, mmap_events, unpaired;
	struct wait_stat wait[NROLES][2];	/* [role][write] */
	struct fault_stat fault[4];
};

/*
 * One line of 'trace-cmd report':
 *   COMM-TID [CPU] TIMESTAMP: EVENT: FIELDS
 * with optional latency flags between the CPU and the timestamp.
 */
static int parse_line(char *line, pid_t *tid, double *ts, char **event,
		      char **fields)
{
	char *br, *p, *dash, *end, *tok;

	br = strchr(line, '[');
	if (!br || br == line)
		return -EINVAL;
	for (p = br; p > line && p[-1] == ' '; p--)
		;
	*p = '\0';
	dash = strrchr(line, '-');
	if (!dash)
		return -EINVAL;
	*tid = (pid_t)strtol(dash + 1, &end, 10);
	p = strchr(br, ']');
	if (!p)
		return -EINVAL;
	/* The first "NUMBER:" token is the timestamp, the next "WORD:" the event. */
	for (tok = strtok_r(p + 1, " ", &end); tok;
	     tok = strtok_r(NULL, " ", &end)) {
		size_t len = strlen(tok);
		char *e;

		if (len < 2 || tok[len - 1] != ':')
			continue;
		*ts = strtod(tok, &e);
		if (e == tok + len - 1)
			break;
	}
	if (!tok)
		return -EINVAL;
	tok = strtok_r(NULL, " ", &end);
	if (!tok || tok[strlen(tok) - 1] != ':')
		return -EINVAL;
	tok[strlen(tok) - 1] = '\0';
	*event = tok;
	*fields = end ? end : "";
	return 0;
}

static void account(struct summary *s, char *line)
{
	struct tid_role *t;
	char *event, *fields, *p;
	double ts;
	pid_t tid;
	int i;

	if (parse_line(line, &tid, &ts, &event, &fields))
		return;
	s->events++;
	if (!strcmp(event, "fault")) {
		p = strstr(fields, "path=");
		if (!p)
			return;
		p += 5;
		for (i = 0; i < 3; i++) {
			size_t len = strlen(s->fault[i].path);

			if (!strncmp(p, s->fault[i].path, len) &&
			    (p[len] == ' ' || !p[len]))
				break;
		}
		s->fault[i].n++;
		p = strstr(fields, "duration_ns=");
		if (p)
			s->fault[i].sum_ns += strtod(p + 12, NULL);
		return;
	}
	if (strncmp(event, "mmap_lock_", 10))
		return;
	s->mmap_events++;
	t = find_tid(tid);
	if (!t)
		return;	/* not a thread of ours */
	if (!strcmp(event, "mmap_lock_start_locking")) {
		t->pending = true;
		t->write = strstr(fields, "write=true") != NULL;
		t->start = ts;
	} else if (!strcmp(event, "mmap_lock_acquire_returned")) {
		struct wait_stat *w;
		double d;

		if (!t->pending) {
			s->unpaired++;
			return;
		}
		t->pending = false;
		w = &s->wait[t->role][t->write];
		d = (ts - t->start) * 1e9;
		if (d < 0)
			d = 0;
		w->n++;
		w->sum += d;
		if (d > w->max)
			w->max = d;
		vmb_hist_add(&w->h, (uint64_t)d);
	}
}

static void print_summary(const struct summary *s, const char *file)
{
	char a[16], b[16], c[16];
	int role, wr, i;

	printf("# trace: %s: %llu events (trace-cmd report -i %s)\n", file,
	       (unsigned long long)s->events, file);
	printf("# mmap_lock waits of this process by role (mmap_lock_start_locking -> mmap_lock_acquire_returned):\n");
	printf("#   %-15s %-5s %8s %9s %9s %9s\n", "role", "lock", "count",
	       "mean", "p99", "max");
	for (role = 0; role < NROLES; role++) {
		for (wr = 0; wr < 2; wr++) {
			const struct wait_stat *w = &s->wait[role][wr];

			if (!w->n)
				continue;
			printf("#   %-15s %-5s %8llu %9s %9s %9s\n",
			       role == ROLE_MAIN ? "main" : vmb_role_names[role],
			       wr ? "write" : "read", (unsigned long long)w->n,
			       vmb_fmt_ns(a, sizeof(a), w->sum / (double)w->n),
			       vmb_fmt_ns(b, sizeof(b),
				      (double)vmb_hist_pct(&w->h, 99)),
			       vmb_fmt_ns(c, sizeof(c), w->max));
		}
	}
	if (!s->mmap_events)
		printf("#   (no mmap_lock events recorded)\n");
	printf("# vmalock_bench:fault by path:");
	for (i = 0; i < 4; i++) {
		const struct fault_stat *f = &s->fault[i];

		if (i == 3 && !f->n)
			continue;
		printf(" %s=%llu", f->path, (unsigned long long)f->n);
		if (f->n)
			printf(" (mean %s)",
			       vmb_fmt_ns(a, sizeof(a), f->sum_ns / (double)f->n));
	}
	printf("\n");
}

static int summarize(const char *file)
{
	const char *argv[5];
	struct summary *s;
	int fds[2], status, ret = 0, role, wr;
	char *line = NULL;
	size_t cap = 0;
	FILE *f;
	pid_t p;

	argv[0] = "trace-cmd";
	argv[1] = "report";
	argv[2] = "-i";
	argv[3] = file;
	argv[4] = NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return vmb_fail(-ENOMEM, "--trace: allocation");
	for (role = 0; role < NROLES; role++)
		for (wr = 0; wr < 2; wr++)
			vmb_hist_init(&s->wait[role][wr].h);
	s->fault[0].path = "vma_lock";
	s->fault[1].path = "vma_then_mmap";
	s->fault[2].path = "mmap_lock";
	s->fault[3].path = "other";
	if (pipe2(fds, O_CLOEXEC)) {
		free(s);
		return vmb_fail(-errno, "--trace: pipe");
	}
	p = fork();
	if (p < 0) {
		ret = vmb_fail(-errno, "--trace: fork");
		close(fds[0]);
		close(fds[1]);
		free(s);
		return ret;
	}
	if (!p) {
		int null = open("/dev/null", O_WRONLY);

		dup2(fds[1], 1);
		if (null >= 0)
			dup2(null, 2);
		vmb_child_signals();
		execvp("trace-cmd", (char *const *)argv);
		_exit(127);
	}
	close(fds[1]);
	f = fdopen(fds[0], "r");
	if (!f) {
		ret = vmb_fail(-errno, "--trace: fdopen");
		close(fds[0]);
	} else {
		while (getline(&line, &cap, f) > 0)
			account(s, line);
		fclose(f);
	}
	free(line);
	if (waitpid(p, &status, 0) < 0 && !ret)
		ret = vmb_fail(-errno, "--trace: waiting for trace-cmd report");
	else if (!ret && (!WIFEXITED(status) || WEXITSTATUS(status)))
		ret = vmb_fail(-EIO, "--trace: 'trace-cmd report -i %s' failed",
			       file);
	if (!ret)
		print_summary(s, file);
	free(s);
	return ret;
}

int vmb_trace_stop(pid_t pid, const char *file, bool quiet)
{
	struct stat st;
	int status;

	/* trace-cmd stops its per-CPU recorders itself, then writes FILE. */
	if (kill(pid, SIGINT))
		return vmb_fail(-errno, "--trace: stopping trace-cmd");
	if (waitpid(pid, &status, 0) < 0)
		return vmb_fail(-errno, "--trace: waiting for trace-cmd");
	if (WIFEXITED(status) && WEXITSTATUS(status))
		return vmb_fail(-EIO, "--trace: trace-cmd record exited with status %d; %s may be incomplete",
				WEXITSTATUS(status), file);
	if (WIFSIGNALED(status) && WTERMSIG(status) != SIGINT)
		return vmb_fail(-EIO, "--trace: trace-cmd record killed by signal %d; %s may be incomplete",
				WTERMSIG(status), file);
	if (stat(file, &st) || !st.st_size)
		return vmb_fail(-EIO, "--trace: trace-cmd record left no %s",
				file);
	if (quiet)
		return 0;
	fflush(stdout);
	return summarize(file);
}
