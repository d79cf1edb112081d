// SPDX-License-Identifier: GPL-2.0
/*
 * The arena hash table scenario, with the hash table of the kernel's
 * arena_htab selftest (htab_init(), htab_update_elem(),
 * htab_lookup_elem()): htab_setup, run once, makes the table and puts
 * nr_keys keys in; each run of htab_update_lookup then replaces every
 * key's element (a new one allocated, the old one freed) and looks every
 * key up, so that runs can repeat without the table growing.  The count
 * is a global the verifier cannot know (see compute.bpf.c).
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include "bpf_experimental.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 64);	/* pages */
} arena SEC(".maps");

#include "bpf_arena_htab.h"

int nr_keys = 256;		/* .data */
struct htab __arena *table;	/* .bss */
int runs;			/* .bss: runs so far, for values that change */

SEC("syscall")
int htab_setup(void *ctx)
{
	struct htab __arena *htab = bpf_alloc(sizeof(*htab));

	if (!htab)
		return -1;
	htab_init(htab);
	for (int key = 0; key < nr_keys && can_loop; key++)
		if (htab_update_elem(htab, key, key))
			return -2;
	table = htab;
	return 0;
}

SEC("syscall")
int htab_update_lookup(void *ctx)
{
	struct htab __arena *htab = table;
	int r = ++runs, sum = 0;

	if (!htab)
		return -1;
	for (int key = 0; key < nr_keys && can_loop; key++)
		if (htab_update_elem(htab, key, key + r))
			return -2;
	for (int key = 0; key < nr_keys && can_loop; key++)
		sum += htab_lookup_elem(htab, key) - r;
	return sum;
}

char _license[] SEC("license") = "GPL";
