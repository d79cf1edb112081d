// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * BTF-defined maps: each variable of the .maps section is a struct whose
 * members describe the map, read from the object's BTF with libbpf's
 * btf.h (its bpf_object__open() cannot read arena maps before libbpf 1.4):
 *
 *	__uint(name, N)		int (*name)[N]: N is the array's length
 *	__ulong(name, N)	enum { ... = N } name: N is the enumerator,
 *				64-bit if it needs to be (map_extra)
 *	__type(name, T)		T *name: the size of T
 *
 * clang leaves the DATASEC's offsets at 0, so a map's place in .maps (what
 * relocations point at) comes from its ELF symbol.
 */
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "loader.h"

/* Map types and flags as BPF declares them (BPF_MAP_TYPE_ARENA: libbpf 1.4). */
#define BTF_MAP_TYPE_ARRAY		2
#define BTF_MAP_TYPE_RINGBUF		27
#define BTF_MAP_TYPE_USER_RINGBUF	31
#define BTF_MAP_TYPE_ARENA		33
#define BTF_F_RDONLY_PROG		(1U << 7)
#define BTF_F_MMAPABLE			(1U << 10)
#define BTF_F_SEGV_ON_FAULT		(1U << 17)
#define BTF_F_NO_USER_CONV		(1U << 18)

/* What the members of one map's struct said. */
struct btf_map_def {
	__u64 type, max_entries, map_flags, map_extra, key_size, value_size;
	bool has_type, has_key_size;
};

/* The number an __uint or __ulong member encodes, into *valp. */
static int btf_member_number(const struct btf *btf, __u32 type_id, __u64 *valp)
{
	const struct btf_type *t = btf__type_by_id(btf, type_id);
	const struct btf_array *arr;

	if (t && btf_is_ptr(t)) {
		t = btf__type_by_id(btf, t->type);
		if (!t || !btf_is_array(t))
			return -EINVAL;
		arr = btf_array(t);
		*valp = arr->nelems;
		return 0;
	}
	if (t && btf_is_enum(t) && btf_vlen(t) == 1) {
		*valp = (__u32)btf_enum(t)->val;
		return 0;
	}
	if (t && btf_is_enum64(t) && btf_vlen(t) == 1) {
		*valp = btf_enum64_value(btf_enum64(t));
		return 0;
	}
	return -EINVAL;
}

/* The size of the type a __type member points to, into *valp. */
static int btf_member_type_size(const struct btf *btf, __u32 type_id, __u64 *valp)
{
	const struct btf_type *t = btf__type_by_id(btf, type_id);
	__s64 size;

	if (!t || !btf_is_ptr(t))
		return -EINVAL;
	size = btf__resolve_size(btf, t->type);
	if (size < 0)
		return -EINVAL;
	*valp = size;
	return 0;
}

static int btf_map_member(const struct btf *btf, const struct btf_member *m,
			  const char *map, struct btf_map_def *def)
{
	const char *name = btf__name_by_offset(btf, m->name_off);
	int err = -EINVAL;

	if (!name)
		name = "";
	if (!strcmp(name, "type")) {
		err = btf_member_number(btf, m->type, &def->type);
		def->has_type = true;
	} else if (!strcmp(name, "max_entries")) {
		err = btf_member_number(btf, m->type, &def->max_entries);
	} else if (!strcmp(name, "map_flags")) {
		err = btf_member_number(btf, m->type, &def->map_flags);
	} else if (!strcmp(name, "map_extra")) {
		err = btf_member_number(btf, m->type, &def->map_extra);
	} else if (!strcmp(name, "key_size") || !strcmp(name, "key")) {
		err = name[3] ? btf_member_number(btf, m->type, &def->key_size) :
				btf_member_type_size(btf, m->type, &def->key_size);
		def->has_key_size = true;
	} else if (!strcmp(name, "value_size") || !strcmp(name, "value")) {
		err = name[5] ? btf_member_number(btf, m->type, &def->value_size) :
				btf_member_type_size(btf, m->type, &def->value_size);
	} else {
		pr_warn("map '%s': unsupported attribute '%s'\n", map, name);
		return -EOPNOTSUPP;
	}
	if (err)
		pr_warn("map '%s': attribute '%s' is not __uint, __ulong or __type\n", map, name);
	return err;
}

static int btf_map_arena(struct arena_object_map *map, const struct btf_map_def *def)
{
	__u64 known = BTF_F_MMAPABLE | BTF_F_SEGV_ON_FAULT | BTF_F_NO_USER_CONV;

	if (def->map_flags & ~known) {
		pr_warn("map '%s': unsupported arena flags 0x%llx\n", map->name,
			(unsigned long long)(def->map_flags & ~known));
		return -EOPNOTSUPP;
	}
	map->kind = OBJECT_MAP_ARENA;
	map->flags = (def->map_flags & BTF_F_SEGV_ON_FAULT ? ARENA_F_SEGV_ON_FAULT : 0) |
		     (def->map_flags & BTF_F_NO_USER_CONV ? ARENA_F_NO_USER_CONV : 0);
	map->user_addr = def->map_extra;
	return 0;
}

static int btf_map_array(struct arena_object_map *map, const struct btf_map_def *def)
{
	__u64 known = BTF_F_MMAPABLE | BTF_F_RDONLY_PROG;

	if (def->map_flags & ~known) {
		pr_warn("map '%s': unsupported array flags 0x%llx\n", map->name,
			(unsigned long long)(def->map_flags & ~known));
		return -EOPNOTSUPP;
	}
	if ((def->has_key_size && def->key_size != sizeof(__u32)) || !def->value_size ||
	    def->value_size > ARRAY_VALUE_MAX) {
		pr_warn("map '%s': an array needs 4-byte keys and values of 1 to %u bytes\n",
			map->name, ARRAY_VALUE_MAX);
		return -EINVAL;
	}
	map->kind = OBJECT_MAP_ARRAY;
	map->value_size = def->value_size;
	map->flags = (def->map_flags & BTF_F_MMAPABLE ? ARRAY_F_MMAPABLE : 0) |
		     (def->map_flags & BTF_F_RDONLY_PROG ? ARRAY_F_RDONLY_PROG : 0);
	return 0;
}

static int btf_map_kind(struct arena_object_map *map, const struct btf_map_def *def)
{
	if (!def->has_type) {
		pr_warn("map '%s': no type\n", map->name);
		return -EINVAL;
	}
	map->type = def->type;
	map->max_entries = def->max_entries;
	if (!def->max_entries) {
		pr_warn("map '%s': max_entries is 0\n", map->name);
		return -EINVAL;
	}
	switch (def->type) {
	case BTF_MAP_TYPE_ARENA:
		return btf_map_arena(map, def);
	case BTF_MAP_TYPE_ARRAY:
		return btf_map_array(map, def);
	case BTF_MAP_TYPE_RINGBUF:
	case BTF_MAP_TYPE_USER_RINGBUF:
		if (def->map_flags) {
			pr_warn("map '%s': ring buffers take no flags\n", map->name);
			return -EOPNOTSUPP;
		}
		map->kind = def->type == BTF_MAP_TYPE_RINGBUF ? OBJECT_MAP_RINGBUF :
								 OBJECT_MAP_USER_RINGBUF;
		return 0;
	default:
		pr_warn("map '%s': unsupported map type %llu\n", map->name,
			(unsigned long long)def->type);
		return -EOPNOTSUPP;
	}
}

/* The offset in .maps of the symbol named name, or -1. */
static long btf_map_offset(const struct elf_object *eo, size_t maps_sec, const char *name)
{
	size_t i;

	for (i = 0; i < eo->nr_syms; i++)
		if (eo->syms[i].st_shndx == maps_sec &&
		    !strcmp(elf_object_sym_name(eo, &eo->syms[i]), name))
			return (long)eo->syms[i].st_value;
	return -1;
}

static int btf_map_parse(const struct btf *btf, __u32 var_id, const struct elf_object *eo,
			 size_t maps_sec, struct arena_object_map *map)
{
	const struct btf_type *var = btf__type_by_id(btf, var_id), *def_t;
	struct btf_map_def def = { 0 };
	const struct btf_member *m;
	long offset;
	int err, i;

	if (!var || !btf_is_var(var) || !btf__name_by_offset(btf, var->name_off)) {
		pr_warn("section '.maps': BTF type %u is not a variable\n", var_id);
		return -EINVAL;
	}
	map->name = strdup(btf__name_by_offset(btf, var->name_off));
	if (!map->name)
		return -ENOMEM;
	map->sec = OBJECT_MAP_NO_SECTION;
	offset = btf_map_offset(eo, maps_sec, map->name);
	err = btf__resolve_type(btf, var->type);
	def_t = err < 0 ? NULL : btf__type_by_id(btf, err);
	if (offset < 0 || !def_t || !btf_is_struct(def_t)) {
		pr_warn("map '%s': not a struct with a symbol in .maps\n", map->name);
		return -EINVAL;
	}
	map->maps_offset = offset;
	for (i = 0, m = btf_members(def_t); i < btf_vlen(def_t); i++, m++) {
		err = btf_map_member(btf, m, map->name, &def);
		if (err)
			return err;
	}
	return btf_map_kind(map, &def);
}

static int btf_maps_parse(const struct btf *btf, const struct elf_object *eo,
			  size_t maps_sec, struct arena_object_map **mapsp, size_t *nr_mapsp)
{
	__s32 id = btf__find_by_name_kind(btf, ".maps", BTF_KIND_DATASEC);
	const struct btf_var_secinfo *vsi;
	const struct btf_type *sec;
	struct arena_object_map *maps;
	int err, i;

	sec = id > 0 ? btf__type_by_id(btf, id) : NULL;
	if (!sec) {
		pr_warn("section '.maps' has no BTF description (compile with -g)\n");
		return -EINVAL;
	}
	maps = realloc(*mapsp, (*nr_mapsp + btf_vlen(sec)) * sizeof(*maps) + 1);
	if (!maps)
		return -ENOMEM;
	*mapsp = maps;
	for (i = 0, vsi = btf_var_secinfos(sec); i < btf_vlen(sec); i++, vsi++) {
		memset(&maps[*nr_mapsp], 0, sizeof(*maps));
		maps[*nr_mapsp].fd = -1;
		/* Counted first, so that the caller frees its name on failure. */
		(*nr_mapsp)++;
		err = btf_map_parse(btf, vsi->type, eo, maps_sec, &maps[*nr_mapsp - 1]);
		if (err)
			return err;
	}
	return 0;
}

int btf_maps_collect(const struct elf_object *eo, const struct btf *btf,
		     struct arena_object_map **mapsp, size_t *nr_mapsp)
{
	const struct elf_section *maps = elf_object_find_section(eo, ".maps");

	if (!maps)
		return 0;
	if (!btf) {
		pr_warn("section '.maps' needs BTF, and the object has no .BTF (compile with -g)\n");
		return -EINVAL;
	}
	return btf_maps_parse(btf, eo, maps - eo->sections, mapsp, nr_mapsp);
}
