// SPDX-License-Identifier: GPL-2.0
/* Arena linked-list insertion: allocate a page, link nodes from a global head. */
#include "common.h"

struct obj arena;

struct node {
	struct node __arena *next;
	__u64 value;
};

struct node __arena *head __attribute__((section(".addr_space.1")));
__u64 __arena count __attribute__((section(".addr_space.1")));

int prog(void *ctx)
{
	struct node __arena *page, *n;
	int i;

	page = bpf_arena_alloc_pages(&arena, 0, 1, -1, 0);
	if (!page)
		return 1;
	for (i = 0; i < 4; i++) {
		n = &page[i];
		n->value = i;
		n->next = head;
		head = n;
		count++;
	}
	for (n = head; n && can_loop; n = n->next)
		n->value *= 2;
	return 0;
}
