/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * What the arena data structures below share, for programs and for the
 * user space that walks the same structures in its mapping of the arena
 * (where __arena is plain memory).
 */
#ifndef ARENA_COMPAT_BPF_ARENA_COMMON_H
#define ARENA_COMPAT_BPF_ARENA_COMMON_H

#include "bpf_experimental.h"

#ifndef PAGE_SIZE
/* The page size of every kernel arena-kmod serves (x86-64, arm64 4K). */
#define PAGE_SIZE	4096
#endif

#ifndef WRITE_ONCE
#define WRITE_ONCE(x, val)	((*(volatile __typeof__(x) *)&(x)) = (val))
#endif

/* The structure that holds member, from a pointer to it, in the arena. */
#ifndef arena_container_of
#define arena_container_of(ptr, type, member)					\
	((type *)((char __arena *)(ptr) - offsetof(type, member)))
#endif

#endif
