/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One record of the event-stream example's ring, as the program writes it
 * and the consumer reads it.
 */
#ifndef EXAMPLES_EVENT_STREAM_H
#define EXAMPLES_EVENT_STREAM_H

#include <arena/bpf_arena.h>

/* CPUs the example can count; the program refuses to run on others. */
#define EVENT_MAX_CPUS	64

/* What emit_event returns when the ring has no room for a record. */
#define EVENT_RING_FULL	1

struct event {
	__u32 cpu;		/* where the program ran */
	__u32 pad;
	__u64 seq;		/* 0, 1, 2, ... per CPU */
	__u64 time_ns;		/* bpf_ktime_get_ns() */
};

#endif
