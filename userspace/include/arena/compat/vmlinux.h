/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * For programs written against the kernel's vmlinux.h: what arena-kmod's
 * programs can use of it is in <arena/bpf_arena.h>.  This directory
 * (-I.../arena/compat) holds headers named like those the kernel's BPF
 * selftests include, so that programs written like them build unchanged.
 */
#ifndef ARENA_COMPAT_VMLINUX_H
#define ARENA_COMPAT_VMLINUX_H

#include "../bpf_arena.h"

#endif
