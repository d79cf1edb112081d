// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * struct arena_object: an object file's maps and programs, opened
 * (sections sorted out, maps read, programs relocated) and then loaded
 * onto a device with the library's own calls for arenas, rings, arrays
 * and programs.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "loader.h"

/* A verifier's level-1 log is one line; room for a long one. */
#define OBJECT_LOG_SIZE		4096

static bool name_has_prefix(const char *name, const char *prefix)
{
	return !strncmp(name, prefix, strlen(prefix));
}

static bool section_is_data(const struct elf_section *sec)
{
	return (sec->shdr.sh_flags & SHF_ALLOC) && !(sec->shdr.sh_flags & SHF_EXECINSTR) &&
	       (name_has_prefix(sec->name, ".data") || name_has_prefix(sec->name, ".rodata") ||
		name_has_prefix(sec->name, ".bss"));
}

/* Sections that carry no program, map or data of their own. */
static bool section_is_known(const struct elf_section *sec)
{
	static const char *const names[] = {
		".text", ".maps", "license", "version", ".BTF", ".BTF.ext", ".addr_space.1",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(sec->name, names[i]))
			return true;
	return !(sec->shdr.sh_flags & (SHF_ALLOC | SHF_EXECINSTR)) || section_is_data(sec);
}

/* The program type of a code section: only syscall programs exist here. */
static bool section_is_program(const struct elf_section *sec)
{
	return elf_section_is_code(sec) && !strcmp(sec->name, "syscall");
}

static int object_check_sections(const struct arena_object *obj)
{
	size_t i;

	for (i = 1; i < obj->elf.nr_sections; i++) {
		const struct elf_section *sec = &obj->elf.sections[i];

		if (!section_is_known(sec) && !section_is_program(sec)) {
			pr_warn("%s: unknown section '%s'%s\n", obj->name, sec->name,
				elf_section_is_code(sec) ? " (not a known program type)" : "");
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

static int object_read_license(struct arena_object *obj)
{
	const struct elf_section *sec = elf_object_find_section(&obj->elf, "license");

	if (!sec)
		return 0;
	if (!sec->data || !memchr(sec->data, 0, sec->size) || sec->size > sizeof(obj->license)) {
		pr_warn("%s: the license is not a string of at most %zu bytes\n", obj->name,
			sizeof(obj->license) - 1);
		return -EINVAL;
	}
	memcpy(obj->license, sec->data, sec->size);
	return 0;
}

/* .BTF, which describes the maps and the global functions' arguments. */
static int object_read_btf(struct arena_object *obj)
{
	const struct elf_section *sec = elf_object_find_section(&obj->elf, ".BTF");
	int err = 0;

	if (!sec)
		return 0;
	if (sec->data) {
		libbpf_print_redirect();
		obj->btf = btf__new(sec->data, sec->size);
		err = obj->btf ? 0 : -errno;
		libbpf_print_restore();
	}
	if (!obj->btf) {
		pr_warn("%s: section '.BTF' is malformed\n", obj->name);
		return err ? err : -EINVAL;
	}
	return 0;
}

static struct arena_object_map *object_add_map(struct arena_object *obj)
{
	struct arena_object_map *maps;

	maps = realloc(obj->maps, (obj->nr_maps + 1) * sizeof(*maps));
	if (!maps)
		return NULL;
	obj->maps = maps;
	memset(&maps[obj->nr_maps], 0, sizeof(*maps));
	maps[obj->nr_maps].fd = -1;
	return &maps[obj->nr_maps++];
}

/* .data, .rodata, .bss (and their named variants): one-value arrays. */
static int object_add_data_map(struct arena_object *obj, size_t i)
{
	const struct elf_section *sec = &obj->elf.sections[i];
	struct arena_object_map *map;

	if (!sec->size)
		return 0;
	if (sec->size > ARRAY_VALUE_MAX) {
		pr_warn("%s: section '%s' has %zu bytes, more than an array value's %u\n",
			obj->name, sec->name, sec->size, ARRAY_VALUE_MAX);
		return -E2BIG;
	}
	map = object_add_map(obj);
	if (!map || !(map->name = strdup(sec->name)))
		return -ENOMEM;
	map->kind = OBJECT_MAP_ARRAY;
	map->type = 2;	/* BPF_MAP_TYPE_ARRAY */
	map->flags = ARRAY_F_MMAPABLE |
		     (name_has_prefix(sec->name, ".rodata") ? ARRAY_F_RDONLY_PROG : 0);
	map->value_size = sec->size;
	map->max_entries = 1;
	map->sec = i;
	map->image = sec->data;
	map->image_size = sec->data ? sec->size : 0;
	return 0;
}

/* The one arena, which holds the .addr_space.1 globals if there are any. */
static int object_find_arena(struct arena_object *obj)
{
	const struct elf_section *globals = elf_object_find_section(&obj->elf, ".addr_space.1");
	size_t i;

	obj->arena_map = -1;
	for (i = 0; i < obj->nr_maps; i++) {
		if (obj->maps[i].kind != OBJECT_MAP_ARENA)
			continue;
		if (obj->arena_map >= 0) {
			pr_warn("%s: more than one arena ('%s', '%s')\n", obj->name,
				obj->maps[obj->arena_map].name, obj->maps[i].name);
			return -EOPNOTSUPP;
		}
		obj->arena_map = i;
	}
	if (!globals || !globals->size)
		return 0;
	if (obj->arena_map < 0) {
		pr_warn("%s: section '.addr_space.1' (__arena globals) needs an arena map\n",
			obj->name);
		return -EINVAL;
	}
	obj->maps[obj->arena_map].image = globals->data;
	obj->maps[obj->arena_map].image_size = globals->data ? globals->size : 0;
	return 0;
}

static int object_collect_maps(struct arena_object *obj)
{
	size_t i;
	int err;

	err = btf_maps_collect(&obj->elf, obj->btf, &obj->maps, &obj->nr_maps);
	for (i = 1; !err && i < obj->elf.nr_sections; i++)
		if (section_is_data(&obj->elf.sections[i]))
			err = object_add_data_map(obj, i);
	return err ? err : object_find_arena(obj);
}

static int object_collect_programs(struct arena_object *obj)
{
	const struct elf_object *eo = &obj->elf;
	struct arena_program *prog;
	size_t i;
	int err;

	obj->progs = calloc(eo->nr_funcs + 1, sizeof(*obj->progs));
	if (!obj->progs)
		return -ENOMEM;
	for (i = 0; i < eo->nr_funcs; i++) {
		const struct elf_section *sec = &eo->sections[eo->funcs[i].sec];

		if (!section_is_program(sec))
			continue;
		prog = &obj->progs[obj->nr_progs++];
		prog->fd = -1;
		prog->entry = &eo->funcs[i];
		prog->sec_name = sec->name;
		prog->name = strdup(eo->funcs[i].name);
		if (!prog->name)
			return -ENOMEM;
		err = program_relocate(obj, prog);
		if (err)
			return err;
	}
	return 0;
}

/* The object's name: opts', else the file's up to its first dot, as libbpf's. */
static char *object_name(const char *path, const struct arena_object_open_opts *opts)
{
	const char *name = LIBARENA_OPTS_GET(opts, object_name, NULL);
	const char *base;

	if (name)
		return strdup(name);
	base = strrchr(path, '/');
	base = base ? base + 1 : path;
	return strndup(base, strcspn(base, "."));
}

/* Opens the image (taken over, freed on failure): the object, or NULL and errno. */
static struct arena_object *object_open_image(void *image, size_t size, const char *path,
					      const struct arena_object_open_opts *opts)
{
	struct arena_object *obj;
	int err;

	obj = calloc(1, sizeof(*obj));
	if (!obj || !(obj->name = object_name(path, opts))) {
		free(obj);
		free(image);
		errno = ENOMEM;
		return NULL;
	}
	err = elf_object_open(&obj->elf, image, size, obj->name);
	if (!err)
		err = object_check_sections(obj);
	if (!err)
		err = object_read_license(obj);
	if (!err)
		err = object_read_btf(obj);
	if (!err)
		err = object_collect_maps(obj);
	if (!err)
		err = object_collect_programs(obj);
	if (err) {
		arena_object__close(obj);
		errno = -err;
		return NULL;
	}
	return obj;
}

int fd_read_all(int fd, void **imagep, size_t *sizep)
{
	size_t done = 0;
	struct stat st;
	void *image;
	ssize_t got;

	if (fstat(fd, &st))
		return -errno;
	image = malloc(st.st_size ? st.st_size : 1);
	if (!image)
		return -ENOMEM;
	while (done < (size_t)st.st_size) {
		got = pread(fd, (char *)image + done, st.st_size - done, done);
		if (got <= 0) {
			free(image);
			return got ? -errno : -EIO;
		}
		done += got;
	}
	*imagep = image;
	*sizep = done;
	return 0;
}

static int file_read_all(const char *path, void **imagep, size_t *sizep)
{
	char buf[LIBARENA_ERRSTR_LEN];
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	err = fd < 0 ? -errno : fd_read_all(fd, imagep, sizep);
	if (err)
		pr_warn("reading %s: %s\n", path, libarena_errstr(err, buf));
	if (fd >= 0)
		close(fd);
	return err;
}

struct arena_object *arena_object__open_file(const char *path,
					     const struct arena_object_open_opts *opts)
{
	size_t size;
	void *image;
	int err;

	if (!path || !LIBARENA_OPTS_VALID(opts, arena_object_open_opts)) {
		errno = EINVAL;
		return NULL;
	}
	err = file_read_all(path, &image, &size);
	if (err) {
		errno = -err;
		return NULL;
	}
	return object_open_image(image, size, path, opts);
}

struct arena_object *arena_object__open_mem(const void *buf, size_t size,
					    const struct arena_object_open_opts *opts)
{
	void *image;

	if (!buf || !LIBARENA_OPTS_VALID(opts, arena_object_open_opts)) {
		errno = EINVAL;
		return NULL;
	}
	image = malloc(size ? size : 1);
	if (!image) {
		errno = ENOMEM;
		return NULL;
	}
	memcpy(image, buf, size);
	return object_open_image(image, size, "memory", opts);
}

struct arena_object *arena_object__open_files(const char *const *paths, size_t n,
					      const struct arena_object_open_opts *opts)
{
	size_t size, i;
	void *image;
	int err;

	if (!paths || !n || !LIBARENA_OPTS_VALID(opts, arena_object_open_opts)) {
		errno = EINVAL;
		return NULL;
	}
	for (i = 0; i < n; i++) {
		if (!paths[i]) {
			errno = EINVAL;
			return NULL;
		}
	}
	if (n == 1)
		return arena_object__open_file(paths[0], opts);
	err = objects_link(paths, n, &image, &size);
	if (err) {
		errno = -err;
		return NULL;
	}
	return object_open_image(image, size, paths[0], opts);
}

static int map_create_arena(struct arena_object_map *map, struct arena_dev *dev)
{
	LIBARENA_OPTS(arena_map_opts, opts, .flags = map->flags, .user_addr = map->user_addr);
	void *addr;
	int err;

	err = arena_dev__arena_create(dev, map->max_entries, &opts, &map->arena);
	if (!err)
		err = arena_map__mmap(map->arena, &addr);
	if (err)
		return err;
	map->fd = arena_map__fd(map->arena);
	if (map->image_size > arena_map__size(map->arena)) {
		pr_warn("arena '%s': %zu bytes of __arena globals do not fit its %llu bytes\n",
			map->name, map->image_size, (unsigned long long)arena_map__size(map->arena));
		return -E2BIG;
	}
	/* Upstream's place for the globals: the first bytes of the arena. */
	if (map->image_size)
		memcpy(addr, map->image, map->image_size);
	return 0;
}

static int map_create_array(struct arena_object_map *map, struct arena_dev *dev)
{
	size_t page = sysconf(_SC_PAGESIZE);
	char buf[LIBARENA_ERRSTR_LEN];
	void *values;
	int err, prot;

	err = arena_dev__array_create(dev, map->value_size, map->max_entries, map->flags,
				      &map->fd);
	if (!err && map->image)
		err = arena_array__update(map->fd, 0, map->image);
	if (err || !(map->flags & ARRAY_F_MMAPABLE))
		return err;
	map->values_size = ((map->value_size + 7) & ~(size_t)7) * map->max_entries;
	prot = map->flags & ARRAY_F_RDONLY_PROG ? PROT_READ : PROT_READ | PROT_WRITE;
	values = mmap(NULL, (map->values_size + page - 1) & ~(page - 1), prot, MAP_SHARED,
		      map->fd, 0);
	if (values == MAP_FAILED) {
		err = -errno;
		pr_warn("map '%s': mmap: %s\n", map->name, libarena_errstr(err, buf));
		return err;
	}
	map->values = values;
	return 0;
}

static int map_create(struct arena_object_map *map, struct arena_dev *dev)
{
	LIBARENA_OPTS(arena_ringbuf_opts, ring_opts);

	switch (map->kind) {
	case OBJECT_MAP_ARENA:
		return map_create_arena(map, dev);
	case OBJECT_MAP_USER_RINGBUF:
		ring_opts.flags = RINGBUF_F_USER;
		/* fall through */
	case OBJECT_MAP_RINGBUF:
		return arena_dev__ringbuf_create(dev, map->max_entries, &ring_opts, &map->fd);
	default:
		return map_create_array(map, dev);
	}
}

static int program_load(const struct arena_object *obj, struct arena_program *prog,
			struct arena_dev *dev)
{
	int obj_fds[PROG_OBJS_MAX];
	char *log = calloc(1, OBJECT_LOG_SIZE);
	LIBARENA_OPTS(arena_prog_load_opts, opts, .obj_fds = obj_fds,
		      .nr_objs = prog->nr_maps, .ctx_size = prog->ctx_size,
		      .license = obj->license, .name = prog->name, .log_buf = log,
		      .log_size = OBJECT_LOG_SIZE, .log_level = 1,
		      .global_funcs = prog->global_funcs,
		      .nr_global_funcs = prog->nr_global_funcs);
	char buf[LIBARENA_ERRSTR_LEN];
	size_t i;
	int err;

	if (!log)
		return -ENOMEM;
	for (i = 0; i < prog->nr_maps; i++)
		obj_fds[i] = obj->maps[prog->maps[i]].fd;
	err = arena_dev__prog_load(dev, prog->insns, prog->insn_cnt, &opts, &prog->fd);
	if (err)
		pr_warn("program '%s': %s\n%s", prog->name, libarena_errstr(err, buf), log);
	free(log);
	return err;
}

int arena_object__load(struct arena_object *obj, struct arena_dev *dev)
{
	size_t i;
	int err;

	if (!obj || !dev)
		return -EINVAL;
	if (obj->loaded)
		return -EALREADY;
	obj->loaded = true;
	for (i = 0; i < obj->nr_maps; i++) {
		err = map_create(&obj->maps[i], dev);
		if (err) {
			pr_warn("%s: creating map '%s' failed\n", obj->name, obj->maps[i].name);
			return err;
		}
	}
	for (i = 0; i < obj->nr_progs; i++) {
		err = program_load(obj, &obj->progs[i], dev);
		if (err)
			return err;
	}
	return 0;
}

static void object_map_release(struct arena_object_map *map)
{
	size_t page = sysconf(_SC_PAGESIZE);

	if (map->values)
		munmap(map->values, (map->values_size + page - 1) & ~(page - 1));
	if (map->arena)
		arena_map__close(map->arena);
	else if (map->fd >= 0)
		close(map->fd);
	free(map->name);
}

void arena_object__close(struct arena_object *obj)
{
	size_t i;

	if (!obj)
		return;
	for (i = 0; i < obj->nr_progs; i++) {
		if (obj->progs[i].fd >= 0)
			close(obj->progs[i].fd);
		free(obj->progs[i].name);
		free(obj->progs[i].insns);
		free(obj->progs[i].maps);
		free(obj->progs[i].global_funcs);
	}
	for (i = 0; i < obj->nr_maps; i++)
		object_map_release(&obj->maps[i]);
	free(obj->progs);
	free(obj->maps);
	btf__free(obj->btf);
	elf_object_close(&obj->elf);
	free(obj->name);
	free(obj);
}

const char *arena_object__name(const struct arena_object *obj)
{
	return obj ? obj->name : NULL;
}

struct arena_program *arena_object__find_program_by_name(const struct arena_object *obj,
							  const char *name)
{
	size_t i;

	for (i = 0; obj && name && i < obj->nr_progs; i++)
		if (!strcmp(obj->progs[i].name, name))
			return &obj->progs[i];
	errno = ENOENT;
	return NULL;
}

struct arena_object_map *arena_object__find_map_by_name(const struct arena_object *obj,
							 const char *name)
{
	size_t i;

	for (i = 0; obj && name && i < obj->nr_maps; i++)
		if (!strcmp(obj->maps[i].name, name))
			return &obj->maps[i];
	errno = ENOENT;
	return NULL;
}

struct arena_program *arena_object__next_program(const struct arena_object *obj,
						 const struct arena_program *prev)
{
	size_t next = prev ? (size_t)(prev - obj->progs) + 1 : 0;

	return obj && next < obj->nr_progs ? &obj->progs[next] : NULL;
}

struct arena_object_map *arena_object__next_map(const struct arena_object *obj,
						const struct arena_object_map *prev)
{
	size_t next = prev ? (size_t)(prev - obj->maps) + 1 : 0;

	return obj && next < obj->nr_maps ? &obj->maps[next] : NULL;
}

/* The variable's symbol: a named object in a section other than .maps. */
static const GElf_Sym *object_find_variable(const struct arena_object *obj, const char *name)
{
	const struct elf_object *eo = &obj->elf;
	size_t i;

	for (i = 0; i < eo->nr_syms; i++) {
		const GElf_Sym *sym = &eo->syms[i];

		if (GELF_ST_TYPE(sym->st_info) == STT_OBJECT && sym->st_shndx != SHN_UNDEF &&
		    sym->st_shndx < eo->nr_sections &&
		    strcmp(eo->sections[sym->st_shndx].name, ".maps") &&
		    !strcmp(elf_object_sym_name(eo, sym), name))
			return sym;
	}
	return NULL;
}

void *arena_object__global(const struct arena_object *obj, const char *name, size_t *sizep)
{
	const GElf_Sym *sym = obj && name ? object_find_variable(obj, name) : NULL;
	const struct arena_object_map *map;
	char *base = NULL;
	int idx;

	if (!sym) {
		errno = ENOENT;
		return NULL;
	}
	if (!obj->loaded) {
		errno = EBUSY;
		return NULL;
	}
	idx = object_map_for(obj, sym->st_shndx, sym->st_value);
	map = idx >= 0 ? &obj->maps[idx] : NULL;
	if (map && map->arena)
		base = arena_map__ptr(map->arena, 0);
	else if (map && map->sec == sym->st_shndx)
		base = map->values;
	if (!base) {
		errno = ENXIO;
		return NULL;
	}
	if (sizep)
		*sizep = sym->st_size;
	return base + sym->st_value;
}

const char *arena_program__name(const struct arena_program *prog)
{
	return prog ? prog->name : NULL;
}

const char *arena_program__section_name(const struct arena_program *prog)
{
	return prog ? prog->sec_name : NULL;
}

int arena_program__fd(const struct arena_program *prog)
{
	return prog ? prog->fd : -EINVAL;
}

const struct bpf_insn *arena_program__insns(const struct arena_program *prog)
{
	return prog ? prog->insns : NULL;
}

size_t arena_program__insn_cnt(const struct arena_program *prog)
{
	return prog ? prog->insn_cnt : 0;
}

size_t arena_program__nr_maps(const struct arena_program *prog)
{
	return prog ? prog->nr_maps : 0;
}

const struct prog_global_func *arena_program__global_funcs(const struct arena_program *prog,
							   size_t *cntp)
{
	size_t cnt = prog ? prog->nr_global_funcs : 0;

	if (cntp)
		*cntp = cnt;
	return cnt ? prog->global_funcs : NULL;
}

struct arena_object_map *arena_object__program_map(const struct arena_object *obj,
						   const struct arena_program *prog, size_t idx)
{
	if (!obj || !prog || idx >= prog->nr_maps) {
		errno = ENOENT;
		return NULL;
	}
	return &obj->maps[prog->maps[idx]];
}

int arena_program__set_ctx_size(struct arena_program *prog, __u32 ctx_size)
{
	if (!prog || ctx_size > PROG_CTX_MAX)
		return -EINVAL;
	if (prog->fd >= 0)
		return -EBUSY;
	prog->ctx_size = ctx_size;
	return 0;
}

const char *arena_object_map__name(const struct arena_object_map *map)
{
	return map ? map->name : NULL;
}

__u32 arena_object_map__type(const struct arena_object_map *map)
{
	return map ? map->type : 0;
}

__u64 arena_object_map__max_entries(const struct arena_object_map *map)
{
	return map ? map->max_entries : 0;
}

__u32 arena_object_map__value_size(const struct arena_object_map *map)
{
	return map ? map->value_size : 0;
}

__u64 arena_object_map__map_extra(const struct arena_object_map *map)
{
	return map ? map->user_addr : 0;
}

const void *arena_object_map__initial_value(const struct arena_object_map *map, size_t *sizep)
{
	if (!map || !map->image)
		return NULL;
	if (sizep)
		*sizep = map->image_size;
	return map->image;
}

int arena_object_map__fd(const struct arena_object_map *map)
{
	return map ? map->fd : -EINVAL;
}

struct arena_map *arena_object_map__arena(const struct arena_object_map *map)
{
	return map ? map->arena : NULL;
}

void *arena_object_map__values(const struct arena_object_map *map, size_t *sizep)
{
	if (!map || !map->values)
		return NULL;
	if (sizep)
		*sizep = map->values_size;
	return map->values;
}
