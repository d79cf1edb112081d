/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The input of the verifier_interp fuzzer: a header choosing the context's
 * size, the objects and the log; with PROG_INPUT_F_GLOBALS a byte n and n
 * declarations of global functions (struct prog_global_func, host order);
 * then the program's instructions, 8 bytes each in host order (a partial
 * last one is ignored).
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

#include <uapi/arena_kmod.h>

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
#define PROG_INPUT_F_GLOBALS		(1U << 4)	/* declarations follow */
#define PROG_INPUT_MAX_GLOBALS		8

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

/* An input taken apart; insns points into it, unaligned. */
struct prog_input {
	struct prog_input_header h;
	struct prog_global_func globals[PROG_INPUT_MAX_GLOBALS];
	u32 nr_globals;		/* n modulo PROG_INPUT_MAX_GLOBALS + 1 */
	const uint8_t *insns;
	u32 len;
};

/* false when size is too short for what the header announces. */
static inline bool prog_input_parse(const uint8_t *data, size_t size, struct prog_input *in)
{
	size_t decls;

	if (size < sizeof(in->h))
		return false;
	memcpy(&in->h, data, sizeof(in->h));
	data += sizeof(in->h);
	size -= sizeof(in->h);
	in->nr_globals = 0;
	if (in->h.flags & PROG_INPUT_F_GLOBALS) {
		if (!size)
			return false;
		in->nr_globals = data[0] % (PROG_INPUT_MAX_GLOBALS + 1);
		decls = in->nr_globals * sizeof(in->globals[0]);
		if (size - 1 < decls)
			return false;
		memcpy(in->globals, data + 1, decls);
		data += 1 + decls;
		size -= 1 + decls;
	}
	in->insns = data;
	in->len = size / sizeof(struct bpf_insn);
	return true;
}

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
