# SPDX-License-Identifier: GPL-2.0
#
# The module's plain-C program core (module/<name>.c): built into the module
# by Kbuild and into user space by the unit tests and the conformance
# plugin, from this one list.
PROG_CORE := interp tnum verifier verifier_bounds verifier_call verifier_cfg \
	     verifier_global verifier_link verifier_log verifier_mem verifier_state \
	     verifier_widen \
	     helper_protos
