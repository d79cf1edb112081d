/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the host unit tests of libarena: its messages captured instead of
 * printed, and the lowest free descriptor, to see that a failed call
 * leaves nothing open.
 */
#ifndef ARENA_TEST_CAPTURE_H
#define ARENA_TEST_CAPTURE_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "libarena.h"

static char captured[4096];
/* The most severe level seen since capture_start(), -1 for none. */
static int captured_level = -1;

static inline int capture_print(enum libarena_print_level level,
				const char *fmt, va_list ap)
{
	size_t len = strlen(captured);

	/* WARN is the lowest number. */
	if (captured_level < 0 || (int)level < captured_level)
		captured_level = level;
	return vsnprintf(captured + len, sizeof(captured) - len, fmt, ap);
}

static inline void capture_start(void)
{
	captured[0] = 0;
	captured_level = -1;
	libarena_set_print(capture_print);
}

/* The lowest free descriptor: what the next open() would return. */
static inline int next_fd(void)
{
	int fd = dup(0);

	close(fd);
	return fd;
}

#endif /* ARENA_TEST_CAPTURE_H */
