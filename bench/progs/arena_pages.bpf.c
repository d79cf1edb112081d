// SPDX-License-Identifier: GPL-2.0
/*
 * The two parts of an arena scenario that are not the JIT's code, so that
 * the arena-list and arena-htab rows can be read: arena_empty is a run with
 * one arena access and nothing else (the system call, the run's set-up);
 * arena_pages allocates a page, writes to it and frees it, nr_rounds times
 * (bpf_arena_alloc_pages() and bpf_arena_free_pages(), which bpf_alloc()
 * and bpf_free() call a few times per run of arena-list).
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include "bpf_experimental.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 64);	/* pages */
} arena SEC(".maps");

int nr_rounds = 4;		/* .data: the verifier does not know it */
__u64 __arena runs;		/* .addr_space.1 */

SEC("syscall")
int arena_empty(void *ctx)
{
	return ++runs;
}

SEC("syscall")
int arena_pages(void *ctx)
{
	int i, n = 0;

	for (i = 0; i < nr_rounds && can_loop; i++) {
		__u64 __arena *page = bpf_arena_alloc_pages(&arena, NULL, 1, NUMA_NO_NODE, 0);

		if (!page)
			return -1;
		*page = i;
		n += *page == i;
		bpf_arena_free_pages(&arena, page, 1);
	}
	return n;
}

char _license[] SEC("license") = "GPL";
