// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel module's debugfs files, and what the tool can find out about
 * the kernel by itself when the module is not loaded.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "uffd.h"
#include "vmb.h"

const char *const vmb_feature_names[VMB_F_NR] = {
#define X(name, ...) #name,
	VMB_FEATURES(X)
#undef X
};

const char *const vmb_feature_descs[VMB_F_NR] = {
#define X(name, desc) desc,
	VMB_FEATURES(X)
#undef X
};

const char *const vmb_counter_names[VMB_C_NR] = {
#define X(name, ...) #name,
	VMB_FAULT_COUNTERS(X)
#undef X
};

static char *next_line(char **p)
{
	char *s = *p, *nl;

	if (!*s)
		return NULL;
	nl = strchr(s, '\n');
	if (nl) {
		*nl = '\0';
		*p = nl + 1;
	} else {
		*p = s + strlen(s);
	}
	return s;
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

/* One feature name a line; unknown names are collected, not fatal. */
int vmb_parse_features(const char *text, uint32_t *mask, char *unknown,
		       size_t unknown_size)
{
	char *copy, *p, *line;
	int f;

	copy = strdup(text);
	if (!copy)
		return -ENOMEM;
	*mask = 0;
	if (unknown && unknown_size)
		unknown[0] = '\0';
	p = copy;
	while ((line = next_line(&p))) {
		line = trim(line);
		if (!*line || *line == '#')
			continue;
		for (f = 0; f < VMB_F_NR; f++)
			if (!strcmp(line, vmb_feature_names[f]))
				break;
		if (f < VMB_F_NR) {
			*mask |= 1U << f;
		} else if (unknown && unknown_size) {
			size_t len = strlen(unknown);

			snprintf(unknown + len, unknown_size - len, "%s%s",
				 len ? " " : "", line);
		}
	}
	free(copy);
	return 0;
}

/* "name value" a line; have gets a bit for each counter found. */
int vmb_parse_counters(const char *text, uint64_t *vals, uint32_t *have)
{
	char *copy, *p, *line, name[64];
	unsigned long long v;
	int c;

	copy = strdup(text);
	if (!copy)
		return -ENOMEM;
	*have = 0;
	p = copy;
	while ((line = next_line(&p))) {
		if (sscanf(line, " %63s %llu", name, &v) != 2)
			continue;
		for (c = 0; c < VMB_C_NR; c++) {
			if (!strcmp(name, vmb_counter_names[c])) {
				vals[c] = v;
				*have |= 1U << c;
			}
		}
	}
	free(copy);
	return 0;
}

void vmb_module_open(struct vmb_module *m, const char *dir)
{
	char path[512], buf[4096];
	int n;

	memset(m, 0, sizeof(*m));
	snprintf(m->dir, sizeof(m->dir), "%s", dir ? dir : VMB_DEBUGFS_PATH);
	snprintf(path, sizeof(path), "%s/version", m->dir);
	n = vmb_read_file(path, buf, sizeof(buf));
	if (n >= 0) {
		m->present = true;
		snprintf(m->version, sizeof(m->version), "%s", trim(buf));
		if (strchr(m->version, '\n'))
			*strchr(m->version, '\n') = '\0';
	}
	snprintf(path, sizeof(path), "%s/features", m->dir);
	n = vmb_read_file(path, buf, sizeof(buf));
	if (n >= 0 && !vmb_parse_features(buf, &m->features, m->unknown,
					   sizeof(m->unknown)))
		m->features_read = true;
	vmb_probe_kernel(m);
}

static int uffd_open_probe(void)
{
	int fd;

	fd = (int)syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (fd >= 0 || errno == ENOSYS)
		return fd >= 0 ? fd : -ENOSYS;
	return vmb_uffd_open_dev(O_CLOEXEC | O_NONBLOCK);
}

/* What the tool can see without the module: userfaultfd, THP, swap. */
void vmb_probe_kernel(struct vmb_module *m)
{
	struct uffdio_api api = { .api = UFFD_API };
	int fd;

	fd = uffd_open_probe();
	if (fd >= 0) {
		m->probed |= 1U << VMB_F_userfaultfd;
		if (!ioctl(fd, UFFDIO_API, &api) &&
		    (api.features & VMB_UFFD_FEATURE_MOVE))
			m->probed |= 1U << VMB_F_userfaultfd_move;
		close(fd);
	}
	if (!access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK))
		m->probed |= 1U << VMB_F_transparent_hugepage;
	if (!access("/proc/swaps", F_OK))
		m->probed |= 1U << VMB_F_swap;
}

/*
 * Features the tool probes itself count without the module; those only
 * the module can tell (per_vma_lock, kprobes, ...) need its features file.
 */
bool vmb_have(const struct vmb_module *m, enum vmb_feature f)
{
	if (m->probed & (1U << f))
		return true;
	return m->features_read && (m->features & (1U << f));
}

bool vmb_knob_exists(const struct vmb_module *m, const char *rel)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", m->dir, rel);
	return !access(path, F_OK);
}

int vmb_knob_write(const struct vmb_module *m, const char *rel,
		   const char *val)
{
	char path[512];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", m->dir, rel);
	ret = vmb_write_file(path, val);
	if (ret)
		return vmb_fail(ret,
				"cannot write '%s' to %s (is the module loaded and are you root?)",
				val, path);
	return 0;
}

int vmb_knob_writef(const struct vmb_module *m, const char *rel,
		    const char *fmt, ...)
{
	char val[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	return vmb_knob_write(m, rel, val);
}

int vmb_knob_read_stat(const struct vmb_module *m, const char *rel,
		       const char *name, int64_t *val)
{
	char path[512], buf[4096], key[64], *p, *line;
	long long v;
	int n;

	snprintf(path, sizeof(path), "%s/%s", m->dir, rel);
	n = vmb_read_file(path, buf, sizeof(buf));
	if (n < 0)
		return n;
	p = buf;
	while ((line = next_line(&p))) {
		if (sscanf(line, " %63s %lld", key, &v) == 2 &&
		    !strcmp(key, name)) {
			*val = v;
			return 0;
		}
	}
	return -ENOENT;
}

int vmb_module_set_target(struct vmb_module *m, int pid)
{
	char val[32];
	int ret;

	if (!m->present || !vmb_knob_exists(m, "target/pid"))
		return 0;
	snprintf(val, sizeof(val), "%d\n", pid);
	ret = vmb_knob_write(m, "target/pid", val);
	if (!ret)
		m->target_set = true;
	return ret;
}

int vmb_module_read_counters(const struct vmb_module *m, uint64_t *vals)
{
	char path[512], buf[4096];
	uint32_t have;
	int n;

	if (!m->target_set)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/target/faults", m->dir);
	n = vmb_read_file(path, buf, sizeof(buf));
	if (n < 0)
		return n;
	memset(vals, 0, sizeof(uint64_t) * VMB_C_NR);
	return vmb_parse_counters(buf, vals, &have);
}
