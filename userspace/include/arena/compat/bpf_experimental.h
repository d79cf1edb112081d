/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * The selftests' bpf_experimental.h for arena-kmod programs: can_loop,
 * cond_break and the arena kfuncs come from <arena/bpf_arena.h>.  Older
 * selftests test clang's arena casts under an earlier name: both names
 * mean the same feature of clang-19.
 */
#ifndef ARENA_COMPAT_BPF_EXPERIMENTAL_H
#define ARENA_COMPAT_BPF_EXPERIMENTAL_H

#include "../bpf_arena.h"

#if defined(__BPF_FEATURE_ADDR_SPACE_CAST) && !defined(__BPF_FEATURE_ARENA_CAST)
#define __BPF_FEATURE_ARENA_CAST 1
#endif

#endif
