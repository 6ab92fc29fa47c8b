/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The writer thread (--writer) and the faults that queue behind it
 * (writer.c).
 */
#ifndef VMB_WRITER_H
#define VMB_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "run/scenario.h"

/* r->wr, when the run has a writer; 0 or -errno with a message. */
int vmb_writer_init(struct vmb_run *r);
void vmb_writer_free(struct vmb_run *r);
/* After prepare: 1 (skip, the reason in r->res) when the mode needs r->vma. */
int vmb_writer_check(struct vmb_run *r);
/* The writer's body, in the baseline and in the injected phase. */
int vmb_writer_body(struct vmb_run *r, struct vmb_worker *w);
/* A bystander's record of faults during writer ops: w->watch. */
int vmb_writer_watch_init(struct vmb_worker *w);
/* A fault from t0 to t1 of a bystander with a w->watch. */
void vmb_writer_watch(struct vmb_run *r, struct vmb_worker *w, uint64_t t0,
		      uint64_t t1);
/* w joined: its faults behind a writer that waited, into r; w->watch freed. */
void vmb_writer_watch_done(struct vmb_run *r, struct vmb_worker *w);
/*
 * w begins (begin) or ends a refill: the untimed madvise() between its
 * passes that makes its pages not present again (MADV_DONTNEED,
 * MADV_PAGEOUT), which holds mmap_lock for read: a writer op that sleeps
 * while a victim's is under way, or sees one end, is counted apart.
 * No-op without a writer, and for a thread that is not a victim.
 */
void vmb_writer_refill(struct vmb_run *r, const struct vmb_worker *w,
		       bool begin);
/*
 * writer_waits, writer_wait_ms, writer_refill_waits,
 * writer_refill_wait_ms, behind_writer, behind_writer_p99_us.
 */
void vmb_writer_metrics(struct vmb_run *r);

#endif /* VMB_WRITER_H */
