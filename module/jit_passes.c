// SPDX-License-Identifier: GPL-2.0
/*
 * The sizing passes of the JIT and its entry point (jit_passes.h), for
 * whichever back end the build has.
 */
#include "helper_protos.h"
#include "jit_passes.h"

#define JIT_MAX_PASSES	32

void jit_emit_bytes(struct jit_state *j, const void *bytes, u32 n)
{
	if (j->blen + n <= sizeof(j->buf)) {
		memcpy(j->buf + j->blen, bytes, n);
		j->blen += n;
	} else {
		j->err = -EFAULT;
	}
}

void jit_add_fault(struct jit_state *j, u32 start, u8 reg)
{
	if (j->image && j->nr_faults < j->max_faults)
		j->faults[j->nr_faults] = (struct jit_fault){
			.insn_off = j->pos + start,
			.len = j->blen - start,
			.dst_reg = reg,
		};
	j->nr_faults++;
}

/* The function whose first instruction is start, or -1. */
static int jit_find_func(const struct prog_core *prog, u32 start)
{
	u32 f;

	for (f = 0; f < prog->nr_funcs; f++)
		if (prog->funcs[f].start == start)
			return f;
	return -1;
}

/*
 * The array that reaches a lookup on every path (the verifier's off, see
 * prog_core.h), whose bounds, stride and address the code may then hold as
 * immediates; NULL when they must be read from the object at run time:
 * another array on some path, hardening (whose blinding such immediates
 * would need), or a stride past a signed 32-bit immediate.
 */
static const struct prog_obj *jit_lookup_array(const struct jit_state *j,
					       const struct bpf_insn *insn)
{
	const struct prog_obj *array;

	if (!insn->off || j->target->harden)
		return NULL;
	array = &j->prog->objs[insn->off - 1];
	return array->value_stride <= S32_MAX ? array : NULL;
}

static int jit_call(struct jit_state *j, const struct bpf_insn *insn, u32 i)
{
	prog_helper_fn fn;
	int f;

	if (BPF_SRC(insn->code) != BPF_K)
		return -EOPNOTSUPP;	/* callx: no indirect calls here */
	if (insn->src_reg == BPF_PSEUDO_CALL) {
		f = jit_find_func(j->prog, i + insn->imm + 1);
		if (f < 0)
			return -EINVAL;
		jit_arch_call(j, f);
		return 0;
	}
	/*
	 * A lookup in an array costs a few instructions, its call more: the
	 * lookup is inlined, as the kernel's verifier does (map_gen_lookup).
	 */
	if (insn->src_reg == 0 && insn->imm == HELPER_MAP_LOOKUP_ELEM) {
		jit_arch_array_lookup(j, jit_lookup_array(j, insn));
		return 0;
	}
	if (insn->src_reg == 0 && insn->imm == HELPER_GET_SMP_PROCESSOR_ID &&
	    j->target->cpu_number_base) {
		jit_arch_cpu_number(j);
		return 0;
	}
	if (insn->src_reg == BPF_PSEUDO_KFUNC_CALL)
		fn = prog_kfunc(insn->imm);
	else if (insn->src_reg == 0)
		fn = prog_helper(insn->imm);
	else
		return -EOPNOTSUPP;
	if (!fn)
		return -EOPNOTSUPP;
	jit_arch_call_native(j, fn);
	return 0;
}

static int jit_jmp_class(struct jit_state *j, const struct jit_frame *fr, u32 i)
{
	const struct bpf_insn *insn = &j->prog->insns[i];
	u8 op = BPF_OP(insn->code);
	s64 target = (s64)i + 1 + insn->off;
	u32 start = j->prog->funcs[fr->func].start;

	if (BPF_CLASS(insn->code) == BPF_JMP32 && op == BPF_JA)
		target = (s64)i + 1 + insn->imm;
	else if (BPF_CLASS(insn->code) == BPF_JMP32 && (op == BPF_CALL || op == BPF_EXIT))
		return -EOPNOTSUPP;
	if (op == BPF_CALL)
		return jit_call(j, insn, i);
	if (op == BPF_EXIT) {
		if (i + 1 != fr->end)
			jit_arch_jump(j, jit_epilogue_block(j, fr->func));
		return 0;
	}
	if (target < start || target >= fr->end)
		return -EINVAL;
	if (op == BPF_JA) {
		if (target != i + 1)
			jit_arch_jump(j, target);
		return 0;
	}
	if (op == ISA_JCOND) {
		if (BPF_CLASS(insn->code) != BPF_JMP || insn->src_reg != ISA_MAY_GOTO ||
		    !fr->may_goto)
			return -EOPNOTSUPP;
		jit_arch_may_goto(j, fr, target);
		return 0;
	}
	if (op > BPF_JSLE)
		return -EOPNOTSUPP;
	jit_arch_cond_jump(j, insn, target);
	return 0;
}

static int jit_load(struct jit_state *j, const struct bpf_insn *insn)
{
	u8 mode = BPF_MODE(insn->code);
	bool sx = mode == ISA_MEMSX || mode == ISA_PROBE_MEM32SX;

	if (mode != BPF_MEM && mode != ISA_MEMSX && mode != ISA_PROBE_MEM32 &&
	    mode != ISA_PROBE_MEM32SX)
		return -EOPNOTSUPP;
	if (sx && BPF_SIZE(insn->code) == BPF_DW)
		return -EOPNOTSUPP;
	jit_arch_load(j, insn, mode == ISA_PROBE_MEM32 || mode == ISA_PROBE_MEM32SX, sx);
	return 0;
}

static int jit_store(struct jit_state *j, const struct bpf_insn *insn)
{
	u8 mode = BPF_MODE(insn->code);

	if (mode != BPF_MEM && mode != ISA_PROBE_MEM32)
		return -EOPNOTSUPP;
	jit_arch_store(j, insn, mode == ISA_PROBE_MEM32);
	return 0;
}

static int jit_atomic(struct jit_state *j, const struct bpf_insn *insn)
{
	if (BPF_SIZE(insn->code) != BPF_W && BPF_SIZE(insn->code) != BPF_DW)
		return -EOPNOTSUPP;
	switch (insn->imm) {
	case BPF_ADD:
	case BPF_AND:
	case BPF_OR:
	case BPF_XOR:
	case BPF_ADD | BPF_FETCH:
	case BPF_AND | BPF_FETCH:
	case BPF_OR | BPF_FETCH:
	case BPF_XOR | BPF_FETCH:
	case BPF_XCHG:
	case BPF_CMPXCHG:
		jit_arch_atomic(j, insn, BPF_MODE(insn->code) == ISA_PROBE_ATOMIC);
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

/* The forms of ALU instructions the back ends translate. */
static bool jit_alu_ok(const struct bpf_insn *insn)
{
	bool to_le = BPF_SRC(insn->code) == BPF_TO_LE;
	u8 op = BPF_OP(insn->code);

	switch (op) {
	case BPF_DIV:
	case BPF_MOD:
		return insn->off == 0 || insn->off == ISA_SIGNED_DIV;
	case BPF_MOV:
		return BPF_SRC(insn->code) == BPF_K || insn->off == 0 || insn->off == 8 ||
		       insn->off == 16 || insn->off == 32;
	case BPF_END:
		return (insn->imm == 16 || insn->imm == 32 || insn->imm == 64) &&
		       (BPF_CLASS(insn->code) == BPF_ALU || to_le);
	default:
		return op < BPF_END;
	}
}

/* addr_space_cast: what the back end ors into a non-zero user address. */
static int jit_cast(struct jit_state *j, const struct bpf_insn *insn)
{
	const struct prog_obj *arena = j->prog->arena;
	u64 user_hi = 0;

	if ((u32)insn->imm != ISA_CAST_TO_KERN && (u32)insn->imm != ISA_CAST_TO_USER)
		return -EOPNOTSUPP;
	if ((u32)insn->imm == ISA_CAST_TO_USER && arena &&
	    !(arena->flags & PROG_OBJ_F_NO_USER_CONV))
		user_hi = arena->user_vm_start & ~(u64)U32_MAX;
	jit_arch_cast(j, insn, user_hi);
	return 0;
}

/* One eBPF instruction (two for ld_imm64) into j->buf. */
static int jit_insn(struct jit_state *j, const struct jit_frame *fr, u32 i)
{
	const struct bpf_insn *insn = &j->prog->insns[i];

	if (insn->dst_reg > BPF_REG_10 || insn->src_reg > BPF_REG_10)
		return -EINVAL;
	switch (BPF_CLASS(insn->code)) {
	case BPF_ALU64:
		if (insn->code == (BPF_ALU64 | BPF_MOV | BPF_X) &&
		    insn->off == ISA_ADDR_SPACE_CAST)
			return jit_cast(j, insn);
		fallthrough;
	case BPF_ALU:
		if (!jit_alu_ok(insn))
			return -EOPNOTSUPP;
		jit_arch_alu(j, insn);
		return 0;
	case BPF_LD:
		if (!isa_is_ld_imm64(insn) || insn->src_reg || i + 1 >= fr->end)
			return -EOPNOTSUPP;
		jit_arch_ld_imm64(j, insn->dst_reg, isa_ld_imm64_value(insn));
		return 0;
	case BPF_LDX:
		return jit_load(j, insn);
	case BPF_ST:
		return jit_store(j, insn);
	case BPF_STX:
		if (BPF_MODE(insn->code) == BPF_ATOMIC ||
		    BPF_MODE(insn->code) == ISA_PROBE_ATOMIC)
			return jit_atomic(j, insn);
		return jit_store(j, insn);
	default:	/* BPF_JMP, BPF_JMP32 */
		return jit_jmp_class(j, fr, i);
	}
}

static bool jit_has_may_goto(const struct prog_core *prog, u32 start, u32 end)
{
	u32 i;

	for (i = start; i < end; i++)
		if (prog->insns[i].code == (BPF_JMP | ISA_JCOND))
			return true;
	return false;
}

/* Ends the current block: into the image in the last pass. */
static int jit_flush(struct jit_state *j)
{
	if (j->err)
		return j->err;
	if (j->image) {
		if (j->pos + j->blen > j->image_len)
			return -EFAULT;
		memcpy(j->image + j->pos, j->buf, j->blen);
	}
	j->pos += j->blen;
	j->blen = 0;
	return 0;
}

static void jit_begin(struct jit_state *j, u32 block)
{
	j->block = block;
	j->cur[block] = j->pos;
	j->blen = 0;
}

static int jit_func(struct jit_state *j, u32 f)
{
	const struct prog_core *prog = j->prog;
	struct jit_frame fr = { .func = f };
	u32 i;
	int err;

	fr.end = f + 1 < prog->nr_funcs ? prog->funcs[f + 1].start : prog->len;
	fr.may_goto = jit_has_may_goto(prog, prog->funcs[f].start, fr.end);
	jit_begin(j, jit_entry_block(j, f));
	jit_arch_prologue(j, &fr);
	err = jit_flush(j);
	for (i = prog->funcs[f].start; !err && i < fr.end; i++) {
		jit_begin(j, i);
		err = jit_insn(j, &fr, i);
		if (!err && isa_is_ld_imm64(&prog->insns[i]))
			j->cur[++i] = j->pos + j->blen;
		if (!err)
			err = jit_flush(j);
	}
	if (err)
		return err;
	jit_begin(j, jit_epilogue_block(j, f));
	jit_arch_epilogue(j);
	return jit_flush(j);
}

static int jit_pass(struct jit_state *j)
{
	u32 f, *swap;
	int err = 0;

	j->pos = 0;
	j->nr_faults = 0;
	for (f = 0; !err && f < j->prog->nr_funcs; f++)
		err = jit_func(j, f);
	swap = j->prev;
	j->prev = j->cur;
	j->cur = swap;
	return err;
}

static int jit_check_prog(const struct prog_core *prog)
{
	u32 f;

	if (!prog->nr_funcs || prog->funcs[0].start != 0 || prog->len > VERIFIER_MAX_INSNS)
		return -EINVAL;
	for (f = 0; f < prog->nr_funcs; f++) {
		if (prog->funcs[f].stack_depth > ISA_MAX_STACK)
			return -EINVAL;
		if (f + 1 < prog->nr_funcs ? prog->funcs[f + 1].start <= prog->funcs[f].start :
		    prog->funcs[f].start >= prog->len)
			return -EINVAL;
	}
	return 0;
}

/* The sizing passes until the layout stays, then the one that writes. */
static int jit_passes(struct jit_state *j, struct jit_image *image)
{
	u32 pass, len = 0, f;
	int err;

	j->first_pass = true;
	for (pass = 0; pass < JIT_MAX_PASSES; pass++) {
		err = jit_pass(j);
		if (err)
			return err;
		if (!j->first_pass && j->pos == len)
			break;
		j->first_pass = false;
		len = j->pos;
	}
	if (pass == JIT_MAX_PASSES)
		return -EOPNOTSUPP;

	image->code = portable_zalloc(len);
	image->func_off = portable_zalloc(j->prog->nr_funcs * sizeof(u32));
	image->faults = portable_zalloc((j->nr_faults ? j->nr_faults : 1) *
					sizeof(struct jit_fault));
	if (!image->code || !image->func_off || !image->faults)
		return -ENOMEM;
	j->image = image->code;
	j->image_len = len;
	j->faults = image->faults;
	j->max_faults = j->nr_faults;
	err = jit_pass(j);
	if (err)
		return err;
	if (j->pos != len || j->nr_faults != j->max_faults)
		return -EFAULT;	/* the layout moved after it converged */
	image->len = len;
	image->nr_faults = j->nr_faults;
	for (f = 0; f < j->prog->nr_funcs; f++)
		image->func_off[f] = j->prev[jit_entry_block(j, f)];
	return 0;
}

int jit_compile(const struct prog_core *prog, const struct jit_target *target,
		struct jit_image *image)
{
	struct jit_state *j;
	size_t blocks;
	int err;

	memset(image, 0, sizeof(*image));
	err = jit_check_prog(prog);
	if (err)
		return err;
	j = portable_zalloc(sizeof(*j));
	if (!j)
		return -ENOMEM;
	blocks = (size_t)prog->len + 2 * (size_t)prog->nr_funcs;
	j->prog = prog;
	j->target = target;
	j->prev = portable_zalloc(blocks * sizeof(u32));
	j->cur = portable_zalloc(blocks * sizeof(u32));
	err = j->prev && j->cur ? jit_passes(j, image) : -ENOMEM;
	portable_free(j->prev);
	portable_free(j->cur);
	portable_free(j);
	if (err)
		jit_image_free(image);
	return err;
}

void jit_image_free(struct jit_image *image)
{
	portable_free(image->code);
	portable_free(image->func_off);
	portable_free(image->faults);
	memset(image, 0, sizeof(*image));
}
