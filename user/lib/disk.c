// SPDX-License-Identifier: GPL-2.0
/* The delayed disks and ext4 on the file disk; see disk.h. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/disk.h"
#include "lib/file.h"
#include "lib/knob.h"
#include "lib/map.h"
#include "lib/module.h"

#define VMB_DISK_CMD_LOG "/tmp/vmb-disk-cmd.log"

/*
 * The file of dir (swap/ or disk/) that is swap_k (a VMB_K_swap_*) in
 * swap/: both directories list the same files in the same order.
 */
static const char *rdisk_knob(const char *dir, enum vmb_knob swap_k)
{
	if (!strcmp(dir, VMB_DISK_DIR))
		return vmb_knobs[VMB_K_disk_read_delay_us + swap_k -
				 VMB_K_swap_read_delay_us].path;
	return vmb_knobs[swap_k].path;
}

int vmb_rdisk_read_stats(const char *dir, struct vmb_swap_stats *s)
{
	return vmb_read_stats(rdisk_knob(dir, VMB_K_swap_stats),
			      vmb_swap_stat_names, VMB_SWAP_NR, s->v);
}

int vmb_rdisk_set(const char *dir, enum vmb_knob swap_k, uint64_t v)
{
	return vmb_write_u64(rdisk_knob(dir, swap_k), v);
}

int vmb_rdisk_disarm(const char *dir)
{
	static const enum vmb_knob delays[] = {
		VMB_K_swap_read_delay_us, VMB_K_swap_write_delay_us,
		VMB_K_swap_jitter_us,
	};
	int ret = 0, r;
	size_t i;

	for (i = 0; i < VMB_ARRAY_SIZE(delays); i++) {
		r = vmb_write(rdisk_knob(dir, delays[i]), "0");
		ret = ret ?: r;
	}
	r = vmb_write(rdisk_knob(dir, VMB_K_swap_scope), "all");
	return ret ?: r;
}

const char *vmb_disk_unusable(void)
{
	if (vmb_loaded())
		return "vmalock_bench is not loaded (modprobe vmalock_bench)";
	if (vmb_has_feature("disk_device") != 1)
		return "no file disk (disk_mb=0 or unsupported kernel)";
	if (access(VMB_DISK_DEV, F_OK))
		return VMB_DISK_DEV " missing: is devtmpfs mounted?";
	if (access(VMB_MKFS_EXT4, X_OK) || access(VMB_E2FSCK, X_OK))
		return "no " VMB_MKFS_EXT4 " or " VMB_E2FSCK
		       " (scripts/vm-run's initramfs has them; install e2fsprogs)";
	return NULL;
}

/*
 * Run a program, its output to a log that is printed, as TAP comments,
 * only if it fails: 0, -ENOENT if it could not be run, -EIO if it failed.
 */
static int run_quiet(const char *const argv[])
{
	char line[256];
	int status;
	FILE *log;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		int fd = open(VMB_DISK_CMD_LOG, O_WRONLY | O_CREAT | O_TRUNC,
			      0600);

		if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
			_exit(126);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return 0;
	log = fopen(VMB_DISK_CMD_LOG, "r");
	while (log && fgets(line, sizeof(line), log))
		fprintf(stderr, "# %s: %s", argv[0], line);
	if (log)
		fclose(log);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return -ENOENT;
	return -EIO;
}

int vmb_disk_mkfs(void)
{
	static const char *const argv[] = {
		VMB_MKFS_EXT4, "-q", "-F", "-b", "4096", "-E",
		"lazy_itable_init=0,lazy_journal_init=0", VMB_DISK_DEV, NULL,
	};

	return run_quiet(argv);
}

int vmb_disk_mount(void)
{
	static const char *const modprobe[] = {
		"/sbin/modprobe", "-q", "ext4", NULL,
	};

	if (mkdir("/mnt", 0755) && errno != EEXIST)
		return -errno;
	if (mkdir(VMB_DISK_MNT, 0755) && errno != EEXIST)
		return -errno;
	if (!mount(VMB_DISK_DEV, VMB_DISK_MNT, "ext4", MS_NOATIME,
		   VMB_DISK_MNT_OPTS))
		return 0;
	if (errno != ENODEV)
		return -errno;
	/* ext4 is a module on Debian's kernels: load it, once. */
	run_quiet(modprobe);
	return mount(VMB_DISK_DEV, VMB_DISK_MNT, "ext4", MS_NOATIME,
		     VMB_DISK_MNT_OPTS) ? -errno : 0;
}

int vmb_disk_umount(void)
{
	return umount(VMB_DISK_MNT) ? -errno : 0;
}

int vmb_disk_prepare(bool sync_io)
{
	int ret;

	vmb_disk_umount();
	ret = vmb_rdisk_disarm(VMB_DISK_DIR);
	if (!ret)
		ret = vmb_rdisk_set(VMB_DISK_DIR, VMB_K_swap_sync_io, sync_io);
	if (!ret)
		ret = vmb_disk_mkfs();
	return ret ?: vmb_disk_mount();
}

int vmb_disk_fsck(void)
{
	static const char *const argv[] = {
		VMB_E2FSCK, "-f", "-n", VMB_DISK_DEV, NULL,
	};
	int ret = run_quiet(argv);

	/* e2fsck -n exits non-zero for errors it found (and left). */
	return ret == -EIO ? -EUCLEAN : ret;
}

int vmb_drop_caches(void)
{
	sync();
	return vmb_write_file(VMB_DROP_CACHES, "3");
}

double vmb_delay_error(uint64_t us, uint64_t median_ns, int64_t late_ns,
		       uint64_t base_us, uint64_t base_median_ns,
		       int64_t base_late_ns)
{
	int64_t expect = (int64_t)base_median_ns +
			 (int64_t)(us - base_us) * 1000 +
			 (late_ns - base_late_ns);

	return ((double)median_ns - expect) / (us * 1e3);
}

uint64_t vmb_pattern_word(size_t i, uint64_t seed)
{
	return (i * 0x9e3779b97f4a7c15ULL) ^ seed;
}

size_t vmb_pattern_match(const void *buf, size_t len, size_t word,
			 uint64_t seed)
{
	const uint64_t *w = buf;
	size_t i;

	for (i = 0; i < len / 8; i++)
		if (w[i] != vmb_pattern_word(word + i, seed))
			break;
	return i * 8;
}

/* Open VMB_DISK_MNT/name, and a page-sized buffer to go with it. */
static int disk_open(const char *name, int flags, void **buf)
{
	char path[256];
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s", VMB_DISK_MNT, name) >=
	    (int)sizeof(path))
		return -ENAMETOOLONG;
	*buf = malloc(vmb_page_size());
	if (!*buf)
		return -ENOMEM;
	fd = open(path, flags, 0600);
	if (fd < 0) {
		fd = -errno;
		free(*buf);
	}
	return fd;
}

int vmb_disk_write_file(const char *name, size_t npages, uint64_t seed)
{
	size_t psize = vmb_page_size(), words = psize / 8, p, i;
	uint64_t *buf;
	int fd, ret = 0;

	fd = disk_open(name, O_WRONLY | O_CREAT | O_TRUNC, (void **)&buf);
	if (fd < 0)
		return fd;
	for (p = 0; p < npages && !ret; p++) {
		for (i = 0; i < words; i++)
			buf[i] = vmb_pattern_word(p * words + i, seed);
		if (write(fd, buf, psize) != (ssize_t)psize)
			ret = errno ? -errno : -EIO;
	}
	if (!ret && fsync(fd))
		ret = -errno;
	/* Written back now: its pages can go, reads come from the disk. */
	if (!ret)
		ret = -posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
	free(buf);
	return ret;
}

long vmb_disk_check_file(const char *name, size_t npages, uint64_t seed)
{
	size_t psize = vmb_page_size(), good = 0, p, n;
	long ret = 0;
	void *buf;
	int fd;

	fd = disk_open(name, O_RDONLY, &buf);
	if (fd < 0)
		return fd;
	for (p = 0; p < npages; p++) {
		if (read(fd, buf, psize) != (ssize_t)psize) {
			ret = errno ? -errno : -EIO;
			break;
		}
		n = vmb_pattern_match(buf, psize, p * psize / 8, seed);
		good += n;
		if (n != psize)
			break;
	}
	close(fd);
	free(buf);
	return ret ?: (long)good;
}
