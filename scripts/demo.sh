#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: build the module for Debian's 6.1 kernel (or the tag given),
# boot that kernel in QEMU, load the module and show it answering.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/vm/lib.sh"

vm_setup "${1:-6.1-amd64}"
work=$build/demo/$tag
rm -rf "$work"
mkdir -p "$work"

echo "demo: building arena_kmod for $(cat "$kdir/release") ($arch)"
if ! vm_build_module "$work/kmod"; then
	cat "$work/kmod.log" >&2
	exit 1
fi
vm_build_userspace
cp "$top/scripts/demo-in-vm.sh" "$work/demo"
vm_initramfs "$work/initramfs" "$work/initramfs.cpio" "$work/kmod/arena_kmod.ko" \
	"$work/demo"

echo "demo: booting it in QEMU (software emulation, a few seconds)"
vm_boot "$work/initramfs.cpio" "$work/console.log" 300 >"$work/qemu.log" 2>&1 || true

vm_console_text "$work/console.log" | sed -n \
	-e 's/^.*@H insmod 0$/# insmod arena_kmod.ko: loaded/p' \
	-e 's/^.*@T //p' \
	-e 's/^.*@H rmmod 0$/# rmmod arena_kmod: unloaded cleanly/p' |
	tee "$work/transcript.txt"
! grep -q '^\[exit status' "$work/transcript.txt" || {
	echo "demo: a command failed in the VM; its console log: $work/console.log" >&2
	exit 1
}
grep -q '^# rmmod arena_kmod: unloaded cleanly$' "$work/transcript.txt" || {
	echo "demo: the VM did not finish cleanly; its console log: $work/console.log" >&2
	exit 1
}
