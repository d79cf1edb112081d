/* SPDX-License-Identifier: GPL-2.0 */
/* Properties beyond a verdict: rewrites, funcs, logs, timing. */

static const struct tap_test property_tests[] = {
};
