// SPDX-License-Identifier: GPL-2.0
/*
 * Programs against the real module: PROG_IOC_LOAD and its argument rules
 * and limits, the verifier's log through the ioctl, PROG_IOC_RUN with
 * contexts, repeats, every CPU at once and signals, and programs using
 * each kind of object through helpers and kfuncs: arrays, rings, arenas.
 *
 * Programs are written in the conformance suite's assembly
 * (tests/conformance/asm.h), objects named by index: "ldmap %r1, 0".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <arena_kmod.h>

#include "asm.h"
#include "dev.h"
#include "libarena.h"
#include "prog_text.h"
#include "tap.h"
#include "vmtest.h"

/* ---- tests ---- */

static void version_feature_prog(void)
{
	expect_feature(ARENA_FEATURE_PROG);
	expect_feature(ARENA_FEATURE_PROG_GLOBALS);
}

static void load_run_returns_r0(void)
{
	int fd = load_must("mov %r0, 42\nexit", NULL, 0, 0);
	struct prog_run req = { .size = sizeof(req), .repeat = 1000 };

	TAP_EXPECT_EQ(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	TAP_EXPECT_OK(run_raw(fd, &req));
	TAP_EXPECT_EQ(req.retval, 42);
	TAP_EXPECT_EQ(req.ctx_size_out, 0);
	close(fd);
}

static void load_bad_args(void)
{
	struct bpf_insn *insns;
	struct prog_load req;
	uint32_t n;
	int fd;

	insns = assemble("mov %r0, 0\nexit", &n);
	req = load_req(insns, n);
	req.flags = 1;
	TAP_EXPECT_ERRNO(load_raw(&req), EINVAL);
	req = load_req(insns, 0);
	TAP_EXPECT_ERRNO(load_raw(&req), EINVAL);
	req = load_req(insns, PROG_INSNS_MAX + 1);
	TAP_EXPECT_ERRNO(load_raw(&req), E2BIG);
	req = load_req(insns, n);
	req.nr_objs = PROG_OBJS_MAX + 1;
	TAP_EXPECT_ERRNO(load_raw(&req), E2BIG);
	req = load_req(insns, n);
	req.ctx_size = PROG_CTX_MAX + 1;
	TAP_EXPECT_ERRNO(load_raw(&req), E2BIG);
	req = load_req(insns, n);
	req.log_level = PROG_LOG_LEVEL_MAX + 1;
	TAP_EXPECT_ERRNO(load_raw(&req), EINVAL);
	req = load_req(insns, n);
	req.log_size = 127;
	TAP_EXPECT_ERRNO(load_raw(&req), EINVAL);
	req = load_req(insns, n);
	req.log_buf = 0;
	TAP_EXPECT_ERRNO(load_raw(&req), EINVAL);
	req = load_req(insns, n);
	req.log_level = 0;
	TAP_EXPECT_ERRNO(load_raw(&req), EINVAL);
	req = load_req(insns, n);
	req.license = 0;
	TAP_EXPECT_ERRNO(load_raw(&req), EINVAL);
	req = load_req(insns, n);
	memcpy(req.name, "bad name", 9);
	TAP_EXPECT_ERRNO(load_raw(&req), EINVAL);
	req = load_req(insns, n);
	memset(req.name, 'a', sizeof(req.name));
	TAP_EXPECT_ERRNO(load_raw(&req), EINVAL);
	req = load_req(insns, n);
	memcpy(req.name, "good_name.1", 12);
	fd = load_raw(&req);
	TAP_EXPECT_OK(fd);
	if (fd >= 0)
		close(fd);
	req = load_req(insns, n);
	req.insns = 8;
	TAP_EXPECT_ERRNO(load_raw(&req), EFAULT);
	req = load_req(insns, n);
	req.license = 8;
	TAP_EXPECT_ERRNO(load_raw(&req), EFAULT);
	req = load_req(insns, n);
	req.nr_objs = 1;
	req.obj_fds = 8;
	TAP_EXPECT_ERRNO(load_raw(&req), EFAULT);
	req = load_req(insns, n);
	req.size = PROG_LOAD_SIZE_VER0 - 1;
	TAP_EXPECT_ERRNO(load_raw(&req), EINVAL);
	free(insns);
}

static void load_bad_objects(void)
{
	int fd, nul = open("/dev/null", O_RDONLY), closed = 1000;

	/* Not open here, nor in the ioctl's own open of /dev/arena. */
	TAP_EXPECT_ERRNO(fcntl(closed, F_GETFD), EBADF);
	fd = load_text("mov %r0, 0\nexit", &closed, 1, 0);
	TAP_EXPECT_ERRNO(fd, EBADF);
	TAP_EXPECT(strstr(log_buf, "object 0") != NULL);
	fd = load_text("mov %r0, 0\nexit", &nul, 1, 0);
	TAP_EXPECT_ERRNO(fd, EINVAL);
	TAP_EXPECT(strstr(log_buf, "not an arena, ring buffer or array") != NULL);
	close(nul);
}

/* An arena's user address is what cast_user gives: it must be known. */
static void load_arena_needs_address(void)
{
	struct arena_create req = { .size = sizeof(req), .nr_pages = 1 };
	int arena = dev_ioctl(ARENA_IOC_CREATE, &req), fd;

	fd = load_text("mov %r0, 0\nexit", &arena, 1, 0);
	TAP_EXPECT_ERRNO(fd, EINVAL);
	TAP_EXPECT(strstr(log_buf, "mmap it first") != NULL);
	close(arena);
}

static void verifier_rejects_with_log(void)
{
	int fd = load_text("mov %r0, %r5\nexit", NULL, 0, 0);

	TAP_EXPECT_ERRNO(fd, EINVAL);
	TAP_EXPECT(strncmp(log_buf, "0:", 2) == 0);
}

/* A loop the verifier must walk more than its limit: E2BIG, logged. */
static void load_too_complex(void)
{
	int fd = load_text("mov %r0, 0\nloop:\nadd %r0, 1\njlt %r0, 2000000, loop\nexit",
			   NULL, 0, 0);

	TAP_EXPECT_ERRNO(fd, E2BIG);
	TAP_EXPECT(log_buf[0] != '\0');
}

/*
 * 20000 calls of f(i), whose 64 instructions return i & 1: walked at each
 * call the program is too complex, declared global f is walked once.
 */
#define TEN_ADDS	"add %r0, 1\nadd %r0, 1\nadd %r0, 1\nadd %r0, 1\nadd %r0, 1\n" \
			"add %r0, 1\nadd %r0, 1\nadd %r0, 1\nadd %r0, 1\nadd %r0, 1\n"
#define CALLS_LOOP	"mov %r6, 0\nmov %r7, 0\nloop:\nmov %r1, %r6\ncall local f\n"	\
			"add %r7, %r0\nadd %r6, 1\njlt %r6, 20000, loop\nmov %r0, %r7\nexit\n" \
			"f:\nmov %r0, %r1\n" TEN_ADDS TEN_ADDS TEN_ADDS TEN_ADDS TEN_ADDS	\
			TEN_ADDS "sub %r0, 60\nand %r0, 1\nexit"
#define CALLS_LOOP_F	9

static void load_global_funcs(void)
{
	struct prog_global_func f = { .insn_off = CALLS_LOOP_F, .arg = { PROG_ARG_SCALAR } };
	struct bpf_insn *insns;
	struct prog_load req;
	uint32_t n;
	int fd;

	insns = assemble(CALLS_LOOP, &n);
	req = load_req(insns, n);
	TAP_EXPECT_ERRNO(load_raw(&req), E2BIG);
	TAP_EXPECT(strstr(log_buf, "too complex") != NULL);
	req = load_req(insns, n);
	req.global_funcs = (uintptr_t)&f;
	req.nr_global_funcs = 1;
	fd = load_raw(&req);
	TAP_EXPECT_OK(fd);
	if (fd >= 0) {
		TAP_EXPECT_EQ(run_ctx(fd, NULL, 0), 10000);
		close(fd);
	}
	/* A declaration that names no function: the log says which. */
	f.insn_off = CALLS_LOOP_F + 1;
	TAP_EXPECT_ERRNO(load_raw(&req), EINVAL);
	TAP_EXPECT(strstr(log_buf, "10: global function 0: instruction 10 is no subprogram's start"));
	free(insns);
}

static void load_global_funcs_bad_args(void)
{
	struct prog_global_func f = { .insn_off = 2 };
	struct bpf_insn *insns;
	struct prog_load req;
	uint32_t n;
	int fd;

	insns = assemble("call local f\nexit\nf:\nmov %r0, 0\nexit", &n);
	req = load_req(insns, n);
	req.global_funcs = (uintptr_t)&f;
	TAP_EXPECT_ERRNO(load_raw(&req), EINVAL);	/* an array of none */
	req.nr_global_funcs = PROG_GLOBAL_FUNCS_MAX + 1;
	TAP_EXPECT_ERRNO(load_raw(&req), E2BIG);
	req.nr_global_funcs = 1;
	req.reserved = 1;
	TAP_EXPECT_ERRNO(load_raw(&req), EINVAL);
	req.reserved = 0;
	req.global_funcs = 8;
	TAP_EXPECT_ERRNO(load_raw(&req), EFAULT);
	/* As the first version of the structure: no global functions. */
	req.size = PROG_LOAD_SIZE_VER0;
	fd = load_raw(&req);
	TAP_EXPECT_OK(fd);
	if (fd >= 0)
		close(fd);
	free(insns);
}

static void kfunc_needs_gpl(void)
{
	struct bpf_insn *insns;
	struct prog_load req;
	uint32_t n;

	insns = assemble("mov %r1, 0\nmov %r2, 0\ncall runtime 2\nmov %r0, 0\nexit", &n);
	req = load_req(insns, n);
	req.license = (uintptr_t)"Proprietary";
	TAP_EXPECT_ERRNO(load_raw(&req), EINVAL);
	TAP_EXPECT(strstr(log_buf, "2: kfunc calls need a GPL-compatible license") != NULL);
	free(insns);
}

static void run_ctx_in_out(void)
{
	int fd = load_must("ldxdw %r2, [%r1]\nadd %r2, 1\nstxdw [%r1], %r2\n"
			   "ldxdw %r0, [%r1+8]\nexit", NULL, 0, 16);
	uint64_t ctx[2] = { 41, 7 };
	struct prog_run req = {
		.size = sizeof(req),
		.ctx_in = (uintptr_t)ctx,
		.ctx_size_in = 8,	/* zero-extended: ctx[1] reads 0 */
		.ctx_out = (uintptr_t)ctx,
		.ctx_size_out = sizeof(ctx),
	};

	TAP_EXPECT_OK(run_raw(fd, &req));
	TAP_EXPECT_EQ(req.retval, 0);
	TAP_EXPECT_EQ(req.ctx_size_out, 16);
	TAP_EXPECT_EQ(ctx[0], 42);
	TAP_EXPECT_EQ(ctx[1], 0);
	close(fd);
}

static void run_bad_args(void)
{
	int fd = load_must("mov %r0, 0\nexit", NULL, 0, 16);
	uint64_t ctx[4] = { 0 };
	struct prog_run req = { .size = sizeof(req) };

	req.flags = 2;
	TAP_EXPECT_ERRNO(run_raw(fd, &req), EINVAL);
	req.flags = 0;
	req.reserved = 1;
	TAP_EXPECT_ERRNO(run_raw(fd, &req), EINVAL);
	req.reserved = 0;
	req.ctx_in = (uintptr_t)ctx;
	req.ctx_size_in = 17;
	TAP_EXPECT_ERRNO(run_raw(fd, &req), EINVAL);
	req.ctx_size_in = 16;
	req.ctx_in = 8;
	TAP_EXPECT_ERRNO(run_raw(fd, &req), EFAULT);
	/* A short ctx_out gets what fits, and ENOSPC. */
	req.ctx_in = (uintptr_t)ctx;
	req.ctx_out = (uintptr_t)ctx;
	req.ctx_size_out = 8;
	TAP_EXPECT_ERRNO(run_raw(fd, &req), ENOSPC);
	TAP_EXPECT_ERRNO(ioctl(fd, ARRAY_IOC_LOOKUP, &req), ENOTTY);
	close(fd);
}

/* Every CPU at once on one array value: no atomic add may be lost. */
static void run_every_cpu_atomics(void)
{
	int array = dev_array_new(0, 8, 1), fd;
	struct prog_run req = {
		.size = sizeof(req),
		.flags = PROG_RUN_F_EVERY_CPU,
		.repeat = 20000,
	};
	struct array_elem elem = { .size = sizeof(elem) };
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	uint64_t v = 0;

	fd = load_must("ldmapvalue %r1, 0, 0\nmov %r2, 1\nlock add [%r1+0], %r2\n"
		       "mov %r0, 0\nexit", &array, 1, 0);
	TAP_EXPECT_OK(run_raw(fd, &req));
	elem.value = (uintptr_t)&v;
	TAP_EXPECT_OK(ioctl(array, ARRAY_IOC_LOOKUP, &elem));
	TAP_EXPECT_EQ(v, (uint64_t)ncpus * 20000);
	close(fd);
	close(array);
}

/*
 * bpf_get_smp_processor_id(), which the JITs inline: pinned to each CPU in
 * turn, a run answers that CPU (r0 held -1 before: all 64 bits are set).
 */
static void cpu_number_each_cpu(void)
{
	int fd = load_must("mov %r0, -1\ncall 8\nexit", NULL, 0, 0);
	struct prog_run req = { .size = sizeof(req), .repeat = 100 };
	long cpu, ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t old, one;

	TAP_EXPECT_OK(sched_getaffinity(0, sizeof(old), &old));
	for (cpu = 0; cpu < ncpus; cpu++) {
		CPU_ZERO(&one);
		CPU_SET(cpu, &one);
		TAP_EXPECT_OK(sched_setaffinity(0, sizeof(one), &one));
		req.retval = ~0ULL;
		TAP_EXPECT_OK(run_raw(fd, &req));
		TAP_EXPECT_EQ(req.retval, (uint64_t)cpu);
	}
	TAP_EXPECT_OK(sched_setaffinity(0, sizeof(old), &old));
	close(fd);
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void run_interrupted_by_signal(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	int fd = load_must("mov %r0, 1\nexit", NULL, 0, 0);
	struct prog_run req = { .size = sizeof(req), .repeat = UINT32_MAX };

	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	TAP_EXPECT_ERRNO(run_raw(fd, &req), EINTR);
	alarm(0);
	close(fd);
}

/*
 * Loops nested in callbacks multiply (2^23 x 2^23 iterations here): a
 * signal must still end the run, and soon.
 */
static void nested_loops_interrupted(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	int fd = load_must("lddw %r1, 0x800000\nldfunc %r2, outer\nmov %r3, 0\nmov %r4, 0\n"
			   "call 181\nmov %r0, 0\nexit\n"
			   "outer:\nlddw %r1, 0x800000\nldfunc %r2, inner\nmov %r3, 0\n"
			   "mov %r4, 0\ncall 181\nmov %r0, 0\nexit\n"
			   "inner:\nmov %r0, 0\nexit", NULL, 0, 0);
	struct prog_run req = { .size = sizeof(req) };
	struct timespec t0, t1;

	sigaction(SIGALRM, &sa, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	alarm(1);
	TAP_EXPECT_ERRNO(run_raw(fd, &req), EINTR);
	alarm(0);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	TAP_EXPECT(t1.tv_sec - t0.tv_sec < 10);
	close(fd);
}

static void array_lookup_helper(void)
{
	int array = dev_array_new(0, 16, 4), fd;
	struct array_elem elem = { .size = sizeof(elem), .index = 2 };
	uint64_t value[2] = { 1000, 0 };

	elem.value = (uintptr_t)value;
	TAP_EXPECT_OK(ioctl(array, ARRAY_IOC_UPDATE, &elem));
	/* r0 = lookup(2)->[0] + 1, stored into [8]; lookup(4) is NULL. */
	fd = load_must("mov %r2, 2\nstxw [%r10-4], %r2\nmov %r2, %r10\nadd %r2, -4\n"
		       "ldmap %r1, 0\ncall 1\njeq %r0, 0, fail\n"
		       "ldxdw %r1, [%r0+0]\nadd %r1, 1\nstxdw [%r0+8], %r1\n"
		       "mov %r2, 4\nstxw [%r10-4], %r2\nmov %r2, %r10\nadd %r2, -4\n"
		       "ldmap %r1, 0\ncall 1\njne %r0, 0, fail\nmov %r0, 7\nexit\n"
		       "fail:\nmov %r0, 1\nexit", &array, 1, 0);
	TAP_EXPECT_EQ(run_ctx(fd, NULL, 0), 7);
	TAP_EXPECT_OK(ioctl(array, ARRAY_IOC_LOOKUP, &elem));
	TAP_EXPECT_EQ(value[1], 1001);
	close(fd);
	close(array);
}

/*
 * The edges of a lookup, compiled or not: 5 values of 12 bytes lie 16
 * apart, so a word written at byte 8 of the last one (4) fills its end and
 * nothing of the one before; 5 and the indexes with the top bit set (an
 * unsigned compare) give NULL.
 */
static void array_lookup_edges(void)
{
	int array = dev_array_new(0, 12, 5), fd;
	struct array_elem elem = { .size = sizeof(elem), .index = 4 };
	uint32_t value[3] = { 0 };

	fd = load_must("mov %r2, 4\ncall local lookup\njeq %r0, 0, fail\n"
		       "stw [%r0+8], 0x5a5a5a5a\n"
		       "mov %r2, 5\ncall local lookup\njne %r0, 0, fail\n"
		       "mov %r2, 1\nlsh %r2, 31\ncall local lookup\njne %r0, 0, fail\n"
		       "mov %r2, -1\ncall local lookup\njne %r0, 0, fail\n"
		       "mov %r0, 7\nexit\nfail:\nmov %r0, 1\nexit\n"
		       "lookup:\nstxw [%r10-4], %r2\nmov %r2, %r10\nadd %r2, -4\n"
		       "ldmap %r1, 0\ncall 1\nexit", &array, 1, 0);
	TAP_EXPECT_EQ(run_ctx(fd, NULL, 0), 7);
	elem.value = (uintptr_t)value;
	TAP_EXPECT_OK(ioctl(array, ARRAY_IOC_LOOKUP, &elem));
	TAP_EXPECT_EQ(value[2], 0x5a5a5a5a);
	TAP_EXPECT_EQ(value[0] | value[1], 0);
	elem.index = 3;
	TAP_EXPECT_OK(ioctl(array, ARRAY_IOC_LOOKUP, &elem));
	TAP_EXPECT_EQ(value[0] | value[1] | value[2], 0);
	close(fd);
	close(array);
}

/* bpf_ringbuf_output() and reserve/submit, read back by the consumer. */
static int count_record(void *ctx, void *data, size_t size)
{
	uint64_t *sum = ctx;

	*sum += size == 8 ? *(uint64_t *)data : 1000000;
	return 0;
}

static void ringbuf_helpers(void)
{
	int ring = dev_ringbuf_new(0, 4096), fd;
	struct arena_ring_buffer *rb;
	uint64_t sum = 0;

	fd = load_must("mov %r2, 5\nstxdw [%r10-8], %r2\nmov %r2, %r10\nadd %r2, -8\n"
		       "ldmap %r1, 0\nmov %r3, 8\nmov %r4, 0\ncall 130\n"
		       "ldmap %r1, 0\nmov %r2, 8\nmov %r3, 0\ncall 131\n"
		       "jeq %r0, 0, out\nmov %r1, 37\nstxdw [%r0+0], %r1\n"
		       "mov %r1, %r0\nmov %r2, 0\ncall 132\nout:\nmov %r0, 0\nexit",
		       &ring, 1, 0);
	TAP_EXPECT_EQ(run_ctx(fd, NULL, 0), 0);
	rb = arena_ring_buffer__new(ring, count_record, &sum, NULL);
	TAP_EXPECT(rb != NULL);
	if (rb) {
		TAP_EXPECT_EQ(arena_ring_buffer__consume(rb), 2);
		arena_ring_buffer__free(rb);
	}
	TAP_EXPECT_EQ(sum, 42);
	close(fd);
	close(ring);
}

/*
 * A multi-producer stress from inside the kernel: the program runs on
 * every CPU at once, each run numbering a record per CPU (counters[cpu])
 * and writing it with bpf_ringbuf_output(), counting the ones that found
 * the ring full.  A consumer thread reads meanwhile: per CPU the numbers
 * only grow, nothing is duplicated or torn, and what arrived plus what was
 * dropped is every run.
 */
#define STRESS_RUNS	20000
#define STRESS_CPUS	64

struct stress_rec {
	uint64_t cpu, seq;
};

struct stress {
	struct arena_ring_buffer *rb;
	uint64_t last[STRESS_CPUS], received, bad;
	volatile int stop;
};

static int stress_record(void *ctx, void *data, size_t size)
{
	struct stress *s = ctx;
	struct stress_rec rec;

	memcpy(&rec, data, sizeof(rec));
	if (size != sizeof(rec) || rec.cpu >= STRESS_CPUS || rec.seq <= s->last[rec.cpu])
		s->bad++;
	else
		s->last[rec.cpu] = rec.seq;
	s->received++;
	return 0;
}

static void *stress_consumer(void *arg)
{
	struct stress *s = arg;

	while (!s->stop)
		arena_ring_buffer__poll(s->rb, 10);
	arena_ring_buffer__consume(s->rb);
	return NULL;
}

static void ringbuf_every_cpu_stress(void)
{
	int objs[3] = { dev_ringbuf_new(0, 1 << 20), dev_array_new(0, 8, STRESS_CPUS),
			dev_array_new(0, 8, 1) };
	struct prog_run req = {
		.size = sizeof(req),
		.flags = PROG_RUN_F_EVERY_CPU,
		.repeat = STRESS_RUNS,
	};
	struct array_elem elem = { .size = sizeof(elem) };
	long ncpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct stress s = { 0 };
	uint64_t drops = 0;
	pthread_t thread;
	int fd;

	fd = load_must("call 8\nmov %r6, %r0\nstxw [%r10-4], %r6\nmov %r2, %r10\nadd %r2, -4\n"
		       "ldmap %r1, 1\ncall 1\njeq %r0, 0, out\n"
		       "ldxdw %r7, [%r0+0]\nadd %r7, 1\nstxdw [%r0+0], %r7\n"
		       "stxdw [%r10-24], %r6\nstxdw [%r10-16], %r7\n"
		       "ldmap %r1, 0\nmov %r2, %r10\nadd %r2, -24\nmov %r3, 16\nmov %r4, 0\n"
		       "call 130\njeq %r0, 0, out\n"
		       "ldmapvalue %r1, 2, 0\nmov %r2, 1\nlock add [%r1+0], %r2\n"
		       "out:\nmov %r0, 0\nexit", objs, 3, 0);
	s.rb = arena_ring_buffer__new(objs[0], stress_record, &s, NULL);
	TAP_EXPECT(s.rb != NULL && ncpus <= STRESS_CPUS);
	if (!s.rb || pthread_create(&thread, NULL, stress_consumer, &s))
		goto out;
	TAP_EXPECT_OK(run_raw(fd, &req));
	s.stop = 1;
	pthread_join(thread, NULL);
	elem.value = (uintptr_t)&drops;
	TAP_EXPECT_OK(ioctl(objs[2], ARRAY_IOC_LOOKUP, &elem));
	TAP_EXPECT_EQ(s.bad, 0);
	TAP_EXPECT_EQ(s.received + drops, (uint64_t)ncpus * STRESS_RUNS);
	printf("# %llu records from %ld CPUs, %llu dropped on a full ring\n",
	       (unsigned long long)s.received, ncpus, (unsigned long long)drops);
out:
	arena_ring_buffer__free(s.rb);
	close(fd);
	for (fd = 0; fd < 3; fd++)
		close(objs[fd]);
}

/*
 * bpf_user_ringbuf_drain() with a callback that reads each record through
 * bpf_dynptr_read(): records user space produced with libarena, in order,
 * a discarded one skipped, the ring empty afterwards.
 */
static void user_ringbuf_drain(void)
{
	int ring = dev_ringbuf_new(RINGBUF_F_USER, 4096), fd;
	struct ringbuf_info info = { .size = sizeof(info) };
	struct arena_user_ring_buffer *urb;
	uint64_t ctx[1] = { 0 }, *rec;
	int i;

	urb = arena_user_ring_buffer__new(ring, NULL);
	TAP_EXPECT(urb != NULL);
	if (!urb)
		goto out;
	for (i = 1; i <= 4; i++) {
		rec = arena_user_ring_buffer__reserve(urb, 8);
		TAP_EXPECT(rec != NULL);
		if (!rec)
			break;
		*rec = i * 100;
		if (i == 3)
			arena_user_ring_buffer__discard(urb, rec);
		else
			arena_user_ring_buffer__submit(urb, rec);
	}
	/* ctx[0] = sum over records of (value * 10 + the running count). */
	fd = load_must("mov %r6, %r1\nstdw [%r10-8], 0\nstdw [%r10-16], 0\n"
		       "ldmap %r1, 0\nldfunc %r2, cb\nmov %r3, %r10\nadd %r3, -16\n"
		       "mov %r4, 0\ncall 209\nldxdw %r1, [%r10-16]\nstxdw [%r6+0], %r1\nexit\n"
		       "cb:\nmov %r7, %r2\nmov %r3, %r1\nmov %r1, %r10\nadd %r1, -8\n"
		       "mov %r2, 8\nmov %r4, 0\nmov %r5, 0\ncall 201\n"
		       "jne %r0, 0, bad\nldxdw %r1, [%r10-8]\nmul %r1, 10\n"
		       "ldxdw %r2, [%r7+0]\nadd %r2, %r1\nadd %r2, 1\nstxdw [%r7+0], %r2\n"
		       "mov %r0, 0\nexit\nbad:\nmov %r0, 1\nexit", &ring, 1, 8);
	TAP_EXPECT_EQ(run_ctx(fd, ctx, sizeof(ctx)), 3);
	TAP_EXPECT_EQ(ctx[0], (100 + 200 + 400) * 10 + 3);
	TAP_EXPECT_OK(ioctl(ring, RINGBUF_IOC_QUERY, &info));
	TAP_EXPECT_EQ(info.avail_data, 0);
	close(fd);
	arena_user_ring_buffer__free(urb);
out:
	close(ring);
}

/*
 * bpf_arena_alloc_pages() from a program, a store through the pointer it
 * got, seen by user space at the same address; a load from an absent page
 * reads 0.
 */
static void arena_kfuncs(void)
{
	struct arena_create req = { .size = sizeof(req), .nr_pages = 4,
				    .user_addr = 0x7e0000000000ULL };
	int arena = dev_ioctl(ARENA_IOC_CREATE, &req), fd;
	uint64_t ctx[1] = { 0 }, *mem;
	long psz = sysconf(_SC_PAGESIZE);

	mem = mmap((void *)(uintptr_t)req.user_addr, 4 * psz, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_FIXED_NOREPLACE, arena, 0);
	TAP_EXPECT(mem == (void *)(uintptr_t)req.user_addr);
	fd = load_must("mov %r6, %r1\n"
		       "ldmap %r1, 0\nmov %r2, 0\nmov %r3, 1\nmov %r4, -1\nmov %r5, 0\n"
		       "call runtime 1\nstxdw [%r6+0], %r0\njeq %r0, 0, out\n"
		       "addr_space_cast %r1, %r0, 0, 1\nmov %r2, 0x5a5a\n"
		       "stxdw [%r1+16], %r2\n"
		       "ldxdw %r0, [%r1+8192]\nexit\n"
		       "out:\nmov %r0, 99\nexit", &arena, 1, 8);
	TAP_EXPECT_EQ(run_ctx(fd, ctx, sizeof(ctx)), 0);
	TAP_EXPECT_EQ(ctx[0], req.user_addr);
	if (mem != MAP_FAILED && ctx[0] == req.user_addr)
		TAP_EXPECT_EQ(mem[2], 0x5a5a);
	close(fd);
	if (mem != MAP_FAILED)
		munmap(mem, 4 * psz);
	close(arena);
}

/* bpf_loop() with a callback whose context is the caller's stack. */
static void bpf_loop_callback(void)
{
	int fd = load_must("mov %r6, %r1\nldxdw %r2, [%r6+0]\nstxdw [%r10-8], %r2\n"
			   "mov %r1, 10\nldfunc %r2, cb\nmov %r3, %r10\nadd %r3, -8\n"
			   "mov %r4, 0\ncall 181\nldxdw %r2, [%r10-8]\nstxdw [%r6+0], %r2\n"
			   "exit\n"
			   "cb:\nldxdw %r3, [%r2+0]\nadd %r3, %r1\nstxdw [%r2+0], %r3\n"
			   "mov %r0, 0\nexit", NULL, 0, 8);
	uint64_t ctx[1] = { 100 };

	TAP_EXPECT_EQ(run_ctx(fd, ctx, sizeof(ctx)), 10);
	TAP_EXPECT_EQ(ctx[0], 145);
	close(fd);
}

/* A program keeps its objects: they outlive their fds. */
static void prog_pins_objects(void)
{
	long long before = read_sysfs(REFCNT_PATH);
	int array = dev_array_new(0, 8, 1), fd;

	fd = load_must("ldmapvalue %r1, 0, 0\nmov %r2, 3\nstxdw [%r1+0], %r2\n"
		       "ldxdw %r0, [%r1+0]\nexit", &array, 1, 0);
	close(array);
	TAP_EXPECT_EQ(run_ctx(fd, NULL, 0), 3);
	close(fd);
	TAP_EXPECT_EQ(read_sysfs(REFCNT_PATH), before);
}

static const struct tap_test tests[] = {
	{ "prog", "version-feature-prog", version_feature_prog },
	{ "prog", "load-run-returns-r0", load_run_returns_r0 },
	{ "prog", "load-bad-args", load_bad_args },
	{ "prog", "load-bad-objects", load_bad_objects },
	{ "prog", "load-arena-needs-address", load_arena_needs_address },
	{ "prog", "verifier-rejects-with-log", verifier_rejects_with_log },
	{ "prog", "load-too-complex", load_too_complex },
	{ "prog", "load-global-funcs", load_global_funcs },
	{ "prog", "load-global-funcs-bad-args", load_global_funcs_bad_args },
	{ "prog", "kfunc-needs-gpl", kfunc_needs_gpl },
	{ "prog", "run-ctx-in-out", run_ctx_in_out },
	{ "prog", "run-bad-args", run_bad_args },
	{ "prog", "run-every-cpu-atomics", run_every_cpu_atomics },
	{ "prog", "cpu-number-each-cpu", cpu_number_each_cpu },
	{ "prog", "run-interrupted-by-signal", run_interrupted_by_signal },
	{ "prog", "nested-loops-interrupted", nested_loops_interrupted },
	{ "prog", "array-lookup-helper", array_lookup_helper },
	{ "prog", "array-lookup-edges", array_lookup_edges },
	{ "prog", "ringbuf-helpers", ringbuf_helpers },
	{ "prog", "user-ringbuf-drain", user_ringbuf_drain },
	{ "prog", "ringbuf-every-cpu-stress", ringbuf_every_cpu_stress },
	{ "prog", "arena-kfuncs", arena_kfuncs },
	{ "prog", "bpf-loop-callback", bpf_loop_callback },
	{ "prog", "prog-pins-objects", prog_pins_objects },
};

TAP_MAIN(tests)
