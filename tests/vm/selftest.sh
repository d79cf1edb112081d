#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Proves that the VM harness fails when it must: once with a module that
# oopses, once with a test that fails.  Each case is one TAP line here; its
# own failing lines stay in build/vm/selftest-*.tap.
#
#   tests/vm/selftest.sh [TAG]	(default 6.1-amd64)

set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/vm/lib.sh"
vm_setup "${1:-6.1-amd64}"
work=$build/vm-selftest/$tag

rm -rf "$work"
mkdir -p "$work/oops"
cp "$top/tests/vm/selftest/Kbuild" "$top/tests/vm/selftest/oops_kmod.c" "$work/oops/"
make -s -C "$kdir/build" M="$work/oops" "${kbuild_arch[@]}" modules >&2
"$cc" -std=gnu11 -O2 -Wall -Wextra -Werror -static -I"$top/tests/lib" \
	-o "$work/selftest-fails" "$top/tests/vm/selftest/fails.c"

# expect_failure <name> <line that must be "not ok"> <harness options...>
expect_failure() {
	local name=$1 must=$2 out=$work/$1.tap
	shift 2
	ARENA_BUILD=$work/build "$top/tests/vm/run-vm.sh" "$@" "$tag" >"$out" 2>&1 &&
		rc=0 || rc=$?
	if [ "$rc" != 0 ] && grep -q -x "not ok - $tag/$must" "$out"; then
		echo "ok - $tag/vm/$name"
	else
		echo "# harness exit status $rc; its output:"
		sed 's/^/#   /' "$out" | tail -40
		echo "not ok - $tag/vm/$name"
	fi
}

# A panic can leave a NUL on the serial line; the report after it must still
# be seen (grep takes a log with a NUL for binary and matches nothing in it).
printf 'boot\0\r\n[    3.8] Kernel panic - not syncing: Fatal exception\r\n' \
	>"$work/nul-console.log"
vm_console_text "$work/nul-console.log" >"$work/nul-console.txt"
if vm_kernel_trouble "$work/nul-console.txt"; then
	echo "ok - $tag/vm/selftest-report-after-nul-seen"
else
	echo "not ok - $tag/vm/selftest-report-after-nul-seen"
fi

expect_failure selftest-oops-fails-run vm/kernel-log-clean \
	--extra-ko "$work/oops/oops_kmod.ko"
expect_failure selftest-failing-test-fails-run vm/selftest-always-fails \
	--extra "$work/selftest-fails"
