/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What `arenactl prog run` shares between a program a process holds
 * (prog.c) and one loaded from an object file (prog_object.c).
 */
#ifndef ARENACTL_PROG_H
#define ARENACTL_PROG_H

#include <stdbool.h>
#include <stdint.h>

#include "arenactl.h"

struct prog_run_args {
	uint64_t repeat;
	const char *ctx_hex;
	unsigned char ctx[PROG_CTX_MAX];
	long ctx_len;
	bool json;
};

/* Runs the program behind fd and prints what came out; an exit code. */
int prog_run_fd(int fd, __u32 ctx_size, const struct prog_run_args *ra, const char *name);

/* `prog run FILE.o... [NAME]`: the words at optind. */
int prog_object_run(const struct cmd_ctx *ctx, int argc, char **argv,
		    const struct prog_run_args *ra);

/* `prog load FILE.o... -- CMD [ARGS]`. */
int prog_load_cmd(const struct cmd_ctx *ctx, int argc, char **argv);

#endif /* ARENACTL_PROG_H */
