/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Errors travel as -errno. The function that knows what went wrong records
 * a message naming the file, knob or argument and what to do with
 * vmb_fail(); one place (the tool's main()) prints it once.
 */
#ifndef VMB_ERROR_H
#define VMB_ERROR_H

#include "lib/base.h"

/* Record the message (the first one wins) and return err. */
int vmb_fail(int err, const char *fmt, ...) VMB_PRINTF(2, 3);
const char *vmb_errmsg(void);
void vmb_clear_error(void);

#endif /* VMB_ERROR_H */
