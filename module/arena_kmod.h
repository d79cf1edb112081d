/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Arenas as the rest of the module sees them: created through /dev/arena,
 * used by programs through the bpf_arena_*() semantics below.
 */
#ifndef ARENA_ARENA_KMOD_H
#define ARENA_ARENA_KMOD_H

#include <linux/compiler_types.h>
#include <linux/types.h>

#include <uapi/arena_kmod.h>

struct arena;
struct file;
struct page;

long arena_ioctl_create(void __user *uarg);

/* An arena without a file, as ARENA_IOC_CREATE makes it; ERR_PTR on error. */
struct arena *arena_new(const struct arena_create *req);
/* Frees an arena no file, mapping or program uses any more. */
void arena_put(struct arena *arena);

unsigned long arena_kern_vm_start(const struct arena *arena);

/* The arena behind a file, or NULL when it is not an arena's. */
struct arena *arena_from_file(struct file *file);
/* What ARENA_IOC_INFO reports, but for ->size. */
void arena_info(struct arena *arena, struct arena_info *info);
/*
 * The page at kernel-view offset off (the low 32 bits of an arena pointer,
 * rounded down to a page), or NULL when absent.  Caller holds
 * rcu_read_lock(); the page stays allocated until it drops it.
 */
struct page *arena_kernel_page(struct arena *arena, u32 off);

/*
 * bpf_arena_alloc_pages() and bpf_arena_free_pages() as programs call them:
 * arena pointers (only their low 32 bits count, 0 is "anywhere" for alloc),
 * 0 returned on any failure, out-of-range frees clipped.  May sleep.
 */
u64 arena_prog_alloc_pages(struct arena *arena, u64 ptr, u32 n, int node,
			   u64 flags);
void arena_prog_free_pages(struct arena *arena, u64 ptr, u32 n);

#endif /* ARENA_ARENA_KMOD_H */
