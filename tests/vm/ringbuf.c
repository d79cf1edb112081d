// SPDX-License-Identifier: GPL-2.0
/*
 * Ring buffers against the real module: RINGBUF_IOC_CREATE and its argument
 * rules, the mmap layout and its permissions, RINGBUF_IOC_OUTPUT records as
 * a consumer sees them, RINGBUF_IOC_QUERY, poll/epoll wake-ups, lifetime,
 * and bounded multi-producer stress.
 *
 * The ring is read through raw mmap by ring_consume() below, a consumer
 * that follows the BPF ring buffer protocol to the letter (libbpf's
 * ringbuf_process_ring()): acquire loads of producer_pos and of each
 * header's len, discarded records skipped, a stop at the first busy one,
 * release stores of consumer_pos.  It is the oracle of every test here,
 * and it also checks each header it passes: pg_off, a length that stays
 * inside what the producer published.
 *
 * Every test creates its own rings and releases them before it returns.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arena_kmod.h>

#include "dev.h"
#include "tap.h"
#include "vmtest.h"

#define SZ_2G		(1ULL << 31)
/* The module's RINGBUF_MAX_RECORD_SZ: lengths clear of the two flag bits. */
#define MAX_RECORD_SZ	(UINT32_MAX / 4)

static uint64_t psz(void)
{
	static uint64_t page;

	if (!page)
		page = sysconf(_SC_PAGESIZE);
	return page;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

static uint64_t uaddr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* Record bytes the tests can recognise: seed picks the sequence. */
static void fill(void *buf, size_t len, unsigned int seed)
{
	unsigned char *b = buf;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = (unsigned char)(seed * 131 + i * 7 + (i >> 8));
}

static uint64_t rec_total(uint64_t len)
{
	return (len + RINGBUF_HDR_SZ + 7) & ~7ULL;
}

/* ---- /dev/arena and the ring ioctls; failures as negative errnos ---- */

/* RINGBUF_IOC_CREATE on a buffer whose size field is already set. */
static int create_raw(void *buf)
{
	return dev_ioctl(RINGBUF_IOC_CREATE, buf);
}

static int rb_new(uint32_t flags, uint64_t data_size)
{
	struct ringbuf_create req = {
		.size = sizeof(req),
		.flags = flags,
		.data_size = data_size,
	};

	return create_raw(&req);
}

/* A ring the test needs, or a failure said out loud. */
static int rb_must(uint64_t data_size)
{
	int fd = rb_new(0, data_size);

	if (fd < 0)
		tap_fail(__FILE__, __LINE__, "create ring of %llu bytes: %s",
			 (unsigned long long)data_size, strerror(-fd));
	return fd;
}

static int query(int fd, struct ringbuf_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return ioctl(fd, RINGBUF_IOC_QUERY, info) ? -errno : 0;
}

/* producer_pos as RINGBUF_IOC_QUERY reports it, or ~0 (and a failure). */
static uint64_t prod_of(int fd)
{
	struct ringbuf_info info;
	int err = query(fd, &info);

	if (err) {
		tap_fail(__FILE__, __LINE__, "RINGBUF_IOC_QUERY: %s", strerror(-err));
		return ~0ULL;
	}
	return info.producer_pos;
}

static int output(int fd, const struct ringbuf_record *recs, uint32_t n,
		  uint32_t flags, uint32_t *written)
{
	struct ringbuf_output req = {
		.size = sizeof(req),
		.flags = flags,
		.records = uaddr(recs),
		.nr_records = n,
	};

	if (ioctl(fd, RINGBUF_IOC_OUTPUT, &req))
		return -errno;
	if (written)
		*written = req.nr_written;
	return 0;
}

/* One record; 0 or a negative errno, and a failure if nr_written is off. */
static int output1(int fd, const void *data, uint32_t len, uint32_t flags)
{
	struct ringbuf_record rec = { .data = uaddr(data), .len = len };
	uint32_t written = ~0U;
	int err = output(fd, &rec, 1, flags, &written);

	if (!err && written != 1)
		tap_fail(__FILE__, __LINE__, "nr_written %u for one record", written);
	return err;
}

/* ---- the ring through raw mmap, and the oracle consumer ---- */

struct ring {
	int fd;
	uint64_t size, mask;
	unsigned long *cons;		/* page 0, mapped read-write */
	const unsigned long *prod;	/* page 1, then the data twice, read-only */
	const unsigned char *data;
	size_t ro_len;
};

static bool ring_map(struct ring *r, int fd, uint64_t size)
{
	void *rw, *ro;

	r->fd = fd;
	r->size = size;
	r->mask = size - 1;
	r->ro_len = psz() + 2 * size;
	rw = mmap(NULL, psz(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (rw == MAP_FAILED) {
		tap_fail(__FILE__, __LINE__, "mmap consumer page: %s", strerror(errno));
		return false;
	}
	ro = mmap(NULL, r->ro_len, PROT_READ, MAP_SHARED, fd, psz());
	if (ro == MAP_FAILED) {
		tap_fail(__FILE__, __LINE__, "mmap producer page and data: %s",
			 strerror(errno));
		munmap(rw, psz());
		return false;
	}
	r->cons = rw;
	r->prod = ro;
	r->data = (const unsigned char *)ro + psz();
	return true;
}

static void ring_unmap(struct ring *r)
{
	munmap(r->cons, psz());
	munmap((void *)r->prod, r->ro_len);
}

/* A new ring of size data bytes, mapped; false (and a failure) if not. */
static bool ring_open(struct ring *r, uint64_t size)
{
	int fd = rb_must(size);

	if (fd < 0)
		return false;
	if (!ring_map(r, fd, size)) {
		close(fd);
		return false;
	}
	return true;
}

static void ring_close(struct ring *r)
{
	ring_unmap(r);
	close(r->fd);
}

static const struct ringbuf_hdr *hdr_at(const struct ring *r, uint64_t pos)
{
	return (const void *)(r->data + (pos & r->mask));
}

struct rec_view {
	uint64_t pos;			/* of the header */
	uint32_t len;
	const unsigned char *p;		/* the bytes, contiguous */
};

typedef void (*rec_fn)(void *ctx, const struct rec_view *rec);

/*
 * The oracle: hands committed records to fn in order, at most max of
 * them, and moves consumer_pos past what it read.  Returns the number of
 * records handed over, or -1 after a malformed header (a failure).
 */
static long ring_consume(struct ring *r, rec_fn fn, void *ctx, long max,
			 long *discarded)
{
	unsigned long cons = __atomic_load_n(r->cons, __ATOMIC_ACQUIRE);
	unsigned long prod;
	const struct ringbuf_hdr *hdr;
	struct rec_view rec;
	uint32_t len, plen;
	uint64_t total;
	bool progress;
	long n = 0;

	do {
		progress = false;
		prod = __atomic_load_n(r->prod, __ATOMIC_ACQUIRE);
		while (cons < prod && n < max) {
			hdr = hdr_at(r, cons);
			len = __atomic_load_n(&hdr->len, __ATOMIC_ACQUIRE);
			if (len & RINGBUF_BUSY_BIT)
				return n;
			plen = len & ~(RINGBUF_BUSY_BIT | RINGBUF_DISCARD_BIT);
			total = rec_total(plen);
			if (total > prod - cons || total > r->mask ||
			    hdr->pg_off != (cons & r->mask) / psz()) {
				tap_fail(__FILE__, __LINE__,
					 "bad header at %lu (prod %lu): len 0x%x pg_off %u",
					 cons, prod, len, hdr->pg_off);
				return -1;
			}
			if (len & RINGBUF_DISCARD_BIT) {
				if (discarded)
					(*discarded)++;
			} else {
				rec.pos = cons;
				rec.len = plen;
				rec.p = (const unsigned char *)(hdr + 1);
				fn(ctx, &rec);
				n++;
			}
			cons += total;
			__atomic_store_n(r->cons, cons, __ATOMIC_RELEASE);
			progress = true;
		}
	} while (progress && n < max);
	return n;
}

/* What a small test consumed: the records, pointing into the ring. */
#define MAX_SEEN	128

struct seen {
	long n;
	long discarded;
	struct rec_view v[MAX_SEEN];
};

static void seen_add(void *ctx, const struct rec_view *rec)
{
	struct seen *s = ctx;

	if (s->n < MAX_SEEN)
		s->v[s->n] = *rec;
	s->n++;
}

/* Consumes everything committed into s; the number of records. */
static long consume_all(struct ring *r, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	return ring_consume(r, seen_add, s, LONG_MAX, &s->discarded);
}

/* One record consumed, checked against the bytes that were output. */
static bool expect_record(struct ring *r, const void *bytes, uint32_t len,
			  uint64_t pos)
{
	static struct seen s;
	long n = consume_all(r, &s);

	TAP_EXPECT_EQ(n, 1);
	if (n != 1)
		return false;
	TAP_EXPECT_EQ(s.v[0].pos, pos);
	TAP_EXPECT_EQ(s.v[0].len, len);
	TAP_EXPECT(!memcmp(s.v[0].p, bytes, len));
	return s.v[0].pos == pos && s.v[0].len == len && !memcmp(s.v[0].p, bytes, len);
}


#define EXPECT_MREMAP_FAILS(call, err)						\
	do {									\
		void *m_;							\
		errno = 0;							\
		m_ = (call);							\
		if (m_ != MAP_FAILED)						\
			tap_fail(__FILE__, __LINE__,				\
				 "%s: expected failure with %s, moved to %p",	\
				 #call, #err, m_);				\
		else if (errno != (err))					\
			tap_fail(__FILE__, __LINE__,				\
				 "%s: expected failure with %s, seen %s",	\
				 #call, #err, strerror(errno));			\
	} while (0)

static void *map_ring(int fd, uint64_t pgoff, uint64_t nr_pages, int prot, int flags)
{
	return mmap(NULL, nr_pages * psz(), prot, flags, fd, pgoff * psz());
}

/* ---- processes, threads, sysfs ---- */





/* The state letter of /proc/<path>/stat: 'S' while asleep in poll. */
static char task_state(const char *stat_path)
{
	char buf[512];
	ssize_t n;
	char *p;
	int fd = open(stat_path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return '?';
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return '?';
	buf[n] = 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/* Waits until the task sleeps (it has nothing else to sleep in than poll). */
static bool wait_sleeping(const char *stat_path)
{
	uint64_t end = now_ms() + 10000;

	while (now_ms() < end) {
		if (task_state(stat_path) == 'S')
			return true;
		usleep(1000);
	}
	tap_fail(__FILE__, __LINE__, "%s never went to sleep", stat_path);
	return false;
}

/* A thread that waits in poll() on a ring fd or in epoll_wait(). */
struct poller {
	int fd;
	bool epoll;
	int timeout;
	pthread_t th;
	int tid;
	int ready;
	int ret;
	short revents;
	uint64_t elapsed;
};

static void *poller_thread(void *arg)
{
	struct poller *p = arg;
	struct pollfd pfd = { .fd = p->fd, .events = POLLIN | POLLRDNORM };
	struct epoll_event ev;
	uint64_t t0;

	p->tid = syscall(SYS_gettid);
	__atomic_store_n(&p->ready, 1, __ATOMIC_RELEASE);
	t0 = now_ms();
	if (p->epoll) {
		p->ret = epoll_wait(p->fd, &ev, 1, p->timeout);
	} else {
		p->ret = poll(&pfd, 1, p->timeout);
		p->revents = pfd.revents;
	}
	p->elapsed = now_ms() - t0;
	return NULL;
}

/* Starts the poller and returns once it sleeps in poll/epoll_wait. */
static bool poller_start(struct poller *p, int fd, bool epoll, int timeout)
{
	char path[64];

	memset(p, 0, sizeof(*p));
	p->fd = fd;
	p->epoll = epoll;
	p->timeout = timeout;
	if (pthread_create(&p->th, NULL, poller_thread, p)) {
		tap_fail(__FILE__, __LINE__, "pthread_create failed");
		return false;
	}
	while (!__atomic_load_n(&p->ready, __ATOMIC_ACQUIRE))
		sched_yield();
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", p->tid);
	wait_sleeping(path);
	return true;
}

static int epoll_for(int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events };
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev)) {
		tap_fail(__FILE__, __LINE__, "epoll: %s", strerror(errno));
		if (ep >= 0)
			close(ep);
		return -1;
	}
	return ep;
}

static int epoll_wait1(int ep, int timeout)
{
	struct epoll_event ev;

	return epoll_wait(ep, &ev, 1, timeout);
}

static short poll_now(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN | POLLRDNORM };

	if (poll(&pfd, 1, 0) < 0)
		return -1;
	return pfd.revents;
}

/* ================================ tests ================================ */

static void version_feature_ringbuf(void)
{
	expect_feature(ARENA_FEATURE_RINGBUF);
}

/* ---- RINGBUF_IOC_CREATE ---- */


static void create_returns_cloexec_fd(void)
{
	char link[64] = "", path[64];
	int dev = open_dev();
	struct ringbuf_create req = { .size = sizeof(req), .data_size = psz() };
	int fd = ioctl(dev, RINGBUF_IOC_CREATE, &req);
	int fd2;
	void *p;

	TAP_EXPECT_OK(fd);
	TAP_EXPECT(fd != dev);
	TAP_EXPECT_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	TAP_EXPECT_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	TAP_EXPECT(readlink(path, link, sizeof(link) - 1) > 0);
	TAP_EXPECT_STREQ(link, "arena_kmod:[ringbuf]");
	p = map_ring(fd, 0, 1, PROT_READ | PROT_WRITE, MAP_SHARED);
	TAP_EXPECT(p != MAP_FAILED);
	if (p != MAP_FAILED) {
		TAP_EXPECT(maps_line_has(uaddr(p), " rw-s "));
		TAP_EXPECT(maps_line_has(uaddr(p), "arena_kmod:[ringbuf]"));
		munmap(p, psz());
	}
	p = map_ring(fd, 1, 3, PROT_READ, MAP_SHARED);
	TAP_EXPECT(p != MAP_FAILED);
	if (p != MAP_FAILED) {
		TAP_EXPECT(maps_line_has(uaddr(p), " r--s "));
		munmap(p, 3 * psz());
	}
	/* Each CREATE is a new ring. */
	fd2 = ioctl(dev, RINGBUF_IOC_CREATE, &req);
	TAP_EXPECT_OK(fd2);
	TAP_EXPECT(fd2 != fd);
	close(fd2);
	close(fd);
	close(dev);
}

static void create_data_size_einval(void)
{
	uint64_t p = psz();

	TAP_EXPECT_ERRNO(rb_new(0, 0), EINVAL);
	/* Not a power of 2. */
	TAP_EXPECT_ERRNO(rb_new(0, 3 * p), EINVAL);
	TAP_EXPECT_ERRNO(rb_new(0, 5 * p), EINVAL);
	TAP_EXPECT_ERRNO(rb_new(0, p + 8), EINVAL);
	TAP_EXPECT_ERRNO(rb_new(0, SZ_2G - p), EINVAL);
	TAP_EXPECT_ERRNO(rb_new(0, ~0ULL), EINVAL);
	/* Powers of 2 below a page: not page multiples. */
	TAP_EXPECT_ERRNO(rb_new(0, 1), EINVAL);
	TAP_EXPECT_ERRNO(rb_new(0, 8), EINVAL);
	TAP_EXPECT_ERRNO(rb_new(0, p / 2), EINVAL);
}

static void create_data_size_e2big(void)
{
	int fd;

	TAP_EXPECT_ERRNO(rb_new(0, 2 * SZ_2G), E2BIG);
	TAP_EXPECT_ERRNO(rb_new(0, 1ULL << 40), E2BIG);
	TAP_EXPECT_ERRNO(rb_new(0, 1ULL << 63), E2BIG);
	/* The smallest, and a few more, do work. */
	fd = rb_new(0, psz());
	TAP_EXPECT_OK(fd);
	if (fd >= 0)
		close(fd);
	fd = rb_new(0, 64 * psz());
	TAP_EXPECT_OK(fd);
	if (fd >= 0)
		close(fd);
}

static void create_unknown_flags(void)
{
	TAP_EXPECT_ERRNO(rb_new(4, psz()), EINVAL);
	TAP_EXPECT_ERRNO(rb_new(0x80000000u, psz()), EINVAL);
	TAP_EXPECT_ERRNO(rb_new(~(RINGBUF_F_OVERWRITE | RINGBUF_F_USER), psz()), EINVAL);
	TAP_EXPECT_ERRNO(rb_new(~0U, psz()), EINVAL);
	/* The two directions' modes do not mix. */
	TAP_EXPECT_ERRNO(rb_new(RINGBUF_F_OVERWRITE | RINGBUF_F_USER, psz()), EINVAL);
}

static void create_size_rules(void)
{
	unsigned char buf[sizeof(struct ringbuf_create) + 64] = { 0 };
	struct ringbuf_create req = { .data_size = psz() };
	int fd;

	req.size = RINGBUF_CREATE_SIZE_VER0 - 1;
	TAP_EXPECT_ERRNO(create_raw(&req), EINVAL);
	req.size = 0;
	TAP_EXPECT_ERRNO(create_raw(&req), EINVAL);
	/* Larger, the tail zero: accepted. */
	req.size = sizeof(buf);
	memcpy(buf, &req, sizeof(req));
	fd = create_raw(buf);
	TAP_EXPECT_OK(fd);
	if (fd >= 0)
		close(fd);
	/* Larger, the tail not zero. */
	buf[sizeof(buf) - 1] = 1;
	TAP_EXPECT_ERRNO(create_raw(buf), E2BIG);
	buf[sizeof(buf) - 1] = 0;
	buf[sizeof(req)] = 0x80;
	TAP_EXPECT_ERRNO(create_raw(buf), E2BIG);
	/* Over a page. */
	{
		unsigned char *big = calloc(1, 2 * psz());
		uint32_t size = psz() + 1;

		memcpy(big, &req, sizeof(req));
		memcpy(big, &size, sizeof(size));
		TAP_EXPECT_ERRNO(create_raw(big), E2BIG);
		free(big);
	}
	TAP_EXPECT_ERRNO(create_raw(NULL), EFAULT);
}

/* Each object answers its own ioctls only. */
static void ioctls_per_object(void)
{
	struct ringbuf_info info = { .size = sizeof(info) };
	struct ringbuf_output out = { .size = sizeof(out) };
	struct arena_create acr = { .size = sizeof(acr), .nr_pages = 1 };
	struct ringbuf_create rcr = { .size = sizeof(rcr), .data_size = psz() };
	struct arena_info ainfo = { .size = sizeof(ainfo) };
	int dev = open_dev(), fd = rb_must(psz()), afd;

	TAP_EXPECT_ERRNO(ioctl(dev, RINGBUF_IOC_QUERY, &info), ENOTTY);
	TAP_EXPECT_ERRNO(ioctl(dev, RINGBUF_IOC_OUTPUT, &out), ENOTTY);
	TAP_EXPECT_ERRNO(ioctl(fd, RINGBUF_IOC_CREATE, &rcr), ENOTTY);
	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_VERSION, &(struct arena_version){ .size = 56 }), ENOTTY);
	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_INFO, &ainfo), ENOTTY);
	TAP_EXPECT_ERRNO(ioctl(fd, _IO(ARENA_IOC_MAGIC, 0x2f), &info), ENOTTY);
	afd = ioctl(dev, ARENA_IOC_CREATE, &acr);
	TAP_EXPECT_OK(afd);
	if (afd >= 0) {
		TAP_EXPECT_ERRNO(ioctl(afd, RINGBUF_IOC_QUERY, &info), ENOTTY);
		TAP_EXPECT_ERRNO(ioctl(afd, RINGBUF_IOC_OUTPUT, &out), ENOTTY);
		close(afd);
	}
	close(fd);
	close(dev);
}

/* ---- mmap ---- */

static void mmap_consumer_page_rw(void)
{
	int fd = rb_must(psz());
	unsigned long *cons;
	struct ringbuf_info info;

	cons = map_ring(fd, 0, 1, PROT_READ | PROT_WRITE, MAP_SHARED);
	TAP_EXPECT(cons != MAP_FAILED);
	if (cons == MAP_FAILED)
		goto out;
	TAP_EXPECT_EQ(*cons, 0);
	/* What the consumer writes there is what the module reads. */
	*cons = 0x1238;
	TAP_EXPECT_OK(query(fd, &info));
	TAP_EXPECT_EQ(info.consumer_pos, 0x1238);
	TAP_EXPECT_EQ(info.producer_pos, 0);
	TAP_EXPECT_EQ(info.avail_data, -0x1238ULL);
	*cons = 0;
	TAP_EXPECT_OK(query(fd, &info));
	TAP_EXPECT_EQ(info.consumer_pos, 0);
	TAP_EXPECT_EQ(info.avail_data, 0);
	/* Read-only and back: the mapping may always be writable again. */
	TAP_EXPECT_OK(mprotect(cons, psz(), PROT_READ));
	TAP_EXPECT_OK(mprotect(cons, psz(), PROT_READ | PROT_WRITE));
	*cons = 8;
	TAP_EXPECT_OK(query(fd, &info));
	TAP_EXPECT_EQ(info.consumer_pos, 8);
	munmap(cons, psz());
out:
	close(fd);
}

static void mmap_write_refused(void)
{
	uint64_t n = 2, total = 2 + 2 * n;
	int fd = rb_must(n * psz());
	int rw = PROT_READ | PROT_WRITE;

	/* Page 0 and more. */
	EXPECT_MMAP_FAILS(map_ring(fd, 0, 2, rw, MAP_SHARED), 2 * psz(), EPERM);
	EXPECT_MMAP_FAILS(map_ring(fd, 0, total, rw, MAP_SHARED), total * psz(), EPERM);
	/* The producer page, the data, either copy. */
	EXPECT_MMAP_FAILS(map_ring(fd, 1, 1, rw, MAP_SHARED), psz(), EPERM);
	EXPECT_MMAP_FAILS(map_ring(fd, 1, 1, PROT_WRITE, MAP_SHARED), psz(), EPERM);
	EXPECT_MMAP_FAILS(map_ring(fd, 2, 1, rw, MAP_SHARED), psz(), EPERM);
	EXPECT_MMAP_FAILS(map_ring(fd, 2, n, rw, MAP_SHARED), n * psz(), EPERM);
	EXPECT_MMAP_FAILS(map_ring(fd, 2 + n, 1, rw, MAP_SHARED), psz(), EPERM);
	EXPECT_MMAP_FAILS(map_ring(fd, total - 1, 1, PROT_WRITE, MAP_SHARED), psz(), EPERM);
	close(fd);
}

static void mmap_private_rejected(void)
{
	int fd = rb_must(psz());

	EXPECT_MMAP_FAILS(map_ring(fd, 0, 1, PROT_READ, MAP_PRIVATE), psz(), EINVAL);
	EXPECT_MMAP_FAILS(map_ring(fd, 0, 1, PROT_READ | PROT_WRITE, MAP_PRIVATE),
			  psz(), EINVAL);
	EXPECT_MMAP_FAILS(map_ring(fd, 1, 3, PROT_READ, MAP_PRIVATE), 3 * psz(), EINVAL);
	EXPECT_MMAP_FAILS(map_ring(fd, 2, 1, PROT_READ | PROT_WRITE, MAP_PRIVATE),
			  psz(), EINVAL);
	close(fd);
}

/*
 * Page 1 and the data twice, read-only: the producer position, and every
 * byte of the data area at data and again at data + size, one memory.
 */
static void mmap_ro_double_mapping(void)
{
	uint64_t n = 2, size = n * psz(), total = 2 + 2 * n, pos = 0, i;
	int fd = rb_must(size);
	unsigned char buf[1500];
	const unsigned char *ro, *all, *data;
	struct ringbuf_info info;
	bool same = true;

	ro = map_ring(fd, 1, 1 + 2 * n, PROT_READ, MAP_SHARED);
	TAP_EXPECT(ro != MAP_FAILED);
	if (ro == MAP_FAILED)
		goto out;
	data = ro + psz();
	TAP_EXPECT_EQ(*(const unsigned long *)ro, 0);
	/* Records written after the mapping was made show in both copies. */
	for (i = 0; i < 5; i++) {
		fill(buf, sizeof(buf), i);
		TAP_EXPECT_OK(output1(fd, buf, sizeof(buf), 0));
		TAP_EXPECT_EQ(((const struct ringbuf_hdr *)(data + pos))->len, sizeof(buf));
		TAP_EXPECT(!memcmp(data + pos + 8, buf, sizeof(buf)));
		TAP_EXPECT(!memcmp(data + size + pos + 8, buf, sizeof(buf)));
		pos += rec_total(sizeof(buf));
	}
	TAP_EXPECT_OK(query(fd, &info));
	TAP_EXPECT_EQ(*(const unsigned long *)ro, info.producer_pos);
	TAP_EXPECT_EQ(info.producer_pos, pos);
	for (i = 0; i < size; i++)
		same &= data[i] == data[size + i];
	TAP_EXPECT(same);
	/* Read-only, the whole of it from offset 0. */
	all = map_ring(fd, 0, total, PROT_READ, MAP_SHARED);
	TAP_EXPECT(all != MAP_FAILED);
	if (all != MAP_FAILED) {
		TAP_EXPECT_EQ(*(const unsigned long *)all, 0);
		TAP_EXPECT_EQ(*(const unsigned long *)(all + psz()), pos);
		TAP_EXPECT(!memcmp(all + 2 * psz(), data, 2 * size));
		munmap((void *)all, total * psz());
	}
	munmap((void *)ro, (1 + 2 * n) * psz());
out:
	close(fd);
}

/* Offsets and lengths inside the ring work; past its end they do not. */
static void mmap_offsets(void)
{
	uint64_t n = 4, size = n * psz(), total = 2 + 2 * n, i;
	int fd = rb_must(size);
	const unsigned char *first, *second, *last;
	unsigned char *buf = malloc(size);

	for (i = 0; i < n; i++) {
		fill(buf, psz() - 16, 40 + i);
		TAP_EXPECT_OK(output1(fd, buf, psz() - 16 - (i == n - 1) * 8, 0));
	}
	/* Each copy on its own, and single pages anywhere. */
	first = map_ring(fd, 2, n, PROT_READ, MAP_SHARED);
	second = map_ring(fd, 2 + n, n, PROT_READ, MAP_SHARED);
	last = map_ring(fd, total - 1, 1, PROT_READ, MAP_SHARED);
	TAP_EXPECT(first != MAP_FAILED && second != MAP_FAILED && last != MAP_FAILED);
	if (first != MAP_FAILED && second != MAP_FAILED)
		TAP_EXPECT(!memcmp(first, second, size));
	if (first != MAP_FAILED && last != MAP_FAILED)
		TAP_EXPECT(!memcmp(first + size - psz(), last, psz()));
	if (first != MAP_FAILED) {
		/* Record 1's header is at psz - 8, its bytes at psz. */
		fill(buf, psz() - 16, 41);
		TAP_EXPECT(!memcmp(first + psz(), buf, psz() - 16));
		munmap((void *)first, size);
	}
	if (second != MAP_FAILED)
		munmap((void *)second, size);
	if (last != MAP_FAILED)
		munmap((void *)last, psz());
	last = map_ring(fd, 3, total - 3, PROT_READ, MAP_SHARED);
	TAP_EXPECT(last != MAP_FAILED);
	if (last != MAP_FAILED)
		munmap((void *)last, (total - 3) * psz());
	/* Past the end. */
	EXPECT_MMAP_FAILS(map_ring(fd, 0, total + 1, PROT_READ, MAP_SHARED),
			  (total + 1) * psz(), EINVAL);
	EXPECT_MMAP_FAILS(map_ring(fd, 1, total, PROT_READ, MAP_SHARED),
			  total * psz(), EINVAL);
	EXPECT_MMAP_FAILS(map_ring(fd, total, 1, PROT_READ, MAP_SHARED), psz(), EINVAL);
	EXPECT_MMAP_FAILS(map_ring(fd, total - 1, 2, PROT_READ, MAP_SHARED),
			  2 * psz(), EINVAL);
	EXPECT_MMAP_FAILS(map_ring(fd, 1ULL << 30, 1, PROT_READ, MAP_SHARED), psz(), EINVAL);
	EXPECT_MMAP_FAILS(map_ring(fd, (1ULL << 52) / psz(), 1, PROT_READ, MAP_SHARED),
			  psz(), EINVAL);
	free(buf);
	close(fd);
}

/* A read-only mapping never becomes writable: not by mprotect, not at all. */
static void mprotect_write_refused(void)
{
	uint64_t n = 2, total = 2 + 2 * n;
	int fd = rb_must(n * psz());
	unsigned char *p0, *ro, *all;
	int status;

	p0 = map_ring(fd, 0, 1, PROT_READ, MAP_SHARED);
	ro = map_ring(fd, 1, 1 + 2 * n, PROT_READ, MAP_SHARED);
	all = map_ring(fd, 0, total, PROT_READ, MAP_SHARED);
	TAP_EXPECT(p0 != MAP_FAILED && ro != MAP_FAILED && all != MAP_FAILED);
	if (p0 == MAP_FAILED || ro == MAP_FAILED || all == MAP_FAILED)
		goto out;
	/* Even the consumer page, once mapped read-only. */
	TAP_EXPECT_ERRNO(mprotect(p0, psz(), PROT_READ | PROT_WRITE), EACCES);
	TAP_EXPECT_ERRNO(mprotect(ro, (1 + 2 * n) * psz(), PROT_READ | PROT_WRITE), EACCES);
	TAP_EXPECT_ERRNO(mprotect(ro, psz(), PROT_WRITE), EACCES);
	TAP_EXPECT_ERRNO(mprotect(ro + 2 * psz(), psz(), PROT_READ | PROT_WRITE), EACCES);
	TAP_EXPECT_ERRNO(mprotect(all, total * psz(), PROT_READ | PROT_WRITE), EACCES);
	/* And a write faults. */
	status = child_run(child_write_byte, ro + psz());
	TAP_EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
	status = child_run(child_write_byte, p0);
	TAP_EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
	TAP_EXPECT_EQ(*(const unsigned long *)p0, 0);
	TAP_EXPECT_EQ(ro[psz()], 0);
out:
	if (p0 != MAP_FAILED)
		munmap(p0, psz());
	if (ro != MAP_FAILED)
		munmap(ro, (1 + 2 * n) * psz());
	if (all != MAP_FAILED)
		munmap(all, total * psz());
	close(fd);
}

/* No mapping of a ring grows, writable or not, in place or moved. */
static void mremap_grow_refused(void)
{
	uint64_t n = 2;
	int fd = rb_must(n * psz());
	unsigned char *rw, *p0, *ro, *data;
	void *q;

	rw = map_ring(fd, 0, 1, PROT_READ | PROT_WRITE, MAP_SHARED);
	p0 = map_ring(fd, 0, 1, PROT_READ, MAP_SHARED);
	ro = map_ring(fd, 1, 1 + n, PROT_READ, MAP_SHARED);
	data = map_ring(fd, 2, n, PROT_READ, MAP_SHARED);
	TAP_EXPECT(rw != MAP_FAILED && p0 != MAP_FAILED && ro != MAP_FAILED &&
		   data != MAP_FAILED);
	if (rw == MAP_FAILED || p0 == MAP_FAILED || ro == MAP_FAILED || data == MAP_FAILED)
		goto out;
	/* The writable page would take in the producer page. */
	EXPECT_MREMAP_FAILS(mremap(rw, psz(), 2 * psz(), 0), EFAULT);
	EXPECT_MREMAP_FAILS(mremap(rw, psz(), 2 * psz(), MREMAP_MAYMOVE), EFAULT);
	EXPECT_MREMAP_FAILS(mremap(p0, psz(), 2 * psz(), MREMAP_MAYMOVE), EFAULT);
	/* Inside the ring's range, or past its end. */
	EXPECT_MREMAP_FAILS(mremap(ro, (1 + n) * psz(), (1 + 2 * n) * psz(),
				   MREMAP_MAYMOVE), EFAULT);
	EXPECT_MREMAP_FAILS(mremap(data, n * psz(), 2 * n * psz(), MREMAP_MAYMOVE), EFAULT);
	EXPECT_MREMAP_FAILS(mremap(data, n * psz(), 64 * n * psz(), MREMAP_MAYMOVE), EFAULT);
	/* A second mapping of the same pages, made by mremap: no either. */
	q = mremap(rw, 0, psz(), MREMAP_MAYMOVE);
	TAP_EXPECT(q == MAP_FAILED);
	if (q != MAP_FAILED)
		munmap(q, psz());
	*(volatile unsigned long *)rw = 16;
	TAP_EXPECT_EQ(*(unsigned long *)p0, 16);
	*(volatile unsigned long *)rw = 0;
out:
	if (rw != MAP_FAILED)
		munmap(rw, psz());
	if (p0 != MAP_FAILED)
		munmap(p0, psz());
	if (ro != MAP_FAILED)
		munmap(ro, (1 + n) * psz());
	if (data != MAP_FAILED)
		munmap(data, n * psz());
	close(fd);
}

/* ---- RINGBUF_IOC_QUERY ---- */

static void query_reports(void)
{
	unsigned char buf[sizeof(struct ringbuf_info) + 32] = { 0 };
	struct ringbuf_info info;
	struct ring r;
	char data[10] = "abcdefghi";

	if (!ring_open(&r, 4 * psz()))
		return;
	TAP_EXPECT_OK(query(r.fd, &info));
	TAP_EXPECT_EQ(info.size, sizeof(info));
	TAP_EXPECT_EQ(info.flags, 0);
	TAP_EXPECT_EQ(info.data_size, 4 * psz());
	TAP_EXPECT_EQ(info.consumer_pos, 0);
	TAP_EXPECT_EQ(info.producer_pos, 0);
	TAP_EXPECT_EQ(info.avail_data, 0);
	TAP_EXPECT_EQ(info.overwrite_pos, 0);
	TAP_EXPECT_OK(output1(r.fd, data, sizeof(data), 0));
	TAP_EXPECT_OK(output1(r.fd, data, 3, 0));
	TAP_EXPECT_OK(query(r.fd, &info));
	TAP_EXPECT_EQ(info.producer_pos, 24 + 16);
	TAP_EXPECT_EQ(info.consumer_pos, 0);
	TAP_EXPECT_EQ(info.avail_data, 40);
	TAP_EXPECT_EQ(*r.prod, 40);
	*r.cons = 24;
	TAP_EXPECT_OK(query(r.fd, &info));
	TAP_EXPECT_EQ(info.consumer_pos, 24);
	TAP_EXPECT_EQ(info.avail_data, 16);
	/* Flags, and the size field's rules. */
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.flags = 1;
	TAP_EXPECT_ERRNO(ioctl(r.fd, RINGBUF_IOC_QUERY, &info), EINVAL);
	info.flags = 0x80000000u;
	TAP_EXPECT_ERRNO(ioctl(r.fd, RINGBUF_IOC_QUERY, &info), EINVAL);
	info.flags = 0;
	info.size = RINGBUF_INFO_SIZE_VER0 - 1;
	TAP_EXPECT_ERRNO(ioctl(r.fd, RINGBUF_IOC_QUERY, &info), EINVAL);
	info.size = sizeof(buf);
	memcpy(buf, &info, sizeof(info));
	TAP_EXPECT_OK(ioctl(r.fd, RINGBUF_IOC_QUERY, buf));
	memcpy(&info, buf, sizeof(info));
	TAP_EXPECT_EQ(info.size, sizeof(info));
	TAP_EXPECT_EQ(info.producer_pos, 40);
	buf[sizeof(buf) - 1] = 1;
	memcpy(buf, &(uint32_t){ sizeof(buf) }, 4);
	TAP_EXPECT_ERRNO(ioctl(r.fd, RINGBUF_IOC_QUERY, buf), E2BIG);
	TAP_EXPECT_ERRNO(ioctl(r.fd, RINGBUF_IOC_QUERY, NULL), EFAULT);
	ring_close(&r);
}

/* ---- RINGBUF_IOC_OUTPUT ---- */

/*
 * Records of several lengths: each header says the length and the page it
 * is in, each record starts 8-aligned right after the previous one's
 * padding, and the bytes are the ones given.
 */
static void output_record_layout(void)
{
	uint64_t big = psz() - psz() / 8;
	uint32_t lens[] = { 0, 1, 7, 8, 9, 100, big, big, big, big, 100 };
	unsigned int nr = sizeof(lens) / sizeof(lens[0]), i, pages = 0;
	unsigned char *src[sizeof(lens) / sizeof(lens[0])];
	static struct seen s;
	uint64_t pos = 0;
	struct ring r;

	if (!ring_open(&r, 4 * psz()))
		return;
	for (i = 0; i < nr; i++) {
		src[i] = malloc(lens[i] + 1);
		fill(src[i], lens[i], i);
		TAP_EXPECT_OK(output1(r.fd, src[i], lens[i], 0));
	}
	TAP_EXPECT_EQ(consume_all(&r, &s), nr);
	for (i = 0; i < nr && i < s.n; i++) {
		const struct ringbuf_hdr *hdr = hdr_at(&r, s.v[i].pos);

		TAP_EXPECT_EQ(s.v[i].pos, pos);
		TAP_EXPECT_EQ(s.v[i].pos % 8, 0);
		TAP_EXPECT_EQ(hdr->len, lens[i]);
		TAP_EXPECT_EQ(hdr->pg_off, pos / psz());
		TAP_EXPECT_EQ(s.v[i].len, lens[i]);
		TAP_EXPECT(!memcmp(s.v[i].p, src[i], lens[i]));
		pages |= 1U << hdr->pg_off;
		pos += rec_total(lens[i]);
	}
	/* Headers in each of the 4 pages. */
	TAP_EXPECT_EQ(pages, 0xf);
	TAP_EXPECT_EQ(*r.prod, pos);
	TAP_EXPECT_EQ(*r.cons, pos);
	TAP_EXPECT_EQ(prod_of(r.fd), pos);
	for (i = 0; i < nr; i++)
		free(src[i]);
	ring_close(&r);
}

static void output_empty_record(void)
{
	struct ringbuf_record recs[3] = {
		{ .data = 0, .len = 0 },
		{ .data = 0xdead000, .len = 0 },	/* never read */
		{ .data = uaddr("x"), .len = 0 },
	};
	static struct seen s;
	uint32_t written = 0;
	struct ring r;
	long i;

	if (!ring_open(&r, psz()))
		return;
	TAP_EXPECT_OK(output(r.fd, recs, 3, 0, &written));
	TAP_EXPECT_EQ(written, 3);
	TAP_EXPECT_EQ(*r.prod, 3 * RINGBUF_HDR_SZ);
	TAP_EXPECT_EQ(consume_all(&r, &s), 3);
	for (i = 0; i < 3 && i < s.n; i++) {
		TAP_EXPECT_EQ(s.v[i].len, 0);
		TAP_EXPECT_EQ(s.v[i].pos, i * RINGBUF_HDR_SZ);
	}
	ring_close(&r);
}

static void output_bad_args(void)
{
	struct ringbuf_record rec = { .data = uaddr("abcd"), .len = 4 };
	struct ringbuf_record *many = calloc(RINGBUF_OUTPUT_MAX + 1, sizeof(*many));
	struct ringbuf_output req;
	uint32_t written = 0;
	int fd = rb_must(16 * psz());
	int i;

#define REQ(fl, recs, n, wr)							\
	(req = (struct ringbuf_output){ .size = sizeof(req), .flags = (fl),	\
		.records = uaddr(recs), .nr_records = (n), .nr_written = (wr) },	\
	 ioctl(fd, RINGBUF_IOC_OUTPUT, &req))

	TAP_EXPECT_ERRNO(REQ(4, &rec, 1, 0), EINVAL);
	TAP_EXPECT_ERRNO(REQ(0x80000000u, &rec, 1, 0), EINVAL);
	TAP_EXPECT_ERRNO(REQ(~0U, &rec, 1, 0), EINVAL);
	TAP_EXPECT_ERRNO(REQ(0, &rec, 0, 0), EINVAL);
	TAP_EXPECT_ERRNO(REQ(0, many, RINGBUF_OUTPUT_MAX + 1, 0), EINVAL);
	TAP_EXPECT_ERRNO(REQ(0, many, ~0U, 0), EINVAL);
	TAP_EXPECT_ERRNO(REQ(0, &rec, 1, 1), EINVAL);
	TAP_EXPECT_ERRNO(REQ(0, &rec, 1, 0x80000000u), EINVAL);
	/* The size field's rules. */
	req = (struct ringbuf_output){ .size = RINGBUF_OUTPUT_SIZE_VER0 - 1,
				       .records = uaddr(&rec), .nr_records = 1 };
	TAP_EXPECT_ERRNO(ioctl(fd, RINGBUF_IOC_OUTPUT, &req), EINVAL);
	TAP_EXPECT_ERRNO(ioctl(fd, RINGBUF_IOC_OUTPUT, NULL), EFAULT);
	TAP_EXPECT_EQ(prod_of(fd), 0);
	/* Both wake-up flags at once, as BPF allows: the force one wins. */
	TAP_EXPECT_OK(REQ(RINGBUF_NO_WAKEUP | RINGBUF_FORCE_WAKEUP, &rec, 1, 0));
	TAP_EXPECT_EQ(req.nr_written, 1);
	TAP_EXPECT_EQ(req.size, sizeof(req));
	/* RINGBUF_OUTPUT_MAX records of 0 bytes: the most one call takes. */
	for (i = 0; i < RINGBUF_OUTPUT_MAX; i++)
		many[i].len = 0;
	TAP_EXPECT_OK(output(fd, many, RINGBUF_OUTPUT_MAX, 0, &written));
	TAP_EXPECT_EQ(written, RINGBUF_OUTPUT_MAX);
	TAP_EXPECT_EQ(prod_of(fd), 16 + RINGBUF_OUTPUT_MAX * RINGBUF_HDR_SZ);
#undef REQ
	free(many);
	close(fd);
}

/* A reserved field not zero fails the batch before any record is written. */
static void output_reserved_nonzero(void)
{
	struct ringbuf_record recs[3] = {
		{ .data = uaddr("aaaa"), .len = 4 },
		{ .data = uaddr("bbbb"), .len = 4 },
		{ .data = uaddr("cccc"), .len = 4, .reserved = 1 },
	};
	int fd = rb_must(psz());

	TAP_EXPECT_ERRNO(output(fd, recs, 3, 0, NULL), EINVAL);
	recs[2].reserved = 0x80000000u;
	TAP_EXPECT_ERRNO(output(fd, recs, 3, 0, NULL), EINVAL);
	TAP_EXPECT_ERRNO(output(fd, recs + 2, 1, 0, NULL), EINVAL);
	TAP_EXPECT_EQ(prod_of(fd), 0);
	close(fd);
}

/*
 * A record that can never fit gets E2BIG, for the whole batch, before
 * anything is written: round_up(len + 8, 8) >= data_size, since the
 * producer stays at most data_size - 1 ahead of the consumer (the BPF
 * rule; bpf_ringbuf_output() just fails such a record with EAGAIN).
 */
static void output_too_big(void)
{
	uint64_t p = psz();
	unsigned char *buf = calloc(1, 2 * p);
	struct ringbuf_record recs[2] = {
		{ .data = uaddr(buf), .len = 10 },
		{ .data = uaddr(buf), .len = p - 7 },
	};
	struct ring r;

	if (!ring_open(&r, p))
		goto out;
	TAP_EXPECT_ERRNO(output1(r.fd, buf, p - 7, 0), E2BIG);
	TAP_EXPECT_ERRNO(output1(r.fd, buf, p, 0), E2BIG);
	TAP_EXPECT_ERRNO(output1(r.fd, buf, 2 * p, 0), E2BIG);
	TAP_EXPECT_ERRNO(output1(r.fd, buf, MAX_RECORD_SZ, 0), E2BIG);
	TAP_EXPECT_ERRNO(output1(r.fd, buf, MAX_RECORD_SZ + 1, 0), E2BIG);
	TAP_EXPECT_ERRNO(output1(r.fd, buf, UINT32_MAX, 0), E2BIG);
	TAP_EXPECT_ERRNO(output1(r.fd, buf, UINT32_MAX - 7, 0), E2BIG);
	TAP_EXPECT_ERRNO(output(r.fd, recs, 2, 0, NULL), E2BIG);
	TAP_EXPECT_EQ(prod_of(r.fd), 0);
	/* Exactly data_size: round_up(len + 8, 8) == p. */
	TAP_EXPECT_ERRNO(output1(r.fd, buf, p - 8, 0), E2BIG);
	TAP_EXPECT_ERRNO(output1(r.fd, buf, p - 15, 0), E2BIG);
	TAP_EXPECT_EQ(prod_of(r.fd), 0);
	/* The largest record there is: data_size - 8 with its header. */
	fill(buf, p - 16, 7);
	TAP_EXPECT_OK(output1(r.fd, buf, p - 16, 0));
	TAP_EXPECT_EQ(prod_of(r.fd), p - 8);
	expect_record(&r, buf, p - 16, 0);
	/* Again, across the end of the data area. */
	fill(buf, p - 16, 8);
	TAP_EXPECT_OK(output1(r.fd, buf, p - 16, 0));
	expect_record(&r, buf, p - 16, p - 8);
	ring_close(&r);
out:
	free(buf);
}

/*
 * Bad pointers: the argument, the records array (the whole batch fails
 * before anything is written), a record's bytes.
 */
static void output_bad_pointers(void)
{
	unsigned char *map = mmap(NULL, 2 * psz(), PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct ringbuf_record *edge = (void *)(map + psz() - sizeof(*edge));
	unsigned char *hole = map + psz();
	static struct seen s;
	unsigned char good[32];
	struct ring r;

	TAP_EXPECT(map != MAP_FAILED);
	if (map == MAP_FAILED)
		return;
	/* Kept mapped, so that no later mapping lands there. */
	TAP_EXPECT_OK(mprotect(hole, psz(), PROT_NONE));
	if (!ring_open(&r, psz()))
		goto out;
	fill(good, sizeof(good), 3);
	*edge = (struct ringbuf_record){ .data = uaddr(good), .len = sizeof(good) };
	TAP_EXPECT_ERRNO(output(r.fd, NULL, 1, 0, NULL), EFAULT);
	TAP_EXPECT_ERRNO(output(r.fd, (void *)hole, 1, 0, NULL), EFAULT);
	/* The array's second record is in the hole. */
	TAP_EXPECT_ERRNO(output(r.fd, edge, 2, 0, NULL), EFAULT);
	TAP_EXPECT_EQ(prod_of(r.fd), 0);
	TAP_EXPECT_EQ(consume_all(&r, &s), 0);

	/* The bytes of the only record: nothing a consumer sees. */
	TAP_EXPECT_ERRNO(output1(r.fd, hole, 16, 0), EFAULT);
	TAP_EXPECT_ERRNO(output1(r.fd, NULL, 16, 0), EFAULT);
	TAP_EXPECT_ERRNO(output1(r.fd, (void *)-4096L, 16, 0), EFAULT);
	/* Half readable, half not. */
	TAP_EXPECT_ERRNO(output1(r.fd, hole - 8, 16, 0), EFAULT);
	TAP_EXPECT_EQ(consume_all(&r, &s), 0);
	printf("# bad record bytes left %ld discarded record(s), producer_pos %llu\n",
	       s.discarded, (unsigned long long)prod_of(r.fd));
	TAP_EXPECT_EQ(*r.cons, *r.prod);
	/* Still works after. */
	TAP_EXPECT_OK(output1(r.fd, good, sizeof(good), 0));
	expect_record(&r, good, sizeof(good), *r.cons);

	/*
	 * The second record's bytes are bad: the batch stops there and
	 * succeeds with nr_written 1 (the bad record left as a discarded
	 * one); resuming at it gives the EFAULT.
	 */
	{
		struct ringbuf_record recs[2] = {
			{ .data = uaddr(good), .len = sizeof(good) },
			{ .data = uaddr(hole), .len = 8 },
		};
		uint64_t before = *r.cons;
		uint32_t written = 0;

		TAP_EXPECT_OK(output(r.fd, recs, 2, 0, &written));
		TAP_EXPECT_EQ(written, 1);
		TAP_EXPECT_ERRNO(output(r.fd, recs + 1, 1, 0, NULL), EFAULT);
		TAP_EXPECT_EQ(consume_all(&r, &s), 1);
		if (s.n == 1) {
			TAP_EXPECT_EQ(s.v[0].pos, before);
			TAP_EXPECT(!memcmp(s.v[0].p, good, sizeof(good)));
		}
	}
	ring_close(&r);
out:
	munmap(map, 2 * psz());
}

/* A full ring: EAGAIN, nothing written, until the consumer moves on. */
static void output_ring_full(void)
{
	uint64_t p = psz(), total = rec_total(100), fits = (p - 1) / total, i;
	unsigned char buf[100];
	struct ringbuf_record recs[2] = {
		{ .data = uaddr(buf), .len = sizeof(buf) },
		{ .data = uaddr(buf), .len = sizeof(buf) },
	};
	struct ring r;
	uint32_t written = 77;

	if (!ring_open(&r, p))
		return;
	for (i = 0; i < fits; i++) {
		fill(buf, sizeof(buf), i);
		TAP_EXPECT_OK(output1(r.fd, buf, sizeof(buf), 0));
	}
	TAP_EXPECT_EQ(prod_of(r.fd), fits * total);
	TAP_EXPECT_ERRNO(output1(r.fd, buf, sizeof(buf), 0), EAGAIN);
	TAP_EXPECT_ERRNO(output(r.fd, recs, 2, 0, &written), EAGAIN);
	TAP_EXPECT_EQ(written, 77);
	TAP_EXPECT_ERRNO(output1(r.fd, buf, sizeof(buf), RINGBUF_FORCE_WAKEUP), EAGAIN);
	TAP_EXPECT_EQ(prod_of(r.fd), fits * total);
	/* The consumer frees one record: one more fits, then no more. */
	*r.cons = total;
	fill(buf, sizeof(buf), 99);
	TAP_EXPECT_OK(output1(r.fd, buf, sizeof(buf), 0));
	TAP_EXPECT_ERRNO(output1(r.fd, buf, sizeof(buf), 0), EAGAIN);
	TAP_EXPECT_EQ(prod_of(r.fd), (fits + 1) * total);
	/* The oracle reads the rest, the last one last. */
	{
		static struct seen s;

		TAP_EXPECT_EQ(consume_all(&r, &s), fits);
		if (s.n == (long)fits) {
			TAP_EXPECT_EQ(s.v[fits - 1].pos, fits * total);
			TAP_EXPECT(!memcmp(s.v[fits - 1].p, buf, sizeof(buf)));
		}
	}
	ring_close(&r);
}

/* A batch that only partly fits: the records that fit, in order. */
static void output_partial_batch(void)
{
	uint64_t p = psz(), len = p / 4 - 24, total = rec_total(len);
	unsigned char *bufs = malloc(5 * len);
	struct ringbuf_record recs[5];
	static struct seen s;
	uint32_t written = 0;
	struct ring r;
	int i;

	if (!ring_open(&r, p))
		goto out;
	for (i = 0; i < 5; i++) {
		fill(bufs + i * len, len, 20 + i);
		recs[i] = (struct ringbuf_record){ .data = uaddr(bufs + i * len), .len = len };
	}
	TAP_EXPECT_OK(output(r.fd, recs, 5, 0, &written));
	TAP_EXPECT_EQ(written, 4);
	TAP_EXPECT_EQ(prod_of(r.fd), 4 * total);
	TAP_EXPECT_EQ(consume_all(&r, &s), 4);
	for (i = 0; i < 4 && i < s.n; i++) {
		TAP_EXPECT_EQ(s.v[i].pos, i * total);
		TAP_EXPECT(!memcmp(s.v[i].p, bufs + i * len, len));
	}
	/* The rest, retried: it goes where the batch stopped. */
	TAP_EXPECT_OK(output(r.fd, recs + 4, 1, 0, &written));
	TAP_EXPECT_EQ(written, 1);
	expect_record(&r, bufs + 4 * len, len, 4 * total);
	ring_close(&r);
out:
	free(bufs);
}

/*
 * Many records of many lengths through a one-page ring: those that run
 * past the end of the data area read contiguously through the second
 * mapping, and their bytes are in the first one, split at the end.
 */
static void output_wraparound(void)
{
	uint64_t p = psz(), off, first;
	unsigned char *buf = malloc(p);
	int i, straddles = 0;
	struct ring r;

	if (!ring_open(&r, p))
		goto out;
	for (i = 0; i < 200; i++) {
		uint32_t len = (i * 397 + 13) % (p / 2);
		uint64_t pos = *r.prod;

		fill(buf, len, 300 + i);
		TAP_EXPECT_OK(output1(r.fd, buf, len, 0));
		if (!expect_record(&r, buf, len, pos))
			break;
		off = (pos & r.mask) + RINGBUF_HDR_SZ;
		if (off + len > p) {
			straddles++;
			first = off < p ? p - off : 0;
			TAP_EXPECT(!memcmp(r.data + off, buf, first));
			TAP_EXPECT(!memcmp(r.data + (off + first) % p, buf + first, len - first));
		}
	}
	TAP_EXPECT(straddles >= 10);
	TAP_EXPECT(*r.prod > 20 * p);
	ring_close(&r);
out:
	free(buf);
}

/*
 * consumer_pos is the consumer's to write, and it may lie: ahead of the
 * producer, far behind it.  The module goes on, refusing records it has
 * no room for by the positions it sees, and QUERY says what they are.
 */
static void consumer_pos_malicious(void)
{
	uint64_t p = psz(), prod, cons, i;
	unsigned char buf[64];
	struct ringbuf_info info;
	struct ring r;

	if (!ring_open(&r, p))
		return;
	for (i = 0; i < 3 * p / 72; i++) {
		TAP_EXPECT_OK(output1(r.fd, buf, sizeof(buf), 0));
		*r.cons = *r.prod;
	}
	prod = *r.prod;
	{
		/* Ahead, or the whole ring or more behind: nothing fits. */
		uint64_t bad[] = {
			0, prod - p, prod - p + 8, prod + p, prod + (1ULL << 40),
			prod + (1ULL << 63), prod - (1ULL << 63), ~0ULL,
		};

		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			*r.cons = bad[i];
			TAP_EXPECT_ERRNO(output1(r.fd, buf, sizeof(buf), 0), EAGAIN);
			TAP_EXPECT_ERRNO(output1(r.fd, buf, sizeof(buf),
						 RINGBUF_FORCE_WAKEUP), EAGAIN);
			TAP_EXPECT_OK(query(r.fd, &info));
			TAP_EXPECT_EQ(info.consumer_pos, bad[i]);
			TAP_EXPECT_EQ(info.producer_pos, prod);
			TAP_EXPECT_EQ(info.overwrite_pos, 0);
			/* From the later of consumer_pos and overwrite_pos (0). */
			TAP_EXPECT_EQ(info.avail_data,
				      prod - ((int64_t)(0 - bad[i]) > 0 ? 0 : bad[i]));
			TAP_EXPECT_EQ(poll_now(r.fd), POLLIN | POLLRDNORM);
		}
	}
	/*
	 * A little ahead, in the middle of nowhere: the module cannot tell,
	 * and takes the record; QUERY still says what the positions are.
	 */
	cons = prod + 8;
	*r.cons = cons;
	TAP_EXPECT_OK(output1(r.fd, buf, sizeof(buf), 0));
	TAP_EXPECT_OK(query(r.fd, &info));
	TAP_EXPECT_EQ(info.producer_pos, prod + 72);
	TAP_EXPECT_EQ(info.avail_data, 64);
	prod += 72;
	/* Back where it should be: records go on from where they were. */
	*r.cons = prod;
	fill(buf, sizeof(buf), 5);
	TAP_EXPECT_OK(output1(r.fd, buf, sizeof(buf), 0));
	expect_record(&r, buf, sizeof(buf), prod);
	TAP_EXPECT_EQ(poll_now(r.fd), 0);
	ring_close(&r);
}

/*
 * A record stays busy while its bytes are copied, here for as long as a
 * userfaultfd page keeps the copy waiting.  The consumer stops at it; and
 * a consumer that moves consumer_pos past it cannot make later records
 * overwrite it ("bpf: Fix overrunning reservations in ringbuf").
 */
struct uffd_out {
	int fd;
	void *src;
	uint32_t len;
	int ret;
};

static void *uffd_output_thread(void *arg)
{
	struct uffd_out *o = arg;

	o->ret = output1(o->fd, o->src, o->len, 0);
	return NULL;
}

static void busy_record_not_overrun(void)
{
	uint64_t p = psz(), len = 512, big = p / 4 - 8, cons_fake;
	unsigned char *src = MAP_FAILED, *pattern = malloc(p), *buf = malloc(p);
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct uffdio_copy copy = { 0 };
	struct uffd_msg msg;
	struct pollfd pfd;
	static struct seen s;
	struct uffd_out o;
	pthread_t th;
	bool started = false;
	int uffd, fits = 0, i;
	struct ring r;

	uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	TAP_EXPECT_OK(uffd);
	if (uffd < 0)
		goto out_free;
	TAP_EXPECT_OK(ioctl(uffd, UFFDIO_API, &api));
	src = mmap(NULL, p, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TAP_EXPECT(src != MAP_FAILED);
	if (src == MAP_FAILED)
		goto out_uffd;
	reg.range.start = uaddr(src);
	reg.range.len = p;
	TAP_EXPECT_OK(ioctl(uffd, UFFDIO_REGISTER, &reg));
	if (!ring_open(&r, p))
		goto out_uffd;

	o = (struct uffd_out){ .fd = r.fd, .src = src, .len = len };
	if (pthread_create(&th, NULL, uffd_output_thread, &o)) {
		tap_fail(__FILE__, __LINE__, "pthread_create failed");
		goto out_ring;
	}
	started = true;
	/* The copy has faulted: the record is reserved, busy. */
	pfd = (struct pollfd){ .fd = uffd, .events = POLLIN };
	TAP_EXPECT_EQ(poll(&pfd, 1, 10000), 1);
	TAP_EXPECT_EQ(read(uffd, &msg, sizeof(msg)), sizeof(msg));
	TAP_EXPECT_EQ(msg.event, UFFD_EVENT_PAGEFAULT);
	TAP_EXPECT_EQ(*r.prod, rec_total(len));
	TAP_EXPECT(hdr_at(&r, 0)->len & RINGBUF_BUSY_BIT);
	TAP_EXPECT_EQ(consume_all(&r, &s), 0);
	TAP_EXPECT_EQ(*r.cons, 0);
	/* There is data, though none to read yet (as for BPF). */
	TAP_EXPECT_EQ(poll_now(r.fd), POLLIN | POLLRDNORM);

	/* Others' records go after it, while they fit. */
	fill(buf, big, 1);
	TAP_EXPECT_OK(output1(r.fd, buf, big, 0));
	/* A consumer that claims to be past the busy record... */
	cons_fake = *r.prod;
	*r.cons = cons_fake;
	/* ...does not make room over it. */
	for (i = 0; i < 8; i++) {
		int err = output1(r.fd, buf, big, 0);

		if (err) {
			TAP_EXPECT_ERRNO(err, EAGAIN);
			break;
		}
		fits++;
	}
	/* Up to data_size - 1 past the busy record, no further. */
	TAP_EXPECT_EQ(fits, (int)((p - 1 - rec_total(len) - rec_total(big)) / rec_total(big)));
	TAP_EXPECT(*r.prod <= p - 1);
	TAP_EXPECT(hdr_at(&r, 0)->len & RINGBUF_BUSY_BIT);
	TAP_EXPECT_EQ(hdr_at(&r, 0)->pg_off, 0);

	/* The copy goes on: the record is committed, whole. */
	fill(pattern, p, 77);
	copy.dst = uaddr(src);
	copy.src = uaddr(pattern);
	copy.len = p;
	TAP_EXPECT_OK(ioctl(uffd, UFFDIO_COPY, &copy));
	pthread_join(th, NULL);
	started = false;
	TAP_EXPECT_OK(o.ret);
	TAP_EXPECT_EQ(hdr_at(&r, 0)->len, len);
	TAP_EXPECT(!memcmp(r.data + RINGBUF_HDR_SZ, pattern, len));
	/* An honest consumer reads it, then the others. */
	*r.cons = 0;
	TAP_EXPECT_EQ(consume_all(&r, &s), 2 + fits);
	if (s.n >= 1) {
		TAP_EXPECT_EQ(s.v[0].len, len);
		TAP_EXPECT(!memcmp(s.v[0].p, pattern, len));
	}
	/* And now the room is there again. */
	TAP_EXPECT_OK(output1(r.fd, buf, big, 0));
out_ring:
	if (started) {
		/* Let the thread finish before the ring and its page go. */
		copy.dst = uaddr(src);
		copy.src = uaddr(pattern);
		copy.len = p;
		ioctl(uffd, UFFDIO_COPY, &copy);
		pthread_join(th, NULL);
	}
	ring_close(&r);
out_uffd:
	if (src != MAP_FAILED)
		munmap(src, p);
	close(uffd);
out_free:
	free(pattern);
	free(buf);
}

/* ---- poll and epoll ---- */

static void poll_readable(void)
{
	struct ring r;
	int ep;

	if (!ring_open(&r, psz()))
		return;
	ep = epoll_for(r.fd, EPOLLIN);
	TAP_EXPECT_EQ(poll_now(r.fd), 0);
	TAP_EXPECT_EQ(epoll_wait1(ep, 0), 0);
	TAP_EXPECT_OK(output1(r.fd, "abc", 3, 0));
	TAP_EXPECT_EQ(poll_now(r.fd), POLLIN | POLLRDNORM);
	TAP_EXPECT_EQ(epoll_wait1(ep, 0), 1);
	/* Also without a wake-up: poll looks at the positions. */
	*r.cons = *r.prod;
	TAP_EXPECT_EQ(poll_now(r.fd), 0);
	TAP_EXPECT_EQ(epoll_wait1(ep, 0), 0);
	TAP_EXPECT_OK(output1(r.fd, "abc", 3, RINGBUF_NO_WAKEUP));
	TAP_EXPECT_EQ(poll_now(r.fd), POLLIN | POLLRDNORM);
	*r.cons = *r.prod;
	TAP_EXPECT_EQ(poll_now(r.fd), 0);
	close(ep);
	ring_close(&r);
}

/* A process asleep in poll() with the consumer caught up. */
struct poll_child {
	int fd;
	int pipe_w;
};

static void child_polls(void *arg)
{
	struct poll_child *c = arg;
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN | POLLRDNORM };
	uint64_t t0;
	int ret;

	TAP_EXPECT_EQ(write(c->pipe_w, "r", 1), 1);
	t0 = now_ms();
	ret = poll(&pfd, 1, 20000);
	t0 = now_ms() - t0;
	TAP_EXPECT_EQ(ret, 1);
	TAP_EXPECT_EQ(pfd.revents, POLLIN | POLLRDNORM);
	/* Woken, not timed out. */
	if (t0 >= 10000)
		tap_fail(__FILE__, __LINE__, "poll returned after %llu ms",
			 (unsigned long long)t0);
}

static void wake_adaptive_caught_up(void)
{
	struct poll_child c;
	char path[64], ch;
	int pipefd[2], status;
	pid_t pid;
	struct ring r;

	if (!ring_open(&r, psz()))
		return;
	/* Not at 0: the consumer has caught up with some records. */
	TAP_EXPECT_OK(output1(r.fd, "0123456789", 10, 0));
	*r.cons = *r.prod;
	TAP_EXPECT_OK(pipe2(pipefd, O_CLOEXEC));
	c = (struct poll_child){ .fd = r.fd, .pipe_w = pipefd[1] };
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		tap_failures = 0;
		child_polls(&c);
		fflush(stdout);
		_exit(tap_failures ? 1 : 0);
	}
	TAP_EXPECT(pid > 0);
	if (pid < 0)
		goto out;
	TAP_EXPECT_EQ(read(pipefd[0], &ch, 1), 1);
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	wait_sleeping(path);
	TAP_EXPECT_OK(output1(r.fd, "abc", 3, 0));
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	EXPECT_EXITED_0(status);
out:
	close(pipefd[0]);
	close(pipefd[1]);
	ring_close(&r);
}

/*
 * RINGBUF_NO_WAKEUP: a poller asleep stays asleep to its timeout (poll()
 * looks at the ring once more then, and may find data: only the time
 * tells), and an epoll set hears nothing.
 */
static void no_wake_with_no_wakeup(void)
{
	struct poller pl;
	struct ring r;
	int ep;

	if (!ring_open(&r, psz()))
		return;
	if (poller_start(&pl, r.fd, false, 300)) {
		TAP_EXPECT_OK(output1(r.fd, "abc", 3, RINGBUF_NO_WAKEUP));
		pthread_join(pl.th, NULL);
		if (pl.elapsed < 295)
			tap_fail(__FILE__, __LINE__, "poll woken after %llu ms",
				 (unsigned long long)pl.elapsed);
	}
	*r.cons = *r.prod;
	ep = epoll_for(r.fd, EPOLLIN);
	TAP_EXPECT_OK(output1(r.fd, "abc", 3, RINGBUF_NO_WAKEUP));
	TAP_EXPECT_EQ(epoll_wait1(ep, 300), 0);
	/* The data is there all the same. */
	TAP_EXPECT_EQ(poll_now(r.fd), POLLIN | POLLRDNORM);
	close(ep);
	ring_close(&r);
}

/*
 * An edge-triggered epoll set hears exactly the wake-ups.  Adaptive: only
 * when the consumer had caught up with the new record; with the consumer
 * behind it stays quiet (documented: the consumer is not asleep on an
 * empty ring then).  Forced: always, even with the consumer behind.
 */
static void wake_adaptive_and_forced(void)
{
	struct poller pl;
	struct ring r;
	int ep;

	if (!ring_open(&r, psz()))
		return;
	ep = epoll_for(r.fd, EPOLLIN | EPOLLET);
	TAP_EXPECT_EQ(epoll_wait1(ep, 0), 0);
	/* Caught up (both at 0): woken. */
	TAP_EXPECT_OK(output1(r.fd, "a", 1, 0));
	TAP_EXPECT_EQ(epoll_wait1(ep, 5000), 1);
	TAP_EXPECT_EQ(epoll_wait1(ep, 0), 0);
	/* Behind by one record: adaptive stays quiet. */
	TAP_EXPECT_OK(output1(r.fd, "b", 1, 0));
	TAP_EXPECT_EQ(epoll_wait1(ep, 300), 0);
	/* Forced: woken though behind, an epoll_wait asleep in another thread. */
	if (poller_start(&pl, ep, true, 20000)) {
		TAP_EXPECT_OK(output1(r.fd, "c", 1, RINGBUF_FORCE_WAKEUP));
		pthread_join(pl.th, NULL);
		TAP_EXPECT_EQ(pl.ret, 1);
		if (pl.elapsed >= 10000)
			tap_fail(__FILE__, __LINE__, "not woken: %llu ms",
				 (unsigned long long)pl.elapsed);
	}
	/* Caught up again, not at 0 now: adaptive wakes. */
	*r.cons = *r.prod;
	TAP_EXPECT_OK(output1(r.fd, "d", 1, 0));
	TAP_EXPECT_EQ(epoll_wait1(ep, 5000), 1);
	/* A consumer half-way through: still behind, still quiet. */
	*r.cons = *r.prod - 8;
	TAP_EXPECT_OK(output1(r.fd, "e", 1, 0));
	TAP_EXPECT_EQ(epoll_wait1(ep, 300), 0);
	close(ep);
	ring_close(&r);
}

/* A thread asleep in poll() on a caught-up ring, woken by adaptive output. */
static void wake_thread_poller(void)
{
	struct poller pl;
	struct ring r;

	if (!ring_open(&r, psz()))
		return;
	if (poller_start(&pl, r.fd, false, 20000)) {
		TAP_EXPECT_OK(output1(r.fd, "abc", 3, 0));
		pthread_join(pl.th, NULL);
		TAP_EXPECT_EQ(pl.ret, 1);
		TAP_EXPECT_EQ(pl.revents, POLLIN | POLLRDNORM);
		if (pl.elapsed >= 10000)
			tap_fail(__FILE__, __LINE__, "not woken: %llu ms",
				 (unsigned long long)pl.elapsed);
	}
	ring_close(&r);
}

/* ---- lifetime ---- */

static void child_reads_inherited(void *arg)
{
	struct ring *r = arg;
	static struct seen s;

	TAP_EXPECT_EQ(consume_all(r, &s), 1);
	if (s.n == 1)
		TAP_EXPECT(!memcmp(s.v[0].p, "second", 6));
}

static void close_fd_while_mapped(void)
{
	long long base = read_sysfs(REFCNT_PATH);
	static struct seen s;
	struct ring r;

	if (!ring_open(&r, 2 * psz()))
		return;
	TAP_EXPECT_EQ(read_sysfs(REFCNT_PATH), base + 1);
	TAP_EXPECT_OK(output1(r.fd, "first", 5, 0));
	TAP_EXPECT_OK(output1(r.fd, "second", 6, 0));
	TAP_EXPECT_OK(close(r.fd));
	/* The mappings hold the ring, and the module. */
	TAP_EXPECT_EQ(read_sysfs(REFCNT_PATH), base + 1);
	TAP_EXPECT_EQ(ring_consume(&r, seen_add, &s, 1, NULL), 1);
	if (s.n == 1)
		TAP_EXPECT(!memcmp(s.v[0].p, "first", 5));
	EXPECT_EXITED_0(child_run(child_reads_inherited, &r));
	/* The child moved consumer_pos, in the shared page. */
	TAP_EXPECT_EQ(*r.cons, *r.prod);
	TAP_EXPECT_EQ(*r.prod, 16 + 16);
	TAP_EXPECT_EQ(read_sysfs(REFCNT_PATH), base + 1);
	munmap(r.cons, psz());
	TAP_EXPECT_EQ(read_sysfs(REFCNT_PATH), base + 1);
	TAP_EXPECT(!memcmp(r.data + 16 + 8, "second", 6));
	munmap((void *)r.prod, r.ro_len);
	TAP_EXPECT_EQ(read_sysfs(REFCNT_PATH), base);
}

static void child_maps_outputs_exits(void *arg)
{
	struct ring r;

	/* Its own mappings, left for exit to undo. */
	if (ring_map(&r, *(int *)arg, 4 * psz()))
		TAP_EXPECT_OK(output1(r.fd, "child", 5, RINGBUF_FORCE_WAKEUP));
}

static void refcnt_back_to_baseline(void)
{
	long long base = read_sysfs(REFCNT_PATH);
	struct ring rings[4];
	bool mapped[4];
	int i;

	for (i = 0; i < 4; i++)
		mapped[i] = ring_open(&rings[i], 4 * psz());
	TAP_EXPECT_EQ(read_sysfs(REFCNT_PATH), base + 4);
	if (mapped[0]) {
		EXPECT_EXITED_0(child_run(child_maps_outputs_exits, &rings[0].fd));
		TAP_EXPECT_EQ(*rings[0].prod, 16);
	}
	TAP_EXPECT_EQ(read_sysfs(REFCNT_PATH), base + 4);
	for (i = 0; i < 4; i++) {
		if (!mapped[i])
			continue;
		if (i % 2) {
			close(rings[i].fd);
			ring_unmap(&rings[i]);
		} else {
			ring_unmap(&rings[i]);
			close(rings[i].fd);
		}
	}
	TAP_EXPECT_EQ(read_sysfs(REFCNT_PATH), base);
	/* An fd never mapped, and one only output to. */
	i = rb_must(psz());
	TAP_EXPECT_OK(output1(i, "x", 1, 0));
	TAP_EXPECT_EQ(read_sysfs(REFCNT_PATH), base + 1);
	close(i);
	TAP_EXPECT_EQ(read_sysfs(REFCNT_PATH), base);
}

/* ---- stress ---- */

/*
 * Each record: producer id, sequence number, length, checksum, then bytes
 * derived from (id, sequence).  The consumer expects each producer's
 * sequence numbers in order, each once.
 */
struct st_hdr {
	uint32_t producer, seq, len, sum;
};

#define ST_MAX_PRODUCERS	16
#define ST_MAX_BATCH		8
#define ST_MAX_BODY		600

static uint32_t mix(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352d;
	x ^= x >> 15;
	x *= 0x846ca68b;
	x ^= x >> 16;
	return x;
}

static uint32_t st_sum(const unsigned char *b, uint32_t len)
{
	uint32_t h = 2166136261u, i;

	for (i = 0; i < len; i++)
		if (i < 12 || i >= 16)
			h = (h ^ b[i]) * 16777619u;
	return h;
}

static uint32_t st_make(unsigned char *buf, uint32_t producer, uint32_t seq,
			uint32_t max_body)
{
	uint32_t h = mix(producer * 0x9e3779b9u ^ seq), body = h % (max_body + 1), i;
	struct st_hdr hd = {
		.producer = producer, .seq = seq, .len = sizeof(hd) + body,
	};

	memcpy(buf, &hd, sizeof(hd));
	for (i = 0; i < body; i++)
		buf[sizeof(hd) + i] = (unsigned char)((h >> (i % 4 * 8)) + i);
	hd.sum = st_sum(buf, hd.len);
	memcpy(buf, &hd, sizeof(hd));
	return hd.len;
}

/* Counters shared by the producers and the consumer. */
struct st_shared {
	uint64_t eagain, partial, errors, ioctls;
	uint64_t deadline;
};

struct st_producer {
	int fd;
	uint32_t producer, count, max_body;
	bool slow;		/* sleep on EAGAIN instead of yielding */
	struct st_shared *sh;
};

static void st_produce(const struct st_producer *c)
{
	static __thread unsigned char bufs[ST_MAX_BATCH][sizeof(struct st_hdr) + ST_MAX_BODY];
	struct ringbuf_record recs[ST_MAX_BATCH];
	uint32_t seq = 0, n, i, done, written = 0, flags;
	int err;

	while (seq < c->count) {
		n = 1 + mix(seq ^ c->producer << 20) % ST_MAX_BATCH;
		if (n > c->count - seq)
			n = c->count - seq;
		for (i = 0; i < n; i++) {
			recs[i].data = uaddr(bufs[i]);
			recs[i].len = st_make(bufs[i], c->producer, seq + i, c->max_body);
			recs[i].reserved = 0;
		}
		flags = seq % 64 == 0 ? RINGBUF_FORCE_WAKEUP : 0;
		for (done = 0; done < n;) {
			__atomic_add_fetch(&c->sh->ioctls, 1, __ATOMIC_RELAXED);
			err = output(c->fd, recs + done, n - done, flags, &written);
			if (err == -EAGAIN) {
				__atomic_add_fetch(&c->sh->eagain, 1, __ATOMIC_RELAXED);
				if (now_ms() > c->sh->deadline)
					goto fail;
				if (c->slow)
					usleep(200);
				else
					sched_yield();
				continue;
			}
			if (err || !written || written > n - done)
				goto fail;
			if (written < n - done)
				__atomic_add_fetch(&c->sh->partial, 1, __ATOMIC_RELAXED);
			done += written;
		}
		seq += n;
	}
	return;
fail:
	__atomic_add_fetch(&c->sh->errors, 1, __ATOMIC_RELAXED);
}

static void *st_produce_thread(void *arg)
{
	st_produce(arg);
	return NULL;
}

/* What the consumer found. */
struct st_check {
	uint32_t nr_producers;
	uint32_t next[ST_MAX_PRODUCERS];
	uint64_t total, lost, dup, corrupt, straddles;
	uint64_t size;
};

static void st_check_rec(void *ctx, const struct rec_view *rec)
{
	struct st_check *c = ctx;
	struct st_hdr hd;

	c->total++;
	if ((rec->pos & (c->size - 1)) + RINGBUF_HDR_SZ + rec->len > c->size)
		c->straddles++;
	if (rec->len < sizeof(hd)) {
		c->corrupt++;
		return;
	}
	memcpy(&hd, rec->p, sizeof(hd));
	if (hd.len != rec->len || hd.producer >= c->nr_producers ||
	    hd.sum != st_sum(rec->p, rec->len)) {
		if (c->corrupt++ < 5)
			printf("# corrupt record at %llu: len %u/%u producer %u seq %u\n",
			       (unsigned long long)rec->pos, rec->len, hd.len,
			       hd.producer, hd.seq);
		return;
	}
	if (hd.seq == c->next[hd.producer]) {
		c->next[hd.producer]++;
	} else if (hd.seq < c->next[hd.producer]) {
		if (c->dup++ < 5)
			printf("# producer %u: seq %u again, expected %u\n",
			       hd.producer, hd.seq, c->next[hd.producer]);
	} else {
		if (c->lost++ < 5)
			printf("# producer %u: seq %u, expected %u\n",
			       hd.producer, hd.seq, c->next[hd.producer]);
		c->next[hd.producer] = hd.seq + 1;
	}
}

/*
 * nr_procs producer processes of one producer each, plus one process with
 * nr_threads producer threads; this process consumes, at most per_round
 * records then pause_us of sleep when slow, until it has them all.
 */
struct st_plan {
	uint64_t ring_size;
	uint32_t nr_procs, per_proc;
	uint32_t nr_threads, per_thread;
	uint32_t max_body;
	long per_round;
	unsigned int pause_us;
	bool slow;
	uint64_t timeout_ms;
};

static void st_run(const struct st_plan *plan, struct st_check *chk, struct st_shared **shp)
{
	uint32_t nr = plan->nr_procs + plan->nr_threads, i;
	uint64_t expected = (uint64_t)plan->nr_procs * plan->per_proc +
			    (uint64_t)plan->nr_threads * plan->per_thread;
	uint64_t t0 = now_ms(), polls = 0, timeouts = 0;
	struct st_shared *sh;
	pid_t pids[ST_MAX_PRODUCERS + 1];
	int statuses[ST_MAX_PRODUCERS + 1];
	int nr_pids = 0, status;
	struct ringbuf_info info;
	struct ring r;
	long n;

	memset(chk, 0, sizeof(*chk));
	chk->nr_producers = nr;
	chk->size = plan->ring_size;
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	*shp = sh;
	if (sh == MAP_FAILED || !ring_open(&r, plan->ring_size)) {
		tap_fail(__FILE__, __LINE__, "stress setup failed");
		return;
	}
	memset(sh, 0, sizeof(*sh));
	sh->deadline = t0 + plan->timeout_ms;
	fflush(stdout);
	for (i = 0; i < plan->nr_procs; i++) {
		pid_t pid = fork();

		if (pid == 0) {
			struct st_producer c = {
				.fd = r.fd, .producer = i, .count = plan->per_proc,
				.max_body = plan->max_body, .slow = plan->slow, .sh = sh,
			};

			st_produce(&c);
			_exit(0);
		}
		if (pid > 0)
			pids[nr_pids++] = pid;
	}
	if (plan->nr_threads) {
		pid_t pid = fork();

		if (pid == 0) {
			struct st_producer c[ST_MAX_PRODUCERS];
			pthread_t th[ST_MAX_PRODUCERS];

			for (i = 0; i < plan->nr_threads; i++) {
				c[i] = (struct st_producer){
					.fd = r.fd, .producer = plan->nr_procs + i,
					.count = plan->per_thread, .max_body = plan->max_body,
					.slow = plan->slow, .sh = sh,
				};
				if (pthread_create(&th[i], NULL, st_produce_thread, &c[i]))
					__atomic_add_fetch(&sh->errors, 1, __ATOMIC_RELAXED);
			}
			for (i = 0; i < plan->nr_threads; i++)
				pthread_join(th[i], NULL);
			_exit(0);
		}
		if (pid > 0)
			pids[nr_pids++] = pid;
	}

	/*
	 * Until it has them all; or, records lost, until the producers are
	 * gone and the ring is empty; or the deadline.
	 */
	while (chk->total < expected && now_ms() < sh->deadline &&
	       !__atomic_load_n(&sh->errors, __ATOMIC_RELAXED)) {
		int live = 0;

		for (i = 0; i < (uint32_t)nr_pids; i++) {
			if (pids[i] > 0 && waitpid(pids[i], &statuses[i], WNOHANG) == pids[i])
				pids[i] = -pids[i];
			live += pids[i] > 0;
		}
		n = ring_consume(&r, st_check_rec, chk, plan->per_round, NULL);
		if (n < 0 || (n == 0 && !live))
			break;
		if (plan->pause_us) {
			usleep(plan->pause_us);
		} else if (n == 0) {
			struct pollfd pfd = { .fd = r.fd, .events = POLLIN };

			polls++;
			if (poll(&pfd, 1, 100) == 0)
				timeouts++;
		}
	}
	for (i = 0; i < (uint32_t)nr_pids; i++) {
		if (pids[i] < 0) {
			EXPECT_EXITED_0(statuses[i]);
			continue;
		}
		if (chk->total < expected)
			kill(pids[i], SIGKILL);
		while (waitpid(pids[i], &status, 0) < 0 && errno == EINTR)
			;
		EXPECT_EXITED_0(status);
	}
	/* Nothing more, nothing busy left behind. */
	n = ring_consume(&r, st_check_rec, chk, LONG_MAX, NULL);
	TAP_EXPECT_EQ(n, 0);
	TAP_EXPECT_OK(query(r.fd, &info));
	TAP_EXPECT_EQ(info.avail_data, 0);
	printf("# %llu records in %llu ms: %llu ioctls, %llu EAGAIN, %llu partial, "
	       "%llu straddling the end, %llu polls (%llu timed out)\n",
	       (unsigned long long)chk->total, (unsigned long long)(now_ms() - t0),
	       (unsigned long long)sh->ioctls, (unsigned long long)sh->eagain,
	       (unsigned long long)sh->partial, (unsigned long long)chk->straddles,
	       (unsigned long long)polls, (unsigned long long)timeouts);
	TAP_EXPECT_EQ(sh->errors, 0);
	TAP_EXPECT_EQ(chk->total, expected);
	TAP_EXPECT_EQ(chk->lost, 0);
	TAP_EXPECT_EQ(chk->dup, 0);
	TAP_EXPECT_EQ(chk->corrupt, 0);
	for (i = 0; i < plan->nr_procs; i++)
		TAP_EXPECT_EQ(chk->next[i], plan->per_proc);
	for (i = 0; i < plan->nr_threads; i++)
		TAP_EXPECT_EQ(chk->next[plan->nr_procs + i], plan->per_thread);
	ring_close(&r);
}

static void stress_multi_producer(void)
{
	static const struct st_plan plan = {
		.ring_size = 0,		/* set below: 8 pages */
		.nr_procs = 4, .per_proc = 40000,
		.nr_threads = 4, .per_thread = 20000,
		.max_body = 120,
		.per_round = LONG_MAX,
		.timeout_ms = 60000,
	};
	struct st_plan p = plan;
	struct st_check chk;
	struct st_shared *sh;

	p.ring_size = 8 * psz();
	st_run(&p, &chk, &sh);
	if (sh != MAP_FAILED)
		munmap(sh, sizeof(*sh));
}

/* A small ring and a consumer that takes its time: full rings, wraps. */
static void stress_slow_consumer(void)
{
	struct st_plan p = {
		.ring_size = 4 * psz(),
		.nr_procs = 2, .per_proc = 4000,
		.nr_threads = 2, .per_thread = 2000,
		.max_body = ST_MAX_BODY,
		.per_round = 6,
		.pause_us = 300,
		.slow = true,
		.timeout_ms = 60000,
	};
	struct st_check chk;
	struct st_shared *sh;

	st_run(&p, &chk, &sh);
	if (sh == MAP_FAILED)
		return;
	TAP_EXPECT(sh->eagain > 100);
	TAP_EXPECT(chk.straddles > 20);
	munmap(sh, sizeof(*sh));
}

/*
 * The largest ring there is, 2 GiB, more than the test VM's memory: the
 * creation fails with ENOMEM (or succeeds, given the memory) and nobody is
 * OOM-killed for it.  The creating child offers itself to the OOM killer
 * first (oom_score_adj 1000), so that a failure kills it, not the harness.
 */
static void child_creates_huge_ring(void *arg)
{
	int fd, adj = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);

	(void)arg;
	TAP_EXPECT(adj >= 0 && write(adj, "1000", 4) == 4);
	if (adj >= 0)
		close(adj);
	fd = rb_new(0, SZ_2G);
	if (fd >= 0)
		close(fd);
	else
		TAP_EXPECT_ERRNO(fd, ENOMEM);
}

static void create_huge_no_oom_kill(void)
{
	int status = child_run(child_creates_huge_ring, NULL);

	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		tap_fail(__FILE__, __LINE__, "creating a 2 GiB ring got the creator OOM-killed");
	else
		EXPECT_EXITED_0(status);
}

static const struct tap_test tests[] = {
	{ "ringbuf", "version-feature-ringbuf", version_feature_ringbuf },
	{ "ringbuf", "create-returns-cloexec-fd", create_returns_cloexec_fd },
	{ "ringbuf", "create-data-size-einval", create_data_size_einval },
	{ "ringbuf", "create-data-size-e2big", create_data_size_e2big },
	{ "ringbuf", "create-unknown-flags", create_unknown_flags },
	{ "ringbuf", "create-size-rules", create_size_rules },
	{ "ringbuf", "ioctls-per-object", ioctls_per_object },
	{ "ringbuf", "mmap-consumer-page-rw", mmap_consumer_page_rw },
	{ "ringbuf", "mmap-write-refused", mmap_write_refused },
	{ "ringbuf", "mmap-private-rejected", mmap_private_rejected },
	{ "ringbuf", "mmap-ro-double-mapping", mmap_ro_double_mapping },
	{ "ringbuf", "mmap-offsets", mmap_offsets },
	{ "ringbuf", "mprotect-write-refused", mprotect_write_refused },
	{ "ringbuf", "mremap-grow-refused", mremap_grow_refused },
	{ "ringbuf", "query-reports", query_reports },
	{ "ringbuf", "output-record-layout", output_record_layout },
	{ "ringbuf", "output-empty-record", output_empty_record },
	{ "ringbuf", "output-bad-args", output_bad_args },
	{ "ringbuf", "output-reserved-nonzero", output_reserved_nonzero },
	{ "ringbuf", "output-too-big", output_too_big },
	{ "ringbuf", "output-bad-pointers", output_bad_pointers },
	{ "ringbuf", "output-ring-full", output_ring_full },
	{ "ringbuf", "output-partial-batch", output_partial_batch },
	{ "ringbuf", "output-wraparound", output_wraparound },
	{ "ringbuf", "consumer-pos-malicious", consumer_pos_malicious },
	{ "ringbuf", "busy-record-not-overrun", busy_record_not_overrun },
	{ "ringbuf", "poll-readable", poll_readable },
	{ "ringbuf", "wake-adaptive-caught-up", wake_adaptive_caught_up },
	{ "ringbuf", "wake-thread-poller", wake_thread_poller },
	{ "ringbuf", "no-wake-with-no-wakeup", no_wake_with_no_wakeup },
	{ "ringbuf", "wake-adaptive-and-forced", wake_adaptive_and_forced },
	{ "ringbuf", "close-fd-while-mapped", close_fd_while_mapped },
	{ "ringbuf", "refcnt-back-to-baseline", refcnt_back_to_baseline },
	{ "ringbuf", "stress-multi-producer", stress_multi_producer },
	{ "ringbuf", "stress-slow-consumer", stress_slow_consumer },
	/* Last: when it fails, the OOM killer has been at work. */
	{ "ringbuf", "create-huge-no-oom-kill", create_huge_no_oom_kill },
};

TAP_MAIN(tests)
