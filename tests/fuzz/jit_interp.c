// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the JIT of this machine against the interpreter.
 * Programs the verifier accepts run in both, through the JIT harness of
 * the unit tests (tests/unit/jit_harness.c: the code mapped executable,
 * arena faults resumed as the exception table says), plain and hardened;
 * r0, the context and every present arena page must come out the same.
 *
 * Inputs are verifier_interp's (prog_input.h), so its seeds serve here:
 * the context size, the arena (as object 0, when the header gives any
 * object and the arena is not replaced by an array) and which of its first
 * eight pages are present; other objects are not offered, and programs
 * naming them are refused by the verifier.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jit_harness.h"
#include "prog_input.h"

/* Longer programs add little and slow every run down. */
#define JIT_INTERP_MAX_INSNS	1024

static const struct jt_options modes[] = {
	{ .harden = false },
	{ .harden = true, .ibt = true, .pac = true, .lse = true },
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc, (void)argv;
	if (!jt_init(modes, sizeof(modes) / sizeof(modes[0])))
		abort();
	return 0;
}

static void arena_pages(u8 present)
{
	u32 i;

	jt_arena_reset();
	for (i = 0; i < 8; i++)
		if (present & (1U << i))
			jt_arena_populate(i);
}

/*
 * The harness's runtime has the helpers the unit tests use, not all the
 * verifier allows: a program calling another cannot be compiled here
 * (the module would interpret it) and is no finding.
 */
static bool compilable_here(struct jt_prog *p)
{
	struct jit_target target = { 0 };
	struct jit_image image;
	int err = jit_compile(&p->core, &target, &image);

	if (!err)
		jit_image_free(&image);
	return err != -EOPNOTSUPP;
}

static void check_same_results(struct jt_prog *p, u32 ctx_size)
{
	u8 ctx[256];

	memset(ctx, 0x5a, sizeof(ctx));
	tap_failures = 0;
	jt_differential(p, ctx_size ? ctx : NULL, ctx_size, __LINE__);
	if (tap_failures)
		fflush(stdout), abort();	/* the harness said how they differ */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prog_input in;
	struct bpf_insn *insns;
	struct jt_prog p;
	bool with_arena;
	char log[64];
	u32 len;

	if (!prog_input_parse(data, size, &in) || !in.len || in.len > JIT_INTERP_MAX_INSNS)
		return 0;
	len = in.len;
	insns = malloc(len * sizeof(*insns));
	if (!insns)
		return 0;
	memcpy(insns, in.insns, len * sizeof(*insns));
	if (in.h.flags & PROG_INPUT_F_SHAPE)
		prog_input_shape(insns, len);
	with_arena = in.h.nr_objs % (PROG_INPUT_MAX_OBJS + 1) &&
		     !(in.h.flags & PROG_INPUT_F_NO_ARENA);
	arena_pages(in.h.arena_pages);
	if (jt_prog_verified(&p, insns, len, in.h.ctx_size, with_arena, in.globals,
			     in.nr_globals, log, sizeof(log))) {
		if (compilable_here(&p))
			check_same_results(&p, in.h.ctx_size);
		jt_prog_free(&p);
	}
	free(insns);
	return 0;
}
