// SPDX-License-Identifier: GPL-2.0
/*
 * arm64 back end of the program JIT, the same shape as jit_x86.c: emitters,
 * one translation case per eBPF opcode class, exception-table entries for
 * arena accesses.  Built only for arm64 kernels; the code lands here with
 * the JIT.
 */
