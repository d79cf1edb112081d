// SPDX-License-Identifier: GPL-2.0
/*
 * Programs prepared and run the conformance suite's way (see engine.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "verdicts.h"

/* The function a call or a function reference at insn i leads to, or -1. */
static s64 engine_target(const struct prog_core *prog, u32 i)
{
	const struct bpf_insn *insn = &prog->insns[i];

	if ((insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == BPF_PSEUDO_CALL) ||
	    (isa_is_ld_imm64(insn) && insn->src_reg == BPF_PSEUDO_FUNC))
		return (s64)i + insn->imm + 1;
	return -1;
}

static int engine_cmp_start(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

/* The bytes below r10 that insns [start, end) reach, in 8-byte steps. */
static u32 engine_frame_bytes(const struct prog_core *prog, u32 start, u32 end)
{
	u32 deepest = 0, i;

	for (i = start; i < end; i++) {
		const struct bpf_insn *insn = &prog->insns[i];
		u8 class = BPF_CLASS(insn->code);
		u8 base = class == BPF_LDX ? insn->src_reg : insn->dst_reg;

		if ((class == BPF_LDX || class == BPF_ST || class == BPF_STX) &&
		    base == BPF_REG_10 && insn->off < 0 && (u32)-insn->off > deepest)
			deepest = -insn->off;
	}
	return (deepest + 7) & ~7U;
}

static int engine_find_funcs(struct prog_core *prog, u32 *starts, u32 *nr, char *err,
			     size_t err_size)
{
	u32 i, n = 1;
	s64 t;

	starts[0] = 0;
	for (i = 0; i < prog->len; i++) {
		t = engine_target(prog, i);
		if (t >= (s64)prog->len || (t < 0 && t != -1)) {
			snprintf(err, err_size, "insn %u: call or function out of the program", i);
			return -EINVAL;
		}
		if (t >= 0)
			starts[n++] = t;
		if (isa_is_ld_imm64(&prog->insns[i]))
			i++;
	}
	qsort(starts, n, sizeof(*starts), engine_cmp_start);
	*nr = 0;
	for (i = 0; i < n; i++)
		if (!i || starts[i] != starts[i - 1])
			starts[(*nr)++] = starts[i];
	return 0;
}

static const struct prog_func *engine_func(const struct prog_core *prog, u32 start)
{
	u32 i;

	for (i = 0; i < prog->nr_funcs; i++)
		if (prog->funcs[i].start == start)
			return &prog->funcs[i];
	return NULL;
}

/* Frames: each subprogram what it reaches, the entry all the rest. */
static int engine_frames(struct prog_core *prog, char *err, size_t err_size)
{
	u32 sub = 0, i;

	for (i = 1; i < prog->nr_funcs; i++) {
		u32 end = i + 1 < prog->nr_funcs ? prog->funcs[i + 1].start : prog->len;

		prog->funcs[i].stack_depth = engine_frame_bytes(prog, prog->funcs[i].start, end);
		sub += prog->funcs[i].stack_depth;
	}
	if (sub > ISA_MAX_STACK) {
		snprintf(err, err_size, "subprograms need %u bytes of stack", sub);
		return -E2BIG;
	}
	prog->funcs[0].stack_depth = ISA_MAX_STACK - sub;
	prog->max_stack = ISA_MAX_STACK;
	return 0;
}

int engine_prepare(struct prog_core *prog, char *err, size_t err_size)
{
	u32 *starts, nr, i;
	s64 t;
	int ret;

	if (!prog->len || isa_is_ld_imm64(&prog->insns[prog->len - 1])) {
		snprintf(err, err_size, "no instructions, or a cut ld_imm64 at the end");
		return -EINVAL;
	}
	starts = calloc(prog->len + 1, sizeof(*starts));
	if (!starts)
		return -ENOMEM;
	ret = engine_find_funcs(prog, starts, &nr, err, err_size);
	prog->funcs = ret ? NULL : calloc(nr, sizeof(*prog->funcs));
	if (!ret && !prog->funcs)
		ret = -ENOMEM;
	for (i = 0; !ret && i < nr; i++) {
		prog->funcs[i].prog = prog;
		prog->funcs[i].start = starts[i];
	}
	free(starts);
	if (ret)
		return ret;
	prog->nr_funcs = nr;
	ret = engine_frames(prog, err, err_size);
	for (i = 0; !ret && i < prog->len; i++) {
		t = engine_target(prog, i);
		if (t >= 0 && isa_is_ld_imm64(&prog->insns[i])) {
			prog->insns[i].src_reg = 0;
			isa_set_ld_imm64(&prog->insns[i], (u64)(unsigned long)engine_func(prog, t));
		}
	}
	for (i = 0; i < prog->nr_objs; i++)
		if (!prog->arena && prog->objs[i].kind == PROG_OBJ_ARENA)
			prog->arena = &prog->objs[i];
	if (ret)
		engine_release(prog);
	return ret;
}

void engine_release(struct prog_core *prog)
{
	free(prog->funcs);
	prog->funcs = NULL;
	prog->nr_funcs = 0;
}

/*
 * Runs prog (its insns owned by the caller) on a copy of mem once prepared
 * by verify (the verifier) or else engine_prepare(); err gets the reason
 * or the verifier's log.
 */
static int engine_exec(struct prog_core *prog, bool verify, const u8 *mem, u32 mem_len,
		       u64 *r0, char *err, size_t err_size)
{
	struct verifier_log log = { .buf = err, .size = err_size, .level = 1 };
	u8 *copy = mem_len ? malloc(mem_len) : NULL;
	int ret;

	if (mem_len && !copy)
		return -ENOMEM;
	if (mem_len)
		memcpy(copy, mem, mem_len);
	prog->ctx_size = mem_len;
	err[0] = '\0';
	ret = verify ? verifier_check(prog, &log) : engine_prepare(prog, err, err_size);
	if (!ret)
		*r0 = prog_func_call(&prog->funcs[0], (u64)(unsigned long)copy, mem_len, 0, 0, 0);
	if (verify)
		verifier_release(prog);
	else if (!ret)
		engine_release(prog);
	free(copy);
	return ret;
}

int engine_run(const struct bpf_insn *insns, u32 nr_insns, const u8 *mem, u32 mem_len,
	       u64 *r0, char *err, size_t err_size)
{
	struct prog_core prog = { .len = nr_insns };
	int ret;

	prog.insns = malloc(nr_insns * sizeof(*insns) + 1);
	if (!prog.insns)
		return -ENOMEM;
	memcpy(prog.insns, insns, nr_insns * sizeof(*insns));
	ret = engine_exec(&prog, false, mem, mem_len, r0, err, err_size);
	free(prog.insns);
	return ret;
}

int engine_run_verified(const struct bpf_insn *insns, u32 nr_insns, const u8 *mem,
			u32 mem_len, u64 *r0, char *log, size_t log_size)
{
	struct prog_core prog = { .len = nr_insns + 1 };
	int ret;

	prog.insns = verdict_with_length(insns, nr_insns, mem_len);
	if (!prog.insns)
		return -ENOMEM;
	ret = engine_exec(&prog, true, mem, mem_len, r0, log, log_size);
	free(prog.insns);
	return ret;
}
