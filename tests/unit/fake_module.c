// SPDX-License-Identifier: GPL-2.0
/*
 * The fake module of fake_module.h.  A program started with
 * ARENA_FAKE_MODULE=<module version> in its environment has it active
 * from the start, reporting that version: that is how the CLI tests run
 * arenactl against it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "fake_module.h"

#define FAKE_PAGE_SIZE	4096

int __real_ioctl(int fd, unsigned long request, ...);
int __wrap_ioctl(int fd, unsigned long request, ...);

struct fake_module fake;

/* -1 with errno err, as a failed ioctl. */
static int fake_fail(int err)
{
	errno = err;
	return -1;
}

static int fake_create(struct arena_create *req)
{
	int fd;

	fake.create_calls++;
	fake.create = *req;
	if (fake.create_err)
		return fake_fail(fake.create_err);
	fd = memfd_create("fake-arena", MFD_CLOEXEC);
	if (fd < 0)
		return -1;
	if (ftruncate(fd, req->nr_pages * sysconf(_SC_PAGESIZE))) {
		close(fd);
		return fake_fail(ENOMEM);
	}
	fake.info = (struct arena_info){
		.size = sizeof(fake.info),
		.flags = req->flags,
		.nr_pages = req->nr_pages,
		.user_addr = req->user_addr,
	};
	return fd;
}

static int fake_pages(unsigned long request, struct arena_pages *req)
{
	fake.pages_calls++;
	fake.pages_cmd = request;
	fake.pages = *req;
	if (fake.pages_err)
		return fake_fail(fake.pages_err);
	if (request == ARENA_IOC_ALLOC_PAGES)
		req->addr = fake.alloc_addr;
	return 0;
}

/* Value index of the fake array: bytes index, index + 1, ... */
static int fake_array_elem(unsigned long request, struct array_elem *req)
{
	unsigned char *value = (unsigned char *)(uintptr_t)req->value;
	__u32 i;

	if (req->index >= FAKE_ARRAY_ENTRIES)
		return fake_fail(request == ARRAY_IOC_LOOKUP ? ENOENT : E2BIG);
	if (request == ARRAY_IOC_LOOKUP)
		for (i = 0; i < FAKE_ARRAY_VALUE_SIZE; i++)
			value[i] = req->index + i;
	return 0;
}

/* The program of fake_module.h, and its machine code unless jited_eperm. */
static int fake_prog_info(struct prog_info *info)
{
	static const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 42 },
		{ .code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 1, .imm = 2 },
		{ .imm = 1 },
		{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 2, .src_reg = 1, .off = 4 },
		{ .code = BPF_JMP32 | BPF_JEQ | BPF_K, .dst_reg = 2, .off = 1, .imm = -1 },
		{ .code = BPF_STX | BPF_ATOMIC | BPF_DW, .dst_reg = 10, .src_reg = 2,
		  .off = -8, .imm = BPF_ADD | BPF_FETCH },
		{ .code = BPF_JMP | BPF_CALL, .imm = 130 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	static const unsigned char code[] = { 0xf3, 0x0f, 0x1e, 0xfa, 0x55, 0x48, 0x89, 0xe5,
					      0xc3 };

	if (info->xlated)
		memcpy((void *)(uintptr_t)info->xlated, insns,
		       info->xlated_len < sizeof(insns) ? info->xlated_len : sizeof(insns));
	if (info->jited && fake.jited_eperm)
		return fake_fail(EPERM);
	if (info->jited)
		memcpy((void *)(uintptr_t)info->jited, code,
		       info->jited_len < sizeof(code) ? info->jited_len : sizeof(code));
	info->insn_cnt = sizeof(insns) / sizeof(insns[0]);
	info->nr_funcs = 1;
	info->nr_objs = 2;
	info->ctx_size = 4;
	info->jit = PROG_JIT_X86_64;
	info->xlated_len = sizeof(insns);
	info->jited_len = sizeof(code);
	strcpy(info->name, "fake_prog");
	return 0;
}

/* retval: the repeat count; ctx_out: ctx_in, bytes reversed. */
static int fake_prog_run(struct prog_run *req)
{
	const unsigned char *in = (const unsigned char *)(uintptr_t)req->ctx_in;
	unsigned char *out = (unsigned char *)(uintptr_t)req->ctx_out;
	__u32 i;

	if (req->ctx_size_in > req->ctx_size_out)
		return fake_fail(EINVAL);
	memset(out, 0, req->ctx_size_out);
	for (i = 0; i < req->ctx_size_in; i++)
		out[i] = in[req->ctx_size_in - 1 - i];
	req->retval = req->repeat;
	req->duration_ns = 7;
	return 0;
}

int __wrap_ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!fake.active)
		return __real_ioctl(fd, request, arg);
	switch (request) {
	case ARENA_IOC_VERSION:
		fake.calls++;
		fake.request = *(struct arena_version *)arg;
		*(struct arena_version *)arg = fake.reply;
		return 0;
	case ARENA_IOC_CREATE:
		return fake_create(arg);
	case ARENA_IOC_INFO:
		*(struct arena_info *)arg = fake.info;
		return 0;
	case ARENA_IOC_ALLOC_PAGES:
	case ARENA_IOC_FREE_PAGES:
		return fake_pages(request, arg);
	case RINGBUF_IOC_CREATE:
		fake.ring_create_calls++;
		fake.ring_create = *(struct ringbuf_create *)arg;
		return memfd_create("fake-ring", MFD_CLOEXEC);
	case RINGBUF_IOC_QUERY:
		if (!fake.ring_info.size)
			return __real_ioctl(fd, request, arg);
		*(struct ringbuf_info *)arg = fake.ring_info;
		return 0;
	case ARRAY_IOC_LOOKUP:
	case ARRAY_IOC_UPDATE:
		return fake_array_elem(request, arg);
	case PROG_IOC_INFO:
		return fake_prog_info(arg);
	case PROG_IOC_RUN:
		return fake_prog_run(arg);
	default:
		return __real_ioctl(fd, request, arg);
	}
}

void fake_module_start(void)
{
	memset(&fake, 0, sizeof(fake));
	fake.active = true;
	fake.reply = (struct arena_version){
		.size = sizeof(struct arena_version),
		.abi_version = ARENA_ABI_VERSION,
		.page_size = FAKE_PAGE_SIZE,
		.features = 0x5,
		.module_version = "9.8.7",
	};
}

__attribute__((constructor)) static void fake_module_from_env(void)
{
	const char *version = getenv("ARENA_FAKE_MODULE");

	if (!version)
		return;
	fake_module_start();
	strncpy(fake.reply.module_version, version,
		sizeof(fake.reply.module_version) - 1);
	/* Every object kind, so that the CLI's commands all get through. */
	fake.reply.features = ARENA_FEATURE_ARENA | ARENA_FEATURE_RINGBUF |
			      ARENA_FEATURE_ARRAY | ARENA_FEATURE_PROG;
	fake.info = (struct arena_info){
		.size = sizeof(fake.info), .flags = ARENA_F_SEGV_ON_FAULT, .nr_pages = 4,
		.user_addr = 0x100000000ULL, .pages_in_use = 2,
	};
	fake.ring_info = (struct ringbuf_info){
		.size = sizeof(fake.ring_info), .flags = RINGBUF_F_OVERWRITE,
		.data_size = 4096, .consumer_pos = 16, .producer_pos = 48,
		.avail_data = 32,
	};
	fake.jited_eperm = getenv("ARENA_FAKE_EPERM") != NULL;
}
