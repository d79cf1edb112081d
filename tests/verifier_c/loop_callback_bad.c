// SPDX-License-Identifier: GPL-2.0
/* A bug the verifier must catch: a bpf_loop callback returning 2. */
#include "common.h"

static long step(__u32 index, void *data);

int prog(void *unused)
{
	__u64 n = 0;

	bpf_loop(10, step, &n, 0);
	return n & 1;
}

static long step(__u32 index, void *data)
{
	__u64 *n = data;

	*n += index;
	return *n > 5 ? 2 : 0;
}
