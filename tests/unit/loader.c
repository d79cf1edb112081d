// SPDX-License-Identifier: GPL-2.0
/*
 * The ELF loader on objects clang-19 compiled from tests/loader/ for this
 * run: the maps it reads, the instructions it hands PROG_IOC_LOAD for
 * every relocation form (through the fake module, which keeps them), what
 * it refuses and how it says so, and malformed variants of a good object
 * made here (truncated, wrong header fields, bad offsets and indexes).
 */
#include <elf.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena_htab.h"
#include "arena_list.h"
#include "capture.h"
#include "fake_module.h"
#include "fake_prog_run.h"
#include "libarena.h"
#include "object_run.h"
#include "tap.h"

#define INSN_LD_IMM64	(BPF_LD | BPF_IMM | BPF_DW)
#define INSN_CALL	(BPF_JMP | BPF_CALL)

static const char *obj_path(const char *name)
{
	static char path[512];

	snprintf(path, sizeof(path), "%s/%s.bpf.o", LOADER_OBJ_DIR, name);
	return path;
}

static struct arena_object *open_obj(const char *name)
{
	struct arena_object *obj;

	capture_start();
	obj = arena_object__open_file(obj_path(name), NULL);
	if (!obj)
		printf("# opening %s: %s\n# log: %s\n", name, strerror(errno), captured);
	return obj;
}

#define FAKE_FEATURES_OLD	(ARENA_FEATURE_ARENA | ARENA_FEATURE_RINGBUF | \
				 ARENA_FEATURE_ARRAY | ARENA_FEATURE_PROG)

/* The fake module with the given features, on /dev/null. */
static struct arena_dev *fake_dev_with(__u64 features)
{
	LIBARENA_OPTS(arena_dev_opts, opts, .path = "/dev/null");
	struct arena_dev *dev = NULL;

	fake_module_start();
	fake.reply.features = features;
	if (arena_dev__open(&opts, &dev))
		return NULL;
	return dev;
}

static struct arena_dev *fake_dev(void)
{
	return fake_dev_with(FAKE_FEATURES_OLD | ARENA_FEATURE_PROG_GLOBALS);
}

/* What the fake module received for the program named name. */
static const struct fake_prog_load *loaded(const char *name)
{
	int i;

	for (i = 0; i < fake.nr_progs; i++)
		if (!strcmp(fake.progs[i].req.name, name))
			return &fake.progs[i];
	return NULL;
}

/* The map the program's object index idx stands for, by its fd. */
static const char *obj_map_name(const struct arena_object *obj,
				const struct fake_prog_load *prog, int idx)
{
	struct arena_object_map *map = NULL;

	if (idx < 0 || idx >= (int)prog->req.nr_objs)
		return "(out of range)";
	while ((map = arena_object__next_map(obj, map)))
		if (arena_object_map__fd(map) == prog->obj_fds[idx])
			return arena_object_map__name(map);
	return "(no such map)";
}

/* The nth ld_imm64 with src_reg src in the program's instructions. */
static const struct bpf_insn *nth_ld(const struct fake_prog_load *prog, int src, int n)
{
	__u32 i;

	for (i = 0; i + 1 < prog->req.insn_cnt; i++) {
		if (prog->insns[i].code != INSN_LD_IMM64)
			continue;
		if (prog->insns[i].src_reg == src && !n--)
			return &prog->insns[i];
		i++;
	}
	return NULL;
}

static int count_insns(const struct fake_prog_load *prog, __u8 code, int src)
{
	int n = 0;
	__u32 i;

	for (i = 0; i < prog->req.insn_cnt; i++)
		n += prog->insns[i].code == code && prog->insns[i].src_reg == src;
	return n;
}

/*
 * The program's maps through the public calls, in obj_fds order: names,
 * then NULL past the end.
 */
static void expect_program_maps(const struct arena_object *obj, const char *prog_name,
				const char *const *names)
{
	const struct arena_program *prog = arena_object__find_program_by_name(obj, prog_name);
	size_t n;

	for (n = 0; names[n]; n++)
		TAP_EXPECT_STREQ(arena_object_map__name(arena_object__program_map(obj, prog, n)),
				 names[n]);
	TAP_EXPECT_EQ(arena_program__nr_maps(prog), n);
	TAP_EXPECT(arena_object__program_map(obj, prog, n) == NULL);
	TAP_EXPECT_EQ(errno, ENOENT);
}

/* Every map kind from BTF, each referenced as the object itself. */
static void maps_of_each_kind(void)
{
	struct arena_object *obj = open_obj("maps");
	struct arena_dev *dev = fake_dev();
	const struct fake_prog_load *prog;
	const struct bpf_insn *ld;
	struct arena_object_map *arena;
	int i;

	TAP_EXPECT(obj && dev);
	if (!obj || !dev)
		goto out;
	TAP_EXPECT_EQ(arena_object_map__type(arena_object__find_map_by_name(obj, "arena")), 33);
	TAP_EXPECT_EQ(arena_object_map__type(arena_object__find_map_by_name(obj, "ring")), 27);
	TAP_EXPECT_EQ(arena_object_map__type(arena_object__find_map_by_name(obj, "user_ring")), 31);
	TAP_EXPECT_EQ(arena_object_map__type(arena_object__find_map_by_name(obj, "values")), 2);
	TAP_EXPECT_OK(arena_object__load(obj, dev));
	TAP_EXPECT_EQ(fake.create.nr_pages, 4);
	TAP_EXPECT_EQ(fake.create.flags, ARENA_F_SEGV_ON_FAULT);
	TAP_EXPECT_EQ(fake.create.user_addr, 1ULL << 36);
	TAP_EXPECT_EQ(fake.ring_create_calls, 2);
	TAP_EXPECT_EQ(fake.ring_create.data_size, 8192);
	TAP_EXPECT_EQ(fake.ring_create.flags, RINGBUF_F_USER);
	TAP_EXPECT_EQ(fake.array_create.value_size, 8);
	TAP_EXPECT_EQ(fake.array_create.max_entries, 3);
	TAP_EXPECT_EQ(fake.array_create.flags, ARRAY_F_MMAPABLE);
	prog = loaded("use_maps");
	TAP_EXPECT(prog != NULL);
	if (!prog)
		goto out;
	TAP_EXPECT_EQ(prog->req.nr_objs, 4);
	TAP_EXPECT_STREQ(prog->license, "GPL");
	/* In source order, each named once: its index is its first use. */
	for (i = 0; i < 4; i++) {
		ld = nth_ld(prog, BPF_PSEUDO_MAP_IDX, i);
		TAP_EXPECT(ld != NULL);
		if (ld)
			TAP_EXPECT_EQ(ld->imm, i);
	}
	TAP_EXPECT_STREQ(obj_map_name(obj, prog, 0), "values");
	TAP_EXPECT_STREQ(obj_map_name(obj, prog, 1), "ring");
	TAP_EXPECT_STREQ(obj_map_name(obj, prog, 2), "arena");
	TAP_EXPECT_STREQ(obj_map_name(obj, prog, 3), "user_ring");
	expect_program_maps(obj, "use_maps", (const char *const[]){ "values", "ring", "arena",
								    "user_ring", NULL });
	arena = arena_object__find_map_by_name(obj, "arena");
	TAP_EXPECT_EQ(arena_object_map__max_entries(arena), 4);
	TAP_EXPECT_EQ(arena_object_map__value_size(arena), 0);
	TAP_EXPECT_EQ(arena_object_map__map_extra(arena), 1ULL << 36);
	TAP_EXPECT_EQ(arena_object_map__max_entries(arena_object__find_map_by_name(obj, "ring")),
		      4096);
	TAP_EXPECT_EQ(arena_object_map__max_entries(arena_object__find_map_by_name(obj, "values")),
		      3);
	TAP_EXPECT_EQ(arena_object_map__value_size(arena_object__find_map_by_name(obj, "values")),
		      8);
	TAP_EXPECT(arena_object_map__arena(arena) != NULL);
	TAP_EXPECT_EQ(arena_map__size(arena_object_map__arena(arena)), 4 * sysconf(_SC_PAGESIZE));
out:
	arena_object__close(obj);
	arena_dev__close(dev);
}

/* An ld_imm64 of a value: object idx is map, at offset off. */
static void expect_value_ld(const struct arena_object *obj, const struct fake_prog_load *prog,
			    int n, const char *map, int off)
{
	const struct bpf_insn *ld = nth_ld(prog, BPF_PSEUDO_MAP_IDX_VALUE, n);

	TAP_EXPECT(ld != NULL);
	if (!ld)
		return;
	TAP_EXPECT_STREQ(obj_map_name(obj, prog, ld->imm), map);
	TAP_EXPECT_EQ(ld[1].imm, off);
}

/* The flags the fake module was asked to create the map's array with, or -1. */
static long long array_flags(const struct arena_object *obj, const char *map)
{
	const struct fake_object *made =
		fake_object_of(arena_object_map__fd(arena_object__find_map_by_name(obj, map)));

	return made && made->cmd == ARRAY_IOC_CREATE ? (long long)made->array.flags : -1;
}

/*
 * .data, .bss, .rodata: arrays with their images; global variables by
 * their own symbols, static ones by the section's plus an offset.
 */
static void globals_in_data_sections(void)
{
	struct arena_object *obj = open_obj("globals");
	struct arena_dev *dev = fake_dev();
	const struct fake_prog_load *prog;
	const __u64 *data;
	size_t size = 0;

	TAP_EXPECT(obj && dev);
	if (!obj || !dev)
		goto out;
	TAP_EXPECT_OK(arena_object__load(obj, dev));
	prog = loaded("bump");
	TAP_EXPECT(prog != NULL);
	if (!prog)
		goto out;
	TAP_EXPECT_EQ(prog->req.nr_objs, 3);
	TAP_EXPECT_EQ(count_insns(prog, INSN_LD_IMM64, BPF_PSEUDO_MAP_IDX_VALUE), 5);
	/* In the order clang emits them: limit, zeroed, counter. */
	expect_value_ld(obj, prog, 0, ".rodata", 0);
	expect_value_ld(obj, prog, 1, ".bss", 0);
	expect_value_ld(obj, prog, 2, ".data", 0);
	expect_program_maps(obj, "bump", (const char *const[]){ ".rodata", ".bss", ".data", NULL });
	data = arena_object_map__initial_value(arena_object__find_map_by_name(obj, ".data"), &size);
	TAP_EXPECT(data != NULL);
	TAP_EXPECT_EQ(size, 16);
	if (data)
		TAP_EXPECT_EQ(data[1], 5);
	TAP_EXPECT(!arena_object_map__initial_value(arena_object__find_map_by_name(obj, ".bss"),
						    NULL));
	TAP_EXPECT_EQ(arena_object_map__max_entries(arena_object__find_map_by_name(obj, ".bss")),
		      1);
	data = arena_object_map__values(arena_object__find_map_by_name(obj, ".data"), &size);
	TAP_EXPECT(data != NULL);
	TAP_EXPECT_EQ(size, 16);
	if (data) {
		TAP_EXPECT_EQ(data[0], 40);
		TAP_EXPECT_EQ(data[1], 5);
	}
	data = arena_object_map__values(arena_object__find_map_by_name(obj, ".rodata"), &size);
	TAP_EXPECT(data != NULL);
	if (data)
		TAP_EXPECT_EQ(*(const __u32 *)data, 7);
	TAP_EXPECT(arena_object__find_map_by_name(obj, ".bss") != NULL);
	/* Programs may not write .rodata; user space maps every data section. */
	TAP_EXPECT_EQ(array_flags(obj, ".rodata"), ARRAY_F_MMAPABLE | ARRAY_F_RDONLY_PROG);
	TAP_EXPECT_EQ(array_flags(obj, ".data"), ARRAY_F_MMAPABLE);
out:
	arena_object__close(obj);
	arena_dev__close(dev);
}

/* Every .data/.bss offset the program uses lies in its section. */
static void globals_offsets_match_symbols(void)
{
	struct arena_object *obj = open_obj("globals");
	struct arena_dev *dev = fake_dev();
	const struct fake_prog_load *prog;
	const struct bpf_insn *ld;
	int n, seen_static_data = 0, seen_static_bss = 0;

	TAP_EXPECT(obj && dev && !arena_object__load(obj, dev));
	prog = loaded("bump");
	TAP_EXPECT(prog != NULL);
	for (n = 0; prog && (ld = nth_ld(prog, BPF_PSEUDO_MAP_IDX_VALUE, n)); n++) {
		const char *map = obj_map_name(obj, prog, ld->imm);

		seen_static_data += !strcmp(map, ".data") && ld[1].imm == 8;
		seen_static_bss += !strcmp(map, ".bss") && ld[1].imm == 8;
		TAP_EXPECT(ld[1].imm == 0 || ld[1].imm == 8);
	}
	TAP_EXPECT(seen_static_data > 0);
	TAP_EXPECT(seen_static_bss > 0);
	arena_object__close(obj);
	arena_dev__close(dev);
}

/*
 * __arena globals: references into the arena at their offsets in
 * .addr_space.1, whose image sits at the arena's start; kfuncs by name.
 */
static void arena_globals_and_kfuncs(void)
{
	struct arena_object *obj = open_obj("arena_globals");
	struct arena_dev *dev = fake_dev();
	const struct fake_prog_load *touch, *release;
	struct arena_map *arena;
	const int *start;
	__u32 i;

	TAP_EXPECT(obj && dev);
	if (!obj || !dev)
		goto out;
	TAP_EXPECT_OK(arena_object__load(obj, dev));
	touch = loaded("touch");
	release = loaded("release");
	TAP_EXPECT(touch && release);
	if (!touch || !release)
		goto out;
	TAP_EXPECT_EQ(count_insns(touch, INSN_CALL, BPF_PSEUDO_KFUNC_CALL), 1);
	TAP_EXPECT_EQ(count_insns(release, INSN_CALL, BPF_PSEUDO_KFUNC_CALL), 1);
	for (i = 0; i < touch->req.insn_cnt; i++)
		if (touch->insns[i].code == INSN_CALL && touch->insns[i].src_reg)
			TAP_EXPECT_EQ(touch->insns[i].imm, ARENA_KFUNC_ARENA_ALLOC_PAGES);
	for (i = 0; i < release->req.insn_cnt; i++)
		if (release->insns[i].code == INSN_CALL && release->insns[i].src_reg)
			TAP_EXPECT_EQ(release->insns[i].imm, ARENA_KFUNC_ARENA_FREE_PAGES);
	/* The arena is touch's only object: the map itself and the globals. */
	TAP_EXPECT_EQ(touch->req.nr_objs, 1);
	TAP_EXPECT_STREQ(obj_map_name(obj, touch, 0), "arena");
	TAP_EXPECT(nth_ld(touch, BPF_PSEUDO_MAP_IDX_VALUE, 0) != NULL);
	arena = arena_object_map__arena(arena_object__find_map_by_name(obj, "arena"));
	start = arena_map__ptr(arena, 0);
	TAP_EXPECT(start != NULL);
	/* first (int 11) then second (u64 22), as clang laid them out. */
	if (start)
		TAP_EXPECT(start[0] == 11 || start[0] == 22);
out:
	arena_object__close(obj);
	arena_dev__close(dev);
}

/* The first instruction of prog's call at index i lands on: pc + imm + 1. */
static __u32 call_target(const struct fake_prog_load *prog, __u32 i)
{
	return i + prog->insns[i].imm + 1;
}

/*
 * call_chain: syscall -> .text twice_plus_one (section symbol relocation)
 * -> twice (resolved by the assembler), both appended once, in order.
 */
static void calls_across_and_within_sections(void)
{
	struct arena_object *obj = open_obj("calls");
	struct arena_dev *dev = fake_dev();
	const struct fake_prog_load *prog;
	__u32 inner;

	TAP_EXPECT(obj && dev && !arena_object__load(obj, dev));
	prog = loaded("call_chain");
	TAP_EXPECT(prog != NULL);
	if (!prog)
		goto out;
	/* call_chain (2), twice_plus_one (4), twice (3). */
	TAP_EXPECT_EQ(prog->req.insn_cnt, 9);
	TAP_EXPECT_EQ(prog->insns[0].src_reg, BPF_PSEUDO_CALL);
	TAP_EXPECT_EQ(call_target(prog, 0), 2);
	inner = 3;
	TAP_EXPECT_EQ(prog->insns[inner].code, INSN_CALL);
	TAP_EXPECT_EQ(prog->insns[inner].src_reg, BPF_PSEUDO_CALL);
	TAP_EXPECT_EQ(call_target(prog, inner), 6);
	TAP_EXPECT_EQ(prog->insns[8].code, BPF_JMP | BPF_EXIT);
out:
	arena_object__close(obj);
	arena_dev__close(dev);
}

/* with_loop: bpf_loop's callback as BPF_PSEUDO_FUNC, pc-relative. */
static void callback_becomes_pseudo_func(void)
{
	struct arena_object *obj = open_obj("calls");
	struct arena_dev *dev = fake_dev();
	const struct fake_prog_load *prog;
	const struct bpf_insn *ld;
	__u32 at, target;

	TAP_EXPECT(obj && dev && !arena_object__load(obj, dev));
	prog = loaded("with_loop");
	TAP_EXPECT(prog != NULL);
	ld = prog ? nth_ld(prog, BPF_PSEUDO_FUNC, 0) : NULL;
	TAP_EXPECT(ld != NULL);
	if (!ld)
		goto out;
	at = ld - prog->insns;
	target = at + ld->imm + 1;
	TAP_EXPECT(target < prog->req.insn_cnt);
	/* add_index starts by zero-extending its u32 index: r1 <<= 32. */
	if (target < prog->req.insn_cnt) {
		TAP_EXPECT_EQ(prog->insns[target].code, BPF_ALU64 | BPF_LSH | BPF_K);
		TAP_EXPECT_EQ(prog->insns[target].imm, 32);
	}
	TAP_EXPECT_EQ(count_insns(prog, INSN_CALL, BPF_PSEUDO_CALL), 1);
out:
	arena_object__close(obj);
	arena_dev__close(dev);
}

/* Each object of errors.bpf.c: refused, -errno, the unknown thing named. */
static void expect_refused(const char *name, int err, const char *named)
{
	struct arena_object *obj;

	capture_start();
	obj = arena_object__open_file(obj_path(name), NULL);
	TAP_EXPECT(obj == NULL);
	TAP_EXPECT_EQ(errno, err);
	if (!strstr(captured, named))
		tap_fail(__FILE__, __LINE__, "log \"%s\" does not name \"%s\"", captured, named);
	arena_object__close(obj);
}

static void unknown_extern(void)
{
	expect_refused("unknown_extern", EOPNOTSUPP, "bpf_no_such_kfunc");
}

static void unknown_section(void)
{
	expect_refused("unknown_section", EOPNOTSUPP, ".odd_place");
}

static void unknown_map_type(void)
{
	expect_refused("unknown_map_type", EOPNOTSUPP, "hash_map");
}

static void unknown_map_attribute(void)
{
	expect_refused("unknown_map_attr", EOPNOTSUPP, "pinning");
}

static void unknown_program_type(void)
{
	expect_refused("unknown_prog_type", EOPNOTSUPP, "xdp");
}

/* A good object's bytes, to corrupt. */
struct image {
	unsigned char *bytes;
	size_t size;
};

static struct image image_read(const char *name)
{
	struct image img = { 0 };
	struct stat st;
	int fd = open(obj_path(name), O_RDONLY);

	if (fd < 0 || fstat(fd, &st))
		return img;
	img.bytes = malloc(st.st_size);
	if (img.bytes && read(fd, img.bytes, st.st_size) == st.st_size)
		img.size = st.st_size;
	close(fd);
	return img;
}

static Elf64_Shdr *image_section(struct image *img, const char *name)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img->bytes;
	Elf64_Shdr *sh = (Elf64_Shdr *)(img->bytes + eh->e_shoff);
	const char *names = (const char *)img->bytes + sh[eh->e_shstrndx].sh_offset;
	int i;

	for (i = 0; i < eh->e_shnum; i++)
		if (!strcmp(names + sh[i].sh_name, name))
			return &sh[i];
	return NULL;
}

/* Opening the corrupted image fails with EINVAL (or err) and no crash. */
static void expect_malformed(const struct image *img, size_t size, int err, const char *said)
{
	struct arena_object *obj;

	capture_start();
	obj = arena_object__open_mem(img->bytes, size, NULL);
	TAP_EXPECT(obj == NULL);
	TAP_EXPECT_EQ(errno, err);
	if (said && !strstr(captured, said))
		tap_fail(__FILE__, __LINE__, "log \"%s\" does not say \"%s\"", captured, said);
	arena_object__close(obj);
}

/* Every prefix of a good object: refused cleanly (the sanitizers watch). */
static void truncated_objects(void)
{
	struct image img = image_read("arena_globals");
	struct arena_object *obj;
	size_t len;

	TAP_EXPECT(img.size > 0);
	for (len = 0; len < img.size; len += len < 256 ? 1 : 61) {
		capture_start();
		obj = arena_object__open_mem(img.bytes, len, NULL);
		if (obj) {
			tap_fail(__FILE__, __LINE__, "a prefix of %zu bytes opened", len);
			arena_object__close(obj);
			break;
		}
	}
	capture_start();
	obj = arena_object__open_mem(img.bytes, img.size, NULL);
	TAP_EXPECT(obj != NULL);
	arena_object__close(obj);
	free(img.bytes);
}

static void wrong_header_fields(void)
{
	struct image img = image_read("globals");
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img.bytes;

	TAP_EXPECT(img.size > sizeof(*eh));
	if (img.size <= sizeof(*eh))
		return;
	eh->e_machine = EM_X86_64;
	expect_malformed(&img, img.size, EINVAL, "machine");
	eh->e_machine = EM_BPF;
	eh->e_ident[EI_CLASS] = ELFCLASS32;
	expect_malformed(&img, img.size, EINVAL, "64-bit");
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2MSB;
	expect_malformed(&img, img.size, EINVAL, "byte order");
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_type = ET_EXEC;
	expect_malformed(&img, img.size, EINVAL, "relocatable");
	free(img.bytes);
}

/* The first relocation of .relsyscall, to corrupt. */
static Elf64_Rel *first_rel(struct image *img)
{
	Elf64_Shdr *sh = image_section(img, ".relsyscall");

	return sh && sh->sh_size ? (Elf64_Rel *)(img->bytes + sh->sh_offset) : NULL;
}

static void bad_relocations(void)
{
	struct image img = image_read("globals");
	Elf64_Rel *rel = first_rel(&img), saved;

	TAP_EXPECT(rel != NULL);
	if (!rel)
		goto out;
	saved = *rel;
	rel->r_offset = 1 << 20;
	expect_malformed(&img, img.size, EINVAL, "relocation offset");
	rel->r_offset = saved.r_offset + 4;
	expect_malformed(&img, img.size, EINVAL, "relocation offset");
	*rel = saved;
	rel->r_info = ELF64_R_INFO(1000000, ELF64_R_TYPE(saved.r_info));
	expect_malformed(&img, img.size, EINVAL, "symbol index");
	rel->r_info = ELF64_R_INFO(ELF64_R_SYM(saved.r_info), 3);
	expect_malformed(&img, img.size, EOPNOTSUPP, "unknown relocation type 3");
	*rel = saved;
	/* A relocation on an instruction that is neither ld_imm64 nor call. */
	rel->r_offset = saved.r_offset + 16;
	expect_malformed(&img, img.size, EOPNOTSUPP, "neither ld_imm64 nor call");
out:
	free(img.bytes);
}

static void bad_sections(void)
{
	struct image img = image_read("globals");
	Elf64_Shdr *bss = image_section(&img, ".bss");
	Elf64_Shdr *text = image_section(&img, "syscall");
	Elf64_Shdr *symtab = image_section(&img, ".symtab");
	__u64 saved;

	TAP_EXPECT(bss && text && symtab);
	if (!bss || !text || !symtab)
		goto out;
	saved = bss->sh_size;
	bss->sh_size = 1ULL << 40;
	expect_malformed(&img, img.size, E2BIG, ".bss");
	bss->sh_size = saved;
	saved = text->sh_size;
	text->sh_size = 1ULL << 40;
	expect_malformed(&img, img.size, EINVAL, "past the end of the file");
	text->sh_size = saved;
	saved = text->sh_offset;
	text->sh_offset = img.size - 8;
	expect_malformed(&img, img.size, EINVAL, "past the end of the file");
	text->sh_offset = saved;
	symtab->sh_link = 60000;
	expect_malformed(&img, img.size, EINVAL, NULL);
out:
	free(img.bytes);
}

/* A symbol's section index and a function's size out of range. */
static void bad_symbols(void)
{
	struct image img = image_read("calls");
	Elf64_Shdr *symtab = image_section(&img, ".symtab");
	Elf64_Sym *syms, *func = NULL, saved;
	size_t i, n;

	TAP_EXPECT(symtab != NULL);
	if (!symtab)
		goto out;
	syms = (Elf64_Sym *)(img.bytes + symtab->sh_offset);
	n = symtab->sh_size / sizeof(*syms);
	for (i = 0; i < n && !func; i++)
		if (ELF64_ST_TYPE(syms[i].st_info) == STT_FUNC)
			func = &syms[i];
	TAP_EXPECT(func != NULL);
	if (!func)
		goto out;
	saved = *func;
	func->st_shndx = 9999;
	expect_malformed(&img, img.size, EINVAL, "section index");
	*func = saved;
	func->st_size = 1 << 20;
	expect_malformed(&img, img.size, EINVAL, "not whole instructions");
	*func = saved;
	func->st_name = 1 << 30;
	expect_malformed(&img, img.size, EINVAL, "bad name");
out:
	free(img.bytes);
}

/* The symbol named name in img's symbol table, or NULL. */
static const Elf64_Sym *image_symbol(struct image *img, const char *name)
{
	Elf64_Shdr *symtab = image_section(img, ".symtab");
	Elf64_Shdr *strtab;
	const Elf64_Sym *syms;
	size_t i;

	if (!symtab)
		return NULL;
	strtab = (Elf64_Shdr *)(img->bytes + ((Elf64_Ehdr *)img->bytes)->e_shoff) +
		 symtab->sh_link;
	syms = (const Elf64_Sym *)(img->bytes + symtab->sh_offset);
	for (i = 0; i < symtab->sh_size / sizeof(*syms); i++)
		if (!strcmp((const char *)img->bytes + strtab->sh_offset + syms[i].st_name, name))
			return &syms[i];
	return NULL;
}

/*
 * arena_htab.bpf.c (written like the kernel's arena_htab.c): the callback
 * update_key calls the weak global htab_update_elem through a relocation
 * against that function's own symbol; the call lands on its first
 * instruction, appended once for both bpf_loop() references.
 */
static void call_through_function_symbol(void)
{
	struct image img = image_read("arena_htab");
	struct arena_object *obj = open_obj("arena_htab");
	struct arena_program *prog = arena_object__find_program_by_name(obj, "htab_fill");
	const Elf64_Sym *callee = image_symbol(&img, "htab_update_elem");
	const struct bpf_insn *insns = arena_program__insns(prog), *first;
	size_t i, n = arena_program__insn_cnt(prog), funcs = 0, calls = 0;

	TAP_EXPECT(prog && callee);
	if (!prog || !callee)
		goto out;
	first = (const struct bpf_insn *)(img.bytes + image_section(&img, ".text")->sh_offset +
					  callee->st_value);
	for (i = 0; i < n; i++) {
		if (insns[i].code == INSN_LD_IMM64 && insns[i].src_reg == BPF_PSEUDO_FUNC)
			funcs++;
		if (insns[i].code != INSN_CALL || insns[i].src_reg != BPF_PSEUDO_CALL)
			continue;
		calls++;
		TAP_EXPECT(i + insns[i].imm + 1 < n);
		if (i + insns[i].imm + 1 < n)
			TAP_EXPECT(!memcmp(&insns[i + insns[i].imm + 1], first, sizeof(*first)));
	}
	TAP_EXPECT_EQ(calls, 1);
	/* Two bpf_loop() calls, one callback, one copy of it. */
	TAP_EXPECT_EQ(funcs, 2);
out:
	arena_object__close(obj);
	free(img.bytes);
}

/*
 * Whether the loader's copy of an instruction is the object's: the same
 * but for what relocation rewrites (a call's or ld_imm64's src_reg and
 * immediates; the second half of an ld_imm64 is compared as its imm).
 */
static bool same_but_relocation(const struct bpf_insn *copy, const struct bpf_insn *orig)
{
	if (copy->code != orig->code)
		return false;
	if (copy->code == INSN_CALL || copy->code == INSN_LD_IMM64)
		return copy->dst_reg == orig->dst_reg && copy->off == orig->off;
	return !memcmp(copy, orig, sizeof(*copy));
}

/*
 * Where the function name of img was appended to prog: the first
 * instruction past the entry from which its body follows; -1 if nowhere.
 */
static long appended_at(struct image *img, const struct arena_program *prog, const char *name)
{
	const Elf64_Sym *sym = image_symbol(img, name);
	const Elf64_Shdr *text = image_section(img, ".text");
	const struct bpf_insn *insns = arena_program__insns(prog), *body;
	size_t n = arena_program__insn_cnt(prog), len, base, i;

	if (!sym || !text || !insns)
		return -1;
	body = (const struct bpf_insn *)(img->bytes + text->sh_offset + sym->st_value);
	len = sym->st_size / sizeof(*body);
	for (base = 1; base + len <= n; base++) {
		for (i = 0; i < len && same_but_relocation(&insns[base + i], &body[i]); i++)
			i += body[i].code == INSN_LD_IMM64;
		if (i >= len)
			return base;
	}
	return -1;
}

/* The record of the global function at insn_off, or NULL. */
static const struct prog_global_func *global_func_at(const struct prog_global_func *funcs,
						     size_t n, long insn_off)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (funcs[i].insn_off == insn_off)
			return &funcs[i];
	return NULL;
}

/* A function of global_funcs.bpf.c and what the loader must list for it. */
struct expected_global {
	const char *name;
	struct prog_global_func record;	/* insn_off 0: not listed */
};

/* The record's fields but insn_off, found where the function was appended. */
#define GLOBAL(NAME, ...)	{ NAME, { .insn_off = 1, __VA_ARGS__ } }
#define NOT_LISTED(NAME)	{ NAME, { .insn_off = 0 } }
#define PAIR_SIZE		16

static const struct expected_global global_funcs_expected[] = {
	GLOBAL("scalars", .arg = { PROG_ARG_SCALAR, PROG_ARG_SCALAR, PROG_ARG_SCALAR,
				   PROG_ARG_SCALAR, PROG_ARG_SCALAR }),
	GLOBAL("arena_arg", .arg = { PROG_ARG_ARENA }),
	GLOBAL("tagged_ctx", .arg = { PROG_ARG_CTX }),
	GLOBAL("void_ctx", .arg = { PROG_ARG_CTX }),
	GLOBAL("mem", .arg = { PROG_ARG_MEM }, .mem_size = { PAIR_SIZE }),
	GLOBAL("nonnull_mem", .arg = { PROG_ARG_SCALAR, PROG_ARG_MEM_NONNULL },
	       .mem_size = { 0, PAIR_SIZE }),
	GLOBAL("no_result", .flags = PROG_GLOBAL_F_VOID, .arg = { PROG_ARG_MEM },
	       .mem_size = { PAIR_SIZE }),
	NOT_LISTED("static_fn"),
	NOT_LISTED("hidden_fn"),
	NOT_LISTED("by_value"),
	NOT_LISTED("unsized"),
	NOT_LISTED("pointer_back"),
	NOT_LISTED("callback"),
};

static void expect_global_func(struct image *img, const struct arena_program *prog,
			       const struct expected_global *want)
{
	const struct prog_global_func *funcs, *got;
	long base = appended_at(img, prog, want->name);
	size_t n, i;

	funcs = arena_program__global_funcs(prog, &n);
	if (base < 0) {
		tap_fail(__FILE__, __LINE__, "%s was not appended", want->name);
		return;
	}
	got = global_func_at(funcs, n, base);
	if (!want->record.insn_off) {
		if (got)
			tap_fail(__FILE__, __LINE__, "%s is listed", want->name);
		return;
	}
	if (!got) {
		tap_fail(__FILE__, __LINE__, "%s (insn %ld) is not listed", want->name, base);
		return;
	}
	TAP_EXPECT_EQ(got->flags, want->record.flags);
	for (i = 0; i < PROG_FUNC_ARGS; i++) {
		TAP_EXPECT_EQ(got->arg[i], want->record.arg[i]);
		TAP_EXPECT_EQ(got->mem_size[i], want->record.mem_size[i]);
	}
	TAP_EXPECT(!got->reserved[0] && !got->reserved[1] && !got->reserved[2]);
}

/* Every kind of argument, and each function that must stay unlisted. */
static void global_funcs_of_each_kind(void)
{
	struct image img = image_read("global_funcs");
	struct arena_object *obj = open_obj("global_funcs");
	struct arena_program *prog = arena_object__find_program_by_name(obj, "call_each");
	size_t i, n = 0, listed = 0;

	TAP_EXPECT(prog != NULL);
	if (!prog)
		goto out;
	for (i = 0; i < sizeof(global_funcs_expected) / sizeof(global_funcs_expected[0]); i++) {
		expect_global_func(&img, prog, &global_funcs_expected[i]);
		listed += global_funcs_expected[i].record.insn_off != 0;
	}
	TAP_EXPECT(arena_program__global_funcs(prog, &n) != NULL);
	TAP_EXPECT_EQ(n, listed);
out:
	arena_object__close(obj);
	free(img.bytes);
}

/* Why a function is left out, at debug level, naming it. */
static void global_funcs_left_out_say_why(void)
{
	struct arena_object *obj;

	capture_start();
	obj = arena_object__open_file(obj_path("global_funcs"), NULL);
	TAP_EXPECT(obj != NULL);
	TAP_EXPECT_EQ(captured_level, LIBARENA_DEBUG);
	TAP_EXPECT(strstr(captured, "'by_value' is walked at each call: an argument that is "
				    "neither a number nor a pointer") != NULL);
	TAP_EXPECT(strstr(captured, "'unsized' is walked at each call: a pointer to something "
				    "of no known size") != NULL);
	TAP_EXPECT(strstr(captured, "'pointer_back' is walked at each call: it returns neither")
		   != NULL);
	TAP_EXPECT(strstr(captured, "'callback' is walked at each call: it is a callback") != NULL);
	/* Static and hidden functions are static for the verifier too: nothing to say. */
	TAP_EXPECT(strstr(captured, "static_fn") == NULL);
	TAP_EXPECT(strstr(captured, "hidden_fn") == NULL);
	arena_object__close(obj);
}

/*
 * The records reach PROG_IOC_LOAD in a request of PROG_LOAD_SIZE_VER1; a
 * program without global functions still sends PROG_LOAD_SIZE_VER0.
 */
static void global_funcs_reach_the_module(void)
{
	struct arena_object *obj = open_obj("global_funcs");
	struct arena_object *plain = open_obj("globals");
	struct arena_dev *dev = fake_dev();
	const struct prog_global_func *funcs;
	const struct fake_prog_load *prog;
	size_t n = 0;

	TAP_EXPECT(obj && plain && dev);
	if (!obj || !plain || !dev)
		goto out;
	TAP_EXPECT_OK(arena_object__load(obj, dev));
	TAP_EXPECT_OK(arena_object__load(plain, dev));
	funcs = arena_program__global_funcs(arena_object__find_program_by_name(obj, "call_each"),
					    &n);
	prog = loaded("call_each");
	TAP_EXPECT(prog && funcs);
	if (!prog || !funcs)
		goto out;
	TAP_EXPECT_EQ(prog->req.size, PROG_LOAD_SIZE_VER1);
	TAP_EXPECT_EQ(prog->req.nr_global_funcs, n);
	TAP_EXPECT(!memcmp(prog->global_funcs, funcs, n * sizeof(*funcs)));
	prog = loaded("bump");
	TAP_EXPECT(prog != NULL);
	if (prog) {
		TAP_EXPECT_EQ(prog->req.size, PROG_LOAD_SIZE_VER0);
		TAP_EXPECT_EQ(prog->req.nr_global_funcs, 0);
	}
	TAP_EXPECT(arena_program__global_funcs(arena_object__find_program_by_name(plain, "bump"),
					       &n) == NULL);
	TAP_EXPECT_EQ(n, 0);
out:
	arena_object__close(obj);
	arena_object__close(plain);
	arena_dev__close(dev);
}

/* A module without ARENA_FEATURE_PROG_GLOBALS: the first request size, no records. */
static void global_funcs_older_module(void)
{
	struct arena_object *obj = open_obj("global_funcs");
	struct arena_dev *dev = fake_dev_with(FAKE_FEATURES_OLD);
	const struct fake_prog_load *prog;

	TAP_EXPECT(obj && dev);
	if (!obj || !dev)
		goto out;
	TAP_EXPECT_OK(arena_object__load(obj, dev));
	prog = loaded("call_each");
	TAP_EXPECT(prog != NULL);
	if (prog) {
		TAP_EXPECT_EQ(prog->req.size, PROG_LOAD_SIZE_VER0);
		TAP_EXPECT_EQ(prog->req.nr_global_funcs, 0);
	}
out:
	arena_object__close(obj);
	arena_dev__close(dev);
}

/* arena_htab.bpf.c's htab_update_elem(htab __arg_arena, key, value). */
static void arena_htab_update_is_global(void)
{
	struct image img = image_read("arena_htab");
	struct arena_object *obj = open_obj("arena_htab");
	struct arena_program *prog = arena_object__find_program_by_name(obj, "htab_fill");
	const struct expected_global want =
		GLOBAL("htab_update_elem",
		       .arg = { PROG_ARG_ARENA, PROG_ARG_SCALAR, PROG_ARG_SCALAR });
	size_t n = 0;

	TAP_EXPECT(prog != NULL);
	if (prog) {
		expect_global_func(&img, prog, &want);
		arena_program__global_funcs(prog, &n);
		TAP_EXPECT_EQ(n, 1);
	}
	arena_object__close(obj);
	free(img.bytes);
}

/* Options from a caller that predates global functions, and a list without records. */
static void prog_load_global_funcs_options(void)
{
	static const struct bpf_insn ret0[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBARENA_OPTS(arena_prog_load_opts, opts, .nr_global_funcs = 1);
	struct arena_dev *dev = fake_dev();
	int fd = -1;

	TAP_EXPECT(dev != NULL);
	if (!dev)
		return;
	TAP_EXPECT_ERRNO(arena_dev__prog_load(dev, ret0, 2, &opts, &fd), EINVAL);
	TAP_EXPECT_EQ(fd, -1);
	TAP_EXPECT_EQ(fake.nr_progs, 0);
	/* An older caller's options end before global_funcs: none are sent. */
	opts.sz = offsetof(struct arena_prog_load_opts, global_funcs);
	TAP_EXPECT_OK(arena_dev__prog_load(dev, ret0, 2, &opts, &fd));
	TAP_EXPECT_EQ(fake.progs[0].req.size, PROG_LOAD_SIZE_VER0);
	TAP_EXPECT_EQ(fake.progs[0].req.nr_global_funcs, 0);
	close(fd);
	arena_dev__close(dev);
}

/* Two objects made one: the call between them resolved, both .data merged. */
static void linking_two_objects(void)
{
	const char *paths[2];
	char a[512], b[512];
	struct arena_object *obj;
	struct arena_program *prog;
	const struct bpf_insn *insns;
	size_t size = 0, i;
	int calls = 0;

	snprintf(a, sizeof(a), "%s", obj_path("link_a"));
	snprintf(b, sizeof(b), "%s", obj_path("link_b"));
	paths[0] = a;
	paths[1] = b;
	capture_start();
	obj = arena_object__open_files(paths, 2, NULL);
	TAP_EXPECT(obj != NULL);
	if (!obj) {
		printf("# log: %s\n", captured);
		return;
	}
	TAP_EXPECT_STREQ(arena_object__name(obj), "link_a");
	prog = arena_object__find_program_by_name(obj, "in_a");
	TAP_EXPECT(prog != NULL);
	insns = arena_program__insns(prog);
	for (i = 0; insns && i < arena_program__insn_cnt(prog); i++)
		calls += insns[i].code == INSN_CALL && insns[i].src_reg == BPF_PSEUDO_CALL;
	TAP_EXPECT_EQ(calls, 1);
	TAP_EXPECT(arena_object__find_map_by_name(obj, ".data") != NULL);
	(void)size;
	arena_object__close(obj);
}

/* The same objects opened one by one: from_b is an unknown extern in a. */
static void unlinked_object_names_missing_function(void)
{
	expect_refused("link_a", EOPNOTSUPP, "from_b");
}

static void load_failure_says_why(void)
{
	struct arena_object *obj = open_obj("globals");
	struct arena_dev *dev = fake_dev();

	TAP_EXPECT(obj && dev);
	if (!obj || !dev)
		goto out;
	fake.prog_load_err = EINVAL;
	capture_start();
	TAP_EXPECT_ERRNO(arena_object__load(obj, dev), EINVAL);
	TAP_EXPECT(strstr(captured, "bump") != NULL);
	TAP_EXPECT_ERRNO(arena_object__load(obj, dev), EALREADY);
out:
	arena_object__close(obj);
	arena_dev__close(dev);
}

static void bad_arguments(void)
{
	LIBARENA_OPTS(arena_object_open_opts, opts, .object_name = "named");
	struct arena_object *obj;

	capture_start();
	TAP_EXPECT(arena_object__open_file(NULL, NULL) == NULL && errno == EINVAL);
	TAP_EXPECT(arena_object__open_files(NULL, 0, NULL) == NULL && errno == EINVAL);
	TAP_EXPECT(arena_object__open_file("/nonexistent.o", NULL) == NULL && errno == ENOENT);
	TAP_EXPECT_ERRNO(arena_object__load(NULL, NULL), EINVAL);
	TAP_EXPECT(arena_object__find_program_by_name(NULL, "x") == NULL);
	obj = arena_object__open_file(obj_path("globals"), &opts);
	TAP_EXPECT_STREQ(arena_object__name(obj), "named");
	TAP_EXPECT(arena_object__global(obj, "counter", NULL) == NULL && errno == EBUSY);
	TAP_EXPECT(arena_object__global(obj, "nope", NULL) == NULL && errno == ENOENT);
	TAP_EXPECT(arena_object__find_program_by_name(obj, "nope") == NULL && errno == ENOENT);
	TAP_EXPECT_ERRNO(arena_program__set_ctx_size(arena_object__next_program(obj, NULL),
						     PROG_CTX_MAX + 1), EINVAL);
	arena_object__close(obj);
}

/*
 * Loads name on the fake module with the verifier and interpreter behind
 * it; NULL (and a failed check saying why) if that fails.
 */
static struct arena_object *host_load(const char *name, struct arena_dev **devp)
{
	struct arena_object *obj = open_obj(name);

	*devp = fake_dev();
	fake_prog_run_start();
	capture_start();
	if (obj && *devp && !arena_object__load(obj, *devp))
		return obj;
	tap_fail(__FILE__, __LINE__, "loading %s: %s%s", name, captured, fake_prog_run_log());
	arena_object__close(obj);
	return NULL;
}

static void host_unload(struct arena_object *obj, struct arena_dev *dev)
{
	arena_object__close(obj);
	arena_dev__close(dev);
	fake_prog_run_stop();
}

/* .data, .bss, .rodata as the verified program really uses them. */
static void host_runs_globals(void)
{
	struct arena_dev *dev;
	struct arena_object *obj = host_load("globals", &dev);
	__u64 *counter = object_global(obj, "counter", sizeof(*counter));
	__u64 *zeroed = object_global(obj, "zeroed", sizeof(*zeroed));

	if (counter && zeroed) {
		/* counter 42 plus hidden_bss 6; then 44 plus 13. */
		TAP_EXPECT_EQ(object_run(obj, "bump"), 48);
		TAP_EXPECT_EQ(*counter, 42);
		TAP_EXPECT_EQ(*zeroed, 7);
		TAP_EXPECT_EQ(object_run(obj, "bump"), 57);
		*counter = 1000;
		TAP_EXPECT_EQ(object_run(obj, "bump"), 1002 + 21);
	}
	host_unload(obj, dev);
}

static void host_runs_calls_and_callbacks(void)
{
	struct arena_dev *dev;
	struct arena_object *obj = host_load("calls", &dev);

	if (obj) {
		TAP_EXPECT_EQ(object_run(obj, "call_chain"), 41);
		TAP_EXPECT_EQ(object_run(obj, "with_loop"), 12);
	}
	host_unload(obj, dev);
}

static void host_runs_arena_globals(void)
{
	struct arena_dev *dev;
	struct arena_object *obj = host_load("arena_globals", &dev);
	int *first = object_global(obj, "first", sizeof(*first));
	__u64 *second = object_global(obj, "second", sizeof(*second));

	if (first && second) {
		TAP_EXPECT_EQ(*first, 11);
		TAP_EXPECT_EQ(*second, 22);
		TAP_EXPECT_EQ(object_run(obj, "touch"), 0);
		TAP_EXPECT_EQ(*second, 33);
		*first = 5;
		TAP_EXPECT_EQ(object_run(obj, "release"), 5);
	}
	host_unload(obj, dev);
}

/* The list a program built in the arena, walked in this process. */
static void host_runs_arena_list(void)
{
	struct arena_dev *dev;
	struct arena_object *obj = host_load("arena_list", &dev);
	struct arena_list_head **head = object_global(obj, "list_head", sizeof(*head));
	int *count = object_global(obj, "count", sizeof(*count));
	__u64 *sum = object_global(obj, "list_sum", sizeof(*sum));
	__u64 walked_sum;

	if (!head || !count || !sum)
		goto out;
	*count = 20;
	TAP_EXPECT_EQ(object_run(obj, "list_build"), 0);
	TAP_EXPECT(*head != NULL);
	if (!*head)
		goto out;
	TAP_EXPECT_EQ(arena_list_walk(*head, &walked_sum), 20);
	TAP_EXPECT_EQ(walked_sum, 20 * 100 + 19 * 20 / 2);
	TAP_EXPECT_EQ(object_run(obj, "list_sum_free"), 0);
	TAP_EXPECT_EQ(*sum, walked_sum);
	TAP_EXPECT((*head)->first == NULL);
out:
	host_unload(obj, dev);
}

/* The linked object runs: in_a calls from_b, each reading its own .data. */
static void host_runs_linked_objects(void)
{
	const char *paths[] = { LOADER_OBJ_DIR "/link_a.bpf.o", LOADER_OBJ_DIR "/link_b.bpf.o" };
	struct arena_dev *dev = fake_dev();
	struct arena_object *obj = arena_object__open_files(paths, 2, NULL);

	fake_prog_run_start();
	TAP_EXPECT(obj && dev);
	if (obj && dev) {
		TAP_EXPECT_OK(arena_object__load(obj, dev));
		TAP_EXPECT_EQ(object_run(obj, "in_a"), 120);
	}
	host_unload(obj, dev);
}

/* A hash table a program filled in the arena, looked up in this process. */
static void host_runs_arena_htab(void)
{
	struct arena_dev *dev;
	struct arena_object *obj = host_load("arena_htab", &dev);
	struct htab **htab = object_global(obj, "htab_for_user", sizeof(*htab));

	if (!htab)
		goto out;
	TAP_EXPECT_EQ(object_run(obj, "htab_fill"), 0);
	TAP_EXPECT(*htab != NULL);
	/* The second pass replaced every value. */
	if (*htab)
		TAP_EXPECT_EQ(htab_wrong_values(*htab, 2), 0);
out:
	host_unload(obj, dev);
}

static const struct tap_test tests[] = {
	{ "loader", "maps-of-each-kind", maps_of_each_kind },
	{ "loader", "globals-in-data-sections", globals_in_data_sections },
	{ "loader", "globals-offsets-match-symbols", globals_offsets_match_symbols },
	{ "loader", "arena-globals-and-kfuncs", arena_globals_and_kfuncs },
	{ "loader", "calls-across-and-within-sections", calls_across_and_within_sections },
	{ "loader", "callback-becomes-pseudo-func", callback_becomes_pseudo_func },
	{ "loader", "unknown-extern", unknown_extern },
	{ "loader", "unknown-section", unknown_section },
	{ "loader", "unknown-map-type", unknown_map_type },
	{ "loader", "unknown-map-attribute", unknown_map_attribute },
	{ "loader", "unknown-program-type", unknown_program_type },
	{ "loader", "truncated-objects", truncated_objects },
	{ "loader", "wrong-header-fields", wrong_header_fields },
	{ "loader", "bad-relocations", bad_relocations },
	{ "loader", "bad-sections", bad_sections },
	{ "loader", "bad-symbols", bad_symbols },
	{ "loader", "call-through-function-symbol", call_through_function_symbol },
	{ "loader", "global-funcs-of-each-kind", global_funcs_of_each_kind },
	{ "loader", "global-funcs-left-out-say-why", global_funcs_left_out_say_why },
	{ "loader", "global-funcs-reach-the-module", global_funcs_reach_the_module },
	{ "loader", "global-funcs-older-module", global_funcs_older_module },
	{ "loader", "arena-htab-update-is-global", arena_htab_update_is_global },
	{ "loader", "prog-load-global-funcs-options", prog_load_global_funcs_options },
	{ "loader", "linking-two-objects", linking_two_objects },
	{ "loader", "unlinked-object-names-missing-function",
	  unlinked_object_names_missing_function },
	{ "loader", "load-failure-says-why", load_failure_says_why },
	{ "loader", "bad-arguments", bad_arguments },
	{ "loader", "host-runs-globals", host_runs_globals },
	{ "loader", "host-runs-calls-and-callbacks", host_runs_calls_and_callbacks },
	{ "loader", "host-runs-arena-globals", host_runs_arena_globals },
	{ "loader", "host-runs-arena-list", host_runs_arena_list },
	{ "loader", "host-runs-linked-objects", host_runs_linked_objects },
	{ "loader", "host-runs-arena-htab", host_runs_arena_htab },
};

TAP_MAIN(tests)
