// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * struct arena_map: an arena's file descriptor, its size, and this
 * process's mapping of it, made on demand; and the arithmetic between
 * pointers into that mapping and arena offsets.
 *
 * The module decides the arena's address (at creation, or at its first
 * mapping in any process) and places every later mmap(NULL) there, so the
 * library never picks an address itself.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "internal.h"

struct arena_map {
	int fd;
	__u64 size;	/* nr_pages * page size */
	void *addr;	/* this process's mapping, NULL until arena_map__mmap() */
};

static int arena_info_get(int fd, struct arena_info *info)
{
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	return ioctl(fd, ARENA_IOC_INFO, info) ? -errno : 0;
}

/* A new arena_map owning fd, whose size INFO tells: 0 or -errno. */
static int arena_map_new(int fd, struct arena_map **arenap)
{
	char buf[LIBARENA_ERRSTR_LEN];
	struct arena_info info;
	struct arena_map *arena;
	int err;

	err = arena_info_get(fd, &info);
	if (err) {
		pr_warn("fd %d: ARENA_IOC_INFO: %s\n", fd, libarena_errstr(err, buf));
		/* Any file but one of ours says ENOTTY: not an arena. */
		return err == -ENOTTY ? -EINVAL : err;
	}
	arena = calloc(1, sizeof(*arena));
	if (!arena)
		return -ENOMEM;
	arena->fd = fd;
	arena->size = info.nr_pages * sysconf(_SC_PAGESIZE);
	*arenap = arena;
	return 0;
}

int arena_dev__arena_create(struct arena_dev *dev, __u64 nr_pages,
			    const struct arena_map_opts *opts,
			    struct arena_map **arenap)
{
	struct arena_create req = {
		.size = sizeof(req),
		.nr_pages = nr_pages,
	};
	char buf[LIBARENA_ERRSTR_LEN];
	int fd, err;

	if (!arenap)
		return -EINVAL;
	*arenap = NULL;
	if (!LIBARENA_OPTS_VALID(opts, arena_map_opts))
		return -EINVAL;
	req.flags = LIBARENA_OPTS_GET(opts, flags, 0);
	req.user_addr = LIBARENA_OPTS_GET(opts, user_addr, 0);
	err = arena_dev_has_feature(dev, ARENA_FEATURE_ARENA, "arenas");
	if (err)
		return err;
	fd = ioctl(arena_dev__fd(dev), ARENA_IOC_CREATE, &req);
	if (fd < 0) {
		err = -errno;
		pr_warn("ARENA_IOC_CREATE of %llu pages (flags 0x%x, user_addr 0x%llx): %s\n",
			(unsigned long long)nr_pages, req.flags,
			(unsigned long long)req.user_addr,
			libarena_errstr(err, buf));
		return err;
	}
	err = arena_map_new(fd, arenap);
	if (err)
		close(fd);
	return err;
}

int arena_map__from_fd(int fd, struct arena_map **arenap)
{
	if (!arenap)
		return -EINVAL;
	*arenap = NULL;
	if (fd < 0)
		return -EINVAL;
	return arena_map_new(fd, arenap);
}

int arena_map__mmap(struct arena_map *arena, void **addrp)
{
	char buf[LIBARENA_ERRSTR_LEN];
	void *p;
	int err;

	if (!arena || !addrp)
		return -EINVAL;
	if (!arena->addr) {
		p = mmap(NULL, arena->size, PROT_READ | PROT_WRITE, MAP_SHARED,
			 arena->fd, 0);
		if (p == MAP_FAILED) {
			err = -errno;
			pr_warn("fd %d: mmap of %llu bytes: %s\n", arena->fd,
				(unsigned long long)arena->size,
				libarena_errstr(err, buf));
			return err;
		}
		arena->addr = p;
	}
	*addrp = arena->addr;
	return 0;
}

int arena_map__fd(const struct arena_map *arena)
{
	return arena ? arena->fd : -EINVAL;
}

__u64 arena_map__size(const struct arena_map *arena)
{
	return arena ? arena->size : 0;
}

int arena_map__info(const struct arena_map *arena, struct arena_info *info)
{
	struct arena_info tmp;
	int err;

	if (!arena || !info)
		return -EINVAL;
	/* The caller's structure is left alone on failure. */
	err = arena_info_get(arena->fd, &tmp);
	if (!err)
		*info = tmp;
	return err;
}

/* ALLOC or FREE of nr pages at *addr; *addr is ALLOC's answer. */
static int arena_pages(struct arena_map *arena, unsigned long cmd, __u64 *addr,
		       __u32 nr, int node)
{
	char buf[LIBARENA_ERRSTR_LEN];
	struct arena_pages req = {
		.size = sizeof(req),
		.addr = *addr,
		.nr_pages = nr,
		.node = node,
	};
	int err;

	if (ioctl(arena->fd, cmd, &req)) {
		err = -errno;
		pr_debug("fd %d: %s of %u pages at 0x%llx: %s\n", arena->fd,
			 cmd == ARENA_IOC_ALLOC_PAGES ? "alloc" : "free", nr,
			 (unsigned long long)*addr, libarena_errstr(err, buf));
		return err;
	}
	*addr = req.addr;
	return 0;
}

int arena_map__alloc_pages(struct arena_map *arena, void *addr, __u32 nr,
			   int node, void **pagesp)
{
	__u64 where = (uintptr_t)addr;
	void *base;
	int err;

	if (!arena)
		return -EINVAL;
	err = arena_map__mmap(arena, &base);
	if (!err)
		err = arena_pages(arena, ARENA_IOC_ALLOC_PAGES, &where, nr, node);
	if (!err && pagesp)
		*pagesp = (void *)(uintptr_t)where;
	return err;
}

int arena_map__free_pages(struct arena_map *arena, void *addr, __u32 nr)
{
	__u64 where = (uintptr_t)addr;

	if (!arena || !addr)
		return -EINVAL;
	return arena_pages(arena, ARENA_IOC_FREE_PAGES, &where, nr, -1);
}

int arena_map__pages_present(const struct arena_map *arena, __u64 first_page,
			     __u64 nr_pages, void *bitmap, __u64 *nr_present)
{
	struct arena_pages_present req = {
		.size = sizeof(req),
		.first_page = first_page,
		.nr_pages = nr_pages,
		.bitmap = (uintptr_t)bitmap,
	};
	char buf[LIBARENA_ERRSTR_LEN];
	int err;

	if (!arena || !bitmap)
		return -EINVAL;
	if (ioctl(arena->fd, ARENA_IOC_PAGES_PRESENT, &req)) {
		err = -errno;
		pr_debug("fd %d: presence of %llu pages from page %llu: %s\n", arena->fd,
			 (unsigned long long)nr_pages, (unsigned long long)first_page,
			 libarena_errstr(err, buf));
		return err;
	}
	if (nr_present)
		*nr_present = req.nr_present;
	return 0;
}

int arena_map__offset(const struct arena_map *arena, const void *p, __u32 *offp)
{
	uintptr_t start, ptr = (uintptr_t)p;

	if (!arena || !offp)
		return -EINVAL;
	if (!arena->addr)
		return -ENXIO;
	start = (uintptr_t)arena->addr;
	if (ptr < start || ptr - start >= arena->size)
		return -ERANGE;
	/* An arena is at most 4 GiB: every offset fits. */
	*offp = (__u32)(ptr - start);
	return 0;
}

void *arena_map__ptr(const struct arena_map *arena, __u32 off)
{
	if (!arena || !arena->addr || off >= arena->size)
		return NULL;
	return (char *)arena->addr + off;
}

void arena_map__close(struct arena_map *arena)
{
	if (!arena)
		return;
	if (arena->addr)
		munmap(arena->addr, arena->size);
	close(arena->fd);
	free(arena);
}
