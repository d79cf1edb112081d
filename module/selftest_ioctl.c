// SPDX-License-Identifier: GPL-2.0
/*
 * The commands of test builds (selftest_ioctl.h): what only programs will
 * do, made reachable from the VM tests until programs can.
 */
#include <linux/file.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <uapi/arena_kmod.h>

#include "ringbuf_kmod.h"
#include "selftest.h"
#include "selftest_ioctl.h"
#include "uarg.h"

struct drain_copy {
	char *buf;
	u32 len, used;
	bool overflow;
};

/* Each record as the ring holds it: its header, its bytes, padding. */
static int drain_copy_record(void *ctx, void *data, u32 len)
{
	struct drain_copy *dc = ctx;
	struct ringbuf_hdr hdr = { .len = len };
	u32 size = round_up(len + RINGBUF_HDR_SZ, 8);

	if (size > dc->len - dc->used) {
		dc->overflow = true;
		return 1;
	}
	memcpy(dc->buf + dc->used, &hdr, sizeof(hdr));
	/* User memory, which may change under us: read once. */
	memcpy(dc->buf + dc->used + RINGBUF_HDR_SZ, data, len);
	dc->used += size;
	return 0;
}

static long selftest_user_drain(void __user *uarg)
{
	struct arena_selftest_drain req;
	struct drain_copy dc = { 0 };
	struct ringbuf *rb;
	struct file *file;
	long err;

	err = arena_uarg_in(&req, uarg, ARENA_SELFTEST_DRAIN_SIZE_VER0);
	if (err)
		return err;
	if (!req.buf_len || req.buf_len > ARENA_SELFTEST_BUF_MAX || !req.max_records ||
	    req.reserved || req.drained || req.buf_used)
		return -EINVAL;
	file = fget(req.ring_fd);
	if (!file)
		return -EBADF;
	rb = ringbuf_from_file(file);
	err = -EINVAL;
	if (!rb)
		goto out_file;
	err = -ENOMEM;
	dc.len = req.buf_len;
	dc.buf = kvzalloc(dc.len, GFP_KERNEL);
	if (!dc.buf)
		goto out_file;
	req.drained = ringbuf_user_drain(rb, drain_copy_record, &dc, req.max_records);
	req.buf_used = dc.used;
	err = -EFAULT;
	if (copy_to_user(u64_to_user_ptr(req.buf), dc.buf, dc.used))
		goto out_buf;
	err = arena_uarg_out(uarg, &req);
	if (!err && dc.overflow)
		err = -ENOSPC;
out_buf:
	kvfree(dc.buf);
out_file:
	fput(file);
	return err;
}

long arena_selftest_ioctl(unsigned int cmd, void __user *uarg)
{
	switch (cmd) {
	case ARENA_SELFTEST_IOC_USER_DRAIN:
		return selftest_user_drain(uarg);
	default:
		return -ENOTTY;
	}
}
