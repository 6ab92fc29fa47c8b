// SPDX-License-Identifier: GPL-2.0
/*
 * Permissions of every file the module creates, found by walking its
 * debugfs directory (so files added later are covered without a change
 * here): modes 0600/0400/0200 and root-owned; an unprivileged user can
 * read and change nothing; nothing printed looks like a kernel pointer.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "lib/module.h"

#define MAX_FILES 256
#define NOBODY 65534

struct file_list {
	int n;
	char path[MAX_FILES][PATH_MAX];
	mode_t mode[MAX_FILES];
	uid_t uid[MAX_FILES];
};

static int walk(const char *dir, struct file_list *l)
{
	char path[PATH_MAX];
	struct dirent *e;
	struct stat st;
	DIR *d = opendir(dir);
	int ret = 0;

	if (!d)
		return -errno;
	while (!ret && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (lstat(path, &st)) {
			ret = -errno;
			break;
		}
		if (S_ISDIR(st.st_mode)) {
			ret = walk(path, l);
			continue;
		}
		if (l->n == MAX_FILES) {
			ret = -E2BIG;
			break;
		}
		snprintf(l->path[l->n], PATH_MAX, "%s", path);
		l->mode[l->n] = st.st_mode;
		l->uid[l->n] = st.st_uid;
		l->n++;
	}
	closedir(d);
	return ret;
}

/*
 * A kernel address on x86_64 is at or above 0xffff800000000000. Any
 * number an output of the module prints, hex or decimal, must be below
 * that, but for all-ones (-1 printed unsigned, a "no limit" sentinel).
 */
static int has_kernel_pointer(const char *s)
{
	const unsigned long long lo = 0xffff800000000000ULL;
	unsigned long long v;
	const char *p = s;
	char *end;

	while (*p) {
		if (!isxdigit((unsigned char)*p)) {
			p++;
			continue;
		}
		errno = 0;
		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
			v = strtoull(p, &end, 16);
		else if (strspn(p, "0123456789") >= strspn(p, "0123456789abcdefABCDEF"))
			v = strtoull(p, &end, 10);
		else
			v = strtoull(p, &end, 16);
		if (end == p) {
			p++;
			continue;
		}
		if (errno != ERANGE && v >= lo && v != ~0ULL)
			return 1;
		p = end;
	}
	return 0;
}

FIXTURE(perms) {
	struct file_list *files;
};

FIXTURE_SETUP(perms)
{
	if (vmb_loaded())
		SKIP(return, "vmalock_bench is not loaded");
	self->files = calloc(1, sizeof(*self->files));
	ASSERT_NE(NULL, self->files);
	ASSERT_EQ(0, walk(VMB_DEBUGFS_PATH, self->files));
	ASSERT_GE(self->files->n, 6) TH_LOG("only %d files", self->files->n);
}

FIXTURE_TEARDOWN(perms)
{
	free(self->files);
}

TEST_F(perms, modes_and_owner)
{
	struct file_list *l = self->files;
	int i;

	for (i = 0; i < l->n; i++) {
		mode_t m = l->mode[i] & 07777;

		EXPECT_TRUE(m == 0600 || m == 0400 || m == 0200)
			TH_LOG("%s: mode %04o", l->path[i], m);
		EXPECT_EQ(0U, l->uid[i]) TH_LOG("%s: owner %u", l->path[i],
					       l->uid[i]);
	}
}

TEST_F(perms, unprivileged_cannot_read_or_write)
{
	struct file_list *l = self->files;
	struct stat st;
	int status;
	pid_t pid;

	/*
	 * debugfs is mounted 0700: open it up for the test, so the files'
	 * own modes are what stops the unprivileged user, not the mount.
	 */
	ASSERT_EQ(0, stat("/sys/kernel/debug", &st));
	ASSERT_EQ(0, chmod("/sys/kernel/debug", 0755));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int i, bad = 0, fd;

		if (setgid(NOBODY) || setuid(NOBODY))
			_exit(100);
		for (i = 0; i < l->n; i++) {
			fd = open(l->path[i], O_RDONLY);
			if (fd >= 0 || errno != EACCES) {
				fprintf(stderr, "# nobody could open %s to read (%s)\n",
					l->path[i], fd >= 0 ? "opened" : strerror(errno));
				bad++;
			}
			if (fd >= 0)
				close(fd);
			fd = open(l->path[i], O_WRONLY);
			if (fd >= 0 || errno != EACCES) {
				fprintf(stderr, "# nobody could open %s to write (%s)\n",
					l->path[i], fd >= 0 ? "opened" : strerror(errno));
				bad++;
			}
			if (fd >= 0)
				close(fd);
		}
		_exit(bad ? 1 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	chmod("/sys/kernel/debug", st.st_mode & 07777);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_NE(100, WEXITSTATUS(status)) TH_LOG("setuid(nobody) failed");
	EXPECT_EQ(0, WEXITSTATUS(status));
}

TEST_F(perms, no_kernel_pointers)
{
	struct file_list *l = self->files;
	static char buf[1 << 16];
	int i, fd, n, checked = 0;

	/* With a target set, so target/ files show real values. */
	ASSERT_EQ(0, vmb_set_target(getpid()));
	for (i = 0; i < l->n; i++) {
		if (!(l->mode[i] & 0400))
			continue;
		fd = open(l->path[i], O_RDONLY);
		ASSERT_LE(0, fd) TH_LOG("%s: %s", l->path[i], strerror(errno));
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		ASSERT_LE(0, n) TH_LOG("%s: %s", l->path[i], strerror(errno));
		buf[n] = '\0';
		EXPECT_FALSE(has_kernel_pointer(buf))
			TH_LOG("%s prints what looks like a kernel address:\n%s",
			       l->path[i], buf);
		checked++;
	}
	vmb_set_target(0);
	TH_LOG("%d readable files checked", checked);
	EXPECT_GE(checked, 4);
}

/*
 * The module's other outputs: its kernel log lines (loading, the swap
 * device, probes) and its tracepoints, whose print formats must print no
 * pointer (%p and friends) and whose values here are user addresses,
 * page counts and durations.
 */
TEST_F(perms, no_kernel_pointers_in_log_or_trace)
{
	static char buf[1 << 20];
	char path[320], *line, *save, *fmt;
	int n, lines = 0, events = 0;
	struct dirent *e;
	DIR *d;

	n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, sizeof(buf) - 1);
	ASSERT_LE(0, n) TH_LOG("klogctl: %s", strerror(errno));
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (!strstr(line, "vmalock_bench") &&
		    !strstr(line, "vmalock_swap"))
			continue;
		lines++;
		EXPECT_FALSE(has_kernel_pointer(line))
			TH_LOG("kernel log: %s", line);
	}
	d = opendir("/sys/kernel/tracing/events/vmalock_bench");
	if (d) {
		while ((e = readdir(d))) {
			int fd;

			if (e->d_name[0] == '.' || !strcmp(e->d_name, "enable") ||
			    !strcmp(e->d_name, "filter"))
				continue;
			snprintf(path, sizeof(path),
				 "/sys/kernel/tracing/events/vmalock_bench/%s/format",
				 e->d_name);
			fd = open(path, O_RDONLY);
			if (fd < 0)
				continue;
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			ASSERT_LT(0, n);
			buf[n] = '\0';
			fmt = strstr(buf, "print fmt:");
			ASSERT_NE(NULL, fmt) TH_LOG("%s", path);
			EXPECT_EQ(NULL, strstr(fmt, "%p"))
				TH_LOG("%s prints a pointer: %s", e->d_name, fmt);
			events++;
		}
		closedir(d);
	}
	TH_LOG("%d kernel log lines of the module, %d tracepoint formats checked",
	       lines, events);
	EXPECT_GE(lines, 1);
}

TEST_HARNESS_MAIN
