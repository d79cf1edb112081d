/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The eBPF instruction set (RFC 9669) as the verifier, the interpreter and
 * the JITs decode it: the uapi encoding of the kernel we build against (6.1
 * at the oldest), plus what cpu v4, may_goto and arenas added later, under
 * names of our own so that they never clash with a newer uapi's enums.
 */
#ifndef ARENA_BPF_ISA_H
#define ARENA_BPF_ISA_H

#ifdef __KERNEL__
#include <uapi/linux/bpf.h>
#else
#include <linux/bpf.h>
#endif

#include "portable.h"

/* Mode of sign-extending loads (cpu v4). */
#define ISA_MEMSX		0x80
/* JMP class op of conditional pseudo jumps; src_reg 0 is may_goto. */
#define ISA_JCOND		0xe0
#define ISA_MAY_GOTO		0
/* insn->off of BPF_ALU64 | BPF_MOV | BPF_X that makes it addr_space_cast. */
#define ISA_ADDR_SPACE_CAST	1
/* addr_space_cast imm: (dst_as << 16) | src_as. */
#define ISA_CAST_TO_KERN	1		/* as(1) -> as(0): arena pointer */
#define ISA_CAST_TO_USER	(1U << 16)	/* as(0) -> as(1): user address */
/* insn->off of BPF_DIV / BPF_MOD that makes them signed (cpu v4). */
#define ISA_SIGNED_DIV		1

/*
 * Modes the verifier writes into arena loads, stores and atomics, as the
 * kernel's own verifier does: the access goes to kern_vm_start + (u32)reg +
 * off, and a missing page reads 0 and drops the store.  User space never
 * hands these in: the verifier rejects them.
 */
#define ISA_PROBE_MEM32		0xa0
#define ISA_PROBE_MEM32SX	0xc0	/* a sign-extending arena load */
#define ISA_PROBE_ATOMIC	0xe0

/* The kernel's limits, which programs written for it expect. */
#define ISA_MAX_STACK		512	/* bytes, all frames of a call chain */
#define ISA_MAX_CALL_FRAMES	8
/* may_goto iterations per function invocation (BPF_MAX_LOOPS). */
#define ISA_MAY_GOTO_BUDGET	(8U * 1024 * 1024)

static inline bool isa_is_ld_imm64(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW);
}

static inline u64 isa_ld_imm64_value(const struct bpf_insn *insn)
{
	return (u64)(u32)insn[0].imm | ((u64)(u32)insn[1].imm << 32);
}

static inline void isa_set_ld_imm64(struct bpf_insn *insn, u64 value)
{
	insn[0].imm = (s32)(u32)value;
	insn[1].imm = (s32)(u32)(value >> 32);
}

/* A jump that compares (if dst op src/imm goto): not ja, call, exit or may_goto. */
static inline bool isa_is_cmp_jump(const struct bpf_insn *insn)
{
	u8 class = BPF_CLASS(insn->code), op = BPF_OP(insn->code);

	return (class == BPF_JMP || class == BPF_JMP32) && op != BPF_JA &&
	       op != BPF_CALL && op != BPF_EXIT && op != ISA_JCOND;
}

static inline u32 isa_access_bytes(u8 code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B:
		return 1;
	case BPF_H:
		return 2;
	case BPF_W:
		return 4;
	default:
		return 8;
	}
}

#endif /* ARENA_BPF_ISA_H */
