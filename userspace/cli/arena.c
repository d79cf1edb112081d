// SPDX-License-Identifier: GPL-2.0
/*
 * `arenactl arena create|list|info|dump`.
 *
 * dump reads only pages that are present: touching an absent page through
 * a mapping would fault a new zeroed page in (or raise SIGSEGV with
 * ARENA_F_SEGV_ON_FAULT).  ARENA_IOC_PAGES_PRESENT says which ones are,
 * without changing anything in the arena, a bitmap window at a time.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arenactl.h"
#include "fields.h"
#include "json.h"

static const char *const arena_list_keys[] = {
	"pages", "user_addr", "arena_flags", "pages_in_use", NULL,
};

static int arena_parse_flags(const char *s, __u32 *flags)
{
	char *copy = strdup(s), *word, *save = NULL;
	int err = 0;

	if (!copy)
		return fail("create", NULL, -ENOMEM);
	*flags = 0;
	for (word = strtok_r(copy, ",", &save); word; word = strtok_r(NULL, ",", &save)) {
		if (!strcmp(word, "segv_on_fault"))
			*flags |= ARENA_F_SEGV_ON_FAULT;
		else if (!strcmp(word, "no_user_conv"))
			*flags |= ARENA_F_NO_USER_CONV;
		else
			err = usage_error("arena create: unknown flag '%s'", word);
		if (err)
			break;
	}
	free(copy);
	return err;
}

static int arena_open_dev(const struct cmd_ctx *ctx, struct arena_dev **devp)
{
	LIBARENA_OPTS(arena_dev_opts, opts, .path = ctx->device);
	int err = arena_dev__open(&opts, devp);

	return err ? fail("open", ctx->device, err) : 0;
}

static int arena_create_cmd(const struct cmd_ctx *ctx, int argc, char **argv)
{
	LIBARENA_OPTS(arena_map_opts, opts);
	struct arena_map *arena;
	struct arena_dev *dev;
	struct verb_opts vo;
	int i, err, fd, dash = cmd_split(argc, argv);
	uint64_t pages = 1, addr = 0;

	err = verb_getopt(dash, argv, &vo, NULL, NULL, NULL);
	if (err)
		return err;
	for (i = optind; i < dash; i += 2) {
		if (i + 1 >= dash)
			return usage_error("arena create: '%s' needs a value", argv[i]);
		if (!strcmp(argv[i], "pages") && !parse_u64(argv[i + 1], &pages))
			continue;
		if (!strcmp(argv[i], "addr") && !parse_u64(argv[i + 1], &addr))
			continue;
		if (!strcmp(argv[i], "flags")) {
			err = arena_parse_flags(argv[i + 1], &opts.flags);
			if (err)
				return err;
			continue;
		}
		return usage_error("arena create: bad argument '%s %s'", argv[i], argv[i + 1]);
	}
	if (dash + 1 >= argc)
		return usage_error("arena create: no command: ... -- CMD [ARGS]");
	opts.user_addr = addr;
	err = arena_open_dev(ctx, &dev);
	if (err)
		return err;
	err = arena_dev__arena_create(dev, pages, &opts, &arena);
	arena_dev__close(dev);
	if (err)
		return fail("arena create", NULL, err);
	/* The fd outlives the library's object: CMD gets it, not a copy. */
	fd = dup(arena_map__fd(arena));
	arena_map__close(arena);
	if (fd < 0)
		return fail("dup", NULL, -errno);
	return exec_with_fd(fd, "ARENA_FD", argv + dash + 1);
}

static int arena_list_cmd(const struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	return obj_list_verb("arena", "arena", arena_list_keys, argc, argv);
}

/* The object of a parsed "[pid PID] fd FD" as a library arena. */
static int arena_open_ref(const struct obj_ref *ref, struct arena_map **arenap)
{
	int err, fd;

	err = obj_ref_open(ref, &fd);
	if (err)
		return err;
	err = arena_map__from_fd(fd, arenap);
	if (err) {
		close(fd);
		return fail("arena", ref->name, err == -EINVAL ? -ENOTTY : err);
	}
	return 0;
}

static int arena_info_cmd(const struct cmd_ctx *ctx, int argc, char **argv)
{
	struct arena_info info = { .size = sizeof(info) };
	struct arena_map *arena;
	struct obj_ref ref;
	struct verb_opts vo;
	int err;

	(void)ctx;
	err = verb_getopt(argc, argv, &vo, NULL, NULL, NULL);
	if (err)
		return err;
	err = obj_ref_args("arena info", argc, argv, &ref, true);
	if (!err)
		err = arena_open_ref(&ref, &arena);
	if (err)
		return err;
	err = arena_map__info(arena, &info);
	arena_map__close(arena);
	if (err)
		return fail("arena info", ref.name, err);
	fields_begin(vo.json);
	field_u64("pages", info.nr_pages);
	field_hex("user_addr", info.user_addr);
	field_hex("flags", info.flags);
	field_u64("pages_in_use", info.pages_in_use);
	fields_end();
	return 0;
}

struct arena_dump {
	struct arena_map *arena;
	char *base;		/* the mapping */
	uint64_t first, count;	/* the pages asked for */
	long page_size;
	bool json;
};

static void arena_dump_page(struct arena_dump *d, uint64_t page)
{
	const char *data = d->base + page * d->page_size;

	if (d->json) {
		json_object_begin();
		json_key("page");
		json_u64(page);
		json_key("addr");
		json_hex((uint64_t)(uintptr_t)data);
		json_key("data");
		json_bytes(data, d->page_size);
		json_object_end();
		return;
	}
	printf("page %llu at 0x%llx:\n", (unsigned long long)page,
	       (unsigned long long)(uintptr_t)data);
	hexdump(data, d->page_size, page * d->page_size);
}

/* Pages whose presence one query asks for: a 4 KiB bitmap. */
#define ARENA_DUMP_WINDOW	(4096 * 8)

/* The present pages among window pages from first, as the bitmap says. */
static void arena_dump_window(struct arena_dump *d, uint64_t first, uint64_t window,
			      const unsigned char *bitmap)
{
	uint64_t i;

	for (i = 0; i < window; i++)
		if (bitmap[i / 8] & (1U << (i % 8)))
			arena_dump_page(d, first + i);
}

static int arena_dump_pages(struct arena_dump *d, const char *name)
{
	uint64_t page, window, end = d->first + d->count;
	unsigned char bitmap[ARENA_DUMP_WINDOW / 8];
	int err = 0;

	if (d->json)
		json_array_begin();
	for (page = d->first; page < end && !err; page += window) {
		window = end - page < ARENA_DUMP_WINDOW ? end - page : ARENA_DUMP_WINDOW;
		err = arena_map__pages_present(d->arena, page, window, bitmap, NULL);
		if (!err)
			arena_dump_window(d, page, window, bitmap);
	}
	if (d->json) {
		json_array_end();
		putchar('\n');
	}
	return err ? fail("arena dump: pages present", name, err) : 0;
}

/* "[page FIRST [count N]]"; count 0 means to the end. */
static int arena_dump_args(struct arena_dump *d, int argc, char **argv)
{
	d->first = 0;
	d->count = 0;
	if (optind < argc && !strcmp(argv[optind], "page")) {
		if (optind + 1 >= argc || parse_u64(argv[optind + 1], &d->first))
			return usage_error("arena dump: page needs a number");
		d->count = 1;
		optind += 2;
		if (optind < argc && !strcmp(argv[optind], "count")) {
			if (optind + 1 >= argc || parse_u64(argv[optind + 1], &d->count))
				return usage_error("arena dump: count needs a number");
			optind += 2;
		}
	}
	if (optind < argc)
		return usage_error("arena dump: unexpected argument '%s'", argv[optind]);
	return 0;
}

/* The range against the arena's size, known only once it is open. */
static int arena_dump_range(struct arena_dump *d, uint64_t nr_pages, const char *name)
{
	if (!d->count && d->first < nr_pages)
		d->count = nr_pages - d->first;
	if (d->first >= nr_pages || d->count > nr_pages - d->first) {
		fprintf(stderr, "arenactl: arena dump %s: pages past the arena's %llu\n", name,
			(unsigned long long)nr_pages);
		return EXIT_FAILURE;
	}
	return 0;
}

static int arena_dump_cmd(const struct cmd_ctx *ctx, int argc, char **argv)
{
	struct arena_info info = { .size = sizeof(info) };
	struct arena_dump d = { .page_size = sysconf(_SC_PAGESIZE) };
	struct obj_ref ref;
	struct verb_opts vo;
	void *base;
	int err;

	(void)ctx;
	err = verb_getopt(argc, argv, &vo, NULL, NULL, NULL);
	if (err)
		return err;
	d.json = vo.json;
	err = obj_ref_args("arena dump", argc, argv, &ref, false);
	if (!err)
		err = arena_dump_args(&d, argc, argv);
	if (!err)
		err = arena_open_ref(&ref, &d.arena);
	if (err)
		return err;
	err = arena_map__info(d.arena, &info);
	if (err) {
		err = fail("arena dump", ref.name, err);
		goto out;
	}
	err = arena_dump_range(&d, info.nr_pages, ref.name);
	if (err)
		goto out;
	err = arena_map__mmap(d.arena, &base);
	if (err) {
		err = fail("arena dump: mmap", ref.name, err);
		goto out;
	}
	d.base = base;
	err = arena_dump_pages(&d, ref.name);
out:
	arena_map__close(d.arena);
	return err;
}

const struct cmd arena_cmds[] = {
	{ "create", "[pages N] [addr A] [flags segv_on_fault,no_user_conv] -- CMD [ARGS]",
	  "a new arena for CMD, which finds its fd in $ARENA_FD", arena_create_cmd },
	{ "list", "[--json]", "every arena open in a process this user may see", arena_list_cmd },
	{ "info", "[--json] [pid PID] fd FD", "pages, address, flags, pages in use", arena_info_cmd },
	{ "dump", "[--json] [pid PID] fd FD [page FIRST [count N]]",
	  "the present pages, in hex", arena_dump_cmd },
};

const size_t arena_ncmds = sizeof(arena_cmds) / sizeof(arena_cmds[0]);
