/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Arrays as the rest of the module sees them: created through /dev/arena,
 * their values reached directly by programs (map lookups, .data/.bss/.rodata
 * references).
 */
#ifndef ARENA_ARRAY_KMOD_H
#define ARENA_ARRAY_KMOD_H

#include <linux/compiler_types.h>
#include <linux/types.h>

struct array;
struct file;

long array_ioctl_create(void __user *uarg);

/* The array behind a file, or NULL when it is not an array's. */
struct array *array_from_file(struct file *file);

/* What programs need: geometry, flags and the values themselves. */
struct array_layout {
	u32 flags;		/* ARRAY_F_* */
	u32 value_size;
	u32 max_entries;
	u32 value_stride;	/* value i at values + i * value_stride */
	void *values;
};

void array_layout(const struct array *array, struct array_layout *layout);

#endif /* ARENA_ARRAY_KMOD_H */
