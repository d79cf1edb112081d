// SPDX-License-Identifier: GPL-2.0
/*
 * Regressions for the bug classes of Linux's BPF arena and ring buffer
 * (shared/reference/seeds) that need the real module to show: leaks on
 * error paths, casts and atomics as they run (interpreted and compiled),
 * reservations that do not fit.  docs/testing.md maps every seed bug
 * class to the tests that cover it, these and others.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "dev.h"
#include "libarena.h"
#include "prog_text.h"
#include "tap.h"
#include "vmtest.h"

#define ARENA_PAGES	4
#define ARENA_ADDR	0x7e0000000000ULL
#define LEAK_ROUNDS	50
#define ATOMIC_RUNS	2000

static long psz(void)
{
	return sysconf(_SC_PAGESIZE);
}

/* Runs fn once with the interpreter, once compiled (the default, last). */
static void for_each_engine(void (*fn)(bool jit))
{
	TAP_EXPECT_OK(write_sysfs(JIT_PARAM_PATH, 0));
	fn(false);
	TAP_EXPECT_OK(write_sysfs(JIT_PARAM_PATH, 1));
	fn(true);
}

/* ---- fds and object references on error paths (seed 000) ---- */

static int create_with(unsigned long cmd, void *req)
{
	int fd = dev_ioctl(cmd, req);

	TAP_EXPECT(fd < 0);
	if (fd >= 0)
		close(fd);
	return fd;
}

/* Every create refusal: the fd count and the module's count unchanged. */
static void fd_leak_failed_creates(void)
{
	long long base = read_sysfs(REFCNT_PATH);
	int fds = open_fd_count(), i;

	for (i = 0; i < LEAK_ROUNDS; i++) {
		struct arena_create a = { .size = sizeof(a), .nr_pages = 0 };
		struct arena_create a_big = { .size = sizeof(a), .nr_pages = 1ULL << 40 };
		struct arena_create a_addr = { .size = sizeof(a), .nr_pages = 2,
					       .user_addr = (1ULL << 32) - 4096 };
		struct ringbuf_create r = { .size = sizeof(r), .data_size = 3 * 4096 };
		struct ringbuf_create r_flags = { .size = sizeof(r), .flags = RINGBUF_F_USER |
						  RINGBUF_F_OVERWRITE, .data_size = 4096 };
		struct array_create y = { .size = sizeof(y), .value_size = 0, .max_entries = 1 };
		struct prog_load p = { .size = sizeof(p), .insn_cnt = 0 };

		create_with(ARENA_IOC_CREATE, &a);
		create_with(ARENA_IOC_CREATE, &a_big);
		create_with(ARENA_IOC_CREATE, &a_addr);
		create_with(ARENA_IOC_CREATE, (void *)8);
		create_with(RINGBUF_IOC_CREATE, &r);
		create_with(RINGBUF_IOC_CREATE, &r_flags);
		create_with(ARRAY_IOC_CREATE, &y);
		create_with(PROG_IOC_LOAD, &p);
	}
	TAP_EXPECT_EQ(open_fd_count(), fds);
	TAP_EXPECT_EQ(refcnt_settled(base), base);
}

/* A load that must fail after its objects were looked up. */
struct failing_load {
	const char *why;
	const char *text;
	int err;
	const char *log;	/* in the log, or NULL */
};

static const struct failing_load failing_loads[] = {
	{ "index out of range after an arena reference",
	  "ldmap %r1, 0\nldmap %r2, 9\nmov %r0, 0\nexit", EINVAL, "object index 9" },
	{ "rejected by the verifier after every reference",
	  "ldmap %r1, 0\nldmap %r2, 1\nldmapvalue %r3, 2, 0\nldxdw %r0, [%r3+8]\nexit",
	  EINVAL, "invalid access to array value" },
	{ "unreleased ring record",
	  "ldmap %r1, 1\nmov %r2, 8\nmov %r3, 0\ncall 131\nmov %r0, 0\nexit", EINVAL,
	  "unreleased ring record" },
};

/* obj_fds with a bad entry after good ones, each kind of bad. */
static void load_bad_fd_lists(int arena, int ring, int pipe_end, int closed)
{
	int fds[3][3] = {
		{ arena, ring, -1 }, { arena, ring, pipe_end }, { arena, ring, closed },
	};
	int i, fd;

	for (i = 0; i < 3; i++) {
		fd = load_text("ldmap %r1, 0\nmov %r0, 0\nexit", fds[i], 3, 0);
		TAP_EXPECT(fd < 0);
		if (fd >= 0)
			close(fd);
	}
}

/* Errors that come after the objects: the log and the license unreadable. */
static void load_bad_pointers_after_objects(const int *fds)
{
	struct bpf_insn *insns;
	struct prog_load req;
	uint32_t n;

	insns = assemble("ldmap %r1, 0\nldmap %r2, 1\nmov %r0, 0\nexit", &n);
	req = load_req(insns, n);
	req.obj_fds = (uintptr_t)fds;
	req.nr_objs = 3;
	req.log_buf = 8;
	TAP_EXPECT_ERRNO(load_raw(&req), EFAULT);
	req = load_req(insns, n);
	req.obj_fds = (uintptr_t)fds;
	req.nr_objs = 3;
	req.license = 8;
	TAP_EXPECT_ERRNO(load_raw(&req), EFAULT);
	free(insns);
}

/*
 * Loads that fail at every stage after the objects were taken: no fd
 * left open, and once the objects are closed the module's count is back
 * where it was (a reference kept by a failed load would hold it up).
 */
static void fd_leak_failed_loads(void)
{
	long long base = read_sysfs(REFCNT_PATH);
	int fds_before = open_fd_count(), objs[3], pipe_fds[2], closed, fd, i;
	size_t k;
	void *mem;

	objs[0] = dev_arena_mapped(0, ARENA_PAGES, ARENA_ADDR, &mem);
	objs[1] = dev_ringbuf_new(0, psz());
	objs[2] = dev_array_new(0, 8, 1);
	TAP_EXPECT_OK(pipe(pipe_fds));
	closed = dup(objs[2]);
	close(closed);
	for (i = 0; i < LEAK_ROUNDS; i++) {
		for (k = 0; k < sizeof(failing_loads) / sizeof(failing_loads[0]); k++) {
			fd = load_text(failing_loads[k].text, objs, 3, 0);
			if (fd >= 0)
				close(fd);
			if (fd != -failing_loads[k].err ||
			    !strstr(log_buf, failing_loads[k].log))
				tap_fail(__FILE__, __LINE__, "%s: %s; log: %s", failing_loads[k].why,
					 strerror(-fd), log_buf);
		}
		load_bad_fd_lists(objs[0], objs[1], pipe_fds[0], closed);
		load_bad_pointers_after_objects(objs);
	}
	close(pipe_fds[0]);
	close(pipe_fds[1]);
	close(objs[2]);
	close(objs[1]);
	dev_arena_close(objs[0], mem, ARENA_PAGES);
	TAP_EXPECT_EQ(open_fd_count(), fds_before);
	TAP_EXPECT_EQ(refcnt_settled(base), base);
}

/* ---- addr_space_cast (seed 000) ---- */

/* Without an arena among the objects: refused, said, nothing left behind. */
static void cast_without_arena_refused(void)
{
	long long base = read_sysfs(REFCNT_PATH);
	int ring = dev_ringbuf_new(0, psz()), fd;

	fd = load_text("mov %r1, 0\naddr_space_cast %r1, %r1, 0, 1\nmov %r0, 0\nexit", NULL, 0, 0);
	TAP_EXPECT_ERRNO(fd, EINVAL);
	TAP_EXPECT(strstr(log_buf, "1: addr_space_cast without an arena") != NULL);
	fd = load_text("mov %r1, 0\naddr_space_cast %r1, %r1, 1, 0\nmov %r0, 0\nexit", &ring, 1, 0);
	TAP_EXPECT_ERRNO(fd, EINVAL);
	TAP_EXPECT(strstr(log_buf, "1: addr_space_cast without an arena") != NULL);
	close(ring);
	TAP_EXPECT_EQ(refcnt_settled(base), base);
}

/*
 * ctx[0] cast to the kernel's view (as(1) -> as(0)) into another register
 * and into itself, into ctx[1] and ctx[2]; ctx[3] and ctx[4]: 0 and ctx[0]
 * cast back to a user pointer.
 */
static const char cast_prog[] =
	"ldxdw %r2, [%r1+0]\naddr_space_cast %r3, %r2, 0, 1\nstxdw [%r1+8], %r3\n"
	"addr_space_cast %r2, %r2, 0, 1\nstxdw [%r1+16], %r2\n"
	"mov %r4, 0\naddr_space_cast %r4, %r4, 1, 0\nstxdw [%r1+24], %r4\n"
	"addr_space_cast %r2, %r2, 1, 0\nstxdw [%r1+32], %r2\nmov %r0, 0\nexit";

static void cast_run(bool jit)
{
	uint64_t ctx[5] = { 0xdeadbeef00001238ULL, ~0ULL, ~0ULL, ~0ULL, 0 };
	struct prog_info info;
	void *mem;
	int arena = dev_arena_mapped(0, ARENA_PAGES, ARENA_ADDR, &mem);
	int fd = load_must(cast_prog, &arena, 1, sizeof(ctx));

	TAP_EXPECT_OK(dev_prog_info(fd, &info));
	TAP_EXPECT_EQ(info.jit, jit ? dev_native_jit() : PROG_JIT_NONE);
	TAP_EXPECT_EQ(run_ctx(fd, ctx, sizeof(ctx)), 0);
	/* The upper 32 bits cleared, whatever the register was. */
	TAP_EXPECT_EQ(ctx[1], 0x1238);
	TAP_EXPECT_EQ(ctx[2], 0x1238);
	TAP_EXPECT_EQ(ctx[3], 0);
	TAP_EXPECT_EQ(ctx[4], (ARENA_ADDR & ~0xffffffffULL) | 0x1238);
	close(fd);
	dev_arena_close(arena, mem, ARENA_PAGES);
}

static void cast_kern_zero_extends(void)
{
	for_each_engine(cast_run);
}

/* ---- atomics on arena memory (seed 000) ---- */

/*
 * Every atomic operation on an arena page, run on every CPU at once: the
 * counters come out exact.  [48] is a counter by cmpxchg, [56] counts
 * the exchanges that succeeded; [72] hands out tickets by fetch-add,
 * whose sum lands in [80].
 */
static const char atomics_prog[] =
	"mov %r1, 0\naddr_space_cast %r1, %r1, 0, 1\n"
	"mov %r2, 1\nlock add [%r1+0], %r2\n"
	"mov %r2, 2\nlock fetch add [%r1+8], %r2\n"
	"mov %r2, 1\nlock or [%r1+16], %r2\n"
	"mov %r2, 1\nlock xor [%r1+24], %r2\n"
	"mov %r2, -2\nlock and [%r1+32], %r2\n"
	"mov %r2, 5\nlock xchg [%r1+40], %r2\n"
	"ldxdw %r0, [%r1+48]\nmov %r2, %r0\nadd %r2, 1\nmov %r3, %r0\n"
	"lock cmpxchg [%r1+48], %r2\njne %r0, %r3, lost\n"
	"mov %r2, 1\nlock add [%r1+56], %r2\nlost:\n"
	"mov %r2, 1\nlock add32 [%r1+64], %r2\n"
	"mov %r2, 1\nlock fetch add [%r1+72], %r2\nlock add [%r1+80], %r2\n"
	"mov %r0, 0\nexit";

static void atomics_run(bool jit)
{
	uint64_t *v, n, ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct prog_run req = {
		.size = sizeof(req), .flags = PROG_RUN_F_EVERY_CPU, .repeat = ATOMIC_RUNS,
	};
	void *mem;
	int arena = dev_arena_mapped(0, ARENA_PAGES, ARENA_ADDR, &mem);
	int fd = load_must(atomics_prog, &arena, 1, 0);

	if (mem == MAP_FAILED || fd < 0)
		goto out;
	v = mem;
	v[4] = ~0ULL;
	TAP_EXPECT_OK(run_raw(fd, &req));
	n = ncpus * ATOMIC_RUNS;
	TAP_EXPECT_EQ(v[0], n);
	TAP_EXPECT_EQ(v[1], 2 * n);
	TAP_EXPECT_EQ(v[2], 1);
	TAP_EXPECT_EQ(v[3], n % 2);
	TAP_EXPECT_EQ(v[4], ~1ULL);
	TAP_EXPECT_EQ(v[5], 5);
	TAP_EXPECT_EQ(v[6], v[7]);
	TAP_EXPECT(v[7] > 0 && v[7] <= n);
	TAP_EXPECT_EQ(v[8], (uint32_t)n);
	TAP_EXPECT_EQ(v[9], n);
	TAP_EXPECT_EQ(v[10], n * (n - 1) / 2);
	printf("# %s: %llu runs on %llu CPUs, %llu cmpxchg won\n", jit ? "compiled" : "interpreted",
	       (unsigned long long)n, (unsigned long long)ncpus, (unsigned long long)v[7]);
out:
	close(fd);
	dev_arena_close(arena, mem, ARENA_PAGES);
}

static void atomics_on_arena_every_cpu(void)
{
	for_each_engine(atomics_run);
}

/* ---- oversized reservations (seed 004) ---- */

static int count_record(void *ctx, void *data, size_t len)
{
	(void)data;
	*(size_t *)ctx = len;
	return 0;
}

/* A program reserving size bytes: r0 0 if it got them, 1 if not. */
static int reserve_prog(int ring, long size)
{
	char text[512];

	snprintf(text, sizeof(text),
		 "ldmap %%r1, 0\nmov %%r2, %ld\nmov %%r3, 0\ncall 131\njeq %%r0, 0, full\n"
		 "stdw [%%r0+0], 1\nmov %%r1, %%r0\nmov %%r2, 0\ncall 132\nmov %%r0, 0\nexit\n"
		 "full:\nmov %%r0, 1\nexit", size);
	return load_must(text, &ring, 1, 0);
}

static void expect_ring_positions(int ring, uint64_t producer, uint64_t avail)
{
	struct ringbuf_info info = { .size = sizeof(info) };

	TAP_EXPECT_OK(ioctl(ring, RINGBUF_IOC_QUERY, &info));
	TAP_EXPECT_EQ(info.producer_pos, producer);
	TAP_EXPECT_EQ(info.avail_data, avail);
}

/*
 * As in Linux, a record with its header must leave the ring one byte
 * short of full: on a 1-page ring a program's reservation of page - 8
 * bytes passes the verifier but never fits, not even in the empty ring,
 * and moves nothing; page - 16 fits once, the second finds no room; the
 * consumer sees one whole record and then there is room again.
 */
static void ring_reserve_beyond_free_space(void)
{
	int ring = dev_ringbuf_new(0, psz());
	int too_big = reserve_prog(ring, psz() - RINGBUF_HDR_SZ);
	int largest = reserve_prog(ring, psz() - 2 * RINGBUF_HDR_SZ);
	struct arena_ring_buffer *rb;
	size_t len = 0;

	TAP_EXPECT_EQ(run_ctx(too_big, NULL, 0), 1);
	expect_ring_positions(ring, 0, 0);
	TAP_EXPECT_EQ(run_ctx(largest, NULL, 0), 0);
	TAP_EXPECT_EQ(run_ctx(largest, NULL, 0), 1);
	TAP_EXPECT_EQ(run_ctx(too_big, NULL, 0), 1);
	expect_ring_positions(ring, psz() - RINGBUF_HDR_SZ, psz() - RINGBUF_HDR_SZ);
	rb = arena_ring_buffer__new(ring, count_record, &len, NULL);
	TAP_EXPECT(rb != NULL);
	if (rb)
		TAP_EXPECT_EQ(arena_ring_buffer__consume(rb), 1);
	arena_ring_buffer__free(rb);
	TAP_EXPECT_EQ(len, psz() - 2 * RINGBUF_HDR_SZ);
	TAP_EXPECT_EQ(run_ctx(largest, NULL, 0), 0);
	TAP_EXPECT_EQ(run_ctx(too_big, NULL, 0), 1);
	close(largest);
	close(too_big);
	close(ring);
}

static const struct tap_test tests[] = {
	{ "regress", "fd-leak-failed-creates", fd_leak_failed_creates },
	{ "regress", "fd-leak-failed-loads", fd_leak_failed_loads },
	{ "regress", "cast-without-arena-refused", cast_without_arena_refused },
	{ "regress", "cast-kern-zero-extends", cast_kern_zero_extends },
	{ "regress", "atomics-on-arena-every-cpu", atomics_on_arena_every_cpu },
	{ "regress", "ring-reserve-beyond-free-space", ring_reserve_beyond_free_space },
};

TAP_MAIN(tests)
