// SPDX-License-Identifier: GPL-2.0
/*
 * arenactl: the command line over libarena.
 *
 *	arenactl [--device PATH] [--verbose] COMMAND [ARGS]
 *	arenactl [...] arena|ring|array|prog VERB [ARGS]
 *
 * Exit status: 0 on success, 1 when the device or the library failed,
 * 2 for a command line this program does not understand.
 *
 * This file: the options, the command table, version and help, and the
 * helpers every command uses; each object kind has a file of its own.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arenactl.h"
#include "json.h"

static void usage(FILE *f);

int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "arenactl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	usage(stderr);
	return EXIT_USAGE;
}

/*
 * "arenactl: <verb> [<object>]: <strerror>"; the library reports its
 * errors as negative errno.
 */
int fail(const char *verb, const char *object, int err)
{
	fprintf(stderr, "arenactl: %s%s%s: %s\n", verb, object ? " " : "",
		object ? object : "", strerror(-err));
	return EXIT_FAILURE;
}

/*
 * The library's own messages repeat what fail() says, so they are shown
 * only on request; then all of them, DEBUG included.
 */
static int print_verbose(enum libarena_print_level level, const char *fmt,
			 va_list ap)
{
	(void)level;
	return vfprintf(stderr, fmt, ap);
}

/* getopt's '?' and ':' as our own message, naming the word it stopped at. */
int bad_option(int c, char **argv)
{
	if (c == ':')
		return usage_error("option '%s' needs an argument",
				   argv[optind - 1]);
	return usage_error("unknown option '%s'", argv[optind - 1]);
}

static void version_print_json(const struct arena_version *ver)
{
	json_object_begin();
	json_key("abi_version");
	json_u64(ver->abi_version);
	json_key("page_size");
	json_u64(ver->page_size);
	json_key("features");
	json_hex(ver->features);
	json_key("module_version");
	json_string(ver->module_version);
	json_key("library_version");
	json_string(libarena_version_string());
	json_object_end();
	putchar('\n');
}

static void version_print_text(const struct arena_version *ver)
{
	printf("abi_version:     %u\n", ver->abi_version);
	printf("page_size:       %u\n", ver->page_size);
	printf("features:        0x%llx\n", (unsigned long long)ver->features);
	printf("module_version:  %s\n", ver->module_version);
	printf("library_version: %s\n", libarena_version_string());
}

static int cmd_version(const struct cmd_ctx *ctx, int argc, char **argv)
{
	LIBARENA_OPTS(arena_dev_opts, opts, .path = ctx->device);
	struct arena_version ver;
	struct verb_opts vo;
	struct arena_dev *dev;
	int err;

	err = verb_getopt(argc, argv, &vo, NULL, NULL, NULL);
	if (err)
		return err;
	if (optind < argc)
		return usage_error("version: unexpected argument '%s'",
				   argv[optind]);

	err = arena_dev__open(&opts, &dev);
	if (err) {
		fail("open", ctx->device, err);
		if (err == -EPROTO)
			fprintf(stderr, "arenactl: the module and this program speak different ABIs; --verbose says which\n");
		return EXIT_FAILURE;
	}
	err = arena_dev__version(dev, &ver);
	arena_dev__close(dev);
	if (err)
		return fail("version", NULL, err);
	if (vo.json)
		version_print_json(&ver);
	else
		version_print_text(&ver);
	return EXIT_SUCCESS;
}

static int cmd_help(const struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	(void)argc;
	(void)argv;
	usage(stdout);
	return EXIT_SUCCESS;
}

static int cmd_arena(const struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, arena_cmds, arena_ncmds, argc, argv);
}

static int cmd_ring(const struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, ring_cmds, ring_ncmds, argc, argv);
}

static int cmd_array(const struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, array_cmds, array_ncmds, argc, argv);
}

static int cmd_prog(const struct cmd_ctx *ctx, int argc, char **argv)
{
	return cmd_dispatch(ctx, prog_cmds, prog_ncmds, argc, argv);
}

static const struct cmd cmds[] = {
	{ "version", "[--json]", "the module's ABI, page size, features and versions", cmd_version },
	{ "arena", "VERB ...", "arenas: create, list, info, dump", cmd_arena },
	{ "ring", "VERB ...", "ring buffers: create, list, info, consume", cmd_ring },
	{ "array", "VERB ...", "arrays: list, info, lookup, update", cmd_array },
	{ "prog", "VERB ...", "programs: list, info, dump xlated|jited, run, load", cmd_prog },
	{ "help", "", "show this help", cmd_help },
};

static const size_t ncmds = sizeof(cmds) / sizeof(cmds[0]);

static void usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: arenactl [--device PATH] [--verbose] COMMAND [ARGS]\n"
		   "\n"
		   "  -d, --device PATH  the device node (default %s)\n"
		   "  -v, --verbose      show libarena's messages\n"
		   "  -h, --help         show this help\n"
		   "\n"
		   "commands:\n", ARENA_DEVICE_PATH);
	for (i = 0; i < ncmds; i++)
		fprintf(f, "  %-8s %-10s %s\n", cmds[i].name, cmds[i].args,
			cmds[i].help);
	fprintf(f, "\nobjects: \"fd FD\" of this process, or \"pid PID fd FD\"\n");
}

static void verbs_usage(FILE *f, const char *kind, const struct cmd *verbs, size_t n)
{
	size_t i;

	fprintf(f, "usage: arenactl %s VERB [--json] [ARGS]\n\n", kind);
	for (i = 0; i < n; i++)
		fprintf(f, "  %s %s %s\n      %s\n", kind, verbs[i].name, verbs[i].args,
			verbs[i].help);
}

int cmd_dispatch(const struct cmd_ctx *ctx, const struct cmd *verbs, size_t n,
		 int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		fprintf(stderr, "arenactl: %s: no verb given\n", argv[0]);
		verbs_usage(stderr, argv[0], verbs, n);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help")) {
		verbs_usage(stdout, argv[0], verbs, n);
		return EXIT_SUCCESS;
	}
	for (i = 0; i < n; i++)
		if (!strcmp(verbs[i].name, argv[1]))
			return verbs[i].fn(ctx, argc - 1, argv + 1);
	fprintf(stderr, "arenactl: %s: unknown verb '%s'\n", argv[0], argv[1]);
	verbs_usage(stderr, argv[0], verbs, n);
	return EXIT_USAGE;
}

int verb_getopt(int argc, char **argv, struct verb_opts *vo,
		const struct option *extra,
		int (*on_opt)(int c, const char *arg, void *priv), void *priv)
{
	struct option longopts[8] = { { "json", no_argument, NULL, 'j' } };
	size_t i;
	int c, err;

	for (i = 0; extra && extra[i].name && i + 2 < sizeof(longopts) / sizeof(longopts[0]); i++)
		longopts[i + 1] = extra[i];
	vo->json = false;
	/*
	 * Options anywhere among the verb's words (getopt moves them first);
	 * "--" ends them, so that "create ... -- CMD -x" keeps CMD's.
	 */
	while ((c = getopt_long(argc, argv, ":j", longopts, NULL)) != -1) {
		if (c == 'j') {
			vo->json = true;
			continue;
		}
		if (c == '?' || c == ':' || !on_opt)
			return bad_option(c, argv);
		err = on_opt(c, optarg, priv);
		if (err)
			return err;
	}
	return 0;
}

int parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return errno || *end ? -EINVAL : 0;
}

static const struct cmd *cmd_find(const char *name)
{
	size_t i;

	for (i = 0; i < ncmds; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

/*
 * Output goes to a pipe as often as to a terminal: a write that failed
 * (a full disk, a closed reader) is a failure of the command.
 */
static int flush_stdout(int ret)
{
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "arenactl: write: %s\n", strerror(errno));
		return EXIT_FAILURE;
	}
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct cmd_ctx ctx = { .device = ARENA_DEVICE_PATH };
	const struct cmd *cmd;
	int c;

	libarena_set_print(NULL);
	/*
	 * '+': the options after the command are the command's.  ':' (here
	 * and in the commands): getopt stays quiet, bad_option() speaks.
	 */
	while ((c = getopt_long(argc, argv, "+:d:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			ctx.device = optarg;
			break;
		case 'v':
			libarena_set_print(print_verbose);
			break;
		case 'h':
			return flush_stdout(cmd_help(&ctx, 0, NULL));
		default:
			return bad_option(c, argv);
		}
	}
	if (optind >= argc)
		return usage_error("no command given");
	cmd = cmd_find(argv[optind]);
	if (!cmd)
		return usage_error("unknown command '%s'", argv[optind]);

	argc -= optind;
	argv += optind;
	/* 0, not 1: makes getopt forget where the first scan stopped. */
	optind = 0;
	return flush_stdout(cmd->fn(&ctx, argc, argv));
}
