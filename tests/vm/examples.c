// SPDX-License-Identifier: GPL-2.0
/*
 * The examples (examples/), run as they are shipped: each a program of
 * the initramfs's /bin that exits 0 only when its own checks held.  Here
 * that status, a quiet stderr and the example's closing line are what
 * count; on failure its whole transcript is printed.
 */
#include <stdio.h>
#include <string.h>

#include "run.h"
#include "tap.h"

static struct run_result res;

static void run_example(const char *name)
{
	int failures = tap_failures;
	char path[64], verdict[64];

	snprintf(path, sizeof(path), "/bin/%s", name);
	snprintf(verdict, sizeof(verdict), "%s: all ", name);
	TAP_EXPECT_OK(run_capture(path, (char *[]){ path, NULL }, &res));
	TAP_EXPECT_EQ(res.status, 0);
	TAP_EXPECT_STREQ(res.err, "");
	TAP_EXPECT(strstr(res.out, verdict) != NULL);
	if (tap_failures != failures)
		run_dump(&res);
}

static void linked_list(void)
{
	run_example("linked-list");
}

static void shared_htab(void)
{
	run_example("shared-htab");
}

static void event_stream(void)
{
	run_example("event-stream");
}

static const struct tap_test tests[] = {
	{ "examples", "linked-list", linked_list },
	{ "examples", "shared-htab", shared_htab },
	{ "examples", "event-stream", event_stream },
};

TAP_MAIN(tests)
