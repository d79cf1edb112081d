// SPDX-License-Identifier: GPL-2.0
/*
 * Arena objects: a sparse region of up to 4 GiB, mapped lazily into user
 * processes and, at kern_vm_start + offset, into a kernel view that
 * generated code addresses with PROBE_MEM32 semantics.  The reference is
 * Linux's kernel/bpf/arena.c.  The object lands here with its ioctls.
 */
