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
 * fake.pages and answer fake.pages_err, ALLOC with addr fake.alloc_addr;
 * PAGES_PRESENT records its request in fake.present_req and answers the
 * bits of fake.present (page i present if bit i is set, pages 0 .. 63),
 * with the module's EINVAL and ERANGE against fake.info.
 * Rings: RINGBUF_IOC_CREATE records its request in fake.ring_create and
 * returns a memfd; RINGBUF_IOC_QUERY, on any fd, answers fake.ring_info
 * once its size is set (else the real ioctl does).
 * Arrays: ARRAY_IOC_CREATE returns a memfd holding the values, which
 * ARRAY_IOC_UPDATE writes.  Programs: PROG_IOC_LOAD keeps a copy of each
 * request (of PROG_LOAD_SIZE_VER0 or _VER1 bytes, else EINVAL), its
 * instructions, object fds and global functions in fake.progs[] (up to
 * FAKE_PROGS_MAX) and returns a memfd, or fails with fake.prog_load_err,
 * or with what fake.prog_load_hook answers; PROG_IOC_RUN goes to
 * fake.prog_run_hook (else see below).  fake.objects[] lists every
 * arena, ring and array made, by fd, with its request.
 *
 * For the CLI's tests: LOOKUP, on any fd, and UPDATE, on an fd the fake
 * did not make, act on an array of FAKE_ARRAY_ENTRIES values of
 * FAKE_ARRAY_VALUE_SIZE bytes, value i being the bytes i, i + 1, ...;
 * those updates are dropped.  PROG_IOC_INFO, on any fd, describes one
 * program of 8 instructions ("fake_prog", x86-64 code of 9 bytes, unless
 * jited_eperm); PROG_IOC_RUN without a hook answers retval = the repeat
 * count and ctx_out = ctx_in with its bytes reversed.
 *
 * A program started with ARENA_FAKE_MODULE (see fake_module.c) also has
 * fake.info (pages 1 and 3 of 4 present, in fake.present too) and
 * fake.ring_info filled in, and jited_eperm set when
 * ARENA_FAKE_EPERM is in its environment.
 *
 * The host has no /dev/arena, so the fake is how the library's and the
 * CLI's success paths are tested there; any file opens, /dev/null will do.
 */
#ifndef ARENA_FAKE_MODULE_H
#define ARENA_FAKE_MODULE_H

#include <stdbool.h>

#include <linux/bpf.h>

#include <arena_kmod.h>

#define FAKE_PROGS_MAX	8
#define FAKE_OBJECTS_MAX	32

/* An object the fake made: its fd, the creating command and its request. */
struct fake_object {
	int fd;
	unsigned long cmd;
	union {
		struct arena_create arena;
		struct ringbuf_create ring;
		struct array_create array;
	};
};

/* A PROG_IOC_LOAD the fake received. */
struct fake_prog_load {
	struct prog_load req;		/* as sent, zeroed past req.size */
	struct bpf_insn *insns;		/* malloc'ed copy of req.insn_cnt */
	struct prog_global_func *global_funcs;	/* malloc'ed, req.nr_global_funcs */
	int obj_fds[PROG_OBJS_MAX];
	char license[PROG_LICENSE_MAX];
};

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
	int present_calls;
	struct arena_pages_present present_req;	/* the last request */
	__u64 present;			/* PAGES_PRESENT's answer */

	int ring_create_calls;
	struct ringbuf_create ring_create;	/* what the library sent */
	struct ringbuf_info ring_info;	/* QUERY's answer, if size is set */

	int array_create_calls;
	struct array_create array_create;	/* the last request */

	int prog_load_err;
	int nr_progs;
	struct fake_prog_load progs[FAKE_PROGS_MAX];
	/* a positive errno refuses the program, whose fd is prog_fd */
	int (*prog_load_hook)(const struct fake_prog_load *prog, int prog_fd);
	/* 0 or a positive errno */
	int (*prog_run_hook)(int prog_fd, struct prog_run *req);

	int nr_objects;
	struct fake_object objects[FAKE_OBJECTS_MAX];

	bool jited_eperm;		/* PROG_IOC_INFO refuses machine code */
};

#define FAKE_ARRAY_ENTRIES	4
#define FAKE_ARRAY_VALUE_SIZE	4

/* The object the fake made with fd, or NULL. */
const struct fake_object *fake_object_of(int fd);

extern struct fake_module fake;

/*
 * Active, with a well-formed reply of ABI ARENA_ABI_VERSION; what an
 * earlier start kept (program copies) is freed.
 */
void fake_module_start(void);

#endif /* ARENA_FAKE_MODULE_H */
