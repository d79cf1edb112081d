// SPDX-License-Identifier: GPL-2.0
/*
 * Widening to thresholds.  At a may_goto or callback entry, a scalar that
 * changed since the round before holds the join of both rounds
 * (verifier_state.c).  A counter then grows by one step a round, and the
 * walk would go round until the join gives up.  Instead, a bound that
 * grew jumps to the next constant the program compares against or moves
 * into a register (and the values next to it: a compare's constant bounds
 * its branches one off), or to the end of its range when there is none: a
 * counter checked against 16 before the may_goto is [0, 15] at the second
 * round and the loop is covered at the third, and a counter checked
 * against nothing known becomes unknown at once.  The set only grows, so
 * the walk still ends; the ranges only widen, so it stays sound.
 */
#include "verifier_internal.h"

/* Each constant, and one either side of it. */
#define THRESHOLDS_PER_CONST	3

static int s64_cmp(const void *a, const void *b)
{
	s64 x = *(const s64 *)a, y = *(const s64 *)b;

	return x < y ? -1 : x > y;
}

/* A conditional jump against a constant, or a constant moved into a register. */
static bool has_bound_const(const struct bpf_insn *insn)
{
	u8 class = BPF_CLASS(insn->code);

	if (BPF_SRC(insn->code) != BPF_K)
		return false;
	if (class == BPF_ALU || class == BPF_ALU64)
		return BPF_OP(insn->code) == BPF_MOV && !insn->off;
	return isa_is_cmp_jump(insn);
}

/* Sorts and removes repeats: n values in, how many are left out. */
static u32 sort_unique(s64 *v, u32 n)
{
	u32 i, out = 0;

	portable_sort(v, n, sizeof(*v), s64_cmp);
	for (i = 0; i < n; i++)
		if (!out || v[out - 1] != v[i])
			v[out++] = v[i];
	return out;
}

int widen_collect_thresholds(struct verifier_env *env)
{
	const struct prog_core *prog = env->prog;
	u32 i, n = 0;
	s64 *v;

	for (i = 0; i < prog->len; i++)
		if (!env->aux[i].imm64_tail && has_bound_const(&prog->insns[i]))
			n += THRESHOLDS_PER_CONST;
	if (!n)
		return 0;
	v = portable_zalloc(n * sizeof(*v));
	if (!v)
		return -ENOMEM;
	n = 0;
	for (i = 0; i < prog->len; i++) {
		s64 imm = prog->insns[i].imm;

		if (env->aux[i].imm64_tail || !has_bound_const(&prog->insns[i]))
			continue;
		v[n++] = imm - 1;
		v[n++] = imm;
		v[n++] = imm + 1;
	}
	env->thresholds = v;
	env->nr_thresholds = sort_unique(v, n);
	return 0;
}

/* How many thresholds are below x: the index of the first >= x. */
static u32 thresholds_below(const struct verifier_env *env, s64 x)
{
	u32 lo = 0, hi = env->nr_thresholds;

	while (lo < hi) {
		u32 mid = lo + (hi - lo) / 2;

		if (env->thresholds[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The smallest threshold >= x in the signed order, or S64_MAX. */
static s64 threshold_above_s(const struct verifier_env *env, s64 x)
{
	u32 i = thresholds_below(env, x);

	return i < env->nr_thresholds ? env->thresholds[i] : S64_MAX;
}

/* The largest threshold <= x in the signed order, or S64_MIN. */
static s64 threshold_below_s(const struct verifier_env *env, s64 x)
{
	u32 i = thresholds_below(env, x);

	if (i < env->nr_thresholds && env->thresholds[i] == x)
		return x;
	return i ? env->thresholds[i - 1] : S64_MIN;
}

/*
 * Unsigned: the thresholds that are not negative, as the same numbers;
 * past the largest, the type's end.
 */
static u64 threshold_above_u(const struct verifier_env *env, u64 x, u64 max)
{
	s64 t;

	if (x > (u64)S64_MAX)
		return max;
	t = threshold_above_s(env, (s64)x);
	return t == S64_MAX || (u64)t > max ? max : (u64)t;
}

static u64 threshold_below_u(const struct verifier_env *env, u64 x)
{
	s64 t = threshold_below_s(env, x > (u64)S64_MAX ? S64_MAX : (s64)x);

	return t < 0 ? 0 : (u64)t;
}

static s32 clamp_s32(s64 v)
{
	return v < S32_MIN ? S32_MIN : v > S32_MAX ? S32_MAX : (s32)v;
}

/* Bits from the lowest unknown one up to the highest that max can set. */
static u64 widened_mask(u64 mask, u64 max)
{
	u64 low_bits = tnum_range(0, max).mask;
	u64 from_lowest = mask ? ~((mask & -mask) - 1) : U64_MAX;

	return mask | (low_bits & from_lowest);
}

/*
 * cur holds the join of old and this round's value; each bound that moved
 * past old's goes on to the next threshold.
 */
void widen_to_thresholds(const struct verifier_env *env, const struct reg_state *old,
			 struct reg_state *cur)
{
	if (cur->umax > old->umax)
		cur->umax = threshold_above_u(env, cur->umax, U64_MAX);
	if (cur->umin < old->umin)
		cur->umin = threshold_below_u(env, cur->umin);
	if (cur->smax > old->smax)
		cur->smax = threshold_above_s(env, cur->smax);
	if (cur->smin < old->smin)
		cur->smin = threshold_below_s(env, cur->smin);
	if (cur->u32_max > old->u32_max)
		cur->u32_max = threshold_above_u(env, cur->u32_max, U32_MAX);
	if (cur->u32_min < old->u32_min)
		cur->u32_min = threshold_below_u(env, cur->u32_min);
	if (cur->s32_max > old->s32_max)
		cur->s32_max = clamp_s32(threshold_above_s(env, cur->s32_max));
	if (cur->s32_min < old->s32_min)
		cur->s32_min = clamp_s32(threshold_below_s(env, cur->s32_min));
	/* The known bits may no longer hold every value of the wider range. */
	cur->var_off.mask = widened_mask(cur->var_off.mask, cur->umax);
	if (cur->smin < 0 || cur->s32_min < 0)
		cur->var_off.mask = U64_MAX;
	cur->var_off.value &= ~cur->var_off.mask;
	reg_bounds_sync(cur);
}
