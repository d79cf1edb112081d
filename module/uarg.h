/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Extensible ioctl arguments: every structure in include/uapi/arena_kmod.h
 * starts with a __u32 size; these helpers apply the rules stated there.
 */
#ifndef ARENA_UARG_H
#define ARENA_UARG_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>

int __arena_uarg_in(void *karg, size_t ksize, size_t min_size,
		    const void __user *uarg);
int __arena_uarg_out(void __user *uarg, void *karg, size_t ksize);

/*
 * Fills *karg from user space, zero-extending an older (smaller) structure
 * and refusing a newer one whose unknown tail is not zero.
 */
#define arena_uarg_in(karg, uarg, min_size)					\
({										\
	BUILD_BUG_ON(offsetof(typeof(*(karg)), size) != 0);			\
	__arena_uarg_in((karg), sizeof(*(karg)), (min_size), (uarg));		\
})

/*
 * Writes *karg back, no more than the size user space gave to
 * arena_uarg_in(), and reports in ->size how much was written.
 */
#define arena_uarg_out(uarg, karg)						\
({										\
	BUILD_BUG_ON(offsetof(typeof(*(karg)), size) != 0);			\
	__arena_uarg_out((uarg), (karg), sizeof(*(karg)));			\
})

#endif /* ARENA_UARG_H */
