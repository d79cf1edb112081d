// SPDX-License-Identifier: GPL-2.0
/* Linked with link_a.bpf.c. */
#include <arena/bpf_arena.h>

__u64 b_value = 20;

__noinline int from_b(int x)
{
	return x + b_value;
}
