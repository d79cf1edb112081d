/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the plain-C parts of the module (verifier, interpreter, helper
 * prototypes) may use, so that the same sources build into the module and
 * into the user-space unit tests: fixed-size types, zeroed allocation,
 * overflow checks, errno values, memcpy/memset, vsnprintf.
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
#include <linux/types.h>

/* Verifier state and logs can be large: vmalloc when kmalloc cannot. */
#define portable_zalloc(size)	kvzalloc((size), GFP_KERNEL_ACCOUNT)
#define portable_free(ptr)	kvfree(ptr)
/* Long loops (the verifier's walk) let the CPU go now and then. */
#define portable_cond_resched()	cond_resched()

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
#define portable_free(ptr)	free(ptr)
#define portable_cond_resched()	do { } while (0)

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

#endif /* ARENA_PORTABLE_H */
