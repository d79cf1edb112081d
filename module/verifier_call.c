// SPDX-License-Identifier: GPL-2.0
/*
 * Calls and returns: helpers and kfuncs with typed arguments (see
 * helper_protos.c), ring buffer references, bpf-to-bpf calls with frames
 * of their own (but global functions: verifier_global.c), and bpf_loop
 * callbacks, walked as a call from the helper that may happen again and
 * again (or never) before the helper returns.
 */
#include "verifier_internal.h"
#include "helper_protos.h"

struct call_meta {
	const struct helper_proto *proto;
	const char *name;
	const struct prog_obj *obj;
	u32 obj_idx;
	u32 alloc_size;
	u32 release_ref;
	u32 callback;		/* function index + 1, 0: none */
	struct reg_state cb_arg;
};

void clobber_args(struct func_frame *frame)
{
	u32 r;

	for (r = BPF_REG_1; r <= BPF_REG_5; r++)
		memset(&frame->regs[r], 0, sizeof(frame->regs[r]));
}

static void invalidate_ref(struct reg_state *reg, void *refp)
{
	if (reg->ref_id == *(u32 *)refp && (reg->type == PTR_TO_RECORD ||
				   reg->type == PTR_TO_RECORD_OR_NULL))
		memset(reg, 0, sizeof(*reg));
}

/* Drops reference id: every copy of the pointer becomes unusable. */
void release_ref(struct verifier_state *st, u32 id)
{
	u32 i;

	for (i = 0; i < st->nr_refs; i++) {
		if (st->refs[i].id != id)
			continue;
		st->refs[i] = st->refs[--st->nr_refs];
		break;
	}
	state_for_each_reg(st, invalidate_ref, &id);
}

static int acquire_ref(struct verifier_env *env, u32 *id)
{
	struct verifier_state *st = env->cur;

	if (!st->refs) {
		st->refs = portable_zalloc(MAX_REFS * sizeof(*st->refs));
		if (!st->refs)
			return -ENOMEM;
	}
	if (st->nr_refs >= MAX_REFS)
		return verifier_reject(env, env->insn_idx,
				       "more than %u ring records reserved at once", MAX_REFS);
	*id = ++env->next_id;
	st->refs[st->nr_refs].id = *id;
	st->refs[st->nr_refs].insn = env->insn_idx;
	st->refs[st->nr_refs].frameno = st->curframe;
	st->nr_refs++;
	return 0;
}

static bool is_obj(const struct reg_state *reg, const struct verifier_env *env,
		   enum prog_obj_kind kind)
{
	return reg->type == CONST_PTR_TO_OBJ &&
	       env->prog->objs[reg->obj].kind == kind;
}

static int check_arg(struct verifier_env *env, struct call_meta *meta, u32 argno)
{
	enum helper_arg type = meta->proto->args[argno];
	u32 regno = BPF_REG_1 + argno;
	struct reg_state *reg = &cur_frame(env)->regs[regno];
	static const enum prog_obj_kind obj_kind[] = {
		[ARG_ARRAY] = PROG_OBJ_ARRAY,
		[ARG_RINGBUF] = PROG_OBJ_RINGBUF,
		[ARG_ARENA] = PROG_OBJ_ARENA,
		[ARG_USER_RINGBUF] = PROG_OBJ_USER_RINGBUF,
	};
	int err;

	err = check_reg_init(env, regno);
	if (err)
		return err;
	switch (type) {
	case ARG_ANYTHING:
		if (reg->type != SCALAR)
			goto bad;
		return 0;
	case ARG_ZERO:
		if (!reg_is_zero(reg))
			goto bad;
		return 0;
	case ARG_ARRAY:
	case ARG_RINGBUF:
	case ARG_ARENA:
	case ARG_USER_RINGBUF:
		if (!is_obj(reg, env, obj_kind[type]))
			goto bad;
		meta->obj = &env->prog->objs[reg->obj];
		meta->obj_idx = reg->obj;
		return 0;
	case ARG_KEY:
		return check_mem_readable(env, regno, 4);
	case ARG_MEM:
		return 0;	/* with its size, next */
	case ARG_MEM_SIZE:
		if (reg->type != SCALAR)
			goto bad;
		if (reg->smin < 0)
			return verifier_reject(env, env->insn_idx,
					       "R%u size argument of %s may be negative",
					       regno, meta->name);
		return check_mem_readable(env, regno - 1, reg->umax);
	case ARG_ALLOC_SIZE:
		if (!reg_is_const(reg))
			return verifier_reject(env, env->insn_idx,
					       "R%u size argument of %s must be a constant",
					       regno, meta->name);
		if (!reg->var_off.value || reg->var_off.value >= meta->obj->size)
			return verifier_reject(env, env->insn_idx,
					       "R%u size %llu of %s is 0 or not below the ring's %llu bytes",
					       regno, (unsigned long long)reg->var_off.value,
					       meta->name, (unsigned long long)meta->obj->size);
		meta->alloc_size = (u32)reg->var_off.value;
		return 0;
	case ARG_RECORD:
		if (reg->type != PTR_TO_RECORD)
			goto bad;
		if (reg->off || !tnum_equals_const(reg->var_off, 0))
			return verifier_reject(env, env->insn_idx,
					       "R%u must point at the start of a ring record, off=%d",
					       regno, reg->off);
		meta->release_ref = reg->ref_id;
		return 0;
	case ARG_CALLBACK:
		if (reg->type != PTR_TO_FUNC)
			goto bad;
		meta->callback = reg->func + 1;
		return 0;
	case ARG_STACK_OR_ZERO:
		if (reg->type != PTR_TO_STACK && !reg_is_zero(reg))
			goto bad;
		meta->cb_arg = *reg;
		return 0;
	case ARG_ARENA_ADDR:
		if (reg->type != SCALAR && reg->type != PTR_TO_ARENA)
			goto bad;
		return 0;
	case ARG_OUT_MEM:
		return 0;	/* with its size, next */
	case ARG_CONST_SIZE:
		if (!reg_is_const(reg))
			return verifier_reject(env, env->insn_idx,
					       "R%u size argument of %s must be a constant",
					       regno, meta->name);
		return check_mem_writable(env, regno - 1, reg->var_off.value);
	case ARG_DYNPTR:
		if (reg->type != CONST_PTR_TO_DYNPTR)
			goto bad;
		return 0;
	default:
		return 0;
	}
bad:
	return verifier_reject(env, env->insn_idx, "R%u type %s is not what %s expects",
			       regno, reg_type_name(reg), meta->name);
}

static int enter_callback(struct verifier_env *env, u32 func, u32 callsite,
			  const struct reg_state *cb_arg, bool dynptr)
{
	struct verifier_state *st = env->cur;
	struct func_frame *frame;
	int err;

	if (st->curframe + 1 >= ISA_MAX_CALL_FRAMES)
		return verifier_reject(env, callsite, "the call stack of %u frames is too deep",
				       st->curframe + 2);
	err = state_push_frame(st, func, callsite);
	if (err)
		return err;
	frame = st->frames[st->curframe];
	frame->in_callback = true;
	frame->dynptr_callback = dynptr;
	frame->cb_arg = *cb_arg;
	if (dynptr)
		reg_mark_ptr(&frame->regs[BPF_REG_1], CONST_PTR_TO_DYNPTR);
	else
		reg_mark_range(&frame->regs[BPF_REG_1], 0, U32_MAX);
	frame->regs[BPF_REG_2] = *cb_arg;
	reg_mark_ptr(&frame->regs[REG_FP], PTR_TO_STACK);
	frame->regs[REG_FP].frameno = st->curframe;
	env->insn_idx = env->funcs[func].start;
	return 0;
}

static void set_ret(struct verifier_env *env, struct call_meta *meta, u32 ref)
{
	struct reg_state *r0 = &cur_frame(env)->regs[BPF_REG_0];

	switch (meta->proto->ret) {
	case RET_VOID:
		memset(r0, 0, sizeof(*r0));
		break;
	case RET_SCALAR:
		reg_mark_unknown(r0);
		break;
	case RET_U32:
		reg_mark_range(r0, 0, U32_MAX);
		break;
	case RET_VALUE_OR_NULL:
		reg_mark_ptr(r0, PTR_TO_VALUE_OR_NULL);
		r0->obj = meta->obj_idx;
		r0->id = ++env->next_id;
		break;
	case RET_RECORD_OR_NULL:
		reg_mark_ptr(r0, PTR_TO_RECORD_OR_NULL);
		r0->mem_size = meta->alloc_size;
		r0->id = ++env->next_id;
		r0->ref_id = ref;
		break;
	}
}

/*
 * Which array a lookup reaches: the same one on every path lets the JITs
 * build its bounds and address into the code (prog_core.h).
 */
static void note_lookup_array(struct verifier_env *env, u32 obj_idx)
{
	u8 *seen = &env->aux[env->insn_idx].lookup_obj;

	if (!*seen)
		*seen = obj_idx + 1;
	else if (*seen != obj_idx + 1)
		*seen = LOOKUP_VARIES;
}

static int check_helper(struct verifier_env *env, const struct bpf_insn *insn)
{
	struct call_meta meta = { 0 };
	u32 i, ref = 0;
	int err;

	if (insn->src_reg == BPF_PSEUDO_KFUNC_CALL)
		meta.proto = kfunc_proto((u32)insn->imm);
	else
		meta.proto = helper_proto((u32)insn->imm);
	if (!meta.proto)
		return verifier_reject(env, env->insn_idx, "unknown %s id %d",
				       insn->src_reg ? "kfunc" : "helper", insn->imm);
	meta.name = meta.proto->name;
	if (meta.proto->unsupported)
		return verifier_reject(env, env->insn_idx, "helper %s is not supported: %s",
				       meta.name, meta.proto->unsupported);
	for (i = 0; i < ARRAY_SIZE(meta.proto->args) && meta.proto->args[i]; i++) {
		err = check_arg(env, &meta, i);
		if (err)
			return err;
	}
	if (meta.proto->ret == RET_VALUE_OR_NULL)
		note_lookup_array(env, meta.obj_idx);
	if (meta.release_ref)
		release_ref(env->cur, meta.release_ref);
	clobber_args(cur_frame(env));
	if (meta.proto->ret == RET_RECORD_OR_NULL) {
		err = acquire_ref(env, &ref);
		if (err)
			return err;
	}
	set_ret(env, &meta, ref);
	if (!meta.callback) {
		env->insn_idx++;
		return 0;
	}
	/* The loop may run no iteration: the helper returns at once. */
	err = push_branch(env, env->insn_idx + 1, NULL);
	if (err)
		return err;
	return enter_callback(env, meta.callback - 1, env->insn_idx, &meta.cb_arg,
			      meta.proto->dynptr_callback);
}

static int check_func_call(struct verifier_env *env, const struct bpf_insn *insn)
{
	struct verifier_state *st = env->cur;
	u32 target = env->insn_idx + insn->imm + 1, r;
	struct func_frame *caller = cur_frame(env), *callee;
	u32 func = verifier_func_of(env, target);
	int err;

	if (env->funcs[func].global)
		return check_global_call(env, func);
	if (st->curframe + 1 >= ISA_MAX_CALL_FRAMES)
		return verifier_reject(env, env->insn_idx,
				       "the call stack of %u frames is too deep",
				       st->curframe + 2);
	err = state_push_frame(st, func, env->insn_idx);
	if (err)
		return err;
	callee = st->frames[st->curframe];
	for (r = BPF_REG_1; r <= BPF_REG_5; r++)
		callee->regs[r] = caller->regs[r];
	reg_mark_ptr(&callee->regs[REG_FP], PTR_TO_STACK);
	callee->regs[REG_FP].frameno = st->curframe;
	env->insn_idx = target;
	return 0;
}

int check_call(struct verifier_env *env, const struct bpf_insn *insn)
{
	if (insn->src_reg == BPF_PSEUDO_CALL)
		return check_func_call(env, insn);
	return check_helper(env, insn);
}

static int check_refs_at_exit(struct verifier_env *env, u32 frameno)
{
	u32 i;

	for (i = 0; i < env->cur->nr_refs; i++)
		if (env->cur->refs[i].frameno >= frameno)
			return verifier_reject(env, env->insn_idx,
					       "unreleased ring record reserved at insn %u",
					       env->cur->refs[i].insn);
	return 0;
}

static int exit_callback(struct verifier_env *env)
{
	struct verifier_state *st = env->cur, *again;
	struct func_frame *frame = st->frames[st->curframe];
	struct reg_state *r0 = &frame->regs[BPF_REG_0];
	struct reg_state cb_arg = frame->cb_arg;
	u32 func = frame->func, callsite = frame->callsite;
	int err;

	if (r0->type != SCALAR || r0->umax > 1)
		return verifier_reject(env, env->insn_idx,
				       "callback must return 0 or 1, R0 is %s (umax=%llu)",
				       reg_type_name(r0), (unsigned long long)r0->umax);
	err = check_refs_at_exit(env, st->curframe);
	if (err)
		return err;
	/* Another iteration, from the state this one left. */
	err = push_branch(env, env->insn_idx, &again);
	if (err)
		return err;
	state_pop_frame(again);
	again->loop_depth++;
	env->cur = again;
	err = enter_callback(env, func, callsite, &cb_arg, frame->dynptr_callback);
	again->insn_idx = env->insn_idx;
	env->cur = st;
	if (err)
		return err;
	/* Or the loop is over and the helper returns. */
	state_pop_frame(st);
	reg_mark_unknown(&cur_frame(env)->regs[BPF_REG_0]);
	env->insn_idx = callsite + 1;
	return 0;
}

int check_exit(struct verifier_env *env)
{
	struct verifier_state *st = env->cur;
	struct func_frame *frame = cur_frame(env);
	struct reg_state r0 = frame->regs[BPF_REG_0];
	u32 callsite = frame->callsite;
	int err;

	if (frame->in_callback)
		return exit_callback(env);
	if (st->curframe) {
		if (r0.type == PTR_TO_STACK && r0.frameno == st->curframe)
			return verifier_reject(env, env->insn_idx,
					       "returning a pointer to the function's own stack");
		state_pop_frame(st);
		frame = cur_frame(env);
		frame->regs[BPF_REG_0] = r0;
		clobber_args(frame);
		env->insn_idx = callsite + 1;
		return 0;
	}
	if (r0.type != SCALAR && !global_func_returns_void(env, frame->func))
		return verifier_reject(env, env->insn_idx, "R0 must be a scalar at exit, is %s",
				       reg_type_name(&r0));
	err = check_refs_at_exit(env, 0);
	if (err)
		return err;
	return 1;
}
