// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 back end of the program JIT, the same shape as jit_x86.c: emitters
 * for each machine-instruction form and the jit_arch_*() translations
 * (jit_passes.h), addr_space_cast and PROBE_MEM32 accesses with
 * exception-table entries included.  Built only for arm64 kernels (and the unit tests, cross-built
 * and run under qemu-aarch64).
 *
 * Registers are the kernel's arm64 JIT's: r0 x7, r1-r5 x0-x4 (the AAPCS64
 * argument registers, so that helpers, kfuncs and bpf-to-bpf calls take
 * r1-r5 as they are), r6-r9 x19-x22 (callee-saved), r10 x25 (the frame),
 * x28 the arena's kern_vm_start.  Scratch registers of the generated code:
 *   x9   immediates and blinded constants, helper addresses;
 *   x10  the address of an arena access or of an atomic (and what a fault
 *        with nothing to zero zeroes: see arch_arm64.h, so it never lives
 *        across an access); never 0 otherwise, which LL/SC loops test;
 *   x11  offsets too large for an addressing mode, atomics' old value;
 *   x12  atomics' operand and new value;
 *   x13  the status of a store-exclusive;
 *   x14  the random half of a blinded constant.
 *
 * Frame of each function, from the caller's sp down:
 *   saved x29, x30  <- x29
 *   saved x19, x20, x21, x22, x25, x28  <- x25, eBPF's r10
 *   the eBPF stack, prog_func.stack_depth bytes
 *   padding to 16 bytes
 *   the may_goto budget (4 bytes in a 16-byte slot), if the function has one  <- sp
 *
 * Sizing (jit_passes.h): a conditional branch whose target the previous
 * pass's layout puts out of the +-1 MiB of b.cond / cbz takes an inverted
 * branch over an unconditional b, as the first pass does everywhere.
 * Addresses (helpers, kern_vm_start) are always four instructions
 * and blinded constants always the same count, so code_addr and the random
 * values never change the length.
 */
#include "jit_passes.h"

#define A64_ZR		31	/* xzr / wzr in data and load/store operands */
#define A64_SP		31	/* sp as a base or in add/sub immediate */
#define A64_FP		29
#define A64_LR		30

#define A64_TMP		9
#define A64_ADDR	10
#define A64_OFF		11
#define A64_OLD		11
#define A64_NEW		12
#define A64_STATUS	13
#define A64_BLIND	14
#define A64_BPF_FP	25
#define A64_ARENA	28
/* No register to zero on a fault: arch_arm64.h names x10 then. */
#define A64_FAULT_NONE	0xff

static const u8 a64_bpf_reg[MAX_BPF_REG] = {
	[BPF_REG_0] = 7, [BPF_REG_1] = 0, [BPF_REG_2] = 1, [BPF_REG_3] = 2,
	[BPF_REG_4] = 3, [BPF_REG_5] = 4, [BPF_REG_6] = 19, [BPF_REG_7] = 20,
	[BPF_REG_8] = 21, [BPF_REG_9] = 22, [BPF_REG_10] = A64_BPF_FP,
};

enum a64_cond {
	A64_EQ = 0x0, A64_NE = 0x1, A64_HS = 0x2, A64_LO = 0x3, A64_HI = 0x8, A64_LS = 0x9,
	A64_GE = 0xa, A64_LT = 0xb, A64_GT = 0xc, A64_LE = 0xd, A64_AL = 0xe,
};

/* Data-processing (shifted register) opcodes, sf clear. */
enum a64_alu {
	ALU_AND = 0x0a000000, ALU_ORR = 0x2a000000, ALU_EOR = 0x4a000000,
	ALU_ANDS = 0x6a000000, ALU_ORN = 0x2a200000, ALU_ADD = 0x0b000000, ALU_SUB = 0x4b000000,
	ALU_SUBS = 0x6b000000,
};

/* Data-processing (two source) opcodes, sf clear. */
enum a64_alu2 {
	ALU2_UDIV = 0x1ac00800, ALU2_SDIV = 0x1ac00c00, ALU2_LSLV = 0x1ac02000,
	ALU2_LSRV = 0x1ac02400, ALU2_ASRV = 0x1ac02800,
};

/* Load/store opc field (bits 23:22). */
enum a64_ldst { LDST_STORE = 0, LDST_LOAD = 1, LDST_LOAD_SX64 = 2 };

/* LSE atomic memory operations: the opc field of LDADD and friends. */
enum a64_lse { LSE_ADD = 0, LSE_CLR = 1, LSE_EOR = 2, LSE_SET = 3 };

/* The reach of b.cond and cbz/cbnz, in bytes. */
#define A64_COND_REACH	(1 << 20)

static void emit(struct jit_state *j, u32 insn)
{
	u8 bytes[4] = { insn, insn >> 8, insn >> 16, insn >> 24 };

	jit_emit_bytes(j, bytes, sizeof(bytes));
}

static u32 a64_sf(bool w)
{
	return w ? 1U << 31 : 0;
}

static void emit_alu_rr(struct jit_state *j, bool w, enum a64_alu op, u8 rd, u8 rn, u8 rm)
{
	emit(j, a64_sf(w) | op | rm << 16 | rn << 5 | rd);
}

static void emit_alu2(struct jit_state *j, bool w, enum a64_alu2 op, u8 rd, u8 rn, u8 rm)
{
	emit(j, a64_sf(w) | op | rm << 16 | rn << 5 | rd);
}

static void emit_mov_rr(struct jit_state *j, bool w, u8 rd, u8 rm)
{
	emit_alu_rr(j, w, ALU_ORR, rd, A64_ZR, rm);
}

/* add / sub (immediate, 12 bits); sp allowed, or zr as rd with flags (cmp, cmn). */
static void emit_addsub_imm(struct jit_state *j, bool w, bool sub, bool flags, u8 rd, u8 rn,
			    u32 imm12)
{
	emit(j, a64_sf(w) | 0x11000000 | sub << 30 | flags << 29 | (imm12 & 0xfff) << 10 |
	     rn << 5 | rd);
}

/* madd / msub: rd = ra +- rn * rm. */
static void emit_madd(struct jit_state *j, bool w, bool sub, u8 rd, u8 rn, u8 rm, u8 ra)
{
	emit(j, a64_sf(w) | 0x1b000000 | rm << 16 | sub << 15 | ra << 10 | rn << 5 | rd);
}

/* ubfm / sbfm: the shifts, zero- and sign-extensions. */
static void emit_bfm(struct jit_state *j, bool w, bool is_signed, u8 rd, u8 rn, u8 immr, u8 imms)
{
	emit(j, a64_sf(w) | (is_signed ? 0x13000000 : 0x53000000) | (u32)w << 22 |
	     immr << 16 | imms << 10 | rn << 5 | rd);
}

/* Logical (immediate) opcodes, sf clear; ands with rd zr is tst. */
enum a64_logic { LOGIC_AND = 0x12000000, LOGIC_ORR = 0x32000000, LOGIC_EOR = 0x52000000,
		 LOGIC_ANDS = 0x72000000 };

/*
 * The N:immr:imms field of a logical immediate: v (of 32 bits when !w)
 * must be one element of 2 to 64 bits repeated, each a rotated run of
 * ones; -1 when it is not.
 */
static s32 a64_logic_imm(bool w, u64 v)
{
	u32 e = 64, ones, r;
	u64 mask, elt, rest;

	if (!w)
		v = (u32)v | (u64)(u32)v << 32;
	if (!v || v == ~0ULL)
		return -1;
	while (e > 2 && (v & ((1ULL << e / 2) - 1)) == (v >> e / 2 & ((1ULL << e / 2) - 1)))
		e /= 2;
	mask = e == 64 ? ~0ULL : (1ULL << e) - 1;
	elt = v & mask;
	for (ones = 0, rest = elt; rest; rest &= rest - 1)	/* no libgcc popcount */
		ones++;
	for (r = 0; r < e; r++) {
		u64 rotated = r ? ((elt >> r) | (elt << (e - r))) & mask : elt;

		if (rotated == (1ULL << ones) - 1)
			break;
	}
	if (r == e)
		return -1;
	/* elt is the run rotated right by e - r; imms gives e and the run */
	return (e == 64) << 12 | ((e - r) % e) << 6 | ((~(2 * e - 1) | (ones - 1)) & 0x3f);
}

/* rd = rn op v, when v has an encoding; false when it does not. */
static bool emit_logic_imm(struct jit_state *j, bool w, enum a64_logic op, u8 rd, u8 rn, u64 v)
{
	s32 field = a64_logic_imm(w, v);

	if (field < 0)
		return false;
	emit(j, a64_sf(w) | op | (u32)field << 10 | rn << 5 | rd);
	return true;
}

/* movz / movn / movk of one 16-bit half-word. */
static void emit_movw(struct jit_state *j, bool w, u32 op, u8 rd, u16 imm, u8 hw)
{
	emit(j, a64_sf(w) | op | (u32)hw << 21 | (u32)imm << 5 | rd);
}

#define A64_MOVN	0x12800000
#define A64_MOVZ	0x52800000
#define A64_MOVK	0x72800000

/*
 * rd = v in the fewest move-wide instructions: movz, or movn when more
 * half-words are all ones, then movk for each half-word left.
 */
static void emit_mov_imm(struct jit_state *j, bool w, u8 rd, u64 v)
{
	u32 hws = w ? 4 : 2, zeros = 0, ones = 0, hw;
	bool first = true, inv;
	u16 fill;

	if (!w)
		v = (u32)v;
	for (hw = 0; hw < hws; hw++) {
		zeros += (u16)(v >> (16 * hw)) == 0;
		ones += (u16)(v >> (16 * hw)) == 0xffff;
	}
	inv = ones > zeros;
	fill = inv ? 0xffff : 0;
	for (hw = 0; hw < hws; hw++) {
		u16 h = v >> (16 * hw);

		if (h == fill)
			continue;
		if (first)
			emit_movw(j, w, inv ? A64_MOVN : A64_MOVZ, rd, inv ? ~h : h, hw);
		else
			emit_movw(j, w, A64_MOVK, rd, h, hw);
		first = false;
	}
	if (first)
		emit_movw(j, w, inv ? A64_MOVN : A64_MOVZ, rd, 0, 0);
}

/* rd = v in exactly four instructions: addresses, whatever they are. */
static void emit_mov_addr(struct jit_state *j, u8 rd, u64 v)
{
	u8 hw;

	emit_movw(j, true, A64_MOVZ, rd, v, 0);
	for (hw = 1; hw < 4; hw++)
		emit_movw(j, true, A64_MOVK, rd, v >> (16 * hw), hw);
}

/* rd = a 32-bit v in exactly two instructions. */
static void emit_mov_u32_fixed(struct jit_state *j, u8 rd, u32 v)
{
	emit_movw(j, false, A64_MOVZ, rd, v, 0);
	emit_movw(j, false, A64_MOVK, rd, v >> 16, 1);
}

/*
 * rd = imm the way constant blinding wants it (bpf_jit_blind_constants):
 * the untrusted value never appears in the code, only xored with a random
 * one, and always in the same number of instructions.  w: sign-extended
 * to 64 bits, else zero-extended.
 */
static void emit_blinded_imm(struct jit_state *j, bool w, u8 rd, s32 imm)
{
	u32 rnd = portable_random_u32();

	emit_mov_u32_fixed(j, rd, (u32)imm ^ rnd);
	emit_mov_u32_fixed(j, A64_BLIND, rnd);
	emit_alu_rr(j, false, ALU_EOR, rd, rd, A64_BLIND);
	if (w)
		emit_bfm(j, true, true, rd, rd, 0, 31);		/* sxtw */
}

static void emit_blinded_imm64(struct jit_state *j, u8 rd, u64 v)
{
	u64 rnd = (u64)portable_random_u32() << 32 | portable_random_u32();

	emit_mov_addr(j, rd, v ^ rnd);
	emit_mov_addr(j, A64_BLIND, rnd);
	emit_alu_rr(j, true, ALU_EOR, rd, rd, A64_BLIND);
}

/*
 * An immediate operand into x9: as it is or, with hardening, blinded.
 * w: sign-extended to 64 bits, else zero-extended.
 */
static void emit_imm_operand(struct jit_state *j, bool w, s32 imm)
{
	if (j->target->harden)
		emit_blinded_imm(j, w, A64_TMP, imm);
	else
		emit_mov_imm(j, w, A64_TMP, w ? (u64)(s64)imm : (u32)imm);
}

/*
 * rd = rn + imm for addresses (64 bits): one add or sub when it fits 12
 * bits, else through x11.
 */
static void emit_add_imm(struct jit_state *j, u8 rd, u8 rn, s64 imm)
{
	u64 mag = imm < 0 ? -(u64)imm : (u64)imm;

	if (mag < 4096) {
		if (imm || rd != rn)
			emit_addsub_imm(j, true, imm < 0, false, rd, rn, mag);
		return;
	}
	emit_mov_imm(j, true, A64_OFF, (u64)imm);
	emit_alu_rr(j, true, ALU_ADD, rd, rn, A64_OFF);
}

/* The machine instruction just emitted may fault on the arena. */
static void a64_fault(struct jit_state *j, u8 reg)
{
	jit_add_fault(j, j->blen - 4, reg);
}

/* A byte offset from the current instruction to block target, in the previous layout. */
static s64 a64_branch_off(const struct jit_state *j, u32 target)
{
	return (s64)j->prev[target] - ((s64)j->prev[j->block] + j->blen);
}

static bool a64_cond_reaches(const struct jit_state *j, s64 off)
{
	return !j->first_pass && off >= -A64_COND_REACH && off < A64_COND_REACH;
}

static void emit_b(struct jit_state *j, s64 off)
{
	emit(j, 0x14000000 | ((u32)(off >> 2) & 0x3ffffff));
}

/*
 * A jump to the start of block target: b.cond when the previous pass's
 * layout says it reaches (the layout only shrinks), else b.!cond over a b.
 */
static void emit_jump(struct jit_state *j, enum a64_cond cond, u32 target)
{
	s64 off = a64_branch_off(j, target);

	if (cond == A64_AL) {
		emit_b(j, off);
	} else if (a64_cond_reaches(j, off)) {
		emit(j, 0x54000000 | ((u32)(off >> 2) & 0x7ffff) << 5 | cond);
	} else {
		emit(j, 0x54000000 | 2 << 5 | (cond ^ 1));
		emit_b(j, off - 4);
	}
}

/* cbz / cbnz to block target, with the same long form. */
static void emit_cbz_jump(struct jit_state *j, bool w, bool nonzero, u8 rt, u32 target)
{
	s64 off = a64_branch_off(j, target);
	u32 op = a64_sf(w) | (nonzero ? 0x35000000 : 0x34000000) | rt;

	if (a64_cond_reaches(j, off)) {
		emit(j, op | ((u32)(off >> 2) & 0x7ffff) << 5);
	} else {
		emit(j, (op ^ 0x01000000) | 2 << 5);
		emit_b(j, off - 4);
	}
}

/*
 * A short forward branch inside one translation, patched by a64_land():
 * cond, or cbz / cbnz of rt when cond is A64_AL and rt is not A64_ZR.
 */
static u32 emit_skip(struct jit_state *j, enum a64_cond cond)
{
	emit(j, cond == A64_AL ? 0x14000000 : 0x54000000 | cond);
	return j->blen;
}

static u32 emit_skip_cbz(struct jit_state *j, bool w, bool nonzero, u8 rt)
{
	emit(j, a64_sf(w) | (nonzero ? 0x35000000 : 0x34000000) | rt);
	return j->blen;
}

static void a64_land(struct jit_state *j, u32 skip)
{
	u32 off = (j->blen - (skip - 4)) / 4;
	u8 *insn = j->buf + skip - 4;

	if (skip < 4 || skip > j->blen) {
		j->err = -EFAULT;
		return;
	}
	/* little endian: imm26 of b from bit 0, imm19 of the others from bit 5 */
	if ((insn[3] & 0xfc) == 0x14) {
		insn[0] |= off;
		insn[1] |= off >> 8;
		insn[2] |= off >> 16;
	} else {
		insn[0] |= off << 5;
		insn[1] |= off >> 3;
		insn[2] |= off >> 11;
	}
}

/* A backward cbnz / b.cond inside one translation, to the byte at in it. */
static void emit_back(struct jit_state *j, u32 op, u32 at)
{
	emit(j, op | ((u32)(((s32)at - (s32)j->blen) / 4) & 0x7ffff) << 5);
}

static void emit_call_addr(struct jit_state *j, u64 addr)
{
	emit_mov_addr(j, A64_TMP, addr);
	emit(j, 0xd63f0000 | A64_TMP << 5);		/* blr x9 */
}

/* stp / ldp of a pair of x registers with sp pre-decrement / post-increment. */
static void emit_push(struct jit_state *j, u8 a, u8 b)
{
	emit(j, 0xa9800000 | (0x7eU << 15) | b << 10 | A64_SP << 5 | a);	/* #-16 */
}

static void emit_pop(struct jit_state *j, u8 a, u8 b)
{
	emit(j, 0xa8c00000 | (0x02U << 15) | b << 10 | A64_SP << 5 | a);	/* #16 */
}

#define A64_BTI_C	0xd503245f
#define A64_PACIASP	0xd503233f
#define A64_AUTIASP	0xd50323bf
#define A64_RET		0xd65f03c0
#define A64_DMB_ISH	0xd5033bbf

/* The may_goto budget, a word at sp + slot. */
static void emit_budget_store(struct jit_state *j, s32 slot, u8 rt)
{
	emit(j, 0xb9000000 | (u32)slot / 4 << 10 | A64_SP << 5 | rt);	/* str wt */
}

static void emit_budget_load(struct jit_state *j, s32 slot, u8 rt)
{
	emit(j, 0xb9400000 | (u32)slot / 4 << 10 | A64_SP << 5 | rt);	/* ldr wt */
}

static void emit_prologue(struct jit_state *j, u32 frame, const struct jit_frame *fr)
{
	if (j->target->ibt)
		emit(j, A64_BTI_C);
	if (j->target->pac)
		emit(j, A64_PACIASP);
	emit_push(j, A64_FP, A64_LR);
	emit_addsub_imm(j, true, false, false, A64_FP, A64_SP, 0);
	emit_push(j, 19, 20);
	emit_push(j, 21, 22);
	emit_push(j, A64_BPF_FP, A64_ARENA);
	emit_addsub_imm(j, true, false, false, A64_BPF_FP, A64_SP, 0);
	if (frame)
		emit_addsub_imm(j, true, true, false, A64_SP, A64_SP, frame);
	if (fr->may_goto) {
		emit_mov_imm(j, false, A64_TMP, ISA_MAY_GOTO_BUDGET);
		emit_budget_store(j, fr->budget_slot, A64_TMP);
	}
	if (j->prog->arena)
		emit_mov_addr(j, A64_ARENA, j->target->kern_vm_start);
}

static void emit_epilogue(struct jit_state *j)
{
	emit_addsub_imm(j, true, false, false, A64_SP, A64_BPF_FP, 0);
	emit_pop(j, A64_BPF_FP, A64_ARENA);
	emit_pop(j, 21, 22);
	emit_pop(j, 19, 20);
	emit_pop(j, A64_FP, A64_LR);
	emit_mov_rr(j, true, 0, a64_bpf_reg[BPF_REG_0]);
	if (j->target->pac)
		emit(j, A64_AUTIASP);
	emit(j, A64_RET);
}

static enum a64_alu a64_alu_op(u8 op)
{
	switch (op) {
	case BPF_ADD:
		return ALU_ADD;
	case BPF_SUB:
		return ALU_SUB;
	case BPF_OR:
		return ALU_ORR;
	case BPF_AND:
		return ALU_AND;
	default:
		return ALU_EOR;
	}
}

/* An immediate shift: lsl, lsr, asr as bitfield moves; by 0 it zero-extends (w32). */
static void emit_shift_imm(struct jit_state *j, bool w, u8 op, u8 rd, u32 sh)
{
	u8 bits = w ? 64 : 32;

	sh &= bits - 1;
	if (op == BPF_LSH)
		emit_bfm(j, w, false, rd, rd, (bits - sh) & (bits - 1), bits - 1 - sh);
	else
		emit_bfm(j, w, op == BPF_ARSH, rd, rd, sh, bits - 1);
}

/*
 * Division and modulo with eBPF's rules are the machine's: udiv and sdiv
 * by zero give 0 and INT_MIN / -1 gives INT_MIN, so that the remainder
 * dividend - quotient * divisor is the dividend and 0 in those cases.
 * The divisor is in rm.
 */
static void emit_divmod(struct jit_state *j, bool w, bool mod, bool is_signed, u8 rd, u8 rm)
{
	enum a64_alu2 op = is_signed ? ALU2_SDIV : ALU2_UDIV;

	if (!mod) {
		emit_alu2(j, w, op, rd, rd, rm);
		return;
	}
	emit_alu2(j, w, op, A64_OLD, rd, rm);
	emit_madd(j, w, true, rd, A64_OLD, rm, rd);
}

/* BPF_END and bswap: to big endian swaps, to little endian truncates. */
static void emit_end(struct jit_state *j, bool swap, u8 rd, s32 bits)
{
	switch (bits) {
	case 16:
		if (swap)
			emit(j, 0x5ac00400 | rd << 5 | rd);		/* rev16 w */
		emit_bfm(j, false, false, rd, rd, 0, 15);		/* uxth */
		break;
	case 32:
		if (swap)
			emit(j, 0x5ac00800 | rd << 5 | rd);		/* rev w */
		else
			emit_mov_rr(j, false, rd, rd);
		break;
	case 64:
		if (swap)
			emit(j, 0xdac00c00 | rd << 5 | rd);		/* rev x */
		break;
	}
}

static void emit_movsx(struct jit_state *j, bool w, u8 rd, u8 rn, s16 bits)
{
	switch (bits) {
	case 8:
	case 16:
		emit_bfm(j, w, true, rd, rn, 0, bits - 1);
		break;
	case 32:
		if (w)
			emit_bfm(j, true, true, rd, rn, 0, 31);		/* sxtw */
		else
			emit_mov_rr(j, false, rd, rn);
		break;
	}
}


void jit_arch_cast(struct jit_state *j, const struct bpf_insn *insn, u64 user_hi)
{
	u8 rd = a64_bpf_reg[insn->dst_reg];
	u32 skip;

	emit_mov_rr(j, false, rd, a64_bpf_reg[insn->src_reg]);
	if (!user_hi)
		return;
	skip = emit_skip_cbz(j, true, false, rd);
	emit_mov_imm(j, true, A64_TMP, user_hi);
	emit_alu_rr(j, true, ALU_ORR, rd, rd, A64_TMP);
	a64_land(j, skip);
}

/* add, sub, and, or, xor with an immediate: add / sub immediate when it fits. */
static void emit_alu_imm(struct jit_state *j, bool w, u8 op, u8 rd, s32 imm)
{
	static const enum a64_logic logic[] = {
		[BPF_OR >> 4] = LOGIC_ORR, [BPF_AND >> 4] = LOGIC_AND, [BPF_XOR >> 4] = LOGIC_EOR,
	};
	bool addsub = op == BPF_ADD || op == BPF_SUB;
	s64 v = op == BPF_SUB ? -(s64)imm : imm;

	if (addsub && !j->target->harden && v > -4096 && v < 4096) {
		emit_addsub_imm(j, w, v < 0, false, rd, rd, v < 0 ? -v : v);
		return;
	}
	if (!addsub && !j->target->harden &&
	    emit_logic_imm(j, w, logic[op >> 4], rd, rd, w ? (u64)(s64)imm : (u32)imm))
		return;
	emit_imm_operand(j, w, imm);
	emit_alu_rr(j, w, a64_alu_op(op), rd, rd, A64_TMP);
}

void jit_arch_alu(struct jit_state *j, const struct bpf_insn *insn)
{
	bool w = BPF_CLASS(insn->code) == BPF_ALU64;
	bool k = BPF_SRC(insn->code) == BPF_K;
	u8 rd = a64_bpf_reg[insn->dst_reg];
	u8 rm = a64_bpf_reg[insn->src_reg];
	u8 op = BPF_OP(insn->code);
	s32 imm = insn->imm;

	switch (op) {
	case BPF_ADD:
	case BPF_SUB:
	case BPF_OR:
	case BPF_AND:
	case BPF_XOR:
		if (k)
			emit_alu_imm(j, w, op, rd, imm);
		else
			emit_alu_rr(j, w, a64_alu_op(op), rd, rd, rm);
		break;
	case BPF_MUL:
		if (k) {
			emit_imm_operand(j, w, imm);
			rm = A64_TMP;
		}
		emit_madd(j, w, false, rd, rd, rm, A64_ZR);
		break;
	case BPF_DIV:
	case BPF_MOD:
		if (k) {
			emit_imm_operand(j, w, imm);
			rm = A64_TMP;
		}
		emit_divmod(j, w, op == BPF_MOD, insn->off == ISA_SIGNED_DIV, rd, rm);
		break;
	case BPF_LSH:
	case BPF_RSH:
	case BPF_ARSH:
		if (k)
			emit_shift_imm(j, w, op, rd, imm);
		else
			emit_alu2(j, w, op == BPF_LSH ? ALU2_LSLV : op == BPF_RSH ? ALU2_LSRV :
				  ALU2_ASRV, rd, rd, rm);
		break;
	case BPF_NEG:
		emit_alu_rr(j, w, ALU_SUB, rd, A64_ZR, rd);
		break;
	case BPF_MOV:
		if (k && imm && j->target->harden)
			emit_blinded_imm(j, w, rd, imm);
		else if (k)
			emit_mov_imm(j, w, rd, w ? (u64)(s64)imm : (u32)imm);
		else if (insn->off)
			emit_movsx(j, w, rd, rm, insn->off);
		else if (!w || rd != rm)
			emit_mov_rr(j, w, rd, rm);
		break;
	default:	/* BPF_END */
		emit_end(j, w || BPF_SRC(insn->code) == BPF_TO_BE, rd, imm);
		break;
	}
}

/* The size field of a load or store: log2 of its bytes. */
static u32 a64_size(u8 size)
{
	switch (size) {
	case BPF_B:
		return 0;
	case BPF_H:
		return 1;
	case BPF_W:
		return 2;
	default:
		return 3;
	}
}

/*
 * One load or store of rt at [rn + off]: the scaled unsigned offset form,
 * the unscaled signed one, or the offset in x11.  The access itself is
 * the last instruction emitted.  Sign-extending loads go to 64 bits.
 */
static void emit_ldst(struct jit_state *j, u8 size, enum a64_ldst opc, u8 rt, u8 rn, s32 off)
{
	u32 lg = a64_size(size), base = lg << 30 | (u32)opc << 22 | rn << 5 | rt;

	if (off >= 0 && !(off & ((1 << lg) - 1)) && (off >> lg) < 4096) {
		emit(j, 0x39000000 | base | (u32)(off >> lg) << 10);
	} else if (off >= -256 && off < 256) {
		emit(j, 0x38000000 | base | ((u32)off & 0x1ff) << 12);
	} else {
		emit_mov_imm(j, true, A64_OFF, (u64)(s64)off);
		emit(j, 0x38206800 | base | A64_OFF << 16);	/* [rn, x11] */
	}
}

/* The base of an access: rn itself, or for the arena x10 = x28 + (u32)rn. */
static u8 a64_base(struct jit_state *j, bool arena, u8 rn)
{
	if (!arena)
		return rn;
	/* add x10, x28, wn, uxtw */
	emit(j, 0x8b204000 | rn << 16 | A64_ARENA << 5 | A64_ADDR);
	return A64_ADDR;
}

void jit_arch_load(struct jit_state *j, const struct bpf_insn *insn, bool arena, bool sx)
{
	u8 rd = a64_bpf_reg[insn->dst_reg];
	u8 base = a64_base(j, arena, a64_bpf_reg[insn->src_reg]);

	emit_ldst(j, BPF_SIZE(insn->code), sx ? LDST_LOAD_SX64 : LDST_LOAD, rd, base, insn->off);
	if (arena)
		a64_fault(j, rd);
}

void jit_arch_store(struct jit_state *j, const struct bpf_insn *insn, bool arena)
{
	u8 val = a64_bpf_reg[insn->src_reg], base;

	if (BPF_CLASS(insn->code) == BPF_ST && !insn->imm) {
		val = A64_ZR;
	} else if (BPF_CLASS(insn->code) == BPF_ST) {
		emit_imm_operand(j, true, insn->imm);
		val = A64_TMP;
	}
	base = a64_base(j, arena, a64_bpf_reg[insn->dst_reg]);
	emit_ldst(j, BPF_SIZE(insn->code), LDST_STORE, val, base, insn->off);
	if (arena)
		a64_fault(j, A64_FAULT_NONE);
}

/*
 * The register an atomic's fetched value goes to: src, r0 for cmpxchg,
 * none for the plain ones.
 */
static u8 a64_atomic_result(const struct bpf_insn *insn)
{
	if (insn->imm == BPF_CMPXCHG)
		return a64_bpf_reg[BPF_REG_0];
	if (insn->imm & BPF_FETCH)
		return a64_bpf_reg[insn->src_reg];
	return A64_FAULT_NONE;
}

/* One LSE instruction: ld<op>[al] / st<op>, swp[al], cas[al]. */
static void emit_atomic_lse(struct jit_state *j, const struct bpf_insn *insn, bool arena)
{
	bool w = BPF_SIZE(insn->code) == BPF_DW;
	u32 size = (w ? 3U : 2U) << 30, al = 3U << 22;
	u8 rs = a64_bpf_reg[insn->src_reg];
	u8 rt = a64_atomic_result(insn);
	enum a64_lse op;

	switch (insn->imm & ~BPF_FETCH) {
	case BPF_ADD:
		op = LSE_ADD;
		break;
	case BPF_AND:
		emit_alu_rr(j, w, ALU_ORN, A64_NEW, A64_ZR, rs);	/* mvn */
		rs = A64_NEW;
		op = LSE_CLR;
		break;
	case BPF_OR:
		op = LSE_SET;
		break;
	case BPF_XOR:
		op = LSE_EOR;
		break;
	case BPF_XCHG & ~BPF_FETCH:
		emit(j, size | 0x38208000 | al | rs << 16 | A64_ADDR << 5 | rt);	/* swpal */
		if (arena)
			a64_fault(j, rt);
		return;
	default:	/* BPF_CMPXCHG */
		emit_mov_rr(j, w, A64_OLD, rt);
		emit(j, size | 0x08e0fc00 | A64_OLD << 16 | A64_ADDR << 5 | rs);	/* casal */
		if (arena)
			a64_fault(j, A64_OLD);
		emit_mov_rr(j, w, rt, A64_OLD);
		return;
	}
	/* fetching ones fully ordered, the others as the kernel's JIT: relaxed */
	emit(j, size | 0x38200000 | (rt == A64_FAULT_NONE ? 0 : al) | rs << 16 |
	     (u32)op << 12 | A64_ADDR << 5 | (rt == A64_FAULT_NONE ? A64_ZR : rt));
	if (arena)
		a64_fault(j, rt);
}

/*
 * The same as a load-exclusive / store-exclusive loop.  On the arena a
 * fault in either zeroes x10, which is never 0 otherwise: the loop checks
 * it after each and then gives a fetched value of 0 (a store-exclusive
 * whose monitor is lost may fail rather than fault, so the status alone
 * would loop forever).
 */
static void emit_atomic_llsc(struct jit_state *j, const struct bpf_insn *insn, bool arena)
{
	bool w = BPF_SIZE(insn->code) == BPF_DW;
	u32 size = (w ? 3U : 2U) << 30, loop, faulted[2] = {}, done = 0, nomatch = 0, i;
	u8 rs = a64_bpf_reg[insn->src_reg];
	u8 rt = a64_atomic_result(insn);
	bool fetch = rt != A64_FAULT_NONE;
	u8 value = A64_NEW;

	loop = j->blen;
	emit(j, size | 0x085f7c00 | A64_ADDR << 5 | A64_OLD);		/* ldxr */
	if (arena) {
		a64_fault(j, A64_ADDR);
		faulted[0] = emit_skip_cbz(j, true, false, A64_ADDR);
	}
	switch (insn->imm & ~BPF_FETCH) {
	case BPF_ADD:
	case BPF_AND:
	case BPF_OR:
	case BPF_XOR:
		emit_alu_rr(j, w, a64_alu_op(insn->imm & ~BPF_FETCH), A64_NEW, A64_OLD, rs);
		break;
	case BPF_XCHG & ~BPF_FETCH:
		value = rs;
		break;
	default:	/* BPF_CMPXCHG */
		emit_alu_rr(j, w, ALU_SUBS, A64_ZR, A64_OLD, rt);
		nomatch = emit_skip(j, A64_NE);
		value = rs;
		break;
	}
	/* stlxr when the result is fetched (fully ordered), else stxr */
	emit(j, size | 0x08007c00 | (u32)fetch << 15 | A64_STATUS << 16 | A64_ADDR << 5 | value);
	if (arena) {
		a64_fault(j, A64_ADDR);
		faulted[1] = emit_skip_cbz(j, true, false, A64_ADDR);
	}
	emit_back(j, 0x35000000 | A64_STATUS, loop);			/* cbnz w13, loop */
	if (fetch)
		emit(j, A64_DMB_ISH);
	if (nomatch)
		a64_land(j, nomatch);
	if (arena && fetch) {
		done = emit_skip(j, A64_AL);
		for (i = 0; i < ARRAY_SIZE(faulted); i++)
			a64_land(j, faulted[i]);
		emit_mov_rr(j, true, A64_OLD, A64_ZR);
		a64_land(j, done);
	} else if (arena) {
		for (i = 0; i < ARRAY_SIZE(faulted); i++)
			a64_land(j, faulted[i]);
	}
	if (fetch)
		emit_mov_rr(j, w, rt, A64_OLD);
}

/*
 * An arena atomic must be naturally aligned (the interpreter's rule, which
 * arm64's LSE2 would relax): a misaligned one gives its result register 0.
 */
void jit_arch_atomic(struct jit_state *j, const struct bpf_insn *insn, bool arena)
{
	bool w = BPF_SIZE(insn->code) == BPF_DW;
	u8 rt = a64_atomic_result(insn);
	u32 misaligned = 0, done;

	emit_add_imm(j, A64_ADDR, a64_base(j, arena, a64_bpf_reg[insn->dst_reg]), insn->off);
	if (arena) {
		emit_logic_imm(j, true, LOGIC_ANDS, A64_ZR, A64_ADDR, w ? 7 : 3);	/* tst */
		misaligned = emit_skip(j, A64_NE);
	}
	if (j->target->lse)
		emit_atomic_lse(j, insn, arena);
	else
		emit_atomic_llsc(j, insn, arena);
	if (!arena)
		return;
	if (rt == A64_FAULT_NONE) {
		a64_land(j, misaligned);
		return;
	}
	done = emit_skip(j, A64_AL);
	a64_land(j, misaligned);
	emit_mov_rr(j, true, rt, A64_ZR);
	a64_land(j, done);
}

static enum a64_cond a64_jmp_cond(u8 op)
{
	switch (op) {
	case BPF_JEQ:
		return A64_EQ;
	case BPF_JGT:
		return A64_HI;
	case BPF_JGE:
		return A64_HS;
	case BPF_JLT:
		return A64_LO;
	case BPF_JLE:
		return A64_LS;
	case BPF_JSGT:
		return A64_GT;
	case BPF_JSGE:
		return A64_GE;
	case BPF_JSLT:
		return A64_LT;
	case BPF_JSLE:
		return A64_LE;
	default:	/* JNE, JSET */
		return A64_NE;
	}
}

void jit_arch_cond_jump(struct jit_state *j, const struct bpf_insn *insn, u32 target)
{
	bool w = BPF_CLASS(insn->code) == BPF_JMP;
	u8 rd = a64_bpf_reg[insn->dst_reg];
	u8 rm = a64_bpf_reg[insn->src_reg];
	u8 op = BPF_OP(insn->code);
	s64 imm = w ? (s64)insn->imm : (s64)(u32)insn->imm;

	if (BPF_SRC(insn->code) == BPF_K && op != BPF_JSET && !j->target->harden &&
	    insn->imm > -4096 && insn->imm < 4096) {
		/* cmp / cmn immediate: the same flags as a cmp with the register */
		emit_addsub_imm(j, w, insn->imm >= 0, true, A64_ZR, rd,
				insn->imm >= 0 ? insn->imm : -insn->imm);
		emit_jump(j, a64_jmp_cond(op), target);
		return;
	}
	if (BPF_SRC(insn->code) == BPF_K && op == BPF_JSET && !j->target->harden &&
	    emit_logic_imm(j, w, LOGIC_ANDS, A64_ZR, rd, (u64)imm)) {
		emit_jump(j, A64_NE, target);
		return;
	}
	if (BPF_SRC(insn->code) == BPF_K) {
		if (j->target->harden)
			emit_imm_operand(j, w, insn->imm);
		else
			emit_mov_imm(j, w, A64_TMP, (u64)imm);
		rm = A64_TMP;
	}
	emit_alu_rr(j, w, op == BPF_JSET ? ALU_ANDS : ALU_SUBS, A64_ZR, rd, rm);
	emit_jump(j, a64_jmp_cond(op), target);
}

void jit_arch_call(struct jit_state *j, u32 func)
{
	/* bl: +-128 MiB, more than the pool */
	emit(j, 0x94000000 | ((u32)(a64_branch_off(j, jit_entry_block(j, func)) >> 2) &
			      0x3ffffff));
	emit_mov_rr(j, true, a64_bpf_reg[BPF_REG_0], 0);
}

void jit_arch_call_native(struct jit_state *j, prog_helper_fn fn)
{
	emit_call_addr(j, (u64)(unsigned long)fn);
	emit_mov_rr(j, true, a64_bpf_reg[BPF_REG_0], 0);
}

/*
 * The index's unsigned compare with max_entries chooses between the
 * address and zero (csel): no branch.  umaddl multiplies the u32 index by
 * the u32 stride into 64 bits and adds the values' address.  The array's
 * fields are moved in as immediates when it is known, else loaded.  Only
 * r0-r3 change.
 */
void jit_arch_array_lookup(struct jit_state *j, const struct prog_obj *array)
{
	u8 r0 = a64_bpf_reg[BPF_REG_0], obj = a64_bpf_reg[BPF_REG_1];
	u8 key = a64_bpf_reg[BPF_REG_2], stride = a64_bpf_reg[BPF_REG_3];
	u8 limit = key;		/* once the index is read */

	emit_ldst(j, BPF_W, LDST_LOAD, r0, key, 0);				/* the index */
	if (array) {
		emit_mov_imm(j, false, limit, array->max_entries);
		emit_mov_imm(j, false, stride, array->value_stride);
		emit_mov_imm(j, true, obj, (u64)(unsigned long)array->values);
	} else {
		emit_ldst(j, BPF_W, LDST_LOAD, limit, obj,
			  offsetof(struct prog_obj, max_entries));
		emit_ldst(j, BPF_W, LDST_LOAD, stride, obj,
			  offsetof(struct prog_obj, value_stride));
		emit_ldst(j, BPF_DW, LDST_LOAD, obj, obj, offsetof(struct prog_obj, values));
	}
	emit_alu_rr(j, false, ALU_SUBS, A64_ZR, r0, limit);			/* cmp */
	emit(j, 0x9ba00000 | stride << 16 | obj << 10 | r0 << 5 | obj);	/* umaddl */
	emit(j, 0x9a800000 | A64_ZR << 16 | A64_LO << 12 | obj << 5 | r0);	/* csel */
}

void jit_arch_cpu_number(struct jit_state *j)
{
	emit(j, j->target->cpu_number_base | A64_TMP);	/* mrs x9, <base register> */
	emit_ldst(j, BPF_W, LDST_LOAD, a64_bpf_reg[BPF_REG_0], A64_TMP, j->target->cpu_number_off);
}

void jit_arch_jump(struct jit_state *j, u32 target)
{
	emit_jump(j, A64_AL, target);
}

void jit_arch_ld_imm64(struct jit_state *j, u8 dst_reg, u64 value)
{
	if (j->target->harden)
		emit_blinded_imm64(j, a64_bpf_reg[dst_reg], value);
	else
		emit_mov_imm(j, true, a64_bpf_reg[dst_reg], value);
}

/*
 * may_goto: jump once the invocation's budget (at [sp]) is spent, else
 * spend one; every PROG_STOP_CHECK_EVERY iterations ask prog_should_stop()
 * (r0-r5 kept on the stack, in pairs that keep sp aligned) and, if the run
 * should end, spend the whole budget and start over, which then jumps.
 * The only branch whose size depends on the layout comes first.
 */
void jit_arch_may_goto(struct jit_state *j, const struct jit_frame *fr, u32 target)
{
	static const u8 saved[][2] = { { 0, 1 }, { 2, 3 }, { 4, 7 } };
	u32 again = j->blen, skip, i;

	emit_budget_load(j, fr->budget_slot, A64_TMP);
	emit_cbz_jump(j, false, false, A64_TMP, target);
	/* tst */
	emit_logic_imm(j, false, LOGIC_ANDS, A64_ZR, A64_TMP, PROG_STOP_CHECK_EVERY - 1);
	skip = emit_skip(j, A64_NE);
	for (i = 0; i < ARRAY_SIZE(saved); i++)
		emit_push(j, saved[i][0], saved[i][1]);
	emit_call_addr(j, (u64)(unsigned long)prog_should_stop);
	emit_logic_imm(j, false, LOGIC_AND, A64_TMP, 0, 0xff);		/* w9 = (u8)w0 */
	for (i = ARRAY_SIZE(saved); i-- > 0;)
		emit_pop(j, saved[i][0], saved[i][1]);
	i = emit_skip_cbz(j, false, false, A64_TMP);
	emit_budget_store(j, fr->budget_slot, A64_ZR);
	emit_b(j, (s64)again - j->blen);
	a64_land(j, i);
	/* The call took the budget's register; the fast path still has it. */
	emit_budget_load(j, fr->budget_slot, A64_TMP);
	a64_land(j, skip);
	emit_addsub_imm(j, false, true, false, A64_TMP, A64_TMP, 1);
	emit_budget_store(j, fr->budget_slot, A64_TMP);
}

/* The eBPF stack rounded to 16 bytes, then the may_goto budget's slot at sp. */
void jit_arch_prologue(struct jit_state *j, struct jit_frame *fr)
{
	u32 frame = (j->prog->funcs[fr->func].stack_depth + 15) & ~15U;

	fr->budget_slot = 0;
	emit_prologue(j, fr->may_goto ? frame + 16 : frame, fr);
}

void jit_arch_epilogue(struct jit_state *j)
{
	emit_epilogue(j);
}
