/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exception-table entries for generated code: the kernel looks a faulting
 * kernel PC up in the table of the module whose memory holds it, so the
 * module's table (THIS_MODULE->extable) becomes its own entries merged
 * with every JIT-compiled program's arena accesses.
 */
#ifndef ARENA_JIT_EXTABLE_H
#define ARENA_JIT_EXTABLE_H

#include <linux/types.h>

struct jit_fault;
struct arena_jit_ex;

int arena_jit_extable_init(void);
/* Puts the module's own table back; every program must be gone. */
void arena_jit_extable_exit(void);

/*
 * Makes the n faults of the code at code (jit.h) part of the table: 0,
 * -ENOSPC when the table is full, -ENOMEM.  May sleep (an RCU grace
 * period).  *handlep is for arena_jit_extable_del().
 */
int arena_jit_extable_add(void *code, const struct jit_fault *faults, u32 n,
			  struct arena_jit_ex **handlep);
/*
 * Drops them again: 0, or -ENOMEM when the smaller table could not be
 * written; then the entries stay, and the code they point at must too.
 */
int arena_jit_extable_del(struct arena_jit_ex *handle);

#endif /* ARENA_JIT_EXTABLE_H */
