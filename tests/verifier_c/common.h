/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the example programs need from libbpf's headers, which Debian 12's
 * libbpf 1.1 lacks for arenas: helper declarations by id, kfuncs, the
 * arena address space, can_loop.  Programs are built into one .text so
 * that transcribe.py can turn them into one instruction array.
 */
#ifndef VERIFIER_C_COMMON_H
#define VERIFIER_C_COMMON_H

typedef unsigned char __u8;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef long long __s64;

#define __arena __attribute__((address_space(1)))
#define __ksym __attribute__((section(".ksyms")))

static void *(*bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;
static __u64 (*bpf_ktime_get_ns)(void) = (void *)5;
static __u32 (*bpf_get_smp_processor_id)(void) = (void *)8;
static long (*bpf_ringbuf_output)(void *ringbuf, void *data, __u64 size,
				  __u64 flags) = (void *)130;
static void *(*bpf_ringbuf_reserve)(void *ringbuf, __u64 size, __u64 flags) = (void *)131;
static void (*bpf_ringbuf_submit)(void *data, __u64 flags) = (void *)132;
static void (*bpf_ringbuf_discard)(void *data, __u64 flags) = (void *)133;
static long (*bpf_loop)(__u32 nr, void *callback_fn, void *callback_ctx,
			__u64 flags) = (void *)181;

extern void __arena *bpf_arena_alloc_pages(void *map, void __arena *addr, __u32 page_cnt,
					   int node_id, __u64 flags) __ksym;
extern void bpf_arena_free_pages(void *map, void __arena *ptr, __u32 page_cnt) __ksym;

/* Objects: the loader maps these symbols to the program's objects. */
struct obj { int unused; };

#define can_loop							\
	({ __label__ l_break, l_continue;				\
	bool ret = true;						\
	asm volatile goto("may_goto %l[l_break]" :::: l_break);	\
	goto l_continue;						\
	l_break: ret = false;						\
	l_continue:;							\
	ret;								\
	})

typedef _Bool bool;
#define true 1
#define false 0

#endif
