/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ARENA_PROG_JIT_H
#define ARENA_PROG_JIT_H

#include "prog_core.h"

struct arena_jit_ex;

/* A program's machine code in the pool. */
struct prog_jit {
	void *code;
	size_t len;
	struct arena_jit_ex *ex;
};

/*
 * Compiles a verified program and points its funcs[].jited at the code.
 * 0, or why it stays interpreted: -EPERM (the jit parameter is off),
 * -EOPNOTSUPP (something the JIT does not do), -ENOSPC (the pool or the
 * exception table is full), -ENOMEM.
 */
int prog_jit_install(struct prog_core *core, struct prog_jit *pj);
void prog_jit_remove(struct prog_jit *pj);

#endif /* ARENA_PROG_JIT_H */
