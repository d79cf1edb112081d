// SPDX-License-Identifier: GPL-2.0
/*
 * The arm64 JIT's output run on the shared harness (jit_harness.h): this
 * file is cross-built static and runs under qemu-aarch64 -cpu max, every
 * program with load/store-exclusive atomics, with LSE atomics, and
 * hardened with bti c and pointer authentication; then the properties of
 * its machine code: entries, the two kinds of atomics, blinding, branches
 * beyond the reach of b.cond, the C ABI.
 */
#include <stdint.h>

#include "a64_insns.h"
#include "insns.h"
#include "jit_harness.h"

static const struct jt_options a64_modes[] = {
	{ .lse = false },
	{ .lse = true, .cpu_helper = true },
	{ .harden = true, .ibt = true, .pac = true, .lse = true },
};

#define A64_BTI_C	0xd503245fU
#define A64_PACIASP	0xd503233fU
#define A64_AUTIASP	0xd50323bfU

static u32 a64_insn(const struct jit_image *image, u32 i)
{
	return a64_word(image->code, i);
}

/* How many instructions of image match value under mask. */
static u32 a64_count(const struct jit_image *image, u32 mask, u32 value)
{
	return a64_count_in(image->code, image->len, mask, value);
}

/* bti c and paciasp open every function, autiasp comes before each ret. */
static void bti_and_pac_at_each_entry(void)
{
	struct jit_target hardened = { .ibt = true, .pac = true }, plain = {};
	struct jit_image with, without;
	struct jt_prog p, q;
	u32 f;

	if (!jt_compile_text(jt_sample_text, &hardened, &p, &with))
		return;
	if (jt_compile_text(jt_sample_text, &plain, &q, &without)) {
		TAP_EXPECT_EQ(p.core.nr_funcs, 2);
		for (f = 0; f < p.core.nr_funcs; f++) {
			TAP_EXPECT_EQ(a64_insn(&with, with.func_off[f] / 4), A64_BTI_C);
			TAP_EXPECT_EQ(a64_insn(&with, with.func_off[f] / 4 + 1), A64_PACIASP);
			TAP_EXPECT(a64_insn(&without, without.func_off[f] / 4) != A64_BTI_C);
		}
		TAP_EXPECT_EQ(a64_count(&with, ~0U, A64_AUTIASP), p.core.nr_funcs);
		TAP_EXPECT_EQ(a64_count(&without, ~0U, A64_AUTIASP), 0);
		TAP_EXPECT_EQ(with.len, without.len + 12 * p.core.nr_funcs);
		printf("# sample program: %u instructions, %u bytes of code\n", p.core.len,
		       without.len);
		jit_image_free(&without);
		jt_prog_free(&q);
	}
	jit_image_free(&with);
	jt_prog_free(&p);
}

/* Logical (immediate) instructions: and, orr, eor, ands. */
#define A64_LOGIC_IMM_MASK	0x1f800000U
#define A64_LOGIC_IMM		0x12000000U

/*
 * A value of 32 bits that is an element of e bits, a run of ones rotated
 * right by r, repeated: what a logical immediate can hold.
 */
static u32 a64_pattern(u32 e, u32 ones, u32 r)
{
	u32 elt = (u32)((1ULL << ones) - 1), v = 0, i;

	if (r)
		elt = ((elt >> r) | (elt << (e - r))) & (u32)((1ULL << e) - 1);
	for (i = 0; i < 32; i += e)
		v |= elt << i;
	return v;
}

/*
 * and, or, xor and jset with constants a logical immediate holds (and
 * some it does not), 32 and 64 bits, against the interpreter; the plain
 * image must have used the immediate forms.
 */
static void logic_immediates_match_interpreter(void)
{
	static const u8 ops[] = { BPF_AND, BPF_OR, BPF_XOR };
	static const u64 inputs[] = { 0x0123456789abcdefULL, U64_MAX, 0, 0x8000000000000001ULL };
	struct jit_target plain = {};
	u32 e, o, k, i, n, bad = 0, tried = 0;

	for (e = 2; e <= 32; e *= 2)
		for (k = 0; k < 9; k++) {
			u32 ones = (u32[]){ 1, e / 2, e - 1 }[k % 3];
			u32 r = (u32[]){ 0, 1, e - 1 }[k / 3];
			s32 imm = (s32)a64_pattern(e, ones, r) ^ (e == 32 && k == 8 ? 0x10 : 0);
			struct bpf_insn insns[64];
			struct jit_image image;
			struct jt_prog p;

			n = 0;
			insns[n++] = (struct bpf_insn)I_LDX(BPF_DW, 2, 1, 0);
			insns[n++] = (struct bpf_insn)I_MOV64_IMM(0, 0);
			for (o = 0; o < 2 * ARRAY_SIZE(ops); o++) {
				u8 op = ops[o / 2];

				insns[n++] = (struct bpf_insn)I_MOV64_REG(3, 2);
				insns[n++] = o & 1 ? (struct bpf_insn)I_ALU32_IMM(op, 3, imm) :
						     (struct bpf_insn)I_ALU64_IMM(op, 3, imm);
				insns[n++] = (struct bpf_insn)I_ALU64_IMM(BPF_MUL, 0, 31);
				insns[n++] = (struct bpf_insn)I_ALU64_REG(BPF_ADD, 0, 3);
			}
			insns[n++] = (struct bpf_insn)I_JMP_IMM(BPF_JSET, 2, imm, 1);
			insns[n++] = (struct bpf_insn)I_ALU64_IMM(BPF_ADD, 0, 1);
			insns[n++] = (struct bpf_insn)I_JMP32_IMM(BPF_JSET, 2, imm, 1);
			insns[n++] = (struct bpf_insn)I_ALU64_IMM(BPF_ADD, 0, 2);
			insns[n++] = (struct bpf_insn)I_EXIT();
			if (!jt_prog_insns(&p, insns, n, false))
				return;
			if (!jit_compile(&p.core, &plain, &image)) {
				tried += a64_count(&image, A64_LOGIC_IMM_MASK, A64_LOGIC_IMM);
				jit_image_free(&image);
			}
			for (i = 0; i < ARRAY_SIZE(inputs) && bad < 5; i++) {
				u64 ctx = inputs[i];

				bad += !jt_differential(&p, &ctx, sizeof(ctx), __LINE__);
			}
			jt_prog_free(&p);
		}
	/* all but one of the 45 values have the form: and32, or32, xor32, jset32 */
	TAP_EXPECT(tried >= 4 * 44);
	printf("# %u logical immediates\n", tried);
}

/*
 * With lse every atomic is one LSE instruction, without it none is and a
 * load-exclusive loop stands for each; both on the stack and the arena.
 */
static void lse_or_exclusive_loops(void)
{
	static const char text[] =
		"stdw [%r10-8], 1\nmov %r2, 3\nlock add [%r10-8], %r2\n"
		"lock fetch and [%r10-8], %r2\n"
		"lock or32 [%r10-8], %r2\nlock fetch xor [%r10-8], %r2\nlock xchg [%r10-8], %r2\n"
		"mov %r0, 0\nlock cmpxchg [%r10-8], %r2\n"
		"arena lock fetch add [%r1+0], %r2\narena lock cmpxchg32 [%r1+8], %r2\nexit";
	struct jit_target lse = { .lse = true }, llsc = {};
	struct jit_image a, b;
	struct jt_prog p;

	if (!jt_prog_text(&p, text, true))
		return;
	TAP_EXPECT_EQ(jit_compile(&p.core, &lse, &a), 0);
	TAP_EXPECT_EQ(jit_compile(&p.core, &llsc, &b), 0);
	TAP_EXPECT_EQ(a64_count(&a, A64_LSE_MASK, A64_LSE_OP), 6);
	TAP_EXPECT_EQ(a64_count(&a, A64_CAS_MASK, A64_CAS), 2);
	TAP_EXPECT_EQ(a64_count(&a, A64_LDXR_MASK, A64_LDXR), 0);
	TAP_EXPECT_EQ(a64_count(&b, A64_LSE_MASK, A64_LSE_OP), 0);
	TAP_EXPECT_EQ(a64_count(&b, A64_CAS_MASK, A64_CAS), 0);
	TAP_EXPECT_EQ(a64_count(&b, A64_LDXR_MASK, A64_LDXR), 8);
	/* the arena's: one fault per LSE instruction, two per loop */
	TAP_EXPECT_EQ(a.nr_faults, 2);
	TAP_EXPECT_EQ(b.nr_faults, 4);
	jit_image_free(&a);
	jit_image_free(&b);
	jt_prog_free(&p);
}

/*
 * Whether a move-wide instruction puts the low half of v in a register
 * and the next one the high half: how a 32-bit constant shows in code.
 */
static bool a64_has_constant(const struct jit_image *image, u32 v)
{
	u32 i;

	for (i = 0; i + 1 < image->len / 4; i++) {
		u32 a = a64_insn(image, i), b = a64_insn(image, i + 1);

		if ((a & 0x1f800000) == 0x12800000 && (b & 0x1f800000) == 0x12800000 &&
		    (a & 31) == (b & 31) && ((a >> 5) & 0xffff) == (v & 0xffff) &&
		    ((b >> 5) & 0xffff) == v >> 16 && ((b >> 21) & 3) == ((a >> 21) & 3) + 1)
			return true;
	}
	return false;
}

static void blinding_hides_constants(void)
{
	jt_check_blinding(a64_has_constant);
}

/*
 * The length depends neither on code_addr (the module compiles at 0
 * first) nor on where the arena is: helpers are called through a register.
 */
static void length_independent_of_address(void)
{
	struct jit_target at0 = {}, far = { .code_addr = 0xffff800012340000ULL,
					    .kern_vm_start = 0xffff800100000000ULL };
	struct jit_image a, b;
	struct jt_prog p;

	if (!jt_prog_text(&p, "mov %r6, %r1\narena ldxdw %r0, [%r6+8]\nmov %r1, 1\nmov %r2, 2\n"
			  "mov %r3, 3\nmov %r4, 4\nmov %r5, 5\ncall 1000\nexit", true))
		return;
	TAP_EXPECT_EQ(jit_compile(&p.core, &at0, &a), 0);
	TAP_EXPECT_EQ(jit_compile(&p.core, &far, &b), 0);
	TAP_EXPECT_EQ(a.len, b.len);
	jit_image_free(&a);
	jit_image_free(&b);
	jt_prog_free(&p);
}

#define LONG_BODY	14000	/* may_goto: 88 bytes each, 1.2 MB */

/*
 * A loop whose body is longer than b.cond reaches (1 MiB): the forward
 * and the backward conditional jumps take the inverted branch over a b.
 */
static void branches_beyond_one_mib(void)
{
	static struct bpf_insn insns[LONG_BODY + 8];
	struct jit_target target = {};
	struct jit_image image;
	struct jt_prog p;
	u32 n = 0, loop, i, seen = 0;

	insns[n++] = (struct bpf_insn)I_MOV64_IMM(0, 0);
	insns[n++] = (struct bpf_insn)I_JMP_IMM(BPF_JEQ, 1, 0, LONG_BODY + 3);
	loop = n;
	for (i = 0; i < LONG_BODY; i++)
		insns[n++] = (struct bpf_insn)I_RAW(BPF_JMP | ISA_JCOND, 0, ISA_MAY_GOTO, 0, 0);
	insns[n++] = (struct bpf_insn)I_ALU64_IMM(BPF_ADD, 0, 1);
	insns[n++] = (struct bpf_insn)I_ALU64_IMM(BPF_SUB, 1, 1);
	insns[n] = (struct bpf_insn)I_JMP_IMM(BPF_JNE, 1, 0, 0);
	insns[n].off = (s16)((s32)loop - (s32)(n + 1));
	n++;
	insns[n++] = (struct bpf_insn)I_EXIT();
	if (!jt_prog_insns(&p, insns, n, false))
		return;
	TAP_EXPECT_EQ(jit_compile(&p.core, &target, &image), 0);
	TAP_EXPECT(image.len > 1 << 20);
	/* b.ne +8 and b.eq +8, each followed by a b */
	for (i = 0; i + 1 < image.len / 4; i++)
		if ((a64_insn(&image, i) == 0x54000041 || a64_insn(&image, i) == 0x54000040) &&
		    (a64_insn(&image, i + 1) & 0xfc000000) == 0x14000000)
			seen |= 1U << (a64_insn(&image, i) & 1);
	TAP_EXPECT_EQ(seen, 3);
	jit_image_free(&image);
	jt_expect(&p, 0, 0, __LINE__);
	jt_expect(&p, 3, 3, __LINE__);
	jt_prog_free(&p);
}

/* x19-x28 marked around a call of entry. */
static u64 a64_call_marked(const void *entry, u64 *changed)
{
	register u64 fn asm("x16") = (u64)(unsigned long)entry;
	register u64 x0 asm("x0") = 0;
	register u64 diff asm("x15");

	asm volatile("mov x19, #19\n\tmov x20, #20\n\tmov x21, #21\n\tmov x22, #22\n\t"
		     "mov x23, #23\n\tmov x24, #24\n\tmov x25, #25\n\tmov x26, #26\n\t"
		     "mov x27, #27\n\tmov x28, #28\n\t"
		     "blr %[fn]\n\t"
		     "sub x19, x19, #19\n\tsub x20, x20, #20\n\tsub x21, x21, #21\n\t"
		     "sub x22, x22, #22\n\tsub x23, x23, #23\n\tsub x24, x24, #24\n\t"
		     "sub x25, x25, #25\n\tsub x26, x26, #26\n\tsub x27, x27, #27\n\t"
		     "sub x28, x28, #28\n\t"
		     "orr x15, x19, x20\n\torr x15, x15, x21\n\torr x15, x15, x22\n\t"
		     "orr x15, x15, x23\n\torr x15, x15, x24\n\torr x15, x15, x25\n\t"
		     "orr x15, x15, x26\n\torr x15, x15, x27\n\torr x15, x15, x28\n\t"
		     : "+r" (x0), [fn] "+r" (fn), "=r" (diff)
		     :
		     : "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
		       "x11", "x12", "x13", "x14", "x17", "x18", "x19", "x20", "x21",
		       "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x30", "memory",
		       "cc");
	*changed = diff;
	return x0;
}

/* The C caller's callee-saved registers come back, in the hardened mode (pac). */
static void preserves_c_callee_saved(void)
{
	jt_check_callee_saved(&a64_modes[2], a64_call_marked);
}

static const struct tap_test tests[] = {
	{ "jit_arm64", "bti-and-pac-at-each-entry", bti_and_pac_at_each_entry },
	{ "jit_arm64", "lse-or-exclusive-loops", lse_or_exclusive_loops },
	{ "jit_arm64", "logic-immediates-match-interpreter", logic_immediates_match_interpreter },
	{ "jit_arm64", "blinding-hides-constants", blinding_hides_constants },
	{ "jit_arm64", "length-independent-of-address", length_independent_of_address },
	{ "jit_arm64", "branches-beyond-one-mib", branches_beyond_one_mib },
	{ "jit_arm64", "preserves-c-callee-saved", preserves_c_callee_saved },
};

int main(void)
{
	return jt_main("jit_arm64", a64_modes, ARRAY_SIZE(a64_modes), tests, ARRAY_SIZE(tests));
}
