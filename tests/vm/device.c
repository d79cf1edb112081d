// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/arena itself: the node, ARENA_IOC_VERSION and the extensible-struct
 * rules of include/uapi/arena_kmod.h, unknown commands, and the module
 * reference an open file holds.
 */
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arena_kmod.h>

#include "dev.h"
#include "tap.h"

/* ARENA_IOC_VERSION on a buffer of any size, the size field set to usize. */
static int version_ioctl(void *buf, uint32_t usize)
{
	int fd = open_dev();
	int ret;

	memcpy(buf, &usize, sizeof(usize));
	ret = ioctl(fd, ARENA_IOC_VERSION, buf);
	if (ret < 0)
		ret = -errno;
	close(fd);
	return ret;
}

static void node_is_0660_root(void)
{
	struct stat st = { 0 };

	TAP_EXPECT_OK(stat(ARENA_DEVICE_PATH, &st));
	TAP_EXPECT(S_ISCHR(st.st_mode));
	TAP_EXPECT_EQ(st.st_mode & 07777, 0660);
	TAP_EXPECT_EQ(st.st_uid, 0);
	TAP_EXPECT_EQ(st.st_gid, 0);
}

static void version_reports_abi(void)
{
	struct arena_version ver = { 0 };

	TAP_EXPECT_OK(version_ioctl(&ver, sizeof(ver)));
	TAP_EXPECT_EQ(ver.size, sizeof(ver));
	TAP_EXPECT_EQ(ver.abi_version, ARENA_ABI_VERSION);
	TAP_EXPECT_EQ(ver.page_size, sysconf(_SC_PAGESIZE));
	TAP_EXPECT(memchr(ver.module_version, 0, sizeof(ver.module_version)));
	TAP_EXPECT(ver.module_version[0] != 0);
}

static void version_matches_modinfo(void)
{
	struct arena_version ver = { 0 };
	char sysfs[64] = "";
	FILE *f = fopen("/sys/module/arena_kmod/version", "r");

	TAP_EXPECT(f != NULL);
	if (!f)
		return;
	TAP_EXPECT(fgets(sysfs, sizeof(sysfs), f) != NULL);
	fclose(f);
	sysfs[strcspn(sysfs, "\n")] = 0;
	TAP_EXPECT_OK(version_ioctl(&ver, sizeof(ver)));
	TAP_EXPECT_STREQ(ver.module_version, sysfs);
}

static void version_size_too_small(void)
{
	struct arena_version ver = { 0 };

	TAP_EXPECT_ERRNO(version_ioctl(&ver, ARENA_VERSION_SIZE_VER0 - 1), EINVAL);
	TAP_EXPECT_ERRNO(version_ioctl(&ver, 0), EINVAL);
}

/* A newer user space's larger structure, its unknown tail zero: accepted. */
static void version_size_larger_zero_tail(void)
{
	unsigned char buf[sizeof(struct arena_version) + 64] = { 0 };
	struct arena_version ver;
	size_t i;

	TAP_EXPECT_OK(version_ioctl(buf, sizeof(buf)));
	memcpy(&ver, buf, sizeof(ver));
	TAP_EXPECT_EQ(ver.size, sizeof(ver));
	TAP_EXPECT_EQ(ver.abi_version, ARENA_ABI_VERSION);
	for (i = sizeof(ver); i < sizeof(buf); i++)
		TAP_EXPECT_EQ(buf[i], 0);
}

static void version_size_larger_nonzero_tail(void)
{
	unsigned char buf[sizeof(struct arena_version) + 64] = { 0 };

	buf[sizeof(buf) - 1] = 1;
	TAP_EXPECT_ERRNO(version_ioctl(buf, sizeof(buf)), E2BIG);
}

static void version_size_over_page(void)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *buf = calloc(1, page * 2);

	TAP_EXPECT_ERRNO(version_ioctl(buf, page + 1), E2BIG);
	TAP_EXPECT_ERRNO(version_ioctl(buf, UINT32_MAX), E2BIG);
	free(buf);
}

static void version_flags_rejected(void)
{
	struct arena_version ver = { .flags = 1 };

	TAP_EXPECT_ERRNO(version_ioctl(&ver, sizeof(ver)), EINVAL);
	ver.flags = 0x80000000u;
	TAP_EXPECT_ERRNO(version_ioctl(&ver, sizeof(ver)), EINVAL);
}

/*
 * A structure whose size field is readable but whose body runs into an
 * unmapped page, and a pointer to nothing at all.
 */
static void version_bad_pointer(void)
{
	long page = sysconf(_SC_PAGESIZE);
	unsigned char *map = mmap(NULL, page * 2, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint32_t size = sizeof(struct arena_version);
	unsigned char *edge = map + page - sizeof(size);
	int fd = open_dev();

	TAP_EXPECT(map != MAP_FAILED);
	munmap(map + page, page);
	memcpy(edge, &size, sizeof(size));
	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_VERSION, edge), EFAULT);
	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_VERSION, NULL), EFAULT);
	TAP_EXPECT_ERRNO(ioctl(fd, ARENA_IOC_VERSION, map + page), EFAULT);
	munmap(map, page);
	close(fd);
}

static void unknown_ioctl(void)
{
	struct arena_version ver = { .size = sizeof(ver) };
	int fd = open_dev();

	TAP_EXPECT_ERRNO(ioctl(fd, _IO(ARENA_IOC_MAGIC, 0xff), &ver), ENOTTY);
	TAP_EXPECT_ERRNO(ioctl(fd, _IOWR(ARENA_IOC_MAGIC, 0x00,
					 struct arena_version), &ver), ENOTTY);
	TAP_EXPECT_ERRNO(ioctl(fd, _IO(0xAE, 0x00), &ver), ENOTTY);
	close(fd);
}

static void mmap_refused(void)
{
	int fd = open_dev();
	void *p = mmap(NULL, sysconf(_SC_PAGESIZE), PROT_READ, MAP_SHARED, fd, 0);

	TAP_EXPECT(p == MAP_FAILED);
	TAP_EXPECT_EQ(errno, ENODEV);
	close(fd);
}

/* An open file pins the module: rmmod fails instead of pulling its code. */
static void open_file_pins_module(void)
{
	int fd = open_dev();

	TAP_EXPECT_ERRNO(syscall(SYS_delete_module, "arena_kmod", O_NONBLOCK),
			 EWOULDBLOCK);
	TAP_EXPECT_OK(access("/sys/module/arena_kmod", F_OK));
	close(fd);
}

/* Mode 0660 root:root: a user outside the group is refused. */
static void unprivileged_open_refused(void)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(100);
		if (open(ARENA_DEVICE_PATH, O_RDWR) >= 0)
			_exit(101);
		_exit(errno == EACCES ? 0 : 102);
	}
	TAP_EXPECT(pid > 0);
	TAP_EXPECT_EQ(waitpid(pid, &status, 0), pid);
	TAP_EXPECT(WIFEXITED(status));
	TAP_EXPECT_EQ(WEXITSTATUS(status), 0);
}

static const struct tap_test tests[] = {
	{ "vm", "device-node-0660-root", node_is_0660_root },
	{ "vm", "version-reports-abi", version_reports_abi },
	{ "vm", "version-matches-modinfo", version_matches_modinfo },
	{ "vm", "version-size-too-small", version_size_too_small },
	{ "vm", "version-size-larger-zero-tail", version_size_larger_zero_tail },
	{ "vm", "version-size-larger-nonzero-tail", version_size_larger_nonzero_tail },
	{ "vm", "version-size-over-page", version_size_over_page },
	{ "vm", "version-flags-rejected", version_flags_rejected },
	{ "vm", "version-bad-pointer", version_bad_pointer },
	{ "vm", "unknown-ioctl", unknown_ioctl },
	{ "vm", "mmap-refused", mmap_refused },
	{ "vm", "open-file-pins-module", open_file_pins_module },
	{ "vm", "unprivileged-open-refused", unprivileged_open_refused },
};

TAP_MAIN(tests)
