// SPDX-License-Identifier: GPL-2.0
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "pages.h"

struct page **arena_pages_alloc(unsigned long n)
{
	struct page **pages;
	unsigned long i;

	pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!pages)
		return NULL;
	for (i = 0; i < n; i++) {
		pages[i] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO | __GFP_NOWARN |
				      __GFP_RETRY_MAYFAIL);
		if (!pages[i]) {
			arena_pages_free(pages, i);
			return NULL;
		}
		cond_resched();
	}
	return pages;
}

void arena_pages_free(struct page **pages, unsigned long n)
{
	unsigned long i;

	if (!pages)
		return;
	for (i = 0; i < n; i++)
		__free_page(pages[i]);
	kvfree(pages);
}
