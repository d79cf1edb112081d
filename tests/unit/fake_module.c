// SPDX-License-Identifier: GPL-2.0
/*
 * The fake module of fake_module.h.  A program started with
 * ARENA_FAKE_MODULE=<module version> in its environment has it active
 * from the start, reporting that version: that is how the CLI tests run
 * arenactl against it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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
	if (fake.nr_progs == FAKE_PROGS_MAX || req->nr_objs > PROG_OBJS_MAX)
		return fake_fail(E2BIG);
	prog = &fake.progs[fake.nr_progs++];
	prog->req = *req;
	prog->insns = malloc(req->insn_cnt * sizeof(*prog->insns));
	if (!prog->insns)
		return fake_fail(ENOMEM);
	memcpy(prog->insns, (void *)(unsigned long)req->insns,
	       req->insn_cnt * sizeof(*prog->insns));
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
	case ARRAY_IOC_UPDATE:
		return fake_array_update(fd, arg);
	case PROG_IOC_LOAD:
		return fake_prog_load(arg);
	case PROG_IOC_RUN:
		if (!fake.prog_run_hook)
			return __real_ioctl(fd, request, arg);
		err = fake.prog_run_hook(fd, arg);
		return err ? fake_fail(err) : 0;
	default:
		return __real_ioctl(fd, request, arg);
	}
}

void fake_module_start(void)
{
	int i;

	for (i = 0; i < fake.nr_progs; i++)
		free(fake.progs[i].insns);
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
}
