// SPDX-License-Identifier: GPL-2.0
/* bpf_loop with a callback and a context on the stack. */
#include "common.h"

struct ctx {
	__u64 sum;
	__u32 steps;
};

static long step(__u32 index, void *data);

int prog(void *unused)
{
	struct ctx c = { 0, 0 };

	bpf_loop(100, step, &c, 0);
	return c.steps & 0xffff;
}

static long step(__u32 index, void *data)
{
	struct ctx *c = data;

	c->sum += index;
	c->steps++;
	return c->sum > 1000 ? 1 : 0;
}
