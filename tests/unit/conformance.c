// SPDX-License-Identifier: GPL-2.0
/*
 * The bpf_conformance suite (../shared/reference/bpf_conformance) on the
 * interpreter: every test file under tests/ must give its result (or its
 * error), alone and again after the verifier, every file under negative/ must be rejected (by the parser, with
 * the file's error text when the parser got to read it, or by a result
 * that does not match), and the plugin must answer the suite's runner as
 * the interpreter does.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "asm.h"
#include "engine.h"
#include "run.h"
#include "verdicts.h"
#include "tap.h"

#define TESTS_DIR	CONFORMANCE_DIR "/tests"
#define NEGATIVE_DIR	CONFORMANCE_DIR "/negative"
/* Upstream's suite as checked in under ../shared. */
#define EXPECTED_TESTS	313

/* The sorted *.data files of dir; their count, or -errno. */
static int list_data_files(const char *dir, char ***names)
{
	struct dirent **ents;
	int n, i, kept = 0;

	n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0)
		return -errno;
	*names = calloc(n + 1, sizeof(**names));
	for (i = 0; i < n; i++) {
		size_t len = strlen(ents[i]->d_name);

		if (*names && len > 5 && !strcmp(ents[i]->d_name + len - 5, ".data"))
			(*names)[kept++] = strndup(ents[i]->d_name, len - 5);
		free(ents[i]);
	}
	free(ents);
	return *names ? kept : -ENOMEM;
}

static void free_names(char **names, int n)
{
	while (n > 0)
		free(names[--n]);
	free(names);
}

/*
 * Parses and runs one file: 0 when its result (or error) is what the
 * interpreter gives, else -1 with the reason in why.  *parsed says whether
 * the parser accepted it.
 */
static int check_file(const char *dir, const char *stem, char *why, size_t size, bool *parsed,
		      struct asm_test *test)
{
	char path[4096], err[256] = "";
	u64 r0 = 0;
	int ret;

	snprintf(path, sizeof(path), "%s/%s.data", dir, stem);
	*parsed = !asm_load_test(path, test, err, sizeof(err));
	if (!*parsed) {
		snprintf(why, size, "parse: %s", err);
		return -1;
	}
	ret = engine_run(test->insns, test->nr_insns, test->mem, test->mem_len, &r0, err,
			 sizeof(err));
	if (test->error && ret && strstr(err, test->error))
		return 0;
	if (test->error && ret)
		snprintf(why, size, "error \"%s\", expected \"%s\"", err, test->error);
	else if (test->error)
		snprintf(why, size, "r0 = 0x%" PRIx64 ", expected error \"%s\"", r0, test->error);
	else if (ret)
		snprintf(why, size, "error \"%s\", expected 0x%" PRIx64, err, test->result);
	else if (r0 != test->result)
		snprintf(why, size, "r0 = 0x%" PRIx64 ", expected 0x%" PRIx64, r0, test->result);
	else
		return 0;
	return -1;
}

/*
 * One TAP line per file of dir.  A test file passes when its expectation
 * holds; a negative one when the pipeline rejects it, with the file's
 * error text if the parser rejected it after reading that text.
 */
static int run_files(const char *dir, char **names, int n, bool negative)
{
	char why[512], name[300];
	struct asm_test test;
	int i, failed = 0;
	bool parsed, held;

	for (i = 0; i < n; i++) {
		held = !check_file(dir, names[i], why, sizeof(why), &parsed, &test);
		if (!negative && !held)
			tap_fail(__FILE__, __LINE__, "%s", why);
		else if (negative && held)
			tap_fail(__FILE__, __LINE__, "accepted, and its expectation held");
		else if (negative && !parsed && test.error && !strstr(why, test.error))
			tap_fail(__FILE__, __LINE__, "%s; expected the message \"%s\"", why,
				 test.error);
		else if (negative)
			printf("# rejected: %s\n", why);
		asm_test_free(&test);
		snprintf(name, sizeof(name), "%s%s", negative ? "negative/" : "", names[i]);
		failed |= tap_report("conformance", name);
	}
	return failed;
}

/*
 * Each test file again through the verifier (engine_run_verified()): the
 * program must pass and give its result, unless verdicts.c lists it as one
 * the kernel rejects too; then the log must name the rule.
 */
static int run_verified(char **names, int n)
{
	char log[4096], name[300], path[4096], err[256];
	int i, failed = 0, accepted = 0;
	struct asm_test test;
	const char *rule;
	u64 r0 = 0;
	int ret;

	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s.data", TESTS_DIR, names[i]);
		if (asm_load_test(path, &test, err, sizeof(err))) {
			tap_fail(__FILE__, __LINE__, "parse: %s", err);
		} else {
			rule = verdict_expected_rejection(names[i]);
			ret = engine_run_verified(test.insns, test.nr_insns, test.mem,
						  test.mem_len, &r0, log, sizeof(log));
			accepted += !ret;
			if (rule && (ret != -EINVAL || !strstr(log, rule)))
				tap_fail(__FILE__, __LINE__, "expected a rejection naming \"%s\", "
					 "seen %d: %s", rule, ret, log);
			else if (!rule && ret)
				tap_fail(__FILE__, __LINE__, "rejected (%d): %s", ret, log);
			else if (!rule && r0 != test.result)
				tap_fail(__FILE__, __LINE__, "r0 = 0x%" PRIx64 ", expected 0x%"
					 PRIx64, r0, test.result);
		}
		asm_test_free(&test);
		snprintf(name, sizeof(name), "verified/%s", names[i]);
		failed |= tap_report("conformance", name);
	}
	printf("# the verifier accepts %d of %d conformance programs\n", accepted, n);
	return failed;
}

/* The assembler's encodings, our own forms included, field by field. */
#define EXIT	{ BPF_JMP | BPF_EXIT, 0, 0, 0, 0 }
static const struct {
	const char *name;
	const char *text;
	struct bpf_insn insns[4];
} encodings[] = {
	{ "lddw-negative", "lddw %r1, -2", { { 0x18, 1, 0, 0, -2 }, { 0, 0, 0, 0, -1 } } },
	{ "sdiv32-imm", "sdiv32 %r1, -3", { { 0x34, 1, 0, 1, -3 } } },
	{ "movsx1664", "movsx1664 %r1, %r2", { { 0xbf, 1, 2, 16, 0 } } },
	{ "bswap16", "bswap16 %r3", { { 0xd7, 3, 0, 0, 16 } } },
	{ "be64", "be64 %r3", { { 0xdc, 3, 0, 0, 64 } } },
	{ "ldxsh", "ldxsh %r1, [%r2+6]", { { 0x89, 1, 2, 6, 0 } } },
	{ "jsle32-reg-back", "jsle32 %r1, %r2, -1", { { 0xde, 1, 2, -1, 0 } } },
	{ "ja32", "ja32 +5", { { 0x06, 0, 0, 0, 5 } } },
	{ "ja-first-exit", "ja exit\nexit\nexit", { { 0x05, 0, 0, 0, 0 }, EXIT, EXIT } },
	{ "lock-xchg32", "lock xchg32 [%r10-4], %r1", { { 0xc3, 10, 1, -4, 0xe1 } } },
	{ "lock-fetch-xor", "lock fetch xor [%r1+0], %r2", { { 0xdb, 1, 2, 0, 0xa1 } } },
	{ "call-helper", "call 181", { { 0x85, 0, 0, 0, 181 } } },
	{ "call-local", "call local f\nexit\nf:\nexit", { { 0x85, 0, 1, 0, 1 }, EXIT, EXIT } },
	{ "call-runtime", "call runtime 2", { { 0x85, 0, 2, 0, 2 } } },
	{ "callx", "call %r3", { { 0x8d, 3, 0, 0, 0 } } },
	{ "may_goto", "may_goto +3", { { 0xe5, 0, 0, 3, 0 } } },
	{ "addr_space_cast", "addr_space_cast %r1, %r2, 1, 0", { { 0xbf, 1, 2, 1, 0x10000 } } },
	{ "ldfunc", "ldfunc %r2, f\nexit\nf:\nexit",
	  { { 0x18, 2, 4, 0, 2 }, { 0, 0, 0, 0, 0 }, EXIT, EXIT } },
	{ "ldmap", "ldmap %r1, 3", { { 0x18, 1, 5, 0, 3 }, { 0, 0, 0, 0, 0 } } },
	{ "ldmapvalue", "ldmapvalue %r1, 2, 16", { { 0x18, 1, 6, 0, 2 }, { 0, 0, 0, 0, 16 } } },
	{ "arena-ldxw", "arena ldxw %r0, [%r1+4]", { { 0xa1, 0, 1, 4, 0 } } },
	{ "arena-ldxsh", "arena ldxsh %r0, [%r1+4]", { { 0xc9, 0, 1, 4, 0 } } },
	{ "arena-stb", "arena stb [%r1-2], 7", { { 0xb2, 1, 0, -2, 7 } } },
	{ "arena-stxdw", "arena stxdw [%r1+0], %r2", { { 0xbb, 1, 2, 0, 0 } } },
	{ "arena-lock-fetch-add", "arena lock fetch add [%r1+8], %r2",
	  { { 0xfb, 1, 2, 8, 0x01 } } },
	{ "arena-lock-cmpxchg32", "arena lock cmpxchg32 [%r1+0], %r2",
	  { { 0xe3, 1, 2, 0, 0xf1 } } },
};

static int run_encodings(void)
{
	struct bpf_insn *insns, *want;
	char err[256], name[300];
	int failed = 0;
	u32 i, j, n;

	for (i = 0; i < ARRAY_SIZE(encodings); i++) {
		want = (struct bpf_insn *)encodings[i].insns;
		if (asm_assemble(encodings[i].text, &insns, &n, err, sizeof(err))) {
			tap_fail(__FILE__, __LINE__, "%s: %s", encodings[i].text, err);
			n = 0;
			insns = NULL;
		}
		for (j = 0; j < n; j++)
			if (memcmp(&insns[j], &want[j], sizeof(*insns)))
				tap_fail(__FILE__, __LINE__, "insn %u: %02x %x %x %d %d, expected "
					 "%02x %x %x %d %d", j, insns[j].code, insns[j].dst_reg,
					 insns[j].src_reg, insns[j].off, insns[j].imm, want[j].code,
					 want[j].dst_reg, want[j].src_reg, want[j].off, want[j].imm);
		for (j = n; j < ARRAY_SIZE(encodings[i].insns); j++)
			if (want[j].code)
				tap_fail(__FILE__, __LINE__, "insn %u missing", j);
		free(insns);
		snprintf(name, sizeof(name), "asm/%s", encodings[i].name);
		failed |= tap_report("conformance", name);
	}
	return failed;
}

/* bytes as the runner encodes them: two hex digits and a space each. */
static char *hex_encode(const void *bytes, size_t len)
{
	char *s = malloc(len * 3 + 1), *p = s;
	size_t i;

	for (i = 0; s && i < len; i++)
		p += sprintf(p, "%02x ", ((const u8 *)bytes)[i]);
	if (s)
		*p = '\0';
	return s;
}

/* Runs the plugin on stdin line code, memory mem (or none), and option. */
static int run_plugin(const char *code, const char *mem, const char *option,
		      struct run_result *res)
{
	char *argv[4] = { PLUGIN_PATH }, **arg = argv + 1;
	int fd = memfd_create("plugin-stdin", MFD_CLOEXEC), ret;

	if (fd < 0)
		return -errno;
	if (mem)
		*arg++ = (char *)mem;
	if (option)
		*arg++ = (char *)option;
	*arg = NULL;
	if (dprintf(fd, "%s\n", code) < 0 || lseek(fd, 0, SEEK_SET))
		ret = -EIO;
	else
		ret = run_capture_in(PLUGIN_PATH, argv, fd, res);
	close(fd);
	return ret;
}

/* The plugin answers as the runner expects, for a few kinds of test. */
static void plugin_matches_suite(const char *stem, const char *option)
{
	static struct run_result res;
	char path[4096], err[256];
	char *code = NULL, *mem = NULL;
	struct asm_test test;

	snprintf(path, sizeof(path), "%s/%s.data", TESTS_DIR, stem);
	if (asm_load_test(path, &test, err, sizeof(err))) {
		tap_fail(__FILE__, __LINE__, "%s: %s", path, err);
		return;
	}
	code = hex_encode(test.insns, test.nr_insns * sizeof(*test.insns));
	mem = test.mem_len ? hex_encode(test.mem, test.mem_len) : NULL;
	TAP_EXPECT(code && (mem || !test.mem_len));
	if (code && !tap_failures) {
		TAP_EXPECT_OK(run_plugin(code, mem, option, &res));
		TAP_EXPECT_EQ(res.status, 0);
		TAP_EXPECT_EQ(strtoull(res.out, NULL, 16), test.result);
		if (tap_failures)
			run_dump(&res);
	}
	free(code);
	free(mem);
	asm_test_free(&test);
}

static void plugin_runs_alu(void)
{
	plugin_matches_suite("add", NULL);
}

static void plugin_runs_interp_option(void)
{
	plugin_matches_suite("lock_cmpxchg", "--interp");
}

static void plugin_takes_memory(void)
{
	plugin_matches_suite("subnet", NULL);
}

static void plugin_gives_memory_length(void)
{
	plugin_matches_suite("mem-len", "--interp");
}

static void plugin_runs_local_calls(void)
{
	plugin_matches_suite("call_local", NULL);
}

static void plugin_runs_raw_lddw(void)
{
	plugin_matches_suite("lddw", NULL);
}

static void plugin_has_no_jit(void)
{
	static struct run_result res;

	TAP_EXPECT_OK(run_plugin("b7 00 00 00 01 00 00 00 95 00 00 00 00 00 00 00", NULL,
				 "--jit", &res));
	TAP_EXPECT_EQ(res.status, 1);
	TAP_EXPECT_STREQ(res.err, "jit: not available on this build\n");
}

static void plugin_rejects_partial_instructions(void)
{
	static struct run_result res;

	TAP_EXPECT_OK(run_plugin("b7 00 00 00 01 00 00", NULL, NULL, &res));
	TAP_EXPECT_EQ(res.status, 1);
	TAP_EXPECT_EQ(res.out[0], '\0');
	TAP_EXPECT(res.err[0]);
}

static const struct tap_test plugin_tests[] = {
	{ "conformance", "plugin-runs-alu", plugin_runs_alu },
	{ "conformance", "plugin-runs-interp-option", plugin_runs_interp_option },
	{ "conformance", "plugin-takes-memory", plugin_takes_memory },
	{ "conformance", "plugin-gives-memory-length", plugin_gives_memory_length },
	{ "conformance", "plugin-runs-local-calls", plugin_runs_local_calls },
	{ "conformance", "plugin-runs-raw-lddw", plugin_runs_raw_lddw },
	{ "conformance", "plugin-has-no-jit", plugin_has_no_jit },
	{ "conformance", "plugin-rejects-partial-instructions",
	  plugin_rejects_partial_instructions },
};

int main(void)
{
	char **tests = NULL, **negative = NULL;
	int nr_tests, nr_negative, failed;

	tap_start();
	nr_tests = list_data_files(TESTS_DIR, &tests);
	nr_negative = list_data_files(NEGATIVE_DIR, &negative);
	if (nr_tests != EXPECTED_TESTS)
		tap_fail(__FILE__, __LINE__, "%s: %d test files, expected %d", TESTS_DIR,
			 nr_tests, EXPECTED_TESTS);
	if (nr_negative <= 0)
		tap_fail(__FILE__, __LINE__, "%s: no test files (%d)", NEGATIVE_DIR, nr_negative);
	failed = tap_report("conformance", "suite-present");
	if (nr_tests > 0)
		failed |= run_files(TESTS_DIR, tests, nr_tests, false) |
			  run_verified(tests, nr_tests);
	if (nr_negative > 0)
		failed |= run_files(NEGATIVE_DIR, negative, nr_negative, true);
	failed |= run_encodings();
	failed |= tap_run(plugin_tests, ARRAY_SIZE(plugin_tests));
	free_names(tests, nr_tests);
	free_names(negative, nr_negative);
	return failed;
}
