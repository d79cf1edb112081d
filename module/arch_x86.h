/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ARENA_ARCH_X86_H
#define ARENA_ARCH_X86_H

#include <linux/errno.h>
#include <linux/smp.h>
#include <asm/cpufeature.h>
#include <asm/extable.h>
#include <asm/extable_fixup_types.h>
#include <asm/ptrace.h>
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

/* Past this many pages a full flush is cheaper (tlb_single_page_flush_ceiling). */
#define ARENA_X86_FLUSH_PAGES_MAX	33

struct arena_x86_flush_range {
	unsigned long start, end;
};

static inline void arena_arch_flush_tlb_range_cpu(void *arg)
{
	const struct arena_x86_flush_range *range = arg;
	unsigned long addr;

	for (addr = range->start; addr < range->end; addr += PAGE_SIZE)
		asm volatile("invlpg (%0)" : : "r" (addr) : "memory");
}

/*
 * One INVLPG per page on every CPU is what flush_tlb_kernel_range() does
 * for a short range, and it is not exported on x86.  INVLPG drops a global
 * translation in every PCID, so it is enough while kernel mappings are
 * global (PGE without page-table isolation).  With PTI they are not, and
 * other address spaces' PCIDs keep theirs; a Xen PV guest cannot INVLPG:
 * there, and for long ranges, a full flush on every CPU, which is exported
 * and leaves no stale translation anywhere (and costs every later access a
 * page walk, on real hardware and far more under emulation).  on_each_cpu()
 * needs interrupts on, hence "may sleep" callers.
 */
static inline void arena_arch_flush_tlb_kernel(unsigned long start,
					       unsigned long end)
{
	struct arena_x86_flush_range range = { start, end };

	if (boot_cpu_has(X86_FEATURE_PGE) && !boot_cpu_has(X86_FEATURE_PTI) &&
	    !boot_cpu_has(X86_FEATURE_XENPV) &&
	    (end - start) >> PAGE_SHIFT <= ARENA_X86_FLUSH_PAGES_MAX)
		on_each_cpu(arena_arch_flush_tlb_range_cpu, &range, 1);
	else
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

/*
 * Where each general-purpose register (by its encoding number) is saved in
 * struct pt_regs on a fault.
 */
static inline u32 arena_arch_ptregs_off(u8 reg)
{
	static const u8 off[16] = {
		offsetof(struct pt_regs, ax), offsetof(struct pt_regs, cx),
		offsetof(struct pt_regs, dx), offsetof(struct pt_regs, bx),
		offsetof(struct pt_regs, sp), offsetof(struct pt_regs, bp),
		offsetof(struct pt_regs, si), offsetof(struct pt_regs, di),
		offsetof(struct pt_regs, r8), offsetof(struct pt_regs, r9),
		offsetof(struct pt_regs, r10), offsetof(struct pt_regs, r11),
		offsetof(struct pt_regs, r12), offsetof(struct pt_regs, r13),
		offsetof(struct pt_regs, r14), offsetof(struct pt_regs, r15),
	};

	return off[reg & 15];
}

/* The scratch register a fault with nothing to zero names (6.1 zeroes one). */
#define ARENA_ARCH_EX_SCRATCH	11	/* r11 */

/*
 * An EX_TYPE_BPF entry at address at, as arch/x86/net/bpf_jit_comp.c
 * writes them: ex_handler_bpf() zeroes the register whose pt_regs offset
 * is in fixup's upper bits and skips fixup's low byte of instruction
 * length; fixup is not relative.
 */
static inline void arena_arch_ex_bpf(struct exception_table_entry *ex,
				     unsigned long at, unsigned long insn, u32 len,
				     u8 reg)
{
	ex->insn = insn - at;
	ex->fixup = len | arena_arch_ptregs_off(reg == 0xff ? ARENA_ARCH_EX_SCRATCH : reg) << 8;
	ex->data = EX_TYPE_BPF;
}

/* Only arm64 has two kinds of atomics to choose from. */
static inline bool arena_arch_jit_lse(void)
{
	return false;
}

/*
 * %gs:[the variable's per-CPU offset], what raw_smp_processor_id() reads.
 * The offset is the variable's address in the zero-based per-CPU section;
 * were it not, it would not fit the 32-bit displacement, and the helper
 * is called.
 */
static inline void arena_arch_jit_cpu_number(u32 *base, s32 *off)
{
	unsigned long addr = (unsigned long)&arena_x86_cpu_number;

	*base = addr <= S32_MAX ? 0x65 : 0;	/* the %gs prefix */
	*off = addr;
}

#endif /* ARENA_ARCH_X86_H */
