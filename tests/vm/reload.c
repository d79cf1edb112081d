// SPDX-License-Identifier: GPL-2.0
/*
 * Stress: the module unloaded and loaded again many times, each time put
 * to work with one object of each kind and a compiled program, with
 * nothing left behind: the unload must succeed once the last fd is closed
 * (RCU-deferred frees included), and free memory and slab use must come
 * back to where they were.  The module stays loaded at the end.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <arena_kmod.h>

#include "dev.h"
#include "meminfo.h"
#include "prog_text.h"
#include "tap.h"
#include "vmtest.h"

#define MODULE_PATH	"/arena_kmod.ko"
#define MODULE_NAME	"arena_kmod"
#define RELOADS		30
#define WARMUP		2
#define ARENA_ADDR	0x7b0000000000ULL
#define ARENA_PAGES	16

/* Unloads the module; a reference dropped just now may take a moment. */
static int module_unload(void)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	int tries, err = 0;

	for (tries = 0; tries < 200; tries++) {
		err = syscall(__NR_delete_module, MODULE_NAME, O_NONBLOCK) ? -errno : 0;
		if (err != -EAGAIN && err != -EBUSY && err != -EWOULDBLOCK)
			break;
		nanosleep(&pause, NULL);
	}
	return err;
}

static int module_load(void)
{
	int fd = open(MODULE_PATH, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -errno;
	err = syscall(__NR_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return err;
}

/* One of everything, used and closed. */
static void module_work(void)
{
	struct arena_create req = { .size = sizeof(req), .nr_pages = ARENA_PAGES,
				    .user_addr = ARENA_ADDR };
	int arena = dev_ioctl(ARENA_IOC_CREATE, &req), ring, array, prog;
	long psz = sysconf(_SC_PAGESIZE);
	uint8_t *mem, *ring_mem;
	int objs[3];
	int i;

	mem = mmap((void *)(uintptr_t)ARENA_ADDR, ARENA_PAGES * psz, PROT_READ | PROT_WRITE,
		   MAP_SHARED | MAP_FIXED_NOREPLACE, arena, 0);
	TAP_EXPECT(mem != MAP_FAILED);
	for (i = 0; mem != MAP_FAILED && i < ARENA_PAGES / 2; i++)
		mem[i * psz] = i;
	ring = dev_ringbuf_new(0, 16 * psz);
	ring_mem = mmap(NULL, psz, PROT_READ | PROT_WRITE, MAP_SHARED, ring, 0);
	TAP_EXPECT(ring_mem != MAP_FAILED);
	array = dev_array_new(ARRAY_F_MMAPABLE, 8, 1);
	objs[0] = arena;
	objs[1] = ring;
	objs[2] = array;
	prog = load_must("mov %r1, 0\naddr_space_cast %r1, %r1, 0, 1\nldxdw %r6, [%r1+0]\n"
			 "ldmap %r1, 1\nmov %r2, %r10\nadd %r2, -8\nstxdw [%r2+0], %r6\n"
			 "mov %r3, 8\nmov %r4, 0\ncall 130\n"
			 "ldmapvalue %r1, 2, 0\nstxdw [%r1+0], %r6\nmov %r0, %r6\nexit",
			 objs, 3, 0);
	TAP_EXPECT_EQ(run_ctx(prog, NULL, 0), 0);
	close(prog);
	if (ring_mem != MAP_FAILED)
		munmap(ring_mem, psz);
	if (mem != MAP_FAILED)
		munmap(mem, ARENA_PAGES * psz);
	close(array);
	close(ring);
	close(arena);
}

static struct meminfo snapshot(void)
{
	struct meminfo m = { 0 };
	const char *what = "/sys/kernel/slab";
	int err = meminfo_settle_slab();

	if (!err)
		err = meminfo_read(&m, &what);
	if (err)
		tap_fail(__FILE__, __LINE__, "%s: %s", what, strerror(-err));
	return m;
}

static void reload_cycles(void)
{
	struct meminfo before = { 0 }, after;
	int i, err = 0;

	for (i = 0; i < RELOADS && !tap_failures; i++) {
		if (i == WARMUP)
			before = snapshot();
		module_work();
		err = module_unload();
		if (err) {
			tap_fail(__FILE__, __LINE__, "cycle %d: unload: %s", i, strerror(-err));
			break;
		}
		err = module_load();
		if (err) {
			tap_fail(__FILE__, __LINE__, "cycle %d: load: %s", i, strerror(-err));
			/* Leave the module loaded for the tests after this one. */
			module_load();
			return;
		}
	}
	if (i <= WARMUP)
		return;
	usleep(200000);
	after = snapshot();
	printf("# %d reloads: free %lld -> %lld kB, slab %lld -> %lld kB\n", i,
	       meminfo_free_kb(&before), meminfo_free_kb(&after),
	       meminfo_get(&before, "Slab"), meminfo_get(&after, "Slab"));
	/* A page or more a cycle would show over this many cycles. */
	TAP_EXPECT(meminfo_free_kb(&after) > meminfo_free_kb(&before) - 4096);
	TAP_EXPECT(meminfo_get(&after, "Slab") < meminfo_get(&before, "Slab") + 1024);
}

static const struct tap_test tests[] = {
	{ "stress", "module-reload-cycles", reload_cycles },
};

int main(void)
{
	return tap_run(tests, sizeof(tests) / sizeof(tests[0]));
}
