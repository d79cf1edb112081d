/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A stand-in for the module's ARENA_IOC_VERSION, for binaries linked with
 * -Wl,--wrap=ioctl and fake_module.o: the library's ioctl() calls land in
 * __wrap_ioctl(), which answers ARENA_IOC_VERSION with fake.reply while
 * fake.active is set and passes every other call to the real ioctl.
 *
 * The host has no /dev/arena, so the fake is how the library's and the
 * CLI's success paths are tested there; any file opens, /dev/null will do.
 */
#ifndef ARENA_FAKE_MODULE_H
#define ARENA_FAKE_MODULE_H

#include <stdbool.h>

#include <arena_kmod.h>

struct fake_module {
	bool active;
	int calls;
	struct arena_version request;	/* what the library sent */
	struct arena_version reply;	/* what the module writes back */
};

extern struct fake_module fake;

/* Active, with a well-formed reply of ABI ARENA_ABI_VERSION. */
void fake_module_start(void);

#endif /* ARENA_FAKE_MODULE_H */
