// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The library's messages: one callback, replaceable by the program, and
 * the errno strings the messages carry.
 */

/* The POSIX strerror_r, which writes into our buffer, not glibc's variant. */
#undef _GNU_SOURCE
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* The default: WARN and INFO to stderr, DEBUG nowhere, as libbpf does. */
static int libarena_print_stderr(enum libarena_print_level level,
				 const char *fmt, va_list ap)
{
	if (level == LIBARENA_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static libarena_print_fn_t libarena_print_fn = libarena_print_stderr;

libarena_print_fn_t libarena_set_print(libarena_print_fn_t fn)
{
	libarena_print_fn_t old = libarena_print_fn;

	libarena_print_fn = fn;
	return old;
}

void libarena_vprint(enum libarena_print_level level, const char *fmt, va_list ap)
{
	libarena_print_fn_t fn = libarena_print_fn;
	int saved_errno = errno;

	if (!fn)
		return;
	fn(level, fmt, ap);
	/* Logging an error must not change the errno the caller looks at. */
	errno = saved_errno;
}

void libarena_print(enum libarena_print_level level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	libarena_vprint(level, fmt, ap);
	va_end(ap);
}

const char *libarena_errstr(int err, char buf[LIBARENA_ERRSTR_LEN])
{
	if (err < 0)
		err = -err;
	if (strerror_r(err, buf, LIBARENA_ERRSTR_LEN))
		snprintf(buf, LIBARENA_ERRSTR_LEN, "error %d", err);
	return buf;
}
