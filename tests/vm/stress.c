// SPDX-License-Identifier: GPL-2.0
/*
 * Stress: many producers on one ring, arena pages allocated and freed
 * while user space and programs touch them, objects and programs created
 * and dropped from several threads.  Counts are bounded so that each test
 * takes seconds under TCG; STRESS_SCALE (the harness's /stress-scale,
 * `make stress`) multiplies them.  Each says what it did as a comment.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dev.h"
#include "libarena.h"
#include "prog_text.h"
#include "tap.h"
#include "vmtest.h"

#define SCALE_PATH	"/stress-scale"
#define ARENA_ADDR	0x7e0000000000ULL

static long psz(void)
{
	return sysconf(_SC_PAGESIZE);
}

/* The harness's multiplier: 1 in make check. */
static long scale(void)
{
	static long s;
	FILE *f;

	if (!s) {
		f = fopen(SCALE_PATH, "r");
		if (!f || fscanf(f, "%ld", &s) != 1 || s < 1)
			s = 1;
		if (f)
			fclose(f);
	}
	return s;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000ULL + ts.tv_nsec / 1000000;
}

static void pin_to_cpu(long cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu % sysconf(_SC_NPROCESSORS_ONLN), &set);
	sched_setaffinity(0, sizeof(set), &set);
}

/* Thread i runs fn(args + i * size), or fn(args) if size is 0. */
static void start_threads(pthread_t *t, int n, void *(*fn)(void *), void *args, size_t size)
{
	int i;

	for (i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, fn, (char *)args + i * size))
			tap_fail(__FILE__, __LINE__, "pthread_create %d failed", i);
}

static void join_threads(pthread_t *t, int n)
{
	int i;

	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
}

/* ---- MPSC ring: processes on every CPU, programs and ioctls ---- */

#define RING_PRODUCERS	4
#define RING_RECORDS	50000	/* per producer */
#define RING_SIZE	(16 * 4096)

/*
 * A record: who, which, a pattern, and last a check word, written after
 * everything else, so that a record seen before its commit shows as one
 * whose check is wrong.
 */
struct rec {
	uint64_t id, seq, pattern[3], check;
};

static uint64_t rec_pattern(uint64_t id, uint64_t seq)
{
	return seq ^ (id << 40) ^ 0x5a5a5a5a;
}

static uint64_t rec_check(uint64_t id, uint64_t seq)
{
	return seq * 3 + id;
}

static const char ring_prog[] =
	"ldxdw %r6, [%r1+0]\nldxdw %r7, [%r1+8]\n"
	"ldmap %r1, 0\nmov %r2, 48\nmov %r3, 0\ncall 131\njeq %r0, 0, full\n"
	"stxdw [%r0+0], %r6\nstxdw [%r0+8], %r7\n"
	"mov %r8, %r6\nlsh %r8, 40\nxor %r8, %r7\nxor %r8, 0x5a5a5a5a\n"
	"stxdw [%r0+16], %r8\nstxdw [%r0+24], %r8\nstxdw [%r0+32], %r8\n"
	"mov %r8, %r7\nmul %r8, 3\nadd %r8, %r6\nstxdw [%r0+40], %r8\n"
	"mov %r1, %r0\nmov %r2, 0\ncall 132\nmov %r0, 0\nexit\n"
	"full:\nmov %r0, 1\nexit";

struct ring_producer {
	int ring, prog;
	uint64_t id, records;
	atomic_ullong *full;	/* shared by the processes: retries */
};

/* One record by the program (even seq) or by the ioctl: false if full. */
static bool produce_one(const struct ring_producer *p, uint64_t seq)
{
	uint64_t ctx[2] = { p->id, seq };
	struct rec r = { .id = p->id, .seq = seq, .check = rec_check(p->id, seq) };
	struct prog_run req = {
		.size = sizeof(req), .ctx_in = (uintptr_t)ctx, .ctx_size_in = sizeof(ctx),
	};
	int i;

	if (seq % 2 == 0) {
		if (ioctl(p->prog, PROG_IOC_RUN, &req))
			_exit(2);
		return req.retval == 0;
	}
	for (i = 0; i < 3; i++)
		r.pattern[i] = rec_pattern(p->id, seq);
	i = arena_ringbuf__output(p->ring, &r, sizeof(r), 0);
	if (i && i != -EAGAIN)
		_exit(3);
	return i == 0;
}

static void producer_process(void *arg)
{
	const struct ring_producer *p = arg;
	uint64_t seq = 0;

	pin_to_cpu(p->id);
	while (seq < p->records) {
		if (produce_one(p, seq)) {
			seq++;
		} else {
			++*p->full;
			sched_yield();
		}
	}
}

struct ring_check {
	uint64_t next[RING_PRODUCERS];
	uint64_t total, bad;
};

static int check_record(void *ctx, void *data, size_t len)
{
	struct ring_check *c = ctx;
	const struct rec *r = data;
	int i;

	c->total++;
	if (len != sizeof(*r) || r->id >= RING_PRODUCERS || r->seq != c->next[r->id] ||
	    r->check != rec_check(r->id, r->seq)) {
		if (c->bad++ < 5)
			printf("# bad record: len %zu id %llu seq %llu (want %llu) check %llu\n", len,
			       (unsigned long long)r->id, (unsigned long long)r->seq,
			       (unsigned long long)(r->id < RING_PRODUCERS ? c->next[r->id] : 0),
			       (unsigned long long)r->check);
		return 0;
	}
	for (i = 0; i < 3; i++)
		c->bad += r->pattern[i] != rec_pattern(r->id, r->seq);
	c->next[r->id]++;
	return 0;
}

/*
 * RING_PRODUCERS processes, pinned round the CPUs, each numbering its
 * records and writing every other one with a program, the rest with the
 * output ioctl, retrying when the ring is full; one consumer: every
 * producer's records arrive all, once, in order, whole.
 */
static void mpsc_ring_programs_and_processes(void)
{
	struct ring_producer p = { .ring = dev_ringbuf_new(0, RING_SIZE),
				   .records = RING_RECORDS * scale() };
	uint64_t expected = RING_PRODUCERS * p.records, t0 = now_ms(), deadline;
	static struct ring_check c;
	struct arena_ring_buffer *rb;
	pid_t pids[RING_PRODUCERS];
	int i, status;

	memset(&c, 0, sizeof(c));
	p.full = mmap(NULL, sizeof(*p.full), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
		      -1, 0);
	TAP_EXPECT(p.full != MAP_FAILED);
	if (p.full == MAP_FAILED)
		return;
	*p.full = 0;
	p.prog = load_must(ring_prog, &p.ring, 1, 16);
	rb = arena_ring_buffer__new(p.ring, check_record, &c, NULL);
	TAP_EXPECT(rb != NULL);
	if (!rb || p.prog < 0)
		goto out;
	fflush(stdout);
	for (i = 0; i < RING_PRODUCERS; i++) {
		p.id = i;
		pids[i] = fork();
		if (pids[i] == 0) {
			producer_process(&p);
			_exit(0);
		}
	}
	deadline = t0 + 120000 * scale();
	while (c.total < expected && now_ms() < deadline)
		arena_ring_buffer__poll(rb, 100);
	for (i = 0; i < RING_PRODUCERS; i++) {
		if (c.total < expected)
			kill(pids[i], SIGKILL);
		waitpid(pids[i], &status, 0);
		EXPECT_EXITED_0(status);
	}
	TAP_EXPECT_EQ(arena_ring_buffer__consume(rb), 0);
	TAP_EXPECT_EQ(c.total, expected);
	TAP_EXPECT_EQ(c.bad, 0);
	for (i = 0; i < RING_PRODUCERS; i++)
		TAP_EXPECT_EQ(c.next[i], p.records);
	printf("# %llu records from %d processes on %ld CPUs in %llu ms, %llu retries on a full ring\n",
	       (unsigned long long)c.total, RING_PRODUCERS, sysconf(_SC_NPROCESSORS_ONLN),
	       (unsigned long long)(now_ms() - t0), (unsigned long long)*p.full);
out:
	munmap(p.full, sizeof(*p.full));
	arena_ring_buffer__free(rb);
	close(p.prog);
	close(p.ring);
}

/* ---- arena pages: alloc and free against faults and programs ---- */

#define RACE_PAGES	16	/* pages [RACE_FIRST, RACE_FIRST + RACE_PAGES) churn */
#define RACE_FIRST	16
#define RACE_ARENA	(RACE_FIRST + RACE_PAGES)
#define RACE_ROUNDS	3000	/* per thread */
#define RACE_SLOT(t)	((t) * 64)

struct arena_race {
	int arena, kfunc_prog, access_prog;
	unsigned char *mem;
	atomic_ullong bad, zero, kept, allocs, busy;
	int slot;
};

static uint64_t race_page_addr(unsigned int *seed)
{
	return ARENA_ADDR + (RACE_FIRST + rand_r(seed) % RACE_PAGES) * psz();
}

/* The ioctls: alloc 1..4 pages where they may be taken, then free them. */
static void *race_ioctls(void *arg)
{
	struct arena_race *r = arg;
	struct arena_pages req = { .size = sizeof(req), .node = -1 };
	unsigned int seed = 1;
	int i;

	for (i = 0; i < RACE_ROUNDS * scale(); i++) {
		req.addr = race_page_addr(&seed);
		req.nr_pages = 1 + rand_r(&seed) % 4;
		if ((req.addr - ARENA_ADDR) / psz() + req.nr_pages > RACE_ARENA)
			req.nr_pages = 1;
		if (ioctl(r->arena, ARENA_IOC_ALLOC_PAGES, &req) == 0)
			r->allocs++;
		else if (errno == EBUSY)
			r->busy++;
		else
			r->bad++;
		req.addr = race_page_addr(&seed);
		req.nr_pages = 1;
		if (ioctl(r->arena, ARENA_IOC_FREE_PAGES, &req))
			r->bad++;
	}
	return NULL;
}

/* The kfuncs, from a program: alloc one page at ctx[0], free it. */
static const char kfunc_prog[] =
	"mov %r6, %r1\nldxdw %r2, [%r6+0]\n"
	"ldmap %r1, 0\nmov %r3, 1\nmov %r4, -1\nmov %r5, 0\ncall runtime 1\n"
	"stxdw [%r6+8], %r0\njeq %r0, 0, out\n"
	"ldmap %r1, 0\nmov %r2, %r0\nmov %r3, 1\ncall runtime 2\nout:\nmov %r0, 0\nexit";

static void *race_kfuncs(void *arg)
{
	struct arena_race *r = arg;
	unsigned int seed = 2;
	uint64_t ctx[2];
	int i;

	for (i = 0; i < RACE_ROUNDS * scale(); i++) {
		ctx[0] = race_page_addr(&seed);
		ctx[1] = 0;
		run_ctx(r->kfunc_prog, ctx, sizeof(ctx));
		if (ctx[1] == ctx[0])
			r->allocs++;
		else if (ctx[1])
			r->bad++;
	}
	return NULL;
}

/* Counts what a read-back of value v saw: v, 0 (freed meanwhile), or bad. */
static void race_seen(struct arena_race *r, uint64_t seen, uint64_t v)
{
	if (seen == v)
		r->kept++;
	else if (seen == 0)
		r->zero++;
	else
		r->bad++;
}

/* User space: writes its slot of a page, reads it back. */
static void *race_faults(void *arg)
{
	struct arena_race *r = arg;
	unsigned int seed = 3;
	volatile uint64_t *slot;
	uint64_t v;
	int i;

	for (i = 0; i < RACE_ROUNDS * scale(); i++) {
		slot = (volatile uint64_t *)(uintptr_t)(race_page_addr(&seed) + RACE_SLOT(1));
		v = (1ULL << 32) | i;
		*slot = v;
		race_seen(r, *slot, v);
	}
	return NULL;
}

/* A program: stores ctx[1] into its slot of the page at ctx[0], reads back. */
static const char access_prog[] =
	"ldxdw %r2, [%r1+0]\nldxdw %r3, [%r1+8]\naddr_space_cast %r2, %r2, 0, 1\n"
	"stxdw [%r2+128], %r3\nldxdw %r0, [%r2+128]\nexit";

static void *race_accesses(void *arg)
{
	struct arena_race *r = arg;
	unsigned int seed = 4;
	uint64_t ctx[2];
	int i;

	for (i = 0; i < RACE_ROUNDS * scale(); i++) {
		ctx[0] = race_page_addr(&seed);
		ctx[1] = (2ULL << 32) | i;
		race_seen(r, run_ctx(r->access_prog, ctx, sizeof(ctx)), ctx[1]);
	}
	return NULL;
}

/*
 * Pages of one arena range allocated and freed by ioctl and by kfunc
 * while user space faults them in and a program stores and loads: every
 * read-back is the value just written or 0, nothing else; no oops.
 */
static void arena_alloc_free_races(void)
{
	static struct arena_race r;
	void *(*const fns[])(void *) = { race_ioctls, race_kfuncs, race_faults, race_accesses };
	struct arena_info info = { .size = sizeof(info) };
	struct arena_pages all = { .size = sizeof(all), .addr = ARENA_ADDR + RACE_FIRST * psz(),
				   .nr_pages = RACE_PAGES };
	pthread_t t[4];
	uint64_t t0 = now_ms();
	void *mem;
	int i;

	memset(&r, 0, sizeof(r));
	r.arena = dev_arena_mapped(0, RACE_ARENA, ARENA_ADDR, &mem);
	r.kfunc_prog = load_must(kfunc_prog, &r.arena, 1, 16);
	r.access_prog = load_must(access_prog, &r.arena, 1, 16);
	if (mem == MAP_FAILED || r.kfunc_prog < 0 || r.access_prog < 0)
		goto out;
	for (i = 0; i < 4; i++)
		start_threads(&t[i], 1, fns[i], &r, 0);
	join_threads(t, 4);
	TAP_EXPECT_EQ(r.bad, 0);
	TAP_EXPECT_OK(ioctl(r.arena, ARENA_IOC_FREE_PAGES, &all));
	TAP_EXPECT_OK(ioctl(r.arena, ARENA_IOC_INFO, &info));
	TAP_EXPECT_EQ(info.pages_in_use, 0);
	printf("# %ld rounds x 4 threads in %llu ms: %llu allocs, %llu busy, "
	       "%llu read back, %llu freed meanwhile\n", RACE_ROUNDS * scale(),
	       (unsigned long long)(now_ms() - t0), (unsigned long long)r.allocs,
	       (unsigned long long)r.busy, (unsigned long long)r.kept,
	       (unsigned long long)r.zero);
out:
	close(r.access_prog);
	close(r.kfunc_prog);
	dev_arena_close(r.arena, mem, RACE_ARENA);
}

/* ---- churn of every object and of programs ---- */

#define CHURN_THREADS	4
#define CHURN_ROUNDS	150	/* per thread */

struct churn {
	int id;
	atomic_ullong *errors;
};

static void churn_expect(struct churn *c, bool ok)
{
	if (!ok)
		++*c->errors;
}

static void churn_arena(struct churn *c)
{
	void *mem;
	int fd = dev_arena_mapped(c->id % 2 ? ARENA_F_SEGV_ON_FAULT : 0, 4, 0, &mem);

	churn_expect(c, fd >= 0 && mem != MAP_FAILED);
	if (mem != MAP_FAILED && !(c->id % 2))
		((volatile char *)mem)[psz()] = 1;
	dev_arena_close(fd, mem, 4);
}

static void churn_ring(struct churn *c, int round)
{
	static const __u32 kinds[] = { 0, RINGBUF_F_OVERWRITE, RINGBUF_F_USER };
	__u32 flags = kinds[round % 3];
	int fd = dev_ringbuf_new(flags, psz());
	long first = flags & RINGBUF_F_USER ? 0 : 1;
	void *ro = mmap(NULL, 3 * psz(), PROT_READ, MAP_SHARED, fd, first * psz());
	char rec[24] = "churn";

	churn_expect(c, fd >= 0 && ro != MAP_FAILED);
	if (!(flags & RINGBUF_F_USER))
		churn_expect(c, arena_ringbuf__output(fd, rec, sizeof(rec), 0) == 0);
	if (ro != MAP_FAILED)
		munmap(ro, 3 * psz());
	close(fd);
}

static void churn_array(struct churn *c)
{
	int fd = dev_array_new(ARRAY_F_MMAPABLE, 8, 512);
	uint64_t *v = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	churn_expect(c, fd >= 0 && v != MAP_FAILED);
	if (v != MAP_FAILED) {
		v[c->id] = c->id;
		munmap(v, 4096);
	}
	close(fd);
}

static void *churn_objects(void *arg)
{
	struct churn *c = arg;
	int i;

	for (i = 0; i < CHURN_ROUNDS * scale(); i++) {
		churn_arena(c);
		churn_ring(c, i + c->id);
		churn_array(c);
	}
	return NULL;
}

/* Runs fn in CHURN_THREADS threads; fds and the module's count unchanged. */
static void churn_in_threads(void *(*fn)(void *), const char *what)
{
	long long base = read_sysfs(REFCNT_PATH);
	int fds = open_fd_count(), i;
	struct churn c[CHURN_THREADS];
	static atomic_ullong errors;
	pthread_t t[CHURN_THREADS];
	uint64_t t0 = now_ms();

	errors = 0;
	for (i = 0; i < CHURN_THREADS; i++)
		c[i] = (struct churn){ .id = i, .errors = &errors };
	start_threads(t, CHURN_THREADS, fn, c, sizeof(c[0]));
	join_threads(t, CHURN_THREADS);
	TAP_EXPECT_EQ(errors, 0);
	TAP_EXPECT_EQ(open_fd_count(), fds);
	TAP_EXPECT_EQ(refcnt_settled(base), base);
	printf("# %d threads x %ld rounds of %s in %llu ms\n", CHURN_THREADS,
	       CHURN_ROUNDS * scale(), what, (unsigned long long)(now_ms() - t0));
}

/*
 * Arenas (touched or not), rings of each kind (mapped, written) and
 * mmapable arrays created, mapped, unmapped and closed in four threads.
 */
static void object_churn_threads(void)
{
	churn_in_threads(churn_objects, "arena + ring + array");
}

/* Programs of several shapes, loaded, run and dropped; refused ones too. */
static const char *const churn_progs[] = {
	"mov %r0, 7\nexit",
	"ldmapvalue %r1, 0, 0\nmov %r2, 1\nlock add [%r1+0], %r2\nmov %r0, 7\nexit",
	"mov %r1, 4\nldfunc %r2, cb\nmov %r3, 0\nmov %r4, 0\ncall 181\nmov %r0, 7\nexit\n"
	"cb:\nmov %r0, 0\nexit",
	"ldmapvalue %r1, 0, 0\nldxdw %r0, [%r1+8]\nexit",	/* refused */
};

static void *churn_programs(void *arg)
{
	struct churn *c = arg;
	int array = dev_array_new(0, 8, 1), i, fd;
	size_t k;

	for (i = 0; i < CHURN_ROUNDS * scale(); i++) {
		k = (i + c->id) % (sizeof(churn_progs) / sizeof(churn_progs[0]));
		fd = load_text(churn_progs[k], &array, 1, 0);
		if (k == 3) {
			churn_expect(c, fd == -EINVAL);
		} else {
			churn_expect(c, fd >= 0);
			if (fd >= 0)
				churn_expect(c, run_ctx(fd, NULL, 0) == 7);
		}
		if (fd >= 0)
			close(fd);
	}
	close(array);
	return NULL;
}

static void prog_churn_threads(void)
{
	churn_in_threads(churn_programs, "program loads");
}

static const struct tap_test tests[] = {
	{ "stress", "mpsc-ring-programs-and-processes", mpsc_ring_programs_and_processes },
	{ "stress", "arena-alloc-free-races", arena_alloc_free_races },
	{ "stress", "object-churn-threads", object_churn_threads },
	{ "stress", "prog-load-churn-threads", prog_churn_threads },
};

TAP_MAIN(tests)
