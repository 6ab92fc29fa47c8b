// SPDX-License-Identifier: GPL-2.0
/* The first error's message, kept for the one place that prints it. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#include "lib/error.h"

static pthread_mutex_t err_lock = PTHREAD_MUTEX_INITIALIZER;
static char err_msg[512];

/*
 * Record what failed and what to do. The first message wins: later ones
 * are usually consequences (threads stopping after the first error).
 */
int vmb_fail(int err, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&err_lock);
	if (!err_msg[0]) {
		va_start(ap, fmt);
		vsnprintf(err_msg, sizeof(err_msg), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&err_lock);
	return err;
}

const char *vmb_errmsg(void)
{
	return err_msg;
}

void vmb_clear_error(void)
{
	pthread_mutex_lock(&err_lock);
	err_msg[0] = '\0';
	pthread_mutex_unlock(&err_lock);
}
