// SPDX-License-Identifier: GPL-2.0
/* Linked with link_b.bpf.c: a call to a function the other file defines. */
#include <arena/bpf_arena.h>

extern int from_b(int x);

__u64 a_value = 100;

SEC("syscall")
int in_a(void *ctx)
{
	return from_b(a_value);
}

char _license[] SEC("license") = "GPL";
