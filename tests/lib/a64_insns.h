/* SPDX-License-Identifier: GPL-2.0 */
/*
 * arm64 instruction words the JIT tests look for in generated code, and
 * a counter of them, for the unit tests (code from jit_compile()) and the
 * VM tests (code from PROG_IOC_INFO) alike.
 */
#ifndef ARENA_TEST_A64_INSNS_H
#define ARENA_TEST_A64_INSNS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The two kinds of atomics: LSE instructions or load-exclusive loops. */
#define A64_LSE_MASK	0x3f200c00U	/* ldadd, ldclr, ldeor, ldset, swp */
#define A64_LSE_OP	0x38200000U
#define A64_CAS_MASK	0x3fa07c00U
#define A64_CAS		0x08a07c00U
#define A64_LDXR_MASK	0x3ffffc00U
#define A64_LDXR	0x085f7c00U

/* Word i of the code at code. */
static inline uint32_t a64_word(const uint8_t *code, size_t i)
{
	uint32_t insn;

	memcpy(&insn, code + 4 * i, sizeof(insn));
	return insn;
}

/* How many of the len bytes' instructions match value under mask. */
static inline unsigned int a64_count_in(const uint8_t *code, size_t len, uint32_t mask,
					uint32_t value)
{
	unsigned int n = 0;
	size_t i;

	for (i = 0; i < len / 4; i++)
		n += (a64_word(code, i) & mask) == value;
	return n;
}

#endif
