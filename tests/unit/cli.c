// SPDX-License-Identifier: GPL-2.0
/*
 * arenactl's command line on the host, where no module is loaded: help,
 * usage errors, and how it reports a device it cannot use.  The binary
 * under test is ARENACTL_PATH, built with the sanitizers by the Makefile.
 */
#include <stdlib.h>

#include "run.h"
#include "tap.h"

#define ARENACTL(res, ...)	RUN(res, ARENACTL_PATH, __VA_ARGS__)

/*
 * The same arenactl linked with the fake module of fake_module.h, which
 * answers on any file, with module_version the given string.
 */
#define ARENACTL_FAKE(res, module_version, ...)					\
	(setenv("ARENA_FAKE_MODULE", module_version, 1),			\
	 RUN(res, ARENACTL_FAKE_PATH, __VA_ARGS__))

/* One buffer for all: the results are too big for a test's stack. */
static struct run_result res;

/* Checks the exit status, and shows the whole run if anything failed. */
static void expect_status(int status)
{
	int failures = tap_failures;

	TAP_EXPECT_EQ(res.status, status);
	if (tap_failures != failures)
		run_dump(&res);
}

static void help_to_stdout(void)
{
	char *ways[] = { "--help", "-h", "help" };
	size_t i;

	for (i = 0; i < sizeof(ways) / sizeof(ways[0]); i++) {
		TAP_EXPECT_OK(ARENACTL(&res, ways[i]));
		TAP_EXPECT(strstr(res.out, "usage") != NULL);
		TAP_EXPECT(strstr(res.out, "version") != NULL);
		TAP_EXPECT_STREQ(res.err, "");
		expect_status(0);
	}
}

static void unknown_command(void)
{
	TAP_EXPECT_OK(ARENACTL(&res, "frobnicate"));
	TAP_EXPECT(strstr(res.err, "usage") != NULL);
	TAP_EXPECT(strstr(res.err, "frobnicate") != NULL);
	TAP_EXPECT_STREQ(res.out, "");
	expect_status(2);
}

static void no_command(void)
{
	TAP_EXPECT_OK(ARENACTL(&res, "--device", "/dev/null"));
	TAP_EXPECT(strstr(res.err, "usage") != NULL);
	expect_status(2);
}

static void unknown_options(void)
{
	/* Our message, first, and not getopt's as well. */
	TAP_EXPECT_OK(ARENACTL(&res, "--frobnicate", "version"));
	TAP_EXPECT(!strncmp(res.err, "arenactl: unknown option '--frobnicate'\n",
			    strlen("arenactl: unknown option '--frobnicate'\n")));
	TAP_EXPECT(strstr(res.err, "usage") != NULL);
	expect_status(2);
	TAP_EXPECT_OK(ARENACTL(&res, "version", "--frobnicate"));
	TAP_EXPECT(strstr(res.err, "--frobnicate") != NULL);
	expect_status(2);
	/* The command's options are read before the device is opened. */
	TAP_EXPECT_OK(ARENACTL(&res, "-d", "/nonexistent", "version", "-x"));
	TAP_EXPECT(strstr(res.err, "'-x'") != NULL);
	expect_status(2);
	TAP_EXPECT_OK(ARENACTL(&res, "--device"));
	TAP_EXPECT(strstr(res.err, "needs an argument") != NULL);
	expect_status(2);
}

static void missing_device(void)
{
	TAP_EXPECT_OK(ARENACTL(&res, "--device", "/nonexistent", "version"));
	TAP_EXPECT(strstr(res.err, "arenactl: open /nonexistent: No such file or directory") != NULL);
	TAP_EXPECT_STREQ(res.out, "");
	expect_status(1);
}

/* A character device that is not /dev/arena: a failure, not a usage error. */
static void other_device_json(void)
{
	TAP_EXPECT_OK(ARENACTL(&res, "--device", "/dev/null", "version", "--json"));
	TAP_EXPECT(strstr(res.err, "Inappropriate ioctl for device") != NULL);
	TAP_EXPECT_STREQ(res.out, "");
	expect_status(1);
}

/* --verbose passes on the library's own message, which names the path. */
static void verbose_shows_library(void)
{
	TAP_EXPECT_OK(ARENACTL(&res, "-v", "-d", "/nonexistent", "version"));
	TAP_EXPECT(strstr(res.err, "libarena: open /nonexistent") != NULL);
	expect_status(1);
	TAP_EXPECT_OK(ARENACTL(&res, "-d", "/nonexistent", "version"));
	TAP_EXPECT(strstr(res.err, "libarena:") == NULL);
	expect_status(1);
}

static void version_text(void)
{
	TAP_EXPECT_OK(ARENACTL_FAKE(&res, "9.8.7", "-d", "/dev/null", "version"));
	TAP_EXPECT_STREQ(res.out, "abi_version:     1\n"
				  "page_size:       4096\n"
				  "features:        0x5\n"
				  "module_version:  9.8.7\n"
				  "library_version: " LIBARENA_VERSION "\n");
	TAP_EXPECT_STREQ(res.err, "");
	expect_status(0);
}

static void version_json(void)
{
	TAP_EXPECT_OK(ARENACTL_FAKE(&res, "9.8.7", "-d", "/dev/null", "version", "--json"));
	TAP_EXPECT_STREQ(res.out, "{\"abi_version\":1,\"page_size\":4096,"
				  "\"features\":\"0x5\","
				  "\"module_version\":\"9.8.7\","
				  "\"library_version\":\"" LIBARENA_VERSION "\"}\n");
	TAP_EXPECT_STREQ(res.err, "");
	expect_status(0);
}

/* module_version comes from the kernel: quoted, whatever it holds. */
static void version_json_escapes(void)
{
	TAP_EXPECT_OK(ARENACTL_FAKE(&res, "a\"b\\c\x01", "-d", "/dev/null",
				    "version", "--json"));
	TAP_EXPECT(strstr(res.out, "\"module_version\":\"a\\\"b\\\\c\\u0001\",") != NULL);
	expect_status(0);
}

static const struct tap_test tests[] = {
	{ "cli", "help-to-stdout", help_to_stdout },
	{ "cli", "unknown-command-usage-error", unknown_command },
	{ "cli", "no-command-usage-error", no_command },
	{ "cli", "unknown-options-usage-error", unknown_options },
	{ "cli", "missing-device-fails", missing_device },
	{ "cli", "other-device-json-fails", other_device_json },
	{ "cli", "verbose-shows-library-messages", verbose_shows_library },
	{ "cli", "version-text", version_text },
	{ "cli", "version-json", version_json },
	{ "cli", "version-json-escapes", version_json_escapes },
};

TAP_MAIN(tests)
