/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the architectures in reaching the kernel's page
 * tables and exception tables with exported symbols and inline helpers
 * only: one header each.
 *
 *	pgd_t *arena_arch_kernel_pgd(void)
 *		the root of the page tables that map vmalloc space
 *	void arena_arch_flush_tlb_kernel(unsigned long start, unsigned long end)
 *		drop every CPU's cached translations of [start, end); may sleep
 *	void arena_arch_flush_tlb_kernel_tables(void)
 *		the same for all kernel addresses, cached page-table walks
 *		included, before a page-table page is freed; may sleep
 *	int arena_arch_check(void)
 *		0 if the page tables can be edited this way on this machine
 *	void arena_arch_ex_bpf(struct exception_table_entry *ex, unsigned long at,
 *			       unsigned long insn, u32 len, u8 reg)
 *		an EX_TYPE_BPF exception-table entry that will sit at address
 *		at: a fault at insn zeroes register reg (0xff: none) and
 *		resumes len bytes later
 *	bool arena_arch_jit_lse(void)
 *		whether generated code may use the CPU's large-system-extension
 *		atomics (arm64; false elsewhere)
 *	void arena_arch_jit_cpu_number(u32 *base, s32 *off)
 *		where generated code reads this CPU's number (struct
 *		jit_target's cpu_number_base and _off); *base 0: nowhere
 */
#ifndef ARENA_ARCH_H
#define ARENA_ARCH_H

#if defined(CONFIG_X86_64)
#include "arch_x86.h"
#elif defined(CONFIG_ARM64)
#include "arch_arm64.h"
#else
#error "arena_kmod supports x86-64 and arm64"
#endif

#endif /* ARENA_ARCH_H */
