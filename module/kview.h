/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ARENA_KVIEW_H
#define ARENA_KVIEW_H

#include <linux/mm_types.h>
#include <linux/sizes.h>
#include <linux/types.h>

/*
 * The kernel's view of one arena: 4 GiB of kernel virtual addresses where
 * the page for 32-bit index x (the low bits of its user address, see
 * arena_kidx()) sits at start + x, with a guard on either side so that
 * start + (u32)addr + off stays inside for any s16 off.  Absent
 * pages have no mapping, so an access to them faults (and generated code's
 * exception-table entries turn the fault into "read 0, drop the store").
 */
#define ARENA_KVIEW_GUARD	SZ_64K
#define ARENA_KVIEW_SIZE	(SZ_4G + ARENA_KVIEW_GUARD)

/* 4 GiB + guard, anywhere: it touches at most this many 1 GiB PMD tables. */
#define ARENA_KVIEW_PMD_TABLES	6

struct arena_kview {
	void *base;		/* what vm_map_ram() gave: the guard's start */
	unsigned long start;	/* index 0 */
	unsigned long slices_base;	/* base rounded down to a PMD */
	unsigned long nr_slices;	/* PMD-sized slices the range touches */
	unsigned long tables_base;	/* base rounded down to a PUD */
	pmd_t *pmd_tables[ARENA_KVIEW_PMD_TABLES];
};

int arena_kview_check_arch(void);
void arena_kview_exit(void);
int arena_kview_create(struct arena_kview *kv);
void arena_kview_destroy(struct arena_kview *kv);
int arena_kview_prepare(struct arena_kview *kv, u32 off, u64 len, gfp_t gfp);
struct page *arena_kview_page(const struct arena_kview *kv, u32 off);
void arena_kview_insert(struct arena_kview *kv, u32 off, struct page *page);
void arena_kview_clear(struct arena_kview *kv, u32 off);
void arena_kview_flush(struct arena_kview *kv, u32 off, u64 len);
unsigned long arena_kview_nr_tables(const struct arena_kview *kv);

#endif /* ARENA_KVIEW_H */
