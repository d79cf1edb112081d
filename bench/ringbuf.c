// SPDX-License-Identifier: GPL-2.0
/*
 * The ring buffer benchmark: our ring against the kernel's own
 * BPF_MAP_TYPE_RINGBUF, run as root inside a test VM with the module
 * loaded (bench/run.sh boots it).
 *
 *	ringbuf [-r ROUNDS]
 *
 * One consumer, libarena's (the same code reads both rings: they share a
 * layout) on the main thread, and 1 or 2 producer threads, each putting
 * up to BATCH records of 8 or 256 bytes per system call into the ring, by
 * the same program, assembled below, for both:
 *  - ours: loaded with PROG_IOC_LOAD, run with PROG_IOC_RUN;
 *  - the kernel's: a socket filter run with BPF_PROG_TEST_RUN.
 * The program puts a record in with bpf_ringbuf_output() or with
 * bpf_ringbuf_reserve(), stores and bpf_ringbuf_submit(), stops a batch at
 * the first record that does not fit and says how many went in.  Its
 * commits wake the consumer never (BPF_RB_NO_WAKEUP: the consumer
 * busy-polls with arena_ring_buffer__consume()), or when it waits for the
 * record (flags 0), or at the end of a batch (BPF_RB_FORCE_WAKEUP on its
 * last record); a consumer that is woken up sleeps in
 * arena_ring_buffer__poll().  The producer retries a record that did not
 * fit after a yield, or drops it and goes on.  A round is a number of
 * records through the ring; it reports records consumed per second, from
 * the producers' start to the last record consumed, and for dropping
 * producers the records lost.
 *
 * See bench.h for the rounds and the output.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <arena_kmod.h>

#include "bench.h"
#include "libarena.h"

#define RING_SIZE	(256 * 1024)
#define BATCH		64		/* records per system call */
#define MAX_PRODUCERS	2
#define MAX_INSNS	64		/* of a producer program */
#define POLL_MS		10		/* the waiting consumer's timeout */

static int dev_fd = -1;

/* When a commit wakes the consumer up. */
enum wakeup {
	WAKE_NONE,	/* never: BPF_RB_NO_WAKEUP; the consumer busy-polls */
	WAKE_EACH,	/* flags 0: when the consumer waits for this record */
	WAKE_BATCH,	/* BPF_RB_FORCE_WAKEUP on a batch's last record only */
};

/* How the producer puts records in and the consumer waits for them. */
struct method {
	bool reserve;		/* bpf_ringbuf_reserve() + _submit(), not _output() */
	enum wakeup wakeup;	/* but for WAKE_NONE, the consumer sleeps in poll */
	/*
	 * The producer does not retry a record that did not fit: it is lost,
	 * and the producer goes on at once with the next.
	 */
	bool drop;
};

/* One ring of either kind, with what its producers need. */
struct ring {
	enum impl impl;
	const struct method *method;
	__u32 rec_len;
	int fd;			/* our ring, or the kernel's map */
	int prog_fd;		/* the kernel's: the producing program */
};

/* ---- the producer: one program for both ---- */

static struct bpf_insn insn(__u8 code, __u8 dst, __u8 src, __s16 off, __s32 imm)
{
	return (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src,
				  .off = off, .imm = imm };
}

static struct bpf_insn mov_imm(__u8 dst, __s32 imm)
{
	return insn(BPF_ALU64 | BPF_MOV | BPF_K, dst, 0, 0, imm);
}

/*
 * reg = the commit's flags for the record r6 counts: BPF_RB_NO_WAKEUP,
 * 0 (the helper wakes the consumer if it waits for this record), or for
 * a batch NO_WAKEUP but on its last record, which forces the wake-up.
 * Returns the new length.
 */
static int wake_flags(const struct method *m, __u8 reg, struct bpf_insn *prog, int n)
{
	prog[n++] = mov_imm(reg, m->wakeup == WAKE_EACH ? 0 : BPF_RB_NO_WAKEUP);
	if (m->wakeup == WAKE_BATCH) {
		prog[n++] = insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_6, 0, 1, BATCH - 1);
		prog[n++] = mov_imm(reg, BPF_RB_FORCE_WAKEUP);
	}
	return n;
}

/*
 * One record of rec_len zero bytes into the ring, by m's helpers; the
 * ring is ld_imm64 src_reg map_src, imm map_imm: the kernel's by fd,
 * ours by index.  Returns the new length, and in *fail the conditional
 * jump taken when the record did not fit, for the caller to aim.
 */
static int put_record(const struct method *m, __u8 map_src, __s32 map_imm, __u32 rec_len,
		      struct bpf_insn *prog, int n, int *fail)
{
	__u32 off;

	prog[n++] = insn(BPF_LD | BPF_IMM | BPF_DW, BPF_REG_1, map_src, 0, map_imm);
	prog[n++] = insn(0, 0, 0, 0, 0);
	if (m->reserve) {
		prog[n++] = mov_imm(BPF_REG_2, rec_len);
		prog[n++] = mov_imm(BPF_REG_3, 0);
		prog[n++] = insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ringbuf_reserve);
		*fail = n;
		prog[n++] = insn(BPF_JMP | BPF_JEQ | BPF_K, BPF_REG_0, 0, 0, 0);
		for (off = 0; off < rec_len; off += 8)
			prog[n++] = insn(BPF_ST | BPF_MEM | BPF_DW, BPF_REG_0, 0, off, 0);
		prog[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_0, 0, 0);
		n = wake_flags(m, BPF_REG_2, prog, n);
		prog[n++] = insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ringbuf_submit);
		return n;
	}
	prog[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0);
	prog[n++] = insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -(__s32)rec_len);
	prog[n++] = mov_imm(BPF_REG_3, rec_len);
	n = wake_flags(m, BPF_REG_4, prog, n);
	prog[n++] = insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ringbuf_output);
	*fail = n;
	prog[n++] = insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, 0, 0);
	return n;
}

/*
 * r6 = 0; for output, the record's rec_len bytes on the stack, zeroed;
 * then up to BATCH times a record into the ring (put_record()), stopping
 * at the first that does not fit; returns r6, the records that went in.
 * Its length goes to *len.
 */
static void prog_insns(const struct method *m, __u8 map_src, __s32 map_imm, __u32 rec_len,
		       struct bpf_insn *prog, __u32 *len)
{
	int n = 0, loop, fail;
	__s32 off;

	prog[n++] = mov_imm(BPF_REG_6, 0);
	if (!m->reserve)
		for (off = -(__s32)rec_len; off < 0; off += 8)
			prog[n++] = insn(BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, off, 0);
	loop = n;
	n = put_record(m, map_src, map_imm, rec_len, prog, n, &fail);
	prog[n++] = insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_6, 0, 0, 1);
	prog[n] = insn(BPF_JMP | BPF_JLT | BPF_K, BPF_REG_6, 0, loop - (n + 1), BATCH);
	n++;
	prog[fail].off = n - (fail + 1);
	prog[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_0, BPF_REG_6, 0, 0);
	prog[n++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	*len = n;
}

static char prog_log[1 << 20];

static int kern_prog_load(const struct ring *r)
{
	struct bpf_insn prog[MAX_INSNS];
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	prog_insns(r->method, BPF_PSEUDO_MAP_FD, r->fd, r->rec_len, prog, &attr.insn_cnt);
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (uintptr_t)prog;
	attr.license = (uintptr_t)"GPL";
	fd = syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd >= 0)
		return fd;
	/* Again for the verifier's log, whose end says why. */
	printf("# BPF_PROG_LOAD: %s\n", strerror(errno));
	attr.log_buf = (uintptr_t)prog_log;
	attr.log_size = sizeof(prog_log);
	attr.log_level = 1;
	if (syscall(__NR_bpf, BPF_PROG_LOAD, &attr, sizeof(attr)) < 0 && prog_log[0])
		printf("# %s\n", prog_log + (strlen(prog_log) > 1000 ? strlen(prog_log) - 1000 : 0));
	return -1;
}

static int ours_prog_load(const struct ring *r)
{
	struct bpf_insn prog[MAX_INSNS];
	struct prog_load req = {
		.size = sizeof(req),
		.insns = (uintptr_t)prog,
		.obj_fds = (uintptr_t)&r->fd,
		.nr_objs = 1,
		.log_level = 1,
		.log_buf = (uintptr_t)prog_log,
		.log_size = sizeof(prog_log),
		.license = (uintptr_t)"GPL",
	};
	int fd;

	prog_insns(r->method, BPF_PSEUDO_MAP_IDX, 0, r->rec_len, prog, &req.insn_cnt);
	fd = ioctl(dev_fd, PROG_IOC_LOAD, &req);
	if (fd < 0)
		printf("# PROG_IOC_LOAD: %s: %s\n", strerror(errno), prog_log);
	return fd;
}

/* Up to BATCH records: how many went in, or -1. */
static int kern_batch(const struct ring *r)
{
	static const unsigned char pkt[64];
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = r->prog_fd;
	attr.test.data_in = (uintptr_t)pkt;
	attr.test.data_size_in = sizeof(pkt);
	attr.test.repeat = 1;
	if (syscall(__NR_bpf, BPF_PROG_TEST_RUN, &attr, sizeof(attr)))
		return -1;
	return attr.test.retval;
}

static int ours_batch(const struct ring *r)
{
	struct prog_run req = { .size = sizeof(req), .repeat = 1 };

	if (ioctl(r->prog_fd, PROG_IOC_RUN, &req))
		return -1;
	return req.retval;
}

/* ---- the rings ---- */

static bool ring_open(enum impl impl, const struct method *m, __u32 rec_len, struct ring *r)
{
	struct ringbuf_create req = { .size = sizeof(req), .data_size = RING_SIZE };
	union bpf_attr attr;

	*r = (struct ring){ .impl = impl, .method = m, .rec_len = rec_len, .prog_fd = -1 };
	if (impl == OURS) {
		r->fd = ioctl(dev_fd, RINGBUF_IOC_CREATE, &req);
		if (r->fd < 0)
			return error("RINGBUF_IOC_CREATE");
		r->prog_fd = ours_prog_load(r);
	} else {
		memset(&attr, 0, sizeof(attr));
		attr.map_type = BPF_MAP_TYPE_RINGBUF;
		attr.max_entries = RING_SIZE;
		r->fd = syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
		if (r->fd < 0)
			return error("BPF_MAP_CREATE");
		r->prog_fd = kern_prog_load(r);
	}
	if (r->prog_fd >= 0)
		return true;
	close(r->fd);
	return error(impl == OURS ? "PROG_IOC_LOAD" : "BPF_PROG_LOAD");
}

static void ring_close(struct ring *r)
{
	if (r->prog_fd >= 0)
		close(r->prog_fd);
	close(r->fd);
}

/* ---- a round ---- */

struct producer {
	pthread_t thread;
	pthread_barrier_t *start;
	const struct ring *ring;
	long records;		/* to try */
	long tried;		/* records that went in, and for drop those lost */
	bool failed;
};

static int producers_done;

static void *producer_run(void *arg)
{
	struct producer *p = arg;
	int n;

	pthread_barrier_wait(p->start);
	/* The last batch may go past what was asked: it counts. */
	while (p->tried < p->records) {
		n = p->ring->impl == OURS ? ours_batch(p->ring) : kern_batch(p->ring);
		if (n < 0) {
			p->failed = true;
			break;
		}
		p->tried += n;
		/* The batch stopped at a record that did not fit. */
		if (n < BATCH && p->ring->method->drop)
			p->tried++;
		else if (!n)
			sched_yield();
	}
	__atomic_add_fetch(&producers_done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static int count_record(void *ctx, void *data, size_t size)
{
	(void)data;
	(void)size;
	++*(long *)ctx;
	return 0;
}

/*
 * Consumes until the producers are done and then what they left: busy
 * with arena_ring_buffer__consume(), or, when commits wake it up, asleep
 * in arena_ring_buffer__poll() (with a timeout, to see the producers
 * finish).  The last pass consumes: records committed without a wake-up
 * wake no poll.  Returns the time the last record was consumed, or -1.
 */
static double consume_all(struct arena_ring_buffer *rb, bool wait, int nprod, double t0)
{
	double last = t0;
	bool done, asleep;
	int n;

	do {
		done = __atomic_load_n(&producers_done, __ATOMIC_ACQUIRE) == nprod;
		asleep = wait && !done;
		n = asleep ? arena_ring_buffer__poll(rb, POLL_MS) : arena_ring_buffer__consume(rb);
		if (n < 0) {
			/* Both set errno, as libbpf's do. */
			error(asleep ? "arena_ring_buffer__poll" : "arena_ring_buffer__consume");
			return -1;
		}
		if (n > 0)
			last = now();
	} while (!done);
	return last;
}

/* What one scenario runs: its scenario's run() finds it in ring_current. */
struct ring_scenario {
	struct scenario scenario;
	struct method method;
	int nprod;
	__u32 rec_len;
	long records;		/* per round */
};

static const struct ring_scenario *ring_current;

/*
 * ring_current's records through a new ring: v[0] = records consumed per
 * second from the producers' start to the last record consumed, v[1] =
 * records lost (tried but not consumed; only dropping producers lose any).
 */
static bool ring_round(enum impl impl, double *v)
{
	const struct ring_scenario *rs = ring_current;
	int i, nprod = rs->nprod;
	struct producer prod[MAX_PRODUCERS];
	struct arena_ring_buffer *rb;
	pthread_barrier_t start;
	long consumed = 0, tried = 0;
	double t0, last;
	bool ok;
	struct ring r;

	if (!ring_open(impl, &rs->method, rs->rec_len, &r))
		return false;
	rb = arena_ring_buffer__new(r.fd, count_record, &consumed, NULL);
	if (!rb) {
		ring_close(&r);
		return error("arena_ring_buffer__new");
	}
	producers_done = 0;
	pthread_barrier_init(&start, NULL, nprod + 1);
	for (i = 0; i < nprod; i++) {
		prod[i] = (struct producer){
			.start = &start, .ring = &r, .records = rs->records / nprod,
		};
		pthread_create(&prod[i].thread, NULL, producer_run, &prod[i]);
	}
	pthread_barrier_wait(&start);
	t0 = now();
	last = consume_all(rb, rs->method.wakeup != WAKE_NONE, nprod, t0);
	ok = last >= 0;
	for (i = 0; i < nprod; i++) {
		pthread_join(prod[i].thread, NULL);
		tried += prod[i].tried;
		if (prod[i].failed)
			ok = error(impl == OURS ? "PROG_IOC_RUN" : "BPF_PROG_TEST_RUN");
	}
	v[0] = consumed / (last - t0);
	v[1] = tried - consumed;
	if (ok && (consumed > tried || (!rs->method.drop && consumed != tried))) {
		printf("# error: %s: %ld records put in, %ld consumed\n", impl_name[impl], tried,
		       consumed);
		failed = true;
		ok = false;
	}
	pthread_barrier_destroy(&start);
	arena_ring_buffer__free(rb);
	ring_close(&r);
	return ok;
}

/*
 * Records per round: about a second each under emulation, to average out
 * the host; fewer where the consumer sleeps and wakes (slower).
 */
#define RECORDS_8	800000
#define RECORDS_256	400000
#define RECORDS_WAKE	100000

#define OUTPUT		{ .wakeup = WAKE_NONE }
#define RESERVE		{ .reserve = true, .wakeup = WAKE_NONE }

static const struct ring_scenario ring_scenarios[] = {
	{
		{ .run = ring_round,
		  .name = "ringbuf-1producer-8B",
		  .note = "bpf_ringbuf_output(), 256 KiB ring, 1 producer thread, batches of "
			  "64 records of 8 bytes, 1 busy consumer",
		  .series = { { "ringbuf-1producer-8B", "events/s" } } },
		OUTPUT, 1, 8, RECORDS_8,
	},
	{
		{ .run = ring_round,
		  .name = "ringbuf-2producers-8B", .note = "as above, 2 producer threads",
		  .series = { { "ringbuf-2producers-8B", "events/s" } } },
		OUTPUT, 2, 8, RECORDS_8,
	},
	{
		{ .run = ring_round,
		  .name = "ringbuf-1producer-256B", .note = "as above, 1 producer, 256 bytes",
		  .series = { { "ringbuf-1producer-256B", "events/s" } } },
		OUTPUT, 1, 256, RECORDS_256,
	},
	{
		{ .run = ring_round,
		  .name = "ringbuf-2producers-256B", .note = "as above, 2 producer threads",
		  .series = { { "ringbuf-2producers-256B", "events/s" } } },
		OUTPUT, 2, 256, RECORDS_256,
	},
	{
		{ .run = ring_round,
		  .name = "ringbuf-reserve-1producer-8B",
		  .note = "the same with bpf_ringbuf_reserve(), 8 stores a word, "
			  "bpf_ringbuf_submit(): 1 producer, 8 bytes",
		  .series = { { "ringbuf-reserve-1producer-8B", "events/s" } } },
		RESERVE, 1, 8, RECORDS_8,
	},
	{
		{ .run = ring_round,
		  .name = "ringbuf-reserve-2producers-8B", .note = "as above, 2 producer threads",
		  .series = { { "ringbuf-reserve-2producers-8B", "events/s" } } },
		RESERVE, 2, 8, RECORDS_8,
	},
	{
		{ .run = ring_round,
		  .name = "ringbuf-reserve-1producer-256B",
		  .note = "as above, 1 producer, 256 bytes",
		  .series = { { "ringbuf-reserve-1producer-256B", "events/s" } } },
		RESERVE, 1, 256, RECORDS_256,
	},
	{
		{ .run = ring_round,
		  .name = "ringbuf-reserve-2producers-256B", .note = "as above, 2 producer threads",
		  .series = { { "ringbuf-reserve-2producers-256B", "events/s" } } },
		RESERVE, 2, 256, RECORDS_256,
	},
	{
		{ .run = ring_round,
		  .name = "ringbuf-wakeup-1producer-8B",
		  .note = "reserve and submit with flags 0 (a wake-up when the consumer "
			  "waits for the record), 1 producer, 8 bytes, the consumer in "
			  "arena_ring_buffer__poll()",
		  .series = { { "ringbuf-wakeup-1producer-8B", "events/s" } } },
		{ .reserve = true, .wakeup = WAKE_EACH }, 1, 8, RECORDS_WAKE,
	},
	{
		{ .run = ring_round,
		  .name = "ringbuf-wakeup-2producers-8B", .note = "as above, 2 producer threads",
		  .series = { { "ringbuf-wakeup-2producers-8B", "events/s" } } },
		{ .reserve = true, .wakeup = WAKE_EACH }, 2, 8, RECORDS_WAKE,
	},
	{
		{ .run = ring_round,
		  .name = "ringbuf-batchwakeup-1producer-8B",
		  .note = "as above, but BPF_RB_NO_WAKEUP, and BPF_RB_FORCE_WAKEUP on the "
			  "last record of each batch of 64: 1 producer",
		  .series = { { "ringbuf-batchwakeup-1producer-8B", "events/s" } } },
		{ .reserve = true, .wakeup = WAKE_BATCH }, 1, 8, RECORDS_WAKE,
	},
	{
		{ .run = ring_round,
		  .name = "ringbuf-batchwakeup-2producers-8B",
		  .note = "as above, 2 producer threads",
		  .series = { { "ringbuf-batchwakeup-2producers-8B", "events/s" } } },
		{ .reserve = true, .wakeup = WAKE_BATCH }, 2, 8, RECORDS_WAKE,
	},
	{
		{ .run = ring_round,
		  .name = "ringbuf-drop-1producer-8B",
		  .note = "reserve and submit with flags 0, the consumer in poll, but a "
			  "record that does not fit is dropped, not retried: 1 producer, "
			  "8 bytes; records consumed per second and records lost per round",
		  .series = { { "ringbuf-drop-1producer-8B", "events/s" },
			      { "ringbuf-drop-1producer-8B-lost", "lost/round" } } },
		{ .reserve = true, .wakeup = WAKE_EACH, .drop = true }, 1, 8, RECORDS_8,
	},
	{
		{ .run = ring_round,
		  .name = "ringbuf-drop-2producers-8B", .note = "as above, 2 producer threads",
		  .series = { { "ringbuf-drop-2producers-8B", "events/s" },
			      { "ringbuf-drop-2producers-8B-lost", "lost/round" } } },
		{ .reserve = true, .wakeup = WAKE_EACH, .drop = true }, 2, 8, RECORDS_8,
	},
};

/* Whether the kernel's side works here: a map, a program, one batch. */
static bool kern_probe(void)
{
	static const struct method output = OUTPUT;
	struct ring r;
	int n;

	if (!ring_open(KERN, &output, 8, &r)) {
		failed = false;
		return false;
	}
	n = kern_batch(&r);
	if (n != BATCH)
		printf("# the kernel's program put %d records in an empty ring, not %d\n", n,
		       BATCH);
	ring_close(&r);
	return n == BATCH;
}

int main(int argc, char **argv)
{
	int rounds = 7;
	size_t i;

	if (parse_rounds(argc, argv, &rounds))
		return 2;
	/* Line-buffered into the VM's pipe: each line reaches the console as it is made. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	dev_fd = open(ARENA_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (dev_fd < 0) {
		error("open " ARENA_DEVICE_PATH);
		return 1;
	}
	have_kern = kern_probe();
	printf("# %d rounds, %ld CPUs; the kernel's BPF ring buffer: %s\n", rounds,
	       sysconf(_SC_NPROCESSORS_ONLN),
	       have_kern ? "available" : "not available (ours only)");
	printf("# both rings are produced by the same BPF program, ours through PROG_IOC_RUN "
	       "(by the module's JIT where it has one), the kernel's through BPF_PROG_TEST_RUN\n");
	printf("# QEMU (TCG) distorts absolute numbers: compare ours/kernel ratios of one boot\n");
	for (i = 0; i < COUNT(ring_scenarios); i++) {
		ring_current = &ring_scenarios[i];
		run_scenario(&ring_current->scenario, rounds);
	}
	close(dev_fd);
	return failed;
}
