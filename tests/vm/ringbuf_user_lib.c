// SPDX-License-Identifier: GPL-2.0
/*
 * libarena's producer for user-to-kernel rings against the real module:
 * records reserved and submitted through arena_user_ring_buffer__*(), in
 * the module's writable mapping, drained by the module's
 * ringbuf_user_drain() (through the test builds' drain ioctl, until
 * programs can drain), waits for room woken by a drain in another
 * process, and the kernel's own BPF_MAP_TYPE_USER_RINGBUF taken by the
 * same producer.
 */
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../module/selftest_ioctl.h"
#include "dev.h"
#include "libarena.h"
#include "ring_buffer.h"
#include "tap.h"

/* enum bpf_map_type, the same in every kernel since 5.19. */
_Static_assert(BPF_MAP_TYPE_USER_RINGBUF == 31, "BPF_MAP_TYPE_USER_RINGBUF");

static long page_size;

/* A user-to-kernel ring of one page, made by the library, or a failed check. */
static int user_ring(void)
{
	LIBARENA_OPTS(arena_ringbuf_opts, opts, .flags = RINGBUF_F_USER);
	struct arena_dev *dev = NULL;
	int fd = -1;

	TAP_EXPECT_OK(arena_dev__open(NULL, &dev));
	TAP_EXPECT_OK(arena_dev__ringbuf_create(dev, page_size, &opts, &fd));
	arena_dev__close(dev);
	return fd;
}

/* The records the module drained, as the drain ioctl copied them out. */
struct drained {
	long n;
	__u32 used;
	unsigned char buf[1 << 17];
};

/* Drains up to max records of ring fd: what the module's drain returned. */
static long drain(int fd, struct drained *d, __u32 max)
{
	struct arena_selftest_drain req = {
		.size = sizeof(req),
		.ring_fd = fd,
		.buf = (uintptr_t)d->buf,
		.buf_len = sizeof(d->buf),
		.max_records = max,
	};
	int dev = open_dev();

	if (ioctl(dev, ARENA_SELFTEST_IOC_USER_DRAIN, &req)) {
		tap_fail(__FILE__, __LINE__, "drain ioctl: %s", strerror(errno));
		req.drained = -errno;
	}
	close(dev);
	d->n = req.drained;
	d->used = req.buf_used;
	return req.drained;
}

/* Record i of what was drained: its length, and its bytes in *data. */
static __u32 drained_rec(const struct drained *d, long i, const unsigned char **data)
{
	__u32 off = 0, len = 0;

	for (;;) {
		memcpy(&len, d->buf + off, sizeof(len));
		if (!i--)
			break;
		off += (len + RINGBUF_HDR_SZ + 7) & ~7U;
	}
	*data = d->buf + off + RINGBUF_HDR_SZ;
	return len;
}

static struct arena_user_ring_buffer *producer(int fd)
{
	struct arena_user_ring_buffer *rb = arena_user_ring_buffer__new(fd, NULL);

	if (!rb)
		tap_fail(__FILE__, __LINE__, "arena_user_ring_buffer__new: %s", strerror(errno));
	return rb;
}

/* Reserves len bytes filled with seed + j and submits them: whether it could. */
static bool put(struct arena_user_ring_buffer *rb, __u32 len, unsigned char seed)
{
	unsigned char *p = arena_user_ring_buffer__reserve(rb, len);
	__u32 j;

	if (!p)
		return false;
	for (j = 0; j < len; j++)
		p[j] = seed + j;
	arena_user_ring_buffer__submit(rb, p);
	return true;
}

static bool rec_is(const struct drained *d, long i, __u32 len, unsigned char seed)
{
	const unsigned char *data;
	__u32 j;

	if (i >= d->n || drained_rec(d, i, &data) != len)
		return false;
	for (j = 0; j < len; j++)
		if (data[j] != (unsigned char)(seed + j))
			return false;
	return true;
}

static struct drained d;

/* What the library submits the module drains, discarded records skipped. */
static void produce_and_drain(void)
{
	int fd = user_ring();
	struct arena_user_ring_buffer *rb = producer(fd);
	void *p;

	if (!rb)
		goto out;
	TAP_EXPECT(put(rb, 5, 'a'));
	p = arena_user_ring_buffer__reserve(rb, 100);
	TAP_EXPECT(p != NULL);
	arena_user_ring_buffer__discard(rb, p);
	TAP_EXPECT(put(rb, 0, 0));
	TAP_EXPECT(put(rb, 17, 'c'));
	TAP_EXPECT_EQ(drain(fd, &d, 100), 3);
	TAP_EXPECT(rec_is(&d, 0, 5, 'a'));
	TAP_EXPECT(rec_is(&d, 1, 0, 0));
	TAP_EXPECT(rec_is(&d, 2, 17, 'c'));
	TAP_EXPECT_EQ(drain(fd, &d, 100), 0);
out:
	arena_user_ring_buffer__free(rb);
	close(fd);
}

/* A record still reserved holds back the ones reserved after it. */
static void outstanding_in_reserve_order(void)
{
	int fd = user_ring();
	struct arena_user_ring_buffer *rb = producer(fd);
	unsigned char *a, *b;

	if (!rb)
		goto out;
	a = arena_user_ring_buffer__reserve(rb, 8);
	b = arena_user_ring_buffer__reserve(rb, 8);
	TAP_EXPECT(a && b);
	if (!a || !b)
		goto out;
	memset(a, 'a', 8);
	memset(b, 'b', 8);
	arena_user_ring_buffer__submit(rb, b);
	TAP_EXPECT_EQ(drain(fd, &d, 100), 0);
	arena_user_ring_buffer__submit(rb, a);
	TAP_EXPECT_EQ(drain(fd, &d, 100), 2);
	TAP_EXPECT_EQ(d.buf[RINGBUF_HDR_SZ], 'a');
	TAP_EXPECT_EQ(d.buf[16 + RINGBUF_HDR_SZ], 'b');
out:
	arena_user_ring_buffer__free(rb);
	close(fd);
}

/*
 * E2BIG for more than the ring, ENOSPC when full until the module drains;
 * a record of the whole ring fits an empty one and drains whole.
 */
static void full_and_too_big(void)
{
	int fd = user_ring();
	struct arena_user_ring_buffer *rb = producer(fd);
	int i;

	if (!rb)
		goto out;
	errno = 0;
	TAP_EXPECT(!arena_user_ring_buffer__reserve(rb, page_size - RINGBUF_HDR_SZ + 1));
	TAP_EXPECT_EQ(errno, E2BIG);
	for (i = 0; put(rb, 56, i); i++)
		;
	TAP_EXPECT_EQ(errno, ENOSPC);
	TAP_EXPECT_EQ(i, page_size / 64);
	TAP_EXPECT_EQ(drain(fd, &d, 1), 1);
	TAP_EXPECT(rec_is(&d, 0, 56, 0));
	TAP_EXPECT(put(rb, 56, 100));
	TAP_EXPECT(!put(rb, 0, 0));
	TAP_EXPECT_EQ(drain(fd, &d, 1000), page_size / 64);
	TAP_EXPECT(rec_is(&d, 0, 56, 1));
	TAP_EXPECT(rec_is(&d, page_size / 64 - 1, 56, 100));
	TAP_EXPECT(put(rb, page_size - RINGBUF_HDR_SZ, 7));
	TAP_EXPECT_EQ(drain(fd, &d, 1000), 1);
	TAP_EXPECT(rec_is(&d, 0, page_size - RINGBUF_HDR_SZ, 7));
out:
	arena_user_ring_buffer__free(rb);
	close(fd);
}

/* Many times round a one-page ring, records of every length, in order. */
static void wrap_around_in_order(void)
{
	int fd = user_ring();
	struct arena_user_ring_buffer *rb = producer(fd);
	int i, next = 0, bad = 0;
	long n, k;

	if (!rb)
		goto out;
	for (i = 0; i < 3000 && !bad; i++) {
		if (!put(rb, i % 301, i)) {
			n = drain(fd, &d, 1000);
			for (k = 0; k < n; k++, next++)
				bad += !rec_is(&d, k, next % 301, next);
			i--;
		}
	}
	n = drain(fd, &d, 1000);
	for (k = 0; k < n; k++, next++)
		bad += !rec_is(&d, k, next % 301, next);
	TAP_EXPECT_EQ(bad, 0);
	TAP_EXPECT_EQ(next, 3000);
out:
	arena_user_ring_buffer__free(rb);
	close(fd);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * A full ring: __reserve_blocking() gives up with ENOSPC at its deadline,
 * and returns as soon as another process drains.
 */
static void reserve_blocking(void)
{
	int fd = user_ring(), status = 0;
	struct arena_user_ring_buffer *rb = producer(fd);
	long start, took;
	void *p;
	pid_t pid;

	if (!rb)
		goto out;
	while (put(rb, 120, 0))
		;
	errno = 0;
	TAP_EXPECT(!arena_user_ring_buffer__reserve_blocking(rb, 8, -2));
	TAP_EXPECT_EQ(errno, EINVAL);
	start = now_ms();
	errno = 0;
	TAP_EXPECT(!arena_user_ring_buffer__reserve_blocking(rb, 8, 300));
	took = now_ms() - start;
	TAP_EXPECT_EQ(errno, ENOSPC);
	TAP_EXPECT(took >= 290 && took < 3000);
	pid = fork();
	if (!pid) {
		usleep(300 * 1000);
		_exit(drain(fd, &d, 1) == 1 ? 0 : 1);
	}
	start = now_ms();
	p = arena_user_ring_buffer__reserve_blocking(rb, 120, 20000);
	took = now_ms() - start;
	TAP_EXPECT(p != NULL);
	if (p)
		arena_user_ring_buffer__submit(rb, p);
	printf("# woken after %ld ms\n", took);
	TAP_EXPECT(took >= 200 && took < 10000);
	TAP_EXPECT(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && !WEXITSTATUS(status));
out:
	arena_user_ring_buffer__free(rb);
	close(fd);
}

/*
 * The producer page is user space's: a header it corrupts after the
 * library wrote it is refused by the drain, which neither crashes nor
 * moves; once it is fixed, the drain goes on.
 */
static void corrupted_header_refused(void)
{
	int fd = user_ring();
	struct arena_user_ring_buffer *rb = producer(fd);
	__u32 *hdr = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			  2 * page_size);

	if (!rb || hdr == MAP_FAILED)
		goto out;
	TAP_EXPECT(put(rb, 8, 1));
	TAP_EXPECT(put(rb, 8, 2));
	hdr[0] = 5000;
	TAP_EXPECT_EQ(drain(fd, &d, 100), -EINVAL);
	hdr[0] = 8;
	TAP_EXPECT_EQ(drain(fd, &d, 100), 2);
	TAP_EXPECT(rec_is(&d, 1, 8, 2));
out:
	if (hdr != MAP_FAILED)
		munmap(hdr, page_size);
	arena_user_ring_buffer__free(rb);
	close(fd);
}

/*
 * Only user-to-kernel rings: a kernel-to-user ring of ours is refused, and
 * the kernel's own BPF_MAP_TYPE_USER_RINGBUF is taken and written.
 */
static void rings_of_either_kind(void)
{
	int plain = dev_ringbuf_new(0, page_size), kfd;

	struct arena_user_ring_buffer *rb;
	libarena_print_fn_t print;
	union bpf_attr attr;

	TAP_EXPECT_OK(plain);
	print = libarena_set_print(NULL);
	errno = 0;
	rb = arena_user_ring_buffer__new(plain, NULL);
	TAP_EXPECT(rb == NULL);
	TAP_EXPECT_EQ(errno, EINVAL);
	libarena_set_print(print);
	close(plain);

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_USER_RINGBUF;
	attr.max_entries = page_size;
	kfd = syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	TAP_EXPECT_OK(kfd);
	if (kfd < 0)
		return;
	rb = producer(kfd);
	TAP_EXPECT(put(rb, 16, 3));
	TAP_EXPECT(put(rb, page_size - 96, 3));
	errno = 0;
	TAP_EXPECT(!put(rb, 100, 3));
	TAP_EXPECT_EQ(errno, ENOSPC);
	/* The consumer, for its part, leaves the kernel's user ring alone. */
	print = libarena_set_print(NULL);
	EXPECT_RING_BUFFER_NEW_FAILS(kfd, EINVAL);
	libarena_set_print(print);
	arena_user_ring_buffer__free(rb);
	close(kfd);
}

__attribute__((constructor)) static void get_page_size(void)
{
	page_size = sysconf(_SC_PAGESIZE);
}

static const struct tap_test tests[] = {
	{ "libarena", "user-ringbuf-produce-and-drain", produce_and_drain },
	{ "libarena", "user-ringbuf-outstanding-in-reserve-order", outstanding_in_reserve_order },
	{ "libarena", "user-ringbuf-full-and-too-big", full_and_too_big },
	{ "libarena", "user-ringbuf-wrap-around-in-order", wrap_around_in_order },
	{ "libarena", "user-ringbuf-reserve-blocking", reserve_blocking },
	{ "libarena", "user-ringbuf-corrupted-header-refused", corrupted_header_refused },
	{ "libarena", "user-ringbuf-rings-of-either-kind", rings_of_either_kind },
};

TAP_MAIN(tests)
