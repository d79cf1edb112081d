// SPDX-License-Identifier: GPL-2.0
/*
 * Object file descriptors.  Every object (arena, ring buffer, ...) gets a
 * file with an inode of its own from this internal pseudo filesystem, not
 * the one inode that anon_inode_getfd() shares among all its files: the
 * inode's address_space is how unmap_mapping_range() finds and zaps every
 * user mapping of one object, in every process, and nothing else.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/pseudo_fs.h>

#include "objfs.h"

#define ARENA_OBJFS_MAGIC	0x6172656e	/* "aren" */

static struct vfsmount *arena_objfs_mnt;

/* What /proc/<pid>/fd and /proc/<pid>/maps show: "arena_kmod:[arena]". */
static char *arena_objfs_dname(struct dentry *dentry, char *buf, int buflen)
{
	char name[64];
	int len;

	len = snprintf(name, sizeof(name), "arena_kmod:[%s]", dentry->d_name.name);
	if (len >= sizeof(name) || len + 1 > buflen)
		return ERR_PTR(-ENAMETOOLONG);
	buf += buflen - (len + 1);
	memcpy(buf, name, len + 1);
	return buf;
}

static const struct dentry_operations arena_objfs_dops = {
	.d_dname	= arena_objfs_dname,
};

static int arena_objfs_init_fs_context(struct fs_context *fc)
{
	struct pseudo_fs_context *ctx = init_pseudo(fc, ARENA_OBJFS_MAGIC);

	if (!ctx)
		return -ENOMEM;
	ctx->dops = &arena_objfs_dops;
	return 0;
}

static struct file_system_type arena_objfs_type = {
	.name			= "arena_kmod",
	.init_fs_context	= arena_objfs_init_fs_context,
	.kill_sb		= kill_anon_super,
};

int arena_objfs_init(void)
{
	arena_objfs_mnt = kern_mount(&arena_objfs_type);
	return PTR_ERR_OR_ZERO(arena_objfs_mnt);
}

void arena_objfs_exit(void)
{
	kern_unmount(arena_objfs_mnt);
}

static struct file *arena_objfs_file(const char *name,
				     const struct file_operations *fops,
				     void *priv)
{
	struct inode *inode;
	struct file *file;

	inode = alloc_anon_inode(arena_objfs_mnt->mnt_sb);
	if (IS_ERR(inode))
		return ERR_CAST(inode);
	file = alloc_file_pseudo(inode, arena_objfs_mnt, name, O_RDWR, fops);
	if (IS_ERR(file)) {
		iput(inode);
		return file;
	}
	file->private_data = priv;
	return file;
}

/*
 * Returns a new close-on-exec fd for an object.  On success the file owns
 * priv (fops->release frees it); on failure the caller still does.
 */
int arena_objfs_getfd(const char *name, const struct file_operations *fops,
		      void *priv)
{
	struct file *file;
	int fd;

	/*
	 * alloc_file_pseudo() does not take the module reference that
	 * fput() drops (fops_put) when the file goes: take it here.
	 */
	if (!try_module_get(fops->owner))
		return -ENOENT;
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0)
		goto err_module;
	file = arena_objfs_file(name, fops, priv);
	if (IS_ERR(file)) {
		put_unused_fd(fd);
		fd = PTR_ERR(file);
		goto err_module;
	}
	fd_install(fd, file);
	return fd;

err_module:
	module_put(fops->owner);
	return fd;
}
