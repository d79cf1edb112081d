// SPDX-License-Identifier: GPL-2.0
/*
 * Linked scalars, as the kernel's verifier keeps them: "rX = rY" gives both
 * registers one id, and "rX += k" then records in rX's off that its value
 * is rY's plus k.  A comparison that narrows one register narrows every
 * register of its id, shifted by the difference of their offs.  clang
 * needs it for its loops: it increments a copy of the counter and compares
 * the old value ("r1 = r7; r1 += 1; if r7 < N goto ...; r7 = r1"), so the
 * counter's bound reaches the next round only through the link.
 *
 * Only the moves and additions below keep an id; every other write makes
 * the register a scalar of its own (reg_mark_*() clear the id, and
 * link_break() follows the other writes).  Spilling and filling a whole
 * register keep it: the stack slot holds the same value.
 */
#include "verifier_internal.h"

void link_break(struct reg_state *reg)
{
	if (reg->type != SCALAR)
		return;
	reg->id = 0;
	reg->off = 0;
}

/* "dst = src" of a scalar, 64 bits. */
void link_copy(struct verifier_env *env, struct reg_state *dst, struct reg_state *src)
{
	/* A copy of "rY + k" starts a link of its own: off holds one step. */
	if (src->off)
		link_break(src);
	if (!src->id)
		src->id = ++env->next_id;
	*dst = *src;
}

/* After dst += src (64 bits) of scalars; old and src as they were before. */
void link_add(struct reg_state *dst, const struct reg_state *old, const struct reg_state *src)
{
	s64 k = (s64)src->var_off.value;

	if (old->id && !old->off && reg_is_const(src) && k >= S32_MIN && k <= S32_MAX) {
		dst->id = old->id;
		dst->off = (s32)k;
		return;
	}
	link_break(dst);
}

struct link_sync {
	const struct reg_state *known;
};

/* reg = known + (reg's off - known's off), kept within what reg held. */
static void sync_one(struct reg_state *reg, void *arg)
{
	const struct reg_state *known = ((struct link_sync *)arg)->known;
	struct reg_state shifted = *known, delta;

	if (reg == known || reg->type != SCALAR || reg->id != known->id)
		return;
	reg_mark_const(&delta, (u64)((s64)reg->off - known->off));
	scalar_alu(&shifted, &delta, BPF_ADD, false);
	if (reg_intersect(&shifted, reg)) {
		shifted.id = reg->id;
		shifted.off = reg->off;
		*reg = shifted;
	}
}

/* known was just narrowed: so are the registers linked to it. */
void link_sync(struct verifier_state *st, const struct reg_state *known)
{
	struct link_sync arg = { known };

	if (known->type == SCALAR && known->id)
		state_for_each_reg(st, sync_one, &arg);
}

#define LINK_IDS_MAX	64

struct link_count {
	u32 n;
	u32 id[LINK_IDS_MAX];
	u32 uses[LINK_IDS_MAX];
	bool full;
};

static void count_one(struct reg_state *reg, void *arg)
{
	struct link_count *c = arg;
	u32 i;

	if (reg->type != SCALAR || !reg->id)
		return;
	for (i = 0; i < c->n; i++) {
		if (c->id[i] == reg->id) {
			c->uses[i]++;
			return;
		}
	}
	if (c->n == LINK_IDS_MAX) {
		c->full = true;
		return;
	}
	c->id[c->n] = reg->id;
	c->uses[c->n++] = 1;
}

static void break_single(struct reg_state *reg, void *arg)
{
	const struct link_count *c = arg;
	u32 i;

	if (reg->type != SCALAR || !reg->id)
		return;
	for (i = 0; i < c->n; i++) {
		if (c->id[i] == reg->id) {
			if (c->uses[i] == 1)
				link_break(reg);
			return;
		}
	}
}

static bool any_single(const struct link_count *c)
{
	u32 i;

	for (i = 0; i < c->n; i++)
		if (c->uses[i] == 1)
			return true;
	return false;
}

/*
 * An id only one register holds links nothing; left in place it would
 * keep a stored state from covering a later one that lacks it.  Registers
 * of the current frame that are dead at insn (live: aux's mask) hold no
 * link either.
 */
void link_drop_single(struct verifier_state *st, u16 live)
{
	struct func_frame *frame = st->frames[st->curframe];
	struct link_count c = { 0 };
	u32 r;

	for (r = 0; r < MAX_REG; r++)
		if (!(live & (1U << r)))
			link_break(&frame->regs[r]);
	state_for_each_reg(st, count_one, &c);
	/* At every prune point: the second pass only when it has work. */
	if (!c.full && any_single(&c))
		state_for_each_reg(st, break_single, &c);
}
