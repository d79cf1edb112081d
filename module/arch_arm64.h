/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ARENA_ARCH_ARM64_H
#define ARENA_ARCH_ARM64_H

#include <linux/bits.h>
#include <asm/pgtable.h>
#include <asm/sysreg.h>
#include <asm/tlbflush.h>

/*
 * TTBR1_EL1 holds swapper_pg_dir while the kernel runs (KPTI swaps it only
 * on the way to and from user space); its BADDR field is bits 47:1.
 */
static inline pgd_t *arena_arch_kernel_pgd(void)
{
	return (pgd_t *)phys_to_virt(read_sysreg(ttbr1_el1) & GENMASK_ULL(47, 1));
}

/* Inline on arm64: broadcast TLBI, no IPIs. */
static inline void arena_arch_flush_tlb_kernel(unsigned long start,
					       unsigned long end)
{
	flush_tlb_kernel_range(start, end);
}

/*
 * flush_tlb_kernel_range() invalidates last-level entries only; a freed
 * table needs the walk caches dropped as well, which VMALLE1IS does.
 */
static inline void arena_arch_flush_tlb_kernel_tables(void)
{
	flush_tlb_all();
}

static inline int arena_arch_check(void)
{
	return 0;
}

#endif /* ARENA_ARCH_ARM64_H */
