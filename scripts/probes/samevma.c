// SPDX-License-Identifier: GPL-2.0
/*
 * samevma: seed 001's cost side, measured on one stall. A victim thread
 * swaps in one page whose read /dev/vmalock_swap0 completes --hold-us late
 * (default 50000, long against the guest's own jitter under TCG), --rounds
 * times (default 30)
 * (swap/scope target, sync_io 0: through the swap cache, the folio locked
 * for the read, so the fault reaches __folio_lock_or_retry()). Meanwhile
 * a writer thread loops on the victim's VMA:
 *   --writer mprotect   mprotect() of the whole VMA, PROT_READ and back
 *                       (vma_start_write(): waits for VMA lock readers)
 *   --writer mmap       mmap()/munmap() of 64 KiB elsewhere (no VMA in
 *                       common: the unrelated writer of the benefit side)
 * and a third thread (--chain) maps and unmaps 64 KiB elsewhere, to see
 * whether the wait chains: mmap_lock writers queued behind the first.
 *
 * Where the fault drops its VMA lock to wait (6.12), the writer never
 * waits for the read; where it keeps it (seed001-wait), an mprotect()
 * that starts during the read holds mmap_lock for write until the read
 * ends, and every mmap_lock user queues behind it.
 *
 * Prints one line per role (count, p50, p99, max in us, total in ms, and
 * long: the ops that took half a hold or more, i.e. waited for a read) and the
 * target/faults and swap/stats deltas. Static, for scripts/vm-run --add:
 *   make probes
 *   scripts/vm-run --kernel DIR --add build/samevma -- /samevma --chain
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/swap.h>
#include <time.h>
#include <unistd.h>

#include "lib/file.h"
#include "lib/knob.h"
#include "lib/module.h"
#include "lib/swap.h"
#include "lib/uapi.h"

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

#define MAX_OPS (1u << 20)
#define OTHER_LEN (64u << 10)

struct role {
	const char *name;
	uint64_t *ns;
	unsigned int n;
	int bit;	/* in busy */
	int err;
};

static atomic_int go, quit, busy;
static char *region;
static size_t region_len;
static int writer_mprotect = 1;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/*
 * The victim on CPU 0, the others on CPU 1 (where there is one):
 * MADV_PAGEOUT drains only its own CPU's LRU batches, where the swapped-in
 * folio then is, and the loops do not take the victim's CPU.
 */
static int pin(int cpu)
{
	cpu_set_t set;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return 0;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(0, sizeof(set), &set) ? -errno : 0;
}

static void record(struct role *r, uint64_t ns)
{
	if (r->n < MAX_OPS)
		r->ns[r->n++] = ns;
}

/* One timed op: mprotect() of the victim's VMA, or mmap/munmap elsewhere. */
static int op(int same_vma, int *flip)
{
	void *p;

	if (same_vma) {
		*flip = !*flip;
		if (mprotect(region, region_len,
			     *flip ? PROT_READ : PROT_READ | PROT_WRITE))
			return -errno;
		return 0;
	}
	p = mmap(NULL, OTHER_LEN, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	if (munmap(p, OTHER_LEN))
		return -errno;
	return 0;
}

/*
 * Loop on op() while go is set. Between rounds the region is left
 * writable (the victim dirties its page before paging it out) and busy
 * says whether this thread is still inside a round.
 */
static void *loop(struct role *r, int same_vma)
{
	int flip = 0;

	r->err = pin(1);

	while (!atomic_load(&quit) && !r->err) {
		int bit = r->bit;
		uint64_t t0;

		/* busy before go: the victim waits for it once go is 0. */
		atomic_fetch_or(&busy, bit);
		if (!atomic_load(&go)) {
			if (flip) {
				flip = 0;
				if (mprotect(region, region_len,
					     PROT_READ | PROT_WRITE))
					r->err = -errno;
			}
			atomic_fetch_and(&busy, ~bit);
			usleep(50);
			continue;
		}
		t0 = now_ns();
		r->err = op(same_vma, &flip);
		if (!r->err)
			record(r, now_ns() - t0);
	}
	if (r->err)
		atomic_store(&quit, 1);
	atomic_fetch_and(&busy, ~r->bit);
	return NULL;
}

static void *writer_fn(void *arg)
{
	return loop(arg, writer_mprotect);
}

static void *chain_fn(void *arg)
{
	return loop(arg, 0);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* long: ops that took at least half a hold, i.e. waited for the read. */
static void print_role(const struct role *r, uint64_t hold_ns)
{
	unsigned int i, nlong = 0;
	uint64_t sum = 0;

	if (!r->n) {
		printf("%-8s n=0\n", r->name);
		return;
	}
	qsort(r->ns, r->n, sizeof(*r->ns), cmp_u64);
	for (i = 0; i < r->n; i++) {
		sum += r->ns[i];
		nlong += r->ns[i] >= hold_ns / 2;
	}
	printf("%-8s n=%u p50_us=%.1f p99_us=%.1f max_us=%.1f total_ms=%.1f long=%u\n",
	       r->name, r->n, r->ns[r->n / 2] / 1e3,
	       r->ns[(uint64_t)r->n * 99 / 100] / 1e3, r->ns[r->n - 1] / 1e3,
	       sum / 1e6, nlong);
}

static int alloc_role(struct role *r, const char *name, int bit)
{
	r->name = name;
	r->bit = bit;
	r->ns = calloc(MAX_OPS, sizeof(*r->ns));
	if (!r->ns)
		return -ENOMEM;
	/* Touched now: faults while recording would be counted too. */
	memset(r->ns, 0xff, MAX_OPS * sizeof(*r->ns));
	return 0;
}

/* Each round: page the victim's page out (untimed), then fault it in. */
static int rounds(unsigned int n, struct role *victim)
{
	volatile char *p = region;
	unsigned int i;

	for (i = 0; i < n && !atomic_load(&quit); i++) {
		uint64_t t0;

		p[0] = (char)i;
		if (madvise(region, region_len, MADV_PAGEOUT))
			return -errno;
		atomic_store(&go, 1);
		usleep(200);	/* the writers are looping when the fault starts */
		t0 = now_ns();
		(void)p[0];
		record(victim, now_ns() - t0);
		atomic_store(&go, 0);
		while (atomic_load(&busy) && !atomic_load(&quit))
			usleep(50);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "hold-us", required_argument, NULL, 'h' },
		{ "rounds", required_argument, NULL, 'n' },
		{ "writer", required_argument, NULL, 'w' },
		{ "chain", no_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct role victim = { 0 }, writer = { 0 }, chain = { 0 };
	struct vmb_faults f0, f1;
	struct vmb_swap_stats s0, s1;
	struct vmb_swap_env env;
	unsigned long hold = 50000, n = 30;
	pthread_t wt, ct;
	int c, with_chain = 0, ret, r;
	const char *what = "";
	unsigned int i;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *end;

		switch (c) {
		case 'h':
		case 'n':
			errno = 0;
			*(c == 'h' ? &hold : &n) = strtoul(optarg, &end, 10);
			if (errno || *end || !*optarg) {
				fprintf(stderr, "samevma: --%s %s: not a number\n",
					c == 'h' ? "hold-us" : "rounds", optarg);
				return 2;
			}
			break;
		case 'w':
			if (!strcmp(optarg, "mprotect")) {
				writer_mprotect = 1;
			} else if (!strcmp(optarg, "mmap")) {
				writer_mprotect = 0;
			} else {
				fprintf(stderr, "samevma: --writer %s: expected mprotect or mmap\n",
					optarg);
				return 2;
			}
			break;
		case 'c':
			with_chain = 1;
			break;
		default:
			fprintf(stderr, "usage: samevma [--hold-us US] [--rounds N] [--writer mprotect|mmap] [--chain]\n");
			return 2;
		}
	}

	ret = pin(0);
	if (ret) {
		fprintf(stderr, "samevma: sched_setaffinity: %s\n", strerror(-ret));
		return 1;
	}
	region_len = (size_t)sysconf(_SC_PAGESIZE);
	region = mmap(NULL, region_len, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED) {
		fprintf(stderr, "samevma: mmap: %s\n", strerror(errno));
		return 1;
	}
	ret = alloc_role(&victim, "victim", 0);
	if (!ret)
		ret = alloc_role(&writer, writer_mprotect ? "mprotect" : "mmap", 1);
	if (!ret)
		ret = alloc_role(&chain, "chain", 2);
	if (ret) {
		fprintf(stderr, "samevma: out of memory\n");
		return 1;
	}

	what = "saving page-cluster and zswap";
	ret = vmb_swap_env_save(&env);
	if (ret)
		goto out;
	what = VMB_PAGE_CLUSTER;
	ret = vmb_write_file(VMB_PAGE_CLUSTER, "0");
	if (ret)
		goto out_env;
	what = VMB_KNOB(swap, sync_io);
	ret = vmb_write_u64(VMB_KNOB(swap, sync_io), 0);
	if (ret)
		goto out_env;
	what = "swapon " VMB_SWAP_DEV;
	ret = vmb_swap_on(0);
	if (ret)
		goto out_env;
	what = VMB_KNOB(target, pid);
	ret = vmb_set_target(getpid());
	if (ret)
		goto out_swap;
	what = VMB_KNOB(swap, scope);
	ret = vmb_write(VMB_KNOB(swap, scope), "target");
	if (!ret) {
		what = VMB_KNOB(swap, read_delay_us);
		ret = vmb_write_u64(VMB_KNOB(swap, read_delay_us), hold);
	}
	if (ret)
		goto out_target;

	what = "pthread_create";
	ret = -pthread_create(&wt, NULL, writer_fn, &writer);
	if (ret)
		goto out_target;
	if (with_chain) {
		ret = -pthread_create(&ct, NULL, chain_fn, &chain);
		if (ret) {
			atomic_store(&quit, 1);
			pthread_join(wt, NULL);
			goto out_target;
		}
	}
	what = VMB_KNOB(target, faults);
	ret = vmb_read_faults(&f0);
	if (!ret) {
		what = VMB_KNOB(swap, stats);
		ret = vmb_swap_read_stats(&s0);
	}
	if (!ret) {
		what = "a round (madvise MADV_PAGEOUT)";
		ret = rounds(n, &victim);
	}
	atomic_store(&quit, 1);
	pthread_join(wt, NULL);
	if (with_chain)
		pthread_join(ct, NULL);
	if (!ret && (writer.err || chain.err)) {
		what = writer.err ? "the writer" : "the chain thread";
		ret = writer.err ? writer.err : chain.err;
	}
	if (!ret) {
		what = VMB_KNOB(target, faults);
		ret = vmb_read_faults(&f1);
	}
	if (!ret) {
		what = VMB_KNOB(swap, stats);
		ret = vmb_swap_read_stats(&s1);
	}
	if (!ret) {
		printf("hold_us=%lu rounds=%lu writer=%s chain=%d\n", hold, n,
		       writer.name, with_chain);
		print_role(&victim, hold * 1000);
		print_role(&writer, hold * 1000);
		if (with_chain)
			print_role(&chain, hold * 1000);
		for (i = 0; i < VMB_C_NR; i++)
			if (f1.v[i] != f0.v[i])
				printf("%s %llu\n", vmb_counter_names[i],
				       (unsigned long long)(f1.v[i] - f0.v[i]));
		printf("swap_reads %llu swap_delayed %llu\n",
		       (unsigned long long)(s1.v[VMB_SWAP_reads] - s0.v[VMB_SWAP_reads]),
		       (unsigned long long)(s1.v[VMB_SWAP_delayed] -
					    s0.v[VMB_SWAP_delayed]));
	}
out_target:
	r = vmb_swap_disarm();
	if (!ret && r) {
		ret = r;
		what = "disarming " VMB_DIR_swap;
	}
	r = vmb_set_target(0);
	if (!ret && r) {
		ret = r;
		what = VMB_KNOB(target, pid);
	}
out_swap:
	r = vmb_swap_off();
	if (!ret && r) {
		ret = r;
		what = "swapoff " VMB_SWAP_DEV;
	}
out_env:
	r = vmb_swap_env_restore(&env);
	if (!ret && r) {
		ret = r;
		what = "restoring page-cluster and zswap";
	}
out:
	if (ret) {
		fprintf(stderr, "samevma: %s: %s\n", what, strerror(-ret));
		return 1;
	}
	return 0;
}
