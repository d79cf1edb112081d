/* SPDX-License-Identifier: GPL-2.0 */
/*
 * eBPF instructions as C initialisers, for tests that write programs by
 * hand (in the spirit of the kernel's BPF_MOV64_IMM & co., under names of
 * our own): brace initialisers for struct bpf_insn arrays.  ld_imm64 forms
 * expand to two instructions.
 */
#ifndef ARENA_TEST_INSNS_H
#define ARENA_TEST_INSNS_H

#include <linux/bpf.h>

#define I_RAW(c, d, s, o, i)						\
	{ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) }

/* ALU: op is BPF_ADD, BPF_SUB, ...; 64-bit and 32-bit forms. */
#define I_ALU64_IMM(op, d, i)	I_RAW(BPF_ALU64 | (op) | BPF_K, d, 0, 0, i)
#define I_ALU32_IMM(op, d, i)	I_RAW(BPF_ALU | (op) | BPF_K, d, 0, 0, i)
#define I_ALU64_REG(op, d, s)	I_RAW(BPF_ALU64 | (op) | BPF_X, d, s, 0, 0)
#define I_ALU32_REG(op, d, s)	I_RAW(BPF_ALU | (op) | BPF_X, d, s, 0, 0)
#define I_MOV64_IMM(d, i)	I_ALU64_IMM(BPF_MOV, d, i)
#define I_MOV32_IMM(d, i)	I_ALU32_IMM(BPF_MOV, d, i)
#define I_MOV64_REG(d, s)	I_ALU64_REG(BPF_MOV, d, s)
#define I_MOV32_REG(d, s)	I_ALU32_REG(BPF_MOV, d, s)
/* Sign-extending moves (cpu v4): bits 8, 16 or 32. */
#define I_MOVSX64(d, s, bits)	I_RAW(BPF_ALU64 | BPF_MOV | BPF_X, d, s, bits, 0)
#define I_MOVSX32(d, s, bits)	I_RAW(BPF_ALU | BPF_MOV | BPF_X, d, s, bits, 0)
/* Signed division and modulo (cpu v4). */
#define I_SDIV64_IMM(d, i)	I_RAW(BPF_ALU64 | BPF_DIV | BPF_K, d, 0, 1, i)
#define I_SMOD64_REG(d, s)	I_RAW(BPF_ALU64 | BPF_MOD | BPF_X, d, s, 1, 0)
#define I_NEG64(d)		I_RAW(BPF_ALU64 | BPF_NEG | BPF_K, d, 0, 0, 0)
#define I_NEG32(d)		I_RAW(BPF_ALU | BPF_NEG | BPF_K, d, 0, 0, 0)
#define I_LE(d, bits)		I_RAW(BPF_ALU | BPF_END | BPF_TO_LE, d, 0, 0, bits)
#define I_BE(d, bits)		I_RAW(BPF_ALU | BPF_END | BPF_TO_BE, d, 0, 0, bits)
#define I_BSWAP(d, bits)	I_RAW(BPF_ALU64 | BPF_END | BPF_TO_LE, d, 0, 0, bits)
/* addr_space_cast(d, dst_as, src_as): imm = dst_as << 16 | src_as. */
#define I_CAST(d, s, i)		I_RAW(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 1, i)
#define I_CAST_KERN(d, s)	I_CAST(d, s, 1)
#define I_CAST_USER(d, s)	I_CAST(d, s, 1 << 16)

/* ld_imm64 forms. */
#define I_LD_IMM64_RAW(d, s, lo, hi)					\
	I_RAW(BPF_LD | BPF_DW | BPF_IMM, d, s, 0, lo), I_RAW(0, 0, 0, 0, hi)
#define I_LD_IMM64(d, v)						\
	I_LD_IMM64_RAW(d, 0, (__s32)(__u32)(__u64)(v),			\
		       (__s32)(__u32)((__u64)(v) >> 32))
/* An object of the program (src_reg BPF_PSEUDO_MAP_IDX). */
#define I_LD_OBJ(d, idx)	I_LD_IMM64_RAW(d, BPF_PSEUDO_MAP_IDX, idx, 0)
/* A value of an object at an offset (BPF_PSEUDO_MAP_IDX_VALUE). */
#define I_LD_OBJ_VALUE(d, idx, off)					\
	I_LD_IMM64_RAW(d, BPF_PSEUDO_MAP_IDX_VALUE, idx, off)
/* A function at pc + 1 + off (BPF_PSEUDO_FUNC). */
#define I_LD_FUNC(d, off)	I_LD_IMM64_RAW(d, BPF_PSEUDO_FUNC, off, 0)

/* Memory: size is BPF_B, BPF_H, BPF_W or BPF_DW. */
#define I_LDX(sz, d, s, o)	I_RAW(BPF_LDX | (sz) | BPF_MEM, d, s, o, 0)
#define I_LDXSX(sz, d, s, o)	I_RAW(BPF_LDX | (sz) | 0x80, d, s, o, 0)
#define I_STX(sz, d, s, o)	I_RAW(BPF_STX | (sz) | BPF_MEM, d, s, o, 0)
#define I_ST(sz, d, o, i)	I_RAW(BPF_ST | (sz) | BPF_MEM, d, 0, o, i)
/* op: BPF_ADD, BPF_AND, ... | BPF_FETCH, BPF_XCHG, BPF_CMPXCHG. */
#define I_ATOMIC(sz, op, d, s, o) I_RAW(BPF_STX | (sz) | BPF_ATOMIC, d, s, o, op)

/* Jumps: op is BPF_JEQ, BPF_JGT, ...; to pc + 1 + off. */
#define I_JMP_IMM(op, d, i, o)	I_RAW(BPF_JMP | (op) | BPF_K, d, 0, o, i)
#define I_JMP_REG(op, d, s, o)	I_RAW(BPF_JMP | (op) | BPF_X, d, s, o, 0)
#define I_JMP32_IMM(op, d, i, o) I_RAW(BPF_JMP32 | (op) | BPF_K, d, 0, o, i)
#define I_JMP32_REG(op, d, s, o) I_RAW(BPF_JMP32 | (op) | BPF_X, d, s, o, 0)
#define I_JA(o)			I_RAW(BPF_JMP | BPF_JA, 0, 0, o, 0)
#define I_GOTOL(i)		I_RAW(BPF_JMP32 | BPF_JA, 0, 0, 0, i)
#define I_MAY_GOTO(o)		I_RAW(BPF_JMP | 0xe0, 0, 0, o, 0)
#define I_CALL(id)		I_RAW(BPF_JMP | BPF_CALL, 0, 0, 0, id)
#define I_CALL_FUNC(o)		I_RAW(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_CALL, 0, o)
#define I_KFUNC(id)		I_RAW(BPF_JMP | BPF_CALL, 0, BPF_PSEUDO_KFUNC_CALL, 0, id)
#define I_EXIT()		I_RAW(BPF_JMP | BPF_EXIT, 0, 0, 0, 0)

/* Helper ids (bpf_helper_defs.h). */
#define H_MAP_LOOKUP_ELEM	1
#define H_KTIME_GET_NS		5
#define H_GET_SMP_PROCESSOR_ID	8
#define H_RINGBUF_OUTPUT	130
#define H_RINGBUF_RESERVE	131
#define H_RINGBUF_SUBMIT	132
#define H_RINGBUF_DISCARD	133
#define H_RINGBUF_QUERY		134
#define H_LOOP			181
#define H_DYNPTR_READ		201
#define H_USER_RINGBUF_DRAIN	209

#endif /* ARENA_TEST_INSNS_H */
