// SPDX-License-Identifier: GPL-2.0
/*
 * arenactl against the real module: what `version` prints, as text and as
 * JSON, and the object commands on objects that another process (a child
 * of this test, the holder) created and holds: arenactl reaches them with
 * pidfd_getfd(2) and finds them in /proc.  The initramfs has the static
 * arenactl in /bin.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arena_kmod.h>

#include "dev.h"
#include "insns.h"
#include "libarena.h"
#include "run.h"
#include "tap.h"
#include "vmtest.h"

#define ARENACTL_PATH	"/bin/arenactl"

static struct run_result res;

/* A run that succeeded says nothing on stderr. */
static void expect_ok_run(void)
{
	TAP_EXPECT_EQ(res.status, 0);
	TAP_EXPECT_STREQ(res.err, "");
}

/* The number on the text output's "<key>: <number>" line, or -1. */
static long text_field(const char *key)
{
	const char *p = res.out;
	size_t len = strlen(key);

	for (; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, len) && p[len] == ':')
			return strtol(p + len + 1, NULL, 0);
	return -1;
}

static void version_text(void)
{
	int failures = tap_failures;

	TAP_EXPECT_OK(RUN(&res, ARENACTL_PATH, "version"));
	expect_ok_run();
	TAP_EXPECT_EQ(text_field("abi_version"), ARENA_ABI_VERSION);
	TAP_EXPECT_EQ(text_field("page_size"), sysconf(_SC_PAGESIZE));
	TAP_EXPECT(strstr(res.out, "module_version:") != NULL);
	if (tap_failures != failures)
		run_dump(&res);
}

static void version_json(void)
{
	int failures = tap_failures;
	char page[64];

	snprintf(page, sizeof(page), "\"page_size\":%ld,",
		 sysconf(_SC_PAGESIZE));
	TAP_EXPECT_OK(RUN(&res, ARENACTL_PATH, "version", "--json"));
	expect_ok_run();
	TAP_EXPECT(res.out[0] == '{');
	TAP_EXPECT(strstr(res.out, "\"abi_version\":1,") != NULL);
	TAP_EXPECT(strstr(res.out, page) != NULL);
	TAP_EXPECT(strstr(res.out, "\"module_version\":\"") != NULL);
	TAP_EXPECT(strstr(res.out, "}\n") != NULL);
	if (tap_failures != failures)
		run_dump(&res);
}

/* The holder: a child process and the numbers of its objects' fds. */
struct holder {
	pid_t pid;
	int arena_fd, ring_fd, array_fd, prog_fd;
	int release;		/* closing it lets the holder exit */
};

static struct holder holder;

static const char hello[] = "hello";

/*
 * In the child: an arena of 4 pages with "hello" on page 1 only, a ring
 * with two records, an array with value 2 set, a program; their fd numbers
 * go up the pipe, and the child waits until the test closes the other one.
 */
static void holder_make(struct holder *h, int up)
{
	static const struct bpf_insn insns[] = { I_MOV64_IMM(0, 42), I_EXIT() };
	static char log[4096];
	LIBARENA_OPTS(arena_prog_load_opts, lopts, .name = "cli_prog", .log_buf = log,
		      .log_size = sizeof(log), .log_level = 1);
	__u64 value = 0x1122334455667788ULL;
	struct arena_map *arena;
	struct arena_dev *dev;
	char *mem;

	if (arena_dev__open(NULL, &dev) ||
	    arena_dev__arena_create(dev, 4, NULL, &arena) ||
	    arena_map__mmap(arena, (void **)&mem))
		_exit(2);
	memcpy(mem + sysconf(_SC_PAGESIZE), hello, sizeof(hello));
	h->arena_fd = arena_map__fd(arena);
	h->ring_fd = dev_ringbuf_new(0, 4096);
	h->array_fd = dev_array_new(0, 8, 4);
	if (h->ring_fd < 0 || h->array_fd < 0 ||
	    arena_ringbuf__output(h->ring_fd, "abc", 3, 0) ||
	    arena_ringbuf__output(h->ring_fd, "0123456789", 10, 0) ||
	    arena_array__update(h->array_fd, 2, &value))
		_exit(3);
	if (arena_dev__prog_load(dev, insns, 2, &lopts, &h->prog_fd)) {
		printf("# holder: the program: %s\n", log);
		_exit(4);
	}
	if (write(up, h, sizeof(*h)) != sizeof(*h))
		_exit(5);
}

static int holder_start(void)
{
	int up[2], down[2];
	pid_t pid;
	char c;

	if (pipe(up) || pipe(down))
		return -1;
	holder.pid = fork();
	if (holder.pid == 0) {
		close(up[0]);
		close(down[1]);
		holder_make(&holder, up[1]);
		/* EOF when the test is done with us. */
		if (read(down[0], &c, 1) < 0)
			_exit(6);
		_exit(0);
	}
	close(up[1]);
	close(down[0]);
	pid = holder.pid;
	/* The child's copy: its fds; its pid field is fork's 0 there. */
	if (pid < 0 || read(up[0], &holder, sizeof(holder)) != sizeof(holder))
		return -1;
	holder.pid = pid;
	holder.release = down[1];
	close(up[0]);
	return 0;
}

static void holder_stop(void)
{
	close(holder.release);
	waitpid(holder.pid, NULL, 0);
}

/* "pid P" and "fd F" of the holder, as words for arenactl. */
static char hpid[16], hfd[16];

static void holder_ref(int fd)
{
	snprintf(hpid, sizeof(hpid), "%d", holder.pid);
	snprintf(hfd, sizeof(hfd), "%d", fd);
}

#define ARENACTL(...)	RUN(&res, ARENACTL_PATH, __VA_ARGS__)

/* res.out has the text; shows the run when it has not. */
static void expect_out_has(const char *text)
{
	if (!strstr(res.out, text)) {
		tap_fail(__FILE__, __LINE__, "expected \"%s\" in the output", text);
		run_dump(&res);
	}
}

/* Listings name the holder's objects by pid and fd, with the fdinfo's facts. */
static void lists_find_holder(void)
{
	char row[96];

	TAP_EXPECT_OK(ARENACTL("arena", "list"));
	expect_ok_run();
	snprintf(row, sizeof(row), "pid %d fd %d comm cli pages 4 ", holder.pid,
		 holder.arena_fd);
	expect_out_has(row);
	expect_out_has("arena_flags 0x0 pages_in_use 1\n");
	TAP_EXPECT_OK(ARENACTL("ring", "list", "--json"));
	expect_ok_run();
	snprintf(row, sizeof(row), "{\"pid\":%d,\"fd\":%d,\"comm\":\"cli\",\"data_size\":4096,",
		 holder.pid, holder.ring_fd);
	expect_out_has(row);
	TAP_EXPECT_OK(ARENACTL("array", "list"));
	snprintf(row, sizeof(row), "pid %d fd %d comm cli value_size 8 max_entries 4 ",
		 holder.pid, holder.array_fd);
	expect_out_has(row);
	TAP_EXPECT_OK(ARENACTL("prog", "list"));
	snprintf(row, sizeof(row), "pid %d fd %d comm cli name cli_prog insns 2 funcs 1 ",
		 holder.pid, holder.prog_fd);
	expect_out_has(row);
}

static void arena_info_other_process(void)
{
	holder_ref(holder.arena_fd);
	TAP_EXPECT_OK(ARENACTL("arena", "info", "--json", "pid", hpid, "fd", hfd));
	expect_ok_run();
	expect_out_has("{\"pages\":4,\"user_addr\":\"0x");
	expect_out_has("\"pages_in_use\":1}\n");
	/* An fd that is no arena: the module's ioctl says so. */
	holder_ref(holder.ring_fd);
	TAP_EXPECT_OK(ARENACTL("arena", "info", "pid", hpid, "fd", hfd));
	TAP_EXPECT_EQ(res.status, 1);
	TAP_EXPECT_STREQ(res.out, "");
	TAP_EXPECT(strstr(res.err, "Inappropriate ioctl") != NULL);
}

/* Only page 1 is shown, and asking about the others left them absent. */
static void arena_dump_present_only(void)
{
	char line[64];

	holder_ref(holder.arena_fd);
	TAP_EXPECT_OK(ARENACTL("arena", "dump", "pid", hpid, "fd", hfd));
	expect_ok_run();
	snprintf(line, sizeof(line), "%08lx: 6865 6c6c 6f00 0000", sysconf(_SC_PAGESIZE));
	expect_out_has("page 1 at 0x");
	expect_out_has(line);
	TAP_EXPECT(strstr(res.out, "page 0 ") == NULL);
	TAP_EXPECT(strstr(res.out, "page 2 ") == NULL);
	TAP_EXPECT_OK(ARENACTL("arena", "info", "pid", hpid, "fd", hfd));
	expect_out_has("pages_in_use:    1\n");
	TAP_EXPECT_OK(ARENACTL("arena", "dump", "--json", "pid", hpid, "fd", hfd, "page", "2",
			       "count", "2"));
	expect_ok_run();
	TAP_EXPECT_STREQ(res.out, "[]\n");
}

/* Positions first, then the records, one a line, until the count. */
static void ring_info_consume(void)
{
	holder_ref(holder.ring_fd);
	TAP_EXPECT_OK(ARENACTL("ring", "info", "pid", hpid, "fd", hfd));
	expect_ok_run();
	/* Records of 3 and 10 bytes: 8-byte headers, 8-byte alignment. */
	expect_out_has("consumer_pos:    0\nproducer_pos:    40\n");
	TAP_EXPECT_OK(ARENACTL("ring", "consume", "--json", "--count", "1", "pid", hpid, "fd",
			       hfd));
	expect_ok_run();
	TAP_EXPECT_STREQ(res.out, "{\"size\":3,\"data\":\"616263\"}\n");
	TAP_EXPECT_OK(ARENACTL("ring", "consume", "--count", "1", "pid", hpid, "fd", hfd));
	expect_ok_run();
	TAP_EXPECT_STREQ(res.out, "30313233343536373839\n");
	TAP_EXPECT_OK(ARENACTL("ring", "info", "--json", "pid", hpid, "fd", hfd));
	expect_out_has("\"consumer_pos\":40,\"producer_pos\":40,");
}

static void array_lookup_update(void)
{
	holder_ref(holder.array_fd);
	TAP_EXPECT_OK(ARENACTL("array", "lookup", "pid", hpid, "fd", hfd, "key", "2"));
	expect_ok_run();
	TAP_EXPECT_STREQ(res.out, "key:             2\nvalue:           8877665544332211\n");
	TAP_EXPECT_OK(ARENACTL("array", "update", "pid", hpid, "fd", hfd, "key", "1", "value",
			       "00ff00ff00ff00ff"));
	expect_ok_run();
	TAP_EXPECT_OK(ARENACTL("array", "lookup", "--json", "pid", hpid, "fd", hfd, "key", "1"));
	TAP_EXPECT_STREQ(res.out, "{\"key\":1,\"value\":\"00ff00ff00ff00ff\"}\n");
	TAP_EXPECT_OK(ARENACTL("array", "lookup", "pid", hpid, "fd", hfd, "key", "4"));
	TAP_EXPECT_EQ(res.status, 1);
}

static void prog_info_dump_run(void)
{
	holder_ref(holder.prog_fd);
	TAP_EXPECT_OK(ARENACTL("prog", "dump", "xlated", "pid", hpid, "fd", hfd));
	expect_ok_run();
	TAP_EXPECT_STREQ(res.out, "    0: mov %r0, 42\n    1: exit\n");
	TAP_EXPECT_OK(ARENACTL("prog", "run", "--repeat", "3", "pid", hpid, "fd", hfd));
	expect_ok_run();
	expect_out_has("retval:          42\n");
	TAP_EXPECT_OK(ARENACTL("prog", "info", "--json", "pid", hpid, "fd", hfd));
	expect_ok_run();
	expect_out_has("{\"name\":\"cli_prog\",\"insns\":2,\"funcs\":1,\"objects\":0,");
}

/* Root gets the machine code: one hex line per 16 bytes of it. */
static void prog_dump_jited_root(void)
{
	long lines = 0, jited_len;
	const char *p;

	if (dev_native_jit() == PROG_JIT_NONE) {
		printf("# no JIT on this architecture: nothing to dump\n");
		return;
	}
	holder_ref(holder.prog_fd);
	TAP_EXPECT_OK(ARENACTL("prog", "info", "pid", hpid, "fd", hfd));
	jited_len = text_field("jited_bytes");
	TAP_EXPECT(jited_len > 0);
	TAP_EXPECT_OK(ARENACTL("prog", "dump", "jited", "pid", hpid, "fd", hfd));
	expect_ok_run();
	TAP_EXPECT(!strncmp(res.out, "00000000: ", 10));
	for (p = res.out; (p = strchr(p, '\n')); p++)
		lines++;
	TAP_EXPECT_EQ(lines, (jited_len + 15) / 16);
}

/*
 * Another user, with the program's fd handed down (pidfd_getfd on root's
 * process would be refused first): the module refuses the code, and
 * arenactl says why.
 */
static void dump_as_nobody(void *arg)
{
	int fd = *(int *)arg;

	(void)arg;
	snprintf(hfd, sizeof(hfd), "%d", fd);
	TAP_EXPECT_OK(setgid(65534) || setuid(65534) ? -errno : 0);
	TAP_EXPECT_OK(ARENACTL("prog", "dump", "jited", "fd", hfd));
	TAP_EXPECT_EQ(res.status, 1);
	TAP_EXPECT_STREQ(res.out, "");
	TAP_EXPECT(strstr(res.err, "only root (CAP_SYS_ADMIN) may read it") != NULL);
	if (tap_failures)
		run_dump(&res);
	/* The instructions are not secret. */
	TAP_EXPECT_OK(ARENACTL("prog", "dump", "xlated", "fd", hfd));
	TAP_EXPECT_EQ(res.status, 0);
}

static void prog_dump_jited_eperm(void)
{
	static const struct bpf_insn insns[] = { I_MOV64_IMM(0, 1), I_EXIT() };
	struct arena_dev *dev;
	int fd = -1;

	if (dev_native_jit() == PROG_JIT_NONE) {
		printf("# no JIT on this architecture: nothing to refuse\n");
		return;
	}
	TAP_EXPECT_OK(arena_dev__open(NULL, &dev));
	/* Not close-on-exec: arenactl inherits it. */
	TAP_EXPECT_OK(arena_dev__prog_load(dev, insns, 2, NULL, &fd));
	arena_dev__close(dev);
	TAP_EXPECT_OK(fcntl(fd, F_SETFD, 0) ? -errno : 0);
	EXPECT_EXITED_0(child_run(dump_as_nobody, &fd));
	close(fd);
}

/* arena create: CMD runs with the arena, and arenactl lists it in CMD's name. */
static void arena_create_for_command(void)
{
	TAP_EXPECT_OK(ARENACTL("arena", "create", "pages", "2", "--", ARENACTL_PATH,
			       "arena", "info", "fd", "$ARENA_FD"));
	/* No shell: the variable is not expanded, and that is a usage error. */
	TAP_EXPECT_EQ(res.status, 2);
	TAP_EXPECT_OK(ARENACTL("arena", "create", "pages", "2", "flags", "segv_on_fault", "--",
			       "sh", "-c", ARENACTL_PATH " arena info --json fd $ARENA_FD"));
	expect_ok_run();
	TAP_EXPECT_STREQ(res.out, "{\"pages\":2,\"user_addr\":\"0x0\",\"flags\":\"0x1\","
				  "\"pages_in_use\":0}\n");
	TAP_EXPECT_OK(ARENACTL("ring", "create", "size", "8192", "overwrite", "--",
			       "sh", "-c", ARENACTL_PATH " ring info fd $RING_FD"));
	expect_ok_run();
	expect_out_has("data_size:       8192\nflags:           0x1\n");
}

/*
 * consume streams: a record written while it waits comes out at once, on
 * its line; SIGTERM ends it with status 0.
 */
static void ring_consume_streams_until_signal(void)
{
	char line[64] = "", fd_word[16];
	int ring = dev_ringbuf_new(0, 4096), out[2], status = -1;
	ssize_t n = 0;
	pid_t pid;

	TAP_EXPECT(ring >= 0);
	TAP_EXPECT_OK(fcntl(ring, F_SETFD, 0) || pipe(out) ? -errno : 0);
	snprintf(fd_word, sizeof(fd_word), "%d", ring);
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(out[1], 1);
		execl(ARENACTL_PATH, "arenactl", "ring", "consume", "fd", fd_word, (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	TAP_EXPECT_OK(arena_ringbuf__output(ring, "xy", 2, 0));
	while (n >= 0 && !strchr(line, '\n') && (size_t)n < sizeof(line) - 1) {
		ssize_t got = read(out[0], line + n, sizeof(line) - 1 - n);

		n = got > 0 ? n + got : -1;
	}
	TAP_EXPECT_STREQ(line, "7879\n");
	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	TAP_EXPECT(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(out[0]);
	close(ring);
}

/* tests/loader/calls.bpf.c, which the harness puts in /data/loader. */
#define CALLS_OBJ	"/data/loader/calls.bpf.o"

/* call_chain returns twice_plus_one(20); with_loop 0+1+2+3+4 + twice(1). */
static void prog_run_object_file(void)
{
	TAP_EXPECT_OK(ARENACTL("prog", "run", CALLS_OBJ));
	expect_ok_run();
	expect_out_has("retval:          41\n");
	TAP_EXPECT_OK(ARENACTL("prog", "run", "--json", "--repeat", "2", CALLS_OBJ, "with_loop"));
	expect_ok_run();
	expect_out_has("{\"retval\":12,");
}

/* CMD holds the loaded programs: arenactl finds them there by fd. */
static void prog_load_for_command(void)
{
	TAP_EXPECT_OK(ARENACTL("prog", "load", CALLS_OBJ, "--", "sh", "-c",
			       ARENACTL_PATH " prog info fd $PROG_FD && "
			       ARENACTL_PATH " prog run fd $PROG_FD"));
	expect_ok_run();
	expect_out_has("name:            call_chain\n");
	expect_out_has("retval:          41\n");
}

static const struct tap_test tests[] = {
	{ "cli", "version-text", version_text },
	{ "cli", "version-json", version_json },
	{ "cli", "lists-find-holder", lists_find_holder },
	{ "cli", "arena-info-other-process", arena_info_other_process },
	{ "cli", "arena-dump-present-only", arena_dump_present_only },
	{ "cli", "ring-info-consume", ring_info_consume },
	{ "cli", "ring-consume-streams-until-signal", ring_consume_streams_until_signal },
	{ "cli", "array-lookup-update", array_lookup_update },
	{ "cli", "prog-info-dump-run", prog_info_dump_run },
	{ "cli", "prog-dump-jited-root", prog_dump_jited_root },
	{ "cli", "prog-dump-jited-eperm", prog_dump_jited_eperm },
	{ "cli", "create-for-command", arena_create_for_command },
	{ "cli", "prog-run-object-file", prog_run_object_file },
	{ "cli", "prog-load-for-command", prog_load_for_command },
};

int main(void)
{
	int ret;

	if (holder_start()) {
		printf("not ok - cli/holder-start\n");
		return 1;
	}
	ret = tap_run(tests, sizeof(tests) / sizeof(tests[0]));
	holder_stop();
	return ret;
}
