// SPDX-License-Identifier: GPL-2.0
/*
 * arenactl: the command line over libarena.
 *
 *	arenactl [--device PATH] [--verbose] COMMAND [ARGS]
 *
 * Exit status: 0 on success, 1 when the device or the library failed,
 * 2 for a command line this program does not understand.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libarena.h"

#define EXIT_USAGE	2

struct cmd_ctx {
	const char *device;
};

struct cmd {
	const char *name;
	const char *args;
	const char *help;
	int (*fn)(const struct cmd_ctx *ctx, int argc, char **argv);
};

static void usage(FILE *f);

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
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
static int fail(const char *verb, const char *object, int err)
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
static int bad_option(int c, char **argv)
{
	if (c == ':')
		return usage_error("option '%s' needs an argument",
				   argv[optind - 1]);
	return usage_error("unknown option '%s'", argv[optind - 1]);
}

/* A JSON string: module_version comes from the kernel, quote it safely. */
static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void version_print_json(const struct arena_version *ver)
{
	printf("{\"abi_version\":%u,\"page_size\":%u,\"features\":\"0x%llx\",",
	       ver->abi_version, ver->page_size,
	       (unsigned long long)ver->features);
	printf("\"module_version\":");
	json_string(ver->module_version);
	printf(",\"library_version\":");
	json_string(libarena_version_string());
	printf("}\n");
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
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	LIBARENA_OPTS(arena_dev_opts, opts, .path = ctx->device);
	struct arena_version ver;
	struct arena_dev *dev;
	bool json = false;
	int c, err;

	while ((c = getopt_long(argc, argv, ":j", longopts, NULL)) != -1) {
		if (c != 'j')
			return bad_option(c, argv);
		json = true;
	}
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
	if (json)
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

static const struct cmd cmds[] = {
	{ "version", "[--json]", "the module's ABI, page size, features and versions", cmd_version },
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
