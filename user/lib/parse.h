/* SPDX-License-Identifier: GPL-2.0 */
/* Numbers from the command line: -EINVAL if malformed, -ERANGE if out. */
#ifndef VMB_PARSE_H
#define VMB_PARSE_H

#include <stdint.h>

/* Decimal, or 0x hex; suffixes k, m, g (powers of 1000) for counts. */
int vmb_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int vmb_parse_double(const char *s, double min, double max, double *out);

#endif /* VMB_PARSE_H */
