// SPDX-License-Identifier: GPL-2.0
/* A bpf_loop callback that emits one ring buffer record per iteration. */
#include "common.h"

struct obj events;

struct sample {
	__u32 index;
	__u32 cpu;
	__u64 ts;
};

static long emit(__u32 index, void *data);

int prog(void *ctx)
{
	__u64 sent = 0;

	bpf_loop(8, emit, &sent, 0);
	return sent == 8 ? 0 : 1;
}

static long emit(__u32 index, void *data)
{
	__u64 *sent = data;
	struct sample *s = bpf_ringbuf_reserve(&events, sizeof(*s), 0);

	if (!s)
		return 1;	/* ring full: stop */
	s->index = index;
	s->cpu = bpf_get_smp_processor_id();
	s->ts = bpf_ktime_get_ns();
	if (s->cpu & 1) {
		bpf_ringbuf_discard(s, 0);
		return 0;
	}
	bpf_ringbuf_submit(s, 0);
	(*sent)++;
	return 0;
}
