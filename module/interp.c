// SPDX-License-Identifier: GPL-2.0
/*
 * The interpreter: runs what verifier_check() accepted and rewrote (see
 * prog_core.h), with the kernel's semantics for every edge case, so that
 * it serves as the reference the JITs are tested against and as the
 * engine where no JIT exists.
 *
 * What the verifier guarantees is trusted for speed (jumps stay inside
 * the program, registers are initialised, memory accesses are in bounds);
 * what would corrupt the interpreter's own state is checked anyway: call
 * depth, stack space and call targets.  A program that fails those checks,
 * or calls a helper that does not exist, stops with r0 = 0.
 *
 * Bpf-to-bpf calls do not recurse in C: the call chain is an explicit
 * array of frames, and all frames share one stack of ISA_MAX_STACK bytes,
 * as the kernel's verifier limits a chain's frames together.  A helper
 * that calls back into the program (bpf_loop) starts a new run through
 * prog_func_call(), with its own state.
 *
 * Arena accesses (modes ISA_PROBE_MEM32, ISA_PROBE_MEM32SX and
 * ISA_PROBE_ATOMIC) go through
 * prog_arena_page() and behave as the kernel's JITs make them behave: the
 * address is the arena offset (u32)reg + off; outside [0, 4 GiB) or on an
 * absent page a load gives 0 and a store does nothing.  An access that
 * spans two pages is split; both must be present.  An arena atomic must
 * be naturally aligned (the verifier cannot know arena alignment): a
 * misaligned one behaves as on an absent page, its result register 0.
 */

#include "prog_core.h"

/* One function invocation of a call chain. */
struct interp_frame {
	const struct prog_func *func;
	u32 top;		/* its r10, in u64 words into the stack */
	u32 may_goto;		/* may_goto iterations left in this invocation */
	const struct bpf_insn *ret;	/* where the caller continues */
	u64 callee_saved[4];	/* the caller's r6-r9 */
};

/*
 * One run, on the C stack: about 1 KiB.  Room for 16 registers, so that
 * no 4-bit register field reaches past the state, whatever it was given.
 */
struct interp_state {
	u64 regs[16];
	struct interp_frame frames[ISA_MAX_CALL_FRAMES];
	u64 stack[ISA_MAX_STACK / sizeof(u64)];
};

#define INTERP_ARENA_END	(1ULL << 32)

/*
 * The fuzzers (tests/fuzz) check every access outside the arena against
 * what the verifier promised, and need to know each run's stack for it:
 * hooks that exist only in their build.
 */
#ifdef INTERP_CHECK_ACCESS
void interp_check_access(const void *p, u32 size, bool write);
void interp_check_stack(const void *stack, u32 size, bool live);
#else
#define interp_check_access(p, size, write)	do { } while (0)
#define interp_check_stack(stack, size, live)	do { } while (0)
#endif

static inline void *interp_ptr(u64 base, s16 off)
{
	return (void *)(unsigned long)(base + (s64)off);
}

/* Unaligned loads and stores are allowed: memcpy compiles to one access. */
static inline u64 interp_load(const void *p, u32 size)
{
	u8 b;
	u16 h;
	u32 w;
	u64 dw;

	switch (size) {
	case 1:
		memcpy(&b, p, 1);
		return b;
	case 2:
		memcpy(&h, p, 2);
		return h;
	case 4:
		memcpy(&w, p, 4);
		return w;
	default:
		memcpy(&dw, p, 8);
		return dw;
	}
}

static inline void interp_store(void *p, u64 v, u32 size)
{
	u8 b = v;
	u16 h = v;
	u32 w = v;

	switch (size) {
	case 1:
		memcpy(p, &b, 1);
		break;
	case 2:
		memcpy(p, &h, 2);
		break;
	case 4:
		memcpy(p, &w, 4);
		break;
	default:
		memcpy(p, &v, 8);
		break;
	}
}

/* Division by zero gives 0; INT_MIN / -1 wraps to INT_MIN. */
static u64 interp_sdiv64(u64 a, u64 b)
{
	if (!b)
		return 0;
	if (b == U64_MAX)
		return -a;
	return (u64)((s64)a / (s64)b);
}

/* Modulo by zero leaves the dividend; INT_MIN % -1 is 0. */
static u64 interp_smod64(u64 a, u64 b)
{
	if (!b)
		return a;
	if (b == U64_MAX)
		return 0;
	return (u64)((s64)a % (s64)b);
}

static u32 interp_sdiv32(u32 a, u32 b)
{
	if (!b)
		return 0;
	if (b == U32_MAX)
		return -a;
	return (u32)((s32)a / (s32)b);
}

static u32 interp_smod32(u32 a, u32 b)
{
	if (!b)
		return a;
	if (b == U32_MAX)
		return 0;
	return (u32)((s32)a % (s32)b);
}

static u64 interp_div64(u64 a, u64 b, s16 is_signed)
{
	if (is_signed)
		return interp_sdiv64(a, b);
	return b ? a / b : 0;
}

static u64 interp_mod64(u64 a, u64 b, s16 is_signed)
{
	if (is_signed)
		return interp_smod64(a, b);
	return b ? a % b : a;
}

static u32 interp_div32(u32 a, u32 b, s16 is_signed)
{
	if (is_signed)
		return interp_sdiv32(a, b);
	return b ? a / b : 0;
}

static u32 interp_mod32(u32 a, u32 b, s16 is_signed)
{
	if (is_signed)
		return interp_smod32(a, b);
	return b ? a % b : a;
}

static u64 interp_swap(u64 v, s32 bits)
{
	switch (bits) {
	case 16:
		return swab16((u16)v);
	case 32:
		return swab32((u32)v);
	default:
		return swab64(v);
	}
}

static u64 interp_truncate(u64 v, s32 bits)
{
	switch (bits) {
	case 16:
		return (u16)v;
	case 32:
		return (u32)v;
	default:
		return v;
	}
}

/* BPF_ALU | BPF_END: to the wanted byte order from the host's. */
static u64 interp_byte_order(u64 v, s32 bits, bool to_big)
{
	bool host_big = __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__;

	return to_big == host_big ? interp_truncate(v, bits) : interp_swap(v, bits);
}

/* mov with off 8/16/32 (cpu v4): sign-extends the low off bits. */
static u64 interp_movsx(u64 v, s16 bits)
{
	switch (bits) {
	case 8:
		return (u64)(s64)(s8)v;
	case 16:
		return (u64)(s64)(s16)v;
	case 32:
		return (u64)(s64)(s32)v;
	default:
		return v;
	}
}

static u64 interp_addr_space_cast(const struct prog_obj *arena, u64 v, s32 dir)
{
	u64 off = (u32)v;

	if (dir != ISA_CAST_TO_USER || !off || !arena ||
	    (arena->flags & PROG_OBJ_F_NO_USER_CONV))
		return off;
	return off | (arena->user_vm_start & ~(u64)U32_MAX);
}

/*
 * Copies size bytes between buf and the arena at reg + off, one or two
 * pages; false (nothing copied) when the access leaves [0, 4 GiB) or
 * touches an absent page.
 */
static bool interp_arena_copy(const struct prog_obj *arena, u64 reg, s16 off,
			      void *buf, u32 size, bool store)
{
	s64 addr = (s64)(u32)reg + off;
	u32 psize = prog_arena_page_size();
	u32 in_page, head;
	u8 *first, *second = NULL;
	bool present;

	if (!arena || addr < 0 || (u64)addr + size > INTERP_ARENA_END)
		return false;
	in_page = (u64)addr % psize;
	head = min_t(u32, size, psize - in_page);
	prog_arena_enter();
	first = prog_arena_page(arena, (u64)addr / psize);
	if (head < size)
		second = prog_arena_page(arena, (u64)addr / psize + 1);
	present = first && (head == size || second);
	if (present && store)
		memcpy(first + in_page, buf, head);
	else if (present)
		memcpy(buf, first + in_page, head);
	if (present && second && store)
		memcpy(second, (u8 *)buf + head, size - head);
	else if (present && second)
		memcpy((u8 *)buf + head, second, size - head);
	prog_arena_exit();
	return present;
}

static u64 interp_arena_load(const struct prog_obj *arena, u64 reg, s16 off, u32 size)
{
	u8 buf[8];

	if (!interp_arena_copy(arena, reg, off, buf, size, false))
		return 0;
	return interp_load(buf, size);
}

static void interp_arena_store(const struct prog_obj *arena, u64 reg, s16 off, u64 v,
			       u32 size)
{
	u8 buf[8];

	interp_store(buf, v, size);
	interp_arena_copy(arena, reg, off, buf, size, true);
}

/*
 * interp_atomic32() and interp_atomic64(): the operation of imm on *p with
 * src, the value fetched (zero-extended) into src or, for cmpxchg, r0.
 */
#define INTERP_ATOMIC(BITS)							\
static void interp_atomic##BITS(u##BITS *p, s32 op, u64 *src, u64 *r0)	\
{										\
	switch (op) {								\
	case BPF_ADD:								\
		portable_atomic##BITS##_add(p, *src);				\
		break;								\
	case BPF_AND:								\
		portable_atomic##BITS##_and(p, *src);				\
		break;								\
	case BPF_OR:								\
		portable_atomic##BITS##_or(p, *src);				\
		break;								\
	case BPF_XOR:								\
		portable_atomic##BITS##_xor(p, *src);				\
		break;								\
	case BPF_ADD | BPF_FETCH:						\
		*src = portable_atomic##BITS##_fetch_add(p, *src);		\
		break;								\
	case BPF_AND | BPF_FETCH:						\
		*src = portable_atomic##BITS##_fetch_and(p, *src);		\
		break;								\
	case BPF_OR | BPF_FETCH:						\
		*src = portable_atomic##BITS##_fetch_or(p, *src);		\
		break;								\
	case BPF_XOR | BPF_FETCH:						\
		*src = portable_atomic##BITS##_fetch_xor(p, *src);		\
		break;								\
	case BPF_XCHG:								\
		*src = portable_atomic##BITS##_xchg(p, *src);			\
		break;								\
	case BPF_CMPXCHG:							\
		*r0 = portable_atomic##BITS##_cmpxchg(p, *r0, *src);		\
		break;								\
	}									\
}

INTERP_ATOMIC(32)
INTERP_ATOMIC(64)

static void interp_atomic(u64 *regs, const struct bpf_insn *insn, void *p)
{
	if (BPF_SIZE(insn->code) == BPF_DW)
		interp_atomic64(p, insn->imm, &regs[insn->src_reg], &regs[BPF_REG_0]);
	else
		interp_atomic32(p, insn->imm, &regs[insn->src_reg], &regs[BPF_REG_0]);
}

/* An arena atomic on an absent page loads 0 into its result register. */
static void interp_arena_atomic(const struct prog_obj *arena, u64 *regs,
				const struct bpf_insn *insn)
{
	s64 addr = (s64)(u32)regs[insn->dst_reg] + insn->off;
	u32 size = isa_access_bytes(insn->code);
	u32 psize = prog_arena_page_size();
	u8 *page = NULL;

	prog_arena_enter();
	if (arena && addr >= 0 && (u64)addr < INTERP_ARENA_END && !(addr & (size - 1)))
		page = prog_arena_page(arena, (u64)addr / psize);
	if (page)
		interp_atomic(regs, insn, page + (u64)addr % psize);
	prog_arena_exit();
	if (page)
		return;
	if (insn->imm == BPF_CMPXCHG)
		regs[BPF_REG_0] = 0;
	else if (insn->imm & BPF_FETCH)
		regs[insn->src_reg] = 0;
}

/* Helpers, kfuncs and callx: NULL stops the program. */
static prog_helper_fn interp_native(const struct bpf_insn *insn, const u64 *regs)
{
	if (BPF_SRC(insn->code) == BPF_X)
		return prog_helper((u32)regs[insn->dst_reg]);
	if (insn->src_reg == BPF_PSEUDO_KFUNC_CALL)
		return prog_kfunc(insn->imm);
	return prog_helper(insn->imm);
}

static const struct prog_func *interp_find_func(const struct prog_core *prog, u32 start)
{
	u32 lo = 0, hi = prog->nr_funcs;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (prog->funcs[mid].start == start)
			return &prog->funcs[mid];
		if (prog->funcs[mid].start < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * Enters the function starting at insn index target from the caller's
 * frame: saves r6-r9, gives the callee its frame below the caller's.
 * NULL when there is no such function or no room left.
 */
static struct interp_frame *interp_push(struct interp_state *st,
					struct interp_frame *caller, u32 target,
					const struct bpf_insn *ret)
{
	const struct prog_func *callee = interp_find_func(caller->func->prog, target);
	struct interp_frame *frame = caller + 1;
	u32 caller_words = caller->func->stack_depth / sizeof(u64);

	if (!callee || frame == st->frames + ISA_MAX_CALL_FRAMES ||
	    caller_words > caller->top ||
	    callee->stack_depth / sizeof(u64) > caller->top - caller_words)
		return NULL;
	frame->func = callee;
	frame->top = caller->top - caller_words;
	frame->may_goto = ISA_MAY_GOTO_BUDGET;
	frame->ret = ret;
	memcpy(frame->callee_saved, &st->regs[BPF_REG_6], sizeof(frame->callee_saved));
	st->regs[BPF_REG_10] = (u64)(unsigned long)(st->stack + frame->top);
	return frame;
}

static void interp_pop(struct interp_state *st, const struct interp_frame *frame)
{
	memcpy(&st->regs[BPF_REG_6], frame->callee_saved, sizeof(frame->callee_saved));
	st->regs[BPF_REG_10] = (u64)(unsigned long)(st->stack + frame[-1].top);
}

#define DST	regs[insn->dst_reg]
#define SRC	regs[insn->src_reg]
#define IMM	insn->imm

/* add, sub, ...: 64-bit, and 32-bit with the result zero-extended. */
#define INTERP_ALU(OP, EXPR)						\
	case BPF_ALU64 | OP | BPF_X:					\
		DST = DST EXPR SRC;					\
		break;							\
	case BPF_ALU64 | OP | BPF_K:					\
		DST = DST EXPR (u64)(s64)IMM;				\
		break;							\
	case BPF_ALU | OP | BPF_X:					\
		DST = (u32)DST EXPR (u32)SRC;				\
		break;							\
	case BPF_ALU | OP | BPF_K:					\
		DST = (u32)DST EXPR (u32)IMM;				\
		break

/* Shifts take the count modulo the width; T64/T32 signed: arithmetic. */
#define INTERP_SHIFT(OP, SHIFT, T64, T32)				\
	case BPF_ALU64 | OP | BPF_X:					\
		DST = (u64)((T64)DST SHIFT (SRC & 63));			\
		break;							\
	case BPF_ALU64 | OP | BPF_K:					\
		DST = (u64)((T64)DST SHIFT (IMM & 63));			\
		break;							\
	case BPF_ALU | OP | BPF_X:					\
		DST = (u32)((T32)DST SHIFT (SRC & 31));			\
		break;							\
	case BPF_ALU | OP | BPF_K:					\
		DST = (u32)((T32)DST SHIFT (IMM & 31));			\
		break

#define INTERP_DIVMOD(OP, FN)						\
	case BPF_ALU64 | OP | BPF_X:					\
		DST = interp_##FN##64(DST, SRC, insn->off);		\
		break;							\
	case BPF_ALU64 | OP | BPF_K:					\
		DST = interp_##FN##64(DST, (u64)(s64)IMM, insn->off);	\
		break;							\
	case BPF_ALU | OP | BPF_X:					\
		DST = interp_##FN##32(DST, SRC, insn->off);		\
		break;							\
	case BPF_ALU | OP | BPF_K:					\
		DST = interp_##FN##32(DST, IMM, insn->off);		\
		break

/* Conditional jumps; immediates are sign-extended to 64 bits first. */
#define INTERP_JMP(OP, CMP, T64, T32)					\
	case BPF_JMP | OP | BPF_X:					\
		if ((T64)DST CMP (T64)SRC)				\
			insn += insn->off;				\
		break;							\
	case BPF_JMP | OP | BPF_K:					\
		if ((T64)DST CMP (T64)(s64)IMM)				\
			insn += insn->off;				\
		break;							\
	case BPF_JMP32 | OP | BPF_X:					\
		if ((T32)DST CMP (T32)SRC)				\
			insn += insn->off;				\
		break;							\
	case BPF_JMP32 | OP | BPF_K:					\
		if ((T32)DST CMP (T32)IMM)				\
			insn += insn->off;				\
		break

/* T: the loaded type; a signed one sign-extends (ISA_MEMSX). */
#define INTERP_LDX(MODE, SIZE, T)					\
	case BPF_LDX | MODE | SIZE: {					\
		T v_;							\
									\
		interp_check_access(interp_ptr(SRC, insn->off), sizeof(v_), false);	\
		memcpy(&v_, interp_ptr(SRC, insn->off), sizeof(v_));	\
		DST = (u64)v_;						\
		break;							\
	}

/* The arena's sign-extending loads (ISA_PROBE_MEM32SX); T is signed. */
#define INTERP_ARENA_LDXSX(SIZE, T)					\
	case BPF_LDX | ISA_PROBE_MEM32SX | SIZE:			\
		DST = (u64)(s64)(T)interp_arena_load(arena, SRC, insn->off, sizeof(T));	\
		break

/* Stores of one size, and the arena's loads and stores of that size. */
#define INTERP_MEM(SIZE, T)						\
	case BPF_ST | BPF_MEM | SIZE: {					\
		T v_ = (T)IMM;						\
									\
		interp_check_access(interp_ptr(DST, insn->off), sizeof(v_), true);	\
		memcpy(interp_ptr(DST, insn->off), &v_, sizeof(v_));	\
		break;							\
	}								\
	case BPF_STX | BPF_MEM | SIZE: {				\
		T v_ = (T)SRC;						\
									\
		interp_check_access(interp_ptr(DST, insn->off), sizeof(v_), true);	\
		memcpy(interp_ptr(DST, insn->off), &v_, sizeof(v_));	\
		break;							\
	}								\
	case BPF_LDX | ISA_PROBE_MEM32 | SIZE:				\
		DST = interp_arena_load(arena, SRC, insn->off, sizeof(T));	\
		break;							\
	case BPF_ST | ISA_PROBE_MEM32 | SIZE:				\
		interp_arena_store(arena, DST, insn->off, (u64)(s64)IMM, sizeof(T));	\
		break;							\
	case BPF_STX | ISA_PROBE_MEM32 | SIZE:				\
		interp_arena_store(arena, DST, insn->off, SRC, sizeof(T));	\
		break

static u64 interp_exec(struct interp_state *st, const struct prog_func *entry)
{
	const struct prog_obj *arena = entry->prog->arena;
	struct interp_frame *frame = st->frames;
	const struct bpf_insn *insn;
	u64 *regs = st->regs;
	prog_helper_fn fn;

	if (entry->stack_depth > sizeof(st->stack))
		return 0;
	frame->func = entry;
	frame->top = ARRAY_SIZE(st->stack);
	frame->may_goto = ISA_MAY_GOTO_BUDGET;
	regs[BPF_REG_10] = (u64)(unsigned long)(st->stack + frame->top);
	insn = &entry->prog->insns[entry->start];

	for (;; insn++) {
next:
		switch (insn->code) {
		INTERP_ALU(BPF_ADD, +);
		INTERP_ALU(BPF_SUB, -);
		INTERP_ALU(BPF_MUL, *);
		INTERP_ALU(BPF_OR, |);
		INTERP_ALU(BPF_AND, &);
		INTERP_ALU(BPF_XOR, ^);
		INTERP_SHIFT(BPF_LSH, <<, u64, u32);
		INTERP_SHIFT(BPF_RSH, >>, u64, u32);
		INTERP_SHIFT(BPF_ARSH, >>, s64, s32);
		INTERP_DIVMOD(BPF_DIV, div);
		INTERP_DIVMOD(BPF_MOD, mod);
		case BPF_ALU64 | BPF_NEG:
			DST = -DST;
			break;
		case BPF_ALU | BPF_NEG:
			DST = (u32)-(u32)DST;
			break;
		case BPF_ALU64 | BPF_MOV | BPF_X:
			if (insn->off == ISA_ADDR_SPACE_CAST)
				DST = interp_addr_space_cast(arena, SRC, IMM);
			else
				DST = interp_movsx(SRC, insn->off);
			break;
		case BPF_ALU64 | BPF_MOV | BPF_K:
			DST = (u64)(s64)IMM;
			break;
		case BPF_ALU | BPF_MOV | BPF_X:
			DST = (u32)interp_movsx(SRC, insn->off);
			break;
		case BPF_ALU | BPF_MOV | BPF_K:
			DST = (u32)IMM;
			break;
		case BPF_ALU | BPF_END | BPF_TO_LE:
			DST = interp_byte_order(DST, IMM, false);
			break;
		case BPF_ALU | BPF_END | BPF_TO_BE:
			DST = interp_byte_order(DST, IMM, true);
			break;
		case BPF_ALU64 | BPF_END | BPF_TO_LE:
			DST = interp_swap(DST, IMM);
			break;

		case BPF_LD | BPF_IMM | BPF_DW:
			DST = isa_ld_imm64_value(insn);
			insn++;
			break;
		INTERP_LDX(BPF_MEM, BPF_B, u8)
		INTERP_LDX(BPF_MEM, BPF_H, u16)
		INTERP_LDX(BPF_MEM, BPF_W, u32)
		INTERP_LDX(BPF_MEM, BPF_DW, u64)
		INTERP_LDX(ISA_MEMSX, BPF_B, s8)
		INTERP_LDX(ISA_MEMSX, BPF_H, s16)
		INTERP_LDX(ISA_MEMSX, BPF_W, s32)
		INTERP_ARENA_LDXSX(BPF_B, s8);
		INTERP_ARENA_LDXSX(BPF_H, s16);
		INTERP_ARENA_LDXSX(BPF_W, s32);
		INTERP_MEM(BPF_B, u8);
		INTERP_MEM(BPF_H, u16);
		INTERP_MEM(BPF_W, u32);
		INTERP_MEM(BPF_DW, u64);
		case BPF_STX | BPF_ATOMIC | BPF_W:
		case BPF_STX | BPF_ATOMIC | BPF_DW:
			interp_check_access(interp_ptr(DST, insn->off),
					    isa_access_bytes(insn->code), true);
			interp_atomic(regs, insn, interp_ptr(DST, insn->off));
			break;
		case BPF_STX | ISA_PROBE_ATOMIC | BPF_W:
		case BPF_STX | ISA_PROBE_ATOMIC | BPF_DW:
			interp_arena_atomic(arena, regs, insn);
			break;

		case BPF_JMP | BPF_JA:
			insn += insn->off;
			break;
		case BPF_JMP32 | BPF_JA:
			insn += IMM;
			break;
		INTERP_JMP(BPF_JEQ, ==, u64, u32);
		INTERP_JMP(BPF_JNE, !=, u64, u32);
		INTERP_JMP(BPF_JGT, >, u64, u32);
		INTERP_JMP(BPF_JGE, >=, u64, u32);
		INTERP_JMP(BPF_JLT, <, u64, u32);
		INTERP_JMP(BPF_JLE, <=, u64, u32);
		INTERP_JMP(BPF_JSGT, >, s64, s32);
		INTERP_JMP(BPF_JSGE, >=, s64, s32);
		INTERP_JMP(BPF_JSLT, <, s64, s32);
		INTERP_JMP(BPF_JSLE, <=, s64, s32);
		case BPF_JMP | BPF_JSET | BPF_X:
			if (DST & SRC)
				insn += insn->off;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			if (DST & (u64)(s64)IMM)
				insn += insn->off;
			break;
		case BPF_JMP32 | BPF_JSET | BPF_X:
			if ((u32)DST & (u32)SRC)
				insn += insn->off;
			break;
		case BPF_JMP32 | BPF_JSET | BPF_K:
			if ((u32)DST & (u32)IMM)
				insn += insn->off;
			break;
		/* may_goto: falls through while the invocation's budget lasts. */
		case BPF_JMP | ISA_JCOND:
			if (!(frame->may_goto % PROG_STOP_CHECK_EVERY) && frame->may_goto &&
			    prog_should_stop())
				frame->may_goto = 0;
			if (!frame->may_goto)
				insn += insn->off;
			else
				frame->may_goto--;
			break;

		case BPF_JMP | BPF_CALL:
			if (insn->src_reg == BPF_PSEUDO_CALL) {
				frame = interp_push(st, frame, insn - entry->prog->insns + IMM + 1,
						    insn);
				if (!frame)
					return 0;
				insn = &entry->prog->insns[frame->func->start];
				goto next;
			}
			fallthrough;
		/* callx (bpf_conformance's group): a helper by register. */
		case BPF_JMP | BPF_CALL | BPF_X:
			fn = interp_native(insn, regs);
			if (unlikely(!fn))
				return 0;
			regs[BPF_REG_0] = fn(regs[BPF_REG_1], regs[BPF_REG_2], regs[BPF_REG_3],
					     regs[BPF_REG_4], regs[BPF_REG_5]);
			break;
		case BPF_JMP | BPF_EXIT:
			if (frame == st->frames)
				return regs[BPF_REG_0];
			interp_pop(st, frame);
			insn = frame->ret;
			frame--;
			break;
		default:
			/* Not an instruction the verifier lets through. */
			return 0;
		}
	}
}

static u64 interp_call(const struct prog_func *func, u64 r1, u64 r2, u64 r3, u64 r4,
		       u64 r5)
{
	struct interp_state st;
	u64 r0;

	memset(st.regs, 0, sizeof(st.regs));
	st.regs[BPF_REG_1] = r1;
	st.regs[BPF_REG_2] = r2;
	st.regs[BPF_REG_3] = r3;
	st.regs[BPF_REG_4] = r4;
	st.regs[BPF_REG_5] = r5;
	interp_check_stack(st.stack, sizeof(st.stack), true);
	r0 = interp_exec(&st, func);
	interp_check_stack(st.stack, sizeof(st.stack), false);
	return r0;
}

typedef u64 (*prog_native_fn)(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);

/* Callbacks run the way their program does: compiled if it was. */
u64 prog_func_call(const struct prog_func *func, u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	if (func->jited)
		return ((prog_native_fn)func->jited)(r1, r2, r3, r4, r5);
	return interp_call(func, r1, r2, r3, r4, r5);
}

u64 interp_run(const struct prog_core *prog, void *ctx)
{
	if (!prog->nr_funcs)
		return 0;
	return interp_call(&prog->funcs[0], (u64)(unsigned long)ctx, 0, 0, 0, 0);
}
