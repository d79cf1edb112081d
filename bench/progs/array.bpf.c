// SPDX-License-Identifier: GPL-2.0
/*
 * The array scenario: ARRAY_ITERS bpf_map_lookup_elem() calls on an
 * array map of ARRAY_ENTRIES values, each read, updated and summed, and
 * the same number of reads and writes of a global array (.bss: a value of
 * an array map reached directly, with no helper call).
 *
 * The loop's bound is a constant, ARRAY_ITERS: 6.12's verifier walks each
 * iteration of this loop whatever the bound (a counter going up from 0,
 * or down from a global, keeps its state apart each time), and gives up
 * at 8192 pending branches ("the sequence of 8193 jumps is too complex"),
 * two an iteration; and it wants BTF func_info, which our loader does not
 * pass on, for a bpf_loop() callback.
 */
#include <arena/bpf_arena.h>

#define ARRAY_ENTRIES	1024
#define ARRAY_ITERS	1024

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, ARRAY_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} values SEC(".maps");

__u64 global_values[ARRAY_ENTRIES];	/* .bss */

SEC("syscall")
int array(void *ctx)
{
	__u64 sum = 0;

	for (__u32 i = 0; i < ARRAY_ITERS && can_loop; i++) {
		__u32 key = (i * 7) & (ARRAY_ENTRIES - 1), idx;
		__u64 *v = bpf_map_lookup_elem(&values, &key);

		if (!v)
			return -1;
		*v += i;
		sum += *v;
		idx = *v & (ARRAY_ENTRIES - 1);
		global_values[idx] += sum;
		sum ^= global_values[(idx + 1) & (ARRAY_ENTRIES - 1)];
	}
	return (int)sum;
}

char _license[] SEC("license") = "GPL";
