/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Ring buffers as the rest of the module sees them: created through
 * /dev/arena, fed by producers in the kernel with the semantics of
 * bpf_ringbuf_reserve()/submit()/discard().
 */
#ifndef ARENA_RINGBUF_KMOD_H
#define ARENA_RINGBUF_KMOD_H

#include <linux/compiler_types.h>
#include <linux/types.h>

struct file;
struct ringbuf;
struct ringbuf_info;

long ringbuf_ioctl_create(void __user *uarg);

/* A ring without a file, as RINGBUF_IOC_CREATE makes it; ERR_PTR on error. */
struct ringbuf *ringbuf_new(u64 data_size, u32 flags);
/* Frees a ring no file, mapping or producer uses any more. */
void ringbuf_put(struct ringbuf *rb);
void *ringbuf_vaddr(struct ringbuf *rb);
/* The ring behind a file, or NULL when it is not a ring's. */
struct ringbuf *ringbuf_from_file(struct file *file);
/* What RINGBUF_IOC_QUERY reports, but for ->size. */
void ringbuf_query(struct ringbuf *rb, struct ringbuf_info *info);

/*
 * A record of size bytes, to be filled and then submitted or discarded;
 * NULL when the ring has no room now, or never could.  Any context; in
 * NMI it may fail for contention alone.
 */
void *ringbuf_reserve(struct ringbuf *rb, u64 size);
/* flags: RINGBUF_NO_WAKEUP, RINGBUF_FORCE_WAKEUP, or 0 for adaptive. */
void ringbuf_submit(struct ringbuf *rb, void *sample, u32 flags);
void ringbuf_discard(struct ringbuf *rb, void *sample, u32 flags);
/* The ring a record from ringbuf_reserve() was reserved in. */
struct ringbuf *ringbuf_of_sample(void *sample);

/*
 * RINGBUF_F_USER rings: calls cb for up to max records user space
 * produced, in order, skipping discarded ones, until cb returns nonzero.
 * Returns how many cb saw, else 0 or -EINVAL for a ring whose positions
 * or headers user space made inconsistent, -EBUSY while another drain
 * runs.  The bytes cb sees are user memory: they may change under it.
 */
typedef int (*ringbuf_drain_fn)(void *ctx, void *data, u32 len);
long ringbuf_user_drain(struct ringbuf *rb, ringbuf_drain_fn cb, void *ctx, u64 max);

#endif /* ARENA_RINGBUF_KMOD_H */
