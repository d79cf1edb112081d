// SPDX-License-Identifier: GPL-2.0
/* A local array indexed by a bounded variable, sent to a ring buffer. */
#include "common.h"

struct obj events;

int prog(__u32 *ctx)
{
	__u8 buf[16] = {};
	__u32 i = ctx[0] & 15;

	buf[i] = 1;
	buf[(i + 1) & 15] += buf[i] + 1;
	bpf_ringbuf_output(&events, buf, sizeof(buf), 0);
	return buf[3];
}
