/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the examples share: loading the BPF object each carries, running a
 * program once, finding a global, and checks whose failures decide the
 * exit status.  What goes wrong is said on stdout, in the transcript,
 * where it happened; the library's own messages (a verifier log) go to
 * stderr, its default.
 */
#ifndef EXAMPLES_EXAMPLE_H
#define EXAMPLES_EXAMPLE_H

#include <stdbool.h>
#include <stddef.h>

#include "libarena.h"

/*
 * The object file carried in this executable (bpf_object.S) as the
 * arguments example_open() takes: EXAMPLE_OBJECT(linked_list_bpf).
 */
#define EXAMPLE_OBJECT(sym)							\
	({									\
		extern const char sym[], sym##_end[];				\
		(struct example_image){ sym, (size_t)(sym##_end - sym) };	\
	})

struct example_image {
	const void *bytes;
	size_t size;
};

struct example {
	const char *name;		/* "linked-list", for the transcript */
	struct arena_dev *dev;
	struct arena_object *obj;
	int checks;			/* checks made */
	int failed;			/* checks that did not hold */
};

/*
 * Opens /dev/arena and the object, not loaded yet (a program's context
 * size can still be set); every failure is said and counted.  0 or a
 * negative errno.
 */
int example_open(struct example *ex, const char *name, struct example_image image);

/* Creates the object's maps and loads its programs: 0 or a negative errno. */
int example_load(struct example *ex);

/* The program's fd once loaded, or a negative errno (said). */
int example_prog_fd(struct example *ex, const char *prog);

/*
 * Runs the program once with ctx_size bytes at ctx as its context (NULL,
 * 0 for none): its r0, or LLONG_MIN if it could not run (said).
 */
long long example_run(struct example *ex, const char *prog, void *ctx, __u32 ctx_size);

/* The global variable name of the loaded object in this process, or NULL (said). */
void *example_global(struct example *ex, const char *name);

/* The loaded object's arena, mapped in this process, or NULL (said). */
struct arena_map *example_arena(struct example *ex, const char *map_name);

/*
 * Counts a check; when it did not hold, says so with the printf-style
 * message and counts the failure.  Returns ok.
 */
bool example_check(struct example *ex, bool ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Releases everything, says how the checks went: the exit status. */
int example_finish(struct example *ex);

#endif
