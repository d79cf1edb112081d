// SPDX-License-Identifier: GPL-2.0
/*
 * The fake module of fake_module.h.  A program started with
 * ARENA_FAKE_MODULE=<module version> in its environment has it active
 * from the start, reporting that version: that is how the CLI tests run
 * arenactl against it.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "fake_module.h"

int __real_ioctl(int fd, unsigned long request, ...);
int __wrap_ioctl(int fd, unsigned long request, ...);

struct fake_module fake;

int __wrap_ioctl(int fd, unsigned long request, ...)
{
	struct arena_version *ver;
	va_list ap;

	va_start(ap, request);
	ver = va_arg(ap, struct arena_version *);
	va_end(ap);
	if (!fake.active || request != ARENA_IOC_VERSION)
		return __real_ioctl(fd, request, ver);
	fake.calls++;
	fake.request = *ver;
	*ver = fake.reply;
	return 0;
}

void fake_module_start(void)
{
	memset(&fake, 0, sizeof(fake));
	fake.active = true;
	fake.reply = (struct arena_version){
		.size = sizeof(struct arena_version),
		.abi_version = ARENA_ABI_VERSION,
		.page_size = 4096,
		.features = 0x5,
		.module_version = "9.8.7",
	};
}

__attribute__((constructor)) static void fake_module_from_env(void)
{
	const char *version = getenv("ARENA_FAKE_MODULE");

	if (!version)
		return;
	fake_module_start();
	strncpy(fake.reply.module_version, version,
		sizeof(fake.reply.module_version) - 1);
}
