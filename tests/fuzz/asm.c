// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzes the conformance suite's assembler and test-file parser
 * (tests/conformance/asm.h) on arbitrary text: no crash, leak or undefined
 * behaviour, the error message a string within its buffer, and results
 * that hold together: a parsed test has instructions, and an assembled
 * program's every ld_imm64 has its second half (code, registers and
 * offset zero).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"

/* Small, so that long messages are cut. */
#define ERR_SIZE	48

static void asm_fuzz_die(const char *what, uint32_t index)
{
	fprintf(stderr, "asm: %s (instruction %u)\n", what, index);
	abort();
}

static void err_check(const char *err)
{
	if (!memchr(err, '\0', ERR_SIZE))
		asm_fuzz_die("error message not terminated in its buffer", 0);
}

static void pairs_check(const struct bpf_insn *insns, uint32_t nr)
{
	uint32_t i;

	for (i = 0; i < nr; i++) {
		if (insns[i].code != (BPF_LD | BPF_IMM | BPF_DW))
			continue;
		if (++i == nr)
			asm_fuzz_die("ld_imm64 without its second half", i - 1);
		if (insns[i].code || insns[i].dst_reg || insns[i].src_reg || insns[i].off)
			asm_fuzz_die("ld_imm64's second half not blank", i);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[ERR_SIZE];
	struct bpf_insn *insns = NULL;
	struct asm_test test;
	uint32_t nr = 0;

	memcpy(text, data, size);
	text[size] = '\0';

	memset(err, 'x', sizeof(err));
	if (!asm_assemble(text, &insns, &nr, err, sizeof(err))) {
		if (!insns != !nr)
			asm_fuzz_die("instructions and their count disagree", nr);
		pairs_check(insns, nr);
		free(insns);
	} else {
		err_check(err);
	}

	memset(err, 'x', sizeof(err));
	if (!asm_parse_test(text, &test, err, sizeof(err))) {
		if (!test.nr_insns || !test.insns)
			asm_fuzz_die("a test without instructions", test.nr_insns);
		if (!test.has_result && !test.error)
			asm_fuzz_die("a test without a result or an error", 0);
		if (!test.mem != !test.mem_len)
			asm_fuzz_die("memory and its length disagree", test.mem_len);
	} else {
		err_check(err);
		if (test.insns || test.nr_insns || test.mem || test.mem_len)
			asm_fuzz_die("a rejected test keeps instructions or memory", test.nr_insns);
	}
	asm_test_free(&test);
	free(text);
	return 0;
}
