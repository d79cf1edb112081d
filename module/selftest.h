/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ARENA_SELFTEST_H
#define ARENA_SELFTEST_H

/*
 * Self-tests of the module's internals that user space cannot reach, run
 * at load in test builds (make ARENA_KMOD_SELFTEST=1, as the VM harness
 * builds).  Each prints one "arena_kmod: ok - <suite>/<name>" line (or
 * "not ok"), then "arena_kmod: selftests run: N"; a failure fails the load.
 */
#include <linux/compiler_types.h>
#include <linux/errno.h>

/*
 * /dev/arena's commands beyond the ABI, for the VM tests: the ones of
 * selftest_ioctl.h, -ENOTTY for the rest and in production builds.
 */
#ifdef ARENA_KMOD_SELFTEST
int arena_selftests_run(void);
long arena_selftest_ioctl(unsigned int cmd, void __user *uarg);
#else
static inline int arena_selftests_run(void)
{
	return 0;
}

static inline long arena_selftest_ioctl(unsigned int cmd, void __user *uarg)
{
	return -ENOTTY;
}
#endif

#endif /* ARENA_SELFTEST_H */
