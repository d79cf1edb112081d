/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hash table arena_htab.bpf.c fills, as the program and the tests
 * that look it up from user space (with the same header) see it.
 */
#ifndef ARENA_TEST_ARENA_HTAB_H
#define ARENA_TEST_ARENA_HTAB_H

#include "bpf_arena_htab.h"

/* Keys 0 .. HTAB_KEYS - 1; a pass stores HTAB_VALUE(key, pass) for each. */
#define HTAB_KEYS		300
#define HTAB_VALUE(key, pass)	((key) + 1000 * (pass))

#ifndef __BPF__
/* How many keys do not hold what pass stored, or a key past them does. */
static inline int htab_wrong_values(struct htab *htab, int pass)
{
	int key, wrong = 0;

	for (key = 0; key < HTAB_KEYS; key++)
		wrong += htab_lookup_elem(htab, key) != HTAB_VALUE(key, pass);
	return wrong + (htab_lookup_elem(htab, HTAB_KEYS) != 0);
}
#endif

#endif
