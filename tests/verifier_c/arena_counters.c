// SPDX-License-Identifier: GPL-2.0
/* Counters in an arena page, bumped with atomics, freed when full. */
#include "common.h"

struct obj arena;

__u64 __arena *counters __attribute__((section(".addr_space.1")));

int prog(__u32 *ctx)
{
	__u64 __arena *c = counters;
	__u32 key = ctx[0], i;

	if (!c) {
		c = bpf_arena_alloc_pages(&arena, 0, 1, -1, 0);
		if (!c)
			return 1;
		counters = c;
	}
	__sync_fetch_and_add(&c[key & 511], 1);
	for (i = 0; i < 512 && can_loop; i++)
		if (c[i] > 1000000) {
			bpf_arena_free_pages(&arena, c, 1);
			counters = 0;
			break;
		}
	return 0;
}
