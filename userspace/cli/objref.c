// SPDX-License-Identifier: GPL-2.0
/*
 * How arenactl reaches objects: they are file descriptors only (no ids, no
 * pinning), so an object is named by the process that holds it and its fd
 * number there.  Another process's fd is copied into this one with
 * pidfd_getfd(2), which the kernel allows only with ptrace permission over
 * the process (same user and Yama's ptrace_scope allowing it, or
 * CAP_SYS_PTRACE).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "arenactl.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open		434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd		438
#endif

const char *proc_root(void)
{
#ifdef ARENACTL_TEST_PROC_ROOT
	const char *root = getenv("ARENACTL_PROC_ROOT");

	if (root)
		return root;
#endif
	return "/proc";
}

static int parse_int_word(const char *what, const char *s, int *v)
{
	uint64_t n;

	if (parse_u64(s, &n) || n > INT32_MAX)
		return usage_error("bad %s '%s'", what, s);
	*v = (int)n;
	return 0;
}

static int obj_ref_parse(int argc, char **argv, int *nextp, struct obj_ref *ref)
{
	int i = *nextp, err;

	ref->pid = 0;
	if (i + 1 < argc && !strcmp(argv[i], "pid")) {
		err = parse_int_word("pid", argv[i + 1], &ref->pid);
		if (err)
			return err;
		if (!ref->pid)
			return usage_error("bad pid '%s'", argv[i + 1]);
		i += 2;
	}
	if (i + 1 >= argc || strcmp(argv[i], "fd"))
		return usage_error("expected an object: [pid PID] fd FD");
	err = parse_int_word("fd", argv[i + 1], &ref->fd);
	if (err)
		return err;
	*nextp = i + 2;
	if (ref->pid)
		snprintf(ref->name, sizeof(ref->name), "pid %d fd %d", ref->pid, ref->fd);
	else
		snprintf(ref->name, sizeof(ref->name), "fd %d", ref->fd);
	return 0;
}

int obj_ref_args(const char *verb, int argc, char **argv, struct obj_ref *ref, bool last)
{
	int err = obj_ref_parse(argc, argv, &optind, ref);

	if (!err && last && optind < argc)
		err = usage_error("%s: unexpected argument '%s'", verb, argv[optind]);
	return err;
}

int obj_ref_open(const struct obj_ref *ref, int *fdp)
{
	int pidfd, fd;

	if (!ref->pid) {
		/* Our own: a copy, so that closing it leaves the caller's alone. */
		fd = fcntl(ref->fd, F_DUPFD_CLOEXEC, 3);
		if (fd < 0)
			return fail("open", ref->name, -errno);
		*fdp = fd;
		return 0;
	}
	pidfd = syscall(SYS_pidfd_open, ref->pid, 0);
	if (pidfd < 0)
		return fail("pidfd_open", ref->name, -errno);
	fd = syscall(SYS_pidfd_getfd, pidfd, ref->fd, 0);
	if (fd < 0) {
		int err = -errno;

		close(pidfd);
		return fail("pidfd_getfd", ref->name, err);
	}
	close(pidfd);
	*fdp = fd;
	return 0;
}

int fdinfo_get(int pid, int fd, const char *key, char *val, size_t len)
{
	size_t klen = strlen(key);
	char path[256], line[256];
	int err = -ENOENT;
	FILE *f;

	if (pid)
		snprintf(path, sizeof(path), "%s/%d/fdinfo/%d", proc_root(), pid, fd);
	else
		snprintf(path, sizeof(path), "%s/self/fdinfo/%d", proc_root(), fd);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, klen) || line[klen] != ':')
			continue;
		snprintf(val, len, "%s", line + klen + 1 + strspn(line + klen + 1, " \t"));
		val[strcspn(val, "\n")] = '\0';
		err = 0;
		break;
	}
	fclose(f);
	return err;
}
