/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The verifier's own types, shared by its files: verifier.c (the walk over
 * paths: ALU, jumps, rewrites), verifier_cfg.c (structure: decoding,
 * functions, control flow, liveness, call chains), verifier_bounds.c
 * (scalar ranges), verifier_mem.c (memory accesses), verifier_call.c
 * (helpers, kfuncs, calls, callbacks, exits), verifier_state.c (states:
 * copies, frames, pruning, widening), verifier_global.c (global functions,
 * each walked once on its own), verifier_link.c (scalars linked by copies),
 * verifier_log.c (the log).
 */
#ifndef ARENA_VERIFIER_INTERNAL_H
#define ARENA_VERIFIER_INTERNAL_H

#include "prog_core.h"
#include "tnum.h"

#define MAX_REG			11	/* r0 .. r10 */
#define REG_FP			10
#define STACK_SLOTS		(ISA_MAX_STACK / 8)
#define MAX_REFS		64
#define IDMAP_SIZE		(2 * (ISA_MAX_CALL_FRAMES * (MAX_REG + STACK_SLOTS) + MAX_REFS))
/* Stored states, so that memory stays bounded on any program. */
#define MAX_STORED_PER_INSN	32
#define MAX_STORED		16384
/*
 * Registers and stack slots compared while pruning, in all: past this,
 * pruning stops (the walk stays within VERIFIER_MAX_PROCESSED anyway), so
 * that no program makes the comparisons take seconds.
 */
#define MAX_COMPARE_STEPS	(1U << 26)
/* may_goto / callback rounds whose scalars widen by joining, not to unknown. */
#define WIDEN_ROUNDS		24
/* Instructions an eager walk that widened may take, see verify(). */
#define EAGER_MAX_PROCESSED	(VERIFIER_MAX_PROCESSED / 16)
/* Branches queued at once (the kernel's BPF_COMPLEXITY_LIMIT_JMP_SEQ). */
#define MAX_PENDING		8192

enum reg_type {
	NOT_INIT = 0,
	SCALAR,
	PTR_TO_CTX,
	PTR_TO_STACK,		/* frameno: whose frame */
	CONST_PTR_TO_OBJ,	/* obj: the object */
	PTR_TO_VALUE,		/* obj: the array */
	PTR_TO_VALUE_OR_NULL,
	PTR_TO_RECORD,		/* mem_size bytes, ref_id */
	PTR_TO_RECORD_OR_NULL,
	PTR_TO_ARENA,
	PTR_TO_FUNC,		/* func: the function's index */
	CONST_PTR_TO_DYNPTR,	/* a user ring's record, in a drain callback */
	PTR_TO_MEM,		/* mem_size bytes: a global function's argument */
	PTR_TO_MEM_OR_NULL,
};

/*
 * One register.  Scalars: their value is var_off and the bounds.  Pointers:
 * base + off + a variable part that var_off and the bounds describe.
 */
struct reg_state {
	u8 type;		/* enum reg_type */
	u8 frameno;
	u16 obj;
	s32 off;		/* linked scalars: the value is the id's plus off */
	u32 id;			/* nullable pointers, linked scalars: copies share it */
	u32 ref_id;		/* ring records: the reference */
	u32 mem_size;		/* ring records, memory */
	u32 func;		/* function pointers */
	struct tnum var_off;
	s64 smin, smax;
	u64 umin, umax;
	s32 s32_min, s32_max;
	u32 u32_min, u32_max;
};

/* What each byte of a stack slot holds. */
enum stack_byte {
	STACK_INVALID = 0,	/* never written: reading it is rejected */
	STACK_MISC,		/* some scalar bits */
	STACK_SPILL,		/* the slot holds spilled_reg */
};

struct stack_slot {
	u8 bytes[8];		/* enum stack_byte, byte i at slot + i */
	struct reg_state spilled;
};

struct func_frame {
	struct reg_state regs[MAX_REG];
	u32 func;		/* index into the function table */
	u32 callsite;		/* the call instruction, or U32_MAX */
	bool in_callback;	/* called by a helper (bpf_loop) */
	bool dynptr_callback;	/* r1 is a dynptr (bpf_user_ringbuf_drain) */
	struct reg_state cb_arg; /* callbacks: r2 to pass again */
	u32 nr_slots;		/* stack[i] covers fp - 8 * (i + 1) */
	struct stack_slot *stack;
};

struct ref_state {
	u32 id;
	u32 insn;		/* where it was acquired */
	u32 frameno;
};

struct verifier_state {
	struct func_frame *frames[ISA_MAX_CALL_FRAMES];
	u32 curframe;
	u32 nr_refs;
	struct ref_state *refs;
	u32 insn_idx;
	/* may_goto and callback iterations taken: loops that change nothing */
	u32 loop_depth;
	/* Pruning: the stored state this path last passed, see verifier_state.c. */
	struct verifier_state *parent;
	u32 branches;		/* stored states: paths still running below */
};

struct stored_state {
	struct stored_state *next;
	struct verifier_state st;
};

struct pending_state {
	struct pending_state *next;
	struct verifier_state *st;
};

/* Per instruction facts gathered by the structural pass and the walk. */
struct insn_aux {
	u8 prune_point:1;
	u8 loop_entry:1;	/* may_goto and callback entries: widen */
	u8 imm64_tail:1;	/* second half of an ld_imm64 */
	u8 reachable:1;
	u8 mem_kind;		/* 0, MEM_KIND_PLAIN or MEM_KIND_ARENA */
	/* Lookups: 0 not reached, 1 + the array's index, or LOOKUP_VARIES. */
	u8 lookup_obj;
	u16 live;		/* registers read on some path before written */
	u32 func;		/* the function it belongs to */
	u32 nr_stored;
	struct stored_state *stored;
};

#define MEM_KIND_PLAIN	1
#define MEM_KIND_ARENA	2

#define LOOKUP_VARIES	U8_MAX

struct func_info {
	u32 start, end;		/* [start, end) */
	/* Walked once on its own: what its arguments are, else NULL. */
	const struct prog_global_func *global;
	u32 stack_depth;	/* deepest byte below fp touched, seen so far */
	/* Call graph walk: 0 new, 1 on the chain, 2 done. */
	u8 color;
	u32 below_frames;	/* frames of the deepest chain from here */
	u32 below_stack;	/* bytes of the deepest chain from here */
};

struct verifier_env {
	struct prog_core *prog;
	struct verifier_log *log;
	const struct prog_global_func *globals;	/* declared, nr_globals */
	u32 nr_globals;
	struct insn_aux *aux;
	struct func_info *funcs;
	u32 nr_funcs;
	u32 arena_obj;		/* index of the arena, or U32_MAX */
	struct verifier_state *cur;
	struct pending_state *pending;
	u32 nr_pending;
	u32 insn_idx;
	u32 processed;
	u32 jumps;		/* jump instructions processed */
	/* processed and jumps when a state was last stored, see state_visit() */
	u32 stored_at_processed, stored_at_jumps;
	u32 nr_stored;
	/* Stored states dropped from their lists, see state_visit(). */
	struct stored_state *retired;
	u32 compare_steps;
	u32 next_id;
	/* Constants that bound widened scalars, sorted (verifier_widen.c). */
	s64 *thresholds;
	u32 nr_thresholds;
	u32 (*idmap)[2];	/* id pairs while comparing two states */
	u32 nr_idmap;
	bool rejected;		/* a rejection line is in the log */
	/* Loop entries widen changed scalars to unknown at once, see verify(). */
	bool widen_eager;
	bool widened_eagerly;	/* and one did: a refusal may not be final */
};

/* verifier_widen.c */
int widen_collect_thresholds(struct verifier_env *env);
void widen_to_thresholds(const struct verifier_env *env, const struct reg_state *old,
			 struct reg_state *cur);

/* verifier_log.c */
__printf(3, 4)
int verifier_reject(struct verifier_env *env, u32 insn, const char *fmt, ...);
__printf(2, 3)
void verifier_log(struct verifier_env *env, const char *fmt, ...);
void verifier_log_rewind(struct verifier_log *log, const struct verifier_log *mark);
void verifier_log_state(struct verifier_env *env, u32 insn);

/* verifier_cfg.c */
int verifier_check_structure(struct verifier_env *env);
int verifier_check_stack_chain(struct verifier_env *env);
u32 verifier_func_of(const struct verifier_env *env, u32 start);

/* verifier_bounds.c */
void reg_mark_unknown(struct reg_state *reg);
void reg_mark_const(struct reg_state *reg, u64 value);
void reg_mark_range(struct reg_state *reg, u64 umin, u64 umax);
void reg_mark_srange(struct reg_state *reg, s64 smin, s64 smax);
void reg_bounds_sync(struct reg_state *reg);
bool reg_bounds_empty(const struct reg_state *reg);
bool reg_is_const(const struct reg_state *reg);
/* The scalar 0: NULL, where a pointer may be. */
bool reg_is_zero(const struct reg_state *reg);
void reg_truncate(struct reg_state *reg, u32 size);
void reg_sext(struct reg_state *reg, u32 size);
/* dst = dst op src on scalars; alu32: 32-bit operation. */
void scalar_alu(struct reg_state *dst, const struct reg_state *src, u8 op,
		bool alu32);
void scalar_divmod(struct reg_state *dst, const struct reg_state *src, u8 op,
		   bool alu32, bool is_signed);
/*
 * Narrows a and b to the values for which "a op b" (op a BPF_J* code,
 * negate: its negation) holds; false when none can.
 */
bool scalar_refine(struct reg_state *a, struct reg_state *b, u8 op,
		   bool negate, bool jmp32);
bool range_within(const struct reg_state *old, const struct reg_state *cur);
/* The same tnum and the same eight bounds: range_within() both ways. */
bool reg_bounds_equal(const struct reg_state *a, const struct reg_state *b);
/* Narrows a to the values b holds too; false, a unchanged, if there are none. */
bool reg_intersect(struct reg_state *a, const struct reg_state *b);

/* verifier_mem.c */
enum mem_access { MEM_READ, MEM_WRITE, MEM_ATOMIC };
const char *reg_type_name(const struct reg_state *reg);
bool reg_is_kernel_pointer(const struct reg_state *reg);
/* Pointers that may be NULL until a comparison with 0 says otherwise. */
bool reg_is_nullable(const struct reg_state *reg);
/* A nullable pointer's type once it is known not to be NULL. */
enum reg_type reg_type_not_null(enum reg_type type);
void reg_mark_ptr(struct reg_state *reg, enum reg_type type);
u32 region_size(const struct verifier_env *env, const struct reg_state *reg);
int check_mem_access(struct verifier_env *env, u32 regno, s16 insn_off,
		     u32 size, enum mem_access how, const struct reg_state *value,
		     struct reg_state *out, bool sext);
int check_mem_readable(struct verifier_env *env, u32 regno, u64 size);
int check_mem_writable(struct verifier_env *env, u32 regno, u64 size);
int check_ptr_arith(struct verifier_env *env, struct reg_state *dst,
		    const struct reg_state *ptr, const struct reg_state *scalar,
		    u8 op);

/* verifier_call.c */
void release_ref(struct verifier_state *st, u32 id);
void clobber_args(struct func_frame *frame);
int check_call(struct verifier_env *env, const struct bpf_insn *insn);
/* 1: the path ended (the entry function's exit). */
int check_exit(struct verifier_env *env);

/* verifier_link.c */
void link_break(struct reg_state *reg);
void link_copy(struct verifier_env *env, struct reg_state *dst, struct reg_state *src);
void link_add(struct reg_state *dst, const struct reg_state *old, const struct reg_state *src);
void link_sync(struct verifier_state *st, const struct reg_state *known);
void link_drop_single(struct verifier_state *st, u16 live);

/* verifier_global.c */
int verifier_bind_globals(struct verifier_env *env);
void global_func_args(struct verifier_env *env, struct func_frame *frame);
bool global_func_returns_void(const struct verifier_env *env, u32 func);
int check_global_call(struct verifier_env *env, u32 func);

/* verifier.c */
struct func_frame *cur_frame(const struct verifier_env *env);
int push_branch(struct verifier_env *env, u32 insn_idx,
		struct verifier_state **branch);
int check_reg_init(struct verifier_env *env, u32 regno);
void reg_mark_ctx_arg(const struct verifier_env *env, struct reg_state *reg);

/* verifier_state.c */
struct verifier_state *state_alloc(void);
int state_copy(struct verifier_state *dst, const struct verifier_state *src);
void state_clear(struct verifier_state *st);
void state_free(struct verifier_state *st);
int state_grow_stack(struct func_frame *frame, u32 nr_slots);
int state_push_frame(struct verifier_state *st, u32 func, u32 callsite);
void state_pop_frame(struct verifier_state *st);
/* Calls fn on every register and spilled register of every frame. */
void state_for_each_reg(struct verifier_state *st,
			void (*fn)(struct reg_state *reg, void *arg), void *arg);
/* 1: pruned (a stored state covers cur), 0: go on, < 0: error. */
int state_visit(struct verifier_env *env);
void state_path_done(struct verifier_env *env);
void state_free_stored(struct verifier_env *env);

#endif /* ARENA_VERIFIER_INTERNAL_H */
