// SPDX-License-Identifier: GPL-2.0
/* The module's files and the formats they share; see knob.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/error.h"
#include "lib/file.h"
#include "lib/knob.h"
#include "lib/uapi.h"

static char moddir[256] = VMB_DEBUGFS_PATH;

void vmb_set_dir(const char *dir)
{
	snprintf(moddir, sizeof(moddir), "%s", dir ? dir : VMB_DEBUGFS_PATH);
}

const char *vmb_dir(void)
{
	return moddir;
}

int vmb_path(const char *rel, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s/%s", moddir, rel);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

bool vmb_exists(const char *rel)
{
	char path[512];

	return !vmb_path(rel, path, sizeof(path)) && !access(path, F_OK);
}

int vmb_read(const char *rel, char *buf, size_t size)
{
	char path[512];
	int ret = vmb_path(rel, path, sizeof(path));

	return ret ? ret : vmb_read_file(path, buf, size);
}

int vmb_write_at(const char *rel, const char *val, size_t len, off_t off)
{
	char path[512];
	int ret = vmb_path(rel, path, sizeof(path));

	return ret ? ret : vmb_write_file_at(path, val, len, off);
}

int vmb_write(const char *rel, const char *val)
{
	return vmb_write_at(rel, val, strlen(val), 0);
}

int vmb_write_split(const char *rel, const char *a, const char *b)
{
	const char *part[2] = { a, b };
	char path[512];
	int fd, i, ret;

	ret = vmb_path(rel, path, sizeof(path));
	if (ret)
		return ret;
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (i = 0; i < 2 && !ret; i++) {
		errno = 0;
		if (write(fd, part[i], strlen(part[i])) !=
		    (ssize_t)strlen(part[i]))
			ret = errno ? -errno : -EIO;
	}
	close(fd);
	return ret;
}

int vmb_read_u64(const char *rel, uint64_t *v)
{
	char buf[64], *end;
	int ret;

	ret = vmb_read(rel, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	errno = 0;
	*v = strtoull(buf, &end, 0);
	if (errno || end == buf || strcmp(end, "\n"))
		return -EPROTO;
	return 0;
}

int vmb_write_u64(const char *rel, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64 "\n", v);
	return vmb_write(rel, buf);
}

int vmb_knob_write(const char *rel, const char *val)
{
	int ret = vmb_write(rel, val);

	if (ret)
		return vmb_fail(ret,
				"cannot write '%s' to %s/%s (is the module loaded and are you root?)",
				val, moddir, rel);
	return 0;
}

int vmb_knob_writef(const char *rel, const char *fmt, ...)
{
	char val[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	return vmb_knob_write(rel, val);
}

/* "name value": the name into name[64], the value, signed or not. */
static int stat_line(const char *line, char *name, uint64_t *v)
{
	char *end;
	int n;

	if (sscanf(line, " %63s %n", name, &n) != 1)
		return -EPROTO;
	line += n;
	errno = 0;
	if (*line == '-')
		*v = (uint64_t)strtoll(line, &end, 10);
	else
		*v = strtoull(line, &end, 10);
	return errno || end == line ? -EPROTO : 0;
}

int vmb_parse_stats(const char *text, const char *const *names,
		    unsigned int n, uint64_t *vals, uint64_t *have)
{
	const char *line = text, *nl;
	unsigned int i = 0, j;
	char buf[256], name[64];
	uint64_t v;

	if (have)
		*have = 0;
	for (; *line; line = nl ? nl + 1 : line + strlen(line)) {
		nl = strchr(line, '\n');
		snprintf(buf, sizeof(buf), "%.*s",
			 (int)(nl ? nl - line : (long)strlen(line)), line);
		if (stat_line(buf, name, &v)) {
			if (!have)
				return -EPROTO;
			continue;
		}
		if (!have) {
			if (i >= n || strcmp(name, names[i]))
				return -EPROTO;
			vals[i++] = v;
			continue;
		}
		for (j = 0; j < n; j++) {
			if (!strcmp(name, names[j])) {
				vals[j] = v;
				*have |= 1ULL << j;
			}
		}
	}
	return !have && i != n ? -EPROTO : 0;
}

int vmb_read_stats(const char *rel, const char *const *names,
		   unsigned int n, uint64_t *vals)
{
	char buf[4096];
	int ret;

	ret = vmb_read(rel, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	return vmb_parse_stats(buf, names, n, vals, NULL);
}

int vmb_read_knobs(struct vmb_knob_line *k, int max)
{
	static char buf[1 << 16];
	char *line, *save;
	int n, nr = 0;

	n = vmb_read(VMB_KNOB(root, knobs), buf, sizeof(buf));
	if (n < 0)
		return n;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		if (nr == max)
			return -E2BIG;
		memset(&k[nr], 0, sizeof(k[nr]));
		k[nr].live = -1;
		if (sscanf(line, "%63s %7s %o %31s %31s %31s %d", k[nr].path,
			   k[nr].type, &k[nr].mode, k[nr].def, k[nr].min,
			   k[nr].max, &k[nr].live) < 3)
			return -EPROTO;
		nr++;
	}
	return nr;
}
