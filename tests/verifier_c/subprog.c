// SPDX-License-Identifier: GPL-2.0
/* bpf-to-bpf calls: a static function with its own stack frame. */
#include "common.h"

__u64 acc[4];

static __attribute__((noinline)) __u64 mix(__u64 *words, __u32 n)
{
	volatile __u64 buf[4];
	__u64 r = 0;
	__u32 i;

	for (i = 0; i < 4; i++)
		buf[i] = words[i] ^ n;
	for (i = 0; i < 4; i++)
		r += buf[i];
	return r;
}

int prog(__u32 *ctx)
{
	__u64 words[4] = { ctx[0], ctx[1], 3, 4 };

	acc[ctx[2] & 3] = mix(words, ctx[3]);
	return 0;
}
