/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Executable memory for generated code, inside the module's own text so
 * that the module's exception table covers it (DESIGN.md section 4).
 */
#ifndef ARENA_JIT_POOL_H
#define ARENA_JIT_POOL_H

#include <linux/types.h>

int arena_jit_pool_init(void);
void arena_jit_pool_exit(void);

/*
 * len bytes of executable memory, or NULL when the pool is full.  Read-only
 * at that address: fill it with arena_jit_pool_write() before running it.
 */
void *arena_jit_pool_alloc(size_t len);
/* Gives the bytes back once no CPU can still be running them (RCU). */
void arena_jit_pool_free(void *code, size_t len);
/* Copies code in through a temporary writable alias; may sleep. */
int arena_jit_pool_write(void *dst, const void *src, size_t len);

/*
 * The buffers the exception table is rebuilt into in turn, at the pool's
 * end (above all code: arm64's fixups are positive offsets), each size
 * bytes; written with arena_jit_pool_write() like code.  Several, so that
 * a burst of loads and unloads seldom waits for the readers of the
 * buffer it reuses (jit_extable.c).
 */
#define JIT_POOL_TABLES		4

void *arena_jit_pool_table(unsigned int which, size_t *size);

#endif /* ARENA_JIT_POOL_H */
