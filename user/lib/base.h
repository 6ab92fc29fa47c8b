/* SPDX-License-Identifier: GPL-2.0 */
/* What every part of the tool and the tests takes for granted. */
#ifndef VMB_BASE_H
#define VMB_BASE_H

#ifndef VMB_VERSION
#define VMB_VERSION "unknown"
#endif

#define VMB_CACHELINE 64
#define VMB_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* Userspace has no compiler_attributes.h: spelled out once, here. */
#define VMB_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

#endif /* VMB_BASE_H */
