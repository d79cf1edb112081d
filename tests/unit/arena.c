// SPDX-License-Identifier: GPL-2.0
/*
 * libarena's arenas on the host, against the fake module of
 * fake_module.h, whose arenas are memfds: argument and options checks,
 * what reaches the ioctls, errors passed on, and the pointer helpers over
 * a real mapping.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture.h"
#include "fake_module.h"
#include "libarena.h"
#include "tap.h"

static long page_size;

/* A device over /dev/null with the fake module answering, or NULL. */
static struct arena_dev *fake_dev(__u64 features)
{
	LIBARENA_OPTS(arena_dev_opts, opts, .path = "/dev/null");
	struct arena_dev *dev = NULL;

	fake_module_start();
	fake.reply.features = features;
	TAP_EXPECT_OK(arena_dev__open(&opts, &dev));
	return dev;
}

/* A fake arena of nr pages; the fake stays active for the test. */
static struct arena_map *fake_arena(__u64 nr, const struct arena_map_opts *opts)
{
	struct arena_dev *dev = fake_dev(ARENA_FEATURE_ARENA);
	struct arena_map *arena = NULL;

	TAP_EXPECT_OK(arena_dev__arena_create(dev, nr, opts, &arena));
	arena_dev__close(dev);
	return arena;
}

static void fake_stop(void)
{
	fake.active = false;
}

static void create_bad_arguments(void)
{
	struct arena_map *arena = (struct arena_map *)&arena;
	struct arena_dev *dev = fake_dev(ARENA_FEATURE_ARENA);

	capture_start();
	TAP_EXPECT_ERRNO(arena_dev__arena_create(dev, 1, NULL, NULL), EINVAL);
	TAP_EXPECT_ERRNO(arena_dev__arena_create(NULL, 1, NULL, &arena), EINVAL);
	TAP_EXPECT(arena == NULL);
	TAP_EXPECT_EQ(fake.create_calls, 0);
	arena_dev__close(dev);
	fake_stop();
}

/* A module without ARENA_FEATURE_ARENA: no ioctl is even tried. */
static void create_needs_feature(void)
{
	struct arena_dev *dev = fake_dev(ARENA_FEATURE_RINGBUF);
	struct arena_map *arena = (struct arena_map *)&arena;

	capture_start();
	TAP_EXPECT_ERRNO(arena_dev__arena_create(dev, 1, NULL, &arena), EOPNOTSUPP);
	TAP_EXPECT(arena == NULL);
	TAP_EXPECT_EQ(fake.create_calls, 0);
	TAP_EXPECT(strstr(captured, "no arenas") != NULL);
	arena_dev__close(dev);
	fake_stop();
}

/* flags, user_addr and nr_pages reach the ioctl as given. */
static void create_passes_opts(void)
{
	LIBARENA_OPTS(arena_map_opts, opts, .flags = ARENA_F_SEGV_ON_FAULT,
		      .user_addr = 0x1000000000ULL);
	struct arena_map *arena;
	int fd, before = next_fd();

	capture_start();
	arena = fake_arena(7, &opts);
	TAP_EXPECT_EQ(fake.create_calls, 1);
	TAP_EXPECT_EQ(fake.create.size, sizeof(struct arena_create));
	TAP_EXPECT_EQ(fake.create.flags, ARENA_F_SEGV_ON_FAULT);
	TAP_EXPECT_EQ(fake.create.nr_pages, 7);
	TAP_EXPECT_EQ(fake.create.user_addr, 0x1000000000ULL);
	TAP_EXPECT_EQ(arena_map__size(arena), 7 * page_size);
	fd = arena_map__fd(arena);
	TAP_EXPECT(fd >= before);
	TAP_EXPECT_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	arena_map__close(arena);
	TAP_EXPECT_ERRNO(fcntl(fd, F_GETFD), EBADF);
	TAP_EXPECT_EQ(next_fd(), before);
	TAP_EXPECT(captured_level != LIBARENA_WARN);
	/* No opts: all zero. */
	arena = fake_arena(1, NULL);
	TAP_EXPECT_EQ(fake.create.flags, 0);
	TAP_EXPECT_EQ(fake.create.user_addr, 0);
	arena_map__close(arena);
	fake_stop();
}

static void opts_sz_too_small(void)
{
	struct arena_map_opts opts = { .sz = sizeof(size_t) - 1 };
	struct arena_dev *dev = fake_dev(ARENA_FEATURE_ARENA);
	struct arena_map *arena = (struct arena_map *)&arena;

	capture_start();
	TAP_EXPECT_ERRNO(arena_dev__arena_create(dev, 1, &opts, &arena), EINVAL);
	TAP_EXPECT(arena == NULL);
	TAP_EXPECT(strstr(captured, "too small") != NULL);
	TAP_EXPECT_EQ(fake.create_calls, 0);
	arena_dev__close(dev);
	fake_stop();
}

/* A newer program's structure: its extra bytes must be zero. */
static void opts_unknown_tail(void)
{
	struct {
		struct arena_map_opts opts;
		unsigned char newer[16];
	} big;
	struct arena_dev *dev = fake_dev(ARENA_FEATURE_ARENA);
	struct arena_map *arena = NULL;

	capture_start();
	memset(&big, 0, sizeof(big));
	big.opts.sz = sizeof(big);
	big.opts.flags = ARENA_F_NO_USER_CONV;
	TAP_EXPECT_OK(arena_dev__arena_create(dev, 1, &big.opts, &arena));
	TAP_EXPECT_EQ(fake.create.flags, ARENA_F_NO_USER_CONV);
	arena_map__close(arena);
	big.newer[sizeof(big.newer) - 1] = 1;
	TAP_EXPECT_ERRNO(arena_dev__arena_create(dev, 1, &big.opts, &arena), EINVAL);
	TAP_EXPECT(strstr(captured, "not zero") != NULL);
	TAP_EXPECT_EQ(fake.create_calls, 1);
	arena_dev__close(dev);
	fake_stop();
}

/* An older program's structure, which ends before user_addr: not read. */
static void opts_short_ignores_later_fields(void)
{
	struct arena_map_opts opts = {
		.sz = offsetof(struct arena_map_opts, user_addr),
		.flags = ARENA_F_SEGV_ON_FAULT,
		.user_addr = 0x1000000000ULL,
	};
	struct arena_map *arena = fake_arena(1, &opts);

	TAP_EXPECT_EQ(fake.create.flags, ARENA_F_SEGV_ON_FAULT);
	TAP_EXPECT_EQ(fake.create.user_addr, 0);
	arena_map__close(arena);
	fake_stop();
}

/* What the module said comes back, with a warning; nothing is left open. */
static void create_error_passed_on(void)
{
	struct arena_dev *dev = fake_dev(ARENA_FEATURE_ARENA);
	struct arena_map *arena = (struct arena_map *)&arena;
	int before = next_fd();

	capture_start();
	fake.create_err = E2BIG;
	TAP_EXPECT_ERRNO(arena_dev__arena_create(dev, 1ULL << 40, NULL, &arena), E2BIG);
	TAP_EXPECT(arena == NULL);
	TAP_EXPECT_EQ(captured_level, LIBARENA_WARN);
	TAP_EXPECT(strstr(captured, "ARENA_IOC_CREATE") != NULL);
	TAP_EXPECT_EQ(next_fd(), before);
	arena_dev__close(dev);
	fake_stop();
}

/*
 * Files that are no arena: EINVAL, and the fd stays the caller's; a closed
 * fd: what the ioctl said.
 */
static void from_fd_not_arena(void)
{
	struct arena_map *arena = (struct arena_map *)&arena;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	capture_start();
	TAP_EXPECT_ERRNO(arena_map__from_fd(-1, &arena), EINVAL);
	TAP_EXPECT(arena == NULL);
	TAP_EXPECT_ERRNO(arena_map__from_fd(null, NULL), EINVAL);
	TAP_EXPECT_ERRNO(arena_map__from_fd(null, &arena), EINVAL);
	TAP_EXPECT(arena == NULL);
	TAP_EXPECT(strstr(captured, "ARENA_IOC_INFO") != NULL);
	TAP_EXPECT_EQ(fcntl(null, F_GETFD), FD_CLOEXEC);
	close(null);
	TAP_EXPECT_ERRNO(arena_map__from_fd(null, &arena), EBADF);
}

/* The size comes from INFO, and the arena owns the fd from then on. */
static void from_fd_takes_fd(void)
{
	struct arena_map *arena = NULL;
	int fd;

	fake_module_start();
	fd = memfd_create("arena-from-fd", MFD_CLOEXEC);
	TAP_EXPECT_OK(fd);
	fake.info = (struct arena_info){ .size = sizeof(fake.info), .nr_pages = 3 };
	TAP_EXPECT_OK(arena_map__from_fd(fd, &arena));
	TAP_EXPECT_EQ(arena_map__fd(arena), fd);
	TAP_EXPECT_EQ(arena_map__size(arena), 3 * page_size);
	arena_map__close(arena);
	TAP_EXPECT_ERRNO(fcntl(fd, F_GETFD), EBADF);
	fake_stop();
}

static void mmap_idempotent(void)
{
	struct arena_map *arena = fake_arena(4, NULL);
	void *p = NULL, *q = NULL;

	TAP_EXPECT_ERRNO(arena_map__mmap(NULL, &p), EINVAL);
	TAP_EXPECT_ERRNO(arena_map__mmap(arena, NULL), EINVAL);
	TAP_EXPECT_OK(arena_map__mmap(arena, &p));
	TAP_EXPECT(p != NULL);
	TAP_EXPECT_OK(arena_map__mmap(arena, &q));
	TAP_EXPECT(p == q);
	/* Shared and writable, whole. */
	if (p) {
		memset(p, 0x3c, 4 * page_size);
		TAP_EXPECT_EQ(((unsigned char *)p)[4 * page_size - 1], 0x3c);
	}
	arena_map__close(arena);
	fake_stop();
}

static void pointer_helpers(void)
{
	struct arena_map *arena = fake_arena(8, NULL);
	__u64 size = 8 * page_size;
	__u32 off = 7;
	char *base = NULL;

	/* Not mapped yet: no pointers. */
	TAP_EXPECT_ERRNO(arena_map__offset(arena, arena, &off), ENXIO);
	TAP_EXPECT(arena_map__ptr(arena, 0) == NULL);
	TAP_EXPECT_OK(arena_map__mmap(arena, (void **)&base));
	if (!base)
		goto out;
	TAP_EXPECT(arena_map__ptr(arena, 0) == base);
	TAP_EXPECT(arena_map__ptr(arena, size - 1) == base + size - 1);
	TAP_EXPECT(arena_map__ptr(arena, size) == NULL);
	TAP_EXPECT(arena_map__ptr(arena, UINT32_MAX) == NULL);
	TAP_EXPECT_OK(arena_map__offset(arena, base, &off));
	TAP_EXPECT_EQ(off, 0);
	TAP_EXPECT_OK(arena_map__offset(arena, base + size - 1, &off));
	TAP_EXPECT_EQ(off, size - 1);
	TAP_EXPECT_OK(arena_map__offset(arena, arena_map__ptr(arena, 12345), &off));
	TAP_EXPECT_EQ(off, 12345);
	off = 7;
	TAP_EXPECT_ERRNO(arena_map__offset(arena, base + size, &off), ERANGE);
	TAP_EXPECT_ERRNO(arena_map__offset(arena, base - 1, &off), ERANGE);
	TAP_EXPECT_ERRNO(arena_map__offset(arena, NULL, &off), ERANGE);
	TAP_EXPECT_EQ(off, 7);
	TAP_EXPECT_ERRNO(arena_map__offset(arena, base, NULL), EINVAL);
	TAP_EXPECT_ERRNO(arena_map__offset(NULL, base, &off), EINVAL);
	TAP_EXPECT(arena_map__ptr(NULL, 0) == NULL);
out:
	arena_map__close(arena);
	fake_stop();
}

/* A 4 GiB arena: every __u32 offset is inside it, the last one too. */
static void pointer_helpers_4gib(void)
{
	struct arena_map *arena = fake_arena((1ULL << 32) / page_size, NULL);
	char *base = NULL;
	__u32 off = 0;

	TAP_EXPECT_EQ(arena_map__size(arena), 1ULL << 32);
	TAP_EXPECT_OK(arena_map__mmap(arena, (void **)&base));
	if (base) {
		TAP_EXPECT(arena_map__ptr(arena, UINT32_MAX) == base + UINT32_MAX);
		TAP_EXPECT_OK(arena_map__offset(arena, base + UINT32_MAX, &off));
		TAP_EXPECT_EQ(off, UINT32_MAX);
		TAP_EXPECT_ERRNO(arena_map__offset(arena, base + (1ULL << 32), &off), ERANGE);
	}
	arena_map__close(arena);
	fake_stop();
}

/* What alloc and free send, and that alloc maps the arena first. */
static void alloc_free_requests(void)
{
	struct arena_map *arena = fake_arena(8, NULL);
	char *base, *pages = NULL;
	__u32 off;

	capture_start();
	TAP_EXPECT_ERRNO(arena_map__alloc_pages(NULL, NULL, 1, -1, NULL), EINVAL);
	fake.alloc_addr = 0x12345000;
	TAP_EXPECT_OK(arena_map__alloc_pages(arena, NULL, 2, -1, (void **)&pages));
	TAP_EXPECT_EQ(fake.pages_cmd, ARENA_IOC_ALLOC_PAGES);
	TAP_EXPECT_EQ(fake.pages.size, sizeof(struct arena_pages));
	TAP_EXPECT_EQ(fake.pages.flags, 0);
	TAP_EXPECT_EQ(fake.pages.addr, 0);
	TAP_EXPECT_EQ(fake.pages.nr_pages, 2);
	TAP_EXPECT_EQ(fake.pages.node, -1);
	TAP_EXPECT(pages == (char *)0x12345000);
	/* Mapped by the alloc. */
	base = arena_map__ptr(arena, 0);
	TAP_EXPECT(base != NULL);
	TAP_EXPECT_OK(arena_map__offset(arena, base + 3 * page_size, &off));

	TAP_EXPECT_OK(arena_map__alloc_pages(arena, base + 3 * page_size, 1, 0, NULL));
	TAP_EXPECT_EQ(fake.pages.addr, (uintptr_t)(base + 3 * page_size));
	TAP_EXPECT_EQ(fake.pages.node, 0);

	TAP_EXPECT_OK(arena_map__free_pages(arena, base + page_size, 5));
	TAP_EXPECT_EQ(fake.pages_cmd, ARENA_IOC_FREE_PAGES);
	TAP_EXPECT_EQ(fake.pages.addr, (uintptr_t)(base + page_size));
	TAP_EXPECT_EQ(fake.pages.nr_pages, 5);
	TAP_EXPECT_EQ(fake.pages.flags, 0);
	TAP_EXPECT_EQ(fake.pages_calls, 3);
	TAP_EXPECT_ERRNO(arena_map__free_pages(arena, NULL, 1), EINVAL);
	TAP_EXPECT_ERRNO(arena_map__free_pages(NULL, base, 1), EINVAL);
	TAP_EXPECT_EQ(fake.pages_calls, 3);
	TAP_EXPECT(captured_level != LIBARENA_WARN);
	arena_map__close(arena);
	fake_stop();
}

/* Failures come back as they are, *pagesp untouched, with no warning. */
static void alloc_free_errors(void)
{
	struct arena_map *arena = fake_arena(8, NULL);
	void *pages = arena;

	capture_start();
	fake.pages_err = ENOMEM;
	TAP_EXPECT_ERRNO(arena_map__alloc_pages(arena, NULL, 9, -1, &pages), ENOMEM);
	TAP_EXPECT(pages == arena);
	fake.pages_err = EBUSY;
	TAP_EXPECT_ERRNO(arena_map__alloc_pages(arena, arena_map__ptr(arena, 0), 1, -1, &pages), EBUSY);
	fake.pages_err = ERANGE;
	TAP_EXPECT_ERRNO(arena_map__free_pages(arena, arena_map__ptr(arena, 0), 9), ERANGE);
	TAP_EXPECT(captured_level != LIBARENA_WARN);
	arena_map__close(arena);
	fake_stop();
}

/* What the query sends, and the bits and count it hands back. */
static void pages_present_request(void)
{
	struct arena_map *arena = fake_arena(8, NULL);
	unsigned char bitmap[2] = { 0xff, 0xff };
	__u64 nr_present = 0;

	capture_start();
	fake.present = 0xa9;	/* pages 0, 3, 5 and 7 */
	TAP_EXPECT_OK(arena_map__pages_present(arena, 1, 7, bitmap, &nr_present));
	TAP_EXPECT_EQ(fake.present_req.size, sizeof(struct arena_pages_present));
	TAP_EXPECT_EQ(fake.present_req.flags, 0);
	TAP_EXPECT_EQ(fake.present_req.first_page, 1);
	TAP_EXPECT_EQ(fake.present_req.nr_pages, 7);
	TAP_EXPECT(fake.present_req.bitmap == (uintptr_t)bitmap);
	/* Pages 3, 5, 7 are bits 2, 4, 6 of the range; byte 1 is not touched. */
	TAP_EXPECT_EQ(bitmap[0], 0x54);
	TAP_EXPECT_EQ(bitmap[1], 0xff);
	TAP_EXPECT_EQ(nr_present, 3);
	TAP_EXPECT_OK(arena_map__pages_present(arena, 0, 8, bitmap, NULL));
	TAP_EXPECT_EQ(bitmap[0], 0xa9);
	/* The query does not map the arena. */
	TAP_EXPECT(arena_map__ptr(arena, 0) == NULL);
	TAP_EXPECT(captured_level != LIBARENA_WARN);
	arena_map__close(arena);
	fake_stop();
}

/* Bad arguments stop in the library; the module's errors come back as they are. */
static void pages_present_errors(void)
{
	struct arena_map *arena = fake_arena(8, NULL);
	unsigned char bitmap[2] = { 0x5a, 0x5a };
	__u64 nr_present = 77;

	capture_start();
	TAP_EXPECT_ERRNO(arena_map__pages_present(NULL, 0, 1, bitmap, NULL), EINVAL);
	TAP_EXPECT_ERRNO(arena_map__pages_present(arena, 0, 1, NULL, NULL), EINVAL);
	TAP_EXPECT_EQ(fake.present_calls, 0);
	TAP_EXPECT_ERRNO(arena_map__pages_present(arena, 0, 0, bitmap, &nr_present), EINVAL);
	TAP_EXPECT_ERRNO(arena_map__pages_present(arena, 8, 1, bitmap, &nr_present), ERANGE);
	TAP_EXPECT_ERRNO(arena_map__pages_present(arena, 1, 8, bitmap, &nr_present), ERANGE);
	TAP_EXPECT_EQ(nr_present, 77);
	TAP_EXPECT_EQ(bitmap[0], 0x5a);
	/* A memfd, as a module without the query would, says ENOTTY. */
	fake_stop();
	TAP_EXPECT_ERRNO(arena_map__pages_present(arena, 0, 1, bitmap, &nr_present), ENOTTY);
	TAP_EXPECT(captured_level != LIBARENA_WARN);
	arena_map__close(arena);
}

static void info_round_trip(void)
{
	struct arena_map *arena = fake_arena(5, NULL);
	struct arena_info info, before;

	TAP_EXPECT_ERRNO(arena_map__info(NULL, &info), EINVAL);
	TAP_EXPECT_ERRNO(arena_map__info(arena, NULL), EINVAL);
	fake.info.pages_in_use = 2;
	TAP_EXPECT_OK(arena_map__info(arena, &info));
	TAP_EXPECT_EQ(info.nr_pages, 5);
	TAP_EXPECT_EQ(info.pages_in_use, 2);
	/* A memfd knows no INFO: ENOTTY, and the caller's copy stays. */
	fake_stop();
	memset(&info, 0xa5, sizeof(info));
	before = info;
	TAP_EXPECT_ERRNO(arena_map__info(arena, &info), ENOTTY);
	TAP_EXPECT(!memcmp(&info, &before, sizeof(info)));
	arena_map__close(arena);
}

static void null_objects(void)
{
	TAP_EXPECT_ERRNO(arena_map__fd(NULL), EINVAL);
	TAP_EXPECT_EQ(arena_map__size(NULL), 0);
	arena_map__close(NULL);
}

__attribute__((constructor)) static void get_page_size(void)
{
	page_size = sysconf(_SC_PAGESIZE);
}

static const struct tap_test tests[] = {
	{ "libarena", "arena-create-bad-arguments-einval", create_bad_arguments },
	{ "libarena", "arena-create-needs-feature", create_needs_feature },
	{ "libarena", "arena-create-passes-opts", create_passes_opts },
	{ "libarena", "arena-opts-sz-too-small-einval", opts_sz_too_small },
	{ "libarena", "arena-opts-unknown-tail-einval", opts_unknown_tail },
	{ "libarena", "arena-opts-short-ignores-later-fields", opts_short_ignores_later_fields },
	{ "libarena", "arena-create-error-passed-on", create_error_passed_on },
	{ "libarena", "arena-from-fd-not-arena-einval", from_fd_not_arena },
	{ "libarena", "arena-from-fd-takes-fd", from_fd_takes_fd },
	{ "libarena", "arena-mmap-idempotent", mmap_idempotent },
	{ "libarena", "arena-pointer-helpers", pointer_helpers },
	{ "libarena", "arena-pointer-helpers-4gib", pointer_helpers_4gib },
	{ "libarena", "arena-alloc-free-requests", alloc_free_requests },
	{ "libarena", "arena-alloc-free-errors", alloc_free_errors },
	{ "libarena", "arena-pages-present-request", pages_present_request },
	{ "libarena", "arena-pages-present-errors", pages_present_errors },
	{ "libarena", "arena-info-round-trip", info_round_trip },
	{ "libarena", "arena-null-objects", null_objects },
};

TAP_MAIN(tests)
