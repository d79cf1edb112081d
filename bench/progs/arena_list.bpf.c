// SPDX-License-Identifier: GPL-2.0
/*
 * The arena list scenario, in the form of the kernel's arena_list
 * selftest: each run allocates nr_elems elements with bpf_alloc()
 * (bpf_arena_alloc_pages() underneath, a page per ~100 elements), adds
 * each at the head of a list, then walks the list summing the values and
 * unlinking and freeing every element, so that runs can repeat forever.  The
 * count is a global the verifier cannot know (see compute.bpf.c).
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include "bpf_experimental.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 64);	/* pages */
} arena SEC(".maps");

#include "bpf_arena_alloc.h"
#include "bpf_arena_list.h"

struct elem {
	struct arena_list_node node;
	__u64 value;
};

int nr_elems = 512;			/* .data */
struct arena_list_head __arena head;	/* .addr_space.1 */

SEC("syscall")
int list_build_walk(void *ctx)
{
	struct elem __arena *n;
	__u64 sum = 0;

	for (int i = 0; i < nr_elems && can_loop; i++) {
		n = bpf_alloc(sizeof(*n));
		if (!n)
			return -1;
		n->value = i;
		list_add_head(&n->node, &head);
	}
	list_for_each_entry(n, &head, node) {
		sum += n->value;
		list_del(&n->node);
		bpf_free(n);
	}
	return (int)sum;
}

char _license[] SEC("license") = "GPL";
