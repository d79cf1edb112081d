/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a JIT gives the module (and the user-space tests that run its
 * output): machine code for a verified program, position independent
 * except for the absolute addresses it was told (helpers, kern_vm_start),
 * and the places where an arena access may fault.  Plain C, like the
 * verifier: module/jit_<arch>.c builds in both.
 *
 * The generated code:
 *  - enters at offset func_off[0] as  u64 entry(void *ctx)  with the C
 *    calling convention of the architecture (and every other function at
 *    func_off[i], called the same way with r1-r5 in the argument
 *    registers: what prog_func_call() and bpf-to-bpf calls do);
 *  - calls helpers and kfuncs directly at the addresses prog_helper() and
 *    prog_kfunc() give, with r1-r5 as C arguments, but for
 *    bpf_map_lookup_elem(), whose few instructions it inlines;
 *  - reaches the arena at kern_vm_start + (u32)reg + off; each such load,
 *    store or atomic is listed in ex[] so that a fault there resumes after
 *    it with the destination register zeroed (loads) or nothing done
 *    (stores), as the interpreter's semantics say.
 */
#ifndef ARENA_JIT_H
#define ARENA_JIT_H

#include "portable.h"
#include "prog_core.h"

/* One instruction that may fault on an absent arena page. */
struct jit_fault {
	u32 insn_off;	/* of the faulting machine instruction in the image */
	u32 len;	/* its length in bytes: resume at insn_off + len */
	u8 dst_reg;	/* arch register number zeroed on a fault; 0xff: none */
};

struct jit_image {
	u8 *code;		/* portable_zalloc()'d, len bytes */
	u32 len;
	u32 *func_off;		/* per prog->funcs[i], offset of its entry */
	struct jit_fault *faults;
	u32 nr_faults;
};

/* Where the code will be and what it may use, decided by the caller. */
struct jit_target {
	/*
	 * Where code[0] will execute: x86 calls helpers relative to it.  The
	 * image's length never depends on it, so a first compile with 0 tells
	 * how much room to find, and a second one at that address fills it.
	 */
	u64 code_addr;
	u64 kern_vm_start;	/* the arena's kernel view, 0 without an arena */
	/*
	 * x86: where to jump instead of ret, 0 for a plain ret: a return in
	 * the module's own text, which the kernel patched at load into its
	 * choice of return thunk (retbleed, SRSO) as it does every ret of a
	 * module, since the thunk it chose is not exported.
	 */
	u64 return_thunk;
	bool ibt;		/* endbr64 / bti c at every entry */
	bool pac;		/* arm64: paciasp / autiasp around every function */
	bool lse;		/* arm64: LSE atomics, else load/store-exclusive loops */
	bool harden;		/* blind untrusted immediates */
	/*
	 * bpf_get_smp_processor_id() inlined, as the kernel's JITs do: the
	 * CPU's number is a u32 at cpu_number_off from a base that one
	 * instruction gives.  x86: cpu_number_base is a segment prefix (%gs,
	 * the per-CPU area); arm64: an mrs into x0 (sp_el0, the current task,
	 * whose thread_info has the CPU).  The tests use %fs and tpidr_el0
	 * with a thread-local variable.  0: the helper is called.
	 */
	u32 cpu_number_base;
	s32 cpu_number_off;
};

/*
 * Compiles a verified prog.  0, -ENOMEM, or -EOPNOTSUPP for something the
 * JIT does not do (the program then runs in the interpreter).
 */
int jit_compile(const struct prog_core *prog, const struct jit_target *target,
		struct jit_image *image);
void jit_image_free(struct jit_image *image);

#endif /* ARENA_JIT_H */
