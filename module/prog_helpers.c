// SPDX-License-Identifier: GPL-2.0
/*
 * What programs call, in the module: the helpers by the kernel's ids with
 * the kernel's semantics (kernel/bpf/helpers.c, ringbuf.c, bpf_iter.c),
 * the arena kfuncs, and the arena pages as the interpreter reaches them.
 * Arguments come as the verifier allowed them (helper_protos.c): object
 * arguments are struct prog_obj pointers of the right kind.
 */
#include <linux/mm.h>
#include <linux/numa.h>
#include <linux/rcupdate.h>
#include <linux/smp.h>
#include <linux/timekeeping.h>

#include <uapi/arena_kmod.h>

#include "arena_kmod.h"
#include "helper_protos.h"
#include "prog_core.h"
#include "ringbuf_kmod.h"

/* bpf_ringbuf_query()'s flags. */
enum {
	RINGBUF_QUERY_AVAIL_DATA,
	RINGBUF_QUERY_RING_SIZE,
	RINGBUF_QUERY_CONS_POS,
	RINGBUF_QUERY_PROD_POS,
	RINGBUF_QUERY_OVERWRITE_POS,
};

#define RINGBUF_WAKEUP_FLAGS	(RINGBUF_NO_WAKEUP | RINGBUF_FORCE_WAKEUP)
/* bpf_loop()'s limit on iterations (BPF_MAX_LOOPS). */
#define LOOP_MAX		(1U << 23)
/* bpf_user_ringbuf_drain()'s limit on records per call, as the kernel's. */
#define USER_RINGBUF_DRAIN_MAX	(128U * 1024)

static const struct prog_obj *helper_obj(u64 arg)
{
	return (const struct prog_obj *)(unsigned long)arg;
}

/* The JITs inline the same lookup (jit_arch_array_lookup()): keep them alike. */
static u64 helper_map_lookup_elem(u64 map, u64 key, u64 r3, u64 r4, u64 r5)
{
	const struct prog_obj *obj = helper_obj(map);
	u32 index = *(const u32 *)(unsigned long)key;

	if (index >= obj->max_entries)
		return 0;
	return (unsigned long)obj->values + (u64)index * obj->value_stride;
}

static u64 helper_ktime_get_ns(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return ktime_get_mono_fast_ns();
}

/* Programs run with migration disabled: the answer holds for the run. */
static u64 helper_get_smp_processor_id(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	return raw_smp_processor_id();
}

static u64 helper_ringbuf_output(u64 map, u64 data, u64 size, u64 flags, u64 r5)
{
	struct ringbuf *rb = helper_obj(map)->handle;
	void *rec;

	if (flags & ~RINGBUF_WAKEUP_FLAGS)
		return -EINVAL;
	rec = ringbuf_reserve(rb, size);
	if (!rec)
		return -EAGAIN;
	memcpy(rec, (const void *)(unsigned long)data, size);
	ringbuf_submit(rb, rec, flags);
	return 0;
}

static u64 helper_ringbuf_reserve(u64 map, u64 size, u64 flags, u64 r4, u64 r5)
{
	if (flags)
		return 0;
	return (unsigned long)ringbuf_reserve(helper_obj(map)->handle, size);
}

static u64 helper_ringbuf_submit(u64 sample, u64 flags, u64 r3, u64 r4, u64 r5)
{
	void *rec = (void *)(unsigned long)sample;

	ringbuf_submit(ringbuf_of_sample(rec), rec, flags);
	return 0;
}

static u64 helper_ringbuf_discard(u64 sample, u64 flags, u64 r3, u64 r4, u64 r5)
{
	void *rec = (void *)(unsigned long)sample;

	ringbuf_discard(ringbuf_of_sample(rec), rec, flags);
	return 0;
}

static u64 helper_ringbuf_query(u64 map, u64 flags, u64 r3, u64 r4, u64 r5)
{
	struct ringbuf_info info;

	ringbuf_query(helper_obj(map)->handle, &info);
	switch (flags) {
	case RINGBUF_QUERY_AVAIL_DATA:
		return info.avail_data;
	case RINGBUF_QUERY_RING_SIZE:
		return info.data_size;
	case RINGBUF_QUERY_CONS_POS:
		return info.consumer_pos;
	case RINGBUF_QUERY_PROD_POS:
		return info.producer_pos;
	case RINGBUF_QUERY_OVERWRITE_POS:
		return info.overwrite_pos;
	default:
		return 0;
	}
}

static u64 helper_loop(u64 nr, u64 callback, u64 ctx, u64 flags, u64 r5)
{
	const struct prog_func *func = (const void *)(unsigned long)callback;
	u64 i;

	if (flags)
		return -EINVAL;
	if (nr > LOOP_MAX)
		return -E2BIG;
	for (i = 0; i < nr; i++) {
		/*
		 * Nested loops multiply: a signal must still end the run, so
		 * each loop looks first thing, and then now and then.
		 */
		if (!(i % PROG_STOP_CHECK_EVERY) && prog_should_stop())
			return -EINTR;
		if (prog_func_call(func, i, ctx, 0, 0, 0))
			return i + 1;
	}
	return nr;
}

static u64 helper_dynptr_read(u64 dst, u64 len, u64 src, u64 offset, u64 flags)
{
	const struct prog_dynptr *dp = (const void *)(unsigned long)src;

	if (flags)
		return -EINVAL;
	if (offset > dp->size || len > dp->size - offset)
		return -E2BIG;
	memcpy((void *)(unsigned long)dst, dp->data + offset, len);
	return 0;
}

struct user_ringbuf_drain {
	const struct prog_func *callback;
	u64 ctx;
};

/* One record for the program: as a dynptr, whose bytes user space owns. */
static int helper_drain_record(void *ctx, void *data, u32 len)
{
	const struct user_ringbuf_drain *drain = ctx;
	struct prog_dynptr dp = { .data = data, .size = len };

	return prog_func_call(drain->callback, (unsigned long)&dp, drain->ctx, 0, 0, 0) != 0;
}

static u64 helper_user_ringbuf_drain(u64 map, u64 callback, u64 ctx, u64 flags, u64 r5)
{
	struct user_ringbuf_drain drain = {
		.callback = (const void *)(unsigned long)callback,
		.ctx = ctx,
	};

	if (flags & ~RINGBUF_WAKEUP_FLAGS)
		return -EINVAL;
	return ringbuf_user_drain(helper_obj(map)->handle, helper_drain_record, &drain,
				  USER_RINGBUF_DRAIN_MAX);
}

static const prog_helper_fn prog_helpers[] = {
	[HELPER_MAP_LOOKUP_ELEM] = helper_map_lookup_elem,
	[HELPER_KTIME_GET_NS] = helper_ktime_get_ns,
	[HELPER_GET_SMP_PROCESSOR_ID] = helper_get_smp_processor_id,
	[HELPER_RINGBUF_OUTPUT] = helper_ringbuf_output,
	[HELPER_RINGBUF_RESERVE] = helper_ringbuf_reserve,
	[HELPER_RINGBUF_SUBMIT] = helper_ringbuf_submit,
	[HELPER_RINGBUF_DISCARD] = helper_ringbuf_discard,
	[HELPER_RINGBUF_QUERY] = helper_ringbuf_query,
	[HELPER_LOOP] = helper_loop,
	[HELPER_DYNPTR_READ] = helper_dynptr_read,
	[HELPER_USER_RINGBUF_DRAIN] = helper_user_ringbuf_drain,
};

prog_helper_fn prog_helper(u32 id)
{
	return id < ARRAY_SIZE(prog_helpers) ? prog_helpers[id] : NULL;
}

static u64 kfunc_arena_alloc_pages(u64 map, u64 addr, u64 nr, u64 node, u64 flags)
{
	return arena_prog_alloc_pages(helper_obj(map)->handle, addr, (u32)nr,
				      (s32)node, flags);
}

static u64 kfunc_arena_free_pages(u64 map, u64 addr, u64 nr, u64 r4, u64 r5)
{
	arena_prog_free_pages(helper_obj(map)->handle, addr, (u32)nr);
	return 0;
}

static const prog_helper_fn prog_kfuncs[] = {
	[ARENA_KFUNC_ARENA_ALLOC_PAGES] = kfunc_arena_alloc_pages,
	[ARENA_KFUNC_ARENA_FREE_PAGES] = kfunc_arena_free_pages,
};

prog_helper_fn prog_kfunc(u32 id)
{
	return id < ARRAY_SIZE(prog_kfuncs) ? prog_kfuncs[id] : NULL;
}

void prog_arena_enter(void) __acquires(RCU)
{
	rcu_read_lock();
}

void prog_arena_exit(void) __releases(RCU)
{
	rcu_read_unlock();
}

void *prog_arena_page(const struct prog_obj *arena, u32 pgoff)
{
	struct page *page = arena_kernel_page(arena->handle, pgoff << PAGE_SHIFT);

	return page ? page_address(page) : NULL;
}

u32 prog_arena_page_size(void)
{
	return PAGE_SIZE;
}
