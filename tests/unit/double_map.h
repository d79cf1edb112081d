/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the host tests of the ring code: size bytes of a memfd mapped twice
 * in a row, as a ring's data area is, so that a write to one copy shows
 * in the other and a record that runs past the end is read in one piece.
 */
#ifndef ARENA_TEST_DOUBLE_MAP_H
#define ARENA_TEST_DOUBLE_MAP_H

#include <sys/mman.h>
#include <unistd.h>

#include "tap.h"

/* The first copy's start, or NULL after a failed check. */
static inline char *double_map(size_t size)
{
	char *base = MAP_FAILED;
	int fd, ok = 0;

	fd = memfd_create("ring-image", MFD_CLOEXEC);
	if (fd < 0 || ftruncate(fd, size))
		goto out;
	base = mmap(NULL, 2 * size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED)
		goto out;
	ok = mmap(base, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) == base &&
	     mmap(base + size, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0) ==
	     base + size;
out:
	if (!ok) {
		tap_fail(__FILE__, __LINE__, "building the ring image: %s", strerror(errno));
		if (base != MAP_FAILED)
			munmap(base, 2 * size);
	}
	if (fd >= 0)
		close(fd);
	return ok ? base : NULL;
}

static inline void double_unmap(char *base, size_t size)
{
	if (base)
		munmap(base, 2 * size);
}

#endif /* ARENA_TEST_DOUBLE_MAP_H */
