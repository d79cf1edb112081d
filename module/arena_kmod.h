/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ARENA_ARENA_KMOD_H
#define ARENA_ARENA_KMOD_H

#include <linux/compiler_types.h>

long arena_ioctl_create(void __user *uarg);

#endif /* ARENA_ARENA_KMOD_H */
