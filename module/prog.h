/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A loaded program, shared by the file that loads and runs it
 * (prog_kmod.c) and the one that describes it (prog_info.c).
 */
#ifndef ARENA_PROG_H
#define ARENA_PROG_H

#include <linux/compiler_types.h>

#include "arena_kmod.h"
#include "prog_core.h"
#include "prog_jit.h"

/*
 * An object reference (ld_imm64 with a src_reg) as it was loaded: the
 * verifier turns it into an address, which no dump may show.
 */
struct file;
struct seq_file;

struct prog_ref {
	u32 insn;
	u32 src_reg;
	s32 imm;
	s32 next_imm;
};

struct prog {
	struct prog_core core;
	struct prog_jit jit;
	struct prog_obj *objs;
	struct file **files;	/* one reference per object */
	u32 nr_files;
	struct prog_ref *refs;
	u32 nr_refs;
	char name[sizeof_field(struct prog_load, name)];
};

long prog_ioctl_info(const struct prog *prog, void __user *uarg);
/* /proc/<pid>/fdinfo/<fd> of a program: what PROG_IOC_INFO says, in short. */
void prog_show_fdinfo(struct seq_file *m, struct file *file);

#endif /* ARENA_PROG_H */
