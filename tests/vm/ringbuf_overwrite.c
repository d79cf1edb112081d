// SPDX-License-Identifier: GPL-2.0
/*
 * Ring buffers created with RINGBUF_F_OVERWRITE: when full, the oldest
 * records go, the overwrite position in the producer page moves past them
 * first, and what is left is the newest records, in order.
 */
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <arena_kmod.h>

#include "dev.h"
#include "tap.h"

#define REC_LEN		100	/* 112 bytes in the ring with header and padding */
#define REC_SPACE	112

static long psz(void)
{
	return sysconf(_SC_PAGESIZE);
}

/* Records numbered first .. first + n - 1, each REC_LEN bytes. */
static int output_seq(int fd, uint32_t first, uint32_t n)
{
	uint32_t seq, buf[REC_LEN / 4] = { 0 };
	struct ringbuf_record rec = { .data = (uintptr_t)buf, .len = REC_LEN };
	struct ringbuf_output out = {
		.size = sizeof(out),
		.records = (uintptr_t)&rec,
		.nr_records = 1,
	};

	for (seq = first; seq < first + n; seq++) {
		buf[0] = seq;
		buf[REC_LEN / 4 - 1] = ~seq;
		out.nr_written = 0;
		if (ioctl(fd, RINGBUF_IOC_OUTPUT, &out))
			return -errno;
	}
	return 0;
}

static int query(int fd, struct ringbuf_info *info)
{
	*info = (struct ringbuf_info){ .size = sizeof(*info) };
	return ioctl(fd, RINGBUF_IOC_QUERY, info) ? -errno : 0;
}

struct ring_map {
	unsigned long *cons;		/* page 0, writable */
	const unsigned long *pos;	/* producer page: [0] producer, [1] overwrite */
	const char *data;
	size_t ro_len;
};

static int ring_map(int fd, uint64_t data_size, struct ring_map *m)
{
	m->ro_len = psz() + 2 * data_size;
	m->cons = mmap(NULL, psz(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	m->pos = mmap(NULL, m->ro_len, PROT_READ, MAP_SHARED, fd, psz());
	if (m->cons == MAP_FAILED || m->pos == MAP_FAILED) {
		tap_fail(__FILE__, __LINE__, "mmap ring: %s", strerror(errno));
		return -1;
	}
	m->data = (const char *)m->pos + psz();
	return 0;
}

static void ring_unmap(struct ring_map *m)
{
	munmap(m->cons, psz());
	munmap((void *)m->pos, m->ro_len);
}

/* An overwrite ring of data_size bytes, mapped: its fd, or -1 (a failed check). */
static int overwrite_ring_mapped(uint64_t data_size, struct ring_map *m)
{
	int fd = dev_ringbuf_new(RINGBUF_F_OVERWRITE, data_size);

	TAP_EXPECT_OK(fd);
	if (fd < 0)
		return -1;
	if (ring_map(fd, data_size, m)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * Reads from the later of the consumer and overwrite positions to the
 * producer position; returns the count, with the first and last sequence
 * numbers seen, or -1 if a record is out of order or torn.
 */
static int read_seqs(const struct ring_map *m, uint64_t data_size, uint32_t *first,
		     uint32_t *last)
{
	unsigned long p = *m->cons, prod = __atomic_load_n(&m->pos[0], __ATOMIC_ACQUIRE);
	unsigned long over = __atomic_load_n(&m->pos[1], __ATOMIC_ACQUIRE);
	int n = 0;

	if ((long)(over - p) > 0)
		p = over;
	while (p != prod) {
		const struct ringbuf_hdr *h = (const void *)(m->data + (p & (data_size - 1)));
		const uint32_t *rec = (const uint32_t *)(h + 1);

		if (h->len != REC_LEN || rec[REC_LEN / 4 - 1] != ~rec[0] ||
		    (n && rec[0] != *last + 1))
			return -1;
		if (!n)
			*first = rec[0];
		*last = rec[0];
		n++;
		p += REC_SPACE;
	}
	return n;
}

static void unknown_flag_rejected(void)
{
	TAP_EXPECT_ERRNO(dev_ringbuf_new(1U << 2, psz()), EINVAL);
	TAP_EXPECT_ERRNO(dev_ringbuf_new(1U << 31, psz()), EINVAL);
}

static void flag_reported(void)
{
	struct ringbuf_info info;
	int fd = dev_ringbuf_new(RINGBUF_F_OVERWRITE, psz()), plain = dev_ringbuf_new(0, psz());

	TAP_EXPECT_OK(fd);
	TAP_EXPECT_OK(query(fd, &info));
	TAP_EXPECT_EQ(info.flags, RINGBUF_F_OVERWRITE);
	TAP_EXPECT_EQ(info.overwrite_pos, 0);
	TAP_EXPECT_OK(query(plain, &info));
	TAP_EXPECT_EQ(info.flags, 0);
	close(fd);
	close(plain);
}

/* Never full: every output succeeds, and the newest records are what is left. */
static void keeps_newest(void)
{
	uint64_t size = psz();
	uint32_t first = 0, last = 0, fit = size / REC_SPACE;
	struct ringbuf_info info;
	struct ring_map m;
	int fd = overwrite_ring_mapped(size, &m);

	if (fd < 0)
		return;
	TAP_EXPECT_OK(output_seq(fd, 0, 1000));
	TAP_EXPECT_EQ(read_seqs(&m, size, &first, &last), fit);
	TAP_EXPECT_EQ(last, 999);
	TAP_EXPECT_EQ(first, 1000 - fit);
	/* The overwrite position is published, and the query agrees. */
	TAP_EXPECT_OK(query(fd, &info));
	TAP_EXPECT_EQ(info.producer_pos, 1000 * REC_SPACE);
	TAP_EXPECT_EQ(info.overwrite_pos, m.pos[1]);
	TAP_EXPECT_EQ(info.overwrite_pos, (1000 - fit) * REC_SPACE);
	TAP_EXPECT_EQ(info.avail_data, fit * REC_SPACE);
	TAP_EXPECT(info.producer_pos - info.overwrite_pos <= size - 1);
	ring_unmap(&m);
	close(fd);
}

/* Records the consumer has read are not counted again; the rest still drop. */
static void consumer_ahead_of_overwrite(void)
{
	uint64_t size = psz();
	uint32_t first = 0, last = 0;
	struct ringbuf_info info;
	struct ring_map m;
	int fd = overwrite_ring_mapped(size, &m);

	if (fd < 0)
		return;
	TAP_EXPECT_OK(output_seq(fd, 0, 10));
	/* Consume 4: overwrite has not started, so nothing is lost yet. */
	__atomic_store_n(m.cons, 4 * REC_SPACE, __ATOMIC_RELEASE);
	TAP_EXPECT_OK(query(fd, &info));
	TAP_EXPECT_EQ(info.avail_data, 6 * REC_SPACE);
	TAP_EXPECT_EQ(read_seqs(&m, size, &first, &last), 6);
	TAP_EXPECT_EQ(first, 4);
	/* Now far more than fits: the consumer is behind the overwrite point. */
	TAP_EXPECT_OK(output_seq(fd, 10, 100));
	TAP_EXPECT_OK(query(fd, &info));
	TAP_EXPECT(info.overwrite_pos > info.consumer_pos);
	TAP_EXPECT_EQ(info.avail_data, info.producer_pos - info.overwrite_pos);
	TAP_EXPECT_EQ(read_seqs(&m, size, &first, &last), size / REC_SPACE);
	TAP_EXPECT_EQ(last, 109);
	ring_unmap(&m);
	close(fd);
}

/* A plain ring of the same size refuses what does not fit instead. */
static void plain_ring_fails_when_full(void)
{
	uint64_t size = psz();
	int fd = dev_ringbuf_new(0, size);

	TAP_EXPECT_OK(output_seq(fd, 0, size / REC_SPACE));
	TAP_EXPECT_ERRNO(output_seq(fd, 100, 1), EAGAIN);
	close(fd);
}

static const struct tap_test tests[] = {
	{ "ringbuf", "overwrite-unknown-flag-rejected", unknown_flag_rejected },
	{ "ringbuf", "overwrite-flag-reported", flag_reported },
	{ "ringbuf", "overwrite-keeps-newest", keeps_newest },
	{ "ringbuf", "overwrite-consumer-ahead", consumer_ahead_of_overwrite },
	{ "ringbuf", "overwrite-plain-ring-fails-when-full", plain_ring_fails_when_full },
};

TAP_MAIN(tests)
