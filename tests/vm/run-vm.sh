#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boots one of Debian's kernels in QEMU with our module and the VM test
# binaries, and reports TAP lines "ok - <tag>/<suite>/<name>" on stdout.
#
#   tests/vm/run-vm.sh [--extra BIN]... [--extra-ko KO]... [--only NAME]... [--timeout S] TAG
#   ARENA_KO=/path/arena_kmod.ko tests/vm/run-vm.sh ... TAG
#
# TAG is 6.1-amd64, 6.12-amd64, 6.1-arm64 or 6.12-arm64.  --extra adds a
# static test binary (run and counted like ours), --extra-ko a module loaded
# after ours (the harness self-test uses it to oops on purpose), --only keeps
# only the named test binaries of ours (tests/vm/NAME.c; `make stress` and
# quick runs while developing), STRESS_SCALE in the environment multiplies
# the stress tests' counts (tests/vm/stress.c).  ARENA_KO
# boots a module built elsewhere (DKMS, for the packaging tests) instead of
# building one with the self-tests; its vermagic must name TAG's kernel.
#
# Fails (exit 1) on a failed test, a test binary that did not finish, a
# missing result line, insmod/rmmod failure, a kernel report of trouble in
# the serial log, a build warning, or a timeout.  The kernel's lines around
# a failure are printed as TAP comments.

set -euo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
. "$top/tests/vm/lib.sh"

extras=()
extra_kos=()
only=()
vm_timeout=600
while [ $# -gt 1 ]; do
	case "$1" in
	--extra) extras+=("$2"); shift 2 ;;
	--extra-ko) extra_kos+=("$2"); shift 2 ;;
	--only) only+=("$2"); shift 2 ;;
	--timeout) vm_timeout=$2; shift 2 ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || { echo "usage: $0 [--extra BIN]... [--extra-ko KO]... [--only NAME]... [--timeout S] TAG" >&2; exit 2; }
vm_setup "$1"

work=$build/vm/$tag
rm -rf "$work"
mkdir -p "$work"

pass() {	# pass <suite/name>
	echo "ok - $tag/$1"
}

fail() {	# fail <suite/name>, with what went wrong on stdin
	sed 's/^/# /'
	echo "not ok - $tag/$1"
	: >"$work/failed"
}

prebuilt_ko=${ARENA_KO:-}
if [ -n "$prebuilt_ko" ]; then
	ko=$prebuilt_ko
	vermagic=$(modinfo -F vermagic "$ko" 2>&1) || true
	if [ "${vermagic%% *}" = "$(cat "$kdir/release")" ]; then
		pass vm/prebuilt-module-vermagic
	else
		echo "$ko: vermagic '$vermagic', kernel $(cat "$kdir/release")" |
			fail vm/prebuilt-module-vermagic
		exit 1
	fi
elif vm_build_module "$work/kmod"; then
	ko=$work/kmod/arena_kmod.ko
	pass vm/module-build-clean
else
	grep -E -A3 'warning:|error:|Error' "$work/kmod.log" | head -40 |
		fail vm/module-build-clean
	exit 1
fi

vm_build_userspace
mkdir -p "$work/initramfs/extra-ko"
[ ${#extra_kos[@]} -eq 0 ] || cp "${extra_kos[@]}" "$work/initramfs/extra-ko/"
mapfile -t bins < <(vm_test_binaries)
if [ ${#only[@]} -gt 0 ]; then
	mapfile -t bins < <(printf '%s\n' "${bins[@]}" |
		grep -x -F -f <(printf "$ubuild/tests/vm/%s\n" "${only[@]}"))
fi
# Test binaries that need the self-test build's ARENA_SELFTEST_IOC_* (a
# user-to-kernel ring drained from user space): a production module, as
# DKMS builds it, has none of those commands.
if [ -n "$prebuilt_ko" ]; then
	mapfile -t bins < <(printf '%s\n' "${bins[@]}" | grep -v -x -F "$ubuild/tests/vm/ringbuf_user_lib")
fi
vm_initramfs "$work/initramfs" "$work/initramfs.cpio" "$ko" \
	"${bins[@]}" "${extras[@]}"
expected_bins=$(ls "$work/initramfs/tests")

log=$work/console.log
rc=0
vm_boot "$work/initramfs.cpio" "$log" "$vm_timeout" >"$work/qemu.log" 2>&1 || rc=$?

vm_console_text "$log" >"$work/console.txt"
events=$(sed -n 's/^.*@H //p' "$work/console.txt")

event() {	# event <name>: the argument of the first "@H <name> ..." line
	awk -v e="$1" '$1 == e { print $2; exit }' <<<"$events"
}

context() {	# the kernel's lines around the first line matching $1, if any
	local n
	n=$(grep -n -E -m1 "$1" "$work/console.txt" | cut -d: -f1) || true
	[ -n "$n" ] || return 0
	sed -n "$((n > 15 ? n - 15 : 1)),$((n + 25))p" "$work/console.txt"
}

if [ "$rc" = 124 ]; then
	tail -30 "$work/console.txt" | fail vm/no-timeout
else
	pass vm/no-timeout
fi

if grep -q '^init$' <<<"$events"; then
	pass vm/boot
else
	{ tail -30 "$work/console.txt"; cat "$work/qemu.log"; } | fail vm/boot
fi

if [ "$(event insmod)" = 0 ]; then
	pass vm/insmod
else
	context 'insmod' | fail vm/insmod
fi

# The module's own self-tests, run as it loaded (module/selftest.c); a
# prebuilt production module has none.  Reported from the first load only
# (tests/vm/reload.c loads it again and again); a failure at any load
# fails the run.
sed -n '/@H begin /q; s/^.*arena_kmod: \(\(not \)\{0,1\}ok - \)/\1'"$tag"'\//p' "$work/console.txt"
grep -q 'not ok - ' <(sed -n 's/^.*arena_kmod: //p' "$work/console.txt") && : >"$work/failed"
if [ -z "$prebuilt_ko" ]; then
	if grep -q -E 'arena_kmod: selftests run: [1-9]' "$work/console.txt"; then
		pass vm/module-selftests-ran
	else
		context 'insmod|arena_kmod' | fail vm/module-selftests-ran
	fi
fi

# Every test binary's output, in order, then whether it ran to its end.
sed -n 's/^.*@T //p' "$work/console.txt" | while IFS= read -r line; do
	case "$line" in
	"ok - "*) echo "ok - $tag/${line#ok - }" ;;
	"not ok - "*)
		echo "not ok - $tag/${line#not ok - }"
		: >"$work/failed"
		;;
	"#"*) echo "$line" ;;
	*) echo "# $line" ;;
	esac
done
for bin in $expected_bins; do
	end=$(awk -v b="$bin" '$1 == "end" && $2 == b { print $3; exit }' <<<"$events")
	case "$end" in
	0|1) pass "vm/finished-$bin" ;;
	"") context "@H begin $bin" | fail "vm/finished-$bin" ;;
	*) echo "exit status $end" | fail "vm/finished-$bin" ;;
	esac
done

if [ "$(event rmmod)" = 0 ]; then
	pass vm/rmmod
else
	context '@H rmmod' | fail vm/rmmod
fi
case "$(event devnode-gone)" in
0) pass vm/devnode-gone ;;
"") echo "the VM never got to check /dev/arena after rmmod" | fail vm/devnode-gone ;;
*) echo "/dev/arena still exists after rmmod" | fail vm/devnode-gone ;;
esac
if grep -q '^done$' <<<"$events"; then
	pass vm/complete
else
	tail -30 "$work/console.txt" | fail vm/complete
fi

# Kernel reports of trouble, anywhere in the log but in our own lines.
if vm_kernel_trouble "$work/console.txt"; then
	context "^[^@]*($vm_trouble)" | fail vm/kernel-log-clean
else
	pass vm/kernel-log-clean
fi

[ ! -e "$work/failed" ]
