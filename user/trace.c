// SPDX-License-Identifier: GPL-2.0
/*
 * --trace: the run wrapped in 'trace-cmd record'. Started before the
 * first scenario, stopped with SIGINT after the last; then a count of
 * events per name from 'trace-cmd report'.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmb.h"

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
	if (have_events("vmalock_bench")) {
		argv[n++] = "-e";
		argv[n++] = "vmalock_bench";
	}
	if (have_events("mmap_lock")) {
		argv[n++] = "-e";
		argv[n++] = "mmap_lock";
	}
	if (n == 2)
		return vmb_fail(-ENOENT,
				"--trace: neither vmalock_bench nor mmap_lock events exist (mount tracefs on /sys/kernel/tracing, load the module)");
	argv[n++] = "-o";
	argv[n++] = file;
	argv[n] = NULL;
	p = fork();
	if (p < 0)
		return vmb_fail(-errno, "--trace: fork");
	if (!p) {
		/* Keep Ctrl-C for us: we stop trace-cmd ourselves. */
		signal(SIGINT, SIG_IGN);
		execvp("trace-cmd", (char *const *)argv);
		_exit(127);
	}
	/* trace-cmd needs a moment to set up its per-CPU recorders. */
	for (i = 0; i < 20; i++) {
		int status;

		if (waitpid(p, &status, WNOHANG) == p)
			return vmb_fail(-EIO,
					"--trace: trace-cmd record exited at once (is trace-cmd installed, are you root?)");
		usleep(50000);
	}
	*pid = p;
	return 0;
}

int vmb_trace_stop(pid_t pid, const char *file, bool quiet)
{
	char cmd[600];
	int status;

	if (kill(pid, SIGINT))
		return vmb_fail(-errno, "--trace: stopping trace-cmd");
	if (waitpid(pid, &status, 0) < 0)
		return vmb_fail(-errno, "--trace: waiting for trace-cmd");
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return vmb_fail(-EIO, "--trace: trace-cmd record failed; %s may be incomplete",
				file);
	if (quiet)
		return 0;
	/* Short summary: events per name. */
	printf("trace recorded in %s; events by name:\n", file);
	fflush(stdout);
	snprintf(cmd, sizeof(cmd),
		 "trace-cmd report -i '%s' 2>/dev/null | awk '{for(i=1;i<=NF;i++) if ($i ~ /:$/ && $(i-1) ~ /^[0-9.]+:$/) {print $i; break}}' | sort | uniq -c | sort -rn | head -20",
		 file);
	if (system(cmd) == -1)
		return vmb_fail(-errno, "--trace: running trace-cmd report");
	return 0;
}
