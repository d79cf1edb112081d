// SPDX-License-Identifier: GPL-2.0
/*
 * The ELF loader on arbitrary bytes: opening must refuse what is malformed
 * with an error, never read out of bounds or crash; what opens is walked
 * (programs, instructions, maps) and closed.  Seeds: the loader's test
 * objects, compiled by clang-19 from tests/loader.
 */
#include <stddef.h>
#include <stdint.h>

#include "libarena.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct arena_object *obj;
	struct arena_program *prog = NULL;
	struct arena_object_map *map = NULL;
	volatile unsigned long sum = 0;
	size_t i;

	libarena_set_print(NULL);
	obj = arena_object__open_mem(data, size, NULL);
	while ((prog = arena_object__next_program(obj, prog))) {
		const struct bpf_insn *insns = arena_program__insns(prog);

		/* Unsigned: an immediate near INT_MAX must not overflow. */
		for (i = 0; i < arena_program__insn_cnt(prog); i++)
			sum += insns[i].code + (uint32_t)insns[i].imm;
	}
	while ((map = arena_object__next_map(obj, map)))
		sum += arena_object_map__type(map);
	arena_object__close(obj);
	return 0;
}
