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
#include <sys/stat.h>
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

/* Keeps what made fd (when it is one), for fake_object_of(). */
static int fake_object_add(int fd, unsigned long cmd, const void *req, size_t size)
{
	struct fake_object *obj;

	if (fd < 0 || fake.nr_objects == FAKE_OBJECTS_MAX)
		return fd;
	obj = &fake.objects[fake.nr_objects++];
	obj->fd = fd;
	obj->cmd = cmd;
	memcpy(&obj->arena, req, size);
	return fd;
}

const struct fake_object *fake_object_of(int fd)
{
	int i;

	for (i = fake.nr_objects - 1; i >= 0; i--)
		if (fake.objects[i].fd == fd)
			return &fake.objects[i];
	return NULL;
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
	return fake_object_add(fd, ARENA_IOC_CREATE, req, sizeof(*req));
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

/* Bits of fake.present, checked as the module checks the request. */
static int fake_pages_present(struct arena_pages_present *req)
{
	unsigned char *bitmap = (unsigned char *)(uintptr_t)req->bitmap;
	__u64 i, page;

	fake.present_calls++;
	fake.present_req = *req;
	if (req->flags || !req->nr_pages)
		return fake_fail(EINVAL);
	if (req->first_page >= fake.info.nr_pages ||
	    req->nr_pages > fake.info.nr_pages - req->first_page)
		return fake_fail(ERANGE);
	memset(bitmap, 0, (req->nr_pages + 7) / 8);
	req->nr_present = 0;
	for (i = 0; i < req->nr_pages; i++) {
		page = req->first_page + i;
		if (page < 64 && (fake.present >> page & 1)) {
			bitmap[i / 8] |= 1U << (i % 8);
			req->nr_present++;
		}
	}
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
	if (out)
		memset(out, 0, req->ctx_size_out);
	for (i = 0; i < req->ctx_size_in; i++)
		out[i] = in[req->ctx_size_in - 1 - i];
	req->retval = req->repeat;
	req->duration_ns = 7;
	return 0;
}

/* An array's values live in a memfd, value i at i * round_up(value_size, 8). */
static int fake_array_create(struct array_create *req)
{
	__u64 stride = (req->value_size + 7) & ~7ULL;
	int fd;

	fake.array_create_calls++;
	fake.array_create = *req;
	fd = memfd_create("fake-array", MFD_CLOEXEC);
	if (fd >= 0 && ftruncate(fd, stride * req->max_entries)) {
		close(fd);
		return fake_fail(ENOMEM);
	}
	return fake_object_add(fd, ARRAY_IOC_CREATE, req, sizeof(*req));
}

static int fake_array_update(int fd, struct array_elem *req)
{
	const struct fake_object *obj = fake_object_of(fd);
	struct stat st;
	__u64 value_size;

	if (!obj || obj->cmd != ARRAY_IOC_CREATE)
		return fake_fail(EINVAL);
	value_size = obj->array.value_size;

	if (fstat(fd, &st) || (req->index + 1) * ((value_size + 7) & ~7ULL) > (__u64)st.st_size)
		return fake_fail(E2BIG);
	if (pwrite(fd, (void *)(unsigned long)req->value, value_size,
		   req->index * ((value_size + 7) & ~7ULL)) != (ssize_t)value_size)
		return -1;
	return 0;
}

static int fake_prog_load(struct prog_load *req)
{
	struct fake_prog_load *prog;
	int fd, err;

	if (fake.prog_load_err)
		return fake_fail(fake.prog_load_err);
	if (req->size != PROG_LOAD_SIZE_VER0 && req->size != PROG_LOAD_SIZE_VER1)
		return fake_fail(EINVAL);
	if (fake.nr_progs == FAKE_PROGS_MAX || req->nr_objs > PROG_OBJS_MAX)
		return fake_fail(E2BIG);
	prog = &fake.progs[fake.nr_progs++];
	memcpy(&prog->req, req, req->size);
	if (prog->req.nr_global_funcs > PROG_GLOBAL_FUNCS_MAX)
		return fake_fail(E2BIG);
	prog->insns = malloc(req->insn_cnt * sizeof(*prog->insns));
	prog->global_funcs = malloc(prog->req.nr_global_funcs * sizeof(*prog->global_funcs) + 1);
	if (!prog->insns || !prog->global_funcs)
		return fake_fail(ENOMEM);
	if (prog->req.nr_global_funcs)
		memcpy(prog->global_funcs, (void *)(unsigned long)prog->req.global_funcs,
		       prog->req.nr_global_funcs * sizeof(*prog->global_funcs));
	memcpy(prog->insns, (void *)(unsigned long)req->insns,
	       req->insn_cnt * sizeof(*prog->insns));
	if (req->nr_objs)
		memcpy(prog->obj_fds, (void *)(unsigned long)req->obj_fds,
		       req->nr_objs * sizeof(prog->obj_fds[0]));
	strncpy(prog->license, (const char *)(unsigned long)req->license,
		sizeof(prog->license) - 1);
	fd = memfd_create("fake-prog", MFD_CLOEXEC);
	err = fd >= 0 && fake.prog_load_hook ? fake.prog_load_hook(prog, fd) : 0;
	if (err) {
		close(fd);
		return fake_fail(err);
	}
	return fd;
}

int __wrap_ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;
	int err;

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
	case ARENA_IOC_PAGES_PRESENT:
		return fake_pages_present(arg);
	case RINGBUF_IOC_CREATE:
		fake.ring_create_calls++;
		fake.ring_create = *(struct ringbuf_create *)arg;
		return fake_object_add(memfd_create("fake-ring", MFD_CLOEXEC), request, arg,
				       sizeof(fake.ring_create));
	case RINGBUF_IOC_QUERY:
		if (!fake.ring_info.size)
			return __real_ioctl(fd, request, arg);
		*(struct ringbuf_info *)arg = fake.ring_info;
		return 0;
	case ARRAY_IOC_CREATE:
		return fake_array_create(arg);
	case ARRAY_IOC_LOOKUP:
		return fake_array_elem(request, arg);
	case ARRAY_IOC_UPDATE:
		/* The arrays the fake made hold values; any other fd is the CLI's. */
		if (fake_object_of(fd))
			return fake_array_update(fd, arg);
		return fake_array_elem(request, arg);
	case PROG_IOC_LOAD:
		return fake_prog_load(arg);
	case PROG_IOC_INFO:
		return fake_prog_info(arg);
	case PROG_IOC_RUN:
		if (!fake.prog_run_hook)
			return fake_prog_run(arg);
		err = fake.prog_run_hook(fd, arg);
		return err ? fake_fail(err) : 0;
	default:
		return __real_ioctl(fd, request, arg);
	}
}

void fake_module_start(void)
{
	int i;

	for (i = 0; i < fake.nr_progs; i++) {
		free(fake.progs[i].insns);
		free(fake.progs[i].global_funcs);
	}
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
			      ARENA_FEATURE_ARRAY | ARENA_FEATURE_PROG |
			      ARENA_FEATURE_PROG_GLOBALS;
	fake.info = (struct arena_info){
		.size = sizeof(fake.info), .flags = ARENA_F_SEGV_ON_FAULT, .nr_pages = 4,
		.user_addr = 0x100000000ULL, .pages_in_use = 2,
	};
	fake.present = 0xa;
	fake.ring_info = (struct ringbuf_info){
		.size = sizeof(fake.ring_info), .flags = RINGBUF_F_OVERWRITE,
		.data_size = 4096, .consumer_pos = 16, .producer_pos = 48,
		.avail_data = 32,
	};
	fake.jited_eperm = getenv("ARENA_FAKE_EPERM") != NULL;
}
