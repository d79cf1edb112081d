/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running raw programs on the interpreter in user space, the way the
 * bpf_conformance suite specifies: r1 = a copy of the test's memory, r2 =
 * its length, r10 = the top of a 512-byte stack.  Shared by the host
 * suites and the suite's plugin (plugin.c).
 */
#ifndef ARENA_ENGINE_H
#define ARENA_ENGINE_H

#include <stddef.h>

#include "prog_core.h"

/*
 * Makes prog (insns, len, objs set) ready to run, standing in for
 * verifier_check() until the verifier joins the user-space builds: finds
 * the functions (the entry, bpf-to-bpf call targets, ld_imm64
 * BPF_PSEUDO_FUNC targets, which become &funcs[n]), gives every
 * subprogram the stack its r10-relative accesses reach and the entry the
 * rest of ISA_MAX_STACK, and sets ->arena.  Checks nothing else: the
 * interpreter trusts what it is given.  0, or -EINVAL / -E2BIG / -ENOMEM
 * with the reason in err.
 */
int engine_prepare(struct prog_core *prog, char *err, size_t err_size);
void engine_release(struct prog_core *prog);

/* Runs insns with mem as the suite does; 0 and *r0, or -errno and err. */
int engine_run(const struct bpf_insn *insns, u32 nr_insns, const u8 *mem, u32 mem_len,
	       u64 *r0, char *err, size_t err_size);

/*
 * The same through the verifier, as programs really run: r1 = the memory
 * (the program's context), r2 = its length set by an instruction in front
 * (verdicts.h).  0 and *r0, or the verifier's -errno with its log (level
 * 1) in log.
 */
int engine_run_verified(const struct bpf_insn *insns, u32 nr_insns, const u8 *mem,
			u32 mem_len, u64 *r0, char *log, size_t log_size);

#endif /* ARENA_ENGINE_H */
