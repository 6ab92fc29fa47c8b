// SPDX-License-Identifier: GPL-2.0
/* The injectors' knobs; see inj.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

#include "lib/clock.h"
#include "lib/inj.h"
#include "lib/knob.h"

int vmb_inj_write(const char *inj, enum vmb_inj_knob knob, const char *val)
{
	const char *rel = vmb_inj_path(inj, knob);

	return rel ? vmb_write(rel, val) : -ENOENT;
}

int vmb_inj_read(const char *inj, enum vmb_inj_knob knob, char *buf,
		 size_t size)
{
	const char *rel = vmb_inj_path(inj, knob);

	return rel ? vmb_read(rel, buf, size) : -ENOENT;
}

int vmb_inj_read_stats(const char *inj, struct vmb_inj_stats *s)
{
	const char *rel = vmb_inj_path(inj, VMB_INJ_stats);

	if (!rel)
		return -ENOENT;
	return vmb_read_stats(rel, vmb_inj_stat_names, VMB_STAT_NR,
			      (uint64_t *)s->v);
}

int vmb_inj_setup(const char *inj, const void *addr, size_t len,
		  uint64_t hold_us, uint64_t interval_us, int64_t times)
{
	char buf[5][32];
	int ret;

	snprintf(buf[0], sizeof(buf[0]), "%p\n", addr);
	snprintf(buf[1], sizeof(buf[1]), "%zu\n", len);
	snprintf(buf[2], sizeof(buf[2]), "%" PRIu64 "\n", hold_us);
	snprintf(buf[3], sizeof(buf[3]), "%" PRIu64 "\n", interval_us);
	snprintf(buf[4], sizeof(buf[4]), "%" PRId64 "\n", times);
	ret = vmb_inj_write(inj, VMB_INJ_addr, buf[0]);
	if (!ret)
		ret = vmb_inj_write(inj, VMB_INJ_len, buf[1]);
	if (!ret)
		ret = vmb_inj_write(inj, VMB_INJ_hold_us, buf[2]);
	if (!ret)
		ret = vmb_inj_write(inj, VMB_INJ_interval_us, buf[3]);
	if (!ret)
		ret = vmb_inj_write(inj, VMB_INJ_times, buf[4]);
	return ret;
}

int vmb_inj_arm(const char *inj)
{
	return vmb_inj_write(inj, VMB_INJ_enable, "1\n");
}

int vmb_inj_disarm(const char *inj)
{
	return vmb_inj_write(inj, VMB_INJ_enable, "0\n");
}

int vmb_inj_armed(const char *inj)
{
	char buf[16];
	int ret;

	ret = vmb_inj_read(inj, VMB_INJ_enable, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	return buf[0] == '1';
}

int vmb_inj_wait_holding(const char *inj, int timeout_ms, uint64_t *start_ns)
{
	uint64_t end = vmb_now_ns() + timeout_ms * 1000000ULL;
	struct vmb_inj_stats s;
	int ret;

	do {
		ret = vmb_inj_read_stats(inj, &s);
		if (ret)
			return ret;
		if (s.v[VMB_STAT_holding]) {
			*start_ns = s.v[VMB_STAT_hold_start_ns];
			return 0;
		}
		ret = vmb_inj_armed(inj);
		if (ret <= 0)
			return ret ? ret : -ENOENT;
	} while (vmb_now_ns() < end);
	return -ETIMEDOUT;
}

int vmb_inj_wait_disarmed(const char *inj, int timeout_ms)
{
	uint64_t end = vmb_now_ns() + timeout_ms * 1000000ULL;
	int ret;

	do {
		ret = vmb_inj_armed(inj);
		if (ret <= 0)
			return ret;
		usleep(1000);
	} while (vmb_now_ns() < end);
	return -ETIMEDOUT;
}
