/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Time: the clock every measurement uses, how late this platform's own
 * timers are, and how times are printed.
 */
#ifndef VMB_CLOCK_H
#define VMB_CLOCK_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * The clock: clock_gettime(CLOCK_MONOTONIC) through the vDSO. It needs no
 * calibration and stays correct under TCG and across vCPU migration, where
 * a raw TSC may not; its cost is measured and reported (timing_overhead_ns).
 * The module's hold_start_ns and hold_end_ns are on the same clock.
 */
static inline uint64_t vmb_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* "850ns", "12.3us", "1.05ms", "2.00s" */
const char *vmb_fmt_ns(char *buf, size_t size, double ns);

/*
 * The platform's own timer precision: how much later than us microseconds
 * a nanosleep(us) returns, in ns; the median of n with the _median form.
 * Nothing in the kernel can time a hold or a delay better than this.
 */
int64_t vmb_sleep_late_ns(uint64_t us);
int vmb_median_sleep_late_ns(uint64_t us, size_t n, int64_t *late);
/* qsort() order of int64_t, for medians. */
int vmb_cmp_s64(const void *a, const void *b);

/* pthread_join() within ms: 0, or -ETIMEDOUT with the thread left. */
int vmb_join_ms(pthread_t th, int ms);

#endif /* VMB_CLOCK_H */
