#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepares the kernels the tests boot: Debian 12's 6.1 and 6.12, amd64 and
# arm64, each unpacked (never installed) into
#
#   <cache>/kernels/<tag>/   (<cache>: scripts/cache-dir.sh, ~/.cache/arena-kmod)
#	vmlinuz		the kernel QEMU boots
#	config		its configuration
#	release		its uname -r
#	busybox		busybox-static of the same architecture, for the initramfs
#	build/		kernel headers ready for "make -C build M=..."
#	.complete	written last: a tag without it is fetched again
#
#   scripts/fetch-kernels.sh [TAG...]	(default: all four tags)
#   scripts/fetch-kernels.sh --release TAG	print the release TAG means: the
#					cached one, else the archive's
#
# Which kernel a tag means is resolved from the archive at fetch time: 6.1 is
# what linux-image-<arch> depends on, 6.12 the newest 6.12 whose image and
# headers are both there.  Point releases replace both, so versions are
# never written down here.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/scripts/cache-dir.sh"
cache=$cache/kernels
host_arch=$(dpkg --print-architecture)

die() {
	echo "fetch-kernels: $*" >&2
	exit 1
}

# Prints the package names a package depends on that match a pattern,
# without architecture qualifiers or the <> of virtual names.
depends_matching() {
	apt-cache depends "$1" | awk -v re="$2" '
		$1 == "Depends:" { name = $2; gsub(/[<>]/, "", name);
				   sub(/:.*/, "", name);
				   if (name ~ re) print name }'
}

has_package() {
	apt-cache show "$1" >/dev/null 2>&1
}

# resolve_release <series> <arch>: the kernel release (uname -r) to use.
resolve_release() {
	local series=$1 arch=$2 image rel

	case "$series" in
	6.1)
		image=$(depends_matching "linux-image-$arch:$arch" '^linux-image-6\.1\.') ||
			true
		[ -n "$image" ] || die "linux-image-$arch:$arch is not in the package lists" \
			"(run 'make deps')"
		echo "${image#linux-image-}"
		;;
	6.12)
		apt-cache pkgnames linux-headers-6.12. |
			sed -n "s/^linux-headers-\(6\.12\.[0-9][0-9]*+deb12-$arch\)\$/\1/p" |
			sort -V -r |
			while read -r rel; do
				if has_package "linux-headers-$rel:$arch" &&
					has_package "linux-image-$rel-unsigned:$arch"; then
					echo "$rel"
					break
				fi
			done
		;;
	esac
}

# fetch <tag>: downloads and unpacks one kernel into a temporary folder
# that becomes the cache entry only when it is complete.
fetch() {
	local tag=$1 series=${1%-*} arch=${1#*-} rel image headers common kbuild
	local dir=$cache/$tag tmp

	case "$tag" in
	6.1-amd64 | 6.12-amd64 | 6.1-arm64 | 6.12-arm64) ;;
	*) die "unknown kernel tag '$tag' (6.1-amd64, 6.12-amd64, 6.1-arm64, 6.12-arm64)" ;;
	esac
	[ ! -e "$dir/.complete" ] || return 0

	rel=$(resolve_release "$series" "$arch")
	[ -n "$rel" ] || die "no $series kernel for $arch in the archive"
	image=linux-image-$rel
	has_package "$image-unsigned:$arch" && image=$image-unsigned
	headers=linux-headers-$rel
	common=$(depends_matching "$headers:$arch" '^linux-headers-.*-common$')
	kbuild=$(depends_matching "$headers:$arch" '^linux-kbuild-')
	[ -n "$common" ] && [ -n "$kbuild" ] ||
		die "cannot tell what $headers:$arch depends on"

	echo "fetch-kernels: $tag is $rel" >&2
	mkdir -p "$cache"
	tmp=$(mktemp -d "$cache/.$tag.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" EXIT
	mkdir "$tmp/debs"
	# The kbuild tools (fixdep, modpost, ...) run on this machine, so they
	# come in the host's architecture even for an arm64 kernel.
	(cd "$tmp/debs" && apt-get download -q=2 "$image:$arch" "$headers:$arch" \
		"$common" "$kbuild:$host_arch" "busybox-static:$arch" 2>&1 |
		grep -v 'unsandboxed as root' >&2) || true
	for deb in "$tmp"/debs/*.deb; do
		[ -e "$deb" ] || die "apt-get download fetched nothing for $tag"
		dpkg -x "$deb" "$tmp/root"
	done
	rm -rf "$tmp/debs" "$tmp/root/lib/modules" "$tmp/root/usr/share"

	[ -f "$tmp/root/boot/vmlinuz-$rel" ] || die "$image has no /boot/vmlinuz-$rel"
	[ -d "$tmp/root/usr/src/linux-headers-$rel" ] || die "$headers has no headers"
	mv "$tmp/root/boot/vmlinuz-$rel" "$tmp/vmlinuz"
	mv "$tmp/root/boot/config-$rel" "$tmp/config"
	mv "$tmp/root/bin/busybox" "$tmp/busybox"
	echo "$rel" >"$tmp/release"
	ln -s "root/usr/src/linux-headers-$rel" "$tmp/build"
	# The headers' Makefile includes the common half by absolute path; the
	# kbuild links inside the tree are relative and already land in root/.
	sed -i "s|^include /usr/src/|include $dir/root/usr/src/|" \
		"$tmp/root/usr/src/linux-headers-$rel/Makefile"
	[ -x "$tmp/root/usr/src/linux-headers-$rel/scripts/basic/fixdep" ] ||
		die "the kbuild tools of $kbuild did not land in the headers tree"

	touch "$tmp/.complete"
	rm -rf "$dir"
	mv "$tmp" "$dir"
	trap - EXIT
}

if [ "${1:-}" = --release ] && [ $# = 2 ]; then
	if [ -e "$cache/$2/.complete" ]; then
		cat "$cache/$2/release"
	else
		resolve_release "${2%-*}" "${2#*-}"
	fi
	exit
fi

[ $# -gt 0 ] || set -- 6.1-amd64 6.12-amd64 6.1-arm64 6.12-arm64
for tag in "$@"; do
	fetch "$tag"
done
