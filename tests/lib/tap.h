/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A minimal TAP producer shared by the host unit tests and the static test
 * binaries that run inside the test VMs.
 *
 * A test binary lists its tests in a table and hands it to tap_main():
 *
 *	static void version_reports_abi(void)
 *	{
 *		TAP_EXPECT_EQ(ver.abi_version, ARENA_ABI_VERSION);
 *	}
 *
 *	static const struct tap_test tests[] = {
 *		{ "vm", "version-reports-abi", version_reports_abi },
 *	};
 *	TAP_MAIN(tests)
 *
 * Each test prints one line, "ok - <suite>/<name>" or "not ok - ...",
 * preceded by "# " lines that say what was expected and what was seen.
 * The runner (tests/tap-collect.sh) adds the test number and where the test
 * ran ("host", "6.1-amd64", ...).  The exit status is 1 if any test failed.
 */
#ifndef ARENA_TAP_H
#define ARENA_TAP_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tap_test {
	const char *suite;
	const char *name;
	void (*fn)(void);
};

/*
 * Checks failed in the test that is running; a suite of several files
 * defines TAP_FAILURES_EXTERN in all of them and the counter in one.
 */
#ifdef TAP_FAILURES_EXTERN
extern int tap_failures;
#else
static int tap_failures;
#endif

static inline void tap_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static inline void tap_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	printf("# %s:%d: ", file, line);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	tap_failures++;
}

#define TAP_EXPECT(cond)							\
	do {									\
		if (!(cond))							\
			tap_fail(__FILE__, __LINE__, "expected %s", #cond);	\
	} while (0)

#define TAP_EXPECT_EQ(seen, expected)						\
	do {									\
		long long tap_s_ = (long long)(seen);				\
		long long tap_e_ = (long long)(expected);			\
		if (tap_s_ != tap_e_)						\
			tap_fail(__FILE__, __LINE__,				\
				 "%s: expected %lld (%s), seen %lld",		\
				 #seen, tap_e_, #expected, tap_s_);		\
	} while (0)

#define TAP_EXPECT_STREQ(seen, expected)					\
	do {									\
		const char *tap_s_ = (seen);					\
		const char *tap_e_ = (expected);				\
		if (!tap_s_ || strcmp(tap_s_, tap_e_))				\
			tap_fail(__FILE__, __LINE__,				\
				 "%s: expected \"%s\", seen \"%s\"",		\
				 #seen, tap_e_, tap_s_ ? tap_s_ : "(null)");	\
	} while (0)

/*
 * A system call expected to fail with one errno; ret is what it returned,
 * in either convention (-1 + errno, or a negative errno).
 */
#define TAP_EXPECT_ERRNO(ret, err)						\
	do {									\
		long tap_r_ = (long)(ret);					\
		int tap_en_ = tap_r_ == -1 ? errno : (int)-tap_r_;		\
		if (tap_r_ >= 0 || tap_en_ != (err))				\
			tap_fail(__FILE__, __LINE__,				\
				 "%s: expected failure with %s, seen %ld (%s)",\
				 #ret, #err, tap_r_,				\
				 tap_r_ >= 0 ? "success" : strerror(tap_en_));	\
	} while (0)

/* A call expected to succeed: ret >= 0. */
#define TAP_EXPECT_OK(ret)							\
	do {									\
		long tap_r_ = (long)(ret);					\
		if (tap_r_ < 0)							\
			tap_fail(__FILE__, __LINE__,				\
				 "%s: expected success, seen %ld (%s)",	\
				 #ret, tap_r_,					\
				 strerror(tap_r_ == -1 ? errno : (int)-tap_r_));\
	} while (0)

/*
 * Line-buffered even into a pipe: inside the VM each line must reach the
 * console as it happens, before a crash can swallow it.
 */
static inline void tap_start(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
}

/*
 * Ends the running test with its line; 1 if it failed.  Suites whose tests
 * are found at run time (one per file) call it themselves.
 */
static inline int tap_report(const char *suite, const char *name)
{
	int failed = tap_failures != 0;

	printf("%sok - %s/%s\n", failed ? "not " : "", suite, name);
	tap_failures = 0;
	return failed;
}

static inline int tap_run(const struct tap_test *tests, size_t count)
{
	int failed = 0;
	size_t i;

	tap_start();
	for (i = 0; i < count; i++) {
		tap_failures = 0;
		tests[i].fn();
		failed |= tap_report(tests[i].suite, tests[i].name);
	}
	return failed;
}

#define TAP_MAIN(tests)								\
	int main(void)								\
	{									\
		return tap_run(tests, sizeof(tests) / sizeof((tests)[0]));	\
	}

#endif /* ARENA_TAP_H */
