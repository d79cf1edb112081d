/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Zeroed pages for objects that user space maps (rings, arrays): charged to
 * the caller's memory cgroup, and failing rather than OOM-killing when a
 * request is too big for the machine.
 */
#ifndef ARENA_PAGES_H
#define ARENA_PAGES_H

#include <linux/mm_types.h>

/* An array of n pages, or NULL; free it with arena_pages_free(). */
struct page **arena_pages_alloc(unsigned long n);
void arena_pages_free(struct page **pages, unsigned long n);

#endif /* ARENA_PAGES_H */
