// SPDX-License-Identifier: GPL-2.0
/*
 * The program side of the event-stream example: each run of emit_event
 * writes one record into the ring, stamped with the CPU it ran on and
 * that CPU's next sequence number.  The producers on all CPUs share the
 * one ring (it is multi-producer, single-consumer); a sequence number is
 * spent only when its record went in, so the consumer can tell a lost
 * record from one never written.
 */
#include <arena/bpf_arena.h>

#include "event_stream.h"

/* 16 KiB of records: small, so that producers do fill it now and then. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 * 1024);
} events SEC(".maps");

/*
 * .bss: the next sequence number of each CPU.  Only the one thread that
 * user space pins to a CPU runs the program there, so a CPU's slot has
 * one writer and needs no atomics.
 */
__u64 next_seq[EVENT_MAX_CPUS];

SEC("syscall")
int emit_event(void *ctx)
{
	/*
	 * 64 bits, so that the bounds check and the array index use the
	 * same register: a 32-bit value is zero-extended into a copy for
	 * each, and the verifier would not know the index's bounds.
	 */
	__u64 cpu = bpf_get_smp_processor_id();
	struct event *e;

	if (cpu >= EVENT_MAX_CPUS)
		return -1;
	/* Reserve in place, fill, submit: no copy, as bpf_ringbuf_output() makes. */
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return EVENT_RING_FULL;
	e->cpu = cpu;
	e->pad = 0;
	e->seq = next_seq[cpu]++;
	e->time_ns = bpf_ktime_get_ns();
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char _license[] SEC("license") = "GPL";
