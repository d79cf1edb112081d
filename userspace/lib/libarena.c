// SPDX-License-Identifier: LGPL-2.1 OR BSD-2-Clause
/*
 * struct arena_dev: an open /dev/arena and the version its module
 * announced when it was opened.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"

struct arena_dev {
	int fd;
	struct arena_version ver;
};

/* Opens path and makes sure it is a character device: 0 or -errno. */
static int dev_open_fd(struct arena_dev *dev, const char *path)
{
	char buf[LIBARENA_ERRSTR_LEN];
	struct stat st;
	int err;

	dev->fd = open(path, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0) {
		err = -errno;
		pr_warn("open %s: %s\n", path, libarena_errstr(err, buf));
		return err;
	}
	if (fstat(dev->fd, &st)) {
		err = -errno;
		pr_warn("stat %s: %s\n", path, libarena_errstr(err, buf));
		return err;
	}
	if (!S_ISCHR(st.st_mode)) {
		pr_warn("%s is not a character device\n", path);
		return -ENODEV;
	}
	return 0;
}

/*
 * Asks the module which ABI it speaks and keeps the answer: 0, or -EPROTO
 * for a module this library cannot talk to.
 */
static int dev_query_version(struct arena_dev *dev, const char *path)
{
	struct arena_version *ver = &dev->ver;
	char buf[LIBARENA_ERRSTR_LEN];
	int err;

	memset(ver, 0, sizeof(*ver));
	ver->size = sizeof(*ver);
	if (ioctl(dev->fd, ARENA_IOC_VERSION, ver)) {
		err = -errno;
		pr_warn("%s: ARENA_IOC_VERSION: %s\n", path,
			libarena_errstr(err, buf));
		return err;
	}
	if (ver->size < ARENA_VERSION_SIZE_VER0) {
		pr_warn("%s: the module answered %u bytes of version, expected at least %u\n",
			path, ver->size, ARENA_VERSION_SIZE_VER0);
		return -EPROTO;
	}
	/* Printed by callers as a string: it must end, whatever the module sent. */
	ver->module_version[sizeof(ver->module_version) - 1] = 0;
	if (ver->abi_version != ARENA_ABI_VERSION) {
		pr_warn("%s: the module speaks ABI %u (version %s), this library ABI %u (version %s)\n",
			path, ver->abi_version, ver->module_version,
			ARENA_ABI_VERSION, LIBARENA_VERSION);
		return -EPROTO;
	}
	pr_debug("%s: ABI %u, module version %s, features 0x%llx\n", path,
		 ver->abi_version, ver->module_version,
		 (unsigned long long)ver->features);
	return 0;
}

int arena_dev__open(const struct arena_dev_opts *opts, struct arena_dev **devp)
{
	const char *path;
	struct arena_dev *dev;
	int err;

	if (!devp)
		return -EINVAL;
	*devp = NULL;
	if (!LIBARENA_OPTS_VALID(opts, arena_dev_opts))
		return -EINVAL;
	path = LIBARENA_OPTS_GET(opts, path, NULL);
	if (!path)
		path = ARENA_DEVICE_PATH;

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	err = dev_open_fd(dev, path);
	if (!err)
		err = dev_query_version(dev, path);
	if (err) {
		arena_dev__close(dev);
		return err;
	}
	*devp = dev;
	return 0;
}

void arena_dev__close(struct arena_dev *dev)
{
	if (!dev)
		return;
	if (dev->fd >= 0)
		close(dev->fd);
	free(dev);
}

int arena_dev__fd(const struct arena_dev *dev)
{
	return dev ? dev->fd : -EINVAL;
}

int arena_dev__version(const struct arena_dev *dev, struct arena_version *ver)
{
	if (!dev || !ver)
		return -EINVAL;
	*ver = dev->ver;
	return 0;
}

int arena_dev_has_feature(const struct arena_dev *dev, __u64 feature,
			  const char *what)
{
	if (!dev)
		return -EINVAL;
	if (!(dev->ver.features & feature)) {
		pr_warn("the module (version %s) has no %s\n",
			dev->ver.module_version, what);
		return -EOPNOTSUPP;
	}
	return 0;
}

int arena_dev_create(const struct arena_dev *dev, __u64 feature,
		     unsigned long cmd, void *req, const char *what, int *fdp)
{
	char buf[LIBARENA_ERRSTR_LEN], plural[32];
	int fd, err;

	if (!fdp)
		return -EINVAL;
	*fdp = -1;
	snprintf(plural, sizeof(plural), "%ss", what);
	err = arena_dev_has_feature(dev, feature, plural);
	if (err)
		return err;
	fd = ioctl(dev->fd, cmd, req);
	if (fd < 0) {
		err = -errno;
		pr_warn("creating a %s: %s\n", what, libarena_errstr(err, buf));
		return err;
	}
	*fdp = fd;
	return 0;
}

const char *libarena_version_string(void)
{
	return LIBARENA_VERSION;
}
