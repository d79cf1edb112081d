/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What arenactl's command files share: the command table's shape, the
 * exit codes, error reporting, and how an object on the command line
 * becomes a file descriptor of this process.
 */
#ifndef ARENACTL_H
#define ARENACTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <getopt.h>

#include "libarena.h"

#define EXIT_USAGE	2

/* Options of the whole program, read before the command's. */
struct cmd_ctx {
	const char *device;
};

/* One verb of an object kind ("arena info"), or a top-level command. */
struct cmd {
	const char *name;
	const char *args;
	const char *help;
	int (*fn)(const struct cmd_ctx *ctx, int argc, char **argv);
};

/* The object kinds: each file arena.c, ring.c, ... defines one. */
extern const struct cmd arena_cmds[], ring_cmds[], array_cmds[], prog_cmds[];
extern const size_t arena_ncmds, ring_ncmds, array_ncmds, prog_ncmds;

/* main.c: messages on stderr, and the exit code that goes with them. */
int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int fail(const char *verb, const char *object, int err);
int bad_option(int c, char **argv);
/* Runs the verb argv[1] of the table; argv[0] is the kind. */
int cmd_dispatch(const struct cmd_ctx *ctx, const struct cmd *cmds, size_t n,
		 int argc, char **argv);

/*
 * The options every verb takes (--json; "--" ends them), in getopt's
 * words: argv[optind..] are left for the verb.  0, or the usage error's
 * exit code.  extra: more long options (NULL-terminated), whose values
 * go to on_opt, which returns 0 or an exit code.
 */
struct verb_opts {
	bool json;
};
int verb_getopt(int argc, char **argv, struct verb_opts *vo,
		const struct option *extra,
		int (*on_opt)(int c, const char *arg, void *priv), void *priv);

/* Numbers on the command line: all of the word, any base strtoull knows. */
int parse_u64(const char *s, uint64_t *v);

/*
 * Objects on the command line: "fd FD" (this process's, e.g. inherited from
 * `arenactl arena create -- CMD`) or "pid PID fd FD" (another process's,
 * copied with pidfd_getfd(2): the kernel checks ptrace permission).
 * obj_ref_args() reads the words at optind and moves it past them; when
 * last, nothing may follow them ("arena info").  obj_ref_open() gives a
 * file descriptor of this process, the caller's to close.  Both return 0,
 * or the exit code, with the message printed.
 */
struct obj_ref {
	int pid;	/* 0: this process */
	int fd;		/* in that process */
	char name[48];	/* "pid 12 fd 3", for messages */
};
int obj_ref_args(const char *verb, int argc, char **argv, struct obj_ref *ref, bool last);
int obj_ref_open(const struct obj_ref *ref, int *fdp);

/*
 * /proc, or $ARENACTL_PROC_ROOT in the test build (tests/unit/cli.c builds
 * a fake one), for the listings and fdinfo.
 */
const char *proc_root(void);

/* The "key:\tvalue" line of /proc/PID/fdinfo/FD (pid 0: self) into val. */
int fdinfo_get(int pid, int fd, const char *key, char *val, size_t len);

/*
 * Every open object of the kind ("arena", "ring", "array", "prog") in every
 * process this user may look at, as one row each: pid, fd, comm, then
 * the keys of its fdinfo, as text or a JSON array.
 */
int obj_list(const char *kind, const char *const *keys, bool json);
/*
 * `VERB_KIND list [--json]`: obj_list() of kind behind the verb's command
 * line ("ring list" lists the files named "ringbuf").
 */
int obj_list_verb(const char *verb_kind, const char *kind, const char *const *keys,
		  int argc, char **argv);

/* Hex bytes, 16 a line with the offset first (base added), as xxd does. */
void hexdump(const void *data, size_t len, uint64_t base);
/* Hex bytes with no separator, as JSON strings and --ctx take them. */
void hex_string(const void *data, size_t len);
/* Parses hex digits (even count, no prefix) into buf; the length, or -1. */
long hex_parse(const char *s, void *buf, size_t room);

/*
 * The index of the first "--" in argv, or argc: what a create verb's
 * options and words are read up to (getopt would swallow the "--").
 */
int cmd_split(int argc, char **argv);

/*
 * `KIND create ... -- CMD [ARGS]`: runs CMD with fd open in it (not
 * close-on-exec) and its number in the environment variable env, as
 * flock(1) does with its lock.  Returns only on failure: the exit code.
 */
int exec_with_fd(int fd, const char *env, char **cmd);

#endif /* ARENACTL_H */
