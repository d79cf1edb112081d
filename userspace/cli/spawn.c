// SPDX-License-Identifier: GPL-2.0
/*
 * `arenactl KIND create ... -- CMD`: a new object lives as long as the
 * command that holds it, the way flock(1) holds a lock for its command.
 * arenactl becomes CMD (exec, no fork), so the object's only holder is CMD
 * and what CMD passes it to.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arenactl.h"

int cmd_split(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--"))
			break;
	return i;
}

int exec_with_fd(int fd, const char *env, char **cmd)
{
	char num[16];
	int flags = fcntl(fd, F_GETFD);

	if (flags < 0 || fcntl(fd, F_SETFD, flags & ~FD_CLOEXEC))
		return fail("fcntl", NULL, -errno);
	snprintf(num, sizeof(num), "%d", fd);
	if (setenv(env, num, 1))
		return fail("setenv", env, -errno);
	/* stdout may hold what the create printed: CMD must not lose it. */
	fflush(stdout);
	execvp(cmd[0], cmd);
	fprintf(stderr, "arenactl: exec %s: %s\n", cmd[0], strerror(errno));
	/* 126/127 as the shell says: found but not runnable, or not found. */
	return errno == ENOENT ? 127 : 126;
}
