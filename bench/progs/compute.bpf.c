// SPDX-License-Identifier: GPL-2.0
/*
 * The compute scenario: ALU work in a loop, no memory but the stack and
 * one global for the result.  xorshift64 steps mixed with multiplies,
 * shifts and a data-dependent branch, iters times per run.  The loop is
 * bounded by can_loop (may_goto) and by a global the verifier cannot know,
 * and the state starts from another: the kernel's verifier walks every
 * iteration of a loop whose registers it knows exactly (a counter against
 * a constant bound: 14 s a load under QEMU for 20000; a constant seed:
 * more than its million instructions).
 */
#include <arena/bpf_arena.h>

__u32 iters = 20000;			/* .data */
__u64 seed = 0x9e3779b97f4a7c15ULL;	/* .data */
__u64 result;		/* .bss: keeps the work from being optimised away */

SEC("syscall")
int compute(void *ctx)
{
	__u64 x = seed, acc = 0;

	for (int i = 0; i < iters && can_loop; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		acc += x * 0x2545f4914f6cdd1dULL;
		if (x & 1)
			acc ^= acc >> 29;
		else
			acc -= x >> 3;
	}
	result = acc;
	return (int)acc;
}

char _license[] SEC("license") = "GPL";
