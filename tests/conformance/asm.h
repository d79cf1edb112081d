/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The text format of the bpf_conformance suite (../shared/reference/
 * bpf_conformance): an assembler for its mnemonics and a parser for its
 * test files, so that the host tests, the fuzzers and the JIT tests write
 * programs as text.
 *
 * The assembly is upstream's: `mov32 %r0, 0`, `lddw %r1, 0x...`,
 * `ldxw %r0, [%r1+4]`, `jeq %r1, 2, label` (or `+N`), `lock fetch add
 * [%r10-8], %r1`, `call 1` (helper), `call local label` (bpf-to-bpf),
 * `call runtime 1` (kfunc), `call %r2` (callx), `exit`; labels end in ':',
 * '#' starts a comment, and the first `exit` is also the label "exit".
 * Forms of our own for what the kernel has beyond the suite:
 *   may_goto label			JMP | JCOND, src_reg ISA_MAY_GOTO
 *   addr_space_cast %rD, %rS, D, S	imm (D << 16) | S
 *   ldfunc %rD, label			ld_imm64 src_reg BPF_PSEUDO_FUNC
 *   arena <ldx/st/stx/lock ...>	the same access in the arena's modes
 *					(ISA_PROBE_MEM32, ISA_PROBE_ATOMIC)
 * Errors are upstream's messages ("Invalid register: %r50", ...).
 */
#ifndef ARENA_ASM_H
#define ARENA_ASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/bpf.h>

/* What a test file holds. */
struct asm_test {
	struct bpf_insn *insns;		/* from -- asm, or -- raw when present */
	uint32_t nr_insns;
	uint8_t *mem;			/* -- mem, or NULL */
	uint32_t mem_len;
	bool has_result;
	uint64_t result;		/* -- result */
	char *error;			/* -- error, or NULL */
};

/*
 * Assembles text into a malloc'ed array: 0, or -EINVAL with the reason in
 * err (which may be NULL), or -ENOMEM.
 */
int asm_assemble(const char *text, struct bpf_insn **insns, uint32_t *nr_insns,
		 char *err, size_t err_size);

/*
 * Parses a test file's text as upstream's runner does: a file without a
 * result or an error, or without instructions, is rejected.  -- raw takes
 * 64-bit instructions written 0x..., or bytes as two hex digits each.
 * test->error is set as soon as its section is read, also when the file is
 * rejected afterwards.
 */
int asm_parse_test(const char *text, struct asm_test *test, char *err, size_t err_size);
/* The same from a file; -errno when it cannot be read. */
int asm_load_test(const char *path, struct asm_test *test, char *err, size_t err_size);
void asm_test_free(struct asm_test *test);

#endif /* ARENA_ASM_H */
