// SPDX-License-Identifier: GPL-2.0
#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/uaccess.h>

#include "uarg.h"

int __arena_uarg_in(void *karg, size_t ksize, size_t min_size,
		    const void __user *uarg)
{
	u32 usize;
	int err;

	if (get_user(usize, (const u32 __user *)uarg))
		return -EFAULT;
	if (usize < min_size)
		return -EINVAL;
	if (usize > PAGE_SIZE)
		return -E2BIG;
	err = copy_struct_from_user(karg, ksize, uarg, usize);
	if (err)
		return err;
	/*
	 * Another thread may have changed the size field between the two
	 * reads; keep the value that was checked, as the output bound.
	 */
	*(u32 *)karg = usize;
	return 0;
}

int __arena_uarg_out(void __user *uarg, void *karg, size_t ksize)
{
	u32 len = min_t(size_t, *(u32 *)karg, ksize);

	*(u32 *)karg = len;
	return copy_to_user(uarg, karg, len) ? -EFAULT : 0;
}
