// SPDX-License-Identifier: GPL-2.0
/*
 * Fault-path accounting of one target process.
 *
 * x86's do_user_addr_fault() is inlined into exc_page_fault() (noinstr), so
 * the fault is observed at its edges:
 *
 *   exceptions:page_fault_user   tracepoint, a user fault begins
 *   handle_mm_fault()            ftrace, one call per attempt
 *
 * Nothing is hooked while target/pid is 0: both are registered when a
 * target is set and removed when it is cleared, so with nothing targeted
 * the kernel runs its own fault path. Whether they can be registered is
 * tried once at load, for the features file. While a target is set,
 * every other process pays two early returns per fault: the tracepoint
 * probe's and the ftrace callback's, each a test of current's tgid.
 *
 * The ftrace callback sends the target's handle_mm_fault() calls through
 * vmb_hmf_wrapper() (the livepatch mechanism), which calls the real one
 * and sees its arguments and result as C values: no return probe and no
 * register decoding. The wrapper is module text that a faulting thread
 * may sleep in, so unloading waits until every redirected call has
 * returned (vmb_hmf_drain()); a target change does not wait.
 *
 * Unloading, in order, after the debugfs files are gone (no store runs,
 * so nothing registers again): the delayed unhook work is cancelled and
 * waited for; the kretprobe is unregistered (unregister_kretprobe()
 * clears the return handler and waits a grace period: no handler runs
 * after, not even for calls still in lock_vma_under_rcu()); the
 * mmap_lock and page_fault_user probes and the ftrace callback are
 * unregistered, then tracepoint_synchronize_unregister() waits out every
 * probe that was running and every RCU reader of the threads' state
 * (unregister_ftrace_function() has already waited out the callback);
 * then the wrapper is drained: no new call can be redirected, so the
 * in-flight count only falls, and synchronize_rcu_tasks() covers the
 * last instructions after its count-out. No module reference is taken
 * per call: rmmod during a target's fault loop succeeds, it only waits
 * for the faults in flight.
 *
 * Which lock a call runs under is in its flags (FAULT_FLAG_VMA_LOCK). On a
 * kernel with per-VMA locks every user fault outside the vsyscall page
 * begins with lock_vma_under_rcu(), so that call needs no probe of its own
 * (force.c hooks it only to force): a fault that begins is a VMA lock
 * attempt, and one whose first handle_mm_fault() call comes without
 * FAULT_FLAG_VMA_LOCK is a miss (lock_vma_under_rcu() returned NULL). A
 * fault that never reaches handle_mm_fault() (SIGSEGV: no VMA, or an
 * access error) counts as an attempt and nothing else.
 *
 * A fault ends when a handle_mm_fault() call returns without
 * VM_FAULT_RETRY, or with VM_FAULT_RETRY and a signal pending (it is then
 * abandoned and not counted as finished). The state of a fault between
 * its calls lives in a struct per thread of the target, found by thread
 * id in an xarray that grows with the threads that fault (allocated,
 * without sleeping, at a thread's first fault). The state of one call
 * lives on the wrapper's stack, with the fault's generation and the
 * hooks' generation: a call that returns after the target changed finds
 * the generation moved on and counts nothing. Only the thread itself
 * writes its struct; the structs are freed when the target changes, a
 * grace period after the generation moved on, with kfree_rcu().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/pid.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "accounting.h"
#include "compat.h"
#include "knob.h"
#include "vmalock_bench.h"

#define VMB_CTR_NAME(name, ...) #name,
static const char *const vmb_counter_names[] = {
	VMB_FAULT_COUNTERS(VMB_CTR_NAME)
};

static int vmb_pid_store(struct vmb_group *g, unsigned int idx, u64 val);
static int vmb_pid_show(struct seq_file *m, struct vmb_group *g,
			unsigned int idx);
static int vmb_reset_store(struct vmb_group *g, unsigned int idx, u64 val);
static int vmb_faults_show(struct seq_file *m, struct vmb_group *g,
			   unsigned int idx);

#define VMB_TARGET_KNOBS(X)						\
	X(target, pid, VMB_U64, .mode = 0600, .max = PID_MAX_LIMIT,	\
	  .live = true, .store = vmb_pid_store, .show = vmb_pid_show,	\
	  .help = "tgid of the process to account, 0 for none")	\
	X(target, faults, VMB_SHOW, .mode = 0400, .show = vmb_faults_show, \
	  .help = "one \"name value\" line per VMB_FAULT_COUNTERS entry") \
	X(target, reset, VMB_BOOL, .mode = 0200, .min = 1, .max = 1,	\
	  .live = true, .store = vmb_reset_store,			\
	  .help = "write 1 to zero the counters")			\
	X(target, force_mmap_lock, VMB_BOOL, .mode = 0600, .max = 1,	\
	  .live = true, .store = vmb_force_store,			\
	  .help = "1: the target's faults skip the VMA lock")		\
	X(target, mmap_lock, VMB_SHOW, .mode = 0400,			\
	  .show = vmb_mmap_lock_show,					\
	  .help = "one \"name value\" line per VMB_MMAP_LOCK_STATS entry")

VMB_DEFINE_GROUP(target, "target", VMB_TARGET_KNOBS);

DEFINE_PER_CPU(struct vmb_counters, vmb_counters);

pid_t vmb_target_tgid;
struct pid *vmb_target_pid;

/* How often unloading looks whether the wrapper is still in use. */
#define VMB_DRAIN_POLL_MS 10

/* Threads of the target tracked at most; more count as slot_overflow. */
#define VMB_THREADS_MAX (1U << 16)

struct vmb_thread {
	unsigned int hooks_gen;	/* vmb_hooks_gen when it was allocated */
	u32 gen;		/* bumped when a fault begins */
	bool active;		/* a fault has begun and not ended */
	bool vma_retry;		/* a VMA-locked call returned RETRY */
	bool major;
	unsigned int calls;	/* handle_mm_fault() calls of this fault */
	unsigned int retries;
	unsigned long address;
	unsigned long fault_ip;	/* user ip of the fault: its frame's */
	u64 start_ns;
	struct vmb_ml_thread ml;
	struct rcu_head rcu;
};

static DEFINE_XARRAY(vmb_threads);
/* Bumped when the target changes or the hooks go: see struct vmb_call. */
static unsigned int vmb_hooks_gen;
static atomic_t vmb_nr_threads;

/* The current thread's struct, allocated at its first fault. */
static struct vmb_thread *vmb_thread_get(void)
{
	struct vmb_thread *t = xa_load(&vmb_threads, current->pid);

	if (t)
		return t;
	if (atomic_inc_return(&vmb_nr_threads) > VMB_THREADS_MAX)
		goto err;
	/* Interrupts are off where the fault begins: no sleeping. */
	t = kzalloc(sizeof(*t), GFP_NOWAIT | __GFP_NOWARN);
	if (!t)
		goto err;
	t->hooks_gen = READ_ONCE(vmb_hooks_gen);
	if (xa_is_err(xa_store(&vmb_threads, current->pid, t,
			       GFP_NOWAIT | __GFP_NOWARN))) {
		kfree(t);
		goto err;
	}
	return t;
err:
	atomic_dec(&vmb_nr_threads);
	return NULL;
}

/*
 * After vmb_hooks_gen moved on and a grace period: no probe runs for the
 * old target, and a wrapper call that looks a struct up now finds its
 * generation stale. A lookup may still be in its RCU section: kfree_rcu.
 */
static void vmb_threads_free(void)
{
	struct vmb_thread *t;
	unsigned long tid;

	xa_for_each(&vmb_threads, tid, t) {
		xa_erase(&vmb_threads, tid);
		kfree_rcu(t, rcu);
	}
	atomic_set(&vmb_nr_threads, 0);
}

/* exceptions:page_fault_user: a user-mode fault begins. */
static void vmb_fault_begin(void *data, unsigned long address,
			    struct pt_regs *regs, unsigned long error_code)
{
	struct vmb_thread *t;

	if (!vmb_is_target())
		return;
	/*
	 * A user-mode access to a kernel address is not looked up at all
	 * (do_kern_addr_fault()), nor is the vsyscall page.
	 */
	if (VMB_HAVE_PER_VMA_LOCK && address < TASK_SIZE_MAX &&
	    !vmb_is_vsyscall(address))
		vmb_count(VMB_CTR_vma_lock_attempt);
	/* An earlier fault still active was abandoned unseen: start anew. */
	t = vmb_thread_get();
	if (!t) {
		vmb_count(VMB_CTR_slot_overflow);
		return;
	}
	t->gen++;
	t->active = true;
	t->calls = 0;
	t->retries = 0;
	t->vma_retry = false;
	t->major = false;
	t->address = address;
	t->fault_ip = instruction_pointer(regs);
	/* The clock only for the event that reports it. */
	t->start_ns = vmb_trace_fault_enabled() ? ktime_get_ns() : 0;
}

/*
 * A fault is current's while it is active and current's user frame is
 * the fault's: a fault that ended unseen (SIGSEGV before
 * handle_mm_fault()) stays active, but a syscall after it has another
 * frame.
 */
struct vmb_ml_thread *vmb_thread_ml(bool *in_fault)
{
	struct vmb_thread *t = vmb_thread_get();

	if (!t)
		return NULL;
	*in_fault = t->active &&
		    t->fault_ip == instruction_pointer(task_pt_regs(current));
	return &t->ml;
}

static void vmb_fault_end(struct vmb_thread *t, bool vma_locked)
{
	enum vmb_fault_path path;

	vmb_count(VMB_CTR_faults);
	switch (t->calls) {
	case 1:
		vmb_count(VMB_CTR_attempts_1);
		break;
	case 2:
		vmb_count(VMB_CTR_attempts_2);
		break;
	case 3:
		vmb_count(VMB_CTR_attempts_3);
		break;
	default:
		vmb_count(VMB_CTR_attempts_4plus);
		break;
	}
	if (vma_locked)
		path = VMB_PATH_VMA_LOCK;
	else if (t->vma_retry)
		path = VMB_PATH_VMA_THEN_MMAP;
	else
		path = VMB_PATH_MMAP_LOCK;
	if (t->start_ns)
		vmb_trace_fault(t->address, path, t->calls, t->retries,
				t->major, ktime_get_ns() - t->start_ns);
}

/*
 * One handle_mm_fault() call, on the wrapper's stack. t was current in
 * generation hooks_gen, and stays valid while that generation is: the
 * structs are freed (kfree_rcu) a grace period after it moves on.
 */
struct vmb_call {
	struct vmb_thread *t;
	unsigned int hooks_gen;
	u32 fault_gen;
	unsigned int flags;
};

/* Entry of a call of the target: is it part of a fault we follow? */
static bool vmb_call_begin(struct vmb_call *c, unsigned int flags)
{
	struct vmb_thread *t;
	bool ret = false;

	/* Kernel-mode faults (GUP, uaccess) of the target's syscalls. */
	if (!(flags & FAULT_FLAG_USER))
		return false;
	rcu_read_lock();
	c->hooks_gen = READ_ONCE(vmb_hooks_gen);
	t = xa_load(&vmb_threads, current->pid);
	/* Begun before the hooks (or no memory to follow it), or stale. */
	if (!t || t->hooks_gen != c->hooks_gen || !t->active)
		goto out;
	if (!t->calls && VMB_HAVE_PER_VMA_LOCK &&
	    !(flags & VMB_FAULT_FLAG_VMA_LOCK))
		vmb_count(VMB_CTR_vma_lock_miss);
	t->calls++;
	c->t = t;
	c->fault_gen = t->gen;
	c->flags = flags;
	ret = true;
out:
	rcu_read_unlock();
	return ret;
}

static void vmb_call_end(struct vmb_call *c, vm_fault_t ret)
{
	bool vma_locked = c->flags & VMB_FAULT_FLAG_VMA_LOCK;
	struct vmb_thread *t;

	rcu_read_lock();
	/* The target changed while this call ran: not ours to count. */
	if (READ_ONCE(vmb_hooks_gen) != c->hooks_gen)
		goto out;
	t = c->t;
	if (t->gen != c->fault_gen || !t->active)
		goto out;
	if (vma_locked)
		vmb_count(ret & VM_FAULT_RETRY ? VMB_CTR_vma_lock_retry :
						 VMB_CTR_vma_locked_done);
	else
		vmb_count(VMB_CTR_mmap_lock_faults);
	if (ret & VM_FAULT_COMPLETED)
		vmb_count(VMB_CTR_completed);
	if (ret & VM_FAULT_MAJOR) {
		vmb_count(VMB_CTR_major);
		t->major = true;
	}
	if (ret & VM_FAULT_RETRY) {
		vmb_count(VMB_CTR_retry);
		if (c->flags & FAULT_FLAG_TRIED)
			vmb_count(VMB_CTR_retry_after_tried);
		t->retries++;
		if (vma_locked)
			t->vma_retry = true;
		/*
		 * fault_signal_pending(): a user fault is abandoned when a
		 * signal is pending. Signals only become un-pending in this
		 * thread, so if we see one the fault path sees it too.
		 */
		if (!signal_pending(current))
			goto out;
	} else {
		vmb_fault_end(t, vma_locked);
	}
	t->active = false;
out:
	rcu_read_unlock();
}

/*
 * Calls sent to the wrapper and not yet returned from it, per CPU: a call
 * is counted in on the CPU that redirects it and out on the one it
 * returns on, so only the sum means anything (vmb_hmf_drain()).
 */
static DEFINE_PER_CPU(long, vmb_hmf_inflight);

static vm_fault_t vmb_hmf_wrapper(struct vm_area_struct *vma,
				  unsigned long address, unsigned int flags,
				  struct pt_regs *regs)
{
	struct vmb_call c;
	bool follow = vmb_call_begin(&c, flags);
	vm_fault_t ret;

	ret = handle_mm_fault(vma, address, flags, regs);
	if (follow)
		vmb_call_end(&c, ret);
	/* Nothing after this but the return: vmb_hmf_drain() waits for it. */
	this_cpu_dec(vmb_hmf_inflight);
	return ret;
}

/* The wrapper stands in for the real function: same type, checked. */
static_assert(__same_type(&vmb_hmf_wrapper, &handle_mm_fault));

static void notrace vmb_hmf_ftrace(unsigned long ip, unsigned long parent_ip,
				   struct ftrace_ops *op,
				   struct ftrace_regs *fregs)
{
	/* Every process's faults come here while a target is set. */
	if (!vmb_is_target())
		return;
	/* The wrapper's own call of the real function: the only one here. */
	if (within_module(parent_ip, THIS_MODULE))
		return;
	this_cpu_inc(vmb_hmf_inflight);
	vmb_ftrace_set_ip(fregs, (unsigned long)vmb_hmf_wrapper);
}

static struct ftrace_ops vmb_hmf_ops = {
	.func = vmb_hmf_ftrace,
	.flags = FTRACE_OPS_FL_IPMODIFY,
};

static bool vmb_hmf_filtered;

static long vmb_hmf_inflight_sum(void)
{
	long n = 0;
	int cpu;

	for_each_possible_cpu(cpu)
		n += READ_ONCE(per_cpu(vmb_hmf_inflight, cpu));
	return n;
}

/*
 * Before the module goes, after unregister_ftrace_function(): wait until
 * no thread runs the wrapper. Nothing is redirected any more and every
 * count-in happened before the unregistration's grace periods, so the sum
 * only falls, and reads 0 only once every call has counted itself out. A
 * fault of the target that sleeps long in handle_mm_fault() (a userfault
 * nobody resolves) keeps rmmod waiting: said once a second in the log,
 * and in short sleeps that the hung-task detector does not report.
 */
static void vmb_hmf_drain(void)
{
	unsigned int ms = 0;
	long n;

	while ((n = vmb_hmf_inflight_sum()) > 0) {
		if (ms && !(ms % MSEC_PER_SEC))
			pr_info("unloading: waiting for %ld faults of the target in flight\n",
				n);
		msleep(VMB_DRAIN_POLL_MS);
		ms += VMB_DRAIN_POLL_MS;
	}
	/* And for one preempted between its count-out and its return. */
	synchronize_rcu_tasks();
}

static struct tracepoint *vmb_pf_user_tp;

static void vmb_find_tp(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "page_fault_user"))
		vmb_pf_user_tp = tp;
}

static bool vmb_hooked;

/* Target group mutex held, target tgid 0: the hooks come first. */
static int vmb_hooks_start(void)
{
	int ret;

	/* Without its filter the ftrace callback would see every function. */
	if (!vmb_pf_user_tp || !vmb_hmf_filtered)
		return -EOPNOTSUPP;

	VMB_CHECK_PF_USER_PROBE(vmb_fault_begin);
	ret = tracepoint_probe_register(vmb_pf_user_tp, vmb_fault_begin, NULL);
	if (ret)
		return ret;
	ret = register_ftrace_function(&vmb_hmf_ops);
	if (ret)
		goto err_tp;
	ret = vmb_mmap_lock_start();
	if (ret)
		goto err_hmf;
	if (vmb_knob_get(&vmb_group_target, VMB_target_force_mmap_lock)) {
		ret = vmb_force_start();
		if (ret)
			goto err_mmap_lock;
	}
	vmb_hooked = true;
	return 0;

err_mmap_lock:
	vmb_mmap_lock_stop();
err_hmf:
	unregister_ftrace_function(&vmb_hmf_ops);
err_tp:
	tracepoint_probe_unregister(vmb_pf_user_tp, vmb_fault_begin, NULL);
	tracepoint_synchronize_unregister();
	return ret;
}

/*
 * Removing a hook patches kernel text and waits for RCU-tasks grace
 * periods: a test that clears and sets targets, or flips force_mmap_lock,
 * many times a second would patch text as often. So the hooks go a
 * second after the last target is cleared (force.c's after
 * force_mmap_lock goes to 0), unless one is set again meanwhile, and at
 * once at unload.
 */
#define VMB_UNHOOK_DELAY HZ

static void vmb_unhook_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(vmb_unhook_work, vmb_unhook_fn);

bool vmb_force_wanted(void)
{
	return vmb_knob_get(&vmb_group_target, VMB_target_force_mmap_lock);
}

void vmb_unhook_later(void)
{
	mod_delayed_work(system_wq, &vmb_unhook_work, VMB_UNHOOK_DELAY);
}

static void vmb_hooks_stop(void);

static void vmb_unhook_fn(struct work_struct *work)
{
	mutex_lock(&vmb_group_target.lock);
	if (!READ_ONCE(vmb_target_tgid))
		vmb_hooks_stop();
	else if (!vmb_knob_get(&vmb_group_target, VMB_target_force_mmap_lock))
		vmb_force_stop();
	mutex_unlock(&vmb_group_target.lock);
}

static void vmb_hooks_stop(void)
{
	if (!vmb_hooked)
		return;
	WRITE_ONCE(vmb_hooks_gen, vmb_hooks_gen + 1);
	vmb_force_stop();
	vmb_mmap_lock_stop();
	unregister_ftrace_function(&vmb_hmf_ops);
	tracepoint_probe_unregister(vmb_pf_user_tp, vmb_fault_begin, NULL);
	/*
	 * Waits for the probes running now and for RCU readers: no wrapper
	 * call that began before the new generation still reads a struct.
	 */
	tracepoint_synchronize_unregister();
	vmb_threads_free();
	vmb_hooked = false;
}

static void vmb_counters_reset(void)
{
	vmb_percpu_zero(&vmb_counters.v[0], VMB_NR_COUNTERS);
	vmb_mmap_lock_reset();
	vmb_force_missed(true);
}

/* target/ store and show hooks; the group mutex is held by stores. */

static int vmb_pid_store(struct vmb_group *g, unsigned int idx, u64 val)
{
	struct task_struct *task;
	struct pid *pid = NULL, *old;
	pid_t tgid = 0;
	int ret = 0;

	if (val) {
		/* In the writer's pid namespace. */
		pid = find_get_pid(val);
		task = pid ? get_pid_task(pid, PIDTYPE_PID) : NULL;
		put_pid(pid);
		pid = NULL;
		if (!task)
			return -ESRCH;
		if (task->flags & PF_KTHREAD)
			ret = -EPERM;
		else if (task->flags & PF_EXITING)
			ret = -ESRCH;
		else
			pid = get_pid(task_tgid(task));
		tgid = task_tgid_nr(task);
		put_task_struct(task);
		if (ret)
			return ret;
	}

	/*
	 * Stop counting and drop the threads' state. The hooks stay for
	 * another target, and go VMB_UNHOOK_DELAY after the last one.
	 */
	WRITE_ONCE(vmb_target_tgid, 0);
	WRITE_ONCE(vmb_hooks_gen, vmb_hooks_gen + 1);
	old = vmb_target_pid;
	WRITE_ONCE(vmb_target_pid, pid);
	/*
	 * One grace period for all: the probes (preemption off) and the
	 * wrapper's reads (RCU) of the threads' state are over, and so is
	 * any vmb_target_get_task() looking at the old pid.
	 */
	if (vmb_hooked || old)
		synchronize_rcu_expedited();
	vmb_threads_free();
	put_pid(old);
	vmb_counters_reset();
	if (!tgid) {
		vmb_unhook_later();
		return 0;
	}
	/*
	 * Without fault accounting the target is still the injectors' and
	 * the swap device's: set, with nothing hooked (target/faults and
	 * force_mmap_lock say -EOPNOTSUPP). Hooks that outlived the last
	 * target lack forcing if force_mmap_lock was set meanwhile.
	 */
	if (!vmb_has(VMB_FEAT_fault_accounting))
		ret = 0;
	else if (!vmb_hooked)
		ret = vmb_hooks_start();
	else if (vmb_force_wanted())
		ret = vmb_force_start();
	if (ret) {
		pr_warn("hooking the fault path: %d\n", ret);
		WRITE_ONCE(vmb_target_pid, NULL);
		synchronize_rcu();
		put_pid(pid);
		return ret;
	}
	WRITE_ONCE(vmb_target_tgid, tgid);
	return 0;
}

static int vmb_pid_show(struct seq_file *m, struct vmb_group *g,
			unsigned int idx)
{
	struct pid *pid;

	mutex_lock(&g->lock);
	pid = vmb_target_pid;
	/* In the reader's namespace: 0 if the target is not visible. */
	seq_printf(m, "%d\n", pid ? pid_vnr(pid) : 0);
	mutex_unlock(&g->lock);
	return 0;
}

static int vmb_reset_store(struct vmb_group *g, unsigned int idx, u64 val)
{
	vmb_counters_reset();
	return 0;
}

static int vmb_faults_show(struct seq_file *m, struct vmb_group *g,
			   unsigned int idx)
{
	u64 sum[VMB_NR_COUNTERS] = {};
	unsigned int i;

	if (!vmb_has(VMB_FEAT_fault_accounting))
		return -EOPNOTSUPP;
	vmb_percpu_sum(&vmb_counters.v[0], VMB_NR_COUNTERS, sum);
	mutex_lock(&g->lock);
	sum[VMB_CTR_probe_missed] = vmb_force_missed(false);
	mutex_unlock(&g->lock);
	for (i = 0; i < VMB_NR_COUNTERS; i++)
		seq_printf(m, "%s %llu\n", vmb_counter_names[i], sum[i]);
	return 0;
}

/*
 * What "features" promises is tried once here: the hooks are registered
 * and removed again. A later registration that fails all the same makes
 * the target/pid write fail with its error.
 */
static void vmb_probe_features(void)
{
	int ret;

	if (VMB_HAVE_PER_VMA_LOCK)
		vmb_set_feature(VMB_FEAT_per_vma_lock);
	/*
	 * The probes allocate a thread's state where they run, with
	 * preemption (and, at a fault's begin, interrupts) off: on
	 * PREEMPT_RT the allocator's and the xarray's locks sleep there.
	 * The target then still serves the injectors and the swap device.
	 */
	if (IS_ENABLED(CONFIG_PREEMPT_RT)) {
		pr_warn("PREEMPT_RT: no fault accounting\n");
		return;
	}
	for_each_kernel_tracepoint(vmb_find_tp, NULL);
	if (!vmb_pf_user_tp) {
		pr_warn("no page_fault_user tracepoint: no fault accounting\n");
		return;
	}
	ret = ftrace_set_filter(&vmb_hmf_ops, "handle_mm_fault",
				strlen("handle_mm_fault"), 0);
	if (ret) {
		pr_warn("ftrace filter handle_mm_fault: %d: no fault accounting\n",
			ret);
		return;
	}
	vmb_hmf_filtered = true;
	ret = vmb_hooks_start();
	if (ret) {
		pr_warn("hooking the fault path: %d: no fault accounting\n",
			ret);
		return;
	}
	vmb_hooks_stop();
	vmb_set_feature(VMB_FEAT_kprobes);
	vmb_set_feature(VMB_FEAT_fault_accounting);
	vmb_force_init();
}

int vmb_accounting_init(void)
{
	int ret;

	ret = vmb_group_register(&vmb_group_target);
	if (ret)
		return ret;
	/* Missing hooks only remove features: loading never fails on them. */
	vmb_probe_features();
	return 0;
}

/* Called after the debugfs files are gone: no store can run. */
void vmb_accounting_exit(void)
{
	WRITE_ONCE(vmb_target_tgid, 0);
	cancel_delayed_work_sync(&vmb_unhook_work);
	vmb_hooks_stop();
	vmb_hmf_drain();
	if (vmb_hmf_filtered)
		ftrace_free_filter(&vmb_hmf_ops);
	put_pid(vmb_target_pid);
	vmb_target_pid = NULL;
	vmb_group_unregister(&vmb_group_target);
}

/*
 * For the injectors and the swap device: the target's task (referenced,
 * put_task_struct() it; NULL if there is no target or it is gone), and
 * whether current is one of the target's threads (cheap, any context).
 */
struct task_struct *vmb_target_get_task(void)
{
	struct task_struct *task = NULL;
	struct pid *pid;

	rcu_read_lock();
	pid = READ_ONCE(vmb_target_pid);
	if (pid && READ_ONCE(vmb_target_tgid))
		task = pid_task(pid, PIDTYPE_TGID);
	if (task)
		get_task_struct(task);
	rcu_read_unlock();
	return task;
}

bool vmb_current_is_target(void)
{
	return vmb_is_target();
}
