// SPDX-License-Identifier: GPL-2.0
/*
 * arena_kmod: BPF-style arenas and ring buffers, with programs to run on
 * them, for kernels that do not have them.
 */
#include <linux/module.h>
#include <linux/rcupdate.h>

#include "device.h"
#include "jit_extable.h"
#include "jit_pool.h"
#include "kview.h"
#include "objfs.h"
#include "selftest.h"

static int __init arena_kmod_init(void)
{
	int err;

	err = arena_kview_check_arch();
	if (err)
		return err;
	err = arena_jit_pool_init();
	if (!err)
		err = arena_jit_extable_init();
	if (err)
		return err;
	err = arena_selftests_run();
	if (err)
		goto err_kview;
	err = arena_objfs_init();
	if (err)
		goto err_kview;
	err = arena_device_register();
	if (err)
		goto err_objfs;
	return 0;

err_objfs:
	arena_objfs_exit();
err_kview:
	/* The self-tests leave idle kernel views behind. */
	arena_kview_exit();
	arena_jit_extable_exit();
	arena_jit_pool_exit();
	return err;
}

static void __exit arena_kmod_exit(void)
{
	arena_device_unregister();
	arena_objfs_exit();
	/* Arena pages freed after a grace period: their callbacks are ours. */
	rcu_barrier();
	arena_kview_exit();
	arena_jit_extable_exit();
	arena_jit_pool_exit();
}

module_init(arena_kmod_init);
module_exit(arena_kmod_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("BPF-style arenas and ring buffers shared with user space");
MODULE_VERSION(ARENA_KMOD_VERSION);
