// SPDX-License-Identifier: GPL-2.0
/*
 * linked-list: a program builds a linked list in an arena; user space
 * walks it with plain pointers, changes it, and a second program sees the
 * change and frees the list.
 *
 * An arena is memory that BPF programs and user processes share at the
 * same address.  A pointer a program stores there (or in a global) is
 * therefore a valid pointer in this process, and user space follows the
 * list's next pointers as if it had built the list itself.  The struct
 * comes from linked_list.h, which both sides include.
 */
#include <stdio.h>

#include "example.h"
#include "linked_list.h"

#define NR_NODES	10
/* User space multiplies each value by this; list_sum_free must see it. */
#define SCALE		10

/*
 * Walks the list natively, checking that each node lies in the arena and
 * holds the next Fibonacci number, and scales its value in place: the
 * sum of the values as they were.
 */
static __u64 walk_and_scale(struct example *ex, struct arena_map *arena, struct node *head)
{
	__u64 expected = 1, following = 1, sum = 0, next;
	struct node *n;
	__u32 off = 0;
	int i = 0;

	for (n = head; n && i <= NR_NODES; n = n->next, i++) {
		/* arena_map__offset(): where in the arena a user pointer points. */
		example_check(ex, arena_map__offset(arena, n, &off) == 0,
			      "node %d at %p is outside the arena", i, (void *)n);
		printf("  node %d at %p (arena offset %#06x): value %llu\n", i, (void *)n, off,
		       (unsigned long long)n->value);
		example_check(ex, n->value == expected, "node %d holds %llu, not %llu", i,
			      (unsigned long long)n->value, (unsigned long long)expected);
		sum += n->value;
		n->value *= SCALE;
		next = expected + following;
		expected = following;
		following = next;
	}
	example_check(ex, i == NR_NODES, "walked %d nodes, not %d", i, NR_NODES);
	return sum;
}

/* The arena's pages in use now, -1 if it cannot say. */
static long long pages_in_use(struct example *ex, struct arena_map *arena)
{
	struct arena_info info;

	if (!example_check(ex, arena_map__info(arena, &info) == 0, "arena info failed"))
		return -1;
	return (long long)info.pages_in_use;
}

int main(void)
{
	struct arena_map *arena;
	struct example ex;
	struct node **head;
	long long pages_built, pages_freed;
	__u64 *total, sum;
	int *nr_nodes;
	void *base;

	if (example_open(&ex, "linked-list", EXAMPLE_OBJECT(linked_list_bpf)) ||
	    example_load(&ex))
		return example_finish(&ex);
	/*
	 * The object's globals, in this process's mappings: nr_nodes in
	 * .data, list_head and list_total in .bss.  Writing nr_nodes here
	 * changes what the program reads.
	 */
	nr_nodes = example_global(&ex, "nr_nodes");
	head = example_global(&ex, "list_head");
	total = example_global(&ex, "list_total");
	arena = example_arena(&ex, "arena");
	if (!nr_nodes || !head || !total || !arena ||
	    !example_check(&ex, arena_map__mmap(arena, &base) == 0, "mapping the arena failed"))
		return example_finish(&ex);
	printf("arena: %llu bytes at %p, mapped in this process\n",
	       (unsigned long long)arena_map__size(arena), base);

	*nr_nodes = NR_NODES;
	printf("program list_build: %d nodes, allocated with bpf_alloc() in the arena\n",
	       *nr_nodes);
	example_check(&ex, example_run(&ex, "list_build", NULL, 0) == 0, "list_build failed");

	printf("user space walks the list from list_head = %p:\n", (void *)*head);
	sum = walk_and_scale(&ex, arena, *head);
	printf("user space: the values add up to %llu; each is now %d times larger\n",
	       (unsigned long long)sum, SCALE);

	pages_built = pages_in_use(&ex, arena);
	example_check(&ex, example_run(&ex, "list_sum_free", NULL, 0) == 0,
		      "list_sum_free failed");
	printf("program list_sum_free: the values add up to %llu; the nodes are freed\n",
	       (unsigned long long)*total);
	example_check(&ex, *total == sum * SCALE, "list_sum_free saw %llu, not %llu",
		      (unsigned long long)*total, (unsigned long long)(sum * SCALE));
	pages_freed = pages_in_use(&ex, arena);
	printf("arena: %lld pages in use with the list, %lld after\n", pages_built, pages_freed);
	example_check(&ex, pages_freed < pages_built && *head == NULL,
		      "the list's pages were not freed");
	return example_finish(&ex);
}
