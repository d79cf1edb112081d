// SPDX-License-Identifier: GPL-2.0
/*
 * x86-64 back end of the program JIT: emitters for each machine-instruction
 * form and the translation of each eBPF opcode class, including
 * addr_space_cast and PROBE_MEM32 accesses with exception-table entries.
 * Built only for x86-64 kernels; the code lands here with the JIT.
 */
