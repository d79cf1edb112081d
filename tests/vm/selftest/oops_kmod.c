// SPDX-License-Identifier: GPL-2.0
/*
 * A module that oopses as it loads: the harness self-test boots it to prove
 * that a kernel crash fails the VM run.
 */
#include <linux/module.h>

static int __init oops_kmod_init(void)
{
	int *volatile nowhere = NULL;

	return *nowhere;
}

module_init(oops_kmod_init);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("arena-kmod harness self-test: oops on load");
