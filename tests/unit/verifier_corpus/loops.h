/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Loops and pruning: bounded loops walked to their end, infinite ones
 * caught, may_goto loops bounded at run time, the complexity limit, and
 * pruning that keeps branchy programs linear.
 */

/* One diamond on an unknown: both arms write r7, which nothing reads. */
#define DIAMOND								\
	I_LDX(BPF_DW, 6, 1, 0), I_JMP_IMM(BPF_JGT, 6, 5, 2), I_MOV64_IMM(7, 1),	\
	I_JA(1), I_MOV64_IMM(7, 2)
#define DIAMONDS4	DIAMOND, DIAMOND, DIAMOND, DIAMOND
#define DIAMONDS16	DIAMONDS4, DIAMONDS4, DIAMONDS4, DIAMONDS4

static const struct vcase loop_cases[] = {
	PASS("loop/bounded-10", NONE, 0, I_MOV64_IMM(0, 0), I_MOV64_IMM(1, 0),
	     I_ALU64_REG(BPF_ADD, 0, 1), I_ALU64_IMM(BPF_ADD, 1, 1),
	     I_JMP_IMM(BPF_JLT, 1, 10, -3), I_EXIT()),
	PASS("loop/bounded-1000", NONE, 0, I_MOV64_IMM(0, 0), I_MOV64_IMM(1, 0),
	     I_ALU64_REG(BPF_ADD, 0, 1), I_ALU64_IMM(BPF_ADD, 1, 1),
	     I_JMP_IMM(BPF_JLT, 1, 1000, -3), I_EXIT()),
	PASS("loop/bounded-jmp32-down", NONE, 0, I_MOV64_IMM(0, 0), I_MOV32_IMM(1, 50),
	     I_ALU64_IMM(BPF_ADD, 0, 2), I_ALU32_IMM(BPF_SUB, 1, 1),
	     I_JMP32_IMM(BPF_JNE, 1, 0, -3), I_EXIT()),
	PASS("loop/nested-10x10", NONE, 0, I_MOV64_IMM(0, 0), I_MOV64_IMM(1, 0),
	     I_MOV64_IMM(2, 0), I_ALU64_IMM(BPF_ADD, 0, 1), I_ALU64_IMM(BPF_ADD, 2, 1),
	     I_JMP_IMM(BPF_JLT, 2, 10, -3), I_ALU64_IMM(BPF_ADD, 1, 1),
	     I_JMP_IMM(BPF_JLT, 1, 10, -6), I_EXIT()),
	PASS("loop/over-array-value", STD, 0, I_LD_OBJ_VALUE(6, O_DATA, 0), I_MOV64_IMM(0, 0),
	     I_MOV64_IMM(1, 0), I_MOV64_REG(2, 1), I_ALU64_IMM(BPF_LSH, 2, 3),
	     I_MOV64_REG(3, 6), I_ALU64_REG(BPF_ADD, 3, 2), I_LDX(BPF_DW, 4, 3, 0),
	     I_ALU64_REG(BPF_ADD, 0, 4), I_ALU64_IMM(BPF_ADD, 1, 1),
	     I_JMP_IMM(BPF_JLT, 1, 8, -8), I_EXIT()),
	REJECT("loop/over-array-value-one-too-far", STD, 0,
	       "8: R3 invalid access to array value: off=64..64 size=8, region of 64 bytes",
	       I_LD_OBJ_VALUE(6, O_DATA, 0), I_MOV64_IMM(0, 0),
	       I_MOV64_IMM(1, 0), I_MOV64_REG(2, 1), I_ALU64_IMM(BPF_LSH, 2, 3),
	       I_MOV64_REG(3, 6), I_ALU64_REG(BPF_ADD, 3, 2), I_LDX(BPF_DW, 4, 3, 0),
	       I_ALU64_REG(BPF_ADD, 0, 4), I_ALU64_IMM(BPF_ADD, 1, 1),
	       I_JMP_IMM(BPF_JLE, 1, 8, -8), I_EXIT()),
	/*
	 * for (i = ctx; i < 100; i++) {}: the range of i shrinks each round
	 * and covers the next one's; walked round by round to the end, not
	 * taken for an infinite loop.
	 */
	PASS("loop/bounded-unknown-start", NONE, 8, I_LDX(BPF_DW, 6, 1, 0),
	     I_JMP_IMM(BPF_JGT, 6, 100, 2), I_ALU64_IMM(BPF_ADD, 6, 1),
	     I_JMP_IMM(BPF_JLT, 6, 100, -2), RET0),
	/*
	 * A bounded loop around a call to a function with a may_goto loop:
	 * widening in the callee leaves the caller's counter alone.
	 */
	PASS("loop/bounded-around-may-goto-call", NONE, 0, I_MOV64_IMM(6, 0),
	     I_MOV64_REG(1, 6), I_CALL_FUNC(4), I_ALU64_IMM(BPF_ADD, 6, 1),
	     I_JMP_IMM(BPF_JLT, 6, 20, -4), RET0,
	     I_MOV64_IMM(0, 0), I_MAY_GOTO(2), I_ALU64_IMM(BPF_ADD, 0, 1), I_JA(-3), I_EXIT()),
	REJECT("loop/infinite-self-jump", NONE, 0, "1: infinite loop detected",
	       I_MOV64_IMM(0, 0), I_JA(-1)),
	REJECT("loop/infinite-unchanged", NONE, 8, "2: infinite loop detected",
	       I_LDX(BPF_DW, 6, 1, 0), I_MOV64_IMM(0, 0), I_ALU64_IMM(BPF_AND, 6, 1),
	       I_JMP_IMM(BPF_JEQ, 0, 0, -2), I_EXIT()),
	VCASE("loop/unbounded-too-complex", NONE, 0, -E2BIG,
	      "program is too complex: processed 1048577 insns, the limit is 1048576",
	      I_MOV64_IMM(0, 0), I_ALU64_IMM(BPF_ADD, 0, 1), I_JA(-2)),
	VCASE("loop/unknown-bound-too-complex", NONE, 8, -E2BIG, "program is too complex",
	      I_LDX(BPF_DW, 6, 1, 0), I_MOV64_IMM(0, 0), I_ALU64_IMM(BPF_ADD, 0, 1),
	      I_JMP_REG(BPF_JLT, 0, 6, -2), I_EXIT()),
	PASS("loop/may-goto", NONE, 0, I_MOV64_IMM(0, 0), I_MAY_GOTO(2),
	     I_ALU64_IMM(BPF_ADD, 0, 1), I_JA(-3), I_EXIT()),
	PASS("loop/may-goto-unknown-bound", NONE, 8, I_LDX(BPF_DW, 6, 1, 0), I_MOV64_IMM(0, 0),
	     I_MAY_GOTO(2), I_ALU64_IMM(BPF_ADD, 0, 1), I_JMP_REG(BPF_JLT, 0, 6, -3), I_EXIT()),
	/*
	 * clang's cond_break at the end of a body: the counter changes, then
	 * may_goto, which no jump targets, then the back edge.
	 */
	PASS("loop/may-goto-mid-body", NONE, 8, I_LDX(BPF_DW, 6, 1, 0), I_MOV64_IMM(0, 0),
	     I_ALU64_IMM(BPF_ADD, 0, 1), I_MAY_GOTO(1), I_JMP_REG(BPF_JLT, 0, 6, -3), I_EXIT()),
	PASS("loop/may-goto-indexes-value", STD, 0, I_LD_OBJ_VALUE(6, O_DATA, 0),
	     I_MOV64_IMM(1, 0), I_MAY_GOTO(8), I_MOV64_REG(2, 1), I_ALU64_IMM(BPF_AND, 2, 7),
	     I_ALU64_IMM(BPF_LSH, 2, 3), I_MOV64_REG(3, 6), I_ALU64_REG(BPF_ADD, 3, 2),
	     I_ST(BPF_DW, 3, 0, 1), I_ALU64_IMM(BPF_ADD, 1, 1), I_JA(-9), RET0),
	REJECT("loop/may-goto-still-checks-body", STD, 0,
	       "8: R3 invalid access to array value: off=0..64 size=8, region of 64 bytes",
	       I_LD_OBJ_VALUE(6, O_DATA, 0), I_MOV64_IMM(1, 0), I_MAY_GOTO(7),
	       I_MOV64_REG(2, 1), I_ALU64_IMM(BPF_AND, 2, 64), I_MOV64_REG(3, 6),
	       I_ALU64_REG(BPF_ADD, 3, 2), I_ST(BPF_DW, 3, 0, 1), I_ALU64_IMM(BPF_ADD, 1, 1),
	       I_JA(-8), RET0),
	/* for (i = 0; i < 8 && can_loop; i++) v[i] = 1: the bound survives widening. */
	PASS("loop/may-goto-after-bound-check", STD, 0, I_LD_OBJ_VALUE(6, O_DATA, 0),
	     I_MOV64_IMM(1, 0), I_JMP_IMM(BPF_JGE, 1, 8, 8), I_MAY_GOTO(7), I_MOV64_REG(2, 1),
	     I_ALU64_IMM(BPF_LSH, 2, 3), I_MOV64_REG(3, 6), I_ALU64_REG(BPF_ADD, 3, 2),
	     I_ST(BPF_DW, 3, 0, 1), I_ALU64_IMM(BPF_ADD, 1, 1), I_JA(-9), RET0),
	/*
	 * A bound past the join rounds: the counter widens to the compare's
	 * constant at once (verifier_widen.c), so every byte of the 64 is
	 * written and none past them.
	 */
	PASS("loop/may-goto-long-bound-widened", STD, 0,
	     I_LD_OBJ_VALUE(6, O_DATA, 0), I_MOV64_IMM(1, 0), I_JMP_IMM(BPF_JGE, 1, 64, 7),
	     I_MAY_GOTO(6), I_MOV64_REG(2, 1), I_MOV64_REG(3, 6), I_ALU64_REG(BPF_ADD, 3, 2),
	     I_ST(BPF_B, 3, 0, 1), I_ALU64_IMM(BPF_ADD, 1, 1), I_JA(-8), RET0),
	REJECT("loop/may-goto-long-bound-one-past", STD, 0,
	       "8: R3 invalid access to array value: off=0..64 size=1",
	       I_LD_OBJ_VALUE(6, O_DATA, 0), I_MOV64_IMM(1, 0), I_JMP_IMM(BPF_JGE, 1, 65, 7),
	       I_MAY_GOTO(6), I_MOV64_REG(2, 1), I_MOV64_REG(3, 6), I_ALU64_REG(BPF_ADD, 3, 2),
	       I_ST(BPF_B, 3, 0, 1), I_ALU64_IMM(BPF_ADD, 1, 1), I_JA(-8), RET0),
	/* No constant bounds the counter: unknown at the second round. */
	REJECT("loop/may-goto-register-bound-widened", STD, 0,
	       "8: pointer arithmetic with an unbounded value",
	       I_LD_OBJ_VALUE(6, O_DATA, 0), I_LDX(BPF_DW, 7, 6, 0), I_MOV64_IMM(1, 0),
	       I_JMP_REG(BPF_JGE, 1, 7, 7),
	       I_MAY_GOTO(6), I_MOV64_REG(2, 1), I_MOV64_REG(3, 6), I_ALU64_REG(BPF_ADD, 3, 2),
	       I_ST(BPF_B, 3, 0, 1), I_ALU64_IMM(BPF_ADD, 1, 1), I_JA(-8), RET0),
	PASS("prune/diamonds-32", NONE, 8, DIAMONDS16, DIAMONDS16, RET0),
	PASS("prune/same-value-both-arms", NONE, 8, I_LDX(BPF_DW, 6, 1, 0),
	     I_JMP_IMM(BPF_JEQ, 6, 0, 2), I_MOV64_IMM(0, 1), I_JA(1), I_MOV64_IMM(0, 1),
	     I_ALU64_IMM(BPF_ADD, 0, 1), I_EXIT()),
	REJECT("prune/not-across-different-types", STD, 8, "8: R0 invalid mem access 'scalar'",
	       I_LDX(BPF_DW, 6, 1, 0), I_LD_OBJ_VALUE(0, O_DATA, 0),
	       I_JMP_IMM(BPF_JEQ, 6, 0, 1), I_MOV64_IMM(0, 0),
	       I_JMP_IMM(BPF_JEQ, 6, 1, 1), I_ALU64_IMM(BPF_ADD, 6, 1),
	       I_ALU64_IMM(BPF_ADD, 6, 1), I_LDX(BPF_DW, 1, 0, 0), RET0),
	REJECT("prune/wider-range-not-covered", STD, 8, "12: R0 invalid access to array value",
	       I_LDX(BPF_DW, 6, 1, 0), LOOKUP(O_ARRAY), I_JMP_IMM(BPF_JEQ, 0, 0, 6),
	       I_MOV64_IMM(7, 4), I_JMP_IMM(BPF_JEQ, 6, 0, 1), I_MOV64_IMM(7, 40),
	       I_ALU64_REG(BPF_ADD, 0, 7), I_LDX(BPF_B, 1, 0, 0), RET0),
	REJECT("prune/stack-not-covered", NONE, 8, "6: R10 invalid read from stack off=-8",
	       I_LDX(BPF_DW, 6, 1, 0), I_ST(BPF_DW, 10, -16, 0), I_JMP_IMM(BPF_JEQ, 6, 0, 1),
	       I_ST(BPF_DW, 10, -8, 0), I_ALU64_IMM(BPF_ADD, 6, 1), I_ALU64_IMM(BPF_ADD, 6, 1),
	       I_LDX(BPF_DW, 0, 10, -8), I_EXIT()),
};
