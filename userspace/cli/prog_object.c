// SPDX-License-Identifier: GPL-2.0
/*
 * `arenactl prog load` and `prog run` of object files, through libarena's
 * ELF loader (docs/loader.md).  Several files are linked into one first,
 * as the loader does for arena_object__open_files().
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arenactl.h"
#include "prog.h"

/* FILE.o words from optind up to end (NAME excluded by the caller). */
static struct arena_object *prog_object_open(const struct cmd_ctx *ctx, char **files, int n,
					     __u32 ctx_size, const char *name, int *errp)
{
	LIBARENA_OPTS(arena_dev_opts, dev_opts, .path = ctx->device);
	struct arena_program *prog = NULL;
	struct arena_object *obj;
	struct arena_dev *dev;
	int err;

	obj = arena_object__open_files((const char *const *)files, n, NULL);
	if (!obj) {
		*errp = fail("open", files[0], -errno);
		return NULL;
	}
	while (ctx_size && (prog = arena_object__next_program(obj, prog)))
		arena_program__set_ctx_size(prog, ctx_size);
	err = arena_dev__open(&dev_opts, &dev);
	if (err) {
		arena_object__close(obj);
		*errp = fail("open", ctx->device, err);
		return NULL;
	}
	err = arena_object__load(obj, dev);
	arena_dev__close(dev);
	if (err) {
		arena_object__close(obj);
		*errp = fail("load", name ? name : files[0], err);
		return NULL;
	}
	return obj;
}

/* Object files end in ".o"; the last word of a run may be a program's name. */
static bool prog_is_file(const char *word)
{
	size_t len = strlen(word);

	return len > 2 && !strcmp(word + len - 2, ".o");
}

int prog_object_run(const struct cmd_ctx *ctx, int argc, char **argv,
		    const struct prog_run_args *ra)
{
	int nfiles = argc - optind, err = 0;
	struct arena_program *prog;
	struct arena_object *obj;
	const char *name = NULL;

	if (nfiles > 1 && !prog_is_file(argv[argc - 1])) {
		name = argv[argc - 1];
		nfiles--;
	}
	obj = prog_object_open(ctx, argv + optind, nfiles, ra->ctx_len, name, &err);
	if (!obj)
		return err;
	prog = name ? arena_object__find_program_by_name(obj, name) :
		      arena_object__next_program(obj, NULL);
	if (!prog) {
		fprintf(stderr, "arenactl: prog run: no program %s%sin %s\n", name ? name : "",
			name ? " " : "", argv[optind]);
		arena_object__close(obj);
		return EXIT_FAILURE;
	}
	err = prog_run_fd(arena_program__fd(prog), ra->ctx_len, ra, arena_program__name(prog));
	arena_object__close(obj);
	return err;
}

/* Keeps fd open across exec and adds "KIND:NAME=FD" to *list. */
static int prog_object_pass(char **list, const char *kind, const char *name, int fd)
{
	char *old = *list;
	int n;

	n = asprintf(list, "%s%s%s:%s=%d", old ? old : "", old ? " " : "", kind, name, fd);
	free(old);
	if (n < 0) {
		*list = NULL;
		return -ENOMEM;
	}
	return fcntl(fd, F_SETFD, 0) ? -errno : 0;
}

/*
 * Every program's and map's fd stays open in CMD, named in
 * $ARENA_OBJECT_FDS as "prog:NAME=FD map:NAME=FD ..."; $PROG_FD is the
 * first program's.
 */
static int prog_object_pass_fds(struct arena_object *obj, int *first)
{
	struct arena_object_map *map = NULL;
	struct arena_program *prog = NULL;
	char *list = NULL;
	int err = 0;

	*first = -1;
	while (!err && (prog = arena_object__next_program(obj, prog))) {
		if (*first < 0)
			*first = arena_program__fd(prog);
		err = prog_object_pass(&list, "prog", arena_program__name(prog),
				       arena_program__fd(prog));
	}
	while (!err && (map = arena_object__next_map(obj, map)))
		err = prog_object_pass(&list, "map", arena_object_map__name(map),
				       arena_object_map__fd(map));
	if (!err && setenv("ARENA_OBJECT_FDS", list ? list : "", 1))
		err = -errno;
	free(list);
	return err;
}

int prog_load_cmd(const struct cmd_ctx *ctx, int argc, char **argv)
{
	int err = 0, first, dash = cmd_split(argc, argv);
	struct arena_object *obj;
	struct verb_opts vo;

	err = verb_getopt(dash, argv, &vo, NULL, NULL, NULL);
	if (err)
		return err;
	if (optind >= dash)
		return usage_error("prog load: which object file?");
	if (dash + 1 >= argc)
		return usage_error("prog load: no command: ... -- CMD [ARGS]");
	obj = prog_object_open(ctx, argv + optind, dash - optind, 0, NULL, &err);
	if (!obj)
		return err;
	err = prog_object_pass_fds(obj, &first);
	if (err)
		return fail("prog load", argv[optind], err);
	if (first < 0) {
		fprintf(stderr, "arenactl: prog load: no program in %s\n", argv[optind]);
		return EXIT_FAILURE;
	}
	/* The object is not closed: CMD gets its fds; exec drops the mappings. */
	return exec_with_fd(first, "PROG_FD", argv + dash + 1);
}
