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

struct ringbuf;

long ringbuf_ioctl_create(void __user *uarg);

/*
 * A record of size bytes, to be filled and then submitted or discarded;
 * NULL when the ring has no room now, or never could.  Any context; in
 * NMI it may fail for contention alone.
 */
void *ringbuf_reserve(struct ringbuf *rb, u64 size);
/* flags: RINGBUF_NO_WAKEUP, RINGBUF_FORCE_WAKEUP, or 0 for adaptive. */
void ringbuf_submit(struct ringbuf *rb, void *sample, u32 flags);
void ringbuf_discard(struct ringbuf *rb, void *sample, u32 flags);

#endif /* ARENA_RINGBUF_KMOD_H */
