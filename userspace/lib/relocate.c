// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * A program's instructions as PROG_IOC_LOAD takes them: the entry
 * function, then every subprogram and callback it reaches, each appended
 * once, with the relocations clang-19 emits applied (see
 * ../shared/reference/toolchain-facts.md):
 *
 *	ld_imm64, R_BPF_64_64 against	becomes
 *	  a map's symbol in .maps	src_reg BPF_PSEUDO_MAP_IDX, imm = obj index
 *	  .data/.rodata/.bss		BPF_PSEUDO_MAP_IDX_VALUE, imm = obj index,
 *	  (own or section symbol)	next imm = st_value + addend
 *	  .addr_space.1			the same, against the arena, whose first
 *					bytes hold that section's image
 *	  a code section (callback)	BPF_PSEUDO_FUNC, imm = pc-relative target
 *	call, src_reg 1:
 *	  no relocation			same section: target = pc + imm + 1
 *	  R_BPF_64_32, section symbol	target = st_value / 8 + imm + 1 there
 *	  R_BPF_64_32, undefined	a kfunc, by name: BPF_PSEUDO_KFUNC_CALL
 *
 * Objects are numbered per program, in the order it first names them,
 * which is the order of its obj_fds.  The global functions it reaches are
 * then listed for the verifier (global_funcs.c).
 */
#include <stdlib.h>
#include <string.h>

#include "loader.h"

#define INSN_LD_IMM64	(BPF_LD | BPF_IMM | BPF_DW)
#define INSN_CALL	(BPF_JMP | BPF_CALL)

/* A function appended to the program, at base; a callback if referenced as one. */
struct placed_func {
	const struct elf_func *func;
	size_t base;
	bool callback;
};

struct reloc_state {
	const struct arena_object *obj;
	struct arena_program *prog;
	struct placed_func *placed;
	size_t nr_placed;
};

static const struct {
	const char *name;
	__s32 id;
} kfuncs[] = {
	{ "bpf_arena_alloc_pages", ARENA_KFUNC_ARENA_ALLOC_PAGES },
	{ "bpf_arena_free_pages", ARENA_KFUNC_ARENA_FREE_PAGES },
};

/* Where func starts in the program, appending it first if it is not yet. */
static int place_func(struct reloc_state *st, const struct elf_func *func, size_t *basep)
{
	const struct elf_section *sec = &st->obj->elf.sections[func->sec];
	struct arena_program *prog = st->prog;
	struct placed_func *placed;
	struct bpf_insn *insns;
	size_t i;

	for (i = 0; i < st->nr_placed; i++) {
		if (st->placed[i].func == func) {
			*basep = st->placed[i].base;
			return 0;
		}
	}
	if (prog->insn_cnt + func->len > PROG_INSNS_MAX) {
		pr_warn("program '%s': more than %u instructions\n", prog->name, PROG_INSNS_MAX);
		return -E2BIG;
	}
	insns = realloc(prog->insns, (prog->insn_cnt + func->len) * sizeof(*insns));
	placed = realloc(st->placed, (st->nr_placed + 1) * sizeof(*placed));
	if (insns)
		prog->insns = insns;
	if (placed)
		st->placed = placed;
	if (!insns || !placed)
		return -ENOMEM;
	/* As bytes: a section's data may sit at any offset of the file. */
	memcpy(insns + prog->insn_cnt, (const char *)sec->data + func->start * sizeof(*insns),
	       func->len * sizeof(*insns));
	placed[st->nr_placed++] = (struct placed_func){ func, prog->insn_cnt, false };
	*basep = prog->insn_cnt;
	prog->insn_cnt += func->len;
	return 0;
}

/* The program's index for the object's map_idx, added on first use. */
static int prog_obj_index(struct arena_program *prog, int map_idx)
{
	size_t i;
	int *maps;

	for (i = 0; i < prog->nr_maps; i++)
		if (prog->maps[i] == map_idx)
			return i;
	if (prog->nr_maps == PROG_OBJS_MAX) {
		pr_warn("program '%s': more than %u objects\n", prog->name, PROG_OBJS_MAX);
		return -E2BIG;
	}
	maps = realloc(prog->maps, (prog->nr_maps + 1) * sizeof(*maps));
	if (!maps)
		return -ENOMEM;
	prog->maps = maps;
	maps[prog->nr_maps] = map_idx;
	return prog->nr_maps++;
}

int object_map_for(const struct arena_object *obj, size_t sec, __u64 offset)
{
	const char *name = obj->elf.sections[sec].name;
	size_t i;

	if (!strcmp(name, ".addr_space.1"))
		return obj->arena_map;
	for (i = 0; i < obj->nr_maps; i++) {
		const struct arena_object_map *map = &obj->maps[i];

		if (!strcmp(name, ".maps") ? map->sec == OBJECT_MAP_NO_SECTION &&
					     map->maps_offset == offset :
					     map->sec == sec)
			return i;
	}
	return -1;
}

/* A target in code section sec, at instruction insn, placed: its base. */
static int place_target(struct reloc_state *st, size_t sec, long long insn,
			const char *what, size_t *basep)
{
	const struct elf_object *eo = &st->obj->elf;
	const struct elf_func *func = NULL;

	if (insn >= 0)
		func = elf_object_func_at(eo, sec, insn);
	if (!func) {
		pr_warn("program '%s': %s target %lld in section '%s' is no function's start\n",
			st->prog->name, what, insn, eo->sections[sec].name);
		return -EINVAL;
	}
	return place_func(st, func, basep);
}

/* The function placed at base is referenced as a callback. */
static void mark_callback(struct reloc_state *st, size_t base)
{
	size_t i;

	for (i = 0; i < st->nr_placed; i++)
		if (st->placed[i].base == base)
			st->placed[i].callback = true;
}

static int relocate_ld_imm64(struct reloc_state *st, size_t pc, const GElf_Rel *rel)
{
	const struct elf_object *eo = &st->obj->elf;
	const GElf_Sym *sym = &eo->syms[GELF_R_SYM(rel->r_info)];
	const char *name = elf_object_sym_name(eo, sym);
	struct bpf_insn *insn = &st->prog->insns[pc];
	const struct elf_section *sec;
	__u64 off = sym->st_value + (__s64)insn->imm;
	int map, idx;
	size_t base;

	if (GELF_R_TYPE(rel->r_info) != R_BPF_64_64 || sym->st_shndx == SHN_UNDEF ||
	    sym->st_shndx == SHN_ABS) {
		pr_warn("program '%s': unknown extern '%s'\n", st->prog->name, name);
		return -EOPNOTSUPP;
	}
	sec = &eo->sections[sym->st_shndx];
	if (elf_section_is_code(sec)) {
		if (off % sizeof(*insn)) {
			pr_warn("program '%s': callback offset %llu in '%s' is not an instruction\n",
				st->prog->name, (unsigned long long)off, sec->name);
			return -EINVAL;
		}
		idx = place_target(st, sym->st_shndx, off / sizeof(*insn), "callback", &base);
		if (idx)
			return idx;
		mark_callback(st, base);
		insn = &st->prog->insns[pc];
		insn->src_reg = BPF_PSEUDO_FUNC;
		insn->imm = (__s32)(base - pc - 1);
		return 0;
	}
	map = object_map_for(st->obj, sym->st_shndx, sym->st_value);
	if (map < 0) {
		pr_warn("program '%s': reference to '%s' in section '%s', which is no map\n",
			st->prog->name, name, sec->name);
		return -EOPNOTSUPP;
	}
	idx = prog_obj_index(st->prog, map);
	if (idx < 0)
		return idx;
	insn->imm = idx;
	if (!strcmp(sec->name, ".maps")) {
		insn->src_reg = BPF_PSEUDO_MAP_IDX;
		insn[1].imm = 0;
		return 0;
	}
	if (off > sec->size || off > INT32_MAX) {
		pr_warn("program '%s': offset %llu of '%s' is outside section '%s'\n",
			st->prog->name, (unsigned long long)off, name, sec->name);
		return -EINVAL;
	}
	insn->src_reg = BPF_PSEUDO_MAP_IDX_VALUE;
	insn[1].imm = (__s32)off;
	return 0;
}

static int relocate_kfunc(struct reloc_state *st, struct bpf_insn *insn, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(kfuncs) / sizeof(kfuncs[0]); i++) {
		if (!strcmp(kfuncs[i].name, name)) {
			insn->src_reg = BPF_PSEUDO_KFUNC_CALL;
			insn->off = 0;
			insn->imm = kfuncs[i].id;
			return 0;
		}
	}
	pr_warn("program '%s': unknown extern function '%s'\n", st->prog->name, name);
	return -EOPNOTSUPP;
}

/* A bpf-to-bpf call or a kfunc call at pc, section instruction si. */
static int relocate_call(struct reloc_state *st, const struct elf_func *func, size_t pc,
			 size_t si, const GElf_Rel *rel)
{
	const struct elf_object *eo = &st->obj->elf;
	struct bpf_insn *insn = &st->prog->insns[pc];
	size_t sec = func->sec, base;
	long long target = (long long)si + insn->imm + 1;
	const GElf_Sym *sym;
	int err;

	if (rel) {
		sym = &eo->syms[GELF_R_SYM(rel->r_info)];
		if (GELF_R_TYPE(rel->r_info) != R_BPF_64_32) {
			pr_warn("program '%s': call with relocation type %llu\n", st->prog->name,
				(unsigned long long)GELF_R_TYPE(rel->r_info));
			return -EOPNOTSUPP;
		}
		if (sym->st_shndx == SHN_UNDEF)
			return relocate_kfunc(st, insn, elf_object_sym_name(eo, sym));
		sec = sym->st_shndx;
		if (sym->st_shndx == SHN_ABS || !elf_section_is_code(&eo->sections[sec])) {
			pr_warn("program '%s': call to '%s', which is no code\n", st->prog->name,
				elf_object_sym_name(eo, sym));
			return -EINVAL;
		}
		target = (long long)(sym->st_value / sizeof(*insn)) + insn->imm + 1;
	}
	err = place_target(st, sec, target, "call", &base);
	if (err)
		return err;
	insn = &st->prog->insns[pc];
	insn->imm = (__s32)(base - pc - 1);
	return 0;
}

/* Applies the relocations of one placed function. */
static int relocate_func(struct reloc_state *st, const struct elf_func *func, size_t base)
{
	const struct elf_section *sec = &st->obj->elf.sections[func->sec];
	size_t i;
	int err;

	for (i = 0; i < func->len; i++) {
		const GElf_Rel *rel = sec->rel_at ? sec->rel_at[func->start + i] : NULL;
		struct bpf_insn insn = st->prog->insns[base + i];

		if (insn.code == INSN_LD_IMM64) {
			if (i + 1 == func->len) {
				pr_warn("program '%s': ld_imm64 cut by the end of '%s'\n",
					st->prog->name, func->name);
				return -EINVAL;
			}
			err = rel ? relocate_ld_imm64(st, base + i, rel) : 0;
			i++;
		} else if (insn.code == INSN_CALL && insn.src_reg == BPF_PSEUDO_CALL) {
			err = relocate_call(st, func, base + i, func->start + i, rel);
		} else if (rel) {
			pr_warn("program '%s': relocation on instruction %zu of '%s' (opcode 0x%02x), which is neither ld_imm64 nor call\n",
				st->prog->name, i, func->name, insn.code);
			err = -EOPNOTSUPP;
		} else {
			err = 0;
		}
		if (err)
			return err;
	}
	return 0;
}

int program_relocate(const struct arena_object *obj, struct arena_program *prog)
{
	struct reloc_state st = { .obj = obj, .prog = prog };
	size_t base, i;
	int err;

	err = place_func(&st, prog->entry, &base);
	/* Placing a callee appends to st.placed: this loop reaches it too. */
	for (i = 0; !err && i < st.nr_placed; i++)
		err = relocate_func(&st, st.placed[i].func, st.placed[i].base);
	/* The entry, placed[0], is the program itself, never a callee. */
	for (i = 1; !err && i < st.nr_placed; i++)
		if (st.placed[i].func->global)
			err = program_add_global_func(prog, obj->btf, st.placed[i].func,
						      st.placed[i].base, st.placed[i].callback);
	free(st.placed);
	return err;
}
