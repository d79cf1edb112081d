// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * The producer side of user-to-kernel rings (RINGBUF_F_USER, or the
 * kernel's BPF_MAP_TYPE_USER_RINGBUF): struct arena_user_ring_buffer,
 * which behaves as libbpf's struct user_ring_buffer
 * (tools/lib/bpf/ringbuf.c).
 *
 * The roles of the mapping are the other way round from a kernel-to-user
 * ring: the consumer page is mapped read-only (the kernel drains), the
 * producer page with the data area after it, twice, read-write.  A record
 * is reserved by writing its header busy and publishing the producer
 * position past it, filled in place, and committed by clearing the busy
 * bit; the kernel drains in reservation order and stops at a busy record.
 * The record arithmetic, user_ringbuf_image_*(), knows nothing of file
 * descriptors, so that the unit tests run it over a ring image of their
 * own.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"

struct arena_user_ring_buffer {
	struct user_ringbuf_image img;
	size_t page_size;
	size_t rw_len;		/* of the mapping at img.producer_pos */
	int epoll_fd;
};

void *user_ringbuf_image_reserve(struct user_ringbuf_image *img, __u32 size, int *errp)
{
	unsigned long cons, prod, total = ringbuf_record_size(size);
	struct ringbuf_hdr *hdr;

	/* The length's top bits are the header's flags. */
	if (size & (RINGBUF_BUSY_BIT | RINGBUF_DISCARD_BIT) || total > img->mask + 1) {
		*errp = -E2BIG;
		return NULL;
	}
	/* Pairs with the kernel's release after a drain: that room is free. */
	cons = __atomic_load_n(img->consumer_pos, __ATOMIC_ACQUIRE);
	/* Only this producer writes it. */
	prod = __atomic_load_n(img->producer_pos, __ATOMIC_RELAXED);
	/* A consumer position past the producer's is no room either. */
	if (prod - cons > img->mask + 1 - total) {
		*errp = -ENOSPC;
		return NULL;
	}
	hdr = (struct ringbuf_hdr *)((char *)img->data + (prod & img->mask));
	hdr->len = size | RINGBUF_BUSY_BIT;
	/* The kernel's drain does not read it; libbpf leaves it 0 too. */
	hdr->pg_off = 0;
	/* Pairs with the kernel's acquire: it sees the header busy first. */
	__atomic_store_n(img->producer_pos, prod + total, __ATOMIC_RELEASE);
	/* Through the second copy of the data area if it runs past the end. */
	return hdr + 1;
}

void user_ringbuf_commit(void *sample, bool discard)
{
	__u32 *len = (__u32 *)((char *)sample - RINGBUF_HDR_SZ);
	__u32 new_len = (__atomic_load_n(len, __ATOMIC_RELAXED) & ~RINGBUF_BUSY_BIT) |
			(discard ? RINGBUF_DISCARD_BIT : 0);

	/* Pairs with the kernel's acquire of the header: the bytes come first. */
	__atomic_store_n(len, new_len, __ATOMIC_RELEASE);
}

static void user_ring_unmap(struct arena_user_ring_buffer *rb)
{
	if (rb->img.consumer_pos)
		munmap((void *)rb->img.consumer_pos, rb->page_size);
	if (rb->img.producer_pos)
		munmap(rb->img.producer_pos, rb->rw_len);
}

/* Maps the user-to-kernel ring behind fd: 0 or a negative errno. */
static int user_ring_map(struct arena_user_ring_buffer *rb, int fd)
{
	char buf[LIBARENA_ERRSTR_LEN];
	__u64 data_size = 0;
	__u32 flags = 0;
	void *p;
	int err;

	err = ringbuf_fd_query(fd, &data_size, &flags);
	if (err)
		return err;
	if (!(flags & RINGBUF_F_USER)) {
		pr_warn("fd %d: not a user-to-kernel ring (flags 0x%x)\n", fd, flags);
		return -EINVAL;
	}
	err = ringbuf_check_size(fd, data_size, rb->page_size);
	if (err)
		return err;
	p = mmap(NULL, rb->page_size, PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		goto err;
	rb->img.consumer_pos = p;
	rb->rw_len = rb->page_size + 2 * data_size;
	p = mmap(NULL, rb->rw_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, rb->page_size);
	if (p == MAP_FAILED)
		goto err;
	rb->img.producer_pos = p;
	rb->img.data = (char *)p + rb->page_size;
	rb->img.mask = data_size - 1;
	return 0;

err:
	err = -errno;
	pr_warn("fd %d: mmap: %s\n", fd, libarena_errstr(err, buf));
	return err;
}

struct arena_user_ring_buffer *
arena_user_ring_buffer__new(int ring_fd, const struct arena_user_ring_buffer_opts *opts)
{
	struct epoll_event ev = { .events = EPOLLOUT | EPOLLET };
	char buf[LIBARENA_ERRSTR_LEN];
	struct arena_user_ring_buffer *rb;
	int err;

	if (!LIBARENA_OPTS_VALID(opts, arena_user_ring_buffer_opts) || ring_fd < 0) {
		errno = EINVAL;
		return NULL;
	}
	rb = calloc(1, sizeof(*rb));
	if (!rb)
		return NULL;
	rb->page_size = sysconf(_SC_PAGESIZE);
	rb->epoll_fd = -1;
	err = user_ring_map(rb, ring_fd);
	if (err)
		goto err;
	rb->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	/*
	 * Edge-triggered: the ring reports EPOLLOUT while it has any room,
	 * which need not be enough for the record a producer waits to
	 * reserve; the edge is the kernel's wake-up after each drain.
	 */
	if (rb->epoll_fd < 0 || epoll_ctl(rb->epoll_fd, EPOLL_CTL_ADD, ring_fd, &ev)) {
		err = -errno;
		pr_warn("fd %d: epoll: %s\n", ring_fd, libarena_errstr(err, buf));
		goto err;
	}
	return rb;

err:
	arena_user_ring_buffer__free(rb);
	errno = -err;
	return NULL;
}

void arena_user_ring_buffer__free(struct arena_user_ring_buffer *rb)
{
	if (!rb)
		return;
	user_ring_unmap(rb);
	if (rb->epoll_fd >= 0)
		close(rb->epoll_fd);
	free(rb);
}

void *arena_user_ring_buffer__reserve(struct arena_user_ring_buffer *rb, __u32 size)
{
	void *sample;
	int err = -EINVAL;

	sample = rb ? user_ringbuf_image_reserve(&rb->img, size, &err) : NULL;
	if (!sample)
		errno = -err;
	return sample;
}

static __s64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__s64)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void *arena_user_ring_buffer__reserve_blocking(struct arena_user_ring_buffer *rb, __u32 size,
					       int timeout_ms)
{
	__s64 deadline = now_ms() + timeout_ms, left = timeout_ms;
	struct epoll_event ev;
	void *sample;

	if (!rb || timeout_ms < -1) {
		errno = EINVAL;
		return NULL;
	}
	for (;;) {
		sample = arena_user_ring_buffer__reserve(rb, size);
		if (sample || errno != ENOSPC || !left)
			return sample;
		if (epoll_wait(rb->epoll_fd, &ev, 1, timeout_ms < 0 ? -1 : (int)left) < 0)
			return NULL;
		if (timeout_ms >= 0) {
			left = deadline - now_ms();
			/* Once more after the deadline, as libbpf does. */
			if (left < 0)
				left = 0;
		}
	}
}

void arena_user_ring_buffer__submit(struct arena_user_ring_buffer *rb, void *sample)
{
	if (rb && sample)
		user_ringbuf_commit(sample, false);
}

void arena_user_ring_buffer__discard(struct arena_user_ring_buffer *rb, void *sample)
{
	if (rb && sample)
		user_ringbuf_commit(sample, true);
}
