/* SPDX-License-Identifier: GPL-2.0 */
static const struct vcase clang_cases[] = {
	PASS("clang/placeholder", NONE, 0, RET0),
};
