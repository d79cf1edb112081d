// SPDX-License-Identifier: GPL-2.0
/*
 * The verifier: a structural pass (verifier_cfg.c), then a walk over every
 * path of the program with an abstract state (what each register and
 * stack slot may hold), branching at conditional jumps and pruned where a
 * state already proven safe covers the current one (verifier_state.c).
 * Once every path is safe, the program is rewritten for running as
 * prog_core.h describes.
 */
#include "verifier_internal.h"

struct func_frame *cur_frame(const struct verifier_env *env)
{
	return env->cur->frames[env->cur->curframe];
}

static struct reg_state *cur_regs(const struct verifier_env *env)
{
	return cur_frame(env)->regs;
}

int check_reg_init(struct verifier_env *env, u32 regno)
{
	if (cur_regs(env)[regno].type == NOT_INIT)
		return verifier_reject(env, env->insn_idx, "R%u !read_ok (not initialised)",
				       regno);
	return 0;
}

static int check_reg_write(struct verifier_env *env, u32 regno)
{
	if (regno == REG_FP)
		return verifier_reject(env, env->insn_idx, "frame pointer R10 is read only");
	return 0;
}

/* Queues a copy of the current state to continue at insn_idx later. */
int push_branch(struct verifier_env *env, u32 insn_idx,
		struct verifier_state **branch)
{
	struct pending_state *p;
	int err;

	if (env->nr_pending >= MAX_PENDING) {
		verifier_reject(env, env->insn_idx,
				"program is too complex: more than %u branches pending",
				MAX_PENDING);
		return -E2BIG;
	}
	p = portable_zalloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	p->st = state_alloc();
	if (!p->st) {
		portable_free(p);
		return -ENOMEM;
	}
	err = state_copy(p->st, env->cur);
	if (err) {
		portable_free(p->st);
		portable_free(p);
		return err;
	}
	p->st->insn_idx = insn_idx;
	if (p->st->parent)
		p->st->parent->branches++;
	p->next = env->pending;
	env->pending = p;
	env->nr_pending++;
	if (branch)
		*branch = p->st;
	return 0;
}

static bool pop_branch(struct verifier_env *env)
{
	struct pending_state *p = env->pending;

	if (!p)
		return false;
	env->pending = p->next;
	env->nr_pending--;
	state_free(env->cur);
	env->cur = p->st;
	env->insn_idx = p->st->insn_idx;
	portable_free(p);
	return true;
}

static int check_addr_space_cast(struct verifier_env *env,
				 const struct bpf_insn *insn)
{
	struct reg_state *regs = cur_regs(env);
	struct reg_state *src = &regs[insn->src_reg];
	const struct prog_obj *arena;

	if (env->arena_obj == U32_MAX)
		return verifier_reject(env, env->insn_idx,
				       "addr_space_cast without an arena among the program's objects");
	if (src->type != SCALAR && src->type != PTR_TO_ARENA)
		return verifier_reject(env, env->insn_idx,
				       "R%u addr_space_cast of a %s pointer", insn->src_reg,
				       reg_type_name(src));
	arena = &env->prog->objs[env->arena_obj];
	if (insn->imm == ISA_CAST_TO_KERN) {
		reg_mark_ptr(&regs[insn->dst_reg], PTR_TO_ARENA);
		return 0;
	}
	/* To a user address: a scalar, only 32 bits with NO_USER_CONV. */
	if (arena->flags & PROG_OBJ_F_NO_USER_CONV) {
		regs[insn->dst_reg] = *src;
		if (src->type != SCALAR)
			reg_mark_unknown(&regs[insn->dst_reg]);
		reg_truncate(&regs[insn->dst_reg], 4);
	} else {
		reg_mark_unknown(&regs[insn->dst_reg]);
	}
	return 0;
}

static int check_mov(struct verifier_env *env, const struct bpf_insn *insn)
{
	struct reg_state *regs = cur_regs(env);
	struct reg_state *dst = &regs[insn->dst_reg], *src = &regs[insn->src_reg];
	bool alu64 = BPF_CLASS(insn->code) == BPF_ALU64;

	if (BPF_SRC(insn->code) == BPF_K) {
		reg_mark_const(dst, alu64 ? (u64)(s64)insn->imm : (u32)insn->imm);
		return 0;
	}
	if (alu64 && insn->off == ISA_ADDR_SPACE_CAST)
		return check_addr_space_cast(env, insn);
	if (src->type == PTR_TO_ARENA) {
		reg_mark_ptr(dst, PTR_TO_ARENA);
		return 0;
	}
	if (src->type != SCALAR && (!alu64 || insn->off))
		return verifier_reject(env, env->insn_idx,
				       "R%u partial copy of a %s pointer", insn->src_reg,
				       reg_type_name(src));
	if (alu64 && !insn->off) {
		link_copy(env, dst, src);
		return 0;
	}
	*dst = *src;
	link_break(dst);
	if (insn->off)
		reg_sext(dst, insn->off / 8);
	if (!alu64)
		reg_truncate(dst, 4);
	return 0;
}

/* neg and byte swaps: constants would fold, ranges only have widths. */
static int check_unary(struct verifier_env *env, const struct bpf_insn *insn)
{
	struct reg_state *dst = &cur_regs(env)[insn->dst_reg];
	bool alu64 = BPF_CLASS(insn->code) == BPF_ALU64;
	struct reg_state zero;

	if (dst->type == PTR_TO_ARENA)
		return 0;
	if (dst->type != SCALAR)
		return verifier_reject(env, env->insn_idx,
				       "R%u arithmetic on a %s pointer is not allowed",
				       insn->dst_reg, reg_type_name(dst));
	if (BPF_OP(insn->code) == BPF_NEG) {
		struct reg_state d = *dst;

		reg_mark_const(&zero, 0);
		*dst = zero;
		scalar_alu(dst, &d, BPF_SUB, !alu64);
		return 0;
	}
	if (!alu64 && BPF_SRC(insn->code) == BPF_TO_LE) {
		link_break(dst);
		reg_truncate(dst, insn->imm / 8);
		return 0;
	}
	reg_mark_range(dst, 0, insn->imm == 64 ? U64_MAX : (1ULL << insn->imm) - 1);
	return 0;
}

static int check_alu(struct verifier_env *env, const struct bpf_insn *insn)
{
	struct reg_state *regs = cur_regs(env);
	struct reg_state *dst = &regs[insn->dst_reg], src_k, *src, old_dst, old_src;
	bool alu64 = BPF_CLASS(insn->code) == BPF_ALU64;
	u8 op = BPF_OP(insn->code);
	int err;

	err = check_reg_write(env, insn->dst_reg);
	if (err)
		return err;
	if (BPF_SRC(insn->code) == BPF_X) {
		err = check_reg_init(env, insn->src_reg);
		if (err)
			return err;
		src = &regs[insn->src_reg];
	} else {
		reg_mark_const(&src_k, (u64)(s64)insn->imm);
		src = &src_k;
	}
	if (op == BPF_MOV)
		return check_mov(env, insn);
	err = check_reg_init(env, insn->dst_reg);
	if (err)
		return err;
	if (op == BPF_NEG || op == BPF_END)
		return check_unary(env, insn);
	if (BPF_SRC(insn->code) == BPF_K) {
		if ((op == BPF_LSH || op == BPF_RSH || op == BPF_ARSH) &&
		    (u32)insn->imm >= (alu64 ? 64U : 32U))
			return verifier_reject(env, env->insn_idx, "invalid shift %d",
					       insn->imm);
		if ((op == BPF_DIV || op == BPF_MOD) && !insn->imm)
			return verifier_reject(env, env->insn_idx, "division by zero");
	}
	if (dst->type == PTR_TO_ARENA || src->type == PTR_TO_ARENA) {
		if (reg_is_kernel_pointer(dst) || reg_is_kernel_pointer(src))
			goto mixed;
		reg_mark_ptr(dst, PTR_TO_ARENA);
		return 0;
	}
	if (dst->type != SCALAR || src->type != SCALAR) {
		if (!alu64)
			return verifier_reject(env, env->insn_idx,
					       "32-bit arithmetic on a pointer is not allowed");
		if (dst->type != SCALAR && src->type == SCALAR &&
		    (op == BPF_ADD || op == BPF_SUB))
			return check_ptr_arith(env, dst, dst, src, op);
		if (dst->type == SCALAR && op == BPF_ADD) {
			struct reg_state scalar = *dst;

			return check_ptr_arith(env, dst, src, &scalar, op);
		}
		goto mixed;
	}
	/* src may be dst: the link needs both as they were. */
	old_dst = *dst;
	old_src = *src;
	if (op == BPF_DIV || op == BPF_MOD)
		scalar_divmod(dst, src, op, !alu64, insn->off == ISA_SIGNED_DIV);
	else
		scalar_alu(dst, src, op, !alu64);
	if (op == BPF_ADD && alu64)
		link_add(dst, &old_dst, &old_src);
	else
		link_break(dst);
	return 0;
mixed:
	return verifier_reject(env, env->insn_idx,
			       "pointer arithmetic R%u (%s) op 0x%02x R%u (%s) is not allowed",
			       insn->dst_reg, reg_type_name(dst), op,
			       BPF_SRC(insn->code) == BPF_X ? insn->src_reg : 0,
			       reg_type_name(src));
}

static int check_ld_imm64(struct verifier_env *env, const struct bpf_insn *insn)
{
	struct reg_state *dst = &cur_regs(env)[insn->dst_reg];
	const struct prog_obj *obj;
	int err;

	err = check_reg_write(env, insn->dst_reg);
	if (err)
		return err;
	switch (insn->src_reg) {
	case BPF_PSEUDO_MAP_IDX:
		reg_mark_ptr(dst, CONST_PTR_TO_OBJ);
		dst->obj = (u16)insn->imm;
		break;
	case BPF_PSEUDO_MAP_IDX_VALUE:
		obj = &env->prog->objs[insn->imm];
		if (obj->kind == PROG_OBJ_ARENA) {
			reg_mark_ptr(dst, PTR_TO_ARENA);
			break;
		}
		reg_mark_ptr(dst, PTR_TO_VALUE);
		dst->obj = (u16)insn->imm;
		dst->off = insn[1].imm;
		break;
	case BPF_PSEUDO_FUNC:
		reg_mark_ptr(dst, PTR_TO_FUNC);
		dst->func = verifier_func_of(env, env->insn_idx + insn->imm + 1);
		break;
	default:
		reg_mark_const(dst, isa_ld_imm64_value(insn));
		break;
	}
	env->insn_idx += 2;
	return 0;
}

static int check_load_store(struct verifier_env *env, const struct bpf_insn *insn)
{
	struct reg_state *regs = cur_regs(env), value, loaded;
	u32 size = isa_access_bytes(insn->code);
	u8 class = BPF_CLASS(insn->code);
	u32 ptr = class == BPF_LDX ? insn->src_reg : insn->dst_reg;
	int err;

	err = check_reg_init(env, ptr);
	if (err)
		return err;
	if (class == BPF_LDX) {
		err = check_reg_write(env, insn->dst_reg);
		if (!err)
			err = check_mem_access(env, ptr, insn->off, size, MEM_READ, NULL,
					       &loaded, BPF_MODE(insn->code) == ISA_MEMSX);
		if (!err)
			cur_regs(env)[insn->dst_reg] = loaded;
		return err;
	}
	if (class == BPF_ST) {
		reg_mark_const(&value, (u64)(s64)insn->imm);
	} else {
		err = check_reg_init(env, insn->src_reg);
		if (err)
			return err;
		value = regs[insn->src_reg];
	}
	return check_mem_access(env, ptr, insn->off, size, MEM_WRITE, &value, NULL,
				false);
}

static int check_atomic(struct verifier_env *env, const struct bpf_insn *insn)
{
	struct reg_state *regs = cur_regs(env), src, loaded;
	u32 size = isa_access_bytes(insn->code);
	int err;

	err = check_reg_init(env, insn->dst_reg);
	if (!err)
		err = check_reg_init(env, insn->src_reg);
	if (!err && insn->imm == BPF_CMPXCHG)
		err = check_reg_init(env, BPF_REG_0);
	if (err)
		return err;
	src = regs[insn->src_reg];
	if (reg_is_kernel_pointer(&src) ||
	    (insn->imm == BPF_CMPXCHG && reg_is_kernel_pointer(&regs[BPF_REG_0])))
		return verifier_reject(env, env->insn_idx,
				       "atomic operation with a %s pointer operand",
				       reg_type_name(&src));
	err = check_mem_access(env, insn->dst_reg, insn->off, size, MEM_ATOMIC, &src,
			       &loaded, false);
	if (err)
		return err;
	reg_mark_unknown(&loaded);
	reg_truncate(&loaded, size);
	if (insn->imm == BPF_CMPXCHG)
		regs[BPF_REG_0] = loaded;
	else if (insn->imm & BPF_FETCH)
		regs[insn->src_reg] = loaded;
	return 0;
}

/* Applies "dst op src" (or its negation) to the state; false: impossible. */
static bool refine_branch(struct verifier_env *env, const struct bpf_insn *insn,
			  const struct reg_state *src_k, bool negate, bool apply)
{
	struct reg_state *regs = cur_regs(env);
	bool is_x = BPF_SRC(insn->code) == BPF_X;
	struct reg_state a = regs[insn->dst_reg];
	struct reg_state b = is_x ? regs[insn->src_reg] : *src_k;
	bool ok;

	ok = scalar_refine(&a, &b, BPF_OP(insn->code), negate,
			   BPF_CLASS(insn->code) == BPF_JMP32);
	if (!ok || !apply || (is_x && insn->src_reg == insn->dst_reg))
		return ok;
	regs[insn->dst_reg] = a;
	if (is_x)
		regs[insn->src_reg] = b;
	link_sync(env->cur, &regs[insn->dst_reg]);
	if (is_x)
		link_sync(env->cur, &regs[insn->src_reg]);
	return true;
}

static void mark_null(struct reg_state *reg, void *idp)
{
	if (reg->id != *(u32 *)idp || !reg_is_nullable(reg))
		return;
	reg_mark_const(reg, 0);
}

static void mark_not_null(struct reg_state *reg, void *idp)
{
	if (reg->id != *(u32 *)idp || !reg_is_nullable(reg))
		return;
	reg->type = reg_type_not_null(reg->type);
	reg->id = 0;
}

/* On each side of "ptr == 0", every copy of a nullable pointer. */
static void mark_ptr_null(struct verifier_state *st, u32 id, u32 ref, bool null)
{
	state_for_each_reg(st, null ? mark_null : mark_not_null, &id);
	/* A NULL record needs no release: its reference ends here. */
	if (null && ref)
		release_ref(st, ref);
}

/*
 * Jumps on pointers: a nullable pointer against 0 splits into NULL and
 * non-NULL; other pointers are never 0; two pointers of the same kind may
 * be compared, with nothing learnt.  -1 for "taken or not, both".
 */
static int ptr_branch(struct verifier_env *env, const struct bpf_insn *insn,
		      const struct reg_state *src_k, struct verifier_state **taken)
{
	struct reg_state *regs = cur_regs(env);
	struct reg_state *dst = &regs[insn->dst_reg];
	const struct reg_state *src = BPF_SRC(insn->code) == BPF_X ?
				      &regs[insn->src_reg] : src_k;
	u8 op = BPF_OP(insn->code);
	bool nullable = reg_is_nullable(dst);
	u32 id = dst->id, ref = dst->ref_id;
	int err;

	/* Arena pointers hold user addresses: compared like scalars. */
	if (dst->type == PTR_TO_ARENA || src->type == PTR_TO_ARENA) {
		if (reg_is_kernel_pointer(dst) || reg_is_kernel_pointer(src))
			goto bad;
		return -1;
	}
	if (BPF_CLASS(insn->code) == BPF_JMP32)
		goto bad;
	if (reg_is_kernel_pointer(dst) && reg_is_zero(src) && (op == BPF_JEQ || op == BPF_JNE)) {
		if (!nullable)
			return op == BPF_JNE;
		/* Taken branch: NULL for JEQ, non-NULL for JNE. */
		err = push_branch(env, env->insn_idx + insn->off + 1, taken);
		if (err)
			return err;
		mark_ptr_null(*taken, id, ref, op == BPF_JEQ);
		mark_ptr_null(env->cur, id, ref, op != BPF_JEQ);
		return 2;
	}
	if (dst->type == src->type && !nullable && dst->obj == src->obj &&
	    dst->frameno == src->frameno)
		return -1;
bad:
	return verifier_reject(env, env->insn_idx,
			       "comparison of R%u (%s) with %s is not allowed", insn->dst_reg,
			       reg_type_name(dst), reg_type_name(src));
}

static void refine_in(struct verifier_env *env, struct verifier_state *st,
		      const struct bpf_insn *insn, const struct reg_state *src_k,
		      bool negate)
{
	struct verifier_state *saved = env->cur;

	env->cur = st;
	refine_branch(env, insn, src_k, negate, true);
	env->cur = saved;
}

static int check_cond_jmp(struct verifier_env *env, const struct bpf_insn *insn)
{
	struct reg_state *regs = cur_regs(env), src_k;
	u32 target = env->insn_idx + insn->off + 1;
	struct verifier_state *taken;
	bool t, f, scalars = false;
	int err;

	err = check_reg_init(env, insn->dst_reg);
	if (!err && BPF_SRC(insn->code) == BPF_X)
		err = check_reg_init(env, insn->src_reg);
	if (err)
		return err;
	reg_mark_const(&src_k, (u64)(s64)insn->imm);
	if (regs[insn->dst_reg].type != SCALAR ||
	    (BPF_SRC(insn->code) == BPF_X && regs[insn->src_reg].type != SCALAR)) {
		err = ptr_branch(env, insn, &src_k, &taken);
		if (err == 2) {
			env->insn_idx++;
			return 0;
		}
		if (err >= 0) {
			env->insn_idx = err ? target : env->insn_idx + 1;
			return 0;
		}
		if (err != -1)
			return err;
		t = f = true;
	} else {
		scalars = true;
		t = refine_branch(env, insn, &src_k, false, false);
		f = refine_branch(env, insn, &src_k, true, false);
	}
	if (t && f) {
		err = push_branch(env, target, &taken);
		if (err)
			return err;
		if (scalars) {
			refine_in(env, taken, insn, &src_k, false);
			refine_branch(env, insn, &src_k, true, true);
		}
		env->insn_idx++;
		return 0;
	}
	if (t) {
		refine_branch(env, insn, &src_k, false, true);
		env->insn_idx = target;
		return 0;
	}
	if (f) {
		refine_branch(env, insn, &src_k, true, true);
		env->insn_idx++;
		return 0;
	}
	return 1;	/* neither: this path cannot happen */
}

static int check_jmp(struct verifier_env *env, const struct bpf_insn *insn)
{
	u8 op = BPF_OP(insn->code);
	int err;

	switch (op) {
	case BPF_JA:
		env->insn_idx += 1 + (BPF_CLASS(insn->code) == BPF_JMP32 ?
				      insn->imm : insn->off);
		return 0;
	case BPF_CALL:
		return check_call(env, insn);
	case BPF_EXIT:
		return check_exit(env);
	case ISA_JCOND:
		/* may_goto: the budget may run out (jump) or not. */
		err = push_branch(env, env->insn_idx + insn->off + 1, NULL);
		if (err)
			return err;
		env->cur->loop_depth++;
		env->insn_idx++;
		return 0;
	default:
		return check_cond_jmp(env, insn);
	}
}

/* One instruction; 1 when this path ended. */
static int do_insn(struct verifier_env *env)
{
	const struct bpf_insn *insn = &env->prog->insns[env->insn_idx];
	int err;

	switch (BPF_CLASS(insn->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		err = check_alu(env, insn);
		break;
	case BPF_LD:
		return check_ld_imm64(env, insn);
	case BPF_LDX:
	case BPF_ST:
		err = check_load_store(env, insn);
		break;
	case BPF_STX:
		if (BPF_MODE(insn->code) == BPF_ATOMIC)
			err = check_atomic(env, insn);
		else
			err = check_load_store(env, insn);
		break;
	default:
		return check_jmp(env, insn);
	}
	if (!err)
		env->insn_idx++;
	return err;
}

/* r1 at entry: the context, or 0 for a program that has none. */
void reg_mark_ctx_arg(const struct verifier_env *env, struct reg_state *reg)
{
	if (env->prog->ctx_size)
		reg_mark_ptr(reg, PTR_TO_CTX);
	else
		reg_mark_const(reg, 0);
}

/* The state a walk of function func (the entry, or a global one) starts in. */
static int init_state(struct verifier_env *env, u32 func)
{
	struct verifier_state *st = state_alloc();
	struct func_frame *frame;

	state_free(env->cur);
	env->cur = st;
	if (!st)
		return -ENOMEM;
	frame = portable_zalloc(sizeof(*frame));
	if (!frame)
		return -ENOMEM;
	st->frames[0] = frame;
	frame->func = func;
	frame->callsite = U32_MAX;
	if (func)
		global_func_args(env, frame);
	else
		reg_mark_ctx_arg(env, &frame->regs[BPF_REG_1]);
	reg_mark_ptr(&frame->regs[REG_FP], PTR_TO_STACK);
	env->insn_idx = env->funcs[func].start;
	return 0;
}

/* Walks every path of function func, calls into non-global ones included. */
static int do_check(struct verifier_env *env, u32 func)
{
	u8 class;
	int err;

	err = init_state(env, func);
	if (err)
		return err;
	for (;;) {
		/* A walk the eager widening made long: the second may be shorter. */
		if (env->widened_eagerly && env->processed >= EAGER_MAX_PROCESSED)
			return -E2BIG;
		if (++env->processed > VERIFIER_MAX_PROCESSED) {
			verifier_reject(env, env->insn_idx,
					"program is too complex: processed %u insns, the limit is %u",
					env->processed, VERIFIER_MAX_PROCESSED);
			return -E2BIG;
		}
		if (!(env->processed % 4096))
			portable_cond_resched();
		if (env->aux[env->insn_idx].prune_point) {
			err = state_visit(env);
			if (err < 0)
				return err;
			if (err)
				goto path_done;
		}
		class = BPF_CLASS(env->prog->insns[env->insn_idx].code);
		if (class == BPF_JMP || class == BPF_JMP32)
			env->jumps++;
		err = do_insn(env);
		if (err < 0)
			return err;
		if (!err)
			continue;
path_done:
		state_path_done(env);
		if (!pop_branch(env))
			return 0;
	}
}

static int find_arena(struct verifier_env *env)
{
	const struct prog_core *prog = env->prog;
	u32 i;

	env->arena_obj = U32_MAX;
	/* Registers name their object in 16 bits. */
	if (prog->nr_objs > U16_MAX)
		return verifier_reject(env, 0, "%u objects, at most %u allowed",
				       prog->nr_objs, U16_MAX);
	for (i = 0; i < prog->nr_objs; i++) {
		if (prog->objs[i].kind != PROG_OBJ_ARENA)
			continue;
		if (env->arena_obj != U32_MAX)
			return verifier_reject(env, 0,
					       "the program refers to more than one arena (objects %u and %u)",
					       env->arena_obj, i);
		env->arena_obj = i;
	}
	return 0;
}

static int fill_funcs(struct verifier_env *env)
{
	struct prog_core *prog = env->prog;
	u32 f;

	prog->funcs = portable_zalloc(env->nr_funcs * sizeof(*prog->funcs));
	if (!prog->funcs)
		return -ENOMEM;
	for (f = 0; f < env->nr_funcs; f++) {
		prog->funcs[f].prog = prog;
		prog->funcs[f].start = env->funcs[f].start;
		prog->funcs[f].stack_depth = env->funcs[f].stack_depth;
	}
	prog->nr_funcs = env->nr_funcs;
	return 0;
}

/* The rewrites of prog_core.h, once the program is known to be safe. */
static void rewrite(struct verifier_env *env)
{
	struct prog_core *prog = env->prog;
	const struct prog_obj *obj;
	struct bpf_insn *insn;
	u64 value;
	u32 i;

	for (i = 0; i < prog->len; i++) {
		insn = &prog->insns[i];
		if (isa_is_ld_imm64(insn) && insn->src_reg) {
			switch (insn->src_reg) {
			case BPF_PSEUDO_MAP_IDX:
				value = (u64)(unsigned long)&prog->objs[insn->imm];
				break;
			case BPF_PSEUDO_MAP_IDX_VALUE:
				obj = &prog->objs[insn->imm];
				if (obj->kind == PROG_OBJ_ARENA)
					value = obj->user_vm_start + (u32)insn[1].imm;
				else
					value = (u64)(unsigned long)obj->values + (u32)insn[1].imm;
				break;
			default:
				value = (u64)(unsigned long)
					&prog->funcs[verifier_func_of(env, i + insn->imm + 1)];
				break;
			}
			insn->src_reg = 0;
			isa_set_ld_imm64(insn, value);
			i++;
			continue;
		}
		if (env->aux[i].lookup_obj && env->aux[i].lookup_obj != LOOKUP_VARIES)
			insn->off = env->aux[i].lookup_obj;
		if (env->aux[i].mem_kind != MEM_KIND_ARENA)
			continue;
		if (BPF_MODE(insn->code) == BPF_ATOMIC)
			insn->code = BPF_CLASS(insn->code) | BPF_SIZE(insn->code) |
				     ISA_PROBE_ATOMIC;
		else if (BPF_MODE(insn->code) == ISA_MEMSX)
			insn->code = BPF_CLASS(insn->code) | BPF_SIZE(insn->code) |
				     ISA_PROBE_MEM32SX;
		else
			insn->code = BPF_CLASS(insn->code) | BPF_SIZE(insn->code) |
				     ISA_PROBE_MEM32;
	}
}

static void env_free(struct verifier_env *env)
{
	struct pending_state *p, *next;

	for (p = env->pending; p; p = next) {
		next = p->next;
		state_free(p->st);
		portable_free(p);
	}
	state_free(env->cur);
	if (env->aux)
		state_free_stored(env);
	portable_free(env->aux);
	portable_free(env->funcs);
	portable_free(env->idmap);
	portable_free(env->thresholds);
	portable_free(env);
}

static int walk(struct verifier_env *env)
{
	u32 f;
	int err;

	env->aux = portable_zalloc(env->prog->len * sizeof(*env->aux));
	env->idmap = portable_zalloc(IDMAP_SIZE * sizeof(*env->idmap));
	if (!env->aux || !env->idmap)
		return -ENOMEM;
	err = find_arena(env);
	if (!err)
		err = verifier_check_structure(env);
	if (!err)
		err = widen_collect_thresholds(env);
	if (!err)
		err = verifier_bind_globals(env);
	if (!err)
		err = do_check(env, 0);
	for (f = 1; !err && f < env->nr_funcs; f++)
		if (env->funcs[f].global)
			err = do_check(env, f);
	if (!err)
		err = verifier_check_stack_chain(env);
	return err;
}

static struct verifier_env *env_new(struct prog_core *prog,
				    const struct prog_global_func *globals, u32 nr_globals,
				    struct verifier_log *log)
{
	struct verifier_env *env = portable_zalloc(sizeof(*env));

	if (!env)
		return NULL;
	env->prog = prog;
	env->log = log;
	env->globals = globals;
	env->nr_globals = nr_globals;
	return env;
}

/*
 * Two walks at most.  The first widens the scalars a loop changed to
 * unknown at its may_goto, as the kernel in effect does with the scalars
 * no check depends on (they are not precise); it proves most loops in two
 * rounds.  A loop whose safety rests on a bound that only widening to
 * thresholds keeps (for (i = 0; i < 64 && can_loop; i++) v[i] = 0) is
 * refused by it, or makes it long, and the program is walked again with
 * thresholds from the start; the first walk's log lines are dropped.  A
 * first walk that widened nothing is the second one already.  Both walks
 * are sound, so either one's success proves the program.
 */
static int verify(struct verifier_env **envp)
{
	struct verifier_env *env = *envp;
	struct verifier_log *log = env->log, mark = log ? *log : (struct verifier_log){ 0 };
	int err;

	env->widen_eager = true;
	err = walk(env);
	if (!err || err == -ENOMEM || !env->widened_eagerly)
		return err;
	*envp = env_new(env->prog, env->globals, env->nr_globals, log);
	env_free(env);
	if (!*envp)
		return -ENOMEM;
	verifier_log_rewind(log, &mark);
	return walk(*envp);
}

int verifier_check_with_globals(struct prog_core *prog, const struct prog_global_func *globals,
				u32 nr_globals, struct verifier_log *log)
{
	struct verifier_env *env;
	int err;

	prog->funcs = NULL;
	prog->nr_funcs = 0;
	prog->arena = NULL;
	prog->max_stack = 0;
	env = env_new(prog, globals, nr_globals, log);
	if (!env)
		return -ENOMEM;
	if (!prog->len || prog->len > VERIFIER_MAX_INSNS) {
		err = verifier_reject(env, 0, "program of %u instructions, 1 to %u allowed",
				      prog->len, VERIFIER_MAX_INSNS);
		if (prog->len)
			err = -E2BIG;
		goto out;
	}
	err = verify(&env);
	if (err)
		goto out;
	verifier_log(env, "processed %u insns\n", env->processed);
	if (log && log->level && log->truncated) {
		err = -ENOSPC;
		goto out;
	}
	err = fill_funcs(env);
	if (err)
		goto out;
	if (env->arena_obj != U32_MAX)
		prog->arena = &prog->objs[env->arena_obj];
	rewrite(env);
out:
	if (env)
		env_free(env);
	return err;
}

int verifier_check(struct prog_core *prog, struct verifier_log *log)
{
	return verifier_check_with_globals(prog, NULL, 0, log);
}

void verifier_release(struct prog_core *prog)
{
	portable_free(prog->funcs);
	prog->funcs = NULL;
	prog->nr_funcs = 0;
}
