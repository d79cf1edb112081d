#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Installs the Debian 12 packages that building, testing and the demo need,
# and enables arm64 as a foreign architecture so that the arm64 test kernels
# can be downloaded (they are unpacked, never installed).  The packaging
# tests also need the host architecture's 6.1 and 6.12 test kernels'
# headers installed, for DKMS to build against (the 6.12 headers bring
# their kernel image along; it is never booted here).  Idempotent and
# quiet; on failure it shows apt's output.
#
#   scripts/deps.sh		install what is missing (root)
#   scripts/deps.sh --check-only	exit 1 if anything is missing

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
host_arch=$(dpkg --print-architecture)

packages=(
	# module and user-space builds
	make gcc libc6-dev pkg-config bc flex bison libelf-dev libssl-dev kmod
	# the ELF loader (userspace/loader): BTF parsing and static linking
	libbpf-dev zlib1g-dev
	sparse dwarves
	# make bench-report's plots
	gnuplot-nox
	# the fuzzers (tests/fuzz): clang, its libFuzzer and sanitizer runtimes, llvm-symbolizer
	clang-19 libclang-rt-19-dev llvm-19
	# arm64 cross-builds (module and static test binaries); the static
	# libarena's loader links arm64 libbpf, libelf and zlib (these co-install
	# with the amd64 ones, which they pull to the same versions)
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	libbpf-dev:arm64 libelf-dev:arm64 zlib1g-dev:arm64
	# test VMs
	qemu-system-x86 qemu-system-arm busybox-static cpio xz-utils zstd
	# the arm64 JIT's unit tests (qemu-aarch64, user mode)
	qemu-user
	# the debug kernel's sources (scripts/build-debug-kernel.sh), and the
	# kernel's arena selftest programs the VM's loader tests build
	# unchanged (tests/vm/Makefile)
	linux-source-6.12
	# packaging (tests/pkg)
	dkms dh-dkms debhelper fakeroot lintian rpm adduser
)

# The test kernels' headers; empty names while the package lists are
# missing (they are fetched below, and the names resolved again).
test_kernel_headers() {
	local series rel
	for series in 6.1 6.12; do
		rel=$("$top/scripts/fetch-kernels.sh" --release "$series-$host_arch" 2>/dev/null) ||
			true
		echo "linux-headers-${rel:-unknown-$series}"
	done
}
mapfile -t headers < <(test_kernel_headers)
packages+=("${headers[@]}")

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
arm64_enabled=0
dpkg --print-foreign-architectures | grep -qx arm64 && arm64_enabled=1
# Foreign-architecture package lists exist only after an update.
arm64_listed=0
# (Captured first: grep -q would end the pipe early and pipefail would
# count apt-cache's SIGPIPE as a failure.)
if [ "$arm64_enabled" = 1 ]; then
	policy=$(apt-cache policy linux-image-arm64:arm64 2>/dev/null)
	[[ $policy != *"Candidate: (none)"* && $policy == *"Candidate: "* ]] &&
		arm64_listed=1
fi

if [ "${1:-}" = --check-only ]; then
	[ ${#missing[@]} -eq 0 ] && [ "$arm64_listed" = 1 ]
	exit
fi

if [ ${#missing[@]} -eq 0 ] && [ "$arm64_listed" = 1 ]; then
	exit 0
fi

what=${missing[*]:+ ${missing[*]}}
[ "$arm64_listed" = 1 ] || what="$what arm64-package-lists"
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing$what; run 'make deps' as root" >&2
	exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
run() {
	if ! "$@" >>"$log" 2>&1; then
		echo "deps: '$*' failed:" >&2
		cat "$log" >&2
		exit 1
	fi
}

echo "deps: installing$what"
[ "$arm64_enabled" = 1 ] || run dpkg --add-architecture arm64
run apt-get update
if [[ " ${missing[*]} " == *" linux-headers-unknown-"* ]]; then
	known=()
	for p in "${missing[@]}"; do
		[[ $p == linux-headers-unknown-* ]] || known+=("$p")
	done
	mapfile -t headers < <(test_kernel_headers)
	missing=("${known[@]}" "${headers[@]}")
fi
# INITRD=No: the kernel image that the 6.12 headers depend on needs no
# initramfs on this machine, and making one takes minutes.
[ ${#missing[@]} -eq 0 ] ||
	run env DEBIAN_FRONTEND=noninteractive INITRD=No apt-get install -y -q \
		--no-install-recommends -o DPkg::Lock::Timeout=300 "${missing[@]}"
