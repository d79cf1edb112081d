// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * Ring buffers: creating one, writing a record into one from user space,
 * and struct arena_ring_buffer, the consumer, which behaves as libbpf's
 * struct ring_buffer (tools/lib/bpf/ringbuf.c) and reads both our rings
 * and the kernel's BPF_MAP_TYPE_RINGBUF maps: the two share one layout.
 *
 * A ring is mapped in two pieces, as libbpf maps a BPF ring buffer: the
 * consumer page read-write, and the producer page with the data area
 * after it, twice, read-only.  The record walk itself, ringbuf_image_consume(),
 * knows nothing of file descriptors, so that the unit tests run it over a
 * ring image of their own.
 */
#include <errno.h>
#include <limits.h>
#include <linux/bpf.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "internal.h"

/* One ring of a consumer. */
struct ring {
	struct ringbuf_image img;
	arena_ring_buffer_sample_fn sample_cb;
	void *ctx;
	size_t ro_len;		/* of the mapping at img.producer_pos */
};

struct arena_ring_buffer {
	struct ring *rings;
	struct epoll_event *events;	/* epoll_wait()'s, one per ring */
	int nr_rings;
	int epoll_fd;
	size_t page_size;
};

int arena_dev__ringbuf_create(struct arena_dev *dev, __u64 data_size,
			      const struct arena_ringbuf_opts *opts, int *fdp)
{
	struct ringbuf_create req = {
		.size = sizeof(req),
		.data_size = data_size,
	};

	if (!LIBARENA_OPTS_VALID(opts, arena_ringbuf_opts)) {
		if (fdp)
			*fdp = -1;
		return -EINVAL;
	}
	req.flags = LIBARENA_OPTS_GET(opts, flags, 0);
	return arena_dev_create(dev, ARENA_FEATURE_RINGBUF, RINGBUF_IOC_CREATE, &req,
				"ring buffer", fdp);
}

int arena_ringbuf__output(int ring_fd, const void *data, __u32 len, __u32 flags)
{
	struct ringbuf_record rec = {
		.data = (uintptr_t)data,
		.len = len,
	};
	struct ringbuf_output req = {
		.size = sizeof(req),
		.flags = flags,
		.records = (uintptr_t)&rec,
		.nr_records = 1,
	};

	if (ioctl(ring_fd, RINGBUF_IOC_OUTPUT, &req))
		return -errno;
	/* A batch of one that succeeds wrote it: EAGAIN is the only "none". */
	return req.nr_written == 1 ? 0 : -EPROTO;
}

/* ---- the record walk ---- */

/*
 * Overwrite rings: moves *cons to the overwrite position if the producer
 * dropped records there, counting the bytes lost; whether it did.
 */
static bool skip_overwritten(struct ringbuf_image *img, unsigned long *cons,
			     int memorder)
{
	unsigned long over = __atomic_load_n(img->overwrite_pos, memorder);

	if ((long)(over - *cons) <= 0)
		return false;
	img->lost_bytes += over - *cons;
	*cons = over;
	/* The producer does not read it for room here; a query does. */
	__atomic_store_n(img->consumer_pos, *cons, __ATOMIC_RELEASE);
	return true;
}

/*
 * Overwrite rings: copies the record of len bytes at cons (none for a
 * discarded one) into the bounce buffer and checks afterwards that the
 * producer did not start dropping it meanwhile.  The producer publishes
 * the overwrite position before it writes a byte of what it drops, so
 * what was read while the position stayed at or before the record is the
 * record as committed.  Whether it was; if not, *cons moved past the loss.
 */
static bool copy_checked(struct ringbuf_image *img, unsigned long *cons, __u32 len)
{
	if (!(len & RINGBUF_DISCARD_BIT))
		memcpy(img->bounce,
		       (char *)img->data + ((*cons + RINGBUF_HDR_SZ) & img->mask), len);
	/* Pairs with the producer's barrier after the overwrite position. */
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	return !skip_overwritten(img, cons, __ATOMIC_RELAXED);
}

enum walk_step {
	WALK_STOP,	/* a busy record, or one being overwritten: not yet */
	WALK_SKIPPED,	/* *cons moved past records an overwrite dropped */
	WALK_RECORD,	/* *len and *sample are the committed record at *cons */
};

/* The record at *cons, before prod. */
static enum walk_step walk_one(struct ringbuf_image *img, unsigned long *cons,
			       unsigned long prod, __u32 *len, void **sample)
{
	bool overwrite = img->overwrite_pos;
	__u32 *hdr;

	if (overwrite && skip_overwritten(img, cons, __ATOMIC_ACQUIRE))
		return WALK_SKIPPED;
	hdr = (__u32 *)((char *)img->data + (*cons & img->mask));
	/* Pairs with the commit: the record's bytes come first. */
	*len = __atomic_load_n(hdr, __ATOMIC_ACQUIRE);
	if (*len & RINGBUF_BUSY_BIT)
		return WALK_STOP;
	/* Only a header an overwrite is rewriting claims more than was produced. */
	if (ringbuf_record_size(*len & ~RINGBUF_DISCARD_BIT) > prod - *cons)
		return overwrite && skip_overwritten(img, cons, __ATOMIC_ACQUIRE) ?
		       WALK_SKIPPED : WALK_STOP;
	if (!overwrite) {
		*sample = (char *)hdr + RINGBUF_HDR_SZ;
		return WALK_RECORD;
	}
	*sample = img->bounce;
	return copy_checked(img, cons, *len) ? WALK_RECORD : WALK_SKIPPED;
}

int64_t ringbuf_image_consume(struct ringbuf_image *img, size_t n,
			      arena_ring_buffer_sample_fn sample_cb, void *ctx)
{
	unsigned long cons, prod;
	enum walk_step step;
	bool progress;
	int64_t cnt = 0;
	void *sample;
	__u32 len;
	int err;

	if (!n)
		return 0;
	cons = __atomic_load_n(img->consumer_pos, __ATOMIC_ACQUIRE);
	/* Again while records came in meanwhile, as libbpf does. */
	do {
		progress = false;
		/* Pairs with the producer's release: headers up to here are written. */
		prod = __atomic_load_n(img->producer_pos, __ATOMIC_ACQUIRE);
		while ((long)(prod - cons) > 0) {
			step = walk_one(img, &cons, prod, &len, &sample);
			if (step == WALK_STOP)
				return cnt;
			progress = true;
			if (step == WALK_SKIPPED)
				continue;
			cons += ringbuf_record_size(len & ~RINGBUF_DISCARD_BIT);
			if (!(len & RINGBUF_DISCARD_BIT)) {
				err = sample_cb(ctx, sample, len);
				if (err < 0) {
					/* The record is consumed all the same. */
					__atomic_store_n(img->consumer_pos, cons,
							 __ATOMIC_RELEASE);
					return err;
				}
				cnt++;
			}
			/* The producer may reuse the bytes once this is seen. */
			__atomic_store_n(img->consumer_pos, cons, __ATOMIC_RELEASE);
			if ((uint64_t)cnt >= n)
				return cnt;
		}
	} while (progress);
	return cnt;
}

/* ---- the consumer ---- */

/*
 * The data size of a kernel BPF ring buffer map of either direction, for a
 * file descriptor our ioctl did not know, with the RINGBUF_F_* flag that
 * stands for its direction: 0, or -EINVAL if it is no such map.
 */
static int bpf_ringbuf_query(int fd, __u64 *sizep, __u32 *flagsp)
{
	char buf[LIBARENA_ERRSTR_LEN];
	struct bpf_map_info info;
	union bpf_attr attr;

	memset(&info, 0, sizeof(info));
	memset(&attr, 0, sizeof(attr));
	attr.info.bpf_fd = fd;
	attr.info.info_len = sizeof(info);
	attr.info.info = (uintptr_t)&info;
	if (syscall(__NR_bpf, BPF_OBJ_GET_INFO_BY_FD, &attr,
		    offsetofend(union bpf_attr, info)) < 0) {
		pr_warn("fd %d is neither a ring of %s nor a BPF map (bpf: %s)\n",
			fd, ARENA_DEVICE_PATH, libarena_errstr(-errno, buf));
		return -EINVAL;
	}
	switch (info.type) {
	case BPF_MAP_TYPE_RINGBUF:
		*flagsp = 0;
		break;
	case BPF_MAP_TYPE_USER_RINGBUF:
		*flagsp = RINGBUF_F_USER;
		break;
	default:
		pr_warn("fd %d is a BPF map of type %u, not a ring buffer\n",
			fd, info.type);
		return -EINVAL;
	}
	*sizep = info.max_entries;
	return 0;
}

int ringbuf_fd_query(int fd, __u64 *sizep, __u32 *flagsp)
{
	struct ringbuf_info info = { .size = sizeof(info) };
	char buf[LIBARENA_ERRSTR_LEN];
	int err;

	if (ioctl(fd, RINGBUF_IOC_QUERY, &info)) {
		err = -errno;
		/* Any file but one of ours says ENOTTY. */
		if (err == -ENOTTY)
			return bpf_ringbuf_query(fd, sizep, flagsp);
		pr_warn("fd %d: RINGBUF_IOC_QUERY: %s\n", fd,
			libarena_errstr(err, buf));
		return err;
	}
	*sizep = info.data_size;
	*flagsp = info.flags;
	return 0;
}

int ringbuf_check_size(int fd, __u64 data_size, size_t page_size)
{
	if (!data_size || data_size & (data_size - 1) || data_size % page_size) {
		pr_warn("fd %d: data size %llu is not a power-of-2 number of pages\n",
			fd, (unsigned long long)data_size);
		return -EINVAL;
	}
	/* Both mappings' lengths, and a record's size, fit in size_t and long. */
	if (data_size > SIZE_MAX / 4 || data_size > LONG_MAX / 4) {
		pr_warn("fd %d: data size %llu is too large to map\n", fd,
			(unsigned long long)data_size);
		return -E2BIG;
	}
	return 0;
}

static void ring_unmap(struct ring *r, size_t page_size)
{
	if (r->img.consumer_pos)
		munmap(r->img.consumer_pos, page_size);
	if (r->img.producer_pos)
		munmap((void *)r->img.producer_pos, r->ro_len);
	free(r->img.bounce);
}

/*
 * Maps the ring of data_size bytes behind fd into r, with what reading an
 * overwrite ring takes if flags say it is one: 0 or -errno.
 */
static int ring_map(struct ring *r, int fd, __u64 data_size, __u32 flags, size_t page_size)
{
	char buf[LIBARENA_ERRSTR_LEN];
	__u64 ro_len = page_size + 2 * data_size;
	void *p;
	int err;

	err = ringbuf_check_size(fd, data_size, page_size);
	if (err)
		return err;
	if (flags & RINGBUF_F_OVERWRITE) {
		/* A record is smaller than the ring. */
		r->img.bounce = malloc(data_size);
		if (!r->img.bounce)
			return -ENOMEM;
	}
	p = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		goto err;
	r->img.consumer_pos = p;
	p = mmap(NULL, ro_len, PROT_READ, MAP_SHARED, fd, page_size);
	if (p == MAP_FAILED)
		goto err;
	r->img.producer_pos = p;
	if (flags & RINGBUF_F_OVERWRITE)
		r->img.overwrite_pos = r->img.producer_pos + 1;
	r->ro_len = ro_len;
	r->img.data = (char *)p + page_size;
	r->img.mask = data_size - 1;
	return 0;

err:
	err = -errno;
	pr_warn("fd %d: mmap: %s\n", fd, libarena_errstr(err, buf));
	ring_unmap(r, page_size);
	return err;
}

int arena_ring_buffer__add(struct arena_ring_buffer *rb, int map_fd,
			   arena_ring_buffer_sample_fn sample_cb, void *ctx)
{
	char buf[LIBARENA_ERRSTR_LEN];
	struct epoll_event ev = { .events = EPOLLIN };
	struct ring r = { .sample_cb = sample_cb, .ctx = ctx };
	__u64 data_size = 0;
	__u32 flags = 0;
	void *tmp;
	int err;

	if (!rb || !sample_cb || map_fd < 0)
		return libarena_rb_err(-EINVAL);
	/* Room first: past the epoll_ctl() nothing may fail. */
	tmp = reallocarray(rb->rings, rb->nr_rings + 1, sizeof(*rb->rings));
	if (!tmp)
		return libarena_rb_err(-ENOMEM);
	rb->rings = tmp;
	tmp = reallocarray(rb->events, rb->nr_rings + 1, sizeof(*rb->events));
	if (!tmp)
		return libarena_rb_err(-ENOMEM);
	rb->events = tmp;

	err = ringbuf_fd_query(map_fd, &data_size, &flags);
	if (err)
		return libarena_rb_err(err);
	if (flags & RINGBUF_F_USER) {
		pr_warn("fd %d: a user-to-kernel ring has its consumer in the kernel\n",
			map_fd);
		return libarena_rb_err(-EINVAL);
	}
	err = ring_map(&r, map_fd, data_size, flags, rb->page_size);
	if (err)
		return libarena_rb_err(err);
	ev.data.u32 = rb->nr_rings;
	if (epoll_ctl(rb->epoll_fd, EPOLL_CTL_ADD, map_fd, &ev)) {
		err = -errno;
		pr_warn("fd %d: epoll_ctl: %s\n", map_fd, libarena_errstr(err, buf));
		ring_unmap(&r, rb->page_size);
		return libarena_rb_err(err);
	}
	rb->rings[rb->nr_rings++] = r;
	return 0;
}

struct arena_ring_buffer *
arena_ring_buffer__new(int map_fd, arena_ring_buffer_sample_fn sample_cb,
		       void *ctx, const struct arena_ring_buffer_opts *opts)
{
	char buf[LIBARENA_ERRSTR_LEN];
	struct arena_ring_buffer *rb;
	int err;

	if (!LIBARENA_OPTS_VALID(opts, arena_ring_buffer_opts)) {
		errno = EINVAL;
		return NULL;
	}
	rb = calloc(1, sizeof(*rb));
	if (!rb)
		return NULL;
	rb->page_size = sysconf(_SC_PAGESIZE);
	rb->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (rb->epoll_fd < 0) {
		err = -errno;
		pr_warn("epoll_create1: %s\n", libarena_errstr(err, buf));
		goto err;
	}
	err = arena_ring_buffer__add(rb, map_fd, sample_cb, ctx);
	if (err)
		goto err;
	return rb;

err:
	arena_ring_buffer__free(rb);
	errno = -err;
	return NULL;
}

void arena_ring_buffer__free(struct arena_ring_buffer *rb)
{
	int i;

	if (!rb)
		return;
	for (i = 0; i < rb->nr_rings; i++)
		ring_unmap(&rb->rings[i], rb->page_size);
	if (rb->epoll_fd >= 0)
		close(rb->epoll_fd);
	free(rb->rings);
	free(rb->events);
	free(rb);
}

/* Consumes up to n records of ring i into *total: 0 or a negative error. */
static int ring_consume(struct arena_ring_buffer *rb, int i, size_t n,
			int64_t *total)
{
	int64_t cnt = ringbuf_image_consume(&rb->rings[i].img, n,
					    rb->rings[i].sample_cb,
					    rb->rings[i].ctx);

	if (cnt < 0)
		return (int)cnt;
	*total += cnt;
	return 0;
}

/* A count of records as the int the API returns. */
static int count_result(int64_t total)
{
	return total > INT_MAX ? INT_MAX : (int)total;
}

int arena_ring_buffer__consume_n(struct arena_ring_buffer *rb, size_t n)
{
	int64_t total = 0;
	int i, err;

	if (!rb)
		return libarena_rb_err(-EINVAL);
	for (i = 0; i < rb->nr_rings && (uint64_t)total < n; i++) {
		err = ring_consume(rb, i, n - total, &total);
		if (err)
			return libarena_rb_err(err);
	}
	return count_result(total);
}

int arena_ring_buffer__consume(struct arena_ring_buffer *rb)
{
	return arena_ring_buffer__consume_n(rb, INT_MAX);
}

int arena_ring_buffer__poll(struct arena_ring_buffer *rb, int timeout_ms)
{
	int64_t total = 0;
	int i, cnt, err;

	if (!rb)
		return libarena_rb_err(-EINVAL);
	cnt = epoll_wait(rb->epoll_fd, rb->events, rb->nr_rings, timeout_ms);
	if (cnt < 0)
		return libarena_rb_err(-errno);
	for (i = 0; i < cnt && total < INT_MAX; i++) {
		err = ring_consume(rb, rb->events[i].data.u32, INT_MAX - total, &total);
		if (err)
			return libarena_rb_err(err);
	}
	return count_result(total);
}

int arena_ring_buffer__epoll_fd(const struct arena_ring_buffer *rb)
{
	return rb ? rb->epoll_fd : libarena_rb_err(-EINVAL);
}

__u64 arena_ring_buffer__lost_bytes(const struct arena_ring_buffer *rb)
{
	__u64 lost = 0;
	int i;

	for (i = 0; rb && i < rb->nr_rings; i++)
		lost += rb->rings[i].img.lost_bytes;
	return lost;
}
