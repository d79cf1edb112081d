/* SPDX-License-Identifier: GPL-2.0 */
/*
 * How much memory a piece of code took, for the VM tests and the
 * benchmarks.  MemAvailable cannot tell: pages freed in a burst (an
 * arena's kernel view frees 16 MiB as it is built) wait on the per-cpu
 * free lists, which neither MemFree nor MemAvailable count.  So a snapshot
 * folds the per-cpu vmstat differences in first (vm/stat_refresh) and adds
 * those lists (/proc/zoneinfo's pagesets) as "PerCpuLists".
 *
 * Slab use has the same trouble, worse under KASAN: freed objects wait in
 * its quarantine (up to 1/32 of memory) and in per-cpu partial slabs.
 * meminfo_settle_slab() shrinks every cache, which empties both.
 */
#ifndef ARENA_TEST_MEMINFO_H
#define ARENA_TEST_MEMINFO_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MEMINFO_MAX	96

struct meminfo {
	int n;
	char name[MEMINFO_MAX][32];
	long long kb[MEMINFO_MAX];
};

static inline int meminfo_stat_refresh(void)
{
	int fd = open("/proc/sys/vm/stat_refresh", O_WRONLY | O_CLOEXEC);
	int err = fd >= 0 && write(fd, "1", 1) == 1 ? 0 : -errno;

	if (fd >= 0)
		close(fd);
	return err;
}

/*
 * Writes 1 to each /sys/kernel/slab/<cache>/shrink: kmem_cache_shrink()
 * takes the cache's objects out of KASAN's quarantine and frees its empty
 * slabs.  0, or -errno of the first cache that could not be shrunk (one
 * destroyed meanwhile does not count).
 */
static inline int meminfo_settle_slab(void)
{
	DIR *dir = opendir("/sys/kernel/slab");
	char path[320];
	struct dirent *e;
	int fd, err = 0;

	if (!dir)
		return -errno;
	while ((e = readdir(dir))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", e->d_name);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0) {
			if (errno != ENOENT && !err)
				err = -errno;
			continue;
		}
		if (write(fd, "1", 1) != 1 && errno != ENODEV && !err)
			err = -errno;
		close(fd);
	}
	closedir(dir);
	return err;
}

/* 0, or -errno with *what naming the file that failed. */
static inline int meminfo_read(struct meminfo *m, const char **what)
{
	long long count, pcp = 0;
	char line[256];
	FILE *f;

	*what = "/proc/sys/vm/stat_refresh";
	if (meminfo_stat_refresh())
		return -errno;
	*what = "/proc/meminfo";
	f = fopen(*what, "r");
	if (!f)
		return -errno;
	m->n = 0;
	while (m->n < MEMINFO_MAX - 1 &&
	       fscanf(f, " %31[^:]: %lld%*[^\n]", m->name[m->n], &m->kb[m->n]) == 2)
		m->n++;
	fclose(f);
	*what = "/proc/zoneinfo";
	f = fopen(*what, "r");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %lld", &count) == 1)
			pcp += count;
	fclose(f);
	strcpy(m->name[m->n], "PerCpuLists");
	m->kb[m->n++] = pcp * (sysconf(_SC_PAGESIZE) / 1024);
	return 0;
}

static inline long long meminfo_get(const struct meminfo *m, const char *name)
{
	for (int i = 0; i < m->n; i++)
		if (!strcmp(m->name[i], name))
			return m->kb[i];
	return 0;
}

/* Every free page, wherever the allocator keeps it. */
static inline long long meminfo_free_kb(const struct meminfo *m)
{
	return meminfo_get(m, "MemFree") + meminfo_get(m, "PerCpuLists");
}

#endif /* ARENA_TEST_MEMINFO_H */
