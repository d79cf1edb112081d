/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the JIT suites (jit_x86.c, jit_arm64.c) share: the runtime standing
 * in for the module (helpers, arena kfuncs, an arena of PROT_NONE address
 * space), images mapped W^X with the exception table emulated by a signal
 * handler, programs from text or instructions, runs checked against the
 * interpreter, and the tests every JIT must pass.  A suite adds the tests
 * of its own machine code and calls jt_main().
 */
#ifndef ARENA_JIT_HARNESS_H
#define ARENA_JIT_HARNESS_H

/* One failure count for the harness and the suite's own tests. */
#define TAP_FAILURES_EXTERN
#include "tap.h"

#include "jit.h"

#define JT_PAGE		4096U
#define JT_USER_BASE	0x7f1200000000ULL
#define JT_MAX_PRESENT	64

/* Helper ids of the harness's own helpers. */
#define JT_H_ARGS	1000	/* r1 + 2 r2 + 3 r3 + 4 r4 + 5 r5, checks alignment */
#define JT_H_MISSING	7777	/* no implementation */

/* The arena: kern is kern_vm_start; present[] pages are read/write. */
struct jt_arena {
	u8 *reserve;
	u8 *kern;
	u32 present[JT_MAX_PRESENT];
	u32 nr_present;
	struct prog_obj obj;
};

extern struct jt_arena arena;

/* Page pgoff made present (zeroed when it was not); NULL when full. */
u8 *jt_arena_populate(u32 pgoff);
/* Every page absent, conversions on: each test starts from there. */
void jt_arena_reset(void);

/* The JT_H_ARGS helper: where this binary's text is. */
u64 jt_helper_args(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);

/* How a suite compiles: the jit_target fields that are not addresses. */
struct jt_options {
	bool harden;
	bool ibt;
	bool pac;
	bool lse;
	bool cpu_helper;		/* call bpf_get_smp_processor_id(), not inlined */
	void (*return_thunk)(void);	/* x86: where functions return through */
};

/* A compiled program, mapped read+exec. */
struct jt_jit {
	struct jit_image image;
	u8 *mem;
	size_t map_len;
};

/*
 * Compiles as the module does (once at address 0 for the size, once at
 * the code's address), maps it W^X and points funcs[].jited at it.
 */
int jt_jit_load(struct prog_core *prog, const struct jt_options *o, struct jt_jit *jit);
void jt_jit_unload(struct prog_core *prog, struct jt_jit *jit);
/* The entry with r1, r2; false (and a failure) on an unexpected signal. */
bool jt_call(const struct prog_core *prog, const struct jt_jit *jit, u64 r1, u64 r2, u64 *r0);

/* A program prepared as the verifier would prepare it. */
struct jt_prog {
	struct prog_core core;
	bool ready;
	bool verified;		/* by the module's verifier, not engine_prepare() */
};

bool jt_prog_text(struct jt_prog *p, const char *text, bool with_arena);
/* insns are copied. */
bool jt_prog_insns(struct jt_prog *p, const struct bpf_insn *insns, u32 len, bool with_arena);
/*
 * insns (copied) through the module's verifier, for a context of ctx_size
 * bytes, with the arena as object 0 or no object and the global functions
 * declared in globals (not copied, read only here); false, with the
 * verifier's log, if it rejects them.
 */
bool jt_prog_verified(struct jt_prog *p, const struct bpf_insn *insns, u32 len, u32 ctx_size,
		      bool with_arena, const struct prog_global_func *globals, u32 nr_globals,
		      char *log, u32 log_size);
void jt_prog_free(struct jt_prog *p);

/* r0 from the JIT in mode o; false (and a failure) when it did not run. */
bool jt_jit_run(struct jt_prog *p, const struct jt_options *o, u64 r1, u64 r2, u64 *r0);
/* The interpreter and every mode of the suite must all give expected. */
void jt_expect(struct jt_prog *p, u64 r1, u64 expected, int line);
void jt_expect_text(const char *text, bool with_arena, u64 r1, u64 expected, int line);

/*
 * p on the interpreter and in every mode from the same memory (ctx, the
 * arena): the same r0 and memory, else false and a failure.
 */
bool jt_differential(struct jt_prog *p, void *ctx, size_t ctx_len, int line);

#define EXPECT_TEXT(text, r1, expected)	jt_expect_text(text, false, r1, expected, __LINE__)

/* A program with two functions, a loop, a helper call and stack use. */
extern const char jt_sample_text[];
/* text compiled (at address 0) with target; false (and a failure) if not. */
bool jt_compile_text(const char *text, const struct jit_target *target, struct jt_prog *p,
		     struct jit_image *image);
bool jt_contains(const struct jit_image *image, const void *bytes, u32 n);

/*
 * A program's constants compiled plain are in the image, hardened twice
 * they are not (and the images differ): has_constant says how a 32-bit
 * value shows in the arch's code.
 */
void jt_check_blinding(bool (*has_constant)(const struct jit_image *image, u32 v));
/*
 * The C caller's callee-saved registers survive a call: call_marked calls
 * entry (a program returning 42) with markers in them and tells in *diff
 * which ones changed.
 */
void jt_check_callee_saved(const struct jt_options *o,
			   u64 (*call_marked)(const void *entry, u64 *diff));

/*
 * Runs the shared tests, each program in every one of the modes, then the
 * suite's own tests; the exit status.
 */
/* The signal handler, the arena and the modes every run uses: false if no arena. */
bool jt_init(const struct jt_options *modes, u32 nr_modes);

int jt_main(const char *suite, const struct jt_options *modes, u32 nr_modes,
	    const struct tap_test *tests, size_t nr_tests);

#endif /* ARENA_JIT_HARNESS_H */
