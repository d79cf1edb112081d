// SPDX-License-Identifier: GPL-2.0
/*
 * Arena objects against the real module: ARENA_IOC_CREATE and its argument
 * rules, ARENA_IOC_INFO, mmap placement and the mapping's shape, lazy
 * population, ARENA_IOC_ALLOC_PAGES / ARENA_IOC_FREE_PAGES,
 * ARENA_IOC_PAGES_PRESENT, sharing between processes, lifetime, the
 * max_pages cap and a few bounded races.
 *
 * Every test creates its own arenas and releases them before it returns,
 * so that the module-wide page count is 0 between tests.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arena_kmod.h>

#include "dev.h"
#include "meminfo.h"
#include "scm.h"
#include "tap.h"
#include "vmtest.h"

#define SZ_1G		(1ULL << 30)
#define SZ_4G		(1ULL << 32)
/* Free address space in every test process, far from the binary and libc. */
#define FREE_AREA	0x1000000000ULL		/* 64 GiB, a 4 GiB boundary */
#define PATTERN		0x5a5aa5a5deadbeefULL

#define MAX_PAGES_PATH	"/sys/module/arena_kmod/parameters/max_pages"

static uint64_t psz(void)
{
	static uint64_t page;

	if (!page)
		page = sysconf(_SC_PAGESIZE);
	return page;
}

static uint64_t max_nr_pages(void)
{
	return SZ_4G / psz();
}

static bool crosses_4g(uint64_t start, uint64_t len)
{
	return (start >> 32) != ((start + len - 1) >> 32);
}

/* ---- /dev/arena and the arena ioctls; failures as negative errnos ---- */

/* ARENA_IOC_CREATE on a buffer whose size field is already set. */
static int create_raw(void *buf)
{
	int dev = open_dev();
	int ret;

	if (dev < 0)
		return -ENODEV;
	ret = ioctl(dev, ARENA_IOC_CREATE, buf);
	if (ret < 0)
		ret = -errno;
	close(dev);
	return ret;
}

static int arena_new(uint32_t flags, uint64_t nr_pages, uint64_t user_addr)
{
	struct arena_create req = {
		.size = sizeof(req),
		.flags = flags,
		.nr_pages = nr_pages,
		.user_addr = user_addr,
	};

	return create_raw(&req);
}

/* An arena the test needs, or a failure said out loud. */
static int arena_must(uint32_t flags, uint64_t nr_pages, uint64_t user_addr)
{
	int fd = arena_new(flags, nr_pages, user_addr);

	if (fd < 0)
		tap_fail(__FILE__, __LINE__, "create %llu pages: %s",
			 (unsigned long long)nr_pages, strerror(-fd));
	return fd;
}

static int info_get(int fd, struct arena_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return ioctl(fd, ARENA_IOC_INFO, info) ? -errno : 0;
}

/* pages_in_use, or ~0 (and a failure) if INFO fails. */
static uint64_t in_use(int fd)
{
	struct arena_info info;
	int err = info_get(fd, &info);

	if (err) {
		tap_fail(__FILE__, __LINE__, "ARENA_IOC_INFO: %s", strerror(-err));
		return ~0ULL;
	}
	return info.pages_in_use;
}

static int pages_ioctl(int fd, unsigned long cmd, uint64_t *addr, uint32_t nr,
		       int node, uint32_t flags)
{
	struct arena_pages req = {
		.size = sizeof(req),
		.flags = flags,
		.addr = *addr,
		.nr_pages = nr,
		.node = node,
	};

	if (ioctl(fd, cmd, &req))
		return -errno;
	*addr = req.addr;
	return 0;
}

/* Allocates nr pages at *addr (0: anywhere); *addr is where they went. */
static int alloc_at(int fd, uint64_t *addr, uint32_t nr)
{
	return pages_ioctl(fd, ARENA_IOC_ALLOC_PAGES, addr, nr, -1, 0);
}

static int alloc_addr(int fd, uint64_t addr, uint32_t nr)
{
	return alloc_at(fd, &addr, nr);
}

static int free_at(int fd, uint64_t addr, uint32_t nr)
{
	return pages_ioctl(fd, ARENA_IOC_FREE_PAGES, &addr, nr, -1, 0);
}

static void *map_arena(int fd, uint64_t nr_pages, void *hint, int flags)
{
	return mmap(hint, nr_pages * psz(), PROT_READ | PROT_WRITE, flags, fd, 0);
}


/* A shared mapping of the whole arena the test needs, or NULL. */
static char *map_must(int fd, uint64_t nr_pages)
{
	char *p = map_arena(fd, nr_pages, NULL, MAP_SHARED);

	if (p == MAP_FAILED) {
		tap_fail(__FILE__, __LINE__, "mmap %llu pages: %s",
			 (unsigned long long)nr_pages, strerror(errno));
		return NULL;
	}
	return p;
}

static uint64_t uaddr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

static char *page_at(char *base, uint64_t i)
{
	return base + i * psz();
}

static bool page_is(const void *page, unsigned char byte)
{
	const unsigned char *b = page;
	uint64_t i;

	for (i = 0; i < psz(); i++)
		if (b[i] != byte)
			return false;
	return true;
}

static bool range_is_free(uint64_t start, uint64_t len)
{
	void *p = mmap((void *)(uintptr_t)start, len, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED)
		return false;
	munmap(p, len);
	return p == (void *)(uintptr_t)start;
}

/* ARENA_IOC_PAGES_PRESENT into bitmap; *nr_present is its answer. */
static int present_get(int fd, uint64_t first, uint64_t nr, void *bitmap,
		       uint64_t *nr_present)
{
	struct arena_pages_present req = {
		.size = sizeof(req),
		.first_page = first,
		.nr_pages = nr,
		.bitmap = (uintptr_t)bitmap,
	};

	if (ioctl(fd, ARENA_IOC_PAGES_PRESENT, &req))
		return -errno;
	*nr_present = req.nr_present;
	return 0;
}

static bool bit_is_set(const unsigned char *bitmap, uint64_t i)
{
	return bitmap[i / 8] & (1U << (i % 8));
}

/* ---- child processes ---- */



#define EXPECT_SEGV(status)							\
	do {									\
		int st_ = (status);						\
		if (!WIFSIGNALED(st_) || WTERMSIG(st_) != SIGSEGV)		\
			tap_fail(__FILE__, __LINE__,				\
				 "child: expected SIGSEGV, seen status 0x%x",	\
				 st_);						\
	} while (0)

static void child_read_byte(void *p)
{
	printf("# child read %d: should not get here\n", *(volatile char *)p);
}


/* A process that has not inherited the arena, talking over a socketpair. */
struct peer {
	pid_t pid;
	int sock;
};

static bool peer_start(struct peer *peer, void (*fn)(int sock))
{
	int sv[2];

	peer->pid = -1;
	peer->sock = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		tap_fail(__FILE__, __LINE__, "socketpair: %s", strerror(errno));
		return false;
	}
	fflush(stdout);
	peer->pid = fork();
	if (peer->pid == 0) {
		close(sv[0]);
		tap_failures = 0;
		fn(sv[1]);
		fflush(stdout);
		_exit(tap_failures ? 1 : 0);
	}
	close(sv[1]);
	if (peer->pid < 0) {
		tap_fail(__FILE__, __LINE__, "fork: %s", strerror(errno));
		close(sv[0]);
		return false;
	}
	peer->sock = sv[0];
	return true;
}

static void peer_finish(struct peer *peer)
{
	int status = -1;

	if (peer->sock >= 0)
		close(peer->sock);
	if (peer->pid <= 0)
		return;
	while (waitpid(peer->pid, &status, 0) < 0 && errno == EINTR)
		;
	EXPECT_EXITED_0(status);
}

struct msg {
	uint64_t a, b, c;
};

/* One message, with an fd attached when fd >= 0 (tests/lib/scm.h). */
static bool msg_send(int sock, const struct msg *m, int fd)
{
	return scm_send(sock, m, sizeof(*m), fd);
}

/* *fd, if fd is not NULL, gets the fd attached to the message, or -1. */
static bool msg_recv(int sock, struct msg *m, int *fd)
{
	return scm_recv(sock, m, sizeof(*m), fd);
}

/* ================================ tests ================================ */

static void version_feature_arena(void)
{
	expect_feature(ARENA_FEATURE_ARENA);
}

static void create_returns_cloexec_fd(void)
{
	char link[64] = "", path[64];
	int dev = open_dev();
	struct arena_create req = { .size = sizeof(req), .nr_pages = 1 };
	int fd = ioctl(dev, ARENA_IOC_CREATE, &req);
	int fd2;

	TAP_EXPECT_OK(fd);
	TAP_EXPECT(fd != dev);
	TAP_EXPECT_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	TAP_EXPECT_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	TAP_EXPECT(readlink(path, link, sizeof(link) - 1) > 0);
	TAP_EXPECT_STREQ(link, "arena_kmod:[arena]");
	/* Each CREATE is a new arena: a new fd, not the same one again. */
	fd2 = ioctl(dev, ARENA_IOC_CREATE, &req);
	TAP_EXPECT_OK(fd2);
	TAP_EXPECT(fd2 != fd);
	close(fd2);
	close(fd);
	close(dev);
}

static void create_nr_pages_zero(void)
{
	TAP_EXPECT_ERRNO(arena_new(0, 0, 0), EINVAL);
	TAP_EXPECT_ERRNO(arena_new(0, 0, FREE_AREA), EINVAL);
}

static void create_nr_pages_too_big(void)
{
	TAP_EXPECT_ERRNO(arena_new(0, max_nr_pages() + 1, 0), E2BIG);
	TAP_EXPECT_ERRNO(arena_new(0, 1ULL << 32, 0), E2BIG);
	TAP_EXPECT_ERRNO(arena_new(0, UINT64_MAX, 0), E2BIG);
	/* nr_pages << PAGE_SHIFT wraps to a small length: still too big. */
	TAP_EXPECT_ERRNO(arena_new(0, (1ULL << 63) / psz() * 2 + 1, 0), E2BIG);
}

static void create_nr_pages_4gib(void)
{
	struct arena_info info;
	int fd = arena_new(0, max_nr_pages(), 0);

	TAP_EXPECT_OK(fd);
	if (fd < 0)
		return;
	TAP_EXPECT_OK(info_get(fd, &info));
	TAP_EXPECT_EQ(info.nr_pages, max_nr_pages());
	TAP_EXPECT_EQ(info.pages_in_use, 0);
	close(fd);
}

static void create_unknown_flags(void)
{
	TAP_EXPECT_ERRNO(arena_new(1U << 2, 1, 0), EINVAL);
	TAP_EXPECT_ERRNO(arena_new(1U << 31, 1, 0), EINVAL);
	TAP_EXPECT_ERRNO(arena_new(ARENA_F_SEGV_ON_FAULT | (1U << 5), 1, 0), EINVAL);
}

static void create_known_flags_echoed(void)
{
	static const uint32_t flags[] = {
		0, ARENA_F_SEGV_ON_FAULT, ARENA_F_NO_USER_CONV,
		ARENA_F_SEGV_ON_FAULT | ARENA_F_NO_USER_CONV,
	};
	struct arena_info info;
	size_t i;

	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		int fd = arena_must(flags[i], 3, 0);

		if (fd < 0)
			continue;
		TAP_EXPECT_OK(info_get(fd, &info));
		TAP_EXPECT_EQ(info.flags, flags[i]);
		TAP_EXPECT_EQ(info.nr_pages, 3);
		close(fd);
	}
}

static void create_user_addr_unaligned(void)
{
	TAP_EXPECT_ERRNO(arena_new(0, 1, FREE_AREA + 1), EINVAL);
	TAP_EXPECT_ERRNO(arena_new(0, 1, FREE_AREA + psz() / 2), EINVAL);
	TAP_EXPECT_ERRNO(arena_new(0, 1, psz() - 1), EINVAL);
}

static void create_user_addr_crosses_4g(void)
{
	int fd;

	/* Two pages, the second past the boundary. */
	TAP_EXPECT_ERRNO(arena_new(0, 2, FREE_AREA + SZ_4G - psz()), ERANGE);
	TAP_EXPECT_ERRNO(arena_new(0, max_nr_pages(), FREE_AREA + psz()), ERANGE);
	TAP_EXPECT_ERRNO(arena_new(0, max_nr_pages() / 2 + 1,
				   FREE_AREA + SZ_4G / 2), ERANGE);
	/* Ending exactly at the boundary is not crossing it. */
	fd = arena_new(0, 1, FREE_AREA + SZ_4G - psz());
	TAP_EXPECT_OK(fd);
	close(fd);
	fd = arena_new(0, max_nr_pages() / 2, FREE_AREA + SZ_4G / 2);
	TAP_EXPECT_OK(fd);
	close(fd);
	fd = arena_new(0, max_nr_pages(), FREE_AREA);
	TAP_EXPECT_OK(fd);
	close(fd);
}

static void create_size_too_small(void)
{
	struct arena_create req = { .nr_pages = 1 };

	req.size = ARENA_CREATE_SIZE_VER0 - 1;
	TAP_EXPECT_ERRNO(create_raw(&req), EINVAL);
	req.size = 0;
	TAP_EXPECT_ERRNO(create_raw(&req), EINVAL);
	req.size = 4;
	TAP_EXPECT_ERRNO(create_raw(&req), EINVAL);
}

static void create_size_larger_zero_tail(void)
{
	unsigned char buf[sizeof(struct arena_create) + 64] = { 0 };
	struct arena_create req = {
		.size = sizeof(buf), .flags = ARENA_F_SEGV_ON_FAULT, .nr_pages = 5,
	};
	struct arena_info info;
	int fd;

	memcpy(buf, &req, sizeof(req));
	fd = create_raw(buf);
	TAP_EXPECT_OK(fd);
	if (fd < 0)
		return;
	TAP_EXPECT_OK(info_get(fd, &info));
	TAP_EXPECT_EQ(info.nr_pages, 5);
	TAP_EXPECT_EQ(info.flags, ARENA_F_SEGV_ON_FAULT);
	close(fd);
}

static void create_size_larger_nonzero_tail(void)
{
	unsigned char *buf = calloc(1, psz() * 2);
	struct arena_create req = { .nr_pages = 1 };

	req.size = sizeof(req) + 8;
	memcpy(buf, &req, sizeof(req));
	buf[sizeof(req) + 7] = 1;
	TAP_EXPECT_ERRNO(create_raw(buf), E2BIG);
	/* Above a page: too big whatever the tail holds. */
	buf[sizeof(req) + 7] = 0;
	req.size = psz() + 1;
	memcpy(buf, &req, sizeof(req));
	TAP_EXPECT_ERRNO(create_raw(buf), E2BIG);
	free(buf);
}

static void create_bad_pointer(void)
{
	int dev = open_dev();

	TAP_EXPECT_ERRNO(ioctl(dev, ARENA_IOC_CREATE, NULL), EFAULT);
	TAP_EXPECT_ERRNO(ioctl(dev, ARENA_IOC_CREATE, (void *)8), EFAULT);
	close(dev);
}

/* Each fd answers its own commands only. */
static void ioctls_per_object(void)
{
	struct arena_create req = { .size = sizeof(req), .nr_pages = 1 };
	struct arena_info info = { .size = sizeof(info) };
	struct arena_version ver = { .size = sizeof(ver) };
	struct arena_pages pages = { .size = sizeof(pages), .nr_pages = 1, .node = -1 };
	int dev = open_dev();
	int fd = arena_must(0, 1, 0);

	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_CREATE, &req), ENOTTY);
	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_VERSION, &ver), ENOTTY);
	TAP_EXPECT_ERRNO(ioctl(fd, _IO(ARENA_IOC_MAGIC, 0x1f), &info), ENOTTY);
	TAP_EXPECT_ERRNO(ioctl(dev, ARENA_IOC_INFO, &info), ENOTTY);
	TAP_EXPECT_ERRNO(ioctl(dev, ARENA_IOC_ALLOC_PAGES, &pages), ENOTTY);
	TAP_EXPECT_ERRNO(ioctl(dev, ARENA_IOC_FREE_PAGES, &pages), ENOTTY);
	close(fd);
	close(dev);
}

static void info_before_and_after_mmap(void)
{
	struct arena_info info;
	int fd = arena_must(ARENA_F_NO_USER_CONV, 16, 0);
	char *p;

	if (fd < 0)
		return;
	TAP_EXPECT_OK(info_get(fd, &info));
	TAP_EXPECT_EQ(info.size, sizeof(info));
	TAP_EXPECT_EQ(info.flags, ARENA_F_NO_USER_CONV);
	TAP_EXPECT_EQ(info.nr_pages, 16);
	TAP_EXPECT_EQ(info.user_addr, 0);
	TAP_EXPECT_EQ(info.pages_in_use, 0);
	p = map_must(fd, 16);
	if (p) {
		TAP_EXPECT_OK(info_get(fd, &info));
		TAP_EXPECT_EQ(info.user_addr, uaddr(p));
		TAP_EXPECT_EQ(info.pages_in_use, 0);
		p[0] = 1;
		page_at(p, 15)[7] = 1;
		TAP_EXPECT_EQ(in_use(fd), 2);
		TAP_EXPECT_EQ(alloc_addr(fd, 0, 3), 0);
		TAP_EXPECT_EQ(in_use(fd), 5);
		munmap(p, 16 * psz());
		/* The address stays decided after the mapping is gone. */
		TAP_EXPECT_OK(info_get(fd, &info));
		TAP_EXPECT_EQ(info.user_addr, uaddr(p));
		TAP_EXPECT_EQ(info.pages_in_use, 5);
	}
	close(fd);
}

static void info_fixed_user_addr(void)
{
	uint64_t at = FREE_AREA + 8 * psz(), addr = 0;
	struct arena_info info;
	int fd = arena_must(0, 4, at);

	if (fd < 0)
		return;
	TAP_EXPECT_OK(info_get(fd, &info));
	TAP_EXPECT_EQ(info.user_addr, at);
	/* Not mapped yet, but page addresses are user addresses already. */
	TAP_EXPECT_EQ(alloc_at(fd, &addr, 1), 0);
	TAP_EXPECT_EQ(addr, at);
	TAP_EXPECT_ERRNO(alloc_addr(fd, psz(), 1), ERANGE);
	TAP_EXPECT_OK(alloc_addr(fd, at + 3 * psz(), 1));
	TAP_EXPECT_ERRNO(free_at(fd, 3 * psz(), 1), ERANGE);
	TAP_EXPECT_EQ(in_use(fd), 2);
	close(fd);
}

static void info_arg_rules(void)
{
	unsigned char buf[sizeof(struct arena_info) + 32] = { 0 };
	struct arena_info info = { .size = sizeof(info), .flags = 1 };
	int fd = arena_must(ARENA_F_SEGV_ON_FAULT, 2, 0);

	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_INFO, &info), EINVAL);
	info.flags = ARENA_F_SEGV_ON_FAULT;
	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_INFO, &info), EINVAL);
	info.flags = 0;
	info.size = ARENA_INFO_SIZE_VER0 - 1;
	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_INFO, &info), EINVAL);
	info.size = psz() + 1;
	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_INFO, &info), E2BIG);
	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_INFO, NULL), EFAULT);

	/* Larger: zero tail accepted and left alone, nonzero tail refused. */
	info.size = sizeof(buf);
	memcpy(buf, &info, sizeof(info));
	TAP_EXPECT_OK(ioctl(fd, ARENA_IOC_INFO, buf));
	memcpy(&info, buf, sizeof(info));
	TAP_EXPECT_EQ(info.size, sizeof(info));
	TAP_EXPECT_EQ(info.nr_pages, 2);
	TAP_EXPECT_EQ(info.flags, ARENA_F_SEGV_ON_FAULT);
	TAP_EXPECT_EQ(buf[sizeof(buf) - 1], 0);
	info.size = sizeof(buf);
	memcpy(buf, &info, sizeof(info));
	buf[sizeof(buf) - 1] = 0xff;
	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_INFO, buf), E2BIG);
	close(fd);
}

static void mmap_private_rejected(void)
{
	struct arena_info info;
	int fd = arena_must(0, 4, 0);

	EXPECT_MMAP_FAILS(map_arena(fd, 4, NULL, MAP_PRIVATE), 4 * psz(), EINVAL);
	/* A failed mmap decides nothing. */
	TAP_EXPECT_OK(info_get(fd, &info));
	TAP_EXPECT_EQ(info.user_addr, 0);
	close(fd);
}

static void mmap_pgoff_rejected(void)
{
	int fd = arena_must(0, 4, 0);

	EXPECT_MMAP_FAILS(mmap(NULL, 4 * psz(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, psz()),
			  4 * psz(), EINVAL);
	EXPECT_MMAP_FAILS(mmap(NULL, 3 * psz(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, psz()),
			  3 * psz(), EINVAL);
	close(fd);
}

static void mmap_length_mismatch(void)
{
	struct arena_info info;
	int fd = arena_must(0, 4, 0);
	void *p;

	EXPECT_MMAP_FAILS(map_arena(fd, 3, NULL, MAP_SHARED),
			  3 * psz(), EINVAL);
	EXPECT_MMAP_FAILS(map_arena(fd, 5, NULL, MAP_SHARED),
			  5 * psz(), EINVAL);
	EXPECT_MMAP_FAILS(map_arena(fd, 1, NULL, MAP_SHARED),
			  psz(), EINVAL);
	TAP_EXPECT_OK(info_get(fd, &info));
	TAP_EXPECT_EQ(info.user_addr, 0);
	/* The right length works. */
	p = map_must(fd, 4);
	if (p)
		munmap(p, 4 * psz());
	close(fd);
}

/* Maps a new arena of nr pages with hint; checks the placement. */
static void map_no_cross(uint64_t nr, uint64_t hint)
{
	uint64_t len = nr * psz();
	struct arena_info info;
	int fd = arena_must(0, nr, 0);
	char *p;

	if (fd < 0)
		return;
	p = map_arena(fd, nr, (void *)(uintptr_t)hint, MAP_SHARED);
	TAP_EXPECT(p != MAP_FAILED);
	if (p != MAP_FAILED) {
		if (crosses_4g(uaddr(p), len))
			tap_fail(__FILE__, __LINE__,
				 "%llu pages mapped at %p (hint 0x%llx) cross 4 GiB",
				 (unsigned long long)nr, p, (unsigned long long)hint);
		TAP_EXPECT_OK(info_get(fd, &info));
		TAP_EXPECT_EQ(info.user_addr, uaddr(p));
		/* Both ends usable. */
		p[0] = 1;
		p[len - 1] = 2;
		TAP_EXPECT_EQ(p[0] + p[len - 1], 3);
		TAP_EXPECT_EQ(in_use(fd), nr == 1 ? 1 : 2);
		munmap(p, len);
	}
	close(fd);
}

static void mmap_never_crosses_4g(void)
{
	uint64_t half = max_nr_pages() / 2;

	map_no_cross(half, 0);
	map_no_cross(half, 0);
	map_no_cross(max_nr_pages(), 0);
	map_no_cross(max_nr_pages() / 4 * 3, 0);
	map_no_cross(1, 0);
	/* Hints that would cross. */
	map_no_cross(half, FREE_AREA + 3 * SZ_1G);
	map_no_cross(half, FREE_AREA + SZ_4G - psz());
	map_no_cross(max_nr_pages(), FREE_AREA + psz());
	map_no_cross(max_nr_pages(), FREE_AREA + SZ_4G + 2 * SZ_1G);
	map_no_cross(2, FREE_AREA + SZ_4G - psz());
}

/* Before the address is decided, MAP_FIXED may choose it, but not across. */
static void mmap_fixed_undecided(void)
{
	uint64_t nr = max_nr_pages() / 2, len = nr * psz();
	struct arena_info info;
	int fd = arena_must(0, nr, 0);
	char *p;

	if (fd < 0)
		return;
	EXPECT_MMAP_FAILS(map_arena(fd, nr, (void *)(uintptr_t)(FREE_AREA + 3 * SZ_1G),
				    MAP_SHARED | MAP_FIXED_NOREPLACE),
			  len, ERANGE);
	EXPECT_MMAP_FAILS(map_arena(fd, nr, (void *)(uintptr_t)(FREE_AREA + SZ_4G - psz()),
				    MAP_SHARED | MAP_FIXED),
			  len, ERANGE);
	TAP_EXPECT_OK(info_get(fd, &info));
	TAP_EXPECT_EQ(info.user_addr, 0);
	TAP_EXPECT(range_is_free(FREE_AREA, 2 * SZ_4G));

	p = map_arena(fd, nr, (void *)(uintptr_t)(FREE_AREA + SZ_1G),
		      MAP_SHARED | MAP_FIXED_NOREPLACE);
	TAP_EXPECT_EQ(uaddr(p), FREE_AREA + SZ_1G);
	if (p != MAP_FAILED) {
		TAP_EXPECT_OK(info_get(fd, &info));
		TAP_EXPECT_EQ(info.user_addr, FREE_AREA + SZ_1G);
		munmap(p, len);
	}
	close(fd);
}

static void mmap_again_same_address(void)
{
	uint64_t nr = 64, len = nr * psz();
	uint64_t at = FREE_AREA + 2 * SZ_4G + 16 * psz();
	int fd = arena_must(0, nr, 0);
	char *p, *q;

	if (fd < 0)
		return;
	/* Placed by a hint where mmap(NULL) would never go by itself. */
	p = map_arena(fd, nr, (void *)(uintptr_t)at, MAP_SHARED);
	TAP_EXPECT_EQ(uaddr(p), at);
	if (p == MAP_FAILED)
		goto out;
	p[5] = 42;
	munmap(p, len);
	q = map_must(fd, nr);
	TAP_EXPECT_EQ(uaddr(q), uaddr(p));
	if (q) {
		TAP_EXPECT_EQ(q[5], 42);
		munmap(q, len);
	}
	/* The decided address as a hint or MAP_FIXED is fine too. */
	q = map_arena(fd, nr, p, MAP_SHARED);
	TAP_EXPECT_EQ(uaddr(q), uaddr(p));
	if (q != MAP_FAILED)
		munmap(q, len);
	q = map_arena(fd, nr, p, MAP_SHARED | MAP_FIXED_NOREPLACE);
	TAP_EXPECT_EQ(uaddr(q), uaddr(p));
	if (q != MAP_FAILED) {
		TAP_EXPECT_EQ(q[5], 42);
		munmap(q, len);
	}
out:
	close(fd);
}

static void mmap_other_address_rejected(void)
{
	uint64_t nr = 8, len = nr * psz();
	int fd = arena_must(0, nr, 0);
	char *p, *q;

	if (fd < 0)
		return;
	p = map_must(fd, nr);
	if (!p)
		goto out;
	p[0] = 7;
	/* A second mapping while the first is there cannot be at the address. */
	EXPECT_MMAP_FAILS(map_arena(fd, nr, NULL, MAP_SHARED),
			  nr * psz(), EBUSY);
	EXPECT_MMAP_FAILS(map_arena(fd, nr, (void *)(uintptr_t)FREE_AREA, MAP_SHARED | MAP_FIXED),
			  nr * psz(), EINVAL);
	munmap(p, len);
	EXPECT_MMAP_FAILS(map_arena(fd, nr, (void *)(uintptr_t)FREE_AREA, MAP_SHARED | MAP_FIXED),
			  nr * psz(), EINVAL);
	EXPECT_MMAP_FAILS(map_arena(fd, nr, p + psz(), MAP_SHARED | MAP_FIXED),
			  nr * psz(), EINVAL);
	EXPECT_MMAP_FAILS(map_arena(fd, nr, (void *)(uintptr_t)FREE_AREA,
				    MAP_SHARED | MAP_FIXED_NOREPLACE),
			  nr * psz(), EINVAL);
	/* MAP_FIXED at 0 is an address too, not "anywhere". */
	EXPECT_MMAP_FAILS(map_arena(fd, nr, NULL, MAP_SHARED | MAP_FIXED),
			  nr * psz(), EINVAL);
	/* A mere hint elsewhere is refused as well. */
	EXPECT_MMAP_FAILS(map_arena(fd, nr, (void *)(uintptr_t)FREE_AREA, MAP_SHARED),
			  nr * psz(), EINVAL);
	TAP_EXPECT(range_is_free(FREE_AREA, len));
	/* The address itself still works, with its data. */
	q = map_must(fd, nr);
	TAP_EXPECT_EQ(uaddr(q), uaddr(p));
	if (q) {
		TAP_EXPECT_EQ(q[0], 7);
		munmap(q, len);
	}
out:
	close(fd);
}

static void mmap_create_user_addr(void)
{
	uint64_t nr = 16, len = nr * psz();
	uint64_t at = FREE_AREA + SZ_4G + 32 * psz();
	struct arena_info info;
	int fd = arena_must(0, nr, at);
	void *blocker;
	char *p;

	if (fd < 0)
		return;
	EXPECT_MMAP_FAILS(map_arena(fd, nr, (void *)(uintptr_t)(at + psz()), MAP_SHARED),
			  nr * psz(), EINVAL);
	EXPECT_MMAP_FAILS(map_arena(fd, nr, (void *)(uintptr_t)(at - psz()), MAP_SHARED | MAP_FIXED),
			  nr * psz(), EINVAL);

	p = map_arena(fd, nr, NULL, MAP_SHARED);
	TAP_EXPECT_EQ(uaddr(p), at);
	if (p != MAP_FAILED) {
		TAP_EXPECT_OK(info_get(fd, &info));
		TAP_EXPECT_EQ(info.user_addr, at);
		p[1] = 9;
		munmap(p, len);
	}
	p = map_arena(fd, nr, (void *)(uintptr_t)at, MAP_SHARED | MAP_FIXED_NOREPLACE);
	TAP_EXPECT_EQ(uaddr(p), at);
	if (p != MAP_FAILED) {
		TAP_EXPECT_EQ(p[1], 9);
		munmap(p, len);
	}

	/* Something else sits on the address: mmap(NULL) cannot honour it. */
	blocker = mmap((void *)(uintptr_t)(at + 2 * psz()), psz(), PROT_READ,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	TAP_EXPECT_EQ(uaddr(blocker), at + 2 * psz());
	EXPECT_MMAP_FAILS(map_arena(fd, nr, NULL, MAP_SHARED),
			  nr * psz(), EBUSY);
	EXPECT_MMAP_FAILS(map_arena(fd, nr, (void *)(uintptr_t)at, MAP_SHARED | MAP_FIXED_NOREPLACE),
			  nr * psz(), EEXIST);
	if (blocker != MAP_FAILED)
		munmap(blocker, psz());
	close(fd);
}


static void mmap_shows_in_maps(void)
{
	int fd = arena_must(0, 4, 0);
	char *p = map_must(fd, 4);

	if (p) {
		TAP_EXPECT(maps_line_has(uaddr(p), " rw-s "));
		TAP_EXPECT(maps_line_has(uaddr(p), "arena_kmod:[arena]"));
		munmap(p, 4 * psz());
	}
	close(fd);
}

static void munmap_partial_rejected(void)
{
	uint64_t nr = 8, len = nr * psz();
	int fd = arena_must(0, nr, 0);
	char *p = map_must(fd, nr);

	if (!p)
		goto out;
	memset(p, 0x11, len);
	TAP_EXPECT_ERRNO(munmap(p, psz()), EINVAL);
	TAP_EXPECT_ERRNO(munmap(p + len - psz(), psz()), EINVAL);
	TAP_EXPECT_ERRNO(munmap(p + psz(), 2 * psz()), EINVAL);
	TAP_EXPECT_ERRNO(mprotect(p + psz(), psz(), PROT_READ), EINVAL);
	if (tap_failures) {
		/* Holes now: touching the pages would end the whole binary. */
		munmap(p, len);
		goto out;
	}
	/* Still whole, still working. */
	TAP_EXPECT(maps_line_has(uaddr(p), "arena_kmod:[arena]"));
	TAP_EXPECT(page_is(p, 0x11));
	TAP_EXPECT(page_is(page_at(p, nr - 1), 0x11));
	p[len - 1] = 0x22;
	TAP_EXPECT_EQ(p[len - 1], 0x22);
	/* The whole of it, and a range that covers it, do go. */
	TAP_EXPECT_OK(mprotect(p, len, PROT_READ));
	TAP_EXPECT_OK(munmap(p, len));
	TAP_EXPECT(!maps_line_has(uaddr(p), "arena"));
out:
	close(fd);
}

static void mremap_grow_rejected(void)
{
	uint64_t nr = 8, len = nr * psz();
	int fd = arena_must(0, nr, 0);
	char *p = map_must(fd, nr);
	void *q;

	if (!p)
		goto out;
	p[0] = 3;
	q = mremap(p, len, len + psz(), 0);
	TAP_EXPECT(q == MAP_FAILED);
	TAP_EXPECT_EQ(errno, EFAULT);
	q = mremap(p, len, 2 * len, MREMAP_MAYMOVE);
	TAP_EXPECT(q == MAP_FAILED);
	TAP_EXPECT_EQ(errno, EFAULT);
	/* Shrinking would split it. */
	q = mremap(p, len, len - psz(), 0);
	TAP_EXPECT(q == MAP_FAILED);
	TAP_EXPECT_EQ(errno, EINVAL);
	TAP_EXPECT_EQ(p[0], 3);
	p[len - 1] = 4;
	TAP_EXPECT_EQ(p[len - 1], 4);
	munmap(p, len);
out:
	close(fd);
}

static void mremap_move_rejected(void)
{
	uint64_t nr = 8, len = nr * psz();
	int fd = arena_must(0, nr, 0);
	char *p = map_must(fd, nr);
	void *q;

	if (!p)
		goto out;
	memset(p, 0x33, len);
	q = mremap(p, len, len, MREMAP_MAYMOVE | MREMAP_FIXED,
		   (void *)(uintptr_t)(FREE_AREA + 16 * psz()));
	TAP_EXPECT(q == MAP_FAILED);
	TAP_EXPECT_EQ(errno, EINVAL);
	TAP_EXPECT(range_is_free(FREE_AREA + 16 * psz(), len));
	TAP_EXPECT(maps_line_has(uaddr(p), "arena_kmod:[arena]"));
	TAP_EXPECT(page_is(p, 0x33));
	TAP_EXPECT(page_is(page_at(p, nr - 1), 0x33));
	p[1] = 0x44;
	TAP_EXPECT_EQ(p[1], 0x44);
	TAP_EXPECT_EQ(in_use(fd), nr);
	munmap(p, len);
out:
	close(fd);
}

static void fault_reads_zero_page(void)
{
	uint64_t nr = 32;
	int fd = arena_must(0, nr, 0);
	char *p = map_must(fd, nr);

	if (!p)
		goto out;
	TAP_EXPECT_EQ(in_use(fd), 0);
	TAP_EXPECT(page_is(page_at(p, 7), 0));
	TAP_EXPECT_EQ(in_use(fd), 1);
	TAP_EXPECT(page_is(page_at(p, 7), 0));
	TAP_EXPECT_EQ(in_use(fd), 1);
	TAP_EXPECT(page_is(page_at(p, 31), 0));
	TAP_EXPECT_EQ(in_use(fd), 2);
	TAP_EXPECT(page_is(page_at(p, 0), 0));
	TAP_EXPECT_EQ(in_use(fd), 3);
	munmap(p, nr * psz());
out:
	close(fd);
}

static void fault_write_read_back(void)
{
	uint64_t nr = 16, len = nr * psz(), i;
	int fd = arena_must(0, nr, 0);
	uint64_t *w;
	char *p = map_must(fd, nr);
	bool ok = true;

	if (!p)
		goto out;
	w = (uint64_t *)p;
	for (i = 0; i < len / 8; i += 3)
		w[i] = PATTERN ^ i;
	TAP_EXPECT_EQ(in_use(fd), nr);
	for (i = 0; i < len / 8; i++)
		ok &= w[i] == (i % 3 ? 0 : PATTERN ^ i);
	TAP_EXPECT(ok);
	/* Through a new mapping too: the pages belong to the arena. */
	munmap(p, len);
	p = map_must(fd, nr);
	if (!p)
		goto out;
	w = (uint64_t *)p;
	for (ok = true, i = 0; i < len / 8; i++)
		ok &= w[i] == (i % 3 ? 0 : PATTERN ^ i);
	TAP_EXPECT(ok);
	TAP_EXPECT_EQ(in_use(fd), nr);
	munmap(p, len);
out:
	close(fd);
}

/* MADV_DONTNEED drops the PTEs, not the arena's pages. */
static void madvise_dontneed_keeps_data(void)
{
	uint64_t nr = 4, len = nr * psz();
	int fd = arena_must(0, nr, 0);
	char *p = map_must(fd, nr);

	if (!p)
		goto out;
	memset(p, 0x66, len);
	TAP_EXPECT_OK(madvise(p, len, MADV_DONTNEED));
	TAP_EXPECT(page_is(p, 0x66));
	TAP_EXPECT(page_is(page_at(p, 3), 0x66));
	TAP_EXPECT_EQ(in_use(fd), nr);
	munmap(p, len);
out:
	close(fd);
}

/* The kernel's own accesses (copy_to/from_user) fault the same way. */
static void fault_from_syscalls(void)
{
	uint64_t nr = 4;
	int fd = arena_must(0, nr, 0);
	char *p = map_must(fd, nr);
	int pipefd[2];
	char buf[16];

	if (!p || pipe(pipefd))
		goto out;
	/* write() reads a never-touched page: zeros, one page made. */
	TAP_EXPECT_EQ(write(pipefd[1], page_at(p, 1), 16), 16);
	TAP_EXPECT_EQ(read(pipefd[0], buf, 16), 16);
	TAP_EXPECT(!memcmp(buf, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16));
	TAP_EXPECT_EQ(in_use(fd), 1);
	/* read() writes into another one. */
	TAP_EXPECT_EQ(write(pipefd[1], "0123456789abcdef", 16), 16);
	TAP_EXPECT_EQ(read(pipefd[0], page_at(p, 2) + 8, 16), 16);
	TAP_EXPECT(!memcmp(page_at(p, 2) + 8, "0123456789abcdef", 16));
	TAP_EXPECT_EQ(in_use(fd), 2);
	close(pipefd[0]);
	close(pipefd[1]);
	munmap(p, nr * psz());
out:
	close(fd);
}

static void segv_on_fault(void)
{
	uint64_t nr = 8;
	int fd = arena_must(ARENA_F_SEGV_ON_FAULT, nr, 0);
	char *p = map_must(fd, nr);
	uint64_t addr = 0;
	int pipefd[2];

	if (!p)
		goto out;
	EXPECT_SEGV(child_run(child_read_byte, page_at(p, 3)));
	EXPECT_SEGV(child_run(child_write_byte, page_at(p, 0)));
	TAP_EXPECT_EQ(in_use(fd), 0);

	/* An allocated page is there, for reading and writing. */
	addr = uaddr(page_at(p, 3));
	TAP_EXPECT_EQ(alloc_at(fd, &addr, 1), 0);
	TAP_EXPECT_EQ(addr, uaddr(page_at(p, 3)));
	TAP_EXPECT(page_is(page_at(p, 3), 0));
	page_at(p, 3)[100] = 5;
	EXPECT_EXITED_0(child_run(child_write_byte, page_at(p, 3)));
	TAP_EXPECT_EQ(page_at(p, 3)[0], 1);
	TAP_EXPECT_EQ(page_at(p, 3)[100], 5);
	/* Its neighbours are not. */
	EXPECT_SEGV(child_run(child_read_byte, page_at(p, 2)));
	EXPECT_SEGV(child_run(child_read_byte, page_at(p, 4)));
	TAP_EXPECT_EQ(in_use(fd), 1);

	/* The kernel's own accesses get EFAULT, not a page. */
	if (!pipe(pipefd)) {
		TAP_EXPECT_ERRNO(write(pipefd[1], page_at(p, 5), 16), EFAULT);
		TAP_EXPECT_EQ(write(pipefd[1], page_at(p, 3), 16), 16);
		close(pipefd[0]);
		close(pipefd[1]);
	}
	TAP_EXPECT_EQ(in_use(fd), 1);

	/* Freed: absent again. */
	TAP_EXPECT_OK(free_at(fd, uaddr(page_at(p, 3)), 1));
	EXPECT_SEGV(child_run(child_read_byte, page_at(p, 3)));
	TAP_EXPECT_EQ(in_use(fd), 0);
	munmap(p, nr * psz());
out:
	close(fd);
}

static void alloc_anywhere(void)
{
	uint64_t nr = 16, len = nr * psz();
	uint64_t addr = 0, a2 = 0, i;
	int fd = arena_must(0, nr, 0);
	char *p;

	if (fd < 0)
		return;
	/* Before the arena has an address: arena offsets. */
	TAP_EXPECT_EQ(alloc_at(fd, &addr, 2), 0);
	TAP_EXPECT(addr < len);
	TAP_EXPECT_EQ(addr % psz(), 0);
	TAP_EXPECT_EQ(in_use(fd), 2);
	p = map_must(fd, nr);
	if (!p)
		goto out;
	/* Those pages are the ones the mapping shows: no new page made. */
	TAP_EXPECT(page_is(p + addr, 0));
	TAP_EXPECT(page_is(p + addr + psz(), 0));
	TAP_EXPECT_EQ(in_use(fd), 2);

	/* Once mapped: user addresses inside the mapping. */
	TAP_EXPECT_EQ(alloc_at(fd, &a2, 3), 0);
	TAP_EXPECT(a2 >= uaddr(p) && a2 + 3 * psz() <= uaddr(p) + len);
	TAP_EXPECT_EQ(a2 % psz(), 0);
	TAP_EXPECT(a2 + 3 * psz() <= uaddr(p) + addr || a2 >= uaddr(p) + addr + 2 * psz());
	TAP_EXPECT_EQ(in_use(fd), 5);
	for (i = 0; i < 3; i++)
		TAP_EXPECT(page_is((char *)(uintptr_t)a2 + i * psz(), 0));
	TAP_EXPECT_EQ(in_use(fd), 5);
	munmap(p, len);
out:
	close(fd);
}

/* "Anywhere" skips present pages, however they came to be. */
static void alloc_anywhere_skips_present(void)
{
	uint64_t nr = 8, addr = 0;
	int fd = arena_must(0, nr, 0);
	char *p = map_must(fd, nr);

	if (!p)
		goto out;
	p[0] = 1;				/* page 0 by fault */
	TAP_EXPECT_OK(alloc_addr(fd, uaddr(page_at(p, 2)), 1));	/* page 2 */
	TAP_EXPECT_EQ(alloc_at(fd, &addr, 1), 0);
	TAP_EXPECT_EQ(addr, uaddr(page_at(p, 1)));
	addr = 0;
	TAP_EXPECT_EQ(alloc_at(fd, &addr, 2), 0);
	TAP_EXPECT_EQ(addr, uaddr(page_at(p, 3)));
	TAP_EXPECT_EQ(p[0], 1);
	TAP_EXPECT_EQ(in_use(fd), 5);
	munmap(p, nr * psz());
out:
	close(fd);
}

static void alloc_einval(void)
{
	uint64_t nr = 8, addr;
	int fd = arena_must(0, nr, 0);
	char *p = map_must(fd, nr);

	if (!p)
		goto out;
	addr = 0;
	TAP_EXPECT_ERRNO(pages_ioctl(fd, ARENA_IOC_ALLOC_PAGES, &addr, 0, -1, 0), EINVAL);
	addr = uaddr(p);
	TAP_EXPECT_ERRNO(pages_ioctl(fd, ARENA_IOC_ALLOC_PAGES, &addr, 0, -1, 0), EINVAL);
	addr = 0;
	TAP_EXPECT_ERRNO(pages_ioctl(fd, ARENA_IOC_ALLOC_PAGES, &addr, 1, -1, 1), EINVAL);
	TAP_EXPECT_ERRNO(pages_ioctl(fd, ARENA_IOC_ALLOC_PAGES, &addr, 1, -1, 1U << 31), EINVAL);
	TAP_EXPECT_ERRNO(pages_ioctl(fd, ARENA_IOC_ALLOC_PAGES, &addr, 1, 9999, 0), EINVAL);
	TAP_EXPECT_ERRNO(pages_ioctl(fd, ARENA_IOC_ALLOC_PAGES, &addr, 1, -2, 0), EINVAL);
	TAP_EXPECT_ERRNO(pages_ioctl(fd, ARENA_IOC_ALLOC_PAGES, &addr, 1, INT32_MIN, 0), EINVAL);
	TAP_EXPECT_ERRNO(pages_ioctl(fd, ARENA_IOC_ALLOC_PAGES, &addr, 1, INT32_MAX, 0), EINVAL);
	addr = uaddr(p) + 1;
	TAP_EXPECT_ERRNO(alloc_at(fd, &addr, 1), EINVAL);
	addr = uaddr(p) + psz() + psz() / 2;
	TAP_EXPECT_ERRNO(alloc_at(fd, &addr, 1), EINVAL);
	TAP_EXPECT_EQ(in_use(fd), 0);
	/* Node 0 is always online. */
	addr = 0;
	TAP_EXPECT_OK(pages_ioctl(fd, ARENA_IOC_ALLOC_PAGES, &addr, 1, 0, 0));
	TAP_EXPECT_EQ(addr, uaddr(p));
	TAP_EXPECT_EQ(in_use(fd), 1);
	munmap(p, nr * psz());
out:
	close(fd);
}

static void alloc_args_size_rules(void)
{
	unsigned char buf[sizeof(struct arena_pages) + 16] = { 0 };
	struct arena_pages req = { .size = sizeof(buf), .nr_pages = 1, .node = -1 };
	int fd = arena_must(0, 4, 0);

	memcpy(buf, &req, sizeof(req));
	buf[sizeof(buf) - 1] = 1;
	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_ALLOC_PAGES, buf), E2BIG);
	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_FREE_PAGES, buf), E2BIG);
	buf[sizeof(buf) - 1] = 0;
	TAP_EXPECT_OK(ioctl(fd, ARENA_IOC_ALLOC_PAGES, buf));
	memcpy(&req, buf, sizeof(req));
	TAP_EXPECT_EQ(req.size, sizeof(req));
	TAP_EXPECT_EQ(req.addr, 0);
	TAP_EXPECT_EQ(in_use(fd), 1);
	req.size = ARENA_PAGES_SIZE_VER0 - 1;
	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_ALLOC_PAGES, &req), EINVAL);
	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_FREE_PAGES, &req), EINVAL);
	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_ALLOC_PAGES, NULL), EFAULT);
	TAP_EXPECT_EQ(in_use(fd), 1);
	close(fd);
}

static void alloc_erange(void)
{
	uint64_t nr = 8, len = nr * psz();
	int fd = arena_must(0, nr, 0);
	char *p = map_must(fd, nr);

	if (!p)
		goto out;
	TAP_EXPECT_ERRNO(alloc_addr(fd, uaddr(p) - psz(), 1), ERANGE);
	TAP_EXPECT_ERRNO(alloc_addr(fd, uaddr(p) - psz(), 2), ERANGE);
	TAP_EXPECT_ERRNO(alloc_addr(fd, uaddr(p) + len, 1), ERANGE);
	TAP_EXPECT_ERRNO(alloc_addr(fd, uaddr(p) + len - psz(), 2), ERANGE);
	TAP_EXPECT_ERRNO(alloc_addr(fd, uaddr(p), nr + 1), ERANGE);
	TAP_EXPECT_ERRNO(alloc_addr(fd, uaddr(p) + psz(), UINT32_MAX), ERANGE);
	TAP_EXPECT_ERRNO(alloc_addr(fd, uaddr(p) + SZ_4G, 1), ERANGE);
	TAP_EXPECT_ERRNO(alloc_addr(fd, psz(), 1), ERANGE);
	TAP_EXPECT_EQ(in_use(fd), 0);
	/* Exactly the last pages: fine. */
	TAP_EXPECT_OK(alloc_addr(fd, uaddr(p) + len - 2 * psz(), 2));
	TAP_EXPECT_EQ(in_use(fd), 2);
	munmap(p, len);
out:
	close(fd);
}

/* Before an address is decided, explicit addresses are arena offsets. */
static void alloc_explicit_before_mmap(void)
{
	uint64_t nr = 8, len = nr * psz(), addr;
	int fd = arena_must(0, nr, 0);
	char *p;

	if (fd < 0)
		return;
	addr = 3 * psz();
	TAP_EXPECT_EQ(alloc_at(fd, &addr, 2), 0);
	TAP_EXPECT_EQ(addr, 3 * psz());
	TAP_EXPECT_ERRNO(alloc_addr(fd, len, 1), ERANGE);
	TAP_EXPECT_ERRNO(alloc_addr(fd, 4 * psz(), 1), EBUSY);
	TAP_EXPECT_EQ(in_use(fd), 2);
	p = map_must(fd, nr);
	if (p) {
		TAP_EXPECT(page_is(page_at(p, 3), 0));
		TAP_EXPECT(page_is(page_at(p, 4), 0));
		TAP_EXPECT_EQ(in_use(fd), 2);
		/* Now offsets are outside (the mapping is above page 8). */
		if (uaddr(p) > len)
			TAP_EXPECT_ERRNO(alloc_addr(fd, 5 * psz(), 1), ERANGE);
		munmap(p, len);
	}
	close(fd);
}

static void alloc_ebusy(void)
{
	uint64_t nr = 8;
	int fd = arena_must(0, nr, 0);
	char *p = map_must(fd, nr);

	if (!p)
		goto out;
	TAP_EXPECT_OK(alloc_addr(fd, uaddr(page_at(p, 2)), 2));
	memset(page_at(p, 2), 0x77, 2 * psz());
	page_at(p, 6)[0] = 1;			/* present by fault */
	TAP_EXPECT_EQ(in_use(fd), 3);
	TAP_EXPECT_ERRNO(alloc_addr(fd, uaddr(page_at(p, 2)), 1), EBUSY);
	TAP_EXPECT_ERRNO(alloc_addr(fd, uaddr(page_at(p, 3)), 1), EBUSY);
	TAP_EXPECT_ERRNO(alloc_addr(fd, uaddr(page_at(p, 1)), 2), EBUSY);
	TAP_EXPECT_ERRNO(alloc_addr(fd, uaddr(page_at(p, 0)), 8), EBUSY);
	TAP_EXPECT_ERRNO(alloc_addr(fd, uaddr(page_at(p, 6)), 1), EBUSY);
	TAP_EXPECT_ERRNO(alloc_addr(fd, uaddr(page_at(p, 4)), 3), EBUSY);
	/* Nothing half-made, nothing overwritten. */
	TAP_EXPECT_EQ(in_use(fd), 3);
	TAP_EXPECT(page_is(page_at(p, 2), 0x77));
	TAP_EXPECT(page_is(page_at(p, 3), 0x77));
	TAP_EXPECT_EQ(in_use(fd), 3);
	/* The gap between them is free. */
	TAP_EXPECT_OK(alloc_addr(fd, uaddr(page_at(p, 4)), 2));
	TAP_EXPECT_EQ(in_use(fd), 5);
	munmap(p, nr * psz());
out:
	close(fd);
}

static void alloc_enomem(void)
{
	uint64_t nr = 16, addr, i;
	int fd = arena_must(0, nr, 0);
	char *p = map_must(fd, nr);

	if (!p)
		goto out;
	addr = 0;
	TAP_EXPECT_ERRNO(alloc_at(fd, &addr, nr + 1), ENOMEM);
	TAP_EXPECT_ERRNO(alloc_at(fd, &addr, UINT32_MAX), ENOMEM);
	TAP_EXPECT_OK(alloc_addr(fd, uaddr(page_at(p, 4)), 1));
	TAP_EXPECT_OK(alloc_addr(fd, uaddr(page_at(p, 10)), 1));
	/* 14 free pages, but at most 5 in a row. */
	TAP_EXPECT_ERRNO(alloc_at(fd, &addr, 15), ENOMEM);
	TAP_EXPECT_ERRNO(alloc_at(fd, &addr, 6), ENOMEM);
	TAP_EXPECT_EQ(in_use(fd), 2);
	TAP_EXPECT_EQ(alloc_at(fd, &addr, 5), 0);
	TAP_EXPECT_EQ(addr, uaddr(page_at(p, 5)));
	/* Fill it up, one page at a time. */
	for (i = 0; i < nr - 7; i++) {
		addr = 0;
		TAP_EXPECT_EQ(alloc_at(fd, &addr, 1), 0);
	}
	TAP_EXPECT_EQ(in_use(fd), nr);
	addr = 0;
	TAP_EXPECT_ERRNO(alloc_at(fd, &addr, 1), ENOMEM);
	TAP_EXPECT_EQ(in_use(fd), nr);
	/* One freed page is the one given next. */
	TAP_EXPECT_OK(free_at(fd, uaddr(page_at(p, 9)), 1));
	addr = 0;
	TAP_EXPECT_EQ(alloc_at(fd, &addr, 1), 0);
	TAP_EXPECT_EQ(addr, uaddr(page_at(p, 9)));
	munmap(p, nr * psz());
out:
	close(fd);
}

static void alloc_fill_whole_arena(void)
{
	uint64_t nr = 32, addr = 0;
	int fd = arena_must(0, nr, 0);
	char *p;

	if (fd < 0)
		return;
	TAP_EXPECT_EQ(alloc_at(fd, &addr, nr), 0);
	TAP_EXPECT_EQ(addr, 0);
	TAP_EXPECT_EQ(in_use(fd), nr);
	addr = 0;
	TAP_EXPECT_ERRNO(alloc_at(fd, &addr, 1), ENOMEM);
	p = map_must(fd, nr);
	if (p) {
		addr = 0;
		TAP_EXPECT_ERRNO(alloc_at(fd, &addr, 1), ENOMEM);
		TAP_EXPECT(page_is(page_at(p, nr - 1), 0));
		TAP_EXPECT_EQ(in_use(fd), nr);
		munmap(p, nr * psz());
	}
	close(fd);
}

/* What one mapping writes into allocated pages, every mapping sees. */
static void alloc_visible_through_mapping(void)
{
	uint64_t nr = 8, len = nr * psz(), addr = 0;
	int fd = arena_must(0, nr, 0);
	char *p = map_must(fd, nr), *q;

	if (!p)
		goto out;
	TAP_EXPECT_EQ(alloc_at(fd, &addr, 3), 0);
	q = (char *)(uintptr_t)addr;
	TAP_EXPECT_EQ(in_use(fd), 3);
	memset(q, 0xab, 3 * psz());
	TAP_EXPECT_EQ(in_use(fd), 3);
	munmap(p, len);
	p = map_must(fd, nr);
	TAP_EXPECT_EQ(uaddr(p), addr);
	if (p) {
		TAP_EXPECT(page_is(p, 0xab));
		TAP_EXPECT(page_is(page_at(p, 2), 0xab));
		TAP_EXPECT(page_is(page_at(p, 3), 0));
		TAP_EXPECT_EQ(in_use(fd), 4);
		munmap(p, len);
	}
out:
	close(fd);
}

static void free_zaps_mapping(void)
{
	uint64_t nr = 8, len = nr * psz();
	int fd = arena_must(0, nr, 0);
	char *p = map_must(fd, nr);

	if (!p)
		goto out;
	memset(p, 0x99, len);
	TAP_EXPECT_EQ(in_use(fd), nr);
	TAP_EXPECT_OK(free_at(fd, uaddr(page_at(p, 2)), 3));
	TAP_EXPECT_EQ(in_use(fd), nr - 3);
	/* The old data is gone: a fresh zero page each. */
	TAP_EXPECT(page_is(page_at(p, 3), 0));
	TAP_EXPECT_EQ(in_use(fd), nr - 2);
	TAP_EXPECT(page_is(page_at(p, 2), 0));
	TAP_EXPECT(page_is(page_at(p, 4), 0));
	TAP_EXPECT_EQ(in_use(fd), nr);
	TAP_EXPECT(page_is(page_at(p, 1), 0x99));
	TAP_EXPECT(page_is(page_at(p, 5), 0x99));
	/* A write after a free lands in a new page, not the old one. */
	TAP_EXPECT_OK(free_at(fd, uaddr(page_at(p, 7)), 1));
	page_at(p, 7)[0] = 1;
	TAP_EXPECT_EQ(page_at(p, 7)[1], 0);
	TAP_EXPECT_EQ(page_at(p, 7)[0], 1);
	/* Everything. */
	TAP_EXPECT_OK(free_at(fd, uaddr(p), nr));
	TAP_EXPECT_EQ(in_use(fd), 0);
	TAP_EXPECT(page_is(page_at(p, 5), 0));
	munmap(p, len);
out:
	close(fd);
}

static void free_absent_ok(void)
{
	uint64_t nr = 8;
	int fd = arena_must(0, nr, 0);
	char *p = map_must(fd, nr);

	if (!p)
		goto out;
	TAP_EXPECT_OK(free_at(fd, uaddr(p), nr));
	TAP_EXPECT_EQ(in_use(fd), 0);
	page_at(p, 3)[0] = 1;
	TAP_EXPECT_OK(free_at(fd, uaddr(page_at(p, 4)), 4));
	TAP_EXPECT_EQ(in_use(fd), 1);
	TAP_EXPECT_OK(free_at(fd, uaddr(p), nr));
	TAP_EXPECT_EQ(in_use(fd), 0);
	TAP_EXPECT_OK(free_at(fd, uaddr(p), nr));
	TAP_EXPECT_EQ(in_use(fd), 0);
	munmap(p, nr * psz());
out:
	close(fd);
}

static void free_bad_args(void)
{
	uint64_t nr = 8, len = nr * psz(), addr;
	int fd = arena_must(0, nr, 0);
	char *p = map_must(fd, nr);

	if (!p)
		goto out;
	memset(p, 1, len);
	TAP_EXPECT_ERRNO(free_at(fd, uaddr(p) + 1, 1), EINVAL);
	TAP_EXPECT_ERRNO(free_at(fd, uaddr(p) + psz() / 2, 1), EINVAL);
	TAP_EXPECT_ERRNO(free_at(fd, uaddr(p), 0), EINVAL);
	TAP_EXPECT_ERRNO(free_at(fd, uaddr(p) - psz(), 1), ERANGE);
	TAP_EXPECT_ERRNO(free_at(fd, uaddr(p) - psz(), 2), ERANGE);
	TAP_EXPECT_ERRNO(free_at(fd, uaddr(p) + len, 1), ERANGE);
	TAP_EXPECT_ERRNO(free_at(fd, uaddr(p) + len - psz(), 2), ERANGE);
	TAP_EXPECT_ERRNO(free_at(fd, uaddr(p), nr + 1), ERANGE);
	TAP_EXPECT_ERRNO(free_at(fd, 0, 1), ERANGE);
	addr = uaddr(p);
	TAP_EXPECT_ERRNO(pages_ioctl(fd, ARENA_IOC_FREE_PAGES, &addr, 1, -1, 1), EINVAL);
	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_FREE_PAGES, NULL), EFAULT);
	/* Nothing was freed by any of those. */
	TAP_EXPECT_EQ(in_use(fd), nr);
	TAP_EXPECT(page_is(p, 1));
	TAP_EXPECT(page_is(page_at(p, nr - 1), 1));
	munmap(p, len);
out:
	close(fd);
}

/* The ioctl argument may itself live in the arena (no lock held across). */
static void ioctl_arg_inside_arena(void)
{
	uint64_t nr = 8;
	int fd = arena_must(0, nr, 0), sfd = -1;
	char *p = map_must(fd, nr), *sp = NULL;
	struct arena_pages *req;
	struct arena_info *info;

	if (!p)
		goto out;
	/*
	 * Page 0 is absent: the kernel's copy into it (read() from a pipe)
	 * faults it in, and so do the ioctl's own copies.
	 */
	req = (struct arena_pages *)(p + 64);
	{
		struct arena_pages tmp = { .size = sizeof(tmp), .nr_pages = 2, .node = -1 };
		int pipefd[2];

		/* Put it there with the kernel's copy, not a user store. */
		TAP_EXPECT_OK(pipe(pipefd));
		TAP_EXPECT_EQ(write(pipefd[1], &tmp, sizeof(tmp)), sizeof(tmp));
		TAP_EXPECT_EQ(read(pipefd[0], req, sizeof(tmp)), sizeof(tmp));
		close(pipefd[0]);
		close(pipefd[1]);
	}
	TAP_EXPECT_OK(ioctl(fd, ARENA_IOC_ALLOC_PAGES, req));
	TAP_EXPECT_EQ(req->addr, uaddr(page_at(p, 1)));
	TAP_EXPECT_EQ(in_use(fd), 3);
	/* An INFO result written into an absent page. */
	info = (struct arena_info *)page_at(p, 5);
	{
		struct arena_info tmp = { .size = sizeof(tmp) };
		int pipefd[2];

		TAP_EXPECT_OK(pipe(pipefd));
		TAP_EXPECT_EQ(write(pipefd[1], &tmp, sizeof(tmp)), sizeof(tmp));
		TAP_EXPECT_EQ(read(pipefd[0], info, sizeof(tmp)), sizeof(tmp));
		close(pipefd[0]);
		close(pipefd[1]);
	}
	TAP_EXPECT_OK(ioctl(fd, ARENA_IOC_INFO, info));
	TAP_EXPECT_EQ(info->pages_in_use, 4);
	TAP_EXPECT_EQ(info->user_addr, uaddr(p));

	/* In an absent page of a SEGV_ON_FAULT arena: EFAULT, no page made. */
	sfd = arena_must(ARENA_F_SEGV_ON_FAULT, 4, 0);
	sp = map_must(sfd, 4);
	if (sp) {
		TAP_EXPECT_ERRNO(ioctl(sfd, ARENA_IOC_ALLOC_PAGES, sp + 8), EFAULT);
		TAP_EXPECT_ERRNO(ioctl(sfd, ARENA_IOC_INFO, page_at(sp, 2)), EFAULT);
		TAP_EXPECT_EQ(in_use(sfd), 0);
		munmap(sp, 4 * psz());
	}
	munmap(p, nr * psz());
out:
	if (sfd >= 0)
		close(sfd);
	close(fd);
}

/* An ALLOC whose result cannot be written back leaves nothing behind. */
static void alloc_result_unwritable_undone(void)
{
	uint64_t nr = 8;
	int fd = arena_must(ARENA_F_SEGV_ON_FAULT, nr, 0);
	char *p = map_must(fd, nr);
	struct arena_pages *req;
	char *ro;

	ro = mmap(NULL, psz(), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!p || ro == MAP_FAILED)
		goto out;
	req = (struct arena_pages *)ro;
	*req = (struct arena_pages){ .size = sizeof(*req), .nr_pages = 3, .node = -1 };
	TAP_EXPECT_OK(mprotect(ro, psz(), PROT_READ));
	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_ALLOC_PAGES, req), EFAULT);
	TAP_EXPECT_EQ(in_use(fd), 0);
	EXPECT_SEGV(child_run(child_read_byte, p));
	/* And the same pages can be had afterwards. */
	TAP_EXPECT_OK(alloc_addr(fd, uaddr(p), 3));
	TAP_EXPECT_EQ(in_use(fd), 3);
	munmap(p, nr * psz());
out:
	if (ro != MAP_FAILED)
		munmap(ro, psz());
	close(fd);
}

/* Free memory, exactly (tests/lib/meminfo.h), or -1 after a failed check. */
static long long free_kb(void)
{
	struct meminfo m;
	const char *what;
	int err = meminfo_read(&m, &what);

	if (err) {
		tap_fail(__FILE__, __LINE__, "%s: %s", what, strerror(-err));
		return -1;
	}
	return meminfo_free_kb(&m);
}

#define MANY_ARENAS	16

/* Many small arenas live at once, each with its own pages and address. */
static void many_small_arenas(void)
{
	int fds[MANY_ARENAS], i, bad = 0;
	char *maps[MANY_ARENAS];
	long long before = free_kb(), during, after;

	for (i = 0; i < MANY_ARENAS; i++) {
		fds[i] = arena_must(0, 1, 0);
		maps[i] = fds[i] >= 0 ? map_must(fds[i], 1) : NULL;
		if (maps[i])
			maps[i][0] = i + 1;
	}
	during = free_kb();
	for (i = 0; i < MANY_ARENAS; i++) {
		if (!maps[i] || maps[i][0] != i + 1 || in_use(fds[i]) != 1)
			bad++;
		if (maps[i])
			munmap(maps[i], psz());
		close(fds[i]);
	}
	TAP_EXPECT_EQ(bad, 0);
	usleep(100000);
	after = free_kb();
	printf("# free memory: %lld kB before, %lld kB with %d one-page arenas"
	       " (%lld kB each), %lld kB after\n", before, during, MANY_ARENAS,
	       (before - during) / MANY_ARENAS, after);
	/*
	 * The 4 GiB kernel view keeps page tables only where pages are: a
	 * one-page arena costs tens of kB, not the 8 MiB a fully built view
	 * would, and closing gives it back (up to 8 emptied views are kept
	 * for reuse, a few pages each).  Generous bounds: the VM's other
	 * activity moves free memory too, but 8 MiB per arena would show.
	 */
	TAP_EXPECT((before - during) / MANY_ARENAS < 2048);
	TAP_EXPECT(after > before - 16384);
}

/* ---- sharing ---- */

struct fork_share {
	char *p;
	uint64_t len;
};

static void fork_child_sees_and_writes(void *arg)
{
	struct fork_share *s = arg;

	TAP_EXPECT(page_is(s->p, 0xc3));
	TAP_EXPECT_EQ(s->p[s->len - 1], 0x3c);
	memset(page_at(s->p, 1), 0xd4, psz());
	s->p[s->len - 2] = 0x4d;
}

static void fork_shares_pages(void)
{
	uint64_t nr = 16, len = nr * psz();
	int fd = arena_must(0, nr, 0);
	char *p = map_must(fd, nr);
	struct fork_share s = { p, len };

	if (!p)
		goto out;
	memset(p, 0xc3, psz());
	p[len - 1] = 0x3c;
	EXPECT_EXITED_0(child_run(fork_child_sees_and_writes, &s));
	TAP_EXPECT(page_is(page_at(p, 1), 0xd4));
	TAP_EXPECT_EQ(p[len - 2], 0x4d);
	TAP_EXPECT_EQ(in_use(fd), 3);
	munmap(p, len);
out:
	close(fd);
}

/* The receiving peer: gets the fd, maps it, checks what the sender said. */
static void peer_maps_same_address(int sock)
{
	struct msg m;
	char *p;
	int fd;

	if (!msg_recv(sock, &m, &fd))
		return;
	TAP_EXPECT_OK(fd);
	TAP_EXPECT_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	p = map_arena(fd, m.b, NULL, MAP_SHARED);
	TAP_EXPECT_EQ(uaddr(p), m.a);
	if (p == MAP_FAILED)
		return;
	TAP_EXPECT(page_is(p, 0xe5));
	TAP_EXPECT(page_is(page_at(p, m.b - 1), 0x5e));
	memset(page_at(p, 1), 0xf6, psz());
	m.c = uaddr(p);
	msg_send(sock, &m, -1);
	/* Wait for the sender's second write. */
	if (msg_recv(sock, &m, NULL))
		TAP_EXPECT_EQ(p[2 * psz() + 5], 0x17);
	munmap(p, m.b * psz());
	close(fd);
}

static void scm_rights_same_address(void)
{
	uint64_t nr = 32, len = nr * psz();
	struct peer peer;
	struct msg m;
	char *p;
	int fd;

	/* The peer exists before the arena: it inherits nothing. */
	if (!peer_start(&peer, peer_maps_same_address))
		return;
	fd = arena_must(0, nr, 0);
	/* Where the peer's mmap(NULL) would not go unless told by the arena. */
	p = map_arena(fd, nr, (void *)(uintptr_t)(FREE_AREA + 3 * SZ_4G), MAP_SHARED);
	TAP_EXPECT_EQ(uaddr(p), FREE_AREA + 3 * SZ_4G);
	if (p == MAP_FAILED)
		p = NULL;
	if (p) {
		memset(p, 0xe5, psz());
		memset(page_at(p, nr - 1), 0x5e, psz());
		m = (struct msg){ .a = uaddr(p), .b = nr };
		if (msg_send(peer.sock, &m, fd) && msg_recv(peer.sock, &m, NULL)) {
			TAP_EXPECT_EQ(m.c, uaddr(p));
			TAP_EXPECT(page_is(page_at(p, 1), 0xf6));
			p[2 * psz() + 5] = 0x17;
			msg_send(peer.sock, &m, -1);
		}
	}
	peer_finish(&peer);
	if (p) {
		TAP_EXPECT_EQ(in_use(fd), 4);
		munmap(p, len);
	}
	close(fd);
}

struct node {
	uint64_t next;		/* user address of the next node, 0 at the end */
	uint64_t value;
	uint64_t check;		/* the node's own address */
};

#define LIST_NODES	40

/* Builds a list of n nodes, each in pages allocated for it. */
static uint64_t list_build(int fd, int n, uint64_t seed)
{
	uint64_t head = 0, addr;
	struct node *node;
	int i;

	for (i = 0; i < n; i++) {
		addr = 0;
		if (alloc_at(fd, &addr, 1)) {
			tap_fail(__FILE__, __LINE__, "alloc node %d failed", i);
			return head;
		}
		/* Somewhere in the page other than its start. */
		node = (struct node *)(uintptr_t)(addr + ((i * 328 + seed * 8) % (psz() - 64)) / 8 * 8);
		node->value = seed * 1000 + i;
		node->check = uaddr(node);
		node->next = head;
		head = uaddr(node);
	}
	return head;
}

/* Walks a list; the number of nodes, or -1 if it is not as built. */
static int list_walk(uint64_t head, uint64_t seed, int n)
{
	int count = 0;

	while (head) {
		struct node *node = (struct node *)(uintptr_t)head;

		if (count >= n || node->check != head ||
		    node->value != seed * 1000 + (n - 1 - count)) {
			printf("# node %d at 0x%llx: value %llu check 0x%llx\n",
			       count, (unsigned long long)head,
			       (unsigned long long)node->value,
			       (unsigned long long)node->check);
			return -1;
		}
		head = node->next;
		count++;
	}
	return count;
}

static void peer_walks_and_builds(int sock)
{
	struct msg m;
	char *p;
	int fd;

	if (!msg_recv(sock, &m, &fd))
		return;
	p = map_arena(fd, m.b, NULL, MAP_SHARED);
	TAP_EXPECT_EQ(uaddr(p), m.a);
	if (p == MAP_FAILED)
		return;
	TAP_EXPECT_EQ(list_walk(m.c, 1, LIST_NODES), LIST_NODES);
	/* And one of its own, with its own fd, for the sender to walk. */
	m.c = list_build(fd, LIST_NODES, 2);
	msg_send(sock, &m, -1);
	msg_recv(sock, &m, NULL);
	munmap(p, m.b * psz());
	close(fd);
}

static void linked_list_across_processes(void)
{
	uint64_t nr = 2 * LIST_NODES + 8, len = nr * psz();
	struct peer peer;
	struct msg m;
	char *p;
	int fd;

	if (!peer_start(&peer, peer_walks_and_builds))
		return;
	fd = arena_must(0, nr, 0);
	p = map_must(fd, nr);
	if (p) {
		m = (struct msg){ .a = uaddr(p), .b = nr };
		m.c = list_build(fd, LIST_NODES, 1);
		TAP_EXPECT_EQ(list_walk(m.c, 1, LIST_NODES), LIST_NODES);
		if (msg_send(peer.sock, &m, fd) && msg_recv(peer.sock, &m, NULL)) {
			TAP_EXPECT_EQ(list_walk(m.c, 2, LIST_NODES), LIST_NODES);
			TAP_EXPECT_EQ(in_use(fd), 2 * LIST_NODES);
			msg_send(peer.sock, &m, -1);
		}
	}
	peer_finish(&peer);
	if (p)
		munmap(p, len);
	close(fd);
}

/* Process B of free_while_peer_maps(). */
static void peer_reads_freed_page(int sock)
{
	struct msg m;
	char *p, *page;
	int fd;

	if (!msg_recv(sock, &m, &fd))
		return;
	p = map_arena(fd, m.b, NULL, MAP_SHARED);
	TAP_EXPECT_EQ(uaddr(p), m.a);
	if (p == MAP_FAILED)
		return;
	/* The fd is not needed any more: the mapping is enough. */
	close(fd);
	page = page_at(p, 3);
	TAP_EXPECT(page_is(page, 0xa1));
	msg_send(sock, &m, -1);
	/* A has freed it now. */
	if (!msg_recv(sock, &m, NULL))
		return;
	TAP_EXPECT(page_is(page, 0));
	page[10] = 0x42;
	msg_send(sock, &m, -1);
	msg_recv(sock, &m, NULL);
	munmap(p, m.b * psz());
}

static void free_while_peer_maps(void)
{
	uint64_t nr = 8, len = nr * psz();
	struct peer peer;
	struct msg m;
	char *p;
	int fd;

	if (!peer_start(&peer, peer_reads_freed_page))
		return;
	fd = arena_must(0, nr, 0);
	p = map_must(fd, nr);
	if (p) {
		memset(page_at(p, 3), 0xa1, psz());
		m = (struct msg){ .a = uaddr(p), .b = nr };
		if (msg_send(peer.sock, &m, fd) && msg_recv(peer.sock, &m, NULL)) {
			TAP_EXPECT_EQ(in_use(fd), 1);
			TAP_EXPECT_OK(free_at(fd, uaddr(page_at(p, 3)), 1));
			TAP_EXPECT_EQ(in_use(fd), 0);
			msg_send(peer.sock, &m, -1);
			if (msg_recv(peer.sock, &m, NULL)) {
				/* B's fault made the new page, shared with A. */
				TAP_EXPECT_EQ(in_use(fd), 1);
				TAP_EXPECT_EQ(page_at(p, 3)[10], 0x42);
				TAP_EXPECT_EQ(page_at(p, 3)[0], 0);
				TAP_EXPECT_EQ(in_use(fd), 1);
			}
			msg_send(peer.sock, &m, -1);
		}
	}
	peer_finish(&peer);
	if (p)
		munmap(p, len);
	close(fd);
}

/* The same with a child that inherited the PTEs at fork. */
struct forked_free {
	char *page;
	int to_child[2], to_parent[2];
};

static void forked_child_reads_freed(void *arg)
{
	struct forked_free *f = arg;
	char c;

	TAP_EXPECT(page_is(f->page, 0xb2));
	TAP_EXPECT_EQ(write(f->to_parent[1], "r", 1), 1);
	TAP_EXPECT_EQ(read(f->to_child[0], &c, 1), 1);
	TAP_EXPECT(page_is(f->page, 0));
}

static void free_while_forked_child_maps(void)
{
	uint64_t nr = 4;
	int fd = arena_must(0, nr, 0);
	char *p = map_must(fd, nr);
	struct forked_free f;
	char c;
	pid_t pid;
	int status = -1;

	if (!p || pipe(f.to_child) || pipe(f.to_parent))
		goto out;
	f.page = page_at(p, 1);
	memset(f.page, 0xb2, psz());
	pid = fork();
	if (pid == 0) {
		tap_failures = 0;
		forked_child_reads_freed(&f);
		_exit(tap_failures ? 1 : 0);
	}
	TAP_EXPECT_EQ(read(f.to_parent[0], &c, 1), 1);
	TAP_EXPECT_OK(free_at(fd, uaddr(f.page), 1));
	TAP_EXPECT_EQ(write(f.to_child[1], "f", 1), 1);
	waitpid(pid, &status, 0);
	EXPECT_EXITED_0(status);
	TAP_EXPECT_EQ(in_use(fd), 1);
	TAP_EXPECT(page_is(f.page, 0));
	close(f.to_child[0]);
	close(f.to_child[1]);
	close(f.to_parent[0]);
	close(f.to_parent[1]);
	munmap(p, nr * psz());
out:
	close(fd);
}

/* ---- lifetime ---- */

static void child_checks_inherited(void *arg)
{
	char *p = arg;

	TAP_EXPECT(page_is(p, 0x21));
	p[psz()] = 0x12;
}

static void close_fd_while_mapped(void)
{
	long long base = read_sysfs(REFCNT_PATH);
	uint64_t nr = 8, len = nr * psz();
	int fd = arena_must(0, nr, 0);
	char *p = map_must(fd, nr);

	if (!p) {
		close(fd);
		return;
	}
	TAP_EXPECT_EQ(read_sysfs(REFCNT_PATH), base + 1);
	memset(p, 0x21, psz());
	TAP_EXPECT_OK(close(fd));
	/* The mapping holds the arena, and the module. */
	TAP_EXPECT_EQ(read_sysfs(REFCNT_PATH), base + 1);
	TAP_EXPECT(page_is(p, 0x21));
	memset(page_at(p, 2), 0x31, psz());
	TAP_EXPECT(page_is(page_at(p, 2), 0x31));
	TAP_EXPECT(page_is(page_at(p, 5), 0));
	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_INFO, &(struct arena_info){ .size = 32 }), EBADF);
	EXPECT_EXITED_0(child_run(child_checks_inherited, p));
	TAP_EXPECT_EQ(p[psz()], 0x12);
	TAP_EXPECT_EQ(read_sysfs(REFCNT_PATH), base + 1);
	TAP_EXPECT_OK(munmap(p, len));
	TAP_EXPECT_EQ(read_sysfs(REFCNT_PATH), base);
}

/*
 * With the cap at nr pages, only a released arena makes room for a new
 * one's pages: munmap after close frees every page.
 */
static void release_frees_pages(void)
{
	uint64_t nr = 16, addr;
	int fd = arena_must(0, nr, 0), fd2 = -1;
	char *p = map_must(fd, nr);

	if (!p)
		goto out;
	memset(p, 1, nr * psz());
	TAP_EXPECT_EQ(in_use(fd), nr);
	TAP_EXPECT_OK(write_sysfs(MAX_PAGES_PATH, nr));
	TAP_EXPECT_EQ(read_sysfs(MAX_PAGES_PATH), nr);
	fd2 = arena_must(0, nr, 0);
	addr = 0;
	TAP_EXPECT_ERRNO(alloc_at(fd2, &addr, 1), ENOMEM);
	close(fd);
	fd = -1;
	/* Still mapped: still held. */
	TAP_EXPECT_ERRNO(alloc_at(fd2, &addr, 1), ENOMEM);
	munmap(p, nr * psz());
	TAP_EXPECT_EQ(alloc_at(fd2, &addr, nr), 0);
	TAP_EXPECT_EQ(in_use(fd2), nr);
out:
	TAP_EXPECT_OK(write_sysfs(MAX_PAGES_PATH, 0));
	if (fd >= 0)
		close(fd);
	if (fd2 >= 0)
		close(fd2);
}

struct fd_map {
	int fd;
	char *p;
};

static void child_maps_and_exits(void *arg)
{
	struct fd_map *m = arg;
	char *p;

	/* Its own mapping, in place of the inherited one. */
	TAP_EXPECT_OK(munmap(m->p, 4 * psz()));
	p = map_arena(m->fd, 4, NULL, MAP_SHARED);
	TAP_EXPECT_EQ(uaddr(p), uaddr(m->p));
	if (p != MAP_FAILED)
		p[0] = 1;
	/* Exits with the mapping and the fd still there. */
}

static void refcnt_back_to_baseline(void)
{
	long long base = read_sysfs(REFCNT_PATH);
	int fds[4], i;
	char *maps[4];

	for (i = 0; i < 4; i++) {
		fds[i] = arena_must(i % 2 ? ARENA_F_SEGV_ON_FAULT : 0, 4, 0);
		maps[i] = map_must(fds[i], 4);
	}
	TAP_EXPECT_EQ(read_sysfs(REFCNT_PATH), base + 4);
	if (maps[0]) {
		struct fd_map m = { fds[0], maps[0] };

		EXPECT_EXITED_0(child_run(child_maps_and_exits, &m));
		TAP_EXPECT_EQ(maps[0][0], 1);
	}
	TAP_EXPECT_EQ(read_sysfs(REFCNT_PATH), base + 4);
	for (i = 0; i < 4; i++) {
		/* Some unmapped first, some closed first. */
		if (i % 2) {
			close(fds[i]);
			if (maps[i])
				munmap(maps[i], 4 * psz());
		} else {
			if (maps[i])
				munmap(maps[i], 4 * psz());
			close(fds[i]);
		}
	}
	TAP_EXPECT_EQ(read_sysfs(REFCNT_PATH), base);
}

/* An arena fd that reached an unprivileged process still works there. */
static void child_unprivileged_uses_fd(void *arg)
{
	int fd = *(int *)arg;
	uint64_t addr = 0;
	struct arena_info info;
	char *p;

	if (setgid(65534) || setuid(65534)) {
		tap_fail(__FILE__, __LINE__, "setuid: %s", strerror(errno));
		return;
	}
	TAP_EXPECT_ERRNO(open(ARENA_DEVICE_PATH, O_RDWR), EACCES);
	TAP_EXPECT_OK(info_get(fd, &info));
	TAP_EXPECT_EQ(info.nr_pages, 4);
	p = map_arena(fd, 4, NULL, MAP_SHARED);
	TAP_EXPECT(p != MAP_FAILED);
	TAP_EXPECT_EQ(alloc_at(fd, &addr, 1), 0);
	if (p != MAP_FAILED) {
		TAP_EXPECT_EQ(addr, uaddr(p));
		p[0] = 0x71;
	}
}

static void unprivileged_fd_usable(void)
{
	int fd = arena_must(0, 4, 0);
	char *p;

	EXPECT_EXITED_0(child_run(child_unprivileged_uses_fd, &fd));
	p = map_must(fd, 4);
	if (p) {
		TAP_EXPECT_EQ(p[0], 0x71);
		TAP_EXPECT_EQ(in_use(fd), 1);
		munmap(p, 4 * psz());
	}
	close(fd);
}

/* ---- ARENA_IOC_PAGES_PRESENT ---- */

#define PRESENT_PAGES	2000	/* several of the module's runs of pages */

/*
 * The bits of an odd range against what ALLOC, FREE and user faults did,
 * run boundaries included; the query changes nothing: pages_in_use stays,
 * no page appears, and the bits past the range in the last byte are 0.
 */
static void pages_present_matches(void)
{
	static const uint64_t allocated[] = { 3, 510, 511, 512, 513, 514, 1023, 1024, 1999 };
	static const uint64_t faulted[] = { 700, 1500 };
	unsigned char bitmap[PRESENT_PAGES / 8 + 2], want[PRESENT_PAGES];
	int fd = arena_must(0, PRESENT_PAGES, 0);
	uint64_t i, nr_present = 0, before;
	char *p = fd < 0 ? NULL : map_must(fd, PRESENT_PAGES);

	if (!p)
		goto out;
	memset(want, 0, sizeof(want));
	for (i = 0; i < sizeof(allocated) / sizeof(allocated[0]); i++) {
		TAP_EXPECT_OK(alloc_addr(fd, uaddr(page_at(p, allocated[i])), 1));
		want[allocated[i]] = 1;
	}
	for (i = 0; i < sizeof(faulted) / sizeof(faulted[0]); i++) {
		*page_at(p, faulted[i]) = 1;
		want[faulted[i]] = 1;
	}
	TAP_EXPECT_OK(free_at(fd, uaddr(page_at(p, 512)), 2));
	want[512] = want[513] = 0;
	before = in_use(fd);
	TAP_EXPECT_EQ(before, 9);

	/* Pages 1 .. 1999: 1999 bits, the last byte has 7 of them. */
	memset(bitmap, 0xff, sizeof(bitmap));
	TAP_EXPECT_OK(present_get(fd, 1, PRESENT_PAGES - 1, bitmap, &nr_present));
	TAP_EXPECT_EQ(nr_present, before);
	for (i = 1; i < PRESENT_PAGES; i++)
		if (bit_is_set(bitmap, i - 1) != want[i])
			tap_fail(__FILE__, __LINE__, "page %llu: bit %d", (unsigned long long)i,
				 !want[i]);
	TAP_EXPECT_EQ(bitmap[(PRESENT_PAGES - 1) / 8] & 0x80, 0);
	TAP_EXPECT_EQ(bitmap[PRESENT_PAGES / 8], 0xff);
	TAP_EXPECT_EQ(in_use(fd), before);

	/* Across a run boundary, from an odd page: 511, 512 (freed), 513 (freed), 514. */
	memset(bitmap, 0xff, sizeof(bitmap));
	TAP_EXPECT_OK(present_get(fd, 511, 4, bitmap, &nr_present));
	TAP_EXPECT_EQ(bitmap[0], 0x09);
	TAP_EXPECT_EQ(nr_present, 2);
	TAP_EXPECT_EQ(bitmap[1], 0xff);
	/* Absent pages stay absent: ALLOC there still succeeds. */
	TAP_EXPECT_OK(alloc_addr(fd, uaddr(page_at(p, 512)), 2));
	TAP_EXPECT_EQ(in_use(fd), before + 2);
	munmap(p, PRESENT_PAGES * psz());
out:
	close(fd);
}

/* Before any mapping, pages are counted from the arena's start all the same. */
static void pages_present_before_mmap(void)
{
	int fd = arena_must(0, 16, 0);
	uint64_t addr = 0, nr_present = 0;
	unsigned char bitmap[2] = { 0 };

	TAP_EXPECT_OK(alloc_at(fd, &addr, 3));
	TAP_EXPECT_OK(alloc_addr(fd, 9 * psz(), 1));
	TAP_EXPECT_OK(present_get(fd, 0, 16, bitmap, &nr_present));
	TAP_EXPECT_EQ(bitmap[0], 0x07);
	TAP_EXPECT_EQ(bitmap[1], 0x02);
	TAP_EXPECT_EQ(nr_present, 4);
	close(fd);
}

static void pages_present_arg_rules(void)
{
	unsigned char buf[sizeof(struct arena_pages_present) + 16] = { 0 };
	struct arena_pages_present req;
	unsigned char bitmap[8];
	int fd = arena_must(0, 40, 0);
	uint64_t n;
	void *ro;

	TAP_EXPECT_ERRNO(present_get(fd, 0, 0, bitmap, &n), EINVAL);
	TAP_EXPECT_ERRNO(present_get(fd, 40, 1, bitmap, &n), ERANGE);
	TAP_EXPECT_ERRNO(present_get(fd, 39, 2, bitmap, &n), ERANGE);
	TAP_EXPECT_ERRNO(present_get(fd, 1, UINT64_MAX, bitmap, &n), ERANGE);
	TAP_EXPECT_ERRNO(present_get(fd, UINT64_MAX, 2, bitmap, &n), ERANGE);
	TAP_EXPECT_ERRNO(present_get(fd, 0, 40, NULL, &n), EFAULT);
	ro = mmap(NULL, psz(), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TAP_EXPECT(ro != MAP_FAILED);
	if (ro != MAP_FAILED) {
		TAP_EXPECT_ERRNO(present_get(fd, 0, 40, ro, &n), EFAULT);
		munmap(ro, psz());
	}

	req = (struct arena_pages_present){ .size = sizeof(req), .flags = 1, .nr_pages = 1,
					    .bitmap = (uintptr_t)bitmap };
	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_PAGES_PRESENT, &req), EINVAL);
	req.flags = 0;
	req.size = ARENA_PAGES_PRESENT_SIZE_VER0 - 1;
	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_PAGES_PRESENT, &req), EINVAL);
	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_PAGES_PRESENT, NULL), EFAULT);
	/* A newer caller's larger structure: only a zero tail will do. */
	req.size = sizeof(buf);
	memcpy(buf, &req, sizeof(req));
	TAP_EXPECT_OK(ioctl(fd, ARENA_IOC_PAGES_PRESENT, buf));
	/* That wrote back the size the module knows: ask again with the tail. */
	memcpy(buf, &req, sizeof(req));
	buf[sizeof(buf) - 1] = 1;
	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_PAGES_PRESENT, buf), E2BIG);
	TAP_EXPECT_EQ(in_use(fd), 0);
	close(fd);
}

/*
 * A bitmap inside the arena's own mapping: the module writes it with the
 * arena's lock dropped, so the write's fault makes the page as any user
 * write would (and, with SEGV_ON_FAULT, the write fails with EFAULT).
 */
static void pages_present_bitmap_in_arena(void)
{
	int fd = arena_must(0, 8, 0), segv = arena_must(ARENA_F_SEGV_ON_FAULT, 8, 0);
	char *p = map_must(fd, 8), *q = map_must(segv, 8);
	uint64_t nr_present = 0;

	if (!p || !q)
		goto out;
	TAP_EXPECT_OK(alloc_addr(fd, uaddr(page_at(p, 1)), 1));
	TAP_EXPECT_OK(present_get(fd, 0, 8, page_at(p, 5), &nr_present));
	TAP_EXPECT_EQ(nr_present, 1);
	TAP_EXPECT_EQ((unsigned char)*page_at(p, 5), 0x02);
	TAP_EXPECT_EQ(in_use(fd), 2);
	TAP_EXPECT_ERRNO(present_get(segv, 0, 8, page_at(q, 5), &nr_present), EFAULT);
	TAP_EXPECT_EQ(in_use(segv), 0);
out:
	if (p)
		munmap(p, 8 * psz());
	if (q)
		munmap(q, 8 * psz());
	close(fd);
	close(segv);
}

/*
 * The largest query, a whole 4 GiB arena: many runs of the module's, the
 * last page's bit at the bitmap's end, and how long it takes.
 */
static void pages_present_whole_4gib(void)
{
	uint64_t nr = max_nr_pages(), nr_present = 0;
	int fd = arena_must(0, nr, 0);
	unsigned char *bitmap = calloc(nr / 8, 1);
	struct timespec t0, t1;

	if (fd < 0 || !bitmap)
		goto out;
	TAP_EXPECT_OK(alloc_addr(fd, (nr - 1) * psz(), 1));
	TAP_EXPECT_OK(alloc_addr(fd, 1000 * psz(), 1));
	clock_gettime(CLOCK_MONOTONIC, &t0);
	TAP_EXPECT_OK(present_get(fd, 0, nr, bitmap, &nr_present));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	TAP_EXPECT_EQ(nr_present, 2);
	TAP_EXPECT(bit_is_set(bitmap, nr - 1));
	TAP_EXPECT(bit_is_set(bitmap, 1000));
	printf("# %llu pages' presence in %.3f ms\n", (unsigned long long)nr,
	       (t1.tv_sec - t0.tv_sec) * 1e3 + (t1.tv_nsec - t0.tv_nsec) / 1e6);
out:
	free(bitmap);
	close(fd);
}

/* Reading presence needs the fd only: nobody, without /dev/arena, may. */
static void child_unprivileged_queries(void *arg)
{
	int fd = *(int *)arg;
	unsigned char bitmap[1] = { 0 };
	uint64_t nr_present = 0;

	if (setgid(65534) || setuid(65534)) {
		tap_fail(__FILE__, __LINE__, "setuid: %s", strerror(errno));
		return;
	}
	TAP_EXPECT_OK(present_get(fd, 1, 3, bitmap, &nr_present));
	TAP_EXPECT_EQ(bitmap[0], 0x04);
	TAP_EXPECT_EQ(nr_present, 1);
}

static void pages_present_unprivileged(void)
{
	int fd = arena_must(0, 4, 0);

	TAP_EXPECT_OK(alloc_addr(fd, 3 * psz(), 1));
	EXPECT_EXITED_0(child_run(child_unprivileged_queries, &fd));
	TAP_EXPECT_EQ(in_use(fd), 1);
	close(fd);
}

/* ---- the max_pages cap ---- */

static void max_pages_cap(void)
{
	uint64_t nr = 64, n = 8, base, addr;
	int fd = arena_must(0, nr, 0);
	char *p = map_must(fd, nr);

	if (!p)
		goto out;
	TAP_EXPECT_EQ(read_sysfs(MAX_PAGES_PATH), 0);
	memset(p, 1, 4 * psz());
	base = in_use(fd);
	TAP_EXPECT_EQ(base, 4);
	/* Other arenas are all gone: this one's pages are the total. */
	TAP_EXPECT_OK(write_sysfs(MAX_PAGES_PATH, base + n));
	addr = 0;
	TAP_EXPECT_ERRNO(alloc_at(fd, &addr, n + 1), ENOMEM);
	TAP_EXPECT_ERRNO(alloc_addr(fd, uaddr(page_at(p, 10)), n + 1), ENOMEM);
	TAP_EXPECT_EQ(in_use(fd), base);
	TAP_EXPECT(page_is(page_at(p, 10), 0));	/* one fault: fits */
	TAP_EXPECT_EQ(in_use(fd), base + 1);
	TAP_EXPECT_OK(free_at(fd, uaddr(page_at(p, 10)), 1));
	addr = 0;
	TAP_EXPECT_EQ(alloc_at(fd, &addr, n), 0);
	TAP_EXPECT_EQ(in_use(fd), base + n);
	/* Full: one more page, by ioctl or by fault, is refused. */
	addr = 0;
	TAP_EXPECT_ERRNO(alloc_at(fd, &addr, 1), ENOMEM);
	EXPECT_SEGV(child_run(child_read_byte, page_at(p, nr - 1)));
	EXPECT_SEGV(child_run(child_write_byte, page_at(p, nr - 2)));
	TAP_EXPECT_EQ(in_use(fd), base + n);
	/* Present pages still work. */
	EXPECT_EXITED_0(child_run(child_write_byte, page_at(p, 1)));
	/* A second arena shares the same cap. */
	{
		int fd2 = arena_must(0, 4, 0);

		addr = 0;
		TAP_EXPECT_ERRNO(alloc_at(fd2, &addr, 1), ENOMEM);
		TAP_EXPECT_OK(free_at(fd, uaddr(p), 1));
		addr = 0;
		TAP_EXPECT_EQ(alloc_at(fd2, &addr, 1), 0);
		addr = 0;
		TAP_EXPECT_ERRNO(alloc_at(fd2, &addr, 1), ENOMEM);
		close(fd2);
	}
	/* No cap: faults work again. */
	TAP_EXPECT_OK(write_sysfs(MAX_PAGES_PATH, 0));
	TAP_EXPECT(page_is(page_at(p, nr - 1), 0));
	TAP_EXPECT_EQ(in_use(fd), base + n);
	munmap(p, nr * psz());
out:
	write_sysfs(MAX_PAGES_PATH, 0);
	close(fd);
}

/* ---- races ---- */

#define RACE_THREADS	4
#define RACE_ROUNDS	200
#define RACE_PAGES	32

struct race {
	int fd;
	char *p;
	uint64_t nr;
	pthread_barrier_t barrier;
	volatile int stop;
	int errors;
};

struct race_thread {
	struct race *r;
	int id;
	uint64_t round;
};

static void *fault_race_thread(void *arg)
{
	struct race_thread *t = arg;
	struct race *r = t->r;
	uint64_t i;

	pthread_barrier_wait(&r->barrier);
	for (i = 0; i < r->nr; i++) {
		volatile uint64_t *w = (uint64_t *)page_at(r->p, i);

		w[t->id] = t->round * 16 + t->id + 1;
	}
	return NULL;
}

/* Threads faulting the same absent pages at once get one page each. */
static void race_concurrent_faults(void)
{
	struct race r = { .nr = RACE_PAGES };
	struct race_thread t[RACE_THREADS];
	pthread_t tid[RACE_THREADS];
	uint64_t round, i;
	int k, bad = 0;

	r.fd = arena_must(0, r.nr, 0);
	r.p = map_must(r.fd, r.nr);
	if (!r.p)
		goto out;
	for (round = 0; round < RACE_ROUNDS && !bad; round++) {
		pthread_barrier_init(&r.barrier, NULL, RACE_THREADS);
		for (k = 0; k < RACE_THREADS; k++) {
			t[k] = (struct race_thread){ &r, k, round };
			pthread_create(&tid[k], NULL, fault_race_thread, &t[k]);
		}
		for (k = 0; k < RACE_THREADS; k++)
			pthread_join(tid[k], NULL);
		pthread_barrier_destroy(&r.barrier);
		for (i = 0; i < r.nr; i++) {
			uint64_t *w = (uint64_t *)page_at(r.p, i);

			for (k = 0; k < RACE_THREADS; k++)
				if (w[k] != round * 16 + k + 1) {
					if (!bad++)
						printf("# round %llu page %llu word %d: %llx\n",
						       (unsigned long long)round,
						       (unsigned long long)i, k,
						       (unsigned long long)w[k]);
				}
			if (w[RACE_THREADS] != 0)
				bad++;
		}
		if (in_use(r.fd) != r.nr)
			bad++;
		TAP_EXPECT_OK(free_at(r.fd, uaddr(r.p), r.nr));
		if (in_use(r.fd) != 0)
			bad++;
	}
	TAP_EXPECT_EQ(bad, 0);
	munmap(r.p, r.nr * psz());
out:
	close(r.fd);
}

static void *access_thread(void *arg)
{
	struct race *r = arg;
	uint64_t i, v, pass = 0;

	while (!r->stop) {
		/* Now and then leave the allocator a chance to find it free. */
		if (++pass % 4 == 0)
			usleep(50);
		for (i = 0; i < r->nr; i++) {
			volatile uint64_t *w = (uint64_t *)page_at(r->p, i);

			v = w[0];
			if (v != 0 && v != PATTERN)
				r->errors++;
			if (w[1] != 0)
				r->errors++;
			w[0] = PATTERN;
		}
	}
	return NULL;
}

/* Alloc and free of a range while another thread uses it. */
static void race_alloc_free_vs_access(void)
{
	struct race r = { .nr = 16 };
	pthread_t tid;
	int round, ret, busy = 0, other = 0;
	uint64_t i;

	r.fd = arena_must(0, r.nr, 0);
	r.p = map_must(r.fd, r.nr);
	if (!r.p)
		goto out;
	pthread_create(&tid, NULL, access_thread, &r);
	for (round = 0; round < RACE_ROUNDS; round++) {
		ret = alloc_addr(r.fd, uaddr(r.p), r.nr);
		if (ret == -EBUSY)
			busy++;
		else if (ret)
			other++;
		else
			for (i = 0; i < r.nr; i += 2)
				*(volatile uint64_t *)page_at(r.p, i) = PATTERN;
		if (free_at(r.fd, uaddr(r.p), r.nr))
			other++;
		if (round % 2)
			usleep(100);
	}
	r.stop = 1;
	pthread_join(tid, NULL);
	printf("# %d of %d allocations found pages present\n", busy, RACE_ROUNDS);
	TAP_EXPECT_EQ(other, 0);
	TAP_EXPECT_EQ(r.errors, 0);
	TAP_EXPECT(in_use(r.fd) <= r.nr);
	TAP_EXPECT_OK(free_at(r.fd, uaddr(r.p), r.nr));
	TAP_EXPECT_EQ(in_use(r.fd), 0);
	for (i = 0; i < r.nr; i++)
		TAP_EXPECT(page_is(page_at(r.p, i), 0));
	munmap(r.p, r.nr * psz());
out:
	close(r.fd);
}

struct child_race {
	char *p;
	uint64_t nr;
	volatile int *stop;
};

static void child_faults_until_stopped(void *arg)
{
	struct child_race *c = arg;
	uint64_t i, v, loops = 0;
	int errors = 0;

	while (!*c->stop || loops < 10) {
		for (i = 0; i < c->nr; i++) {
			volatile uint64_t *w = (uint64_t *)page_at(c->p, i);

			v = w[3];
			if (v != 0 && v != PATTERN)
				errors++;
			w[3] = PATTERN;
			if (w[4])
				errors++;
		}
		loops++;
	}
	TAP_EXPECT_EQ(errors, 0);
	printf("# child went %llu times over the pages\n", (unsigned long long)loops);
}

/* Frees racing with another process's faults on the same pages. */
static void race_free_vs_child_faults(void)
{
	uint64_t nr = 16;
	int fd = arena_must(0, nr, 0);
	char *p = map_must(fd, nr);
	volatile int *stop;
	struct child_race c;
	pid_t pid;
	int round, status = -1, failed = 0;

	stop = mmap(NULL, psz(), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!p || stop == MAP_FAILED)
		goto out;
	*stop = 0;
	c = (struct child_race){ p, nr, stop };
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		tap_failures = 0;
		child_faults_until_stopped(&c);
		fflush(stdout);
		_exit(tap_failures ? 1 : 0);
	}
	for (round = 0; round < RACE_ROUNDS; round++) {
		if (free_at(fd, uaddr(p), nr))
			failed++;
		if (round % 4 == 0)
			free_at(fd, uaddr(page_at(p, round % nr)), 1);
		usleep(200);
	}
	*stop = 1;
	waitpid(pid, &status, 0);
	EXPECT_EXITED_0(status);
	TAP_EXPECT_EQ(failed, 0);
	TAP_EXPECT(in_use(fd) <= nr);
	/* What the child left is the pattern or nothing. */
	{
		uint64_t i, v;

		for (i = 0; i < nr; i++) {
			v = ((uint64_t *)page_at(p, i))[3];
			TAP_EXPECT(v == 0 || v == PATTERN);
		}
	}
	TAP_EXPECT_OK(free_at(fd, uaddr(p), nr));
	TAP_EXPECT_EQ(in_use(fd), 0);
	munmap(p, nr * psz());
out:
	if (stop != MAP_FAILED)
		munmap((void *)stop, psz());
	close(fd);
}

#define ALLOC_RACE_EACH	100

struct alloc_race {
	int fd;
	uint64_t addrs[ALLOC_RACE_EACH];
	int errors;
};

static void *alloc_race_thread(void *arg)
{
	struct alloc_race *a = arg;
	int i;

	for (i = 0; i < ALLOC_RACE_EACH; i++) {
		a->addrs[i] = 0;
		if (alloc_at(a->fd, &a->addrs[i], 1))
			a->errors++;
		else
			*(volatile uint64_t *)(uintptr_t)a->addrs[i] = a->addrs[i];
	}
	return NULL;
}

/* Allocations "anywhere" from two threads never hand out a page twice. */
static void race_concurrent_alloc(void)
{
	uint64_t nr = 4 * ALLOC_RACE_EACH;
	int fd = arena_must(0, nr, 0);
	char *p = map_must(fd, nr);
	struct alloc_race a[2] = { { .fd = fd }, { .fd = fd } };
	pthread_t tid[2];
	unsigned char *seen;
	int k, i, dup = 0, wrong = 0;

	if (!p)
		goto out;
	for (k = 0; k < 2; k++)
		pthread_create(&tid[k], NULL, alloc_race_thread, &a[k]);
	for (k = 0; k < 2; k++)
		pthread_join(tid[k], NULL);
	TAP_EXPECT_EQ(a[0].errors + a[1].errors, 0);
	TAP_EXPECT_EQ(in_use(fd), 2 * ALLOC_RACE_EACH);
	seen = calloc(nr, 1);
	for (k = 0; k < 2; k++)
		for (i = 0; i < ALLOC_RACE_EACH; i++) {
			uint64_t addr = a[k].addrs[i], idx = (addr - uaddr(p)) / psz();

			if (addr < uaddr(p) || idx >= nr) {
				wrong++;
				continue;
			}
			dup += seen[idx]++;
			if (*(uint64_t *)(uintptr_t)addr != addr)
				wrong++;
		}
	free(seen);
	TAP_EXPECT_EQ(dup, 0);
	TAP_EXPECT_EQ(wrong, 0);
	munmap(p, nr * psz());
out:
	close(fd);
}

static const struct tap_test tests[] = {
	{ "arena", "version-feature-arena", version_feature_arena },
	{ "arena", "create-returns-cloexec-fd", create_returns_cloexec_fd },
	{ "arena", "create-nr-pages-zero", create_nr_pages_zero },
	{ "arena", "create-nr-pages-too-big", create_nr_pages_too_big },
	{ "arena", "create-nr-pages-4gib", create_nr_pages_4gib },
	{ "arena", "create-unknown-flags", create_unknown_flags },
	{ "arena", "create-known-flags-echoed", create_known_flags_echoed },
	{ "arena", "create-user-addr-unaligned", create_user_addr_unaligned },
	{ "arena", "create-user-addr-crosses-4g", create_user_addr_crosses_4g },
	{ "arena", "create-size-too-small", create_size_too_small },
	{ "arena", "create-size-larger-zero-tail", create_size_larger_zero_tail },
	{ "arena", "create-size-larger-nonzero-tail", create_size_larger_nonzero_tail },
	{ "arena", "create-bad-pointer", create_bad_pointer },
	{ "arena", "ioctls-per-object", ioctls_per_object },
	{ "arena", "info-before-and-after-mmap", info_before_and_after_mmap },
	{ "arena", "info-fixed-user-addr", info_fixed_user_addr },
	{ "arena", "info-arg-rules", info_arg_rules },
	{ "arena", "mmap-private-rejected", mmap_private_rejected },
	{ "arena", "mmap-pgoff-rejected", mmap_pgoff_rejected },
	{ "arena", "mmap-length-mismatch", mmap_length_mismatch },
	{ "arena", "mmap-never-crosses-4g", mmap_never_crosses_4g },
	{ "arena", "mmap-fixed-undecided", mmap_fixed_undecided },
	{ "arena", "mmap-again-same-address", mmap_again_same_address },
	{ "arena", "mmap-other-address-rejected", mmap_other_address_rejected },
	{ "arena", "mmap-create-user-addr", mmap_create_user_addr },
	{ "arena", "mmap-shows-in-maps", mmap_shows_in_maps },
	{ "arena", "munmap-partial-rejected", munmap_partial_rejected },
	{ "arena", "mremap-grow-rejected", mremap_grow_rejected },
	{ "arena", "mremap-move-rejected", mremap_move_rejected },
	{ "arena", "fault-reads-zero-page", fault_reads_zero_page },
	{ "arena", "fault-write-read-back", fault_write_read_back },
	{ "arena", "madvise-dontneed-keeps-data", madvise_dontneed_keeps_data },
	{ "arena", "fault-from-syscalls", fault_from_syscalls },
	{ "arena", "segv-on-fault", segv_on_fault },
	{ "arena", "alloc-anywhere", alloc_anywhere },
	{ "arena", "alloc-anywhere-skips-present", alloc_anywhere_skips_present },
	{ "arena", "alloc-einval", alloc_einval },
	{ "arena", "alloc-args-size-rules", alloc_args_size_rules },
	{ "arena", "alloc-erange", alloc_erange },
	{ "arena", "alloc-explicit-before-mmap", alloc_explicit_before_mmap },
	{ "arena", "alloc-ebusy", alloc_ebusy },
	{ "arena", "alloc-enomem", alloc_enomem },
	{ "arena", "alloc-fill-whole-arena", alloc_fill_whole_arena },
	{ "arena", "alloc-visible-through-mapping", alloc_visible_through_mapping },
	{ "arena", "free-zaps-mapping", free_zaps_mapping },
	{ "arena", "free-absent-ok", free_absent_ok },
	{ "arena", "free-bad-args", free_bad_args },
	{ "arena", "ioctl-arg-inside-arena", ioctl_arg_inside_arena },
	{ "arena", "alloc-result-unwritable-undone", alloc_result_unwritable_undone },
	{ "arena", "many-small-arenas", many_small_arenas },
	{ "arena", "fork-shares-pages", fork_shares_pages },
	{ "arena", "scm-rights-same-address", scm_rights_same_address },
	{ "arena", "linked-list-across-processes", linked_list_across_processes },
	{ "arena", "free-while-peer-maps", free_while_peer_maps },
	{ "arena", "free-while-forked-child-maps", free_while_forked_child_maps },
	{ "arena", "close-fd-while-mapped", close_fd_while_mapped },
	{ "arena", "release-frees-pages", release_frees_pages },
	{ "arena", "refcnt-back-to-baseline", refcnt_back_to_baseline },
	{ "arena", "unprivileged-fd-usable", unprivileged_fd_usable },
	{ "arena", "pages-present-matches", pages_present_matches },
	{ "arena", "pages-present-before-mmap", pages_present_before_mmap },
	{ "arena", "pages-present-arg-rules", pages_present_arg_rules },
	{ "arena", "pages-present-bitmap-in-arena", pages_present_bitmap_in_arena },
	{ "arena", "pages-present-whole-4gib", pages_present_whole_4gib },
	{ "arena", "pages-present-unprivileged", pages_present_unprivileged },
	{ "arena", "max-pages-cap", max_pages_cap },
	{ "arena", "race-concurrent-faults", race_concurrent_faults },
	{ "arena", "race-alloc-free-vs-access", race_alloc_free_vs_access },
	{ "arena", "race-free-vs-child-faults", race_free_vs_child_faults },
	{ "arena", "race-concurrent-alloc", race_concurrent_alloc },
};

TAP_MAIN(tests)
