// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel module's description of itself and its fault counters, and
 * what the tool can find out about the kernel when the module is not
 * loaded.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/file.h"
#include "lib/knob.h"
#include "lib/module.h"
#include "lib/uffd.h"

int vmb_loaded(void)
{
	return access(vmb_dir(), F_OK) ? -errno : 0;
}

int vmb_has_feature(const char *name)
{
	char buf[4096], *line, *save;
	int ret;

	ret = vmb_read(VMB_KNOB(root, features), buf, sizeof(buf));
	if (ret < 0)
		return ret;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		if (!strcmp(line, name))
			return 1;
	return 0;
}

int vmb_set_target(pid_t pid)
{
	return vmb_write_u64(VMB_KNOB(target, pid), (uint64_t)pid);
}

int vmb_reset(void)
{
	return vmb_write(VMB_KNOB(target, reset), "1\n");
}

int vmb_read_faults(struct vmb_faults *f)
{
	return vmb_read_stats(VMB_KNOB(target, faults), vmb_counter_names,
			      VMB_C_NR, f->v);
}

int vmb_read_mmap_lock(struct vmb_mmap_lock *ml)
{
	return vmb_read_stats(VMB_KNOB(target, mmap_lock), vmb_mmap_lock_names,
			      VMB_ML_NR, ml->v);
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
			 e[-1] == '\n'))
		*--e = '\0';
	return s;
}

int vmb_parse_features(const char *text, uint32_t *mask, char *unknown,
		       size_t unknown_size)
{
	char *copy, *line, *save;
	int f;

	copy = strdup(text);
	if (!copy)
		return -ENOMEM;
	*mask = 0;
	if (unknown && unknown_size)
		unknown[0] = '\0';
	for (line = strtok_r(copy, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
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

int vmb_parse_counters(const char *text, uint64_t *vals, uint32_t *have)
{
	uint64_t found;
	int ret;

	ret = vmb_parse_stats(text, vmb_counter_names, VMB_C_NR, vals,
			      &found);
	*have = (uint32_t)found;
	return ret;
}

void vmb_module_open(struct vmb_module *m, const char *dir)
{
	char buf[4096];
	int n;

	memset(m, 0, sizeof(*m));
	vmb_set_dir(dir);
	snprintf(m->dir, sizeof(m->dir), "%s", vmb_dir());
	n = vmb_read(VMB_KNOB(root, version), buf, sizeof(buf));
	if (n >= 0) {
		m->present = true;
		/* Its first line: "vmalock_bench VERSION". */
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(m->version, sizeof(m->version), "%s", trim(buf));
	}
	n = vmb_read(VMB_KNOB(root, features), buf, sizeof(buf));
	if (n >= 0 && !vmb_parse_features(buf, &m->features, m->unknown,
					   sizeof(m->unknown)))
		m->features_read = true;
	vmb_probe_kernel(m);
}

void vmb_probe_kernel(struct vmb_module *m)
{
	__u64 features;
	int fd;

	fd = vmb_uffd_probe(&features);
	if (fd >= 0) {
		m->probed |= 1U << VMB_F_userfaultfd;
		if (features & VMB_UFFD_FEATURE_MOVE)
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

int vmb_module_set_target(struct vmb_module *m, int pid)
{
	char val[32];
	int ret;

	if (!m->present || !vmb_exists(VMB_KNOB(target, pid)))
		return 0;
	snprintf(val, sizeof(val), "%d\n", pid);
	ret = vmb_knob_write(VMB_KNOB(target, pid), val);
	if (!ret)
		m->target_set = true;
	return ret;
}

int vmb_module_read_counters(const struct vmb_module *m, uint64_t *vals)
{
	char buf[4096];
	uint32_t have;
	int n;

	if (!m->target_set)
		return -ENOENT;
	n = vmb_read(VMB_KNOB(target, faults), buf, sizeof(buf));
	if (n < 0)
		return n;
	memset(vals, 0, sizeof(uint64_t) * VMB_C_NR);
	return vmb_parse_counters(buf, vals, &have);
}

/*
 * target/mmap_lock. Its entry in VMB_TARGET_FILES comes with the module
 * that has the file; until then its path is spelled here, once.
 */
#define MMAP_LOCK_FILE VMB_DIR_target "mmap_lock"

int vmb_module_read_mmap_lock(const struct vmb_module *m, uint64_t *vals)
{
	if (!m->target_set)
		return -ENOENT;
	return vmb_read_stats(MMAP_LOCK_FILE, vmb_mmap_lock_names, VMB_ML_NR,
			      vals);
}
