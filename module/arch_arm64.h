/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ARENA_ARCH_ARM64_H
#define ARENA_ARCH_ARM64_H

#include <linux/bitfield.h>
#include <linux/bits.h>
#include <linux/sched.h>
#include <asm/asm-extable.h>
#include <asm/extable.h>
#include <asm/cpufeature.h>
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

/* The scratch register a fault with nothing to zero names (6.1 zeroes one). */
#define ARENA_ARCH_EX_SCRATCH	10	/* x10 */

/*
 * An EX_TYPE_BPF entry at address at, as arch/arm64/net/bpf_jit_comp.c
 * writes them: ex_handler_bpf() zeroes the register in fixup's bits 31:27
 * and resumes at &ex->fixup minus bits 26:0, so the entry must sit above
 * the code it covers.
 */
static inline void arena_arch_ex_bpf(struct exception_table_entry *ex,
				     unsigned long at, unsigned long insn, u32 len,
				     u8 reg)
{
	unsigned long fixup = at + offsetof(struct exception_table_entry, fixup);

	ex->insn = insn - at;
	ex->fixup = FIELD_PREP(GENMASK(31, 27), reg == 0xff ? ARENA_ARCH_EX_SCRATCH : reg) |
		    FIELD_PREP(GENMASK(26, 0), fixup - (insn + len));
	ex->type = EX_TYPE_BPF;
	ex->data = 0;
}

/*
 * As the kernel's own BPF JIT decides: the capability every CPU has, read
 * from the exported bitmap (cpu_hwcaps on 6.1, system_cpucaps on 6.12)
 * through the inline cpus_have_cap().
 */
static inline bool arena_arch_jit_lse(void)
{
	return IS_ENABLED(CONFIG_ARM64_LSE_ATOMICS) && cpus_have_cap(ARM64_HAS_LSE_ATOMICS);
}

/*
 * In the kernel sp_el0 holds the current task, whose thread_info (its
 * first member) has the CPU the task runs on, as the kernel's JIT reads it.
 */
static inline void arena_arch_jit_cpu_number(u32 *base, s32 *off)
{
	*base = 0xd5384100;	/* mrs x0, sp_el0 */
	*off = offsetof(struct task_struct, thread_info) + offsetof(struct thread_info, cpu);
}

#endif /* ARENA_ARCH_ARM64_H */
