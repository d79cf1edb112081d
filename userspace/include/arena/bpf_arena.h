/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * For programs that arena-kmod loads: everything a program compiled with
 * `clang-19 -O2 -g -target bpf` needs to declare maps, arena memory,
 * loops and helper calls, without the kernel's vmlinux.h or a libbpf newer
 * than Debian 12's 1.1 (which predates arenas).  Install it with libarena
 * and include it as <arena/bpf_arena.h>; programs written for the
 * kernel's arena selftests build unchanged with -I<this dir>/compat, where
 * headers named like theirs lead here.
 *
 * Include it alone or after a vmlinux.h: for programs it defines the map
 * types and flags as macros, which would clash with a vmlinux.h's
 * enumerators that came after it.  User space gets only what the data
 * structures in arena memory need (__arena, the integer types), so that
 * it can walk them with the programs' own headers.
 */
#ifndef ARENA_BPF_ARENA_H
#define ARENA_BPF_ARENA_H

#include <stdbool.h>
#include <stddef.h>

/* Identical repeated typedefs are fine in C11: vmlinux.h and linux/types.h agree. */
typedef signed char __s8;
typedef unsigned char __u8;
typedef short __s16;
typedef unsigned short __u16;
typedef int __s32;
typedef unsigned int __u32;
typedef long long __s64;
typedef unsigned long long __u64;

/* Sections, maps and externs, as libbpf's bpf_helpers.h spells them. */
#ifndef SEC
#define SEC(name)	__attribute__((section(name), used))
#endif
#ifndef __uint
#define __uint(name, val)	int (*name)[val]
#endif
#ifndef __type
#define __type(name, val)	__typeof__(val) *name
#endif
/*
 * A 64-bit map attribute (map_extra): the value of an enumerator, 64-bit
 * when it needs to be.  Each use needs an enumerator name of its own,
 * made with __COUNTER__; the extra level of macros makes __COUNTER__
 * expand before it is pasted, so that two maps in one file get two names.
 */
#define ARENA_CONCAT_EXPANDED(a, b)	a##b
#define ARENA_CONCAT(a, b)		ARENA_CONCAT_EXPANDED(a, b)
#ifndef __ulong
#define __ulong(name, val)						\
	enum { ARENA_CONCAT(arena_map_attr_, __COUNTER__) = (val) } name
#endif
#ifndef __ksym
#define __ksym		__attribute__((section(".ksyms")))
#endif
#ifndef __weak
#define __weak		__attribute__((weak))
#endif
#ifndef __always_inline
#define __always_inline	inline __attribute__((always_inline))
#endif
#ifndef __noinline
#define __noinline	__attribute__((noinline))
#endif

#ifdef __BPF__
/*
 * The map types arena-kmod creates, by their BPF numbers (user space has
 * them from <linux/bpf.h>).
 */
#define BPF_MAP_TYPE_ARRAY		2
#define BPF_MAP_TYPE_RINGBUF		27
#define BPF_MAP_TYPE_USER_RINGBUF	31
#define BPF_MAP_TYPE_ARENA		33

/* Map flags: arrays (RDONLY_PROG, MMAPABLE), arenas (MMAPABLE and the last two). */
#define BPF_F_RDONLY_PROG	(1U << 7)
#define BPF_F_MMAPABLE		(1U << 10)
#define BPF_F_SEGV_ON_FAULT	(1U << 17)
#define BPF_F_NO_USER_CONV	(1U << 18)

/* bpf_ringbuf_output/submit/discard flags, bpf_ringbuf_query's questions. */
#define BPF_RB_NO_WAKEUP	(1ULL << 0)
#define BPF_RB_FORCE_WAKEUP	(1ULL << 1)
#define BPF_RB_AVAIL_DATA	0
#define BPF_RB_RING_SIZE	1
#define BPF_RB_CONS_POS		2
#define BPF_RB_PROD_POS		3
#endif

#ifndef NUMA_NO_NODE
#define NUMA_NO_NODE	(-1)
#endif

/*
 * Arena memory.  clang-19 knows address space 1 and emits addr_space_cast
 * itself (before each dereference, and for explicit casts), so cast_kern()
 * and cast_user() have nothing to do; without that feature they cast by
 * hand.  In user space, which includes the same data-structure headers to
 * walk the arena, __arena is plain memory.
 */
#if defined(__BPF__) && defined(__BPF_FEATURE_ADDR_SPACE_CAST)
#define __arena		__attribute__((address_space(1)))
#define __arg_arena	__attribute__((btf_decl_tag("arg:arena")))
#define cast_kern(ptr)	/* clang does it */
#define cast_user(ptr)	/* clang does it */
#elif defined(__BPF__)
#define __arena
#define __arg_arena
#define cast_kern(ptr)	bpf_addr_space_cast(ptr, 0, 1)
#define cast_user(ptr)	bpf_addr_space_cast(ptr, 1, 0)
#else
#define __arena
#define __arg_arena
#define cast_kern(ptr)
#define cast_user(ptr)
#endif

/*
 * What a global function's pointer argument is, for a verifier that
 * checks such a function once from its prototype rather than at every
 * call (the loader reads these tags from BTF; see docs/loader.md): the
 * program's context, or memory of the pointee's size that is never NULL.
 * Untagged, a pointer is memory that may be NULL, or the context for a
 * void *; __arg_arena above makes it an arena address.
 */
#ifdef __BPF__
#ifndef __arg_ctx
#define __arg_ctx	__attribute__((btf_decl_tag("arg:ctx")))
#endif
#ifndef __arg_nonnull
#define __arg_nonnull	__attribute__((btf_decl_tag("arg:nonnull")))
#endif
#else
#define __arg_ctx
#define __arg_nonnull
#endif

#ifdef __BPF__

/* var = addr_space_cast(var, dst_as, src_as), in place. */
#define bpf_addr_space_cast(var, dst_as, src_as)				\
	asm volatile("%[reg] = addr_space_cast(%[reg], " #dst_as ", " #src_as ")"	\
		     : [reg] "+r"(var))

/*
 * Bounded loops the verifier need not unroll: each may_goto spends one
 * unit of a budget the program's runs share, and jumps out when it is
 * gone (or when a signal asks the run to end).  can_loop is an expression,
 * true while the budget lasts; cond_break leaves the enclosing loop.
 */
#define can_loop								\
	({									\
		__label__ arena_out, arena_in;					\
		bool arena_go = true;						\
		asm volatile goto("may_goto %l[arena_out]" :::: arena_out);	\
		goto arena_in;							\
	arena_out:								\
		arena_go = false;						\
	arena_in:								\
		arena_go;							\
	})

#define cond_break								\
	({									\
		__label__ arena_out, arena_in;					\
		asm volatile goto("may_goto %l[arena_out]" :::: arena_out);	\
		goto arena_in;							\
	arena_out:								\
		break;								\
	arena_in:;								\
	})

/* The arena kfuncs, resolved by name when the program is loaded. */
void __arena *bpf_arena_alloc_pages(void *map, void __arena *addr, __u32 page_cnt,
				    int node_id, __u64 flags) __ksym __weak;
void bpf_arena_free_pages(void *map, void __arena *ptr, __u32 page_cnt) __ksym __weak;

/* A dynamic pointer, as bpf_user_ringbuf_drain() hands records to its callback. */
struct bpf_dynptr {
	__u64 arena_opaque[2];
} __attribute__((aligned(8)));

/* The helpers arena-kmod provides, called by their kernel ids. */
static void *(* const bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static __u64 (* const bpf_ktime_get_ns)(void) = (void *)5;
static __u32 (* const bpf_get_smp_processor_id)(void) = (void *)8;
static long (* const bpf_ringbuf_output)(void *ringbuf, void *data, __u64 size,
					 __u64 flags) = (void *)130;
static void *(* const bpf_ringbuf_reserve)(void *ringbuf, __u64 size, __u64 flags) = (void *)131;
static void (* const bpf_ringbuf_submit)(void *data, __u64 flags) = (void *)132;
static void (* const bpf_ringbuf_discard)(void *data, __u64 flags) = (void *)133;
static __u64 (* const bpf_ringbuf_query)(void *ringbuf, __u64 flags) = (void *)134;
static long (* const bpf_loop)(__u32 nr_loops, void *callback_fn, void *callback_ctx,
			       __u64 flags) = (void *)181;
static long (* const bpf_ringbuf_reserve_dynptr)(void *ringbuf, __u32 size, __u64 flags,
						 struct bpf_dynptr *ptr) = (void *)198;
static void (* const bpf_ringbuf_submit_dynptr)(struct bpf_dynptr *ptr, __u64 flags) = (void *)199;
static void (* const bpf_ringbuf_discard_dynptr)(struct bpf_dynptr *ptr, __u64 flags) = (void *)200;
static long (* const bpf_dynptr_read)(void *dst, __u32 len, const struct bpf_dynptr *src,
				      __u32 offset, __u64 flags) = (void *)201;
static long (* const bpf_dynptr_write)(const struct bpf_dynptr *dst, __u32 offset, void *src,
				       __u32 len, __u64 flags) = (void *)202;
static void *(* const bpf_dynptr_data)(const struct bpf_dynptr *ptr, __u32 offset,
				       __u32 len) = (void *)203;
static long (* const bpf_user_ringbuf_drain)(void *map, void *callback_fn, void *ctx,
					     __u64 flags) = (void *)209;

#endif /* __BPF__ */

#endif /* ARENA_BPF_ARENA_H */
