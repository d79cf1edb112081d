// SPDX-License-Identifier: GPL-2.0
/*
 * Our arenas against the kernel's own BPF_MAP_TYPE_ARENA (Linux 6.9+),
 * where the two overlap: creation errors, mmap errors and placement, the
 * 4 GiB rule, fault-in, the mapping's shape (munmap, mprotect, mremap) and
 * fork.  Each case does the same thing to both and checks that they agree
 * and that the answer is the expected one, so that agreeing on a wrong
 * answer still fails.
 *
 * Raw bpf(2), no libbpf.  On a kernel without BPF arenas (Debian 12's 6.1,
 * the reason this project exists) the only test is that the kernel refuses
 * to create one; on 6.9 and later a missing kernel arena is a failure.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arena_kmod.h>

#include "tap.h"

/*
 * From Linux 6.12's include/uapi/linux/bpf.h (Debian's
 * linux-headers-6.12.*-common); the 6.1 uapi headers we build with lack
 * them.  They are enumerators there, which #ifndef cannot see: with newer
 * headers these macros merely repeat the same values.
 */
#ifndef BPF_MAP_TYPE_ARENA
#define BPF_MAP_TYPE_ARENA	33		/* enum bpf_map_type */
#endif
#ifndef BPF_F_SEGV_ON_FAULT
#define BPF_F_SEGV_ON_FAULT	(1U << 17)	/* map_flags */
#endif
#ifndef BPF_F_NO_USER_CONV
#define BPF_F_NO_USER_CONV	(1U << 18)	/* map_flags */
#endif

#define SZ_1G		(1ULL << 30)
#define SZ_4G		(1ULL << 32)

/* Fixed user addresses, far from anything else in a static binary. */
#define FIXED_OURS	(0x10ULL * SZ_4G)
#define FIXED_KERN	(0x20ULL * SZ_4G)

enum side { OURS, KERN, NSIDES };

static const char *const side_name[NSIDES] = { "ours", "kernel" };

/* Creation flags, each spelt in both ABIs. */
#define CF_SEGV		(1U << 0)	/* *_SEGV_ON_FAULT */
#define CF_UNKNOWN	(1U << 1)	/* the first bit neither defines */
#define CF_BIT31	(1U << 2)	/* bit 31 */

static long page_size;

static const char *errno_name(int e)
{
	switch (e) {
	case EINVAL: return "EINVAL";
	case E2BIG: return "E2BIG";
	case ERANGE: return "ERANGE";
	case EBUSY: return "EBUSY";
	case EFAULT: return "EFAULT";
	case ENOMEM: return "ENOMEM";
	case EPERM: return "EPERM";
	case EACCES: return "EACCES";
	case ENOSYS: return "ENOSYS";
	case ENODEV: return "ENODEV";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case 524: return "ENOTSUPP";
	default: return NULL;
	}
}

/*
 * A result: 0 for success, -errno for failure, else a plain value (an
 * address, a status).  Rotating buffers, for several in one message.
 */
static const char *fmt(long v)
{
	static char bufs[8][48];
	static int next;
	char *buf = bufs[next++ % 8];

	if (v < 0 && v > -4096) {
		const char *name = errno_name(-v);

		if (name)
			snprintf(buf, sizeof(bufs[0]), "%s (%ld)", name, v);
		else
			snprintf(buf, sizeof(bufs[0]), "errno %ld", -v);
	} else if (v == 0) {
		snprintf(buf, sizeof(bufs[0]), "0 (success)");
	} else {
		snprintf(buf, sizeof(bufs[0]), "%ld (%#lx)", v, (unsigned long)v);
	}
	return buf;
}

/*
 * Both sides' results of one case: they must agree, and each must be the
 * expected value.  Every mismatch is its own TAP comment.
 */
static void expect_both(const char *file, int line, const char *what,
			const long res[NSIDES], long expected)
{
	int s;

	if (res[OURS] != res[KERN])
		tap_fail(file, line, "%s: ours and the kernel's differ: ours %s, kernel %s",
			 what, fmt(res[OURS]), fmt(res[KERN]));
	for (s = 0; s < NSIDES; s++)
		if (res[s] != expected)
			tap_fail(file, line, "%s: %s: expected %s, seen %s", what,
				 side_name[s], fmt(expected), fmt(res[s]));
}

#define EXPECT_BOTH(res, expected, what)					\
	expect_both(__FILE__, __LINE__, what, res, expected)

/*
 * A case where ours differs from the kernel's on purpose (docs/api.md,
 * "Differences from BPF arenas"): each side must give its own answer.
 */
static void expect_each(const char *file, int line, const char *what,
			const long res[NSIDES], const long expected[NSIDES])
{
	int s;

	for (s = 0; s < NSIDES; s++)
		if (res[s] != expected[s])
			tap_fail(file, line, "%s: %s: expected %s, seen %s", what,
				 side_name[s], fmt(expected[s]), fmt(res[s]));
}

#define EXPECT_EACH(res, ours, kern, what)					\
	expect_each(__FILE__, __LINE__, what, res, (const long[NSIDES]){ ours, kern })

/* An arena of ours: its fd, or -errno. */
static int create_ours(uint64_t pages, unsigned int cf, uint64_t addr)
{
	struct arena_create req = {
		.size = sizeof(req),
		.nr_pages = pages,
		.user_addr = addr,
	};
	int dev, fd;

	if (cf & CF_SEGV)
		req.flags |= ARENA_F_SEGV_ON_FAULT;
	if (cf & CF_UNKNOWN)
		req.flags |= ARENA_F_NO_USER_CONV << 1;
	if (cf & CF_BIT31)
		req.flags |= 1U << 31;
	dev = open(ARENA_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (dev < 0)
		return -errno;
	fd = ioctl(dev, ARENA_IOC_CREATE, &req);
	if (fd < 0)
		fd = -errno;
	close(dev);
	return fd;
}

/* A BPF_MAP_TYPE_ARENA: its fd, or -errno. */
static int create_kern(uint64_t pages, unsigned int cf, uint64_t addr)
{
	union bpf_attr attr;
	int fd;

	if (pages > UINT32_MAX)		/* max_entries is 32 bits wide */
		return -EOVERFLOW;
	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_ARENA;
	attr.key_size = 0;
	attr.value_size = 0;
	attr.max_entries = pages;
	attr.map_flags = BPF_F_MMAPABLE;
	attr.map_extra = addr;
	if (cf & CF_SEGV)
		attr.map_flags |= BPF_F_SEGV_ON_FAULT;
	if (cf & CF_UNKNOWN)
		attr.map_flags |= BPF_F_NO_USER_CONV << 1;
	if (cf & CF_BIT31)
		attr.map_flags |= 1U << 31;
	fd = syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	return fd < 0 ? -errno : fd;
}

static int create(enum side s, uint64_t pages, unsigned int cf, uint64_t addr)
{
	return s == OURS ? create_ours(pages, cf, addr) : create_kern(pages, cf, addr);
}

/* 0 if created (and closed again), else -errno. */
static long create_result(enum side s, uint64_t pages, unsigned int cf,
			  uint64_t addr)
{
	int fd = create(s, pages, cf, addr);

	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

/* mmap of an arena: 0 with *out set, or -errno. */
static long map_at(int fd, uint64_t hint, size_t len, int flags, off_t off,
		   char **out)
{
	void *p = mmap((void *)(uintptr_t)hint, len, PROT_READ | PROT_WRITE,
		       flags, fd, off);

	*out = NULL;
	if (p == MAP_FAILED)
		return -errno;
	*out = p;
	return 0;
}

/* A mapping's result when it must fail: it is undone if it did not. */
static long map_result(int fd, uint64_t hint, size_t len, int flags, off_t off)
{
	char *p;
	long ret = map_at(fd, hint, len, flags, off, &p);

	if (!ret)
		munmap(p, len);
	return ret;
}

static bool crosses_4g(uint64_t start, uint64_t len)
{
	return (start >> 32) != ((start + len - 1) >> 32);
}

/* An arena of each kind, mapped with mmap(NULL) unless addr is given. */
struct pair {
	int fd[NSIDES];
	char *base[NSIDES];
	size_t len;
};

static bool pair_open(const char *file, int line, struct pair *p,
		      uint64_t pages, unsigned int cf)
{
	bool ok = true;
	int s;

	memset(p, 0, sizeof(*p));
	p->len = pages * page_size;
	for (s = 0; s < NSIDES; s++) {
		long ret;

		p->fd[s] = create(s, pages, cf, 0);
		if (p->fd[s] < 0) {
			tap_fail(file, line, "%s: create %llu pages: %s", side_name[s],
				 (unsigned long long)pages, fmt(p->fd[s]));
			ok = false;
			continue;
		}
		ret = map_at(p->fd[s], 0, p->len, MAP_SHARED, 0, &p->base[s]);
		if (ret) {
			tap_fail(file, line, "%s: mmap %zu bytes: %s", side_name[s],
				 p->len, fmt(ret));
			ok = false;
		}
	}
	return ok;
}

#define PAIR_OPEN(p, pages, cf)	pair_open(__FILE__, __LINE__, p, pages, cf)

static void pair_close(struct pair *p)
{
	int s;

	for (s = 0; s < NSIDES; s++) {
		if (p->base[s])
			munmap(p->base[s], p->len);
		if (p->fd[s] >= 0)
			close(p->fd[s]);
	}
}

/* What a child is given: one side's arena, mapped at base in the parent. */
struct child_arg {
	int fd;
	char *base;
	size_t len;
	long arg;
};

/*
 * Runs fn(arg) in a child: its exit code, or 128 + the signal that ended
 * it.  No core dumps for the signals we expect.
 */
static long in_child(int (*fn)(const struct child_arg *), int fd, char *base,
		     size_t len, long arg)
{
	struct child_arg ca = { .fd = fd, .base = base, .len = len, .arg = arg };
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		struct rlimit none = { 0, 0 };

		setrlimit(RLIMIT_CORE, &none);
		_exit(fn(&ca));
	}
	if (waitpid(pid, &status, 0) != pid)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Child exit codes that say what went wrong before the part under test. */
#define CHILD_REMAP_FAILED	2
#define CHILD_SEGV_ELSEWHERE	3
#define CHILD_NOT_MAPPED	20	/* SIGSEGV in the inherited range */

/*
 * In a child: the arena mapped again through the inherited fd, at the
 * parent's address.  The kernel's arena (6.12.y, VM_DONTCOPY) is not
 * inherited by fork, ours is; after munmap the two are in the same state.
 */
static int child_remap(const struct child_arg *ca)
{
	void *q;

	munmap(ca->base, ca->len);
	q = mmap(ca->base, ca->len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
		 ca->fd, 0);
	return q == ca->base ? 0 : CHILD_REMAP_FAILED;
}

static char *segv_expected;
static char *segv_lo, *segv_hi;

/*
 * A SIGSEGV at the address the test touches is left to kill the child
 * (128 + SIGSEGV); one in the arena elsewhere, or outside it, is its own
 * exit code.
 */
static void segv_handler(int sig, siginfo_t *si, void *uc)
{
	char *addr = si->si_addr;

	(void)uc;
	if (segv_expected && addr >= segv_expected &&
	    addr < segv_expected + page_size) {
		signal(sig, SIG_DFL);	/* the access repeats and kills us */
		return;
	}
	if (!segv_expected && addr >= segv_lo && addr < segv_hi)
		_exit(CHILD_NOT_MAPPED);
	_exit(CHILD_SEGV_ELSEWHERE);
}

static void catch_segv(char *expected, char *lo, char *hi)
{
	struct sigaction sa = { .sa_sigaction = segv_handler, .sa_flags = SA_SIGINFO };

	segv_expected = expected;
	segv_lo = lo;
	segv_hi = hi;
	sigaction(SIGSEGV, &sa, NULL);
}

/* Which kernels should have BPF arenas: 6.9 and later. */
static bool kernel_should_have_arena(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &major, &minor) != 2) {
		printf("# cannot read the kernel release\n");
		return false;
	}
	return major > 6 || (major == 6 && minor >= 9);
}

/* ---- 6.1: no kernel arena ---- */

static void kernel_has_no_arena(void)
{
	int fd = create_kern(1, 0, 0);

	TAP_EXPECT_ERRNO(fd, EINVAL);
	if (fd >= 0)
		close(fd);
}

/* ---- 6.9+: the kernel's arena exists and is usable as root ---- */

static void kernel_has_arena(void)
{
	int fd = create_kern(1, 0, 0);
	char *p;

	if (fd < 0) {
		tap_fail(__FILE__, __LINE__, "BPF_MAP_CREATE of an arena: %s%s", fmt(fd),
			 fd == -EPERM || fd == -ENOSYS ?
			 " (the bpf syscall is unavailable to root here)" : "");
		return;
	}
	TAP_EXPECT_OK(map_at(fd, 0, page_size, MAP_SHARED, 0, &p));
	if (p) {
		p[0] = 1;
		TAP_EXPECT_EQ(p[0], 1);
		munmap(p, page_size);
	}
	close(fd);
}

/* ---- creation errors ---- */

static void create_zero_pages(void)
{
	long res[NSIDES];
	int s;

	for (s = 0; s < NSIDES; s++)
		res[s] = create_result(s, 0, 0, 0);
	EXPECT_BOTH(res, -EINVAL, "0 pages");
}

static void create_over_4g(void)
{
	uint64_t max = SZ_4G / page_size;
	long res[NSIDES];
	int s;

	for (s = 0; s < NSIDES; s++)
		res[s] = create_result(s, max + 1, 0, 0);
	EXPECT_BOTH(res, -E2BIG, "4 GiB + 1 page");
	/* The limit itself is allowed. */
	for (s = 0; s < NSIDES; s++)
		res[s] = create_result(s, max, 0, 0);
	EXPECT_BOTH(res, 0, "exactly 4 GiB");
}

static void create_unaligned_addr(void)
{
	long res[NSIDES];
	int s;

	for (s = 0; s < NSIDES; s++)
		res[s] = create_result(s, 1, 0, FIXED_OURS + 1);
	EXPECT_BOTH(res, -EINVAL, "user address 1 byte past a page");
	for (s = 0; s < NSIDES; s++)
		res[s] = create_result(s, 1, 0, FIXED_OURS + page_size / 2);
	EXPECT_BOTH(res, -EINVAL, "user address half a page past a page");
}

static void create_addr_crosses_4g(void)
{
	uint64_t last = FIXED_OURS + SZ_4G - page_size;	/* last page below 4 GiB */
	long res[NSIDES];
	int s;

	for (s = 0; s < NSIDES; s++)
		res[s] = create_result(s, 2, 0, last);
	EXPECT_BOTH(res, -ERANGE, "2 pages from the last page below a 4 GiB boundary");
	for (s = 0; s < NSIDES; s++)
		res[s] = create_result(s, SZ_4G / page_size, 0, FIXED_OURS + page_size);
	EXPECT_BOTH(res, -ERANGE, "4 GiB from one page past a 4 GiB boundary");
	/* Up to the boundary is fine. */
	for (s = 0; s < NSIDES; s++)
		res[s] = create_result(s, 1, 0, last);
	EXPECT_BOTH(res, 0, "1 page ending at a 4 GiB boundary");
}

static void create_unknown_flag(void)
{
	long res[NSIDES];
	int s;

	for (s = 0; s < NSIDES; s++)
		res[s] = create_result(s, 1, CF_UNKNOWN, 0);
	EXPECT_BOTH(res, -EINVAL, "the flag after NO_USER_CONV");
	for (s = 0; s < NSIDES; s++)
		res[s] = create_result(s, 1, CF_BIT31, 0);
	EXPECT_BOTH(res, -EINVAL, "flag bit 31");
	/* SEGV_ON_FAULT is known to both. */
	for (s = 0; s < NSIDES; s++)
		res[s] = create_result(s, 1, CF_SEGV, 0);
	EXPECT_BOTH(res, 0, "SEGV_ON_FAULT");
}

/* ---- mmap errors ---- */

/*
 * mmap(hint, len, MAP_SHARED | extra, fd, off) of a fresh 4-page arena,
 * user address decided at creation when fixed, on both sides.
 */
static void mmap_case(bool fixed, size_t len, int flags, off_t off,
		      long res[NSIDES])
{
	static const uint64_t addr[NSIDES] = { FIXED_OURS, FIXED_KERN };
	int s, fd;

	for (s = 0; s < NSIDES; s++) {
		fd = create(s, 4, 0, fixed ? addr[s] : 0);
		if (fd < 0) {
			res[s] = 1000 + -fd;	/* a creation failure: never expected */
			printf("# %s: create: %s\n", side_name[s], fmt(fd));
			continue;
		}
		res[s] = map_result(fd, fixed ? addr[s] : 0, len, flags, off);
		close(fd);
	}
}

static void mmap_private(void)
{
	long res[NSIDES];

	mmap_case(false, 4 * page_size, MAP_PRIVATE, 0, res);
	EXPECT_BOTH(res, -EINVAL, "MAP_PRIVATE");
	mmap_case(true, 4 * page_size, MAP_PRIVATE, 0, res);
	EXPECT_BOTH(res, -EINVAL, "MAP_PRIVATE, fixed address");
}

static void mmap_shorter(void)
{
	long res[NSIDES];

	/* The kernel maps a prefix; ours only ever the whole arena. */
	mmap_case(false, 3 * page_size, MAP_SHARED, 0, res);
	EXPECT_EACH(res, -EINVAL, 0, "3 pages of 4");
	mmap_case(true, 3 * page_size, MAP_SHARED, 0, res);
	EXPECT_BOTH(res, -EINVAL, "3 pages of 4, fixed address");
}

static void mmap_longer(void)
{
	long res[NSIDES];

	/*
	 * The kernel maps more than the arena (the tail then faults) unless
	 * the address was fixed; ours only ever the whole arena.
	 */
	mmap_case(false, 5 * page_size, MAP_SHARED, 0, res);
	EXPECT_EACH(res, -EINVAL, 0, "5 pages of 4");
	mmap_case(true, 5 * page_size, MAP_SHARED, 0, res);
	EXPECT_EACH(res, -EINVAL, -E2BIG, "5 pages of 4, fixed address");
}

static void mmap_offset(void)
{
	long res[NSIDES];

	mmap_case(false, 4 * page_size, MAP_SHARED, page_size, res);
	EXPECT_BOTH(res, -EINVAL, "offset 1 page");
	mmap_case(false, 3 * page_size, MAP_SHARED, page_size, res);
	EXPECT_BOTH(res, -EINVAL, "offset 1 page, the 3 pages after it");
	mmap_case(true, 4 * page_size, MAP_SHARED, page_size, res);
	EXPECT_BOTH(res, -EINVAL, "offset 1 page, fixed address");
}

/* ---- placement ---- */

/*
 * count arenas of len bytes on each side, all mapped at once with
 * mmap(NULL) so that each lands somewhere new: none may cross a 4 GiB
 * boundary, and one of 4 GiB starts on one.
 */
static void within_4g(uint64_t len, int count)
{
	long bad[NSIDES] = { 0, 0 };
	char what[64];
	int s, i;

	for (s = 0; s < NSIDES; s++) {
		int fds[8];
		char *bases[8];

		for (i = 0; i < count; i++) {
			long ret;

			bases[i] = NULL;
			fds[i] = create(s, len / page_size, 0, 0);
			if (fds[i] < 0) {
				printf("# %s: create %#llx bytes: %s\n", side_name[s],
				       (unsigned long long)len, fmt(fds[i]));
				bad[s]++;
				continue;
			}
			ret = map_at(fds[i], 0, len, MAP_SHARED, 0, &bases[i]);
			if (ret) {
				printf("# %s: mmap %#llx bytes: %s\n", side_name[s],
				       (unsigned long long)len, fmt(ret));
				bad[s]++;
				continue;
			}
			if (crosses_4g((uintptr_t)bases[i], len) ||
			    (len == SZ_4G && (uintptr_t)bases[i] % SZ_4G)) {
				printf("# %s: %#llx bytes at %p\n", side_name[s],
				       (unsigned long long)len, bases[i]);
				bad[s]++;
			}
		}
		for (i = 0; i < count; i++) {
			if (bases[i])
				munmap(bases[i], len);
			if (fds[i] >= 0)
				close(fds[i]);
		}
	}
	snprintf(what, sizeof(what), "mappings of %#llx bytes that cross 4 GiB or failed",
		 (unsigned long long)len);
	EXPECT_BOTH(bad, 0, what);
}

static void within_4g_1page(void)
{
	within_4g(page_size, 4);
}

static void within_4g_1g(void)
{
	within_4g(SZ_1G, 8);
}

static void within_4g_4g(void)
{
	within_4g(SZ_4G, 3);
}

/*
 * A user address fixed at creation: mmap(how) lands exactly on it.
 * Result: 0 if it did, the address if elsewhere, -errno on failure.
 */
static long fixed_lands(enum side s, uint64_t addr, uint64_t hint, int flags)
{
	int fd = create(s, 16, 0, addr);
	char *p;
	long ret;

	if (fd < 0) {
		printf("# %s: create at %#llx: %s\n", side_name[s],
		       (unsigned long long)addr, fmt(fd));
		return 1000 + -fd;
	}
	ret = map_at(fd, hint, 16 * page_size, MAP_SHARED | flags, 0, &p);
	if (!ret) {
		if ((uintptr_t)p != addr)
			ret = (uintptr_t)p;
		else
			p[0] = 1;	/* it is usable there */
		munmap(p, 16 * page_size);
	}
	close(fd);
	return ret;
}

static void fixed_addr_mmap_null(void)
{
	static const uint64_t addr[NSIDES] = { FIXED_OURS, FIXED_KERN };
	long res[NSIDES];
	int s;

	/* The kernel wants the address repeated; ours puts it there. */
	for (s = 0; s < NSIDES; s++)
		res[s] = fixed_lands(s, addr[s], 0, 0);
	EXPECT_EACH(res, 0, -EINVAL, "mmap(NULL) of an arena with a fixed address");
}

static void fixed_addr_mmap_at_addr(void)
{
	static const uint64_t addr[NSIDES] = { FIXED_OURS, FIXED_KERN };
	long res[NSIDES];
	int s;

	for (s = 0; s < NSIDES; s++)
		res[s] = fixed_lands(s, addr[s], addr[s], 0);
	EXPECT_BOTH(res, 0, "mmap(addr) of an arena fixed at addr");
	/* What libbpf does. */
	for (s = 0; s < NSIDES; s++)
		res[s] = fixed_lands(s, addr[s], addr[s], MAP_FIXED);
	EXPECT_BOTH(res, 0, "mmap(addr, MAP_FIXED) of an arena fixed at addr");
}

/*
 * An arena whose address is decided (at creation, or by a first mmap that
 * was undone) mapped anywhere else must be refused.  Result: mmap's
 * -errno, or the address it mapped at.
 */
static long elsewhere(enum side s, bool at_creation, uint64_t hint, int flags)
{
	static const uint64_t addr[NSIDES] = { FIXED_OURS, FIXED_KERN };
	int fd = create(s, 16, 0, at_creation ? addr[s] : 0);
	char *p;
	long ret;

	if (fd < 0)
		return 1000 + -fd;
	if (!at_creation) {
		ret = map_at(fd, 0, 16 * page_size, MAP_SHARED, 0, &p);
		if (ret) {
			close(fd);
			return 2000 + -ret;
		}
		munmap(p, 16 * page_size);
	}
	ret = map_at(fd, hint, 16 * page_size, MAP_SHARED | flags, 0, &p);
	if (!ret) {
		ret = (uintptr_t)p;
		munmap(p, 16 * page_size);
	}
	close(fd);
	return ret;
}

static void decided_addr_mmap_elsewhere(void)
{
	/* Free address space, well away from both fixed addresses. */
	const uint64_t other = 0x30ULL * SZ_4G;
	long res[NSIDES];
	int s;

	for (s = 0; s < NSIDES; s++)
		res[s] = elsewhere(s, true, other, 0);
	EXPECT_BOTH(res, -EINVAL, "fixed at creation, mmap(other address)");
	for (s = 0; s < NSIDES; s++)
		res[s] = elsewhere(s, true, other, MAP_FIXED);
	EXPECT_BOTH(res, -EINVAL, "fixed at creation, mmap(other address, MAP_FIXED)");
	for (s = 0; s < NSIDES; s++)
		res[s] = elsewhere(s, true, 0, MAP_FIXED);
	EXPECT_BOTH(res, -EINVAL, "fixed at creation, mmap(NULL, MAP_FIXED)");
	for (s = 0; s < NSIDES; s++)
		res[s] = elsewhere(s, false, other, 0);
	EXPECT_BOTH(res, -EINVAL, "decided by a first mmap, mmap(other address)");
	for (s = 0; s < NSIDES; s++)
		res[s] = elsewhere(s, false, other, MAP_FIXED);
	EXPECT_BOTH(res, -EINVAL, "decided by a first mmap, mmap(other address, MAP_FIXED)");
	for (s = 0; s < NSIDES; s++)
		res[s] = elsewhere(s, false, 0, MAP_FIXED);
	EXPECT_BOTH(res, -EINVAL, "decided by a first mmap, mmap(NULL, MAP_FIXED)");
}

/* ---- fault-in ---- */

static const long probe_pages[] = { 0, 1, 7, 15 };

#define NPROBES	((int)(sizeof(probe_pages) / sizeof(probe_pages[0])))

static void fault_reads_zero(void)
{
	long res[NSIDES] = { 0, 0 };
	struct pair p;
	int s, i;
	long j;

	if (PAIR_OPEN(&p, 16, 0)) {
		for (s = 0; s < NSIDES; s++)
			for (i = 0; i < NPROBES; i++)
				for (j = 0; j < page_size; j++)
					res[s] += p.base[s][probe_pages[i] * page_size + j] != 0;
		EXPECT_BOTH(res, 0, "non-zero bytes in untouched pages");
	}
	pair_close(&p);
}

static unsigned char pattern(long off)
{
	return (off * 31 + 7) ^ (off >> 12);
}

static void fill(char *base, long page, int salt)
{
	long j;

	for (j = 0; j < page_size; j++)
		base[page * page_size + j] = pattern(page * page_size + j) + salt;
}

/* Bytes of the page that do not hold the pattern. */
static long check(const char *base, long page, int salt)
{
	long j, bad = 0;

	for (j = 0; j < page_size; j++)
		bad += (unsigned char)base[page * page_size + j] !=
		       (unsigned char)(pattern(page * page_size + j) + salt);
	return bad;
}

static void fault_write_read_back(void)
{
	long res[NSIDES] = { 0, 0 };
	struct pair p;
	int s, i;

	if (PAIR_OPEN(&p, 16, 0)) {
		for (s = 0; s < NSIDES; s++) {
			for (i = 0; i < NPROBES; i++)
				fill(p.base[s], probe_pages[i], 0);
			for (i = 0; i < NPROBES; i++)
				res[s] += check(p.base[s], probe_pages[i], 0);
		}
		EXPECT_BOTH(res, 0, "bytes read back wrong");
	}
	pair_close(&p);
}

/* A child touching ca->arg bytes into its own mapping of the arena. */
static int child_touch(const struct child_arg *ca, bool write)
{
	char *addr = ca->base + ca->arg;
	int ret = child_remap(ca);

	if (ret)
		return ret;
	catch_segv(addr, NULL, NULL);
	if (write)
		*(volatile char *)addr = 1;
	else if (*(volatile char *)addr)
		return 1;
	return 0;
}

static int child_read(const struct child_arg *ca)
{
	return child_touch(ca, false);
}

static int child_write(const struct child_arg *ca)
{
	return child_touch(ca, true);
}

static void segv_on_fault(void)
{
	long res[NSIDES];
	struct pair p;
	int s;

	if (PAIR_OPEN(&p, 4, CF_SEGV)) {
		for (s = 0; s < NSIDES; s++)
			res[s] = in_child(child_read, p.fd[s], p.base[s], p.len, page_size);
		EXPECT_BOTH(res, 128 + SIGSEGV, "child reading an untouched page");
		for (s = 0; s < NSIDES; s++)
			res[s] = in_child(child_write, p.fd[s], p.base[s], p.len,
					  3 * page_size);
		EXPECT_BOTH(res, 128 + SIGSEGV, "child writing an untouched page");
	}
	pair_close(&p);
	/* The same children without the flag: the pages appear. */
	if (PAIR_OPEN(&p, 4, 0)) {
		for (s = 0; s < NSIDES; s++)
			res[s] = in_child(child_read, p.fd[s], p.base[s], p.len, page_size);
		EXPECT_BOTH(res, 0, "child reading an untouched page, no SEGV_ON_FAULT");
		for (s = 0; s < NSIDES; s++)
			res[s] = in_child(child_write, p.fd[s], p.base[s], p.len,
					  3 * page_size);
		EXPECT_BOTH(res, 0, "child writing an untouched page, no SEGV_ON_FAULT");
	}
	pair_close(&p);
}

/* ---- the mapping's shape ---- */

/*
 * Maps, writes, unmaps, and maps again with mmap(hint): the second mapping
 * must land where the first was, with the bytes still there.  Result: 0,
 * the other address, or -errno.
 */
static long remap_lands(enum side s, bool hint_old)
{
	int fd = create(s, 4, 0, 0);
	char *p, *q;
	long ret;

	if (fd < 0)
		return 1000 + -fd;
	ret = map_at(fd, 0, 4 * page_size, MAP_SHARED, 0, &p);
	if (ret) {
		printf("# %s: first mmap: %s\n", side_name[s], fmt(ret));
		close(fd);
		return 2000 + -ret;
	}
	fill(p, 2, 0);
	munmap(p, 4 * page_size);
	ret = map_at(fd, hint_old ? (uintptr_t)p : 0, 4 * page_size, MAP_SHARED, 0, &q);
	if (!ret) {
		if (q != p)
			ret = (uintptr_t)q;
		else if (check(q, 2, 0))
			ret = 3000;
		munmap(q, 4 * page_size);
	}
	close(fd);
	return ret;
}

static void remap_same_addr(void)
{
	long res[NSIDES];
	int s;

	for (s = 0; s < NSIDES; s++)
		res[s] = remap_lands(s, true);
	EXPECT_BOTH(res, 0, "mmap(old address) after munmap");
}

static void remap_null_same_addr(void)
{
	long res[NSIDES];
	int s;

	/* As for a fixed address: ours puts it back where it was. */
	for (s = 0; s < NSIDES; s++)
		res[s] = remap_lands(s, false);
	EXPECT_EACH(res, 0, -EINVAL, "mmap(NULL) after munmap");
}

/* Whether the whole mapping still works: 0, else the bytes that do not. */
static long still_whole(char *base, long pages)
{
	long i, bad = 0;

	for (i = 0; i < pages; i++)
		fill(base, i, 3);
	for (i = 0; i < pages; i++)
		bad += check(base, i, 3);
	return bad;
}

static void split_fails(void)
{
	long res[NSIDES];
	struct pair p;
	int s;

	if (PAIR_OPEN(&p, 4, 0)) {
		for (s = 0; s < NSIDES; s++)
			res[s] = munmap(p.base[s] + page_size, page_size) ? -errno : 0;
		EXPECT_BOTH(res, -EINVAL, "munmap of the 2nd page");
		for (s = 0; s < NSIDES; s++)
			res[s] = munmap(p.base[s], page_size) ? -errno : 0;
		EXPECT_BOTH(res, -EINVAL, "munmap of the 1st page");
		for (s = 0; s < NSIDES; s++)
			res[s] = munmap(p.base[s] + 3 * page_size, page_size) ? -errno : 0;
		EXPECT_BOTH(res, -EINVAL, "munmap of the last page");
		for (s = 0; s < NSIDES; s++)
			res[s] = mprotect(p.base[s] + page_size, page_size, PROT_READ) ?
				 -errno : 0;
		EXPECT_BOTH(res, -EINVAL, "mprotect of the 2nd page");
		for (s = 0; s < NSIDES; s++)
			res[s] = still_whole(p.base[s], 4);
		EXPECT_BOTH(res, 0, "bytes wrong in the mapping afterwards");
	}
	pair_close(&p);
}

static long mremap_result(char *old, size_t old_len, size_t new_len, int flags,
			  void *new_addr)
{
	void *q = mremap(old, old_len, new_len, flags, new_addr);

	if (q == MAP_FAILED)
		return -errno;
	/* It worked: a success, and the mapping is no longer where it was. */
	return q == old ? 0 : 1;
}

static void mremap_fails(void)
{
	long res[NSIDES];
	struct pair p;
	int s;

	if (PAIR_OPEN(&p, 4, 0)) {
		for (s = 0; s < NSIDES; s++)
			res[s] = mremap_result(p.base[s], p.len, p.len + page_size, 0, NULL);
		EXPECT_BOTH(res, -EFAULT, "mremap to grow in place");
		for (s = 0; s < NSIDES; s++)
			res[s] = mremap_result(p.base[s], p.len, 2 * p.len,
					       MREMAP_MAYMOVE, NULL);
		EXPECT_BOTH(res, -EFAULT, "mremap to grow, may move");
		for (s = 0; s < NSIDES; s++)
			res[s] = mremap_result(p.base[s], p.len, p.len - page_size, 0, NULL);
		EXPECT_BOTH(res, -EINVAL, "mremap to shrink");
		for (s = 0; s < NSIDES; s++) {
			/* Somewhere free to move to, freed again first. */
			char *to = mmap(NULL, p.len, PROT_NONE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

			munmap(to, p.len);
			res[s] = mremap_result(p.base[s], p.len, p.len,
					       MREMAP_MAYMOVE | MREMAP_FIXED, to);
			if (res[s] == 1) {
				p.base[s] = to;	/* moved: pair_close unmaps it */
				res[s] = 0;
			}
		}
		EXPECT_BOTH(res, -EINVAL, "mremap to move");
		for (s = 0; s < NSIDES; s++)
			res[s] = still_whole(p.base[s], 4);
		EXPECT_BOTH(res, 0, "bytes wrong in the mapping afterwards");
	}
	pair_close(&p);
}

/* ---- fork ---- */

/* The parent's bytes at the same address, then the child's own. */
static int child_checks(const struct child_arg *ca)
{
	long i;

	for (i = 0; i < ca->arg; i++)
		if (check(ca->base, i, 5))
			return 10 + i;
	for (i = 0; i < ca->arg; i++)
		fill(ca->base, i, 9);
	return 0;
}

/* The child uses the mapping it inherited. */
static int child_inherited(const struct child_arg *ca)
{
	catch_segv(NULL, ca->base, ca->base + ca->len);
	return child_checks(ca);
}

/* The child maps the arena itself, at the same address, first. */
static int child_remapped(const struct child_arg *ca)
{
	return child_remap(ca) ?: child_checks(ca);
}

static void fork_case(int (*fn)(const struct child_arg *), const char *what)
{
	char what2[128];
	long res[NSIDES];
	struct pair p;
	int s;
	long i;

	if (PAIR_OPEN(&p, 8, 0)) {
		for (s = 0; s < NSIDES; s++) {
			for (i = 0; i < 8; i++)
				fill(p.base[s], i, 5);
			res[s] = in_child(fn, p.fd[s], p.base[s], p.len, 8);
		}
		snprintf(what2, sizeof(what2), "%s: child's exit status", what);
		EXPECT_BOTH(res, 0, what2);
		/* Shared, not copied: the parent sees what the child wrote. */
		for (s = 0; s < NSIDES; s++)
			for (res[s] = 0, i = 0; i < 8; i++)
				res[s] += check(p.base[s], i, 9);
		snprintf(what2, sizeof(what2), "%s: bytes the child wrote that the parent does not see",
			 what);
		EXPECT_BOTH(res, 0, what2);
	}
	pair_close(&p);
}

/*
 * Ours is inherited by fork; Debian's 6.12 marks the kernel's VM_DONTCOPY
 * (its per-VMA bookkeeping had a use-after-free on fork), so a child
 * there has no mapping.  Only ours is held to it.
 */
static void fork_child_inherits(void)
{
	long res[NSIDES];
	struct pair p;
	long i;

	if (PAIR_OPEN(&p, 8, 0)) {
		for (i = 0; i < 8; i++)
			fill(p.base[OURS], i, 5);
		res[OURS] = in_child(child_inherited, p.fd[OURS], p.base[OURS], p.len, 8);
		TAP_EXPECT_EQ(res[OURS], 0);
		for (res[OURS] = 0, i = 0; i < 8; i++)
			res[OURS] += check(p.base[OURS], i, 9);
		TAP_EXPECT_EQ(res[OURS], 0);
		res[KERN] = in_child(child_inherited, p.fd[KERN], p.base[KERN], p.len, 8);
		printf("# the kernel's arena in a forked child: exit status %ld\n", res[KERN]);
	}
	pair_close(&p);
}

static void fork_child_remaps(void)
{
	fork_case(child_remapped, "child's own mapping at the parent's address");
}

static const struct tap_test tests_without_bpf_arena[] = {
	{ "arena", "bpf-kernel-has-no-arena", kernel_has_no_arena },
};

static const struct tap_test tests_with_bpf_arena[] = {
	{ "arena", "bpf-kernel-has-arena", kernel_has_arena },
	{ "arena", "bpf-create-zero-pages", create_zero_pages },
	{ "arena", "bpf-create-over-4g", create_over_4g },
	{ "arena", "bpf-create-unaligned-addr", create_unaligned_addr },
	{ "arena", "bpf-create-addr-crosses-4g", create_addr_crosses_4g },
	{ "arena", "bpf-create-unknown-flag", create_unknown_flag },
	{ "arena", "bpf-mmap-private", mmap_private },
	{ "arena", "bpf-mmap-shorter", mmap_shorter },
	{ "arena", "bpf-mmap-longer", mmap_longer },
	{ "arena", "bpf-mmap-offset", mmap_offset },
	{ "arena", "bpf-within-4g-1page", within_4g_1page },
	{ "arena", "bpf-within-4g-1g", within_4g_1g },
	{ "arena", "bpf-within-4g-4g", within_4g_4g },
	{ "arena", "bpf-fixed-addr-mmap-null", fixed_addr_mmap_null },
	{ "arena", "bpf-fixed-addr-mmap-at-addr", fixed_addr_mmap_at_addr },
	{ "arena", "bpf-decided-addr-mmap-elsewhere", decided_addr_mmap_elsewhere },
	{ "arena", "bpf-fault-reads-zero", fault_reads_zero },
	{ "arena", "bpf-fault-write-read-back", fault_write_read_back },
	{ "arena", "bpf-segv-on-fault", segv_on_fault },
	{ "arena", "bpf-remap-same-addr", remap_same_addr },
	{ "arena", "bpf-remap-null-same-addr", remap_null_same_addr },
	{ "arena", "bpf-split-fails", split_fails },
	{ "arena", "bpf-mremap-fails", mremap_fails },
	{ "arena", "bpf-fork-child-inherits-mapping", fork_child_inherits },
	{ "arena", "bpf-fork-child-remaps-same-bytes", fork_child_remaps },
};

#define COUNT(t)	(sizeof(t) / sizeof((t)[0]))

int main(void)
{
	page_size = sysconf(_SC_PAGESIZE);
	if (kernel_should_have_arena())
		return tap_run(tests_with_bpf_arena, COUNT(tests_with_bpf_arena));
	return tap_run(tests_without_bpf_arena, COUNT(tests_without_bpf_arena));
}
