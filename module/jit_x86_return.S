/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The return of compiled programs.  Their code jumps here instead of
 * returning: this RET is one of the module's return sites, which the
 * kernel rewrites at module load into the return thunk it chose for this
 * CPU (retbleed, SRSO mitigations), or into a plain ret where none is
 * needed.  The thunk itself is not exported, so generated code cannot
 * reach it otherwise.
 */
#include <linux/linkage.h>
#include <asm/nospec-branch.h>

	.text
SYM_FUNC_START(arena_jit_return)
	RET
SYM_FUNC_END(arena_jit_return)
