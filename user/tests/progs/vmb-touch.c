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
 *   vmb-touch heap N ROUNDS MS
 *                            grow the heap ([heap] in maps) by N pages,
 *                            write each, then ROUNDS times: sleep MS and
 *                            read each page again (paged out meanwhile by
 *                            "exec --pageout [heap]", it is swapped in)
 *   vmb-touch read FILE ROUNDS MS
 *                            map FILE read-only and read each of its pages,
 *                            ROUNDS times, MS apart (dropped meanwhile by
 *                            "exec --pageout FILE", they are read again)
 *   vmb-touch fork N MS      a child that touches N fresh pages and
 *                            sleeps MS, waited for: not the target
 *
 * Exit 0, or 2 with a message for a bad argument or a failed call.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
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

static int heap(unsigned long n, unsigned long rounds, unsigned long ms)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long i, r, sum = 0;
	char *p;

	/* Page-aligned, so that the pages are ours alone. */
	p = sbrk(0);
	if (p == (void *)-1 ||
	    sbrk((intptr_t)(page - (uintptr_t)p % page)) == (void *)-1)
		return die("sbrk");
	p = sbrk((intptr_t)(n * (size_t)page));
	if (p == (void *)-1)
		return die("sbrk");
	/* Small pages only: one swap entry, one fault per page. */
	if (madvise(p, n * (size_t)page, MADV_NOHUGEPAGE))
		return die("madvise");
	for (i = 0; i < n; i++)
		p[i * (size_t)page] = (char)(i + 1);
	for (r = 0; r < rounds; r++) {
		nap(ms);
		for (i = 0; i < n; i++)
			sum += (unsigned char)p[i * (size_t)page] ==
			       (unsigned char)(i + 1);
	}
	printf("vmb-touch: %lu heap pages, %lu rounds, %lu reads right of %lu\n",
	       n, rounds, sum, n * rounds);
	return sum == n * rounds ? 0 : 2;
}

static int read_file(const char *file, unsigned long rounds,
		     unsigned long ms)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned long r, sum = 0;
	int fd = open(file, O_RDONLY);
	off_t size, i;
	char *p;

	if (fd < 0)
		return die(file);
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0)
		return die("lseek");
	p = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return die("mmap");
	for (r = 0; r < rounds; r++) {
		if (r)
			nap(ms);
		for (i = 0; i < size; i += page)
			sum += (unsigned char)p[i];
	}
	printf("vmb-touch: %lld pages read %lu times, sum %lu\n",
	       (long long)(size / page), rounds, sum);
	return 0;
}

static int fork_child(unsigned long n, unsigned long ms)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return die("fork");
	if (!pid) {
		fflush(stdout);
		if (pages(n))
			_exit(2);
		fflush(stdout);
		nap(ms);
		_exit(0);
	}
	if (waitpid(pid, &status, 0) != pid)
		return die("waitpid");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
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
	if (argc == 5 && !strcmp(argv[1], "heap"))
		return heap(arg(argv[2]), arg(argv[3]), arg(argv[4]));
	if (argc == 5 && !strcmp(argv[1], "read"))
		return read_file(argv[2], arg(argv[3]), arg(argv[4]));
	if (argc == 4 && !strcmp(argv[1], "fork"))
		return fork_child(arg(argv[2]), arg(argv[3]));
	fprintf(stderr, "usage: vmb-touch pages N | map FILE MS [UNMAP_MS] | sleep MS | heap N ROUNDS MS | read FILE ROUNDS MS | fork N MS\n");
	return 2;
}
