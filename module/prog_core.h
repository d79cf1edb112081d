/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Programs as the verifier checks them and the interpreter (and later the
 * JITs) runs them.  Plain C: the same structures serve the module, where
 * module/prog_kmod.c fills them from file descriptors, and the user-space
 * unit tests, which fill them with objects of their own.
 *
 * The contract between the verifier and what runs its output:
 *  - ld_imm64 of an object (src_reg BPF_PSEUDO_MAP_IDX, imm = index into
 *    objs[]) becomes a plain ld_imm64 (src_reg 0) of &objs[index]: helpers
 *    receive struct prog_obj pointers;
 *  - ld_imm64 of an object's value (BPF_PSEUDO_MAP_IDX_VALUE, imm = index,
 *    insn[1].imm = offset) becomes a plain ld_imm64 of the value's address
 *    (arrays: values + offset; arenas: user_vm_start + offset, an arena
 *    pointer in the 32-bit domain as upstream's globals are);
 *  - ld_imm64 of a function (BPF_PSEUDO_FUNC, imm = instruction offset
 *    from the next instruction) becomes a plain ld_imm64 of &funcs[n];
 *  - helper calls keep src_reg 0 and imm = the kernel's helper id; kfunc
 *    calls keep src_reg BPF_PSEUDO_KFUNC_CALL and imm = an ARENA_KFUNC_*
 *    id; bpf-to-bpf calls keep src_reg BPF_PSEUDO_CALL and their offset;
 *  - a bpf_map_lookup_elem() call that the same array reaches on every
 *    path gets off = 1 + that array's index (else off stays 0), so that a
 *    JIT may build the array's bounds and address into its code;
 *  - loads, stores and atomics through arena pointers get the modes
 *    ISA_PROBE_MEM32 / ISA_PROBE_ATOMIC;
 *  - nothing else changes: instruction indexes stay as loaded, so that a
 *    log line or a dump names the instruction user space sent.
 */
#ifndef ARENA_PROG_CORE_H
#define ARENA_PROG_CORE_H

#include <uapi/arena_kmod.h>

#include "bpf_isa.h"
#include "portable.h"

enum prog_obj_kind {
	PROG_OBJ_ARRAY = 1,
	PROG_OBJ_RINGBUF,	/* kernel to user */
	PROG_OBJ_USER_RINGBUF,	/* user to kernel */
	PROG_OBJ_ARENA,
};

/* Arrays: programs may read the values but never write them (.rodata). */
#define PROG_OBJ_F_RDONLY_PROG	(1U << 0)
/* Arenas: as(0) -> as(1) casts are plain 32-bit moves (ARENA_F_NO_USER_CONV). */
#define PROG_OBJ_F_NO_USER_CONV	(1U << 1)

/* One object a program refers to, as the verifier and the helpers see it. */
struct prog_obj {
	enum prog_obj_kind kind;
	u32 flags;		/* PROG_OBJ_F_* */
	/* Arrays. */
	u32 value_size;
	u32 max_entries;
	u32 value_stride;	/* value_size rounded up to 8 */
	void *values;		/* entry i at values + i * value_stride */
	/* Rings: the data area's size.  Arenas: the size in bytes. */
	u64 size;
	/* Arenas: where user space maps it, fixed when the program loads. */
	u64 user_vm_start;
	/* The object itself, as each build's helpers reach it. */
	void *handle;
};

/*
 * What a bpf_user_ringbuf_drain() callback's r1 points to: one record of
 * the ring, read-only, reached only through bpf_dynptr_read().
 */
struct prog_dynptr {
	const void *data;
	u32 size;
};

/* One function of a program: the entry (index 0) or a subprogram. */
struct prog_func {
	const struct prog_core *prog;
	u32 start;		/* its first instruction */
	u32 stack_depth;	/* bytes of its own frame, 8-byte aligned */
	void *jited;		/* native entry, once a JIT compiled it */
};

struct prog_core {
	struct bpf_insn *insns;	/* owned; the verifier rewrites them */
	u32 len;
	u32 ctx_size;		/* bytes r1 points to at entry; 0: r1 is 0 */
	struct prog_obj *objs;	/* not owned */
	u32 nr_objs;
	/* Filled by the verifier. */
	const struct prog_obj *arena;	/* the program's one arena, or NULL */
	struct prog_func *funcs;	/* owned, nr_funcs, sorted by start */
	u32 nr_funcs;
	u32 max_stack;		/* deepest call chain's frames, in bytes */
};

/* The verifier's log: a caller's buffer, filled up to size - 1 bytes. */
struct verifier_log {
	char *buf;
	u32 size;
	u32 len;		/* bytes written, without the final NUL */
	u32 level;		/* 0: none, 1: rejections, 2: also states */
	bool truncated;
};

/* Verifier limits, as the kernel's for unprivileged-sized programs. */
#define VERIFIER_MAX_INSNS	(1U << 20)
#define VERIFIER_MAX_PROCESSED	(1U << 20)

/*
 * Checks prog and, when it is safe, rewrites it for running (see above) and
 * fills ->arena, ->funcs, ->nr_funcs, ->max_stack.  0, or -EINVAL for a
 * rejected program, -E2BIG for one over the size or complexity limits,
 * -ENOSPC when everything passed but the log did not fit, -ENOMEM.  Every
 * rejection writes one line naming the instruction index at level >= 1.
 */
int verifier_check(struct prog_core *prog, struct verifier_log *log);
/*
 * The same, with declarations of global functions: those are walked once on
 * their own, from what is declared (verifier_global.c).  Read only here.
 */
int verifier_check_with_globals(struct prog_core *prog, const struct prog_global_func *globals,
				u32 nr_globals, struct verifier_log *log);
/* Frees what verifier_check() allocated (->funcs). */
void verifier_release(struct prog_core *prog);

/*
 * Helpers, by the kernel's ids (bpf_helper_defs.h), and kfuncs by ids of
 * our own: every build provides the implementation (module/prog_helpers.c,
 * tests' fakes); helper_protos.c says what the verifier allows for each.
 */
typedef u64 (*prog_helper_fn)(u64 r1, u64 r2, u64 r3, u64 r4, u64 r5);
prog_helper_fn prog_helper(u32 id);	/* NULL: no such helper */
prog_helper_fn prog_kfunc(u32 id);	/* NULL: no such kfunc */

/*
 * Arena memory as the interpreter reaches it: the bytes of page pgoff
 * (arena offset / PAGE_SIZE), or NULL when that page is absent.  Only
 * between prog_arena_enter() and prog_arena_exit(), which do not nest and
 * must not sleep in between; the page stays valid until the exit even if
 * the arena frees it concurrently.
 */
void prog_arena_enter(void) __acquires(RCU);
void prog_arena_exit(void) __releases(RCU);
void *prog_arena_page(const struct prog_obj *arena, u32 pgoff);
/* Page size of the arena's pages (PAGE_SIZE in the module). */
u32 prog_arena_page_size(void);

/*
 * Called by long loops (may_goto, bpf_loop) now and then: lets the CPU
 * go to others and says whether the run should end early, because whoever
 * started it has a signal pending.  A program's loops may then end before
 * their budget: may_goto may exit at any time.
 */
bool prog_should_stop(void);
/* How many iterations of such a loop go between two calls. */
#define PROG_STOP_CHECK_EVERY	(1U << 16)

/* Interprets prog's entry with r1 = ctx and returns r0, JIT or not. */
u64 interp_run(const struct prog_core *prog, void *ctx);
/*
 * Calls a function, compiled if a JIT compiled it (->jited), else
 * interpreted: a callback from a helper (bpf_loop), or a program's entry.
 * r1-r5 in, r0 out.
 */
u64 prog_func_call(const struct prog_func *func, u64 r1, u64 r2, u64 r3,
		   u64 r4, u64 r5);

#endif /* ARENA_PROG_CORE_H */
