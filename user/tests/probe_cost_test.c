// SPDX-License-Identifier: GPL-2.0
/*
 * What the module costs page faults, and that it costs nothing while
 * nothing is targeted.
 *
 * probes_follow_target: the module's hooks on the fault path exist only
 * while target/pid names a process, and for a second after. Checked where
 * the kernel lists them: kprobes in debugfs kprobes/list, ftrace
 * callbacks in tracefs enabled_functions.
 *
 * fault_loop_cost: a fault loop (mmap 16 MiB, touch every page, munmap,
 * for VMB_COST_MS, default 2000) in a fresh process, in VMB_COST_ROUNDS
 * alternating rounds (default 5) of four configurations: the module
 * unloaded, loaded with nothing targeted, loaded while another (idle)
 * process is the target, and the looping process itself as the target.
 * Prints each round and the medians relative to "unloaded". It unloads
 * and reloads the module, so it runs only when VMB_COST_ROUNDS is set:
 *
 *   scripts/vm-run --kernel 6.12 -- env VMB_COST_ROUNDS=5 \
 *       /usr/lib/vmalock-bench/tests/probe_cost_test -t fault_loop_cost
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "common.h"
#include "lib/clock.h"
#include "lib/inj.h"
#include "lib/knob.h"
#include "lib/map.h"
#include "lib/module.h"
#include "lib/uapi.h"

#define KPROBES_LIST "/sys/kernel/debug/kprobes/list"
#define FTRACE_LIST "/sys/kernel/tracing/enabled_functions"

/* Functions the module hooks on the fault path. */
static const char *const hooked[] = { "handle_mm_fault", "lock_vma_under_rcu" };

/*
 * How many lines of the kernel's kprobe and ftrace lists name one of
 * the hooked functions; -errno if neither list can be read.
 */
static int hooks_listed(char *what, size_t size)
{
	static const char *const lists[] = { KPROBES_LIST, FTRACE_LIST };
	int n = 0, readable = 0;
	char line[512];
	size_t used = 0;
	FILE *f;

	what[0] = '\0';
	for (unsigned int i = 0; i < ARRAY_SIZE(lists); i++) {
		f = fopen(lists[i], "r");
		if (!f)
			continue;
		readable++;
		while (fgets(line, sizeof(line), f)) {
			for (unsigned int j = 0; j < ARRAY_SIZE(hooked); j++) {
				if (!strstr(line, hooked[j]))
					continue;
				n++;
				if (used < size)
					used += snprintf(what + used,
							 size - used, "%s",
							 line);
			}
		}
		fclose(f);
	}
	return readable ? n : -ENOENT;
}

/*
 * The hooks go a second after they are no longer needed (the module's
 * VMB_UNHOOK_DELAY): the listing, polled for up to 3 s until none of
 * the hooked functions is named, or until want is no longer there.
 */
static int hooks_gone(const char *want, char *what, size_t size)
{
	uint64_t end = vmb_now_ns() + 3000000000ULL;
	int n;

	do {
		n = hooks_listed(what, size);
		if (n <= 0 || (want && !strstr(what, want)))
			return n < 0 ? n : 0;
		usleep(50000);
	} while (vmb_now_ns() < end);
	return n;
}

FIXTURE(cost) {
	int accounting;
};

FIXTURE_SETUP(cost)
{
	if (vmb_loaded())
		SKIP(return, "vmalock_bench is not loaded (modprobe vmalock_bench)");
	self->accounting = vmb_has_feature("fault_accounting") == 1;
	ASSERT_EQ(0, vmb_set_target(0));
}

FIXTURE_TEARDOWN(cost)
{
	vmb_write(VMB_KNOB(target, force_mmap_lock), "0\n");
	vmb_set_target(0);
}

TEST_F(cost, probes_follow_target)
{
	char what[2048];
	int n;

	n = hooks_listed(what, sizeof(what));
	if (n == -ENOENT)
		SKIP(return, "neither %s nor %s is readable", KPROBES_LIST,
		     FTRACE_LIST);
	if (!self->accounting)
		SKIP(return, "no fault_accounting in features");
	n = hooks_gone(NULL, what, sizeof(what));
	EXPECT_EQ(0, n) TH_LOG("nothing targeted, yet hooked:\n%s", what);

	ASSERT_EQ(0, vmb_set_target(getpid()));
	n = hooks_listed(what, sizeof(what));
	EXPECT_LT(0, n) TH_LOG("targeted, but no hook on handle_mm_fault");
	/* The VMA lock is only probed while forcing. */
	if (vmb_has_feature("force_mmap_lock") == 1) {
		EXPECT_EQ(NULL, strstr(what, "lock_vma_under_rcu"))
			TH_LOG("hooked while not forcing:\n%s", what);
		ASSERT_EQ(0, vmb_write(VMB_KNOB(target, force_mmap_lock), "1\n"));
		hooks_listed(what, sizeof(what));
		EXPECT_NE(NULL, strstr(what, "lock_vma_under_rcu"))
			TH_LOG("forcing, but lock_vma_under_rcu() not hooked:\n%s",
			       what);
		ASSERT_EQ(0, vmb_write(VMB_KNOB(target, force_mmap_lock), "0\n"));
		hooks_gone("lock_vma_under_rcu", what, sizeof(what));
		EXPECT_EQ(NULL, strstr(what, "lock_vma_under_rcu"))
			TH_LOG("still hooked 3 s after forcing ended:\n%s", what);
		EXPECT_NE(NULL, strstr(what, "handle_mm_fault"))
			TH_LOG("handle_mm_fault() unhooked with a target set");
	}

	/* Cleared: every hook gone (a second later). */
	ASSERT_EQ(0, vmb_set_target(0));
	n = hooks_gone(NULL, what, sizeof(what));
	EXPECT_EQ(0, n) TH_LOG("target cleared 3 s ago, yet hooked:\n%s", what);
	/* Clearing force_mmap_lock while untargeted changes nothing. */
	if (vmb_has_feature("force_mmap_lock") == 1) {
		ASSERT_EQ(0, vmb_write(VMB_KNOB(target, force_mmap_lock), "1\n"));
		n = hooks_listed(what, sizeof(what));
		EXPECT_EQ(0, n) TH_LOG("forcing nothing, yet hooked:\n%s", what);
		ASSERT_EQ(0, vmb_write(VMB_KNOB(target, force_mmap_lock), "0\n"));
	}
}

/* The counters still count after the hooks came and went. */
TEST_F(cost, accounting_after_retarget)
{
	struct vmb_faults f;
	void *mem;

	if (!self->accounting)
		SKIP(return, "no fault_accounting in features");
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(0, vmb_set_target(getpid()));
		ASSERT_EQ(0, vmb_fault_anon(64, &mem));
		ASSERT_EQ(0, vmb_read_faults(&f));
		EXPECT_LE(64UL, f.v[VMB_C_faults]);
		EXPECT_EQ(0UL, f.v[VMB_C_probe_missed]);
		ASSERT_EQ(0, munmap(mem, 64 * vmb_page_size()));
		ASSERT_EQ(0, vmb_set_target(0));
	}
}

/* ---- fault_loop_cost ---- */

#define LOOP_BYTES (16UL << 20)

enum cfg { UNLOADED, LOADED, OTHER_TARGET, TARGET, NR_CFG };

static const char *const cfg_names[NR_CFG] = {
	"module unloaded", "loaded, nothing targeted",
	"another process targeted", "the looping process targeted",
};

/* Pages faulted per second by a loop of ms milliseconds. */
static double fault_loop(long ms)
{
	long psz = vmb_page_size(), pages = 0;
	uint64_t t0 = vmb_now_ns(), end = t0 + ms * 1000000ULL, t;
	char *p;

	do {
		p = mmap(NULL, LOOP_BYTES, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return -1;
		/* Every fault a small page, as the loop. */
		madvise(p, LOOP_BYTES, MADV_NOHUGEPAGE);
		for (unsigned long off = 0; off < LOOP_BYTES; off += psz)
			p[off] = 1;
		munmap(p, LOOP_BYTES);
		pages += LOOP_BYTES / psz;
		t = vmb_now_ns();
	} while (t < end);
	return pages * 1e9 / (double)(t - t0);
}

/*
 * The loop in a child; with self_target, the child is made the target
 * before it starts. Returns pages/s, or a negative value on error.
 */
static double measure(long ms, int self_target)
{
	int go[2], res[2], status;
	double rate = -1;
	pid_t c;
	char g;

	if (pipe(go) || pipe(res))
		return -1;
	c = fork();
	if (c < 0)
		return -1;
	if (!c) {
		close(go[1]);
		close(res[0]);
		if (read(go[0], &g, 1) != 1)
			_exit(1);
		rate = fault_loop(ms);
		_exit(write(res[1], &rate, sizeof(rate)) == sizeof(rate) ?
		      0 : 2);
	}
	close(go[0]);
	close(res[1]);
	if (self_target && vmb_set_target(c))
		kill(c, SIGKILL);
	if (write(go[1], "g", 1) != 1 ||
	    read(res[0], &rate, sizeof(rate)) != sizeof(rate))
		rate = -1;
	close(go[1]);
	close(res[0]);
	if (waitpid(c, &status, 0) != c || status)
		rate = -1;
	return rate;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Sorts v. */
static double median(double *v, long n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static long env_long(const char *name, long def)
{
	const char *s = getenv(name);

	return s && *s ? strtol(s, NULL, 10) : def;
}

TEST_F_TIMEOUT(cost, fault_loop_cost, 600)
{
	long rounds = env_long("VMB_COST_ROUNDS", 0);
	long ms = env_long("VMB_COST_MS", 2000);
	double r[NR_CFG][32], q[NR_CFG][32], med[NR_CFG], medq[NR_CFG];
	struct vmb_faults f;
	pid_t idle;

	if (rounds <= 0)
		SKIP(return, "set VMB_COST_ROUNDS to run it (reloads the module)");
	ASSERT_GE(32, rounds);
	ASSERT_LT(0, ms);
	for (long i = 0; i < rounds; i++) {
		ASSERT_EQ(0, vmb_set_target(0));
		ASSERT_EQ(0, system("rmmod vmalock_bench"));
		r[UNLOADED][i] = measure(ms, 0);
		ASSERT_EQ(0, system("modprobe vmalock_bench"));
		ASSERT_EQ(0, vmb_loaded());
		r[LOADED][i] = measure(ms, 0);

		idle = fork();
		ASSERT_LE(0, idle);
		if (!idle) {
			pause();
			_exit(0);
		}
		ASSERT_EQ(0, vmb_set_target(idle));
		r[OTHER_TARGET][i] = measure(ms, 0);
		kill(idle, SIGKILL);
		waitpid(idle, NULL, 0);

		r[TARGET][i] = measure(ms, 1);
		ASSERT_EQ(0, vmb_read_faults(&f));
		EXPECT_EQ(0UL, f.v[VMB_C_probe_missed]);
		EXPECT_EQ(0UL, f.v[VMB_C_slot_overflow]);
		if (self->accounting) {
			EXPECT_LE((uint64_t)(r[TARGET][i] * ms / 1000 * 0.9),
				  f.v[VMB_C_faults]);
		}
		ASSERT_EQ(0, vmb_set_target(0));
		for (int c = 0; c < NR_CFG; c++) {
			ASSERT_LT(0, r[c][i]) TH_LOG("%s: loop failed",
						     cfg_names[c]);
		}
		printf("# round %ld: %.0f %.0f %.0f %.0f pages/s\n", i + 1,
		       r[UNLOADED][i], r[LOADED][i], r[OTHER_TARGET][i],
		       r[TARGET][i]);
	}
	/*
	 * The host's load moves every configuration of a round alike: the
	 * ratio to the same round's unloaded loop is the steadier figure.
	 */
	for (long i = 0; i < rounds; i++)
		for (int c = NR_CFG - 1; c >= 0; c--)
			q[c][i] = r[c][i] / r[UNLOADED][i];
	for (int c = 0; c < NR_CFG; c++) {
		med[c] = median(r[c], rounds);
		medq[c] = median(q[c], rounds);
	}
	for (int c = 0; c < NR_CFG; c++)
		printf("# %-30s median %8.0f pages/s  %.3fx; median of round ratios %.3fx\n",
		       cfg_names[c], med[c], med[c] / med[UNLOADED], medq[c]);
	printf("# targeted cost per fault: %.2f us (from the medians)\n",
	       (1 / med[TARGET] - 1 / med[UNLOADED]) * 1e6);
}

TEST_HARNESS_MAIN
