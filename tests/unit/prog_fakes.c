// SPDX-License-Identifier: GPL-2.0
/*
 * The fake runtime of the interpreter in user space (see prog_fakes.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "arena_kmod.h"
#include "prog_fakes.h"

/*
 * The fuzzers' check of the interpreter's accesses (module/interp.c) sees
 * the helpers' accesses to program memory too; nothing in other builds.
 */
#ifdef INTERP_CHECK_ACCESS
void interp_check_access(const void *p, u32 size, bool write);
#define fake_check_access(p, size, write)	interp_check_access(p, size, write)
#else
#define fake_check_access(p, size, write)	do { } while (0)
#endif

/* bpf_loop()'s limit (BPF_MAX_LOOPS), as the module's. */
#define FAKE_LOOP_MAX		(1U << 23)
/* Records a drain hands its callback. */
#define FAKE_USER_RECORDS	3

struct fake_arena {
	u32 nr_pages;
	u64 user_vm_start;
	u8 *backing;	/* where the pages are, if not on the heap */
	void *pages[];
};

/* The arena's page that holds the 4 GiB window's page pgoff. */
static u32 fake_arena_index(const struct fake_arena *arena, u32 pgoff)
{
	return pgoff - (u32)arena->user_vm_start / FAKE_ARENA_PAGE_SIZE;
}

/* Per thread: programs may run on several threads at once. */
static _Thread_local bool fake_arena_entered;

static void fake_die(const char *what)
{
	fprintf(stderr, "prog_fakes: %s\n", what);
	abort();
}

struct fake_arena *fake_arena_create(u32 nr_pages, u64 user_vm_start, u32 flags,
				     struct prog_obj *obj)
{
	struct fake_arena *arena = calloc(1, sizeof(*arena) + nr_pages * sizeof(void *));

	if (!arena)
		return NULL;
	arena->nr_pages = nr_pages;
	arena->user_vm_start = user_vm_start;
	*obj = (struct prog_obj){
		.kind = PROG_OBJ_ARENA,
		.flags = flags,
		.size = (u64)nr_pages * FAKE_ARENA_PAGE_SIZE,
		.user_vm_start = user_vm_start,
		.handle = arena,
	};
	return arena;
}

struct fake_arena *fake_arena_create_backed(u32 nr_pages, u64 user_vm_start, u32 flags,
					    void *backing, struct prog_obj *obj)
{
	struct fake_arena *arena = fake_arena_create(nr_pages, user_vm_start, flags, obj);
	const u8 *page;
	u32 i, j;

	if (!arena)
		return NULL;
	arena->backing = backing;
	for (i = 0; i < nr_pages; i++) {
		page = arena->backing + (size_t)i * FAKE_ARENA_PAGE_SIZE;
		for (j = 0; j < FAKE_ARENA_PAGE_SIZE && !page[j]; j++)
			;
		if (j < FAKE_ARENA_PAGE_SIZE)
			arena->pages[i] = (void *)page;
	}
	return arena;
}

void fake_arena_destroy(struct fake_arena *arena)
{
	u32 i;

	if (!arena)
		return;
	for (i = 0; !arena->backing && i < arena->nr_pages; i++)
		free(arena->pages[i]);
	free(arena);
}

void *fake_arena_populate(struct fake_arena *arena, u32 pgoff)
{
	u8 *page;

	if (pgoff >= arena->nr_pages)
		return NULL;
	if (arena->pages[pgoff])
		return arena->pages[pgoff];
	if (arena->backing) {
		page = arena->backing + (size_t)pgoff * FAKE_ARENA_PAGE_SIZE;
		memset(page, 0, FAKE_ARENA_PAGE_SIZE);
		arena->pages[pgoff] = page;
	} else {
		arena->pages[pgoff] = calloc(1, FAKE_ARENA_PAGE_SIZE);
	}
	return arena->pages[pgoff];
}

void fake_arena_remove(struct fake_arena *arena, u32 pgoff)
{
	if (pgoff < arena->nr_pages) {
		if (!arena->backing)
			free(arena->pages[pgoff]);
		arena->pages[pgoff] = NULL;
	}
}

void prog_arena_enter(void)
{
	if (fake_arena_entered)
		fake_die("prog_arena_enter() nested");
	fake_arena_entered = true;
}

void prog_arena_exit(void)
{
	if (!fake_arena_entered)
		fake_die("prog_arena_exit() without enter");
	fake_arena_entered = false;
}

void *prog_arena_page(const struct prog_obj *obj, u32 pgoff)
{
	const struct fake_arena *arena = obj->handle;
	u32 index = fake_arena_index(arena, pgoff);

	if (!fake_arena_entered)
		fake_die("prog_arena_page() outside enter/exit");
	return index < arena->nr_pages ? arena->pages[index] : NULL;
}

bool fake_stop_requested;

bool prog_should_stop(void)
{
	return fake_stop_requested;
}

u32 prog_arena_page_size(void)
{
	return FAKE_ARENA_PAGE_SIZE;
}

static u64 fake_map_lookup_elem(u64 map, u64 key, u64 r3, u64 r4, u64 r5)
{
	const struct prog_obj *obj = (const struct prog_obj *)(unsigned long)map;
	u32 index;

	(void)r3, (void)r4, (void)r5;
	fake_check_access((const void *)(unsigned long)key, sizeof(index), false);
	index = *(const u32 *)(unsigned long)key;
	if (obj->kind != PROG_OBJ_ARRAY || index >= obj->max_entries)
		return 0;
	return (u64)(unsigned long)obj->values + (u64)index * obj->value_stride;
}

static u64 fake_ktime_get_ns(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	struct timespec ts;

	(void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static u64 fake_get_smp_processor_id(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	(void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
	return 0;
}

/* bpf_loop(nr, callback, ctx, flags): the calls made; a callback's 1 stops. */
static u64 fake_loop(u64 nr, u64 callback, u64 ctx, u64 flags, u64 r5)
{
	const struct prog_func *func = (const struct prog_func *)(unsigned long)callback;
	u64 i;

	(void)r5;
	if (flags)
		return -EINVAL;
	if (nr > FAKE_LOOP_MAX)
		return -E2BIG;
	for (i = 0; i < nr; i++)
		if (prog_func_call(func, i, ctx, 0, 0, 0))
			return i + 1;
	return nr;
}

/*
 * Ring records: each its own allocation of exactly the reserved size, so
 * that the sanitizers see an access past it, listed until submitted or
 * discarded (per thread, as programs run).
 */
struct fake_record {
	struct fake_record *next;
	void *data;
	u32 size;
};

static _Thread_local struct fake_record *fake_records;

static u64 fake_ringbuf_reserve(u64 map, u64 size, u64 flags, u64 r4, u64 r5)
{
	const struct prog_obj *obj = (const struct prog_obj *)(unsigned long)map;
	struct fake_record *rec;

	(void)r4, (void)r5;
	if (flags || !size || size > obj->size)
		return 0;
	rec = calloc(1, sizeof(*rec));
	if (!rec)
		return 0;
	rec->data = calloc(1, size);
	if (!rec->data) {
		free(rec);
		return 0;
	}
	rec->size = size;
	rec->next = fake_records;
	fake_records = rec;
	return (u64)(unsigned long)rec->data;
}

/* Submit and discard: the record must be a live one, released once. */
static u64 fake_ringbuf_release(u64 sample, u64 flags, u64 r3, u64 r4, u64 r5)
{
	struct fake_record **link, *rec;

	(void)flags, (void)r3, (void)r4, (void)r5;
	for (link = &fake_records; *link; link = &(*link)->next) {
		rec = *link;
		if ((u64)(unsigned long)rec->data != sample)
			continue;
		*link = rec->next;
		free(rec->data);
		free(rec);
		return 0;
	}
	fake_die("ring record released twice or never reserved");
	return 0;
}

bool fake_ring_holds(const void *p, u32 size)
{
	const struct fake_record *rec;
	const u8 *b = p;

	for (rec = fake_records; rec; rec = rec->next)
		if (b >= (const u8 *)rec->data && size <= rec->size &&
		    b - (const u8 *)rec->data <= rec->size - size)
			return true;
	return false;
}

unsigned int fake_ring_records(void)
{
	const struct fake_record *rec;
	unsigned int n = 0;

	for (rec = fake_records; rec; rec = rec->next)
		n++;
	return n;
}

/* ringbuf_output(ring, data, size, flags): reads the bytes, keeps none. */
static u64 fake_ringbuf_output(u64 map, u64 data, u64 size, u64 flags, u64 r5)
{
	const struct prog_obj *obj = (const struct prog_obj *)(unsigned long)map;
	u8 *copy;

	(void)r5;
	if (flags & ~3ULL)
		return -EINVAL;
	if (size > obj->size)
		return -EAGAIN;
	if (size)
		fake_check_access((const void *)(unsigned long)data, size, false);
	copy = malloc(size ? size : 1);
	if (!copy)
		return -EAGAIN;
	memcpy(copy, (const void *)(unsigned long)data, size);
	free(copy);
	return 0;
}

/* ringbuf_query(ring, flags): an empty ring of the object's size. */
static u64 fake_ringbuf_query(u64 map, u64 flags, u64 r3, u64 r4, u64 r5)
{
	const struct prog_obj *obj = (const struct prog_obj *)(unsigned long)map;

	(void)r3, (void)r4, (void)r5;
	return flags == 1 ? obj->size : 0;
}

static u64 fake_dynptr_read(u64 dst, u64 len, u64 src, u64 offset, u64 flags)
{
	const struct prog_dynptr *dp = (const struct prog_dynptr *)(unsigned long)src;

	if (flags)
		return -EINVAL;
	if (offset > dp->size || len > dp->size - offset)
		return -E2BIG;
	if (len)
		fake_check_access((void *)(unsigned long)dst, len, true);
	memcpy((void *)(unsigned long)dst, (const u8 *)dp->data + offset, len);
	return 0;
}

/*
 * user_ringbuf_drain(ring, callback, ctx, flags): FAKE_USER_RECORDS
 * records of 1, 2, 3, ... bytes, each its own allocation.
 */
static u64 fake_user_ringbuf_drain(u64 map, u64 callback, u64 ctx, u64 flags, u64 r5)
{
	const struct prog_func *func = (const struct prog_func *)(unsigned long)callback;
	struct prog_dynptr dp;
	u64 n, stop = 0;
	u8 *data;

	(void)map, (void)r5;
	if (flags & ~3ULL)
		return -EINVAL;
	for (n = 0; n < FAKE_USER_RECORDS && !stop; n++) {
		data = malloc(n + 1);
		if (!data)
			break;
		memset(data, 0xa5, n + 1);
		dp = (struct prog_dynptr){ .data = data, .size = n + 1 };
		stop = prog_func_call(func, (u64)(unsigned long)&dp, ctx, 0, 0, 0);
		free(data);
	}
	return n;
}

prog_helper_fn prog_helper(u32 id)
{
	switch (id) {
	case 1:
		return fake_map_lookup_elem;
	case 5:
		return fake_ktime_get_ns;
	case 8:
		return fake_get_smp_processor_id;
	case 130:
		return fake_ringbuf_output;
	case 131:
		return fake_ringbuf_reserve;
	case 132:
	case 133:
		return fake_ringbuf_release;
	case 134:
		return fake_ringbuf_query;
	case 181:
		return fake_loop;
	case 201:
		return fake_dynptr_read;
	case 209:
		return fake_user_ringbuf_drain;
	default:
		return NULL;
	}
}

/* bpf_arena_alloc_pages(arena, addr, count, node, flags): the first free run. */
static u64 fake_arena_alloc_pages(u64 obj, u64 addr, u64 count, u64 node, u64 flags)
{
	struct fake_arena *arena = ((const struct prog_obj *)(unsigned long)obj)->handle;
	u32 first, i;

	(void)addr, (void)node, (void)flags;
	for (first = 0; count && first + count <= arena->nr_pages; first++) {
		for (i = 0; i < count && !arena->pages[first + i]; i++)
			;
		if (i < count)
			continue;
		for (i = 0; i < count; i++)
			if (!fake_arena_populate(arena, first + i))
				return 0;
		return arena->user_vm_start + (u64)first * FAKE_ARENA_PAGE_SIZE;
	}
	return 0;
}

static u64 fake_arena_free_pages(u64 obj, u64 addr, u64 count, u64 r4, u64 r5)
{
	struct fake_arena *arena = ((const struct prog_obj *)(unsigned long)obj)->handle;
	u32 first = fake_arena_index(arena, (u32)addr / FAKE_ARENA_PAGE_SIZE), i;

	(void)r4, (void)r5;
	for (i = 0; i < count; i++)
		fake_arena_remove(arena, first + i);
	return 0;
}

prog_helper_fn prog_kfunc(u32 id)
{
	switch (id) {
	case ARENA_KFUNC_ARENA_ALLOC_PAGES:
		return fake_arena_alloc_pages;
	case ARENA_KFUNC_ARENA_FREE_PAGES:
		return fake_arena_free_pages;
	default:
		return NULL;
	}
}
