// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel view of an arena, built from exported symbols only (DESIGN.md
 * section 4).  get_vm_area() is not exported, so vm_map_ram() reserves the
 * 4 GiB range, building page tables for all of it by mapping one dummy page
 * everywhere.  Those 2049 PTE pages (8 MiB) are then taken back: every
 * PMD-sized slice wholly inside the range loses its PTE page (the PMD entry
 * is cleared, the TLBs and walk caches flushed, the page freed), so that an
 * arena costs page tables only where it has pages.  The two slices at the
 * ends share their PTE pages with neighbouring vmalloc areas: those stay,
 * with our entries in them emptied.
 *
 * From then on this file owns the range's entries: a slice gets a PTE page
 * (zeroed, charged like the arena's pages) before its first page goes in,
 * keeps it while the view lives, and loses it when the view is destroyed;
 * a PTE is written only from empty to a page or from a page to empty, and
 * the TLBs are flushed before a page taken out can be freed.
 *
 * Callers serialise prepare/insert/clear on one view (the arena's lock).
 * Lookups may run concurrently with them: PTE pages never go away while
 * the view lives.
 */
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/pgtable.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/pgalloc.h>

#include "arch.h"
#include "kview.h"

#define ARENA_KVIEW_PAGES	(ARENA_KVIEW_SIZE >> PAGE_SHIFT)

int arena_kview_check_arch(void)
{
	return arena_arch_check();
}

static pmd_t *arena_kview_walk(unsigned long addr)
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
	return pmd;
}

static unsigned long arena_kview_end(const struct arena_kview *kv)
{
	return (unsigned long)kv->base + ARENA_KVIEW_SIZE;
}

static unsigned long arena_kview_slice_addr(const struct arena_kview *kv,
					    unsigned long slice)
{
	return kv->slices_base + slice * PMD_SIZE;
}

/* Whether a slice lies wholly inside the view, its PTE page ours alone. */
static bool arena_kview_slice_is_ours(const struct arena_kview *kv,
				      unsigned long slice)
{
	unsigned long addr = arena_kview_slice_addr(kv, slice);

	return addr >= (unsigned long)kv->base &&
	       addr + PMD_SIZE <= arena_kview_end(kv);
}

static pmd_t *arena_kview_pmd(const struct arena_kview *kv, unsigned long addr)
{
	return kv->pmd_tables[(addr - kv->tables_base) >> PUD_SHIFT] + pmd_index(addr);
}

/* The PTE for a kernel address of the view, NULL if its slice has none. */
static pte_t *arena_kview_pte(const struct arena_kview *kv, unsigned long addr)
{
	pmd_t *pmd = arena_kview_pmd(kv, addr);

	if (pmd_none(READ_ONCE(*pmd)))
		return NULL;
	return pte_offset_kernel(pmd, addr);
}

/*
 * Empties the PMD entries of the slices that are ours and frees their PTE
 * pages once no CPU can walk them any more.  The pages are no longer page
 * tables once unlinked, so their lru can hold them until then.
 */
static void arena_kview_drop_tables(struct arena_kview *kv)
{
	struct page *page, *tmp;
	LIST_HEAD(tables);
	unsigned long i;

	for (i = 0; i < kv->nr_slices; i++) {
		pmd_t *pmd = arena_kview_pmd(kv, arena_kview_slice_addr(kv, i));

		if (!arena_kview_slice_is_ours(kv, i) || pmd_none(*pmd))
			continue;
		list_add(&virt_to_page(pmd_page_vaddr(*pmd))->lru, &tables);
		pmd_clear(pmd);
	}
	if (list_empty(&tables))
		return;
	arena_arch_flush_tlb_kernel_tables();
	list_for_each_entry_safe(page, tmp, &tables, lru) {
		list_del(&page->lru);
		__free_page(page);
	}
}

/* Finds the PMD tables of the range, then keeps PTE pages only at its ends. */
static int arena_kview_take(struct arena_kview *kv)
{
	unsigned long base = (unsigned long)kv->base, end = arena_kview_end(kv);
	unsigned long region, slice, addr, to;
	pmd_t *pmd;
	int i = 0;

	BUILD_BUG_ON(ARENA_KVIEW_SIZE / PUD_SIZE + 2 > ARENA_KVIEW_PMD_TABLES);
	for (region = kv->tables_base; region < end; region += PUD_SIZE) {
		pmd = arena_kview_walk(max(region, base));
		if (WARN_ON_ONCE(!pmd))
			return -EFAULT;
		kv->pmd_tables[i++] = pmd - pmd_index(max(region, base));
	}
	/* The end slices keep their PTE pages: empty our part of them. */
	for (slice = 0; slice < kv->nr_slices; slice++) {
		if (arena_kview_slice_is_ours(kv, slice))
			continue;
		addr = max(arena_kview_slice_addr(kv, slice), base);
		to = min(arena_kview_slice_addr(kv, slice) + PMD_SIZE, end);
		for (; addr < to; addr += PAGE_SIZE)
			set_pte(arena_kview_pte(kv, addr), __pte(0));
	}
	/* Also flushes the dummy page's translations at the ends. */
	arena_kview_drop_tables(kv);
	return 0;
}

/*
 * Building a view costs a 4 GiB vm_map_ram(): 16 MiB for a moment and, under
 * QEMU, a tenth of a second.  An emptied view costs a few pages, so
 * destroyed views wait here for the next arena.
 */
#define ARENA_KVIEW_IDLE_MAX	8

static DEFINE_MUTEX(arena_kview_idle_lock);
static struct arena_kview arena_kview_idle[ARENA_KVIEW_IDLE_MAX];
static int arena_kview_nr_idle;

static bool arena_kview_reuse(struct arena_kview *kv)
{
	bool found = false;

	mutex_lock(&arena_kview_idle_lock);
	if (arena_kview_nr_idle) {
		*kv = arena_kview_idle[--arena_kview_nr_idle];
		found = true;
	}
	mutex_unlock(&arena_kview_idle_lock);
	return found;
}

static bool arena_kview_keep(const struct arena_kview *kv)
{
	bool kept = false;

	mutex_lock(&arena_kview_idle_lock);
	if (arena_kview_nr_idle < ARENA_KVIEW_IDLE_MAX) {
		arena_kview_idle[arena_kview_nr_idle++] = *kv;
		kept = true;
	}
	mutex_unlock(&arena_kview_idle_lock);
	return kept;
}

/* At unload, when no arena is left. */
void arena_kview_exit(void)
{
	while (arena_kview_nr_idle)
		vm_unmap_ram(arena_kview_idle[--arena_kview_nr_idle].base,
			     ARENA_KVIEW_PAGES);
}

static int arena_kview_build(struct arena_kview *kv)
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
	kv->slices_base = ALIGN_DOWN((unsigned long)kv->base, PMD_SIZE);
	kv->nr_slices = (ALIGN(arena_kview_end(kv), PMD_SIZE) - kv->slices_base) >>
			PMD_SHIFT;
	kv->tables_base = ALIGN_DOWN((unsigned long)kv->base, PUD_SIZE);
	err = arena_kview_take(kv);
	if (err) {
		vm_unmap_ram(kv->base, ARENA_KVIEW_PAGES);
		/* vm_unmap_ram() flushes lazily: the dummy may still be in a TLB. */
		vm_unmap_aliases();
	}
out_dummy:
	/* No translation of it is left: its PTEs are gone and flushed. */
	__free_page(dummy);
	return err;
}

int arena_kview_create(struct arena_kview *kv)
{
	return arena_kview_reuse(kv) ? 0 : arena_kview_build(kv);
}

/*
 * Every page must have been cleared and flushed already.  What is left is
 * empty: no PTE page inside, no entry at the ends, nothing in a TLB.
 */
void arena_kview_destroy(struct arena_kview *kv)
{
	arena_kview_drop_tables(kv);
	if (!arena_kview_keep(kv))
		vm_unmap_ram(kv->base, ARENA_KVIEW_PAGES);
}

/* Gives every slice of [off, off + len) a PTE page, so that insert cannot fail. */
int arena_kview_prepare(struct arena_kview *kv, u32 off, u64 len, gfp_t gfp)
{
	unsigned long addr = kv->start + off, end = addr + len;
	pte_t *table;
	pmd_t *pmd;

	for (; addr < end; addr = ALIGN_DOWN(addr, PMD_SIZE) + PMD_SIZE) {
		pmd = arena_kview_pmd(kv, addr);
		if (!pmd_none(*pmd))
			continue;
		table = (pte_t *)get_zeroed_page(gfp);
		if (!table)
			return -ENOMEM;
		/* No mm: the kernel's own, which is not exported, is implied. */
		pmd_populate_kernel(NULL, pmd, table);
	}
	return 0;
}

struct page *arena_kview_page(const struct arena_kview *kv, u32 off)
{
	pte_t *ptep = arena_kview_pte(kv, kv->start + off);
	pte_t pte;

	if (!ptep)
		return NULL;
	pte = READ_ONCE(*ptep);
	return pte_present(pte) ? pte_page(pte) : NULL;
}

/* The slice must have been prepared. */
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

/* PTE pages of the slices wholly inside the view: what its pages cost in tables. */
unsigned long arena_kview_nr_tables(const struct arena_kview *kv)
{
	unsigned long i, n = 0;

	for (i = 0; i < kv->nr_slices; i++)
		n += arena_kview_slice_is_ours(kv, i) &&
		     !pmd_none(*arena_kview_pmd(kv, arena_kview_slice_addr(kv, i)));
	return n;
}
