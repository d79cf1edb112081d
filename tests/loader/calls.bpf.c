// SPDX-License-Identifier: GPL-2.0
/*
 * bpf-to-bpf calls: from a program section into .text (a relocation
 * against the section symbol), within .text (resolved by the assembler),
 * and a callback (ld_imm64 against .text).
 */
#include <arena/bpf_arena.h>

__noinline static int twice(int x)
{
	return x * 2;
}

__noinline static int twice_plus_one(int x)
{
	return twice(x) + 1;
}

static int add_index(__u32 index, void *ctx)
{
	*(__u64 *)ctx += index;
	return 0;
}

SEC("syscall")
int call_chain(void *ctx)
{
	return twice_plus_one(20);
}

SEC("syscall")
int with_loop(void *ctx)
{
	__u64 sum = 0;

	bpf_loop(5, add_index, &sum, 0);
	return sum + twice(1);
}

char _license[] SEC("license") = "GPL";
