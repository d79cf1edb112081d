// SPDX-License-Identifier: GPL-2.0
/*
 * The ring buffer benchmark: our ring against the kernel's own
 * BPF_MAP_TYPE_RINGBUF, run as root inside a test VM with the module
 * loaded (bench/run.sh boots it).
 *
 *	ringbuf [-r ROUNDS]
 *
 * One consumer, libarena's arena_ring_buffer__consume() in a busy loop on
 * the main thread (the same code reads both rings: they share a layout),
 * and 1 or 2 producer threads, each putting up to BATCH records of 8 or
 * 256 bytes per system call into the ring, by the same program, assembled
 * below, that calls bpf_ringbuf_output() up to BATCH times:
 *  - ours: loaded with PROG_IOC_LOAD, run with PROG_IOC_RUN;
 *  - the kernel's: a socket filter run with BPF_PROG_TEST_RUN.
 * Both stop a batch at the first record that does not fit and say how
 * many went in, and both commit with BPF_RB_NO_WAKEUP (the consumer
 * polls).  A round is RECORDS records through the ring; it reports
 * records consumed per second, from the producers' start to the last
 * record consumed.
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
#define MAX_RECORD	256
#define MAX_PRODUCERS	2

static int dev_fd = -1;

/* One ring of either kind, with what its producers need. */
struct ring {
	enum impl impl;
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

/*
 * r6 = 0; the record's rec_len bytes on the stack, zeroed; then up to
 * BATCH times: bpf_ringbuf_output(ring, r10 - rec_len, rec_len,
 * BPF_RB_NO_WAKEUP), stopping at the first failure; return r6, the
 * records that went in.  The ring is ld_imm64 src_reg map_src, imm
 * map_imm: the kernel's by fd, ours by index.  Its length goes to *n.
 */
static void prog_insns(__u8 map_src, __s32 map_imm, __u32 rec_len, struct bpf_insn *prog,
		       __u32 *len)
{
	int n = 0, loop;
	__s32 off;

	prog[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_6, 0, 0, 0);
	for (off = -(__s32)rec_len; off < 0; off += 8)
		prog[n++] = insn(BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, off, 0);
	loop = n;
	prog[n++] = insn(BPF_LD | BPF_IMM | BPF_DW, BPF_REG_1, map_src, 0, map_imm);
	prog[n++] = insn(0, 0, 0, 0, 0);
	prog[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_2, BPF_REG_10, 0, 0);
	prog[n++] = insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -(__s32)rec_len);
	prog[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_3, 0, 0, rec_len);
	prog[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_4, 0, 0, BPF_RB_NO_WAKEUP);
	prog[n++] = insn(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_ringbuf_output);
	prog[n++] = insn(BPF_JMP | BPF_JNE | BPF_K, BPF_REG_0, 0, 2, 0);
	prog[n++] = insn(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_6, 0, 0, 1);
	prog[n] = insn(BPF_JMP | BPF_JLT | BPF_K, BPF_REG_6, 0, loop - (n + 1), BATCH);
	n++;
	prog[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_0, BPF_REG_6, 0, 0);
	prog[n++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	*len = n;
}

static char prog_log[1 << 20];

static int kern_prog_load(int map_fd, __u32 rec_len)
{
	struct bpf_insn prog[64];
	union bpf_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	prog_insns(BPF_PSEUDO_MAP_FD, map_fd, rec_len, prog, &attr.insn_cnt);
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

static int ours_prog_load(int ring_fd, __u32 rec_len)
{
	struct bpf_insn prog[64];
	struct prog_load req = {
		.size = sizeof(req),
		.insns = (uintptr_t)prog,
		.obj_fds = (uintptr_t)&ring_fd,
		.nr_objs = 1,
		.log_level = 1,
		.log_buf = (uintptr_t)prog_log,
		.log_size = sizeof(prog_log),
		.license = (uintptr_t)"GPL",
	};
	int fd;

	prog_insns(BPF_PSEUDO_MAP_IDX, 0, rec_len, prog, &req.insn_cnt);
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

static bool ring_open(enum impl impl, __u32 rec_len, struct ring *r)
{
	struct ringbuf_create req = { .size = sizeof(req), .data_size = RING_SIZE };
	union bpf_attr attr;

	*r = (struct ring){ .impl = impl, .rec_len = rec_len, .prog_fd = -1 };
	if (impl == OURS) {
		r->fd = ioctl(dev_fd, RINGBUF_IOC_CREATE, &req);
		if (r->fd < 0)
			return error("RINGBUF_IOC_CREATE");
		r->prog_fd = ours_prog_load(r->fd, rec_len);
	} else {
		memset(&attr, 0, sizeof(attr));
		attr.map_type = BPF_MAP_TYPE_RINGBUF;
		attr.max_entries = RING_SIZE;
		r->fd = syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
		if (r->fd < 0)
			return error("BPF_MAP_CREATE");
		r->prog_fd = kern_prog_load(r->fd, rec_len);
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
	long records;		/* to put in */
	bool failed;
};

static long produced_total;	/* by all producers, as they go */
static int producers_done;

static void *producer_run(void *arg)
{
	struct producer *p = arg;
	long left = p->records;
	int n;

	pthread_barrier_wait(p->start);
	while (left > 0) {
		n = p->ring->impl == OURS ? ours_batch(p->ring) : kern_batch(p->ring);
		if (n < 0) {
			p->failed = true;
			break;
		}
		/* The last batch may go past what was asked: it counts. */
		left -= n;
		__atomic_add_fetch(&produced_total, n, __ATOMIC_RELEASE);
		if (!n)
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

/* RECORDS records of rec_len bytes by nprod producers: v[0] = records/s. */
static bool ring_round(enum impl impl, int nprod, __u32 rec_len, long records, double *v)
{
	struct producer prod[MAX_PRODUCERS];
	struct arena_ring_buffer *rb;
	pthread_barrier_t start;
	long consumed = 0;
	bool ok = true;
	int i;
	struct ring r;
	double t0;

	if (!ring_open(impl, rec_len, &r))
		return false;
	rb = arena_ring_buffer__new(r.fd, count_record, &consumed, NULL);
	if (!rb) {
		ring_close(&r);
		return error("arena_ring_buffer__new");
	}
	produced_total = 0;
	producers_done = 0;
	pthread_barrier_init(&start, NULL, nprod + 1);
	for (i = 0; i < nprod; i++) {
		prod[i] = (struct producer){
			.start = &start, .ring = &r, .records = records / nprod,
		};
		pthread_create(&prod[i].thread, NULL, producer_run, &prod[i]);
	}
	pthread_barrier_wait(&start);
	t0 = now();
	/* Until every producer is done and what they put in is out. */
	while (__atomic_load_n(&producers_done, __ATOMIC_ACQUIRE) < nprod ||
	       consumed < __atomic_load_n(&produced_total, __ATOMIC_ACQUIRE)) {
		if (arena_ring_buffer__consume(rb) < 0) {
			ok = error("arena_ring_buffer__consume");
			break;
		}
	}
	v[0] = consumed / (now() - t0);
	for (i = 0; i < nprod; i++) {
		pthread_join(prod[i].thread, NULL);
		if (prod[i].failed)
			ok = error(impl == OURS ? "PROG_IOC_RUN" : "BPF_PROG_TEST_RUN");
	}
	pthread_barrier_destroy(&start);
	arena_ring_buffer__free(rb);
	ring_close(&r);
	return ok;
}

/* Records per round: about a second each under emulation, to average out the host. */
#define RECORDS_8	800000
#define RECORDS_256	400000

static bool p1_8(enum impl impl, double *v)
{
	return ring_round(impl, 1, 8, RECORDS_8, v);
}

static bool p2_8(enum impl impl, double *v)
{
	return ring_round(impl, 2, 8, RECORDS_8, v);
}

static bool p1_256(enum impl impl, double *v)
{
	return ring_round(impl, 1, 256, RECORDS_256, v);
}

static bool p2_256(enum impl impl, double *v)
{
	return ring_round(impl, 2, 256, RECORDS_256, v);
}

static const struct scenario scenarios[] = {
	{
		.name = "ringbuf-1producer-8B", .run = p1_8,
		.note = "256 KiB ring, 1 producer thread, batches of 64 records of 8 bytes, "
			"1 consumer",
		.series = { { "ringbuf-1producer-8B", "events/s" } },
	},
	{
		.name = "ringbuf-2producers-8B", .run = p2_8,
		.note = "as above, 2 producer threads",
		.series = { { "ringbuf-2producers-8B", "events/s" } },
	},
	{
		.name = "ringbuf-1producer-256B", .run = p1_256,
		.note = "256 KiB ring, 1 producer thread, batches of 64 records of 256 bytes, "
			"1 consumer",
		.series = { { "ringbuf-1producer-256B", "events/s" } },
	},
	{
		.name = "ringbuf-2producers-256B", .run = p2_256,
		.note = "as above, 2 producer threads",
		.series = { { "ringbuf-2producers-256B", "events/s" } },
	},
};

/* Whether the kernel's side works here: a map, a program, one batch. */
static bool kern_probe(void)
{
	struct ring r;
	int n;

	if (!ring_open(KERN, 8, &r)) {
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
	for (i = 0; i < COUNT(scenarios); i++)
		run_scenario(&scenarios[i], rounds);
	close(dev_fd);
	return failed;
}
