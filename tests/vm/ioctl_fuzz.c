// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl and mmap fuzzing against the real module: a fixed number of calls
 * with random commands, sizes, flags, fds, pointers and offsets, aimed at
 * /dev/arena and at one object of each kind, as root and as an
 * unprivileged user holding the same fds.  Every call must end in a clean
 * error or a success; the kernel log must stay clean (the harness checks
 * it); and once everything is closed the module's reference count must be
 * back where it was, so that no object or file was leaked.
 *
 * The arguments are structured, not raw noise: each starts with a size
 * drawn from the sizes the module knows, near them and far off, and its
 * other 8-byte slots are random or pointers (valid, NULL, unmapped, kernel).
 * What could take the VM's memory or time is bounded: ring and array
 * sizes, run repeats, log sizes, and the arena pages in use (max_pages).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arena_kmod.h>
#include <linux/bpf.h>

#include "dev.h"
#include "tap.h"
#include "vmtest.h"

#define ROOT_CALLS	20000
#define USER_CALLS	10000
#define MMAP_CALLS	3000
#define ARG_BYTES	8192
#define BUF_BYTES	(64 * 1024)
#define MAX_PAGES_PATH	"/sys/module/arena_kmod/parameters/max_pages"
#define FUZZ_MAX_PAGES	1024
#define FUZZ_MAX_BYTES	(4U << 20)
#define ARENA_USER_ADDR	0x7c0000000000ULL
#define NOBODY		65534

struct fuzz_cmd {
	unsigned long cmd;
	uint32_t size;		/* its structure's first published size */
};

static const struct fuzz_cmd cmds[] = {
	{ ARENA_IOC_VERSION, ARENA_VERSION_SIZE_VER0 },
	{ ARENA_IOC_CREATE, ARENA_CREATE_SIZE_VER0 },
	{ ARENA_IOC_INFO, ARENA_INFO_SIZE_VER0 },
	{ ARENA_IOC_ALLOC_PAGES, ARENA_PAGES_SIZE_VER0 },
	{ ARENA_IOC_FREE_PAGES, ARENA_PAGES_SIZE_VER0 },
	{ ARENA_IOC_PAGES_PRESENT, ARENA_PAGES_PRESENT_SIZE_VER0 },
	{ RINGBUF_IOC_CREATE, RINGBUF_CREATE_SIZE_VER0 },
	{ RINGBUF_IOC_OUTPUT, RINGBUF_OUTPUT_SIZE_VER0 },
	{ RINGBUF_IOC_QUERY, RINGBUF_INFO_SIZE_VER0 },
	{ ARRAY_IOC_CREATE, ARRAY_CREATE_SIZE_VER0 },
	{ ARRAY_IOC_LOOKUP, ARRAY_ELEM_SIZE_VER0 },
	{ ARRAY_IOC_UPDATE, ARRAY_ELEM_SIZE_VER0 },
	{ PROG_IOC_LOAD, PROG_LOAD_SIZE_VER0 },
	{ PROG_IOC_RUN, PROG_RUN_SIZE_VER0 },
	{ PROG_IOC_INFO, PROG_INFO_SIZE_VER0 },
};

enum { T_DEV, T_ARENA, T_RING, T_USER_RING, T_ARRAY, T_PROG, T_NULL, NR_TARGETS };

struct fuzz {
	uint64_t rnd;
	int fds[NR_TARGETS];
	uint8_t *buf;		/* what valid pointers point into */
	uint64_t calls, successes, new_fds;
};

static uint64_t rnd(struct fuzz *f)
{
	f->rnd ^= f->rnd << 13;
	f->rnd ^= f->rnd >> 7;
	f->rnd ^= f->rnd << 17;
	return f->rnd;
}

static uint32_t pick(struct fuzz *f, uint32_t n)
{
	return rnd(f) % n;
}

static uint64_t fuzz_pointer(struct fuzz *f)
{
	switch (pick(f, 5)) {
	case 0:
		return 0;
	case 1:
		return 0x1000;					/* unmapped */
	case 2:
		return 0xffff888000000000ULL;			/* the kernel's */
	default:
		return (uintptr_t)f->buf + pick(f, BUF_BYTES / 2);
	}
}

static uint32_t fuzz_size(struct fuzz *f, uint32_t ver0)
{
	static const uint32_t odd[] = { 0, 4, 7, 8, 4096, 4097, 65536, 0xffffffffU };

	switch (pick(f, 6)) {
	case 0:
		return odd[pick(f, sizeof(odd) / sizeof(odd[0]))];
	case 1:
		return ver0 + 8 * pick(f, 8);
	case 2:
		return ver0 - 1 - pick(f, 8);
	default:
		return ver0 + 8 * pick(f, 3);
	}
}

/* Keeps what a command allocates or how long it runs within the VM's means. */
static void fuzz_bound(unsigned long cmd, uint8_t *arg)
{
	uint64_t v;

	switch (cmd) {
	case RINGBUF_IOC_CREATE:
		memcpy(&v, arg + 8, 8);
		v %= FUZZ_MAX_BYTES * 2;
		memcpy(arg + 8, &v, 8);
		break;
	case ARRAY_IOC_CREATE: {
		uint32_t vs, n;

		memcpy(&vs, arg + 8, 4);
		memcpy(&n, arg + 12, 4);
		vs %= 4096 + 8;
		n %= FUZZ_MAX_BYTES / 4096;
		memcpy(arg + 8, &vs, 4);
		memcpy(arg + 12, &n, 4);
		break;
	}
	case PROG_IOC_LOAD: {
		struct prog_load *p = (struct prog_load *)arg;

		p->insn_cnt %= 256;
		p->log_size %= 65536;
		p->nr_objs %= PROG_OBJS_MAX + 4;
		break;
	}
	case PROG_IOC_RUN:
		((struct prog_run *)arg)->repeat %= 64;
		break;
	}
}

/* Random instructions from valid opcodes, registers and small operands. */
static void fuzz_insns(struct fuzz *f, struct bpf_insn *insns, uint32_t n)
{
	static const uint8_t codes[] = {
		BPF_ALU64 | BPF_MOV | BPF_K, BPF_ALU64 | BPF_ADD | BPF_X, BPF_ALU | BPF_DIV | BPF_X,
		BPF_ALU64 | BPF_LSH | BPF_K, BPF_LDX | BPF_MEM | BPF_DW, BPF_STX | BPF_MEM | BPF_W,
		BPF_ST | BPF_MEM | BPF_B, BPF_STX | BPF_ATOMIC | BPF_DW, BPF_JMP | BPF_JEQ | BPF_K,
		BPF_JMP | BPF_JA, BPF_JMP | BPF_CALL, BPF_LD | BPF_IMM | BPF_DW, BPF_JMP | BPF_EXIT,
	};
	uint32_t i;

	for (i = 0; i < n; i++)
		insns[i] = (struct bpf_insn){
			.code = codes[pick(f, sizeof(codes))],
			.dst_reg = pick(f, 11), .src_reg = pick(f, 11),
			.off = (int16_t)(pick(f, 17) - 8) * (pick(f, 4) ? 1 : 8),
			.imm = (int32_t)pick(f, 300) - 20,
		};
	insns[n - 1] = (struct bpf_insn){ .code = BPF_JMP | BPF_EXIT };
}

/*
 * A request the module should accept, for the fuzz to mutate: errors
 * deep inside the commands are only reached from near-valid arguments.
 */
static void fuzz_template(struct fuzz *f, unsigned long cmd, uint8_t *arg)
{
	uint8_t *scratch = f->buf + BUF_BYTES / 2;	/* valid, not shared with arg */

	memset(arg, 0, 256);
	switch (cmd) {
	case ARENA_IOC_CREATE:
		*(struct arena_create *)arg = (struct arena_create){ .nr_pages = 1 + pick(f, 64) };
		break;
	case ARENA_IOC_ALLOC_PAGES:
	case ARENA_IOC_FREE_PAGES:
		*(struct arena_pages *)arg = (struct arena_pages){
			.addr = pick(f, 2) ? 0 : ARENA_USER_ADDR + pick(f, 70) * 4096,
			.nr_pages = 1 + pick(f, 8), .node = -1 };
		break;
	case ARENA_IOC_PAGES_PRESENT:
		*(struct arena_pages_present *)arg = (struct arena_pages_present){
			.first_page = pick(f, 70), .nr_pages = 1 + pick(f, 70),
			.bitmap = (uintptr_t)scratch };
		break;
	case RINGBUF_IOC_CREATE:
		*(struct ringbuf_create *)arg = (struct ringbuf_create){
			.flags = pick(f, 4), .data_size = 4096ULL << pick(f, 6) };
		break;
	case RINGBUF_IOC_OUTPUT: {
		struct ringbuf_record *r = (struct ringbuf_record *)scratch;
		uint32_t i, n = 1 + pick(f, 8);

		for (i = 0; i < n; i++)
			r[i] = (struct ringbuf_record){ .data = (uintptr_t)f->buf,
							.len = pick(f, 5000) };
		*(struct ringbuf_output *)arg = (struct ringbuf_output){
			.flags = pick(f, 3), .records = (uintptr_t)r, .nr_records = n };
		break;
	}
	case ARRAY_IOC_CREATE:
		*(struct array_create *)arg = (struct array_create){
			.flags = pick(f, 4), .value_size = 1 + pick(f, 128),
			.max_entries = 1 + pick(f, 128) };
		break;
	case ARRAY_IOC_LOOKUP:
	case ARRAY_IOC_UPDATE:
		*(struct array_elem *)arg = (struct array_elem){
			.index = pick(f, 70), .value = (uintptr_t)scratch };
		break;
	case PROG_IOC_LOAD: {
		struct bpf_insn *insns = (struct bpf_insn *)scratch;
		uint32_t n = 2 + pick(f, 40);

		fuzz_insns(f, insns, n);
		*(struct prog_load *)arg = (struct prog_load){
			.insns = (uintptr_t)insns, .insn_cnt = n, .license = (uintptr_t)"GPL",
			.obj_fds = (uintptr_t)&f->fds[T_ARENA], .nr_objs = pick(f, 5),
			.log_level = pick(f, 3), .log_buf = (uintptr_t)(scratch + 4096),
			.log_size = 4096 };
		if (!((struct prog_load *)arg)->log_level)
			((struct prog_load *)arg)->log_buf = ((struct prog_load *)arg)->log_size = 0;
		break;
	}
	case PROG_IOC_RUN:
		*(struct prog_run *)arg = (struct prog_run){
			.flags = pick(f, 2), .ctx_in = (uintptr_t)scratch, .repeat = pick(f, 4) };
		break;
	case PROG_IOC_INFO:
		*(struct prog_info *)arg = (struct prog_info){
			.xlated = (uintptr_t)scratch, .xlated_len = pick(f, 256),
			.jited = pick(f, 2) ? (uintptr_t)(scratch + 4096) : 0,
			.jited_len = pick(f, 4096) };
		break;
	}
}

/* Changes up to three 4-byte words of a near-valid request. */
static void fuzz_mutate(struct fuzz *f, uint8_t *arg)
{
	uint32_t i, n = pick(f, 4);

	for (i = 0; i < n; i++) {
		uint32_t v = pick(f, 2) ? (uint32_t)rnd(f) : (uint32_t)rnd(f) >> pick(f, 32);

		memcpy(arg + 4 * (1 + pick(f, 23)), &v, 4);
	}
}

/* Random 8-byte slots, each a number or a pointer. */
static void fuzz_noise(struct fuzz *f, uint8_t *arg)
{
	uint32_t i;

	for (i = 0; i < ARG_BYTES / 8; i++) {
		uint64_t v = pick(f, 3) ? rnd(f) >> pick(f, 64) : fuzz_pointer(f);

		memcpy(arg + 8 * i, &v, 8);
	}
	if (pick(f, 2))
		memset(arg + 4, 0, 4);		/* flags 0 half the time */
}

static bool fuzz_errno_clean(int err)
{
	switch (err) {
	case EINVAL: case E2BIG: case EFAULT: case ENOTTY: case EBADF: case ENOMEM:
	case ENOSPC: case EPERM: case EACCES: case ENOENT: case EEXIST: case EBUSY:
	case EDESTADDRREQ: case EOPNOTSUPP: case ENODEV: case EINTR: case EAGAIN:
	case ERANGE: case EOVERFLOW: case ENXIO:
		return true;
	default:
		return false;
	}
}

static void fuzz_ioctl_once(struct fuzz *f, uint8_t *arg)
{
	const struct fuzz_cmd *c = &cmds[pick(f, sizeof(cmds) / sizeof(cmds[0]))];
	unsigned long cmd = c->cmd;
	int fd = f->fds[pick(f, NR_TARGETS)], ret;
	void *p = arg;
	uint32_t size;

	if (!pick(f, 20))
		cmd = _IO(ARENA_IOC_MAGIC, pick(f, 256));
	if (!pick(f, 50))
		fd = pick(f, 2) ? -1 : 1000;	/* never open */
	if (pick(f, 4)) {
		fuzz_template(f, cmd, arg);
		if (pick(f, 2))
			fuzz_mutate(f, arg);
		size = pick(f, 4) ? c->size + 8 * pick(f, 3) : fuzz_size(f, c->size);
	} else {
		fuzz_noise(f, arg);
		size = fuzz_size(f, c->size);
	}
	memcpy(arg, &size, 4);
	fuzz_bound(cmd, arg);
	if (!pick(f, 40))
		p = (void *)(uintptr_t)fuzz_pointer(f);
	ret = ioctl(fd, cmd, p);
	f->calls++;
	if (ret >= 0) {
		f->successes++;
		/* A new object: close it (the fixed objects stay the targets). */
		if (ret > 2 && ret != fd && (cmd == ARENA_IOC_CREATE || cmd == RINGBUF_IOC_CREATE ||
					     cmd == ARRAY_IOC_CREATE || cmd == PROG_IOC_LOAD)) {
			f->new_fds++;
			close(ret);
		}
	} else if (!fuzz_errno_clean(errno)) {
		tap_fail(__FILE__, __LINE__, "ioctl(%d, 0x%lx, size %u): unexpected %s", fd, cmd,
			 size, strerror(errno));
	}
}

/* Says what one batch of calls did, and starts the counts again. */
static void fuzz_report(struct fuzz *f, const char *what)
{
	printf("# %s: %llu calls, %llu succeeded, %llu new objects closed\n", what,
	       (unsigned long long)f->calls, (unsigned long long)f->successes,
	       (unsigned long long)f->new_fds);
	f->calls = f->successes = f->new_fds = 0;
}

static void fuzz_ioctls(struct fuzz *f, uint64_t calls)
{
	uint8_t *arg = malloc(ARG_BYTES);
	uint64_t i;

	if (!arg) {
		tap_fail(__FILE__, __LINE__, "out of memory");
		return;
	}
	for (i = 0; i < calls && tap_failures < 5; i++)
		fuzz_ioctl_once(f, arg);
	free(arg);
	fuzz_report(f, "ioctl");
}

static void fuzz_mmaps(struct fuzz *f, uint64_t calls)
{
	static const int prots[] = { PROT_READ, PROT_READ | PROT_WRITE, PROT_WRITE,
				     PROT_READ | PROT_EXEC, PROT_NONE };
	long psz = sysconf(_SC_PAGESIZE);
	uint64_t i;

	for (i = 0; i < calls && tap_failures < 5; i++) {
		int fd = f->fds[1 + pick(f, T_NULL - 1)];
		size_t len = pick(f, 8) ? (1 + pick(f, 64)) * (size_t)psz : rnd(f) >> pick(f, 64);
		off_t off = pick(f, 4) ? (off_t)pick(f, 8) * psz : (off_t)(rnd(f) >> 20);
		int prot = prots[pick(f, sizeof(prots) / sizeof(prots[0]))];
		int flags = pick(f, 4) ? MAP_SHARED : MAP_PRIVATE;
		volatile uint8_t *m;

		if (fd == f->fds[T_ARENA]) {
			flags |= MAP_FIXED_NOREPLACE;
			m = mmap((void *)(uintptr_t)(ARENA_USER_ADDR + pick(f, 4) * psz), len,
				 prot, flags, fd, off);
		} else {
			m = mmap(NULL, len, prot, flags, fd, off);
		}
		f->calls++;
		if (m == MAP_FAILED) {
			if (!fuzz_errno_clean(errno))
				tap_fail(__FILE__, __LINE__, "mmap(fd %d, len %zu, off %lld): %s",
					 fd, len, (long long)off, strerror(errno));
			continue;
		}
		f->successes++;
		/* Touch what the mapping claims: the first page of the object. */
		if ((prot & PROT_READ) && fd != f->fds[T_ARENA])
			(void)m[0];
		munmap((void *)m, len);
	}
	fuzz_report(f, "mmap");
}

static int fuzz_arena(void)
{
	struct arena_create req = { .size = sizeof(req), .nr_pages = 64,
				    .user_addr = ARENA_USER_ADDR };

	return dev_ioctl(ARENA_IOC_CREATE, &req);
}

static int fuzz_prog(int arena)
{
	static const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 1 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct prog_load req = {
		.size = sizeof(req),
		.insns = (uintptr_t)insns,
		.insn_cnt = 2,
		.license = (uintptr_t)"GPL",
		.obj_fds = (uintptr_t)&arena,
		.nr_objs = 1,
	};

	return dev_ioctl(PROG_IOC_LOAD, &req);
}

/* One object of each kind; the arena mapped, so that programs may use it. */
static bool fuzz_setup(struct fuzz *f, uint64_t seed)
{
	void *m;
	int i;

	memset(f, 0, sizeof(*f));
	f->rnd = seed;
	f->buf = malloc(BUF_BYTES);
	if (f->buf)
		for (i = 0; i < BUF_BYTES; i++)
			f->buf[i] = (uint8_t)rnd(f);
	f->fds[T_DEV] = open_dev();
	f->fds[T_ARENA] = fuzz_arena();
	m = mmap((void *)(uintptr_t)ARENA_USER_ADDR, 4096, PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_FIXED_NOREPLACE, f->fds[T_ARENA], 0);
	if (m != MAP_FAILED)
		munmap(m, 4096);
	f->fds[T_RING] = dev_ringbuf_new(0, 64 * 1024);
	f->fds[T_USER_RING] = dev_ringbuf_new(RINGBUF_F_USER, 64 * 1024);
	f->fds[T_ARRAY] = dev_array_new(ARRAY_F_MMAPABLE, 16, 64);
	f->fds[T_PROG] = fuzz_prog(f->fds[T_ARENA]);
	f->fds[T_NULL] = open("/dev/null", O_RDWR);
	for (i = 0; i < NR_TARGETS; i++)
		if (f->fds[i] < 0)
			tap_fail(__FILE__, __LINE__, "setup: object %d: %s", i,
				 strerror(-f->fds[i]));
	return f->buf && !tap_failures;
}

static void fuzz_teardown(struct fuzz *f)
{
	int i;

	for (i = 0; i < NR_TARGETS; i++)
		if (f->fds[i] >= 0)
			close(f->fds[i]);
	free(f->buf);
}

/* Runs body with fresh objects and max_pages bounded; nothing may leak. */
static void fuzz_run(void (*body)(struct fuzz *f), uint64_t seed)
{
	long long refs = read_sysfs(REFCNT_PATH);
	long long max_pages = read_sysfs(MAX_PAGES_PATH);
	struct fuzz f;

	TAP_EXPECT_OK(write_sysfs(MAX_PAGES_PATH, FUZZ_MAX_PAGES));
	if (fuzz_setup(&f, seed))
		body(&f);
	fuzz_teardown(&f);
	TAP_EXPECT_OK(write_sysfs(MAX_PAGES_PATH, max_pages));
	TAP_EXPECT_EQ(read_sysfs(REFCNT_PATH), refs);
}

static void root_body(struct fuzz *f)
{
	fuzz_ioctls(f, ROOT_CALLS);
}

static void ioctls_as_root(void)
{
	fuzz_run(root_body, 0x9e3779b97f4a7c15ULL);
}

static void mmap_body(struct fuzz *f)
{
	fuzz_mmaps(f, MMAP_CALLS);
}

static void mmaps_as_root(void)
{
	fuzz_run(mmap_body, 0xd1b54a32d192ed03ULL);
}

/* Another user: cannot open the device, but holds the fds it was given. */
static void user_child(void *arg)
{
	struct fuzz *f = arg;

	TAP_EXPECT_OK(setgid(NOBODY) || setuid(NOBODY) ? -errno : 0);
	TAP_EXPECT_ERRNO(open(ARENA_DEVICE_PATH, O_RDWR), EACCES);
	fuzz_ioctls(f, USER_CALLS);
	fuzz_mmaps(f, MMAP_CALLS / 3);
}

static void user_body(struct fuzz *f)
{
	EXPECT_EXITED_0(child_run(user_child, f));
}

static void ioctls_as_other_user(void)
{
	fuzz_run(user_body, 0x2545f4914f6cdd1dULL);
}

static const struct tap_test tests[] = {
	{ "fuzz", "ioctls-as-root", ioctls_as_root },
	{ "fuzz", "mmaps-as-root", mmaps_as_root },
	{ "fuzz", "ioctls-as-other-user", ioctls_as_other_user },
};

int main(void)
{
	return tap_run(tests, sizeof(tests) / sizeof(tests[0]));
}
