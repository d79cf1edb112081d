/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the benchmarks share: the clock, the rounds (each scenario once
 * untimed per implementation, then ROUNDS times alternating ours and the
 * kernel's, ours first in even rounds), and the report, one line per
 * series
 *
 *	BENCH {"scenario":..,"impl":..,"unit":..,"median":..,"min":..,"max":..,"rounds":..}
 *
 * with human-readable "# " lines around, which bench/run.sh collects.
 */
#ifndef ARENA_BENCH_H
#define ARENA_BENCH_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_ROUNDS	101
#define MAX_VALUES	4		/* measurements one run of a scenario gives */
#define COUNT(a)	(sizeof(a) / sizeof((a)[0]))

enum impl { OURS, KERN, NIMPL };

static const char *const impl_name[NIMPL] = { "ours", "kernel" };

static bool have_kern;		/* the kernel's counterpart exists here */
static bool failed;		/* a measurement could not be taken */
static bool warming_up;		/* the untimed first run of a scenario */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static bool error(const char *what)
{
	printf("# error: %s: %s\n", what, strerror(errno));
	failed = true;
	return false;
}

struct series {
	const char *scenario;
	const char *unit;
};

struct scenario {
	const char *name;
	bool ours_only;
	/*
	 * Two implementations of ours compared with each other (e.g. "jit"
	 * and "interp"), run whether or not the kernel's counterpart exists,
	 * instead of ours and the kernel's; NULL for those.
	 */
	const char *const *impl_names;
	const char *note;		/* printed before it runs */
	bool (*run)(enum impl impl, double *v);
	struct series series[MAX_VALUES];	/* one per value run() gives */
	void (*report)(void);			/* after the BENCH lines */
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void emit(const struct series *se, const char *impl, double *v, int n)
{
	double median;

	qsort(v, n, sizeof(*v), cmp_double);
	median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	printf("BENCH {\"scenario\":\"%s\",\"impl\":\"%s\",\"unit\":\"%s\","
	       "\"median\":%.6g,\"min\":%.6g,\"max\":%.6g,\"rounds\":%d}\n",
	       se->scenario, impl, se->unit, median, v[0], v[n - 1], n);
	printf("# %-28s %-6s median %-12.6g min %-12.6g max %-12.6g %s\n", se->scenario,
	       impl, median, v[0], v[n - 1], se->unit);
}

static void run_scenario(const struct scenario *sc, int rounds)
{
	static double v[NIMPL][MAX_VALUES][MAX_ROUNDS];
	double one[MAX_VALUES];
	const char *const *names = sc->impl_names ? sc->impl_names : impl_name;
	int nimpl = !sc->impl_names && (sc->ours_only || !have_kern) ? 1 : NIMPL;
	int done[NIMPL] = { 0 };
	int r, k, s, i;

	printf("# %s: %s\n", sc->name, sc->note);
	warming_up = true;
	for (s = 0; s < nimpl; s++)
		if (!sc->run(s, one)) {
			printf("# %s: %s: not measured\n", sc->name, names[s]);
			return;
		}
	warming_up = false;
	for (r = 0; r < rounds; r++)
		for (k = 0; k < nimpl; k++) {
			s = r % 2 ? nimpl - 1 - k : k;
			if (!sc->run(s, one))
				continue;
			for (i = 0; i < MAX_VALUES && sc->series[i].scenario; i++)
				v[s][i][done[s]] = one[i];
			done[s]++;
		}
	for (i = 0; i < MAX_VALUES && sc->series[i].scenario; i++)
		for (s = 0; s < nimpl; s++)
			if (done[s])
				emit(&sc->series[i], names[s], v[s][i], done[s]);
	if (sc->report)
		sc->report();
	fflush(stdout);
}

/* -r ROUNDS from the command line into *rounds: 0, or 2 after the usage. */
static int parse_rounds(int argc, char **argv, int *rounds)
{
	int opt;

	while ((opt = getopt(argc, argv, "r:h")) != -1) {
		switch (opt) {
		case 'r':
			*rounds = atoi(optarg);
			if (*rounds >= 1 && *rounds <= MAX_ROUNDS)
				break;
			/* fall through */
		default:
			fprintf(stderr, "usage: %s [-r ROUNDS (1..%d, default 7)]\n", argv[0],
				MAX_ROUNDS);
			return 2;
		}
	}
	return 0;
}

#endif /* ARENA_BENCH_H */
