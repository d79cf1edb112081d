// SPDX-License-Identifier: GPL-2.0
/*
 * The JIT in the real module: PROG_IOC_INFO and its dumps (who may read the
 * machine code, what the translated instructions show), compiled arena
 * accesses that fault on purpose, and the code pool: a full pool fails a
 * load with ENOMEM, and thousands of loads and unloads give all their room
 * and exception-table entries back.
 */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/auxv.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <arena_kmod.h>

#include "a64_insns.h"
#include "bpf_isa.h"
#include "dev.h"
#include "prog_text.h"
#include "tap.h"
#include "vmtest.h"

#define ARENA_USER_ADDR	0x7d0000000000ULL
#define ARENA_PAGES	8
/* Loads a pool-filling test may make before it gives up. */
#define POOL_LOADS_MAX	20000
/* Load/unload rounds of the churn test. */
#define CHURN_ROUNDS	3000
/* arm64's AT_HWCAP bit for LSE atomics, for headers of other architectures */
#ifndef HWCAP_ATOMICS
#define HWCAP_ATOMICS	(1UL << 8)
#endif

static bool jit_native(void)
{
	return dev_native_jit() != PROG_JIT_NONE;
}

/* A program with an object reference, a callback and a context. */
static const char info_text[] =
	"mov %r6, %r1\n"
	"ldmapvalue %r1, 0, 8\nldxdw %r2, [%r1+0]\nstxdw [%r6+0], %r2\n"
	"mov %r1, 3\nldfunc %r2, cb\nmov %r3, 0\nmov %r4, 0\ncall 181\n"
	"exit\n"
	"cb:\nmov %r0, 0\nexit";

/* The instructions come back as loaded, references as indices. */
static void info_describes_program(void)
{
	struct bpf_insn *insns, *xlated;
	int array = dev_array_new(0, 16, 1), fd;
	struct prog_info info;
	struct prog_load req;
	uint32_t n;

	insns = assemble(info_text, &n);
	xlated = calloc(n + 1, sizeof(*xlated));
	req = load_req(insns, n);
	req.obj_fds = (uintptr_t)&array;
	req.nr_objs = 1;
	req.ctx_size = 8;
	strcpy(req.name, "info_test");
	fd = load_raw(&req);
	TAP_EXPECT(fd >= 0);
	if (fd < 0 || !xlated)
		goto out;
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.xlated = (uintptr_t)xlated;
	info.xlated_len = (n + 1) * sizeof(*xlated);
	TAP_EXPECT_OK(ioctl(fd, PROG_IOC_INFO, &info) ? -errno : 0);
	TAP_EXPECT_EQ(info.size, sizeof(info));
	TAP_EXPECT_EQ(info.insn_cnt, n);
	TAP_EXPECT_EQ(info.nr_funcs, 2);
	TAP_EXPECT_EQ(info.nr_objs, 1);
	TAP_EXPECT_EQ(info.ctx_size, 8);
	TAP_EXPECT_EQ(info.jit, dev_native_jit());
	TAP_EXPECT_EQ(!!info.jited_len, jit_native());
	TAP_EXPECT_STREQ(info.name, "info_test");
	TAP_EXPECT_EQ(info.xlated_len, n * sizeof(*xlated));
	TAP_EXPECT(!memcmp(xlated, insns, n * sizeof(*xlated)));

	/* A short buffer gets what fits; the length says what all needs. */
	memset(xlated, 0xa5, (n + 1) * sizeof(*xlated));
	info.xlated_len = 12;
	TAP_EXPECT_OK(ioctl(fd, PROG_IOC_INFO, &info) ? -errno : 0);
	TAP_EXPECT_EQ(info.xlated_len, n * sizeof(*xlated));
	TAP_EXPECT(!memcmp(xlated, insns, 12));
	TAP_EXPECT_EQ(((uint8_t *)xlated)[12], 0xa5);
	close(fd);
out:
	close(array);
	free(xlated);
	free(insns);
}

static void info_bad_args(void)
{
	int array = dev_array_new(0, 8, 1);
	int fd = load_must("mov %r0, 1\nexit", NULL, 0, 0);
	struct prog_info info;

	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.flags = 1;
	TAP_EXPECT_ERRNO(ioctl(fd, PROG_IOC_INFO, &info), EINVAL);
	info.flags = 0;
	info.reserved = 1;
	TAP_EXPECT_ERRNO(ioctl(fd, PROG_IOC_INFO, &info), EINVAL);
	info.reserved = 0;
	info.size = PROG_INFO_SIZE_VER0 - 8;
	TAP_EXPECT_ERRNO(ioctl(fd, PROG_IOC_INFO, &info), EINVAL);
	info.size = sizeof(info);
	info.xlated = 8;
	info.xlated_len = 8;
	TAP_EXPECT_ERRNO(ioctl(fd, PROG_IOC_INFO, &info), EFAULT);
	info.xlated = 0;
	TAP_EXPECT_ERRNO(ioctl(fd, PROG_IOC_INFO, NULL), EFAULT);
	TAP_EXPECT_ERRNO(ioctl(array, PROG_IOC_INFO, &info), ENOTTY);
	close(fd);
	close(array);
}

/* An arena: ARENA_PAGES pages at ARENA_USER_ADDR, mapped here. */
static int arena_new(void **mem)
{
	struct arena_create req = { .size = sizeof(req), .nr_pages = ARENA_PAGES,
				    .user_addr = ARENA_USER_ADDR };
	int arena = dev_ioctl(ARENA_IOC_CREATE, &req);

	*mem = mmap((void *)(uintptr_t)req.user_addr, ARENA_PAGES * sysconf(_SC_PAGESIZE),
		    PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED_NOREPLACE, arena, 0);
	TAP_EXPECT(*mem == (void *)(uintptr_t)req.user_addr);
	return arena;
}

static void arena_free(int arena, void *mem)
{
	if (mem != MAP_FAILED)
		munmap(mem, ARENA_PAGES * sysconf(_SC_PAGESIZE));
	close(arena);
}

/* Arena accesses show as the verifier marked them: PROBE_MEM32. */
static void info_shows_arena_rewrites(void)
{
	static const char text[] = "ldmap %r2, 0\nmov %r1, 0\naddr_space_cast %r1, %r1, 0, 1\n"
				   "ldxdw %r0, [%r1+0]\nexit";
	struct bpf_insn *insns, xlated[8];
	struct prog_info info;
	void *mem;
	int arena = arena_new(&mem), fd;
	uint32_t n;

	insns = assemble(text, &n);
	fd = load_must(text, &arena, 1, 0);
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.xlated = (uintptr_t)xlated;
	info.xlated_len = sizeof(xlated);
	if (fd >= 0 && insns && n == 5) {
		TAP_EXPECT_OK(ioctl(fd, PROG_IOC_INFO, &info) ? -errno : 0);
		TAP_EXPECT(!memcmp(xlated, insns, 4 * sizeof(*insns)));
		TAP_EXPECT_EQ(xlated[4].code, BPF_LDX | ISA_PROBE_MEM32 | BPF_DW);
		TAP_EXPECT_EQ(xlated[0].src_reg, BPF_PSEUDO_MAP_IDX);
	}
	close(fd);
	free(insns);
	arena_free(arena, mem);
}

struct dump_check {
	int prog_fd;
	uint32_t jited_len;
};

/* Without CAP_SYS_ADMIN: the length, never the code. */
static void dump_unprivileged(void *arg)
{
	const struct dump_check *c = arg;
	uint8_t code[64];
	struct prog_info info;

	TAP_EXPECT_OK(setuid(65534));
	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.jited = (uintptr_t)code;
	info.jited_len = sizeof(code);
	TAP_EXPECT_ERRNO(ioctl(c->prog_fd, PROG_IOC_INFO, &info), EPERM);
	info.jited = 0;
	TAP_EXPECT_OK(ioctl(c->prog_fd, PROG_IOC_INFO, &info) ? -errno : 0);
	TAP_EXPECT_EQ(info.jited_len, c->jited_len);
}

/* The program's machine code, *len bytes, or NULL when it has none. */
static uint8_t *jited_code(int fd, uint32_t *len)
{
	struct prog_info info;
	uint8_t *code;

	if (dev_prog_info(fd, &info) || !info.jited_len)
		return NULL;
	code = calloc(1, info.jited_len);
	info.jited = (uintptr_t)code;
	if (!code || ioctl(fd, PROG_IOC_INFO, &info)) {
		free(code);
		return NULL;
	}
	*len = info.jited_len;
	return code;
}

/* Root reads the machine code, the same twice; others only its length. */
static void jited_dump(void)
{
	int fd = load_must("mov %r0, 7\nadd %r0, %r1\nexit", NULL, 0, 0);
	struct dump_check check = { .prog_fd = fd };
	struct prog_info info;
	uint32_t len_b = 0;
	uint8_t *a, *b;

	TAP_EXPECT_OK(dev_prog_info(fd, &info));
	if (!jit_native()) {
		TAP_EXPECT_EQ(info.jited_len, 0);
		close(fd);
		return;
	}
	TAP_EXPECT(info.jited_len > 0 && info.jited_len < 4096);
	a = jited_code(fd, &check.jited_len);
	b = jited_code(fd, &len_b);
	TAP_EXPECT(a && b);
	if (a && b) {
		TAP_EXPECT_EQ(check.jited_len, info.jited_len);
		TAP_EXPECT_EQ(len_b, info.jited_len);
		TAP_EXPECT(!memcmp(a, b, check.jited_len));
	}
	/* x86-64: ends in ret or a jmp rel32 to the return thunk, then int3. */
	if (a && dev_native_jit() == PROG_JIT_X86_64 && check.jited_len > 6) {
		TAP_EXPECT_EQ(a[check.jited_len - 1], 0xcc);
		TAP_EXPECT(a[check.jited_len - 2] == 0xc3 || a[check.jited_len - 6] == 0xe9);
	}
	EXPECT_EXITED_0(child_run(dump_unprivileged, &check));
	free(a);
	free(b);
	close(fd);
}

/*
 * arm64 atomics follow the CPU: one LSE instruction each where it has them
 * (HWCAP_ATOMICS), a load-exclusive loop elsewhere; 6.1-arm64 boots a
 * Cortex-A57, which has none, 6.12-arm64 QEMU's max CPU, which has them.
 */
static void arm64_atomics_follow_cpu(void)
{
	int fd = load_must("stdw [%r10-8], 1\nmov %r2, 3\nlock add [%r10-8], %r2\n"
			   "lock fetch xor [%r10-8], %r2\nmov %r0, 0\nexit", NULL, 0, 0);
	bool lse = getauxval(AT_HWCAP) & HWCAP_ATOMICS;
	uint32_t len = 0;
	uint8_t *code;

	if (dev_native_jit() != PROG_JIT_ARM64) {
		close(fd);
		return;
	}
	code = jited_code(fd, &len);
	TAP_EXPECT(code != NULL);
	if (code) {
		TAP_EXPECT_EQ(a64_count_in(code, len, A64_LSE_MASK, A64_LSE_OP), lse ? 2 : 0);
		TAP_EXPECT_EQ(a64_count_in(code, len, A64_LDXR_MASK, A64_LDXR), lse ? 0 : 2);
		printf("# %s\n", lse ? "LSE atomics" : "load-exclusive loops");
	}
	free(code);
	close(fd);
}

/*
 * Compiled accesses to absent pages, every kind: loads read 0 (sign
 * extension too), stores are dropped, atomics fetch 0; misaligned atomics
 * on a present page behave the same.  The kernel log must stay clean.
 */
static void arena_faults_compiled(void)
{
	long psz = sysconf(_SC_PAGESIZE);
	struct prog_info info;
	char text[1024];
	uint8_t *page1;
	void *mem;
	int arena = arena_new(&mem), fd;

	if (mem == MAP_FAILED) {
		close(arena);
		return;
	}
	page1 = (uint8_t *)mem + psz;
	page1[0] = 1;		/* faults page 1 in */
	/* r1 = page 1 (present), r2 = page 3 (absent) */
	snprintf(text, sizeof(text),
		 "mov %%r1, %ld\naddr_space_cast %%r1, %%r1, 0, 1\n"
		 "mov %%r2, %%r1\nadd %%r2, %ld\n"
		 "mov %%r3, 0x55\nstxdw [%%r2+8], %%r3\nstdw [%%r2+16], 9\n"
		 "ldxdw %%r0, [%%r2+8]\nldxdw %%r4, [%%r2+16]\nor %%r0, %%r4\n"
		 "ldxsw %%r4, [%%r2+0]\nor %%r0, %%r4\n"
		 "mov %%r5, 3\nlock fetch add [%%r2+24], %%r5\nor %%r0, %%r5\n"
		 "mov %%r5, 3\nlock fetch add [%%r1+12], %%r5\nor %%r0, %%r5\n"
		 "mov %%r5, 0xfff\nstxdw [%%r1+0], %%r5\nldxdw %%r4, [%%r1+0]\nadd %%r0, %%r4\n"
		 "exit", psz, 2 * psz);
	fd = load_must(text, &arena, 1, 0);
	TAP_EXPECT_OK(dev_prog_info(fd, &info));
	TAP_EXPECT_EQ(info.jit, dev_native_jit());
	TAP_EXPECT_EQ(run_ctx(fd, NULL, 0), 0xfff);
	TAP_EXPECT(!memcmp(page1 + 8, "\0\0\0\0\0\0\0\0\0\0\0\0", 12));
	close(fd);
	arena_free(arena, mem);
}

/* Loads the churn program until the load fails: how many, or -1. */
static int pool_fill(int *fds, int arena)
{
	static char text[64 * 1024];
	int n, err, i;
	size_t len;

	/* ~100 arena stores: code and exception-table entries. */
	len = snprintf(text, sizeof(text), "mov %%r1, %%r1\naddr_space_cast %%r1, %%r1, 0, 1\n");
	for (i = 0; i < 100; i++)
		len += snprintf(text + len, sizeof(text) - len, "stdw [%%r1+%d], %d\n", i * 8, i);
	snprintf(text + len, sizeof(text) - len, "mov %%r0, 0\nexit");
	for (n = 0; n < POOL_LOADS_MAX; n++) {
		fds[n] = load_text(text, &arena, 1, 0);
		if (fds[n] < 0)
			break;
	}
	err = n < POOL_LOADS_MAX ? fds[n] : 0;
	if (err != -ENOMEM || !strstr(log_buf, "JIT: no room left")) {
		tap_fail(__FILE__, __LINE__, "after %d loads: %s (%s)", n, strerror(-err),
			 log_buf);
		n = -1;
	}
	return n;
}

static void pool_close(int *fds, int n)
{
	while (n-- > 0)
		close(fds[n]);
}

/* The pool's room comes back after an RCU grace period: wait for it. */
static int pool_fill_again(int *fds, int arena, int expected)
{
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	int n = -1, tries;

	for (tries = 0; tries < 40; tries++) {
		n = pool_fill(fds, arena);
		if (n == expected || n < 0)
			break;
		pool_close(fds, n);
		nanosleep(&pause, NULL);
	}
	return n;
}

/*
 * A full pool fails a load with ENOMEM and a log line; thousands of loads
 * and unloads later the same number of programs fit again.
 */
static void pool_exhaustion_and_churn(void)
{
	struct rlimit nofile = { POOL_LOADS_MAX + 64, POOL_LOADS_MAX + 64 };
	int *fds = calloc(POOL_LOADS_MAX + 1, sizeof(*fds));
	int arena, first, again, i, fd;
	void *mem;

	if (!jit_native() || !fds) {
		free(fds);
		return;
	}
	TAP_EXPECT_OK(setrlimit(RLIMIT_NOFILE, &nofile) ? -errno : 0);
	arena = arena_new(&mem);
	first = pool_fill(fds, arena);
	TAP_EXPECT(first > 10);
	pool_close(fds, first);
	for (i = 0; i < CHURN_ROUNDS; i++) {
		fd = load_must("mov %r1, %r1\naddr_space_cast %r1, %r1, 0, 1\n"
			       "ldxdw %r0, [%r1+0]\nexit", &arena, 1, 0);
		if (fd < 0)
			break;
		close(fd);
	}
	again = pool_fill_again(fds, arena, first);
	TAP_EXPECT_EQ(again, first);
	pool_close(fds, again);
	arena_free(arena, mem);
	free(fds);
}

static const struct tap_test tests[] = {
	{ "jit", "info-describes-program", info_describes_program },
	{ "jit", "info-bad-args", info_bad_args },
	{ "jit", "info-shows-arena-rewrites", info_shows_arena_rewrites },
	{ "jit", "jited-dump", jited_dump },
	{ "jit", "arm64-atomics-follow-cpu", arm64_atomics_follow_cpu },
	{ "jit", "arena-faults-compiled", arena_faults_compiled },
	{ "jit", "pool-exhaustion-and-churn", pool_exhaustion_and_churn },
};

int main(void)
{
	return tap_run(tests, sizeof(tests) / sizeof(tests[0]));
}
