// SPDX-License-Identifier: GPL-2.0
/*
 * Verified programs through the architecture's JIT into the pool: compile
 * once to learn the size, place, compile again for that address, copy in,
 * then register the arena accesses' exception-table entries.  Anything the
 * JIT cannot do leaves the program to the interpreter, with a log line.
 */
#include <linux/module.h>

#include "arch.h"
#include "arena_kmod.h"
#include "jit.h"
#include "jit_extable.h"
#include "jit_pool.h"
#include "prog_jit.h"

static bool jit = true;
module_param(jit, bool, 0644);
MODULE_PARM_DESC(jit, "Compile programs to machine code (else interpret them)");

static bool jit_harden;
module_param(jit_harden, bool, 0644);
MODULE_PARM_DESC(jit_harden, "Blind the constants of compiled programs (bpf_jit_harden)");

#if defined(CONFIG_X86_64) && (defined(CONFIG_RETHUNK) || defined(CONFIG_MITIGATION_RETHUNK))
/* module/jit_x86_return.S */
void arena_jit_return(void);
#define PROG_JIT_RETURN_THUNK	((unsigned long)arena_jit_return)
#else
#define PROG_JIT_RETURN_THUNK	0
#endif

static void prog_jit_target(const struct prog_core *core, u64 code_addr,
			    struct jit_target *target)
{
	target->code_addr = code_addr;
	target->kern_vm_start = core->arena ? arena_kern_vm_start(core->arena->handle) : 0;
	target->return_thunk = PROG_JIT_RETURN_THUNK;
	target->ibt = IS_ENABLED(CONFIG_X86_KERNEL_IBT) || IS_ENABLED(CONFIG_ARM64_BTI_KERNEL);
	target->pac = IS_ENABLED(CONFIG_ARM64_PTR_AUTH_KERNEL);
	target->lse = arena_arch_jit_lse();
	target->harden = READ_ONCE(jit_harden);
	arena_arch_jit_cpu_number(&target->cpu_number_base, &target->cpu_number_off);
}

static int prog_jit_place(struct prog_core *core, struct prog_jit *pj,
			  const struct jit_target *sized)
{
	struct jit_image image = {};
	struct jit_target target;
	int err;

	pj->code = arena_jit_pool_alloc(pj->len);
	if (!pj->code)
		return -ENOSPC;
	prog_jit_target(core, (unsigned long)pj->code, &target);
	target.harden = sized->harden;
	err = jit_compile(core, &target, &image);
	if (!err && image.len != pj->len)
		err = -EFAULT;		/* the JIT broke its own contract */
	if (!err)
		err = arena_jit_pool_write(pj->code, image.code, image.len);
	/* Code that cannot fault has no entries: the table stays as it is. */
	if (!err && image.nr_faults)
		err = arena_jit_extable_add(pj->code, image.faults, image.nr_faults, &pj->ex);
	if (!err) {
		u32 i;

		for (i = 0; i < core->nr_funcs; i++)
			core->funcs[i].jited = pj->code + image.func_off[i];
	}
	jit_image_free(&image);
	if (err) {
		arena_jit_pool_free(pj->code, pj->len);
		pj->code = NULL;
	}
	return err;
}

int prog_jit_install(struct prog_core *core, struct prog_jit *pj)
{
	struct jit_image image = {};
	struct jit_target target;
	int err;

	if (!READ_ONCE(jit))
		return -EPERM;
	prog_jit_target(core, 0, &target);
	err = jit_compile(core, &target, &image);
	pj->len = image.len;
	jit_image_free(&image);
	return err ? err : prog_jit_place(core, pj, &target);
}

void prog_jit_remove(struct prog_jit *pj)
{
	if (!pj->code)
		return;
	/* Entries that could not be dropped keep their code. */
	if (!pj->ex || !arena_jit_extable_del(pj->ex))
		arena_jit_pool_free(pj->code, pj->len);
	pj->code = NULL;
}
