// SPDX-License-Identifier: GPL-2.0
/* The disassembler of disasm.h: one function per instruction class. */
#include <stdint.h>
#include <stdio.h>

#include "disasm.h"

/* Encodings of RFC 9669 and later ones that <linux/bpf.h> of 6.1 lacks. */
#define DISASM_MEMSX		0x80	/* sign-extending load (cpu v4) */
#define DISASM_JCOND		0xe0	/* may_goto */
#define DISASM_PROBE_MEM32	0xa0	/* arena access, as the verifier writes it */
#define DISASM_PROBE_MEM32SX	0xc0
#define DISASM_PROBE_ATOMIC	0xe0
#define DISASM_SIGNED_DIV	1	/* off of a signed div/mod */
#define DISASM_ADDR_SPACE_CAST	1	/* off of mov that is addr_space_cast */

static const char *const disasm_alu_ops[16] = {
	"add", "sub", "mul", "div", "or", "and", "lsh", "rsh",
	"neg", "mod", "xor", "mov", "arsh", "end", NULL, NULL,
};

static const char *const disasm_jmp_ops[16] = {
	"ja", "jeq", "jgt", "jge", "jset", "jne", "jsgt", "jsge",
	"call", "exit", "jlt", "jle", "jslt", "jsle", "may_goto", NULL,
};

static const char *const disasm_sizes[4] = { "w", "h", "b", "dw" };

static int disasm_bad(const struct bpf_insn *insn, char *buf, size_t len)
{
	snprintf(buf, len, "invalid 0x%02x", insn->code);
	return 1;
}

/* "%rS" or the immediate, as the instruction's source says. */
static void disasm_src(const struct bpf_insn *insn, char *buf, size_t len)
{
	if (BPF_SRC(insn->code) == BPF_X)
		snprintf(buf, len, "%%r%u", insn->src_reg);
	else
		snprintf(buf, len, "%d", insn->imm);
}

static int disasm_alu(const struct bpf_insn *insn, char *buf, size_t len)
{
	const char *w = BPF_CLASS(insn->code) == BPF_ALU ? "32" : "";
	const char *op = disasm_alu_ops[BPF_OP(insn->code) >> 4];
	char src[16];

	if (!op)
		return disasm_bad(insn, buf, len);
	disasm_src(insn, src, sizeof(src));
	switch (BPF_OP(insn->code)) {
	case BPF_NEG:
		snprintf(buf, len, "neg%s %%r%u", w, insn->dst_reg);
		return 1;
	case BPF_END:
		snprintf(buf, len, "%s%d %%r%u",
			 *w ? (BPF_SRC(insn->code) == BPF_TO_BE ? "be" : "le") : "bswap",
			 insn->imm, insn->dst_reg);
		return 1;
	case BPF_MOV:
		if (insn->off == DISASM_ADDR_SPACE_CAST && !*w && BPF_SRC(insn->code) == BPF_X) {
			snprintf(buf, len, "addr_space_cast %%r%u, %%r%u, %u, %u", insn->dst_reg,
				 insn->src_reg, (uint32_t)insn->imm >> 16, insn->imm & 0xffff);
			return 1;
		}
		if (insn->off) {
			snprintf(buf, len, "movsx%d%s %%r%u, %s", insn->off, *w ? "32" : "64",
				 insn->dst_reg, src);
			return 1;
		}
		break;
	case BPF_DIV:
	case BPF_MOD:
		if (insn->off == DISASM_SIGNED_DIV) {
			snprintf(buf, len, "s%s%s %%r%u, %s", op, w, insn->dst_reg, src);
			return 1;
		}
		break;
	}
	snprintf(buf, len, "%s%s %%r%u, %s", op, w, insn->dst_reg, src);
	return 1;
}

static int disasm_jmp(const struct bpf_insn *insn, char *buf, size_t len)
{
	const char *w = BPF_CLASS(insn->code) == BPF_JMP32 ? "32" : "";
	const char *op = disasm_jmp_ops[BPF_OP(insn->code) >> 4];
	char src[16];

	switch (BPF_OP(insn->code)) {
	case BPF_JA:
		snprintf(buf, len, "ja%s %+d", w, *w ? insn->imm : insn->off);
		return 1;
	case DISASM_JCOND:
		snprintf(buf, len, "may_goto %+d", insn->off);
		return 1;
	case BPF_EXIT:
		snprintf(buf, len, "exit");
		return 1;
	case BPF_CALL:
		if (insn->src_reg == BPF_PSEUDO_CALL)
			snprintf(buf, len, "call local %+d", insn->imm);
		else if (insn->src_reg == BPF_PSEUDO_KFUNC_CALL)
			snprintf(buf, len, "call runtime %d", insn->imm);
		else
			snprintf(buf, len, "call helper %d", insn->imm);
		return 1;
	}
	if (!op)
		return disasm_bad(insn, buf, len);
	disasm_src(insn, src, sizeof(src));
	snprintf(buf, len, "%s%s %%r%u, %s, %+d", op, w, insn->dst_reg, src, insn->off);
	return 1;
}

static int disasm_ld_imm64(const struct bpf_insn *insn, size_t left, char *buf, size_t len)
{
	uint64_t imm;

	if (left < 2 || insn->code != (BPF_LD | BPF_IMM | BPF_DW))
		return disasm_bad(insn, buf, len);
	imm = (uint32_t)insn[0].imm | (uint64_t)(uint32_t)insn[1].imm << 32;
	switch (insn->src_reg) {
	case BPF_PSEUDO_FUNC:
		snprintf(buf, len, "ldfunc %%r%u, %+d", insn->dst_reg, insn->imm);
		break;
	case BPF_PSEUDO_MAP_IDX:
		snprintf(buf, len, "ldmap %%r%u, %d", insn->dst_reg, insn->imm);
		break;
	case BPF_PSEUDO_MAP_IDX_VALUE:
		snprintf(buf, len, "ldmapvalue %%r%u, %d, %d", insn->dst_reg, insn[0].imm,
			 insn[1].imm);
		break;
	default:
		snprintf(buf, len, "lddw %%r%u, 0x%llx", insn->dst_reg, (unsigned long long)imm);
	}
	return 2;
}

static const char *disasm_atomic_op(int32_t imm)
{
	switch (imm & ~BPF_FETCH) {
	case BPF_ADD: return "add";
	case BPF_AND: return "and";
	case BPF_OR: return "or";
	case BPF_XOR: return "xor";
	case BPF_XCHG & ~BPF_FETCH: return imm == BPF_XCHG ? "xchg" : NULL;
	case BPF_CMPXCHG & ~BPF_FETCH: return imm == BPF_CMPXCHG ? "cmpxchg" : NULL;
	}
	return NULL;
}

static int disasm_atomic(const struct bpf_insn *insn, const char *arena, char *buf,
			 size_t len)
{
	const char *op = disasm_atomic_op(insn->imm);
	int fetch = (insn->imm & BPF_FETCH) && insn->imm != BPF_XCHG &&
		    insn->imm != BPF_CMPXCHG;

	if (!op || (BPF_SIZE(insn->code) != BPF_W && BPF_SIZE(insn->code) != BPF_DW))
		return disasm_bad(insn, buf, len);
	snprintf(buf, len, "%slock %s%s%s [%%r%u%+d], %%r%u", arena, fetch ? "fetch " : "",
		 op, BPF_SIZE(insn->code) == BPF_W ? "32" : "", insn->dst_reg, insn->off,
		 insn->src_reg);
	return 1;
}

static int disasm_mem(const struct bpf_insn *insn, char *buf, size_t len)
{
	const char *size = disasm_sizes[BPF_SIZE(insn->code) >> 3];
	int mode = BPF_MODE(insn->code), class = BPF_CLASS(insn->code);
	int sx = mode == DISASM_MEMSX || (class == BPF_LDX && mode == DISASM_PROBE_MEM32SX);
	const char *arena = "";

	if (mode == DISASM_PROBE_MEM32 || (class == BPF_LDX && mode == DISASM_PROBE_MEM32SX) ||
	    (class == BPF_STX && mode == DISASM_PROBE_ATOMIC))
		arena = "arena ";
	if (class == BPF_STX && (mode == BPF_ATOMIC || mode == DISASM_PROBE_ATOMIC))
		return disasm_atomic(insn, arena, buf, len);
	if (mode != BPF_MEM && !*arena && !(sx && class == BPF_LDX))
		return disasm_bad(insn, buf, len);
	if (class == BPF_LDX)
		snprintf(buf, len, "%sldx%s%s %%r%u, [%%r%u%+d]", arena, sx ? "s" : "", size,
			 insn->dst_reg, insn->src_reg, insn->off);
	else if (class == BPF_ST)
		snprintf(buf, len, "%sst%s [%%r%u%+d], %d", arena, size, insn->dst_reg,
			 insn->off, insn->imm);
	else
		snprintf(buf, len, "%sstx%s [%%r%u%+d], %%r%u", arena, size, insn->dst_reg,
			 insn->off, insn->src_reg);
	return 1;
}

int disasm_insn(const struct bpf_insn *insn, size_t left, char *buf, size_t len)
{
	switch (BPF_CLASS(insn->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		return disasm_alu(insn, buf, len);
	case BPF_JMP:
	case BPF_JMP32:
		return disasm_jmp(insn, buf, len);
	case BPF_LD:
		return disasm_ld_imm64(insn, left, buf, len);
	default:
		return disasm_mem(insn, buf, len);
	}
}
