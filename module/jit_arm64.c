// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 back end of the program JIT, the same shape as jit_x86.c: emitters,
 * one translation case per eBPF opcode class, exception-table entries for
 * arena accesses.  Built only for arm64 kernels.
 */
#include "jit.h"

/* Until the arm64 JIT lands, every program runs in the interpreter. */
int jit_compile(const struct prog_core *prog, const struct jit_target *target,
		struct jit_image *image)
{
	return -EOPNOTSUPP;
}

void jit_image_free(struct jit_image *image)
{
}
