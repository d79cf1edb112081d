/* SPDX-License-Identifier: GPL-2.0 */
/* For the tests that run in the VM: /dev/arena, opened or a failed check. */
#ifndef ARENA_TEST_DEV_H
#define ARENA_TEST_DEV_H

#include <fcntl.h>
#include <unistd.h>

#include <arena_kmod.h>

#include "tap.h"

static inline int open_dev(void)
{
	int fd = open(ARENA_DEVICE_PATH, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		tap_fail(__FILE__, __LINE__, "open %s: %s", ARENA_DEVICE_PATH,
			 strerror(errno));
	return fd;
}

#endif /* ARENA_TEST_DEV_H */
