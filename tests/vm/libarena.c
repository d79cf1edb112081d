// SPDX-License-Identifier: GPL-2.0
/*
 * libarena against the real module: opening /dev/arena with the default
 * options, the version it keeps, and the descriptor's lifetime.
 */
#include <fcntl.h>
#include <unistd.h>

#include "libarena.h"
#include "tap.h"

static struct arena_dev *open_default(void)
{
	struct arena_dev *dev = NULL;
	int err = arena_dev__open(NULL, &dev);

	if (err)
		tap_fail(__FILE__, __LINE__, "arena_dev__open: %s",
			 strerror(-err));
	return dev;
}

static void open_default_opts(void)
{
	LIBARENA_OPTS(arena_dev_opts, opts);
	struct arena_dev *dev = NULL;

	TAP_EXPECT_OK(arena_dev__open(&opts, &dev));
	TAP_EXPECT(dev != NULL);
	arena_dev__close(dev);
	dev = open_default();
	TAP_EXPECT(dev != NULL);
	arena_dev__close(dev);
}

static void version_matches_module(void)
{
	struct arena_dev *dev = open_default();
	struct arena_version ver = { 0 };

	if (!dev)
		return;
	TAP_EXPECT_OK(arena_dev__version(dev, &ver));
	TAP_EXPECT_EQ(ver.abi_version, ARENA_ABI_VERSION);
	TAP_EXPECT_EQ(ver.page_size, sysconf(_SC_PAGESIZE));
	TAP_EXPECT(ver.module_version[0] != 0);
	TAP_EXPECT_STREQ(ver.module_version, libarena_version_string());
	arena_dev__close(dev);
}

/* The device's descriptor is the caller's to use, and close's to release. */
static void fd_cloexec_released_by_close(void)
{
	struct arena_dev *dev = open_default();
	int fd;

	if (!dev)
		return;
	fd = arena_dev__fd(dev);
	TAP_EXPECT_OK(fd);
	TAP_EXPECT_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	TAP_EXPECT_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	arena_dev__close(dev);
	TAP_EXPECT_ERRNO(fcntl(fd, F_GETFD), EBADF);
}

static const struct tap_test tests[] = {
	{ "libarena", "open-default-opts", open_default_opts },
	{ "libarena", "version-matches-module", version_matches_module },
	{ "libarena", "fd-cloexec-released-by-close", fd_cloexec_released_by_close },
};

TAP_MAIN(tests)
