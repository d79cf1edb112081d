// SPDX-License-Identifier: GPL-2.0
/*
 * Fuzzes the verifier and the interpreter together: each input
 * (prog_input.h) is a program with its context and objects; the verifier
 * checks it with a small log at the input's level, and an accepted program
 * runs.  What must hold:
 *  - the log stays in its buffer (an allocation of exactly its size) and
 *    is NUL-terminated at its length whenever the level writes to it;
 *  - a program accepted but for its log (-ENOSPC) is accepted without one;
 *  - a running program touches only its context, the stacks of its runs,
 *    its arrays' values (writing none of a read-only array), the ring
 *    records it holds and the arena: the interpreter's access hook
 *    (interp_check_access) checks every load, store and atomic outside the
 *    arena, whose accesses the interpreter bounds itself; the helpers'
 *    accesses meet the sanitizers, every region being an allocation of its
 *    exact size;
 *  - it releases every ring record it reserved, and it ends: verifying and
 *    running one input may take CPU_BUDGET seconds of CPU time (the
 *    verifier's longest walks take 3-4 s under the instrumentation), a
 *    measure that a busy machine does not stretch as it does wall time;
 *  - no address of ours reaches what user space reads: r0, the context,
 *    the arrays' values, the arena's first pages (the ones present at the
 *    start, and the first that bpf_arena_alloc_pages() hands out).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "prog_core.h"
#include "prog_fakes.h"
#include "prog_input.h"

#define CPU_BUDGET	20

/* Runs nest through callbacks (bpf_loop in a callback ...), a few deep. */
#define MAX_LIVE_STACKS	32

struct fuzz_region {
	const unsigned char *start;
	size_t size;
};

static struct fuzz_region live_stacks[MAX_LIVE_STACKS];
static unsigned int nr_live_stacks;
/* From the lowest to the highest stack of this input's runs. */
static const unsigned char *stacks_lo, *stacks_hi;
static struct fuzz_region ctx_region;
static const struct prog_obj *fuzz_objs;
static unsigned int fuzz_nr_objs;

static void fuzz_die(const char *what, const void *p, unsigned int size)
{
	fprintf(stderr, "verifier_interp: %s: %p, %u bytes\n", what, p, size);
	abort();
}

static bool region_holds(const struct fuzz_region *r, const void *p, u32 size)
{
	const unsigned char *b = p;

	return r->start && b >= r->start && size <= r->size &&
	       (size_t)(b - r->start) <= r->size - size;
}

/* Inside one value of an array, never in the padding between two. */
static bool array_holds(const struct prog_obj *obj, const void *p, u32 size)
{
	const unsigned char *b = p, *values = obj->values;
	size_t off;

	if (b < values || b >= values + (size_t)obj->max_entries * obj->value_stride)
		return false;
	off = (size_t)(b - values) % obj->value_stride;
	return size <= obj->value_size && off <= obj->value_size - size;
}

void interp_check_stack(const void *stack, u32 size, bool live)
{
	if (!live) {
		if (!nr_live_stacks || live_stacks[nr_live_stacks - 1].start != stack)
			fuzz_die("stack ends out of order", stack, size);
		nr_live_stacks--;
		return;
	}
	if (nr_live_stacks == MAX_LIVE_STACKS)
		fuzz_die("runs nested too deep", stack, size);
	live_stacks[nr_live_stacks++] = (struct fuzz_region){ stack, size };
	if (!stacks_lo || (const unsigned char *)stack < stacks_lo)
		stacks_lo = stack;
	if ((const unsigned char *)stack + size > stacks_hi)
		stacks_hi = (const unsigned char *)stack + size;
}

void interp_check_access(const void *p, u32 size, bool write)
{
	unsigned int i;

	if (region_holds(&ctx_region, p, size) || fake_ring_holds(p, size))
		return;
	for (i = 0; i < nr_live_stacks; i++)
		if (region_holds(&live_stacks[i], p, size))
			return;
	for (i = 0; i < fuzz_nr_objs; i++) {
		const struct prog_obj *obj = &fuzz_objs[i];

		if (obj->kind != PROG_OBJ_ARRAY || !array_holds(obj, p, size))
			continue;
		if (write && (obj->flags & PROG_OBJ_F_RDONLY_PROG))
			fuzz_die("write to a read-only array", p, size);
		return;
	}
	fuzz_die(write ? "write outside the program's memory" :
		 "read outside the program's memory", p, size);
}

/*
 * Addresses a program must not hand out: its memory and ours, the stacks,
 * each up to one past its end (r10 is that).
 */
struct leak_ranges {
	struct fuzz_region r[PROG_INPUT_MAX_OBJS + 5];
	unsigned int n;
};

static void leak_add(struct leak_ranges *l, const void *start, size_t size)
{
	if (start && size)
		l->r[l->n++] = (struct fuzz_region){ start, size };
}

static void leak_ranges_init(struct leak_ranges *l, const struct prog_core *prog,
			     const void *ctx)
{
	unsigned int i;

	l->n = 0;
	leak_add(l, stacks_lo, stacks_hi - stacks_lo);
	leak_add(l, ctx, prog->ctx_size);
	leak_add(l, prog->objs, sizeof(*prog->objs) * PROG_INPUT_MAX_OBJS);
	leak_add(l, prog->funcs, sizeof(*prog->funcs) * prog->nr_funcs);
	leak_add(l, prog->insns, sizeof(*prog->insns) * prog->len);
	for (i = 0; i < prog->nr_objs; i++)
		if (prog->objs[i].kind == PROG_OBJ_ARRAY)
			leak_add(l, prog->objs[i].values,
				 (size_t)prog->objs[i].max_entries * prog->objs[i].value_stride);
}

static bool leak_is_ours(const struct leak_ranges *l, u64 v)
{
	unsigned int i;

	for (i = 0; i < l->n; i++)
		if (v >= (u64)(unsigned long)l->r[i].start &&
		    v - (u64)(unsigned long)l->r[i].start <= l->r[i].size)
			return true;
	return false;
}

/* Every 8 bytes of buf, at any alignment. */
static void leak_scan(const struct leak_ranges *l, const void *buf, size_t size,
		      const char *where)
{
	size_t i;
	u64 v;

	for (i = 0; i + sizeof(v) <= size; i++) {
		memcpy(&v, (const unsigned char *)buf + i, sizeof(v));
		if (leak_is_ours(l, v))
			fuzz_die(where, (const unsigned char *)buf + i, sizeof(v));
	}
}

static void leak_check(const struct prog_core *prog, const void *ctx, u64 r0)
{
	struct leak_ranges l;
	unsigned int i;
	void *page;

	leak_ranges_init(&l, prog, ctx);
	if (leak_is_ours(&l, r0))
		fuzz_die("an address returned in r0", NULL, 0);
	leak_scan(&l, ctx, prog->ctx_size, "an address stored in the context");
	for (i = 0; i < prog->nr_objs; i++)
		if (prog->objs[i].kind == PROG_OBJ_ARRAY)
			leak_scan(&l, prog->objs[i].values, (size_t)prog->objs[i].max_entries *
				  prog->objs[i].value_stride, "an address stored in an array");
	if (!prog->arena)
		return;
	prog_arena_enter();
	for (i = 0; i < 9; i++) {
		page = prog_arena_page(prog->arena, i);
		if (page)
			leak_scan(&l, page, prog_arena_page_size(),
				  "an address stored in the arena");
	}
	prog_arena_exit();
}

static void cpu_over(int sig)
{
	static const char msg[] = "verifier_interp: over the CPU budget: no end in sight\n";

	(void)sig;
	if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0)
		_exit(1);
	abort();
}

/* Arms (seconds > 0) or disarms the CPU budget: libFuzzer reports the abort. */
static void cpu_budget(int seconds)
{
	struct itimerval t = { .it_value = { .tv_sec = seconds } };

	signal(SIGPROF, cpu_over);
	setitimer(ITIMER_PROF, &t, NULL);
}

static void array_init(struct prog_obj *obj, u32 value_size, u32 max_entries, u32 flags)
{
	u32 stride = (value_size + 7) & ~7U;

	*obj = (struct prog_obj){
		.kind = PROG_OBJ_ARRAY, .flags = flags, .value_size = value_size,
		.max_entries = max_entries, .value_stride = stride,
		.values = calloc(max_entries, stride),
	};
}

/* The objects' slots (prog_input.h), all of them; the program sees nr. */
static struct fake_arena *objs_init(struct prog_obj *objs, const struct prog_input_header *h)
{
	struct fake_arena *arena = NULL;
	unsigned int i;

	array_init(&objs[0], h->value_size + 1U, (h->max_entries & 15) + 1U,
		   h->flags & PROG_INPUT_F_RDONLY ? PROG_OBJ_F_RDONLY_PROG : 0);
	objs[1] = (struct prog_obj){ .kind = PROG_OBJ_RINGBUF, .size = PROG_INPUT_RING_SIZE };
	if (h->flags & PROG_INPUT_F_NO_ARENA) {
		array_init(&objs[2], 16, 1, 0);
	} else {
		arena = fake_arena_create(PROG_INPUT_ARENA_PAGES, PROG_INPUT_ARENA_USER,
					  h->flags & PROG_INPUT_F_NO_USER_CONV ?
					  PROG_OBJ_F_NO_USER_CONV : 0, &objs[2]);
		for (i = 0; i < 8; i++)
			if (h->arena_pages & (1U << i))
				fake_arena_populate(arena, i);
	}
	array_init(&objs[3], 8, 1, PROG_OBJ_F_RDONLY_PROG);
	array_init(&objs[4], 64, 1, 0);
	objs[5] = (struct prog_obj){ .kind = PROG_OBJ_USER_RINGBUF, .size = PROG_INPUT_RING_SIZE };
	return arena;
}

static void objs_fini(struct prog_obj *objs, struct fake_arena *arena)
{
	unsigned int i;

	for (i = 0; i < PROG_INPUT_MAX_OBJS; i++)
		if (objs[i].kind == PROG_OBJ_ARRAY)
			free(objs[i].values);
	fake_arena_destroy(arena);
}

/* The log as the level promises it: untouched at 0, else a string of len bytes. */
static void log_check(const struct verifier_log *log, const char *untouched)
{
	if (!log->level) {
		if (memcmp(log->buf, untouched, log->size))
			fuzz_die("level 0 wrote to the log", log->buf, log->size);
		return;
	}
	if (log->len >= log->size || log->buf[log->len] || strlen(log->buf) != log->len)
		fuzz_die("log not a string of its length", log->buf, log->len);
}

static int verify(struct prog_core *prog, const struct bpf_insn *insns, u32 len,
		  const struct prog_input *in)
{
	u32 size = in->h.log_size + 1U;
	struct verifier_log log = { .size = size, .level = in->h.log_level % 3 };
	char *untouched = malloc(size);
	int ret;

	log.buf = malloc(size);
	memset(log.buf, 'x', size);
	memcpy(untouched, log.buf, size);
	memcpy(prog->insns, insns, len * sizeof(*insns));
	ret = verifier_check_with_globals(prog, in->globals, in->nr_globals, &log);
	log_check(&log, untouched);
	free(log.buf);
	free(untouched);
	if (ret != -ENOSPC)
		return ret;
	if (!log.level || !log.truncated)
		fuzz_die("-ENOSPC without a cut log", NULL, 0);
	/* Accepted but for the log: so without one. */
	memcpy(prog->insns, insns, len * sizeof(*insns));
	ret = verifier_check_with_globals(prog, in->globals, in->nr_globals, NULL);
	if (ret)
		fuzz_die("accepted only with a log", NULL, ret);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prog_obj objs[PROG_INPUT_MAX_OBJS];
	struct prog_input_header h;
	struct prog_core prog = { 0 };
	struct fake_arena *arena;
	struct prog_input in;
	struct bpf_insn *insns;
	void *ctx;
	u32 len;
	u64 r0;

	if (!prog_input_parse(data, size, &in) || in.len > 4096)
		return 0;
	h = in.h;
	len = in.len;
	insns = malloc(len * sizeof(*insns) + 1);
	memcpy(insns, in.insns, len * sizeof(*insns));
	if ((h.flags & PROG_INPUT_F_SHAPE) && len)
		prog_input_shape(insns, len);
	arena = objs_init(objs, &h);
	cpu_budget(CPU_BUDGET);
	prog.insns = malloc(len * sizeof(*insns) + 1);
	prog.len = len;
	prog.ctx_size = h.ctx_size;
	prog.objs = objs;
	prog.nr_objs = h.nr_objs % (PROG_INPUT_MAX_OBJS + 1);
	if (!verify(&prog, insns, len, &in)) {
		ctx = h.ctx_size ? calloc(1, h.ctx_size) : NULL;
		ctx_region = (struct fuzz_region){ ctx, h.ctx_size };
		stacks_lo = stacks_hi = NULL;
		fuzz_objs = objs;
		fuzz_nr_objs = prog.nr_objs;
		r0 = interp_run(&prog, ctx);
		if (fake_ring_records() || nr_live_stacks)
			fuzz_die("a ring record or a run left behind", NULL, 0);
		leak_check(&prog, ctx, r0);
		fuzz_nr_objs = 0;
		ctx_region = (struct fuzz_region){ 0 };
		free(ctx);
	}
	cpu_budget(0);
	verifier_release(&prog);
	free(prog.insns);
	free(insns);
	objs_fini(objs, arena);
	return 0;
}
