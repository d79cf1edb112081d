// SPDX-License-Identifier: GPL-2.0
/*
 * The array scenario: iters bpf_map_lookup_elem() calls on an array map
 * of ARRAY_ENTRIES values, each read, updated and summed, and the same
 * number of reads and writes of a global array (.bss: a value of an array
 * map reached directly, with no helper call).
 *
 * The loop is bpf_loop() over a callback: a can_loop loop here has a
 * branch per iteration on the counter, which 6.12's verifier keeps
 * walking until "the sequence of 8193 jumps is too complex".  The kernel
 * inlines bpf_loop() into a plain loop calling the callback.
 */
#include <arena/bpf_arena.h>

#define ARRAY_ENTRIES	1024

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ARRAY_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} values SEC(".maps");

__u32 iters = 4096;			/* .data */
__u64 global_values[ARRAY_ENTRIES];	/* .bss */

static long step(__u64 i, void *ctx)
{
	__u64 *sum = ctx;
	__u32 key = (i * 7) & (ARRAY_ENTRIES - 1), idx;
	__u64 *v = bpf_map_lookup_elem(&values, &key);

	if (!v)
		return 1;
	*v += i;
	*sum += *v;
	idx = *v & (ARRAY_ENTRIES - 1);
	global_values[idx] += *sum;
	*sum ^= global_values[(idx + 1) & (ARRAY_ENTRIES - 1)];
	return 0;
}

SEC("syscall")
int array(void *ctx)
{
	__u64 sum = 0;

	if (bpf_loop(iters, step, &sum, 0) != iters)
		return -1;
	return (int)sum;
}

char _license[] SEC("license") = "GPL";
