// SPDX-License-Identifier: GPL-2.0
/* One map of each kind, each named by a program: R_BPF_64_64 against .maps. */
#include <arena/bpf_arena.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE | BPF_F_SEGV_ON_FAULT);
	__uint(max_entries, 4);
	__ulong(map_extra, 0x100000000ULL << 4);
} arena SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 8192);
} user_ring SEC(".maps");

/* A second __ulong in the same file: each needs its own enumerator. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__ulong(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);
} values SEC(".maps");

static long count_record(struct bpf_dynptr *record, void *count)
{
	(*(__u64 *)count)++;
	return 0;
}

SEC("syscall")
int use_maps(void *ctx)
{
	__u32 key = 1;
	__u64 *v = bpf_map_lookup_elem(&values, &key);
	__u64 one = 1, records = 0;

	if (v)
		*v += 1;
	bpf_ringbuf_output(&ring, &one, sizeof(one), 0);
	bpf_arena_free_pages(&arena, (void __arena *)0, 0);
	bpf_user_ringbuf_drain(&user_ring, count_record, &records, 0);
	return records == 0 && bpf_ringbuf_query(&ring, BPF_RB_RING_SIZE) == 4096;
}

char _license[] SEC("license") = "GPL";
