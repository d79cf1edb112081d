// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * An object file as the loader reads it, through libelf: the header, the
 * sections, the symbols, the functions and the code relocations, every
 * offset, size and index checked against the file before anything uses
 * it, so that a truncated or corrupted file is an error and never a read
 * out of bounds.
 */
#include <stdlib.h>
#include <string.h>

#include "loader.h"

/* The loader runs the instructions on this machine's byte order only. */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define ELF_HOST_DATA	ELFDATA2LSB
#else
#define ELF_HOST_DATA	ELFDATA2MSB
#endif

#define BPF_INSN_SZ	sizeof(struct bpf_insn)

static int elf_check_header(Elf *elf, const char *name)
{
	const char *ident;
	GElf_Ehdr ehdr;

	if (elf_kind(elf) != ELF_K_ELF || !(ident = elf_getident(elf, NULL))) {
		pr_warn("%s: not an ELF file\n", name);
		return -EINVAL;
	}
	if (ident[EI_CLASS] != ELFCLASS64) {
		pr_warn("%s: not a 64-bit ELF file (class %d)\n", name, ident[EI_CLASS]);
		return -EINVAL;
	}
	if (ident[EI_DATA] != ELF_HOST_DATA) {
		pr_warn("%s: ELF byte order %d is not this machine's\n", name, ident[EI_DATA]);
		return -EINVAL;
	}
	if (!gelf_getehdr(elf, &ehdr)) {
		pr_warn("%s: bad ELF header: %s\n", name, elf_errmsg(-1));
		return -EINVAL;
	}
	if (ehdr.e_machine != EM_BPF) {
		pr_warn("%s: ELF machine %u is not BPF (%u)\n", name, ehdr.e_machine, EM_BPF);
		return -EINVAL;
	}
	if (ehdr.e_type != ET_REL) {
		pr_warn("%s: ELF type %u is not a relocatable object\n", name, ehdr.e_type);
		return -EINVAL;
	}
	return 0;
}

/* Name, header and bytes of section i, the bytes inside the file. */
static int elf_read_section(struct elf_object *eo, size_t shstrndx, size_t i,
			    const char *name)
{
	struct elf_section *sec = &eo->sections[i];
	Elf_Scn *scn = elf_getscn(eo->elf, i);
	Elf_Data *data;

	if (!scn || !gelf_getshdr(scn, &sec->shdr)) {
		pr_warn("%s: section %zu: bad header: %s\n", name, i, elf_errmsg(-1));
		return -EINVAL;
	}
	sec->name = elf_strptr(eo->elf, shstrndx, sec->shdr.sh_name);
	if (!sec->name) {
		pr_warn("%s: section %zu: bad name offset %u\n", name, i, sec->shdr.sh_name);
		return -EINVAL;
	}
	sec->size = sec->shdr.sh_size;
	if (sec->shdr.sh_type == SHT_NOBITS || sec->shdr.sh_type == SHT_NULL)
		return 0;
	if (sec->shdr.sh_offset > eo->image_size ||
	    sec->shdr.sh_size > eo->image_size - sec->shdr.sh_offset) {
		pr_warn("%s: section '%s': %llu bytes at offset %llu run past the end of the file (%zu bytes)\n",
			name, sec->name, (unsigned long long)sec->shdr.sh_size,
			(unsigned long long)sec->shdr.sh_offset, eo->image_size);
		return -EINVAL;
	}
	data = elf_getdata(scn, NULL);
	if (sec->size && (!data || data->d_size != sec->size || !data->d_buf)) {
		pr_warn("%s: section '%s': unreadable: %s\n", name, sec->name, elf_errmsg(-1));
		return -EINVAL;
	}
	sec->data = sec->size ? data->d_buf : NULL;
	sec->edata = data;
	return 0;
}

static int elf_read_sections(struct elf_object *eo, const char *name)
{
	size_t shstrndx, i;
	int err;

	if (elf_getshdrnum(eo->elf, &eo->nr_sections) || elf_getshdrstrndx(eo->elf, &shstrndx)) {
		pr_warn("%s: bad section table: %s\n", name, elf_errmsg(-1));
		return -EINVAL;
	}
	eo->sections = calloc(eo->nr_sections ? eo->nr_sections : 1, sizeof(*eo->sections));
	if (!eo->sections)
		return -ENOMEM;
	for (i = 1; i < eo->nr_sections; i++) {
		err = elf_read_section(eo, shstrndx, i, name);
		if (err)
			return err;
	}
	return 0;
}

static int elf_check_sym(const struct elf_object *eo, const GElf_Sym *sym, size_t i,
			 const char *name)
{
	const struct elf_section *sec;

	if (!elf_strptr(eo->elf, eo->strtab_sec, sym->st_name)) {
		pr_warn("%s: symbol %zu: bad name offset %u\n", name, i, sym->st_name);
		return -EINVAL;
	}
	if (sym->st_shndx == SHN_UNDEF || sym->st_shndx == SHN_ABS)
		return 0;
	if (sym->st_shndx >= eo->nr_sections) {
		pr_warn("%s: symbol '%s': section index %u out of range\n", name,
			elf_object_sym_name(eo, sym), sym->st_shndx);
		return -EINVAL;
	}
	sec = &eo->sections[sym->st_shndx];
	if (sym->st_value > sec->size) {
		pr_warn("%s: symbol '%s': offset %llu past the end of section '%s'\n", name,
			elf_object_sym_name(eo, sym), (unsigned long long)sym->st_value,
			sec->name);
		return -EINVAL;
	}
	return 0;
}

static int elf_read_symbols(struct elf_object *eo, const char *name)
{
	const struct elf_section *symtab = NULL;
	size_t i;
	int err;

	for (i = 1; i < eo->nr_sections; i++) {
		if (eo->sections[i].shdr.sh_type != SHT_SYMTAB)
			continue;
		if (symtab) {
			pr_warn("%s: more than one symbol table\n", name);
			return -EINVAL;
		}
		symtab = &eo->sections[i];
	}
	if (!symtab) {
		pr_warn("%s: no symbol table\n", name);
		return -EINVAL;
	}
	eo->strtab_sec = symtab->shdr.sh_link;
	if (symtab->shdr.sh_entsize != sizeof(Elf64_Sym) ||
	    eo->strtab_sec >= eo->nr_sections ||
	    eo->sections[eo->strtab_sec].shdr.sh_type != SHT_STRTAB) {
		pr_warn("%s: malformed symbol table '%s'\n", name, symtab->name);
		return -EINVAL;
	}
	eo->nr_syms = symtab->size / sizeof(Elf64_Sym);
	eo->syms = calloc(eo->nr_syms ? eo->nr_syms : 1, sizeof(*eo->syms));
	if (!eo->syms)
		return -ENOMEM;
	for (i = 0; i < eo->nr_syms; i++) {
		if (!gelf_getsym(symtab->edata, i, &eo->syms[i]))
			return -EINVAL;
		err = elf_check_sym(eo, &eo->syms[i], i, name);
		if (err)
			return err;
	}
	return 0;
}

static int elf_read_funcs(struct elf_object *eo, const char *name)
{
	size_t i;

	eo->funcs = calloc(eo->nr_syms ? eo->nr_syms : 1, sizeof(*eo->funcs));
	if (!eo->funcs)
		return -ENOMEM;
	for (i = 0; i < eo->nr_syms; i++) {
		const GElf_Sym *sym = &eo->syms[i];
		struct elf_func *func = &eo->funcs[eo->nr_funcs];
		const struct elf_section *sec;

		if (GELF_ST_TYPE(sym->st_info) != STT_FUNC || sym->st_shndx == SHN_UNDEF)
			continue;
		func->name = elf_object_sym_name(eo, sym);
		sec = sym->st_shndx < eo->nr_sections ? &eo->sections[sym->st_shndx] : NULL;
		if (!sec || !elf_section_is_code(sec) || sym->st_value % BPF_INSN_SZ ||
		    sym->st_size % BPF_INSN_SZ || !sym->st_size ||
		    sym->st_size > sec->size - sym->st_value) {
			pr_warn("%s: function '%s': not whole instructions inside a code section\n",
				name, func->name);
			return -EINVAL;
		}
		func->sec = sym->st_shndx;
		func->start = sym->st_value / BPF_INSN_SZ;
		func->len = sym->st_size / BPF_INSN_SZ;
		func->global = GELF_ST_BIND(sym->st_info) != STB_LOCAL &&
			       GELF_ST_VISIBILITY(sym->st_other) != STV_HIDDEN &&
			       GELF_ST_VISIBILITY(sym->st_other) != STV_INTERNAL;
		eo->nr_funcs++;
	}
	return 0;
}

/* Debug information and BTF carry relocations the loader has no use for. */
static bool elf_rel_ignored(const char *target)
{
	return !strncmp(target, ".BTF", 4) || !strncmp(target, ".debug_", 7);
}

static int elf_check_rel_section(const struct elf_object *eo, const struct elf_section *rs,
				 const char *name)
{
	const struct elf_section *target;

	if (rs->shdr.sh_type == SHT_RELA) {
		pr_warn("%s: section '%s': RELA relocations are not supported\n", name, rs->name);
		return -EOPNOTSUPP;
	}
	if (rs->shdr.sh_info >= eo->nr_sections || !rs->shdr.sh_info) {
		pr_warn("%s: section '%s': target section %u out of range\n", name, rs->name,
			rs->shdr.sh_info);
		return -EINVAL;
	}
	target = &eo->sections[rs->shdr.sh_info];
	if (elf_rel_ignored(target->name))
		return 1;
	if (!elf_section_is_code(target)) {
		pr_warn("%s: relocations in section '%s' are not supported\n", name, target->name);
		return -EOPNOTSUPP;
	}
	if (rs->shdr.sh_entsize != sizeof(Elf64_Rel) || rs->size % sizeof(Elf64_Rel) ||
	    rs->shdr.sh_link >= eo->nr_sections ||
	    eo->sections[rs->shdr.sh_link].shdr.sh_type != SHT_SYMTAB) {
		pr_warn("%s: malformed relocation section '%s'\n", name, rs->name);
		return -EINVAL;
	}
	return 0;
}

static int elf_check_rel(const struct elf_object *eo, const GElf_Rel *rel,
			 const struct elf_section *target, const char *name)
{
	size_t type = GELF_R_TYPE(rel->r_info), sym = GELF_R_SYM(rel->r_info);

	if (type != R_BPF_64_64 && type != R_BPF_64_32) {
		pr_warn("%s: section '%s' offset %llu: unknown relocation type %zu\n", name,
			target->name, (unsigned long long)rel->r_offset, type);
		return -EOPNOTSUPP;
	}
	if (!sym || sym >= eo->nr_syms) {
		pr_warn("%s: section '%s' offset %llu: symbol index %zu out of range\n", name,
			target->name, (unsigned long long)rel->r_offset, sym);
		return -EINVAL;
	}
	if (rel->r_offset % BPF_INSN_SZ || rel->r_offset >= target->size) {
		pr_warn("%s: section '%s': relocation offset %llu is not an instruction in it\n",
			name, target->name, (unsigned long long)rel->r_offset);
		return -EINVAL;
	}
	return 0;
}

static size_t elf_count_code_rels(const struct elf_object *eo)
{
	size_t i, n = 0;

	for (i = 1; i < eo->nr_sections; i++)
		if (eo->sections[i].shdr.sh_type == SHT_REL)
			n += eo->sections[i].size / sizeof(Elf64_Rel);
	return n;
}

/* The relocations of one code section into rel_at, one per instruction. */
static int elf_read_rel_section(struct elf_object *eo, const struct elf_section *rs,
				const char *name)
{
	struct elf_section *target = &eo->sections[rs->shdr.sh_info];
	size_t i, n = rs->size / sizeof(Elf64_Rel);
	int err;

	if (!target->rel_at) {
		target->rel_at = calloc(target->size / BPF_INSN_SZ + 1, sizeof(*target->rel_at));
		if (!target->rel_at)
			return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		GElf_Rel *rel = &eo->rels[eo->nr_rels];

		if (!gelf_getrel(rs->edata, i, rel))
			return -EINVAL;
		err = elf_check_rel(eo, rel, target, name);
		if (err)
			return err;
		if (target->rel_at[rel->r_offset / BPF_INSN_SZ]) {
			pr_warn("%s: section '%s' offset %llu: two relocations\n", name,
				target->name, (unsigned long long)rel->r_offset);
			return -EINVAL;
		}
		target->rel_at[rel->r_offset / BPF_INSN_SZ] = rel;
		eo->nr_rels++;
	}
	return 0;
}

static int elf_read_relocations(struct elf_object *eo, const char *name)
{
	size_t i;
	int err;

	eo->rels = calloc(elf_count_code_rels(eo) + 1, sizeof(*eo->rels));
	if (!eo->rels)
		return -ENOMEM;
	for (i = 1; i < eo->nr_sections; i++) {
		const struct elf_section *rs = &eo->sections[i];

		if (rs->shdr.sh_type != SHT_REL && rs->shdr.sh_type != SHT_RELA)
			continue;
		err = elf_check_rel_section(eo, rs, name);
		if (err > 0)
			continue;
		if (!err)
			err = elf_read_rel_section(eo, rs, name);
		if (err)
			return err;
	}
	return 0;
}

int elf_object_open(struct elf_object *eo, void *image, size_t size, const char *name)
{
	int err;

	memset(eo, 0, sizeof(*eo));
	eo->image = image;
	eo->image_size = size;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return -ENOTSUP;
	eo->elf = elf_memory(image, size);
	if (!eo->elf) {
		pr_warn("%s: not an ELF file: %s\n", name, elf_errmsg(-1));
		return -EINVAL;
	}
	err = elf_check_header(eo->elf, name);
	if (!err)
		err = elf_read_sections(eo, name);
	if (!err)
		err = elf_read_symbols(eo, name);
	if (!err)
		err = elf_read_funcs(eo, name);
	if (!err)
		err = elf_read_relocations(eo, name);
	return err;
}

void elf_object_close(struct elf_object *eo)
{
	size_t i;

	for (i = 0; eo->sections && i < eo->nr_sections; i++)
		free(eo->sections[i].rel_at);
	free(eo->sections);
	free(eo->syms);
	free(eo->funcs);
	free(eo->rels);
	if (eo->elf)
		elf_end(eo->elf);
	free(eo->image);
	memset(eo, 0, sizeof(*eo));
}

const struct elf_section *elf_object_find_section(const struct elf_object *eo,
						 const char *name)
{
	size_t i;

	for (i = 1; i < eo->nr_sections; i++)
		if (!strcmp(eo->sections[i].name, name))
			return &eo->sections[i];
	return NULL;
}

const char *elf_object_sym_name(const struct elf_object *eo, const GElf_Sym *sym)
{
	const char *name = elf_strptr(eo->elf, eo->strtab_sec, sym->st_name);

	return name ? name : "";
}

const struct elf_func *elf_object_func_at(const struct elf_object *eo, size_t sec,
					  size_t insn)
{
	size_t i;

	for (i = 0; i < eo->nr_funcs; i++)
		if (eo->funcs[i].sec == sec && eo->funcs[i].start == insn)
			return &eo->funcs[i];
	return NULL;
}
