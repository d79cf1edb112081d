// SPDX-License-Identifier: GPL-2.0
/*
 * Array objects: BPF_MAP_TYPE_ARRAY semantics, max_entries values of
 * value_size bytes, zeroed at creation, indexed by a u32 key.  Values sit
 * value_size rounded up to 8 apart (as in kernel/bpf/arraymap.c), so that
 * programs may use 8-byte loads, stores and atomics on aligned fields.
 *
 * The values live in whole pages mapped contiguously in the kernel, so that
 * ARRAY_F_MMAPABLE arrays can hand the same pages to user space: then a
 * store from either side is seen by the other, without copies.  Programs
 * and user space see each other's writes with no ordering beyond what
 * their own atomics give, as with the kernel's arrays.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <uapi/arena_kmod.h>

#include "array_kmod.h"
#include "objfs.h"
#include "pages.h"
#include "uarg.h"

#define ARRAY_CREATE_FLAGS	(ARRAY_F_MMAPABLE | ARRAY_F_RDONLY_PROG)

struct array {
	u32 flags;
	u32 value_size;
	u32 max_entries;
	u32 value_stride;
	unsigned long nr_pages;
	struct page **pages;
	void *values;		/* the pages, mapped contiguously */
};

static void *array_value(const struct array *array, u32 index)
{
	return array->values + (size_t)index * array->value_stride;
}

static long array_ioctl_elem(struct array *array, unsigned int cmd,
			     void __user *uarg)
{
	struct array_elem req;
	void __user *uvalue;
	int err;

	err = arena_uarg_in(&req, uarg, ARRAY_ELEM_SIZE_VER0);
	if (err)
		return err;
	if (req.flags || req.reserved)
		return -EINVAL;
	if (req.index >= array->max_entries)
		return cmd == ARRAY_IOC_LOOKUP ? -ENOENT : -E2BIG;

	uvalue = u64_to_user_ptr(req.value);
	if (cmd == ARRAY_IOC_LOOKUP)
		err = copy_to_user(uvalue, array_value(array, req.index),
				   array->value_size);
	else
		err = copy_from_user(array_value(array, req.index), uvalue,
				     array->value_size);
	return err ? -EFAULT : 0;
}

static long array_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	switch (cmd) {
	case ARRAY_IOC_LOOKUP:
	case ARRAY_IOC_UPDATE:
		return array_ioctl_elem(file->private_data, cmd,
					(void __user *)arg);
	default:
		return -ENOTTY;
	}
}

/*
 * Only ARRAY_F_MMAPABLE arrays, shared (a private copy would silently stop
 * seeing the values, as bpf(2) has it), no further than their pages;
 * remap_vmalloc_range() checks the range and sets VM_DONTEXPAND.
 */
static int array_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct array *array = file->private_data;

	if (!(array->flags & ARRAY_F_MMAPABLE))
		return -ENODEV;
	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	return remap_vmalloc_range(vma, array->values, vma->vm_pgoff);
}

static void array_free(struct array *array)
{
	if (array->values)
		vunmap(array->values);
	arena_pages_free(array->pages, array->nr_pages);
	kfree(array);
}

static int array_release(struct inode *inode, struct file *file)
{
	array_free(file->private_data);
	return 0;
}

/*
 * /proc/<pid>/fdinfo/<fd>: arrays have no info ioctl, so this is where
 * `arenactl array` learns an array's shape.
 */
static void array_show_fdinfo(struct seq_file *m, struct file *file)
{
	const struct array *array = file->private_data;

	seq_printf(m, "arena_type:\tarray\nvalue_size:\t%u\nmax_entries:\t%u\narray_flags:\t0x%x\n",
		   array->value_size, array->max_entries, array->flags);
}

static const struct file_operations array_fops = {
	.owner		= THIS_MODULE,
	.release	= array_release,
	.show_fdinfo	= array_show_fdinfo,
	.unlocked_ioctl	= array_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.mmap		= array_mmap,
	.llseek		= noop_llseek,
};

static int array_check_create(const struct array_create *req)
{
	u64 bytes = (u64)round_up(req->value_size, 8) * req->max_entries;

	if (req->flags & ~ARRAY_CREATE_FLAGS)
		return -EINVAL;
	if (!req->value_size || !req->max_entries)
		return -EINVAL;
	if (req->value_size > ARRAY_VALUE_MAX || bytes > ARRAY_BYTES_MAX)
		return -E2BIG;
	return 0;
}

static struct array *array_alloc(const struct array_create *req)
{
	struct array *array;
	u64 bytes;

	array = kzalloc(sizeof(*array), GFP_KERNEL_ACCOUNT);
	if (!array)
		return NULL;
	array->flags = req->flags;
	array->value_size = req->value_size;
	array->max_entries = req->max_entries;
	array->value_stride = round_up(req->value_size, 8);
	bytes = (u64)array->value_stride * array->max_entries;
	array->nr_pages = PAGE_ALIGN(bytes) >> PAGE_SHIFT;
	array->pages = arena_pages_alloc(array->nr_pages);
	if (!array->pages)
		goto err;
	/* VM_USERMAP: remap_vmalloc_range() maps only such ranges. */
	array->values = vmap(array->pages, array->nr_pages, VM_MAP | VM_USERMAP,
			     PAGE_KERNEL);
	if (!array->values)
		goto err;
	return array;

err:
	array_free(array);
	return NULL;
}

long array_ioctl_create(void __user *uarg)
{
	struct array_create req;
	struct array *array;
	int err, fd;

	err = arena_uarg_in(&req, uarg, ARRAY_CREATE_SIZE_VER0);
	if (err)
		return err;
	err = array_check_create(&req);
	if (err)
		return err;
	array = array_alloc(&req);
	if (!array)
		return -ENOMEM;
	fd = arena_objfs_getfd("array", &array_fops, array);
	if (fd < 0)
		array_free(array);
	return fd;
}

struct array *array_from_file(struct file *file)
{
	return file->f_op == &array_fops ? file->private_data : NULL;
}

void array_layout(const struct array *array, struct array_layout *layout)
{
	layout->flags = array->flags;
	layout->value_size = array->value_size;
	layout->max_entries = array->max_entries;
	layout->value_stride = array->value_stride;
	layout->values = array->values;
}
