// SPDX-License-Identifier: GPL-2.0
/*
 * The arena benchmark: our /dev/arena against the kernel's own
 * BPF_MAP_TYPE_ARENA (Linux 6.9+), run as root inside a test VM with the
 * module loaded (bench/run.sh boots it).
 *
 *	arena [-r ROUNDS]
 *
 * Every scenario runs once untimed per implementation (warm-up: QEMU
 * translates the code paths, slab caches grow), then ROUNDS times,
 * alternating ours and the kernel's (ours first in even rounds, the
 * kernel's first in odd ones).  Each series is one line
 *
 *	BENCH {"scenario":..,"impl":..,"unit":..,"median":..,"min":..,"max":..,"rounds":..}
 *
 * with human-readable "# " lines around.  A benchmark reports, it does not
 * judge numbers: the exit status is 1 only if a measurement could not be
 * taken (a system call failed).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <arena_kmod.h>

#include "bench.h"
#include "meminfo.h"

/* Linux 6.9+ (see tests/vm/arena_vs_bpf.c): absent from 6.1's uapi headers. */
#ifndef BPF_MAP_TYPE_ARENA
#define BPF_MAP_TYPE_ARENA	33
#endif

#define FAULT_PAGES	16384		/* 64 MiB of 4 KiB pages */
#define CMD_ARENAS	16		/* create-map-destroy: arenas per round */
#define ALLOC_PAGES	4096		/* alloc-free: the arena's size */
#define MEM_ARENAS	32		/* memory-per-arena: arenas per round */

static long page_size;
static int dev_fd = -1;

/* A new arena of either kind, its fd, or -1 with errno. */
static int arena_create(enum impl impl, uint64_t nr_pages)
{
	struct arena_create req = { .size = sizeof(req), .nr_pages = nr_pages };
	union bpf_attr attr = {
		.map_type = BPF_MAP_TYPE_ARENA,
		.max_entries = nr_pages,
		.map_flags = BPF_F_MMAPABLE,
	};

	if (impl == OURS)
		return ioctl(dev_fd, ARENA_IOC_CREATE, &req);
	return syscall(__NR_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
}

/* An arena, mapped anywhere: false (and nothing left) on failure. */
static bool arena_open(enum impl impl, uint64_t nr_pages, int *fd, char **base)
{
	*fd = arena_create(impl, nr_pages);
	if (*fd < 0)
		return error("create");
	*base = mmap(NULL, nr_pages * page_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		     *fd, 0);
	if (*base != MAP_FAILED)
		return true;
	error("mmap");
	close(*fd);
	return false;
}

static void arena_close(uint64_t nr_pages, int fd, char *base)
{
	munmap(base, nr_pages * page_size);
	close(fd);
}

static void touch(char *base, uint64_t first, uint64_t end)
{
	for (uint64_t i = first; i < end; i++)
		*(volatile char *)(base + i * page_size) = 1;
}

/* ---- fault-in, fault-in-2threads ---- */

struct toucher {
	pthread_t thread;
	pthread_barrier_t *start;
	char *base;
	uint64_t first, end;
};

static void *toucher_run(void *arg)
{
	struct toucher *t = arg;

	pthread_barrier_wait(t->start);
	touch(t->base, t->first, t->end);
	return NULL;
}

/* FAULT_PAGES pages touched in order by nthreads, each its own share. */
static bool fault_in(enum impl impl, int nthreads, double *v)
{
	struct toucher t[2];
	pthread_barrier_t start;
	double t0, t1;
	char *base;
	int fd, i;

	if (!arena_open(impl, FAULT_PAGES, &fd, &base))
		return false;
	if (nthreads == 1) {
		t0 = now();
		touch(base, 0, FAULT_PAGES);
		t1 = now();
	} else {
		pthread_barrier_init(&start, NULL, nthreads + 1);
		for (i = 0; i < nthreads; i++) {
			t[i] = (struct toucher){
				.start = &start, .base = base,
				.first = (uint64_t)FAULT_PAGES * i / nthreads,
				.end = (uint64_t)FAULT_PAGES * (i + 1) / nthreads,
			};
			pthread_create(&t[i].thread, NULL, toucher_run, &t[i]);
		}
		pthread_barrier_wait(&start);
		t0 = now();
		for (i = 0; i < nthreads; i++)
			pthread_join(t[i].thread, NULL);
		t1 = now();
		pthread_barrier_destroy(&start);
	}
	arena_close(FAULT_PAGES, fd, base);
	v[0] = FAULT_PAGES / (t1 - t0);
	return true;
}

static bool fault_in_1(enum impl impl, double *v)
{
	return fault_in(impl, 1, v);
}

static bool fault_in_2(enum impl impl, double *v)
{
	return fault_in(impl, 2, v);
}

/* ---- create-map-destroy ---- */

/* v[0]: the whole cycle, v[1]: the create ioctl or syscall alone (µs per arena). */
static bool create_map_destroy(enum impl impl, double *v)
{
	double t0 = now(), create = 0, t;
	char *base;
	int fd, i;

	for (i = 0; i < CMD_ARENAS; i++) {
		t = now();
		fd = arena_create(impl, 1);
		create += now() - t;
		if (fd < 0)
			return error("create");
		base = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
		if (base == MAP_FAILED) {
			close(fd);
			return error("mmap");
		}
		arena_close(1, fd, base);
	}
	v[0] = (now() - t0) * 1e6 / CMD_ARENAS;
	v[1] = create * 1e6 / CMD_ARENAS;
	return true;
}

/* ---- alloc-free (ours only) ---- */

static int pages_ioctl(int fd, unsigned long cmd, uint64_t *addr, uint32_t n)
{
	struct arena_pages req = {
		.size = sizeof(req), .addr = *addr, .nr_pages = n, .node = -1,
	};
	int ret = ioctl(fd, cmd, &req);

	*addr = req.addr;
	return ret;
}

/*
 * ALLOC_PAGES of n pages, anywhere, until the arena is full, then
 * FREE_PAGES of each: pages/s of each direction in v[0], v[1].
 */
static bool alloc_free(int fd, uint32_t n, double *v)
{
	static uint64_t addr[ALLOC_PAGES];
	uint32_t i, count = ALLOC_PAGES / n;
	double t0, t1, t2;

	t0 = now();
	for (i = 0; i < count; i++) {
		addr[i] = 0;
		if (pages_ioctl(fd, ARENA_IOC_ALLOC_PAGES, &addr[i], n))
			return error("ARENA_IOC_ALLOC_PAGES");
	}
	t1 = now();
	for (i = 0; i < count; i++)
		if (pages_ioctl(fd, ARENA_IOC_FREE_PAGES, &addr[i], n))
			return error("ARENA_IOC_FREE_PAGES");
	t2 = now();
	v[0] = ALLOC_PAGES / (t1 - t0);
	v[1] = ALLOC_PAGES / (t2 - t1);
	return true;
}

static bool alloc_free_all(enum impl impl, double *v)
{
	bool ok;
	char *base;
	int fd;

	if (!arena_open(impl, ALLOC_PAGES, &fd, &base))
		return false;
	ok = alloc_free(fd, 1, v) && alloc_free(fd, 256, v + 2);
	arena_close(ALLOC_PAGES, fd, base);
	return ok;
}

/* ---- memory-per-arena ---- */

/* A snapshot (tests/lib/meminfo.h), or false after saying why. */
static bool meminfo_snapshot(struct meminfo *m)
{
	const char *what;
	int err = meminfo_read(m, &what);

	if (err)
		errno = -err;
	return err ? error(what) : true;
}

/*
 * The fields that count kernel memory by its use (Slab covers SReclaimable
 * and SUnreclaim).  Plain page allocations (the arenas' own pages, our
 * kernel view's page tables) are in none of them: only MemFree sees those.
 */
static const char *const kernel_fields[] = {
	"Slab", "KernelStack", "PageTables", "SecPageTables", "Percpu", "VmallocUsed",
};

#define COUNT(a)	(sizeof(a) / sizeof((a)[0]))

/* Every field's change, per arena, summed over the rounds (for the "# " lines). */
static struct meminfo mem_moved[NIMPL];
static int mem_runs[NIMPL];

/* Lets deferred frees (RCU, the kernel's map-free work, vmap purges) finish. */
static void settle(void)
{
	sleep(1);
}

static bool memory_per_arena(enum impl impl, double *v)
{
	static int fd[MEM_ARENAS];
	static char *base[MEM_ARENAS];
	struct meminfo before, after;
	double fields = 0;
	int i, n;
	bool ok;

	settle();
	if (!meminfo_snapshot(&before))
		return false;
	for (n = 0; n < MEM_ARENAS; n++) {
		if (!arena_open(impl, 1, &fd[n], &base[n]))
			break;
		touch(base[n], 0, 1);
	}
	settle();
	ok = n == MEM_ARENAS && meminfo_snapshot(&after);
	while (n--)
		arena_close(1, fd[n], base[n]);
	if (!ok)
		return false;

	v[0] = (meminfo_get(&before, "MemAvailable") -
		meminfo_get(&after, "MemAvailable")) / (double)MEM_ARENAS;
	v[1] = (meminfo_free_kb(&before) - meminfo_free_kb(&after)) /
	       (double)MEM_ARENAS;
	for (i = 0; i < (int)COUNT(kernel_fields); i++)
		fields += meminfo_get(&after, kernel_fields[i]) -
			  meminfo_get(&before, kernel_fields[i]);
	v[2] = fields / MEM_ARENAS;

	if (warming_up)
		return true;
	mem_moved[impl].n = after.n;
	for (i = 0; i < after.n; i++) {
		strcpy(mem_moved[impl].name[i], after.name[i]);
		mem_moved[impl].kb[i] += after.kb[i] - meminfo_get(&before, after.name[i]);
	}
	mem_runs[impl]++;
	return true;
}

/* The fields that moved by half a kB per arena or more, on average. */
static void memory_report(void)
{
	for (int s = 0; s < NIMPL; s++) {
		const struct meminfo *m = &mem_moved[s];

		if (!mem_runs[s])
			continue;
		printf("# memory-per-arena: %s: /proc/meminfo fields that moved, kB per arena:",
		       impl_name[s]);
		for (int i = 0; i < m->n; i++) {
			double d = m->kb[i] / (double)mem_runs[s] / MEM_ARENAS;

			if (d >= 0.5 || d <= -0.5)
				printf(" %s %+.1f", m->name[i], d);
		}
		printf("\n");
	}
}

/* ---- the scenarios, their series and the rounds ---- */

static const struct scenario scenarios[] = {
	{
		.name = "fault-in", .run = fault_in_1,
		.note = "64 MiB arena, mmap'd, one write per page in order (mmap/munmap not timed)",
		.series = { { "fault-in", "pages/s" } },
	},
	{
		.name = "create-map-destroy", .run = create_map_destroy,
		.note = "1-page arena: create, mmap, munmap, close; the kernel frees its map in a "
			"workqueue after close, outside the timing",
		.series = {
			{ "create-map-destroy", "us/arena" },
			{ "create-map-destroy-create-only", "us/arena" },
		},
	},
	{
		.name = "fault-in-2threads", .run = fault_in_2,
		.note = "as fault-in, 2 threads touching disjoint halves",
		.series = { { "fault-in-2threads", "pages/s" } },
	},
	{
		.name = "alloc-free", .run = alloc_free_all, .ours_only = true,
		.note = "ours only: the kernel's bpf_arena_alloc_pages/free_pages are kfuncs that "
			"need a BPF program, which comes with a later issue. "
			"4096-page arena: ALLOC_PAGES of 1 page x4096 then FREE_PAGES of each, "
			"then of 256 pages x16",
		.series = {
			{ "alloc-free-1page-alloc", "pages/s" },
			{ "alloc-free-1page-free", "pages/s" },
			{ "alloc-free-256pages-alloc", "pages/s" },
			{ "alloc-free-256pages-free", "pages/s" },
		},
	},
	{
		.name = "memory-per-arena", .run = memory_per_arena, .report = memory_report,
		.note = "32 one-page arenas, mmap'd, page touched: memory gone per arena, "
			"after vm/stat_refresh. MemAvailable is noisy: the per-cpu free lists "
			"hold pages that count as neither free nor used, and grow after a burst "
			"of frees. 'free' is MemFree plus those lists (/proc/zoneinfo): every "
			"page that went, the arena's own page and user page table included. "
			"'fields' sums Slab+KernelStack+PageTables+SecPageTables+Percpu+"
			"VmallocUsed, which miss plain page allocations (the arena's page, "
			"kernel page tables). User-side costs are the same for both",
		.series = {
			{ "memory-per-arena", "kB/arena (MemAvailable)" },
			{ "memory-per-arena-free", "kB/arena (MemFree+per-cpu lists)" },
			{ "memory-per-arena-fields", "kB/arena (meminfo fields)" },
		},
	},
};

int main(int argc, char **argv)
{
	int rounds = 7, fd;
	cpu_set_t cpu0;
	size_t i;

	if (parse_rounds(argc, argv, &rounds))
		return 2;
	/* Line-buffered into the VM's pipe: each line reaches the console as it is made. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	page_size = sysconf(_SC_PAGESIZE);
	dev_fd = open(ARENA_DEVICE_PATH, O_RDWR | O_CLOEXEC);
	if (dev_fd < 0) {
		error("open " ARENA_DEVICE_PATH);
		return 1;
	}
	fd = arena_create(KERN, 1);
	have_kern = fd >= 0;
	if (have_kern)
		close(fd);
	printf("# page size %ld, %d rounds, %ld CPUs; the kernel's BPF arena: %s\n", page_size,
	       rounds, sysconf(_SC_NPROCESSORS_ONLN),
	       have_kern ? "available" : "not available (ours only)");
	printf("# QEMU (TCG) distorts absolute numbers: compare ours/kernel ratios of one boot\n");

	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	for (i = 0; i < COUNT(scenarios); i++) {
		/* The memory figures see one CPU's free lists; the rest runs on all. */
		if (scenarios[i].run == memory_per_arena &&
		    sched_setaffinity(0, sizeof(cpu0), &cpu0))
			error("sched_setaffinity");
		run_scenario(&scenarios[i], rounds);
	}
	close(dev_fd);
	return failed;
}
