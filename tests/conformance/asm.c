// SPDX-License-Identifier: GPL-2.0
/*
 * The bpf_conformance text format: assembler and test-file parser (see
 * asm.h).  One line is one instruction (two for lddw and ldfunc); jump
 * targets are resolved once the whole text is read.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "bpf_isa.h"

#define ASM_MAX_TOKENS	8
#define ASM_MAX_NAME	64

/* A label, or a jump waiting for one. */
struct asm_label {
	char name[ASM_MAX_NAME];
	u32 index;
	bool in_imm;		/* a fix-up of imm rather than off */
};

struct asm_ctx {
	struct bpf_insn *insns;
	u32 len, cap;
	struct asm_label *labels;
	u32 nr_labels, labels_cap;
	struct asm_label *fixups;
	u32 nr_fixups, fixups_cap;
	bool seen_exit;
	char *err;
	size_t err_size;
};

struct asm_op;
typedef int (*asm_encode_fn)(struct asm_ctx *ctx, const struct asm_op *op, char **ops);

/* One mnemonic: its encoder, operand count and fixed fields. */
struct asm_op {
	const char *name;
	asm_encode_fn encode;
	u8 nr_ops;
	u8 code;
	s16 off;
	s32 imm;
};

static int asm_fail(struct asm_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int asm_fail(struct asm_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	if (ctx->err && ctx->err_size) {
		va_start(ap, fmt);
		vsnprintf(ctx->err, ctx->err_size, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Makes room for one more element of size elem in *arr. */
static int asm_grow(void **arr, u32 *cap, u32 len, size_t elem)
{
	u32 new_cap = *cap ? *cap * 2 : 16;
	void *p;

	if (len < *cap)
		return 0;
	p = realloc(*arr, new_cap * elem);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = new_cap;
	return 0;
}

static struct bpf_insn *asm_emit(struct asm_ctx *ctx)
{
	struct bpf_insn *insn;

	if (asm_grow((void **)&ctx->insns, &ctx->cap, ctx->len, sizeof(*insn)))
		return NULL;
	insn = &ctx->insns[ctx->len++];
	memset(insn, 0, sizeof(*insn));
	return insn;
}

static int asm_add_label(struct asm_ctx *ctx, struct asm_label **arr, u32 *nr, u32 *cap,
			 const char *name, u32 index, bool in_imm)
{
	struct asm_label *l;

	if (strlen(name) >= ASM_MAX_NAME)
		return asm_fail(ctx, "Label too long: %s", name);
	if (asm_grow((void **)arr, cap, *nr, sizeof(**arr)))
		return -ENOMEM;
	l = &(*arr)[(*nr)++];
	strcpy(l->name, name);
	l->index = index;
	l->in_imm = in_imm;
	return 0;
}

static struct asm_label *asm_find_label(struct asm_ctx *ctx, const char *name)
{
	u32 i;

	for (i = 0; i < ctx->nr_labels; i++)
		if (!strcmp(ctx->labels[i].name, name))
			return &ctx->labels[i];
	return NULL;
}

static int asm_define_label(struct asm_ctx *ctx, const char *name)
{
	if (asm_find_label(ctx, name))
		return asm_fail(ctx, "Duplicate label (%s) detected at line %u", name, ctx->len);
	return asm_add_label(ctx, &ctx->labels, &ctx->nr_labels, &ctx->labels_cap, name,
			     ctx->len, false);
}

static int asm_reg(struct asm_ctx *ctx, const char *s, u8 *reg)
{
	char *end;
	long n;

	if (s[0] != '%' || s[1] != 'r' || s[2] < '0' || s[2] > '9')
		return asm_fail(ctx, "Invalid register: %s", s);
	n = strtol(s + 2, &end, 10);
	if (*end || n > BPF_REG_10 || (s[2] == '0' && s[3]))
		return asm_fail(ctx, "Invalid register: %s", s);
	*reg = n;
	return 0;
}

/* Upstream's rule: hex when the text has "0x", else signed decimal. */
static int asm_number(struct asm_ctx *ctx, const char *s, s64 min, u64 max_hex, s64 max_dec,
		      const char *what, u64 *out)
{
	char *end;

	errno = 0;
	if (strstr(s, "0x")) {
		*out = strtoull(s, &end, 16);
		if (!errno && *out > max_hex)
			errno = ERANGE;
	} else {
		s64 v = strtoll(s, &end, 10);

		if (!errno && (v < min || v > max_dec))
			errno = ERANGE;
		*out = v;
	}
	if (end == s || *end)
		return asm_fail(ctx, "Invalid number: %s", s);
	if (errno)
		return asm_fail(ctx, "%s out of %s range: %s", what,
				max_hex == U16_MAX ? "16-bit" : "32-bit", s);
	return 0;
}

static int asm_imm32(struct asm_ctx *ctx, const char *s, s32 *imm)
{
	u64 v;
	int err = asm_number(ctx, s, S32_MIN, U32_MAX, S32_MAX, "Immediate", &v);

	*imm = (s32)(u32)v;
	return err;
}

static int asm_off16(struct asm_ctx *ctx, const char *s, s16 *off)
{
	u64 v;
	int err = asm_number(ctx, s, S16_MIN, U16_MAX, S16_MAX, "Offset", &v);

	*off = (s16)(u16)v;
	return err;
}

/* lddw: hex, negative decimal or unsigned decimal, as upstream. */
static int asm_imm64(struct asm_ctx *ctx, const char *s, u64 *imm)
{
	char *end;

	errno = 0;
	if (strstr(s, "0x"))
		*imm = strtoull(s, &end, 16);
	else if (s[0] == '-')
		*imm = strtoll(s, &end, 10);
	else
		*imm = strtoull(s, &end, 10);
	if (end == s || *end)
		return asm_fail(ctx, "Invalid number: %s", s);
	if (errno)
		return asm_fail(ctx, "Immediate out of 64-bit range: %s", s);
	return 0;
}

/* "[%rN]", "[%rN+off]", "[%rN-off]". */
static int asm_mem(struct asm_ctx *ctx, char *s, u8 *reg, s16 *off)
{
	size_t len = strlen(s);
	char *sign, save;
	int err;

	if (s[0] != '[' || len < 3 || s[len - 1] != ']')
		return asm_fail(ctx, "Failed to decode register and offset: %s", s);
	s[len - 1] = '\0';
	sign = strpbrk(s + 1, "+-");
	*off = 0;
	if (!sign) {
		err = asm_reg(ctx, s + 1, reg);
	} else {
		save = *sign;
		*sign = '\0';
		err = asm_reg(ctx, s + 1, reg);
		*sign = save;
		if (!err)
			err = asm_off16(ctx, sign, off);
	}
	s[len - 1] = ']';
	return err;
}

/* "+N" / "-N", or a label resolved at the end into off or imm. */
static int asm_target(struct asm_ctx *ctx, const char *s, struct bpf_insn *insn, bool in_imm)
{
	s16 off;
	int err;

	if (s[0] == '+' || s[0] == '-') {
		err = asm_off16(ctx, s, &off);
		if (in_imm)
			insn->imm = off;
		else
			insn->off = off;
		return err;
	}
	return asm_add_label(ctx, &ctx->fixups, &ctx->nr_fixups, &ctx->fixups_cap, s,
			     insn - ctx->insns, in_imm);
}

static int asm_src(struct asm_ctx *ctx, const char *s, struct bpf_insn *insn)
{
	u8 reg;
	int err;

	if (s[0] != '%')
		return asm_imm32(ctx, s, &insn->imm);
	insn->code |= BPF_X;
	err = asm_reg(ctx, s, &reg);
	insn->src_reg = reg;
	return err;
}

static struct bpf_insn *asm_start(struct asm_ctx *ctx, const struct asm_op *op)
{
	struct bpf_insn *insn = asm_emit(ctx);

	if (insn) {
		insn->code = op->code;
		insn->off = op->off;
		insn->imm = op->imm;
	}
	return insn;
}

static int asm_dst(struct asm_ctx *ctx, const char *s, struct bpf_insn *insn)
{
	u8 reg;
	int err = asm_reg(ctx, s, &reg);

	insn->dst_reg = reg;
	return err;
}

static int asm_encode_alu(struct asm_ctx *ctx, const struct asm_op *op, char **ops)
{
	struct bpf_insn *insn = asm_start(ctx, op);

	if (!insn)
		return -ENOMEM;
	return asm_dst(ctx, ops[0], insn) ?: op->nr_ops == 2 ? asm_src(ctx, ops[1], insn) : 0;
}

static int asm_encode_jmp(struct asm_ctx *ctx, const struct asm_op *op, char **ops)
{
	struct bpf_insn *insn = asm_start(ctx, op);

	if (!insn)
		return -ENOMEM;
	return asm_dst(ctx, ops[0], insn) ?: asm_src(ctx, ops[1], insn) ?:
	       asm_target(ctx, ops[2], insn, false);
}

/* ja, ja32 (target in imm), may_goto. */
static int asm_encode_ja(struct asm_ctx *ctx, const struct asm_op *op, char **ops)
{
	struct bpf_insn *insn = asm_start(ctx, op);

	if (!insn)
		return -ENOMEM;
	return asm_target(ctx, ops[0], insn, BPF_CLASS(op->code) == BPF_JMP32);
}

static int asm_encode_plain(struct asm_ctx *ctx, const struct asm_op *op, char **ops)
{
	(void)ops;
	return asm_start(ctx, op) ? 0 : -ENOMEM;
}

/* call [helper|local|runtime] target; a helper by register is callx. */
static int asm_encode_call(struct asm_ctx *ctx, const struct asm_op *op, char **ops)
{
	struct bpf_insn *insn = asm_start(ctx, op);

	if (!insn)
		return -ENOMEM;
	if (!strcmp(ops[0], "helper") && ops[1][0] == '%') {
		insn->code |= BPF_X;
		return asm_dst(ctx, ops[1], insn);
	}
	if (!strcmp(ops[0], "helper"))
		return asm_imm32(ctx, ops[1], &insn->imm);
	if (!strcmp(ops[0], "runtime")) {
		insn->src_reg = BPF_PSEUDO_KFUNC_CALL;
		return asm_imm32(ctx, ops[1], &insn->imm);
	}
	if (!strcmp(ops[0], "local")) {
		insn->src_reg = BPF_PSEUDO_CALL;
		return asm_target(ctx, ops[1], insn, true);
	}
	return asm_fail(ctx, "Invalid call mode");
}

/* lddw and ldfunc: two slots. */
static int asm_encode_ld_imm64(struct asm_ctx *ctx, const struct asm_op *op, char **ops)
{
	struct bpf_insn *insn;
	u64 imm = 0;
	int err;

	if (!asm_start(ctx, op) || !asm_emit(ctx))
		return -ENOMEM;
	insn = &ctx->insns[ctx->len - 2];
	err = asm_dst(ctx, ops[0], insn);
	if (err)
		return err;
	if (op->imm == BPF_PSEUDO_FUNC) {
		insn->src_reg = BPF_PSEUDO_FUNC;
		insn->imm = 0;
		return asm_target(ctx, ops[1], insn, true);
	}
	if (op->imm == BPF_PSEUDO_MAP_IDX || op->imm == BPF_PSEUDO_MAP_IDX_VALUE) {
		insn->src_reg = op->imm;
		err = asm_imm32(ctx, ops[1], &insn[0].imm);
		if (!err && op->imm == BPF_PSEUDO_MAP_IDX_VALUE)
			err = asm_imm32(ctx, ops[2], &insn[1].imm);
		return err;
	}
	err = asm_imm64(ctx, ops[1], &imm);
	isa_set_ld_imm64(insn, imm);
	return err;
}

static int asm_encode_ldx(struct asm_ctx *ctx, const struct asm_op *op, char **ops)
{
	struct bpf_insn *insn = asm_start(ctx, op);
	u8 reg;
	int err;

	if (!insn)
		return -ENOMEM;
	err = asm_dst(ctx, ops[0], insn) ?: asm_mem(ctx, ops[1], &reg, &insn->off);
	insn->src_reg = reg;
	return err;
}

/* st and stx: the address first. */
static int asm_encode_store(struct asm_ctx *ctx, const struct asm_op *op, char **ops)
{
	struct bpf_insn *insn = asm_start(ctx, op);
	u8 reg = 0;
	int err;

	if (!insn)
		return -ENOMEM;
	err = asm_mem(ctx, ops[0], &reg, &insn->off);
	insn->dst_reg = reg;
	if (err)
		return err;
	if (BPF_CLASS(op->code) == BPF_ST)
		return asm_imm32(ctx, ops[1], &insn->imm);
	err = asm_reg(ctx, ops[1], &reg);
	insn->src_reg = reg;
	return err;
}

static int asm_encode_cast(struct asm_ctx *ctx, const struct asm_op *op, char **ops)
{
	struct bpf_insn *insn = asm_start(ctx, op);
	s32 dst_as, src_as;
	u8 reg;
	int err;

	if (!insn)
		return -ENOMEM;
	err = asm_dst(ctx, ops[0], insn) ?: asm_reg(ctx, ops[1], &reg) ?:
	      asm_imm32(ctx, ops[2], &dst_as) ?: asm_imm32(ctx, ops[3], &src_as);
	if (err)
		return err;
	insn->src_reg = reg;
	insn->imm = (s32)(((u32)dst_as << 16) | (u16)src_as);
	return 0;
}

#define ASM_ALU(name, op, off)							\
	{ name, asm_encode_alu, 2, BPF_ALU64 | (op), off, 0 },			\
	{ name "32", asm_encode_alu, 2, BPF_ALU | (op), off, 0 }
#define ASM_JMP(name, op)							\
	{ name, asm_encode_jmp, 3, BPF_JMP | (op), 0, 0 },			\
	{ name "32", asm_encode_jmp, 3, BPF_JMP32 | (op), 0, 0 }
#define ASM_ENDIAN(name, code)							\
	{ name "16", asm_encode_alu, 1, code, 0, 16 },				\
	{ name "32", asm_encode_alu, 1, code, 0, 32 },				\
	{ name "64", asm_encode_alu, 1, code, 0, 64 }
#define ASM_SIZES(prefix, encode, code)						\
	{ prefix "b", encode, 2, (code) | BPF_B, 0, 0 },			\
	{ prefix "h", encode, 2, (code) | BPF_H, 0, 0 },			\
	{ prefix "w", encode, 2, (code) | BPF_W, 0, 0 },			\
	{ prefix "dw", encode, 2, (code) | BPF_DW, 0, 0 }

static const struct asm_op asm_ops[] = {
	ASM_ALU("add", BPF_ADD, 0),
	ASM_ALU("sub", BPF_SUB, 0),
	ASM_ALU("mul", BPF_MUL, 0),
	ASM_ALU("div", BPF_DIV, 0),
	ASM_ALU("sdiv", BPF_DIV, ISA_SIGNED_DIV),
	ASM_ALU("mod", BPF_MOD, 0),
	ASM_ALU("smod", BPF_MOD, ISA_SIGNED_DIV),
	ASM_ALU("or", BPF_OR, 0),
	ASM_ALU("and", BPF_AND, 0),
	ASM_ALU("xor", BPF_XOR, 0),
	ASM_ALU("lsh", BPF_LSH, 0),
	ASM_ALU("rsh", BPF_RSH, 0),
	ASM_ALU("arsh", BPF_ARSH, 0),
	ASM_ALU("mov", BPF_MOV, 0),
	{ "neg", asm_encode_alu, 1, BPF_ALU64 | BPF_NEG, 0, 0 },
	{ "neg32", asm_encode_alu, 1, BPF_ALU | BPF_NEG, 0, 0 },
	{ "movsx832", asm_encode_alu, 2, BPF_ALU | BPF_MOV, 8, 0 },
	{ "movsx1632", asm_encode_alu, 2, BPF_ALU | BPF_MOV, 16, 0 },
	{ "movsx864", asm_encode_alu, 2, BPF_ALU64 | BPF_MOV, 8, 0 },
	{ "movsx1664", asm_encode_alu, 2, BPF_ALU64 | BPF_MOV, 16, 0 },
	{ "movsx3264", asm_encode_alu, 2, BPF_ALU64 | BPF_MOV, 32, 0 },
	ASM_ENDIAN("le", BPF_ALU | BPF_END | BPF_TO_LE),
	ASM_ENDIAN("be", BPF_ALU | BPF_END | BPF_TO_BE),
	ASM_ENDIAN("swap", BPF_ALU64 | BPF_END | BPF_TO_LE),
	ASM_ENDIAN("bswap", BPF_ALU64 | BPF_END | BPF_TO_LE),
	{ "addr_space_cast", asm_encode_cast, 4, BPF_ALU64 | BPF_MOV | BPF_X,
	  ISA_ADDR_SPACE_CAST, 0 },
	ASM_JMP("jeq", BPF_JEQ),
	ASM_JMP("jne", BPF_JNE),
	ASM_JMP("jgt", BPF_JGT),
	ASM_JMP("jge", BPF_JGE),
	ASM_JMP("jlt", BPF_JLT),
	ASM_JMP("jle", BPF_JLE),
	ASM_JMP("jsgt", BPF_JSGT),
	ASM_JMP("jsge", BPF_JSGE),
	ASM_JMP("jslt", BPF_JSLT),
	ASM_JMP("jsle", BPF_JSLE),
	ASM_JMP("jset", BPF_JSET),
	{ "ja", asm_encode_ja, 1, BPF_JMP | BPF_JA, 0, 0 },
	{ "ja32", asm_encode_ja, 1, BPF_JMP32 | BPF_JA, 0, 0 },
	{ "may_goto", asm_encode_ja, 1, BPF_JMP | ISA_JCOND, 0, 0 },
	{ "call", asm_encode_call, 2, BPF_JMP | BPF_CALL, 0, 0 },
	{ "exit", asm_encode_plain, 0, BPF_JMP | BPF_EXIT, 0, 0 },
	{ "lddw", asm_encode_ld_imm64, 2, BPF_LD | BPF_IMM | BPF_DW, 0, 0 },
	{ "ldfunc", asm_encode_ld_imm64, 2, BPF_LD | BPF_IMM | BPF_DW, 0, BPF_PSEUDO_FUNC },
	{ "ldmap", asm_encode_ld_imm64, 2, BPF_LD | BPF_IMM | BPF_DW, 0, BPF_PSEUDO_MAP_IDX },
	{ "ldmapvalue", asm_encode_ld_imm64, 3, BPF_LD | BPF_IMM | BPF_DW, 0,
	  BPF_PSEUDO_MAP_IDX_VALUE },
	ASM_SIZES("ldx", asm_encode_ldx, BPF_LDX | BPF_MEM),
	{ "ldxsb", asm_encode_ldx, 2, BPF_LDX | ISA_MEMSX | BPF_B, 0, 0 },
	{ "ldxsh", asm_encode_ldx, 2, BPF_LDX | ISA_MEMSX | BPF_H, 0, 0 },
	{ "ldxsw", asm_encode_ldx, 2, BPF_LDX | ISA_MEMSX | BPF_W, 0, 0 },
	ASM_SIZES("st", asm_encode_store, BPF_ST | BPF_MEM),
	ASM_SIZES("stx", asm_encode_store, BPF_STX | BPF_MEM),
};

/* After "lock [fetch]": the store's operands are "[dst+off]" and src. */
static const struct asm_op asm_atomic_ops[] = {
	{ "add", asm_encode_store, 2, BPF_STX | BPF_ATOMIC | BPF_DW, 0, BPF_ADD },
	{ "and", asm_encode_store, 2, BPF_STX | BPF_ATOMIC | BPF_DW, 0, BPF_AND },
	{ "or", asm_encode_store, 2, BPF_STX | BPF_ATOMIC | BPF_DW, 0, BPF_OR },
	{ "xor", asm_encode_store, 2, BPF_STX | BPF_ATOMIC | BPF_DW, 0, BPF_XOR },
	{ "xchg", asm_encode_store, 2, BPF_STX | BPF_ATOMIC | BPF_DW, 0, BPF_XCHG },
	{ "cmpxchg", asm_encode_store, 2, BPF_STX | BPF_ATOMIC | BPF_DW, 0, BPF_CMPXCHG },
};

static int asm_lock(struct asm_ctx *ctx, char **tok, int n)
{
	bool fetch = n > 1 && !strcmp(tok[1], "fetch");
	struct asm_op op;
	size_t len;
	u32 i;

	if (n - fetch != 4)
		return asm_fail(ctx, "Invalid number of operands for lock");
	tok += 1 + fetch;
	len = strlen(tok[0]);
	for (i = 0; i < ARRAY_SIZE(asm_atomic_ops); i++) {
		op = asm_atomic_ops[i];
		if (!strcmp(tok[0], op.name)) {
			break;
		} else if (len > 2 && !strcmp(tok[0] + len - 2, "32") &&
			   !strncmp(tok[0], op.name, len - 2) && !op.name[len - 2]) {
			op.code = BPF_STX | BPF_ATOMIC | BPF_W;
			break;
		}
	}
	if (i == ARRAY_SIZE(asm_atomic_ops))
		return asm_fail(ctx, "Invalid mnemonic: %s", tok[0]);
	if (fetch && (op.imm == BPF_XCHG || op.imm == BPF_CMPXCHG))
		return asm_fail(ctx, "Invalid mnemonic: fetch %s", tok[0]);
	op.imm |= fetch ? BPF_FETCH : 0;
	return op.encode(ctx, &op, tok + 1);
}

static int asm_insn(struct asm_ctx *ctx, char **tok, int n);

/* "arena <access>": the access, in the arena's mode. */
static int asm_arena(struct asm_ctx *ctx, char **tok, int n)
{
	struct bpf_insn *insn;
	u32 first = ctx->len;
	int err;

	if (n < 2)
		return asm_fail(ctx, "Invalid number of operands for arena");
	err = asm_insn(ctx, tok + 1, n - 1);
	if (err)
		return err;
	insn = &ctx->insns[first];
	if (BPF_CLASS(insn->code) == BPF_STX && BPF_MODE(insn->code) == BPF_ATOMIC) {
		insn->code = BPF_STX | ISA_PROBE_ATOMIC | BPF_SIZE(insn->code);
		return 0;
	}
	if ((BPF_CLASS(insn->code) == BPF_LDX || BPF_CLASS(insn->code) == BPF_ST ||
	     BPF_CLASS(insn->code) == BPF_STX) && BPF_MODE(insn->code) == BPF_MEM) {
		insn->code = BPF_CLASS(insn->code) | ISA_PROBE_MEM32 | BPF_SIZE(insn->code);
		return 0;
	}
	if (BPF_CLASS(insn->code) == BPF_LDX && BPF_MODE(insn->code) == ISA_MEMSX) {
		insn->code = BPF_LDX | ISA_PROBE_MEM32SX | BPF_SIZE(insn->code);
		return 0;
	}
	return asm_fail(ctx, "Invalid arena access: %s", tok[1]);
}

static int asm_insn(struct asm_ctx *ctx, char **tok, int n)
{
	char *call_ops[2];
	u32 i;

	if (!strcmp(tok[0], "lock"))
		return asm_lock(ctx, tok, n);
	if (!strcmp(tok[0], "arena"))
		return asm_arena(ctx, tok, n);
	for (i = 0; i < ARRAY_SIZE(asm_ops); i++)
		if (!strcmp(tok[0], asm_ops[i].name))
			break;
	if (i == ARRAY_SIZE(asm_ops))
		return asm_fail(ctx, "Invalid mnemonic: %s", tok[0]);
	/* "call N" is "call helper N". */
	if (asm_ops[i].encode == asm_encode_call && n == 2) {
		call_ops[0] = "helper";
		call_ops[1] = tok[1];
		return asm_encode_call(ctx, &asm_ops[i], call_ops);
	}
	if (n - 1 != asm_ops[i].nr_ops)
		return asm_fail(ctx, "Invalid number of operands for mnemonic: %s", tok[0]);
	return asm_ops[i].encode(ctx, &asm_ops[i], tok + 1);
}

static int asm_line(struct asm_ctx *ctx, char *line)
{
	char *tok[ASM_MAX_TOKENS + 1], *save = NULL, *t;
	size_t len;
	int n = 0;

	t = strchr(line, '#');
	if (t)
		*t = '\0';
	for (t = strtok_r(line, " \t\r", &save); t; t = strtok_r(NULL, " \t\r", &save)) {
		if (n == ASM_MAX_TOKENS)
			return asm_fail(ctx, "Too many operands: %s", tok[0]);
		len = strlen(t);
		if (n && len > 1 && t[len - 1] == ',')
			t[len - 1] = '\0';
		tok[n++] = t;
	}
	if (!n)
		return 0;
	len = strlen(tok[0]);
	if (tok[0][len - 1] == ':') {
		tok[0][len - 1] = '\0';
		return n == 1 ? asm_define_label(ctx, tok[0]) :
		       asm_fail(ctx, "Text after label %s", tok[0]);
	}
	if (!strcmp(tok[0], "exit") && !ctx->seen_exit) {
		struct asm_label *l = asm_find_label(ctx, "exit");

		ctx->seen_exit = true;
		if (l)
			l->index = ctx->len;
		else if (asm_define_label(ctx, "exit"))
			return -EINVAL;
	}
	return asm_insn(ctx, tok, n);
}

static int asm_resolve(struct asm_ctx *ctx)
{
	u32 i;

	for (i = 0; i < ctx->nr_fixups; i++) {
		const struct asm_label *fix = &ctx->fixups[i];
		const struct asm_label *l = asm_find_label(ctx, fix->name);
		s64 delta;

		if (!l)
			return asm_fail(ctx, "Invalid label: %s", fix->name);
		delta = (s64)l->index - fix->index - 1;
		if (fix->in_imm) {
			ctx->insns[fix->index].imm = delta;
		} else if (delta < S16_MIN || delta > S16_MAX) {
			return asm_fail(ctx, "Offset out of 16-bit range: %s", fix->name);
		} else {
			ctx->insns[fix->index].off = delta;
		}
	}
	return 0;
}

int asm_assemble(const char *text, struct bpf_insn **insns, uint32_t *nr_insns, char *err,
		 size_t err_size)
{
	struct asm_ctx ctx = { .err = err, .err_size = err_size };
	char *copy = strdup(text), *line, *save = NULL;
	int ret = copy ? 0 : -ENOMEM;

	for (line = copy ? strtok_r(copy, "\n", &save) : NULL; line && !ret;
	     line = strtok_r(NULL, "\n", &save))
		ret = asm_line(&ctx, line);
	if (!ret)
		ret = asm_resolve(&ctx);
	if (ret == -ENOMEM)
		asm_fail(&ctx, "Out of memory");
	free(copy);
	free(ctx.labels);
	free(ctx.fixups);
	if (ret) {
		free(ctx.insns);
		return ret;
	}
	*insns = ctx.insns;
	*nr_insns = ctx.len;
	return 0;
}

/* The sections of a test file, as text. */
struct asm_sections {
	char *asm_text, *raw, *mem;
	size_t asm_len, raw_len, mem_len;
	char result[64];
	bool has_result;
};

static int asm_append(char **buf, size_t *len, const char *line)
{
	size_t n = strlen(line);
	char *p = realloc(*buf, *len + n + 2);

	if (!p)
		return -ENOMEM;
	memcpy(p + *len, line, n);
	p[*len + n] = '\n';
	p[*len + n + 1] = '\0';
	*buf = p;
	*len += n + 1;
	return 0;
}

/* raw: 0x<16 digits> per instruction, or bytes as two hex digits each. */
static int asm_parse_raw(struct asm_ctx *ctx, char *raw)
{
	char *t, *save = NULL, *end;
	u8 bytes[sizeof(struct bpf_insn)];
	u32 nr_bytes = 0;
	u64 v;

	for (t = strtok_r(raw, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
		errno = 0;
		v = strtoull(t, &end, 16);
		if (*end || errno || end == t)
			return asm_fail(ctx, "Invalid raw instruction: %s", t);
		if (!strncmp(t, "0x", 2)) {
			if (nr_bytes)
				return asm_fail(ctx, "Raw instruction after %u bytes", nr_bytes);
			if (!asm_emit(ctx))
				return -ENOMEM;
			memcpy(&ctx->insns[ctx->len - 1], &v, sizeof(v));
			continue;
		}
		if (strlen(t) != 2)
			return asm_fail(ctx, "Invalid raw byte: %s", t);
		bytes[nr_bytes++] = v;
		if (nr_bytes < sizeof(bytes))
			continue;
		if (!asm_emit(ctx))
			return -ENOMEM;
		memcpy(&ctx->insns[ctx->len - 1], bytes, sizeof(bytes));
		nr_bytes = 0;
	}
	return nr_bytes ? asm_fail(ctx, "Raw instruction of %u bytes", nr_bytes) : 0;
}

static int asm_parse_mem(struct asm_ctx *ctx, char *text, struct asm_test *test)
{
	char *t, *save = NULL, *end;
	unsigned long v;
	u32 cap = 0;

	for (t = strtok_r(text, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
		v = strtoul(t, &end, 16);
		if (*end || end == t || v > U8_MAX)
			return asm_fail(ctx, "Invalid memory byte: %s", t);
		if (asm_grow((void **)&test->mem, &cap, test->mem_len, 1))
			return -ENOMEM;
		test->mem[test->mem_len++] = v;
	}
	return 0;
}

enum asm_section { SEC_IGNORE, SEC_ASM, SEC_RAW, SEC_MEM, SEC_RESULT, SEC_ERROR };

static int asm_directive(struct asm_ctx *ctx, const char *line, enum asm_section *sec)
{
	static const struct {
		const char *name;
		enum asm_section sec;
	} names[] = {
		{ "asm", SEC_ASM }, { "raw", SEC_RAW }, { "mem", SEC_MEM },
		{ "result", SEC_RESULT }, { "error", SEC_ERROR }, { "c", SEC_IGNORE },
		{ "no register offset", SEC_IGNORE },
	};
	u32 i;

	line += 2;
	while (*line == ' ')
		line++;
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(line, names[i].name)) {
			*sec = names[i].sec;
			return 0;
		}
	}
	return asm_fail(ctx, "Unknown directive: -- %s", line);
}

static char *asm_trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static int asm_read_sections(struct asm_ctx *ctx, char *text, struct asm_sections *s,
			     struct asm_test *test)
{
	enum asm_section sec = SEC_IGNORE;
	char *line, *next, *hash;
	int err = 0;

	for (line = text; line && !err; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		line = asm_trim(line);
		if (!strncmp(line, "--", 2)) {
			err = asm_directive(ctx, line, &sec);
			continue;
		}
		if (!*line)
			continue;
		if (sec == SEC_ERROR) {
			free(test->error);
			test->error = strdup(line);
			err = test->error ? 0 : -ENOMEM;
			continue;
		}
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		line = asm_trim(line);
		if (sec == SEC_ASM)
			err = asm_append(&s->asm_text, &s->asm_len, line);
		else if (sec == SEC_RAW)
			err = asm_append(&s->raw, &s->raw_len, line);
		else if (sec == SEC_MEM)
			err = asm_append(&s->mem, &s->mem_len, line);
		else if (sec == SEC_RESULT && *line)
			s->has_result = snprintf(s->result, sizeof(s->result), "%s", line) > 0;
	}
	return err;
}

static int asm_parse_result(struct asm_ctx *ctx, const char *s, u64 *result)
{
	char *end;

	errno = 0;
	*result = strtoull(s, &end, strstr(s, "0x") ? 16 : 10);
	if (*end || end == s || errno)
		return asm_fail(ctx, "Invalid result: %s", s);
	return 0;
}

static int asm_parse_parts(struct asm_ctx *ctx, struct asm_sections *s, struct asm_test *test)
{
	int err;

	if (!s->has_result && !test->error)
		return asm_fail(ctx, "No result or error in test file");
	if (s->has_result) {
		err = asm_parse_result(ctx, s->result, &test->result);
		if (err)
			return err;
		test->has_result = true;
	}
	if (s->mem) {
		err = asm_parse_mem(ctx, s->mem, test);
		if (err)
			return err;
	}
	if (s->raw) {
		err = asm_parse_raw(ctx, s->raw);
		if (err)
			return err;
		test->insns = ctx->insns;
		test->nr_insns = ctx->len;
		ctx->insns = NULL;
	} else if (s->asm_text) {
		err = asm_assemble(s->asm_text, &test->insns, &test->nr_insns, ctx->err,
				   ctx->err_size);
		if (err)
			return err;
	}
	if (!test->nr_insns)
		return asm_fail(ctx, "No instructions in test file");
	return 0;
}

int asm_parse_test(const char *text, struct asm_test *test, char *err, size_t err_size)
{
	struct asm_ctx ctx = { .err = err, .err_size = err_size };
	struct asm_sections s = { 0 };
	char *copy = strdup(text);
	int ret;

	memset(test, 0, sizeof(*test));
	ret = copy ? asm_read_sections(&ctx, copy, &s, test) : -ENOMEM;
	if (!ret)
		ret = asm_parse_parts(&ctx, &s, test);
	free(copy);
	free(s.asm_text);
	free(s.raw);
	free(s.mem);
	free(ctx.insns);
	if (ret == -ENOMEM)
		asm_fail(&ctx, "Out of memory");
	if (ret) {
		free(test->insns);
		free(test->mem);
		test->insns = NULL;
		test->mem = NULL;
		test->nr_insns = 0;
		test->mem_len = 0;
	}
	return ret;
}

int asm_load_test(const char *path, struct asm_test *test, char *err, size_t err_size)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t size = 0;
	int ret;

	memset(test, 0, sizeof(*test));
	if (!f) {
		ret = -errno;
		snprintf(err, err_size, "%s: %s", path, strerror(errno));
		return ret;
	}
	text = calloc(1, 1);
	while (text) {
		char buf[4096];
		size_t n = fread(buf, 1, sizeof(buf), f);
		char *p;

		if (!n)
			break;
		p = realloc(text, size + n + 1);
		if (!p) {
			free(text);
			text = NULL;
			break;
		}
		text = p;
		memcpy(text + size, buf, n);
		size += n;
		text[size] = '\0';
	}
	fclose(f);
	if (!text) {
		snprintf(err, err_size, "Out of memory");
		return -ENOMEM;
	}
	ret = asm_parse_test(text, test, err, err_size);
	free(text);
	return ret;
}

void asm_test_free(struct asm_test *test)
{
	free(test->insns);
	free(test->mem);
	free(test->error);
	memset(test, 0, sizeof(*test));
}
