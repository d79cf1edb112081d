/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the tests that hand a file descriptor to another process: one
 * message of len bytes over a unix socket, with an fd attached
 * (SCM_RIGHTS) when fd >= 0.  Failures are said as failed checks.
 */
#ifndef ARENA_TEST_SCM_H
#define ARENA_TEST_SCM_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "tap.h"

static inline bool scm_send(int sock, const void *buf, size_t len, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;

	if (fd >= 0) {
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	if (sendmsg(sock, &mh, 0) == (ssize_t)len)
		return true;
	tap_fail(__FILE__, __LINE__, "sendmsg: %s", strerror(errno));
	return false;
}

/* *fd (if fdp is not NULL) gets the attached fd, close-on-exec, or -1. */
static inline bool scm_recv(int sock, void *buf, size_t len, int *fdp)
{
	char cbuf[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm;
	ssize_t n = recvmsg(sock, &mh, MSG_WAITALL | MSG_CMSG_CLOEXEC);

	if (fdp)
		*fdp = -1;
	if (n != (ssize_t)len) {
		tap_fail(__FILE__, __LINE__, "recvmsg: %zd (%s)", n,
			 n < 0 ? strerror(errno) : "short");
		return false;
	}
	cm = CMSG_FIRSTHDR(&mh);
	if (fdp && cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
		memcpy(fdp, CMSG_DATA(cm), sizeof(int));
	return true;
}

#endif /* ARENA_TEST_SCM_H */
