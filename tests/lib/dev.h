/* SPDX-License-Identifier: GPL-2.0 */
/* For the tests that run in the VM: /dev/arena, opened or a failed check; rings. */
#ifndef ARENA_TEST_DEV_H
#define ARENA_TEST_DEV_H

#include <fcntl.h>
#include <sys/ioctl.h>
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

/* A new ring of data_size bytes (RINGBUF_IOC_CREATE): its fd, or -errno. */
static inline int ring_create(__u32 flags, __u64 data_size)
{
	struct ringbuf_create req = {
		.size = sizeof(req),
		.flags = flags,
		.data_size = data_size,
	};
	int dev = open_dev(), fd;

	fd = ioctl(dev, RINGBUF_IOC_CREATE, &req);
	if (fd < 0)
		fd = -errno;
	close(dev);
	return fd;
}

#endif /* ARENA_TEST_DEV_H */
