// SPDX-License-Identifier: GPL-2.0
/*
 * The verifier's structural pass, before any state is tracked: each
 * instruction is one of the subset with its reserved fields zero, jumps
 * land on instructions of their own function, functions (call and
 * callback targets) end with an exit or a jump, every instruction is
 * reachable, and the call graph has no cycle and no chain deeper than the
 * kernel's frame limit.  After the walk, verifier_check_stack_chain()
 * adds the frames of the deepest chain against the kernel's 512 bytes.
 */
#include "verifier_internal.h"

static bool reg_ok(u8 reg)
{
	return reg < MAX_REG;
}

static int check_alu(struct verifier_env *env, u32 i, const struct bpf_insn *insn)
{
	bool alu64 = BPF_CLASS(insn->code) == BPF_ALU64;
	bool is_x = BPF_SRC(insn->code) == BPF_X;
	u8 op = BPF_OP(insn->code);

	switch (op) {
	case BPF_ADD:
	case BPF_SUB:
	case BPF_MUL:
	case BPF_OR:
	case BPF_AND:
	case BPF_LSH:
	case BPF_RSH:
	case BPF_XOR:
	case BPF_ARSH:
	case BPF_DIV:
	case BPF_MOD:
		if (insn->off && !((op == BPF_DIV || op == BPF_MOD) &&
				   insn->off == ISA_SIGNED_DIV))
			goto reserved;
		break;
	case BPF_NEG:
		if (is_x || insn->imm || insn->off || insn->src_reg)
			goto reserved;
		return 0;
	case BPF_MOV:
		if (!is_x) {
			if (insn->off)
				goto reserved;
			break;
		}
		if (alu64 && insn->off == ISA_ADDR_SPACE_CAST) {
			if (insn->imm != ISA_CAST_TO_KERN &&
			    insn->imm != (s32)ISA_CAST_TO_USER)
				return verifier_reject(env, i,
						       "addr_space_cast with invalid address spaces imm=0x%x",
						       insn->imm);
			return 0;
		}
		if (insn->imm || !(insn->off == 0 || insn->off == 8 ||
				   insn->off == 16 || (alu64 && insn->off == 32)))
			goto reserved;
		return 0;
	case BPF_END:
		if ((alu64 && is_x) || insn->src_reg || insn->off ||
		    !(insn->imm == 16 || insn->imm == 32 || insn->imm == 64))
			goto reserved;
		return 0;
	default:
		return verifier_reject(env, i, "unknown opcode 0x%02x", insn->code);
	}
	if (is_x ? insn->imm : insn->src_reg)
		goto reserved;
	return 0;
reserved:
	return verifier_reject(env, i, "reserved fields of opcode 0x%02x are not zero or not valid",
			       insn->code);
}

static int check_ld_imm64(struct verifier_env *env, u32 i)
{
	const struct bpf_insn *insn = &env->prog->insns[i];
	const struct prog_obj *obj;
	u32 off;

	if (i + 1 >= env->prog->len)
		return verifier_reject(env, i, "ld_imm64 without its second half");
	if (insn->off || insn[1].code || insn[1].dst_reg || insn[1].src_reg ||
	    insn[1].off)
		return verifier_reject(env, i, "reserved fields of ld_imm64 are not zero");
	switch (insn->src_reg) {
	case 0:
		return 0;
	case BPF_PSEUDO_FUNC:
		if (insn[1].imm)
			return verifier_reject(env, i, "reserved fields of ld_imm64 are not zero");
		return 0;
	case BPF_PSEUDO_MAP_IDX:
	case BPF_PSEUDO_MAP_IDX_VALUE:
		break;
	default:
		return verifier_reject(env, i, "ld_imm64 with unsupported src_reg %u",
				       insn->src_reg);
	}
	if ((u32)insn->imm >= env->prog->nr_objs)
		return verifier_reject(env, i, "object index %u out of range (%u objects)",
				       (u32)insn->imm, env->prog->nr_objs);
	obj = &env->prog->objs[insn->imm];
	off = (u32)insn[1].imm;
	if (insn->src_reg == BPF_PSEUDO_MAP_IDX) {
		if (off)
			return verifier_reject(env, i, "reserved fields of ld_imm64 are not zero");
		return 0;
	}
	switch (obj->kind) {
	case PROG_OBJ_ARRAY:
		if (obj->max_entries != 1)
			return verifier_reject(env, i, "direct value access needs an array of one entry, object %d has %u",
					       insn->imm, obj->max_entries);
		if (off >= obj->value_size)
			return verifier_reject(env, i, "direct value offset %u beyond value_size %u",
					       off, obj->value_size);
		return 0;
	case PROG_OBJ_ARENA:
		if (off >= obj->size)
			return verifier_reject(env, i, "direct value offset %u beyond arena size %llu",
					       off, (unsigned long long)obj->size);
		return 0;
	default:
		return verifier_reject(env, i, "direct value access to object %d, which has no values",
				       insn->imm);
	}
}

static int check_mem_insn(struct verifier_env *env, u32 i, const struct bpf_insn *insn)
{
	u8 mode = BPF_MODE(insn->code), size = BPF_SIZE(insn->code);

	switch (BPF_CLASS(insn->code)) {
	case BPF_LDX:
		if (!(mode == BPF_MEM || (mode == ISA_MEMSX && size != BPF_DW)))
			goto unknown;
		if (insn->imm)
			goto reserved;
		return 0;
	case BPF_ST:
		if (mode != BPF_MEM)
			goto unknown;
		if (insn->src_reg)
			goto reserved;
		return 0;
	default:
		if (mode == BPF_MEM) {
			if (insn->imm)
				goto reserved;
			return 0;
		}
		if (mode != BPF_ATOMIC)
			goto unknown;
		if (size != BPF_W && size != BPF_DW)
			return verifier_reject(env, i, "atomic operation of size %u",
					       isa_access_bytes(insn->code));
		switch (insn->imm) {
		case BPF_ADD:
		case BPF_ADD | BPF_FETCH:
		case BPF_AND:
		case BPF_AND | BPF_FETCH:
		case BPF_OR:
		case BPF_OR | BPF_FETCH:
		case BPF_XOR:
		case BPF_XOR | BPF_FETCH:
		case BPF_XCHG:
		case BPF_CMPXCHG:
			return 0;
		default:
			return verifier_reject(env, i, "unknown atomic operation imm=0x%x",
					       insn->imm);
		}
	}
unknown:
	return verifier_reject(env, i, "unknown opcode 0x%02x", insn->code);
reserved:
	return verifier_reject(env, i, "reserved fields of opcode 0x%02x are not zero",
			       insn->code);
}

static int check_jmp(struct verifier_env *env, u32 i, const struct bpf_insn *insn)
{
	bool jmp32 = BPF_CLASS(insn->code) == BPF_JMP32;
	bool is_x = BPF_SRC(insn->code) == BPF_X;
	u8 op = BPF_OP(insn->code);

	switch (op) {
	case BPF_JA:
		if (is_x || insn->dst_reg || insn->src_reg ||
		    (jmp32 ? insn->off : insn->imm))
			goto reserved;
		return 0;
	case BPF_JEQ:
	case BPF_JGT:
	case BPF_JGE:
	case BPF_JSET:
	case BPF_JNE:
	case BPF_JSGT:
	case BPF_JSGE:
	case BPF_JLT:
	case BPF_JLE:
	case BPF_JSLT:
	case BPF_JSLE:
		if (is_x ? insn->imm : insn->src_reg)
			goto reserved;
		return 0;
	case BPF_CALL:
		if (jmp32)
			break;
		if (is_x || insn->dst_reg || insn->off)
			goto reserved;
		if (insn->src_reg != 0 && insn->src_reg != BPF_PSEUDO_CALL &&
		    insn->src_reg != BPF_PSEUDO_KFUNC_CALL)
			return verifier_reject(env, i, "call with unsupported src_reg %u",
					       insn->src_reg);
		return 0;
	case BPF_EXIT:
		if (jmp32)
			break;
		if (is_x || insn->dst_reg || insn->src_reg || insn->off || insn->imm)
			goto reserved;
		return 0;
	case ISA_JCOND:
		if (jmp32)
			break;
		if (insn->src_reg != ISA_MAY_GOTO)
			return verifier_reject(env, i, "unknown conditional pseudo jump src_reg %u",
					       insn->src_reg);
		if (is_x || insn->dst_reg || insn->imm)
			goto reserved;
		return 0;
	}
	return verifier_reject(env, i, "unknown opcode 0x%02x", insn->code);
reserved:
	return verifier_reject(env, i, "reserved fields of opcode 0x%02x are not zero",
			       insn->code);
}

static int check_insn(struct verifier_env *env, u32 i)
{
	const struct bpf_insn *insn = &env->prog->insns[i];

	/* Pseudo src_reg values of ld_imm64 and calls are all below 11. */
	if (!reg_ok(insn->dst_reg) || !reg_ok(insn->src_reg))
		return verifier_reject(env, i, "invalid register number");
	switch (BPF_CLASS(insn->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		return check_alu(env, i, insn);
	case BPF_LD:
		if (!isa_is_ld_imm64(insn))
			return verifier_reject(env, i, "unknown opcode 0x%02x", insn->code);
		return check_ld_imm64(env, i);
	case BPF_LDX:
	case BPF_ST:
	case BPF_STX:
		return check_mem_insn(env, i, insn);
	default:
		return check_jmp(env, i, insn);
	}
}

static bool is_call_to_func(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == BPF_PSEUDO_CALL;
}

static bool is_func_ref(const struct bpf_insn *insn)
{
	return isa_is_ld_imm64(insn) && insn->src_reg == BPF_PSEUDO_FUNC;
}

/* A jump's (or call's) target; S64 so that no offset wraps. */
static s64 jump_target(const struct bpf_insn *insn, u32 i)
{
	if (insn->code == (BPF_JMP32 | BPF_JA) || is_call_to_func(insn) ||
	    is_func_ref(insn))
		return (s64)i + insn->imm + 1;
	return (s64)i + insn->off + 1;
}

static bool is_jump(const struct bpf_insn *insn)
{
	u8 class = BPF_CLASS(insn->code), op = BPF_OP(insn->code);

	return (class == BPF_JMP || class == BPF_JMP32) && op != BPF_CALL &&
	       op != BPF_EXIT;
}

static bool is_uncond(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_JA) || insn->code == (BPF_JMP32 | BPF_JA);
}

u32 verifier_func_of(const struct verifier_env *env, u32 start)
{
	u32 lo = 0, hi = env->nr_funcs;

	while (hi - lo > 1) {
		u32 mid = (lo + hi) / 2;

		if (env->funcs[mid].start <= start)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

static int collect_funcs(struct verifier_env *env, u8 *is_start)
{
	struct prog_core *prog = env->prog;
	u32 i, n = 0;
	s64 t;

	is_start[0] = 1;
	for (i = 0; i < prog->len; i++) {
		const struct bpf_insn *insn = &prog->insns[i];

		if (!is_call_to_func(insn) && !is_func_ref(insn))
			continue;
		t = jump_target(insn, i);
		if (t < 0 || t >= prog->len || env->aux[t].imm64_tail)
			return verifier_reject(env, i, "%s to invalid destination %lld",
					       is_func_ref(insn) ? "function reference" : "call",
					       (long long)t);
		is_start[t] = 1;
	}
	for (i = 0; i < prog->len; i++)
		n += is_start[i];
	env->funcs = portable_zalloc(n * sizeof(*env->funcs));
	if (!env->funcs)
		return -ENOMEM;
	for (i = 0; i < prog->len; i++) {
		if (is_start[i]) {
			if (env->nr_funcs)
				env->funcs[env->nr_funcs - 1].end = i;
			env->funcs[env->nr_funcs++].start = i;
		}
		env->aux[i].func = env->nr_funcs - 1;
	}
	env->funcs[env->nr_funcs - 1].end = prog->len;
	return 0;
}

static int check_jumps(struct verifier_env *env)
{
	struct prog_core *prog = env->prog;
	u32 i, f;
	s64 t;

	for (i = 0; i < prog->len; i++) {
		const struct bpf_insn *insn = &prog->insns[i];

		if (env->aux[i].imm64_tail || !is_jump(insn))
			continue;
		t = jump_target(insn, i);
		if (t < 0 || t >= prog->len)
			return verifier_reject(env, i, "jump out of range to %lld",
					       (long long)t);
		if (env->aux[t].imm64_tail)
			return verifier_reject(env, i, "jump into the middle of ld_imm64 at %lld",
					       (long long)t - 1);
		if (env->aux[t].func != env->aux[i].func)
			return verifier_reject(env, i, "jump to %lld in another function",
					       (long long)t);
		env->aux[t].prune_point = 1;
		if (!is_uncond(insn) && i + 1 < prog->len)
			env->aux[i + 1].prune_point = 1;
		if (BPF_OP(insn->code) == ISA_JCOND) {
			env->aux[i].loop_entry = 1;
			env->aux[i].prune_point = 1;
		}
	}
	for (f = 0; f < env->nr_funcs; f++) {
		const struct bpf_insn *last = &prog->insns[env->funcs[f].end - 1];

		if (last->code != (BPF_JMP | BPF_EXIT) && !is_uncond(last))
			return verifier_reject(env, env->funcs[f].end - 1,
					       "last instruction of a function is not an exit or a jump");
		env->aux[env->funcs[f].start].prune_point = 1;
	}
	return 0;
}

/* Marks what insn i can reach next on the explicit stack. */
static void cfg_push(struct verifier_env *env, u32 *stack, u32 *top, s64 t)
{
	if (t < 0 || t >= env->prog->len || env->aux[t].reachable)
		return;
	env->aux[t].reachable = 1;
	stack[(*top)++] = (u32)t;
}

static int check_reachable(struct verifier_env *env)
{
	struct prog_core *prog = env->prog;
	u32 *stack, top = 0, i;

	stack = portable_zalloc(prog->len * sizeof(*stack));
	if (!stack)
		return -ENOMEM;
	cfg_push(env, stack, &top, 0);
	while (top) {
		const struct bpf_insn *insn;

		i = stack[--top];
		insn = &prog->insns[i];
		if (insn->code == (BPF_JMP | BPF_EXIT))
			continue;
		if (is_jump(insn) || is_call_to_func(insn) || is_func_ref(insn))
			cfg_push(env, stack, &top, jump_target(insn, i));
		if (!is_uncond(insn))
			cfg_push(env, stack, &top, i + (isa_is_ld_imm64(insn) ? 2 : 1));
	}
	portable_free(stack);
	for (i = 0; i < prog->len; i++)
		if (!env->aux[i].reachable && !env->aux[i].imm64_tail)
			return verifier_reject(env, i, "unreachable instruction");
	return 0;
}

/*
 * Depth-first over the call graph (calls and callback references): a
 * function met again on the current chain is recursion; a chain longer
 * than ISA_MAX_CALL_FRAMES is too deep.  C recursion stays within that
 * limit.  With stack set, sums the frames' stack instead.
 */
static int walk_calls(struct verifier_env *env, u32 f, u32 depth, bool stack)
{
	struct func_info *fi = &env->funcs[f];
	u32 i, g, frames = 1, bytes = fi->stack_depth;
	int err;

	fi->color = 1;
	for (i = fi->start; i < fi->end; i++) {
		const struct bpf_insn *insn = &env->prog->insns[i];
		struct func_info *gi;

		if (env->aux[i].imm64_tail ||
		    (!is_call_to_func(insn) && !is_func_ref(insn)))
			continue;
		g = verifier_func_of(env, (u32)jump_target(insn, i));
		gi = &env->funcs[g];
		if (gi->color == 1)
			return verifier_reject(env, i, "recursive call to the function at %u",
					       gi->start);
		if (depth + 1 >= ISA_MAX_CALL_FRAMES)
			return verifier_reject(env, i, "the call stack of %u frames is too deep",
					       depth + 2);
		if (!gi->color) {
			err = walk_calls(env, g, depth + 1, stack);
			if (err)
				return err;
		}
		if (depth + 1 + gi->below_frames > ISA_MAX_CALL_FRAMES)
			return verifier_reject(env, i, "the call stack of %u frames is too deep",
					       depth + 1 + gi->below_frames);
		if (stack && fi->stack_depth + gi->below_stack > ISA_MAX_STACK)
			return verifier_reject(env, i, "combined stack size of the calls is %u bytes, more than %u",
					       fi->stack_depth + gi->below_stack, ISA_MAX_STACK);
		if (1 + gi->below_frames > frames)
			frames = 1 + gi->below_frames;
		if (fi->stack_depth + gi->below_stack > bytes)
			bytes = fi->stack_depth + gi->below_stack;
	}
	fi->color = 2;
	fi->below_frames = frames;
	fi->below_stack = bytes;
	return 0;
}

static void reset_walk(struct verifier_env *env)
{
	u32 f;

	for (f = 0; f < env->nr_funcs; f++)
		env->funcs[f].color = 0;
}

#define REG_BIT(r)	((u16)(1U << (r)))
#define ARG_REGS	(REG_BIT(1) | REG_BIT(2) | REG_BIT(3) | REG_BIT(4) | REG_BIT(5))

/* Registers an instruction reads (*use) and writes (*def). */
static void insn_use_def(const struct bpf_insn *insn, u16 *use, u16 *def)
{
	u8 class = BPF_CLASS(insn->code), op = BPF_OP(insn->code);
	bool is_x = BPF_SRC(insn->code) == BPF_X;

	*use = 0;
	*def = 0;
	switch (class) {
	case BPF_ALU:
	case BPF_ALU64:
		*def = REG_BIT(insn->dst_reg);
		if (op != BPF_MOV)
			*use |= REG_BIT(insn->dst_reg);
		if (is_x && op != BPF_END && op != BPF_NEG)
			*use |= REG_BIT(insn->src_reg);
		return;
	case BPF_LD:
		*def = REG_BIT(insn->dst_reg);
		return;
	case BPF_LDX:
		*use = REG_BIT(insn->src_reg);
		*def = REG_BIT(insn->dst_reg);
		return;
	case BPF_ST:
		*use = REG_BIT(insn->dst_reg);
		return;
	case BPF_STX:
		*use = REG_BIT(insn->dst_reg) | REG_BIT(insn->src_reg);
		if (BPF_MODE(insn->code) != BPF_ATOMIC)
			return;
		if (insn->imm == BPF_CMPXCHG) {
			*use |= REG_BIT(0);
			*def = REG_BIT(0);
		} else if (insn->imm & BPF_FETCH) {
			*def = REG_BIT(insn->src_reg);
		}
		return;
	default:
		if (op == BPF_CALL) {
			*use = ARG_REGS;
			*def = ARG_REGS | REG_BIT(0);
		} else if (op == BPF_EXIT) {
			*use = REG_BIT(0);
		} else if (isa_is_cmp_jump(insn)) {
			*use = REG_BIT(insn->dst_reg);
			if (is_x)
				*use |= REG_BIT(insn->src_reg);
		}
		return;
	}
}

/*
 * Static register liveness: the registers some path from an instruction
 * reads before writing.  Pruning ignores the others: their values cannot
 * make a difference.  Backward passes until nothing changes.
 */
static void compute_liveness(struct verifier_env *env)
{
	struct prog_core *prog = env->prog;
	bool changed = true;
	u16 use, def, out;
	u32 i;

	while (changed) {
		changed = false;
		for (i = prog->len; i-- > 0;) {
			const struct bpf_insn *insn = &prog->insns[i];
			u16 live;

			if (env->aux[i].imm64_tail)
				continue;
			out = 0;
			if (insn->code != (BPF_JMP | BPF_EXIT) && !is_uncond(insn)) {
				u32 next = i + (isa_is_ld_imm64(insn) ? 2 : 1);

				if (next < prog->len)
					out |= env->aux[next].live;
			}
			if (is_jump(insn))
				out |= env->aux[jump_target(insn, i)].live;
			insn_use_def(insn, &use, &def);
			live = use | (out & ~def) | REG_BIT(REG_FP);
			if (live != env->aux[i].live) {
				env->aux[i].live = live;
				changed = true;
			}
		}
	}
}

int verifier_check_structure(struct verifier_env *env)
{
	struct prog_core *prog = env->prog;
	u8 *is_start;
	u32 i;
	int err;

	for (i = 0; i < prog->len; i++) {
		err = check_insn(env, i);
		if (err)
			return err;
		if (isa_is_ld_imm64(&prog->insns[i]))
			env->aux[++i].imm64_tail = 1;
	}
	is_start = portable_zalloc(prog->len);
	if (!is_start)
		return -ENOMEM;
	err = collect_funcs(env, is_start);
	portable_free(is_start);
	if (err)
		return err;
	for (i = 0; i < prog->len; i++)
		if (is_func_ref(&prog->insns[i]))
			env->aux[jump_target(&prog->insns[i], i)].loop_entry = 1;
	err = check_jumps(env);
	if (err)
		return err;
	err = check_reachable(env);
	if (err)
		return err;
	compute_liveness(env);
	reset_walk(env);
	return walk_calls(env, 0, 0, false);
}

int verifier_check_stack_chain(struct verifier_env *env)
{
	u32 f;
	int err;

	/* Frames are 8-byte aligned, as they will be allocated. */
	for (f = 0; f < env->nr_funcs; f++)
		env->funcs[f].stack_depth = (env->funcs[f].stack_depth + 7) & ~7U;
	reset_walk(env);
	err = walk_calls(env, 0, 0, true);
	if (err)
		return err;
	env->prog->max_stack = env->funcs[0].below_stack;
	return 0;
}
