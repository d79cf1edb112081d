/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The list linked_list.bpf.c builds in the arena, as both sides declare
 * it.  In the program, __arena puts the pointers in the arena's address
 * space, and clang converts them as they are loaded and stored; in user
 * space __arena is empty and they are plain pointers.  Both hold the same
 * values: an arena pointer stored in memory is the address of the arena's
 * user mapping, which is at the same place in every process.
 */
#ifndef EXAMPLES_LINKED_LIST_H
#define EXAMPLES_LINKED_LIST_H

#include <arena/bpf_arena.h>

struct node {
	struct node __arena *next;
	__u64 value;
};

#endif
