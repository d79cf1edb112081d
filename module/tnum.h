/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tristate numbers, as the kernel's verifier tracks bits: value holds the
 * bits known to be 1, mask the bits that are unknown; a bit set in both is
 * never formed.
 */
#ifndef ARENA_TNUM_H
#define ARENA_TNUM_H

#include "portable.h"

struct tnum {
	u64 value;
	u64 mask;
};

#define TNUM(v, m)	((struct tnum){ .value = (v), .mask = (m) })

static inline struct tnum tnum_const(u64 value)
{
	return TNUM(value, 0);
}

static inline struct tnum tnum_unknown(void)
{
	return TNUM(0, U64_MAX);
}

static inline bool tnum_is_const(struct tnum a)
{
	return !a.mask;
}

static inline bool tnum_equals_const(struct tnum a, u64 b)
{
	return tnum_is_const(a) && a.value == b;
}

struct tnum tnum_range(u64 min, u64 max);
struct tnum tnum_lshift(struct tnum a, u8 shift);
struct tnum tnum_rshift(struct tnum a, u8 shift);
struct tnum tnum_arshift(struct tnum a, u8 shift, u8 insn_bitness);
struct tnum tnum_add(struct tnum a, struct tnum b);
struct tnum tnum_sub(struct tnum a, struct tnum b);
struct tnum tnum_and(struct tnum a, struct tnum b);
struct tnum tnum_or(struct tnum a, struct tnum b);
struct tnum tnum_xor(struct tnum a, struct tnum b);
struct tnum tnum_mul(struct tnum a, struct tnum b);
struct tnum tnum_intersect(struct tnum a, struct tnum b);
struct tnum tnum_cast(struct tnum a, u8 size);
/* Is every value b can take also one a can take? */
bool tnum_in(struct tnum a, struct tnum b);

static inline struct tnum tnum_subreg(struct tnum a)
{
	return tnum_cast(a, 4);
}

/* a's upper 32 bits with b's lower ones. */
static inline struct tnum tnum_with_subreg(struct tnum a, struct tnum b)
{
	return tnum_or(TNUM(a.value & ~(u64)U32_MAX, a.mask & ~(u64)U32_MAX),
		       tnum_subreg(b));
}

#endif /* ARENA_TNUM_H */
