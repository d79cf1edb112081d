/* SPDX-License-Identifier: GPL-2.0 */
static const struct vcase call_cases[] = {
	PASS("calls/placeholder", NONE, 0, RET0),
};
