// SPDX-License-Identifier: GPL-2.0
/*
 * LD_PRELOAD=libvmb-churn.so PROGRAM: a second thread in someone else's
 * program that maps and unmaps 64 KiB in a loop (mmap_lock for write,
 * as the writer of d065bd810b6d), from the program's start to its exit,
 * which then prints to stderr:
 *
 *   vmb-churn: N mmap+munmap in S s, R/s, slowest U us
 *
 * So a real program (Debian's sqlite3, tool_test) has its address space
 * changed while it faults, and the writer's rate says whether its faults
 * held the writer up.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>

#define CHURN_LEN (64 << 10)

static pthread_t churn_thread;
static atomic_int churn_stop;
static int churn_started;
static unsigned long long churn_ops, churn_max_ns, churn_t0, churn_t1;

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL +
	       (unsigned long long)ts.tv_nsec;
}

static void *churn(void *unused)
{
	unsigned long long a, b;
	void *p;

	churn_t0 = now_ns();
	while (!atomic_load(&churn_stop)) {
		a = now_ns();
		p = mmap(NULL, CHURN_LEN, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED || munmap(p, CHURN_LEN))
			break;
		b = now_ns();
		if (b - a > churn_max_ns)
			churn_max_ns = b - a;
		churn_ops++;
	}
	churn_t1 = now_ns();
	return NULL;
}

__attribute__((constructor)) static void churn_start(void)
{
	churn_started = !pthread_create(&churn_thread, NULL, churn, NULL);
}

__attribute__((destructor)) static void churn_end(void)
{
	double s;

	if (!churn_started)
		return;
	atomic_store(&churn_stop, 1);
	pthread_join(churn_thread, NULL);
	s = (double)(churn_t1 - churn_t0) / 1e9;
	fprintf(stderr, "vmb-churn: %llu mmap+munmap in %.3f s, %.0f/s, slowest %.0f us\n",
		churn_ops, s, s > 0 ? (double)churn_ops / s : 0,
		(double)churn_max_ns / 1e3);
}
