// SPDX-License-Identifier: GPL-2.0
/*
 * The verifier's log: a caller's buffer that gets, at level 1, one line
 * per rejection ("<insn>: <rule>") and the processed count; at level 2
 * also the registers at the rejected instruction.  A log that does not fit
 * is cut at its size and marked truncated.
 */
#include "verifier_internal.h"

static __printf(2, 0)
void log_vappend(struct verifier_log *log, const char *fmt, va_list ap)
{
	u32 avail;
	int n;

	if (!log || !log->level || !log->size || !log->buf || log->truncated)
		return;
	if (log->len >= log->size) {
		log->truncated = true;
		return;
	}
	avail = log->size - 1 - log->len;
	n = vsnprintf(log->buf + log->len, avail + 1, fmt, ap);
	if (n < 0)
		return;
	if ((u32)n > avail) {
		log->truncated = true;
		log->len = log->size - 1;
	} else {
		log->len += n;
	}
}

static void log_append(struct verifier_log *log, const char *fmt, ...)
	__printf(2, 3);

static void log_append(struct verifier_log *log, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vappend(log, fmt, ap);
	va_end(ap);
}

void verifier_log(struct verifier_env *env, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vappend(env->log, fmt, ap);
	va_end(ap);
}

/* Drops what was logged since mark, a copy of *log, was taken. */
void verifier_log_rewind(struct verifier_log *log, const struct verifier_log *mark)
{
	if (!log || !log->level || !log->size || !log->buf)
		return;
	log->len = mark->len;
	log->truncated = mark->truncated;
	log->buf[log->len] = 0;
}

/* Only the first rejection is the program's: a walk stops at it. */
int verifier_reject(struct verifier_env *env, u32 insn, const char *fmt, ...)
{
	va_list ap;

	if (env->rejected)
		return -EINVAL;
	env->rejected = true;
	log_append(env->log, "%u: ", insn);
	va_start(ap, fmt);
	log_vappend(env->log, fmt, ap);
	va_end(ap);
	log_append(env->log, "\n");
	if (env->log && env->log->level >= 2 && env->cur)
		verifier_log_state(env, insn);
	return -EINVAL;
}

static void log_var_part(struct verifier_log *log, const struct reg_state *reg)
{
	if (tnum_is_const(reg->var_off) && !reg->var_off.value)
		return;
	log_append(log, ",var=(smin=%lld,smax=%lld,umin=%llu,umax=%llu,tnum=0x%llx/0x%llx)",
		   (long long)reg->smin, (long long)reg->smax,
		   (unsigned long long)reg->umin, (unsigned long long)reg->umax,
		   (unsigned long long)reg->var_off.value,
		   (unsigned long long)reg->var_off.mask);
}

static void log_reg(struct verifier_log *log, const struct reg_state *reg)
{
	switch (reg->type) {
	case SCALAR:
		if (tnum_is_const(reg->var_off)) {
			log_append(log, "%lld", (long long)reg->var_off.value);
			return;
		}
		log_append(log, "scalar(smin=%lld,smax=%lld,umin=%llu,umax=%llu,s32_min=%d,s32_max=%d,u32_min=%u,u32_max=%u,tnum=0x%llx/0x%llx)",
			   (long long)reg->smin, (long long)reg->smax,
			   (unsigned long long)reg->umin,
			   (unsigned long long)reg->umax, reg->s32_min,
			   reg->s32_max, reg->u32_min, reg->u32_max,
			   (unsigned long long)reg->var_off.value,
			   (unsigned long long)reg->var_off.mask);
		return;
	case PTR_TO_STACK:
		log_append(log, "fp%d", reg->off);
		if (reg->frameno)
			log_append(log, "(frame=%u)", reg->frameno);
		log_var_part(log, reg);
		return;
	case PTR_TO_ARENA:
		log_append(log, "arena");
		return;
	case PTR_TO_FUNC:
		log_append(log, "func(%u)", reg->func);
		return;
	default:
		log_append(log, "%s(", reg_type_name(reg));
		if (reg->type == CONST_PTR_TO_OBJ || reg->type == PTR_TO_VALUE ||
		    reg->type == PTR_TO_VALUE_OR_NULL)
			log_append(log, "obj=%u,", reg->obj);
		log_append(log, "off=%d", reg->off);
		if (reg->type == PTR_TO_RECORD || reg->type == PTR_TO_RECORD_OR_NULL)
			log_append(log, ",size=%u,ref=%u", reg->mem_size, reg->ref_id);
		else if (reg->type == PTR_TO_MEM || reg->type == PTR_TO_MEM_OR_NULL)
			log_append(log, ",size=%u", reg->mem_size);
		log_var_part(log, reg);
		log_append(log, ")");
	}
}

void verifier_log_state(struct verifier_env *env, u32 insn)
{
	const struct func_frame *frame = env->cur->frames[env->cur->curframe];
	u32 i;

	log_append(env->log, "%u:", insn);
	if (env->cur->curframe)
		log_append(env->log, " frame%u:", env->cur->curframe);
	for (i = 0; i < MAX_REG; i++)
		if (frame->regs[i].type != NOT_INIT) {
			log_append(env->log, " R%u=", i);
			log_reg(env->log, &frame->regs[i]);
		}
	for (i = 0; i < frame->nr_slots; i++)
		if (frame->stack[i].bytes[0] == STACK_SPILL &&
		    frame->stack[i].spilled.type != NOT_INIT) {
			log_append(env->log, " fp%d=", -(int)(8 * (i + 1)));
			log_reg(env->log, &frame->stack[i].spilled);
		}
	log_append(env->log, "\n");
}
