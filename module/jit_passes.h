/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the JIT back ends (jit_x86.c, jit_arm64.c) share: the sizing
 * passes and the blocks each pass is cut into.
 *
 * Every pass emits every function: its prologue, each eBPF instruction
 * and its epilogue, each a block translated into a small buffer, copied
 * out only in the last pass, and records where each block started.  A
 * back end chooses the short form of a jump when the previous pass's
 * layout says it reaches and the first pass takes the long form
 * everywhere, so sizes only shrink from pass to pass, and when the total
 * stays the same the layout is final: one more pass writes the image.
 *
 * The back end of the build provides the three jit_arch_*() functions,
 * which emit into j->buf.
 */
#ifndef ARENA_JIT_PASSES_H
#define ARENA_JIT_PASSES_H

#include "jit.h"

/* Longest translation of one block, in bytes, with room to spare. */
#define JIT_MAX_BLOCK	256

struct jit_state {
	const struct prog_core *prog;
	const struct jit_target *target;
	/*
	 * Where each block started in the previous and the current pass:
	 * instruction i at [i], function f's entry at [len + f] and its
	 * epilogue at [len + nr_funcs + f].
	 */
	u32 *prev;
	u32 *cur;
	bool first_pass;
	u8 *image;		/* the last pass: where the code goes */
	u32 image_len;
	u32 pos;		/* start of the current block */
	u32 block;		/* its index in prev[] / cur[] */
	u8 buf[JIT_MAX_BLOCK];	/* the current block */
	u32 blen;
	struct jit_fault *faults;	/* the last pass fills them */
	u32 nr_faults;
	u32 max_faults;
	int err;		/* a translation longer than JIT_MAX_BLOCK, ... */
};

/* The function being emitted. */
struct jit_frame {
	u32 func;
	u32 end;		/* one past its last instruction */
	bool may_goto;		/* it keeps a may_goto budget */
	s32 budget_slot;	/* where, relative to a register the back end picks */
};

static inline u32 jit_entry_block(const struct jit_state *j, u32 f)
{
	return j->prog->len + f;
}

static inline u32 jit_epilogue_block(const struct jit_state *j, u32 f)
{
	return j->prog->len + j->prog->nr_funcs + f;
}

/* Appends n bytes to the current block. */
void jit_emit_bytes(struct jit_state *j, const void *bytes, u32 n);

/*
 * The machine instruction at [start, blen) of the current block may fault
 * on the arena: a fault there zeroes reg (jit.h) and resumes after it.
 */
void jit_add_fault(struct jit_state *j, u32 start, u8 reg);

/*
 * The back end's part, each emitting into j->buf what one eBPF instruction
 * (or a function's prologue or epilogue) becomes; jit_passes.c decodes
 * and checks the instruction first, so these see only what they can do.
 */
/* Function f's prologue; fr->budget_slot may be set for the instructions. */
void jit_arch_prologue(struct jit_state *j, struct jit_frame *fr);
void jit_arch_epilogue(struct jit_state *j);
/* ALU and ALU64 but addr_space_cast. */
void jit_arch_alu(struct jit_state *j, const struct bpf_insn *insn);
/*
 * addr_space_cast: dst = (u32)src, then, if that is not 0, dst |= user_hi
 * (the upper half of the arena's user address; 0: nothing to add).
 */
void jit_arch_cast(struct jit_state *j, const struct bpf_insn *insn, u64 user_hi);
void jit_arch_ld_imm64(struct jit_state *j, u8 dst_reg, u64 value);
/* LDX, of the arena (PROBE_MEM32*) or not, sign-extending (MEMSX) or not. */
void jit_arch_load(struct jit_state *j, const struct bpf_insn *insn, bool arena, bool sx);
/* ST and STX. */
void jit_arch_store(struct jit_state *j, const struct bpf_insn *insn, bool arena);
/* Any atomic of BPF_W or BPF_DW whose imm the interpreter knows. */
void jit_arch_atomic(struct jit_state *j, const struct bpf_insn *insn, bool arena);
/* bpf-to-bpf to function func, or a helper / kfunc; r0 = the result. */
void jit_arch_call(struct jit_state *j, u32 func);
void jit_arch_call_native(struct jit_state *j, prog_helper_fn fn);
/*
 * bpf_map_lookup_elem() without the call: r0 = the address of the value
 * whose u32 index r2 points to, in the array whose struct prog_obj r1
 * points to, or 0 when the index is not below max_entries, exactly what
 * the helper returns.  The verifier allows the call only with an array in
 * r1 and 4 readable bytes at r2, and makes r1-r5 unreadable after it: the
 * code may change r1-r5 as the call would.  With array, r1 is that array
 * on every path, and its max_entries, value_stride (at most S32_MAX) and
 * values may be immediates.
 */
void jit_arch_array_lookup(struct jit_state *j, const struct prog_obj *array);
/*
 * bpf_get_smp_processor_id() without the call: r0 = the u32 at the
 * target's cpu_number_off from its cpu_number_base, zero-extended; r1-r5
 * may change as in the call.
 */
void jit_arch_cpu_number(struct jit_state *j);
/* To block target, always, or if the condition of a JMP / JMP32 holds. */
void jit_arch_jump(struct jit_state *j, u32 target);
void jit_arch_cond_jump(struct jit_state *j, const struct bpf_insn *insn, u32 target);
void jit_arch_may_goto(struct jit_state *j, const struct jit_frame *fr, u32 target);

#endif /* ARENA_JIT_PASSES_H */
