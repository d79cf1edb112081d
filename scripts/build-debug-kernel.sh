#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Builds the debug kernel the VM suite also runs on: Debian's 6.12 sources
# (linux-source-6.12, with Debian's patches) configured from tinyconfig plus
# scripts/debug-kernel.config (what the VM needs, and KASAN, KFENCE,
# lockdep, DEBUG_ATOMIC_SLEEP, DEBUG_VM, UBSAN ...).  The result is laid out
# like a fetched kernel (scripts/fetch-kernels.sh), so tests/vm/run-vm.sh
# boots it as the tag 6.12-amd64-debug:
#
#   <cache>/kernels/6.12-amd64-debug/   (<cache>: scripts/cache-dir.sh)
#	vmlinuz, config, release, busybox, build/ (the built tree), .complete
#
# Built once per machine: a tag with .complete whose configuration
# fragment has not changed is left alone.
#
#   scripts/build-debug-kernel.sh

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tag=6.12-amd64-debug
. "$top/scripts/cache-dir.sh"
dir=$cache/kernels/$tag
fragment=$top/scripts/debug-kernel.config
tarball=$(ls /usr/src/linux-source-6.12.tar.* 2>/dev/null | head -1) || true

die() {
	echo "build-debug-kernel: $*" >&2
	exit 1
}

[ "$(dpkg --print-architecture)" = amd64 ] || die "builds for amd64 hosts only"
[ -n "$tarball" ] || die "linux-source-6.12 is not installed (make deps)"
# What the build depends on, not where it was started from: every clone on
# the machine shares the result.
stamp=$({ cat "$fragment"; dpkg-query -W -f='${Version}' linux-source-6.12; } |
	sha256sum | cut -d' ' -f1)
if [ -e "$dir/.complete" ] && [ "$(cat "$dir/.complete")" = "$stamp" ]; then
	exit 0
fi

rm -rf "$dir"
mkdir -p "$dir"
echo "build-debug-kernel: unpacking $(basename "$tarball")" >&2
tar -C "$dir" -xf "$tarball"
mv "$dir"/linux-source-6.12 "$dir/build"
src=$dir/build

echo "build-debug-kernel: configuring" >&2
make -s -C "$src" tinyconfig >/dev/null
"$src/scripts/kconfig/merge_config.sh" -m -O "$src" "$src/.config" "$fragment" >/dev/null
make -s -C "$src" olddefconfig >/dev/null
# Every option the fragment sets must have survived: a missing dependency
# would otherwise drop a checker without a word.
missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$fragment" | while IFS= read -r line; do
	case $line in
	*=n) grep -q -x "# ${line%=n} is not set" "$src/.config" ||
		! grep -q "^${line%=n}=" "$src/.config" || echo "$line" ;;
	*) grep -q -x "$line" "$src/.config" || echo "$line" ;;
	esac
done)
[ -z "$missing" ] || die "options the configuration refused: $(echo $missing)"

echo "build-debug-kernel: building (about 20 CPU minutes: 10 on two idle cores)" >&2
nice make -s -C "$src" -j"$(nproc)" bzImage modules >"$dir.log" 2>&1 ||
	{ tail -40 "$dir.log" >&2; die "build failed, log in $dir.log"; }
cp "$src/arch/x86/boot/bzImage" "$dir/vmlinuz"
cp "$src/.config" "$dir/config"
make -s -C "$src" kernelrelease >"$dir/release"
cp /bin/busybox "$dir/busybox"
echo "$stamp" >"$dir/.complete"
echo "build-debug-kernel: $(cat "$dir/release") ready in $dir" >&2
