// SPDX-License-Identifier: GPL-2.0
/*
 * The program side of the shared-htab example: table_create makes an
 * empty hash table in the arena, table_insert stores one key and value
 * that user space passes as the program's context.  The table is the one
 * of bpf_arena_htab.h, written like the kernel's arena_htab selftest, and
 * user space looks keys up with the same header's htab_lookup_elem().
 */
#include <arena/bpf_arena.h>

/* The table's two pages of buckets, its elements and the allocator's pages. */
struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 32);
} arena SEC(".maps");

/* htab_init(), htab_update_elem(), htab_lookup_elem(); needs "arena" above. */
#include "bpf_arena_htab.h"
#include "shared_htab.h"

/* .bss: the table, for user space and for table_insert. */
struct htab __arena *table;

SEC("syscall")
int table_create(void *ctx)
{
	struct htab __arena *t = bpf_alloc(sizeof(*t));

	if (!t)
		return -ENOMEM;
	htab_init(t);
	if (!t->buckets)
		return -ENOMEM;
	table = t;
	return 0;
}

/* 0, or -ENOMEM when the arena is full. */
SEC("syscall")
int table_insert(struct insert_args *args)
{
	return htab_update_elem(table, args->key, args->value);
}

char _license[] SEC("license") = "GPL";
