/* SPDX-License-Identifier: GPL-2.0 */
static const struct vcase arena_cases[] = {
	PASS("arena/placeholder", NONE, 0, RET0),
};
