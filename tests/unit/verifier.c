// SPDX-License-Identifier: GPL-2.0
/*
 * The verifier (module/verifier*.c) on a corpus of small programs, each
 * with its expected verdict and, for rejections, a log substring naming
 * the instruction and the rule: one TAP line per program.  The corpus is
 * organised by rule in verifier_corpus/; clang.h holds what clang-19
 * emits for the C programs under tests/verifier_c/.  Then the rewrites,
 * the log's levels and sizes, and the time the largest program takes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "insns.h"
#include "prog_core.h"
#include "tap.h"

/* The objects programs refer to, by index. */
enum {
	O_ARRAY,	/* 4 values of 16 bytes */
	O_RING,		/* 4096 bytes */
	O_ARENA,	/* 1 MiB (another array in objs_noarena) */
	O_RODATA,	/* 1 value of 8 bytes, read-only for programs */
	O_DATA,		/* 1 value of 64 bytes */
	O_URING,	/* user ring buffer */
};

enum obj_set { STD, NOARENA, TWO_ARENAS, NOCONV, NONE };

static unsigned char values[5][256];

#define ARRAY_OBJ(vs, n, fl, buf)					\
	{ .kind = PROG_OBJ_ARRAY, .flags = (fl), .value_size = (vs),	\
	  .max_entries = (n), .value_stride = ((vs) + 7) & ~7U,		\
	  .values = (buf) }
#define RING_OBJ(k)	{ .kind = (k), .size = 4096 }
#define ARENA_OBJ(fl)							\
	{ .kind = PROG_OBJ_ARENA, .flags = (fl), .size = 1 << 20,	\
	  .user_vm_start = 0x7f0000000000ULL }

static struct prog_obj obj_sets[][6] = {
	[STD] = {
		ARRAY_OBJ(16, 4, 0, values[0]), RING_OBJ(PROG_OBJ_RINGBUF),
		ARENA_OBJ(0), ARRAY_OBJ(8, 1, PROG_OBJ_F_RDONLY_PROG, values[1]),
		ARRAY_OBJ(64, 1, 0, values[2]), RING_OBJ(PROG_OBJ_USER_RINGBUF),
	},
	[NOARENA] = {
		ARRAY_OBJ(16, 4, 0, values[0]), RING_OBJ(PROG_OBJ_RINGBUF),
		ARRAY_OBJ(16, 1, 0, values[3]),
		ARRAY_OBJ(8, 1, PROG_OBJ_F_RDONLY_PROG, values[1]),
		ARRAY_OBJ(64, 1, 0, values[2]), RING_OBJ(PROG_OBJ_USER_RINGBUF),
	},
	[TWO_ARENAS] = {
		ARRAY_OBJ(16, 4, 0, values[0]), RING_OBJ(PROG_OBJ_RINGBUF),
		ARENA_OBJ(0), ARENA_OBJ(0),
	},
	[NOCONV] = {
		ARRAY_OBJ(16, 4, 0, values[0]), RING_OBJ(PROG_OBJ_RINGBUF),
		ARENA_OBJ(PROG_OBJ_F_NO_USER_CONV),
		ARRAY_OBJ(8, 1, PROG_OBJ_F_RDONLY_PROG, values[1]),
		ARRAY_OBJ(64, 1, 0, values[2]), RING_OBJ(PROG_OBJ_USER_RINGBUF),
	},
};

static const unsigned int obj_counts[] = {
	[STD] = 6, [NOARENA] = 6, [TWO_ARENAS] = 4, [NOCONV] = 6, [NONE] = 0,
};

struct vcase {
	const char *name;
	const struct bpf_insn *insns;
	unsigned int len;
	enum obj_set objs;
	unsigned int ctx_size;
	int expect;		/* verifier_check()'s result */
	const char *log;	/* a substring of the level-1 log, or NULL */
	const struct prog_global_func *globals;
	unsigned int nr_globals;
};

#define INSNS(...)	((const struct bpf_insn[]){ __VA_ARGS__ })
#define VCASE(nm, set, ctx, exp, logstr, ...)				\
	{ .name = (nm), .insns = INSNS(__VA_ARGS__),			\
	  .len = sizeof(INSNS(__VA_ARGS__)) / sizeof(struct bpf_insn),	\
	  .objs = (set), .ctx_size = (ctx), .expect = (exp), .log = (logstr) }
#define PASS(nm, set, ctx, ...)	VCASE(nm, set, ctx, 0, NULL, __VA_ARGS__)
#define REJECT(nm, set, ctx, logstr, ...)				\
	VCASE(nm, set, ctx, -EINVAL, logstr, __VA_ARGS__)

/* Common sequences. */
#define RET0		I_MOV64_IMM(0, 0), I_EXIT()
/* 6 insns: r0 = lookup(array obj, &(u32)0 at fp-4). */
#define LOOKUP(obj)							\
	I_ST(BPF_W, 10, -4, 0), I_MOV64_REG(2, 10),			\
	I_ALU64_IMM(BPF_ADD, 2, -4), I_LD_OBJ(1, obj),			\
	I_CALL(H_MAP_LOOKUP_ELEM)
/* 5 insns: r0 = ringbuf_reserve(ring, size, 0). */
#define RESERVE(size)							\
	I_LD_OBJ(1, O_RING), I_MOV64_IMM(2, size), I_MOV64_IMM(3, 0),	\
	I_CALL(H_RINGBUF_RESERVE)

#include "verifier_corpus/structure.h"
#include "verifier_corpus/registers.h"
#include "verifier_corpus/memory.h"
#include "verifier_corpus/calls.h"
#include "verifier_corpus/arena.h"
#include "verifier_corpus/loops.h"
#include "verifier_corpus/clang.h"
#include "verifier_corpus/globals.h"
#include "verifier_corpus/links.h"

static const struct vcase *const corpora[] = {
	structure_cases, register_cases, memory_cases, call_cases,
	arena_cases, loop_cases, clang_cases, global_cases, link_cases,
};
static const size_t corpus_sizes[] = {
	ARRAY_SIZE(structure_cases), ARRAY_SIZE(register_cases),
	ARRAY_SIZE(memory_cases), ARRAY_SIZE(call_cases),
	ARRAY_SIZE(arena_cases), ARRAY_SIZE(loop_cases),
	ARRAY_SIZE(clang_cases), ARRAY_SIZE(global_cases), ARRAY_SIZE(link_cases),
};

static char log_buf[1 << 16];

static void prog_init(struct prog_core *prog, const struct vcase *c)
{
	memset(prog, 0, sizeof(*prog));
	prog->len = c->len;
	prog->insns = malloc(c->len * sizeof(struct bpf_insn));
	memcpy(prog->insns, c->insns, c->len * sizeof(struct bpf_insn));
	prog->ctx_size = c->ctx_size;
	prog->objs = obj_sets[c->objs];
	prog->nr_objs = obj_counts[c->objs];
}

static int lines(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '\n';
	return n;
}

static void run_case(const struct vcase *c)
{
	struct verifier_log log = {
		.buf = log_buf, .size = sizeof(log_buf), .level = 1,
	};
	struct prog_core prog;
	int err;

	log_buf[0] = 0;
	prog_init(&prog, c);
	err = verifier_check_with_globals(&prog, c->globals, c->nr_globals, &log);
	TAP_EXPECT_EQ(err, c->expect);
	if (c->log && !strstr(log_buf, c->log))
		tap_fail(__FILE__, __LINE__, "log lacks \"%s\"", c->log);
	if (err) {
		/* One line, and it starts with an instruction index. */
		TAP_EXPECT_EQ(lines(log_buf), 1);
		TAP_EXPECT(log_buf[0] >= '0' && log_buf[0] <= '9');
		TAP_EXPECT(!prog.funcs);
	} else {
		TAP_EXPECT(strstr(log_buf, "processed "));
		TAP_EXPECT(prog.funcs && prog.nr_funcs >= 1);
	}
	if (tap_failures)
		printf("# log: %s", log_buf);
	verifier_release(&prog);
	free(prog.insns);
}

#include "verifier_corpus/soundness.h"
#include "verifier_corpus/properties.h"

int main(void)
{
	size_t i, j, total = 0;
	int failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < ARRAY_SIZE(corpora); i++) {
		for (j = 0; j < corpus_sizes[i]; j++) {
			tap_failures = 0;
			run_case(&corpora[i][j]);
			printf("%sok - verifier/%s\n", tap_failures ? "not " : "",
			       corpora[i][j].name);
			failed |= tap_failures != 0;
			total++;
		}
	}
	printf("# corpus: %zu programs\n", total);
	failed |= tap_run(property_tests, ARRAY_SIZE(property_tests));
	return failed;
}
