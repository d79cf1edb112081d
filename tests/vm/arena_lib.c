// SPDX-License-Identifier: GPL-2.0
/*
 * libarena's arenas against the real module: create, map, allocate, free
 * and INFO through the library; an arena handed to an unrelated process
 * over SCM_RIGHTS and mapped there at the same address with
 * arena_map__from_fd(); the pointer helpers on real mappings; which pages
 * are present; and the module's errors as the library's negative errnos.
 *
 * Each test releases its arenas before it returns.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libarena.h"
#include "scm.h"
#include "tap.h"

/* Free address space in every test process, on a 4 GiB boundary. */
#define FREE_AREA	0x1000000000ULL
#define SZ_4G		(1ULL << 32)

static long psz;

static struct arena_dev *dev_open(void)
{
	struct arena_dev *dev = NULL;
	int err = arena_dev__open(NULL, &dev);

	if (err)
		tap_fail(__FILE__, __LINE__, "arena_dev__open: %s", strerror(-err));
	return dev;
}

/* An arena of nr pages, with opts, or NULL and a failed check. */
static struct arena_map *create(__u64 nr, const struct arena_map_opts *opts)
{
	struct arena_dev *dev = dev_open();
	struct arena_map *arena = NULL;
	int err;

	if (!dev)
		return NULL;
	err = arena_dev__arena_create(dev, nr, opts, &arena);
	if (err)
		tap_fail(__FILE__, __LINE__, "arena_dev__arena_create(%llu): %s",
			 (unsigned long long)nr, strerror(-err));
	arena_dev__close(dev);
	return arena;
}

/* pages_in_use now, or ~0 with a failed check. */
static __u64 in_use(const struct arena_map *arena)
{
	struct arena_info info;
	int err = arena_map__info(arena, &info);

	if (err) {
		tap_fail(__FILE__, __LINE__, "arena_map__info: %s", strerror(-err));
		return ~0ULL;
	}
	return info.pages_in_use;
}

static bool range_is_free(void *start, size_t len)
{
	void *p = mmap(start, len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED)
		return false;
	munmap(p, len);
	return p == start;
}

/* The whole life of an arena through the library. */
static void round_trip(void)
{
	struct arena_map *arena = create(16, NULL);
	struct arena_info info = { 0 };
	char *base = NULL, *again = NULL, *pages = NULL, *one = NULL;
	int fd;

	if (!arena)
		return;
	fd = arena_map__fd(arena);
	TAP_EXPECT_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	TAP_EXPECT_EQ(arena_map__size(arena), 16 * psz);
	TAP_EXPECT_OK(arena_map__info(arena, &info));
	TAP_EXPECT_EQ(info.size, sizeof(info));
	TAP_EXPECT_EQ(info.nr_pages, 16);
	TAP_EXPECT_EQ(info.user_addr, 0);
	TAP_EXPECT_EQ(info.pages_in_use, 0);

	TAP_EXPECT_OK(arena_map__mmap(arena, (void **)&base));
	TAP_EXPECT_OK(arena_map__mmap(arena, (void **)&again));
	TAP_EXPECT(base && base == again);
	if (!base)
		goto out;
	TAP_EXPECT_OK(arena_map__info(arena, &info));
	TAP_EXPECT_EQ(info.user_addr, (uintptr_t)base);
	/* Never across 4 GiB: the low 32 bits of a pointer say where it is. */
	TAP_EXPECT_EQ((uintptr_t)base >> 32, ((uintptr_t)base + 16 * psz - 1) >> 32);

	TAP_EXPECT_OK(arena_map__alloc_pages(arena, NULL, 2, -1, (void **)&pages));
	TAP_EXPECT(pages == base);
	TAP_EXPECT_OK(arena_map__alloc_pages(arena, base + 5 * psz, 1, -1, (void **)&one));
	TAP_EXPECT(one == base + 5 * psz);
	TAP_EXPECT_EQ(in_use(arena), 3);
	if (!pages || !one)
		goto out;
	TAP_EXPECT_EQ(pages[psz + 7], 0);
	memset(pages, 0x6b, 2 * psz);
	one[0] = 0x11;
	/* Another alloc anywhere finds the first free run after them. */
	TAP_EXPECT_OK(arena_map__alloc_pages(arena, NULL, 3, -1, (void **)&pages));
	TAP_EXPECT(pages == base + 2 * psz);
	TAP_EXPECT_EQ(in_use(arena), 6);

	TAP_EXPECT_OK(arena_map__free_pages(arena, base, 2));
	TAP_EXPECT_EQ(in_use(arena), 4);
	/* Freed pages come back zeroed when touched again. */
	TAP_EXPECT_EQ(base[psz], 0);
	TAP_EXPECT_EQ(in_use(arena), 5);
	TAP_EXPECT_EQ(one[0], 0x11);
	/* Absent pages in the range are skipped. */
	TAP_EXPECT_OK(arena_map__free_pages(arena, base, 16));
	TAP_EXPECT_EQ(in_use(arena), 0);
out:
	arena_map__close(arena);
	TAP_EXPECT_ERRNO(fcntl(fd, F_GETFD), EBADF);
	if (base)
		TAP_EXPECT(range_is_free(base, 16 * psz));
}

/* An alloc before any mmap maps the arena, and its pointer works. */
static void alloc_maps_first(void)
{
	struct arena_map *arena = create(4, NULL);
	char *pages = NULL;
	__u32 off = 1;

	if (!arena)
		return;
	TAP_EXPECT(arena_map__ptr(arena, 0) == NULL);
	TAP_EXPECT_OK(arena_map__alloc_pages(arena, NULL, 1, -1, (void **)&pages));
	TAP_EXPECT(pages != NULL && pages == arena_map__ptr(arena, 0));
	TAP_EXPECT_OK(arena_map__offset(arena, pages, &off));
	TAP_EXPECT_EQ(off, 0);
	if (pages) {
		pages[psz - 1] = 3;
		TAP_EXPECT_EQ(pages[psz - 1], 3);
	}
	arena_map__close(arena);
}

/* user_addr and flags from the options reach the module. */
static void opts_user_addr_and_flags(void)
{
	LIBARENA_OPTS(arena_map_opts, opts, .flags = ARENA_F_SEGV_ON_FAULT,
		      .user_addr = FREE_AREA + 5 * SZ_4G);
	struct arena_map *arena = create(8, &opts);
	struct arena_info info = { 0 };
	void *base = NULL;

	if (!arena)
		return;
	TAP_EXPECT_OK(arena_map__info(arena, &info));
	TAP_EXPECT_EQ(info.flags, ARENA_F_SEGV_ON_FAULT);
	TAP_EXPECT_EQ(info.user_addr, FREE_AREA + 5 * SZ_4G);
	TAP_EXPECT_OK(arena_map__mmap(arena, &base));
	TAP_EXPECT_EQ((uintptr_t)base, FREE_AREA + 5 * SZ_4G);
	arena_map__close(arena);
}

/* What the parent tells the peer about its arena. */
struct share {
	uint64_t base;		/* where the parent mapped it */
	uint64_t size;
	uint32_t head_off;	/* arena offset of the first struct cell */
	uint32_t done;
};

/* A linked cell in the arena: plain pointers, valid in every process. */
struct cell {
	struct cell *next;
	uint64_t value;
};

/* The peer: maps the arena it was sent and walks and extends the list. */
static void peer_main(int sock)
{
	struct arena_map *arena = NULL;
	struct share sh;
	struct cell *c, *last = NULL, *added = NULL;
	void *base = NULL;
	uint64_t sum = 0;
	int fd, err;

	if (!scm_recv(sock, &sh, sizeof(sh), &fd))
		return;
	TAP_EXPECT_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	err = arena_map__from_fd(fd, &arena);
	TAP_EXPECT_OK(err);
	if (err)
		return;
	TAP_EXPECT_EQ(arena_map__fd(arena), fd);
	TAP_EXPECT_EQ(arena_map__size(arena), sh.size);
	TAP_EXPECT_OK(arena_map__mmap(arena, &base));
	TAP_EXPECT_EQ((uintptr_t)base, sh.base);
	if ((uintptr_t)base != sh.base)
		goto out;
	for (c = arena_map__ptr(arena, sh.head_off); c; c = c->next) {
		sum += c->value;
		last = c;
	}
	TAP_EXPECT_EQ(sum, 1 + 2 + 3);
	/* A cell of its own, in a page it allocates, linked at the end. */
	TAP_EXPECT_OK(arena_map__alloc_pages(arena, NULL, 1, -1, (void **)&added));
	if (added && last) {
		added->value = 100;
		last->next = added;
	}
	sh.done = 1;
	scm_send(sock, &sh, sizeof(sh), -1);
	/* Stay mapped until the parent has looked. */
	scm_recv(sock, &sh, sizeof(sh), NULL);
out:
	arena_map__close(arena);
	TAP_EXPECT_ERRNO(fcntl(fd, F_GETFD), EBADF);
}

/*
 * Two processes that share nothing but a socket: the arena's fd goes
 * over it, and the peer maps the arena where the parent has it.
 */
static void scm_rights_same_address(void)
{
	struct arena_map *arena = NULL;
	struct cell *cells = NULL, *c;
	struct share sh = { 0 };
	char *base = NULL;
	uint64_t sum = 0;
	int sv[2], status = -1;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		tap_fail(__FILE__, __LINE__, "socketpair: %s", strerror(errno));
		return;
	}
	/* The peer exists before the arena: it inherits nothing. */
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		close(sv[0]);
		tap_failures = 0;
		peer_main(sv[1]);
		fflush(stdout);
		_exit(tap_failures ? 1 : 0);
	}
	close(sv[1]);
	arena = create(32, NULL);
	if (arena && !arena_map__alloc_pages(arena, NULL, 1, -1, (void **)&cells) &&
	    cells) {
		base = arena_map__ptr(arena, 0);
		cells[0] = (struct cell){ .next = &cells[1], .value = 1 };
		cells[1] = (struct cell){ .next = &cells[2], .value = 2 };
		cells[2] = (struct cell){ .next = NULL, .value = 3 };
		sh.base = (uintptr_t)base;
		sh.size = arena_map__size(arena);
		TAP_EXPECT_OK(arena_map__offset(arena, cells, &sh.head_off));
		if (scm_send(sv[0], &sh, sizeof(sh), arena_map__fd(arena)) &&
		    scm_recv(sv[0], &sh, sizeof(sh), NULL)) {
			TAP_EXPECT_EQ(sh.done, 1);
			for (c = cells; c; c = c->next)
				sum += c->value;
			TAP_EXPECT_EQ(sum, 1 + 2 + 3 + 100);
			TAP_EXPECT_EQ(in_use(arena), 2);
			scm_send(sv[0], &sh, sizeof(sh), -1);
		}
	} else {
		tap_fail(__FILE__, __LINE__, "no arena or no page for the cells");
	}
	close(sv[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	if (pid < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		tap_fail(__FILE__, __LINE__, "the peer failed (status %#x)", status);
	arena_map__close(arena);
}

/* Offsets and pointers on a real mapping, and the low 32 bits of both. */
static void pointer_helpers(void)
{
	struct arena_map *arena = create(64, NULL);
	char *base = NULL, *page = NULL;
	__u32 off = 0;

	if (!arena)
		return;
	TAP_EXPECT_ERRNO(arena_map__offset(arena, &off, &off), ENXIO);
	TAP_EXPECT_OK(arena_map__mmap(arena, (void **)&base));
	TAP_EXPECT_OK(arena_map__alloc_pages(arena, NULL, 1, -1, (void **)&page));
	TAP_EXPECT_OK(arena_map__alloc_pages(arena, base + 40 * psz, 1, -1, (void **)&page));
	if (!base || !page)
		goto out;
	TAP_EXPECT_OK(arena_map__offset(arena, page + 12, &off));
	TAP_EXPECT_EQ(off, 40 * psz + 12);
	TAP_EXPECT(arena_map__ptr(arena, off) == page + 12);
	/* The offset and the pointer's low 32 bits move together. */
	TAP_EXPECT_EQ((__u32)(uintptr_t)(page + 12), (__u32)((uintptr_t)base + off));
	TAP_EXPECT(arena_map__ptr(arena, 64 * psz - 1) == base + 64 * psz - 1);
	TAP_EXPECT(arena_map__ptr(arena, 64 * psz) == NULL);
	TAP_EXPECT_ERRNO(arena_map__offset(arena, base + 64 * psz, &off), ERANGE);
	TAP_EXPECT_ERRNO(arena_map__offset(arena, base - 1, &off), ERANGE);
	/* A pointer a peer could have stored: dereferenced through the helper. */
	*(char **)page = page + 100;
	page[100] = 42;
	TAP_EXPECT_EQ(**(char **)arena_map__ptr(arena, 40 * psz), 42);
out:
	arena_map__close(arena);
}

#define EXPECT_CREATE_FAILS(nr, opts, err)					\
	do {									\
		struct arena_map *a_ = (struct arena_map *)&psz;		\
		TAP_EXPECT_ERRNO(arena_dev__arena_create(dev, nr, opts, &a_), err);\
		TAP_EXPECT(a_ == NULL);						\
		arena_map__close(a_);						\
	} while (0)

/* What the module refuses at creation, as negative errnos. */
static void create_errors(void)
{
	LIBARENA_OPTS(arena_map_opts, bad_flags, .flags = 1U << 31);
	LIBARENA_OPTS(arena_map_opts, unaligned, .user_addr = FREE_AREA + 1);
	LIBARENA_OPTS(arena_map_opts, crossing, .user_addr = FREE_AREA + SZ_4G - psz);
	struct arena_dev *dev = dev_open();

	if (!dev)
		return;
	libarena_set_print(NULL);
	EXPECT_CREATE_FAILS(0, NULL, EINVAL);
	EXPECT_CREATE_FAILS(SZ_4G / psz + 1, NULL, E2BIG);
	EXPECT_CREATE_FAILS(1, &bad_flags, EINVAL);
	EXPECT_CREATE_FAILS(1, &unaligned, EINVAL);
	EXPECT_CREATE_FAILS(2, &crossing, ERANGE);
	arena_dev__close(dev);
}

/* What the module refuses for pages and mappings, as negative errnos. */
static void pages_and_mmap_errors(void)
{
	LIBARENA_OPTS(arena_map_opts, fixed, .user_addr = FREE_AREA + 7 * SZ_4G);
	struct arena_map *arena = create(8, NULL), *taken = NULL;
	char *base = NULL, *p = NULL, *blocker;
	void *v = NULL;

	if (!arena)
		return;
	libarena_set_print(NULL);
	TAP_EXPECT_OK(arena_map__mmap(arena, (void **)&base));
	if (!base)
		goto out;
	TAP_EXPECT_ERRNO(arena_map__alloc_pages(arena, NULL, 0, -1, NULL), EINVAL);
	TAP_EXPECT_ERRNO(arena_map__alloc_pages(arena, base + 1, 1, -1, NULL), EINVAL);
	TAP_EXPECT_ERRNO(arena_map__alloc_pages(arena, NULL, 1, 1 << 20, NULL), EINVAL);
	TAP_EXPECT_ERRNO(arena_map__alloc_pages(arena, base + 8 * psz, 1, -1, NULL), ERANGE);
	TAP_EXPECT_ERRNO(arena_map__alloc_pages(arena, base + 7 * psz, 2, -1, NULL), ERANGE);
	TAP_EXPECT_ERRNO(arena_map__alloc_pages(arena, NULL, 9, -1, NULL), ENOMEM);
	TAP_EXPECT_OK(arena_map__alloc_pages(arena, base, 1, -1, (void **)&p));
	p = (char *)&p;
	TAP_EXPECT_ERRNO(arena_map__alloc_pages(arena, base, 1, -1, (void **)&p), EBUSY);
	TAP_EXPECT(p == (char *)&p);
	TAP_EXPECT_ERRNO(arena_map__free_pages(arena, base + 1, 1), EINVAL);
	TAP_EXPECT_ERRNO(arena_map__free_pages(arena, base, 0), EINVAL);
	TAP_EXPECT_ERRNO(arena_map__free_pages(arena, base + 8 * psz, 1), ERANGE);

	/* Its address taken by another mapping here: EBUSY, and no mapping. */
	taken = create(4, &fixed);
	blocker = mmap((void *)(uintptr_t)fixed.user_addr, psz, PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	TAP_EXPECT((uintptr_t)blocker == fixed.user_addr);
	if (taken) {
		TAP_EXPECT_ERRNO(arena_map__mmap(taken, &v), EBUSY);
		TAP_EXPECT(arena_map__ptr(taken, 0) == NULL);
	}
	if (blocker != MAP_FAILED)
		munmap(blocker, psz);
	if (taken) {
		TAP_EXPECT_OK(arena_map__mmap(taken, &v));
		TAP_EXPECT_EQ((uintptr_t)v, fixed.user_addr);
	}
out:
	arena_map__close(taken);
	arena_map__close(arena);
}

/*
 * Presence through the library, from an odd page: what ALLOC made and what
 * a write faulted in, nothing made by asking, and the module's errors.
 */
static void pages_present(void)
{
	struct arena_map *arena = create(10, NULL);
	unsigned char bitmap[2] = { 0xff, 0xff };
	__u64 nr_present = 0;
	char *base = NULL;

	if (!arena)
		return;
	/* The first page anywhere is page 0, at the mapping's start. */
	TAP_EXPECT_OK(arena_map__alloc_pages(arena, NULL, 1, -1, (void **)&base));
	if (base) {
		TAP_EXPECT_OK(arena_map__alloc_pages(arena, base + 7 * psz, 1, -1, NULL));
		base[2 * psz] = 1;
	}
	TAP_EXPECT_OK(arena_map__pages_present(arena, 1, 9, bitmap, &nr_present));
	/* Pages 2 and 7 are bits 1 and 6; page 9 is bit 0 of byte 1. */
	TAP_EXPECT_EQ(bitmap[0], 0x42);
	TAP_EXPECT_EQ(bitmap[1], 0);
	TAP_EXPECT_EQ(nr_present, 2);
	TAP_EXPECT_EQ(in_use(arena), 3);
	libarena_set_print(NULL);
	TAP_EXPECT_ERRNO(arena_map__pages_present(arena, 0, 0, bitmap, NULL), EINVAL);
	TAP_EXPECT_ERRNO(arena_map__pages_present(arena, 5, 6, bitmap, NULL), ERANGE);
	TAP_EXPECT_ERRNO(arena_map__pages_present(arena, 0, 10, (void *)8, NULL), EFAULT);
	TAP_EXPECT_EQ(in_use(arena), 3);
	arena_map__close(arena);
}

/* Descriptors that are no arena, and that stay the caller's. */
static void from_fd_errors(void)
{
	struct arena_map *arena = (struct arena_map *)&psz;
	struct arena_dev *dev = dev_open();
	int ring = -1;

	if (!dev)
		return;
	libarena_set_print(NULL);
	TAP_EXPECT_ERRNO(arena_map__from_fd(arena_dev__fd(dev), &arena), EINVAL);
	TAP_EXPECT(arena == NULL);
	TAP_EXPECT_OK(arena_dev__ringbuf_create(dev, psz, NULL, &ring));
	TAP_EXPECT_ERRNO(arena_map__from_fd(ring, &arena), EINVAL);
	TAP_EXPECT_EQ(fcntl(ring, F_GETFD), FD_CLOEXEC);
	close(ring);
	TAP_EXPECT_ERRNO(arena_map__from_fd(ring, &arena), EBADF);
	arena_dev__close(dev);
}

__attribute__((constructor)) static void get_page_size(void)
{
	psz = sysconf(_SC_PAGESIZE);
}

static const struct tap_test tests[] = {
	{ "libarena", "arena-create-mmap-alloc-free-info", round_trip },
	{ "libarena", "arena-alloc-maps-first", alloc_maps_first },
	{ "libarena", "arena-opts-user-addr-and-flags", opts_user_addr_and_flags },
	{ "libarena", "arena-scm-rights-same-address", scm_rights_same_address },
	{ "libarena", "arena-pointer-helpers", pointer_helpers },
	{ "libarena", "arena-create-errors", create_errors },
	{ "libarena", "arena-pages-and-mmap-errors", pages_and_mmap_errors },
	{ "libarena", "arena-from-fd-errors", from_fd_errors },
	{ "libarena", "arena-pages-present", pages_present },
};

TAP_MAIN(tests)
