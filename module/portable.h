/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the plain-C parts of the module (verifier, interpreter, helper
 * prototypes) may use, so that the same sources build into the module and
 * into the user-space unit tests: fixed-size types, zeroed allocation,
 * overflow checks, errno values, memcpy/memset, vsnprintf, byte swaps,
 * atomics on memory other CPUs use at the same time, random numbers
 * (for the JITs' constant blinding), the highest set bit (fls64) and
 * sorting.
 */
#ifndef ARENA_PORTABLE_H
#define ARENA_PORTABLE_H

#ifdef __KERNEL__

#include <linux/compiler.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/swab.h>
#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/random.h>
#include <linux/sort.h>

#define portable_random_u32()	get_random_u32()
#define portable_sort(base, num, size, cmp)	sort((base), (num), (size), (cmp), NULL)

/* Verifier state and logs can be large: vmalloc when kmalloc cannot. */
#define portable_zalloc(size)	kvzalloc((size), GFP_KERNEL_ACCOUNT)
#define portable_free(ptr)	kvfree(ptr)
/* Long loops (the verifier's walk) let the CPU go now and then. */
#define portable_cond_resched()	cond_resched()

/*
 * Atomics on memory programs share with other CPUs, as kernel/bpf/core.c
 * does them: the operations without a result are relaxed, the others
 * fully ordered.
 */
#define PORTABLE_ATOMIC_OP(op)							\
static inline void portable_atomic32_##op(u32 *p, u32 v)			\
{										\
	atomic_##op((int)v, (atomic_t *)p);					\
}										\
static inline u32 portable_atomic32_fetch_##op(u32 *p, u32 v)			\
{										\
	return (u32)atomic_fetch_##op((int)v, (atomic_t *)p);			\
}										\
static inline void portable_atomic64_##op(u64 *p, u64 v)			\
{										\
	atomic64_##op((s64)v, (atomic64_t *)p);					\
}										\
static inline u64 portable_atomic64_fetch_##op(u64 *p, u64 v)			\
{										\
	return (u64)atomic64_fetch_##op((s64)v, (atomic64_t *)p);		\
}

static inline u32 portable_atomic32_xchg(u32 *p, u32 v)
{
	return (u32)atomic_xchg((atomic_t *)p, (int)v);
}

static inline u64 portable_atomic64_xchg(u64 *p, u64 v)
{
	return (u64)atomic64_xchg((atomic64_t *)p, (s64)v);
}

/* Both return the value *p had. */
static inline u32 portable_atomic32_cmpxchg(u32 *p, u32 old, u32 new)
{
	return (u32)atomic_cmpxchg((atomic_t *)p, (int)old, (int)new);
}

static inline u64 portable_atomic64_cmpxchg(u64 *p, u64 old, u64 new)
{
	return (u64)atomic64_cmpxchg((atomic64_t *)p, (s64)old, (s64)new);
}

#else /* user space */

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>		/* vsnprintf, as the kernel has it */
#include <stdlib.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int8_t s8;
typedef int16_t s16;
typedef int32_t s32;
typedef int64_t s64;

#define portable_zalloc(size)	calloc(1, (size))
#define portable_sort(base, num, size, cmp)	qsort((base), (num), (size), (cmp))
#define portable_free(ptr)	free(ptr)
#define portable_cond_resched()	do { } while (0)

/* A fixed seed (xorshift32): tests see the same values on every run. */
static inline u32 portable_random_u32(void)
{
	static u32 state = 2463534242U;

	state ^= state << 13;
	state ^= state >> 17;
	state ^= state << 5;
	return state;
}

#define check_add_overflow(a, b, d)	__builtin_add_overflow(a, b, d)
#define check_sub_overflow(a, b, d)	__builtin_sub_overflow(a, b, d)
#define check_mul_overflow(a, b, d)	__builtin_mul_overflow(a, b, d)

#define READ_ONCE(x)		(*(const volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, v)	(*(volatile typeof(x) *)&(x) = (v))
#define likely(x)		__builtin_expect(!!(x), 1)
#define unlikely(x)		__builtin_expect(!!(x), 0)
#define __maybe_unused		__attribute__((__unused__))
#define __printf(a, b)		__attribute__((format(printf, a, b)))
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define __acquires(x)
#define __releases(x)
#define fallthrough		__attribute__((__fallthrough__))
#define min_t(type, a, b)	((type)(a) < (type)(b) ? (type)(a) : (type)(b))
#define swab16(x)		__builtin_bswap16(x)
#define swab32(x)		__builtin_bswap32(x)
#define swab64(x)		__builtin_bswap64(x)

/* The highest bit set, counted from 1; 0 for 0. */
static inline unsigned int fls64(u64 x)
{
	return x ? 64 - __builtin_clzll(x) : 0;
}

/* The kernel's atomics' orderings (see the kernel half above). */
#define PORTABLE_ATOMIC_OP(op)							\
static inline void portable_atomic32_##op(u32 *p, u32 v)			\
{										\
	__atomic_fetch_##op(p, v, __ATOMIC_RELAXED);				\
}										\
static inline u32 portable_atomic32_fetch_##op(u32 *p, u32 v)			\
{										\
	return __atomic_fetch_##op(p, v, __ATOMIC_SEQ_CST);			\
}										\
static inline void portable_atomic64_##op(u64 *p, u64 v)			\
{										\
	__atomic_fetch_##op(p, v, __ATOMIC_RELAXED);				\
}										\
static inline u64 portable_atomic64_fetch_##op(u64 *p, u64 v)			\
{										\
	return __atomic_fetch_##op(p, v, __ATOMIC_SEQ_CST);			\
}

static inline u32 portable_atomic32_xchg(u32 *p, u32 v)
{
	return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
}

static inline u64 portable_atomic64_xchg(u64 *p, u64 v)
{
	return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
}

static inline u32 portable_atomic32_cmpxchg(u32 *p, u32 old, u32 new)
{
	__atomic_compare_exchange_n(p, &old, new, false, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
	return old;
}

static inline u64 portable_atomic64_cmpxchg(u64 *p, u64 old, u64 new)
{
	__atomic_compare_exchange_n(p, &old, new, false, __ATOMIC_SEQ_CST,
				    __ATOMIC_SEQ_CST);
	return old;
}

#ifndef U32_MAX
#define U8_MAX		((u8)~0U)
#define U16_MAX		((u16)~0U)
#define U32_MAX		((u32)~0U)
#define U64_MAX		((u64)~0ULL)
#define S8_MAX		((s8)(U8_MAX >> 1))
#define S8_MIN		((s8)(-S8_MAX - 1))
#define S16_MAX		((s16)(U16_MAX >> 1))
#define S16_MIN		((s16)(-S16_MAX - 1))
#define S32_MAX		((s32)(U32_MAX >> 1))
#define S32_MIN		((s32)(-S32_MAX - 1))
#define S64_MAX		((s64)(U64_MAX >> 1))
#define S64_MIN		((s64)(-S64_MAX - 1))
#endif

#endif /* __KERNEL__ */

PORTABLE_ATOMIC_OP(add)
PORTABLE_ATOMIC_OP(and)
PORTABLE_ATOMIC_OP(or)
PORTABLE_ATOMIC_OP(xor)
#undef PORTABLE_ATOMIC_OP

#endif /* ARENA_PORTABLE_H */
