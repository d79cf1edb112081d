// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/arena: the one device node.  Like /dev/kvm it only answers
 * questions and creates objects; each object is a file descriptor of its
 * own whose lifetime is the file's.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/string.h>

#include <uapi/arena_kmod.h>

#include "arena_kmod.h"
#include "array_kmod.h"
#include "device.h"
#include "prog_kmod.h"
#include "ringbuf_kmod.h"
#include "selftest.h"
#include "uarg.h"

static long arena_ioctl_version(void __user *uarg)
{
	struct arena_version ver;
	int err;

	err = arena_uarg_in(&ver, uarg, ARENA_VERSION_SIZE_VER0);
	if (err)
		return err;
	if (ver.flags)
		return -EINVAL;

	ver.abi_version = ARENA_ABI_VERSION;
	ver.page_size = PAGE_SIZE;
	ver.features = ARENA_FEATURE_ARENA | ARENA_FEATURE_RINGBUF |
		       ARENA_FEATURE_ARRAY | ARENA_FEATURE_PROG | ARENA_FEATURE_PROG_GLOBALS;
	strscpy(ver.module_version, ARENA_KMOD_VERSION,
		sizeof(ver.module_version));
	return arena_uarg_out(uarg, &ver);
}

static long arena_dev_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case ARENA_IOC_VERSION:
		return arena_ioctl_version(uarg);
	case ARENA_IOC_CREATE:
		return arena_ioctl_create(uarg);
	case RINGBUF_IOC_CREATE:
		return ringbuf_ioctl_create(uarg);
	case ARRAY_IOC_CREATE:
		return array_ioctl_create(uarg);
	case PROG_IOC_LOAD:
		return prog_ioctl_load(uarg);
	default:
		return arena_selftest_ioctl(cmd, uarg);
	}
}

/*
 * .owner pins the module for as long as the device (and, through their own
 * fops, every object) is open, so rmmod fails with EBUSY instead of pulling
 * code from under an open file.
 */
static const struct file_operations arena_dev_fops = {
	.owner		= THIS_MODULE,
	.unlocked_ioctl	= arena_dev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

/*
 * 0660 with root's group: the packages' udev rule hands the node to the
 * "arena" group, so access is an administrator's decision.
 */
static struct miscdevice arena_miscdev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "arena",
	.fops	= &arena_dev_fops,
	.mode	= 0660,
};

int arena_device_register(void)
{
	return misc_register(&arena_miscdev);
}

void arena_device_unregister(void)
{
	misc_deregister(&arena_miscdev);
}
