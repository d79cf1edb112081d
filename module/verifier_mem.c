// SPDX-License-Identifier: GPL-2.0
/*
 * Memory accesses: through each kind of pointer, what may be read or
 * written and what a read gives.  Offsets are added in 64 bits, so that no
 * sum of an instruction's offset, a pointer's offsets and a size can wrap.
 * No kernel pointer may reach memory that user space reads (ctx, array
 * values, ring records, the arena); spilling one to the stack is fine, and
 * the stack remembers it, so that it comes back with its type.
 */
#include "verifier_internal.h"

/* Pointer offsets stay far from overflowing any sum below. */
#define MAX_PTR_OFF	(1LL << 29)

static const char * const type_names[] = {
	[NOT_INIT] = "uninitialised",
	[SCALAR] = "scalar",
	[PTR_TO_CTX] = "ctx",
	[PTR_TO_STACK] = "fp",
	[CONST_PTR_TO_OBJ] = "object",
	[PTR_TO_VALUE] = "array value",
	[PTR_TO_VALUE_OR_NULL] = "array value or NULL",
	[PTR_TO_RECORD] = "ring record",
	[PTR_TO_RECORD_OR_NULL] = "ring record or NULL",
	[PTR_TO_ARENA] = "arena",
	[PTR_TO_FUNC] = "function",
	[CONST_PTR_TO_DYNPTR] = "dynptr",
	[PTR_TO_MEM] = "memory",
	[PTR_TO_MEM_OR_NULL] = "memory or NULL",
};

const char *reg_type_name(const struct reg_state *reg)
{
	return type_names[reg->type];
}

/* A value that must not reach memory user space can read. */
bool reg_is_kernel_pointer(const struct reg_state *reg)
{
	return reg->type != SCALAR && reg->type != PTR_TO_ARENA &&
	       reg->type != NOT_INIT;
}

bool reg_is_nullable(const struct reg_state *reg)
{
	return reg->type == PTR_TO_VALUE_OR_NULL || reg->type == PTR_TO_RECORD_OR_NULL ||
	       reg->type == PTR_TO_MEM_OR_NULL;
}

enum reg_type reg_type_not_null(enum reg_type type)
{
	switch (type) {
	case PTR_TO_VALUE_OR_NULL:
		return PTR_TO_VALUE;
	case PTR_TO_RECORD_OR_NULL:
		return PTR_TO_RECORD;
	case PTR_TO_MEM_OR_NULL:
		return PTR_TO_MEM;
	default:
		return type;
	}
}

void reg_mark_ptr(struct reg_state *reg, enum reg_type type)
{
	reg_mark_const(reg, 0);
	reg->type = type;
}

/* Where byte off (< 0) of a frame is: slot and byte within it. */
static u32 slot_of(s64 off)
{
	return (u32)((-off - 1) / 8);
}

static u32 byte_of(s64 off)
{
	return (u32)(off + 8 * ((s64)slot_of(off) + 1));
}

/*
 * The bytes [lo, hi) of a frame an access may touch: one place for a
 * constant offset, a span for a variable one.
 */
struct stack_span {
	struct func_frame *frame;
	s64 lo, hi;
	bool var;
};

static int stack_span(struct verifier_env *env, const struct reg_state *reg,
		      u32 regno, s64 insn_off, u64 size, struct stack_span *sp)
{
	struct func_info *fi;

	sp->frame = env->cur->frames[reg->frameno];
	fi = &env->funcs[sp->frame->func];
	sp->var = !tnum_is_const(reg->var_off);
	if (sp->var) {
		sp->lo = (s64)reg->off + reg->smin + insn_off;
		sp->hi = (s64)reg->off + reg->smax + insn_off + (s64)size;
	} else {
		sp->lo = (s64)reg->off + (s64)reg->var_off.value + insn_off;
		sp->hi = sp->lo + (s64)size;
	}
	if (size > ISA_MAX_STACK || sp->lo < -ISA_MAX_STACK || sp->hi > 0 ||
	    sp->lo >= sp->hi)
		return verifier_reject(env, env->insn_idx,
				       "R%u invalid %sstack access off=%lld size=%llu",
				       regno, sp->var ? "variable-offset " : "",
				       (long long)sp->lo, (unsigned long long)size);
	if ((u32)-sp->lo > fi->stack_depth)
		fi->stack_depth = (u32)-sp->lo;
	return state_grow_stack(sp->frame, slot_of(sp->lo) + 1);
}

/* Every byte of the span written, and none part of a spilled pointer. */
static int stack_check_readable(struct verifier_env *env, u32 regno,
				const struct stack_span *sp)
{
	s64 o;

	for (o = sp->lo; o < sp->hi; o++) {
		const struct stack_slot *slot = &sp->frame->stack[slot_of(o)];
		u8 b = slot->bytes[byte_of(o)];

		if (b == STACK_INVALID)
			return verifier_reject(env, env->insn_idx,
					       "R%u invalid read from stack off=%lld size=%lld (uninitialised)",
					       regno, (long long)sp->lo,
					       (long long)(sp->hi - sp->lo));
		if (b == STACK_SPILL && slot->spilled.type != SCALAR)
			return verifier_reject(env, env->insn_idx,
					       "R%u partial read of a spilled %s at off=%lld",
					       regno, reg_type_name(&slot->spilled),
					       (long long)(o - byte_of(o)));
	}
	return 0;
}

static int stack_read(struct verifier_env *env, const struct reg_state *ptr,
		      u32 regno, s64 insn_off, u32 size, struct reg_state *out)
{
	struct stack_span sp;
	struct stack_slot *slot;
	int err;

	err = stack_span(env, ptr, regno, insn_off, size, &sp);
	if (err)
		return err;
	slot = &sp.frame->stack[slot_of(sp.lo)];
	if (!sp.var && size == 8 && !byte_of(sp.lo) && slot->bytes[0] == STACK_SPILL) {
		*out = slot->spilled;
		return 0;
	}
	/* Part of a spilled constant (a zeroed struct, say): its bytes. */
	if (!sp.var && slot->bytes[0] == STACK_SPILL && reg_is_const(&slot->spilled) &&
	    byte_of(sp.lo) + size <= 8) {
		reg_mark_const(out, slot->spilled.var_off.value >> (8 * byte_of(sp.lo)));
		reg_truncate(out, size);
		return 0;
	}
	err = stack_check_readable(env, regno, &sp);
	if (err)
		return err;
	reg_mark_unknown(out);
	return 0;
}

/*
 * A write at a variable offset may land anywhere in its span: bytes
 * already written become unknown bits, never-written ones stay so (the
 * write may have missed them), and no spilled pointer may be in reach.
 */
static int stack_write(struct verifier_env *env, const struct reg_state *ptr,
		       u32 regno, s64 insn_off, u32 size,
		       const struct reg_state *value)
{
	struct stack_span sp;
	struct stack_slot *slot;
	s64 o;
	u32 b;
	int err;

	err = stack_span(env, ptr, regno, insn_off, size, &sp);
	if (err)
		return err;
	if (value && value->type == PTR_TO_STACK && value->frameno > ptr->frameno)
		return verifier_reject(env, env->insn_idx,
				       "pointer to the stack of frame %u stored into frame %u",
				       value->frameno, ptr->frameno);
	slot = &sp.frame->stack[slot_of(sp.lo)];
	if (!sp.var && value && size == 8 && !byte_of(sp.lo)) {
		memset(slot->bytes, STACK_SPILL, sizeof(slot->bytes));
		slot->spilled = *value;
		return 0;
	}
	if (value && reg_is_kernel_pointer(value))
		return verifier_reject(env, env->insn_idx,
				       "partial or misaligned spill of a %s pointer at off=%lld",
				       reg_type_name(value), (long long)sp.lo);
	for (o = sp.lo; o < sp.hi; o++) {
		slot = &sp.frame->stack[slot_of(o)];
		if (slot->bytes[byte_of(o)] == STACK_SPILL) {
			if (reg_is_kernel_pointer(&slot->spilled))
				return verifier_reject(env, env->insn_idx,
						       "partial overwrite of a spilled %s pointer at off=%lld",
						       reg_type_name(&slot->spilled),
						       (long long)(o - byte_of(o)));
			for (b = 0; b < 8; b++)
				slot->bytes[b] = STACK_MISC;
		}
		if (!sp.var || slot->bytes[byte_of(o)] != STACK_INVALID)
			slot->bytes[byte_of(o)] = STACK_MISC;
	}
	return 0;
}

/* Array values and ring records: offsets within the region's size. */
static int check_region(struct verifier_env *env, const struct reg_state *reg,
			u32 regno, s64 insn_off, u64 size, u32 region)
{
	s64 lo = (s64)reg->off + reg->smin + insn_off;
	s64 hi = (s64)reg->off + reg->smax + insn_off;

	if (size > MAX_PTR_OFF || reg->smin < -MAX_PTR_OFF || reg->smax > MAX_PTR_OFF ||
	    lo < 0 || hi + (s64)size > (s64)region)
		return verifier_reject(env, env->insn_idx,
				       "R%u invalid access to %s: off=%lld..%lld size=%llu, region of %u bytes",
				       regno, reg_type_name(reg), (long long)lo,
				       (long long)hi, (unsigned long long)size, region);
	return 0;
}

u32 region_size(const struct verifier_env *env, const struct reg_state *reg)
{
	if (reg->type == PTR_TO_RECORD || reg->type == PTR_TO_MEM)
		return reg->mem_size;
	return env->prog->objs[reg->obj].value_size;
}

static int note_mem_kind(struct verifier_env *env, u8 kind)
{
	struct insn_aux *aux = &env->aux[env->insn_idx];

	if (aux->mem_kind && aux->mem_kind != kind)
		return verifier_reject(env, env->insn_idx,
				       "same instruction used with arena and non-arena pointers");
	aux->mem_kind = kind;
	return 0;
}

static void loaded_scalar(struct reg_state *out, u32 size, bool sext)
{
	reg_mark_unknown(out);
	if (sext)
		reg_sext(out, size);
	else
		reg_truncate(out, size);
}

int check_mem_access(struct verifier_env *env, u32 regno, s16 insn_off,
		     u32 size, enum mem_access how, const struct reg_state *value,
		     struct reg_state *out, bool sext)
{
	struct reg_state *reg = &env->cur->frames[env->cur->curframe]->regs[regno];
	bool write = how != MEM_READ;
	int err;

	err = note_mem_kind(env, reg->type == PTR_TO_ARENA ? MEM_KIND_ARENA :
			    MEM_KIND_PLAIN);
	if (err)
		return err;
	if (write && value && reg->type != PTR_TO_STACK && reg_is_kernel_pointer(value))
		return verifier_reject(env, env->insn_idx,
				       "storing a %s pointer into %s memory leaks it",
				       reg_type_name(value), reg_type_name(reg));
	switch (reg->type) {
	case PTR_TO_ARENA:
		break;
	case PTR_TO_STACK:
		if (how == MEM_READ)
			return stack_read(env, reg, regno, insn_off, size, out);
		if (how == MEM_WRITE)
			return stack_write(env, reg, regno, insn_off, size, value);
		/* Atomics: the bytes must be initialised scalar bits. */
		err = stack_read(env, reg, regno, insn_off, size, out);
		if (err)
			return err;
		if (out->type != SCALAR)
			return verifier_reject(env, env->insn_idx,
					       "atomic operation on a spilled %s",
					       reg_type_name(out));
		return stack_write(env, reg, regno, insn_off, size, NULL);
	case PTR_TO_CTX:
		if (how == MEM_ATOMIC)
			return verifier_reject(env, env->insn_idx,
					       "atomic operation on ctx is not allowed");
		if (!tnum_is_const(reg->var_off) || reg->var_off.value)
			return verifier_reject(env, env->insn_idx,
					       "R%u variable-offset ctx access is not allowed",
					       regno);
		if ((s64)reg->off + insn_off < 0 ||
		    (s64)reg->off + insn_off + size > env->prog->ctx_size)
			return verifier_reject(env, env->insn_idx,
					       "R%u invalid ctx access off=%lld size=%u, ctx_size=%u",
					       regno, (long long)reg->off + insn_off, size,
					       env->prog->ctx_size);
		break;
	case PTR_TO_VALUE:
	case PTR_TO_RECORD:
	case PTR_TO_MEM:
		if (write && reg->type == PTR_TO_VALUE &&
		    (env->prog->objs[reg->obj].flags & PROG_OBJ_F_RDONLY_PROG))
			return verifier_reject(env, env->insn_idx,
					       "R%u write into a read-only array (object %u)",
					       regno, reg->obj);
		err = check_region(env, reg, regno, insn_off, size, region_size(env, reg));
		if (err)
			return err;
		break;
	case PTR_TO_VALUE_OR_NULL:
	case PTR_TO_RECORD_OR_NULL:
	case PTR_TO_MEM_OR_NULL:
		return verifier_reject(env, env->insn_idx,
				       "R%u invalid mem access '%s': check it against 0 first",
				       regno, reg_type_name(reg));
	default:
		return verifier_reject(env, env->insn_idx, "R%u invalid mem access '%s'",
				       regno, reg_type_name(reg));
	}
	if (out)
		loaded_scalar(out, size, sext);
	return 0;
}

/*
 * Helper arguments: size bytes at reg must be readable, and hold no
 * kernel pointer (helpers copy them where user space reads).
 */
int check_mem_readable(struct verifier_env *env, u32 regno, u64 size)
{
	struct reg_state *reg = &env->cur->frames[env->cur->curframe]->regs[regno];
	struct stack_span sp;
	int err;

	if (size > MAX_PTR_OFF)
		return verifier_reject(env, env->insn_idx,
				       "R%u access size %llu is too large", regno,
				       (unsigned long long)size);
	switch (reg->type) {
	case PTR_TO_STACK:
		if (!size)
			return 0;
		err = stack_span(env, reg, regno, 0, size, &sp);
		if (err)
			return err;
		return stack_check_readable(env, regno, &sp);
	case PTR_TO_VALUE:
	case PTR_TO_RECORD:
	case PTR_TO_MEM:
		return check_region(env, reg, regno, 0, size, region_size(env, reg));
	default:
		return verifier_reject(env, env->insn_idx,
				       "R%u type %s is not readable memory", regno,
				       reg_type_name(reg));
	}
}

/*
 * A helper's output buffer: size bytes at the pointer in regno, which it
 * may fill entirely (the stack bytes become initialised).
 */
int check_mem_writable(struct verifier_env *env, u32 regno, u64 size)
{
	struct reg_state *reg = &env->cur->frames[env->cur->curframe]->regs[regno];

	if (size > MAX_PTR_OFF)
		return verifier_reject(env, env->insn_idx,
				       "R%u access size %llu is too large", regno,
				       (unsigned long long)size);
	switch (reg->type) {
	case PTR_TO_STACK:
		return size ? stack_write(env, reg, regno, 0, size, NULL) : 0;
	case PTR_TO_VALUE:
		if (env->prog->objs[reg->obj].flags & PROG_OBJ_F_RDONLY_PROG)
			return verifier_reject(env, env->insn_idx,
					       "R%u write into a read-only array (object %u)",
					       regno, reg->obj);
		fallthrough;
	case PTR_TO_RECORD:
	case PTR_TO_MEM:
		return check_region(env, reg, regno, 0, size, region_size(env, reg));
	default:
		return verifier_reject(env, env->insn_idx,
				       "R%u type %s is not writable memory", regno,
				       reg_type_name(reg));
	}
}

int check_ptr_arith(struct verifier_env *env, struct reg_state *dst,
		    const struct reg_state *ptr, const struct reg_state *scalar,
		    u8 op)
{
	struct reg_state var = *ptr;
	s64 off;

	switch (ptr->type) {
	case PTR_TO_CTX:
	case PTR_TO_STACK:
	case PTR_TO_VALUE:
	case PTR_TO_RECORD:
	case PTR_TO_MEM:
		break;
	case PTR_TO_VALUE_OR_NULL:
	case PTR_TO_RECORD_OR_NULL:
	case PTR_TO_MEM_OR_NULL:
		return verifier_reject(env, env->insn_idx,
				       "arithmetic on a %s pointer: check it against 0 first",
				       reg_type_name(ptr));
	default:
		return verifier_reject(env, env->insn_idx,
				       "arithmetic on a %s pointer is not allowed",
				       reg_type_name(ptr));
	}
	if (scalar->smin < -MAX_PTR_OFF || scalar->smax > MAX_PTR_OFF)
		return verifier_reject(env, env->insn_idx,
				       "pointer arithmetic with an unbounded value (smin=%lld smax=%lld)",
				       (long long)scalar->smin, (long long)scalar->smax);
	if (reg_is_const(scalar)) {
		off = op == BPF_ADD ? (s64)ptr->off + scalar->smin :
				      (s64)ptr->off - scalar->smin;
		if (off < -MAX_PTR_OFF || off > MAX_PTR_OFF)
			return verifier_reject(env, env->insn_idx,
					       "pointer offset %lld is out of bounds",
					       (long long)off);
		*dst = *ptr;
		dst->off = (s32)off;
		return 0;
	}
	var.type = SCALAR;
	scalar_alu(&var, scalar, op, false);
	if (var.smin < -MAX_PTR_OFF || var.smax > MAX_PTR_OFF)
		return verifier_reject(env, env->insn_idx,
				       "pointer's variable offset is out of bounds");
	var.type = ptr->type;
	*dst = var;
	return 0;
}
