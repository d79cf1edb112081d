/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the loader's tests on the host and in the test VMs: a loaded
 * object's program run once, and its globals found, with a failed check
 * saying why when they cannot be.
 */
#ifndef ARENA_OBJECT_RUN_H
#define ARENA_OBJECT_RUN_H

#include "libarena.h"
#include "tap.h"

/* Runs prog_name once: its r0 as an int, or -1000 - errno if it did not run. */
static inline long long object_run(const struct arena_object *obj, const char *prog_name)
{
	struct arena_program *prog = arena_object__find_program_by_name(obj, prog_name);
	LIBARENA_OPTS(arena_prog_run_opts, opts);
	int err;

	if (!prog)
		return -1000 - ENOENT;
	err = arena_prog__run(arena_program__fd(prog), &opts);
	return err ? -1000 + err : (long long)(int)opts.retval;
}

/* The global name, of at least size bytes, or NULL with a failed check. */
static inline void *object_global(const struct arena_object *obj, const char *name,
				  size_t size)
{
	size_t got = 0;
	void *p = obj ? arena_object__global(obj, name, &got) : NULL;

	if (!p || got < size) {
		tap_fail(__FILE__, __LINE__, "global %s: %s, %zu bytes", name,
			 p ? "too small" : strerror(errno), got);
		return NULL;
	}
	return p;
}

#endif /* ARENA_OBJECT_RUN_H */
