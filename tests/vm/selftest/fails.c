// SPDX-License-Identifier: GPL-2.0
/*
 * A test that always fails: the harness self-test runs it in the VM to
 * prove that a failing test fails the run.
 */
#include "tap.h"

static void always_fails(void)
{
	TAP_EXPECT_EQ(1 + 1, 3);
}

static const struct tap_test tests[] = {
	{ "vm", "selftest-always-fails", always_fails },
};

TAP_MAIN(tests)
