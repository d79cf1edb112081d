// SPDX-License-Identifier: GPL-2.0
/* A bug the verifier must catch: one path forgets to submit the record. */
#include "common.h"

struct obj events;

int prog(__u32 *ctx)
{
	__u64 *e = bpf_ringbuf_reserve(&events, 8, 0);

	if (!e)
		return 1;
	*e = ctx[0];
	if (ctx[1] == 7)
		return 2;	/* leaks e */
	bpf_ringbuf_submit(e, 0);
	return 0;
}
