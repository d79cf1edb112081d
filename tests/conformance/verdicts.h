/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The conformance suite through the verifier, the way programs really run
 * (host suite and VM test alike): the program gets r1 = its context (the
 * test's memory) and nothing else, so the suite's r2 = length comes from an
 * instruction put in front; and some tests are programs the kernel's
 * verifier rejects too, listed here with the rule the log must name.
 */
#ifndef ARENA_VERDICTS_H
#define ARENA_VERDICTS_H

#include <stdint.h>

#include <linux/bpf.h>

/* NULL when the verifier must accept stem's program, else the rule. */
const char *verdict_expected_rejection(const char *stem);

/*
 * insns with "r2 = mem_len" in front, malloc'ed (n + 1 instructions), or
 * NULL.  Every jump and call is relative, so nothing else changes.
 */
struct bpf_insn *verdict_with_length(const struct bpf_insn *insns, uint32_t n,
				     uint32_t mem_len);

#endif /* ARENA_VERDICTS_H */
