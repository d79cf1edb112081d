/* SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause */
/*
 * What the library's files share and do not export: the message macros,
 * the device's feature check, the options-structure checks, and the ring
 * buffer's record walk.
 */
#ifndef LIBARENA_INTERNAL_H
#define LIBARENA_INTERNAL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "libarena.h"

#ifndef LIBARENA_VERSION
#error "LIBARENA_VERSION must come from the build (dkms.conf's PACKAGE_VERSION)"
#endif

/*
 * Hidden even in the static library, so that a program linking libarena.a
 * cannot come to depend on them; the shared library's version script
 * hides them too.
 */
#define LIBARENA_INTERNAL __attribute__((visibility("hidden")))

LIBARENA_INTERNAL __attribute__((format(printf, 2, 3)))
void libarena_print(enum libarena_print_level level, const char *fmt, ...);

/* The same with a va_list, for messages other libraries hand over. */
LIBARENA_INTERNAL
void libarena_vprint(enum libarena_print_level level, const char *fmt, va_list ap);

#define __pr(level, fmt, ...)	libarena_print(level, "libarena: " fmt, ##__VA_ARGS__)
#define pr_warn(fmt, ...)	__pr(LIBARENA_WARN, fmt, ##__VA_ARGS__)
#define pr_info(fmt, ...)	__pr(LIBARENA_INFO, fmt, ##__VA_ARGS__)
#define pr_debug(fmt, ...)	__pr(LIBARENA_DEBUG, fmt, ##__VA_ARGS__)

/* strerror() for a negative errno, into buf: the messages need no lock. */
#define LIBARENA_ERRSTR_LEN	128
LIBARENA_INTERNAL
const char *libarena_errstr(int err, char buf[LIBARENA_ERRSTR_LEN]);

/*
 * Whether the module behind dev announced feature (ARENA_FEATURE_*): 0,
 * -EINVAL for a NULL dev, or -EOPNOTSUPP, with a warning that it has no
 * what ("arenas", "ring buffers").
 */
LIBARENA_INTERNAL
int arena_dev_has_feature(const struct arena_dev *dev, __u64 feature,
			  const char *what);

/*
 * Runs one of /dev/arena's creating commands (cmd, argument req) and
 * stores the new object's fd in *fdp (-1 on failure): 0 or a negative
 * errno, with a warning naming what ("ring buffer", "array") on failure.
 */
LIBARENA_INTERNAL
int arena_dev_create(const struct arena_dev *dev, __u64 feature,
		     unsigned long cmd, void *req, const char *what, int *fdp);

#define offsetofend(TYPE, FIELD)					\
	(offsetof(TYPE, FIELD) + sizeof(((TYPE *)0)->FIELD))

/*
 * An options structure is valid if it is NULL, or if its sz covers at
 * least sz itself and every byte beyond the structure this library knows
 * is zero: a newer program's option that this library would ignore must
 * not be set.
 */
static inline bool libarena_opts_valid(const void *opts, size_t known_sz,
				       size_t user_sz, const char *type_name)
{
	const unsigned char *tail = (const unsigned char *)opts + known_sz;
	size_t i;

	if (user_sz < sizeof(size_t)) {
		pr_warn("%s: sz %zu is too small\n", type_name, user_sz);
		return false;
	}
	for (i = 0; known_sz + i < user_sz; i++) {
		if (tail[i]) {
			pr_warn("%s: unknown byte %zu is not zero\n",
				type_name, known_sz + i);
			return false;
		}
	}
	return true;
}

#define LIBARENA_OPTS_VALID(opts, TYPE)						\
	(!(opts) || libarena_opts_valid((opts), sizeof(struct TYPE),		\
					(opts)->sz, #TYPE))

/* A field the caller's structure has, else fallback. */
#define LIBARENA_OPTS_HAS(opts, FIELD)						\
	((opts) && (opts)->sz >= offsetofend(__typeof__(*(opts)), FIELD))
#define LIBARENA_OPTS_GET(opts, FIELD, fallback)				\
	(LIBARENA_OPTS_HAS(opts, FIELD) ? (opts)->FIELD : (fallback))

/* libbpf 1.x's convention for int results: errno too, for either check. */
static inline int libarena_rb_err(int err)
{
	if (err < 0)
		errno = -err;
	return err;
}

/* The bytes a record of len takes in a ring: header, data, padding to 8. */
static inline unsigned long ringbuf_record_size(__u32 len)
{
	return ((unsigned long)len + RINGBUF_HDR_SZ + 7) & ~7UL;
}

/*
 * The data size and RINGBUF_F_* flags of the ring behind fd: ours
 * (RINGBUF_IOC_QUERY), or a kernel BPF ring buffer map, RINGBUF_F_USER
 * for BPF_MAP_TYPE_USER_RINGBUF.  0 or a negative errno, with a warning.
 */
LIBARENA_INTERNAL
int ringbuf_fd_query(int fd, __u64 *sizep, __u32 *flagsp);

/*
 * Whether a ring of data_size bytes can be mapped here: 0, -EINVAL (not a
 * power-of-2 number of pages) or -E2BIG, with a warning naming fd.
 */
LIBARENA_INTERNAL
int ringbuf_check_size(int fd, __u64 data_size, size_t page_size);

/*
 * A ring as the consumer sees it, mapped or built in plain memory: the
 * consumer position it may write, the producer position, and the data
 * area of mask + 1 bytes followed by the same bytes again.  Overwrite
 * rings also have the overwrite position (else NULL) and a bounce buffer
 * of mask + 1 bytes, and count the bytes of records lost to overwrites.
 */
struct ringbuf_image {
	unsigned long *consumer_pos;
	const unsigned long *producer_pos;
	void *data;
	unsigned long mask;
	const unsigned long *overwrite_pos;
	void *bounce;
	__u64 lost_bytes;
};

/*
 * Hands up to n committed records (n > 0) to sample_cb, in order, skipping
 * discarded ones and stopping at the first busy one, and moves the
 * consumer position past each: the number handed, or a negative return of
 * sample_cb (its record consumed too).  On an overwrite ring sample_cb
 * gets a copy that was checked intact after it was made; records the
 * producer dropped first are skipped and counted in lost_bytes.
 */
LIBARENA_INTERNAL
int64_t ringbuf_image_consume(struct ringbuf_image *img, size_t n,
			      arena_ring_buffer_sample_fn sample_cb, void *ctx);

/*
 * A user-to-kernel ring as its producer sees it: the consumer position is
 * the kernel's (read-only), the producer position and the data area (mask
 * + 1 bytes, then the same again) are the producer's.
 */
struct user_ringbuf_image {
	const unsigned long *consumer_pos;
	unsigned long *producer_pos;
	void *data;
	unsigned long mask;
};

/*
 * Reserves a record of size bytes at the producer position, busy until
 * committed: its data, or NULL with *errp -E2BIG (never fits) or -ENOSPC
 * (no room now).
 */
LIBARENA_INTERNAL
void *user_ringbuf_image_reserve(struct user_ringbuf_image *img, __u32 size, int *errp);

/* Commits a reserved record, as discarded if discard is true. */
LIBARENA_INTERNAL
void user_ringbuf_commit(void *sample, bool discard);

#endif /* LIBARENA_INTERNAL_H */
