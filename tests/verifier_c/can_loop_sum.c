// SPDX-License-Identifier: GPL-2.0
/* A loop bounded by ctx at run time only: can_loop (may_goto) ends it. */
#include "common.h"

__u64 table[8];

int prog(__u32 *ctx)
{
	__u64 sum = 0;
	__u32 i;

	for (i = 0; i < ctx[0] && can_loop; i++)
		sum += table[i & 7];
	return sum & 0xffff;
}
