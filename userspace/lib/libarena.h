/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * libarena: the C library over /dev/arena.
 *
 * Conventions, as in libbpf: objects are opaque and their functions are
 * named object__verb; every function that can fail returns 0 or a negative
 * errno and never exits or aborts; the library prints nothing except
 * through the callback set with libarena_set_print().
 *
 * Options structures start with sz, set by LIBARENA_OPTS() to sizeof() the
 * structure this program was compiled with, so that a newer library can
 * tell which fields an older program knew of:
 *
 *	LIBARENA_OPTS(arena_dev_opts, opts, .path = "/dev/arena");
 *	struct arena_dev *dev;
 *	int err = arena_dev__open(&opts, &dev);
 */
#ifndef LIBARENA_H
#define LIBARENA_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <arena_kmod.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Declares and zeroes an options structure, with sz set and the named
 * fields given: the zeroed padding and tail are what the library's
 * unknown-bytes check reads.
 */
#define LIBARENA_OPTS(TYPE, NAME, ...)						\
	struct TYPE NAME = ({							\
		memset(&NAME, 0, sizeof(struct TYPE));				\
		(struct TYPE){							\
			.sz = sizeof(struct TYPE),				\
			__VA_ARGS__						\
		};								\
	})

/* An open /dev/arena. */
struct arena_dev;

struct arena_dev_opts {
	/* sizeof(struct arena_dev_opts) as the caller was compiled */
	size_t sz;
	/* the device node; NULL means ARENA_DEVICE_PATH */
	const char *path;
	/* keeps the structure's size a multiple of sz's, with no tail */
	size_t :0;
};

/*
 * Opens the device read-write and close-on-exec and checks that the
 * module speaks ARENA_ABI_VERSION.  opts may be NULL.  On success *devp is
 * the new device; on failure it is NULL and the result is a negative
 * errno: -EINVAL for bad arguments, -ENODEV if path is not a character
 * device, -EPROTO if the module speaks another ABI, or what open(2) or
 * the version ioctl failed with (-ENOTTY from a character device that is
 * not /dev/arena).
 */
int arena_dev__open(const struct arena_dev_opts *opts, struct arena_dev **devp);

/* Closes the device and frees dev; NULL is allowed. */
void arena_dev__close(struct arena_dev *dev);

/* The device's file descriptor, owned by dev; -EINVAL if dev is NULL. */
int arena_dev__fd(const struct arena_dev *dev);

/* What ARENA_IOC_VERSION answered when the device was opened. */
int arena_dev__version(const struct arena_dev *dev, struct arena_version *ver);

enum libarena_print_level {
	LIBARENA_WARN,
	LIBARENA_INFO,
	LIBARENA_DEBUG,
};

typedef int (*libarena_print_fn_t)(enum libarena_print_level level,
				   const char *fmt, va_list ap);

/*
 * Sets where the library's messages go and returns the previous callback.
 * The default prints WARN and INFO to stderr; NULL silences the library.
 * Not synchronised: set it before other threads use the library.
 */
libarena_print_fn_t libarena_set_print(libarena_print_fn_t fn);

/* The library's version, "MAJOR.MINOR.PATCH", the same as the module's. */
const char *libarena_version_string(void);

#ifdef __cplusplus
}
#endif

#endif /* LIBARENA_H */
