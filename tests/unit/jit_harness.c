// SPDX-License-Identifier: GPL-2.0
/*
 * The JIT suites' shared harness (jit_harness.h): the JIT's output runs
 * natively, x86-64 on the host and arm64 under qemu-aarch64.  Each image is
 * mapped near this binary's text, written, made read+exec (W^X), and
 * entered through prog_func_call() as the module does.  The kernel's
 * exception table is emulated by a SIGSEGV/SIGBUS handler that looks the
 * faulting pc up in the image's faults, zeroes the named register (the
 * arch's scratch register for "none", as 6.1 does) and resumes after the
 * instruction; any other fault or trap ends the test as a failure.
 *
 * The arena is 4 GiB + 64 KiB of PROT_NONE address space whose start +
 * 32 KiB is kern_vm_start; "present" pages are made read/write.  The
 * interpreter sees the same pages through prog_arena_page(), so that one
 * program runs on both against the same memory (jt_differential()).
 *
 * This file provides the runtime the interpreter and the JIT call: the
 * helpers (a few of its own), the arena kfuncs and the arena page lookup.
 */
#include <dirent.h>
#include <inttypes.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <ucontext.h>

#include "asm.h"
#include "engine.h"
#include "insns.h"
#include "jit_harness.h"

#include "arena_kmod.h"

#define JT_ARENA_SPAN	((1ULL << 32) + 64 * 1024)
#define JT_GUARD_BELOW	(32 * 1024)

/* --- the runtime: arena, helpers, kfuncs --- */

struct jt_arena arena;
int tap_failures;
static bool helper_misaligned;
static bool stop_runs;		/* what prog_should_stop() answers */
/* The JIT modes every program runs in, set by the suite. */
static const struct jt_options *jt_modes;
static u32 jt_nr_modes;

static bool jt_arena_init(void)
{
	arena.reserve = mmap(NULL, JT_ARENA_SPAN, PROT_NONE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (arena.reserve == MAP_FAILED)
		return false;
	arena.kern = arena.reserve + JT_GUARD_BELOW;
	arena.obj = (struct prog_obj){
		.kind = PROG_OBJ_ARENA,
		.size = 1ULL << 32,
		.user_vm_start = JT_USER_BASE,
		.handle = &arena,
	};
	return true;
}

static int jt_arena_find(u32 pgoff)
{
	u32 i;

	for (i = 0; i < arena.nr_present; i++)
		if (arena.present[i] == pgoff)
			return i;
	return -1;
}

/* Page pgoff made present (zeroed when it was not); NULL when full. */
u8 *jt_arena_populate(u32 pgoff)
{
	u8 *page = arena.kern + (u64)pgoff * JT_PAGE;

	if (jt_arena_find(pgoff) >= 0)
		return page;
	if (arena.nr_present == JT_MAX_PRESENT ||
	    mprotect(page, JT_PAGE, PROT_READ | PROT_WRITE))
		return NULL;
	arena.present[arena.nr_present++] = pgoff;
	return page;
}

static void jt_arena_remove(u32 pgoff)
{
	int i = jt_arena_find(pgoff);
	u8 *page = arena.kern + (u64)pgoff * JT_PAGE;

	if (i < 0)
		return;
	madvise(page, JT_PAGE, MADV_DONTNEED);	/* back to zeroes */
	mprotect(page, JT_PAGE, PROT_NONE);
	arena.present[i] = arena.present[--arena.nr_present];
}

/* Every page absent, conversions on: each test starts from there. */
void jt_arena_reset(void)
{
	while (arena.nr_present)
		jt_arena_remove(arena.present[0]);
	arena.obj.flags = 0;
}

void prog_arena_enter(void)
{
}

void prog_arena_exit(void)
{
}

void *prog_arena_page(const struct prog_obj *obj, u32 pgoff)
{
	return obj == &arena.obj && jt_arena_find(pgoff) >= 0 ?
	       arena.kern + (u64)pgoff * JT_PAGE : NULL;
}

u32 prog_arena_page_size(void)
{
	return JT_PAGE;
}

bool prog_should_stop(void)
{
	return stop_runs;
}

/* With frame pointers, rbp is 16-byte aligned iff rsp was at the call. */
__attribute__((noinline)) u64 jt_helper_args(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	if ((uintptr_t)__builtin_frame_address(0) & 15)
		helper_misaligned = true;
	return r1 + 2 * r2 + 3 * r3 + 4 * r4 + 5 * r5;
}

/* bpf_loop(nr, callback, ctx, flags): the calls made; a callback's 1 stops. */
static u64 jt_helper_loop(u64 nr, u64 callback, u64 ctx, u64 flags, u64 r5)
{
	const struct prog_func *func = (const struct prog_func *)(unsigned long)callback;
	u64 i;

	(void)flags, (void)r5;
	for (i = 0; i < nr; i++)
		if (prog_func_call(func, i, ctx, 0, 0, 0))
			return i + 1;
	return nr;
}

/*
 * bpf_map_lookup_elem(array, key) as module/prog_helpers.c's, for the
 * interpreter: the JITs inline it, which the count of calls shows.
 */
static u32 lookup_calls;

static u64 jt_helper_lookup(u64 map, u64 key, u64 r3, u64 r4, u64 r5)
{
	const struct prog_obj *obj = (const struct prog_obj *)(unsigned long)map;
	u32 index = *(const u32 *)(unsigned long)key;

	(void)r3, (void)r4, (void)r5;
	lookup_calls++;
	if (index >= obj->max_entries)
		return 0;
	return (u64)(unsigned long)obj->values + (u64)index * obj->value_stride;
}

/* What bpf_get_smp_processor_id() answers, called or inlined. */
static _Thread_local u32 jt_cpu_number;
static u32 cpu_number_calls;

static u64 jt_helper_cpu_number(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5)
{
	(void)r1, (void)r2, (void)r3, (void)r4, (void)r5;
	cpu_number_calls++;
	return jt_cpu_number;
}

/*
 * Where inlined code finds jt_cpu_number: at its offset from the thread
 * pointer, which one instruction gives (the %fs segment, tpidr_el0), as
 * the kernel's per-CPU base or current task do there.
 */
static void jt_cpu_number_target(struct jit_target *target)
{
	unsigned long tp;

#if defined(__x86_64__)
	asm("mov %%fs:0, %0" : "=r" (tp));
	target->cpu_number_base = 0x64;		/* the %fs prefix */
#else
	asm("mrs %0, tpidr_el0" : "=r" (tp));
	target->cpu_number_base = 0xd53bd040;	/* mrs x0, tpidr_el0 */
#endif
	target->cpu_number_off = (s32)((unsigned long)&jt_cpu_number - tp);
}

prog_helper_fn prog_helper(u32 id)
{
	switch (id) {
	case H_MAP_LOOKUP_ELEM:
		return jt_helper_lookup;
	case H_GET_SMP_PROCESSOR_ID:
		return jt_helper_cpu_number;
	case JT_H_ARGS:
		return jt_helper_args;
	case H_LOOP:
		return jt_helper_loop;
	default:
		return NULL;
	}
}

/* bpf_arena_alloc_pages(arena, addr, count, node, flags): the first free run. */
static u64 jt_kfunc_alloc(u64 obj, u64 addr, u64 count, u64 node, u64 flags)
{
	u32 first, i;

	(void)addr, (void)node, (void)flags;
	if (obj != (u64)(unsigned long)&arena.obj)
		return 0;
	for (first = 0; count && first + count <= JT_MAX_PRESENT; first++) {
		for (i = 0; i < count && jt_arena_find(first + i) < 0; i++)
			;
		if (i < count)
			continue;
		for (i = 0; i < count; i++)
			if (!jt_arena_populate(first + i))
				return 0;
		return JT_USER_BASE + (u64)first * JT_PAGE;
	}
	return 0;
}

static u64 jt_kfunc_free(u64 obj, u64 addr, u64 count, u64 r4, u64 r5)
{
	u32 i;

	(void)obj, (void)r4, (void)r5;
	for (i = 0; i < count; i++)
		jt_arena_remove((u32)addr / JT_PAGE + i);
	return 0;
}

prog_helper_fn prog_kfunc(u32 id)
{
	switch (id) {
	case ARENA_KFUNC_ARENA_ALLOC_PAGES:
		return jt_kfunc_alloc;
	case ARENA_KFUNC_ARENA_FREE_PAGES:
		return jt_kfunc_free;
	default:
		return NULL;
	}
}

/* --- images: mapping, exception-table emulation --- */

/* What the fault handler consults: the image that runs. */
static const struct jt_jit *running;
static sigjmp_buf *escape;
static u32 fault_hits;

/*
 * The interrupted pc and registers by the JIT's numbering, and what a
 * fault with nothing to zero zeroes (ARENA_ARCH_EX_SCRATCH of the
 * module's arch_<arch>.h).
 */
#if defined(__x86_64__)
#define JT_FAULT_SCRATCH	11
static const int jt_greg[16] = {
	REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

static u64 *jt_pc(ucontext_t *uc)
{
	return (u64 *)&uc->uc_mcontext.gregs[REG_RIP];
}

static u64 *jt_reg(ucontext_t *uc, u8 reg)
{
	return (u64 *)&uc->uc_mcontext.gregs[jt_greg[reg & 15]];
}
#elif defined(__aarch64__)
#define JT_FAULT_SCRATCH	10

static u64 *jt_pc(ucontext_t *uc)
{
	return (u64 *)&uc->uc_mcontext.pc;
}

/* x0-x30; the kernel's handler could not name sp either. */
static u64 *jt_reg(ucontext_t *uc, u8 reg)
{
	return (u64 *)&uc->uc_mcontext.regs[reg < 31 ? reg : JT_FAULT_SCRATCH];
}
#endif

static void jt_on_signal(int sig, siginfo_t *si, void *uctx)
{
	u64 pc = *jt_pc(uctx);
	u32 i;

	(void)si;
	for (i = 0; running && (sig == SIGSEGV || sig == SIGBUS) &&
	     i < running->image.nr_faults; i++) {
		const struct jit_fault *f = &running->image.faults[i];

		if (pc != (uintptr_t)running->mem + f->insn_off)
			continue;
		*jt_reg(uctx, f->dst_reg == 0xff ? JT_FAULT_SCRATCH : f->dst_reg) = 0;
		*jt_pc(uctx) = pc + f->len;
		fault_hits++;
		return;
	}
	if (escape)
		siglongjmp(*escape, sig);
	abort();
}

static void jt_signals_init(void)
{
	static const int sigs[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP };
	struct sigaction sa = { .sa_sigaction = jt_on_signal, .sa_flags = SA_SIGINFO };
	u32 i;

	sigemptyset(&sa.sa_mask);
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, NULL);
}

/*
 * len bytes within rel32 reach of this binary's text, where x86 code calls
 * helpers from, when such a place is free; else anywhere.
 */
static u8 *jt_map_near(size_t len)
{
	uintptr_t anchor = (uintptr_t)jt_helper_args & ~(uintptr_t)0xffff;
	void *p;
	u32 i;

	for (i = 1; i < 64 && anchor > (uintptr_t)i * (16 << 20); i++) {
		uintptr_t hint = anchor - (uintptr_t)i * (16 << 20);

		p = mmap((void *)hint, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p == (void *)hint)
			return p;
		if (p != MAP_FAILED)
			munmap(p, len);
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

/*
 * Compiles as the module does (once at address 0 for the size, once at
 * the code's address), maps it W^X and points funcs[].jited at it.
 */
int jt_jit_load(struct prog_core *prog, const struct jt_options *o, struct jt_jit *jit)
{
	struct jit_target target = {
		.kern_vm_start = prog->arena ? (u64)(unsigned long)arena.kern : 0,
		.ibt = o->ibt,
		.pac = o->pac,
		.lse = o->lse,
		.harden = o->harden,
		.return_thunk = (u64)(unsigned long)o->return_thunk,
	};
	struct jit_image sized;
	u32 i;
	int err;

	if (!o->cpu_helper)
		jt_cpu_number_target(&target);
	memset(jit, 0, sizeof(*jit));
	err = jit_compile(prog, &target, &sized);
	if (err)
		return err;
	jit->map_len = (sized.len + JT_PAGE - 1) & ~(size_t)(JT_PAGE - 1);
	jit_image_free(&sized);
	jit->mem = jt_map_near(jit->map_len);
	if (!jit->mem)
		return -ENOMEM;
	target.code_addr = (u64)(unsigned long)jit->mem;
	err = jit_compile(prog, &target, &jit->image);
	if (!err && (jit->image.len + JT_PAGE - 1) / JT_PAGE * JT_PAGE != jit->map_len)
		err = -EFAULT;
	if (!err) {
		memcpy(jit->mem, jit->image.code, jit->image.len);
		__builtin___clear_cache((char *)jit->mem, (char *)jit->mem + jit->image.len);
		err = mprotect(jit->mem, jit->map_len, PROT_READ | PROT_EXEC) ? -errno : 0;
	}
	if (err) {
		munmap(jit->mem, jit->map_len);
		jit_image_free(&jit->image);
		jit->mem = NULL;
		return err;
	}
	for (i = 0; i < prog->nr_funcs; i++)
		prog->funcs[i].jited = jit->mem + jit->image.func_off[i];
	return 0;
}

void jt_jit_unload(struct prog_core *prog, struct jt_jit *jit)
{
	u32 i;

	for (i = 0; i < prog->nr_funcs; i++)
		prog->funcs[i].jited = NULL;
	if (jit->mem)
		munmap(jit->mem, jit->map_len);
	jit_image_free(&jit->image);
}

/* The entry with r1, r2; false (and a failure) on an unexpected signal. */
bool jt_call(const struct prog_core *prog, const struct jt_jit *jit, u64 r1, u64 r2, u64 *r0)
{
	sigjmp_buf env;
	int sig;

	running = jit;
	sig = sigsetjmp(env, 1);
	if (sig) {
		escape = NULL;
		running = NULL;
		tap_fail(__FILE__, __LINE__, "signal %d in generated code", sig);
		return false;
	}
	escape = &env;
	*r0 = prog_func_call(&prog->funcs[0], r1, r2, 0, 0, 0);
	escape = NULL;
	running = NULL;
	return true;
}

/* --- programs --- */

void jt_prog_free(struct jt_prog *p)
{
	if (p->verified)
		verifier_release(&p->core);
	else if (p->ready)
		engine_release(&p->core);
	free(p->core.insns);
	memset(p, 0, sizeof(*p));
}

/* insns (owned by p from now on) prepared as the verifier would. */
static bool jt_prog_prepare(struct jt_prog *p, bool with_arena)
{
	char err[256];

	if (with_arena) {
		p->core.objs = &arena.obj;
		p->core.nr_objs = 1;
	}
	if (engine_prepare(&p->core, err, sizeof(err))) {
		tap_fail(__FILE__, __LINE__, "prepare: %s", err);
		jt_prog_free(p);
		return false;
	}
	p->ready = true;
	return true;
}

bool jt_prog_text(struct jt_prog *p, const char *text, bool with_arena)
{
	char err[256];

	memset(p, 0, sizeof(*p));
	if (asm_assemble(text, &p->core.insns, &p->core.len, err, sizeof(err))) {
		tap_fail(__FILE__, __LINE__, "assembler: %s", err);
		return false;
	}
	return jt_prog_prepare(p, with_arena);
}

bool jt_prog_insns(struct jt_prog *p, const struct bpf_insn *insns, u32 len, bool with_arena)
{
	memset(p, 0, sizeof(*p));
	p->core.insns = malloc(len * sizeof(*insns));
	if (!p->core.insns)
		return false;
	memcpy(p->core.insns, insns, len * sizeof(*insns));
	p->core.len = len;
	return jt_prog_prepare(p, with_arena);
}

/* r0 from the JIT in mode o; false (and a failure) when it did not run. */
bool jt_jit_run(struct jt_prog *p, const struct jt_options *o, u64 r1, u64 r2, u64 *r0)
{
	struct jt_jit jit;
	bool ran;
	int err;

	err = jt_jit_load(&p->core, o, &jit);
	if (err) {
		tap_fail(__FILE__, __LINE__, "jit_compile: %d", err);
		return false;
	}
	ran = jt_call(&p->core, &jit, r1, r2, r0);
	jt_jit_unload(&p->core, &jit);
	return ran;
}

/* The interpreter and every JIT mode must all give expected. */
void jt_expect(struct jt_prog *p, u64 r1, u64 expected, int line)
{
	u64 r0;
	u32 m;

	r0 = interp_run(&p->core, (void *)(unsigned long)r1);
	if (r0 != expected)
		tap_fail(__FILE__, line, "interpreter: r0 0x%" PRIx64 ", expected 0x%" PRIx64,
			 r0, expected);
	for (m = 0; m < jt_nr_modes; m++)
		if (jt_jit_run(p, &jt_modes[m], r1, 0, &r0) && r0 != expected)
			tap_fail(__FILE__, line, "jit (mode %u): r0 0x%" PRIx64
				 ", expected 0x%" PRIx64, m, r0, expected);
}

void jt_expect_text(const char *text, bool with_arena, u64 r1, u64 expected, int line)
{
	struct jt_prog p;

	if (!jt_prog_text(&p, text, with_arena))
		return;
	jt_expect(&p, r1, expected, line);
	jt_prog_free(&p);
}

#define EXPECT_ARENA(text, r1, expected) jt_expect_text(text, true, r1, expected, __LINE__)

/* Memory both engines write: ctx, and which arena pages are present with what. */
struct jt_snapshot {
	u8 *ctx;
	u32 present[JT_MAX_PRESENT];
	u32 nr_present;
	u8 pages[JT_MAX_PRESENT][JT_PAGE];
};

static void jt_snapshot_take(struct jt_snapshot *s, const void *ctx, size_t ctx_len)
{
	u32 i;

	if (ctx_len)
		memcpy(s->ctx, ctx, ctx_len);
	s->nr_present = arena.nr_present;
	for (i = 0; i < arena.nr_present; i++) {
		s->present[i] = arena.present[i];
		memcpy(s->pages[i], arena.kern + (u64)arena.present[i] * JT_PAGE, JT_PAGE);
	}
}

static int jt_snapshot_find(const struct jt_snapshot *s, u32 pgoff)
{
	u32 i;

	for (i = 0; i < s->nr_present; i++)
		if (s->present[i] == pgoff)
			return i;
	return -1;
}

/* Back to s: pages a run allocated go, pages it freed come back. */
static void jt_snapshot_put(const struct jt_snapshot *s, void *ctx, size_t ctx_len)
{
	u32 i;

	if (ctx_len)
		memcpy(ctx, s->ctx, ctx_len);
	for (i = arena.nr_present; i-- > 0;)
		if (jt_snapshot_find(s, arena.present[i]) < 0)
			jt_arena_remove(arena.present[i]);
	for (i = 0; i < s->nr_present; i++) {
		u8 *page = jt_arena_populate(s->present[i]);

		if (page)
			memcpy(page, s->pages[i], JT_PAGE);
	}
}

static bool jt_snapshot_same(const struct jt_snapshot *a, const struct jt_snapshot *b,
			     size_t ctx_len)
{
	u32 i;
	int j;

	if (memcmp(a->ctx, b->ctx, ctx_len) || a->nr_present != b->nr_present)
		return false;
	for (i = 0; i < a->nr_present; i++) {
		j = jt_snapshot_find(b, a->present[i]);
		if (j < 0 || memcmp(a->pages[i], b->pages[j], JT_PAGE))
			return false;
	}
	return true;
}

/*
 * The differential mode: p runs on the interpreter and on the JIT in each
 * mode from the same memory (ctx, the arena), and must leave the same r0
 * and the same memory.  Leaves memory as the interpreter left it; false
 * on a difference.
 */
bool jt_differential(struct jt_prog *p, void *ctx, size_t ctx_len, int line)
{
	struct jt_snapshot *start = calloc(1, sizeof(*start)), *want = calloc(1, sizeof(*want));
	struct jt_snapshot *seen = calloc(1, sizeof(*seen));
	bool same = true;
	u64 r0, r0_jit;
	u32 m;

	if (start)
		start->ctx = malloc(ctx_len + 1);
	if (want)
		want->ctx = malloc(ctx_len + 1);
	if (seen)
		seen->ctx = malloc(ctx_len + 1);
	if (!start || !want || !seen || !start->ctx || !want->ctx || !seen->ctx) {
		tap_fail(__FILE__, line, "out of memory");
		same = false;
		goto out;
	}
	jt_snapshot_take(start, ctx, ctx_len);
	r0 = prog_func_call(&p->core.funcs[0], (u64)(unsigned long)ctx, ctx_len, 0, 0, 0);
	jt_snapshot_take(want, ctx, ctx_len);
	for (m = 0; m < jt_nr_modes; m++) {
		jt_snapshot_put(start, ctx, ctx_len);
		if (!jt_jit_run(p, &jt_modes[m], (u64)(unsigned long)ctx, ctx_len, &r0_jit)) {
			same = false;
			continue;
		}
		jt_snapshot_take(seen, ctx, ctx_len);
		if (r0_jit != r0) {
			tap_fail(__FILE__, line, "mode %u: r0 0x%" PRIx64 ", interpreter 0x%"
				 PRIx64, m, r0_jit, r0);
			same = false;
		} else if (!jt_snapshot_same(seen, want, ctx_len)) {
			tap_fail(__FILE__, line, "mode %u: memory differs from the interpreter's",
				 m);
			same = false;
		}
	}
	jt_snapshot_put(want, ctx, ctx_len);
out:
	if (start)
		free(start->ctx);
	if (want)
		free(want->ctx);
	if (seen)
		free(seen->ctx);
	free(start);
	free(want);
	free(seen);
	return same;
}

/* --- programs built here --- */

static u32 put_ld_imm64(struct bpf_insn *insns, u32 n, u8 reg, u64 v)
{
	struct bpf_insn ld[] = { I_LD_IMM64(reg, v) };

	insns[n] = ld[0];
	insns[n + 1] = ld[1];
	return n + 2;
}

/* r0 = r0 * 31 + r, for r1-r9: a register the code clobbers shows in r0. */
static u32 put_fold(struct bpf_insn *insns, u32 n)
{
	u8 r;

	for (r = 1; r <= 9; r++) {
		insns[n++] = (struct bpf_insn)I_ALU64_IMM(BPF_MUL, 0, 31);
		insns[n++] = (struct bpf_insn)I_ALU64_REG(BPF_ADD, 0, r);
	}
	return n;
}

/* --- hand-checked programs --- */

static const struct {
	const char *name;
	const char *text;
	u64 r0;
} cases[] = {
	{ "div64-by-zero-gives-0", "lddw %r0, 0x1234567890\nmov %r1, 0\ndiv %r0, %r1\nexit", 0 },
	{ "div32-by-zero-imm-gives-0", "mov %r0, 9\ndiv32 %r0, 0\nexit", 0 },
	{ "mod64-by-zero-leaves-dst",
	  "lddw %r3, 0xffffffff00000007\nmov %r1, 0\nmod %r3, %r1\nmov %r0, %r3\nexit",
	  0xffffffff00000007ULL },
	{ "mod32-by-zero-zero-extends-dst",
	  "lddw %r0, 0xffffffff00000007\nmov %r1, 0\nmod32 %r0, %r1\nexit", 7 },
	{ "smod32-by-zero-imm-zero-extends",
	  "lddw %r0, 0xfffffffffffffff9\nsmod32 %r0, 0\nexit", 0xfffffff9 },
	{ "sdiv64-intmin-by-minus-one-wraps",
	  "lddw %r3, 0x8000000000000000\nmov %r4, -1\nsdiv %r3, %r4\nmov %r0, %r3\nexit",
	  0x8000000000000000ULL },
	{ "smod64-intmin-by-minus-one-is-0",
	  "lddw %r0, 0x8000000000000000\nsmod %r0, -1\nexit", 0 },
	{ "sdiv32-intmin-by-minus-one-wraps",
	  "lddw %r4, 0xffffffff80000000\nsdiv32 %r4, -1\nmov %r0, %r4\nexit", 0x80000000 },
	{ "smod32-intmin-by-minus-one-is-0",
	  "mov32 %r3, 0x80000000\nmov %r0, -1\nsmod32 %r3, %r0\nmov %r0, %r3\nexit", 0 },
	{ "sdiv-truncates-toward-zero", "mov %r2, -7\nsdiv %r2, 2\nmov %r0, %r2\nexit", (u64)-3 },
	{ "smod-takes-dividend-sign", "mov %r0, -7\nmov %r3, 2\nsmod %r0, %r3\nexit", (u64)-1 },
	{ "div-keeps-rax-and-rdx",
	  "mov %r0, 100\nmov %r3, 33\nmov %r5, 7\nmod %r5, 4\nadd %r0, %r3\nadd %r0, %r5\nexit",
	  136 },
	{ "udiv-imm-is-sign-extended", "lddw %r0, 0xfffffffffffffffe\ndiv %r0, -1\nexit", 0 },
	{ "mul32-overflow-zero-extends", "mov32 %r0, 0x10000\nmul32 %r0, 0x10000\nexit", 0 },
	{ "mul64-imm-sign-extended", "mov %r0, 3\nmul %r0, -2\nexit", (u64)-6 },
	{ "add32-zero-extends", "mov %r0, -1\nadd32 %r0, 1\nexit", 0 },
	{ "neg32-zero-extends", "mov %r0, 1\nneg32 %r0\nexit", 0xffffffff },
	{ "lsh64-by-64-is-masked", "mov %r0, 1\nmov %r1, 64\nlsh %r0, %r1\nexit", 1 },
	{ "lsh32-by-33-is-masked", "mov %r0, 1\nmov %r1, 33\nlsh32 %r0, %r1\nexit", 2 },
	{ "lsh32-by-32-zero-extends", "mov %r0, -1\nmov %r1, 32\nlsh32 %r0, %r1\nexit",
	  0xffffffff },
	{ "lsh32-imm-0-zero-extends", "mov %r0, -1\nlsh32 %r0, 0\nexit", 0xffffffff },
	{ "shift-of-r4-by-r4", "mov %r4, 3\nlsh %r4, %r4\nmov %r0, %r4\nexit", 24 },
	{ "shift-of-r4-keeps-count-reg",
	  "mov %r4, 1\nmov %r2, 4\nlsh %r4, %r2\nmov %r0, %r4\nadd %r0, %r2\nexit", 20 },
	{ "shift-by-r4-keeps-r4", "mov %r0, 1\nmov %r4, 5\nlsh %r0, %r4\nadd %r0, %r4\nexit", 37 },
	{ "shift-keeps-r4", "mov %r4, 9\nmov %r0, 1\nmov %r2, 2\nlsh %r0, %r2\nadd %r0, %r4\nexit",
	  13 },
	{ "arsh64-by-65-is-masked", "mov %r0, -4\nmov %r1, 65\narsh %r0, %r1\nexit", (u64)-2 },
	{ "arsh32-sign-is-bit-31", "mov32 %r0, 0x80000000\narsh32 %r0, 4\nexit", 0xf8000000 },
	{ "rsh32-drops-high-half", "lddw %r0, 0xffffffff00000010\nrsh32 %r0, 4\nexit", 1 },
	{ "movsx832-zero-extends", "mov %r2, 0x80\nmovsx832 %r0, %r2\nexit", 0xffffff80 },
	{ "movsx864-from-sil", "mov %r2, 0x1ff\nmovsx864 %r0, %r2\nexit", U64_MAX },
	{ "movsx1632-zero-extends", "mov %r1, 0x8000\nmovsx1632 %r0, %r1\nexit", 0xffff8000 },
	{ "movsx1664-sign-extends", "mov %r1, 0x8000\nmovsx1664 %r0, %r1\nexit",
	  0xffffffffffff8000ULL },
	{ "movsx3264-sign-extends", "mov32 %r1, 0x80000000\nmovsx3264 %r0, %r1\nexit",
	  0xffffffff80000000ULL },
	{ "mov32-reg-zero-extends-itself", "mov %r0, -1\nmov32 %r0, %r0\nexit", 0xffffffff },
	{ "mov32-imm-zero-extends", "mov32 %r0, -1\nexit", 0xffffffff },
	{ "mov64-imm-sign-extends", "mov %r0, -1\nexit", U64_MAX },
	{ "be16-swaps-and-truncates", "lddw %r0, 0x1122334455667788\nbe16 %r0\nexit", 0x8877 },
	{ "be32-swaps", "lddw %r3, 0x1122334455667788\nbe32 %r3\nmov %r0, %r3\nexit", 0x88776655 },
	{ "be64-swaps", "lddw %r9, 0x1122334455667788\nbe64 %r9\nmov %r0, %r9\nexit",
	  0x8877665544332211ULL },
	{ "le16-truncates", "lddw %r0, 0x1122334455667788\nle16 %r0\nexit", 0x7788 },
	{ "le32-truncates", "lddw %r0, 0x1122334455667788\nle32 %r0\nexit", 0x55667788 },
	{ "le64-keeps", "lddw %r0, 0x1122334455667788\nle64 %r0\nexit", 0x1122334455667788ULL },
	{ "bswap16-r8", "lddw %r8, 0x1122334455667788\nbswap16 %r8\nmov %r0, %r8\nexit", 0x8877 },
	{ "bswap64-swaps", "lddw %r0, 0x1122334455667788\nbswap64 %r0\nexit",
	  0x8877665544332211ULL },
	{ "ld-imm64-forms",
	  "lddw %r0, 0x7fffffff\nlddw %r1, 0xffffffff80000000\nlddw %r2, 0x123456789a\n"
	  "lddw %r3, 0\nadd %r0, %r1\nadd %r0, %r2\nadd %r0, %r3\nexit",
	  0x7fffffffULL + 0xffffffff80000000ULL + 0x123456789aULL },
	{ "ldx-sizes-and-sign-extension",
	  "lddw %r1, 0x8182838485868788\nstxdw [%r10-8], %r1\nldxb %r2, [%r10-8]\n"
	  "ldxsb %r3, [%r10-8]\nldxh %r4, [%r10-8]\nldxsh %r5, [%r10-8]\nldxw %r6, [%r10-8]\n"
	  "ldxsw %r7, [%r10-8]\nldxdw %r8, [%r10-8]\nmov %r0, %r2\nxor %r0, %r3\nxor %r0, %r4\n"
	  "xor %r0, %r5\nxor %r0, %r6\nxor %r0, %r7\nxor %r0, %r8\nexit",
	  0x88ULL ^ 0xffffffffffffff88ULL ^ 0x8788ULL ^ 0xffffffffffff8788ULL ^ 0x85868788ULL ^
	  0xffffffff85868788ULL ^ 0x8182838485868788ULL },
	{ "st-imm-sizes",
	  "stdw [%r10-8], -1\nstb [%r10-8], 0x11\nsth [%r10-6], 0x2233\nstw [%r10-4], 0x44\n"
	  "ldxdw %r0, [%r10-8]\nexit", 0x0000004422330011ULL | 0xff00 },
	{ "stx-byte-of-rsi-rdi-rbp",
	  "mov %r1, 0x101\nmov %r2, 0x202\nstxb [%r10-1], %r1\nstxb [%r10-2], %r2\n"
	  "stxb [%r10-3], %r10\nldxh %r0, [%r10-2]\nexit", 0x0102 },
	{ "stack-deep-offset", "stdw [%r10-512], 5\nldxdw %r0, [%r10-512]\nexit", 5 },
	{ "unaligned-stack-access",
	  "lddw %r1, 0x1122334455667788\nstxdw [%r10-11], %r1\nldxdw %r0, [%r10-11]\nexit",
	  0x1122334455667788ULL },
	{ "jslt-imm-is-signed", "mov %r0, 0\nmov %r1, -1\njslt %r1, 0, +1\nexit\nmov %r0, 1\nexit",
	  1 },
	{ "jlt32-ignores-high-half",
	  "mov %r0, 0\nlddw %r1, 0x100000000\njlt32 %r1, 1, +1\nexit\nmov %r0, 1\nexit", 1 },
	{ "jset32-ignores-high-half",
	  "mov %r0, 1\nlddw %r1, 0x100000000\njset32 %r1, -1, +1\nexit\nmov %r0, 2\nexit", 1 },
	{ "jset64-imm-sign-extended",
	  "mov %r0, 1\nlddw %r1, 0x100000000\njset %r1, -1, +1\nexit\nmov %r0, 2\nexit", 2 },
	{ "jgt-imm-sign-extended-unsigned",
	  "mov %r0, 1\nmov %r1, -2\njgt %r1, -1, +1\nexit\nmov %r0, 2\nexit", 1 },
	{ "ja32-jumps-by-imm", "mov %r0, 1\nja32 +1\nexit\nmov %r0, 2\nexit", 2 },
	{ "backward-loop", "mov %r0, 0\nmov %r1, 10\nloop:\nadd %r0, %r1\nsub %r1, 1\n"
	  "jne %r1, 0, loop\nexit", 55 },
	{ "loop-to-function-start",
	  "mov %r1, 5\nmov %r0, 0\ncall local f\nexit\n"
	  "f:\nadd %r0, 1\nsub %r1, 1\njne %r1, 0, f\nexit", 5 },
	{ "atomic-fetch-add32-zero-extends",
	  "stdw [%r10-8], -1\nlddw %r1, 0x100000001\nlock fetch add32 [%r10-8], %r1\n"
	  "ldxdw %r2, [%r10-8]\nlddw %r3, 0xffffffff00000000\njne %r2, %r3, +2\n"
	  "mov %r0, %r1\nexit\nmov %r0, -1\nexit", 0xffffffff },
	{ "atomic-cmpxchg-succeeds",
	  "stdw [%r10-8], 5\nmov %r0, 5\nmov %r1, 9\nlock cmpxchg [%r10-8], %r1\n"
	  "ldxdw %r2, [%r10-8]\nlsh %r0, 8\nor %r0, %r2\nexit", 5 << 8 | 9 },
	{ "atomic-cmpxchg-fails-and-fetches",
	  "stdw [%r10-8], 5\nmov %r0, 4\nmov %r1, 9\nlock cmpxchg [%r10-8], %r1\n"
	  "ldxdw %r2, [%r10-8]\njne %r2, 5, +1\nexit\nmov %r0, -1\nexit", 5 },
	{ "atomic-cmpxchg32-zero-extends-r0",
	  "stw [%r10-4], 1\nlddw %r0, 0xffffffff00000001\nmov %r1, 9\n"
	  "lock cmpxchg32 [%r10-4], %r1\nldxw %r2, [%r10-4]\njne %r2, 9, +1\nexit\n"
	  "mov %r0, -1\nexit", 1 },
	{ "atomic-cmpxchg32-fails-zero-extends",
	  "stw [%r10-4], 3\nlddw %r0, 0xffffffff00000001\nmov %r1, 9\n"
	  "lock cmpxchg32 [%r10-4], %r1\nexit", 3 },
	{ "atomic-xchg-fetches",
	  "stdw [%r10-8], 5\nmov %r1, 9\nlock xchg [%r10-8], %r1\nldxdw %r2, [%r10-8]\n"
	  "mov %r0, %r1\njne %r2, 9, +1\nexit\nmov %r0, -1\nexit", 5 },
	{ "atomic-xchg32-zero-extends",
	  "stdw [%r10-8], -1\nmov %r1, 9\nlock xchg32 [%r10-8], %r1\nmov %r0, %r1\nexit",
	  0xffffffff },
	{ "atomic-and-or-xor-without-fetch-keep-src",
	  "stdw [%r10-8], 0xff\nmov %r1, 0x0f\nlock and [%r10-8], %r1\nmov %r2, 0x100\n"
	  "lock or [%r10-8], %r2\nmov %r3, 1\nlock xor [%r10-8], %r3\nldxdw %r0, [%r10-8]\n"
	  "add %r0, %r1\nadd %r0, %r2\nadd %r0, %r3\nexit", 0x10e + 0x0f + 0x100 + 1 },
	{ "atomic-fetch-or-xor-and",
	  "stdw [%r10-8], 6\nmov %r1, 1\nlock fetch or [%r10-8], %r1\nmov %r2, 3\n"
	  "lock fetch xor [%r10-8], %r2\nmov %r3, 2\nlock fetch and [%r10-8], %r3\n"
	  "ldxdw %r0, [%r10-8]\nlsh %r1, 8\nor %r0, %r1\nlsh %r2, 16\nor %r0, %r2\n"
	  "lsh %r3, 24\nor %r0, %r3\nexit", 0 | 6 << 8 | 7 << 16 | 4 << 24 },
	{ "atomic-fetch-and-src-r0-keeps-nothing-else",
	  "stdw [%r10-8], 0xf0\nmov %r0, 0x3c\nmov %r1, %r10\nlock fetch and [%r1-8], %r0\n"
	  "ldxdw %r2, [%r10-8]\nlsh %r0, 8\nor %r0, %r2\nexit", 0xf0 << 8 | 0x30 },
	{ "atomic-fetch-xor32-base-r0",
	  "stdw [%r10-8], -1\nmov %r0, %r10\nmov %r1, 0xff\nlock fetch xor32 [%r0-8], %r1\n"
	  "ldxdw %r2, [%r10-8]\nsub %r0, %r10\nadd %r0, %r1\nxor %r0, %r2\nexit",
	  0xffffffffULL ^ 0xffffffffffffff00ULL },
	{ "atomic-fetch-add-base-r0-src-r0",
	  "stdw [%r10-8], 40\nmov %r0, %r10\nadd %r0, -8\nmov %r6, %r0\n"
	  "lock fetch add [%r0+0], %r0\nldxdw %r1, [%r10-8]\nsub %r1, %r6\nlsh %r0, 8\n"
	  "add %r0, %r1\nexit", 40 << 8 | 40 },
	{ "helper-gets-five-args",
	  "mov %r1, 1\nmov %r2, 2\nmov %r3, 3\nmov %r4, 4\nmov %r5, 5\ncall 1000\nexit",
	  1 + 4 + 9 + 16 + 25 },
	{ "helper-keeps-r6-to-r9",
	  "mov %r6, 6\nmov %r7, 7\nmov %r8, 8\nmov %r9, 9\nmov %r1, 1\nmov %r2, 0\nmov %r3, 0\n"
	  "mov %r4, 0\nmov %r5, 0\ncall 1000\nadd %r0, %r6\nadd %r0, %r7\nadd %r0, %r8\n"
	  "add %r0, %r9\nexit", 31 },
	{ "calls-with-stack-in-both-frames",
	  "stdw [%r10-8], 1\nstdw [%r10-16], 2\nmov %r6, 6\nmov %r1, %r10\ncall local f\n"
	  "ldxdw %r2, [%r10-8]\nldxdw %r3, [%r10-16]\nlsh %r0, 16\nor %r0, %r2\nlsh %r3, 8\n"
	  "or %r0, %r3\nlsh %r6, 24\nor %r0, %r6\nexit\n"
	  "f:\nstdw [%r10-8], 3\nstdw [%r10-16], 4\nmov %r6, 0\nmov %r7, 0\nldxdw %r0, [%r1-8]\n"
	  "ldxdw %r2, [%r10-8]\nlsh %r2, 4\nadd %r0, %r2\nldxdw %r2, [%r1-16]\nlsh %r2, 8\n"
	  "add %r0, %r2\nexit", (1 + (3 << 4) + (2 << 8)) << 16 | 2 << 8 | 1 | 6 << 24 },
	{ "call-chain-keeps-callee-saved",
	  "mov %r6, 1\nmov %r7, 2\nmov %r8, 3\nmov %r9, 4\ncall local f\nlsh %r6, 12\n"
	  "lsh %r7, 8\nlsh %r8, 4\nor %r0, %r6\nor %r0, %r7\nor %r0, %r8\nor %r0, %r9\nexit\n"
	  "f:\nmov %r6, 9\nmov %r7, 9\nmov %r8, 9\nmov %r9, 9\ncall local g\nmov %r0, 0\nexit\n"
	  "g:\nmov %r6, 8\nmov %r7, 8\nmov %r8, 8\nmov %r9, 8\nstdw [%r10-8], 0\nmov %r0, 0\n"
	  "exit", 0x1234 },
	{ "callee-args-in-r1-r5",
	  "mov %r1, 1\nmov %r2, 2\nmov %r3, 3\nmov %r4, 4\nmov %r5, 5\ncall local f\nexit\n"
	  "f:\ncall 1000\nexit", 55 },
	{ "helper-calls-back-into-program",
	  "stdw [%r10-8], 0\nmov %r1, 4\nldfunc %r2, cb\nmov %r3, %r10\nadd %r3, -8\n"
	  "mov %r4, 0\ncall 181\nldxdw %r1, [%r10-8]\nlsh %r1, 8\nor %r0, %r1\nexit\n"
	  "cb:\nlock add [%r2+0], %r1\nmov %r0, 0\nexit", 4 | (0 + 1 + 2 + 3) << 8 },
	{ "callback-returning-1-stops-loop",
	  "mov %r1, 10\nldfunc %r2, cb\nmov %r3, 0\nmov %r4, 0\ncall 181\nexit\n"
	  "cb:\nmov %r0, 0\njne %r1, 2, +1\nmov %r0, 1\nexit", 3 },
	{ "may_goto-budget-ends-loop",
	  "mov %r0, 0\nloop:\nmay_goto out\nadd %r0, 1\nja loop\nout:\nexit", ISA_MAY_GOTO_BUDGET },
	{ "may_goto-budget-is-per-invocation",
	  "mov %r6, 0\ncall local f\nadd %r6, %r0\ncall local f\nadd %r0, %r6\nexit\n"
	  "f:\nstdw [%r10-8], 1\nmov %r0, 0\nloop:\nmay_goto out\nadd %r0, 1\nja loop\nout:\n"
	  "ldxdw %r1, [%r10-8]\nadd %r0, %r1\nexit", 2ULL * ISA_MAY_GOTO_BUDGET + 2 },
};

static void run_case(u32 i)
{
	EXPECT_TEXT(cases[i].text, 0, cases[i].r0);
	TAP_EXPECT(!helper_misaligned);
	helper_misaligned = false;
}

/*
 * A run asked to stop ends its may_goto loops at the next check: the
 * first one comes at once (the budget is a multiple of the interval), the
 * next one PROG_STOP_CHECK_EVERY iterations later; r0-r5 survive the call.
 */
static void may_goto_stops_when_asked(void)
{
	static const char text[] =
		"mov %r1, 1\nmov %r2, 2\nmov %r3, 3\nmov %r4, 4\nmov %r5, 5\nmov %r0, 0\n"
		"loop:\nmay_goto out\nadd %r0, 1\nja loop\nout:\nlsh %r0, 4\nadd %r0, %r1\n"
		"add %r0, %r2\nadd %r0, %r3\nadd %r0, %r4\nadd %r0, %r5\nexit";

	stop_runs = true;
	EXPECT_TEXT(text, 0, 15);
	stop_runs = false;
	EXPECT_TEXT(text, 0, (u64)ISA_MAY_GOTO_BUDGET << 4 | 15);
}

/* ctx in r1; loads and stores through it change the caller's memory. */
static void ctx_memory(void)
{
	u64 ctx[2] = { 0x42, 0 };
	struct jt_prog p;

	if (!jt_prog_text(&p, "ldxdw %r0, [%r1+0]\nstxdw [%r1+8], %r0\nadd %r0, 1\nexit", false))
		return;
	jt_expect(&p, (u64)(unsigned long)ctx, 0x43, __LINE__);
	TAP_EXPECT_EQ(ctx[1], 0x42);
	jt_prog_free(&p);
}

/*
 * Every jump condition, 32 and 64 bits, immediate and register, at values
 * around the signed and unsigned boundaries: the JIT against the
 * interpreter, and a few against values worked out by hand.
 */
static void jumps_at_boundaries(void)
{
	static const u8 ops[] = { BPF_JEQ, BPF_JNE, BPF_JGT, BPF_JGE, BPF_JLT, BPF_JLE,
				  BPF_JSGT, BPF_JSGE, BPF_JSLT, BPF_JSLE, BPF_JSET };
	static const u64 vals[] = { 0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL,
				    0x7fffffffffffffffULL, 0x8000000000000000ULL, U64_MAX,
				    0xffffffff80000000ULL };
	u32 o, a, b, c, bad = 0;
	u64 ctx[2];

	for (o = 0; o < ARRAY_SIZE(ops); o++)
		for (c = 0; c < 4; c++)
			for (a = 0; a < ARRAY_SIZE(vals); a++)
				for (b = 0; b < ARRAY_SIZE(vals); b++) {
					u8 code = (c & 1 ? BPF_JMP32 : BPF_JMP) | ops[o];
					struct bpf_insn insns[] = {
						I_LDX(BPF_DW, 2, 1, 0),
						I_LDX(BPF_DW, 3, 1, 8),
						I_MOV64_IMM(0, 1),
						I_RAW(code | (c & 2 ? BPF_X : BPF_K), 2,
						      c & 2 ? 3 : 0, 1,
						      c & 2 ? 0 : (s32)vals[b]),
						I_EXIT(),
						I_MOV64_IMM(0, 2),
						I_EXIT(),
					};
					struct jt_prog p;

					ctx[0] = vals[a];
					ctx[1] = vals[b];
					if (!jt_prog_insns(&p, insns, ARRAY_SIZE(insns), false))
						return;
					bad += !jt_differential(&p, ctx, sizeof(ctx), __LINE__);
					jt_prog_free(&p);
					if (bad > 5)
						return;
				}
	/* jsge32 0x80000000 >= 0x7fffffff is false; jge32 is true; jsgt -1 > INT64_MIN */
	EXPECT_TEXT("mov32 %r1, 0x80000000\nmov %r0, 1\njsge32 %r1, 0x7fffffff, +1\nexit\n"
		    "mov %r0, 2\nexit", 0, 1);
	EXPECT_TEXT("mov32 %r1, 0x80000000\nmov %r0, 1\njge32 %r1, 0x7fffffff, +1\nexit\n"
		    "mov %r0, 2\nexit", 0, 2);
	EXPECT_TEXT("mov %r1, -1\nlddw %r2, 0x8000000000000000\nmov %r0, 1\njsgt %r1, %r2, +1\n"
		    "exit\nmov %r0, 2\nexit", 0, 2);
	EXPECT_TEXT("mov %r1, -1\nlddw %r2, 0x8000000000000000\nmov %r0, 1\njgt %r2, %r1, +1\n"
		    "exit\nmov %r0, 2\nexit", 0, 1);
}

/*
 * Each of div, mod (signed and not), the shifts and mul, 32 and 64 bits,
 * with every pair of r0-r5 (the registers x86 division and shifts use) as
 * dst and src, on edge values; all registers are folded into r0 to catch
 * one the translation clobbers.
 */
static void alu_register_pairs(void)
{
	static const struct { u8 op; s16 off; } ops[] = {
		{ BPF_DIV, 0 }, { BPF_DIV, 1 }, { BPF_MOD, 0 }, { BPF_MOD, 1 },
		{ BPF_LSH, 0 }, { BPF_RSH, 0 }, { BPF_ARSH, 0 }, { BPF_MUL, 0 },
	};
	static const u64 pairs[][2] = {
		{ 100, 7 }, { 0x8000000000000000ULL, U64_MAX }, { 0xffffffff80000000ULL, U64_MAX },
		{ 5, 0 }, { 0xffffffff00000007ULL, 0 }, { (u64)-100, 7 }, { 0x123456789ULL, 33 },
	};
	u32 o, d, s, v, w, r, bad = 0;

	for (o = 0; o < ARRAY_SIZE(ops); o++)
		for (w = 0; w < 2; w++)
			for (d = 0; d <= 5; d++)
				for (s = 0; s <= 5; s++)
					for (v = 0; v < ARRAY_SIZE(pairs); v++) {
						struct bpf_insn insns[48];
						struct jt_prog p;
						u32 n = 0;

						for (r = 0; r <= 9; r++)
							n = put_ld_imm64(insns, n, r,
									 0x1111111111111111ULL * r +
									 0x0102030405060708ULL);
						n = put_ld_imm64(insns, n, s, pairs[v][1]);
						n = put_ld_imm64(insns, n, d, pairs[v][0]);
						insns[n++] = (struct bpf_insn)I_RAW((w ? BPF_ALU64 :
								BPF_ALU) | ops[o].op | BPF_X, d, s,
								ops[o].off, 0);
						n = put_fold(insns, n);
						insns[n++] = (struct bpf_insn)I_EXIT();
						if (!jt_prog_insns(&p, insns, n, false))
							return;
						bad += !jt_differential(&p, NULL, 0, __LINE__);
						jt_prog_free(&p);
						if (bad > 5)
							return;
					}
}

/* --- random programs against the interpreter --- */

static u64 rnd_state = 0x9e3779b97f4a7c15ULL;

static u64 rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static u64 rnd_value(void)
{
	static const u64 edges[] = { 0, 1, U64_MAX, 0x80000000, 0x7fffffff, 0xffffffff,
				     0x8000000000000000ULL, 0xffffffff80000000ULL, 2, 31, 63 };

	return rnd() % 3 ? rnd() >> (rnd() % 64) : edges[rnd() % ARRAY_SIZE(edges)];
}

/* The fields an operand form does not use zero, as the verifier wants them. */
static struct bpf_insn rnd_canonical(struct bpf_insn insn)
{
	if (BPF_SRC(insn.code) == BPF_K)
		insn.src_reg = 0;
	else
		insn.imm = 0;
	return insn;
}

#define RND_SLOTS	8
#define RND_BODY	300

/*
 * One random instruction at insns[n] (two for ld_imm64): every ALU form,
 * stack loads, stores and atomics on 8 initialised slots, and forward
 * jumps whose targets are fixed up afterwards (*jump_at set).
 */
static u32 rnd_insn(struct bpf_insn *insns, u32 n, bool *is_jump)
{
	static const u8 alu_ops[] = { BPF_ADD, BPF_SUB, BPF_MUL, BPF_DIV, BPF_OR, BPF_AND,
				      BPF_LSH, BPF_RSH, BPF_NEG, BPF_MOD, BPF_XOR, BPF_MOV,
				      BPF_ARSH, BPF_END };
	static const u8 jmp_ops[] = { BPF_JEQ, BPF_JNE, BPF_JGT, BPF_JGE, BPF_JLT, BPF_JLE,
				      BPF_JSGT, BPF_JSGE, BPF_JSLT, BPF_JSLE, BPF_JSET };
	static const u8 sizes[] = { BPF_B, BPF_H, BPF_W, BPF_DW };
	static const s32 atomics[] = { BPF_ADD, BPF_AND, BPF_OR, BPF_XOR, BPF_ADD | BPF_FETCH,
				       BPF_AND | BPF_FETCH, BPF_OR | BPF_FETCH,
				       BPF_XOR | BPF_FETCH, BPF_XCHG, BPF_CMPXCHG };
	u8 dst = rnd() % 10, src = rnd() % 10, kind = rnd() % 16;
	bool w = rnd() & 1;
	u8 op = alu_ops[rnd() % ARRAY_SIZE(alu_ops)];
	u8 size = sizes[rnd() % 4];
	s16 slot = -8 * (s16)(1 + rnd() % RND_SLOTS);
	s16 off = 0;
	s32 imm = (s32)rnd_value();

	*is_jump = false;
	if (kind == 0)
		return put_ld_imm64(insns, n, dst, rnd_value()) - n;
	if (kind == 1) {
		*is_jump = true;
		insns[n] = rnd_canonical((struct bpf_insn)I_RAW((w ? BPF_JMP : BPF_JMP32) |
						  jmp_ops[rnd() % ARRAY_SIZE(jmp_ops)] |
				 (rnd() & 1 ? BPF_X : BPF_K), dst, src, 0, imm));
		return 1;
	}
	if (kind == 3) {
		u8 mode = rnd() % 3 ? BPF_MEM : ISA_MEMSX;

		if (size == BPF_DW)
			mode = BPF_MEM;
		insns[n] = (struct bpf_insn)I_RAW(BPF_LDX | size | mode, dst, 10, slot, 0);
		return 1;
	}
	if (kind == 4) {
		insns[n] = rnd() & 1 ? (struct bpf_insn)I_STX(size, 10, src, slot) :
				       (struct bpf_insn)I_ST(size, 10, slot, imm);
		return 1;
	}
	if (kind == 5) {
		s32 op = atomics[rnd() % ARRAY_SIZE(atomics)];

		insns[n] = (struct bpf_insn)I_ATOMIC(w ? BPF_DW : BPF_W, op, 10, src,
						     w ? slot : slot + 4);
		return 1;
	}
	if ((op == BPF_DIV || op == BPF_MOD) && rnd() & 1)
		off = 1;
	if (op == BPF_MOV && rnd() % 3 == 0)
		off = w ? 8 << (rnd() % 3) : 8 << (rnd() % 2);
	if (op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH)
		imm &= w ? 63 : 31;
	if (op == BPF_END) {
		imm = 16 << (rnd() % 3);
		insns[n] = (struct bpf_insn)I_RAW((w ? BPF_ALU64 : BPF_ALU) | BPF_END |
				 (!w && rnd() & 1 ? BPF_TO_BE : BPF_TO_LE), dst, 0, 0, imm);
		return 1;
	}
	if ((op == BPF_DIV || op == BPF_MOD) && !imm)
		imm = -1;	/* by a zero constant the verifier rejects */
	if (op == BPF_NEG)
		insns[n] = (struct bpf_insn)I_RAW((w ? BPF_ALU64 : BPF_ALU) | op, dst, 0, 0, 0);
	else
		insns[n] = rnd_canonical((struct bpf_insn)I_RAW(
			(w ? BPF_ALU64 : BPF_ALU) | op | (off >= 8 || rnd() & 1 ? BPF_X : BPF_K),
			dst, src, off, imm));
	return 1;
}

/* A random program: registers and slots set, a body, everything folded into r0. */
static u32 rnd_program(struct bpf_insn *insns, u32 body)
{
	u32 starts[RND_BODY + 1], jumps[RND_BODY], nr_starts = 0, nr_jumps = 0, n = 0, i;
	bool is_jump;

	for (i = 0; i <= 9; i++)
		n = put_ld_imm64(insns, n, i, rnd_value());
	for (i = 1; i <= RND_SLOTS; i++)
		insns[n++] = (struct bpf_insn)I_STX(BPF_DW, 10, i, -8 * (s16)i);
	for (i = 0; i < body; i++) {
		starts[nr_starts++] = n;
		n += rnd_insn(insns, n, &is_jump);
		if (is_jump)
			jumps[nr_jumps++] = nr_starts - 1;
	}
	starts[nr_starts] = n;
	for (i = 0; i < nr_jumps; i++) {
		u32 from = jumps[i], to = from + 1 + rnd() % 12;

		if (to > nr_starts)
			to = nr_starts;
		insns[starts[from]].off = starts[to] - starts[from] - 1;
	}
	n = put_fold(insns, n);
	for (i = 1; i <= RND_SLOTS; i++) {
		insns[n++] = (struct bpf_insn)I_LDX(BPF_DW, 1, 10, -8 * (s16)i);
		insns[n++] = (struct bpf_insn)I_ALU64_IMM(BPF_MUL, 0, 31);
		insns[n++] = (struct bpf_insn)I_ALU64_REG(BPF_ADD, 0, 1);
	}
	insns[n++] = (struct bpf_insn)I_EXIT();
	return n;
}

/*
 * A fixed seed: the same programs each run, one in 64 of full length, the
 * rest short.  Natively 100k take half a minute; under qemu-aarch64 a
 * tenth of them take as long.
 */
#ifdef __aarch64__
#define RND_PROGRAMS	10000
#else
#define RND_PROGRAMS	100000
#endif
#define RND_SHORT_BODY	24

bool jt_prog_verified(struct jt_prog *p, const struct bpf_insn *insns, u32 len, u32 ctx_size,
		      bool with_arena, const struct prog_global_func *globals, u32 nr_globals,
		      char *log, u32 log_size)
{
	struct verifier_log vlog = { .buf = log, .size = log_size, .level = 1 };
	int err;

	memset(p, 0, sizeof(*p));
	log[0] = '\0';
	p->core.insns = malloc(len * sizeof(*insns));
	if (!p->core.insns)
		return false;
	memcpy(p->core.insns, insns, len * sizeof(*insns));
	p->core.len = len;
	p->core.ctx_size = ctx_size;
	if (with_arena) {
		p->core.objs = &arena.obj;
		p->core.nr_objs = 1;
	}
	err = verifier_check_with_globals(&p->core, globals, nr_globals, &vlog);
	if (err) {
		free(p->core.insns);
		return false;
	}
	p->verified = true;
	return true;
}

static void random_programs_match_interpreter(void)
{
	static struct bpf_insn insns[2 * RND_BODY + 128];
	u32 i, bad = 0, rejected = 0, n, total = 0;
	char log[256];

	for (i = 0; i < RND_PROGRAMS && bad < 3; i++) {
		u32 body = i % 64 ? 1 + rnd() % RND_SHORT_BODY : RND_BODY;
		struct jt_prog p;

		n = rnd_program(insns, body);
		total += n;
		if (!jt_prog_verified(&p, insns, n, 0, false, NULL, 0, log, sizeof(log))) {
			if (!rejected++)
				printf("# program %u rejected: %s", i, log);
			continue;
		}
		if (!jt_differential(&p, NULL, 0, __LINE__)) {
			printf("# program %u differs\n", i);
			bad++;
		}
		jt_prog_free(&p);
	}
	printf("# %u random programs, %u instructions in all, %u of them rejected by the verifier\n",
	       i, total, rejected);
	TAP_EXPECT(rejected < i / 10);
}

/* --- the bpf_conformance suite's programs --- */

static void conformance_files(void)
{
	struct dirent **ents;
	u32 ran = 0, skipped = 0;
	int n, i;

	n = scandir(CONFORMANCE_DIR "/tests", &ents, NULL, alphasort);
	TAP_EXPECT(n > 0);
	for (i = 0; i < n; i++) {
		char path[4096], err[256];
		struct asm_test test;
		struct jt_jit jit;
		struct jt_prog p;
		size_t len = strlen(ents[i]->d_name);
		u8 *mem = NULL;
		u64 r0;
		int ret;

		if (len < 6 || strcmp(ents[i]->d_name + len - 5, ".data")) {
			free(ents[i]);
			continue;
		}
		snprintf(path, sizeof(path), CONFORMANCE_DIR "/tests/%s", ents[i]->d_name);
		free(ents[i]);
		if (asm_load_test(path, &test, err, sizeof(err)) || !test.has_result) {
			asm_test_free(&test);
			skipped++;
			continue;
		}
		memset(&p, 0, sizeof(p));
		p.core.insns = test.insns;
		p.core.len = test.nr_insns;
		p.core.ctx_size = test.mem_len;
		test.insns = NULL;
		if (engine_prepare(&p.core, err, sizeof(err))) {
			asm_test_free(&test);
			jt_prog_free(&p);
			skipped++;
			continue;
		}
		p.ready = true;
		ret = jt_jit_load(&p.core, &jt_modes[ran % jt_nr_modes], &jit);
		if (ret == -EOPNOTSUPP) {
			printf("# %s: not compiled (-EOPNOTSUPP)\n", path);
			skipped++;
		} else if (ret) {
			tap_fail(__FILE__, __LINE__, "%s: jit_compile %d", path, ret);
		} else {
			mem = test.mem_len ? malloc(test.mem_len) : NULL;
			if (mem)
				memcpy(mem, test.mem, test.mem_len);
			if (jt_call(&p.core, &jit, (u64)(unsigned long)mem, test.mem_len, &r0) &&
			    r0 != test.result)
				tap_fail(__FILE__, __LINE__, "%s: r0 0x%" PRIx64 ", expected 0x%"
					 PRIx64, path, r0, test.result);
			ran++;
		}
		jt_jit_unload(&p.core, &jit);
		/* and every mode against the interpreter, memory included */
		if (!ret && mem) {
			memcpy(mem, test.mem, test.mem_len);
			if (!jt_differential(&p, mem, test.mem_len, __LINE__))
				printf("# %s differs from the interpreter\n", path);
		} else if (!ret && !test.mem_len && !jt_differential(&p, NULL, 0, __LINE__)) {
			printf("# %s differs from the interpreter\n", path);
		}
		free(mem);
		jt_prog_free(&p);
		asm_test_free(&test);
	}
	free(ents);
	printf("# %u conformance programs compiled, run and checked against the interpreter, "
	       "%u skipped\n", ran, skipped);
	TAP_EXPECT(ran > 250);
}

/* --- arrays --- */

/*
 * One lookup: the array's shape, the index, and where its value is (an
 * offset into the values) or LOOKUP_NULL for NULL.
 */
struct lookup_case {
	u32 value_size;
	u32 max_entries;
	u32 index;
	u64 offset;
};

#define LOOKUP_NULL	U64_MAX
/* The values of lookups that only compute addresses: never dereferenced. */
#define LOOKUP_FAR_VALUES	0x100000ULL

/* The case's array, as the module makes one (array_kmod.c), at values. */
static struct prog_obj lookup_array(const struct lookup_case *c, void *values)
{
	return (struct prog_obj){
		.kind = PROG_OBJ_ARRAY,
		.value_size = c->value_size,
		.max_entries = c->max_entries,
		.value_stride = (c->value_size + 7) & ~7U,
		.values = values,
	};
}

/*
 * r0 = lookup(obj, key at r1), then, when write says the values are real
 * memory and r0 is not NULL, a word at the value's start and a byte at its
 * end written through it.  known: obj is the program's object 0 and the
 * call is marked as the verifier marks a lookup that only obj reaches
 * (prog_core.h), so that the JITs may build obj's fields into the code.
 */
static bool lookup_prog(struct jt_prog *p, struct prog_obj *obj, bool write, bool known)
{
	char text[512], stores[128] = "";
	u32 i;

	if (write)
		snprintf(stores, sizeof(stores), "jeq %%r0, 0, +2\nstw [%%r0+0], 0x11223344\n"
			 "stb [%%r0+%u], 0x5a\n", obj->value_size - 1);
	snprintf(text, sizeof(text), "mov %%r2, %%r1\nlddw %%r1, 0x%" PRIx64 "\ncall %d\n%sexit",
		 (u64)(unsigned long)obj, H_MAP_LOOKUP_ELEM, stores);
	if (!jt_prog_text(p, text, false))
		return false;
	if (known) {
		p->core.objs = obj;
		p->core.nr_objs = 1;
		for (i = 0; i < p->core.len; i++)
			if (p->core.insns[i].code == (BPF_JMP | BPF_CALL))
				p->core.insns[i].off = 1;
	}
	return true;
}

/*
 * Lookups at the first, the last and past the last index, and at indexes
 * with the top bit set (an unsigned compare): r0 is the helper's in every
 * mode, as the bytes written through it, and the JIT never calls the
 * helper, whether the array is known at the call or read at run time.
 * Value sizes that are not multiples of 8 have a stride that is.
 */
static void array_lookup_inline(void)
{
	static const struct lookup_case cases[] = {
		{ 12, 5, 0, 0 }, { 12, 5, 1, 16 }, { 12, 5, 4, 64 }, { 12, 5, 5, LOOKUP_NULL },
		{ 12, 5, 6, LOOKUP_NULL }, { 12, 5, 0x80000000, LOOKUP_NULL },
		{ 12, 5, 0xffffffff, LOOKUP_NULL }, { 4, 3, 2, 16 }, { 4, 3, 3, LOOKUP_NULL },
		{ 20, 4, 3, 72 }, { 20, 4, 0x7fffffff, LOOKUP_NULL },
	};
	struct {
		u32 key;
		u32 pad;
		u8 values[128];
	} ctx;
	u32 i;

	for (i = 0; i < 2 * ARRAY_SIZE(cases); i++) {
		const struct lookup_case *c = &cases[i / 2];
		struct prog_obj obj = lookup_array(c, ctx.values);
		u64 want = c->offset == LOOKUP_NULL ? 0 :
			   (u64)(unsigned long)ctx.values + c->offset;
		struct jt_prog p;

		if (!lookup_prog(&p, &obj, true, i % 2))
			return;
		memset(&ctx, 0, sizeof(ctx));
		ctx.key = c->index;
		lookup_calls = 0;
		TAP_EXPECT_EQ(interp_run(&p.core, &ctx), want);
		TAP_EXPECT_EQ(lookup_calls, 1);
		lookup_calls = 0;
		if (!jt_differential(&p, &ctx, sizeof(ctx), __LINE__))
			printf("# lookup case %u (array %s) differs from the interpreter\n",
			       i / 2, i % 2 ? "known" : "read");
		TAP_EXPECT_EQ(lookup_calls, 1);		/* the interpreter's alone */
		if (c->offset != LOOKUP_NULL) {
			TAP_EXPECT_EQ(ctx.values[c->offset], 0x44);
			TAP_EXPECT_EQ(ctx.values[c->offset + c->value_size - 1], 0x5a);
		}
		jt_prog_free(&p);
	}
}

/*
 * Indexes times the stride past 4 GiB, in an array as large as the u32
 * index allows: the product is 64 bits, of the index zero-extended, with
 * the array known at the call or read at run time.  The values are not
 * there: only the addresses are compared.
 */
static void array_lookup_far_addresses(void)
{
	static const struct lookup_case cases[] = {
		{ 0x10001, 0xffffffff, 0x7fffffff, 0x8003fffefff8ULL },
		{ 0x10001, 0xffffffff, 0x80000000, 0x800400000000ULL },
		{ 0x10001, 0xffffffff, 0xfffffffe, 0x10007fffdfff0ULL },
		{ 0x10001, 0xffffffff, 0xffffffff, LOOKUP_NULL },
	};
	u32 i, key;

	for (i = 0; i < 2 * ARRAY_SIZE(cases); i++) {
		const struct lookup_case *c = &cases[i / 2];
		struct prog_obj obj = lookup_array(c, (void *)(unsigned long)LOOKUP_FAR_VALUES);
		struct jt_prog p;

		if (!lookup_prog(&p, &obj, false, i % 2))
			return;
		key = c->index;
		jt_expect(&p, (u64)(unsigned long)&key,
			  c->offset == LOOKUP_NULL ? 0 : LOOKUP_FAR_VALUES + c->offset, __LINE__);
		jt_prog_free(&p);
	}
}

/* --- arena --- */

static void arena_load_store(void)
{
	u8 *page0, *page1;
	u32 v;

	jt_arena_reset();
	page0 = jt_arena_populate(0);
	page1 = jt_arena_populate(1);
	TAP_EXPECT(page0 && page1);
	if (!page0 || !page1)
		return;
	/* The upper half of the register is not part of the arena offset. */
	EXPECT_ARENA("arena stw [%r1+8], 0x1234\narena ldxw %r0, [%r1+8]\nexit",
		     JT_USER_BASE + 16, 0x1234);
	memcpy(&v, page0 + 24, sizeof(v));
	TAP_EXPECT_EQ(v, 0x1234);
	EXPECT_ARENA("mov %r2, -1\narena stxb [%r1+0], %r2\narena ldxdw %r0, [%r1-7]\nexit",
		     JT_PAGE, 0xff00000000000000ULL);
	/* Across the page boundary, both present. */
	EXPECT_ARENA("lddw %r2, 0x1122334455667788\narena stxdw [%r1+0], %r2\n"
		     "arena ldxdw %r0, [%r1+0]\nexit", JT_PAGE - 3, 0x1122334455667788ULL);
	TAP_EXPECT_EQ(page0[JT_PAGE - 1], 0x66);
	TAP_EXPECT_EQ(page1[0], 0x55);
	/* Each size, and the register holding the pointer may be r0. */
	EXPECT_ARENA("mov %r0, %r1\narena sth [%r0+2], 0x7788\narena ldxh %r0, [%r0+2]\nexit",
		     0x100, 0x7788);
	EXPECT_ARENA("arena stdw [%r1+0], -2\narena ldxdw %r0, [%r1+0]\nexit", 0x200, (u64)-2);
	/* Sign-extending loads, present and absent. */
	EXPECT_ARENA("arena stdw [%r1+0], -2\narena ldxsb %r2, [%r1+0]\narena ldxsh %r3, [%r1+0]\n"
		     "arena ldxsw %r0, [%r1+0]\nadd %r0, %r2\nadd %r0, %r3\nexit", 0x300, (u64)-6);
	EXPECT_ARENA("mov %r0, 5\narena ldxsw %r0, [%r1+0]\nexit", 5 * JT_PAGE, 0);
}

/* Loads give 0 and change only their register; stores change nothing. */
static void arena_absent_pages(void)
{
	u8 *page1;
	u32 hits;

	jt_arena_reset();
	page1 = jt_arena_populate(1);
	if (!page1)
		return;
	memset(page1, 0xab, JT_PAGE);
	hits = fault_hits;
	EXPECT_ARENA("mov %r0, 99\narena ldxdw %r0, [%r1+0]\nexit", 2 * JT_PAGE, 0);
	TAP_EXPECT(fault_hits > hits);
	EXPECT_ARENA("mov %r6, 6\nmov %r3, 77\nmov %r0, 5\narena ldxw %r3, [%r1+0]\n"
		     "lsh %r0, 8\nor %r0, %r3\nlsh %r0, 8\nor %r0, %r6\nexit", 3 * JT_PAGE,
		     0x050006);
	EXPECT_ARENA("arena stdw [%r1+0], 7\nmov %r0, 1\nexit", 3 * JT_PAGE, 1);
	EXPECT_ARENA("mov %r0, 1\narena stxdw [%r1+0], %r0\narena ldxdw %r0, [%r1+0]\nexit",
		     3 * JT_PAGE, 0);
	/* A store from a present page into an absent one writes nothing. */
	EXPECT_ARENA("lddw %r2, -1\narena stxdw [%r1+0], %r2\narena ldxdw %r0, [%r1+0]\nexit",
		     2 * JT_PAGE - 4, 0);
	TAP_EXPECT_EQ(page1[JT_PAGE - 4], 0xab);
	TAP_EXPECT_EQ(page1[JT_PAGE - 1], 0xab);
	/* From an absent page into a present one: the same. */
	EXPECT_ARENA("arena stw [%r1+0], 0\narena ldxw %r0, [%r1+0]\nexit", JT_PAGE - 2, 0);
	TAP_EXPECT_EQ(page1[0], 0xab);
	TAP_EXPECT_EQ(page1[1], 0xab);
}

/* Below offset 0 and past 4 GiB lie the guards: 0, nothing written. */
static void arena_guards(void)
{
	u8 *page0;

	jt_arena_reset();
	page0 = jt_arena_populate(0);
	if (!page0)
		return;
	page0[0] = 0x5a;
	EXPECT_ARENA("mov %r0, 99\narena ldxb %r0, [%r1-1]\nexit", 0, 0);
	EXPECT_ARENA("mov %r0, 99\narena ldxdw %r0, [%r1-32768]\nexit", 0, 0);
	EXPECT_ARENA("mov %r0, 99\narena ldxb %r0, [%r1+1]\nexit", 0xffffffff, 0);
	EXPECT_ARENA("mov %r0, 99\narena ldxw %r0, [%r1+0]\nexit", 0xfffffffe, 0);
	EXPECT_ARENA("mov %r0, 99\narena ldxdw %r0, [%r1+32759]\nexit", 0xffffffff, 0);
	EXPECT_ARENA("arena stb [%r1+1], 1\narena stb [%r1-4096], 1\narena stdw [%r1+32000], 1\n"
		     "mov %r0, 0\nexit", 0xffffffff, 0);
	EXPECT_ARENA("mov %r2, 1\narena lock add [%r1-8], %r2\narena lock fetch add [%r1-8], %r2\n"
		     "mov %r0, %r2\nexit", 0, 0);
	TAP_EXPECT_EQ(page0[0], 0x5a);
	EXPECT_ARENA("arena ldxb %r0, [%r1+0]\nexit", 0, 0x5a);
}

/* Every atomic on a present and on an absent page, fetched registers 0. */
static void arena_atomics(void)
{
	static const char *const ops[] = { "add", "and", "or", "xor" };
	char text[512];
	u8 *page0;
	u64 v;
	u32 i;
	static const u8 results[] = { 0xc + 0xa, 0xc & 0xa, 0xc | 0xa, 0xc ^ 0xa };

	jt_arena_reset();
	page0 = jt_arena_populate(0);
	if (!page0)
		return;
	EXPECT_ARENA("arena stdw [%r1+0], 0\nmov %r2, 5\narena lock add [%r1+0], %r2\n"
		     "mov %r2, 2\narena lock fetch add [%r1+0], %r2\nmov %r0, %r2\nexit", 64, 5);
	memcpy(&v, page0 + 64, sizeof(v));
	TAP_EXPECT_EQ(v, 7);
	EXPECT_ARENA("arena stdw [%r1+0], 0\nmov %r0, 0\nmov %r2, 9\n"
		     "arena lock cmpxchg [%r1+0], %r2\nexit", 64, 0);
	memcpy(&v, page0 + 64, sizeof(v));
	TAP_EXPECT_EQ(v, 9);
	EXPECT_ARENA("mov %r0, 5\nmov %r2, 1\narena lock cmpxchg [%r1+0], %r2\nexit", 64, 9);
	EXPECT_ARENA("mov %r0, 5\nmov %r2, 1\narena lock cmpxchg [%r1+0], %r2\nexit",
		     3 * JT_PAGE, 0);
	EXPECT_ARENA("mov %r2, 5\narena lock xchg [%r1+0], %r2\nmov %r0, %r2\nexit",
		     2 * JT_PAGE, 0);
	EXPECT_ARENA("mov %r2, 5\narena lock fetch add32 [%r1+0], %r2\nmov %r0, %r2\nexit",
		     2 * JT_PAGE, 0);
	/* misaligned on a present page: nothing done, fetched values 0 */
	EXPECT_ARENA("arena stdw [%r1+0], 0x11\nmov %r2, 3\narena lock fetch add [%r1+4], %r2\n"
		     "mov %r3, 5\narena lock add32 [%r1+2], %r3\nmov %r0, 9\nmov %r4, 1\n"
		     "arena lock cmpxchg32 [%r1+1], %r4\nmov %r5, 7\n"
		     "arena lock xchg [%r1+12], %r5\nadd %r0, %r2\nadd %r0, %r5\nlsh %r0, 8\n"
		     "arena ldxdw %r1, [%r1+0]\nadd %r0, %r1\nexit", 64, 0x11);
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		snprintf(text, sizeof(text), "mov %%r0, 0x1000\nmov %%r2, 0xa\n"
			 "arena lock fetch %s [%%r1+4], %%r2\nadd %%r0, %%r2\nexit", ops[i]);
		EXPECT_ARENA(text, 64, 0x1000);
	}
	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		/* present: 0xc op 0xa, fetched 0xc */
		snprintf(text, sizeof(text),
			 "arena stdw [%%r1+0], 0xc\nmov %%r6, 6\nmov %%r0, 0x1000\nmov %%r2, 0xa\n"
			 "arena lock fetch %s [%%r1+0], %%r2\nlsh %%r0, 8\nor %%r0, %%r2\n"
			 "add %%r0, %%r6\nexit", ops[i]);
		EXPECT_ARENA(text, 128, 0x100000 + 0xc + 6);
		memcpy(&v, page0 + 128, sizeof(v));
		TAP_EXPECT_EQ(v, results[i]);
		/* absent: fetched 0, r0 kept */
		snprintf(text, sizeof(text), "mov %%r0, 0x1000\nmov %%r2, 0xa\n"
			 "arena lock fetch %s32 [%%r1+0], %%r2\nlsh %%r0, 8\nor %%r0, %%r2\nexit",
			 ops[i]);
		EXPECT_ARENA(text, 2 * JT_PAGE, 0x100000);
		/* absent, src r0: r0 is the fetched 0 */
		snprintf(text, sizeof(text),
			 "mov %%r0, 0x1000\narena lock fetch %s [%%r1+8], %%r0\nexit", ops[i]);
		EXPECT_ARENA(text, 2 * JT_PAGE, 0);
		/* guard */
		snprintf(text, sizeof(text), "mov %%r0, 0x1000\nmov %%r2, 3\n"
			 "arena lock fetch %s [%%r1-16], %%r2\nadd %%r0, %%r2\nexit", ops[i]);
		EXPECT_ARENA(text, 0, 0x1000);
	}
}

static void arena_cast(void)
{
	jt_arena_reset();
	EXPECT_ARENA("addr_space_cast %r0, %r1, 1, 0\nexit", 0x10, JT_USER_BASE + 0x10);
	EXPECT_ARENA("addr_space_cast %r0, %r1, 1, 0\nexit", 0xdead00000000ULL, 0);
	EXPECT_ARENA("addr_space_cast %r0, %r1, 0, 1\nexit", JT_USER_BASE + 0x10, 0x10);
	EXPECT_ARENA("addr_space_cast %r1, %r1, 1, 0\nmov %r0, %r1\nexit", 0xffffffff,
		     JT_USER_BASE + 0xffffffff);
	arena.obj.flags = PROG_OBJ_F_NO_USER_CONV;
	EXPECT_ARENA("addr_space_cast %r0, %r1, 1, 0\nexit", JT_USER_BASE + 0x10, 0x10);
	arena.obj.flags = 0;
}

/* A kfunc allocates a page; the program writes through the pointer. */
static void arena_kfunc_alloc(void)
{
	char text[512];
	struct jt_prog p;
	u64 r0, v;
	u32 m;

	jt_arena_reset();
	snprintf(text, sizeof(text),
		 "lddw %%r1, 0x%" PRIx64 "\nmov %%r2, 0\nmov %%r3, 1\nmov %%r4, -1\n"
		 "mov %%r5, 0\ncall runtime %d\nmov %%r1, 77\narena stxdw [%%r0+8], %%r1\nexit",
		 (u64)(unsigned long)&arena.obj, ARENA_KFUNC_ARENA_ALLOC_PAGES);
	if (!jt_prog_text(&p, text, true))
		return;
	/* each run allocates the next page */
	for (m = 0; m < jt_nr_modes; m++) {
		if (!jt_jit_run(&p, &jt_modes[m], 0, 0, &r0))
			break;
		TAP_EXPECT_EQ(r0, JT_USER_BASE + m * JT_PAGE);
		TAP_EXPECT_EQ(arena.nr_present, m + 1);
		memcpy(&v, arena.kern + m * JT_PAGE + 8, sizeof(v));
		TAP_EXPECT_EQ(v, 77);
	}
	jt_prog_free(&p);
}

/* Every offset near a page boundary and near 4 GiB: the JIT as the interpreter. */
static void arena_boundaries_match_interpreter(void)
{
	static const u64 bases[] = { JT_PAGE, 2 * JT_PAGE, 0, 0xffffffff, 0x100000000ULL - 16 };
	static const u8 sizes[] = { BPF_B, BPF_H, BPF_W, BPF_DW };
	u32 b, s, d, bad = 0;

	jt_arena_reset();
	if (!jt_arena_populate(0) || !jt_arena_populate(1))
		return;
	memset(arena.kern, 0x11, 2 * JT_PAGE);
	for (b = 0; b < ARRAY_SIZE(bases); b++)
		for (s = 0; s < 4; s++)
			for (d = 0; d < 24; d++) {
				s16 off = (s16)d - 12;
				struct bpf_insn insns[] = {
					I_LDX(BPF_DW, 1, 1, 0),		/* the offset */
					I_MOV64_IMM(0, 0x55),
					I_LD_IMM64(2, 0x8877665544332211ULL + d),
					I_RAW(BPF_STX | ISA_PROBE_MEM32 | sizes[s], 1, 2, off, 0),
					I_RAW(BPF_LDX | ISA_PROBE_MEM32 | sizes[s], 0, 1, off, 0),
					I_RAW(BPF_LDX | ISA_PROBE_MEM32 | BPF_DW, 3, 1, -8, 0),
					I_ALU64_REG(BPF_XOR, 0, 3),
					I_EXIT(),
				};
				struct jt_prog p;
				u64 ctx = bases[b];

				if (!jt_prog_insns(&p, insns, ARRAY_SIZE(insns), true))
					return;
				bad += !jt_differential(&p, &ctx, sizeof(ctx), __LINE__);
				jt_prog_free(&p);
				if (bad > 5)
					return;
			}
}

/* --- code properties every JIT has --- */

const char jt_sample_text[] =
	"mov %r6, %r1\nmov %r0, 0\nmov %r2, 16\nloop:\nldxb %r3, [%r6+0]\nadd %r0, %r3\n"
	"mul %r0, 31\nadd %r6, 1\nsub %r2, 1\njne %r2, 0, loop\nstxdw [%r10-8], %r0\n"
	"call local f\nexit\nf:\nmov %r1, 1\nmov %r2, 2\nmov %r3, 3\nmov %r4, 4\nmov %r5, 5\n"
	"call 1000\nexit";

bool jt_compile_text(const char *text, const struct jit_target *target, struct jt_prog *p,
		     struct jit_image *image)
{
	if (!jt_prog_text(p, text, false))
		return false;
	if (jit_compile(&p->core, target, image)) {
		tap_fail(__FILE__, __LINE__, "jit_compile failed");
		jt_prog_free(p);
		return false;
	}
	return true;
}

bool jt_contains(const struct jit_image *image, const void *bytes, u32 n)
{
	u32 i;

	for (i = 0; i + n <= image->len; i++)
		if (!memcmp(image->code + i, bytes, n))
			return true;
	return false;
}

/* Hardened images differ and never hold the program's constants. */
void jt_check_blinding(bool (*has_constant)(const struct jit_image *image, u32 v))
{
	static const char text[] =
		"mov %r0, 0x12345678\nadd %r0, 0x5a5a5a5a\nstdw [%r10-8], 0x3c3c3c3c\n"
		"lddw %r2, 0x7e7e7e7e6d6d6d6d\njeq %r0, 0x4b4b4b4b, +1\nxor %r0, %r2\n"
		"ldxdw %r1, [%r10-8]\nadd %r0, %r1\nexit";
	static const u32 secrets[] = {
		0x12345678, 0x5a5a5a5a, 0x3c3c3c3c, 0x7e7e7e7e, 0x6d6d6d6d, 0x4b4b4b4b,
	};
	struct jit_target hardened = { .harden = true }, as_is = {};
	struct jit_image plain, a, b;
	struct jt_prog p, q, r;
	u32 i;

	if (!jt_compile_text(text, &as_is, &p, &plain))
		return;
	if (jt_compile_text(text, &hardened, &q, &a)) {
		if (jt_compile_text(text, &hardened, &r, &b)) {
			TAP_EXPECT_EQ(a.len, b.len);
			TAP_EXPECT(memcmp(a.code, b.code, a.len));
			for (i = 0; i < ARRAY_SIZE(secrets); i++) {
				TAP_EXPECT(has_constant(&plain, secrets[i]));
				TAP_EXPECT(!has_constant(&a, secrets[i]));
				TAP_EXPECT(!has_constant(&b, secrets[i]));
			}
			jit_image_free(&b);
			jt_prog_free(&r);
		}
		jit_image_free(&a);
		jt_prog_free(&q);
	}
	jit_image_free(&plain);
	jt_prog_free(&p);
	EXPECT_TEXT(text, 0, ((0x12345678ULL + 0x5a5a5a5a) ^ 0x7e7e7e7e6d6d6d6dULL) + 0x3c3c3c3c);
}

void jt_check_callee_saved(const struct jt_options *o,
			   u64 (*call_marked)(const void *entry, u64 *diff))
{
	struct jt_jit jit;
	struct jt_prog p;
	u64 diff = ~0ULL, r0;

	if (!jt_prog_text(&p, "mov %r6, 0\nmov %r7, 0\nmov %r8, 0\nmov %r9, 0\nmov %r0, 42\n"
			  "exit", true))
		return;
	if (jt_jit_load(&p.core, o, &jit)) {
		tap_fail(__FILE__, __LINE__, "jit_compile failed");
		jt_prog_free(&p);
		return;
	}
	r0 = call_marked(p.core.funcs[0].jited, &diff);
	TAP_EXPECT_EQ(r0, 42);
	TAP_EXPECT_EQ(diff, 0);
	jt_jit_unload(&p.core, &jit);
	jt_prog_free(&p);
}

/*
 * bpf_get_smp_processor_id() gives the CPU number zero-extended, the same
 * whether inlined or called; inlined, the helper is not called.
 */
static void cpu_number_inline(void)
{
	static const u32 numbers[] = { 0, 3, 0x80000001, 0xffffffff };
	u32 i, m, calling = 0;

	for (m = 0; m < jt_nr_modes; m++)
		calling += jt_modes[m].cpu_helper;
	for (i = 0; i < ARRAY_SIZE(numbers); i++) {
		jt_cpu_number = numbers[i];
		cpu_number_calls = 0;
		EXPECT_TEXT("mov %r0, -1\nmov %r1, -1\ncall 8\nexit", 0, numbers[i]);
		TAP_EXPECT_EQ(cpu_number_calls, 1 + calling);	/* the interpreter's too */
	}
}

static void missing_helper_not_compiled(void)
{
	struct jit_image image;
	struct jit_target target = {};
	struct jt_prog p;

	if (!jt_prog_text(&p, "call 7777\nexit", false))
		return;
	TAP_EXPECT_EQ(jit_compile(&p.core, &target, &image), -EOPNOTSUPP);
	jt_prog_free(&p);
	if (!jt_prog_text(&p, "mov %r2, 1000\ncall %r2\nexit", false))
		return;
	TAP_EXPECT_EQ(jit_compile(&p.core, &target, &image), -EOPNOTSUPP);
	jt_prog_free(&p);
}

static const struct {
	const char *name;
	void (*fn)(void);
} shared_tests[] = {
	{ "ctx-memory", ctx_memory },
	{ "may-goto-stops-when-asked", may_goto_stops_when_asked },
	{ "jumps-at-boundaries", jumps_at_boundaries },
	{ "alu-register-pairs", alu_register_pairs },
	{ "random-programs-match-interpreter", random_programs_match_interpreter },
	{ "conformance-files", conformance_files },
	{ "array-lookup-inline", array_lookup_inline },
	{ "array-lookup-far-addresses", array_lookup_far_addresses },
	{ "cpu-number-inline", cpu_number_inline },
	{ "arena-load-store", arena_load_store },
	{ "arena-absent-pages", arena_absent_pages },
	{ "arena-guards", arena_guards },
	{ "arena-atomics", arena_atomics },
	{ "arena-cast", arena_cast },
	{ "arena-kfunc-alloc", arena_kfunc_alloc },
	{ "arena-boundaries-match-interpreter", arena_boundaries_match_interpreter },
	{ "missing-helper-not-compiled", missing_helper_not_compiled },
};

bool jt_init(const struct jt_options *modes, u32 nr_modes)
{
	jt_modes = modes;
	jt_nr_modes = nr_modes;
	jt_signals_init();
	return jt_arena_init();
}

int jt_main(const char *suite, const struct jt_options *modes, u32 nr_modes,
	    const struct tap_test *tests, size_t nr_tests)
{
	int failed = 0;
	u32 i;

	tap_start();
	if (!jt_init(modes, nr_modes)) {
		printf("not ok - %s/arena-reservation\n", suite);
		return 1;
	}
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		run_case(i);
		failed |= tap_report(suite, cases[i].name);
	}
	for (i = 0; i < ARRAY_SIZE(shared_tests); i++) {
		tap_failures = 0;
		shared_tests[i].fn();
		failed |= tap_report(suite, shared_tests[i].name);
	}
	return tap_run(tests, nr_tests) | failed;
}
