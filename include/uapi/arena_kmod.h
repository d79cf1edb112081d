/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * arena-kmod user ABI: the ioctls of /dev/arena and of the object file
 * descriptors it hands out.  This is the only header user space needs.
 *
 * Extensible structures: every ioctl argument starts with a __u32 size that
 * user space sets to sizeof() the structure as it was compiled.  The module
 * accepts any size from the structure's first published size up to a page:
 *  - smaller than what the module knows: the missing tail reads as zero;
 *  - larger: the extra bytes must be zero, else the ioctl fails with E2BIG;
 *  - below the first published size: EINVAL; above a page: E2BIG.
 * On output the module writes at most the size user space gave and sets
 * size to the number of bytes it wrote.  Pointers are passed as __u64, and
 * no kernel address is ever returned.
 */
#ifndef _UAPI_ARENA_KMOD_H
#define _UAPI_ARENA_KMOD_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define ARENA_DEVICE_PATH	"/dev/arena"

/*
 * Bumped only for incompatible changes; compatible growth is announced by
 * feature bits and larger structures instead.
 */
#define ARENA_ABI_VERSION	1

/* 0xA7 is unassigned in Documentation/userspace-api/ioctl/ioctl-number.rst. */
#define ARENA_IOC_MAGIC		0xA7

/* Feature bits in arena_version.features: one per object type or ability. */

/*
 * ARENA_IOC_VERSION: which ABI the module speaks.
 * In: size, flags (must be 0).  Out: the rest.
 */
struct arena_version {
	__u32 size;
	__u32 flags;
	__u32 abi_version;
	__u32 page_size;
	__u64 features;
	char module_version[32];	/* NUL-terminated, e.g. "0.1.0" */
};

#define ARENA_VERSION_SIZE_VER0	56

/*
 * The size encoded in each command number is 0 on purpose: the argument
 * structures grow, and their size travels in the structure itself.
 */
#define ARENA_IOC_VERSION	_IO(ARENA_IOC_MAGIC, 0x00)

#endif /* _UAPI_ARENA_KMOD_H */
