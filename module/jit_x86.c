// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 back end of the program JIT: emitters for each machine-instruction
 * form and the translation of each eBPF opcode class, including
 * addr_space_cast and PROBE_MEM32 accesses with exception-table entries.
 * Built only for x86-64 kernels (and the host unit tests).
 *
 * Registers are the kernel's x86 JIT's: r0 rax, r1-r5 rdi rsi rdx rcx r8
 * (the System V argument registers, so that helpers, kfuncs and bpf-to-bpf
 * calls take r1-r5 as they are), r6-r9 rbx r13 r14 r15 (callee-saved, as
 * eBPF wants them across calls), r10 rbp (the frame).  The generated code
 * uses three scratch registers of its own and one fixed one:
 *   r11  the zero-extended arena offset of an arena access, the divisor,
 *        the shift count's saved rcx (and what a fault with nothing to zero
 *        zeroes: see arch_x86.h, so it never lives across an access);
 *   r10  blinded constants;
 *   r9   rax/rdx saved around a division, the new value of a cmpxchg loop;
 *   r12  the arena's kern_vm_start, loaded by every function's prologue.
 *
 * Frame of each function, from the caller's return address down:
 *   saved rbp  <- rbp, eBPF's r10
 *   the eBPF stack, prog_func.stack_depth bytes
 *   the may_goto budget (4 bytes in an 8-byte slot), if the function has one
 *   padding to keep rsp 16-byte aligned at calls
 *   saved rbx, r12, r13, r14, r15  <- rsp
 *
 * Sizing (jit_passes.h): jumps pick rel8 when the previous pass's layout
 * says it reaches, else rel32.  Nothing else depends on the
 * layout or on code_addr (helper calls are always rel32, blinded constants
 * always imm32), so a compile at address 0 gives the length of the real one.
 */
#include "jit_passes.h"

enum x86_reg {
	RAX, RCX, RDX, RBX, RSP, RBP, RSI, RDI,
	R8, R9, R10, R11, R12, R13, R14, R15,
};

#define X86_SCRATCH	R11
#define X86_BLIND	R10
#define X86_SAVE	R9
#define X86_ARENA	R12
/* No register to zero on a fault: arch_x86.h names r11 then. */
#define X86_FAULT_NONE	0xff

static const u8 x86_bpf_reg[MAX_BPF_REG] = {
	[BPF_REG_0] = RAX, [BPF_REG_1] = RDI, [BPF_REG_2] = RSI, [BPF_REG_3] = RDX,
	[BPF_REG_4] = RCX, [BPF_REG_5] = R8, [BPF_REG_6] = RBX, [BPF_REG_7] = R13,
	[BPF_REG_8] = R14, [BPF_REG_9] = R15, [BPF_REG_10] = RBP,
};

/* Condition codes (the low nibble of jcc). */
enum x86_cc {
	CC_B = 0x2, CC_AE = 0x3, CC_E = 0x4, CC_NE = 0x5, CC_BE = 0x6, CC_A = 0x7,
	CC_L = 0xc, CC_GE = 0xd, CC_LE = 0xe, CC_G = 0xf,
	CC_ALWAYS = 0x10,	/* jmp */
};

/* Group-1 ALU opcodes: op r/m, reg and their /n in 0x81 / 0x83. */
enum x86_alu {
	ALU_ADD = 0, ALU_OR = 1, ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6, ALU_CMP = 7,
};

/* Group-2 shifts: /n of 0xc1 / 0xd3. */
enum x86_shift { SHIFT_SHL = 4, SHIFT_SHR = 5, SHIFT_SAR = 7 };

static bool x86_is_s8(s64 v)
{
	return v >= -128 && v <= 127;
}

static bool x86_is_s32(s64 v)
{
	return v >= S32_MIN && v <= S32_MAX;
}

static void emit1(struct jit_state *j, u8 b)
{
	jit_emit_bytes(j, &b, 1);
}

static void emit2(struct jit_state *j, u8 a, u8 b)
{
	emit1(j, a);
	emit1(j, b);
}

static void emit4(struct jit_state *j, u32 v)
{
	emit2(j, v, v >> 8);
	emit2(j, v >> 16, v >> 24);
}

static void emit8(struct jit_state *j, u64 v)
{
	emit4(j, v);
	emit4(j, v >> 32);
}

/* Opcodes of one byte, or two (0x0f xx) packed as 0x0fxx. */
static void emit_opcode(struct jit_state *j, u16 op)
{
	if (op > 0xff)
		emit1(j, op >> 8);
	emit1(j, op);
}

/*
 * A REX prefix when anything needs one; byte says an operand is a byte
 * register, where 4-7 mean spl-dil only with a REX.
 */
static void emit_rex(struct jit_state *j, bool w, u8 reg, u8 index, u8 rm, bool byte)
{
	u8 rex = 0x40 | w << 3 | (reg >> 3) << 2 | (index >> 3) << 1 | rm >> 3;

	if (rex != 0x40 || (byte && ((reg >= 4 && reg < 8) || (rm >= 4 && rm < 8))))
		emit1(j, rex);
}

/* op with a register operand (reg field) and a register r/m. */
static void emit_op_rr(struct jit_state *j, u8 prefix, bool w, u16 op, u8 reg, u8 rm,
		       bool byte)
{
	if (prefix)
		emit1(j, prefix);
	emit_rex(j, w, reg, 0, rm, byte);
	emit_opcode(j, op);
	emit1(j, 0xc0 | (reg & 7) << 3 | (rm & 7));
}

/* index < 0: none. */
static void emit_op_mem(struct jit_state *j, u8 prefix, bool w, u16 op, u8 reg, u8 base,
			int index, s32 disp, bool byte)
{
	u8 mod = disp == 0 && (base & 7) != RBP ? 0 : x86_is_s8(disp) ? 1 : 2;

	if (prefix)
		emit1(j, prefix);
	emit_rex(j, w, reg, index < 0 ? 0 : index, base, byte);
	emit_opcode(j, op);
	if (index >= 0 || (base & 7) == RSP) {
		emit1(j, mod << 6 | (reg & 7) << 3 | 4);
		emit1(j, ((index >= 0 ? index : RSP) & 7) << 3 | (base & 7));
	} else {
		emit1(j, mod << 6 | (reg & 7) << 3 | (base & 7));
	}
	if (mod == 1)
		emit1(j, disp);
	else if (mod == 2)
		emit4(j, disp);
}

static void emit_mov_rr(struct jit_state *j, bool w, u8 dst, u8 src)
{
	emit_op_rr(j, 0, w, 0x89, src, dst, false);
}

/* dst = imm, sign-extended (w) or zero-extended (!w), shortest form. */
static void emit_mov_imm(struct jit_state *j, bool w, u8 dst, s32 imm)
{
	if (!imm) {
		emit_op_rr(j, 0, false, 0x31, dst, dst, false);	/* xor r32, r32 */
	} else if (w && imm < 0) {
		emit_op_rr(j, 0, true, 0xc7, 0, dst, false);
		emit4(j, imm);
	} else {
		emit_rex(j, false, 0, 0, dst, false);
		emit1(j, 0xb8 | (dst & 7));
		emit4(j, imm);
	}
}

static void emit_mov_imm64(struct jit_state *j, u8 dst, u64 v)
{
	if (v <= U32_MAX || x86_is_s32((s64)v)) {
		emit_mov_imm(j, v > U32_MAX, dst, (s32)(u32)v);
	} else {
		emit_rex(j, true, 0, 0, dst, false);
		emit1(j, 0xb8 | (dst & 7));
		emit8(j, v);
	}
}

/* Group-1 operation of reg with an immediate. */
static void emit_alu_imm(struct jit_state *j, bool w, enum x86_alu op, u8 reg, s32 imm)
{
	if (x86_is_s8(imm)) {
		emit_op_rr(j, 0, w, 0x83, op, reg, false);
		emit1(j, imm);
	} else {
		emit_op_rr(j, 0, w, 0x81, op, reg, false);
		emit4(j, imm);
	}
}

static void emit_alu_rr(struct jit_state *j, bool w, enum x86_alu op, u8 dst, u8 src)
{
	emit_op_rr(j, 0, w, op << 3 | 1, src, dst, false);
}

/* reg *= imm: imul reg, reg, imm8 or imm32. */
static void emit_imul_imm(struct jit_state *j, bool w, u8 reg, s32 imm)
{
	if (x86_is_s8(imm)) {
		emit_op_rr(j, 0, w, 0x6b, reg, reg, false);
		emit1(j, imm);
	} else {
		emit_op_rr(j, 0, w, 0x69, reg, reg, false);
		emit4(j, imm);
	}
}

/*
 * reg = imm the way constant blinding wants it (bpf_jit_blind_constants):
 * the untrusted value never appears in the code, only xored with a random
 * one, and always in the imm32 forms so that the size stays the same.
 */
static void emit_blinded_imm(struct jit_state *j, bool w, u8 reg, s32 imm)
{
	u32 rnd = portable_random_u32();

	if (w) {
		emit_op_rr(j, 0, true, 0xc7, 0, reg, false);
	} else {
		emit_rex(j, false, 0, 0, reg, false);
		emit1(j, 0xb8 | (reg & 7));
	}
	emit4(j, (u32)imm ^ rnd);
	emit_op_rr(j, 0, w, 0x81, ALU_XOR, reg, false);
	emit4(j, rnd);
}

static void emit_blinded_imm64(struct jit_state *j, u8 dst, u64 v)
{
	u64 rnd = (u64)portable_random_u32() << 32 | portable_random_u32();

	emit_rex(j, true, 0, 0, dst, false);
	emit1(j, 0xb8 | (dst & 7));
	emit8(j, v ^ rnd);
	emit_rex(j, true, 0, 0, X86_BLIND, false);
	emit1(j, 0xb8 | (X86_BLIND & 7));
	emit8(j, rnd);
	emit_alu_rr(j, true, ALU_XOR, dst, X86_BLIND);
}

/*
 * An immediate operand: in the code as it is, or, with hardening, blinded
 * into X86_BLIND.  True when it went into X86_BLIND.
 */
static bool x86_blind(struct jit_state *j, bool w, s32 imm)
{
	if (!j->target->harden)
		return false;
	emit_blinded_imm(j, w, X86_BLIND, imm);
	return true;
}

/*
 * Jumps to the start of block target: rel8 when the previous pass's
 * layout says it reaches (the layout only shrinks), else rel32.
 */
static void emit_jump(struct jit_state *j, enum x86_cc cc, u32 target)
{
	s64 from = (s64)j->prev[j->block] + j->blen;
	s64 rel = (s64)j->prev[target] - (from + 2);

	if (!j->first_pass && x86_is_s8(rel)) {
		emit2(j, cc == CC_ALWAYS ? 0xeb : 0x70 | cc, rel);
		return;
	}
	if (cc == CC_ALWAYS) {
		emit1(j, 0xe9);
		emit4(j, j->prev[target] - (from + 5));
	} else {
		emit2(j, 0x0f, 0x80 | cc);
		emit4(j, j->prev[target] - (from + 6));
	}
}

/* A short forward jump inside one translation: patched by x86_land(). */
static u32 emit_skip(struct jit_state *j, enum x86_cc cc)
{
	emit2(j, cc == CC_ALWAYS ? 0xeb : 0x70 | cc, 0);
	return j->blen;
}

static void x86_land(struct jit_state *j, u32 skip)
{
	if (skip <= j->blen && j->blen - skip <= 127)
		j->buf[skip - 1] = j->blen - skip;
	else
		j->err = -EFAULT;
}

/* call (0xe8) or jmp (0xe9) rel32 to an absolute address. */
static void emit_rel32(struct jit_state *j, u8 op, u64 target_addr)
{
	u64 next = j->target->code_addr + j->prev[j->block] + j->blen + 5;
	s64 rel = (s64)(target_addr - next);

	if (j->image && j->target->code_addr && !x86_is_s32(rel))
		j->err = -EOPNOTSUPP;	/* only a misplaced pool can do this */
	emit1(j, op);
	emit4(j, (u32)rel);
}

static void emit_call(struct jit_state *j, u64 target_addr)
{
	emit_rel32(j, 0xe8, target_addr);
}

static void emit_prologue(struct jit_state *j, u32 frame, s32 budget_slot)
{
	static const u8 saved[] = { RBX, R12, R13, R14, R15 };
	u32 i;

	if (j->target->ibt)
		emit4(j, 0xfa1e0ff3);			/* endbr64 */
	emit1(j, 0x55);					/* push rbp */
	emit_mov_rr(j, true, RBP, RSP);
	if (frame)
		emit_alu_imm(j, true, ALU_SUB, RSP, frame);
	for (i = 0; i < ARRAY_SIZE(saved); i++) {
		emit_rex(j, false, 0, 0, saved[i], false);
		emit1(j, 0x50 | (saved[i] & 7));	/* push */
	}
	if (budget_slot) {
		emit_op_mem(j, 0, false, 0xc7, 0, RBP, -1, budget_slot, false);
		emit4(j, ISA_MAY_GOTO_BUDGET);
	}
	if (j->prog->arena) {
		/* movabs: the same size whatever the address */
		emit_rex(j, true, 0, 0, X86_ARENA, false);
		emit1(j, 0xb8 | (X86_ARENA & 7));
		emit8(j, j->target->kern_vm_start);
	}
}

static void emit_epilogue(struct jit_state *j)
{
	static const u8 saved[] = { R15, R14, R13, R12, RBX };
	u32 i;

	for (i = 0; i < ARRAY_SIZE(saved); i++) {
		emit_rex(j, false, 0, 0, saved[i], false);
		emit1(j, 0x58 | (saved[i] & 7));	/* pop */
	}
	emit1(j, 0xc9);					/* leave */
	if (j->target->return_thunk)
		emit_rel32(j, 0xe9, j->target->return_thunk);
	else
		emit1(j, 0xc3);				/* ret */
	emit1(j, 0xcc);		/* int3: no straight-line speculation past it */
}

static enum x86_alu x86_alu_op(u8 op)
{
	switch (op) {
	case BPF_ADD:
		return ALU_ADD;
	case BPF_SUB:
		return ALU_SUB;
	case BPF_OR:
		return ALU_OR;
	case BPF_AND:
		return ALU_AND;
	default:
		return ALU_XOR;
	}
}

static enum x86_shift x86_shift_op(u8 op)
{
	return op == BPF_LSH ? SHIFT_SHL : op == BPF_RSH ? SHIFT_SHR : SHIFT_SAR;
}

/* Shifts by a register: the count must be in cl, which is eBPF's r4. */
static void emit_shift_reg(struct jit_state *j, bool w, enum x86_shift op, u8 dst, u8 src)
{
	u8 target = dst == RCX ? X86_SCRATCH : dst;

	if (src == RCX) {
		emit_op_rr(j, 0, w, 0xd3, op, dst, false);
		return;
	}
	/* rcx saved in r11, or dst == rcx shifted in r11 */
	emit_mov_rr(j, true, X86_SCRATCH, RCX);
	emit_mov_rr(j, true, RCX, src);
	emit_op_rr(j, 0, w, 0xd3, op, target, false);
	emit_mov_rr(j, true, RCX, X86_SCRATCH);
}

/*
 * Division and modulo with eBPF's rules: by zero the quotient is 0 and
 * the remainder the dividend; signed INT_MIN / -1 (which traps in idiv)
 * is -INT_MIN = INT_MIN with remainder 0, like any division by -1.
 * The divisor is in r11; rax and rdx are saved in r9 and r10.
 */
static void emit_divmod(struct jit_state *j, bool w, bool mod, bool is_signed, u8 dst)
{
	u32 zero, minus1 = 0, done, done2 = 0;

	if (dst != RAX)
		emit_mov_rr(j, true, X86_SAVE, RAX);
	if (dst != RDX)
		emit_mov_rr(j, true, X86_BLIND, RDX);
	if (dst != RAX)
		emit_mov_rr(j, w, RAX, dst);
	emit_op_rr(j, 0, w, 0x85, X86_SCRATCH, X86_SCRATCH, false);	/* test */
	zero = emit_skip(j, CC_E);
	if (is_signed) {
		emit_alu_imm(j, w, ALU_CMP, X86_SCRATCH, -1);
		minus1 = emit_skip(j, CC_E);
		if (w)
			emit2(j, 0x48, 0x99);			/* cqo */
		else
			emit1(j, 0x99);				/* cdq */
		emit_op_rr(j, 0, w, 0xf7, 7, X86_SCRATCH, false);	/* idiv */
	} else {
		emit_op_rr(j, 0, false, 0x31, RDX, RDX, false);
		emit_op_rr(j, 0, w, 0xf7, 6, X86_SCRATCH, false);	/* div */
	}
	emit_mov_rr(j, true, X86_SCRATCH, mod ? RDX : RAX);
	done = emit_skip(j, CC_ALWAYS);
	if (is_signed) {
		x86_land(j, minus1);
		if (mod) {
			emit_op_rr(j, 0, false, 0x31, X86_SCRATCH, X86_SCRATCH, false);
		} else {
			emit_op_rr(j, 0, w, 0xf7, 3, RAX, false);	/* neg */
			emit_mov_rr(j, true, X86_SCRATCH, RAX);
		}
		done2 = emit_skip(j, CC_ALWAYS);
	}
	x86_land(j, zero);
	if (mod)
		emit_mov_rr(j, w, X86_SCRATCH, RAX);	/* the dividend, zero-extended */
	else
		emit_op_rr(j, 0, false, 0x31, X86_SCRATCH, X86_SCRATCH, false);
	x86_land(j, done);
	if (is_signed)
		x86_land(j, done2);
	if (dst != RDX)
		emit_mov_rr(j, true, RDX, X86_BLIND);
	if (dst != RAX)
		emit_mov_rr(j, true, RAX, X86_SAVE);
	emit_mov_rr(j, w, dst, X86_SCRATCH);
}

/* BPF_END and bswap: to big endian swaps, to little endian truncates. */
static void emit_end(struct jit_state *j, bool swap, u8 dst, s32 bits)
{
	switch (bits) {
	case 16:
		if (swap) {
			emit_op_rr(j, 0x66, false, 0xc1, 1, dst, false);	/* ror r16, 8 */
			emit1(j, 8);
		}
		emit_op_rr(j, 0, false, 0x0fb7, dst, dst, false);	/* movzx */
		break;
	case 32:
		if (swap) {
			emit_rex(j, false, 0, 0, dst, false);
			emit2(j, 0x0f, 0xc8 | (dst & 7));
		} else {
			emit_mov_rr(j, false, dst, dst);
		}
		break;
	case 64:
		if (swap) {
			emit_rex(j, true, 0, 0, dst, false);
			emit2(j, 0x0f, 0xc8 | (dst & 7));
		}
		break;
	}
}

static void emit_movsx(struct jit_state *j, bool w, u8 dst, u8 src, s16 bits)
{
	switch (bits) {
	case 8:
		emit_op_rr(j, 0, w, 0x0fbe, dst, src, true);
		break;
	case 16:
		emit_op_rr(j, 0, w, 0x0fbf, dst, src, false);
		break;
	case 32:
		if (w)
			emit_op_rr(j, 0, true, 0x63, dst, src, false);	/* movsxd */
		else
			emit_mov_rr(j, false, dst, src);
		break;
	}
}


void jit_arch_alu(struct jit_state *j, const struct bpf_insn *insn)
{
	bool w = BPF_CLASS(insn->code) == BPF_ALU64;
	bool k = BPF_SRC(insn->code) == BPF_K;
	u8 dst = x86_bpf_reg[insn->dst_reg];
	u8 src = x86_bpf_reg[insn->src_reg];
	u8 op = BPF_OP(insn->code);
	s32 imm = insn->imm;

	switch (op) {
	case BPF_ADD:
	case BPF_SUB:
	case BPF_OR:
	case BPF_AND:
	case BPF_XOR:
		if (k && x86_blind(j, w, imm))
			emit_alu_rr(j, w, x86_alu_op(op), dst, X86_BLIND);
		else if (k)
			emit_alu_imm(j, w, x86_alu_op(op), dst, imm);
		else
			emit_alu_rr(j, w, x86_alu_op(op), dst, src);
		break;
	case BPF_MUL:
		if (k && x86_blind(j, w, imm)) {
			emit_op_rr(j, 0, w, 0x0faf, dst, X86_BLIND, false);
		} else if (k) {
			emit_imul_imm(j, w, dst, imm);
		} else {
			emit_op_rr(j, 0, w, 0x0faf, dst, src, false);
		}
		break;
	case BPF_DIV:
	case BPF_MOD:
		if (!k)
			emit_mov_rr(j, w, X86_SCRATCH, src);
		else if (j->target->harden)
			emit_blinded_imm(j, w, X86_SCRATCH, imm);
		else
			emit_mov_imm(j, w, X86_SCRATCH, imm);
		emit_divmod(j, w, op == BPF_MOD, insn->off == ISA_SIGNED_DIV, dst);
		break;
	case BPF_LSH:
	case BPF_RSH:
	case BPF_ARSH:
		if (!k) {
			emit_shift_reg(j, w, x86_shift_op(op), dst, src);
		} else if (imm & (w ? 63 : 31)) {
			emit_op_rr(j, 0, w, 0xc1, x86_shift_op(op), dst, false);
			emit1(j, imm & (w ? 63 : 31));
		} else if (!w) {
			emit_mov_rr(j, false, dst, dst);	/* by 0: zero-extends */
		}
		break;
	case BPF_NEG:
		emit_op_rr(j, 0, w, 0xf7, 3, dst, false);
		break;
	case BPF_MOV:
		if (k && imm && j->target->harden)
			emit_blinded_imm(j, w, dst, imm);
		else if (k)
			emit_mov_imm(j, w, dst, imm);
		else if (insn->off)
			emit_movsx(j, w, dst, src, insn->off);
		else if (!w || dst != src)
			emit_mov_rr(j, w, dst, src);
		break;
	default:	/* BPF_END */
		emit_end(j, w || BPF_SRC(insn->code) == BPF_TO_BE, dst, imm);
		break;
	}
}

void jit_arch_cast(struct jit_state *j, const struct bpf_insn *insn, u64 user_hi)
{
	u8 dst = x86_bpf_reg[insn->dst_reg];
	u32 skip;

	emit_mov_rr(j, false, dst, x86_bpf_reg[insn->src_reg]);
	if (!user_hi)
		return;
	emit_op_rr(j, 0, true, 0x85, dst, dst, false);		/* test */
	skip = emit_skip(j, CC_E);
	emit_rex(j, true, 0, 0, X86_SCRATCH, false);
	emit1(j, 0xb8 | (X86_SCRATCH & 7));
	emit8(j, user_hi);
	emit_alu_rr(j, true, ALU_OR, dst, X86_SCRATCH);
	x86_land(j, skip);
}

/* Where a memory access goes: [base + off] or, arena, [r12 + r11 + off]. */
struct x86_addr {
	u8 base;
	int index;
	s32 off;
	bool arena;
};

static struct x86_addr x86_address(struct jit_state *j, bool arena, u8 ptr, s16 off)
{
	if (arena) {
		emit_mov_rr(j, false, X86_SCRATCH, ptr);	/* (u32)ptr */
		return (struct x86_addr){ X86_ARENA, X86_SCRATCH, off, true };
	}
	return (struct x86_addr){ ptr, -1, off, false };
}

static void emit_load(struct jit_state *j, u8 size, bool sx, u8 dst, const struct x86_addr *a)
{
	static const u16 zx_op[] = { [BPF_B >> 3] = 0x0fb6, [BPF_H >> 3] = 0x0fb7,
				     [BPF_W >> 3] = 0x8b, [BPF_DW >> 3] = 0x8b };
	static const u16 sx_op[] = { [BPF_B >> 3] = 0x0fbe, [BPF_H >> 3] = 0x0fbf,
				     [BPF_W >> 3] = 0x63, [BPF_DW >> 3] = 0x8b };
	u32 start = j->blen;

	emit_op_mem(j, 0, sx || size == BPF_DW, (sx ? sx_op : zx_op)[size >> 3], dst,
		    a->base, a->index, a->off, false);
	if (a->arena)
		jit_add_fault(j, start, dst);
}

static void emit_store(struct jit_state *j, u8 size, u8 src, const struct x86_addr *a)
{
	u32 start = j->blen;

	emit_op_mem(j, size == BPF_H ? 0x66 : 0, size == BPF_DW, size == BPF_B ? 0x88 : 0x89,
		    src, a->base, a->index, a->off, size == BPF_B);
	if (a->arena)
		jit_add_fault(j, start, X86_FAULT_NONE);
}

static void emit_store_imm(struct jit_state *j, u8 size, s32 imm, const struct x86_addr *a)
{
	u32 start = j->blen;

	emit_op_mem(j, size == BPF_H ? 0x66 : 0, size == BPF_DW, size == BPF_B ? 0xc6 : 0xc7,
		    0, a->base, a->index, a->off, false);
	if (size == BPF_B)
		emit1(j, imm);
	else if (size == BPF_H)
		emit2(j, imm, imm >> 8);
	else
		emit4(j, imm);
	if (a->arena)
		jit_add_fault(j, start, X86_FAULT_NONE);
}

void jit_arch_load(struct jit_state *j, const struct bpf_insn *insn, bool arena, bool sx)
{
	struct x86_addr a = x86_address(j, arena, x86_bpf_reg[insn->src_reg], insn->off);

	emit_load(j, BPF_SIZE(insn->code), sx, x86_bpf_reg[insn->dst_reg], &a);
}

void jit_arch_store(struct jit_state *j, const struct bpf_insn *insn, bool arena)
{
	u8 size = BPF_SIZE(insn->code), dst = x86_bpf_reg[insn->dst_reg];
	struct x86_addr a;

	if (BPF_CLASS(insn->code) == BPF_STX) {
		a = x86_address(j, arena, dst, insn->off);
		emit_store(j, size, x86_bpf_reg[insn->src_reg], &a);
	} else if (j->target->harden) {
		emit_blinded_imm(j, true, X86_BLIND, insn->imm);
		a = x86_address(j, arena, dst, insn->off);
		emit_store(j, size, X86_BLIND, &a);
	} else {
		a = x86_address(j, arena, dst, insn->off);
		emit_store_imm(j, size, insn->imm, &a);
	}
}

/*
 * Fetching and, or, xor have no x86 instruction: a cmpxchg loop on the
 * address in r11, with r0 kept in r10 meanwhile and the new value in r9.
 * An arena fault there zeroes r11, which is never 0 otherwise: the loop
 * checks it after the load and at its top and end (a faulting cmpxchg
 * leaves the flags of the and/or/xor), and a fault gives a result of 0.
 */
/*
 * An arena atomic must be naturally aligned (the interpreter's rule; x86
 * would do a misaligned one): a jump, to land where its result register
 * is zeroed, taken when addr + off is not.  r9 is free at that point.
 */
static u32 emit_misaligned_skip(struct jit_state *j, u8 addr, s32 off, bool w)
{
	emit_op_mem(j, 0, false, 0x8d, X86_SAVE, addr, -1, off, false);	/* lea r9d */
	emit_op_rr(j, 0, false, 0xf7, 0, X86_SAVE, false);			/* test r9d */
	emit4(j, w ? 7 : 3);
	return emit_skip(j, CC_NE);
}

static void emit_fetch_logic(struct jit_state *j, const struct bpf_insn *insn, bool w)
{
	bool arena = BPF_MODE(insn->code) == ISA_PROBE_ATOMIC;
	u8 dst = x86_bpf_reg[insn->dst_reg];
	u8 src = x86_bpf_reg[insn->src_reg];
	u8 other = src == RAX ? X86_BLIND : src;	/* operand, then result */
	u32 loop, start, faulted[4], done, i;
	s32 off = insn->off;

	emit_mov_rr(j, true, X86_BLIND, RAX);
	if (arena) {
		emit_mov_rr(j, false, X86_SCRATCH, dst);
		emit_alu_rr(j, true, ALU_ADD, X86_SCRATCH, X86_ARENA);
		faulted[3] = emit_misaligned_skip(j, X86_SCRATCH, off, w);
	} else {
		/* lea r11, [dst + off] */
		emit_op_mem(j, 0, true, 0x8d, X86_SCRATCH, dst, -1, off, false);
		off = 0;
	}
	loop = j->blen;
	if (arena) {
		emit_op_rr(j, 0, true, 0x85, X86_SCRATCH, X86_SCRATCH, false);
		faulted[0] = emit_skip(j, CC_E);
	}
	start = j->blen;
	emit_op_mem(j, 0, w, 0x8b, RAX, X86_SCRATCH, -1, off, false);
	if (arena) {
		jit_add_fault(j, start, X86_SCRATCH);
		emit_op_rr(j, 0, true, 0x85, X86_SCRATCH, X86_SCRATCH, false);
		faulted[1] = emit_skip(j, CC_E);
	}
	emit_mov_rr(j, true, X86_SAVE, RAX);
	emit_alu_rr(j, w, x86_alu_op(insn->imm & ~BPF_FETCH), X86_SAVE, other);
	start = j->blen;
	emit_op_mem(j, 0xf0, w, 0x0fb1, X86_SAVE, X86_SCRATCH, -1, off, false);
	if (arena)
		jit_add_fault(j, start, X86_SCRATCH);
	emit2(j, 0x75, loop - (j->blen + 2));			/* jne loop */
	if (arena) {
		emit_op_rr(j, 0, true, 0x85, X86_SCRATCH, X86_SCRATCH, false);
		faulted[2] = emit_skip(j, CC_E);
		done = emit_skip(j, CC_ALWAYS);
		for (i = 0; i < ARRAY_SIZE(faulted); i++)
			x86_land(j, faulted[i]);
		emit_op_rr(j, 0, false, 0x31, RAX, RAX, false);
		x86_land(j, done);
	}
	emit_mov_rr(j, w, other, RAX);
	emit_mov_rr(j, true, RAX, X86_BLIND);
}

void jit_arch_atomic(struct jit_state *j, const struct bpf_insn *insn, bool arena)
{
	bool w = BPF_SIZE(insn->code) == BPF_DW;
	u8 src = x86_bpf_reg[insn->src_reg];
	u32 start, misaligned = 0, done;
	struct x86_addr a;
	u8 fault_reg = src;
	u16 op;

	switch (insn->imm) {
	case BPF_ADD:
	case BPF_AND:
	case BPF_OR:
	case BPF_XOR:
		op = x86_alu_op(insn->imm) << 3 | 1;
		fault_reg = X86_FAULT_NONE;
		break;
	case BPF_ADD | BPF_FETCH:
		op = 0x0fc1;		/* xadd */
		break;
	case BPF_XCHG:
		op = 0x87;
		break;
	case BPF_CMPXCHG:
		op = 0x0fb1;
		fault_reg = RAX;
		break;
	default:	/* fetching and, or, xor */
		emit_fetch_logic(j, insn, w);
		return;
	}
	a = x86_address(j, arena, x86_bpf_reg[insn->dst_reg], insn->off);
	if (arena)
		misaligned = emit_misaligned_skip(j, X86_SCRATCH, a.off, w);
	start = j->blen;
	/* xchg with memory is locked without the prefix */
	emit_op_mem(j, op == 0x87 ? 0 : 0xf0, w, op, src, a.base, a.index, a.off, false);
	if (arena) {
		jit_add_fault(j, start, fault_reg);
		done = emit_skip(j, CC_ALWAYS);
		x86_land(j, misaligned);
		if (fault_reg != X86_FAULT_NONE)
			emit_op_rr(j, 0, false, 0x31, fault_reg, fault_reg, false);	/* xor */
		x86_land(j, done);
	}
	if (insn->imm == BPF_CMPXCHG && !w)
		emit_mov_rr(j, false, RAX, RAX);	/* eax is not written on success */
}

static enum x86_cc x86_jmp_cc(u8 op)
{
	switch (op) {
	case BPF_JEQ:
		return CC_E;
	case BPF_JGT:
		return CC_A;
	case BPF_JGE:
		return CC_AE;
	case BPF_JLT:
		return CC_B;
	case BPF_JLE:
		return CC_BE;
	case BPF_JSGT:
		return CC_G;
	case BPF_JSGE:
		return CC_GE;
	case BPF_JSLT:
		return CC_L;
	case BPF_JSLE:
		return CC_LE;
	default:	/* JNE, JSET */
		return CC_NE;
	}
}

void jit_arch_cond_jump(struct jit_state *j, const struct bpf_insn *insn, u32 target)
{
	bool w = BPF_CLASS(insn->code) == BPF_JMP;
	u8 dst = x86_bpf_reg[insn->dst_reg];
	u8 src = x86_bpf_reg[insn->src_reg];
	u8 op = BPF_OP(insn->code);
	bool test = op == BPF_JSET;

	if (BPF_SRC(insn->code) == BPF_K && x86_blind(j, w, insn->imm)) {
		src = X86_BLIND;
	} else if (BPF_SRC(insn->code) == BPF_K) {
		if (test) {
			emit_op_rr(j, 0, w, 0xf7, 0, dst, false);
			emit4(j, insn->imm);
		} else {
			emit_alu_imm(j, w, ALU_CMP, dst, insn->imm);
		}
		emit_jump(j, x86_jmp_cc(op), target);
		return;
	}
	if (test)
		emit_op_rr(j, 0, w, 0x85, src, dst, false);
	else
		emit_alu_rr(j, w, ALU_CMP, dst, src);
	emit_jump(j, x86_jmp_cc(op), target);
}

void jit_arch_call(struct jit_state *j, u32 func)
{
	emit1(j, 0xe8);
	emit4(j, j->prev[jit_entry_block(j, func)] - (j->prev[j->block] + j->blen + 4));
}

void jit_arch_call_native(struct jit_state *j, prog_helper_fn fn)
{
	emit_call(j, (u64)(unsigned long)fn);
}

/*
 * The index's unsigned compare with max_entries sets the carry when it is
 * in range, and sbb turns the carry into a mask of all ones or zero that
 * the address is anded with: no branch, and an index out of range never
 * leaves an address in r0, even speculatively (array_index_mask_nospec()
 * is the same cmp, sbb).  The u32 index times the u32 stride is a 64-bit
 * imul of both zero-extended.  The array's fields are immediates when it
 * is known, else loads.  Only r0-r3 change.
 */
void jit_arch_array_lookup(struct jit_state *j, const struct prog_obj *array)
{
	u8 r0 = x86_bpf_reg[BPF_REG_0], obj = x86_bpf_reg[BPF_REG_1];
	u8 key = x86_bpf_reg[BPF_REG_2], mask = x86_bpf_reg[BPF_REG_3];

	emit_op_mem(j, 0, false, 0x8b, r0, key, -1, 0, false);		/* mov eax, [key] */
	if (array)
		emit_alu_imm(j, false, ALU_CMP, r0, array->max_entries);
	else
		emit_op_mem(j, 0, false, 0x3b, r0, obj, -1,		/* cmp eax, [max] */
			    offsetof(struct prog_obj, max_entries), false);
	emit_op_rr(j, 0, true, 0x1b, mask, mask, false);		/* sbb mask, mask */
	if (array) {
		emit_imul_imm(j, true, r0, array->value_stride);
		emit_mov_imm64(j, key, (u64)(unsigned long)array->values);
		emit_alu_rr(j, true, ALU_ADD, r0, key);
	} else {
		emit_op_mem(j, 0, false, 0x8b, key, obj, -1,		/* mov esi, [stride] */
			    offsetof(struct prog_obj, value_stride), false);
		emit_op_rr(j, 0, true, 0x0faf, r0, key, false);		/* imul rax, rsi */
		emit_op_mem(j, 0, true, 0x03, r0, obj, -1,		/* add rax, [values] */
			    offsetof(struct prog_obj, values), false);
	}
	emit_alu_rr(j, true, ALU_AND, r0, mask);
}

void jit_arch_cpu_number(struct jit_state *j)
{
	emit1(j, j->target->cpu_number_base);		/* %gs: or %fs: */
	/* mov eax, [disp32]: ModRM 00 eax 100, SIB no index, no base */
	emit2(j, 0x8b, 0x04 | x86_bpf_reg[BPF_REG_0] << 3);
	emit1(j, 0x25);
	emit4(j, (u32)j->target->cpu_number_off);
}

void jit_arch_jump(struct jit_state *j, u32 target)
{
	emit_jump(j, CC_ALWAYS, target);
}

void jit_arch_ld_imm64(struct jit_state *j, u8 dst_reg, u64 value)
{
	if (j->target->harden)
		emit_blinded_imm64(j, x86_bpf_reg[dst_reg], value);
	else
		emit_mov_imm64(j, x86_bpf_reg[dst_reg], value);
}

/*
 * may_goto: jump once the invocation's budget is spent, else spend one;
 * every PROG_STOP_CHECK_EVERY iterations ask prog_should_stop() (r0-r5
 * kept on the stack: six pushes keep rsp aligned) and, if the run should
 * end, spend the whole budget and start over, which then jumps.  The
 * budget is read once into the scratch register and written back once,
 * as the kernel's rewrite of may_goto does.  The only jump whose size
 * depends on the layout comes first.
 */
void jit_arch_may_goto(struct jit_state *j, const struct jit_frame *fr, u32 target)
{
	static const u8 saved[] = { RAX, RDI, RSI, RDX, RCX, R8 };
	u32 again = j->blen, skip, reload, i;
	s32 slot = fr->budget_slot;

	emit_op_mem(j, 0, false, 0x8b, X86_SCRATCH, RBP, -1, slot, false);	/* r11d = [slot] */
	emit_op_rr(j, 0, false, 0x85, X86_SCRATCH, X86_SCRATCH, false);	/* test r11d, r11d */
	emit_jump(j, CC_E, target);
	emit_op_rr(j, 0, false, 0xf7, 0, X86_SCRATCH, false);		/* test r11d, imm */
	emit4(j, PROG_STOP_CHECK_EVERY - 1);
	skip = emit_skip(j, CC_NE);
	for (i = 0; i < ARRAY_SIZE(saved); i++) {
		emit_rex(j, false, 0, 0, saved[i], false);
		emit1(j, 0x50 | (saved[i] & 7));
	}
	emit_call(j, (u64)(unsigned long)prog_should_stop);
	emit_op_rr(j, 0, false, 0x0fb6, X86_SCRATCH, RAX, false);	/* movzx r11d, al */
	for (i = ARRAY_SIZE(saved); i-- > 0;) {
		emit_rex(j, false, 0, 0, saved[i], false);
		emit1(j, 0x58 | (saved[i] & 7));
	}
	emit_op_rr(j, 0, false, 0x85, X86_SCRATCH, X86_SCRATCH, false);
	reload = emit_skip(j, CC_E);	/* carry on below, with the budget again */
	emit_op_mem(j, 0, false, 0xc7, 0, RBP, -1, slot, false);	/* mov [slot], 0 */
	emit4(j, 0);
	emit2(j, 0xeb, again - (j->blen + 2));				/* jmp again */
	x86_land(j, reload);
	emit_op_mem(j, 0, false, 0x8b, X86_SCRATCH, RBP, -1, slot, false);
	x86_land(j, skip);
	emit_alu_imm(j, false, ALU_SUB, X86_SCRATCH, 1);
	emit_op_mem(j, 0, false, 0x89, X86_SCRATCH, RBP, -1, slot, false);	/* [slot] = r11d */
}

/*
 * Frame of function f: the eBPF stack, the may_goto budget if it has one,
 * padding so that rsp is 16-byte aligned at calls.
 */
void jit_arch_prologue(struct jit_state *j, struct jit_frame *fr)
{
	u32 frame = (j->prog->funcs[fr->func].stack_depth + 7) & ~7U;

	if (fr->may_goto) {
		frame += 8;
		fr->budget_slot = -(s32)frame;
	}
	/* rsp at calls: return address, rbp, frame, five saved registers */
	if ((frame + 56) % 16)
		frame += 8;
	emit_prologue(j, frame, fr->budget_slot);
}

void jit_arch_epilogue(struct jit_state *j)
{
	emit_epilogue(j);
}
