// SPDX-License-Identifier: GPL-2.0
/* What the host tests share; see common.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "lib/error.h"
#include "lib/file.h"
#include "run/cli.h"

static char run_dir[64];
static int run_dir_err = -ENOENT;
static pid_t run_dir_owner;

/* Only in the process that made it: a child of the tool may call exit(). */
static void rm_run_dir(void)
{
	if (getpid() == run_dir_owner)
		vmb_rm_dir(run_dir);
}

__attribute__((constructor)) static void make_run_dir(void)
{
	snprintf(run_dir, sizeof(run_dir), "/tmp/vmb-%s.XXXXXX",
		 program_invocation_short_name);
	if (!mkdtemp(run_dir)) {
		run_dir_err = -errno;
		return;
	}
	run_dir_err = 0;
	run_dir_owner = getpid();
	atexit(rm_run_dir);
}

int vmb_tmp_path(char *path, size_t size, const char *name)
{
	static unsigned int seq;

	if (run_dir_err)
		return run_dir_err;
	/* Tests run one after the other, each in a process of its own. */
	if ((size_t)snprintf(path, size, "%s/%d-%u-%s", run_dir, (int)getpid(),
			     seq++, name) >= size)
		return -ENAMETOOLONG;
	return 0;
}

int vmb_capture(int (*cmd)(const struct vmb_opts *o),
		const struct vmb_opts *o, char **out)
{
	char path[PATH_MAX];
	int fd, saved, ret;

	if (out)
		*out = NULL;
	ret = vmb_tmp_path(path, sizeof(path), "stdout");
	if (ret)
		return ret;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0)
		return -errno;
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	if (saved < 0 || dup2(fd, STDOUT_FILENO) < 0) {
		ret = -errno;
		if (saved >= 0)
			close(saved);
		close(fd);
		return ret;
	}
	close(fd);
	ret = cmd(o);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	if (out)
		*out = vmb_read_all(path);
	unlink(path);
	return ret;
}

char *vmb_read_all(const char *path)
{
	struct stat st;
	char *text;

	if (stat(path, &st))
		return NULL;
	text = malloc((size_t)st.st_size + 1);
	if (text && vmb_read_file(path, text, (size_t)st.st_size + 1) < 0) {
		free(text);
		return NULL;
	}
	return text;
}

/* The path of this binary less its last up components: 0 or -errno. */
static int exe_up(char *buf, size_t size, int up)
{
	ssize_t n = readlink("/proc/self/exe", buf, size);
	char *slash;

	if (n < 0)
		return -errno;
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	while (up--) {
		slash = strrchr(buf, '/');
		if (!slash)
			return -EINVAL;
		*slash = '\0';
	}
	return 0;
}

int vmb_data_path(char *buf, size_t size, const char *name)
{
	char dir[PATH_MAX];
	int ret = exe_up(dir, sizeof(dir), 1);

	if (ret)
		return ret;
	if ((size_t)snprintf(buf, size, "%s/data/%s", dir, name) >= size)
		return -ENAMETOOLONG;
	return 0;
}

int vmb_top_dir(char *buf, size_t size)
{
	return exe_up(buf, size, 3);
}

int vmb_parse(struct vmb_opts *o, int argc, char **argv)
{
	vmb_clear_error();
	return vmb_parse_args(argc, argv, o);
}

void vmb_rm_dir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *e;
	DIR *d;

	d = opendir(dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     e->d_name) < sizeof(path) &&
		    unlink(path) && errno == EISDIR)
			vmb_rm_dir(path);
	}
	closedir(d);
	rmdir(dir);
}
