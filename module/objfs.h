/* SPDX-License-Identifier: GPL-2.0 */
#ifndef ARENA_OBJFS_H
#define ARENA_OBJFS_H

struct file_operations;

int arena_objfs_init(void);
void arena_objfs_exit(void);
int arena_objfs_getfd(const char *name, const struct file_operations *fops,
		      void *priv);

#endif /* ARENA_OBJFS_H */
