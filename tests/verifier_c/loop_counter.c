// SPDX-License-Identifier: GPL-2.0
/* A bounded loop with a counter, its result kept in a .bss global. */
#include "common.h"

__u64 total;

int prog(__u32 *ctx)
{
	__u32 bits = ctx[0];
	__u64 sum = 0;
	int i;

#pragma clang loop unroll(disable)
	for (i = 0; i < 16; i++)
		if (bits & (1U << i))
			sum += i * i;
	total += sum;
	return 0;
}
