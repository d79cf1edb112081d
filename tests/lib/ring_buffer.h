/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the tests of libarena's ring buffer consumer, on the host and in the
 * VM: a constructor call that must fail with one errno.
 */
#ifndef ARENA_TEST_RING_BUFFER_H
#define ARENA_TEST_RING_BUFFER_H

#include <errno.h>
#include <string.h>

#include "libarena.h"
#include "tap.h"

static inline int ring_buffer_ignore_cb(void *ctx, void *data, size_t len)
{
	(void)ctx;
	(void)data;
	(void)len;
	return 0;
}

/* arena_ring_buffer__new(fd) gives NULL with errno err (and frees a success). */
#define EXPECT_RING_BUFFER_NEW_FAILS(fd, err)					\
	ring_buffer_new_fails(fd, err, #err, __FILE__, __LINE__)

static inline void ring_buffer_new_fails(int fd, int err, const char *err_name,
					 const char *file, int line)
{
	struct arena_ring_buffer *rb;

	errno = 0;
	rb = arena_ring_buffer__new(fd, ring_buffer_ignore_cb, NULL, NULL);
	if (rb || errno != err)
		tap_fail(file, line,
			 "arena_ring_buffer__new(fd %d): expected NULL with %s, seen %p with %s",
			 fd, err_name, (void *)rb, strerror(errno));
	arena_ring_buffer__free(rb);
}

#endif /* ARENA_TEST_RING_BUFFER_H */
