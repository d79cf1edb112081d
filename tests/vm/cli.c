// SPDX-License-Identifier: GPL-2.0
/*
 * arenactl against the real module: what `version` prints, as text and as
 * JSON.  The initramfs has the static arenactl in /bin.
 */
#include <stdlib.h>
#include <unistd.h>

#include <arena_kmod.h>

#include "run.h"
#include "tap.h"

#define ARENACTL_PATH	"/bin/arenactl"

static struct run_result res;

/* A run that succeeded says nothing on stderr. */
static void expect_ok_run(void)
{
	TAP_EXPECT_EQ(res.status, 0);
	TAP_EXPECT_STREQ(res.err, "");
}

/* The number on the text output's "<key>: <number>" line, or -1. */
static long text_field(const char *key)
{
	const char *p = res.out;
	size_t len = strlen(key);

	for (; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, len) && p[len] == ':')
			return strtol(p + len + 1, NULL, 0);
	return -1;
}

static void version_text(void)
{
	int failures = tap_failures;

	TAP_EXPECT_OK(RUN(&res, ARENACTL_PATH, "version"));
	expect_ok_run();
	TAP_EXPECT_EQ(text_field("abi_version"), ARENA_ABI_VERSION);
	TAP_EXPECT_EQ(text_field("page_size"), sysconf(_SC_PAGESIZE));
	TAP_EXPECT(strstr(res.out, "module_version:") != NULL);
	if (tap_failures != failures)
		run_dump(&res);
}

static void version_json(void)
{
	int failures = tap_failures;
	char page[64];

	snprintf(page, sizeof(page), "\"page_size\":%ld,",
		 sysconf(_SC_PAGESIZE));
	TAP_EXPECT_OK(RUN(&res, ARENACTL_PATH, "version", "--json"));
	expect_ok_run();
	TAP_EXPECT(res.out[0] == '{');
	TAP_EXPECT(strstr(res.out, "\"abi_version\":1,") != NULL);
	TAP_EXPECT(strstr(res.out, page) != NULL);
	TAP_EXPECT(strstr(res.out, "\"module_version\":\"") != NULL);
	TAP_EXPECT(strstr(res.out, "}\n") != NULL);
	if (tap_failures != failures)
		run_dump(&res);
}

static const struct tap_test tests[] = {
	{ "cli", "version-text", version_text },
	{ "cli", "version-json", version_json },
};

TAP_MAIN(tests)
