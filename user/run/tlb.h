/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TLB shootdowns: how many this machine sent, and what one costs here
 * (tlb.c). Seed 002's verdict depends on it: UFFDIO_MOVE of a page that
 * the mm may have cached on another CPU must flush it there (an IPI).
 */
#ifndef VMB_TLB_H
#define VMB_TLB_H

#include <stdint.h>

/* The sum of /proc/interrupts' TLB line over every CPU: 0 or -errno, silently. */
int vmb_tlb_ipis(uint64_t *n);

struct vmb_shootdown {
	double us;		/* one remote flush, less a local one */
	double ipis_per_op;	/* TLB IPIs per zap while the peer ran */
};

/*
 * MADV_DONTNEED and a refault of one page, in a loop, on this thread's
 * CPU: once alone, once while a second thread of the mm spins on another
 * CPU (each zap then needs a shootdown IPI to it). The difference per
 * IPI. 1 (nothing measured) on one CPU or without a TLB line in
 * /proc/interrupts; 0, or -errno with a message.
 * The caller's affinity is restored.
 */
int vmb_shootdown_cost(struct vmb_shootdown *s);

#endif /* VMB_TLB_H */
