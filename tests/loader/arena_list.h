/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The list arena_list.bpf.c builds in the arena, as the program and the
 * tests that walk it from user space (with the same list header) see it.
 */
#ifndef ARENA_TEST_ARENA_LIST_H
#define ARENA_TEST_ARENA_LIST_H

#include "bpf_arena_list.h"

struct elem {
	struct arena_list_node node;
	__u64 value;
};

#ifndef __BPF__
/* The list's length, and the sum of its values into *sump. */
static inline int arena_list_walk(struct arena_list_head *head, __u64 *sump)
{
	struct elem *n;
	int count = 0;

	*sump = 0;
	list_for_each_entry(n, head, node) {
		count++;
		*sump += n->value;
	}
	return count;
}
#endif

#endif
