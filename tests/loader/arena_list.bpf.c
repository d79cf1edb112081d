// SPDX-License-Identifier: GPL-2.0
/*
 * A list in the arena, written the way the kernel's arena selftests are
 * (their include names, bpf_alloc(), bpf_free(), list_add_head(),
 * list_del(), cond_break loops): one program builds it, user space walks
 * it in its own mapping, another program sums and frees it.  Globals in
 * every section: the count in .data, the head pointer and the sum in .bss,
 * the start value in .rodata, and arena globals (.addr_space.1), one of
 * them initialised.
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include "bpf_experimental.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 16);
} arena SEC(".maps");

#include "bpf_arena_alloc.h"
#include "bpf_arena_list.h"

struct elem {
	struct arena_list_node node;
	__u64 value;
};

int count = 10;					/* .data: user space may change it */
const volatile __u64 first_value = 100;		/* .rodata */
struct arena_list_head __arena *list_head;	/* .bss: where user space finds it */
__u64 list_sum;					/* .bss */
struct arena_list_head __arena head;		/* .addr_space.1 */
__u64 __arena built = 1000;			/* .addr_space.1, initialised */

SEC("syscall")
int list_build(void *ctx)
{
	__u64 i;

	list_head = &head;
	for (i = 0; i < count; cond_break, i++) {
		struct elem __arena *n = bpf_alloc(sizeof(*n));

		if (!n)
			return -1;
		n->value = first_value + i;
		list_add_head(&n->node, list_head);
		built++;
	}
	return 0;
}

SEC("syscall")
int list_sum_free(void *ctx)
{
	struct elem __arena *n;
	__u64 sum = 0;

	list_for_each_entry(n, list_head, node) {
		sum += n->value;
		list_del(&n->node);
		bpf_free(n);
	}
	list_sum = sum;
	return 0;
}

char _license[] SEC("license") = "GPL";
