// SPDX-License-Identifier: GPL-2.0
/*
 * MPSC ring buffers with the memory layout of Linux's BPF ring buffer
 * (kernel/bpf/ringbuf.c), so that a consumer written for it works on ours
 * unchanged, plus the user-to-kernel direction.  The object lands here with
 * its ioctls.
 */
