// SPDX-License-Identifier: GPL-2.0
/*
 * TLB shootdowns (tlb.h). A zap of a present pte flushes the TLB of every
 * CPU the mm may be live on: the local one at once, the others by IPI,
 * waited for. So the cost of one shootdown is what a zap-and-refault
 * loop loses when another thread of the same mm runs on another CPU,
 * per IPI that the other CPU received (/proc/interrupts, "TLB").
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/error.h"
#include "lib/map.h"
#include "run/tlb.h"

#define ROUNDS 2000

int vmb_tlb_ipis(uint64_t *n)
{
	char line[4096], *p, *end;
	unsigned long long v;
	FILE *f;

	f = fopen("/proc/interrupts", "re");
	if (!f)
		return -errno;
	*n = 0;
	while (fgets(line, sizeof(line), f)) {
		p = line + strspn(line, " ");
		if (strncmp(p, "TLB:", 4))
			continue;
		for (p += 4;; p = end) {
			v = strtoull(p, &end, 10);
			if (end == p)
				break;
			*n += v;
		}
		fclose(f);
		return 0;
	}
	fclose(f);
	return -ENOENT;
}

struct peer {
	atomic_int stop;
	atomic_int running;
	int cpu;
};

/* The other thread of the mm: on its own CPU, in user space, spinning. */
static void *peer_main(void *arg)
{
	struct peer *pe = arg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(pe->cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	atomic_store(&pe->running, 1);
	while (!atomic_load_explicit(&pe->stop, memory_order_relaxed))
		;
	return NULL;
}

/* ns per zap-and-refault of p, over ROUNDS; IPIs received meanwhile. */
static int zap_loop(char *p, size_t page, double *ns, uint64_t *ipis)
{
	uint64_t t0, i0, i1;
	int i, ret;

	ret = vmb_tlb_ipis(&i0);
	if (ret)
		return vmb_fail(ret, "reading /proc/interrupts");
	t0 = vmb_now_ns();
	for (i = 0; i < ROUNDS; i++) {
		*(volatile char *)p = 1;
		if (madvise(p, page, MADV_DONTNEED))
			return vmb_fail(-errno, "madvise(MADV_DONTNEED) timing a shootdown");
	}
	*ns = (double)(vmb_now_ns() - t0) / ROUNDS;
	ret = vmb_tlb_ipis(&i1);
	if (ret)
		return vmb_fail(ret, "reading /proc/interrupts");
	*ipis = i1 - i0;
	return 0;
}

int vmb_shootdown_cost(struct vmb_shootdown *s)
{
	size_t page = (size_t)vmb_page_size();
	cpu_set_t saved, one;
	struct peer pe = { 0 };
	double alone, with;
	uint64_t ia, iw;
	pthread_t tid;
	int here, ret;
	char *p;

	if (sched_getaffinity(0, sizeof(saved), &saved))
		return vmb_fail(-errno, "sched_getaffinity");
	here = sched_getcpu();
	if (CPU_COUNT(&saved) < 2 || here < 0 || vmb_tlb_ipis(&ia))
		return 1;
	for (pe.cpu = 0; pe.cpu == here || !CPU_ISSET(pe.cpu, &saved);)
		pe.cpu++;
	CPU_ZERO(&one);
	CPU_SET(here, &one);
	if (sched_setaffinity(0, sizeof(one), &one))
		return vmb_fail(-errno, "sched_setaffinity to CPU %d", here);
	ret = vmb_map_anon(page, true, &p);
	if (ret)
		goto out;
	ret = zap_loop(p, page, &alone, &ia);
	if (ret)
		goto out_unmap;
	ret = pthread_create(&tid, NULL, peer_main, &pe);
	if (ret) {
		ret = vmb_fail(-ret, "pthread_create for the shootdown peer");
		goto out_unmap;
	}
	while (!atomic_load(&pe.running))
		sched_yield();
	ret = zap_loop(p, page, &with, &iw);
	atomic_store(&pe.stop, 1);
	pthread_join(tid, NULL);
	if (ret)
		goto out_unmap;
	s->ipis_per_op = (double)(iw > ia ? iw - ia : 0) / ROUNDS;
	s->us = s->ipis_per_op > 0 ?
		(with - alone) / 1e3 / s->ipis_per_op : 0;
out_unmap:
	munmap(p, page);
out:
	if (sched_setaffinity(0, sizeof(saved), &saved) && !ret)
		ret = vmb_fail(-errno, "restoring the CPU affinity");
	return ret;
}
