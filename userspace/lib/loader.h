/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * What the ELF loader's files share: the checked view of an object file
 * (elf_object.c), the maps it declares (btf_maps.c), its programs with
 * their relocated instructions (relocate.c), and the object that holds
 * them all (object.c).
 *
 * Everything an object needs is worked out when it is opened: the
 * instructions name objects by their index into the program's obj_fds, so
 * loading only creates the objects and hands the finished instructions to
 * PROG_IOC_LOAD.
 */
#ifndef LIBARENA_LOADER_H
#define LIBARENA_LOADER_H

#include <gelf.h>
#include <stdbool.h>
#include <stddef.h>

#include "internal.h"

struct btf;

/* One section of the object, its bytes checked to lie inside the file. */
struct elf_section {
	const char *name;
	GElf_Shdr shdr;
	const void *data;	/* NULL for SHT_NOBITS */
	Elf_Data *edata;	/* libelf's view of data */
	size_t size;
	/* executable sections: the relocation of each instruction, or NULL */
	const GElf_Rel **rel_at;
};

/*
 * A function: a STT_FUNC symbol in an executable section, in instructions.
 * global: visible outside the object (global or weak binding, and not
 * hidden), what the kernel's verifier treats as a global function; libbpf
 * makes hidden functions static for it too.
 */
struct elf_func {
	const char *name;
	size_t sec;
	size_t start;
	size_t len;
	bool global;
};

struct elf_object {
	Elf *elf;
	void *image;		/* the file's bytes, owned */
	size_t image_size;
	struct elf_section *sections;
	size_t nr_sections;
	GElf_Sym *syms;		/* copies: the file's may be misaligned */
	size_t nr_syms;
	size_t strtab_sec;	/* the symbols' string table */
	GElf_Rel *rels;		/* every code relocation, what rel_at points to */
	size_t nr_rels;
	struct elf_func *funcs;
	size_t nr_funcs;
};

/*
 * Checks and indexes the size bytes at image (the object takes them over
 * and frees them on close, also on failure): header, sections, symbols,
 * functions and code relocations.  0 or a negative errno, with a warning
 * naming what is wrong.
 */
LIBARENA_INTERNAL
int elf_object_open(struct elf_object *eo, void *image, size_t size, const char *name);
LIBARENA_INTERNAL
void elf_object_close(struct elf_object *eo);

LIBARENA_INTERNAL
const struct elf_section *elf_object_find_section(const struct elf_object *eo,
						 const char *name);
/* The symbol's name; "" when it has none. */
LIBARENA_INTERNAL
const char *elf_object_sym_name(const struct elf_object *eo, const GElf_Sym *sym);
/* The function that starts at instruction insn of section sec, or NULL. */
LIBARENA_INTERNAL
const struct elf_func *elf_object_func_at(const struct elf_object *eo, size_t sec,
					  size_t insn);

static inline bool elf_section_is_code(const struct elf_section *sec)
{
	return sec->shdr.sh_type == SHT_PROGBITS && (sec->shdr.sh_flags & SHF_EXECINSTR);
}

enum object_map_kind {
	OBJECT_MAP_ARENA,
	OBJECT_MAP_RINGBUF,
	OBJECT_MAP_USER_RINGBUF,
	OBJECT_MAP_ARRAY,
};

/* Where a map comes from: a BTF-defined map in .maps, or a data section. */
#define OBJECT_MAP_NO_SECTION	((size_t)-1)

struct arena_object_map {
	char *name;
	enum object_map_kind kind;
	__u32 type;		/* BPF_MAP_TYPE_* as declared */
	__u32 flags;		/* ARENA_F_*, ARRAY_F_* */
	__u32 value_size;	/* arrays */
	__u64 max_entries;	/* arrays: entries; arenas: pages; rings: bytes */
	__u64 user_addr;	/* arenas: map_extra */
	size_t maps_offset;	/* BTF-defined maps: the symbol's offset in .maps */
	size_t sec;		/* data sections: the section, else OBJECT_MAP_NO_SECTION */
	const void *image;	/* initial bytes (NULL: zeroes) */
	size_t image_size;
	/* after load */
	int fd;
	struct arena_map *arena;
	void *values;		/* arrays: the mapping of the values */
	size_t values_size;
};

/*
 * Adds the maps of the .maps section, described by btf (NULL: the object
 * has none), to *mapsp: 0 or a negative errno naming the map and what is
 * wrong with it.
 */
LIBARENA_INTERNAL
int btf_maps_collect(const struct elf_object *eo, const struct btf *btf,
		     struct arena_object_map **mapsp, size_t *nr_mapsp);

struct arena_program {
	char *name;
	const char *sec_name;
	const struct elf_func *entry;
	struct bpf_insn *insns;
	size_t insn_cnt;
	int *maps;		/* indexes into the object's maps, in obj_fds order */
	size_t nr_maps;
	/* the subprograms the verifier may check once each, by their BTF */
	struct prog_global_func *global_funcs;
	size_t nr_global_funcs;
	__u32 ctx_size;
	int fd;
};

struct arena_object {
	char *name;
	struct elf_object elf;
	struct btf *btf;	/* .BTF, or NULL without one */
	struct arena_object_map *maps;
	size_t nr_maps;
	struct arena_program *progs;
	size_t nr_progs;
	int arena_map;		/* index of the one arena, or -1 */
	char license[PROG_LICENSE_MAX];
	bool loaded;
};

/*
 * Builds prog's instructions from its entry function: subprograms and
 * callbacks appended, every relocation applied.  0 or a negative errno
 * naming the relocation, extern or section at fault.
 */
LIBARENA_INTERNAL
int program_relocate(const struct arena_object *obj, struct arena_program *prog);

/*
 * Lists the global function func, which prog has at instruction base (not
 * 0), in prog->global_funcs when its prototype in btf (NULL: none) says
 * what each argument is, as the kernel's verifier reads a global
 * function's, and it is not a callback; else logs at debug level why not,
 * and the verifier walks it at every call as a static function.  0 or
 * -ENOMEM.
 */
LIBARENA_INTERNAL
int program_add_global_func(struct arena_program *prog, const struct btf *btf,
			    const struct elf_func *func, size_t base, bool callback);

/*
 * The map made of section sec (the arena for .addr_space.1), or of the
 * .maps symbol at offset: its index in obj->maps, or -1.
 */
LIBARENA_INTERNAL
int object_map_for(const struct arena_object *obj, size_t sec, __u64 offset);

/*
 * Links the object files at paths into one with libbpf's static linker
 * and stores its bytes in *imagep (malloc'ed) and *sizep: 0 or -errno.
 */
LIBARENA_INTERNAL
int objects_link(const char *const *paths, size_t n, void **imagep, size_t *sizep);

/* The whole file behind fd, malloc'ed, into *imagep and *sizep: 0 or -errno. */
LIBARENA_INTERNAL
int fd_read_all(int fd, void **imagep, size_t *sizep);

/*
 * Routes libbpf's messages to the library's callback until the matching
 * libbpf_print_restore(): libbpf prints to stderr by default.
 */
LIBARENA_INTERNAL
void libbpf_print_redirect(void);
LIBARENA_INTERNAL
void libbpf_print_restore(void);

#endif /* LIBARENA_LOADER_H */
