/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the module provides to the interpreter, faked for user space:
 * every helper the verifier allows (helper_protos.c) with the module's
 * checks of their arguments: array lookups, the time, the CPU (0),
 * bpf_loop, which calls back into the program, ring records that are
 * allocations of their own and are not kept once submitted or discarded,
 * a user ring that hands every drain a few small records; the arena
 * kfuncs, and arenas whose pages the tests add and remove.  prog_arena_page() outside
 * prog_arena_enter()/prog_arena_exit(), or a nested enter, aborts.
 */
#ifndef ARENA_PROG_FAKES_H
#define ARENA_PROG_FAKES_H

#include "prog_core.h"

#define FAKE_ARENA_PAGE_SIZE	4096U

struct fake_arena;

/* An arena of nr_pages pages, all absent; its prog_obj is filled in. */
struct fake_arena *fake_arena_create(u32 nr_pages, u64 user_vm_start, u32 flags,
				     struct prog_obj *obj);
/*
 * The same over nr_pages pages at backing (a mapping user space also
 * sees), of which those holding a non-zero byte are present; the others
 * become present, zeroed, when allocated.
 */
struct fake_arena *fake_arena_create_backed(u32 nr_pages, u64 user_vm_start, u32 flags,
					    void *backing, struct prog_obj *obj);
void fake_arena_destroy(struct fake_arena *arena);
/*
 * The arena's page pgoff, zeroed when it was absent; NULL when out of
 * range.  (Programs' accesses count pages from the start of the arena's
 * 4 GiB window, as the kernel's do.)
 */
void *fake_arena_populate(struct fake_arena *arena, u32 pgoff);
void fake_arena_remove(struct fake_arena *arena, u32 pgoff);

/* What prog_should_stop() answers: a signal pending, as the module sees it. */
extern bool fake_stop_requested;

/* Whether [p, p + size) lies in a ring record this thread reserved and holds. */
bool fake_ring_holds(const void *p, u32 size);
/* The ring records this thread holds: reserved, not yet released. */
unsigned int fake_ring_records(void);

#endif /* ARENA_PROG_FAKES_H */
