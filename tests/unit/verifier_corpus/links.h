/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Linked scalars (verifier_link.c): a copy, and a copy plus a constant,
 * narrowed by a comparison of the other register; every other write
 * ends the link.  The array is the 64-byte value of O_DATA.
 */

/* r0 unknown, r1 = r0 + 1; then data[r1] if r0 <= 62 (link) else exit. */
#define COPY_ADD_THEN_INDEX(...)					\
	I_CALL(H_KTIME_GET_NS), I_MOV64_REG(1, 0), I_ALU64_IMM(BPF_ADD, 1, 1),	\
	__VA_ARGS__ I_JMP_IMM(BPF_JGT, 0, 62, 4), I_LD_OBJ_VALUE(2, O_DATA, 0),	\
	I_ALU64_REG(BPF_ADD, 2, 1), I_ST(BPF_B, 2, 0, 0), RET0

/*
 * clang's loop: the copy is incremented, the old counter compared, then
 * the copy becomes the counter; data[r7] holds only through the link.
 */
#define COPY_INCREMENT_LOOP						\
	I_CALL(H_KTIME_GET_NS), I_JMP_IMM(BPF_JGT, 0, 62, 9), I_MOV64_REG(1, 0),	\
	I_MOV64_REG(7, 1), I_LD_OBJ_VALUE(2, O_DATA, 0), I_ALU64_REG(BPF_ADD, 2, 7),	\
	I_ST(BPF_B, 2, 0, 1), I_MOV64_REG(1, 7), I_ALU64_IMM(BPF_ADD, 1, 1),	\
	I_JMP_IMM(BPF_JLT, 7, 62, -8), RET0

static const struct vcase link_cases[] = {
	PASS("link/copy-plus-constant-narrowed", STD, 0, COPY_ADD_THEN_INDEX()),
	REJECT("link/ended-by-another-operation", STD, 0,
	       "7: pointer arithmetic with an unbounded value",
	       COPY_ADD_THEN_INDEX(I_ALU64_IMM(BPF_LSH, 1, 0),)),
	REJECT("link/ended-by-a-32-bit-add", STD, 0,
	       "7: pointer arithmetic with an unbounded value",
	       COPY_ADD_THEN_INDEX(I_ALU32_IMM(BPF_ADD, 1, 0),)),
	REJECT("link/ended-by-a-load", STD, 0, "8: pointer arithmetic with an unbounded value",
	       COPY_ADD_THEN_INDEX(I_STX(BPF_DW, 10, 1, -8), I_LDX(BPF_W, 1, 10, -8),)),
	PASS("link/kept-through-the-stack", STD, 0,
	     COPY_ADD_THEN_INDEX(I_STX(BPF_DW, 10, 1, -8), I_LDX(BPF_DW, 1, 10, -8),)),
	/* r1 = r0 + 1 <= 63 leaves r0 = -1 possible: no access below data. */
	REJECT("link/shifted-range-wraps", STD, 0, "R2 invalid access to array value: off=-1..62",
	       I_CALL(H_KTIME_GET_NS), I_MOV64_REG(1, 0), I_ALU64_IMM(BPF_ADD, 1, 1),
	       I_JMP_IMM(BPF_JGT, 1, 63, 4), I_LD_OBJ_VALUE(2, O_DATA, 0),
	       I_ALU64_REG(BPF_ADD, 2, 0), I_ST(BPF_B, 2, 0, 0), RET0),
	PASS("link/narrowed-from-the-copy", STD, 0,
	     I_CALL(H_KTIME_GET_NS), I_MOV64_REG(1, 0), I_ALU64_IMM(BPF_ADD, 1, 1),
	     I_JMP_IMM(BPF_JEQ, 1, 0, 5), I_JMP_IMM(BPF_JGT, 1, 63, 4),
	     I_LD_OBJ_VALUE(2, O_DATA, 0), I_ALU64_REG(BPF_ADD, 2, 0), I_ST(BPF_B, 2, 0, 0), RET0),
	/* A second constant is not added up: the copy is on its own then. */
	REJECT("link/one-constant-only", STD, 0, "7: pointer arithmetic with an unbounded value",
	       COPY_ADD_THEN_INDEX(I_ALU64_IMM(BPF_ADD, 1, -1),)),
	PASS("link/copy-increment-loop", STD, 0, COPY_INCREMENT_LOOP),
};
