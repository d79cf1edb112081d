/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ARENA_ARCH_X86_H
#define ARENA_ARCH_X86_H

#include <linux/errno.h>
#include <linux/smp.h>
#include <asm/cpufeature.h>
#include <asm/pgtable.h>
#include <asm/tlbflush.h>

/*
 * In kernel mode CR3 holds the kernel half of the page tables (also with
 * PTI), and every process shares the kernel's vmalloc-space tables below
 * the top level, so the running CPU's root is as good as init_mm's (which
 * is not exported).
 */
static inline pgd_t *arena_arch_kernel_pgd(void)
{
	return (pgd_t *)__va(read_cr3_pa());
}

static inline void arena_arch_flush_tlb_cpu(void *unused)
{
	__flush_tlb_all();
}

/*
 * flush_tlb_kernel_range() is not exported on x86; a full flush on every
 * CPU is.  on_each_cpu() needs interrupts on, hence "may sleep" callers.
 */
static inline void arena_arch_flush_tlb_kernel(unsigned long start,
					       unsigned long end)
{
	on_each_cpu(arena_arch_flush_tlb_cpu, NULL, 1);
}

/* __flush_tlb_all() drops the paging-structure caches too. */
static inline void arena_arch_flush_tlb_kernel_tables(void)
{
	on_each_cpu(arena_arch_flush_tlb_cpu, NULL, 1);
}

/*
 * A Xen PV guest's page tables are the hypervisor's to validate: new PTE
 * pages would have to be pinned through it, which nothing exported does.
 */
static inline int arena_arch_check(void)
{
	return cpu_feature_enabled(X86_FEATURE_XENPV) ? -EOPNOTSUPP : 0;
}

#endif /* ARENA_ARCH_X86_H */
