// SPDX-License-Identifier: GPL-2.0
/*
 * Arrays against the real module: ARRAY_IOC_CREATE and its argument rules,
 * lookup and update with their errors, and mmap of ARRAY_F_MMAPABLE arrays
 * sharing one set of values with the ioctls.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <arena_kmod.h>

#include "dev.h"
#include "tap.h"
#include "vmtest.h"

static uint64_t psz(void)
{
	return sysconf(_SC_PAGESIZE);
}

static int array_new(uint32_t flags, uint32_t value_size, uint32_t max_entries)
{
	struct array_create req = {
		.size = sizeof(req),
		.flags = flags,
		.value_size = value_size,
		.max_entries = max_entries,
	};

	return dev_ioctl(ARRAY_IOC_CREATE, &req);
}

static int elem(int fd, unsigned long cmd, uint32_t index, void *value)
{
	struct array_elem req = {
		.size = sizeof(req),
		.index = index,
		.value = (uintptr_t)value,
	};

	return ioctl(fd, cmd, &req) ? -errno : 0;
}

static void version_feature_array(void)
{
	expect_feature(ARENA_FEATURE_ARRAY);
}

static void create_returns_cloexec_fd(void)
{
	int fd = array_new(0, 4, 1);

	TAP_EXPECT_OK(fd);
	if (fd >= 0) {
		TAP_EXPECT_EQ(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
		close(fd);
	}
}

static void create_bad_args(void)
{
	TAP_EXPECT_ERRNO(array_new(0, 0, 1), EINVAL);
	TAP_EXPECT_ERRNO(array_new(0, 4, 0), EINVAL);
	TAP_EXPECT_ERRNO(array_new(1U << 31, 4, 1), EINVAL);
	TAP_EXPECT_ERRNO(array_new(0, ARRAY_VALUE_MAX + 1, 1), E2BIG);
	/* 8-byte stride times entries past 4 GiB, and a u32 product overflow. */
	TAP_EXPECT_ERRNO(array_new(0, 8, (1U << 29) + 1), E2BIG);
	TAP_EXPECT_ERRNO(array_new(0, ARRAY_VALUE_MAX, UINT32_MAX), E2BIG);
}

static void create_unknown_tail(void)
{
	struct {
		struct array_create req;
		uint64_t tail;
	} big = {
		.req = { .size = sizeof(big), .value_size = 4, .max_entries = 1 },
		.tail = 1,
	};
	int dev = open_dev(), fd;

	TAP_EXPECT_ERRNO(ioctl(dev, ARRAY_IOC_CREATE, &big), E2BIG);
	big.tail = 0;
	big.req.size = sizeof(big);
	fd = ioctl(dev, ARRAY_IOC_CREATE, &big);
	TAP_EXPECT_OK(fd);
	if (fd >= 0)
		close(fd);
	close(dev);
}

static void lookup_update_roundtrip(void)
{
	int fd = array_new(0, 12, 3);
	uint8_t in[12], out[12];
	uint32_t i;

	TAP_EXPECT_OK(fd);
	for (i = 0; i < 3; i++) {
		memset(out, 0xff, sizeof(out));
		TAP_EXPECT_OK(elem(fd, ARRAY_IOC_LOOKUP, i, out));
		TAP_EXPECT_EQ(out[0] | out[11], 0);
		memset(in, 0x10 + i, sizeof(in));
		TAP_EXPECT_OK(elem(fd, ARRAY_IOC_UPDATE, i, in));
	}
	for (i = 0; i < 3; i++) {
		TAP_EXPECT_OK(elem(fd, ARRAY_IOC_LOOKUP, i, out));
		TAP_EXPECT_EQ(out[0], 0x10 + i);
		TAP_EXPECT_EQ(out[11], 0x10 + i);
	}
	close(fd);
}

static void elem_errors(void)
{
	struct array_elem req = { .size = sizeof(req) };
	int fd = array_new(0, 8, 2);
	uint64_t v = 0;

	TAP_EXPECT_ERRNO(elem(fd, ARRAY_IOC_LOOKUP, 2, &v), ENOENT);
	TAP_EXPECT_ERRNO(elem(fd, ARRAY_IOC_UPDATE, 2, &v), E2BIG);
	TAP_EXPECT_ERRNO(elem(fd, ARRAY_IOC_LOOKUP, 0, NULL), EFAULT);
	TAP_EXPECT_ERRNO(elem(fd, ARRAY_IOC_UPDATE, 0, (void *)8), EFAULT);
	req.value = (uintptr_t)&v;
	req.flags = 1;
	TAP_EXPECT_ERRNO(ioctl(fd, ARRAY_IOC_LOOKUP, &req), EINVAL);
	req.flags = 0;
	req.reserved = 1;
	TAP_EXPECT_ERRNO(ioctl(fd, ARRAY_IOC_UPDATE, &req), EINVAL);
	req.reserved = 0;
	req.size = ARRAY_ELEM_SIZE_VER0 - 1;
	TAP_EXPECT_ERRNO(ioctl(fd, ARRAY_IOC_LOOKUP, &req), EINVAL);
	/* Other objects' commands are not an array's, and the reverse. */
	TAP_EXPECT_ERRNO(ioctl(fd, RINGBUF_IOC_QUERY, &req), ENOTTY);
	close(fd);
}

static void mmap_shares_values(void)
{
	int fd = array_new(ARRAY_F_MMAPABLE, 4, 1000);
	uint32_t v = 0, *values;

	values = mmap(NULL, 8 * 1000, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	TAP_EXPECT(values != MAP_FAILED);
	if (values == MAP_FAILED)
		goto out;
	/* Stride 8: value i at byte 8 * i. */
	values[2 * 999] = 0xabcd;
	TAP_EXPECT_OK(elem(fd, ARRAY_IOC_LOOKUP, 999, &v));
	TAP_EXPECT_EQ(v, 0xabcd);
	v = 77;
	TAP_EXPECT_OK(elem(fd, ARRAY_IOC_UPDATE, 5, &v));
	TAP_EXPECT_EQ(values[10], 77);
	munmap(values, 8 * 1000);
out:
	close(fd);
}

static void mmap_rules(void)
{
	int plain = array_new(0, 8, 4);
	int mm = array_new(ARRAY_F_MMAPABLE, 8, 4);

	EXPECT_MMAP_FAILS(mmap(NULL, psz(), PROT_READ, MAP_SHARED, plain, 0), psz(), ENODEV);
	EXPECT_MMAP_FAILS(mmap(NULL, psz(), PROT_READ, MAP_PRIVATE, mm, 0), psz(), EINVAL);
	/* Past the values' one page, at either end. */
	EXPECT_MMAP_FAILS(mmap(NULL, 2 * psz(), PROT_READ, MAP_SHARED, mm, 0), 2 * psz(),
			  EINVAL);
	EXPECT_MMAP_FAILS(mmap(NULL, psz(), PROT_READ, MAP_SHARED, mm, psz()), psz(),
			  EINVAL);
	close(plain);
	close(mm);
}

static void mremap_grow_refused(void)
{
	int fd = array_new(ARRAY_F_MMAPABLE, 8, 4);
	void *m = mmap(NULL, psz(), PROT_READ, MAP_SHARED, fd, 0), *g;

	TAP_EXPECT(m != MAP_FAILED);
	g = mremap(m, psz(), 2 * psz(), MREMAP_MAYMOVE);
	TAP_EXPECT(g == MAP_FAILED);
	munmap(g == MAP_FAILED ? m : g, g == MAP_FAILED ? psz() : 2 * psz());
	close(fd);
}

/* A mapping keeps the array: its values survive the fd's close. */
static void mapping_outlives_fd(void)
{
	int fd = array_new(ARRAY_F_MMAPABLE, 8, 1);
	uint64_t *v = mmap(NULL, psz(), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	TAP_EXPECT(v != MAP_FAILED);
	close(fd);
	if (v == MAP_FAILED)
		return;
	v[0] = 42;
	TAP_EXPECT_EQ(v[0], 42);
	munmap(v, psz());
}

static void refcnt_back_to_baseline(void)
{
	long long before = read_sysfs(REFCNT_PATH);
	int fd = array_new(ARRAY_F_MMAPABLE, 8, 1);

	TAP_EXPECT_EQ(read_sysfs(REFCNT_PATH), before + 1);
	close(fd);
	TAP_EXPECT_EQ(read_sysfs(REFCNT_PATH), before);
}

static const struct tap_test tests[] = {
	{ "array", "version-feature-array", version_feature_array },
	{ "array", "create-returns-cloexec-fd", create_returns_cloexec_fd },
	{ "array", "create-bad-args", create_bad_args },
	{ "array", "create-unknown-tail", create_unknown_tail },
	{ "array", "lookup-update-roundtrip", lookup_update_roundtrip },
	{ "array", "elem-errors", elem_errors },
	{ "array", "mmap-shares-values", mmap_shares_values },
	{ "array", "mmap-rules", mmap_rules },
	{ "array", "mremap-grow-refused", mremap_grow_refused },
	{ "array", "mapping-outlives-fd", mapping_outlives_fd },
	{ "array", "refcnt-back-to-baseline", refcnt_back_to_baseline },
};

TAP_MAIN(tests)
