/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The writer thread (--writer) and the faults that queue behind it
 * (writer.c).
 */
#ifndef VMB_WRITER_H
#define VMB_WRITER_H

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
/* writer_waits, writer_wait_ms, behind_writer, behind_writer_p99_us. */
void vmb_writer_metrics(struct vmb_run *r);

#endif /* VMB_WRITER_H */
