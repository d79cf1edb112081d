// SPDX-License-Identifier: GPL-2.0
/* Globals: own symbols (global) and section symbol + offset (static). */
#include <arena/bpf_arena.h>

__u64 counter = 40;		/* .data */
__u64 zeroed;			/* .bss */
const volatile __u32 limit = 7;	/* .rodata */
static __u64 hidden = 5;	/* .data, through the section symbol */
static __u64 hidden_bss;	/* .bss, through the section symbol */

SEC("syscall")
int bump(void *ctx)
{
	counter += 2;
	zeroed = limit;
	hidden_bss += ++hidden;
	return counter + hidden_bss;
}

char _license[] SEC("license") = "GPL";
