// SPDX-License-Identifier: GPL-2.0
/*
 * What the verifier must say about each conformance test (verdicts.h).
 */
#include <stdlib.h>
#include <string.h>

#include "verdicts.h"

/*
 * Shifts by an immediate outside 0 .. width - 1 are the kernel's "invalid
 * shift"; callx (0x8d) is no instruction of the kernel's.
 */
static const struct {
	const char *prefix, *suffix, *rule;
} rejections[] = {
	{ "lsh", "-imm-neg", "invalid shift" },
	{ "lsh", "-imm-high", "invalid shift" },
	{ "rsh", "-imm-neg", "invalid shift" },
	{ "rsh", "-imm-high", "invalid shift" },
	{ "arsh", "-imm-neg", "invalid shift" },
	{ "arsh", "-imm-high", "invalid shift" },
	{ "callx", "", "opcode 0x8d" },
};

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

const char *verdict_expected_rejection(const char *stem)
{
	size_t i;

	for (i = 0; i < sizeof(rejections) / sizeof(rejections[0]); i++)
		if (!strncmp(stem, rejections[i].prefix, strlen(rejections[i].prefix)) &&
		    ends_with(stem, rejections[i].suffix))
			return rejections[i].rule;
	return NULL;
}

struct bpf_insn *verdict_with_length(const struct bpf_insn *insns, uint32_t n,
				     uint32_t mem_len)
{
	struct bpf_insn *out = calloc(n + 1, sizeof(*out));

	if (!out)
		return NULL;
	out[0].code = BPF_ALU64 | BPF_MOV | BPF_K;
	out[0].dst_reg = BPF_REG_2;
	out[0].imm = (int32_t)mem_len;
	memcpy(out + 1, insns, n * sizeof(*insns));
	return out;
}
