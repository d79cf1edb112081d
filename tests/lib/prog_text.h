/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the VM tests that load programs written in the conformance suite's
 * assembly (tests/conformance/asm.h), objects named by index: "ldmap %r1,
 * 0".  Loads carry a level-1 log in log_buf, shown when a load fails.
 */
#ifndef ARENA_TEST_PROG_TEXT_H
#define ARENA_TEST_PROG_TEXT_H

#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include <arena_kmod.h>

#include "asm.h"
#include "dev.h"
#include "tap.h"

#define LOG_SIZE	4096

static char log_buf[LOG_SIZE];

static inline struct bpf_insn *assemble(const char *text, uint32_t *n)
{
	struct bpf_insn *insns = NULL;
	char err[256];

	if (asm_assemble(text, &insns, n, err, sizeof(err))) {
		tap_fail(__FILE__, __LINE__, "assembling: %s", err);
		*n = 0;
	}
	return insns;
}

/* A load request for insns with a log at level 1 and the GPL. */
static inline struct prog_load load_req(const struct bpf_insn *insns, uint32_t n)
{
	struct prog_load req = {
		.size = sizeof(req),
		.insns = (uintptr_t)insns,
		.insn_cnt = n,
		.log_level = 1,
		.log_buf = (uintptr_t)log_buf,
		.log_size = sizeof(log_buf),
		.license = (uintptr_t)"GPL",
	};

	log_buf[0] = '\0';
	return req;
}

static inline int load_raw(struct prog_load *req)
{
	return dev_ioctl(PROG_IOC_LOAD, req);
}

/* Loads text with objects (fds) and ctx_size: the fd, or -errno. */
static inline int load_text(const char *text, const int *fds, uint32_t nr_fds, uint32_t ctx_size)
{
	struct prog_load req;
	struct bpf_insn *insns;
	uint32_t n;
	int fd;

	insns = assemble(text, &n);
	req = load_req(insns, n);
	req.obj_fds = (uintptr_t)fds;
	req.nr_objs = nr_fds;
	req.ctx_size = ctx_size;
	fd = load_raw(&req);
	free(insns);
	return fd;
}

static inline int load_must(const char *text, const int *fds, uint32_t nr_fds, uint32_t ctx_size)
{
	int fd = load_text(text, fds, nr_fds, ctx_size);

	if (fd < 0)
		tap_fail(__FILE__, __LINE__, "load: %s; log: %s", strerror(-fd), log_buf);
	return fd;
}

static inline int run_raw(int prog_fd, struct prog_run *req)
{
	return ioctl(prog_fd, PROG_IOC_RUN, req) ? -errno : 0;
}

/* Runs once with ctx (ctx_size bytes in and out); r0, or ~0 on failure. */
static inline uint64_t run_ctx(int prog_fd, void *ctx, uint32_t ctx_size)
{
	struct prog_run req = {
		.size = sizeof(req),
		.ctx_in = (uintptr_t)ctx,
		.ctx_size_in = ctx_size,
		.ctx_out = (uintptr_t)ctx,
		.ctx_size_out = ctx_size,
	};
	int err = run_raw(prog_fd, &req);

	TAP_EXPECT_OK(err);
	return err ? ~0ULL : req.retval;
}

#endif /* ARENA_TEST_PROG_TEXT_H */
