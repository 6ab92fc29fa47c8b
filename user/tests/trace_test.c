// SPDX-License-Identifier: GPL-2.0
/*
 * The module's tracepoints, seen the way a developer sees them:
 * trace-cmd record -e vmalock_bench -e mmap_lock around the target's
 * faults and an mmap() must show vmalock_bench:fault events interleaved
 * with the kernel's own mmap_lock:* events; every injector hold is
 * bracketed by inject_begin/inject_end, with the fault that waited on it
 * after its end.
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
#include "lib/inj.h"
#include "lib/map.h"
#include "lib/module.h"
#include "lib/tracecmd.h"

#define TRACE_CMD "/usr/bin/trace-cmd"
#define TRACE_DAT "/tmp/trace_test.dat"
/*
 * The top buffer's size per CPU, in KiB: the kernel's default
 * (trace_buf_size, 1441792 bytes). See start_record() for why it is set.
 */
#define TRACE_BUF_KB "1408"
#define NPAGES 64

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* 1 when the tracefs file (events/SYS/enable, tracing_on) reads non-0. */
static int tracefs_on(const char *file)
{
	char path[128], c = '0';
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/tracing/%s", file);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	if (read(fd, &c, 1) != 1)
		c = '0';
	close(fd);
	return c != '0';
}

/* Write VAL to a tracefs file: 0 or -errno. */
static int tracefs_write(const char *file, const char *val)
{
	char path[128];
	int fd, ret = 0;

	snprintf(path, sizeof(path), "/sys/kernel/tracing/%s", file);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	if (write(fd, val, strlen(val)) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static int event_enabled(const char *sys)
{
	char file[96];

	snprintf(file, sizeof(file), "events/%s/enable", sys);
	return tracefs_on(file);
}

static pid_t start_record(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(null, 1);
		/*
		 * The global clock: these tests order events of two CPUs
		 * by their timestamps, and the default (local) clock is
		 * per CPU, not promised to agree between them.
		 *
		 * -b: the top buffer is a page or two per CPU until its
		 * first use, when the kernel sizes it up, but on 6.1 it
		 * does so only while no trace instance has been resized
		 * (one flag for all, ring_buffer_expanded; 6.12 keeps one
		 * per instance). The tool's exec resizes one of its own:
		 * after it, on 6.1, the top buffer stayed at 7 KiB per CPU,
		 * and events of a CPU were overwritten before trace-cmd
		 * read them (the head of one CPU's events, or all of them,
		 * missing from the report).
		 */
		execl(TRACE_CMD, "trace-cmd", "record", "-q", "-C", "global",
		      "-b", TRACE_BUF_KB, "-e", "vmalock_bench", "-e",
		      "mmap_lock", "-o", TRACE_DAT, (char *)NULL);
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
	int tracing_on;
	char *out;
};

FIXTURE_SETUP(trace)
{
	self->rec = 0;
	self->out = NULL;
	self->tracing_on = tracefs_on("tracing_on");
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
	int i;

	if (self->rec > 0) {
		/*
		 * SIGINT first: trace-cmd then stops its per-CPU readers
		 * (SIGKILL would leave them reading, stealing the next
		 * test's events) and puts tracefs back as it found it.
		 */
		kill(self->rec, SIGINT);
		for (i = 0; i < 100 && !waitpid(self->rec, NULL, WNOHANG); i++)
			sleep_ms(100);
		if (i == 100) {
			kill(self->rec, SIGKILL);
			waitpid(self->rec, NULL, 0);
		}
	}
	if (self->tracing_on >= 0)
		tracefs_write("tracing_on", self->tracing_on ? "1" : "0");
	vmb_inj_disarm(VMB_INJ_FOLIO_LOCK_DIR);
	vmb_inj_disarm(VMB_INJ_MIGRATION_DIR);
	vmb_set_target(0);
	unlink(TRACE_DAT);
	free(self->out);
}

/*
 * trace-cmd record, recording: 0, -errno, or -ETIMEDOUT (20 s under
 * TCG). trace-cmd turns tracing_on off (and clears the buffers), enables
 * the events, starts a reader per CPU and only then turns tracing_on back
 * on: an event before that is dropped. So wait for both. From every event
 * and tracing_on off (a trace-cmd that was killed may have left them on),
 * both on can only be trace-cmd's doing. It does not wait for its
 * recorders: wait until every one is reading too, or a stop soon after
 * loses a CPU's events, or all of them (an empty report, 1 run in 10 on
 * 6.1): lib/tracecmd.c.
 */
static int record(struct _test_data_trace *self)
{
	int i, ret;

	ret = tracefs_write("events/enable", "0");
	if (!ret)
		ret = tracefs_write("tracing_on", "0");
	if (ret)
		return ret;
	self->rec = start_record();
	if (self->rec <= 0)
		return -ECHILD;
	for (i = 0; i < 400; i++) {
		if (event_enabled("vmalock_bench") == 1 &&
		    event_enabled("mmap_lock") == 1 &&
		    tracefs_on("tracing_on") == 1 &&
		    vmb_tracecmd_recording(self->rec) == 1)
			break;
		sleep_ms(50);
	}
	if (i == 400)
		return -ETIMEDOUT;
	return 0;
}

/*
 * Stop trace-cmd record and read its report into self->out. On SIGINT
 * trace-cmd turns tracing_on off and sends each recorder SIGUSR1, which
 * flushes what is left in its buffer: all of ours, as record() waited
 * until every recorder was in its loop.
 */
static int stop_and_report(struct _test_data_trace *self)
{
	int status;

	kill(self->rec, SIGINT);
	if (waitpid(self->rec, &status, 0) != self->rec)
		return -ECHILD;
	self->rec = 0;
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		return -EIO;
	return report(self->out, 8 << 20);
}

/*
 * Per CPU of the report: how many events, the first and the last time.
 * Events that are missing (a hold's, or some of 64 faults': 41 once on
 * 6.1) were either before the recording really began or after a CPU's
 * last recorded page: this tells which.
 */
static void log_cpu_spans(struct __test_metadata *_metadata, const char *out)
{
	double first[8], last[8], ts;
	int n[8] = {}, cpu;
	const char *p;

	for (p = out; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		const char *b = strstr(p, " [");
		const char *nl = strchr(p, '\n');

		if (!b || (nl && b > nl) ||
		    sscanf(b, " [%d] %lf:", &cpu, &ts) != 2 || cpu < 0 ||
		    cpu >= 8)
			continue;
		if (!n[cpu]++)
			first[cpu] = ts;
		last[cpu] = ts;
	}
	for (cpu = 0; cpu < 8; cpu++)
		if (n[cpu])
			TH_LOG("CPU %d: %d events, from %.6f to %.6f", cpu,
			       n[cpu], first[cpu], last[cpu]);
}

TEST_F(trace, faults_interleave_with_mmap_lock)
{
	int i, len, faults = 0, mmap_lock = 0, interleaved = 0;
	char *line, *save, *copy, last = 0, head[800];
	void *mem, *m;

	ASSERT_EQ(0, record(self)) TH_LOG("trace-cmd did not start recording");

	/* Faults of the target, each followed by an mmap_lock user. */
	for (i = 0; i < 4; i++) {
		ASSERT_EQ(0, vmb_fault_anon(NPAGES / 4, &mem));
		munmap(mem, (NPAGES / 4) * getpagesize());
		m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			 -1, 0);
		ASSERT_NE(MAP_FAILED, m);
		munmap(m, 4096);
	}

	len = stop_and_report(self);
	ASSERT_GT(len, 0);
	snprintf(head, sizeof(head), "%s", self->out);
	copy = strdup(self->out);	/* strtok_r() below cuts self->out */
	ASSERT_NE(NULL, copy);
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
	if (faults < NPAGES) {
		TH_LOG("report begins: %s", head);
		log_cpu_spans(_metadata, copy);
	}
	free(copy);
	EXPECT_GE(faults, NPAGES);
	EXPECT_GT(mmap_lock, 0);
	/* 4 rounds of faults then mmap(): at least 7 switches. */
	EXPECT_GE(interleaved, 7);
}

static const struct {
	const char *inj, *feature;
	enum vmb_map_type type;
} inj_cases[] = {
	{ VMB_INJ_FOLIO_LOCK_DIR, "inject_folio_lock", VMB_MAP_MEMFD },
	{ VMB_INJ_MIGRATION_DIR, "inject_migration", VMB_MAP_ANON },
};

#define HOLDS 2
/*
 * Long enough that the test sees each hold before it ends even when a
 * loaded host leaves the VM without a CPU for a while: at 50 ms, 1 run
 * in 20 on 6.1 missed one ("wait_holding ... -ENOENT").
 */
#define HOLD_US 200000
#define INJ_PAGES 4

/*
 * Two holds of each injector with a fault on page 1 in each: per hold an
 * inject_begin and an inject_end naming the injector, the range and the
 * folios held, and the fault's event (at its end) after the inject_end,
 * never between the two.
 */
TEST_F(trace, injections_bracket_faults)
{
	struct vmb_map m[ARRAY_SIZE(inj_cases)] = {};
	bool ran[ARRAY_SIZE(inj_cases)] = {};
	long page = vmb_page_size();
	char *line, *save, want[128], fault[64];
	unsigned int c;
	int h, len;
	uint64_t start;

	for (c = 0; c < ARRAY_SIZE(inj_cases); c++)
		ran[c] = vmb_has_feature(inj_cases[c].feature) == 1;
	if (!ran[0] && !ran[1])
		SKIP(return, "no injector in features");
	ASSERT_EQ(0, record(self)) TH_LOG("trace-cmd did not start recording");
	for (c = 0; c < ARRAY_SIZE(inj_cases); c++) {
		const char *inj = inj_cases[c].inj;

		if (!ran[c])
			continue;
		ASSERT_EQ(0, vmb_map_create(&m[c], inj_cases[c].type,
					    INJ_PAGES));
		vmb_map_fill(&m[c], 0, INJ_PAGES);
		for (h = 0; h < HOLDS; h++) {
			if (inj_cases[c].type != VMB_MAP_ANON)
				ASSERT_EQ(0, madvise(m[c].mem + page, page,
						     MADV_DONTNEED));
			ASSERT_EQ(0, vmb_inj_setup(inj, m[c].mem, m[c].len,
						   HOLD_US, 0, 1));
			ASSERT_EQ(0, vmb_inj_arm(inj));
			ASSERT_EQ(0, vmb_inj_wait_holding(inj, 5000, &start));
			(void)*(volatile char *)(m[c].mem + page);
			ASSERT_EQ(0, vmb_inj_wait_disarmed(inj, 5000));
		}
	}
	len = stop_and_report(self);
	ASSERT_GT(len, 0);

	for (c = 0; c < ARRAY_SIZE(inj_cases); c++) {
		int begins = 0, ends = 0, after = 0, inside = 0, open = 0;
		char seen[2048] = "";
		size_t used = 0;

		if (!ran[c])
			continue;
		snprintf(want, sizeof(want),
			 "injector=%s start=0x%lx len=%zu folios=%d",
			 inj_cases[c].inj, (unsigned long)m[c].mem, m[c].len,
			 INJ_PAGES);
		/* trace-cmd pads the event name: match the two apart. */
		snprintf(fault, sizeof(fault), " address=0x%lx ",
			 (unsigned long)(m[c].mem + page));
		/* strtok_r() would cut the buffer: walk it by hand. */
		for (line = self->out; line && *line; line = save) {
			save = strchr(line, '\n');
			if (save)
				*save++ = '\0';
			if (strstr(line, " inject_begin:") &&
			    strstr(line, want)) {
				begins++;
				open = 1;
			} else if (strstr(line, " inject_end:") &&
				   strstr(line, want)) {
				ends++;
				open = 0;
			} else if (strstr(line, " fault:") &&
				   strstr(line, fault)) {
				if (open)
					inside++;
				else if (ends)
					after++;
			} else {
				line = NULL;
			}
			/* What matched, CPU and time first: shown on a failure. */
			if (line && used < sizeof(seen) - 1)
				used += snprintf(seen + used, sizeof(seen) - used,
						 "\n  %.110s", line);
			if (save)
				save[-1] = '\n';
		}
		TH_LOG("%s: %d inject_begin, %d inject_end (%s), the fault on page 1 %d times after an end, %d inside a hold",
		       inj_cases[c].inj, begins, ends, want, after, inside);
		if (begins != HOLDS || ends != HOLDS || inside || after < HOLDS)
			TH_LOG("the events that matched, in the report's order:%s",
			       seen);
		if (begins != HOLDS || ends != HOLDS)
			log_cpu_spans(_metadata, self->out);
		EXPECT_EQ(HOLDS, begins);
		EXPECT_EQ(HOLDS, ends);
		EXPECT_EQ(0, inside);
		EXPECT_GE(after, HOLDS);
		vmb_map_destroy(&m[c]);
	}
}

TEST_HARNESS_MAIN
