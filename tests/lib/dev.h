/* SPDX-License-Identifier: GPL-2.0 */
/* For the tests that run in the VM: /dev/arena, opened or a failed check; rings. */
#ifndef ARENA_TEST_DEV_H
#define ARENA_TEST_DEV_H

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
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

/*
 * One of /dev/arena's commands on a fresh open of the device: what the
 * ioctl returned (a new object's fd), or -errno.
 */
static inline int dev_ioctl(unsigned long cmd, void *arg)
{
	int dev = open_dev(), ret;

	if (dev < 0)
		return -ENODEV;
	ret = ioctl(dev, cmd, arg);
	if (ret < 0)
		ret = -errno;
	close(dev);
	return ret;
}

/*
 * ARENA_IOC_CREATE of nr_pages, mapped read-write at user_addr (0: where
 * the kernel chooses): the arena's fd, or -errno; *mem is the mapping, or
 * MAP_FAILED with a failed check.
 */
static inline int dev_arena_mapped(__u32 flags, __u64 nr_pages, __u64 user_addr, void **mem)
{
	struct arena_create req = {
		.size = sizeof(req),
		.flags = flags,
		.nr_pages = nr_pages,
		.user_addr = user_addr,
	};
	size_t len = nr_pages * sysconf(_SC_PAGESIZE);
	int fd = dev_ioctl(ARENA_IOC_CREATE, &req);

	*mem = MAP_FAILED;
	if (fd >= 0)
		*mem = mmap((void *)(uintptr_t)user_addr, len, PROT_READ | PROT_WRITE,
			    MAP_SHARED | (user_addr ? MAP_FIXED_NOREPLACE : 0), fd, 0);
	if (*mem == MAP_FAILED)
		tap_fail(__FILE__, __LINE__, "arena of %llu pages: %s",
			 (unsigned long long)nr_pages, strerror(fd < 0 ? -fd : errno));
	return fd;
}

/* Undoes dev_arena_mapped(). */
static inline void dev_arena_close(int fd, void *mem, __u64 nr_pages)
{
	if (mem != MAP_FAILED)
		munmap(mem, nr_pages * sysconf(_SC_PAGESIZE));
	close(fd);
}

/* ARRAY_IOC_CREATE: the array's fd, or -errno. */
static inline int dev_array_new(__u32 flags, __u32 value_size, __u32 max_entries)
{
	struct array_create req = {
		.size = sizeof(req),
		.flags = flags,
		.value_size = value_size,
		.max_entries = max_entries,
	};

	return dev_ioctl(ARRAY_IOC_CREATE, &req);
}

/* RINGBUF_IOC_CREATE: the ring's fd, or -errno. */
static inline int dev_ringbuf_new(__u32 flags, __u64 data_size)
{
	struct ringbuf_create req = {
		.size = sizeof(req),
		.flags = flags,
		.data_size = data_size,
	};

	return dev_ioctl(RINGBUF_IOC_CREATE, &req);
}

#define JIT_PARAM_PATH		"/sys/module/arena_kmod/parameters/jit"
#define JIT_HARDEN_PARAM_PATH	"/sys/module/arena_kmod/parameters/jit_harden"

/* What the module compiles programs to on this machine (PROG_JIT_*). */
static inline __u32 dev_native_jit(void)
{
#if defined(__x86_64__)
	return PROG_JIT_X86_64;
#elif defined(__aarch64__)
	return PROG_JIT_ARM64;
#else
	return PROG_JIT_NONE;
#endif
}

/* PROG_IOC_INFO on a program, without dumps: 0, or -errno. */
static inline int dev_prog_info(int prog_fd, struct prog_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return ioctl(prog_fd, PROG_IOC_INFO, info) ? -errno : 0;
}

/* Checks that the module announces feature (ARENA_FEATURE_*). */
static inline void expect_feature(__u64 feature)
{
	struct arena_version ver = { .size = sizeof(ver) };

	TAP_EXPECT_OK(dev_ioctl(ARENA_IOC_VERSION, &ver));
	TAP_EXPECT_EQ(ver.features & feature, feature);
}

#endif /* ARENA_TEST_DEV_H */
