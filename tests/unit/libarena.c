// SPDX-License-Identifier: GPL-2.0
/*
 * libarena on the host, where no module is loaded: its argument checks,
 * what it makes of files that are not /dev/arena, its messages, and the
 * whole open path against the fake module of fake_module.h.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "fake_module.h"
#include "libarena.h"
#include "tap.h"

/* Opens path with the default opts but for the path: -errno or 0. */
static int open_path(const char *path, struct arena_dev **devp)
{
	LIBARENA_OPTS(arena_dev_opts, opts, .path = path);

	return arena_dev__open(&opts, devp);
}

static void open_missing_path(void)
{
	struct arena_dev *dev = (struct arena_dev *)&dev;

	capture_start();
	TAP_EXPECT_ERRNO(open_path("/nonexistent/arena", &dev), ENOENT);
	TAP_EXPECT(dev == NULL);
}

static void open_regular_file(void)
{
	char path[] = "/tmp/libarena-test-XXXXXX";
	struct arena_dev *dev;
	int fd = mkstemp(path);
	int before;

	capture_start();
	TAP_EXPECT_OK(fd);
	close(fd);
	before = next_fd();
	TAP_EXPECT_ERRNO(open_path(path, &dev), ENODEV);
	TAP_EXPECT(dev == NULL);
	TAP_EXPECT_EQ(next_fd(), before);
	unlink(path);
}

/*
 * A character device that is not /dev/arena does not know the version
 * ioctl: the library passes on its ENOTTY, and closes what it opened.
 */
static void open_other_char_device(void)
{
	struct arena_dev *dev;
	int before = next_fd();

	capture_start();
	TAP_EXPECT_ERRNO(open_path("/dev/null", &dev), ENOTTY);
	TAP_EXPECT(dev == NULL);
	TAP_EXPECT_EQ(next_fd(), before);
}

static void opts_sz_too_small(void)
{
	struct arena_dev_opts opts = { .sz = 0 };
	struct arena_dev *dev;

	capture_start();
	TAP_EXPECT_ERRNO(arena_dev__open(&opts, &dev), EINVAL);
	opts.sz = sizeof(size_t) - 1;
	TAP_EXPECT_ERRNO(arena_dev__open(&opts, &dev), EINVAL);
	TAP_EXPECT(strstr(captured, "too small") != NULL);
}

/* A newer program's structure: its extra bytes must be zero. */
static void opts_unknown_tail(void)
{
	struct {
		struct arena_dev_opts opts;
		unsigned char newer[16];
	} big;
	struct arena_dev *dev;

	capture_start();
	memset(&big, 0, sizeof(big));
	big.opts.sz = sizeof(big);
	big.opts.path = "/nonexistent/arena";
	TAP_EXPECT_ERRNO(arena_dev__open(&big.opts, &dev), ENOENT);
	big.newer[sizeof(big.newer) - 1] = 1;
	TAP_EXPECT_ERRNO(arena_dev__open(&big.opts, &dev), EINVAL);
	TAP_EXPECT(strstr(captured, "not zero") != NULL);
}

/*
 * An older program's structure, which ends before path: path is not read,
 * the default is used, as with no opts at all.
 */
static void opts_short_uses_default_path(void)
{
	struct arena_dev_opts opts = {
		.sz = offsetof(struct arena_dev_opts, path),
		.path = "/nonexistent/arena",
	};
	struct arena_dev *dev = NULL;
	char with_null[sizeof(captured)];
	int ret;

	capture_start();
	ret = arena_dev__open(NULL, &dev);
	arena_dev__close(dev);
	memcpy(with_null, captured, sizeof(captured));

	capture_start();
	TAP_EXPECT_EQ(arena_dev__open(&opts, &dev), ret);
	arena_dev__close(dev);
	TAP_EXPECT_STREQ(captured, with_null);
	TAP_EXPECT(strstr(captured, "/nonexistent") == NULL);
}

static void null_arguments(void)
{
	struct arena_version ver;
	struct arena_dev *dev;

	capture_start();
	TAP_EXPECT_ERRNO(arena_dev__open(NULL, NULL), EINVAL);
	TAP_EXPECT_ERRNO(arena_dev__fd(NULL), EINVAL);
	TAP_EXPECT_ERRNO(arena_dev__version(NULL, &ver), EINVAL);
	fake_module_start();
	TAP_EXPECT_OK(open_path("/dev/null", &dev));
	TAP_EXPECT_ERRNO(arena_dev__version(dev, NULL), EINVAL);
	arena_dev__close(dev);
	fake.active = false;
	arena_dev__close(NULL);
}

static void set_print_returns_previous(void)
{
	libarena_print_fn_t first = libarena_set_print(NULL);

	TAP_EXPECT(first != NULL);
	TAP_EXPECT(libarena_set_print(capture_print) == NULL);
	TAP_EXPECT(libarena_set_print(first) == capture_print);
	TAP_EXPECT(libarena_set_print(first) == first);
}

static void failed_open_warns_with_path(void)
{
	struct arena_dev *dev;

	capture_start();
	TAP_EXPECT_ERRNO(open_path("/nonexistent/arena-warn", &dev), ENOENT);
	TAP_EXPECT_EQ(captured_level, LIBARENA_WARN);
	TAP_EXPECT(strstr(captured, "/nonexistent/arena-warn") != NULL);
	TAP_EXPECT(strstr(captured, "No such file or directory") != NULL);
	if (!strstr(captured, "/nonexistent/arena-warn"))
		printf("# captured: %s", captured);
}

/* NULL silences the library: a failing open prints nothing at all. */
static void null_print_silences(void)
{
	struct arena_dev *dev;

	captured[0] = 0;
	libarena_set_print(NULL);
	TAP_EXPECT_ERRNO(open_path("/nonexistent/arena", &dev), ENOENT);
	TAP_EXPECT_STREQ(captured, "");
}

static int call_print(libarena_print_fn_t fn, enum libarena_print_level level,
		      const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = fn(level, fmt, ap);
	va_end(ap);
	return ret;
}

/* The library's default callback, kept before any test replaces it. */
static libarena_print_fn_t default_print;

__attribute__((constructor)) static void keep_default_print(void)
{
	default_print = libarena_set_print(NULL);
	libarena_set_print(default_print);
}

/* The default callback: WARN and INFO to stderr, DEBUG dropped. */
static void default_print_levels(void)
{
	libarena_print_fn_t def = default_print;
	char path[] = "/tmp/libarena-stderr-XXXXXX";
	char seen[64] = "";
	int fd = mkstemp(path);
	int saved = dup(2);

	TAP_EXPECT(def != NULL);
	if (!def)
		return;
	TAP_EXPECT_OK(fd);
	fflush(stderr);
	dup2(fd, 2);
	call_print(def, LIBARENA_WARN, "warn %d\n", 1);
	call_print(def, LIBARENA_INFO, "info %d\n", 2);
	call_print(def, LIBARENA_DEBUG, "debug %d\n", 3);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	TAP_EXPECT(pread(fd, seen, sizeof(seen) - 1, 0) >= 0);
	TAP_EXPECT_STREQ(seen, "warn 1\ninfo 2\n");
	close(fd);
	unlink(path);
}

static void version_string_is_dkms(void)
{
	TAP_EXPECT_STREQ(libarena_version_string(), LIBARENA_VERSION);
}

static void fake_open_succeeds(void)
{
	struct arena_version ver = { 0 };
	struct arena_dev *dev = NULL;
	int fd;

	capture_start();
	fake_module_start();
	TAP_EXPECT_OK(open_path("/dev/null", &dev));
	fake.active = false;
	TAP_EXPECT_EQ(fake.calls, 1);
	TAP_EXPECT_EQ(fake.request.size, sizeof(struct arena_version));
	TAP_EXPECT_EQ(fake.request.flags, 0);
	TAP_EXPECT_OK(arena_dev__version(dev, &ver));
	TAP_EXPECT(!memcmp(&ver, &fake.reply, sizeof(ver)));
	fd = arena_dev__fd(dev);
	TAP_EXPECT_OK(fd);
	TAP_EXPECT_EQ(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	TAP_EXPECT_EQ(fcntl(fd, F_GETFD), FD_CLOEXEC);
	arena_dev__close(dev);
	TAP_EXPECT_ERRNO(fcntl(fd, F_GETFD), EBADF);
	TAP_EXPECT(captured_level != LIBARENA_WARN);
}

static void fake_abi_mismatch(void)
{
	struct arena_dev *dev = NULL;
	int before = next_fd();

	capture_start();
	fake_module_start();
	fake.reply.abi_version = ARENA_ABI_VERSION + 1;
	TAP_EXPECT_ERRNO(open_path("/dev/null", &dev), EPROTO);
	fake.active = false;
	TAP_EXPECT(dev == NULL);
	TAP_EXPECT_EQ(next_fd(), before);
	TAP_EXPECT_EQ(captured_level, LIBARENA_WARN);
	TAP_EXPECT(strstr(captured, "9.8.7") != NULL);
}

/* A module that wrote less than the first published structure. */
static void fake_short_reply(void)
{
	struct arena_dev *dev = NULL;

	capture_start();
	fake_module_start();
	fake.reply.size = ARENA_VERSION_SIZE_VER0 - 1;
	TAP_EXPECT_ERRNO(open_path("/dev/null", &dev), EPROTO);
	fake.active = false;
	TAP_EXPECT(dev == NULL);
}

/* module_version reaches callers as a string, whatever the module sent. */
static void fake_unterminated_module_version(void)
{
	struct arena_version ver = { 0 };
	struct arena_dev *dev = NULL;

	fake_module_start();
	memset(fake.reply.module_version, 'x',
	       sizeof(fake.reply.module_version));
	TAP_EXPECT_OK(open_path("/dev/null", &dev));
	fake.active = false;
	TAP_EXPECT_OK(arena_dev__version(dev, &ver));
	TAP_EXPECT_EQ(strlen(ver.module_version),
		      sizeof(ver.module_version) - 1);
	arena_dev__close(dev);
}

static const struct tap_test tests[] = {
	{ "libarena", "open-missing-path-enoent", open_missing_path },
	{ "libarena", "open-regular-file-enodev", open_regular_file },
	{ "libarena", "open-other-char-device-enotty", open_other_char_device },
	{ "libarena", "opts-sz-too-small-einval", opts_sz_too_small },
	{ "libarena", "opts-unknown-tail-einval", opts_unknown_tail },
	{ "libarena", "opts-short-uses-default-path", opts_short_uses_default_path },
	{ "libarena", "null-arguments", null_arguments },
	{ "libarena", "set-print-returns-previous", set_print_returns_previous },
	{ "libarena", "failed-open-warns-with-path", failed_open_warns_with_path },
	{ "libarena", "null-print-silences", null_print_silences },
	{ "libarena", "default-print-warn-info-only", default_print_levels },
	{ "libarena", "version-string-is-dkms", version_string_is_dkms },
	{ "libarena", "fake-module-open-succeeds", fake_open_succeeds },
	{ "libarena", "fake-module-abi-mismatch-eproto", fake_abi_mismatch },
	{ "libarena", "fake-module-short-reply-eproto", fake_short_reply },
	{ "libarena", "fake-module-unterminated-version", fake_unterminated_module_version },
};

TAP_MAIN(tests)
