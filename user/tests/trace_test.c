// SPDX-License-Identifier: GPL-2.0
/*
 * The module's tracepoints, seen the way a developer sees them:
 * trace-cmd record -e vmalock_bench -e mmap_lock around the target's
 * faults and an mmap() must show vmalock_bench:fault events interleaved
 * with the kernel's own mmap_lock:* events.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "libvmb.h"

#define TRACE_CMD "/usr/bin/trace-cmd"
#define TRACE_DAT "/tmp/trace_test.dat"
#define NPAGES 64

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* 1 when tracefs shows the event enabled, i.e. trace-cmd is recording. */
static int event_enabled(const char *sys)
{
	char path[128], c = '0';
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/tracing/events/%s/enable",
		 sys);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	if (read(fd, &c, 1) != 1)
		c = '0';
	close(fd);
	return c != '0';
}

static pid_t start_record(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		execl(TRACE_CMD, "trace-cmd", "record", "-q", "-e",
		      "vmalock_bench", "-e", "mmap_lock", "-o", TRACE_DAT,
		      (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* "trace-cmd report" into buf; returns its length or -errno. */
static int report(char *buf, size_t size)
{
	int fds[2], status;
	size_t len = 0;
	ssize_t n;
	pid_t pid;

	if (pipe(fds))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		execl(TRACE_CMD, "trace-cmd", "report", "-i", TRACE_DAT,
		      (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while (len + 1 < size &&
	       (n = read(fds[0], buf + len, size - 1 - len)) > 0)
		len += n;
	buf[len] = '\0';
	close(fds[0]);
	waitpid(pid, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return -EIO;
	return len;
}

FIXTURE(trace) {
	pid_t rec;
	char *out;
};

FIXTURE_SETUP(trace)
{
	self->rec = 0;
	self->out = NULL;
	if (vmb_loaded())
		SKIP(return, "vmalock_bench is not loaded");
	if (access(TRACE_CMD, X_OK))
		SKIP(return, "no %s", TRACE_CMD);
	if (event_enabled("vmalock_bench") < 0)
		SKIP(return, "no vmalock_bench events in tracefs");
	if (vmb_has_feature("fault_accounting") != 1)
		SKIP(return, "no fault_accounting in features");
	self->out = malloc(8 << 20);
	ASSERT_NE(NULL, self->out);
	ASSERT_EQ(0, vmb_set_target(getpid()));
}

FIXTURE_TEARDOWN(trace)
{
	if (self->rec > 0) {
		kill(self->rec, SIGKILL);
		waitpid(self->rec, NULL, 0);
	}
	vmb_set_target(0);
	unlink(TRACE_DAT);
	free(self->out);
}

TEST_F(trace, faults_interleave_with_mmap_lock)
{
	int i, status, len, faults = 0, mmap_lock = 0, interleaved = 0;
	char *line, *save, last = 0, head[800];
	void *mem, *m;

	self->rec = start_record();
	ASSERT_GT(self->rec, 0);
	/* Wait (at most 20 s under TCG) until both systems are enabled. */
	for (i = 0; i < 400; i++) {
		if (event_enabled("vmalock_bench") == 1 &&
		    event_enabled("mmap_lock") == 1)
			break;
		sleep_ms(50);
	}
	ASSERT_LT(i, 400) TH_LOG("trace-cmd did not start recording");
	/* It enables the events before it resets and reads the buffers. */
	sleep_ms(1000);

	/* Faults of the target, each followed by an mmap_lock user. */
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, vmb_fault_anon(NPAGES / 4, &mem));
		munmap(mem, (NPAGES / 4) * getpagesize());
		m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
		ASSERT_NE(MAP_FAILED, m);
		munmap(m, 4096);
	}

	kill(self->rec, SIGINT);
	ASSERT_EQ(self->rec, waitpid(self->rec, &status, 0));
	self->rec = 0;
	ASSERT_TRUE(WIFEXITED(status) && !WEXITSTATUS(status));

	len = report(self->out, 8 << 20);
	ASSERT_GT(len, 0);
	snprintf(head, sizeof(head), "%s", self->out);
	/* Count both kinds, and switches from one to the other. */
	for (line = strtok_r(self->out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char kind = 0;

		if (strstr(line, " fault:") && strstr(line, "path="))
			kind = 'f';
		else if (strstr(line, " mmap_lock_"))
			kind = 'm';
		if (!kind)
			continue;
		if (kind == 'f')
			faults++;
		else
			mmap_lock++;
		if (last && kind != last)
			interleaved++;
		last = kind;
	}
	TH_LOG("%d fault events, %d mmap_lock events, %d switches", faults,
	       mmap_lock, interleaved);
	if (faults < NPAGES)
		TH_LOG("report begins: %s", head);
	EXPECT_GE(faults, NPAGES);
	EXPECT_GT(mmap_lock, 0);
	/* 4 rounds of faults then mmap(): at least 7 switches. */
	EXPECT_GE(interleaved, 7);
}

TEST_HARNESS_MAIN
