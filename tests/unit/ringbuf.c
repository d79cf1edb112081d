// SPDX-License-Identifier: GPL-2.0
/*
 * libarena's ring buffer consumer on the host, where no module is loaded:
 * the record walk, ringbuf_image_consume(), over a ring image built here
 * with the data area really mapped twice (a memfd, back to back), and
 * what the constructors make of files that are no ring.
 */
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture.h"
#include "double_map.h"
#include "fake_module.h"
#include "internal.h"
#include "ring_buffer.h"
#include "tap.h"

/* A ring in plain memory, written by the tests as a producer would. */
struct image {
	unsigned long consumer_pos;
	unsigned long producer_pos;
	unsigned long overwrite_pos;	/* right after producer_pos, as mapped */
	char *data;		/* size bytes, then the same bytes again */
	size_t size;
	struct ringbuf_image img;
};

/* What the callback saw. */
#define MAX_SEEN	32

struct seen {
	int calls;
	int stop_at;		/* the call (1-based) that returns stop_err */
	int stop_err;
	struct {
		size_t len;
		unsigned char first, last;
		unsigned long cons_pos;	/* *consumer_pos during the call */
		void *data;
	} rec[MAX_SEEN];
	const struct image *im;
};

static long page_size;

static int image_init(struct image *im, size_t size)
{
	memset(im, 0, sizeof(*im));
	im->size = size;
	im->data = double_map(size);
	if (!im->data)
		return -1;
	im->img = (struct ringbuf_image){
		.consumer_pos = &im->consumer_pos,
		.producer_pos = &im->producer_pos,
		.data = im->data,
		.mask = size - 1,
	};
	return 0;
}

/* An overwrite ring: the overwrite position and a bounce buffer too. */
static int image_init_overwrite(struct image *im, size_t size)
{
	if (image_init(im, size))
		return -1;
	im->img.overwrite_pos = &im->overwrite_pos;
	im->img.bounce = malloc(size);
	return 0;
}

static void image_fini(struct image *im)
{
	double_unmap(im->data, im->size);
	free(im->img.bounce);
}

/* Both positions at pos, as after a producer and consumer went that far. */
static void image_start_at(struct image *im, unsigned long pos)
{
	im->consumer_pos = pos;
	im->producer_pos = pos;
	im->overwrite_pos = pos;
}

/*
 * Appends a record of len bytes, each (fill + i) & 0xff, with the header
 * bits given (RINGBUF_BUSY_BIT, RINGBUF_DISCARD_BIT); returns its position.
 */
static unsigned long put(struct image *im, __u32 len, __u32 bits, unsigned char fill)
{
	unsigned long pos = im->producer_pos;
	unsigned long off = pos & im->img.mask;
	struct ringbuf_hdr *hdr = (struct ringbuf_hdr *)(im->data + off);
	unsigned char *p = (unsigned char *)(hdr + 1);
	__u32 i;

	for (i = 0; i < len; i++)
		p[i] = fill + i;
	hdr->pg_off = off / page_size;
	hdr->len = len | bits;
	im->producer_pos = pos + ((len + RINGBUF_HDR_SZ + 7) & ~7UL);
	return pos;
}

static __u32 *hdr_len(struct image *im, unsigned long pos)
{
	return (__u32 *)(im->data + (pos & im->img.mask));
}

static int record_cb(void *ctx, void *data, size_t len)
{
	struct seen *s = ctx;
	int i = s->calls++;

	if (i < MAX_SEEN) {
		s->rec[i].len = len;
		s->rec[i].first = len ? ((unsigned char *)data)[0] : 0;
		s->rec[i].last = len ? ((unsigned char *)data)[len - 1] : 0;
		s->rec[i].cons_pos = *s->im->img.consumer_pos;
		s->rec[i].data = data;
	}
	return s->calls == s->stop_at ? s->stop_err : 0;
}

static int64_t consume(struct image *im, struct seen *s, size_t n)
{
	s->im = im;
	return ringbuf_image_consume(&im->img, n, record_cb, s);
}

/* Nothing produced: no call, no position moved, from 0 or further on. */
static void empty_ring(void)
{
	struct seen s = { 0 };
	struct image im;

	if (image_init(&im, page_size))
		return;
	TAP_EXPECT_EQ(consume(&im, &s, SIZE_MAX), 0);
	TAP_EXPECT_EQ(s.calls, 0);
	TAP_EXPECT_EQ(im.consumer_pos, 0);
	image_start_at(&im, 3 * page_size + 24);
	TAP_EXPECT_EQ(consume(&im, &s, SIZE_MAX), 0);
	TAP_EXPECT_EQ(s.calls, 0);
	TAP_EXPECT_EQ(im.consumer_pos, 3 * page_size + 24);
	TAP_EXPECT_EQ(im.producer_pos, 3 * page_size + 24);
	image_fini(&im);
}

static void one_record(void)
{
	struct seen s = { 0 };
	struct image im;

	if (image_init(&im, page_size))
		return;
	put(&im, 5, 0, 'a');
	TAP_EXPECT_EQ(consume(&im, &s, SIZE_MAX), 1);
	TAP_EXPECT_EQ(s.calls, 1);
	TAP_EXPECT_EQ(s.rec[0].len, 5);
	TAP_EXPECT_EQ(s.rec[0].first, 'a');
	TAP_EXPECT_EQ(s.rec[0].last, 'e');
	TAP_EXPECT(s.rec[0].data == im.data + RINGBUF_HDR_SZ);
	TAP_EXPECT_EQ(im.consumer_pos, 16);
	TAP_EXPECT_EQ(im.producer_pos, 16);
	/* Consumed once only. */
	TAP_EXPECT_EQ(consume(&im, &s, SIZE_MAX), 0);
	TAP_EXPECT_EQ(s.calls, 1);
	image_fini(&im);
}

static void discard_skipped(void)
{
	struct seen s = { 0 };
	struct image im;

	if (image_init(&im, page_size))
		return;
	put(&im, 8, 0, 1);
	put(&im, 100, RINGBUF_DISCARD_BIT, 2);
	put(&im, 3, 0, 3);
	put(&im, 0, RINGBUF_DISCARD_BIT, 4);
	TAP_EXPECT_EQ(consume(&im, &s, SIZE_MAX), 2);
	TAP_EXPECT_EQ(s.calls, 2);
	TAP_EXPECT_EQ(s.rec[0].first, 1);
	TAP_EXPECT_EQ(s.rec[0].len, 8);
	TAP_EXPECT_EQ(s.rec[1].first, 3);
	TAP_EXPECT_EQ(s.rec[1].len, 3);
	TAP_EXPECT_EQ(im.consumer_pos, 16 + 112 + 16 + 8);
	TAP_EXPECT_EQ(im.consumer_pos, im.producer_pos);
	image_fini(&im);
}

/* A busy record stops the walk before it, until it is committed. */
static void busy_stops(void)
{
	struct seen s = { 0 };
	struct image im;
	unsigned long busy;

	if (image_init(&im, page_size))
		return;
	put(&im, 4, 0, 1);
	busy = put(&im, 4, RINGBUF_BUSY_BIT, 2);
	put(&im, 4, 0, 3);
	TAP_EXPECT_EQ(consume(&im, &s, SIZE_MAX), 1);
	TAP_EXPECT_EQ(s.calls, 1);
	TAP_EXPECT_EQ(im.consumer_pos, busy);
	TAP_EXPECT_EQ(consume(&im, &s, SIZE_MAX), 0);
	TAP_EXPECT_EQ(im.consumer_pos, busy);
	*hdr_len(&im, busy) &= ~RINGBUF_BUSY_BIT;
	TAP_EXPECT_EQ(consume(&im, &s, SIZE_MAX), 2);
	TAP_EXPECT_EQ(s.calls, 3);
	TAP_EXPECT_EQ(s.rec[1].first, 2);
	TAP_EXPECT_EQ(s.rec[2].first, 3);
	TAP_EXPECT_EQ(im.consumer_pos, im.producer_pos);
	image_fini(&im);
}

/*
 * A record that runs past the end of the data area: the callback gets it
 * in one piece through the second mapping, and its tail is really at the
 * start of the area.
 */
static void wrap_around(void)
{
	unsigned long start = 5 * page_size - 16;
	struct seen s = { 0 };
	struct image im;
	unsigned char *p;
	int i, ok = 1;

	if (image_init(&im, page_size))
		return;
	image_start_at(&im, start);
	put(&im, 200, 0, 7);
	/* The header and 8 bytes at the end, the other 192 at the start. */
	TAP_EXPECT_EQ((unsigned char)im.data[page_size - 1], 7 + 7);
	TAP_EXPECT_EQ((unsigned char)im.data[0], 7 + 8);
	TAP_EXPECT_EQ(consume(&im, &s, SIZE_MAX), 1);
	TAP_EXPECT_EQ(s.rec[0].len, 200);
	TAP_EXPECT(s.rec[0].data == im.data + page_size - 8);
	p = s.rec[0].data;
	for (i = 0; i < 200; i++)
		ok &= p[i] == (unsigned char)(7 + i);
	TAP_EXPECT(ok);
	TAP_EXPECT_EQ(im.consumer_pos, start + 208);
	/* The next record starts inside the area again. */
	put(&im, 1, 0, 9);
	TAP_EXPECT_EQ(consume(&im, &s, SIZE_MAX), 1);
	TAP_EXPECT(s.rec[1].data == im.data + 192 + RINGBUF_HDR_SZ);
	TAP_EXPECT_EQ(s.rec[1].first, 9);
	image_fini(&im);
}

/*
 * A callback's negative return stops the walk, is the result, and its
 * record counts as consumed; the next call goes on after it.
 */
static void callback_stop(void)
{
	struct seen s = { .stop_at = 2, .stop_err = -42 };
	struct image im;
	unsigned long third;

	if (image_init(&im, page_size))
		return;
	put(&im, 1, 0, 1);
	put(&im, 1, 0, 2);
	third = put(&im, 1, 0, 3);
	TAP_EXPECT_EQ(consume(&im, &s, SIZE_MAX), -42);
	TAP_EXPECT_EQ(s.calls, 2);
	TAP_EXPECT_EQ(im.consumer_pos, third);
	TAP_EXPECT_EQ(consume(&im, &s, SIZE_MAX), 1);
	TAP_EXPECT_EQ(s.rec[2].first, 3);
	/* A positive return goes on, as in libbpf. */
	s.stop_at = 4;
	s.stop_err = 1;
	put(&im, 1, 0, 4);
	put(&im, 1, 0, 5);
	TAP_EXPECT_EQ(consume(&im, &s, SIZE_MAX), 2);
	TAP_EXPECT_EQ(im.consumer_pos, im.producer_pos);
	image_fini(&im);
}

static void consume_n_limit(void)
{
	struct seen s = { 0 };
	struct image im;
	int i;

	if (image_init(&im, page_size))
		return;
	for (i = 0; i < 5; i++)
		put(&im, 8, 0, i);
	TAP_EXPECT_EQ(consume(&im, &s, 0), 0);
	TAP_EXPECT_EQ(s.calls, 0);
	TAP_EXPECT_EQ(im.consumer_pos, 0);
	TAP_EXPECT_EQ(consume(&im, &s, 2), 2);
	TAP_EXPECT_EQ(im.consumer_pos, 2 * 16);
	TAP_EXPECT_EQ(consume(&im, &s, 1), 1);
	TAP_EXPECT_EQ(im.consumer_pos, 3 * 16);
	TAP_EXPECT_EQ(consume(&im, &s, 10), 2);
	TAP_EXPECT_EQ(s.calls, 5);
	for (i = 0; i < 5; i++)
		TAP_EXPECT_EQ(s.rec[i].first, i);
	/* Discarded records do not count toward n. */
	put(&im, 8, RINGBUF_DISCARD_BIT, 10);
	put(&im, 8, 0, 11);
	put(&im, 8, 0, 12);
	TAP_EXPECT_EQ(consume(&im, &s, 1), 1);
	TAP_EXPECT_EQ(s.rec[5].first, 11);
	TAP_EXPECT_EQ(im.consumer_pos, 7 * 16);
	image_fini(&im);
}

/* Each length takes its header and is padded to 8 bytes. */
static void padding_to_8(void)
{
	struct seen s = { 0 };
	struct image im;
	unsigned long before;
	__u32 len;

	if (image_init(&im, page_size))
		return;
	for (len = 0; len <= 17; len++) {
		before = im.producer_pos;
		put(&im, len, 0, len);
		TAP_EXPECT_EQ(consume(&im, &s, 1), 1);
		TAP_EXPECT_EQ(im.consumer_pos - before,
			      len == 0 ? 8 : len <= 8 ? 16 : len <= 16 ? 24 : 32);
		TAP_EXPECT_EQ(s.rec[len % MAX_SEEN].len, len);
	}
	image_fini(&im);
}

/*
 * The consumer position moves after each record, before the next callback,
 * to exactly the end of the last record; the producer position is never
 * written.
 */
static void positions_exact(void)
{
	unsigned long p0, p1, p2, p3, end;
	struct seen s = { 0 };
	struct image im;

	if (image_init(&im, page_size))
		return;
	image_start_at(&im, 1000);
	p0 = put(&im, 10, 0, 1);
	p1 = put(&im, 20, RINGBUF_DISCARD_BIT, 2);
	p2 = put(&im, 30, 0, 3);
	p3 = put(&im, 40, 0, 4);
	end = im.producer_pos;
	TAP_EXPECT_EQ(p1 - p0, 24);
	TAP_EXPECT_EQ(consume(&im, &s, SIZE_MAX), 3);
	TAP_EXPECT_EQ(s.rec[0].cons_pos, p0);
	TAP_EXPECT_EQ(s.rec[1].cons_pos, p2);
	TAP_EXPECT_EQ(s.rec[2].cons_pos, p3);
	TAP_EXPECT_EQ(im.consumer_pos, end);
	TAP_EXPECT_EQ(im.producer_pos, end);
	TAP_EXPECT_EQ(end - p0, 24 + 32 + 40 + 48);
	image_fini(&im);
}

/*
 * Overwrite rings: a consumer behind the overwrite position resumes there
 * and counts the bytes in between; each record it hands out is a copy.
 */
static void overwrite_skips_lost(void)
{
	unsigned long p[6];
	struct seen s = { 0 };
	struct image im;
	int i;

	if (image_init_overwrite(&im, page_size))
		return;
	image_start_at(&im, 3 * page_size);
	for (i = 0; i < 6; i++)
		p[i] = put(&im, 20 + i, 0, 10 * i);
	/* Nothing dropped: all six, copied, intact. */
	TAP_EXPECT_EQ(consume(&im, &s, 2), 2);
	TAP_EXPECT(s.rec[0].data == im.img.bounce);
	TAP_EXPECT_EQ(s.rec[1].len, 21);
	TAP_EXPECT_EQ(s.rec[1].first, 10);
	TAP_EXPECT_EQ(s.rec[1].last, 10 + 20);
	TAP_EXPECT_EQ(im.img.lost_bytes, 0);
	/* The producer dropped records 2 and 3 meanwhile. */
	im.overwrite_pos = p[4];
	TAP_EXPECT_EQ(consume(&im, &s, SIZE_MAX), 2);
	TAP_EXPECT_EQ(s.rec[2].first, 40);
	TAP_EXPECT_EQ(s.rec[3].first, 50);
	TAP_EXPECT_EQ(im.img.lost_bytes, p[4] - p[2]);
	TAP_EXPECT_EQ(im.consumer_pos, im.producer_pos);
	/* A consumer ahead of the overwrite position loses nothing. */
	im.overwrite_pos = p[5];
	put(&im, 1, 0, 99);
	TAP_EXPECT_EQ(consume(&im, &s, SIZE_MAX), 1);
	TAP_EXPECT_EQ(s.rec[4].first, 99);
	TAP_EXPECT_EQ(im.img.lost_bytes, p[4] - p[2]);
	image_fini(&im);
}

/*
 * A header being rewritten by an overwrite can claim more than was
 * produced: never followed; skipped once the overwrite position says the
 * record is gone, waited on until then.  Discarded records are skipped
 * as in any ring.
 */
static void overwrite_torn_header(void)
{
	unsigned long p0, p1, p2;
	struct seen s = { 0 };
	struct image im;

	if (image_init_overwrite(&im, page_size))
		return;
	p0 = put(&im, 8, 0, 1);
	p1 = put(&im, 8, RINGBUF_DISCARD_BIT, 2);
	p2 = put(&im, 8, 0, 3);
	*hdr_len(&im, p0) = 3000;
	TAP_EXPECT_EQ(consume(&im, &s, SIZE_MAX), 0);
	TAP_EXPECT_EQ(im.consumer_pos, p0);
	im.overwrite_pos = p1;
	TAP_EXPECT_EQ(consume(&im, &s, SIZE_MAX), 1);
	TAP_EXPECT_EQ(s.rec[0].first, 3);
	TAP_EXPECT_EQ(im.img.lost_bytes, p1 - p0);
	TAP_EXPECT_EQ(im.consumer_pos, p2 + 16);
	image_fini(&im);
}

/* A producer that laps the consumer, as ringbuf_kmod.c's overwrite mode does. */
#define LAP_REC_LEN	52	/* 64 bytes in the ring */
#define LAP_REC_SPACE	64
#define LAP_RECORDS	200000

struct lap {
	struct image *im;
	bool done;
	/* what the consumer saw */
	unsigned long delivered, bad, last_seq;
};

/* Record seq: seq, then words that depend on seq and their index. */
static void lap_fill(__u32 *rec, __u32 seq)
{
	int i;

	rec[0] = seq;
	for (i = 1; i < LAP_REC_LEN / 4; i++)
		rec[i] = seq * 2654435761U + i;
}

static void *lap_produce(void *arg)
{
	struct lap *lap = arg;
	struct image *im = lap->im;
	unsigned long prod = 0, over = 0;
	__u32 seq, *hdr;

	for (seq = 1; seq <= LAP_RECORDS; seq++) {
		/* Drop the oldest records until this one fits, publish that first. */
		while (prod + LAP_REC_SPACE - over > im->size - 1)
			over += LAP_REC_SPACE;
		__atomic_store_n(&im->overwrite_pos, over, __ATOMIC_RELEASE);
		/* The kernel's smp_wmb(): no byte of them changes before that shows. */
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		hdr = (__u32 *)(im->data + (prod & (im->size - 1)));
		__atomic_store_n(hdr, LAP_REC_LEN | RINGBUF_BUSY_BIT, __ATOMIC_RELAXED);
		prod += LAP_REC_SPACE;
		__atomic_store_n(&im->producer_pos, prod, __ATOMIC_RELEASE);
		lap_fill(hdr + 2, seq);
		__atomic_store_n(hdr, LAP_REC_LEN, __ATOMIC_RELEASE);
		/* Pauses that let the consumer keep up, mostly. */
		if (seq % 32 == 0)
			usleep(10);
	}
	__atomic_store_n(&lap->done, true, __ATOMIC_RELEASE);
	return NULL;
}

static int lap_cb(void *ctx, void *data, size_t len)
{
	struct lap *lap = ctx;
	__u32 want[LAP_REC_LEN / 4], seq;

	memcpy(&seq, data, sizeof(seq));
	lap_fill(want, seq);
	if (len != LAP_REC_LEN || memcmp(data, want, len) || seq <= lap->last_seq)
		lap->bad++;
	lap->last_seq = seq;
	/* Now and then a slow consumer: the producer surely laps it. */
	if (++lap->delivered % 4096 == 0)
		usleep(2000);
	return 0;
}

/*
 * A producer thread laps the consumer many times: every record handed out
 * is intact and newer than the last, and what is not handed out is
 * counted, to the record.
 */
static void overwrite_lapped(void)
{
	struct image im;
	struct lap lap = { .im = &im };
	pthread_t producer;
	int64_t ret = 0;

	if (image_init_overwrite(&im, page_size))
		return;
	if (pthread_create(&producer, NULL, lap_produce, &lap)) {
		tap_fail(__FILE__, __LINE__, "pthread_create failed");
		image_fini(&im);
		return;
	}
	while (ret >= 0 && (!__atomic_load_n(&lap.done, __ATOMIC_ACQUIRE) ||
			    im.consumer_pos != im.producer_pos))
		ret = ringbuf_image_consume(&im.img, SIZE_MAX, lap_cb, &lap);
	pthread_join(producer, NULL);
	TAP_EXPECT_OK(ret);
	TAP_EXPECT_EQ(lap.bad, 0);
	TAP_EXPECT_EQ(lap.last_seq, LAP_RECORDS);
	TAP_EXPECT(im.img.lost_bytes > 0);
	TAP_EXPECT_EQ(im.img.lost_bytes % LAP_REC_SPACE, 0);
	TAP_EXPECT_EQ(lap.delivered + im.img.lost_bytes / LAP_REC_SPACE, LAP_RECORDS);
	printf("# %lu records delivered, %llu lost\n", lap.delivered,
	       (unsigned long long)(im.img.lost_bytes / LAP_REC_SPACE));
	image_fini(&im);
}

/*
 * Neither our ioctl nor bpf(2) knows these: EINVAL, said with the fd, and
 * nothing left open.
 */
static void new_non_ring_fd(void)
{
	char path[] = "/tmp/libarena-ringbuf-XXXXXX";
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	int file = mkstemp(path);
	int before, pipefd[2] = { -1, -1 };

	capture_start();
	TAP_EXPECT_OK(null);
	TAP_EXPECT_OK(file);
	TAP_EXPECT_OK(pipe(pipefd));
	before = next_fd();
	EXPECT_RING_BUFFER_NEW_FAILS(null, EINVAL);
	TAP_EXPECT(strstr(captured, "neither a ring") != NULL);
	EXPECT_RING_BUFFER_NEW_FAILS(file, EINVAL);
	EXPECT_RING_BUFFER_NEW_FAILS(pipefd[0], EINVAL);
	TAP_EXPECT_EQ(next_fd(), before);
	close(pipefd[0]);
	close(pipefd[1]);
	/*
	 * A closed descriptor: what the ioctl said.  One far above the
	 * lowest free, which the constructor's own epoll fd takes.
	 */
	TAP_EXPECT_ERRNO(fcntl(999, F_GETFD), EBADF);
	EXPECT_RING_BUFFER_NEW_FAILS(999, EBADF);
	EXPECT_RING_BUFFER_NEW_FAILS(-1, EINVAL);
	close(null);
	close(file);
	unlink(path);
}

static void new_bad_arguments(void)
{
	struct {
		struct arena_ring_buffer_opts opts;
		unsigned char newer[8];
	} big;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	struct arena_ring_buffer *rb;

	capture_start();
	/* Arguments first: a closed fd would say EBADF. */
	TAP_EXPECT_ERRNO(fcntl(999, F_GETFD), EBADF);
	errno = 0;
	rb = arena_ring_buffer__new(999, NULL, NULL, NULL);
	TAP_EXPECT(rb == NULL);
	TAP_EXPECT_EQ(errno, EINVAL);
	memset(&big, 0, sizeof(big));
	big.opts.sz = sizeof(big);
	big.newer[3] = 1;
	errno = 0;
	rb = arena_ring_buffer__new(999, ring_buffer_ignore_cb, NULL, &big.opts);
	TAP_EXPECT(rb == NULL);
	TAP_EXPECT_EQ(errno, EINVAL);
	TAP_EXPECT(strstr(captured, "not zero") != NULL);
	/* NULL objects: -EINVAL and errno, as libbpf 1.x. */
	errno = 0;
	TAP_EXPECT_ERRNO(arena_ring_buffer__poll(NULL, 0), EINVAL);
	TAP_EXPECT_EQ(errno, EINVAL);
	TAP_EXPECT_ERRNO(arena_ring_buffer__consume(NULL), EINVAL);
	TAP_EXPECT_ERRNO(arena_ring_buffer__consume_n(NULL, 1), EINVAL);
	TAP_EXPECT_ERRNO(arena_ring_buffer__epoll_fd(NULL), EINVAL);
	TAP_EXPECT_ERRNO(arena_ring_buffer__add(NULL, null, ring_buffer_ignore_cb, NULL), EINVAL);
	arena_ring_buffer__free(NULL);
	close(null);
}

/* The producer helper passes on what the ioctl said of a non-ring. */
static void output_non_ring_fd(void)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	TAP_EXPECT_ERRNO(arena_ringbuf__output(null, "x", 1, 0), ENOTTY);
	close(null);
	TAP_EXPECT_ERRNO(arena_ringbuf__output(null, "x", 1, 0), EBADF);
}

/* A module without ARENA_FEATURE_RINGBUF: no ioctl is even tried. */
static void create_needs_feature(void)
{
	LIBARENA_OPTS(arena_dev_opts, opts, .path = "/dev/null");
	struct arena_dev *dev = NULL;
	int fd = 123;

	capture_start();
	TAP_EXPECT_ERRNO(arena_dev__ringbuf_create(NULL, page_size, NULL, &fd), EINVAL);
	TAP_EXPECT_EQ(fd, -1);
	fake_module_start();
	fake.reply.features = ARENA_FEATURE_ARENA;
	TAP_EXPECT_OK(arena_dev__open(&opts, &dev));
	fake.active = false;
	TAP_EXPECT_ERRNO(arena_dev__ringbuf_create(dev, page_size, NULL, NULL), EINVAL);
	fd = 123;
	TAP_EXPECT_ERRNO(arena_dev__ringbuf_create(dev, page_size, NULL, &fd), EOPNOTSUPP);
	TAP_EXPECT_EQ(fd, -1);
	TAP_EXPECT(strstr(captured, "no ring buffers") != NULL);
	arena_dev__close(dev);

	/* With the feature, /dev/null's own answer comes back. */
	fake_module_start();
	fake.reply.features = ARENA_FEATURE_ARENA | ARENA_FEATURE_RINGBUF;
	TAP_EXPECT_OK(arena_dev__open(&opts, &dev));
	fake.active = false;
	TAP_EXPECT_ERRNO(arena_dev__ringbuf_create(dev, page_size, NULL, &fd), ENOTTY);
	TAP_EXPECT_EQ(fd, -1);
	arena_dev__close(dev);
}

/* The options' flags reach the ioctl; options from a newer program do not. */
static void create_passes_flags(void)
{
	LIBARENA_OPTS(arena_dev_opts, dev_opts, .path = "/dev/null");
	LIBARENA_OPTS(arena_ringbuf_opts, opts, .flags = RINGBUF_F_USER);
	struct {
		struct arena_ringbuf_opts opts;
		unsigned char newer[8];
	} big;
	struct arena_dev *dev = NULL;
	int fd = -1;

	capture_start();
	fake_module_start();
	fake.reply.features = ARENA_FEATURE_RINGBUF;
	TAP_EXPECT_OK(arena_dev__open(&dev_opts, &dev));
	TAP_EXPECT_OK(arena_dev__ringbuf_create(dev, 2 * page_size, &opts, &fd));
	TAP_EXPECT(fd >= 0);
	TAP_EXPECT_EQ(fake.ring_create_calls, 1);
	TAP_EXPECT_EQ(fake.ring_create.flags, RINGBUF_F_USER);
	TAP_EXPECT_EQ(fake.ring_create.data_size, 2 * page_size);
	TAP_EXPECT_EQ(fake.ring_create.size, sizeof(struct ringbuf_create));
	if (fd >= 0)
		close(fd);
	memset(&big, 0, sizeof(big));
	big.opts.sz = sizeof(big);
	big.newer[5] = 1;
	TAP_EXPECT_ERRNO(arena_dev__ringbuf_create(dev, page_size, &big.opts, &fd), EINVAL);
	TAP_EXPECT_EQ(fd, -1);
	TAP_EXPECT_EQ(fake.ring_create_calls, 1);
	fake.active = false;
	arena_dev__close(dev);
}

__attribute__((constructor)) static void get_page_size(void)
{
	page_size = sysconf(_SC_PAGESIZE);
}

static const struct tap_test tests[] = {
	{ "libarena", "ringbuf-empty-ring", empty_ring },
	{ "libarena", "ringbuf-one-record", one_record },
	{ "libarena", "ringbuf-discard-skipped", discard_skipped },
	{ "libarena", "ringbuf-busy-stops", busy_stops },
	{ "libarena", "ringbuf-wrap-around-double-mapped", wrap_around },
	{ "libarena", "ringbuf-callback-stop-returns-its-value", callback_stop },
	{ "libarena", "ringbuf-consume-n-limit", consume_n_limit },
	{ "libarena", "ringbuf-padding-to-8", padding_to_8 },
	{ "libarena", "ringbuf-positions-advanced-exactly", positions_exact },
	{ "libarena", "ringbuf-overwrite-skips-lost", overwrite_skips_lost },
	{ "libarena", "ringbuf-overwrite-torn-header", overwrite_torn_header },
	{ "libarena", "ringbuf-overwrite-lapped-intact-in-order", overwrite_lapped },
	{ "libarena", "ringbuf-new-non-ring-fd-einval", new_non_ring_fd },
	{ "libarena", "ringbuf-new-bad-arguments-einval", new_bad_arguments },
	{ "libarena", "ringbuf-output-non-ring-fd", output_non_ring_fd },
	{ "libarena", "ringbuf-create-needs-feature", create_needs_feature },
	{ "libarena", "ringbuf-create-passes-flags", create_passes_flags },
};

TAP_MAIN(tests)
