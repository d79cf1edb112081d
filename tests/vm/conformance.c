// SPDX-License-Identifier: GPL-2.0
/*
 * The bpf_conformance suite through the real module: every test file (the
 * harness copies them to /data/conformance) loaded with PROG_IOC_LOAD, its
 * memory as the program's context, r2 = its length from an instruction put
 * in front (verdicts.h), run with PROG_IOC_RUN; the result must match, or
 * the verifier must reject the program with the rule verdicts.c names.
 * The suite runs three times: through the JIT (every accepted program must
 * really be compiled), through the JIT with constants blinded, and in the
 * interpreter, switched by the module's parameters.
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
#include "vmtest.h"

#define DATA_DIR	"/data/conformance"
#define EXPECTED_TESTS	313

static char log_buf[4096];

/* How the module runs programs in one pass over the suite. */
struct run_mode {
	const char *name;	/* in the test names */
	int jit;		/* the jit parameter */
	int harden;		/* the jit_harden parameter */
	bool compiled;		/* whether programs must come out compiled */
};

static const struct run_mode modes[] = {
	{ "ioctl", 1, 0, true },
	{ "harden", 1, 1, true },
	{ "interp", 0, 0, false },
};

static const struct run_mode *mode;

/* The program must run as the mode says: compiled for this machine, or not. */
static void check_compiled(int fd)
{
	__u32 expected = mode->compiled ? dev_native_jit() : PROG_JIT_NONE;
	struct prog_info info;

	TAP_EXPECT_OK(dev_prog_info(fd, &info));
	TAP_EXPECT_EQ(info.jit, expected);
	TAP_EXPECT_EQ(!!info.jited_len, expected != PROG_JIT_NONE);
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
	check_compiled(fd);
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
	asm_test_free(&test);
}

static int filter_data(const struct dirent *ent)
{
	size_t len = strlen(ent->d_name);

	return len > 5 && !strcmp(ent->d_name + len - 5, ".data");
}

/* Switches the module to m: 0, or -errno with a failed check. */
static int mode_set(const struct run_mode *m)
{
	int err;

	mode = m;
	err = write_sysfs(JIT_PARAM_PATH, m->jit);
	if (!err)
		err = write_sysfs(JIT_HARDEN_PARAM_PATH, m->harden);
	TAP_EXPECT_OK(err);
	return err;
}

int main(void)
{
	struct dirent **ents;
	char name[300];
	size_t m;
	int n, i, failed;

	tap_start();
	n = scandir(DATA_DIR, &ents, filter_data, alphasort);
	if (n != EXPECTED_TESTS)
		tap_fail(__FILE__, __LINE__, "%s: %d test files, expected %d", DATA_DIR, n,
			 EXPECTED_TESTS);
	failed = tap_report("conformance", "vm-suite-present");
	for (i = 0; i < n; i++)
		ents[i]->d_name[strlen(ents[i]->d_name) - 5] = '\0';
	for (m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
		if (mode_set(&modes[m])) {
			failed |= tap_report("conformance", modes[m].name);
			continue;
		}
		for (i = 0; i < n; i++) {
			check_test(ents[i]->d_name);
			snprintf(name, sizeof(name), "%s/%s", modes[m].name, ents[i]->d_name);
			failed |= tap_report("conformance", name);
		}
	}
	mode_set(&modes[0]);
	for (i = 0; i < n; i++)
		free(ents[i]);
	if (n >= 0)
		free(ents);
	return failed;
}
