/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * A hash table of int keys and values in arena memory, with the names the
 * kernel's arena selftests use (htab_init(), htab_update_elem(),
 * htab_lookup_elem()): a program fills it, and user space looks keys up
 * in its own mapping with the same code.  The object file must declare
 * the arena map, named arena, before including this.
 *
 * Each bucket is a list (bpf_arena_list.h); an update puts a new element
 * at the head of its bucket and then frees the one it replaces, so that a
 * concurrent lookup finds one or the other, never neither.  The functions
 * are global, their table argument tagged __arg_arena, so that a verifier
 * that checks global functions once (the kernel's, arena-kmod's) need not
 * walk them again at every call.
 */
#ifndef ARENA_COMPAT_BPF_ARENA_HTAB_H
#define ARENA_COMPAT_BPF_ARENA_HTAB_H

#include "bpf_arena_alloc.h"
#include "bpf_arena_list.h"

#ifndef ENOMEM
#define ENOMEM	12
#endif

/* Pages of buckets htab_init() allocates. */
#define HTAB_BUCKET_PAGES	2

struct htab_bucket {
	struct arena_list_head head;
};
typedef struct htab_bucket __arena htab_bucket_t;

struct htab {
	htab_bucket_t *buckets;
	int n_buckets;		/* a power of 2 */
};

struct hashtab_elem {
	int hash;
	int key;
	int value;
	struct arena_list_node hash_node;
};
typedef struct hashtab_elem __arena hashtab_elem_t;

/* Fibonacci hashing: the key times 2^32 / phi spreads runs of keys. */
static inline __u32 htab_hash(int key)
{
	return (__u32)key * 0x9e3779b9U;
}

static inline arena_list_head_t *htab_bucket_head(struct htab __arena *htab, __u32 hash)
{
	return &htab->buckets[hash & (htab->n_buckets - 1)].head;
}

static inline hashtab_elem_t *htab_find(arena_list_head_t *head, __u32 hash, int key)
{
	hashtab_elem_t *e;

	list_for_each_entry(e, head, hash_node)
		if (e->hash == (int)hash && e->key == key)
			return e;
	return NULL;
}

/* The value stored for key, 0 if there is none. */
__weak int htab_lookup_elem(struct htab __arena *htab __arg_arena, int key)
{
	__u32 hash = htab_hash(key);
	hashtab_elem_t *e = htab_find(htab_bucket_head(htab, hash), hash, key);

	return e ? e->value : 0;
}

#ifdef __BPF__

/* Stores value for key: 0, or -ENOMEM when the arena has no room. */
__weak int htab_update_elem(struct htab __arena *htab __arg_arena, int key, int value)
{
	__u32 hash = htab_hash(key);
	arena_list_head_t *head = htab_bucket_head(htab, hash);
	hashtab_elem_t *old = htab_find(head, hash, key);
	hashtab_elem_t *e = bpf_alloc(sizeof(*e));

	if (!e)
		return -ENOMEM;
	e->hash = hash;
	e->key = key;
	e->value = value;
	list_add_head(&e->hash_node, head);
	if (old) {
		list_del(&old->hash_node);
		bpf_free(old);
	}
	return 0;
}

/* An empty table: its buckets fill HTAB_BUCKET_PAGES fresh (zeroed) pages. */
void htab_init(struct htab __arena *htab __arg_arena)
{
	htab_bucket_t *buckets = bpf_arena_alloc_pages(&arena, NULL, HTAB_BUCKET_PAGES,
						       NUMA_NO_NODE, 0);

	htab->buckets = buckets;
	htab->n_buckets = buckets ? HTAB_BUCKET_PAGES * PAGE_SIZE / sizeof(*buckets) : 1;
}

#endif /* __BPF__ */

#endif
