// SPDX-License-Identifier: GPL-2.0
/*
 * The interpreter's edge cases, written in the conformance suite's
 * assembly: arithmetic the kernel defines specially, sign extension, byte
 * order, atomics (also from several threads at once), bpf-to-bpf calls and
 * their frames, may_goto budgets, arena accesses on present, absent and
 * out-of-range pages, address-space casts, and helpers that call back.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>

#include "asm.h"
#include "engine.h"
#include "prog_fakes.h"
#include "tap.h"

#include "arena_kmod.h"

/* A program the way the verifier will hand it over, ready to run. */
struct test_prog {
	struct prog_core core;
	bool ready;
};

/*
 * Assembles text and prepares it as verifier_check() would, with objs as
 * the program's objects: the one place tests build a prog_core.
 */
static bool test_prog_build(struct test_prog *p, const char *text, struct prog_obj *objs,
			    u32 nr_objs)
{
	char err[256];

	memset(p, 0, sizeof(*p));
	p->core.objs = objs;
	p->core.nr_objs = nr_objs;
	if (asm_assemble(text, &p->core.insns, &p->core.len, err, sizeof(err))) {
		tap_fail(__FILE__, __LINE__, "assembler: %s", err);
		return false;
	}
	if (engine_prepare(&p->core, err, sizeof(err))) {
		tap_fail(__FILE__, __LINE__, "prepare: %s", err);
		free(p->core.insns);
		return false;
	}
	p->ready = true;
	return true;
}

static void test_prog_free(struct test_prog *p)
{
	if (p->ready)
		engine_release(&p->core);
	free(p->core.insns);
	p->ready = false;
}

/* r0 of text run with r1 = arg and objs; U64_MAX when it did not build. */
static u64 run_with(const char *text, struct prog_obj *objs, u32 nr_objs, u64 arg)
{
	struct test_prog p;
	u64 r0 = U64_MAX;

	if (test_prog_build(&p, text, objs, nr_objs))
		r0 = prog_func_call(&p.core.funcs[0], arg, 0, 0, 0, 0);
	test_prog_free(&p);
	return r0;
}

static u64 run(const char *text)
{
	return run_with(text, NULL, 0, 0);
}

#define EXPECT_R0(seen, expected)						\
	do {									\
		u64 s_ = (seen), e_ = (expected);				\
		if (s_ != e_)							\
			tap_fail(__FILE__, __LINE__, "r0 0x%" PRIx64		\
				 ", expected 0x%" PRIx64, s_, e_);		\
	} while (0)

/* Programs with one expected r0 each. */
static const struct {
	const char *name;
	const char *text;
	u64 r0;
} cases[] = {
	{ "div64-by-zero-gives-0",
	  "lddw %r0, 0x1234567890\nmov %r1, 0\ndiv %r0, %r1\nexit", 0 },
	{ "div32-by-zero-gives-0",
	  "lddw %r0, 0xffffffff00000007\nmov %r1, 0\ndiv32 %r0, %r1\nexit", 0 },
	{ "sdiv-by-zero-imm-gives-0", "mov %r0, -7\nsdiv %r0, 0\nexit", 0 },
	{ "mod64-by-zero-leaves-dst",
	  "lddw %r0, 0xffffffff00000007\nmov %r1, 0\nmod %r0, %r1\nexit",
	  0xffffffff00000007ULL },
	{ "mod32-by-zero-zero-extends-dst",
	  "lddw %r0, 0xffffffff00000007\nmov %r1, 0\nmod32 %r0, %r1\nexit", 7 },
	{ "smod32-by-zero-zero-extends-dst",
	  "lddw %r0, 0xfffffffffffffff9\nsmod32 %r0, 0\nexit", 0xfffffff9 },
	{ "sdiv64-intmin-by-minus-one-wraps",
	  "lddw %r0, 0x8000000000000000\nmov %r1, -1\nsdiv %r0, %r1\nexit",
	  0x8000000000000000ULL },
	{ "smod64-intmin-by-minus-one-is-0",
	  "lddw %r0, 0x8000000000000000\nsmod %r0, -1\nexit", 0 },
	{ "sdiv32-intmin-by-minus-one-wraps",
	  "lddw %r0, 0xffffffff80000000\nsdiv32 %r0, -1\nexit", 0x80000000 },
	{ "smod32-intmin-by-minus-one-is-0",
	  "mov32 %r0, 0x80000000\nmov %r1, -1\nsmod32 %r0, %r1\nexit", 0 },
	{ "sdiv-truncates-toward-zero", "mov %r0, -7\nsdiv %r0, 2\nexit", (u64)-3 },
	{ "smod-takes-dividend-sign", "mov %r0, -7\nsmod %r0, 2\nexit", (u64)-1 },
	{ "smod-positive-by-negative", "mov %r0, 7\nsmod %r0, -2\nexit", 1 },
	{ "udiv-treats-imm-as-sign-extended",
	  "lddw %r0, 0xfffffffffffffffe\ndiv %r0, -1\nexit", 0 },
	{ "mul32-overflow-zero-extends",
	  "mov32 %r0, 0x10000\nmul32 %r0, 0x10000\nexit", 0 },
	{ "add32-zero-extends", "mov %r0, -1\nadd32 %r0, 1\nexit", 0 },
	{ "neg32-zero-extends", "mov %r0, 1\nneg32 %r0\nexit", 0xffffffff },
	{ "lsh64-by-64-is-masked", "mov %r0, 1\nmov %r1, 64\nlsh %r0, %r1\nexit", 1 },
	{ "lsh32-by-33-is-masked", "mov %r0, 1\nmov %r1, 33\nlsh32 %r0, %r1\nexit", 2 },
	{ "rsh32-drops-high-half",
	  "lddw %r0, 0xffffffff00000010\nrsh32 %r0, 4\nexit", 1 },
	{ "arsh64-by-65-is-masked", "mov %r0, -4\nmov %r1, 65\narsh %r0, %r1\nexit", (u64)-2 },
	{ "arsh32-sign-is-bit-31",
	  "mov32 %r0, 0x80000000\narsh32 %r0, 4\nexit", 0xf8000000 },
	{ "movsx832-zero-extends", "mov %r1, 0x80\nmovsx832 %r0, %r1\nexit", 0xffffff80 },
	{ "movsx1664-sign-extends", "mov %r1, 0x8000\nmovsx1664 %r0, %r1\nexit",
	  0xffffffffffff8000ULL },
	{ "movsx3264-sign-extends", "mov32 %r1, 0x80000000\nmovsx3264 %r0, %r1\nexit",
	  0xffffffff80000000ULL },
	{ "mov32-imm-zero-extends", "mov32 %r0, -1\nexit", 0xffffffff },
	{ "mov64-imm-sign-extends", "mov %r0, -1\nexit", U64_MAX },
	{ "be16-swaps-and-truncates", "lddw %r0, 0x1122334455667788\nbe16 %r0\nexit", 0x8877 },
	{ "le32-truncates", "lddw %r0, 0x1122334455667788\nle32 %r0\nexit", 0x55667788 },
	{ "le64-keeps", "lddw %r0, 0x1122334455667788\nle64 %r0\nexit", 0x1122334455667788ULL },
	{ "bswap64-swaps", "lddw %r0, 0x1122334455667788\nbswap64 %r0\nexit",
	  0x8877665544332211ULL },
	{ "bswap32-truncates", "lddw %r0, 0x1122334455667788\nbswap32 %r0\nexit", 0x88776655 },
	{ "ldxsb-sign-extends", "stb [%r10-1], 0x80\nldxsb %r0, [%r10-1]\nexit", (u64)-128 },
	{ "ldxsh-sign-extends", "sth [%r10-2], 0x8001\nldxsh %r0, [%r10-2]\nexit",
	  0xffffffffffff8001ULL },
	{ "ldxsw-sign-extends", "stw [%r10-4], -2\nldxsw %r0, [%r10-4]\nexit", (u64)-2 },
	{ "ldxb-zero-extends", "stb [%r10-1], 0x80\nldxb %r0, [%r10-1]\nexit", 0x80 },
	{ "stdw-sign-extends-imm", "stdw [%r10-8], -1\nldxdw %r0, [%r10-8]\nexit", U64_MAX },
	{ "unaligned-stack-access",
	  "lddw %r1, 0x1122334455667788\nstxdw [%r10-11], %r1\nldxdw %r0, [%r10-11]\nexit",
	  0x1122334455667788ULL },
	{ "jslt-imm-is-signed", "mov %r0, 0\nmov %r1, -1\njslt %r1, 0, +1\nexit\nmov %r0, 1\nexit",
	  1 },
	{ "jlt32-ignores-high-half",
	  "mov %r0, 0\nlddw %r1, 0x100000000\njlt32 %r1, 1, +1\nexit\nmov %r0, 1\nexit", 1 },
	{ "jset32-ignores-high-half",
	  "mov %r0, 1\nlddw %r1, 0x100000000\njset32 %r1, -1, +1\nexit\nmov %r0, 2\nexit", 1 },
	{ "ja32-jumps-by-imm", "mov %r0, 1\nja32 +1\nexit\nmov %r0, 2\nexit", 2 },
	/* 32-bit atomics fetch zero-extended values and compare 32 bits. */
	{ "atomic-fetch-add32-zero-extends",
	  "stdw [%r10-8], -1\nlddw %r1, 0x100000001\nlock fetch add32 [%r10-8], %r1\n"
	  "ldxdw %r2, [%r10-8]\nlddw %r3, 0xffffffff00000000\njne %r2, %r3, +2\n"
	  "mov %r0, %r1\nexit\nmov %r0, -1\nexit", 0xffffffff },
	{ "atomic-cmpxchg32-compares-low-half",
	  "stw [%r10-4], 1\nlddw %r0, 0xffffffff00000001\nmov %r1, 9\n"
	  "lock cmpxchg32 [%r10-4], %r1\nldxw %r2, [%r10-4]\njne %r2, 9, +1\nexit\n"
	  "mov %r0, -1\nexit", 1 },
	{ "atomic-cmpxchg-fails-and-fetches",
	  "stdw [%r10-8], 5\nmov %r0, 4\nmov %r1, 9\nlock cmpxchg [%r10-8], %r1\n"
	  "ldxdw %r2, [%r10-8]\njne %r2, 5, +1\nexit\nmov %r0, -1\nexit", 5 },
	{ "atomic-xchg-fetches",
	  "stdw [%r10-8], 5\nmov %r1, 9\nlock xchg [%r10-8], %r1\nldxdw %r2, [%r10-8]\n"
	  "mov %r0, %r1\njne %r2, 9, +1\nexit\nmov %r0, -1\nexit", 5 },
	{ "atomic-and-or-xor-without-fetch-keep-src",
	  "stdw [%r10-8], 0xff\nmov %r1, 0x0f\nlock and [%r10-8], %r1\nmov %r2, 0x100\n"
	  "lock or [%r10-8], %r2\nmov %r3, 1\nlock xor [%r10-8], %r3\nldxdw %r0, [%r10-8]\n"
	  "add %r0, %r1\nadd %r0, %r2\nadd %r0, %r3\nexit", 0x10e + 0x0f + 0x100 + 1 },
	{ "atomic-fetch-or-xor-and",
	  "stdw [%r10-8], 6\nmov %r1, 1\nlock fetch or [%r10-8], %r1\nmov %r2, 3\n"
	  "lock fetch xor [%r10-8], %r2\nmov %r3, 2\nlock fetch and [%r10-8], %r3\n"
	  "ldxdw %r0, [%r10-8]\nlsh %r1, 8\nor %r0, %r1\nlsh %r2, 16\nor %r0, %r2\n"
	  "lsh %r3, 24\nor %r0, %r3\nexit", 0 | 6 << 8 | 7 << 16 | 4 << 24 },
	/* Each frame has its own stack below its caller's; r6-r9 survive. */
	{ "calls-give-each-frame-its-stack",
	  "stdw [%r10-8], 1\nmov %r6, 6\nmov %r1, %r10\ncall local f\n"
	  "ldxdw %r2, [%r10-8]\njne %r2, 1, bad\njne %r6, 6, bad\nexit\n"
	  "bad:\nmov %r0, -1\nexit\n"
	  "f:\nstdw [%r10-8], 2\nmov %r6, 0\nmov %r7, %r1\ncall local g\n"
	  "ldxdw %r2, [%r10-8]\njne %r2, 2, fbad\nmov %r0, %r7\nsub %r0, %r10\nexit\n"
	  "fbad:\nmov %r0, -2\nexit\n"
	  "g:\nstdw [%r10-16], 3\nstdw [%r10-8], 3\nexit", 512 - 24 },
	{ "call-depth-beyond-limit-stops-with-0",
	  "mov %r0, 1\ncall local f\nexit\nf:\ncall local f\nexit", 0 },
	{ "may_goto-budget-ends-loop",
	  "mov %r0, 0\nloop:\nmay_goto out\nadd %r0, 1\nja loop\nout:\nexit",
	  ISA_MAY_GOTO_BUDGET },
	{ "may_goto-budget-is-per-invocation",
	  "mov %r6, 0\ncall local f\nadd %r6, %r0\ncall local f\nadd %r0, %r6\nexit\n"
	  "f:\nmov %r0, 0\nloop:\nmay_goto out\nadd %r0, 1\nja loop\nout:\nexit",
	  2ULL * ISA_MAY_GOTO_BUDGET },
	/* bpf_loop(4, cb, &sum, 0): cb adds its index; r0 = calls made. */
	{ "helper-calls-back-into-program",
	  "stdw [%r10-8], 0\nmov %r1, 4\nldfunc %r2, cb\nmov %r3, %r10\nadd %r3, -8\n"
	  "mov %r4, 0\ncall 181\nldxdw %r1, [%r10-8]\nlsh %r1, 8\nor %r0, %r1\nexit\n"
	  "cb:\nlock add [%r2+0], %r1\nmov %r0, 0\nexit", 4 | (0 + 1 + 2 + 3) << 8 },
	{ "callback-returning-1-stops-loop",
	  "mov %r1, 10\nldfunc %r2, cb\nmov %r3, 0\nmov %r4, 0\ncall 181\nexit\n"
	  "cb:\nmov %r0, 0\njne %r1, 2, +1\nmov %r0, 1\nexit", 3 },
	{ "unknown-helper-stops-with-0", "mov %r0, 1\ncall 99999\nmov %r0, 2\nexit", 0 },
};

static void run_case(u32 i)
{
	EXPECT_R0(run(cases[i].text), cases[i].r0);
}

static void ctx_reaches_r1(void)
{
	struct test_prog p;
	u64 ctx = 0x42;

	if (!test_prog_build(&p, "ldxdw %r0, [%r1+0]\nexit", NULL, 0))
		return;
	EXPECT_R0(interp_run(&p.core, &ctx), 0x42);
	test_prog_free(&p);
}

/* Several threads adding to one word: no update may be lost. */
struct adder {
	pthread_t thread;
	const struct prog_func *func;
	u64 *word;
};

#define ADDERS		4
#define ADDS_EACH	20000

static void *adder_run(void *arg)
{
	struct adder *a = arg;

	prog_func_call(a->func, (u64)(unsigned long)a->word, ADDS_EACH, 0, 0, 0);
	return NULL;
}

static void atomics_from_threads_lose_nothing(void)
{
	struct adder adders[ADDERS];
	u64 words[2] = { 0, 0 };
	struct test_prog p;
	int i;

	if (!test_prog_build(&p,
			     "loop:\nmov %r3, 1\n"
			     "lock add [%r1+0], %r3\nlock fetch add32 [%r1+8], %r3\n"
			     "sub %r2, 1\njne %r2, 0, loop\nexit", NULL, 0))
		return;
	for (i = 0; i < ADDERS; i++) {
		adders[i].func = &p.core.funcs[0];
		adders[i].word = words;
		TAP_EXPECT_EQ(pthread_create(&adders[i].thread, NULL, adder_run, &adders[i]), 0);
	}
	for (i = 0; i < ADDERS; i++)
		pthread_join(adders[i].thread, NULL);
	TAP_EXPECT_EQ(words[0], (u64)ADDERS * ADDS_EACH);
	TAP_EXPECT_EQ(words[1], (u64)ADDERS * ADDS_EACH);
	test_prog_free(&p);
}

/* An arena of 4 pages at user address USER_BASE: pages 0 and 1 present. */
#define USER_BASE	0x7f1200000000ULL
#define PAGE		FAKE_ARENA_PAGE_SIZE

struct arena_fixture {
	struct prog_obj obj;
	struct fake_arena *arena;
	u8 *page0, *page1;
};

static bool arena_setup(struct arena_fixture *f, u32 flags)
{
	f->arena = fake_arena_create(4, USER_BASE, flags, &f->obj);
	TAP_EXPECT(f->arena);
	if (!f->arena)
		return false;
	f->page0 = fake_arena_populate(f->arena, 0);
	f->page1 = fake_arena_populate(f->arena, 1);
	return true;
}

static u64 arena_run(struct arena_fixture *f, const char *text, u64 arg)
{
	return run_with(text, &f->obj, 1, arg);
}

/* A stop request (a signal, in the module) ends may_goto loops at once. */
static void may_goto_ends_when_asked_to_stop(void)
{
	fake_stop_requested = true;
	EXPECT_R0(run("mov %r0, 0\nloop:\nmay_goto out\nadd %r0, 1\nja loop\nout:\nexit"), 0);
	fake_stop_requested = false;
	EXPECT_R0(run("mov %r0, 0\nloop:\nmay_goto out\nadd %r0, 1\njlt %r0, 100000, loop\n"
		      "out:\nexit"), 100000);
}

static void arena_load_store_on_present_page(void)
{
	struct arena_fixture f;
	u32 w;

	if (!arena_setup(&f, 0))
		return;
	/* The upper half of the register is not part of the arena offset. */
	EXPECT_R0(arena_run(&f, "arena stw [%r1+8], 0x1234\narena ldxw %r0, [%r1+8]\nexit",
			    USER_BASE + 16), 0x1234);
	memcpy(&w, f.page0 + 24, sizeof(w));
	TAP_EXPECT_EQ(w, 0x1234);
	EXPECT_R0(arena_run(&f, "mov %r2, -1\narena stxb [%r1+0], %r2\n"
			    "arena ldxdw %r0, [%r1-7]\nexit", PAGE), 0xff00000000000000ULL);
	fake_arena_destroy(f.arena);
}

static void arena_sign_extending_loads(void)
{
	struct arena_fixture f;

	if (!arena_setup(&f, 0))
		return;
	EXPECT_R0(arena_run(&f, "arena stw [%r1+0], -2\narena ldxsb %r0, [%r1+0]\nexit", 0),
		  (u64)-2);
	EXPECT_R0(arena_run(&f, "arena ldxsh %r0, [%r1+0]\nexit", 0), (u64)-2);
	EXPECT_R0(arena_run(&f, "arena ldxsw %r0, [%r1+0]\nexit", 0), (u64)-2);
	EXPECT_R0(arena_run(&f, "arena ldxw %r0, [%r1+0]\nexit", 0), 0xfffffffe);
	/* An absent page still reads 0, not a sign-extended anything. */
	EXPECT_R0(arena_run(&f, "mov %r0, 5\narena ldxsw %r0, [%r1+0]\nexit", 3 * PAGE), 0);
	fake_arena_destroy(f.arena);
}

static void arena_absent_page_loads_0_and_drops_stores(void)
{
	struct arena_fixture f;

	if (!arena_setup(&f, 0))
		return;
	EXPECT_R0(arena_run(&f, "mov %r0, 99\narena ldxdw %r0, [%r1+0]\nexit", 2 * PAGE), 0);
	EXPECT_R0(arena_run(&f, "arena stdw [%r1+0], 7\nmov %r0, 1\nexit", 3 * PAGE), 1);
	EXPECT_R0(arena_run(&f, "mov %r0, 1\narena stxdw [%r1+0], %r0\n"
			    "arena ldxdw %r0, [%r1+0]\nexit", 3 * PAGE), 0);
	fake_arena_destroy(f.arena);
}

static void arena_out_of_range_loads_0(void)
{
	struct arena_fixture f;

	if (!arena_setup(&f, 0))
		return;
	f.page0[0] = 0x5a;
	/* Below offset 0, and past 4 GiB. */
	EXPECT_R0(arena_run(&f, "mov %r0, 99\narena ldxb %r0, [%r1-1]\nexit", 0), 0);
	EXPECT_R0(arena_run(&f, "mov %r0, 99\narena ldxb %r0, [%r1+1]\nexit", 0xffffffff), 0);
	EXPECT_R0(arena_run(&f, "mov %r0, 99\narena ldxw %r0, [%r1+0]\nexit", 0xfffffffe), 0);
	/* Stores there reach nothing, page 0 included. */
	EXPECT_R0(arena_run(&f, "arena stb [%r1+1], 1\narena stb [%r1-4096], 1\nmov %r0, 0\n"
			    "exit", 0xffffffff), 0);
	TAP_EXPECT_EQ(f.page0[0], 0x5a);
	EXPECT_R0(arena_run(&f, "arena ldxb %r0, [%r1+0]\nexit", 0), 0x5a);
	fake_arena_destroy(f.arena);
}

static void arena_access_spanning_pages(void)
{
	struct arena_fixture f;
	u8 before[4];

	if (!arena_setup(&f, 0))
		return;
	EXPECT_R0(arena_run(&f, "lddw %r2, 0x1122334455667788\narena stxdw [%r1+0], %r2\n"
			    "arena ldxdw %r0, [%r1+0]\nexit", PAGE - 3), 0x1122334455667788ULL);
	TAP_EXPECT_EQ(f.page0[PAGE - 1], 0x66);
	TAP_EXPECT_EQ(f.page1[0], 0x55);
	/* Into the absent page 2: nothing is written, the load gives 0. */
	memcpy(before, f.page1 + PAGE - 4, 4);
	EXPECT_R0(arena_run(&f, "lddw %r2, -1\narena stxdw [%r1+0], %r2\n"
			    "arena ldxdw %r0, [%r1+0]\nexit", 2 * PAGE - 4), 0);
	TAP_EXPECT(!memcmp(before, f.page1 + PAGE - 4, 4));
	fake_arena_destroy(f.arena);
}

static void arena_atomics(void)
{
	struct arena_fixture f;
	u64 v;

	if (!arena_setup(&f, 0))
		return;
	EXPECT_R0(arena_run(&f, "mov %r2, 5\narena lock add [%r1+0], %r2\nmov %r2, 2\n"
			    "arena lock fetch add [%r1+0], %r2\nmov %r0, %r2\nexit", 64), 5);
	memcpy(&v, f.page0 + 64, sizeof(v));
	TAP_EXPECT_EQ(v, 7);
	/* cmpxchg: r0 is the old value. */
	EXPECT_R0(arena_run(&f, "mov %r0, 7\nmov %r2, 9\narena lock cmpxchg [%r1+0], %r2\n"
			    "exit", 64), 7);
	memcpy(&v, f.page0 + 64, sizeof(v));
	TAP_EXPECT_EQ(v, 9);
	/* Absent page: the fetched register and r0 of cmpxchg become 0. */
	EXPECT_R0(arena_run(&f, "mov %r2, 5\narena lock fetch add32 [%r1+0], %r2\n"
			    "mov %r0, %r2\nexit", 2 * PAGE), 0);
	EXPECT_R0(arena_run(&f, "mov %r0, 5\nmov %r2, 1\narena lock cmpxchg [%r1+0], %r2\n"
			    "exit", 3 * PAGE), 0);
	/* A misaligned one behaves as on an absent page. */
	EXPECT_R0(arena_run(&f, "mov %r2, 5\narena lock xchg [%r1+0], %r2\nmov %r0, %r2\n"
			    "exit", 68), 0);
	memcpy(&v, f.page0 + 64, sizeof(v));
	TAP_EXPECT_EQ(v, 9);
	fake_arena_destroy(f.arena);
}

static void cast_to_user_adds_upper_half(void)
{
	struct arena_fixture f;

	if (!arena_setup(&f, 0))
		return;
	EXPECT_R0(arena_run(&f, "addr_space_cast %r0, %r1, 1, 0\nexit", 0x10), USER_BASE + 0x10);
	EXPECT_R0(arena_run(&f, "addr_space_cast %r0, %r1, 1, 0\nexit", 0xdead00000000ULL), 0);
	EXPECT_R0(arena_run(&f, "addr_space_cast %r0, %r1, 0, 1\nexit", USER_BASE + 0x10), 0x10);
	fake_arena_destroy(f.arena);
}

static void cast_to_user_without_conversion(void)
{
	struct arena_fixture f;

	if (!arena_setup(&f, PROG_OBJ_F_NO_USER_CONV))
		return;
	EXPECT_R0(arena_run(&f, "addr_space_cast %r0, %r1, 1, 0\nexit", USER_BASE + 0x10), 0x10);
	fake_arena_destroy(f.arena);
}

/* A kfunc allocates a page; the program writes through the pointer. */
static void kfunc_allocates_arena_page(void)
{
	struct arena_fixture f;
	char text[512];
	u64 v;

	if (!arena_setup(&f, 0))
		return;
	snprintf(text, sizeof(text),
		 "lddw %%r1, 0x%" PRIx64 "\nmov %%r2, 0\nmov %%r3, 1\nmov %%r4, -1\n"
		 "mov %%r5, 0\ncall runtime %d\nmov %%r1, 77\n"
		 "arena stxdw [%%r0+8], %%r1\nexit",
		 (u64)(unsigned long)&f.obj, ARENA_KFUNC_ARENA_ALLOC_PAGES);
	EXPECT_R0(arena_run(&f, text, 0), USER_BASE + 2 * PAGE);
	TAP_EXPECT(fake_arena_populate(f.arena, 2));
	memcpy(&v, (u8 *)fake_arena_populate(f.arena, 2) + 8, sizeof(v));
	TAP_EXPECT_EQ(v, 77);
	fake_arena_destroy(f.arena);
}

static const struct tap_test tests[] = {
	{ "interp", "ctx-reaches-r1", ctx_reaches_r1 },
	{ "interp", "atomics-from-threads-lose-nothing", atomics_from_threads_lose_nothing },
	{ "interp", "may-goto-ends-when-asked-to-stop", may_goto_ends_when_asked_to_stop },
	{ "interp", "arena-load-store-on-present-page", arena_load_store_on_present_page },
	{ "interp", "arena-absent-page-loads-0-and-drops-stores",
	  arena_absent_page_loads_0_and_drops_stores },
	{ "interp", "arena-out-of-range-loads-0", arena_out_of_range_loads_0 },
	{ "interp", "arena-sign-extending-loads", arena_sign_extending_loads },
	{ "interp", "arena-access-spanning-pages", arena_access_spanning_pages },
	{ "interp", "arena-atomics", arena_atomics },
	{ "interp", "cast-to-user-adds-upper-half", cast_to_user_adds_upper_half },
	{ "interp", "cast-to-user-without-conversion", cast_to_user_without_conversion },
	{ "interp", "kfunc-allocates-arena-page", kfunc_allocates_arena_page },
};

int main(void)
{
	int failed = 0;
	u32 i;

	tap_start();
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		run_case(i);
		failed |= tap_report("interp", cases[i].name);
	}
	return tap_run(tests, ARRAY_SIZE(tests)) | failed;
}
