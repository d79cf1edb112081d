// SPDX-License-Identifier: GPL-2.0
/* Ring buffer events: reserve/fill/submit, discard, and output. */
#include "common.h"

struct obj events;

struct event {
	__u64 ts;
	__u32 cpu;
	__u32 seq;
	__u8 comm[16];
};

__u32 seq;

int prog(void *ctx)
{
	struct event *e;
	struct event copy;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 1;
	e->ts = bpf_ktime_get_ns();
	e->cpu = bpf_get_smp_processor_id();
	e->seq = seq++;
	if (e->cpu > 1000) {
		bpf_ringbuf_discard(e, 0);
		return 2;
	}
	__builtin_memcpy(&copy, e, sizeof(copy));
	bpf_ringbuf_submit(e, 0);
	bpf_ringbuf_output(&events, &copy, sizeof(copy), 0);
	return 0;
}
