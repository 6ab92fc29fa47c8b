// SPDX-License-Identifier: GPL-2.0
/* Timer lateness, timed joins, printing times; see clock.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>

#include "lib/clock.h"

const char *vmb_fmt_ns(char *buf, size_t size, double ns)
{
	if (ns < 1e3)
		snprintf(buf, size, "%.0fns", ns);
	else if (ns < 1e6)
		snprintf(buf, size, "%.1fus", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, size, "%.2fms", ns / 1e6);
	else
		snprintf(buf, size, "%.2fs", ns / 1e9);
	return buf;
}

int64_t vmb_sleep_late_ns(uint64_t us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };
	int slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0);
	uint64_t t;

	/* The timer's lateness, not the 50 us slack a task gets by default. */
	prctl(PR_SET_TIMERSLACK, 1, 0, 0, 0);
	t = vmb_now_ns();
	nanosleep(&ts, NULL);
	t = vmb_now_ns() - t;
	if (slack > 0)
		prctl(PR_SET_TIMERSLACK, slack, 0, 0, 0);
	return (int64_t)t - (int64_t)(us * 1000);
}

int vmb_cmp_s64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

int vmb_median_sleep_late_ns(uint64_t us, size_t n, int64_t *late)
{
	int64_t *lat;
	size_t i;

	if (!n)
		return -EINVAL;
	lat = calloc(n, sizeof(*lat));
	if (!lat)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		lat[i] = vmb_sleep_late_ns(us);
	qsort(lat, n, sizeof(*lat), vmb_cmp_s64);
	*late = lat[n / 2];
	free(lat);
	return 0;
}

int vmb_join_ms(pthread_t th, int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	return -pthread_timedjoin_np(th, NULL, &ts);
}
