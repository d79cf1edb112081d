// SPDX-License-Identifier: GPL-2.0
/*
 * The sizing passes of the JIT and its entry point (jit_passes.h), for
 * whichever back end the build has.
 */
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

int jit_find_func(const struct prog_core *prog, u32 start)
{
	u32 f;

	for (f = 0; f < prog->nr_funcs; f++)
		if (prog->funcs[f].start == start)
			return f;
	return -1;
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
		err = jit_arch_insn(j, &fr, i);
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
