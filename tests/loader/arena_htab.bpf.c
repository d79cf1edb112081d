// SPDX-License-Identifier: GPL-2.0
/*
 * A hash table in the arena, written the way the kernel's arena_htab.c
 * selftest is (its includes, htab_init(), htab_update_elem()): a program
 * fills it twice, the second pass replacing every element, for user space
 * to look keys up with htab_lookup_elem().  The unit tests check how it is
 * relocated (a call through a weak global function's own symbol); it does
 * not run yet: the module's verifier still finds htab_update_elem()'s walk
 * of a bucket (list_for_each_entry() inside a bpf_loop() callback) too
 * complex.  Each pass runs bpf_loop() over the keys; the pass number
 * lives in a register, since one reloaded from .bss would bound nothing.
 */
#include <vmlinux.h>
#include <bpf/bpf_helpers.h>
#include "bpf_experimental.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARENA);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 64);
} arena SEC(".maps");

#include "bpf_arena_htab.h"

void __arena *htab_for_user;	/* .bss: the table, for user space */
int nr_keys = 300;		/* .data */
int pass;			/* .bss: values are key + 1000 * pass */

static int update_key(__u32 key, void *htab)
{
	return htab_update_elem(*(struct htab __arena **)htab, key, key + 1000 * pass) ? 1 : 0;
}

SEC("syscall")
int htab_fill(void *ctx)
{
	struct htab __arena *htab = bpf_alloc(sizeof(*htab));

	if (!htab)
		return -1;
	htab_init(htab);
	for (int p = 1; p <= 2; p++) {
		pass = p;
		if (bpf_loop(nr_keys, update_key, &htab, 0) != nr_keys)
			return -2;
	}
	htab_for_user = htab;
	return 0;
}

char _license[] SEC("license") = "GPL";
