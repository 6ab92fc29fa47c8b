// SPDX-License-Identifier: GPL-2.0
/*
 * Processes by /proc (proc.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/file.h"
#include "lib/proc.h"

/* kid into kids[0..*n), once, while there is room. */
static void add_kid(pid_t *kids, int max, int *n, long kid)
{
	int i;

	for (i = 0; i < *n && kids[i] != (pid_t)kid; i++)
		;
	if (i == *n && *n < max)
		kids[(*n)++] = (pid_t)kid;
}

/* Without CONFIG_PROC_CHILDREN: every process whose parent is pid. */
static int children_by_ppid(pid_t pid, pid_t *kids, int max)
{
	char path[64], buf[512], *p;
	struct dirent *d;
	int n = 0;
	long ppid;
	DIR *dir;

	dir = opendir("/proc");
	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.16s/stat", d->d_name);
		if (vmb_read_file(path, buf, sizeof(buf)) <= 0)
			continue;
		/* "pid (comm) state ppid ...": comm may hold ") ". */
		p = strrchr(buf, ')');
		if (p && sscanf(p + 1, " %*c %ld", &ppid) == 1 &&
		    ppid == (long)pid)
			add_kid(kids, max, &n, strtol(d->d_name, NULL, 10));
	}
	closedir(dir);
	return n;
}

int vmb_proc_children(pid_t pid, pid_t *kids, int max)
{
	char path[96], buf[4096], *p, *end;
	struct dirent *d;
	int n = 0, len;
	long kid;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return -errno;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/children",
			 (int)pid, d->d_name);
		len = vmb_read_file(path, buf, sizeof(buf));
		if (len == -ENOENT) {
			closedir(dir);
			return children_by_ppid(pid, kids, max);
		}
		for (p = buf; len > 0; p = end) {
			kid = strtol(p, &end, 10);
			if (end == p || kid <= 0)
				break;
			add_kid(kids, max, &n, kid);
		}
	}
	closedir(dir);
	return n;
}
