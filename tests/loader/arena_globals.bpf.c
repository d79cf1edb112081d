// SPDX-License-Identifier: GPL-2.0
/* __arena globals (.addr_space.1, initialised) and the arena kfuncs. */
#include <arena/bpf_arena.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 8);
} arena SEC(".maps");

int __arena first = 11;
__u64 __arena second = 22;
__u64 __arena *__arena page;

SEC("syscall")
int touch(void *ctx)
{
	__u64 __arena *p = bpf_arena_alloc_pages(&arena, NULL, 1, NUMA_NO_NODE, 0);

	if (!p)
		return -1;
	*p = first + second;
	page = p;
	second = *p;
	return 0;
}

SEC("syscall")
int release(void *ctx)
{
	bpf_arena_free_pages(&arena, page, 1);
	page = NULL;
	return first;
}

char _license[] SEC("license") = "GPL";
