/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scalar domain against concrete arithmetic: random values x and y,
 * random abstract registers that hold them, then every ALU operation and
 * every branch condition.  The abstract result must hold the concrete one;
 * a refined branch must keep x and y when the condition holds for them.
 */
#include "verifier_internal.h"

static u64 snd_state = 0x9e3779b97f4a7c15ULL;

static u64 snd_rand(void)
{
	snd_state ^= snd_state << 13;
	snd_state ^= snd_state >> 7;
	snd_state ^= snd_state << 17;
	return snd_state;
}

/* Interesting values: small, near the sign bits, anything. */
static u64 snd_value(void)
{
	static const u64 edges[] = {
		0, 1, 2, 7, 8, 15, 16, 255, 0x7fffffff, 0x80000000, 0xffffffff,
		0x100000000ULL, 0x7fffffffffffffffULL, 0x8000000000000000ULL, ~0ULL,
	};
	u64 r = snd_rand();

	switch (r % 4) {
	case 0:
		return edges[(r >> 8) % ARRAY_SIZE(edges)] + ((r >> 16) % 3) - 1;
	case 1:
		return (r >> 8) % 64;
	default:
		return snd_rand();
	}
}

static bool snd_holds(const struct reg_state *reg, u64 v)
{
	return reg->umin <= v && v <= reg->umax && reg->smin <= (s64)v &&
	       (s64)v <= reg->smax && reg->u32_min <= (u32)v && (u32)v <= reg->u32_max &&
	       reg->s32_min <= (s32)v && (s32)v <= reg->s32_max &&
	       (v & ~reg->var_off.mask) == reg->var_off.value;
}

/* An abstract register holding v: exact, a range around it, or bits. */
static void snd_abstract(struct reg_state *reg, u64 v)
{
	u64 lo, hi, r = snd_rand();

	switch (r % 5) {
	case 0:
		reg_mark_const(reg, v);
		return;
	case 1:
		lo = v - ((r >> 8) % 32);
		hi = v + ((r >> 16) % 32);
		if (lo > v)
			lo = 0;
		if (hi < v)
			hi = U64_MAX;
		reg_mark_range(reg, lo, hi);
		return;
	case 2:
		reg_mark_unknown(reg);
		reg->var_off = tnum_intersect(reg->var_off,
					      TNUM(v & ~snd_rand(), 0));
		reg->var_off.mask = ~0ULL & ~(snd_rand() & snd_rand());
		reg->var_off.value = v & ~reg->var_off.mask;
		reg_bounds_sync(reg);
		return;
	case 3: {
		s64 slo, shi;

		if (__builtin_sub_overflow((s64)v, (s64)((r >> 8) % 1000), &slo))
			slo = S64_MIN;
		if (__builtin_add_overflow((s64)v, (s64)((r >> 20) % 1000), &shi))
			shi = S64_MAX;
		reg_mark_srange(reg, slo, shi);
		return;
	}
	default:
		reg_mark_unknown(reg);
		reg->u32_min = (u32)v - ((u32)(r >> 8) % 16 > (u32)v ? (u32)v :
					 (u32)(r >> 8) % 16);
		reg->u32_max = (u32)v;
		reg_bounds_sync(reg);
		return;
	}
}

/* The ISA's result of dst op src. */
static u64 snd_alu(u8 op, u64 a, u64 b, bool alu32, bool sdiv)
{
	u64 mask = alu32 ? U32_MAX : U64_MAX;
	u32 bits = alu32 ? 32 : 64;
	s64 sa, sb;
	u64 r;

	a &= mask;
	b &= mask;
	sa = alu32 ? (s32)a : (s64)a;
	sb = alu32 ? (s32)b : (s64)b;
	switch (op) {
	case BPF_ADD: r = a + b; break;
	case BPF_SUB: r = a - b; break;
	case BPF_MUL: r = a * b; break;
	case BPF_OR: r = a | b; break;
	case BPF_AND: r = a & b; break;
	case BPF_XOR: r = a ^ b; break;
	case BPF_LSH: r = a << (b & (bits - 1)); break;
	case BPF_RSH: r = a >> (b & (bits - 1)); break;
	case BPF_ARSH: r = (u64)(sa >> (b & (bits - 1))); break;
	case BPF_DIV:
		if (!b)
			r = 0;
		else if (!sdiv)
			r = a / b;
		else
			r = sb == -1 ? (u64)0 - (u64)sa : (u64)(sa / sb);
		break;
	default: /* BPF_MOD */
		if (!b)
			r = a;
		else if (!sdiv)
			r = a % b;
		else
			r = sb == -1 ? 0 : (u64)(sa % sb);
		break;
	}
	return r & mask;
}

static bool snd_cond(u8 op, u64 a, u64 b, bool jmp32)
{
	s64 sa = jmp32 ? (s32)a : (s64)a, sb = jmp32 ? (s32)b : (s64)b;

	if (jmp32) {
		a = (u32)a;
		b = (u32)b;
	}
	switch (op) {
	case BPF_JEQ: return a == b;
	case BPF_JNE: return a != b;
	case BPF_JGT: return a > b;
	case BPF_JGE: return a >= b;
	case BPF_JLT: return a < b;
	case BPF_JLE: return a <= b;
	case BPF_JSGT: return sa > sb;
	case BPF_JSGE: return sa >= sb;
	case BPF_JSLT: return sa < sb;
	case BPF_JSLE: return sa <= sb;
	default: return a & b;	/* BPF_JSET */
	}
}

static void scalar_domain_is_sound(void)
{
	static const u8 alu_ops[] = {
		BPF_ADD, BPF_SUB, BPF_MUL, BPF_OR, BPF_AND, BPF_XOR, BPF_LSH, BPF_RSH,
		BPF_ARSH, BPF_DIV, BPF_MOD,
	};
	static const u8 jmp_ops[] = {
		BPF_JEQ, BPF_JNE, BPF_JGT, BPF_JGE, BPF_JLT, BPF_JLE, BPF_JSGT, BPF_JSGE,
		BPF_JSLT, BPF_JSLE, BPF_JSET,
	};
	unsigned int i, bad = 0;

	for (i = 0; i < 400000 && bad < 5; i++) {
		struct reg_state a, b, ra, rb;
		u64 x = snd_value(), y = snd_value(), z;
		bool w32 = snd_rand() & 1, sdiv = snd_rand() & 1, holds, ok;
		u8 op;

		snd_abstract(&a, x);
		snd_abstract(&b, y);
		if (!snd_holds(&a, x) || !snd_holds(&b, y)) {
			tap_fail(__FILE__, __LINE__, "abstraction of %llx or %llx lost it",
				 (unsigned long long)x, (unsigned long long)y);
			bad++;
			continue;
		}
		op = alu_ops[snd_rand() % ARRAY_SIZE(alu_ops)];
		ra = a;
		if (op == BPF_DIV || op == BPF_MOD)
			scalar_divmod(&ra, &b, op, w32, sdiv);
		else
			scalar_alu(&ra, &b, op, w32);
		z = snd_alu(op, x, y, w32, sdiv && (op == BPF_DIV || op == BPF_MOD));
		if (!snd_holds(&ra, z)) {
			tap_fail(__FILE__, __LINE__,
				 "op 0x%x%s: %llx, %llx gives %llx, outside umin=%llx umax=%llx smin=%lld smax=%lld tnum=%llx/%llx",
				 op, w32 ? " (32)" : "", (unsigned long long)x,
				 (unsigned long long)y, (unsigned long long)z,
				 (unsigned long long)ra.umin, (unsigned long long)ra.umax,
				 (long long)ra.smin, (long long)ra.smax,
				 (unsigned long long)ra.var_off.value,
				 (unsigned long long)ra.var_off.mask);
			bad++;
		}
		/* Loads and movsx: truncation and sign extension. */
		{
			static const u32 sizes[] = { 1, 2, 4 };
			u32 size = sizes[snd_rand() % 3], bits = size * 8;
			u64 low = x & ((1ULL << bits) - 1);
			u64 sext = (low ^ (1ULL << (bits - 1))) - (1ULL << (bits - 1));

			ra = a;
			reg_truncate(&ra, size);
			rb = a;
			reg_sext(&rb, size);
			if (!snd_holds(&ra, low) || !snd_holds(&rb, sext)) {
				tap_fail(__FILE__, __LINE__, "size %u: %llx truncated or extended lost",
					 size, (unsigned long long)x);
				bad++;
			}
		}
		op = jmp_ops[snd_rand() % ARRAY_SIZE(jmp_ops)];
		holds = snd_cond(op, x, y, w32);
		ra = a;
		rb = b;
		ok = scalar_refine(&ra, &rb, op, !holds, w32);
		if (!ok || !snd_holds(&ra, x) || !snd_holds(&rb, y)) {
			tap_fail(__FILE__, __LINE__, "jmp 0x%x%s %s: %llx, %llx not kept (feasible %d)",
				 op, w32 ? " (32)" : "", holds ? "taken" : "not taken",
				 (unsigned long long)x, (unsigned long long)y, ok);
			bad++;
		}
	}
}
