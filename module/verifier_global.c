// SPDX-License-Identifier: GPL-2.0
/*
 * Global functions (struct prog_global_func): each is walked once, on its
 * own, from the arguments user space declared for it (libarena takes them
 * from BTF), as the kernel verifies a program's non-static functions.  A
 * call checks what it passes against those declarations and gets an
 * unknown scalar back, so that a loop calling such a function costs one
 * walk of the function instead of one per round.
 */
#include "verifier_internal.h"

static const char * const arg_names[] = {
	[PROG_ARG_SCALAR] = "a scalar",
	[PROG_ARG_CTX] = "the program's ctx, unmoved",
	[PROG_ARG_ARENA] = "an arena address",
	[PROG_ARG_MEM] = "memory or NULL",
	[PROG_ARG_MEM_NONNULL] = "memory",
};

static bool arg_is_mem(u8 kind)
{
	return kind == PROG_ARG_MEM || kind == PROG_ARG_MEM_NONNULL;
}

/* A declaration's own rules, at the instruction it names. */
static int check_decl(struct verifier_env *env, const struct prog_global_func *g)
{
	bool ended = false;
	u32 a;

	if (g->flags & ~PROG_GLOBAL_F_VOID)
		return verifier_reject(env, g->insn_off, "global function: unknown flags 0x%x",
				       g->flags);
	for (a = 0; a < ARRAY_SIZE(g->reserved); a++)
		if (g->reserved[a])
			return verifier_reject(env, g->insn_off,
					       "global function: reserved bytes are not 0");
	for (a = 0; a < PROG_FUNC_ARGS; a++) {
		u8 kind = g->arg[a];

		if (kind > PROG_ARG_MEM_NONNULL)
			return verifier_reject(env, g->insn_off,
					       "global function: argument %u of unknown kind %u",
					       a + 1, kind);
		if (ended && kind != PROG_ARG_NONE)
			return verifier_reject(env, g->insn_off,
					       "global function: argument %u follows an absent one",
					       a + 1);
		ended = kind == PROG_ARG_NONE;
		if (arg_is_mem(kind) ? !g->mem_size[a] || g->mem_size[a] > PROG_ARG_MEM_MAX :
				       g->mem_size[a] != 0)
			return verifier_reject(env, g->insn_off,
					       "global function: argument %u of %s with a size of %u",
					       a + 1, kind ? arg_names[kind] : "no kind",
					       g->mem_size[a]);
		if (kind == PROG_ARG_ARENA && env->arena_obj == U32_MAX)
			return verifier_reject(env, g->insn_off,
					       "global function: argument %u is an arena address, but the program has no arena",
					       a + 1);
	}
	return 0;
}

/* Ties each declaration to the function it names; once each. */
int verifier_bind_globals(struct verifier_env *env)
{
	const struct prog_core *prog = env->prog;
	u32 i, f;
	int err;

	for (i = 0; i < env->nr_globals; i++) {
		const struct prog_global_func *g = &env->globals[i];

		f = g->insn_off < prog->len ? verifier_func_of(env, g->insn_off) : 0;
		if (!f || env->funcs[f].start != g->insn_off)
			return verifier_reject(env, g->insn_off < prog->len ? g->insn_off : 0,
					       "global function %u: instruction %u is no subprogram's start",
					       i, g->insn_off);
		if (env->funcs[f].global)
			return verifier_reject(env, g->insn_off,
					       "global function %u: declared twice", i);
		err = check_decl(env, g);
		if (err)
			return err;
		env->funcs[f].global = g;
	}
	return 0;
}

/* The registers a global function's own walk starts with. */
void global_func_args(struct verifier_env *env, struct func_frame *frame)
{
	const struct prog_global_func *g = env->funcs[frame->func].global;
	struct reg_state *reg;
	u32 a;

	for (a = 0; a < PROG_FUNC_ARGS; a++) {
		reg = &frame->regs[BPF_REG_1 + a];
		switch (g->arg[a]) {
		case PROG_ARG_SCALAR:
			reg_mark_unknown(reg);
			break;
		case PROG_ARG_CTX:
			reg_mark_ctx_arg(env, reg);
			break;
		case PROG_ARG_ARENA:
			reg_mark_ptr(reg, PTR_TO_ARENA);
			break;
		case PROG_ARG_MEM:
			reg_mark_ptr(reg, PTR_TO_MEM_OR_NULL);
			reg->mem_size = g->mem_size[a];
			reg->id = ++env->next_id;
			break;
		case PROG_ARG_MEM_NONNULL:
			reg_mark_ptr(reg, PTR_TO_MEM);
			reg->mem_size = g->mem_size[a];
			break;
		}
	}
}

bool global_func_returns_void(const struct verifier_env *env, u32 func)
{
	const struct prog_global_func *g = env->funcs[func].global;

	return g && (g->flags & PROG_GLOBAL_F_VOID);
}

/* Argument a (r1 + a) of a call of global function func. */
static int check_global_arg(struct verifier_env *env, u32 func, u32 a)
{
	const struct prog_global_func *g = env->funcs[func].global;
	u32 regno = BPF_REG_1 + a, mem_size = g->mem_size[a];
	const struct reg_state *reg = &cur_frame(env)->regs[regno];
	u8 kind = g->arg[a];
	int err;

	err = check_reg_init(env, regno);
	if (err)
		return err;
	switch (kind) {
	case PROG_ARG_SCALAR:
		if (reg->type == SCALAR)
			return 0;
		break;
	case PROG_ARG_CTX:
		/* What r1 was at entry, unmoved. */
		if (env->prog->ctx_size ? reg->type == PTR_TO_CTX && !reg->off &&
					  tnum_equals_const(reg->var_off, 0) :
					  reg_is_zero(reg))
			return 0;
		break;
	case PROG_ARG_ARENA:
		if (reg->type == SCALAR || reg->type == PTR_TO_ARENA)
			return 0;
		break;
	case PROG_ARG_MEM:
		if (reg_is_zero(reg))
			return 0;
		fallthrough;
	case PROG_ARG_MEM_NONNULL:
		/* The function may read and write all of it. */
		err = check_mem_readable(env, regno, mem_size);
		return err ?: check_mem_writable(env, regno, mem_size);
	}
	return verifier_reject(env, env->insn_idx,
			       "R%u type %s is not %s, which the global function at insn %u takes",
			       regno, reg_type_name(reg), arg_names[kind], env->funcs[func].start);
}

/*
 * A call of global function func: its arguments as declared, its walk
 * done on its own; the caller's r1-r5 are clobbered and r0 is a scalar
 * (unreadable if the function returns nothing).
 */
int check_global_call(struct verifier_env *env, u32 func)
{
	const struct prog_global_func *g = env->funcs[func].global;
	struct func_frame *frame = cur_frame(env);
	u32 a;
	int err;

	for (a = 0; a < PROG_FUNC_ARGS && g->arg[a] != PROG_ARG_NONE; a++) {
		err = check_global_arg(env, func, a);
		if (err)
			return err;
	}
	clobber_args(frame);
	if (g->flags & PROG_GLOBAL_F_VOID)
		memset(&frame->regs[BPF_REG_0], 0, sizeof(frame->regs[BPF_REG_0]));
	else
		reg_mark_unknown(&frame->regs[BPF_REG_0]);
	env->insn_idx++;
	return 0;
}
