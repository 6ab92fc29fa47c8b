// SPDX-License-Identifier: GPL-2.0
/*
 * exec and attach: someone else's program is the target.
 *
 *   vmalock-bench exec [OPTIONS] -- CMD [ARGS]
 *   vmalock-bench attach PID --duration S [OPTIONS]
 *
 * The module counts the target's faults (target/pid := the program) and,
 * with the vmalock_bench:fault event on, emits each fault's duration as
 * the kernel measured it, from exceptions:page_fault_user to the end of
 * the last handle_mm_fault() call: nothing runs in the program to time
 * it. The events are read from a tracefs instance of our own (so a
 * trace-cmd session elsewhere is left alone; on 6.1 resizing it would
 * leave the top buffer at 7 KiB for good: keep_top_expandable()) by a
 * thread that feeds a histogram; the event fires only for the target's faults. The exception
 * entry and exit around that span are not in it (the program sees a
 * little more: see README, "Real programs").
 *
 * exec: fork; the child waits on a pipe until the target is set and the
 * trace is on, then execvp()s CMD; a second pipe, close-on-exec, tells the
 * parent the exec happened (EOF) or why it failed (an errno). Only then
 * are --inject mappings looked for: before the exec, /proc/PID/maps is
 * still this tool's. attach: the target is PID from the start.
 *
 * Injections (--inject) wait for their mapping (--wait-map) and are armed
 * in the order given; --disk-delay-us and --swap-delay-us delay the
 * target's reads from the file disk and the swap device (scope target),
 * armed before the exec; the swap device is swapped on for the run if it
 * is not. --pageout pages a mapping out with process_madvise() every
 * --pageout-every seconds, so that its pages are read back through those
 * delays. Children of the target are not it (the module targets one
 * process): they are sampled from /proc and reported. Everything is disarmed when the target
 * exits, when --duration is up, when a mapping goes away (an error that
 * names it) and on Ctrl-C, whose handler thread disarms the injectors at
 * once (signals.c). CMD is then killed, or left running, per
 * --on-interrupt. The result is one run of the table and JSON of "run":
 * the target's faults are the victim role, its wall time, exit status and
 * the trace's own losses are metrics.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/disk.h"
#include "lib/error.h"
#include "lib/file.h"
#include "lib/inj.h"
#include "lib/knob.h"
#include "lib/map.h"
#include "lib/module.h"
#include "lib/parse.h"
#include "lib/proc.h"
#include "lib/swap.h"
#include "run/exec.h"
#include "run/output.h"
#include "run/signals.h"

#define TRACEFS "/sys/kernel/tracing"
#define TRACE_EVENT_DIR "events/vmalock_bench/fault"
#define TRACE_BUF_KB "8192"
/* ---- --inject: parsing and resolving against /proc/PID/maps ---- */

/*
 * Whether pid is exiting or gone: a zombie's /proc/PID/maps reads empty
 * once exit_mm() has run, which is not its mapping going away.
 */
static bool target_exiting(pid_t pid)
{
	char path[64], buf[512], *paren;

	if (kill(pid, 0) && errno == ESRCH)
		return true;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (vmb_read_file(path, buf, sizeof(buf)) <= 0)
		return true;
	paren = strrchr(buf, ')');
	if (!paren || paren[1] != ' ' || paren[2] == 'Z' ||
	    paren[2] == 'X' || paren[2] == 'x')
		return true;
	/* Past exit_mm() but not yet a zombie: no mm, statm all zeros. */
	snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
	return vmb_read_file(path, buf, sizeof(buf)) <= 0 ||
	       !strncmp(buf, "0 0 ", 4);
}


/* MAP[,OFFSET[,LENGTH]] of f[0..n-1] into e; false if it does not parse. */
static bool parse_map(char **f, int n, struct vmb_exec_inj *e)
{
	snprintf(e->map, sizeof(e->map), "%s", f[0]);
	if (!strncmp(f[0], "0x", 2)) {
		char *end;

		errno = 0;
		e->start = strtoull(f[0], &end, 16);
		if (errno || *end != '-')
			return false;
		e->end = strtoull(end + 1, &end, 16);
		if (errno || *end || e->end <= e->start)
			return false;
		e->raw = true;
	}
	if (n > 1 && vmb_parse_u64(f[1], 0, UINT64_MAX / 2, &e->off))
		return false;
	if (n > 2 && vmb_parse_u64(f[2], 1, VMB_LEN_MAX, &e->len))
		return false;
	return true;
}

/*
 * [INJ,]MAP[,OFFSET[,LENGTH]] into e (INJ when inj): 0, or -EINVAL for
 * the caller to name.
 */
static int parse_spec(const char *spec, struct vmb_exec_inj *e, bool inj)
{
	char buf[512], *f[4], *save = NULL, *tok;
	int n = 0, k = inj ? 1 : 0;

	memset(e, 0, sizeof(*e));
	e->spec = spec;
	if (snprintf(buf, sizeof(buf), "%s", spec) >= (int)sizeof(buf))
		return -EINVAL;
	for (tok = strtok_r(buf, ",", &save); tok && n < 3 + k;
	     tok = strtok_r(NULL, ",", &save))
		f[n++] = tok;
	if (tok || n < 1 + k || (inj && !vmb_inj_find(f[0])) ||
	    !parse_map(f + k, n - k, e))
		return -EINVAL;
	if (inj)
		snprintf(e->inj, sizeof(e->inj), "%s", f[0]);
	return 0;
}

int vmb_exec_parse_inj(const char *spec, struct vmb_exec_inj *e)
{
	if (!parse_spec(spec, e, true))
		return 0;
	return vmb_fail(-EINVAL,
			"bad --inject '%s': expected INJ,MAP[,OFFSET[,LENGTH]] with INJ folio_lock or migration, MAP [heap], a [name], a file path or 0xSTART-0xEND, LENGTH at most %lu",
			spec, VMB_LEN_MAX);
}

int vmb_exec_parse_map(const char *spec, struct vmb_exec_inj *e)
{
	if (!parse_spec(spec, e, false))
		return 0;
	return vmb_fail(-EINVAL,
			"bad --pageout '%s': expected MAP[,OFFSET[,LENGTH]] with MAP [heap], a [name], a file path or 0xSTART-0xEND, LENGTH at most %lu",
			spec, VMB_LEN_MAX);
}

struct maps_line {
	uint64_t start, end, pgoff;
	char path[512];
};

static bool parse_maps_line(const char *s, struct maps_line *m)
{
	unsigned long long a, b, off;
	int pos = 0;

	if (sscanf(s, "%llx-%llx %*s %llx %*s %*u %n", &a, &b, &off, &pos) < 3 ||
	    !pos)
		return false;
	m->start = a;
	m->end = b;
	m->pgoff = off;
	snprintf(m->path, sizeof(m->path), "%s", s + pos);
	m->path[strcspn(m->path, "\n")] = '\0';
	return true;
}

static bool path_matches(const char *path, const char *want)
{
	const char *base = strrchr(path, '/');

	if (want[0] == '/' || want[0] == '[')
		return !strcmp(path, want);
	return base && !strcmp(base + 1, want);
}

int vmb_exec_resolve(pid_t pid, const struct vmb_exec_inj *e, uint64_t *addr,
		     uint64_t *len)
{
	uint64_t page = (uint64_t)vmb_page_size(), want;
	struct maps_line m;
	char path[64], line[640];
	bool file, found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	file = !e->raw && e->map[0] != '[';
	while (fgets(line, sizeof(line), f)) {
		if (!parse_maps_line(line, &m))
			continue;
		if (e->raw) {
			if (e->start < m.start || e->start >= m.end)
				continue;
			*addr = e->start & ~(page - 1);
			*len = ((e->end + page - 1) & ~(page - 1)) - *addr;
			found = e->end <= m.end;
			break;
		}
		if (!path_matches(m.path, e->map))
			continue;
		/* A file: the VMA that maps file offset off; else the first. */
		want = file ? e->off : m.start + e->off;
		if (file && (want < m.pgoff || want >= m.pgoff + m.end - m.start))
			continue;
		if (!file && want >= m.end)
			continue;
		*addr = (file ? m.start + (want - m.pgoff) : want) & ~(page - 1);
		*len = e->len ? e->len : m.end - *addr;
		if (*len > VMB_LEN_MAX)
			*len = VMB_LEN_MAX;
		*len = (*len + page - 1) & ~(page - 1);
		found = *addr + *len <= m.end;
		break;
	}
	fclose(f);
	if (!found && target_exiting(pid))
		return -ESRCH;
	return found ? 0 : -ENOENT;
}

/* ---- the fault events, from a tracefs instance of our own ---- */

bool vmb_exec_trace_line(const char *line, uint64_t *ns, bool *major)
{
	const char *p = strstr(line, "vmalock_bench:fault:");
	const char *d, *m;

	if (!p)
		p = strstr(line, " fault: address=");
	if (!p)
		return false;
	d = strstr(p, "duration_ns=");
	m = strstr(p, "major=");
	if (!d)
		return false;
	*ns = strtoull(d + strlen("duration_ns="), NULL, 10);
	*major = m && m[strlen("major=")] == '1';
	return true;
}

struct tracer {
	char dir[128];		/* the instance */
	int fd;			/* its trace_pipe */
	pthread_t thread;
	bool running;
	atomic_int stop;
	struct vmb_hist h;	/* written by the thread only, read after join */
	uint64_t major;
};

static int tr_write(const struct tracer *t, const char *rel, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", t->dir, rel);
	return vmb_write_file(path, val);
}

static void *tracer_main(void *arg)
{
	struct tracer *t = arg;
	char buf[8192], line[1024];
	size_t ll = 0;
	struct pollfd pfd = { t->fd, POLLIN, 0 };
	uint64_t ns;
	bool major;
	ssize_t n, i;

	for (;;) {
		/* After stop, what is left is read until the pipe is empty. */
		bool stopping = atomic_load(&t->stop);

		if (!stopping && poll(&pfd, 1, 20) <= 0)
			continue;
		n = read(t->fd, buf, sizeof(buf));
		if (n <= 0) {
			if (stopping || (n < 0 && errno != EAGAIN && errno != EINTR))
				break;
			continue;
		}
		for (i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (ll < sizeof(line) - 1)
					line[ll++] = buf[i];
				continue;
			}
			line[ll] = '\0';
			ll = 0;
			if (vmb_exec_trace_line(line, &ns, &major)) {
				vmb_hist_add(&t->h, ns);
				t->major += major;
			}
		}
	}
	return NULL;
}

/*
 * The top buffer is a page or two per CPU until its first use sizes it
 * up: its buffer_size_kb reads "7 (expanded: 1408)" till then. On 6.1
 * one flag (ring_buffer_expanded) said so for every buffer, and
 * resizing an instance set it: the top buffer then never grew, and a
 * trace-cmd record after an exec (the tool's --trace, the trace tests)
 * lost a CPU's events to 7 KiB buffers. 6.12 keeps a flag per buffer.
 * So when resizing ours took the top buffer's "(expanded: N)" away, it
 * is given N KiB, the size its first use would have given it. At best
 * effort: a failure here costs only that.
 */
static void keep_top_expandable(const char *before)
{
	char after[64], kb[24];
	const char *p = strstr(before, "(expanded: ");

	if (!p || vmb_read_file(TRACEFS "/buffer_size_kb", after,
				sizeof(after)) < 0 ||
	    strstr(after, "(expanded: "))
		return;
	p += strlen("(expanded: ");
	snprintf(kb, sizeof(kb), "%.*s", (int)strspn(p, "0123456789"), p);
	(void)vmb_write_file(TRACEFS "/buffer_size_kb", kb);
}

static int tracer_start(struct tracer *t)
{
	char path[256], top[64] = "";
	int ret;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	vmb_hist_init(&t->h);
	snprintf(t->dir, sizeof(t->dir), TRACEFS "/instances/vmalock-bench-%d",
		 (int)getpid());
	if (access(TRACEFS "/instances", F_OK))
		return vmb_fail(-ENOENT,
				"no %s/instances: mount tracefs (mount -t tracefs nodev %s)",
				TRACEFS, TRACEFS);
	if (mkdir(t->dir, 0700) && errno != EEXIST)
		return vmb_fail(-errno, "cannot create the trace instance %s",
				t->dir);
	if (vmb_read_file(TRACEFS "/buffer_size_kb", top, sizeof(top)) < 0)
		top[0] = '\0';
	ret = tr_write(t, "buffer_size_kb", TRACE_BUF_KB);
	if (!ret)
		keep_top_expandable(top);
	if (!ret)
		ret = tr_write(t, TRACE_EVENT_DIR "/enable", "1");
	if (ret)
		return vmb_fail(ret,
				"cannot enable %s/%s (is the module loaded, with tracepoints?)",
				t->dir, TRACE_EVENT_DIR);
	snprintf(path, sizeof(path), "%s/trace_pipe", t->dir);
	t->fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (t->fd < 0)
		return vmb_fail(-errno, "cannot open %s", path);
	ret = pthread_create(&t->thread, NULL, tracer_main, t);
	if (ret)
		return vmb_fail(-ret, "pthread_create for the trace reader");
	t->running = true;
	return 0;
}

/* Events the ring buffer dropped ("overrun" of each CPU). */
static uint64_t tracer_lost(const struct tracer *t)
{
	char path[256], line[128];
	uint64_t lost = 0;
	long cpu, ncpu = sysconf(_SC_NPROCESSORS_CONF);
	FILE *f;

	for (cpu = 0; cpu < ncpu; cpu++) {
		snprintf(path, sizeof(path), "%s/per_cpu/cpu%ld/stats", t->dir,
			 cpu);
		f = fopen(path, "re");
		while (f && fgets(line, sizeof(line), f))
			if (!strncmp(line, "overrun: ", 9))
				lost += strtoull(line + 9, NULL, 10);
		if (f)
			fclose(f);
	}
	return lost;
}

static void tracer_stop(struct tracer *t, uint64_t *lost)
{
	*lost = 0;
	if (t->dir[0])
		tr_write(t, TRACE_EVENT_DIR "/enable", "0");
	if (t->running) {
		atomic_store(&t->stop, 1);
		pthread_join(t->thread, NULL);
		t->running = false;
	}
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->dir[0]) {
		*lost = tracer_lost(t);
		rmdir(t->dir);
		t->dir[0] = '\0';
	}
}

/* ---- the session: target, injections, the wait, the result ---- */

struct armed {
	struct vmb_exec_inj e;
	uint64_t addr, len;
	bool on;
};

/*
 * A delayed disk of the target's, swap/ or disk/: its read delay (and
 * jitter) with scope target, its stats at arming.
 */
struct delayed {
	const char *dir;	/* "swap" or VMB_DISK_DIR */
	const char *opt;	/* the option, for messages */
	const char *feature;	/* in the root features file */
	const char *scope;	/* its scope knob */
	uint64_t delay_us;
	bool armed;
	bool ended;		/* st1 read */
	struct vmb_swap_stats st0, st1;	/* at arming, at disarming */
};

/* How many processes started by the target are remembered (children). */
#define MAX_KIDS 64

struct session {
	const struct vmb_opts *o;
	struct vmb_module mod;
	pid_t pid;
	int pidfd;
	int ex_fd;		/* exec: the child's exec report */
	bool child;		/* exec: ours to reap (and maybe kill) */
	int status;		/* wait status, when reaped */
	bool reaped;
	struct armed inj[VMB_MAX_INJECT];
	int ninj;
	struct delayed dl[2];		/* swap, disk */
	bool swapped_on;		/* by us: swapoff at the end */
	bool env_saved;
	struct vmb_swap_env env;	/* zswap, put back at the end */
	struct vmb_exec_inj po;		/* --pageout */
	uint64_t po_next;		/* when it is due again; 0: never */
	uint64_t pageouts;
	pid_t kids[MAX_KIDS];		/* children of the target seen */
	int nkids;
	struct tracer tr;
	uint64_t t0, t_end;
	char err[320];		/* the first error of the session */
	int ret;
};

static void session_error(struct session *s, int ret)
{
	if (s->ret)
		return;
	s->ret = ret;
	snprintf(s->err, sizeof(s->err), "%s", vmb_errmsg());
}

/* Every injection and delay off: whatever the state, every knob tried. */
static void disarm_all(struct session *s)
{
	int i;

	for (i = 0; i < s->ninj; i++) {
		if (s->inj[i].on)
			vmb_inj_disarm(s->inj[i].e.inj);
		s->inj[i].on = false;
	}
	for (i = 0; i < (int)VMB_ARRAY_SIZE(s->dl); i++) {
		/* The stats of the armed span: an attached target runs on. */
		if (s->dl[i].armed)
			s->dl[i].ended = !vmb_rdisk_read_stats(s->dl[i].dir,
							       &s->dl[i].st1);
		if (s->dl[i].armed)
			vmb_rdisk_disarm(s->dl[i].dir);
		s->dl[i].armed = false;
	}
	s->po_next = 0;
	if (s->o->force_mmap_lock)
		vmb_write(VMB_KNOB(target, force_mmap_lock), "0");
}

static bool target_gone(struct session *s)
{
	struct pollfd p = { s->pidfd, POLLIN, 0 };

	if (s->reaped)
		return true;
	if (s->child) {
		pid_t got = waitpid(s->pid, &s->status, WNOHANG);

		if (got == s->pid) {
			s->reaped = true;
			return true;
		}
		return false;
	}
	return s->pidfd >= 0 ? poll(&p, 1, 0) > 0 : kill(s->pid, 0) < 0;
}

/* Wait up to --wait-map for e's mapping: 0, or the error, named. */
static int wait_mapping(struct session *s, const struct vmb_exec_inj *e,
			const char *opt, uint64_t *addr, uint64_t *len)
{
	const struct vmb_opts *o = s->o;
	uint64_t deadline = vmb_now_ns() + (uint64_t)(o->wait_map_s * 1e9);
	int ret;

	for (;;) {
		ret = vmb_exec_resolve(s->pid, e, addr, len);
		if (ret != -ENOENT)
			break;
		if (vmb_now_ns() > deadline || target_gone(s) ||
		    atomic_load(&vmb_interrupted))
			break;
		usleep(1000);
	}
	/* Ctrl-C while waiting: the run ends as interrupted, not failed. */
	if (ret == -ENOENT && atomic_load(&vmb_interrupted))
		return -EINTR;
	if (ret == -ENOENT && target_gone(s))
		ret = -ESRCH;
	if (ret == -ENOENT)
		return vmb_fail(-ENOENT,
				"no such mapping '%s' in process %d after %.3g s (%s %s; see /proc/%d/maps, --wait-map)",
				e->map, (int)s->pid, o->wait_map_s, opt,
				e->spec, (int)s->pid);
	if (ret == -ESRCH)
		return vmb_fail(-ESRCH,
				"process %d exited before mapping '%s' could be %s",
				(int)s->pid, e->map,
				e->inj[0] ? "injected" : "paged out");
	if (ret)
		return vmb_fail(ret, "reading /proc/%d/maps", (int)s->pid);
	return 0;
}

/* Wait for each mapping, then arm its injector. */
static int arm_injections(struct session *s)
{
	const struct vmb_opts *o = s->o;
	int i, ret;

	for (i = 0; i < s->ninj; i++) {
		struct armed *a = &s->inj[i];

		ret = wait_mapping(s, &a->e, "--inject", &a->addr, &a->len);
		if (ret)
			return ret;
		ret = vmb_inj_setup(a->e.inj, (void *)(uintptr_t)a->addr,
				    a->len, o->hold_us, o->interval_us, -1);
		if (!ret)
			ret = vmb_inj_arm(a->e.inj);
		if (ret)
			return vmb_fail(ret,
					"cannot arm %s/%s on %s (0x%llx, %llu bytes) of process %d (docs/injectors.md: enable)",
					vmb_dir(), a->e.inj, a->e.map,
					(unsigned long long)a->addr,
					(unsigned long long)a->len, (int)s->pid);
		a->on = true;
	}
	return 0;
}

/*
 * The swap device swapped on (unless it already is), zswap off: the
 * target's pages must reach the device to be read back late.
 */
static int swap_setup(struct session *s)
{
	char swaps[8192];
	int ret;

	if (!s->o->swap_delay_us)
		return 0;
	if (vmb_has_feature("swap_device") != 1 || access(VMB_SWAP_DEV, F_OK))
		return vmb_fail(-ENODEV,
				"--swap-delay-us needs the module's swap device %s (features lacks swap_device: loaded with swap_mb=0, or a kernel without it; docs/swap.md)",
				VMB_SWAP_DEV);
	ret = vmb_read_file("/proc/swaps", swaps, sizeof(swaps));
	if (ret < 0)
		return vmb_fail(ret, "--swap-delay-us: reading /proc/swaps");
	if (!strstr(swaps, VMB_SWAP_DEV " ")) {
		ret = vmb_swap_on(0);
		if (ret)
			return vmb_fail(ret,
					"--swap-delay-us: cannot swapon %s (root needed; in use by someone else?)",
					VMB_SWAP_DEV);
		s->swapped_on = true;
	}
	ret = vmb_swap_env_save(&s->env);
	s->env_saved = true;
	if (ret)
		return vmb_fail(ret, "--swap-delay-us: turning zswap off (%s)",
				VMB_ZSWAP_ENABLED);
	return 0;
}

static void swap_teardown(struct session *s)
{
	if (s->swapped_on && vmb_swap_off())
		fprintf(stderr, "vmalock-bench: swapoff %s: %s\n", VMB_SWAP_DEV,
			strerror(errno));
	s->swapped_on = false;
	if (s->env_saved)
		vmb_swap_env_restore(&s->env);
	s->env_saved = false;
}

/* Each delay given: scope target, then its jitter and its read delay. */
static int arm_delays(struct session *s)
{
	size_t i;
	int ret;

	for (i = 0; i < VMB_ARRAY_SIZE(s->dl); i++) {
		struct delayed *d = &s->dl[i];

		if (!d->delay_us)
			continue;
		if (vmb_has_feature(d->feature) != 1)
			return vmb_fail(-ENODEV,
					"%s needs the module's %s (features lacks %s)",
					d->opt, d->dir, d->feature);
		d->armed = true;
		ret = vmb_rdisk_read_stats(d->dir, &d->st0);
		if (!ret)
			ret = vmb_write(d->scope, "target");
		if (!ret)
			ret = vmb_rdisk_set(d->dir, VMB_K_swap_jitter_us,
					    s->o->jitter_us);
		if (!ret)
			ret = vmb_rdisk_set(d->dir, VMB_K_swap_read_delay_us,
					    d->delay_us);
		if (ret)
			return vmb_fail(ret, "%s: cannot arm %s/%s/read_delay_us",
					d->opt, vmb_dir(), d->dir);
	}
	return 0;
}

/* A mapping that went away, or moved, since it was armed: -ENXIO. */
static int check_mappings(struct session *s)
{
	uint64_t addr, len;
	int i, ret;

	for (i = 0; i < s->ninj; i++) {
		struct armed *a = &s->inj[i];

		if (!a->on)
			continue;
		ret = vmb_exec_resolve(s->pid, &a->e, &addr, &len);
		if (ret == -ESRCH)
			return 0;	/* the target's exit, not the mapping's */
		if (!ret && addr == a->addr && len == a->len)
			continue;
		disarm_all(s);
		return vmb_fail(-ENXIO,
				"mapping '%s' (0x%llx, %llu bytes) of process %d went away after %.3f s: every injection disarmed",
				a->e.map, (unsigned long long)a->addr,
				(unsigned long long)a->len, (int)s->pid,
				(double)(vmb_now_ns() - s->t0) / 1e9);
	}
	return 0;
}

/*
 * Every VMA whose name is e's MAP, when MAP has no offset or length: a
 * heap split by mprotect() or madvise() shows as several [heap] lines,
 * and a file may be mapped more than once. The count, or -ESRCH.
 */
#define PAGEOUT_IOV 64
static int resolve_every(pid_t pid, const struct vmb_exec_inj *e,
			 struct iovec *iov, int max)
{
	struct maps_line m;
	char path[64], line[640];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	while (n < max && fgets(line, sizeof(line), f)) {
		if (!parse_maps_line(line, &m) || !path_matches(m.path, e->map))
			continue;
		iov[n].iov_base = (void *)(uintptr_t)m.start;
		iov[n++].iov_len = (size_t)(m.end - m.start);
	}
	fclose(f);
	if (!n && target_exiting(pid))
		return -ESRCH;
	return n;
}

/*
 * process_madvise(MADV_PAGEOUT) of the target's ranges, from every CPU
 * the tool may run on: each call drains only its own CPU's LRU batch,
 * where a page just faulted in waits and cannot be reclaimed (see
 * vmb_pageout()). Anonymous pages go to swap, clean file pages are
 * dropped: either is read back on the target's next touch.
 */
struct pageout_arg {
	int pidfd;
	struct iovec *iov;
	int n;
};

static int pageout_cpu(void *arg)
{
	struct pageout_arg *a = arg;

	return syscall(SYS_process_madvise, a->pidfd, a->iov,
		       (unsigned long)a->n, MADV_PAGEOUT, 0U) < 0 ? -errno : 0;
}

static int pageout_ranges(int pidfd, struct iovec *iov, int n)
{
	struct pageout_arg a = { pidfd, iov, n };

	return vmb_each_cpu(pageout_cpu, &a);
}

/*
 * --pageout: the mapping as it is now (a heap grows), paged out. Its
 * going away is an error, as for --inject; the target's exit is not.
 */
static int pageout_now(struct session *s)
{
	const struct vmb_exec_inj *e = &s->po;
	struct iovec iov[PAGEOUT_IOV];
	uint64_t addr, len, bytes = 0;
	int i, n = 1, ret;

	if (e->raw || e->off || e->len) {
		ret = vmb_exec_resolve(s->pid, e, &addr, &len);
		iov[0].iov_base = (void *)(uintptr_t)addr;
		iov[0].iov_len = (size_t)len;
	} else {
		n = ret = resolve_every(s->pid, e, iov, PAGEOUT_IOV);
		if (!n)
			ret = -ENOENT;
		else if (n > 0)
			ret = 0;
	}
	if (ret == -ESRCH)
		return 0;
	if (ret == -ENOENT) {
		disarm_all(s);
		return vmb_fail(-ENXIO,
				"mapping '%s' of process %d (--pageout) went away after %.3f s: every injection disarmed",
				e->map, (int)s->pid,
				(double)(vmb_now_ns() - s->t0) / 1e9);
	}
	if (!ret)
		ret = pageout_ranges(s->pidfd, iov, n);
	if (ret == -ESRCH)
		return 0;
	for (i = 0; i < n; i++)
		bytes += iov[i].iov_len;
	if (ret)
		return vmb_fail(ret,
				"--pageout: process_madvise(MADV_PAGEOUT) of '%s' (%d ranges, %llu bytes) of process %d (needs CAP_SYS_NICE and Linux 5.10)",
				e->map, n, (unsigned long long)bytes,
				(int)s->pid);
	s->pageouts++;
	s->po_next = s->o->pageout_every_s > 0 ?
			     vmb_now_ns() +
				     (uint64_t)(s->o->pageout_every_s * 1e9) :
			     0;
	return 0;
}

/* Wait for --pageout's mapping and page it out a first time. */
static int arm_pageout(struct session *s)
{
	uint64_t addr, len;
	int ret;

	if (!s->o->pageout)
		return 0;
	if (s->pidfd < 0)
		return vmb_fail(-errno ? -errno : -ENOSYS,
				"--pageout: pidfd_open(%d) (Linux 5.3)",
				(int)s->pid);
	ret = wait_mapping(s, &s->po, "--pageout", &addr, &len);
	return ret ?: pageout_now(s);
}

static void remember_kid(struct session *s, long kid)
{
	int i;

	for (i = 0; i < s->nkids && s->kids[i] != kid; i++)
		;
	if (i == s->nkids && s->nkids < MAX_KIDS)
		s->kids[s->nkids++] = (pid_t)kid;
}

/*
 * Processes the target started (lib/proc.h: its threads' children files,
 * or, without CONFIG_PROC_CHILDREN, the processes whose parent it is),
 * sampled: every one seen is remembered. The module targets one process,
 * so their faults are not counted; the run says so.
 */
static void sample_children(struct session *s)
{
	pid_t now[MAX_KIDS];
	int i, n;

	n = vmb_proc_children(s->pid, now, MAX_KIDS);
	for (i = 0; i < n; i++)
		remember_kid(s, now[i]);
}

/* Until the target exits, --duration is up, an error or Ctrl-C. */
static void watch(struct session *s)
{
	const struct vmb_opts *o = s->o;
	uint64_t end = o->duration_s > 0 ?
			       s->t0 + (uint64_t)(o->duration_s * 1e9) : 0;
	uint64_t next_check = 0, now;
	int ret;

	for (;;) {
		if (target_gone(s) || atomic_load(&vmb_interrupted))
			break;
		now = vmb_now_ns();
		if (end && now >= end)
			break;
		if (now >= next_check) {
			sample_children(s);
			ret = check_mappings(s);
			if (!ret && s->po_next && now >= s->po_next)
				ret = pageout_now(s);
			if (ret) {
				session_error(s, ret);
				break;
			}
			next_check = now + 20000000;
		}
		usleep(2000);
	}
	s->t_end = vmb_now_ns();
	disarm_all(s);
}

/* Ctrl-C or an error with CMD still running: kill it, or leave it. */
static void end_child(struct session *s)
{
	bool kill_it = s->o->on_interrupt == VMB_ON_INT_KILL;
	int i;

	if (!s->child || s->reaped)
		return;
	if (!kill_it && (atomic_load(&vmb_interrupted) || s->ret))
		return;
	if (kill_it && (atomic_load(&vmb_interrupted) || s->ret)) {
		kill(s->pid, SIGTERM);
		for (i = 0; i < 200 && !target_gone(s); i++)
			usleep(10000);
		if (!s->reaped)
			kill(s->pid, SIGKILL);
	}
	if (!s->reaped && waitpid(s->pid, &s->status, 0) == s->pid)
		s->reaped = true;
}

static int open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* Is CMD something execvp() would find? Then a typo is named up front. */
static int find_cmd(const char *cmd)
{
	const char *path = getenv("PATH");
	char buf[4096], *dir, *save = NULL;

	if (strchr(cmd, '/'))
		return access(cmd, X_OK) ? -errno : 0;
	snprintf(buf, sizeof(buf), "%s", path && *path ? path : "/usr/bin:/bin");
	for (dir = strtok_r(buf, ":", &save); dir;
	     dir = strtok_r(NULL, ":", &save)) {
		char full[4352];

		snprintf(full, sizeof(full), "%s/%s", *dir ? dir : ".", cmd);
		if (!access(full, X_OK))
			return 0;
	}
	return -ENOENT;
}

/* fork CMD, stopped on a pipe until go(); the exec reported on another. */
static int spawn(struct session *s, int *go_fd)
{
	const struct vmb_opts *o = s->o;
	int go[2], ex[2], err;

	if (pipe2(go, O_CLOEXEC) || pipe2(ex, O_CLOEXEC))
		return vmb_fail(-errno, "pipe");
	s->pid = fork();
	if (s->pid < 0)
		return vmb_fail(-errno, "fork");
	if (!s->pid) {
		char c;

		vmb_child_signals();
		/* Kept running on Ctrl-C: out of the terminal's signals. */
		if (o->on_interrupt == VMB_ON_INT_KEEP)
			setpgid(0, 0);
		close(go[1]);
		close(ex[0]);
		if (read(go[0], &c, 1) != 1)
			_exit(127);
		execvp(o->cmd_argv[0], o->cmd_argv);
		err = errno;
		if (write(ex[1], &err, sizeof(err)) < 0)
			_exit(127);
		_exit(127);
	}
	s->child = true;
	close(go[0]);
	close(ex[1]);
	*go_fd = go[1];
	s->ex_fd = ex[0];
	return 0;
}

static int exec_started(struct session *s, int *go)
{
	int go_fd = *go, err = 0, ex = s->ex_fd;
	ssize_t n;

	s->ex_fd = -1;
	s->t0 = vmb_now_ns();
	*go = -1;
	if (write(go_fd, "g", 1) != 1) {
		close(go_fd);
		close(ex);
		return vmb_fail(-errno, "starting %s", s->o->cmd_argv[0]);
	}
	close(go_fd);
	do {
		n = read(ex, &err, sizeof(err));
	} while (n < 0 && errno == EINTR);
	close(ex);
	if (n == (ssize_t)sizeof(err)) {
		waitpid(s->pid, &s->status, 0);
		s->reaped = true;
		return vmb_fail(-err, "cannot run '%s'", s->o->cmd_argv[0]);
	}
	return 0;
}

static void fill_result(struct session *s, struct vmb_result *res,
			const uint64_t *before, bool counters,
			const uint64_t *ml0, bool ml, uint64_t lost)
{
	const struct vmb_opts *o = s->o;
	struct vmb_role_result *rr = &res->roles[VMB_ROLE_VICTIM];
	uint64_t after[VMB_C_NR], ml1[VMB_ML_NR];
	struct vmb_swap_stats st;
	int i;

	memset(res, 0, sizeof(*res));
	for (i = 0; i < VMB_ROLE_NR; i++)
		vmb_hist_init(&res->roles[i].h);
	if (o->name)
		snprintf(res->scenario, sizeof(res->scenario), "%s", o->name);
	else if (o->cmd == VMB_CMD_EXEC)
		snprintf(res->scenario, sizeof(res->scenario), "exec:%s",
			 strrchr(o->cmd_argv[0], '/') ?
				 strrchr(o->cmd_argv[0], '/') + 1 :
				 o->cmd_argv[0]);
	else
		snprintf(res->scenario, sizeof(res->scenario), "attach:%d",
			 (int)s->pid);
	res->threads = 1;
	res->status = s->ret ? VMB_FAILED : VMB_OK;
	if (s->ret)
		snprintf(res->reason, sizeof(res->reason), "%.250s", s->err);
	res->elapsed_s = (double)(s->t_end - s->t0) / 1e9;
	rr->present = true;
	vmb_hist_merge(&rr->h, &s->tr.h);
	rr->ops = rr->h.count;
	rr->secs = res->elapsed_s;
	if (counters && !vmb_module_read_counters(&s->mod, after)) {
		res->have_counters = true;
		for (i = 0; i < VMB_C_NR; i++)
			res->counters[i] = after[i] - before[i];
	}
	vmb_add_metric(res, "wall_s", res->elapsed_s, true);
	if (s->reaped && WIFEXITED(s->status))
		vmb_add_metric(res, "exit_status", WEXITSTATUS(s->status), false);
	else if (s->reaped && WIFSIGNALED(s->status))
		vmb_add_metric(res, "exit_signal", WTERMSIG(s->status), false);
	vmb_add_metric(res, "major_traced", (double)s->tr.major, false);
	for (i = 0; i < (int)VMB_ARRAY_SIZE(s->dl); i++) {
		const struct delayed *d = &s->dl[i];
		char name[32];

		if (!d->ended)
			continue;
		st = d->st1;
		/* swap_reads, swap_delayed, swap_writes; disk_... */
		snprintf(name, sizeof(name), "%s_reads", d->dir);
		vmb_add_metric(res, name, (double)(st.v[VMB_SWAP_reads] -
						   d->st0.v[VMB_SWAP_reads]),
			       false);
		snprintf(name, sizeof(name), "%s_delayed", d->dir);
		vmb_add_metric(res, name, (double)(st.v[VMB_SWAP_delayed] -
						   d->st0.v[VMB_SWAP_delayed]),
			       false);
		snprintf(name, sizeof(name), "%s_writes", d->dir);
		vmb_add_metric(res, name, (double)(st.v[VMB_SWAP_writes] -
						   d->st0.v[VMB_SWAP_writes]),
			       false);
	}
	if (o->pageout)
		vmb_add_metric(res, "pageouts", (double)s->pageouts, false);
	vmb_add_metric(res, "children", s->nkids, false);
	vmb_add_metric(res, "trace_lost", (double)lost, true);
	/* target/mmap_lock where the module has it: run's figures. */
	if (ml && !vmb_module_read_mmap_lock(&s->mod, ml1)) {
		res->have_mmap_lock = true;
		for (i = 0; i < VMB_ML_NR; i++)
			res->mmap_lock[i] = ml1[i] - ml0[i];
	}
}

static int session_prepare(struct session *s)
{
	const struct vmb_opts *o = s->o;
	int i, ret;

	s->pidfd = -1;
	s->ex_fd = -1;
	s->dl[0] = (struct delayed){ .dir = "swap", .opt = "--swap-delay-us",
				     .feature = "swap_device",
				     .scope = VMB_KNOB(swap, scope),
				     .delay_us = o->swap_delay_us };
	s->dl[1] = (struct delayed){ .dir = VMB_DISK_DIR,
				     .opt = "--disk-delay-us",
				     .feature = "disk_device",
				     .scope = VMB_KNOB(disk, scope),
				     .delay_us = o->disk_delay_us };
	if (o->pageout) {
		ret = vmb_exec_parse_map(o->pageout, &s->po);
		if (ret)
			return ret;
	}
	for (i = 0; i < o->ninject; i++) {
		ret = vmb_exec_parse_inj(o->inject[i], &s->inj[i].e);
		if (ret)
			return ret;
		s->ninj++;
	}
	vmb_module_open(&s->mod, o->debugfs);
	if (!s->mod.present || !vmb_have(&s->mod, VMB_F_fault_accounting) ||
	    !vmb_have(&s->mod, VMB_F_tracepoints))
		return vmb_fail(-ENODEV,
				"%s needs the vmalock_bench module with fault_accounting and tracepoints (%s: load it, mount debugfs)",
				o->cmd == VMB_CMD_EXEC ? "exec" : "attach",
				s->mod.dir);
	if (o->force_mmap_lock && !vmb_exists(VMB_KNOB(target, force_mmap_lock)))
		return vmb_fail(-ENOENT,
				"--force-mmap-lock needs %s/target/force_mmap_lock",
				s->mod.dir);
	if (o->drop_caches) {
		ret = vmb_drop_caches();
		if (ret)
			return vmb_fail(ret, "--drop-caches: writing 3 to %s",
					VMB_DROP_CACHES);
	}
	return swap_setup(s);
}

/* The target set, the trace on, force_mmap_lock if asked. */
static int session_target(struct session *s)
{
	int ret;

	ret = vmb_module_set_target(&s->mod, (int)s->pid);
	if (ret == -ESRCH)
		return vmb_fail(-ESRCH, "no such process %d", (int)s->pid);
	if (ret)
		return ret;
	if (s->o->force_mmap_lock) {
		ret = vmb_knob_write(VMB_KNOB(target, force_mmap_lock), "1");
		if (ret)
			return ret;
	}
	return tracer_start(&s->tr);
}

static int session_run(struct session *s, struct vmb_result *res)
{
	const struct vmb_opts *o = s->o;
	uint64_t before[VMB_C_NR], ml0[VMB_ML_NR], lost = 0;
	bool counters = false, ml = false;
	int ret, go_fd = -1;

	ret = session_prepare(s);
	if (ret) {
		swap_teardown(s);
		return ret;
	}
	vmb_install_signals();
	if (o->cmd == VMB_CMD_EXEC) {
		ret = find_cmd(o->cmd_argv[0]);
		if (ret)
			return vmb_fail(ret, "command not found: '%s'%s",
					o->cmd_argv[0],
					strchr(o->cmd_argv[0], '/') ? "" :
					" (not in $PATH)");
		ret = spawn(s, &go_fd);
	} else {
		s->pid = o->attach_pid;
		if (kill(s->pid, 0) && errno == ESRCH)
			return vmb_fail(-ESRCH, "no such process %d",
					(int)s->pid);
		s->pidfd = open_pidfd(s->pid);
	}
	if (!ret)
		ret = session_target(s);
	/* Delays before the exec: none of CMD's reads is missed. */
	if (!ret)
		ret = arm_delays(s);
	if (!ret)
		counters = !vmb_module_read_counters(&s->mod, before);
	if (!ret)
		ml = !vmb_module_read_mmap_lock(&s->mod, ml0);
	if (!ret && o->cmd == VMB_CMD_EXEC)
		ret = exec_started(s, &go_fd);
	else if (!ret)
		s->t0 = vmb_now_ns();
	if (!ret && s->child)
		s->pidfd = open_pidfd(s->pid);
	if (!ret)
		ret = arm_injections(s);
	if (!ret)
		ret = arm_pageout(s);
	if (ret && ret != -EINTR)
		session_error(s, ret);
	if (!ret)
		watch(s);
	else
		s->t_end = vmb_now_ns();
	disarm_all(s);
	end_child(s);
	if (go_fd >= 0 && s->child && !s->reaped) {
		/* Failed before the exec: the child never runs CMD. */
		close(go_fd);
		waitpid(s->pid, &s->status, 0);
		s->reaped = true;
	}
	tracer_stop(&s->tr, &lost);
	if (s->t0)
		fill_result(s, res, before, counters, ml0, ml, lost);
	if (s->mod.target_set) {
		vmb_module_set_target(&s->mod, 0);
		s->mod.target_set = false;
	}
	if (s->pidfd >= 0)
		close(s->pidfd);
	if (s->ex_fd >= 0)
		close(s->ex_fd);
	/* After the stats are read: swapoff reads every page back. */
	swap_teardown(s);
	return s->t0 ? 0 : s->ret;
}

static int exec_or_attach(const struct vmb_opts *o)
{
	struct session *s;
	struct vmb_result *res;
	struct vmb_env env;
	int ret;

	s = calloc(1, sizeof(*s));
	res = calloc(1, sizeof(*res));
	if (!s || !res) {
		free(s);
		free(res);
		return vmb_fail(-ENOMEM, "allocation");
	}
	s->o = o;
	vmb_env_init(&env);
	ret = session_run(s, res);
	if (!ret) {
		if (!o->quiet)
			vmb_print_result(stdout, res, true, true);
		if (o->json)
			ret = vmb_write_json(o->json, o, &env, &s->mod, res, 1);
		/* The module targets one process: its children go uncounted. */
		if (s->nkids)
			fprintf(stderr,
				"vmalock-bench: note: process %d started %d process%s (first %d), seen every 20 ms: only %d is the target, their faults are not in these figures\n",
				(int)s->pid, s->nkids, s->nkids > 1 ? "es" : "",
				(int)s->kids[0], (int)s->pid);

		if (!ret && s->ret) {
			vmb_clear_error();
			ret = vmb_fail(s->ret, "%s", s->err);
		}
		if (!ret && atomic_load(&vmb_interrupted)) {
			fprintf(stderr, "vmalock-bench: interrupted: everything disarmed; %s %d %s\n",
				s->child ? "command" : "process", (int)s->pid,
				s->reaped ? "has ended" : "left running");
			ret = -EINTR;
		}
	}
	free(s);
	free(res);
	return ret;
}

int vmb_cmd_exec(const struct vmb_opts *o)
{
	return exec_or_attach(o);
}

int vmb_cmd_attach(const struct vmb_opts *o)
{
	return exec_or_attach(o);
}
