// SPDX-License-Identifier: GPL-2.0
/*
 * Ctrl-C during a run: the injectors disarmed at once, by a thread that
 * cannot be stuck behind them.
 */
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/base.h"
#include "lib/knob.h"
#include "lib/uapi.h"
#include "run/signals.h"

atomic_int vmb_interrupted;

/*
 * SIGINT/SIGTERM are taken by one thread of their own, blocked everywhere
 * else. On a kernel without per-VMA locks a victim waits for a hold
 * holding mmap_lock for read; an mmap() writer queues behind it, and then
 * every fault, brk() or mmap() of this process waits for the hold to end
 * (seed 001, in our own process). A signal handler would run in whichever
 * thread the kernel picks, maybe one stuck in such a fault, so nothing
 * would disarm until the hold ended by itself. This thread sleeps in
 * sigwait() on a stack it has touched, and disarms with open(), write()
 * and close() on paths built up front: no fault, no mmap_lock.
 */
static const enum vmb_knob emergency_knobs[] = {
#define X(dir, ...) VMB_K_##dir##_enable,
	VMB_INJECTORS(X)
#undef X
	VMB_K_swap_read_delay_us, VMB_K_swap_write_delay_us,
};
static char emergency_path[VMB_ARRAY_SIZE(emergency_knobs)][320];
static sigset_t stop_signals;

static void emergency_disarm(void)
{
	size_t i;
	int fd;

	for (i = 0; i < VMB_ARRAY_SIZE(emergency_path); i++) {
		fd = open(emergency_path[i], O_WRONLY);
		if (fd < 0)
			continue;
		if (write(fd, "0", 1) < 0) {
			/* the run's own cleanup tries again */
		}
		close(fd);
	}
}

static void *signal_thread(void *unused)
{
	volatile char stack[32 << 10];
	int sig;

	/* Fault the stack in now, not when the signal comes. */
	memset((char *)stack, 0, sizeof(stack));
	for (;;) {
		if (sigwait(&stop_signals, &sig))
			continue;
		/* A second one: the user means it. */
		if (atomic_load(&vmb_interrupted))
			_exit(128 + sig);
		emergency_disarm();
		atomic_store(&vmb_interrupted, sig);
	}
	return NULL;
}

void vmb_install_signals(void)
{
	pthread_attr_t attr;
	pthread_t t;
	size_t i;

	for (i = 0; i < VMB_ARRAY_SIZE(emergency_knobs); i++)
		vmb_path(vmb_knobs[emergency_knobs[i]].path, emergency_path[i],
			 sizeof(emergency_path[i]));
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	/* Inherited by every thread created from here on. */
	pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 256 << 10);
	if (pthread_create(&t, &attr, signal_thread, NULL)) {
		/* No thread: let the signals kill us rather than be lost. */
		pthread_sigmask(SIG_UNBLOCK, &stop_signals, NULL);
	}
	pthread_attr_destroy(&attr);
}

/* For a child about to exec: the signals as the default leaves them. */
void vmb_child_signals(void)
{
	pthread_sigmask(SIG_UNBLOCK, &stop_signals, NULL);
}
