// SPDX-License-Identifier: GPL-2.0
/*
 * A list in the arena, written the way the kernel's arena selftests are
 * (their include names, bpf_alloc(), bpf_free(), list_add_head(),
 * list_del()): one program builds it, user space walks it in its own
 * mapping, another program sums and frees it.  Both loop with bpf_loop():
 * the module's verifier does not yet prune the selftests' cond_break loops
 * whose counters grow, and gives up on them as too complex.  Globals in every section: the count in .data,
 * the head pointer and the sum in .bss, the start value in .rodata, and
 * arena globals (.addr_space.1), one of them initialised.
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

/* One element per call of bpf_loop(); 1 (stop) when the arena is full. */
static int add_elem(__u32 i, void *failed)
{
	struct elem __arena *n = bpf_alloc(sizeof(*n));

	if (!n) {
		*(int *)failed = 1;
		return 1;
	}
	n->value = first_value + i;
	list_add_head(&n->node, list_head);
	built++;
	return 0;
}

SEC("syscall")
int list_build(void *ctx)
{
	int failed = 0;

	list_head = &head;
	bpf_loop(count, add_elem, &failed, 0);
	return -failed;
}

/* Takes the first element off the list into the sum; 1 (stop) when empty. */
static int free_first(__u32 i, void *sum)
{
	struct elem __arena *n =
		arena_list_entry_or_null(list_head->first, struct elem __arena, node);

	if (!n)
		return 1;
	*(__u64 *)sum += n->value;
	list_del(&n->node);
	bpf_free(n);
	return 0;
}

SEC("syscall")
int list_sum_free(void *ctx)
{
	__u64 sum = 0;

	bpf_loop(1 << 20, free_first, &sum, 0);
	list_sum = sum;
	return 0;
}

char _license[] SEC("license") = "GPL";
