// SPDX-License-Identifier: GPL-2.0
/*
 * file-io: the shape of commit d065bd810b6d (the first fault retry).
 * Victims read random pages of a file mmapped from ext4 on the module's
 * delayed file disk /dev/vmalock_disk0 (docs/disk.md); every page has left
 * the page cache before the round that reads it, so each fault is major
 * and waits for a read that completes --hold-us late, while the writer
 * maps and unmaps elsewhere and bystanders fault in VMAs of their own.
 *
 * prepare makes a fresh ext4 (mkfs, mount at VMB_DISK_MNT), writes a
 * patterned file and maps it MAP_SHARED, read-only, MADV_RANDOM (no
 * readahead: one 4 KiB read per major fault, so the disk's reads can be
 * held against the faults one for one) and MADV_NOHUGEPAGE. arm delays the
 * target's reads (scope=target: the faulting thread submits its own
 * reads, docs/disk.md, "Whose reads are delayed"). Between rounds a
 * victim unmaps its slice (MADV_DONTNEED) and drops its pages from the
 * page cache (POSIX_FADV_DONTNEED): nothing global, so one victim's
 * refill never turns another's fault minor. Each read is checked against
 * the file's pattern: a fault that returned the wrong data fails the run.
 *
 * Metrics: disk_reads and disk_delayed (disk/stats over the injected
 * phase), major_faults (getrusage(), the process's), to read against the
 * counters' major. cleanup unmaps, unmounts and leaves the delays off.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/disk.h"
#include "lib/error.h"
#include "lib/knob.h"
#include "run/scenario.h"

#define FILE_IO_NAME "file-io.dat"
#define FILE_IO_SEED 0xd065bd810b6dULL
/* Pages per victim at most, and of the whole file: well inside disk_mb. */
#define FILE_IO_PER_MAX 1024
#define FILE_IO_PAGES_MAX (32768)

struct fio {
	struct vmb_region reg;
	bool mounted;
	bool touched_knobs;
	struct vmb_swap_stats st0;
	long majflt0;
};

static long majflt_now(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) ? 0 : ru.ru_majflt;
}

static int fio_delays_off(void)
{
	int ret = vmb_rdisk_disarm(VMB_DISK_DIR);

	if (ret)
		return vmb_fail(ret,
				"cannot turn the delays of %s/%s/ off (is the module loaded and are you root?)",
				vmb_dir(), VMB_DISK_DIR);
	return 0;
}

static int fio_prepare(struct vmb_run *r)
{
	struct fio *f = r->priv;
	struct vmb_region *reg = &f->reg;
	const char *why = vmb_disk_unusable();
	char path[128];
	size_t pages;
	int ret;

	reg->fd = -1;
	if (why)
		return vmb_skip(r, "%s", why);
	vmb_cap_iterations(r, 30000, 10);
	reg->per = vmb_span_pages(r);
	if (reg->per > FILE_IO_PER_MAX)
		reg->per = FILE_IO_PER_MAX;
	if (reg->per * (size_t)r->nvictims > FILE_IO_PAGES_MAX)
		reg->per = FILE_IO_PAGES_MAX / (size_t)r->nvictims;
	if (!reg->per)
		return vmb_skip(r, "more than %d victims", FILE_IO_PAGES_MAX);
	pages = reg->per * (size_t)r->nvictims;
	reg->len = pages * (size_t)r->page;

	f->touched_knobs = true;
	ret = vmb_disk_prepare(false);
	if (ret == -ENODEV)
		return vmb_skip(r, "this kernel has no ext4");
	if (ret)
		return vmb_fail(ret,
				"file-io: mkfs.ext4 and mount of %s at %s (in use elsewhere? umount it)",
				VMB_DISK_DEV, VMB_DISK_MNT);
	f->mounted = true;
	ret = vmb_disk_write_file(FILE_IO_NAME, pages, FILE_IO_SEED);
	if (ret)
		return vmb_fail(ret, "file-io: writing %s/%s (%zu pages)",
				VMB_DISK_MNT, FILE_IO_NAME, pages);
	snprintf(path, sizeof(path), "%s/%s", VMB_DISK_MNT, FILE_IO_NAME);
	reg->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (reg->fd < 0)
		return vmb_fail(-errno, "file-io: open %s", path);
	reg->base = mmap(NULL, reg->len, PROT_READ, MAP_SHARED, reg->fd, 0);
	if (reg->base == MAP_FAILED) {
		reg->base = NULL;
		return vmb_fail(-errno, "file-io: mmap of %s", path);
	}
	if (madvise(reg->base, reg->len, MADV_RANDOM) ||
	    madvise(reg->base, reg->len, MADV_NOHUGEPAGE))
		return vmb_fail(-errno, "file-io: madvise of %s", path);
	return 0;
}

static int fio_arm(struct vmb_run *r)
{
	struct fio *f = r->priv;
	int ret;

	/* Whatever the baseline phase may have brought in goes again. */
	ret = vmb_drop_caches();
	if (ret)
		return vmb_fail(ret, "file-io: writing 3 to %s", VMB_DROP_CACHES);
	ret = vmb_rdisk_read_stats(VMB_DISK_DIR, &f->st0);
	if (ret)
		return vmb_fail(ret, "file-io: reading %s/%s/stats", vmb_dir(),
				VMB_DISK_DIR);
	f->majflt0 = majflt_now();
	ret = vmb_write(VMB_KNOB(disk, scope), "target");
	if (!ret)
		ret = vmb_rdisk_set(VMB_DISK_DIR, VMB_K_swap_read_delay_us,
				    r->o->hold_us);
	if (ret)
		return vmb_fail(ret, "file-io: arming %s/%s/read_delay_us",
				vmb_dir(), VMB_DISK_DIR);
	return 0;
}

/* The victim's slice out of its page tables and out of the page cache. */
static int fio_refill(struct vmb_run *r, struct vmb_worker *w)
{
	struct fio *f = r->priv;
	size_t len = w->span.npages * (size_t)r->page;
	off_t off = (off_t)(w->span.base - f->reg.base);
	int ret;

	ret = vmb_refill_dontneed(r, w);
	if (ret)
		return ret;
	ret = posix_fadvise(f->reg.fd, off, (off_t)len, POSIX_FADV_DONTNEED);
	if (ret)
		return vmb_fail(-ret, "file-io: posix_fadvise(DONTNEED)");
	return 0;
}

/*
 * Every page of the slice once per round, in an order of its own each
 * round (a full-period LCG walk), each load timed and its first word
 * checked against the pattern.
 */
static int fio_victim(struct vmb_run *r, struct vmb_worker *w)
{
	struct fio *f = r->priv;
	size_t n, i, k, page = (size_t)r->page, words = page / 8;
	uint64_t t0, t1, got, x, c;
	uint64_t seed = 0x9e3779b97f4a7c15ULL * (uint64_t)(w->id + 1);
	size_t first;
	int ret;

	vmb_region_span(r, &f->reg, w, false);
	n = w->span.npages;
	first = (size_t)(w->span.base - f->reg.base) / page;
	for (;;) {
		/* x -> 5x + c mod m, c odd, visits every x below m once. */
		size_t m = 1;

		while (m < n)
			m <<= 1;
		x = seed % m;
		c = (seed >> 17) | 1;
		for (i = 0; i < m; i++) {
			x = (x * 5 + c) & (m - 1);
			k = (size_t)x;
			if (k >= n)
				continue;
			if ((r->iterations && w->ops >= r->iterations) ||
			    vmb_should_stop(r))
				return 0;
			t0 = vmb_now_ns();
			got = *(volatile uint64_t *)(w->span.base + k * page);
			t1 = vmb_now_ns();
			vmb_hist_add(&w->hist, t1 - t0);
			w->ops++;
			if (got != vmb_pattern_word((first + k) * words,
						    FILE_IO_SEED))
				return vmb_fail(-EIO,
						"file-io: page %zu of %s/%s read back wrong",
						first + k, VMB_DISK_MNT,
						FILE_IO_NAME);
		}
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		ret = fio_refill(r, w);
		if (ret)
			return ret;
	}
}

static void fio_quiesce(struct vmb_run *r)
{
	vmb_rdisk_set(VMB_DISK_DIR, VMB_K_swap_read_delay_us, 0);
}

static int fio_disarm(struct vmb_run *r)
{
	struct fio *f = r->priv;
	struct vmb_swap_stats st;
	int ret;

	ret = fio_delays_off();
	if (!vmb_rdisk_read_stats(VMB_DISK_DIR, &st)) {
		vmb_add_metric(r->res, "disk_reads",
			       (double)(st.v[VMB_SWAP_reads] -
					f->st0.v[VMB_SWAP_reads]), false);
		vmb_add_metric(r->res, "disk_delayed",
			       (double)(st.v[VMB_SWAP_delayed] -
					f->st0.v[VMB_SWAP_delayed]), false);
	}
	vmb_add_metric(r->res, "major_faults",
		       (double)(majflt_now() - f->majflt0), false);
	return ret;
}

static void fio_cleanup(struct vmb_run *r)
{
	struct fio *f = r->priv;

	if (f->touched_knobs)
		fio_delays_off();
	vmb_region_unmap(&f->reg);
	if (f->mounted) {
		int ret = vmb_disk_umount();

		if (ret)
			fprintf(stderr, "vmalock-bench: file-io: umount %s: %s\n",
				VMB_DISK_MNT, strerror(-ret));
	}
	vmb_clear_error();
}

const struct vmb_scen_ops vmb_file_io_ops = {
	.priv_size = sizeof(struct fio), .prepare = fio_prepare,
	.arm = fio_arm, .victim = fio_victim, .quiesce = fio_quiesce,
	.disarm = fio_disarm, .cleanup = fio_cleanup,
};
