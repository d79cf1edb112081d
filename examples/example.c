// SPDX-License-Identifier: GPL-2.0
/*
 * The examples' shared plumbing (see example.h): libarena's calls with
 * their failures said and counted, so that each example's main() reads as
 * the story it tells.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "example.h"

/* Says what failed and counts it; returns err. */
static int example_fail(struct example *ex, int err, const char *what, const char *name)
{
	printf("%s: FAILED: %s %s: %s\n", ex->name, what, name, strerror(-err));
	ex->checks++;
	ex->failed++;
	return err;
}

int example_open(struct example *ex, const char *name, struct example_image image)
{
	int err;

	*ex = (struct example){ .name = name };
	/* Lines reach a pipe (the test harness) in order, even across fork(). */
	setvbuf(stdout, NULL, _IOLBF, 0);
	err = arena_dev__open(NULL, &ex->dev);
	if (err)
		return example_fail(ex, err, "opening", "/dev/arena");
	/* The library copies the bytes: a BPF object is read like a file. */
	ex->obj = arena_object__open_mem(image.bytes, image.size, NULL);
	if (!ex->obj)
		return example_fail(ex, -errno, "opening the object of", name);
	return 0;
}

int example_load(struct example *ex)
{
	int err = arena_object__load(ex->obj, ex->dev);

	return err ? example_fail(ex, err, "loading the object of", ex->name) : 0;
}

int example_prog_fd(struct example *ex, const char *prog)
{
	struct arena_program *p = arena_object__find_program_by_name(ex->obj, prog);

	return p ? arena_program__fd(p) : example_fail(ex, -ENOENT, "finding program", prog);
}

long long example_run(struct example *ex, const char *prog, void *ctx, __u32 ctx_size)
{
	LIBARENA_OPTS(arena_prog_run_opts, run, .ctx_in = ctx, .ctx_size_in = ctx_size);
	int fd = example_prog_fd(ex, prog), err;

	if (fd < 0)
		return LLONG_MIN;
	err = arena_prog__run(fd, &run);
	if (err) {
		example_fail(ex, err, "running", prog);
		return LLONG_MIN;
	}
	/* Programs return int: r0's low half, sign and all. */
	return (int)run.retval;
}

void *example_global(struct example *ex, const char *name)
{
	void *p = arena_object__global(ex->obj, name, NULL);

	if (!p)
		example_fail(ex, -errno, "finding global", name);
	return p;
}

struct arena_map *example_arena(struct example *ex, const char *map_name)
{
	struct arena_object_map *map = arena_object__find_map_by_name(ex->obj, map_name);
	struct arena_map *arena = map ? arena_object_map__arena(map) : NULL;

	if (!arena)
		example_fail(ex, -ENOENT, "finding arena", map_name);
	return arena;
}

bool example_check(struct example *ex, bool ok, const char *fmt, ...)
{
	va_list ap;

	ex->checks++;
	if (ok)
		return true;
	ex->failed++;
	printf("%s: FAILED: ", ex->name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	return false;
}

int example_finish(struct example *ex)
{
	arena_object__close(ex->obj);
	arena_dev__close(ex->dev);
	if (ex->failed) {
		printf("%s: %d of %d checks FAILED\n", ex->name, ex->failed, ex->checks);
		return 1;
	}
	printf("%s: all %d checks passed\n", ex->name, ex->checks);
	return 0;
}
