/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * A doubly linked list with a single-pointer head (the kernel's hlist) in
 * arena memory, with the names the kernel's arena selftests use.  Nodes
 * hold arena pointers, so a program builds the list and user space walks
 * it in its own mapping with the same code.
 */
#ifndef ARENA_COMPAT_BPF_ARENA_LIST_H
#define ARENA_COMPAT_BPF_ARENA_LIST_H

#include "bpf_arena_common.h"

struct arena_list_node;
typedef struct arena_list_node __arena arena_list_node_t;

struct arena_list_node {
	arena_list_node_t *next;
	/* the pointer that points at this node: the head's or the previous next */
	arena_list_node_t * __arena *pprev;
};

struct arena_list_head {
	struct arena_list_node __arena *first;
};
typedef struct arena_list_head __arena arena_list_head_t;

#define list_entry(ptr, type, member)	arena_container_of(ptr, type, member)

/* The entry around node, or NULL for a NULL node. */
#define arena_list_entry_or_null(node, type, member)				\
	({									\
		arena_list_node_t *arena_node_ = (node);			\
		arena_node_ ? list_entry(arena_node_, type, member) : (type *)0;	\
	})

#ifndef __BPF__
/* User space walks what the program built; its loops need no budget. */
#ifndef cond_break
#define cond_break	({})
#endif
#endif

/*
 * Every entry from head on; the next node is read before the body runs,
 * so the body may delete pos.  In programs each step spends may_goto
 * budget, so the walk ends even on a list user space made circular.
 */
#define list_for_each_entry(pos, head, member)					\
	for (arena_list_node_t *arena_next_ =					\
		((pos) = arena_list_entry_or_null((head)->first,		\
						  __typeof__(*(pos)), member),	\
		 (arena_list_node_t *)0);					\
	     (pos) && ((arena_next_ = (pos)->member.next), 1);			\
	     cond_break,							\
	     (pos) = arena_list_entry_or_null(arena_next_, __typeof__(*(pos)), member))

static inline void list_add_head(arena_list_node_t *n, arena_list_head_t *h)
{
	arena_list_node_t *first = h->first;

	WRITE_ONCE(n->next, first);
	if (first)
		WRITE_ONCE(first->pprev, &n->next);
	WRITE_ONCE(n->pprev, &h->first);
	/* Last: a reader of the head sees the node only once it is whole. */
	WRITE_ONCE(h->first, n);
}

static inline void list_del(arena_list_node_t *n)
{
	arena_list_node_t *next = n->next;
	arena_list_node_t * __arena *pprev = n->pprev;

	WRITE_ONCE(*pprev, next);
	if (next)
		WRITE_ONCE(next->pprev, pprev);
	/*
	 * Volatile, so that clang-19 cannot merge the two into a memset: it
	 * lowers a memset of arena memory without the addr_space_cast.
	 */
	WRITE_ONCE(n->next, NULL);
	WRITE_ONCE(n->pprev, NULL);
}

#endif
