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
 * trace-cmd session elsewhere is left alone) by a thread that feeds a
 * histogram; the event fires only for the target's faults. The exception
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
 * in the order given; --disk-delay-us delays the target's reads from the
 * file disk (disk/scope target). Everything is disarmed when the target
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
#include <sys/stat.h>
#include <sys/syscall.h>
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


int vmb_exec_parse_inj(const char *spec, struct vmb_exec_inj *e)
{
	char buf[512], *f[4], *save = NULL, *tok;
	int n = 0;

	memset(e, 0, sizeof(*e));
	e->spec = spec;
	if (snprintf(buf, sizeof(buf), "%s", spec) >= (int)sizeof(buf))
		goto bad;
	for (tok = strtok_r(buf, ",", &save); tok && n < 4;
	     tok = strtok_r(NULL, ",", &save))
		f[n++] = tok;
	if (n < 2 || tok || !vmb_inj_find(f[0]))
		goto bad;
	snprintf(e->inj, sizeof(e->inj), "%s", f[0]);
	snprintf(e->map, sizeof(e->map), "%s", f[1]);
	if (!strncmp(f[1], "0x", 2)) {
		char *end;

		errno = 0;
		e->start = strtoull(f[1], &end, 16);
		if (errno || *end != '-')
			goto bad;
		e->end = strtoull(end + 1, &end, 16);
		if (errno || *end || e->end <= e->start)
			goto bad;
		e->raw = true;
	}
	if (n > 2 && vmb_parse_u64(f[2], 0, UINT64_MAX / 2, &e->off))
		goto bad;
	if (n > 3 && vmb_parse_u64(f[3], 1, VMB_LEN_MAX, &e->len))
		goto bad;
	return 0;
bad:
	return vmb_fail(-EINVAL,
			"bad --inject '%s': expected INJ,MAP[,OFFSET[,LENGTH]] with INJ folio_lock or migration, MAP [heap], a [name], a file path or 0xSTART-0xEND, LENGTH at most %lu",
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

static int tracer_start(struct tracer *t)
{
	char path[256];
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
	ret = tr_write(t, "buffer_size_kb", TRACE_BUF_KB);
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
	bool disk_armed;
	struct vmb_swap_stats disk0;	/* disk/stats when armed */
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
	if (s->disk_armed)
		vmb_rdisk_disarm(VMB_DISK_DIR);
	s->disk_armed = false;
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

/* Wait for each mapping, then arm its injector. */
static int arm_injections(struct session *s)
{
	const struct vmb_opts *o = s->o;
	uint64_t deadline = vmb_now_ns() + (uint64_t)(o->wait_map_s * 1e9);
	int i, ret;

	for (i = 0; i < s->ninj; i++) {
		struct armed *a = &s->inj[i];

		for (;;) {
			ret = vmb_exec_resolve(s->pid, &a->e, &a->addr, &a->len);
			if (ret != -ENOENT)
				break;
			if (vmb_now_ns() > deadline || target_gone(s) ||
			    atomic_load(&vmb_interrupted))
				break;
			usleep(1000);
		}
		if (ret == -ENOENT && target_gone(s))
			ret = -ESRCH;
		if (ret == -ENOENT)
			return vmb_fail(-ENOENT,
					"no such mapping '%s' in process %d after %.3g s (--inject %s; see /proc/%d/maps, --wait-map)",
					a->e.map, (int)s->pid, o->wait_map_s,
					a->e.spec, (int)s->pid);
		if (ret == -ESRCH)
			return vmb_fail(-ESRCH,
					"process %d exited before mapping '%s' could be injected",
					(int)s->pid, a->e.map);
		if (ret)
			return vmb_fail(ret, "reading /proc/%d/maps", (int)s->pid);
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

static int arm_disk(struct session *s)
{
	int ret;

	if (!s->o->disk_delay_us)
		return 0;
	if (vmb_has_feature("disk_device") != 1)
		return vmb_fail(-ENODEV,
				"--disk-delay-us needs the module's file disk (features lacks disk_device)");
	s->disk_armed = true;
	ret = vmb_rdisk_read_stats(VMB_DISK_DIR, &s->disk0);
	if (!ret)
		ret = vmb_write(VMB_KNOB(disk, scope), "target");
	if (!ret)
		ret = vmb_rdisk_set(VMB_DISK_DIR, VMB_K_swap_read_delay_us,
				    s->o->disk_delay_us);
	if (ret)
		return vmb_fail(ret, "cannot arm %s/%s/read_delay_us", vmb_dir(),
				VMB_DISK_DIR);
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
			ret = check_mappings(s);
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

/* target/mmap_lock, when the module has it, as metrics mmap_lock_NAME. */
static void add_mmap_lock(struct vmb_result *res)
{
	struct vmb_mmap_lock ml;
	char name[64];
	int i;

	if (vmb_read_mmap_lock(&ml))
		return;
	for (i = 0; i < VMB_ML_NR; i++) {
		snprintf(name, sizeof(name), "mmap_lock_%s",
			 vmb_mmap_lock_names[i]);
		vmb_add_metric(res, name, (double)ml.v[i], true);
	}
}

static void fill_result(struct session *s, struct vmb_result *res,
			const uint64_t *before, bool counters, uint64_t lost)
{
	const struct vmb_opts *o = s->o;
	struct vmb_role_result *rr = &res->roles[VMB_ROLE_VICTIM];
	uint64_t after[VMB_C_NR];
	struct vmb_swap_stats st;
	int i;

	memset(res, 0, sizeof(*res));
	for (i = 0; i < VMB_ROLE_NR; i++)
		vmb_hist_init(&res->roles[i].h);
	if (o->cmd == VMB_CMD_EXEC)
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
	if (o->disk_delay_us && !vmb_rdisk_read_stats(VMB_DISK_DIR, &st)) {
		vmb_add_metric(res, "disk_reads",
			       (double)(st.v[VMB_SWAP_reads] -
					s->disk0.v[VMB_SWAP_reads]), false);
		vmb_add_metric(res, "disk_delayed",
			       (double)(st.v[VMB_SWAP_delayed] -
					s->disk0.v[VMB_SWAP_delayed]), false);
	}
	vmb_add_metric(res, "trace_lost", (double)lost, true);
	add_mmap_lock(res);
}

static int session_prepare(struct session *s)
{
	const struct vmb_opts *o = s->o;
	int i, ret;

	s->pidfd = -1;
	s->ex_fd = -1;
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
	return 0;
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
	uint64_t before[VMB_C_NR], lost = 0;
	bool counters = false;
	int ret, go_fd = -1;

	ret = session_prepare(s);
	if (ret)
		return ret;
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
	if (!ret)
		counters = !vmb_module_read_counters(&s->mod, before);
	if (!ret && o->cmd == VMB_CMD_EXEC)
		ret = exec_started(s, &go_fd);
	else if (!ret)
		s->t0 = vmb_now_ns();
	if (!ret && s->child)
		s->pidfd = open_pidfd(s->pid);
	if (!ret)
		ret = arm_disk(s);
	if (!ret)
		ret = arm_injections(s);
	if (ret)
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
		fill_result(s, res, before, counters, lost);
	if (s->mod.target_set) {
		vmb_module_set_target(&s->mod, 0);
		s->mod.target_set = false;
	}
	if (s->pidfd >= 0)
		close(s->pidfd);
	if (s->ex_fd >= 0)
		close(s->ex_fd);
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
