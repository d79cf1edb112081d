// SPDX-License-Identifier: GPL-2.0
/*
 * Writes the verifier_interp fuzzer's seed corpus (prog_input.h), run by
 * tests/fuzz/Makefile into the build directory:
 *   seeds <bpf_conformance tests dir> <out dir>
 * one input per conformance test (its program with "r2 = length" in front,
 * as engine_run_verified() runs it, the memory's size as the context's) and
 * one per program of the verifier's corpus, with the objects its set names,
 * but those that exist to reach the verifier's limits: seconds each, under
 * the fuzzer's instrumentation.
 * The corpus tables live in tests/unit/verifier.c, whose definitions this
 * file includes rather than copies; its main() is renamed away.
 */
#define main verifier_suite_main
#include "../unit/verifier.c"
#undef main

#include <dirent.h>
#include <errno.h>

#include "asm.h"
#include "prog_input.h"
#include "verdicts.h"

/* With PROG_INPUT_F_GLOBALS in h->flags, nr_globals declarations go too. */
static int seed_write(const char *dir, const char *prefix, const char *name,
		      const struct prog_input_header *h, const struct prog_global_func *globals,
		      u8 nr_globals, const struct bpf_insn *insns, u32 n)
{
	char path[4096], *p;
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "%s/%s-%s", dir, prefix, name);
	for (p = path + strlen(dir) + 1; *p; p++)
		if (*p == '/')
			*p = '-';
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "seeds: %s: %s\n", path, strerror(errno));
		return -1;
	}
	ok = fwrite(h, sizeof(*h), 1, f) == 1;
	if (ok && (h->flags & PROG_INPUT_F_GLOBALS))
		ok = fwrite(&nr_globals, 1, 1, f) == 1 &&
		     fwrite(globals, sizeof(*globals), nr_globals, f) == nr_globals;
	ok = ok && fwrite(insns, sizeof(*insns), n, f) == n;
	if (fclose(f) || !ok) {
		fprintf(stderr, "seeds: %s: cannot write\n", path);
		return -1;
	}
	return 0;
}

/* The default log of a seed: level 2 into the largest buffer. */
static const struct prog_input_header seed_header = {
	.value_size = 15, .max_entries = 3, .arena_pages = 0x0f, .log_size = 255,
	.log_level = 2,
};

static int conformance_seeds(const char *tests_dir, const char *out)
{
	char path[4096], err[256];
	struct prog_input_header h;
	struct bpf_insn *insns;
	struct asm_test test;
	struct dirent *d;
	DIR *dir = opendir(tests_dir);
	int ret = 0, n = 0;

	if (!dir) {
		fprintf(stderr, "seeds: %s: %s\n", tests_dir, strerror(errno));
		return -1;
	}
	while (!ret && (d = readdir(dir))) {
		if (!strstr(d->d_name, ".data"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", tests_dir, d->d_name);
		if (asm_load_test(path, &test, err, sizeof(err)))
			continue;
		h = seed_header;
		h.ctx_size = test.mem_len > 255 ? 255 : test.mem_len;
		insns = verdict_with_length(test.insns, test.nr_insns, h.ctx_size);
		ret = insns ? seed_write(out, "conformance", d->d_name, &h, NULL, 0, insns,
					 test.nr_insns + 1) : -1;
		free(insns);
		asm_test_free(&test);
		n++;
	}
	closedir(dir);
	fprintf(stderr, "seeds: %d conformance programs\n", n);
	return ret;
}

static int corpus_seeds(const char *out)
{
	struct prog_input_header h;
	size_t i, j, n = 0;

	for (i = 0; i < ARRAY_SIZE(corpora); i++) {
		for (j = 0; j < corpus_sizes[i]; j++) {
			const struct vcase *c = &corpora[i][j];

			if (c->expect == -E2BIG)
				continue;
			h = seed_header;
			h.ctx_size = c->ctx_size > 255 ? 255 : c->ctx_size;
			h.nr_objs = obj_counts[c->objs];
			if (c->objs == NOARENA)
				h.flags = PROG_INPUT_F_NO_ARENA;
			if (c->objs == NOCONV)
				h.flags = PROG_INPUT_F_NO_USER_CONV;
			if (c->nr_globals)
				h.flags |= PROG_INPUT_F_GLOBALS;
			if (seed_write(out, "verifier", c->name, &h, c->globals, c->nr_globals,
				       c->insns, c->len))
				return -1;
			n++;
		}
	}
	fprintf(stderr, "seeds: %zu verifier corpus programs\n", n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: seeds <bpf_conformance tests dir> <out dir>\n");
		return 2;
	}
	return conformance_seeds(argv[1], argv[2]) || corpus_seeds(argv[2]);
}
