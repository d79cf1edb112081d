// SPDX-License-Identifier: GPL-2.0
/*
 * arenactl's command line on the host, where no module is loaded: help,
 * usage errors, and how it reports a device it cannot use.  The binary
 * under test is ARENACTL_PATH, built with the sanitizers by the Makefile.
 * The object commands run against the fake module (any fd is every kind
 * of object) and a fake /proc that cli_proc_make() builds, which the test
 * build of arenactl-fake reads from $ARENACTL_PROC_ROOT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "run.h"
#include "tap.h"

#define ARENACTL(res, ...)	RUN(res, ARENACTL_PATH, __VA_ARGS__)

/*
 * The same arenactl linked with the fake module of fake_module.h, which
 * answers on any file, with module_version the given string.
 */
#define ARENACTL_FAKE(res, module_version, ...)					\
	(setenv("ARENA_FAKE_MODULE", module_version, 1),			\
	 RUN(res, ARENACTL_FAKE_PATH, __VA_ARGS__))

/* One buffer for all: the results are too big for a test's stack. */
static struct run_result res;

/* Checks the exit status, and shows the whole run if anything failed. */
static void expect_status(int status)
{
	int failures = tap_failures;

	TAP_EXPECT_EQ(res.status, status);
	if (tap_failures != failures)
		run_dump(&res);
}

static void help_to_stdout(void)
{
	char *ways[] = { "--help", "-h", "help" };
	size_t i;

	for (i = 0; i < sizeof(ways) / sizeof(ways[0]); i++) {
		TAP_EXPECT_OK(ARENACTL(&res, ways[i]));
		TAP_EXPECT(strstr(res.out, "usage") != NULL);
		TAP_EXPECT(strstr(res.out, "version") != NULL);
		TAP_EXPECT_STREQ(res.err, "");
		expect_status(0);
	}
}

static void unknown_command(void)
{
	TAP_EXPECT_OK(ARENACTL(&res, "frobnicate"));
	TAP_EXPECT(strstr(res.err, "usage") != NULL);
	TAP_EXPECT(strstr(res.err, "frobnicate") != NULL);
	TAP_EXPECT_STREQ(res.out, "");
	expect_status(2);
}

static void no_command(void)
{
	TAP_EXPECT_OK(ARENACTL(&res, "--device", "/dev/null"));
	TAP_EXPECT(strstr(res.err, "usage") != NULL);
	expect_status(2);
}

static void unknown_options(void)
{
	/* Our message, first, and not getopt's as well. */
	TAP_EXPECT_OK(ARENACTL(&res, "--frobnicate", "version"));
	TAP_EXPECT(!strncmp(res.err, "arenactl: unknown option '--frobnicate'\n",
			    strlen("arenactl: unknown option '--frobnicate'\n")));
	TAP_EXPECT(strstr(res.err, "usage") != NULL);
	expect_status(2);
	TAP_EXPECT_OK(ARENACTL(&res, "version", "--frobnicate"));
	TAP_EXPECT(strstr(res.err, "--frobnicate") != NULL);
	expect_status(2);
	/* The command's options are read before the device is opened. */
	TAP_EXPECT_OK(ARENACTL(&res, "-d", "/nonexistent", "version", "-x"));
	TAP_EXPECT(strstr(res.err, "'-x'") != NULL);
	expect_status(2);
	TAP_EXPECT_OK(ARENACTL(&res, "--device"));
	TAP_EXPECT(strstr(res.err, "needs an argument") != NULL);
	expect_status(2);
}

static void missing_device(void)
{
	TAP_EXPECT_OK(ARENACTL(&res, "--device", "/nonexistent", "version"));
	TAP_EXPECT(strstr(res.err, "arenactl: open /nonexistent: No such file or directory") != NULL);
	TAP_EXPECT_STREQ(res.out, "");
	expect_status(1);
}

/* A character device that is not /dev/arena: a failure, not a usage error. */
static void other_device_json(void)
{
	TAP_EXPECT_OK(ARENACTL(&res, "--device", "/dev/null", "version", "--json"));
	TAP_EXPECT(strstr(res.err, "Inappropriate ioctl for device") != NULL);
	TAP_EXPECT_STREQ(res.out, "");
	expect_status(1);
}

/* --verbose passes on the library's own message, which names the path. */
static void verbose_shows_library(void)
{
	TAP_EXPECT_OK(ARENACTL(&res, "-v", "-d", "/nonexistent", "version"));
	TAP_EXPECT(strstr(res.err, "libarena: open /nonexistent") != NULL);
	expect_status(1);
	TAP_EXPECT_OK(ARENACTL(&res, "-d", "/nonexistent", "version"));
	TAP_EXPECT(strstr(res.err, "libarena:") == NULL);
	expect_status(1);
}

static void version_text(void)
{
	TAP_EXPECT_OK(ARENACTL_FAKE(&res, "9.8.7", "-d", "/dev/null", "version"));
	TAP_EXPECT_STREQ(res.out, "abi_version:     1\n"
				  "page_size:       4096\n"
				  "features:        0x1f\n"
				  "module_version:  9.8.7\n"
				  "library_version: " LIBARENA_VERSION "\n");
	TAP_EXPECT_STREQ(res.err, "");
	expect_status(0);
}

static void version_json(void)
{
	TAP_EXPECT_OK(ARENACTL_FAKE(&res, "9.8.7", "-d", "/dev/null", "version", "--json"));
	TAP_EXPECT_STREQ(res.out, "{\"abi_version\":1,\"page_size\":4096,"
				  "\"features\":\"0x1f\","
				  "\"module_version\":\"9.8.7\","
				  "\"library_version\":\"" LIBARENA_VERSION "\"}\n");
	TAP_EXPECT_STREQ(res.err, "");
	expect_status(0);
}

/* module_version comes from the kernel: quoted, whatever it holds. */
static void version_json_escapes(void)
{
	TAP_EXPECT_OK(ARENACTL_FAKE(&res, "a\"b\\c\x01", "-d", "/dev/null",
				    "version", "--json"));
	TAP_EXPECT(strstr(res.out, "\"module_version\":\"a\\\"b\\\\c\\u0001\",") != NULL);
	expect_status(0);
}

/* Exit code 2, nothing on stdout, and the message that says why. */
static void expect_usage(const char *msg)
{
	int failures = tap_failures;

	TAP_EXPECT(strstr(res.err, msg) != NULL);
	TAP_EXPECT_STREQ(res.out, "");
	TAP_EXPECT_EQ(res.status, 2);
	if (tap_failures != failures)
		run_dump(&res);
}

static char proc_root[64];

static void proc_write(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", proc_root, rel);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void proc_mkdir(const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", proc_root, rel);
	mkdir(path, 0700);
}

static void proc_link(const char *rel, const char *target)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", proc_root, rel);
	if (symlink(target, path))
		perror(path);
}

/*
 * Two processes: 200 "owner" holds an arena at fd 5 (and /dev/null at 4,
 * which is no object), 100 "reader" a ring at 3 and an arena at 7; and
 * "self", whose fd 0 is an array of the fake's shape.
 */
static int cli_proc_make(void)
{
	static const char arena_fdinfo[] = "pos:\t0\nflags:\t02\nmnt_id:\t15\nino:\t99\n"
		"arena_type:\tarena\npages:\t%d\nuser_addr:\t0x100000000\narena_flags:\t0x1\n"
		"pages_in_use:\t%d\n";
	char text[256];

	snprintf(proc_root, sizeof(proc_root), "/tmp/arenactl-proc.XXXXXX");
	if (!mkdtemp(proc_root))
		return -1;
	setenv("ARENACTL_PROC_ROOT", proc_root, 1);
	proc_mkdir("200");
	proc_mkdir("200/fd");
	proc_mkdir("200/fdinfo");
	proc_write("200/comm", "owner\n");
	proc_link("200/fd/4", "/dev/null");
	proc_link("200/fd/5", "arena_kmod:[arena]");
	snprintf(text, sizeof(text), arena_fdinfo, 16, 3);
	proc_write("200/fdinfo/5", text);
	proc_mkdir("100");
	proc_mkdir("100/fd");
	proc_mkdir("100/fdinfo");
	proc_write("100/comm", "reader\n");
	proc_link("100/fd/3", "arena_kmod:[ringbuf]");
	proc_write("100/fdinfo/3", "pos:\t0\narena_type:\tringbuf\ndata_size:\t4096\n");
	proc_link("100/fd/7", "arena_kmod:[arena]");
	snprintf(text, sizeof(text), arena_fdinfo, 1, 0);
	proc_write("100/fdinfo/7", text);
	proc_mkdir("self");
	proc_mkdir("self/fdinfo");
	proc_write("self/fdinfo/0", "pos:\t0\narena_type:\tarray\nvalue_size:\t4\n"
		   "max_entries:\t4\narray_flags:\t0x1\n");
	return 0;
}

static void cli_proc_remove(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", proc_root);
	if (proc_root[0] && system(cmd))
		fprintf(stderr, "# %s failed\n", cmd);
}

#define FAKE(...)	ARENACTL_FAKE(&res, "9.8.7", "-d", "/dev/null", __VA_ARGS__)

/* Sorted by pid, the fdinfo's flags (not the file's) and no /dev/null. */
static void arena_list_text(void)
{
	TAP_EXPECT_OK(FAKE("arena", "list"));
	TAP_EXPECT_STREQ(res.out,
		"pid 100 fd 7 comm reader pages 1 user_addr 0x100000000 arena_flags 0x1 pages_in_use 0\n"
		"pid 200 fd 5 comm owner pages 16 user_addr 0x100000000 arena_flags 0x1 pages_in_use 3\n");
	TAP_EXPECT_STREQ(res.err, "");
	expect_status(0);
}

static void arena_list_json(void)
{
	TAP_EXPECT_OK(FAKE("arena", "list", "--json"));
	TAP_EXPECT_STREQ(res.out,
		"[{\"pid\":100,\"fd\":7,\"comm\":\"reader\",\"pages\":1,"
		"\"user_addr\":\"0x100000000\",\"arena_flags\":\"0x1\",\"pages_in_use\":0},"
		"{\"pid\":200,\"fd\":5,\"comm\":\"owner\",\"pages\":16,"
		"\"user_addr\":\"0x100000000\",\"arena_flags\":\"0x1\",\"pages_in_use\":3}]\n");
	expect_status(0);
}

static void ring_list_empty_json(void)
{
	TAP_EXPECT_OK(FAKE("prog", "list", "--json"));
	TAP_EXPECT_STREQ(res.out, "[]\n");
	expect_status(0);
	TAP_EXPECT_OK(FAKE("ring", "list"));
	TAP_EXPECT_STREQ(res.out, "pid 100 fd 3 comm reader data_size 4096\n");
	expect_status(0);
}

static void arena_info_text_json(void)
{
	TAP_EXPECT_OK(FAKE("arena", "info", "fd", "0"));
	TAP_EXPECT_STREQ(res.out, "pages:           4\n"
				  "user_addr:       0x100000000\n"
				  "flags:           0x1\n"
				  "pages_in_use:    2\n");
	TAP_EXPECT_STREQ(res.err, "");
	expect_status(0);
	TAP_EXPECT_OK(FAKE("arena", "info", "--json", "fd", "0"));
	TAP_EXPECT_STREQ(res.out, "{\"pages\":4,\"user_addr\":\"0x100000000\","
				  "\"flags\":\"0x1\",\"pages_in_use\":2}\n");
	expect_status(0);
}

/*
 * The fake's pages 1 and 3 of 4, read from a memfd given as fd 0 (stdin),
 * which the dump maps; the others are neither shown nor read.
 */
static void arena_dump_present_pages(void)
{
	int fd = memfd_create("cli-arena", MFD_CLOEXEC);

	TAP_EXPECT(fd >= 0 && !ftruncate(fd, 4 * 4096));
	TAP_EXPECT_EQ(pwrite(fd, "hi", 2, 3 * 4096), 2);
	setenv("ARENA_FAKE_MODULE", "9.8.7", 1);
	TAP_EXPECT_OK(run_capture_in(ARENACTL_FAKE_PATH,
				     (char *[]){ ARENACTL_FAKE_PATH, "arena", "dump", "fd", "0",
						 NULL }, fd, &res));
	TAP_EXPECT(strstr(res.out, "page 1 at 0x") != NULL);
	TAP_EXPECT(strstr(res.out, "page 3 at 0x") != NULL);
	TAP_EXPECT(strstr(res.out, "00003000: 6869 0000") != NULL);
	TAP_EXPECT(strstr(res.out, "page 0 ") == NULL);
	TAP_EXPECT(strstr(res.out, "page 2 ") == NULL);
	expect_status(0);
	close(fd);
}

/* The real arenactl on a file that is no arena: the ioctl's answer. */
static void arena_info_not_arena(void)
{
	TAP_EXPECT_OK(ARENACTL(&res, "arena", "info", "fd", "0"));
	TAP_EXPECT_STREQ(res.err, "arenactl: arena fd 0: Inappropriate ioctl for device\n");
	TAP_EXPECT_STREQ(res.out, "");
	expect_status(1);
}

static void object_usage_errors(void)
{
	TAP_EXPECT_OK(ARENACTL(&res, "arena", "info"));
	expect_usage("expected an object: [pid PID] fd FD");
	TAP_EXPECT_OK(ARENACTL(&res, "arena", "info", "pid", "x", "fd", "3"));
	expect_usage("bad pid 'x'");
	TAP_EXPECT_OK(ARENACTL(&res, "arena", "info", "fd", "1x"));
	expect_usage("bad fd '1x'");
	TAP_EXPECT_OK(ARENACTL(&res, "arena", "info", "fd", "0", "more"));
	expect_usage("unexpected argument 'more'");
	TAP_EXPECT_OK(ARENACTL(&res, "arena", "frob"));
	expect_usage("arena: unknown verb 'frob'");
	TAP_EXPECT_OK(ARENACTL(&res, "ring"));
	expect_usage("ring: no verb given");
	TAP_EXPECT_OK(ARENACTL(&res, "prog", "dump", "source", "fd", "0"));
	expect_usage("xlated or jited?");
	TAP_EXPECT_OK(ARENACTL(&res, "ring", "consume", "--count", "0", "fd", "0"));
	expect_usage("bad count '0'");
	TAP_EXPECT_OK(ARENACTL(&res, "prog", "run", "--ctx", "abc", "fd", "0"));
	expect_usage("--ctx takes hex digits");
}

/* A process this user may not trace, or none: pidfd's errors, exit 1. */
static void other_process_missing(void)
{
	TAP_EXPECT_OK(ARENACTL(&res, "ring", "info", "pid", "2147483647", "fd", "3"));
	TAP_EXPECT_STREQ(res.err,
		"arenactl: pidfd_open pid 2147483647 fd 3: No such process\n");
	expect_status(1);
}

static void create_usage_errors(void)
{
	TAP_EXPECT_OK(ARENACTL(&res, "arena", "create", "pages", "2"));
	expect_usage("no command: ... -- CMD [ARGS]");
	TAP_EXPECT_OK(ARENACTL(&res, "arena", "create", "flags", "fast", "--", "true"));
	expect_usage("unknown flag 'fast'");
	TAP_EXPECT_OK(ARENACTL(&res, "arena", "create", "pages", "many", "--", "true"));
	expect_usage("bad argument 'pages many'");
	TAP_EXPECT_OK(ARENACTL(&res, "ring", "create", "overwrite", "--", "true"));
	expect_usage("needs size S");
}

/* CMD runs with the fd open (not close-on-exec) and named in the environment. */
static void create_exec_inherits(void)
{
	TAP_EXPECT_OK(FAKE("arena", "create", "pages", "3", "flags", "no_user_conv", "--",
			   "sh", "-c", "test -e /proc/self/fd/$ARENA_FD && echo arena $ARENA_FD"));
	TAP_EXPECT(!strncmp(res.out, "arena ", 6));
	TAP_EXPECT_STREQ(res.err, "");
	expect_status(0);
	TAP_EXPECT_OK(FAKE("ring", "create", "size", "4096", "user", "--",
			   "sh", "-c", "test -e /proc/self/fd/$RING_FD && echo ring; exit 3"));
	TAP_EXPECT_STREQ(res.out, "ring\n");
	/* CMD's exit status is arenactl's: it became CMD. */
	expect_status(3);
	TAP_EXPECT_OK(FAKE("ring", "create", "size", "4096", "--", "/nonexistent/cmd"));
	TAP_EXPECT(strstr(res.err, "exec /nonexistent/cmd: No such file") != NULL);
	expect_status(127);
}

static void ring_info_text_json(void)
{
	TAP_EXPECT_OK(FAKE("ring", "info", "fd", "0"));
	TAP_EXPECT_STREQ(res.out, "data_size:       4096\n"
				  "flags:           0x1\n"
				  "consumer_pos:    16\n"
				  "producer_pos:    48\n"
				  "avail_data:      32\n"
				  "overwrite_pos:   0\n");
	expect_status(0);
	TAP_EXPECT_OK(FAKE("ring", "info", "--json", "fd", "0"));
	TAP_EXPECT_STREQ(res.out, "{\"data_size\":4096,\"flags\":\"0x1\",\"consumer_pos\":16,"
				  "\"producer_pos\":48,\"avail_data\":32,\"overwrite_pos\":0}\n");
	expect_status(0);
}

static void array_info_lookup(void)
{
	TAP_EXPECT_OK(FAKE("array", "info", "fd", "0"));
	TAP_EXPECT_STREQ(res.out, "value_size:      4\n"
				  "max_entries:     4\n"
				  "flags:           0x1\n");
	expect_status(0);
	TAP_EXPECT_OK(FAKE("array", "lookup", "fd", "0", "key", "2"));
	TAP_EXPECT_STREQ(res.out, "key:             2\n"
				  "value:           02030405\n");
	expect_status(0);
	TAP_EXPECT_OK(FAKE("array", "lookup", "--json", "fd", "0", "key", "1"));
	TAP_EXPECT_STREQ(res.out, "{\"key\":1,\"value\":\"01020304\"}\n");
	expect_status(0);
	TAP_EXPECT_OK(FAKE("array", "lookup", "fd", "0", "key", "4"));
	TAP_EXPECT_STREQ(res.err, "arenactl: array lookup fd 0: No such file or directory\n");
	expect_status(1);
	/* Not an array: no fdinfo lines of one (fd 1 has no file in the fake /proc). */
	TAP_EXPECT_OK(FAKE("array", "info", "fd", "1"));
	TAP_EXPECT(strstr(res.err, "arenactl: array fd 1:") != NULL);
	expect_status(1);
}

static void array_update(void)
{
	TAP_EXPECT_OK(FAKE("array", "update", "fd", "0", "key", "3", "value", "0a0B0c0d"));
	TAP_EXPECT_STREQ(res.out, "");
	TAP_EXPECT_STREQ(res.err, "");
	expect_status(0);
	TAP_EXPECT_OK(FAKE("array", "update", "fd", "0", "key", "3", "value", "0a0b"));
	expect_usage("value must be 4 bytes of hex");
	TAP_EXPECT_OK(FAKE("array", "update", "fd", "0", "key", "9", "value", "00000000"));
	TAP_EXPECT_STREQ(res.err, "arenactl: array update fd 0: Argument list too long\n");
	expect_status(1);
}

static void prog_info_text_json(void)
{
	TAP_EXPECT_OK(FAKE("prog", "info", "fd", "0"));
	TAP_EXPECT_STREQ(res.out, "name:            fake_prog\n"
				  "insns:           8\n"
				  "funcs:           1\n"
				  "objects:         2\n"
				  "ctx_size:        4\n"
				  "jit:             x86_64\n"
				  "xlated_bytes:    64\n"
				  "jited_bytes:     9\n");
	expect_status(0);
	TAP_EXPECT_OK(FAKE("prog", "info", "--json", "fd", "0"));
	TAP_EXPECT_STREQ(res.out, "{\"name\":\"fake_prog\",\"insns\":8,\"funcs\":1,"
				  "\"objects\":2,\"ctx_size\":4,\"jit\":\"x86_64\","
				  "\"xlated_bytes\":64,\"jited_bytes\":9}\n");
	expect_status(0);
}

/* The conformance assembler's syntax; lddw takes two slots. */
static void prog_dump_xlated(void)
{
	TAP_EXPECT_OK(FAKE("prog", "dump", "xlated", "fd", "0"));
	TAP_EXPECT_STREQ(res.out, "    0: mov %r0, 42\n"
				  "    1: lddw %r1, 0x100000002\n"
				  "    3: ldxw %r2, [%r1+4]\n"
				  "    4: jeq32 %r2, -1, +1\n"
				  "    5: lock fetch add [%r10-8], %r2\n"
				  "    6: call helper 130\n"
				  "    7: exit\n");
	TAP_EXPECT_STREQ(res.err, "");
	expect_status(0);
	TAP_EXPECT_OK(FAKE("prog", "dump", "xlated", "--json", "fd", "0"));
	TAP_EXPECT(!strncmp(res.out, "[{\"index\":0,\"insn\":\"mov %r0, 42\","
			    "\"code\":\"b70000002a000000\"},{\"index\":1,",
			    strlen("[{\"index\":0,\"insn\":\"mov %r0, 42\","
				   "\"code\":\"b70000002a000000\"},{\"index\":1,")));
	TAP_EXPECT(strstr(res.out, "{\"index\":7,\"insn\":\"exit\",\"code\":"
			  "\"9500000000000000\"}]\n") != NULL);
	expect_status(0);
}

static void prog_dump_jited(void)
{
	TAP_EXPECT_OK(FAKE("prog", "dump", "jited", "fd", "0"));
	TAP_EXPECT_STREQ(res.out, "00000000: f30f 1efa 5548 89e5 c3\n");
	expect_status(0);
	TAP_EXPECT_OK(FAKE("prog", "dump", "jited", "--json", "fd", "0"));
	TAP_EXPECT_STREQ(res.out, "{\"jit\":\"x86_64\",\"bytes\":9,"
				  "\"code\":\"f30f1efa554889e5c3\"}\n");
	expect_status(0);
	setenv("ARENA_FAKE_EPERM", "1", 1);
	TAP_EXPECT_OK(FAKE("prog", "dump", "jited", "fd", "0"));
	unsetenv("ARENA_FAKE_EPERM");
	TAP_EXPECT(strstr(res.err, "only root (CAP_SYS_ADMIN) may read it") != NULL);
	TAP_EXPECT_STREQ(res.out, "");
	expect_status(1);
	TAP_EXPECT_OK(FAKE("prog", "dump", "xlated", "--disasm", "fd", "0"));
	expect_usage("--disasm is for jited");
}

/* objdump (binutils, which gcc brings) reads the code as x86-64. */
static void prog_dump_jited_disasm(void)
{
	TAP_EXPECT_OK(FAKE("prog", "dump", "jited", "--disasm", "fd", "0"));
	TAP_EXPECT(strstr(res.out, "f3 0f 1e fa") && strstr(res.out, "endbr64"));
	TAP_EXPECT(strstr(res.out, "push   %rbp") != NULL);
	expect_status(0);
}

static void prog_run(void)
{
	TAP_EXPECT_OK(FAKE("prog", "run", "--repeat", "5", "--ctx", "0102", "fd", "0"));
	TAP_EXPECT_STREQ(res.out, "retval:          5\n"
				  "duration_ns:     7\n"
				  "ctx_out:         02010000\n");
	expect_status(0);
	TAP_EXPECT_OK(FAKE("prog", "run", "--json", "fd", "0"));
	TAP_EXPECT_STREQ(res.out, "{\"retval\":1,\"duration_ns\":7,\"ctx_out\":\"00000000\"}\n");
	expect_status(0);
	TAP_EXPECT_OK(FAKE("prog", "run", "--ctx", "0102030405", "fd", "0"));
	TAP_EXPECT_STREQ(res.err, "arenactl: prog run fd 0: Invalid argument\n");
	expect_status(1);
}

#define CALLS_OBJ	LOADER_OBJ_DIR "/calls.bpf.o"

/*
 * Object files through the loader: the fake loads anything, and runs
 * answer the repeat count; the program's name picks it, else the first.
 */
static void prog_run_object_file(void)
{
	TAP_EXPECT_OK(FAKE("prog", "run", "--repeat", "4", CALLS_OBJ, "with_loop"));
	TAP_EXPECT_STREQ(res.out, "retval:          4\nduration_ns:     7\n");
	TAP_EXPECT_STREQ(res.err, "");
	expect_status(0);
	TAP_EXPECT_OK(FAKE("prog", "run", "--json", CALLS_OBJ));
	TAP_EXPECT_STREQ(res.out, "{\"retval\":1,\"duration_ns\":7}\n");
	expect_status(0);
	TAP_EXPECT_OK(FAKE("prog", "run", CALLS_OBJ, "nonesuch"));
	TAP_EXPECT(strstr(res.err, "no program nonesuch in") != NULL);
	expect_status(1);
	TAP_EXPECT_OK(FAKE("prog", "run", "/nonexistent.o"));
	TAP_EXPECT_STREQ(res.err, "arenactl: open /nonexistent.o: No such file or directory\n");
	expect_status(1);
}

/* CMD inherits every fd of the object, named in the environment. */
static void prog_load_for_command(void)
{
	TAP_EXPECT_OK(FAKE("prog", "load", CALLS_OBJ, "--", "sh", "-c",
			   "test -e /proc/self/fd/$PROG_FD && echo \"$ARENA_OBJECT_FDS\""));
	TAP_EXPECT(!strncmp(res.out, "prog:call_chain=", strlen("prog:call_chain=")));
	TAP_EXPECT(strstr(res.out, " prog:with_loop=") != NULL);
	expect_status(0);
	TAP_EXPECT_OK(FAKE("prog", "load", CALLS_OBJ));
	expect_usage("no command: ... -- CMD [ARGS]");
	TAP_EXPECT_OK(FAKE("prog", "load", "--", "true"));
	expect_usage("which object file?");
}

static const struct tap_test tests[] = {
	{ "cli", "help-to-stdout", help_to_stdout },
	{ "cli", "unknown-command-usage-error", unknown_command },
	{ "cli", "no-command-usage-error", no_command },
	{ "cli", "unknown-options-usage-error", unknown_options },
	{ "cli", "missing-device-fails", missing_device },
	{ "cli", "other-device-json-fails", other_device_json },
	{ "cli", "verbose-shows-library-messages", verbose_shows_library },
	{ "cli", "version-text", version_text },
	{ "cli", "version-json", version_json },
	{ "cli", "version-json-escapes", version_json_escapes },
	{ "cli", "arena-list-text", arena_list_text },
	{ "cli", "arena-list-json", arena_list_json },
	{ "cli", "list-empty-and-other-kinds", ring_list_empty_json },
	{ "cli", "arena-info-text-json", arena_info_text_json },
	{ "cli", "arena-dump-present-pages", arena_dump_present_pages },
	{ "cli", "arena-info-not-an-arena-fails", arena_info_not_arena },
	{ "cli", "object-usage-errors", object_usage_errors },
	{ "cli", "other-process-missing-fails", other_process_missing },
	{ "cli", "create-usage-errors", create_usage_errors },
	{ "cli", "create-exec-inherits-fd", create_exec_inherits },
	{ "cli", "ring-info-text-json", ring_info_text_json },
	{ "cli", "array-info-lookup", array_info_lookup },
	{ "cli", "array-update", array_update },
	{ "cli", "prog-info-text-json", prog_info_text_json },
	{ "cli", "prog-dump-xlated", prog_dump_xlated },
	{ "cli", "prog-dump-jited", prog_dump_jited },
	{ "cli", "prog-dump-jited-disasm", prog_dump_jited_disasm },
	{ "cli", "prog-run", prog_run },
	{ "cli", "prog-run-object-file", prog_run_object_file },
	{ "cli", "prog-load-for-command", prog_load_for_command },
};

int main(void)
{
	int ret;

	if (cli_proc_make()) {
		perror("mkdtemp");
		return 1;
	}
	ret = tap_run(tests, sizeof(tests) / sizeof(tests[0]));
	cli_proc_remove();
	return ret;
}
