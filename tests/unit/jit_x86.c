// SPDX-License-Identifier: GPL-2.0
/*
 * The x86-64 JIT's output run natively on the shared harness
 * (jit_harness.h), plain and hardened with endbr64, and the properties of
 * its machine code: entries, blinding, jump sizes, the C ABI.
 */
#include <stdint.h>

#include "insns.h"
#include "jit_harness.h"

/* The module's arena_jit_return, counting its uses. */
u64 jt_return_thunk_hits;
void jt_return_thunk(void);
__asm__(".text\n"
	".globl jt_return_thunk\n"
	"jt_return_thunk:\n"
	"	incq jt_return_thunk_hits(%rip)\n"
	"	ret\n");

static const struct jt_options x86_modes[] = {
	{ .harden = false, .ibt = false },
	{ .harden = true, .ibt = true, .cpu_helper = true, .return_thunk = jt_return_thunk },
};

/* With a return thunk, every function returns through it: one hit each. */
static void returns_through_thunk(void)
{
	static const struct jt_options o = { .return_thunk = jt_return_thunk };
	struct jt_prog p;
	u64 r0 = 0;

	if (!jt_prog_text(&p, "call local f\nadd %r0, 1\nexit\nf:\nmov %r0, 3\nexit", false))
		return;
	jt_return_thunk_hits = 0;
	if (jt_jit_run(&p, &o, 0, 0, &r0)) {
		TAP_EXPECT_EQ(r0, 4);
		TAP_EXPECT_EQ(jt_return_thunk_hits, 2);
	}
	jt_prog_free(&p);
}

/* --- code properties of x86-64 --- */

static void endbr64_at_each_entry(void)
{
	static const u8 endbr64[] = { 0xf3, 0x0f, 0x1e, 0xfa };
	struct jit_target ibt = { .ibt = true }, plain = {};
	struct jit_image with, without;
	struct jt_prog p, q;
	u32 f;

	if (!jt_compile_text(jt_sample_text, &ibt, &p, &with))
		return;
	if (jt_compile_text(jt_sample_text, &plain, &q, &without)) {
		TAP_EXPECT_EQ(p.core.nr_funcs, 2);
		for (f = 0; f < p.core.nr_funcs; f++) {
			TAP_EXPECT(!memcmp(with.code + with.func_off[f], endbr64, 4));
			TAP_EXPECT(memcmp(without.code + without.func_off[f], endbr64, 4));
		}
		TAP_EXPECT_EQ(with.len, without.len + 4 * p.core.nr_funcs);
		printf("# sample program: %u instructions, %u bytes of code\n", p.core.len,
		       without.len);
		jit_image_free(&without);
		jt_prog_free(&q);
	}
	jit_image_free(&with);
	jt_prog_free(&p);
}

/* Constants show as their four little-endian bytes (imm32, imm64). */
static bool x86_has_constant(const struct jit_image *image, u32 v)
{
	u8 bytes[4] = { v, v >> 8, v >> 16, v >> 24 };

	return jt_contains(image, bytes, sizeof(bytes));
}

static void blinding_hides_constants(void)
{
	jt_check_blinding(x86_has_constant);
}

/*
 * The length does not depend on code_addr (the module compiles at 0
 * first); an address out of the helpers' rel32 reach is refused.
 */
static void length_independent_of_address(void)
{
	u64 near = (u64)(unsigned long)jt_helper_args - (64 << 20);
	struct jit_target at0 = {}, at_near = { .code_addr = near };
	struct jit_target far = { .code_addr = near ^ (1ULL << 46) };
	struct jit_image a, b, c;
	struct jt_prog p;

	if (!jt_prog_text(&p, jt_sample_text, false))
		return;
	TAP_EXPECT_EQ(jit_compile(&p.core, &at0, &a), 0);
	TAP_EXPECT_EQ(jit_compile(&p.core, &at_near, &b), 0);
	TAP_EXPECT_EQ(a.len, b.len);
	TAP_EXPECT_EQ(jit_compile(&p.core, &far, &c), -EOPNOTSUPP);
	jit_image_free(&a);
	jit_image_free(&b);
	jt_prog_free(&p);
}

/* A body of 100 instructions between jumps and their targets: rel32 both ways. */
static void long_jumps(void)
{
	static struct bpf_insn insns[300];
	struct jit_image image;
	struct jit_target target = {};
	struct jt_prog p;
	u32 n = 0, i;

	insns[n++] = (struct bpf_insn)I_MOV64_IMM(0, 0);
	insns[n++] = (struct bpf_insn)I_MOV64_IMM(1, 3);
	/* loop: */
	insns[n++] = (struct bpf_insn)I_JMP_IMM(BPF_JEQ, 1, 0, 102);	/* forward over the body */
	for (i = 0; i < 100; i++)
		insns[n++] = (struct bpf_insn)I_ALU64_IMM(BPF_ADD, 0, 0x10000 + i);
	insns[n++] = (struct bpf_insn)I_ALU64_IMM(BPF_SUB, 1, 1);
	insns[n] = (struct bpf_insn)I_JA(2 - (s16)(n + 1));	/* back to loop */
	n++;
	insns[n++] = (struct bpf_insn)I_EXIT();
	if (!jt_prog_insns(&p, insns, n, false))
		return;
	TAP_EXPECT_EQ(jit_compile(&p.core, &target, &image), 0);
	/* jcc rel32 (0f 84) and jmp rel32 (e9) are there */
	TAP_EXPECT(jt_contains(&image, (const u8 []){ 0x0f, 0x84 }, 2));
	TAP_EXPECT(jt_contains(&image, (const u8 []){ 0xe9 }, 1));
	jit_image_free(&image);
	jt_expect(&p, 0, 3 * (100 * 0x10000ULL + 99 * 100 / 2), __LINE__);
	jt_prog_free(&p);
}

/* rbx and r12-r15 marked around a call of entry with an aligned stack. */
static u64 x86_call_marked(const void *entry, u64 *diff)
{
	u64 r0 = (u64)(unsigned long)entry;

	asm volatile("sub $128, %%rsp\n\t"
		     "mov %%rsp, %%rcx\n\t"
		     "and $-16, %%rsp\n\t"
		     "push %%rcx\n\t"
		     "push %%rcx\n\t"
		     "mov $0x1111, %%rbx\n\t"
		     "mov $0x1212, %%r12\n\t"
		     "mov $0x1313, %%r13\n\t"
		     "mov $0x1414, %%r14\n\t"
		     "mov $0x1515, %%r15\n\t"
		     "xor %%edi, %%edi\n\t"
		     "call *%%rax\n\t"
		     "pop %%rdi\n\t"
		     "pop %%rsp\n\t"
		     "add $128, %%rsp\n\t"
		     "xor $0x1111, %%rbx\n\t"
		     "xor $0x1212, %%r12\n\t"
		     "xor $0x1313, %%r13\n\t"
		     "xor $0x1414, %%r14\n\t"
		     "xor $0x1515, %%r15\n\t"
		     "or %%r12, %%rbx\n\t"
		     "or %%r13, %%rbx\n\t"
		     "or %%r14, %%rbx\n\t"
		     "or %%r15, %%rbx\n\t"
		     "mov %%rbx, %%rdx\n\t"
		     : "+a" (r0), "=&d" (*diff)
		     :
		     : "rbx", "rcx", "rsi", "rdi", "r8", "r9", "r10", "r11", "r12", "r13",
		       "r14", "r15", "memory", "cc");
	return r0;
}

/* The C caller's callee-saved registers come back as they were. */
static void preserves_c_callee_saved(void)
{
	jt_check_callee_saved(&x86_modes[0], x86_call_marked);
}

static const struct tap_test tests[] = {
	{ "jit_x86", "returns-through-thunk", returns_through_thunk },
	{ "jit_x86", "endbr64-at-each-entry", endbr64_at_each_entry },
	{ "jit_x86", "blinding-hides-constants", blinding_hides_constants },
	{ "jit_x86", "length-independent-of-address", length_independent_of_address },
	{ "jit_x86", "long-jumps", long_jumps },
	{ "jit_x86", "preserves-c-callee-saved", preserves_c_callee_saved },
};

int main(void)
{
	return jt_main("jit_x86", x86_modes, ARRAY_SIZE(x86_modes), tests, ARRAY_SIZE(tests));
}
