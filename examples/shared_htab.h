/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the two sides of the shared-htab example agree on: the arguments
 * table_insert takes as its context.
 */
#ifndef EXAMPLES_SHARED_HTAB_H
#define EXAMPLES_SHARED_HTAB_H

struct insert_args {
	int key;
	int value;
};

#endif
