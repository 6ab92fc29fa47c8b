/* SPDX-License-Identifier: GPL-2.0 */
/* Ctrl-C during a run (signals.c). */
#ifndef VMB_SIGNALS_H
#define VMB_SIGNALS_H

#include <stdatomic.h>

/* Set by SIGINT/SIGTERM: every loop of the run ends soon after. */
extern atomic_int vmb_interrupted;

/*
 * SIGINT/SIGTERM: a thread of their own disarms the module's injectors
 * and sets vmb_interrupted. Call before any other thread is created; a
 * child calls vmb_child_signals() before exec.
 */
void vmb_install_signals(void);
void vmb_child_signals(void);

#endif /* VMB_SIGNALS_H */
