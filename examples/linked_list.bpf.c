// SPDX-License-Identifier: GPL-2.0
/*
 * The program side of the linked-list example: list_build allocates
 * nr_nodes nodes in the arena and links them, in order, from list_head;
 * list_sum_free adds up the values, after user space has changed them in
 * its own mapping of the same memory, and frees the nodes.
 */
#include <arena/bpf_arena.h>

/* 16 pages of arena: the allocator's page, the nodes' and the globals'. */
struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 16);
} arena SEC(".maps");

/*
 * bpf_alloc()/bpf_free(), which carve small objects out of pages they get
 * from bpf_arena_alloc_pages(); it needs the map above, named arena.
 */
#include "bpf_arena_alloc.h"
#include "linked_list.h"

/* .data: user space sets it before running list_build. */
int nr_nodes = 8;
/* .bss: where user space finds the list and the sum. */
struct node __arena *list_head;
__u64 list_total;

/* The Fibonacci numbers 1, 1, 2, 3, 5, ...: values worth looking at. */
SEC("syscall")
int list_build(void *ctx)
{
	struct node __arena *first = NULL, *tail = NULL;
	__u64 a = 1, b = 1, next;

	/* can_loop bounds the loop for the verifier (it emits may_goto). */
	for (int i = 0; i < nr_nodes && can_loop; i++) {
		struct node __arena *n = bpf_alloc(sizeof(*n));

		if (!n)
			return -1;
		n->value = a;
		n->next = NULL;
		/*
		 * first, not list_head, while linking: clang would otherwise
		 * merge the two stores below into one instruction that writes
		 * now to the arena, now to .bss, which the verifier refuses.
		 */
		if (tail)
			tail->next = n;
		else
			first = n;
		tail = n;
		next = a + b;
		a = b;
		b = next;
	}
	list_head = first;
	return 0;
}

/*
 * Frees the nodes as it goes: bpf_free() returns a page to the arena once
 * all its objects are gone.  (A program that touches arena memory must
 * name the arena map somewhere, as bpf_free() does, for the verifier to
 * know which arena its pointers are in.)
 */
SEC("syscall")
int list_sum_free(void *ctx)
{
	struct node __arena *n = list_head, *next;
	__u64 total = 0;

	while (n && can_loop) {
		total += n->value;
		next = n->next;
		bpf_free(n);
		n = next;
	}
	list_head = NULL;
	list_total = total;
	return 0;
}

char _license[] SEC("license") = "GPL";
