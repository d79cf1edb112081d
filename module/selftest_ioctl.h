/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * The one ioctl of test builds (ARENA_KMOD_SELFTEST=1, as the VM harness
 * builds), for the VM tests, never part of the ABI in
 * include/uapi/arena_kmod.h: a production module answers ENOTTY.
 *
 * ARENA_SELFTEST_IOC_USER_DRAIN on /dev/arena: drains the user-to-kernel
 * ring ring_fd with ringbuf_user_drain(), as a program's
 * bpf_user_ringbuf_drain() will once programs can, copying up to
 * max_records records to buf, each as its struct ringbuf_hdr (len, pg_off
 * 0) and its bytes, padded to 8 as in the ring.  Out: drained, what
 * ringbuf_user_drain() returned (a record count or a negative errno), and
 * buf_used.  Fails with EBADF for a ring_fd that is no fd, EINVAL for one
 * that is no ring, buf_len 0 or over 16 MiB, max_records 0, or reserved,
 * drained or buf_used not 0; ENOSPC if a record did not fit in buf (it is
 * drained all the same; a buffer of the ring's size always suffices).
 */
#ifndef ARENA_SELFTEST_IOCTL_H
#define ARENA_SELFTEST_IOCTL_H

#include <linux/ioctl.h>
#include <linux/types.h>

struct arena_selftest_drain {
	__u32 size;
	__s32 ring_fd;
	__u64 buf;		/* user address */
	__u32 buf_len;
	__u32 max_records;
	__s64 drained;		/* out */
	__u32 buf_used;		/* out */
	__u32 reserved;
};

#define ARENA_SELFTEST_DRAIN_SIZE_VER0	40
#define ARENA_SELFTEST_BUF_MAX		(16U << 20)

#define ARENA_SELFTEST_IOC_USER_DRAIN	_IO(0xA7, 0xF0)

#endif /* ARENA_SELFTEST_IOCTL_H */
