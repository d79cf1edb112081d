/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the VM test binaries share beyond tap.h: the module's sysfs files,
 * child processes whose checks count, and mmap expectations.
 */
#ifndef ARENA_TEST_VMTEST_H
#define ARENA_TEST_VMTEST_H

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tap.h"

#define REFCNT_PATH	"/sys/module/arena_kmod/refcnt"

/*
 * An mmap expected to fail with err; a mapping made anyway is reported
 * and undone (len is its length).
 */
#define EXPECT_MMAP_FAILS(call, len, err)					\
	do {									\
		void *m_;							\
		errno = 0;							\
		m_ = (call);							\
		if (m_ != MAP_FAILED) {						\
			tap_fail(__FILE__, __LINE__,				\
				 "%s: expected failure with %s, mapped at %p",	\
				 #call, #err, m_);				\
			munmap(m_, (len));					\
		} else if (errno != (err)) {					\
			tap_fail(__FILE__, __LINE__,				\
				 "%s: expected failure with %s, seen %s",	\
				 #call, #err, strerror(errno));			\
		}								\
	} while (0)
static inline long long read_sysfs(const char *path)
{
	char buf[64] = "";
	FILE *f = fopen(path, "r");
	long long v = -1;

	if (f) {
		if (fgets(buf, sizeof(buf), f))
			v = strtoll(buf, NULL, 10);
		fclose(f);
	}
	if (v < 0)
		tap_fail(__FILE__, __LINE__, "cannot read %s", path);
	return v;
}
/* Writes v to a sysfs file, e.g. a module parameter: 0 or -errno. */
static inline int write_sysfs(const char *path, unsigned long long v)
{
	FILE *f = fopen(path, "w");
	int err = 0;

	if (!f)
		return -errno;
	if (fprintf(f, "%llu\n", v) < 0)
		err = -EIO;
	if (fclose(f))
		err = -errno;
	return err;
}

/* How many fds this process has open: a leak shows as a higher count. */
static inline int open_fd_count(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d) {
		tap_fail(__FILE__, __LINE__, "opendir /proc/self/fd: %s", strerror(errno));
		return -1;
	}
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;	/* the directory's own */
}

/*
 * The module's reference count once it is back to base, or what it is
 * after two seconds: closed objects are freed after an RCU grace period.
 */
static inline long long refcnt_settled(long long base)
{
	struct timespec pause = { 0, 20 * 1000 * 1000 };
	long long n = read_sysfs(REFCNT_PATH);
	int i;

	for (i = 0; i < 100 && n != base; i++) {
		nanosleep(&pause, NULL);
		n = read_sysfs(REFCNT_PATH);
	}
	return n;
}

/* Runs fn(arg) in a child; its checks count there; returns the status. */
static inline int child_run(void (*fn)(void *), void *arg)
{
	int status = -1;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		tap_failures = 0;
		fn(arg);
		fflush(stdout);
		_exit(tap_failures ? 1 : 0);
	}
	if (pid < 0) {
		tap_fail(__FILE__, __LINE__, "fork: %s", strerror(errno));
		return -1;
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}
#define EXPECT_EXITED_0(status)							\
	do {									\
		int st_ = (status);						\
		if (!WIFEXITED(st_) || WEXITSTATUS(st_))			\
			tap_fail(__FILE__, __LINE__,				\
				 "child: expected exit 0, seen status 0x%x%s%s",\
				 st_, WIFSIGNALED(st_) ? " signal " : "",	\
				 WIFSIGNALED(st_) ? strsignal(WTERMSIG(st_)) : "");\
	} while (0)
/* Writes 1 to p: dies of SIGSEGV, or exits 0. */
static inline void child_write_byte(void *p)
{
	*(volatile char *)p = 1;
}
static inline bool maps_line_has(uint64_t start, const char *what)
{
	char line[512], want[32];
	FILE *f = fopen("/proc/self/maps", "r");
	bool found = false;

	if (!f)
		return false;
	snprintf(want, sizeof(want), "%llx-", (unsigned long long)start);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, want, strlen(want)) && strstr(line, what))
			found = true;
	fclose(f);
	return found;
}

#endif /* ARENA_TEST_VMTEST_H */
