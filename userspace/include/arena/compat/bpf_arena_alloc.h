/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * bpf_alloc() and bpf_free() for arena memory, as the kernel's selftests
 * use them; the object file must declare the arena map, named arena,
 * before including this.
 *
 * Each CPU carves objects downwards from the end of a page of its own;
 * the page's last 8 bytes count the objects still allocated in it, and the
 * page goes back to the arena when the count drops to 0.  Objects never
 * cross pages, so they are at most a page less those 8 bytes.
 */
#ifndef ARENA_COMPAT_BPF_ARENA_ALLOC_H
#define ARENA_COMPAT_BPF_ARENA_ALLOC_H

#include "bpf_arena_common.h"

#ifdef __BPF__

/* CPUs with a page of their own; on others bpf_alloc() fails. */
#define ARENA_ALLOC_CPUS	256
#define ARENA_ALLOC_COUNT_OFF	(PAGE_SIZE - sizeof(__u64))

static void __arena *__arena arena_alloc_page[ARENA_ALLOC_CPUS];
/* Where the last object carved from that page starts. */
static __u32 __arena arena_alloc_low[ARENA_ALLOC_CPUS];

static inline void __arena *bpf_alloc(unsigned int size)
{
	__u32 cpu = bpf_get_smp_processor_id();
	void __arena *page;
	__u32 low;

	size = (size + 7) & ~7U;
	if (!size || size > ARENA_ALLOC_COUNT_OFF || cpu >= ARENA_ALLOC_CPUS)
		return NULL;
	page = arena_alloc_page[cpu];
	low = arena_alloc_low[cpu];
	if (!page || low < size) {
		page = bpf_arena_alloc_pages(&arena, NULL, 1, NUMA_NO_NODE, 0);
		if (!page)
			return NULL;
		*(__u64 __arena *)(page + ARENA_ALLOC_COUNT_OFF) = 0;
		arena_alloc_page[cpu] = page;
		low = ARENA_ALLOC_COUNT_OFF;
	}
	low -= size;
	arena_alloc_low[cpu] = low;
	(*(__u64 __arena *)(page + ARENA_ALLOC_COUNT_OFF))++;
	return page + low;
}

static inline void bpf_free(void __arena *addr)
{
	void __arena *page = (void __arena *)((__u64)addr & ~(__u64)(PAGE_SIZE - 1));
	__u64 __arena *count = page + ARENA_ALLOC_COUNT_OFF;
	__u32 cpu = bpf_get_smp_processor_id();

	if (--*count)
		return;
	/* This CPU's page must not be carved from again once it is gone. */
	if (cpu < ARENA_ALLOC_CPUS && arena_alloc_page[cpu] == page)
		arena_alloc_page[cpu] = NULL;
	bpf_arena_free_pages(&arena, page, 1);
}

#else /* user space: the structures are built by programs, only walked here */

static inline void __arena *bpf_alloc(unsigned int size)
{
	(void)size;
	return NULL;
}

static inline void bpf_free(void __arena *addr)
{
	(void)addr;
}

#endif

#endif
