/* SPDX-License-Identifier: GPL-2.0 */
/*
 * eBPF instructions as text, in the syntax of the bpf_conformance test
 * files that tests/conformance/asm.c assembles ("add32 %r0, 1", "ldxw %r0,
 * [%r1+4]", "jeq %r1, 2, +3", "lock fetch add [%r10-8], %r1", "arena stxw
 * ...", "call helper 130"), so that a dump reads like the tests.  Jump
 * targets are shown as relative offsets ("+3"), as the encoding has them.
 */
#ifndef ARENACTL_DISASM_H
#define ARENACTL_DISASM_H

#include <stddef.h>

#include <linux/bpf.h>

/*
 * Writes insn[0] (and insn[1] for a 16-byte load of left >= 2) into buf;
 * returns the number of slots it took: 1 or 2.
 */
int disasm_insn(const struct bpf_insn *insn, size_t left, char *buf, size_t len);

#endif /* ARENACTL_DISASM_H */
