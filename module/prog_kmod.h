/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ARENA_PROG_KMOD_H
#define ARENA_PROG_KMOD_H

#include <linux/compiler_types.h>

long prog_ioctl_load(void __user *uarg);

#endif /* ARENA_PROG_KMOD_H */
