// SPDX-License-Identifier: GPL-2.0
/*
 * A small static program for exec_test to run under "vmalock-bench exec":
 *
 *   vmb-touch pages N        write one byte to each of N fresh anonymous
 *                            pages, timing each store with
 *                            clock_gettime(); prints the median and mean
 *   vmb-touch map FILE MS [UNMAP_MS]
 *                            map FILE (MAP_SHARED, one page), sleep MS;
 *                            with UNMAP_MS, unmap it and sleep UNMAP_MS
 *   vmb-touch sleep MS       sleep MS
 *
 * Exit 0, or 2 with a message for a bad argument or a failed call.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static int die(const char *what)
{
	fprintf(stderr, "vmb-touch: %s: %s\n", what, strerror(errno));
	return 2;
}

static unsigned long arg(const char *s)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || end == s) {
		fprintf(stderr, "vmb-touch: bad number '%s'\n", s);
		exit(2);
	}
	return v;
}

static void nap(unsigned long ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000 };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000ULL +
	       (unsigned long long)ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	unsigned long long x = *(const unsigned long long *)a;
	unsigned long long y = *(const unsigned long long *)b;

	return x < y ? -1 : x > y;
}

static int pages(unsigned long n)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long long *t, sum = 0, t0;
	unsigned long i;
	char *p;

	t = calloc(n ? n : 1, sizeof(*t));
	p = mmap(NULL, n * (size_t)page, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!t || p == MAP_FAILED)
		return die("mmap");
	/* Small pages only: one fault per page. */
	if (madvise(p, n * (size_t)page, MADV_NOHUGEPAGE))
		return die("madvise");
	/* The results array is written before: its faults are not counted in. */
	memset(t, 0, n * sizeof(*t));
	for (i = 0; i < n; i++) {
		t0 = now_ns();
		p[i * (size_t)page] = 1;
		t[i] = now_ns() - t0;
	}
	for (i = 0; i < n; i++)
		sum += t[i];
	qsort(t, n, sizeof(*t), cmp);
	printf("vmb-touch: %lu pages, median %llu ns, mean %llu ns per touch\n",
	       n, n ? t[n / 2] : 0, n ? sum / n : 0);
	return 0;
}

static int map(const char *file, unsigned long ms, int unmap,
	       unsigned long unmap_ms)
{
	long page = sysconf(_SC_PAGESIZE);
	int fd = open(file, O_RDWR | O_CREAT, 0600);
	char *p;

	if (fd < 0)
		return die(file);
	if (ftruncate(fd, page))
		return die("ftruncate");
	p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return die("mmap");
	p[0] = 1;
	nap(ms);
	if (unmap) {
		if (munmap(p, (size_t)page))
			return die("munmap");
		nap(unmap_ms);
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "pages"))
		return pages(arg(argv[2]));
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "map"))
		return map(argv[2], arg(argv[3]), argc == 5,
			   argc == 5 ? arg(argv[4]) : 0);
	if (argc == 3 && !strcmp(argv[1], "sleep")) {
		nap(arg(argv[2]));
		return 0;
	}
	fprintf(stderr, "usage: vmb-touch pages N | map FILE MS [UNMAP_MS] | sleep MS\n");
	return 2;
}
