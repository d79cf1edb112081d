// SPDX-License-Identifier: GPL-2.0
/*
 * User-to-kernel rings (RINGBUF_F_USER) as user space sees them: who may
 * write which page, poll for room, and the ioctls that belong to the
 * other direction.  How the kernel drains them is a load-time self-test
 * (module/selftest.c: ringbuf/user-drain), and, with libarena's producer
 * writing, ringbuf_user_lib.c through the test builds' drain ioctl: only
 * programs will drain in production.
 */
#include <poll.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <arena_kmod.h>

#include "dev.h"
#include "tap.h"
#include "vmtest.h"

static long psz(void)
{
	return sysconf(_SC_PAGESIZE);
}

static int user_ring(void)
{
	struct ringbuf_create req = {
		.size = sizeof(req),
		.flags = RINGBUF_F_USER,
		.data_size = psz(),
	};
	int dev = open_dev(), fd;

	fd = ioctl(dev, RINGBUF_IOC_CREATE, &req);
	if (fd < 0)
		tap_fail(__FILE__, __LINE__, "create user ring: %s", strerror(errno));
	close(dev);
	return fd;
}

/* The producer writes the producer page and the data; never the consumer page. */
static void mmap_rules(void)
{
	int fd = user_ring();
	char *w, *r;

	EXPECT_MMAP_FAILS(mmap(NULL, psz(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
			  psz(), EPERM);
	EXPECT_MMAP_FAILS(mmap(NULL, 4 * psz(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0),
			  4 * psz(), EPERM);
	w = mmap(NULL, 3 * psz(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, psz());
	TAP_EXPECT(w != MAP_FAILED);
	if (w != MAP_FAILED) {
		/* The data area is still mapped twice: a write shows at both. */
		w[psz() + 5] = 42;
		TAP_EXPECT_EQ(w[2 * psz() + 5], 42);
		munmap(w, 3 * psz());
	}
	r = mmap(NULL, psz(), PROT_READ, MAP_SHARED, fd, 0);
	TAP_EXPECT(r != MAP_FAILED);
	if (r != MAP_FAILED) {
		TAP_EXPECT_ERRNO(mprotect(r, psz(), PROT_READ | PROT_WRITE), EACCES);
		munmap(r, psz());
	}
	close(fd);
}

/* Room means writable; a full ring (as the producer claims) is not. */
static void poll_for_room(void)
{
	int fd = user_ring();
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLOUT };
	unsigned long *prod = mmap(NULL, psz(), PROT_READ | PROT_WRITE, MAP_SHARED, fd,
				   psz());

	TAP_EXPECT_EQ(poll(&pfd, 1, 0), 1);
	TAP_EXPECT_EQ(pfd.revents, POLLOUT);
	if (prod != MAP_FAILED) {
		__atomic_store_n(prod, psz(), __ATOMIC_RELEASE);
		TAP_EXPECT_EQ(poll(&pfd, 1, 0), 0);
		__atomic_store_n(prod, 8, __ATOMIC_RELEASE);
		TAP_EXPECT_EQ(poll(&pfd, 1, 0), 1);
		munmap(prod, psz());
	}
	close(fd);
}

/* The kernel does not produce into a ring whose producer is user space. */
static void output_refused(void)
{
	char byte = 1;
	struct ringbuf_record rec = { .data = (uintptr_t)&byte, .len = 1 };
	struct ringbuf_output out = {
		.size = sizeof(out),
		.records = (uintptr_t)&rec,
		.nr_records = 1,
	};
	int fd = user_ring();

	TAP_EXPECT_ERRNO(ioctl(fd, RINGBUF_IOC_OUTPUT, &out), EINVAL);
	close(fd);
}

static void query_reports_flag(void)
{
	struct ringbuf_info info = { .size = sizeof(info) };
	int fd = user_ring();

	TAP_EXPECT_OK(ioctl(fd, RINGBUF_IOC_QUERY, &info));
	TAP_EXPECT_EQ(info.flags, RINGBUF_F_USER);
	TAP_EXPECT_EQ(info.avail_data, 0);
	close(fd);
}

static const struct tap_test tests[] = {
	{ "ringbuf", "user-mmap-rules", mmap_rules },
	{ "ringbuf", "user-poll-for-room", poll_for_room },
	{ "ringbuf", "user-output-refused", output_refused },
	{ "ringbuf", "user-query-reports-flag", query_reports_flag },
};

TAP_MAIN(tests)
