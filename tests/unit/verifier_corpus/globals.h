/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Global functions (struct prog_global_func): walked once from their
 * declared arguments, whatever the caller passes; each call checked
 * against the declaration, r0 unknown after it.  Several cases have a
 * twin without the declaration that passes, which shows the walk did not
 * use what the caller knew.
 */

#define GFUNCS(...)	((const struct prog_global_func[]){ __VA_ARGS__ })
#define GVCASE(nm, set, ctx, exp, logstr, gf, ...)			\
	{ .name = (nm), .insns = INSNS(__VA_ARGS__),			\
	  .len = sizeof(INSNS(__VA_ARGS__)) / sizeof(struct bpf_insn),	\
	  .objs = (set), .ctx_size = (ctx), .expect = (exp), .log = (logstr), \
	  .globals = (gf), .nr_globals = sizeof(gf) / sizeof(struct prog_global_func) }
#define GPASS(nm, set, ctx, gf, ...)	GVCASE(nm, set, ctx, 0, NULL, gf, __VA_ARGS__)
#define GREJECT(nm, set, ctx, gf, logstr, ...)				\
	GVCASE(nm, set, ctx, -EINVAL, logstr, gf, __VA_ARGS__)
/* A global function at insn off whose arguments are of the kinds given. */
#define GFUNC(off, fl, ...)	{ .insn_off = (off), .flags = (fl), .arg = { __VA_ARGS__ } }
#define GMEM(off, kind, size)	{ .insn_off = (off), .arg = { kind }, .mem_size = { size } }

/* f(r1): r0 = data[r1], which needs r1's value. */
#define INDEX_BY_R1							\
	I_MOV64_IMM(1, 0), I_CALL_FUNC(1), I_EXIT(),			\
	I_LD_OBJ_VALUE(2, O_DATA, 0), I_ALU64_REG(BPF_ADD, 2, 1),	\
	I_LDX(BPF_B, 0, 2, 0), I_EXIT()

/* Calls f(fp - 8) after spilling the scalar 0 there; then data[that]. */
#define SPILL_0_CALL_THEN_INDEX						\
	I_MOV64_IMM(2, 0), I_STX(BPF_DW, 10, 2, -8), I_MOV64_REG(1, 10),	\
	I_ALU64_IMM(BPF_ADD, 1, -8), I_CALL_FUNC(6), I_LDX(BPF_DW, 2, 10, -8),	\
	I_LD_OBJ_VALUE(1, O_DATA, 0), I_ALU64_REG(BPF_ADD, 1, 2),	\
	I_LDX(BPF_B, 0, 1, 0), I_EXIT(), RET0

/* main: f(r1 = 3); f(r1): g(r1), h(); g(r1) global returns r1; h static. */
#define GLOBAL_CHAIN							\
	I_MOV64_IMM(1, 3), I_CALL_FUNC(2), RET0,			\
	I_CALL_FUNC(2), I_CALL_FUNC(3), I_EXIT(),			\
	I_MOV64_REG(0, 1), I_EXIT(), RET0
#define GLOBAL_CHAIN_FUNCS						\
	GFUNC(4, 0, PROG_ARG_SCALAR), GFUNC(7, 0, PROG_ARG_SCALAR)

/* A loop of 20000 calls of f, whose body is 62 instructions. */
#define ADD_R0_X10							\
	I_ALU64_IMM(BPF_ADD, 0, 1), I_ALU64_IMM(BPF_ADD, 0, 1),		\
	I_ALU64_IMM(BPF_ADD, 0, 1), I_ALU64_IMM(BPF_ADD, 0, 1),		\
	I_ALU64_IMM(BPF_ADD, 0, 1), I_ALU64_IMM(BPF_ADD, 0, 1),		\
	I_ALU64_IMM(BPF_ADD, 0, 1), I_ALU64_IMM(BPF_ADD, 0, 1),		\
	I_ALU64_IMM(BPF_ADD, 0, 1), I_ALU64_IMM(BPF_ADD, 0, 1)
#define LOOP_OF_CALLS							\
	I_MOV64_IMM(6, 0), I_MOV64_REG(1, 6), I_CALL_FUNC(4),		\
	I_ALU64_IMM(BPF_ADD, 6, 1), I_JMP_IMM(BPF_JLT, 6, 20000, -4), RET0,	\
	I_MOV64_REG(0, 1), ADD_R0_X10, ADD_R0_X10, ADD_R0_X10, ADD_R0_X10,	\
	ADD_R0_X10, ADD_R0_X10, I_EXIT()

/* f(): r0 = 0; main calls it and returns what r0 holds. */
#define CALL_THEN_EXIT	I_CALL_FUNC(1), I_EXIT(), RET0

static const struct vcase global_cases[] = {
	GREJECT("global/scalar-arg-is-any-scalar", STD, 0, GFUNCS(GFUNC(3, 0, PROG_ARG_SCALAR)),
		"5: pointer arithmetic with an unbounded value", INDEX_BY_R1),
	PASS("global/scalar-arg-static-twin", STD, 0, INDEX_BY_R1),
	GREJECT("global/r0-is-unknown-after-call", STD, 0, GFUNCS(GFUNC(6, 0)),
		"3: pointer arithmetic with an unbounded value",
		I_CALL_FUNC(5), I_LD_OBJ_VALUE(1, O_DATA, 0), I_ALU64_REG(BPF_ADD, 1, 0),
		I_LDX(BPF_B, 0, 1, 0), I_EXIT(), I_MOV64_IMM(0, 1), I_EXIT()),
	GREJECT("global/void-leaves-r0-unreadable", STD, 0,
		GFUNCS(GFUNC(2, PROG_GLOBAL_F_VOID)),
		"1: R0 must be a scalar at exit, is uninitialised",
		I_CALL_FUNC(1), I_EXIT(), I_EXIT()),
	GPASS("global/void-exits-without-r0", STD, 0, GFUNCS(GFUNC(3, PROG_GLOBAL_F_VOID)),
	      I_CALL_FUNC(2), RET0, I_EXIT()),
	GREJECT("global/non-void-exits-without-r0", STD, 0, GFUNCS(GFUNC(3, 0)),
		"3: R0 must be a scalar at exit, is uninitialised",
		I_CALL_FUNC(2), RET0, I_EXIT()),
	GREJECT("global/returns-stack-pointer", STD, 0, GFUNCS(GFUNC(3, 0)),
		"4: R0 must be a scalar at exit, is fp",
		I_CALL_FUNC(2), RET0, I_MOV64_REG(0, 10), I_EXIT()),
	GPASS("global/arena-arg", STD, 0, GFUNCS(GFUNC(4, 0, PROG_ARG_ARENA)),
	      I_MOV64_IMM(1, 0x1000), I_CALL_FUNC(2), RET0, I_ST(BPF_DW, 1, 0, 7),
	      I_LDX(BPF_DW, 0, 1, 8), I_EXIT()),
	GREJECT("global/arena-arg-without-arena", NOARENA, 0,
		GFUNCS(GFUNC(4, 0, PROG_ARG_ARENA)),
		"4: global function: argument 1 is an arena address, but the program has no arena",
		I_MOV64_IMM(1, 0x1000), I_CALL_FUNC(2), RET0, I_ST(BPF_DW, 1, 0, 7),
		I_LDX(BPF_DW, 0, 1, 8), I_EXIT()),
	GREJECT("global/arena-arg-refuses-stack", STD, 0, GFUNCS(GFUNC(4, 0, PROG_ARG_ARENA)),
		"1: R1 type fp is not an arena address",
		I_MOV64_REG(1, 10), I_CALL_FUNC(2), RET0, RET0),
	GPASS("global/ctx-arg", STD, 8, GFUNCS(GFUNC(3, 0, PROG_ARG_CTX)),
	      I_CALL_FUNC(2), RET0, I_LDX(BPF_DW, 0, 1, 0), I_EXIT()),
	GREJECT("global/ctx-arg-moved", STD, 16, GFUNCS(GFUNC(4, 0, PROG_ARG_CTX)),
		"1: R1 type ctx is not the program's ctx, unmoved",
		I_ALU64_IMM(BPF_ADD, 1, 8), I_CALL_FUNC(2), RET0, I_LDX(BPF_DW, 0, 1, 0),
		I_EXIT()),
	GPASS("global/ctx-arg-without-ctx", STD, 0, GFUNCS(GFUNC(3, 0, PROG_ARG_CTX)),
	      I_CALL_FUNC(2), RET0, RET0),
	GREJECT("global/mem-arg-needs-null-check", STD, 0, GFUNCS(GMEM(6, PROG_ARG_MEM, 8)),
		"6: R1 invalid mem access 'memory or NULL': check it against 0 first",
		I_ST(BPF_DW, 10, -8, 1), I_MOV64_REG(1, 10), I_ALU64_IMM(BPF_ADD, 1, -8),
		I_CALL_FUNC(2), RET0, I_LDX(BPF_DW, 0, 1, 0), I_EXIT()),
	GPASS("global/mem-arg", STD, 0, GFUNCS(GMEM(6, PROG_ARG_MEM, 8)),
	      I_ST(BPF_DW, 10, -8, 1), I_MOV64_REG(1, 10), I_ALU64_IMM(BPF_ADD, 1, -8),
	      I_CALL_FUNC(2), RET0, I_MOV64_IMM(0, 0), I_JMP_IMM(BPF_JEQ, 1, 0, 2),
	      I_LDX(BPF_DW, 0, 1, 0), I_ST(BPF_DW, 1, 0, 2), I_EXIT()),
	GPASS("global/mem-arg-null", STD, 0, GFUNCS(GMEM(4, PROG_ARG_MEM, 8)),
	      I_MOV64_IMM(1, 0), I_CALL_FUNC(2), RET0, I_MOV64_IMM(0, 0),
	      I_JMP_IMM(BPF_JEQ, 1, 0, 1), I_LDX(BPF_DW, 0, 1, 0), I_EXIT()),
	GREJECT("global/mem-nonnull-arg-refuses-null", STD, 0,
		GFUNCS(GMEM(4, PROG_ARG_MEM_NONNULL, 8)),
		"1: R1 type scalar is not readable memory",
		I_MOV64_IMM(1, 0), I_CALL_FUNC(2), RET0, I_LDX(BPF_DW, 0, 1, 0), I_EXIT()),
	GREJECT("global/mem-arg-uninitialised-stack", STD, 0,
		GFUNCS(GMEM(5, PROG_ARG_MEM_NONNULL, 8)),
		"2: R1 invalid read from stack off=-8 size=8 (uninitialised)",
		I_MOV64_REG(1, 10), I_ALU64_IMM(BPF_ADD, 1, -8), I_CALL_FUNC(2), RET0, RET0),
	GREJECT("global/mem-arg-larger-than-stack-left", STD, 0,
		GFUNCS(GMEM(6, PROG_ARG_MEM_NONNULL, 8)), "3: R1 invalid stack access",
		I_ST(BPF_W, 10, -4, 0), I_MOV64_REG(1, 10), I_ALU64_IMM(BPF_ADD, 1, -4),
		I_CALL_FUNC(2), RET0, RET0),
	GREJECT("global/mem-arg-rewrites-caller-stack", STD, 0,
		GFUNCS(GMEM(11, PROG_ARG_MEM_NONNULL, 8)),
		"8: pointer arithmetic with an unbounded value", SPILL_0_CALL_THEN_INDEX),
	PASS("global/mem-arg-static-twin", STD, 0, SPILL_0_CALL_THEN_INDEX),
	GREJECT("global/mem-arg-read-only-array", STD, 0,
		GFUNCS(GMEM(5, PROG_ARG_MEM_NONNULL, 8)),
		"2: R1 write into a read-only array",
		I_LD_OBJ_VALUE(1, O_RODATA, 0), I_CALL_FUNC(2), RET0, RET0),
	GREJECT("global/ring-record-left-reserved", STD, 0, GFUNCS(GFUNC(3, 0)),
		"9: unreleased ring record reserved at insn 7",
		I_CALL_FUNC(2), RET0, I_LD_OBJ(1, O_RING), I_MOV64_IMM(2, 8), I_MOV64_IMM(3, 0),
		I_CALL(H_RINGBUF_RESERVE), RET0),
	GPASS("global/calls-global-and-static", STD, 0, GFUNCS(GLOBAL_CHAIN_FUNCS),
	      GLOBAL_CHAIN),
	GPASS("global/loop-of-calls-walks-callee-once", STD, 0,
	      GFUNCS(GFUNC(7, 0, PROG_ARG_SCALAR)), LOOP_OF_CALLS),
	VCASE("global/loop-of-calls-static-twin-too-complex", STD, 0, -E2BIG,
	      "program is too complex", LOOP_OF_CALLS),
	/* Declarations that are wrong in themselves. */
	GREJECT("global/decl-inside-a-function", STD, 0, GFUNCS(GFUNC(5, 0, PROG_ARG_SCALAR)),
		"5: global function 0: instruction 5 is no subprogram's start", GLOBAL_CHAIN),
	GREJECT("global/decl-of-the-entry", STD, 0, GFUNCS(GFUNC(0, 0)),
		"0: global function 0: instruction 0 is no subprogram's start", GLOBAL_CHAIN),
	GREJECT("global/decl-past-the-end", STD, 0, GFUNCS(GFUNC(100, 0)),
		"0: global function 0: instruction 100 is no subprogram's start", GLOBAL_CHAIN),
	GREJECT("global/decl-twice", STD, 0,
		GFUNCS(GFUNC(4, 0, PROG_ARG_SCALAR), GFUNC(4, 0, PROG_ARG_SCALAR)),
		"4: global function 1: declared twice", GLOBAL_CHAIN),
	GREJECT("global/decl-unknown-flags", STD, 0, GFUNCS(GFUNC(2, 2)),
		"2: global function: unknown flags 0x2", CALL_THEN_EXIT),
	GREJECT("global/decl-reserved", STD, 0,
		GFUNCS({ .insn_off = 2, .reserved = { 0, 0, 1 } }),
		"2: global function: reserved bytes are not 0", CALL_THEN_EXIT),
	GREJECT("global/decl-unknown-kind", STD, 0, GFUNCS(GFUNC(2, 0, 6)),
		"2: global function: argument 1 of unknown kind 6", CALL_THEN_EXIT),
	GREJECT("global/decl-gap", STD, 0, GFUNCS(GFUNC(2, 0, PROG_ARG_NONE, PROG_ARG_SCALAR)),
		"2: global function: argument 2 follows an absent one", CALL_THEN_EXIT),
	GREJECT("global/decl-mem-of-no-size", STD, 0, GFUNCS(GMEM(2, PROG_ARG_MEM, 0)),
		"2: global function: argument 1 of memory or NULL with a size of 0",
		CALL_THEN_EXIT),
	GREJECT("global/decl-mem-too-large", STD, 0,
		GFUNCS(GMEM(2, PROG_ARG_MEM_NONNULL, PROG_ARG_MEM_MAX + 1)),
		"2: global function: argument 1 of memory with a size of 536870913",
		CALL_THEN_EXIT),
	GREJECT("global/decl-scalar-with-size", STD, 0, GFUNCS(GMEM(2, PROG_ARG_SCALAR, 4)),
		"2: global function: argument 1 of a scalar with a size of 4", CALL_THEN_EXIT),
};
