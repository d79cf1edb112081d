// SPDX-License-Identifier: GPL-2.0
/*
 * libarena's producer for user-to-kernel rings on the host, where no
 * module is loaded: the record arithmetic, user_ringbuf_image_*(), over a
 * ring image built here with the data area really mapped twice (a memfd,
 * back to back), drained by a copy of what the kernel's drain does; and
 * what the constructor makes of files that are no user-to-kernel ring.
 */
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture.h"
#include "double_map.h"
#include "fake_module.h"
#include "internal.h"
#include "ring_buffer.h"
#include "tap.h"

/* A user-to-kernel ring in plain memory. */
struct image {
	unsigned long consumer_pos;	/* the kernel's */
	unsigned long producer_pos;
	char *data;			/* size bytes, then the same bytes again */
	size_t size;
	struct user_ringbuf_image img;
};

/* What the drain saw. */
#define MAX_SEEN	64

struct drained {
	int n;
	__u32 len[MAX_SEEN];
	unsigned char first[MAX_SEEN];
};

static long page_size;

static int image_init(struct image *im, size_t size)
{
	memset(im, 0, sizeof(*im));
	im->size = size;
	im->data = double_map(size);
	if (!im->data)
		return -1;
	im->img = (struct user_ringbuf_image){
		.consumer_pos = &im->consumer_pos,
		.producer_pos = &im->producer_pos,
		.data = im->data,
		.mask = size - 1,
	};
	return 0;
}

static void image_fini(struct image *im)
{
	double_unmap(im->data, im->size);
}

static void image_start_at(struct image *im, unsigned long pos)
{
	im->consumer_pos = pos;
	im->producer_pos = pos;
}

static __u32 hdr_at(const struct image *im, unsigned long pos)
{
	return *(const __u32 *)(im->data + (pos & (im->size - 1)));
}

/*
 * What module/ringbuf_kmod.c's ringbuf_user_drain() does: records from the
 * consumer position on, in order, discarded ones skipped, until a busy
 * one; the number drained, or -1 for positions or a header that do not
 * add up.
 */
static int drain(struct image *im, struct drained *d)
{
	unsigned long cons = im->consumer_pos, total;
	int n = 0;
	__u32 hdr;

	while (cons != __atomic_load_n(&im->producer_pos, __ATOMIC_ACQUIRE)) {
		if (im->producer_pos - cons > im->size || im->producer_pos & 7)
			return -1;
		hdr = __atomic_load_n((__u32 *)(im->data + (cons & (im->size - 1))),
				      __ATOMIC_ACQUIRE);
		if (hdr & RINGBUF_BUSY_BIT)
			break;
		total = ringbuf_record_size(hdr & ~RINGBUF_DISCARD_BIT);
		if (total > im->producer_pos - cons)
			return -1;
		if (!(hdr & RINGBUF_DISCARD_BIT) && d->n < MAX_SEEN) {
			d->len[d->n] = hdr;
			d->first[d->n++] = im->data[(cons + RINGBUF_HDR_SZ) & (im->size - 1)];
			n++;
		}
		cons += total;
		__atomic_store_n(&im->consumer_pos, cons, __ATOMIC_RELEASE);
	}
	return n;
}

/* Reserves size bytes, fills them with fill + i, submits or discards. */
static void *reserve(struct image *im, __u32 size, unsigned char fill)
{
	int err = 0;
	unsigned char *p = user_ringbuf_image_reserve(&im->img, size, &err);
	__u32 i;

	if (!p) {
		tap_fail(__FILE__, __LINE__, "reserve %u: %s", size, strerror(-err));
		return NULL;
	}
	for (i = 0; i < size; i++)
		p[i] = fill + i;
	return p;
}

static void *reserve_fails(struct image *im, __u32 size, int want)
{
	int err = 0;
	void *p = user_ringbuf_image_reserve(&im->img, size, &err);

	if (p || err != want)
		tap_fail(__FILE__, __LINE__, "reserve %u: expected %s, seen %p (%s)", size,
			 strerror(-want), p, strerror(-err));
	return p;
}

/*
 * A reservation writes a busy header with the length and publishes the
 * producer position past the padded record; submit clears busy only.
 */
static void reserve_submit_layout(void)
{
	struct drained d = { 0 };
	struct image im;
	void *p;

	if (image_init(&im, page_size))
		return;
	p = reserve(&im, 5, 'a');
	TAP_EXPECT(p == im.data + RINGBUF_HDR_SZ);
	TAP_EXPECT_EQ(im.producer_pos, 16);
	TAP_EXPECT_EQ(hdr_at(&im, 0), 5 | RINGBUF_BUSY_BIT);
	TAP_EXPECT_EQ(((struct ringbuf_hdr *)im.data)->pg_off, 0);
	TAP_EXPECT_EQ(drain(&im, &d), 0);
	user_ringbuf_commit(p, false);
	TAP_EXPECT_EQ(hdr_at(&im, 0), 5);
	TAP_EXPECT_EQ(drain(&im, &d), 1);
	TAP_EXPECT_EQ(d.len[0], 5);
	TAP_EXPECT_EQ(d.first[0], 'a');
	TAP_EXPECT_EQ(im.consumer_pos, 16);
	/* Each length padded to 8 with its header. */
	p = reserve(&im, 0, 0);
	TAP_EXPECT_EQ(im.producer_pos, 24);
	user_ringbuf_commit(p, false);
	p = reserve(&im, 9, 0);
	TAP_EXPECT_EQ(im.producer_pos, 24 + 24);
	user_ringbuf_commit(p, false);
	TAP_EXPECT_EQ(drain(&im, &d), 2);
	TAP_EXPECT_EQ(d.len[1], 0);
	TAP_EXPECT_EQ(d.len[2], 9);
	image_fini(&im);
}

/*
 * E2BIG for what never fits, however empty: the flag bits, and more than
 * the ring with header and padding.  Exactly the ring fits, once.
 */
static void reserve_too_big(void)
{
	struct drained d = { 0 };
	struct image im;
	void *p;

	if (image_init(&im, page_size))
		return;
	reserve_fails(&im, RINGBUF_BUSY_BIT | 8, -E2BIG);
	reserve_fails(&im, RINGBUF_DISCARD_BIT, -E2BIG);
	reserve_fails(&im, page_size - RINGBUF_HDR_SZ + 1, -E2BIG);
	reserve_fails(&im, UINT32_MAX >> 2, -E2BIG);
	TAP_EXPECT_EQ(im.producer_pos, 0);
	p = reserve(&im, page_size - RINGBUF_HDR_SZ, 1);
	TAP_EXPECT_EQ(im.producer_pos, page_size);
	reserve_fails(&im, 0, -ENOSPC);
	user_ringbuf_commit(p, false);
	TAP_EXPECT_EQ(drain(&im, &d), 1);
	TAP_EXPECT_EQ(d.len[0], page_size - RINGBUF_HDR_SZ);
	image_fini(&im);
}

/*
 * ENOSPC while the kernel has not drained enough, busy records included;
 * room again once it has, and not before.
 */
static void full_ring(void)
{
	struct drained d = { 0 };
	struct image im;
	void *p[8];
	int i;

	if (image_init(&im, page_size))
		return;
	/* Eight records of page_size / 8. */
	for (i = 0; i < 8; i++)
		p[i] = reserve(&im, page_size / 8 - RINGBUF_HDR_SZ, i);
	TAP_EXPECT_EQ(im.producer_pos, page_size);
	reserve_fails(&im, 0, -ENOSPC);
	for (i = 0; i < 8; i++)
		user_ringbuf_commit(p[i], false);
	reserve_fails(&im, 0, -ENOSPC);
	/* The kernel takes one: room for that much, not a byte more. */
	im.consumer_pos = page_size / 8;
	reserve_fails(&im, page_size / 8 - RINGBUF_HDR_SZ + 1, -ENOSPC);
	p[0] = reserve(&im, page_size / 8 - RINGBUF_HDR_SZ, 8);
	reserve_fails(&im, 0, -ENOSPC);
	user_ringbuf_commit(p[0], false);
	im.consumer_pos = 0;
	TAP_EXPECT_EQ(drain(&im, &d), -1);	/* 9 records claimed in 8 slots */
	im.consumer_pos = page_size / 8;
	TAP_EXPECT_EQ(drain(&im, &d), 8);
	for (i = 0; i < 8; i++)
		TAP_EXPECT_EQ(d.first[i], i + 1);
	/* A consumer position the kernel never wrote (past ours): no room. */
	im.consumer_pos = im.producer_pos + 8;
	reserve_fails(&im, 0, -ENOSPC);
	image_fini(&im);
}

/* A discarded record keeps its length, gets the bit, and is skipped. */
static void discard(void)
{
	struct drained d = { 0 };
	struct image im;
	void *a, *b, *c;

	if (image_init(&im, page_size))
		return;
	a = reserve(&im, 3, 'a');
	b = reserve(&im, 30, 'b');
	c = reserve(&im, 4, 'c');
	user_ringbuf_commit(a, false);
	user_ringbuf_commit(b, true);
	user_ringbuf_commit(c, false);
	TAP_EXPECT_EQ(hdr_at(&im, 16), 30 | RINGBUF_DISCARD_BIT);
	TAP_EXPECT_EQ(drain(&im, &d), 2);
	TAP_EXPECT_EQ(d.first[0], 'a');
	TAP_EXPECT_EQ(d.first[1], 'c');
	TAP_EXPECT_EQ(im.consumer_pos, im.producer_pos);
	image_fini(&im);
}

/*
 * A record that runs past the end of the data area: the producer writes it
 * in one piece through the second mapping, its header stays at the end,
 * its tail lands at the start, and the drain reads it whole.
 */
static void wrap_around(void)
{
	unsigned long start = 7 * page_size - 16;
	struct drained d = { 0 };
	struct image im;
	unsigned char *p;
	int i, ok = 1;

	if (image_init(&im, page_size))
		return;
	image_start_at(&im, start);
	p = reserve(&im, 100, 9);
	TAP_EXPECT(p == (unsigned char *)im.data + page_size - 8);
	TAP_EXPECT_EQ(hdr_at(&im, start), 100 | RINGBUF_BUSY_BIT);
	/* 8 bytes at the end, the other 92 at the start of the area. */
	TAP_EXPECT_EQ((unsigned char)im.data[page_size - 1], 9 + 7);
	for (i = 8; i < 100; i++)
		ok &= (unsigned char)im.data[i - 8] == (unsigned char)(9 + i);
	TAP_EXPECT(ok);
	user_ringbuf_commit(p, false);
	TAP_EXPECT_EQ(hdr_at(&im, start), 100);
	TAP_EXPECT_EQ(drain(&im, &d), 1);
	TAP_EXPECT_EQ(d.len[0], 100);
	TAP_EXPECT_EQ(d.first[0], 9);
	TAP_EXPECT_EQ(im.consumer_pos, start + 112);
	/* The next record's header is inside the area again. */
	p = reserve(&im, 1, 0);
	TAP_EXPECT(p == (unsigned char *)im.data + 96 + RINGBUF_HDR_SZ);
	user_ringbuf_commit(p, false);
	image_fini(&im);
}

/*
 * Records reserved while others are outstanding come after them; the
 * kernel gets them in reservation order, each only once the ones before
 * it are committed, whatever order they were submitted in.
 */
static void outstanding_records(void)
{
	struct drained d = { 0 };
	struct image im;
	void *a, *b, *c;

	if (image_init(&im, page_size))
		return;
	a = reserve(&im, 8, 'a');
	b = reserve(&im, 8, 'b');
	c = reserve(&im, 8, 'c');
	TAP_EXPECT(b == (char *)a + 16);
	TAP_EXPECT(c == (char *)b + 16);
	user_ringbuf_commit(c, false);
	user_ringbuf_commit(b, false);
	TAP_EXPECT_EQ(hdr_at(&im, 0), 8 | RINGBUF_BUSY_BIT);
	TAP_EXPECT_EQ(drain(&im, &d), 0);
	TAP_EXPECT_EQ(im.consumer_pos, 0);
	user_ringbuf_commit(a, false);
	TAP_EXPECT_EQ(drain(&im, &d), 3);
	TAP_EXPECT_EQ(d.first[0], 'a');
	TAP_EXPECT_EQ(d.first[1], 'b');
	TAP_EXPECT_EQ(d.first[2], 'c');
	/* A held record is still room taken: the ring fills behind it. */
	a = reserve(&im, page_size / 2 - RINGBUF_HDR_SZ, 'x');
	b = reserve(&im, page_size / 2 - RINGBUF_HDR_SZ, 'y');
	TAP_EXPECT(b != NULL);
	user_ringbuf_commit(b, false);
	TAP_EXPECT_EQ(drain(&im, &d), 0);
	reserve_fails(&im, 0, -ENOSPC);
	user_ringbuf_commit(a, true);
	TAP_EXPECT_EQ(drain(&im, &d), 1);
	TAP_EXPECT_EQ(d.first[3], 'y');
	image_fini(&im);
}

/* Records filled and committed one at a time keep their order round the ring. */
static void many_in_order(void)
{
	struct drained d;
	struct image im;
	int i, ok = 1;
	void *p;

	if (image_init(&im, page_size))
		return;
	for (i = 0; i < 1000; i++) {
		p = reserve(&im, 1 + i % 200, i);
		if (!p)
			break;
		user_ringbuf_commit(p, i % 7 == 3);
		d.n = 0;
		ok &= drain(&im, &d) == (i % 7 != 3);
		ok &= i % 7 == 3 || (d.first[0] == (unsigned char)i && d.len[0] == 1 + i % 200U);
	}
	TAP_EXPECT(ok);
	TAP_EXPECT(im.producer_pos > 20UL * page_size);
	TAP_EXPECT_EQ(im.consumer_pos, im.producer_pos);
	image_fini(&im);
}

static void new_bad_arguments(void)
{
	struct {
		struct arena_user_ring_buffer_opts opts;
		unsigned char newer[8];
	} big;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC), before;
	struct arena_user_ring_buffer *rb;

	capture_start();
	before = next_fd();
	errno = 0;
	TAP_EXPECT(arena_user_ring_buffer__new(-1, NULL) == NULL);
	TAP_EXPECT_EQ(errno, EINVAL);
	memset(&big, 0, sizeof(big));
	big.opts.sz = sizeof(big);
	big.newer[2] = 1;
	errno = 0;
	TAP_EXPECT(arena_user_ring_buffer__new(null, &big.opts) == NULL);
	TAP_EXPECT_EQ(errno, EINVAL);
	TAP_EXPECT(strstr(captured, "not zero") != NULL);
	/* Neither our ioctl nor bpf(2) knows /dev/null. */
	errno = 0;
	rb = arena_user_ring_buffer__new(null, NULL);
	TAP_EXPECT(rb == NULL);
	TAP_EXPECT_EQ(errno, EINVAL);
	TAP_EXPECT(strstr(captured, "neither a ring") != NULL);
	TAP_EXPECT_EQ(next_fd(), before);
	errno = 0;
	TAP_EXPECT(arena_user_ring_buffer__reserve(NULL, 8) == NULL);
	TAP_EXPECT_EQ(errno, EINVAL);
	errno = 0;
	TAP_EXPECT(arena_user_ring_buffer__reserve_blocking(NULL, 8, 0) == NULL);
	TAP_EXPECT_EQ(errno, EINVAL);
	arena_user_ring_buffer__submit(NULL, NULL);
	arena_user_ring_buffer__discard(NULL, NULL);
	arena_user_ring_buffer__free(NULL);
	close(null);
}

/*
 * Which direction a ring goes is what the query says: the producer takes
 * only user-to-kernel rings, the consumer only the others.
 */
static void direction_checked(void)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	capture_start();
	fake_module_start();
	fake.ring_info = (struct ringbuf_info){
		.size = sizeof(fake.ring_info),
		.data_size = page_size,
	};
	errno = 0;
	TAP_EXPECT(arena_user_ring_buffer__new(null, NULL) == NULL);
	TAP_EXPECT_EQ(errno, EINVAL);
	TAP_EXPECT(strstr(captured, "not a user-to-kernel ring") != NULL);
	fake.ring_info.flags = RINGBUF_F_USER;
	EXPECT_RING_BUFFER_NEW_FAILS(null, EINVAL);
	TAP_EXPECT(strstr(captured, "its consumer in the kernel") != NULL);
	fake.active = false;
	close(null);
}

__attribute__((constructor)) static void get_page_size(void)
{
	page_size = sysconf(_SC_PAGESIZE);
}

static const struct tap_test tests[] = {
	{ "libarena", "user-ringbuf-reserve-submit-layout", reserve_submit_layout },
	{ "libarena", "user-ringbuf-reserve-too-big-e2big", reserve_too_big },
	{ "libarena", "user-ringbuf-full-ring-enospc", full_ring },
	{ "libarena", "user-ringbuf-discard", discard },
	{ "libarena", "user-ringbuf-wrap-around-double-mapped", wrap_around },
	{ "libarena", "user-ringbuf-outstanding-records", outstanding_records },
	{ "libarena", "user-ringbuf-many-in-order", many_in_order },
	{ "libarena", "user-ringbuf-new-bad-arguments-einval", new_bad_arguments },
	{ "libarena", "user-ringbuf-direction-checked", direction_checked },
};

TAP_MAIN(tests)
