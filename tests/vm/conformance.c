// SPDX-License-Identifier: GPL-2.0
/*
 * The bpf_conformance suite through the real module: every test file (the
 * harness copies them to /data/conformance) loaded with PROG_IOC_LOAD, its
 * memory as the program's context, r2 = its length from an instruction put
 * in front (verdicts.h), run with PROG_IOC_RUN; the result must match, or
 * the verifier must reject the program with the rule verdicts.c names.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <arena_kmod.h>

#include "asm.h"
#include "dev.h"
#include "tap.h"
#include "verdicts.h"

#define DATA_DIR	"/data/conformance"
#define EXPECTED_TESTS	313

static char log_buf[4096];
/* Programs that loaded but fell back to the interpreter (the log's "JIT:" line). */
static int interpreted;

/* What the JITs leave to the interpreter on purpose: calls through a register. */
static bool jit_may_skip(const char *stem)
{
	return !strcmp(stem, "callx") || !strcmp(stem, "call_unwind_fail");
}

/* Loads and runs test: 0 and *r0, or -errno with the log in log_buf. */
static int load_and_run(const struct asm_test *test, uint64_t *r0)
{
	struct bpf_insn *insns = verdict_with_length(test->insns, test->nr_insns,
						     test->mem_len);
	struct prog_load load = {
		.size = sizeof(load),
		.insns = (uintptr_t)insns,
		.insn_cnt = test->nr_insns + 1,
		.ctx_size = test->mem_len,
		.log_level = 1,
		.log_buf = (uintptr_t)log_buf,
		.log_size = sizeof(log_buf),
		.license = (uintptr_t)"GPL",
	};
	struct prog_run run = {
		.size = sizeof(run),
		.ctx_in = (uintptr_t)test->mem,
		.ctx_size_in = test->mem_len,
	};
	int fd, err;

	log_buf[0] = '\0';
	fd = insns ? dev_ioctl(PROG_IOC_LOAD, &load) : -ENOMEM;
	free(insns);
	if (fd < 0)
		return fd;
	err = ioctl(fd, PROG_IOC_RUN, &run) ? -errno : 0;
	*r0 = run.retval;
	close(fd);
	return err;
}

static void check_test(const char *stem)
{
	const char *rule = verdict_expected_rejection(stem);
	char path[512], err[256];
	struct asm_test test;
	uint64_t r0 = 0;
	int ret;

	snprintf(path, sizeof(path), "%s/%s.data", DATA_DIR, stem);
	if (asm_load_test(path, &test, err, sizeof(err))) {
		tap_fail(__FILE__, __LINE__, "parse: %s", err);
		return;
	}
	ret = load_and_run(&test, &r0);
	if (rule && (ret != -EINVAL || !strstr(log_buf, rule)))
		tap_fail(__FILE__, __LINE__, "expected a rejection naming \"%s\", seen %d: %s",
			 rule, ret, log_buf);
	else if (!rule && ret)
		tap_fail(__FILE__, __LINE__, "failed (%s): %s", strerror(-ret), log_buf);
	else if (!rule && r0 != test.result)
		tap_fail(__FILE__, __LINE__, "r0 = 0x%" PRIx64 ", expected 0x%" PRIx64, r0,
			 test.result);
	if (!rule && !ret && strstr(log_buf, "JIT:") && !jit_may_skip(stem)) {
		printf("# %s: %s", stem, strstr(log_buf, "JIT:"));
		interpreted++;
	}
	asm_test_free(&test);
}

static int filter_data(const struct dirent *ent)
{
	size_t len = strlen(ent->d_name);

	return len > 5 && !strcmp(ent->d_name + len - 5, ".data");
}

int main(void)
{
	struct dirent **ents;
	char name[300];
	int n, i, failed;

	tap_start();
	n = scandir(DATA_DIR, &ents, filter_data, alphasort);
	if (n != EXPECTED_TESTS)
		tap_fail(__FILE__, __LINE__, "%s: %d test files, expected %d", DATA_DIR, n,
			 EXPECTED_TESTS);
	failed = tap_report("conformance", "vm-suite-present");
	for (i = 0; i < n; i++) {
		ents[i]->d_name[strlen(ents[i]->d_name) - 5] = '\0';
		check_test(ents[i]->d_name);
		snprintf(name, sizeof(name), "ioctl/%s", ents[i]->d_name);
		failed |= tap_report("conformance", name);
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
	/* every program the JIT can take ran compiled (the module's jit=1) */
	TAP_EXPECT_EQ(interpreted, 0);
	failed |= tap_report("conformance", "jit-compiled-every-program");
	return failed;
}
