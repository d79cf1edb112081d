// SPDX-License-Identifier: GPL-2.0
/*
 * PROG_IOC_INFO and fdinfo: what a program is, its instructions as the verifier left
 * them and its machine code, for listings and for `arenactl prog dump`.
 */
#include <linux/capability.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "prog.h"
#include "uarg.h"

/* The verifier's output with each object reference put back as loaded. */
static int prog_info_xlated(const struct prog *prog, struct prog_info *info)
{
	u32 bytes = prog->core.len * sizeof(struct bpf_insn);
	u32 n = min(info->xlated_len, bytes);
	struct bpf_insn *insns;
	int err = 0;
	u32 i;

	info->xlated_len = bytes;
	if (!info->xlated || !n)
		return 0;
	insns = kvmalloc(bytes, GFP_KERNEL);
	if (!insns)
		return -ENOMEM;
	memcpy(insns, prog->core.insns, bytes);
	for (i = 0; i < prog->nr_refs; i++) {
		const struct prog_ref *ref = &prog->refs[i];

		insns[ref->insn].src_reg = ref->src_reg;
		insns[ref->insn].imm = ref->imm;
		insns[ref->insn + 1].imm = ref->next_imm;
	}
	if (copy_to_user(u64_to_user_ptr(info->xlated), insns, n))
		err = -EFAULT;
	kvfree(insns);
	return err;
}

static int prog_info_jited(const struct prog *prog, struct prog_info *info)
{
	u32 n = min_t(u32, info->jited_len, prog->jit.len);

	info->jited_len = prog->jit.code ? prog->jit.len : 0;
	if (!info->jited)
		return 0;
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (prog->jit.code && n &&
	    copy_to_user(u64_to_user_ptr(info->jited), prog->jit.code, n))
		return -EFAULT;
	return 0;
}

long prog_ioctl_info(const struct prog *prog, void __user *uarg)
{
	struct prog_info info;
	int err;

	err = arena_uarg_in(&info, uarg, PROG_INFO_SIZE_VER0);
	if (err)
		return err;
	if (info.flags || info.reserved)
		return -EINVAL;
	info.insn_cnt = prog->core.len;
	info.nr_funcs = prog->core.nr_funcs;
	info.nr_objs = prog->core.nr_objs;
	info.ctx_size = prog->core.ctx_size;
	info.jit = !prog->jit.code ? PROG_JIT_NONE :
		   IS_ENABLED(CONFIG_X86_64) ? PROG_JIT_X86_64 : PROG_JIT_ARM64;
	memcpy(info.name, prog->name, sizeof(info.name));
	err = prog_info_xlated(prog, &info);
	if (!err)
		err = prog_info_jited(prog, &info);
	return err ?: arena_uarg_out(uarg, &info);
}

void prog_show_fdinfo(struct seq_file *m, struct file *file)
{
	const struct prog *prog = file->private_data;

	seq_printf(m, "arena_type:\tprog\nname:\t%.*s\ninsns:\t%u\nfuncs:\t%u\n"
		   "jited_bytes:\t%zu\nobjects:\t%u\n", (int)sizeof(prog->name), prog->name,
		   prog->core.len, prog->core.nr_funcs, prog->jit.code ? prog->jit.len : 0,
		   prog->core.nr_objs);
}
