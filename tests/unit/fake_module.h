/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A stand-in for the module's ioctls, for binaries linked with
 * -Wl,--wrap=ioctl and fake_module.o: the library's ioctl() calls land in
 * __wrap_ioctl(), which, while fake.active is set, answers
 * ARENA_IOC_VERSION with fake.reply and the arena ioctls as below, and
 * passes every other call to the real ioctl.
 *
 * Arenas: ARENA_IOC_CREATE records its request in fake.create and returns
 * a memfd of nr_pages pages (or fails with fake.create_err), so that the
 * library can really map it; ARENA_IOC_INFO, on any fd, answers fake.info,
 * which CREATE fills in; ALLOC and FREE record their request in
 * fake.pages and answer fake.pages_err, ALLOC with addr fake.alloc_addr.
 * Rings: RINGBUF_IOC_CREATE records its request in fake.ring_create and
 * returns a memfd; RINGBUF_IOC_QUERY, on any fd, answers fake.ring_info
 * once its size is set (else the real ioctl does).
 *
 * Arrays: LOOKUP and UPDATE, on any fd, act on an array of
 * FAKE_ARRAY_ENTRIES values of FAKE_ARRAY_VALUE_SIZE bytes, value i being
 * the bytes i, i + 1, ...; updates are dropped.  Programs: PROG_IOC_INFO,
 * on any fd, describes one program of 8 instructions ("fake_prog", x86-64
 * code of 9 bytes, unless jited_eperm); PROG_IOC_RUN answers retval = the
 * repeat count and ctx_out = ctx_in with its bytes reversed.
 *
 * A program started with ARENA_FAKE_MODULE (see fake_module.c) also has
 * fake.info and fake.ring_info filled in, and jited_eperm set when
 * ARENA_FAKE_EPERM is in its environment.
 *
 * The host has no /dev/arena, so the fake is how the library's and the
 * CLI's success paths are tested there; any file opens, /dev/null will do.
 */
#ifndef ARENA_FAKE_MODULE_H
#define ARENA_FAKE_MODULE_H

#include <stdbool.h>

#include <arena_kmod.h>

struct fake_module {
	bool active;
	int calls;
	struct arena_version request;	/* what the library sent */
	struct arena_version reply;	/* what the module writes back */

	int create_calls;
	int create_err;			/* a positive errno, or 0 */
	struct arena_create create;	/* what the library sent */
	struct arena_info info;		/* INFO's answer */
	int pages_calls;
	unsigned long pages_cmd;	/* ALLOC or FREE */
	int pages_err;
	struct arena_pages pages;	/* what the library sent */
	__u64 alloc_addr;

	int ring_create_calls;
	struct ringbuf_create ring_create;	/* what the library sent */
	struct ringbuf_info ring_info;	/* QUERY's answer, if size is set */

	bool jited_eperm;		/* PROG_IOC_INFO refuses machine code */
};

#define FAKE_ARRAY_ENTRIES	4
#define FAKE_ARRAY_VALUE_SIZE	4

extern struct fake_module fake;

/* Active, with a well-formed reply of ABI ARENA_ABI_VERSION. */
void fake_module_start(void);

#endif /* ARENA_FAKE_MODULE_H */
