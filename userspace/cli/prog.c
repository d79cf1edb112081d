// SPDX-License-Identifier: GPL-2.0
/*
 * `arenactl prog list|info|dump xlated|jited|run` on a program that a
 * process holds.  Everything comes from PROG_IOC_INFO, asked twice when a
 * dump is wanted: once for the lengths, once with room for them.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "arenactl.h"
#include "disasm.h"
#include "fields.h"
#include "json.h"
#include "prog.h"

static const char *const prog_list_keys[] = {
	"name", "insns", "funcs", "jited_bytes", "objects", NULL,
};

static const char *prog_jit_name(__u32 jit)
{
	switch (jit) {
	case PROG_JIT_NONE: return "interpreter";
	case PROG_JIT_X86_64: return "x86_64";
	case PROG_JIT_ARM64: return "arm64";
	}
	return "unknown";
}

static int prog_list_cmd(const struct cmd_ctx *ctx, int argc, char **argv)
{
	(void)ctx;
	return obj_list_verb("prog", "prog", prog_list_keys, argc, argv);
}

/* The program of "[pid PID] fd FD" at optind, and what PROG_IOC_INFO says of it. */
static int prog_open(int argc, char **argv, struct obj_ref *ref, int *fdp,
		     struct prog_info *info)
{
	int err = obj_ref_args("prog", argc, argv, ref, false);

	if (err)
		return err;
	err = obj_ref_open(ref, fdp);
	if (err)
		return err;
	memset(info, 0, sizeof(*info));
	err = arena_prog__info(*fdp, info, sizeof(*info));
	if (err) {
		close(*fdp);
		return fail("prog", ref->name, err);
	}
	return 0;
}

static int prog_info_cmd(const struct cmd_ctx *ctx, int argc, char **argv)
{
	struct prog_info info;
	struct obj_ref ref;
	struct verb_opts vo;
	char name[sizeof(info.name) + 1];
	int err, fd;

	(void)ctx;
	err = verb_getopt(argc, argv, &vo, NULL, NULL, NULL);
	if (err)
		return err;
	err = prog_open(argc, argv, &ref, &fd, &info);
	if (err)
		return err;
	close(fd);
	if (optind < argc)
		return usage_error("prog info: unexpected argument '%s'", argv[optind]);
	snprintf(name, sizeof(name), "%.*s", (int)sizeof(info.name), info.name);
	fields_begin(vo.json);
	field_str("name", name);
	field_u64("insns", info.insn_cnt);
	field_u64("funcs", info.nr_funcs);
	field_u64("objects", info.nr_objs);
	field_u64("ctx_size", info.ctx_size);
	field_str("jit", prog_jit_name(info.jit));
	field_u64("xlated_bytes", info.xlated_len);
	field_u64("jited_bytes", info.jited_len);
	fields_end();
	return 0;
}

static void prog_print_xlated(const struct bpf_insn *insns, size_t n, bool json)
{
	char text[96];
	size_t i;
	int used;

	if (json)
		json_array_begin();
	for (i = 0; i < n; i += used) {
		used = disasm_insn(insns + i, n - i, text, sizeof(text));
		if (!json) {
			printf("%5zu: %s\n", i, text);
			continue;
		}
		json_object_begin();
		json_key("index");
		json_u64(i);
		json_key("insn");
		json_string(text);
		json_key("code");
		json_bytes(insns + i, used * sizeof(*insns));
		json_object_end();
	}
	if (json) {
		json_array_end();
		putchar('\n');
	}
}

/*
 * objdump's disassembly of the machine code: written to a temporary file,
 * which objdump reads as a raw binary of the JIT's architecture.
 */
static int prog_objdump(const void *code, size_t len, __u32 jit)
{
	char path[] = "/tmp/arenactl-jited.XXXXXX";
	const char *machine = jit == PROG_JIT_ARM64 ? "aarch64" : "i386:x86-64";
	int fd, status = -1;
	pid_t pid;

	fd = mkstemp(path);
	if (fd < 0)
		return fail("dump jited: mkstemp", NULL, -errno);
	if (write(fd, code, len) != (ssize_t)len) {
		close(fd);
		unlink(path);
		return fail("dump jited: write", path, -EIO);
	}
	close(fd);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		execlp("objdump", "objdump", "-D", "-b", "binary", "-m", machine, path,
		       (char *)NULL);
		fprintf(stderr, "arenactl: exec objdump: %s\n", strerror(errno));
		_exit(127);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	unlink(path);
	if (pid < 0)
		return fail("dump jited: fork", NULL, -errno);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : EXIT_FAILURE;
}

struct prog_dump_opts {
	bool disasm;
};

static int prog_dump_opt(int c, const char *arg, void *priv)
{
	(void)c;
	(void)arg;
	((struct prog_dump_opts *)priv)->disasm = true;
	return 0;
}

static int prog_dump_print(const struct prog_info *info, const void *buf, bool jited,
			   const struct prog_dump_opts *dopts, bool json)
{
	size_t len = jited ? info->jited_len : info->xlated_len;

	if (!jited) {
		prog_print_xlated(buf, len / sizeof(struct bpf_insn), json);
		return 0;
	}
	if (dopts->disasm)
		return prog_objdump(buf, len, info->jit);
	if (!json) {
		hexdump(buf, len, 0);
		return 0;
	}
	fields_begin(true);
	field_str("jit", prog_jit_name(info->jit));
	field_u64("bytes", len);
	field_bytes("code", buf, len);
	fields_end();
	return 0;
}

static int prog_dump_cmd(const struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "disasm", no_argument, NULL, 'D' },
		{ NULL, 0, NULL, 0 },
	};
	struct prog_dump_opts dopts = { 0 };
	struct prog_info info;
	struct obj_ref ref;
	struct verb_opts vo;
	bool jited;
	void *buf;
	int err, fd;

	(void)ctx;
	err = verb_getopt(argc, argv, &vo, opts, prog_dump_opt, &dopts);
	if (err)
		return err;
	if (optind >= argc || (strcmp(argv[optind], "xlated") && strcmp(argv[optind], "jited")))
		return usage_error("prog dump: xlated or jited?");
	jited = !strcmp(argv[optind++], "jited");
	if (dopts.disasm && !jited)
		return usage_error("prog dump: --disasm is for jited");
	err = prog_open(argc, argv, &ref, &fd, &info);
	if (err)
		return err;
	if (optind < argc) {
		close(fd);
		return usage_error("prog dump: unexpected argument '%s'", argv[optind]);
	}
	if (jited && !info.jited_len) {
		close(fd);
		fprintf(stderr, "arenactl: prog dump jited %s: not compiled (%s)\n", ref.name,
			prog_jit_name(info.jit));
		return EXIT_FAILURE;
	}
	buf = calloc(1, jited ? info.jited_len : info.xlated_len);
	if (!buf) {
		close(fd);
		return fail("prog dump", ref.name, -ENOMEM);
	}
	if (jited)
		info.jited = (uintptr_t)buf;
	else
		info.xlated = (uintptr_t)buf;
	err = arena_prog__info(fd, &info, sizeof(info));
	close(fd);
	if (err == -EPERM)
		fprintf(stderr, "arenactl: prog dump jited %s: the machine code holds kernel "
			"addresses: only root (CAP_SYS_ADMIN) may read it\n", ref.name);
	else if (err)
		fail("prog dump", ref.name, err);
	else
		err = prog_dump_print(&info, buf, jited, &dopts, vo.json);
	free(buf);
	return err < 0 ? EXIT_FAILURE : err;
}

static int prog_run_opt(int c, const char *arg, void *priv)
{
	struct prog_run_args *ra = priv;

	if (c == 'c') {
		ra->ctx_hex = arg;
		return 0;
	}
	if (parse_u64(arg, &ra->repeat) || ra->repeat > UINT32_MAX)
		return usage_error("prog run: bad repeat count '%s'", arg);
	return 0;
}

int prog_run_fd(int fd, __u32 ctx_size, const struct prog_run_args *ra, const char *name)
{
	LIBARENA_OPTS(arena_prog_run_opts, ro);
	unsigned char ctx_out[PROG_CTX_MAX];
	int err;

	ro.repeat = ra->repeat;
	ro.ctx_in = ra->ctx_len ? ra->ctx : NULL;
	ro.ctx_size_in = ra->ctx_len;
	ro.ctx_out = ctx_size ? ctx_out : NULL;
	ro.ctx_size_out = ctx_size;
	err = arena_prog__run(fd, &ro);
	if (err)
		return fail("prog run", name, err);
	fields_begin(ra->json);
	field_u64("retval", ro.retval);
	field_u64("duration_ns", ro.duration_ns);
	if (ro.ctx_size_out)
		field_bytes("ctx_out", ro.ctx_out, ro.ctx_size_out);
	fields_end();
	return 0;
}

static int prog_run_cmd(const struct cmd_ctx *ctx, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "repeat", required_argument, NULL, 'r' },
		{ "ctx", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	struct prog_run_args ra = { .repeat = 1 };
	struct prog_info info;
	struct obj_ref ref;
	struct verb_opts vo;
	int err, fd;

	err = verb_getopt(argc, argv, &vo, opts, prog_run_opt, &ra);
	if (err)
		return err;
	ra.json = vo.json;
	if (ra.ctx_hex) {
		ra.ctx_len = hex_parse(ra.ctx_hex, ra.ctx, sizeof(ra.ctx));
		if (ra.ctx_len < 0)
			return usage_error("prog run: --ctx takes hex digits, at most %u bytes",
					   PROG_CTX_MAX);
	}
	/* Not an object of a process: object files, and maybe a program's name. */
	if (optind < argc && strcmp(argv[optind], "pid") && strcmp(argv[optind], "fd"))
		return prog_object_run(ctx, argc, argv, &ra);
	err = prog_open(argc, argv, &ref, &fd, &info);
	if (err)
		return err;
	if (optind < argc) {
		close(fd);
		return usage_error("prog run: unexpected argument '%s'", argv[optind]);
	}
	err = prog_run_fd(fd, info.ctx_size, &ra, ref.name);
	close(fd);
	return err;
}

const struct cmd prog_cmds[] = {
	{ "list", "[--json]", "every program open in a process this user may see", prog_list_cmd },
	{ "info", "[--json] [pid PID] fd FD", "name, sizes, objects, JIT", prog_info_cmd },
	{ "dump", "xlated|jited [--json] [--disasm] [pid PID] fd FD",
	  "the instructions as the verifier left them, or the machine code (root)",
	  prog_dump_cmd },
	{ "run", "[--json] [--repeat N] [--ctx HEX] [pid PID] fd FD | FILE.o... [NAME]",
	  "runs it (or NAME, or the first program of the files), as BPF_PROG_TEST_RUN does",
	  prog_run_cmd },
	{ "load", "FILE.o... -- CMD [ARGS]",
	  "loads the object for CMD: $PROG_FD, and every fd in $ARENA_OBJECT_FDS", prog_load_cmd },
};

const size_t prog_ncmds = sizeof(prog_cmds) / sizeof(prog_cmds[0]);
