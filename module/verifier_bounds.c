// SPDX-License-Identifier: GPL-2.0
/*
 * Scalar ranges.  A register's possible values are described five ways at
 * once: a tnum (known bits), unsigned and signed 64-bit bounds, unsigned
 * and signed bounds of its low 32 bits.  Each operation updates what it can
 * and reg_bounds_sync() lets the descriptions narrow each other.  32-bit
 * operations run on a zero-extended view of the operands with the 64-bit
 * rules and keep the low half of the result: the bounds survive when no
 * result wraps, the tnum always.
 */
#include "verifier_internal.h"

static u64 size_mask(u32 size)
{
	return size >= 8 ? U64_MAX : (1ULL << (size * 8)) - 1;
}

static void bounds_unknown(struct reg_state *reg)
{
	reg->smin = S64_MIN;
	reg->smax = S64_MAX;
	reg->umin = 0;
	reg->umax = U64_MAX;
	reg->s32_min = S32_MIN;
	reg->s32_max = S32_MAX;
	reg->u32_min = 0;
	reg->u32_max = U32_MAX;
}

void reg_mark_unknown(struct reg_state *reg)
{
	memset(reg, 0, sizeof(*reg));
	reg->type = SCALAR;
	reg->var_off = tnum_unknown();
	bounds_unknown(reg);
}

void reg_mark_const(struct reg_state *reg, u64 value)
{
	memset(reg, 0, sizeof(*reg));
	reg->type = SCALAR;
	reg->var_off = tnum_const(value);
	reg->smin = reg->smax = (s64)value;
	reg->umin = reg->umax = value;
	reg->s32_min = reg->s32_max = (s32)value;
	reg->u32_min = reg->u32_max = (u32)value;
}

void reg_mark_range(struct reg_state *reg, u64 umin, u64 umax)
{
	reg_mark_unknown(reg);
	reg->umin = umin;
	reg->umax = umax;
	reg_bounds_sync(reg);
}

void reg_mark_srange(struct reg_state *reg, s64 smin, s64 smax)
{
	reg_mark_unknown(reg);
	reg->smin = smin;
	reg->smax = smax;
	reg_bounds_sync(reg);
}

bool reg_is_const(const struct reg_state *reg)
{
	return reg->type == SCALAR && tnum_is_const(reg->var_off);
}

bool reg_is_zero(const struct reg_state *reg)
{
	return reg_is_const(reg) && !reg->var_off.value;
}

#define NARROW_MIN(field, v)	do { if ((v) > (field)) (field) = (v); } while (0)
#define NARROW_MAX(field, v)	do { if ((v) < (field)) (field) = (v); } while (0)

static void bounds_from_tnum(struct reg_state *reg)
{
	struct tnum t = reg->var_off, sub = tnum_subreg(reg->var_off);

	NARROW_MIN(reg->umin, t.value);
	NARROW_MAX(reg->umax, t.value | t.mask);
	NARROW_MIN(reg->smin, (s64)(t.value | (t.mask & (1ULL << 63))));
	NARROW_MAX(reg->smax, (s64)(t.value | (t.mask & ~(1ULL << 63))));
	NARROW_MIN(reg->u32_min, (u32)sub.value);
	NARROW_MAX(reg->u32_max, (u32)(sub.value | sub.mask));
	NARROW_MIN(reg->s32_min, (s32)(u32)(sub.value | (sub.mask & (1U << 31))));
	NARROW_MAX(reg->s32_max, (s32)(u32)(sub.value | (sub.mask & ~(1U << 31))));
}

static void bounds_cross(struct reg_state *reg)
{
	/* 64-bit ranges within one 4 GiB block give the low half's range. */
	if (reg->umin >> 32 == reg->umax >> 32) {
		NARROW_MIN(reg->u32_min, (u32)reg->umin);
		NARROW_MAX(reg->u32_max, (u32)reg->umax);
	}
	if ((u64)reg->smin >> 32 == (u64)reg->smax >> 32) {
		NARROW_MIN(reg->u32_min, (u32)reg->smin);
		NARROW_MAX(reg->u32_max, (u32)reg->smax);
	}
	/* Ranges that do not cross a sign change read the same both ways. */
	if ((s32)reg->u32_min <= (s32)reg->u32_max) {
		NARROW_MIN(reg->s32_min, (s32)reg->u32_min);
		NARROW_MAX(reg->s32_max, (s32)reg->u32_max);
	}
	if ((u32)reg->s32_min <= (u32)reg->s32_max) {
		NARROW_MIN(reg->u32_min, (u32)reg->s32_min);
		NARROW_MAX(reg->u32_max, (u32)reg->s32_max);
	}
	/* Upper half known: the low half's range is the whole range's. */
	if (!(reg->var_off.mask >> 32)) {
		u64 hi = reg->var_off.value & ~(u64)U32_MAX;

		NARROW_MIN(reg->umin, hi | reg->u32_min);
		NARROW_MAX(reg->umax, hi | reg->u32_max);
	}
	if ((s64)reg->umin <= (s64)reg->umax) {
		NARROW_MIN(reg->smin, (s64)reg->umin);
		NARROW_MAX(reg->smax, (s64)reg->umax);
	}
	if ((u64)reg->smin <= (u64)reg->smax) {
		NARROW_MIN(reg->umin, (u64)reg->smin);
		NARROW_MAX(reg->umax, (u64)reg->smax);
	}
}

static void tnum_from_bounds(struct reg_state *reg)
{
	struct tnum sub;

	if (reg->umin <= reg->umax)
		reg->var_off = tnum_intersect(reg->var_off,
					      tnum_range(reg->umin, reg->umax));
	if (reg->u32_min <= reg->u32_max) {
		sub = tnum_intersect(tnum_subreg(reg->var_off),
				     tnum_range(reg->u32_min, reg->u32_max));
		reg->var_off = tnum_with_subreg(reg->var_off, sub);
	}
}

bool reg_bounds_equal(const struct reg_state *a, const struct reg_state *b)
{
	return a->var_off.value == b->var_off.value && a->var_off.mask == b->var_off.mask &&
	       a->umin == b->umin && a->umax == b->umax &&
	       a->smin == b->smin && a->smax == b->smax &&
	       a->u32_min == b->u32_min && a->u32_max == b->u32_max &&
	       a->s32_min == b->s32_min && a->s32_max == b->s32_max;
}

static void bounds_sync_round(struct reg_state *reg)
{
	bounds_from_tnum(reg);
	bounds_cross(reg);
	tnum_from_bounds(reg);
}

/*
 * A second round carries what the first learned across once more; a
 * first round that learned nothing would be repeated exactly, so the
 * second runs only after a change (most calls, on settled registers).
 */
void reg_bounds_sync(struct reg_state *reg)
{
	struct reg_state before = *reg;

	bounds_sync_round(reg);
	if (!reg_bounds_equal(&before, reg))
		bounds_sync_round(reg);
}

bool reg_bounds_empty(const struct reg_state *reg)
{
	return reg->umin > reg->umax || reg->smin > reg->smax ||
	       reg->u32_min > reg->u32_max || reg->s32_min > reg->s32_max ||
	       (reg->var_off.value & reg->var_off.mask);
}

/* Keeps the low size bytes, zero-extended. */
void reg_truncate(struct reg_state *reg, u32 size)
{
	u32 bits = size * 8;
	u64 mask = size_mask(size);
	u64 umin = 0, umax = mask;
	u32 old_u32_min = reg->u32_min, old_u32_max = reg->u32_max;

	if (size >= 8)
		return;
	if (reg->umin >> bits == reg->umax >> bits) {
		umin = reg->umin & mask;
		umax = reg->umax & mask;
	}
	reg->var_off = tnum_cast(reg->var_off, size);
	bounds_unknown(reg);
	reg->umin = umin;
	reg->umax = umax;
	if (size == 4) {
		NARROW_MIN(reg->umin, old_u32_min);
		NARROW_MAX(reg->umax, old_u32_max);
	}
	reg_bounds_sync(reg);
}

/* Sign-extends the low size bytes to 64 bits. */
void reg_sext(struct reg_state *reg, u32 size)
{
	u64 sign = 1ULL << (size * 8 - 1);

	if (size >= 8)
		return;
	reg_truncate(reg, size);
	if (tnum_is_const(reg->var_off)) {
		reg_mark_const(reg, (reg->var_off.value ^ sign) - sign);
		return;
	}
	/* Values below the sign bit stay as they are. */
	if (reg->umax < sign)
		return;
	reg_mark_srange(reg, -(s64)sign, (s64)sign - 1);
}

static s64 sext_to_64(u64 v, bool alu32)
{
	return alu32 ? (s64)(s32)(u32)v : (s64)v;
}

/* The result of one ALU operation on two known values, as the ISA says. */
static u64 alu_const(u8 op, u64 a, u64 b, bool alu32, bool is_signed)
{
	u32 bits = alu32 ? 32 : 64;
	u64 mask = alu32 ? U32_MAX : U64_MAX;
	s64 sa = sext_to_64(a, alu32), sb = sext_to_64(b, alu32);

	a &= mask;
	b &= mask;
	switch (op) {
	case BPF_ADD:
		return a + b;
	case BPF_SUB:
		return a - b;
	case BPF_MUL:
		return a * b;
	case BPF_DIV:
		if (!b)
			return 0;
		if (!is_signed)
			return a / b;
		if (sb == -1)
			return (u64)0 - (u64)sa;
		return (u64)(sa / sb);
	case BPF_MOD:
		if (!b)
			return a;
		if (!is_signed)
			return a % b;
		if (sb == -1)
			return 0;
		return (u64)(sa % sb);
	case BPF_OR:
		return a | b;
	case BPF_AND:
		return a & b;
	case BPF_XOR:
		return a ^ b;
	case BPF_LSH:
		return a << (b & (bits - 1));
	case BPF_RSH:
		return a >> (b & (bits - 1));
	case BPF_ARSH:
		return (u64)(sa >> (b & (bits - 1)));
	default:
		return 0;
	}
}

static void bounds_add(struct reg_state *d, const struct reg_state *s)
{
	s64 smin, smax;
	u64 umin, umax;

	if (check_add_overflow(d->smin, s->smin, &smin) ||
	    check_add_overflow(d->smax, s->smax, &smax)) {
		smin = S64_MIN;
		smax = S64_MAX;
	}
	if (check_add_overflow(d->umin, s->umin, &umin) ||
	    check_add_overflow(d->umax, s->umax, &umax)) {
		umin = 0;
		umax = U64_MAX;
	}
	d->var_off = tnum_add(d->var_off, s->var_off);
	bounds_unknown(d);
	d->smin = smin;
	d->smax = smax;
	d->umin = umin;
	d->umax = umax;
}

static void bounds_sub(struct reg_state *d, const struct reg_state *s)
{
	s64 smin, smax;
	u64 umin = 0, umax = U64_MAX;

	if (check_sub_overflow(d->smin, s->smax, &smin) ||
	    check_sub_overflow(d->smax, s->smin, &smax)) {
		smin = S64_MIN;
		smax = S64_MAX;
	}
	if (d->umin >= s->umax) {
		umin = d->umin - s->umax;
		umax = d->umax - s->umin;
	}
	d->var_off = tnum_sub(d->var_off, s->var_off);
	bounds_unknown(d);
	d->smin = smin;
	d->smax = smax;
	d->umin = umin;
	d->umax = umax;
}

static void bounds_mul(struct reg_state *d, const struct reg_state *s)
{
	struct tnum t = tnum_mul(d->var_off, s->var_off);
	u64 umin = 0, umax = U64_MAX;

	if (d->umax <= U32_MAX && s->umax <= U32_MAX) {
		umin = d->umin * s->umin;
		umax = d->umax * s->umax;
	}
	bounds_unknown(d);
	d->var_off = t;
	d->umin = umin;
	d->umax = umax;
}

/* Shifts by a constant amount below the width. */
static void bounds_shift(struct reg_state *d, u8 op, u32 amount)
{
	u64 umin = d->umin, umax = d->umax;
	s64 smin = d->smin, smax = d->smax;

	switch (op) {
	case BPF_LSH:
		d->var_off = tnum_lshift(d->var_off, amount);
		bounds_unknown(d);
		if (!amount || umax < (1ULL << (64 - amount))) {
			d->umin = umin << amount;
			d->umax = umax << amount;
		}
		break;
	case BPF_RSH:
		d->var_off = tnum_rshift(d->var_off, amount);
		bounds_unknown(d);
		d->umin = umin >> amount;
		d->umax = umax >> amount;
		break;
	case BPF_ARSH:
		/* The view of a 32-bit operand was sign-extended for this. */
		d->var_off = tnum_arshift(d->var_off, amount, 64);
		bounds_unknown(d);
		d->smin = smin >> amount;
		d->smax = smax >> amount;
		break;
	}
}

static void bounds_bitwise(struct reg_state *d, const struct reg_state *s, u8 op)
{
	u64 umin = 0, umax;

	switch (op) {
	case BPF_AND:
		d->var_off = tnum_and(d->var_off, s->var_off);
		umax = d->umax < s->umax ? d->umax : s->umax;
		umin = d->var_off.value;
		break;
	case BPF_OR:
		d->var_off = tnum_or(d->var_off, s->var_off);
		umin = d->umin > s->umin ? d->umin : s->umin;
		umax = d->var_off.value | d->var_off.mask;
		break;
	default:
		d->var_off = tnum_xor(d->var_off, s->var_off);
		umin = d->var_off.value;
		umax = d->var_off.value | d->var_off.mask;
		break;
	}
	bounds_unknown(d);
	d->umin = umin;
	d->umax = umax;
}

/* The zero-extended (or, for arsh, sign-extended) 64-bit view of a low half. */
static void view32(struct reg_state *v, const struct reg_state *reg, bool sext)
{
	*v = *reg;
	reg_truncate(v, 4);
	if (sext)
		reg_sext(v, 4);
}

void scalar_alu(struct reg_state *dst, const struct reg_state *src, u8 op,
		bool alu32)
{
	struct reg_state d, s;
	u32 bits = alu32 ? 32 : 64;
	bool sext = op == BPF_ARSH;

	if (alu32) {
		view32(&d, dst, sext);
		view32(&s, src, false);
	} else {
		d = *dst;
		s = *src;
	}
	if (tnum_is_const(d.var_off) && tnum_is_const(s.var_off) &&
	    op != BPF_DIV && op != BPF_MOD) {
		reg_mark_const(&d, alu_const(op, d.var_off.value,
					     s.var_off.value, alu32, false));
		goto out;
	}
	switch (op) {
	case BPF_ADD:
		bounds_add(&d, &s);
		break;
	case BPF_SUB:
		bounds_sub(&d, &s);
		break;
	case BPF_MUL:
		bounds_mul(&d, &s);
		break;
	case BPF_AND:
	case BPF_OR:
	case BPF_XOR:
		bounds_bitwise(&d, &s, op);
		break;
	case BPF_LSH:
	case BPF_RSH:
	case BPF_ARSH:
		if (tnum_is_const(s.var_off) && s.var_off.value < bits)
			bounds_shift(&d, op, (u32)s.var_off.value);
		else
			reg_mark_unknown(&d);
		break;
	default:
		reg_mark_unknown(&d);
		break;
	}
out:
	d.type = SCALAR;
	reg_bounds_sync(&d);
	if (alu32)
		reg_truncate(&d, 4);
	*dst = d;
}

/*
 * Division and modulo: constants fold with the ISA's rules (division by
 * zero gives 0, modulo by zero keeps dst); an unsigned division or modulo
 * by a known non-zero divisor keeps a range.
 */
void scalar_divmod(struct reg_state *dst, const struct reg_state *src, u8 op,
		   bool alu32, bool is_signed)
{
	struct reg_state d, s;
	u64 c;

	if (alu32) {
		view32(&d, dst, false);
		view32(&s, src, false);
	} else {
		d = *dst;
		s = *src;
	}
	if (tnum_is_const(d.var_off) && tnum_is_const(s.var_off)) {
		reg_mark_const(&d, alu_const(op, d.var_off.value,
					     s.var_off.value, alu32, is_signed));
	} else if (!is_signed && tnum_is_const(s.var_off) && s.var_off.value) {
		c = s.var_off.value;
		if (op == BPF_DIV)
			reg_mark_range(&d, d.umin / c, d.umax / c);
		else
			reg_mark_range(&d, 0, d.umax < c - 1 ? d.umax : c - 1);
	} else {
		reg_mark_unknown(&d);
	}
	if (alu32)
		reg_truncate(&d, 4);
	*dst = d;
}

struct bounds_range {
	u64 umin, umax;
	s64 smin, smax;
};

static struct bounds_range range_get(const struct reg_state *reg, bool jmp32)
{
	if (jmp32)
		return (struct bounds_range){ reg->u32_min, reg->u32_max,
				       reg->s32_min, reg->s32_max };
	return (struct bounds_range){ reg->umin, reg->umax, reg->smin, reg->smax };
}

static void range_put(struct reg_state *reg, const struct bounds_range *r, bool jmp32)
{
	if (jmp32) {
		reg->u32_min = (u32)r->umin;
		reg->u32_max = (u32)r->umax;
		reg->s32_min = (s32)r->smin;
		reg->s32_max = (s32)r->smax;
	} else {
		reg->umin = r->umin;
		reg->umax = r->umax;
		reg->smin = r->smin;
		reg->smax = r->smax;
	}
}

/* The condition of the fall-through when op is the jump's. */
static u8 negate_op(u8 op)
{
	static const u8 negated[16] = {
		[BPF_JEQ >> 4] = BPF_JNE, [BPF_JNE >> 4] = BPF_JEQ,
		[BPF_JGT >> 4] = BPF_JLE, [BPF_JLE >> 4] = BPF_JGT,
		[BPF_JGE >> 4] = BPF_JLT, [BPF_JLT >> 4] = BPF_JGE,
		[BPF_JSGT >> 4] = BPF_JSLE, [BPF_JSLE >> 4] = BPF_JSGT,
		[BPF_JSGE >> 4] = BPF_JSLT, [BPF_JSLT >> 4] = BPF_JSGE,
	};

	return negated[op >> 4];
}

/*
 * a < b (or <= when or_equal); false: impossible.  32-bit ranges sit in
 * the same fields, so the rule holds for them too.
 */
static bool range_lt(struct bounds_range *a, struct bounds_range *b, bool is_signed,
		     bool or_equal)
{
	u64 d = or_equal ? 0 : 1;

	if (is_signed) {
		if (!or_equal && (b->smax == S64_MIN || a->smin == S64_MAX))
			return false;
		NARROW_MAX(a->smax, b->smax - (s64)d);
		NARROW_MIN(b->smin, a->smin + (s64)d);
		return a->smin <= a->smax && b->smin <= b->smax;
	}
	if (!or_equal && (b->umax == 0 || a->umin == U64_MAX))
		return false;
	NARROW_MAX(a->umax, b->umax - d);
	NARROW_MIN(b->umin, a->umin + d);
	return a->umin <= a->umax && b->umin <= b->umax;
}

/* One operand known: "not equal" trims it from the other's ends. */
static bool range_ne(struct reg_state *a, const struct reg_state *b, bool jmp32)
{
	struct bounds_range r = range_get(a, jmp32);
	u64 c;

	if (!(jmp32 ? tnum_is_const(tnum_subreg(b->var_off)) :
		      tnum_is_const(b->var_off)))
		return true;
	c = jmp32 ? (u32)b->var_off.value : b->var_off.value;
	if (jmp32 ? tnum_is_const(tnum_subreg(a->var_off)) &&
		    (u32)a->var_off.value == c :
		    tnum_equals_const(a->var_off, c))
		return false;
	if (r.umin == c)
		r.umin++;
	else if (r.umax == c)
		r.umax--;
	if (r.smin == (jmp32 ? (s64)(s32)c : (s64)c))
		r.smin++;
	else if (r.smax == (jmp32 ? (s64)(s32)c : (s64)c))
		r.smax--;
	range_put(a, &r, jmp32);
	return true;
}

static bool refine_eq(struct reg_state *a, struct reg_state *b, bool jmp32)
{
	struct tnum ta = jmp32 ? tnum_subreg(a->var_off) : a->var_off;
	struct tnum tb = jmp32 ? tnum_subreg(b->var_off) : b->var_off;
	struct bounds_range ra = range_get(a, jmp32), rb = range_get(b, jmp32);
	struct tnum t;

	if ((ta.value ^ tb.value) & ~ta.mask & ~tb.mask)
		return false;
	t = tnum_intersect(ta, tb);
	NARROW_MIN(ra.umin, rb.umin);
	NARROW_MAX(ra.umax, rb.umax);
	NARROW_MIN(ra.smin, rb.smin);
	NARROW_MAX(ra.smax, rb.smax);
	range_put(a, &ra, jmp32);
	range_put(b, &ra, jmp32);
	a->var_off = jmp32 ? tnum_with_subreg(a->var_off, t) : t;
	b->var_off = jmp32 ? tnum_with_subreg(b->var_off, t) : t;
	return true;
}

static bool refine_set(struct reg_state *a, const struct reg_state *b,
		       bool jmp32, bool set)
{
	struct tnum ta = jmp32 ? tnum_subreg(a->var_off) : a->var_off;
	u64 c = jmp32 ? (u32)b->var_off.value : b->var_off.value;

	if (!(jmp32 ? tnum_is_const(tnum_subreg(b->var_off)) :
		      tnum_is_const(b->var_off)))
		return true;
	if (set)
		return (ta.value | ta.mask) & c;
	if (ta.value & c)
		return false;
	ta = tnum_and(ta, tnum_const(~c));
	a->var_off = jmp32 ? tnum_with_subreg(a->var_off, ta) : ta;
	return true;
}

bool scalar_refine(struct reg_state *a, struct reg_state *b, u8 op,
		   bool negate, bool jmp32)
{
	struct bounds_range ra = range_get(a, jmp32), rb = range_get(b, jmp32);
	bool ok = true;

	if (negate)
		op = op == BPF_JSET ? 0 : negate_op(op);
	switch (op) {
	case BPF_JEQ:
		ok = refine_eq(a, b, jmp32);
		goto sync;
	case BPF_JNE:
		ok = range_ne(a, b, jmp32) && range_ne(b, a, jmp32);
		goto sync;
	case BPF_JSET:
		ok = refine_set(a, b, jmp32, true) && refine_set(b, a, jmp32, true);
		goto sync;
	case 0:		/* JSET negated: no common bit */
		ok = refine_set(a, b, jmp32, false) && refine_set(b, a, jmp32, false);
		goto sync;
	case BPF_JLT:
		ok = range_lt(&ra, &rb, false, false);
		break;
	case BPF_JLE:
		ok = range_lt(&ra, &rb, false, true);
		break;
	case BPF_JGT:
		ok = range_lt(&rb, &ra, false, false);
		break;
	case BPF_JGE:
		ok = range_lt(&rb, &ra, false, true);
		break;
	case BPF_JSLT:
		ok = range_lt(&ra, &rb, true, false);
		break;
	case BPF_JSLE:
		ok = range_lt(&ra, &rb, true, true);
		break;
	case BPF_JSGT:
		ok = range_lt(&rb, &ra, true, false);
		break;
	case BPF_JSGE:
		ok = range_lt(&rb, &ra, true, true);
		break;
	}
	if (!ok)
		return false;
	range_put(a, &ra, jmp32);
	range_put(b, &rb, jmp32);
sync:
	if (!ok)
		return false;
	reg_bounds_sync(a);
	reg_bounds_sync(b);
	return !reg_bounds_empty(a) && !reg_bounds_empty(b);
}

bool reg_intersect(struct reg_state *a, const struct reg_state *b)
{
	struct reg_state r = *a;

	r.umin = a->umin > b->umin ? a->umin : b->umin;
	r.umax = a->umax < b->umax ? a->umax : b->umax;
	r.smin = a->smin > b->smin ? a->smin : b->smin;
	r.smax = a->smax < b->smax ? a->smax : b->smax;
	r.u32_min = a->u32_min > b->u32_min ? a->u32_min : b->u32_min;
	r.u32_max = a->u32_max < b->u32_max ? a->u32_max : b->u32_max;
	r.s32_min = a->s32_min > b->s32_min ? a->s32_min : b->s32_min;
	r.s32_max = a->s32_max < b->s32_max ? a->s32_max : b->s32_max;
	r.var_off = tnum_intersect(a->var_off, b->var_off);
	if (reg_bounds_empty(&r))
		return false;
	reg_bounds_sync(&r);
	if (reg_bounds_empty(&r))
		return false;
	*a = r;
	return true;
}

bool range_within(const struct reg_state *old, const struct reg_state *cur)
{
	return old->umin <= cur->umin && cur->umax <= old->umax &&
	       old->smin <= cur->smin && cur->smax <= old->smax &&
	       old->u32_min <= cur->u32_min && cur->u32_max <= old->u32_max &&
	       old->s32_min <= cur->s32_min && cur->s32_max <= old->s32_max &&
	       tnum_in(old->var_off, cur->var_off);
}
