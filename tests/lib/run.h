/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Runs a program and captures what it wrote, for the tests of arenactl on
 * the host and in the test VMs:
 *
 *	static struct run_result res;
 *
 *	TAP_EXPECT_OK(RUN(&res, "/bin/arenactl", "--help"));
 *	TAP_EXPECT_EQ(res.status, 0);
 *	TAP_EXPECT(strstr(res.out, "usage"));
 */
#ifndef ARENA_RUN_H
#define ARENA_RUN_H

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* More than any output under test; the rest is read and dropped. */
#define RUN_BUF_SIZE	16384

struct run_result {
	/* the exit code, or 128 + the signal that ended the program */
	int status;
	char out[RUN_BUF_SIZE];
	char err[RUN_BUF_SIZE];
};

struct run_stream {
	int fd;
	char *buf;
	size_t len;
};

/* in: the child's stdin, or -1 for /dev/null. */
static inline void run_child(const char *path, char *const argv[],
			     int in, int out, int err)
{
	if (in < 0)
		in = open("/dev/null", O_RDONLY);

	/* Pipes and /dev/null were opened close-on-exec; dup2 clears it. */
	if (in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
		_exit(126);
	execvp(path, argv);
	_exit(127);
}

/* Reads what is there into the stream's buffer; 0 at end of file. */
static inline ssize_t run_read(struct run_stream *s)
{
	char drop[512];
	size_t room = RUN_BUF_SIZE - 1 - s->len;
	ssize_t n;

	n = room ? read(s->fd, s->buf + s->len, room) : read(s->fd, drop, sizeof(drop));
	if (n > 0 && room)
		s->len += n;
	s->buf[s->len] = 0;
	return n;
}

/*
 * Drains both pipes together: a child that fills one while we wait on the
 * other would otherwise never finish.
 */
static inline int run_drain(struct run_stream *streams)
{
	struct pollfd pfd[2];
	int open_count = 2;
	int i;

	while (open_count) {
		for (i = 0; i < 2; i++) {
			pfd[i].fd = streams[i].fd;
			pfd[i].events = POLLIN;
		}
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		for (i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || !pfd[i].revents)
				continue;
			if (run_read(&streams[i]) > 0)
				continue;
			close(streams[i].fd);
			streams[i].fd = -1;
			open_count--;
		}
	}
	return 0;
}

/* A pipe whose ends the child's exec closes, except the ones it dup2()s. */
static inline int run_pipe(int fds[2])
{
	if (pipe(fds))
		return -errno;
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	fcntl(fds[1], F_SETFD, FD_CLOEXEC);
	return 0;
}

static inline int run_wait(pid_t pid, struct run_result *res)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	res->status = WIFEXITED(status) ? WEXITSTATUS(status)
					: 128 + WTERMSIG(status);
	return 0;
}

/*
 * Runs path (searched in PATH if it has no '/') with argv, stdin from the
 * descriptor in (-1: /dev/null), and waits for it: 0 with res filled in,
 * or a negative errno if it could not be run at all (an exec failure is
 * status 127, as in the shell).
 */
static inline int run_capture_in(const char *path, char *const argv[], int in,
				 struct run_result *res)
{
	struct run_stream streams[2] = {
		{ .buf = res->out }, { .buf = res->err },
	};
	int out[2], err[2];
	int ret, i;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	ret = run_pipe(out);
	if (ret)
		return ret;
	ret = run_pipe(err);
	if (ret) {
		close(out[0]);
		close(out[1]);
		return ret;
	}
	pid = fork();
	if (pid == 0)
		run_child(path, argv, in, out[1], err[1]);
	ret = pid < 0 ? -errno : 0;
	close(out[1]);
	close(err[1]);
	streams[0].fd = out[0];
	streams[1].fd = err[0];
	if (!ret)
		ret = run_drain(streams);
	/* Closed read ends end a child that is still writing: SIGPIPE. */
	for (i = 0; i < 2; i++)
		if (streams[i].fd >= 0)
			close(streams[i].fd);
	if (pid > 0) {
		int wret = run_wait(pid, res);

		if (!ret)
			ret = wret;
	}
	return ret;
}

static inline int run_capture(const char *path, char *const argv[],
			      struct run_result *res)
{
	return run_capture_in(path, argv, -1, res);
}

/* Runs path with the arguments given after it, path itself as argv[0]. */
#define RUN(res, path, ...)							\
	run_capture(path, (char *[]){ path, __VA_ARGS__, NULL }, res)

/* What the program wrote, as TAP comments: for a check that failed. */
static inline void run_dump(const struct run_result *res)
{
	const char *names[] = { "stdout", "stderr" };
	const char *texts[] = { res->out, res->err };
	const char *p;
	size_t len;
	int i;

	printf("# exit status %d\n", res->status);
	for (i = 0; i < 2; i++) {
		for (p = texts[i]; *p; p += len + (p[len] == '\n')) {
			len = strcspn(p, "\n");
			printf("# %s: %.*s\n", names[i], (int)len, p);
		}
	}
}

#endif /* ARENA_RUN_H */
