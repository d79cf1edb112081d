// SPDX-License-Identifier: GPL-2.0
/* Globals: .data, .rodata (read only) and .bss as clang emits them. */
#include "common.h"

__u64 hits = 1;
const volatile __u32 limit = 8;
__u32 last_cpu;

int prog(void *ctx)
{
	__u32 cpu = bpf_get_smp_processor_id();

	if (cpu >= limit)
		return 1;
	__sync_fetch_and_add(&hits, 1);
	last_cpu = cpu;
	return 0;
}
