// SPDX-License-Identifier: GPL-2.0
/*
 * `arenactl ring create|list|info|consume`.  consume is libarena's ring
 * consumer (the one that reads the kernel's BPF rings too), printing each
 * record on a line of its own until a count is reached or a signal comes.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "arenactl.h"
#include "fields.h"
#include "json.h"

static const char *const ring_list_keys[] = {
	"data_size", "ring_flags", "consumer_pos", "producer_pos", "overwrite_pos", NULL,
};

static int ring_create_cmd(const struct cmd_ctx *ctx, int argc, char **argv)
{
	LIBARENA_OPTS(arena_ringbuf_opts, opts);
	LIBARENA_OPTS(arena_dev_opts, dev_opts, .path = ctx->device);
	struct arena_dev *dev;
	struct verb_opts vo;
	int i, err, fd, dash = cmd_split(argc, argv);
	uint64_t size = 0;

	err = verb_getopt(dash, argv, &vo, NULL, NULL, NULL);
	if (err)
		return err;
	for (i = optind; i < dash; i++) {
		if (!strcmp(argv[i], "size") && i + 1 < dash && !parse_u64(argv[i + 1], &size))
			i++;
		else if (!strcmp(argv[i], "user"))
			opts.flags |= RINGBUF_F_USER;
		else if (!strcmp(argv[i], "overwrite"))
			opts.flags |= RINGBUF_F_OVERWRITE;
		else
			return usage_error("ring create: bad argument '%s'", argv[i]);
	}
	if (!size)
		return usage_error("ring create: needs size S");
	if (dash + 1 >= argc)
		return usage_error("ring create: no command: ... -- CMD [ARGS]");
	err = arena_dev__open(&dev_opts, &dev);
	if (err)
		return fail("open", ctx->device, err);
	err = arena_dev__ringbuf_create(dev, size, &opts, &fd);
	arena_dev__close(dev);
	if (err)
		return fail("ring create", NULL, err);
	return exec_with_fd(fd, "RING_FD", argv + dash + 1);
}

static int ring_list_cmd(const struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	return obj_list_verb("ring", "ringbuf", ring_list_keys, argc, argv);
}

/* The ring of "[pid PID] fd FD", with nothing after it. */
static int ring_open_ref(const char *verb, int argc, char **argv, struct obj_ref *ref,
			 int *fdp)
{
	int err = obj_ref_args(verb, argc, argv, ref, true);

	return err ?: obj_ref_open(ref, fdp);
}

static int ring_info_cmd(const struct cmd_ctx *ctx, int argc, char **argv)
{
	struct ringbuf_info info = { .size = sizeof(info) };
	struct obj_ref ref;
	struct verb_opts vo;
	int err, fd;

	(void)ctx;
	err = verb_getopt(argc, argv, &vo, NULL, NULL, NULL);
	if (err)
		return err;
	err = ring_open_ref("ring info", argc, argv, &ref, &fd);
	if (err)
		return err;
	err = ioctl(fd, RINGBUF_IOC_QUERY, &info) ? -errno : 0;
	close(fd);
	if (err)
		return fail("ring info", ref.name, err);
	fields_begin(vo.json);
	field_u64("data_size", info.data_size);
	field_hex("flags", info.flags);
	field_u64("consumer_pos", info.consumer_pos);
	field_u64("producer_pos", info.producer_pos);
	field_u64("avail_data", info.avail_data);
	field_u64("overwrite_pos", info.overwrite_pos);
	fields_end();
	return 0;
}

struct ring_consume {
	bool json;
	uint64_t count;		/* 0: until a signal */
	uint64_t seen;
};

static volatile sig_atomic_t ring_stop;

static void ring_on_signal(int sig)
{
	(void)sig;
	ring_stop = 1;
}

static int ring_print_record(void *ctx, void *data, size_t size)
{
	struct ring_consume *c = ctx;

	if (c->json) {
		json_object_begin();
		json_key("size");
		json_u64(size);
		json_key("data");
		json_bytes(data, size);
		json_object_end();
	} else {
		hex_string(data, size);
	}
	putchar('\n');
	/* Each record as it comes: the reader may be a pipe waiting for it. */
	fflush(stdout);
	c->seen++;
	/* A negative return stops the consumer after this record. */
	return c->count && c->seen >= c->count ? -ECANCELED : 0;
}

static int ring_consume_opt(int c, const char *arg, void *priv)
{
	struct ring_consume *rc = priv;

	(void)c;
	if (parse_u64(arg, &rc->count) || !rc->count)
		return usage_error("ring consume: bad count '%s'", arg);
	return 0;
}

/* SIGINT and SIGTERM end the wait (no SA_RESTART: poll returns EINTR). */
static void ring_catch_signals(void)
{
	struct sigaction sa = { .sa_handler = ring_on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static int ring_consume_cmd(const struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "count", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct ring_consume rc = { 0 };
	struct arena_ring_buffer *rb;
	struct obj_ref ref;
	struct verb_opts vo;
	int err, fd;

	(void)ctx;
	err = verb_getopt(argc, argv, &vo, opts, ring_consume_opt, &rc);
	if (err)
		return err;
	rc.json = vo.json;
	err = ring_open_ref("ring consume", argc, argv, &ref, &fd);
	if (err)
		return err;
	rb = arena_ring_buffer__new(fd, ring_print_record, &rc, NULL);
	if (!rb) {
		err = -errno;
		close(fd);
		return fail("ring consume", ref.name, err);
	}
	ring_catch_signals();
	err = 0;
	while (!ring_stop && err >= 0)
		err = arena_ring_buffer__poll(rb, -1);
	arena_ring_buffer__free(rb);
	close(fd);
	if (err == -ECANCELED || err == -EINTR || ring_stop)
		return 0;
	return err < 0 ? fail("ring consume", ref.name, err) : 0;
}

const struct cmd ring_cmds[] = {
	{ "create", "size S [user|overwrite] -- CMD [ARGS]",
	  "a new ring for CMD, which finds its fd in $RING_FD", ring_create_cmd },
	{ "list", "[--json]", "every ring open in a process this user may see", ring_list_cmd },
	{ "info", "[--json] [pid PID] fd FD", "size, flags and positions", ring_info_cmd },
	{ "consume", "[--json] [--count N] [pid PID] fd FD",
	  "records as hex (or JSON), one a line, until N or a signal", ring_consume_cmd },
};

const size_t ring_ncmds = sizeof(ring_cmds) / sizeof(ring_cmds[0]);
