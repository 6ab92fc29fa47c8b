/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The injectors' knobs (folio_lock/, migration/; docs/injectors.md). An
 * injector is named by its directory, VMB_INJ_FOLIO_LOCK_DIR or
 * VMB_INJ_MIGRATION_DIR; -ENOENT for a name that is no injector. Every
 * function returns 0 (or a count) on success and -errno on failure.
 */
#ifndef VMB_INJ_H
#define VMB_INJ_H

#include <stddef.h>
#include <stdint.h>

#include "lib/uapi.h"

struct vmb_inj_stats {
	int64_t v[VMB_STAT_NR];
};

/* "inj/knob" := val, one write. */
int vmb_inj_write(const char *inj, enum vmb_inj_knob knob, const char *val);
int vmb_inj_read(const char *inj, enum vmb_inj_knob knob, char *buf,
		 size_t size);
/* Parse inj/stats; -EPROTO if a line is not the expected counter. */
int vmb_inj_read_stats(const char *inj, struct vmb_inj_stats *s);
/* Disarmed: addr, len, hold_us, interval_us, times, in that order. */
int vmb_inj_setup(const char *inj, const void *addr, size_t len,
		  uint64_t hold_us, uint64_t interval_us, int64_t times);
int vmb_inj_arm(const char *inj);
int vmb_inj_disarm(const char *inj);
/* 1 if enable reads 1, 0 if it reads 0. */
int vmb_inj_armed(const char *inj);
/*
 * Wait until a hold is in place (the start of the hold in *start_ns,
 * CLOCK_MONOTONIC) or until the injector disarmed itself (-ENOENT);
 * -ETIMEDOUT after timeout_ms.
 */
int vmb_inj_wait_holding(const char *inj, int timeout_ms, uint64_t *start_ns);
/* Wait until enable reads 0; -ETIMEDOUT after timeout_ms. */
int vmb_inj_wait_disarmed(const char *inj, int timeout_ms);

#endif /* VMB_INJ_H */
