/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The differences between the kernels we build for (Debian 12's 6.1 and
 * 6.12) in one place, force-included into every source file by Kbuild, so
 * that the code itself reads like code written for the newest kernel.
 */
#ifndef ARENA_COMPAT_H
#define ARENA_COMPAT_H

#include <linux/version.h>

/* 6.2 moved the x86 CPU number (raw_smp_processor_id()) into pcpu_hot. */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0)
#define arena_x86_cpu_number	cpu_number
#else
#define arena_x86_cpu_number	pcpu_hot.cpu_number
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 3, 0)
#include <linux/mm_types.h>

/* 6.3 made vm_flags read-only outside these helpers. */
static inline void vm_flags_set(struct vm_area_struct *vma, unsigned long flags)
{
	vma->vm_flags |= flags;
}

static inline void vm_flags_clear(struct vm_area_struct *vma, unsigned long flags)
{
	vma->vm_flags &= ~flags;
}
#endif

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 10, 0)
#include <linux/mm_types.h>

/*
 * The address-space layout's own chooser, without the file's
 * get_unmapped_area hook (calling get_unmapped_area() from that hook would
 * recurse into it).  6.10 made it a function of the mm.
 */
static inline unsigned long mm_get_unmapped_area(struct mm_struct *mm, struct file *file,
						 unsigned long addr, unsigned long len,
						 unsigned long pgoff, unsigned long flags)
{
	return mm->get_unmapped_area(file, addr, len, pgoff, flags);
}
#endif

#endif /* ARENA_COMPAT_H */
