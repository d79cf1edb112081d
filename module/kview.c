// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel view of an arena, built from exported symbols only (DESIGN.md
 * section 4): get_vm_area() is not exported, so vm_map_ram() reserves the
 * range and builds its page tables by mapping one dummy page everywhere;
 * then every PTE is emptied by hand.  From then on this file owns the PTEs
 * of the range: it writes a page into an empty one or empties a full one,
 * never anything else, and flushes the TLBs before a page it removed can be
 * freed.  The PTE pages themselves stay until vm_unmap_ram().
 *
 * Callers serialise insert/clear on one view (the arena's lock); lookups
 * may run concurrently with them.
 */
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "arch.h"
#include "kview.h"

#define ARENA_KVIEW_PAGES	(ARENA_KVIEW_SIZE >> PAGE_SHIFT)

static pte_t *arena_kview_walk(unsigned long addr)
{
	pgd_t *pgd = pgd_offset_pgd(arena_arch_kernel_pgd(), addr);
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;

	if (pgd_none(*pgd) || pgd_bad(*pgd))
		return NULL;
	p4d = p4d_offset(pgd, addr);
	if (p4d_none(*p4d) || p4d_bad(*p4d))
		return NULL;
	pud = pud_offset(p4d, addr);
	if (pud_none(*pud) || pud_bad(*pud))
		return NULL;
	pmd = pmd_offset(pud, addr);
	if (pmd_none(*pmd) || pmd_bad(*pmd))
		return NULL;
	return pte_offset_kernel(pmd, addr);
}

static pte_t *arena_kview_pte(const struct arena_kview *kv, unsigned long addr)
{
	unsigned long slice = (addr - kv->tables_base) >> PMD_SHIFT;

	return kv->tables[slice] + pte_index(addr);
}

static unsigned long arena_kview_nr_tables(const struct arena_kview *kv)
{
	unsigned long end = (unsigned long)kv->base + ARENA_KVIEW_SIZE;

	return (ALIGN(end, PMD_SIZE) - kv->tables_base) >> PMD_SHIFT;
}

/* Finds the PTE page of each slice of the range and empties its entries. */
static int arena_kview_take_ptes(struct arena_kview *kv)
{
	unsigned long addr = (unsigned long)kv->base;
	unsigned long end = addr + ARENA_KVIEW_SIZE;
	unsigned long i, n = arena_kview_nr_tables(kv);

	kv->tables = kvcalloc(n, sizeof(*kv->tables), GFP_KERNEL);
	if (!kv->tables)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		unsigned long slice = kv->tables_base + i * PMD_SIZE;
		pte_t *pte = arena_kview_walk(max(slice, addr));

		if (WARN_ON_ONCE(!pte))
			return -EFAULT;
		kv->tables[i] = pte - pte_index(max(slice, addr));
	}
	for (; addr < end; addr += PAGE_SIZE)
		set_pte(arena_kview_pte(kv, addr), __pte(0));
	arena_arch_flush_tlb_kernel((unsigned long)kv->base, end);
	return 0;
}

int arena_kview_create(struct arena_kview *kv)
{
	struct page **pages, *dummy;
	unsigned long i;
	int err = -ENOMEM;

	dummy = alloc_page(GFP_KERNEL);
	if (!dummy)
		return -ENOMEM;
	pages = kvmalloc_array(ARENA_KVIEW_PAGES, sizeof(*pages), GFP_KERNEL);
	if (!pages)
		goto out_dummy;
	for (i = 0; i < ARENA_KVIEW_PAGES; i++)
		pages[i] = dummy;
	kv->base = vm_map_ram(pages, ARENA_KVIEW_PAGES, NUMA_NO_NODE);
	kvfree(pages);
	if (!kv->base)
		goto out_dummy;

	kv->start = (unsigned long)kv->base + ARENA_KVIEW_GUARD / 2;
	kv->tables_base = ALIGN_DOWN((unsigned long)kv->base, PMD_SIZE);
	kv->tables = NULL;
	err = arena_kview_take_ptes(kv);
	if (err) {
		kvfree(kv->tables);
		vm_unmap_ram(kv->base, ARENA_KVIEW_PAGES);
		/* vm_unmap_ram() flushes lazily: the dummy may still be in a TLB. */
		vm_unmap_aliases();
	}
out_dummy:
	/* No translation of it is left: its PTEs are gone and flushed. */
	__free_page(dummy);
	return err;
}

/* Every page must have been cleared and flushed already. */
void arena_kview_destroy(struct arena_kview *kv)
{
	vm_unmap_ram(kv->base, ARENA_KVIEW_PAGES);
	kvfree(kv->tables);
}

struct page *arena_kview_page(const struct arena_kview *kv, u32 off)
{
	pte_t pte = READ_ONCE(*arena_kview_pte(kv, kv->start + off));

	return pte_present(pte) ? pte_page(pte) : NULL;
}

void arena_kview_insert(struct arena_kview *kv, u32 off, struct page *page)
{
	set_pte(arena_kview_pte(kv, kv->start + off), mk_pte(page, PAGE_KERNEL));
}

/* The page stays reachable through stale TLB entries until the flush. */
void arena_kview_clear(struct arena_kview *kv, u32 off)
{
	set_pte(arena_kview_pte(kv, kv->start + off), __pte(0));
}

void arena_kview_flush(struct arena_kview *kv, u32 off, u64 len)
{
	arena_arch_flush_tlb_kernel(kv->start + off, kv->start + off + len);
}
