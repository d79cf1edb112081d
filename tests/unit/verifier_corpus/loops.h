/* SPDX-License-Identifier: GPL-2.0 */
static const struct vcase loop_cases[] = {
	PASS("loops/placeholder", NONE, 0, RET0),
};
