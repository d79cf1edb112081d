// SPDX-License-Identifier: GPL-2.0
/*
 * Tristate number arithmetic (see tnum.h): each operation gives a tnum
 * that holds every result the operands' values can produce.
 */
#include "tnum.h"

struct tnum tnum_range(u64 min, u64 max)
{
	u64 chi = min ^ max, delta;
	unsigned int bits = fls64(chi);

	/* The range spans every 64-bit value: nothing is known. */
	if (bits > 63)
		return tnum_unknown();
	delta = (1ULL << bits) - 1;
	return TNUM(min & ~delta, delta);
}

struct tnum tnum_lshift(struct tnum a, u8 shift)
{
	return TNUM(a.value << shift, a.mask << shift);
}

struct tnum tnum_rshift(struct tnum a, u8 shift)
{
	return TNUM(a.value >> shift, a.mask >> shift);
}

struct tnum tnum_arshift(struct tnum a, u8 shift, u8 insn_bitness)
{
	if (insn_bitness == 32)
		return TNUM((u32)(((s32)a.value) >> shift),
			    (u32)(((s32)a.mask) >> shift));
	return TNUM((u64)((s64)a.value >> shift), (u64)((s64)a.mask >> shift));
}

struct tnum tnum_add(struct tnum a, struct tnum b)
{
	u64 sm = a.mask + b.mask, sv = a.value + b.value;
	u64 sigma = sm + sv, chi = sigma ^ sv;
	u64 mu = chi | a.mask | b.mask;

	return TNUM(sv & ~mu, mu);
}

struct tnum tnum_sub(struct tnum a, struct tnum b)
{
	u64 dv = a.value - b.value;
	u64 alpha = dv + a.mask, beta = dv - b.mask;
	u64 chi = alpha ^ beta;
	u64 mu = chi | a.mask | b.mask;

	return TNUM(dv & ~mu, mu);
}

struct tnum tnum_and(struct tnum a, struct tnum b)
{
	u64 alpha = a.value | a.mask, beta = b.value | b.mask;
	u64 v = a.value & b.value;

	return TNUM(v, alpha & beta & ~v);
}

struct tnum tnum_or(struct tnum a, struct tnum b)
{
	u64 v = a.value | b.value;
	u64 mu = a.mask | b.mask;

	return TNUM(v, mu & ~v);
}

struct tnum tnum_xor(struct tnum a, struct tnum b)
{
	u64 v = a.value ^ b.value;
	u64 mu = a.mask | b.mask;

	return TNUM(v & ~mu, mu);
}

/*
 * Long multiplication: each bit of a adds b shifted, known bits add a
 * known term, unknown bits add "b or nothing".
 */
struct tnum tnum_mul(struct tnum a, struct tnum b)
{
	struct tnum acc_v = tnum_const(a.value * b.value);
	struct tnum acc_m = tnum_const(0);

	while (a.value || a.mask) {
		if (a.mask & 1)
			acc_m = tnum_add(acc_m, TNUM(0, b.mask | b.value));
		else if (a.value & 1)
			acc_m = tnum_add(acc_m, TNUM(0, b.mask));
		a = tnum_rshift(a, 1);
		b = tnum_lshift(b, 1);
	}
	return tnum_add(acc_v, acc_m);
}

struct tnum tnum_intersect(struct tnum a, struct tnum b)
{
	u64 v = a.value | b.value;
	u64 mu = a.mask & b.mask;

	return TNUM(v & ~mu, mu);
}

struct tnum tnum_cast(struct tnum a, u8 size)
{
	u64 keep = size >= 8 ? U64_MAX : (1ULL << (size * 8)) - 1;

	return TNUM(a.value & keep, a.mask & keep);
}

bool tnum_in(struct tnum a, struct tnum b)
{
	if (b.mask & ~a.mask)
		return false;
	b.value &= ~a.mask;
	return a.value == b.value;
}
