/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The input of the verifier_interp fuzzer: a header choosing the context's
 * size, the objects and the log, then the program's instructions, 8 bytes
 * each in host order (a partial last one is ignored).
 *
 * The objects sit in fixed slots, the first nr_objs of them, as the
 * verifier's corpus (tests/unit/verifier.c) numbers them, so that its
 * programs serve as seeds unchanged:
 *   0 an array of value_size bytes x max_entries, read-only with F_RDONLY
 *   1 a kernel-to-user ring of PROG_INPUT_RING_SIZE bytes
 *   2 an arena of PROG_INPUT_ARENA_PAGES pages (an array of 16 bytes with
 *     F_NO_ARENA), some pages present at the start
 *   3 a read-only array of one 8-byte value
 *   4 an array of one 64-byte value
 *   5 a user-to-kernel ring
 */
#ifndef ARENA_FUZZ_PROG_INPUT_H
#define ARENA_FUZZ_PROG_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bpf_isa.h"

#define PROG_INPUT_MAX_OBJS	6
#define PROG_INPUT_RING_SIZE	4096
#define PROG_INPUT_ARENA_PAGES	256
#define PROG_INPUT_ARENA_USER	0x7f0000000000ULL

#define PROG_INPUT_F_RDONLY		(1U << 0)	/* object 0 read-only */
#define PROG_INPUT_F_NO_ARENA		(1U << 1)	/* slot 2 an array */
#define PROG_INPUT_F_NO_USER_CONV	(1U << 2)	/* the arena's flag */
/*
 * Shape the instructions into what the verifier's first checks pass, so
 * that random bytes reach its walk and the interpreter: registers modulo
 * 11, jumps that leave the program wrapped into it, an exit at the end.
 */
#define PROG_INPUT_F_SHAPE		(1U << 3)

struct prog_input_header {
	uint8_t ctx_size;	/* bytes; 0: r1 is 0 */
	uint8_t nr_objs;	/* modulo PROG_INPUT_MAX_OBJS + 1 */
	uint8_t flags;		/* PROG_INPUT_F_* */
	uint8_t value_size;	/* object 0's, minus 1 */
	uint8_t max_entries;	/* object 0's, minus 1, modulo 16 */
	uint8_t arena_pages;	/* bit n: arena page n present */
	uint8_t log_size;	/* bytes, minus 1 */
	uint8_t log_level;	/* modulo 3 */
};

/* PROG_INPUT_F_SHAPE: see above.  len must not be 0. */
static inline void prog_input_shape(struct bpf_insn *insns, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++) {
		struct bpf_insn *insn = &insns[i];
		u8 class = BPF_CLASS(insn->code), op = BPF_OP(insn->code);
		bool pseudo = isa_is_ld_imm64(insn) || insn->code == (BPF_JMP | BPF_CALL);
		s64 target;

		insn->dst_reg %= 11;
		if (!pseudo)
			insn->src_reg %= 11;
		target = (s64)i + 1 + insn->off;
		if ((class == BPF_JMP || class == BPF_JMP32) && op != BPF_CALL &&
		    op != BPF_EXIT && (target < 0 || target >= len))
			insn->off = (s64)((u16)insn->off % len) - i - 1;
		if (isa_is_ld_imm64(insn) && i + 1 < len) {
			memset(&insns[i + 1], 0, offsetof(struct bpf_insn, imm));
			i++;
		}
	}
	insns[len - 1] = (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
}

#endif /* ARENA_FUZZ_PROG_INPUT_H */
