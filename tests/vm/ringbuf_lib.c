// SPDX-License-Identifier: GPL-2.0
/*
 * libarena's ring buffers against the real module: a ring made through the
 * library, records written by another process with the output ioctl and
 * read back with arena_ring_buffer__poll(), several rings on one consumer,
 * its epoll fd, and the same consumer on the kernel's own
 * BPF_MAP_TYPE_RINGBUF (Linux 5.8+, so every test kernel), created with
 * raw bpf(2): nothing can write into that one without a BPF program, so
 * the consumer is only seen to map it and find it empty.
 */
#include <fcntl.h>
#include <linux/bpf.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "libarena.h"
#include "ring_buffer.h"
#include "tap.h"

/* enum bpf_map_type, the same in every kernel since 5.8. */
_Static_assert(BPF_MAP_TYPE_RINGBUF == 27, "BPF_MAP_TYPE_RINGBUF");

/* Records written per producer: several times round a one-page ring. */
#define NR_RECORDS	300
#define POLL_MS		5000

static long page_size;

/* Record i: its index, then bytes (i + j) & 0xff, 4 to 67 bytes in all. */
static __u32 rec_len(int i)
{
	return 4 + (i * 7) % 64;
}

static void rec_fill(unsigned char *buf, int i)
{
	__u32 j;

	memcpy(buf, &i, sizeof(i));
	for (j = 4; j < rec_len(i); j++)
		buf[j] = i + j;
}

/* What a consumer's callback saw of one ring. */
struct rx {
	int next;		/* the index expected next */
	int bad;		/* records out of order or wrong */
	int tag;		/* added to each index by its producer */
};

static int rx_cb(void *ctx, void *data, size_t len)
{
	unsigned char want[128];
	struct rx *rx = ctx;
	int i = rx->next + rx->tag;

	rec_fill(want, i);
	if (len != rec_len(i) || memcmp(data, want, len)) {
		if (!rx->bad++) {
			int seen = -1;

			if (len >= sizeof(seen))
				memcpy(&seen, data, sizeof(seen));
			printf("# record %d: seen index %d, %zu bytes, expected %u\n",
			       i, seen, len, rec_len(i));
		}
	}
	rx->next++;
	return 0;
}

static struct arena_dev *open_dev_lib(void)
{
	struct arena_dev *dev = NULL;
	int err = arena_dev__open(NULL, &dev);

	if (err)
		tap_fail(__FILE__, __LINE__, "arena_dev__open: %s", strerror(-err));
	return dev;
}

static int make_ring(struct arena_dev *dev, __u64 size)
{
	int fd = -1;
	int err = arena_dev__ringbuf_create(dev, size, NULL, &fd);

	if (err)
		tap_fail(__FILE__, __LINE__, "arena_dev__ringbuf_create(%llu): %s",
			 (unsigned long long)size, strerror(-err));
	return fd;
}

/*
 * A child that writes records first .. first + count - 1 into ring fd,
 * waiting while the ring is full; it exits 0 when all are in.
 */
static pid_t produce(int fd, int first, int count)
{
	unsigned char buf[128];
	int i, err, tries;
	pid_t pid = fork();

	if (pid)
		return pid;
	for (i = first; i < first + count; i++) {
		rec_fill(buf, i);
		tries = 0;
		while ((err = arena_ringbuf__output(fd, buf, rec_len(i), 0)) == -EAGAIN &&
		       tries++ < POLL_MS)
			usleep(1000);
		if (err)
			_exit(1);
	}
	_exit(0);
}

static void expect_child_ok(pid_t pid, int line)
{
	int status;

	if (pid < 0) {
		tap_fail(__FILE__, line, "fork: %s", strerror(errno));
		return;
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status))
		tap_fail(__FILE__, line, "the producer failed (status %#x)", status);
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Polls until every rx has seen want records or POLL_MS pass; returns the
 * sum of what poll returned, or its first error.
 */
static int poll_until(struct arena_ring_buffer *rb, struct rx *rxs, int nr_rx, int want)
{
	long deadline = now_ms() + POLL_MS;
	int total = 0, ret, i, done;

	for (;;) {
		for (i = 0, done = 1; i < nr_rx; i++)
			done &= rxs[i].next >= want;
		if (done || now_ms() > deadline)
			return total;
		ret = arena_ring_buffer__poll(rb, 100);
		if (ret < 0)
			return ret;
		total += ret;
	}
}

/* One ring, one producer process, records in order across many wraps. */
static void poll_from_other_process(void)
{
	struct arena_dev *dev = open_dev_lib();
	struct arena_ring_buffer *rb;
	struct rx rx = { 0 };
	int fd, ret;
	pid_t pid;

	if (!dev)
		return;
	fd = make_ring(dev, page_size);
	if (fd < 0)
		goto out;
	TAP_EXPECT_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	rb = arena_ring_buffer__new(fd, rx_cb, &rx, NULL);
	TAP_EXPECT(rb != NULL);
	if (!rb)
		goto out_fd;
	pid = produce(fd, 0, NR_RECORDS);
	ret = poll_until(rb, &rx, 1, NR_RECORDS);
	expect_child_ok(pid, __LINE__);
	TAP_EXPECT_EQ(ret, NR_RECORDS);
	TAP_EXPECT_EQ(rx.next, NR_RECORDS);
	TAP_EXPECT_EQ(rx.bad, 0);
	/* Nothing more, and a timed-out poll says 0. */
	TAP_EXPECT_EQ(arena_ring_buffer__poll(rb, 10), 0);
	TAP_EXPECT_EQ(arena_ring_buffer__consume(rb), 0);
	arena_ring_buffer__free(rb);
out_fd:
	close(fd);
out:
	arena_dev__close(dev);
}

/* Sizes the module refuses, and an output that cannot fit or is full. */
static void create_and_output_errors(void)
{
	LIBARENA_OPTS(arena_ringbuf_opts, both_flags,
		      .flags = RINGBUF_F_OVERWRITE | RINGBUF_F_USER);
	LIBARENA_OPTS(arena_ringbuf_opts, bad_flags, .flags = 1U << 9);
	static unsigned char buf[1 << 16];
	struct arena_dev *dev = open_dev_lib();
	libarena_print_fn_t print;
	int fd = 123, i, err;

	if (!dev)
		return;
	print = libarena_set_print(NULL);
	TAP_EXPECT_ERRNO(arena_dev__ringbuf_create(dev, 3 * page_size, NULL, &fd), EINVAL);
	TAP_EXPECT_EQ(fd, -1);
	TAP_EXPECT_ERRNO(arena_dev__ringbuf_create(dev, 0, NULL, &fd), EINVAL);
	TAP_EXPECT_ERRNO(arena_dev__ringbuf_create(dev, 1ULL << 32, NULL, &fd), E2BIG);
	TAP_EXPECT_ERRNO(arena_dev__ringbuf_create(dev, page_size, &bad_flags, &fd), EINVAL);
	TAP_EXPECT_ERRNO(arena_dev__ringbuf_create(dev, page_size, &both_flags, &fd), EINVAL);
	TAP_EXPECT_EQ(fd, -1);
	fd = make_ring(dev, page_size);
	if (fd >= 0) {
		TAP_EXPECT_ERRNO(arena_ringbuf__output(fd, buf, page_size, 0), E2BIG);
		TAP_EXPECT_ERRNO(arena_ringbuf__output(fd, buf, 8, 1U << 7), EINVAL);
		for (i = 0, err = 0; i < 1000 && !err; i++)
			err = arena_ringbuf__output(fd, buf, 256 - 8,
						    RINGBUF_NO_WAKEUP);
		/* 256 bytes a record: 15 fit in 4096 (one byte is never used). */
		TAP_EXPECT_ERRNO(err, EAGAIN);
		TAP_EXPECT_EQ(i - 1, page_size / 256 - 1);
		close(fd);
	}
	libarena_set_print(print);
	arena_dev__close(dev);
}

/* Two rings, each with its callback and context, on one consumer. */
static void two_rings_one_consumer(void)
{
	struct arena_dev *dev = open_dev_lib();
	struct arena_ring_buffer *rb = NULL;
	struct rx rx[2] = { { .tag = 0 }, { .tag = 1000 } };
	libarena_print_fn_t print;
	int fd[2] = { -1, -1 };
	pid_t pid[2];
	int ret, i;

	if (!dev)
		return;
	fd[0] = make_ring(dev, page_size);
	fd[1] = make_ring(dev, 4 * page_size);
	if (fd[0] < 0 || fd[1] < 0)
		goto out;
	rb = arena_ring_buffer__new(fd[0], rx_cb, &rx[0], NULL);
	TAP_EXPECT(rb != NULL);
	if (!rb)
		goto out;
	TAP_EXPECT_OK(arena_ring_buffer__add(rb, fd[1], rx_cb, &rx[1]));
	/* The same fd twice: epoll refuses it, and rb is unchanged. */
	print = libarena_set_print(NULL);
	TAP_EXPECT_ERRNO(arena_ring_buffer__add(rb, fd[1], rx_cb, &rx[1]), EEXIST);
	libarena_set_print(print);
	pid[1] = produce(fd[1], 1000, NR_RECORDS);
	pid[0] = produce(fd[0], 0, NR_RECORDS);
	ret = poll_until(rb, rx, 2, NR_RECORDS);
	expect_child_ok(pid[0], __LINE__);
	expect_child_ok(pid[1], __LINE__);
	TAP_EXPECT_EQ(ret, 2 * NR_RECORDS);
	for (i = 0; i < 2; i++) {
		TAP_EXPECT_EQ(rx[i].next, NR_RECORDS);
		TAP_EXPECT_EQ(rx[i].bad, 0);
	}

	/* consume_n stops across rings: 3 of ring 0's, then 2 of ring 1's. */
	pid[0] = produce(fd[0], NR_RECORDS, 3);
	expect_child_ok(pid[0], __LINE__);
	pid[1] = produce(fd[1], 1000 + NR_RECORDS, 3);
	expect_child_ok(pid[1], __LINE__);
	TAP_EXPECT_EQ(arena_ring_buffer__consume_n(rb, 5), 5);
	TAP_EXPECT_EQ(rx[0].next, NR_RECORDS + 3);
	TAP_EXPECT_EQ(rx[1].next, NR_RECORDS + 2);
	TAP_EXPECT_EQ(arena_ring_buffer__consume(rb), 1);
	TAP_EXPECT_EQ(rx[1].next, NR_RECORDS + 3);
	TAP_EXPECT_EQ(rx[0].bad + rx[1].bad, 0);
out:
	arena_ring_buffer__free(rb);
	for (i = 0; i < 2; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	arena_dev__close(dev);
}

/* The epoll fd is readable exactly while a ring holds records. */
static void epoll_fd_usable(void)
{
	struct arena_dev *dev = open_dev_lib();
	struct arena_ring_buffer *rb = NULL;
	struct epoll_event ev;
	struct rx rx = { 0 };
	unsigned char buf[8];
	int fd, efd;

	if (!dev)
		return;
	fd = make_ring(dev, page_size);
	if (fd < 0)
		goto out;
	rb = arena_ring_buffer__new(fd, rx_cb, &rx, NULL);
	TAP_EXPECT(rb != NULL);
	if (!rb)
		goto out;
	efd = arena_ring_buffer__epoll_fd(rb);
	TAP_EXPECT_OK(efd);
	TAP_EXPECT_EQ(fcntl(efd, F_GETFD), FD_CLOEXEC);
	TAP_EXPECT_EQ(epoll_wait(efd, &ev, 1, 0), 0);
	rec_fill(buf, 0);
	TAP_EXPECT_OK(arena_ringbuf__output(fd, buf, rec_len(0), 0));
	TAP_EXPECT_EQ(epoll_wait(efd, &ev, 1, 1000), 1);
	TAP_EXPECT(ev.events & EPOLLIN);
	TAP_EXPECT_EQ(arena_ring_buffer__consume(rb), 1);
	TAP_EXPECT_EQ(rx.bad, 0);
	TAP_EXPECT_EQ(epoll_wait(efd, &ev, 1, 0), 0);
out:
	arena_ring_buffer__free(rb);
	if (fd >= 0)
		close(fd);
	arena_dev__close(dev);
}

static int bpf_map_create(__u32 type, __u32 key_size, __u32 value_size,
			  __u32 max_entries)
{
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = type;
	attr.key_size = key_size;
	attr.value_size = value_size;
	attr.max_entries = max_entries;
	fd = syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	if (fd < 0)
		tap_fail(__FILE__, __LINE__, "BPF_MAP_CREATE of type %u: %s", type,
			 strerror(errno));
	return fd;
}

/*
 * The kernel's BPF ring buffers, found through bpf(BPF_OBJ_GET_INFO_BY_FD):
 * mapped and empty, alone and next to one of ours on the same consumer.
 */
static void kernel_bpf_ringbuf(void)
{
	struct arena_dev *dev = open_dev_lib();
	struct arena_ring_buffer *rb = NULL;
	struct rx rx[2] = { { .tag = 0 }, { .tag = 0 } };
	int kfd[2], ours = -1;
	unsigned char buf[128];
	int i;

	kfd[0] = bpf_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, page_size);
	kfd[1] = bpf_map_create(BPF_MAP_TYPE_RINGBUF, 0, 0, 16 * page_size);
	if (kfd[0] < 0 || kfd[1] < 0 || !dev)
		goto out;
	rb = arena_ring_buffer__new(kfd[0], rx_cb, &rx[0], NULL);
	TAP_EXPECT(rb != NULL);
	if (!rb) {
		printf("# arena_ring_buffer__new: %s\n", strerror(errno));
		goto out;
	}
	TAP_EXPECT_OK(arena_ring_buffer__add(rb, kfd[1], rx_cb, &rx[0]));
	TAP_EXPECT_EQ(arena_ring_buffer__consume(rb), 0);
	TAP_EXPECT_EQ(arena_ring_buffer__poll(rb, 0), 0);
	TAP_EXPECT_EQ(rx[0].next, 0);

	/* Ours beside them: its records come, theirs stay none. */
	ours = make_ring(dev, page_size);
	if (ours < 0)
		goto out;
	TAP_EXPECT_OK(arena_ring_buffer__add(rb, ours, rx_cb, &rx[1]));
	for (i = 0; i < 3; i++) {
		rec_fill(buf, i);
		TAP_EXPECT_OK(arena_ringbuf__output(ours, buf, rec_len(i), 0));
	}
	TAP_EXPECT_EQ(arena_ring_buffer__poll(rb, 1000), 3);
	TAP_EXPECT_EQ(rx[1].next, 3);
	TAP_EXPECT_EQ(rx[1].bad, 0);
	TAP_EXPECT_EQ(rx[0].next, 0);
out:
	arena_ring_buffer__free(rb);
	for (i = 0; i < 2; i++)
		if (kfd[i] >= 0)
			close(kfd[i]);
	if (ours >= 0)
		close(ours);
	arena_dev__close(dev);
}

/*
 * Files that are no kernel-to-user ring, ours and the kernel's, as the real
 * bpf(2) sees them: /dev/arena itself, an arena, a BPF array; and a
 * user-to-kernel ring, whose consumer is the kernel.
 */
static void new_refuses_non_rings(void)
{
	struct arena_create req = { .size = sizeof(req), .nr_pages = 1 };
	struct ringbuf_create rreq = {
		.size = sizeof(rreq),
		.flags = RINGBUF_F_USER,
		.data_size = page_size,
	};
	struct arena_dev *dev = open_dev_lib();
	libarena_print_fn_t print;
	int arena, array, user;

	if (!dev)
		return;
	print = libarena_set_print(NULL);
	EXPECT_RING_BUFFER_NEW_FAILS(arena_dev__fd(dev), EINVAL);
	arena = ioctl(arena_dev__fd(dev), ARENA_IOC_CREATE, &req);
	TAP_EXPECT_OK(arena);
	if (arena >= 0) {
		EXPECT_RING_BUFFER_NEW_FAILS(arena, EINVAL);
		close(arena);
	}
	array = bpf_map_create(BPF_MAP_TYPE_ARRAY, 4, 8, 1);
	if (array >= 0) {
		EXPECT_RING_BUFFER_NEW_FAILS(array, EINVAL);
		close(array);
	}
	user = ioctl(arena_dev__fd(dev), RINGBUF_IOC_CREATE, &rreq);
	TAP_EXPECT_OK(user);
	if (user >= 0) {
		EXPECT_RING_BUFFER_NEW_FAILS(user, EINVAL);
		close(user);
	}
	libarena_set_print(print);
	arena_dev__close(dev);
}

/* Overwrite rings: records of one size, numbered, produced in batches. */
#define LAP_RECORDS	20000
#define LAP_BATCH	32
#define LAP_REC_LEN	52	/* 64 bytes in the ring */
#define LAP_REC_SPACE	64

static void lap_fill(__u32 *rec, __u32 seq)
{
	int i;

	rec[0] = seq;
	for (i = 1; i < LAP_REC_LEN / 4; i++)
		rec[i] = seq * 2654435761U + i;
}

/* A child that outputs records 0 .. LAP_RECORDS - 1 into ring fd. */
static pid_t lap_produce(int fd)
{
	__u32 recs[LAP_BATCH][LAP_REC_LEN / 4];
	struct ringbuf_record batch[LAP_BATCH];
	struct ringbuf_output out = {
		.size = sizeof(out),
		.records = (uintptr_t)batch,
		.nr_records = LAP_BATCH,
	};
	__u32 seq, i;
	pid_t pid = fork();

	if (pid)
		return pid;
	for (seq = 0; seq < LAP_RECORDS; seq += LAP_BATCH) {
		for (i = 0; i < LAP_BATCH; i++) {
			lap_fill(recs[i], seq + i);
			batch[i] = (struct ringbuf_record){
				.data = (uintptr_t)recs[i],
				.len = LAP_REC_LEN,
			};
		}
		out.nr_written = 0;
		/* An overwrite ring takes every record. */
		if (ioctl(fd, RINGBUF_IOC_OUTPUT, &out) || out.nr_written != LAP_BATCH)
			_exit(1);
		if (seq % 1024 == 0)
			usleep(1000);
	}
	_exit(0);
}

struct lap_rx {
	long delivered, bad;
	long last_seq;
};

static int lap_cb(void *ctx, void *data, size_t len)
{
	__u32 want[LAP_REC_LEN / 4], seq;
	struct lap_rx *rx = ctx;

	memcpy(&seq, data, sizeof(seq));
	lap_fill(want, seq);
	if (len != LAP_REC_LEN || memcmp(data, want, len) || (long)seq <= rx->last_seq) {
		if (!rx->bad++)
			printf("# record after %ld: seen %u, %zu bytes\n", rx->last_seq, seq, len);
	}
	rx->last_seq = seq;
	/* A slow consumer now and then: the producer laps it. */
	if (++rx->delivered % 256 == 0)
		usleep(5000);
	return 0;
}

/*
 * Another process laps the consumer of an overwrite ring many times:
 * every record handed out is intact and newer than the one before, and
 * the records not handed out are exactly the ones counted lost.
 */
static void overwrite_lapped(void)
{
	LIBARENA_OPTS(arena_ringbuf_opts, opts, .flags = RINGBUF_F_OVERWRITE);
	struct arena_dev *dev = open_dev_lib();
	struct lap_rx rx = { .last_seq = -1 };
	struct arena_ring_buffer *rb = NULL;
	int fd = -1, ret = 0, status = 0;
	__u64 lost;
	pid_t pid;

	if (!dev)
		return;
	TAP_EXPECT_OK(arena_dev__ringbuf_create(dev, page_size, &opts, &fd));
	rb = fd < 0 ? NULL : arena_ring_buffer__new(fd, lap_cb, &rx, NULL);
	TAP_EXPECT(rb != NULL);
	if (!rb)
		goto out;
	pid = lap_produce(fd);
	while (ret >= 0 && waitpid(pid, &status, WNOHANG) == 0)
		ret = arena_ring_buffer__poll(rb, 100);
	TAP_EXPECT(WIFEXITED(status) && !WEXITSTATUS(status));
	TAP_EXPECT_OK(ret);
	TAP_EXPECT_OK(arena_ring_buffer__consume(rb));
	lost = arena_ring_buffer__lost_bytes(rb);
	printf("# %ld records delivered, %llu bytes lost\n", rx.delivered,
	       (unsigned long long)lost);
	TAP_EXPECT_EQ(rx.bad, 0);
	TAP_EXPECT_EQ(rx.last_seq, LAP_RECORDS - 1);
	TAP_EXPECT(lost > 0);
	TAP_EXPECT_EQ(lost % LAP_REC_SPACE, 0);
	TAP_EXPECT_EQ(rx.delivered + lost / LAP_REC_SPACE, LAP_RECORDS);
out:
	arena_ring_buffer__free(rb);
	if (fd >= 0)
		close(fd);
	arena_dev__close(dev);
}

__attribute__((constructor)) static void get_page_size(void)
{
	page_size = sysconf(_SC_PAGESIZE);
}

static const struct tap_test tests[] = {
	{ "libarena", "ringbuf-poll-from-other-process", poll_from_other_process },
	{ "libarena", "ringbuf-create-and-output-errors", create_and_output_errors },
	{ "libarena", "ringbuf-two-rings-one-consumer", two_rings_one_consumer },
	{ "libarena", "ringbuf-epoll-fd-usable", epoll_fd_usable },
	{ "libarena", "ringbuf-kernel-bpf-ringbuf", kernel_bpf_ringbuf },
	{ "libarena", "ringbuf-new-refuses-non-rings", new_refuses_non_rings },
	{ "libarena", "ringbuf-overwrite-lapped-intact-in-order", overwrite_lapped },
};

TAP_MAIN(tests)
