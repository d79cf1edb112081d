#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The packaging tests: TAP lines "ok - pkg/<name>" on stdout.
#
#   tests/pkg/run.sh
#
# Builds the Debian packages and checks them with lintian; installs
# arena-kmod-dkms on this machine so that DKMS builds the module for every
# installed linux-headers-* (scripts/deps.sh installs those of the test
# kernels); boots the host architecture's 6.1 test kernel with the module
# DKMS built, running the VM tests; purges the package; then installs the
# library packages and builds a program against them; builds the RPMs from
# the `make dist` tarball.  Needs root (or sudo without a password) for
# apt-get.  The module is never loaded here: the check below refuses a DKMS
# configured to modprobe after installing, and the last test asserts that
# the running kernel has no arena_kmod.

set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
build=${ARENA_BUILD:-$top/build}
. "$top/scripts/cache-dir.sh"
work=$build/pkg
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
host_arch=$(dpkg --print-architecture)
vm_tag=6.1-$host_arch

# One run at a time on a machine (other worktrees' included): the package
# is installed system-wide.
exec 9>/tmp/arena-kmod-pkg-tests.lock
flock 9

rm -rf "$work"
mkdir -p "$work"

pass() {	# pass <name>
	echo "ok - pkg/$1"
}

fail() {	# fail <name>, with what went wrong on stdin (a pipe's end: a file
	# remembers the failure, not a variable)
	sed 's/^/# /'
	echo "not ok - pkg/$1"
	: >"$work/failed"
}

check() {	# check <name> <command...>: its output becomes the failure's comment
	local name=$1 out=$work/$1.log
	shift
	if "$@" >"$out" 2>&1; then
		pass "$name"
	else
		tail -40 "$out" | fail "$name"
		return 1
	fi
}

as_root() {
	if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi
}

apt_get() {
	as_root env DEBIAN_FRONTEND=noninteractive apt-get -y -q \
		-o DPkg::Lock::Timeout=300 "$@"
}

# The releases with kernel headers that DKMS can build against.
installed_headers() {
	local d
	for d in /lib/modules/*/build; do
		[ -e "$d/Makefile" ] || continue
		d=${d%/build}
		echo "${d##*/}"
	done
}

deb() {	# deb <package>: the path of the package's .deb
	ls "$work"/deb/"$1"_"$version"_*.deb
}

# --- version ----------------------------------------------------------------

versions_agree() {
	local changelog spec
	changelog=$(cd "$top" && dpkg-parsechangelog -S Version)
	spec=$(rpmspec -q --qf '%{version}\n' --srpm \
		<(sed "s/@VERSION@/$version/" "$top/rpm/arena-kmod.spec.in"))
	echo "dkms.conf $version, debian/changelog $changelog, spec $spec"
	[ -n "$version" ] && [ "$changelog" = "$version" ] && [ "$spec" = "$version" ]
}

# --- Debian packages --------------------------------------------------------

deb_contents() {	# deb_contents <package> <path...>: the .deb holds each path
	local pkg=$1 list p
	shift
	list=$(dpkg-deb -c "$(deb "$pkg")" | awk '{ print $6 }' | sed 's|^\./|/|; s|/$||')
	for p in "$@"; do
		grep -qxF "$p" <<<"$list" || { echo "$pkg lacks $p"; return 1; }
	done
}

debs_hold_their_files() {
	local src=/usr/src/arena-kmod-$version ma
	ma=$(dpkg-architecture -q DEB_HOST_MULTIARCH)
	deb_contents arena-kmod-dkms "$src/dkms.conf" "$src/Kbuild" "$src/Makefile" \
		"$src/module/main.c" "$src/module/compat.h" "$src/include/uapi/arena_kmod.h" \
		/lib/udev/rules.d/60-arena-kmod.rules /etc/modules-load.d/arena-kmod.conf &&
	deb_contents libarena0 "/usr/lib/$ma/libarena.so.0" &&
	deb_contents libarena-dev /usr/include/libarena.h /usr/include/arena_kmod.h \
		"/usr/lib/$ma/libarena.so" "/usr/lib/$ma/libarena.a" \
		"/usr/lib/$ma/pkgconfig/libarena.pc" &&
	deb_contents arena-tools /usr/bin/arenactl /usr/share/man/man8/arenactl.8.gz
}

lintian_no_errors() {
	lintian --fail-on error "$work"/deb/*.changes >"$work/lintian.txt" 2>&1
	local rc=$?
	cat "$work/lintian.txt"
	return $rc
}

# Loading stays the administrator's choice, and this machine must never
# load the module: neither our postinst nor a DKMS configured with
# modprobe_on_install may do it.
nothing_loads_the_module() {
	local conf
	dpkg-deb -e "$(deb arena-kmod-dkms)" "$work/control" || return 1
	if grep -n -E 'modprobe|insmod' "$work"/control/postinst; then
		echo "the postinst loads a module"
		return 1
	fi
	if grep -n -E '^[^#]*arena_kmod' "$top/udev/arena-kmod.conf"; then
		echo "modules-load.d snippet loads the module at boot by default"
		return 1
	fi
	for conf in /etc/dkms/framework.conf /etc/dkms/framework.conf.d/*.conf; do
		[ -e "$conf" ] || continue
		if grep -n -E '^[[:space:]]*modprobe_on_install=' "$conf"; then
			echo "$conf makes DKMS load what it installs: not on this machine"
			return 1
		fi
	done
}

# --- DKMS on this machine ---------------------------------------------------

purge_dkms_package() {
	if dpkg-query -W -f='${Status}' arena-kmod-dkms 2>/dev/null | grep -q installed; then
		apt_get purge arena-kmod-dkms
	fi
}

# autoinstall_all_kernels (dkms's framework.conf setting, here from the
# environment): build for every kernel with headers, not only the running
# one (which has none here) and the newest.
install_dkms_package() {
	as_root env autoinstall_all_kernels=yes DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -q -o DPkg::Lock::Timeout=300 "$(deb arena-kmod-dkms)"
}

# dkms.conf's BUILD_EXCLUSIVE_*: DKMS declines (status 77, with its
# message) a kernel of another architecture or without CONFIG_64BIT.  In a
# DKMS tree of its own, from the package's sources, so that the machine's
# DKMS state is not touched.
dkms_skips_unservable_kernels() {
	local rel=${releases[0]:-} tree=$work/dkms-tree rc
	local dkms=(dkms --sourcetree "$tree/root/usr/src" --dkmstree "$tree/dkms")
	[ -n "$rel" ] || { echo "no kernel headers"; return 1; }
	mkdir -p "$tree/dkms" "$tree/no-64bit"
	dpkg-deb -x "$(deb arena-kmod-dkms)" "$tree/root" &&
		as_root "${dkms[@]}" add "arena-kmod/$version" || return 1
	as_root "${dkms[@]}" build "arena-kmod/$version" -k "$rel" -a armv7l
	rc=$?
	[ "$rc" = 77 ] || { echo "armv7l: dkms build exited $rc, not 77"; return 1; }
	grep -v '^CONFIG_64BIT=' "/lib/modules/$rel/build/.config" >"$tree/no-64bit/.config"
	as_root "${dkms[@]}" build "arena-kmod/$version" -k "$rel" \
		--kernelsourcedir "$tree/no-64bit"
	rc=$?
	[ "$rc" = 77 ] || { echo "no CONFIG_64BIT: dkms build exited $rc, not 77"; return 1; }
}

# At least 6.1 and 6.12, and the kernel the VM test boots among them.
headers_present() {
	local vm_rel
	vm_rel=$(cat "$cache/kernels/$vm_tag/release") || return 1
	echo "headers installed for: ${releases[*]:-none}; $vm_tag is $vm_rel"
	echo "(scripts/deps.sh installs those of the test kernels)"
	[ ${#releases[@]} -ge 2 ] && printf '%s\n' "${releases[@]}" | grep -qxF "$vm_rel"
}

# The module where DKMS installs it, compressed as the kernel's own are.
dkms_module() {	# dkms_module <release>
	local ko
	for ko in /lib/modules/"$1"/updates/dkms/arena_kmod.ko*; do
		[ ! -e "$ko" ] || { echo "$ko"; return; }
	done
}

dkms_built_for() {	# dkms_built_for <release>
	local rel=$1 ko vermagic status
	status=$(dkms status "arena-kmod/$version" -k "$rel")
	echo "dkms status: $status"
	[[ $status == *": installed"* ]] || return 1
	ko=$(dkms_module "$rel")
	[ -n "$ko" ] || { echo "no module in /lib/modules/$rel/updates/dkms"; return 1; }
	vermagic=$(modinfo -F vermagic "$ko") || return 1
	echo "vermagic: $vermagic"
	[ "${vermagic%% *}" = "$rel" ]
}

dkms_module_boots() {	# the VM tests, with DKMS's module for the cached kernel
	local rel ko
	rel=$(cat "$cache/kernels/$vm_tag/release")
	ko=$(dkms_module "$rel")
	: >"$work/vm.tap"
	case "$ko" in
	*.ko) cp "$ko" "$work/arena_kmod.ko" ;;
	*.ko.xz) xz -dc "$ko" >"$work/arena_kmod.ko" ;;
	*.ko.zst) zstd -q -dc "$ko" >"$work/arena_kmod.ko" ;;
	*)
		echo "DKMS built nothing for $vm_tag's kernel '$rel'" >"$work/vm.err"
		return 1
		;;
	esac
	ARENA_KO=$work/arena_kmod.ko ARENA_BUILD=$build/pkg-vm \
		"$top/tests/vm/run-vm.sh" "$vm_tag" >"$work/vm.tap" 2>"$work/vm.err"
}

purge_leaves_nothing() {
	local left
	apt_get purge arena-kmod-dkms || return 1
	left=$(ls -d /usr/src/arena-kmod-* /var/lib/dkms/arena-kmod \
		/lib/modules/*/updates/dkms/arena_kmod.ko* /lib/udev/rules.d/60-arena-kmod.rules \
		/etc/modules-load.d/arena-kmod.conf 2>/dev/null)
	[ -z "$left" ] || { echo "left behind: $left"; return 1; }
	left=$(dkms status arena-kmod)
	[ -z "$left" ] || { echo "dkms status: $left"; return 1; }
}

not_loaded_here() {
	! grep -w arena_kmod /proc/modules
}

# --- the library packages ---------------------------------------------------

libarena_dev_builds_a_program() {
	local rc=0
	apt_get install "$(deb libarena0)" "$(deb libarena-dev)" "$(deb arena-tools)" ||
		return 1
	cat >"$work/use.c" <<-'EOF'
	#include <stdio.h>
	#include <arena_kmod.h>
	#include <libarena.h>
	int main(void)
	{
		puts(libarena_version_string());
		return 0;
	}
	EOF
	# grep reads all its input: with pipefail, grep -q could end the
	# pipeline early and fail it with the writer's SIGPIPE.
	# shellcheck disable=SC2046
	gcc -o "$work/use" "$work/use.c" $(pkg-config --cflags --libs libarena) &&
		[ "$("$work/use")" = "$version" ] &&
		ldd "$work/use" | grep libarena.so.0 >/dev/null &&
		arenactl --help | grep version >/dev/null && man -w arenactl || rc=1
	apt_get purge libarena0 libarena-dev arena-tools || rc=1
	return $rc
}

# --- RPM --------------------------------------------------------------------

rpm_contents() {	# rpm_contents <package> <path...>
	local pkg=$1 rpm list p
	shift
	rpm=$(ls "$work"/rpm/RPMS/*/"$pkg-$version"-*.rpm) || return 1
	list=$(rpm -qpl "$rpm")
	for p in "$@"; do
		grep -qxF "$p" <<<"$list" || { echo "$pkg lacks $p"; return 1; }
	done
}

# The files, and scriptlets that remove the module but never load it.
rpms_hold_their_files() {
	local src=/usr/src/arena-kmod-$version lib scripts
	lib=$(rpm --eval '%{_libdir}')
	rpm_contents arena-kmod-dkms "$src/dkms.conf" "$src/Kbuild" "$src/Makefile" \
		"$src/module/main.c" "$src/include/uapi/arena_kmod.h" \
		/usr/lib/udev/rules.d/60-arena-kmod.rules /etc/modules-load.d/arena-kmod.conf &&
	rpm_contents libarena "$lib/libarena.so.0" &&
	rpm_contents libarena-devel /usr/include/libarena.h /usr/include/arena_kmod.h \
		"$lib/libarena.so" "$lib/pkgconfig/libarena.pc" &&
	rpm_contents arena-tools /usr/bin/arenactl || return 1
	rpm -qpl "$(ls "$work"/rpm/RPMS/*/arena-tools-"$version"-*.rpm)" |
		grep -q '^/usr/share/man/man8/arenactl\.8' || { echo "arena-tools lacks arenactl.8"; return 1; }
	scripts=$(rpm -qp --scripts "$(ls "$work"/rpm/RPMS/noarch/arena-kmod-dkms-*.rpm)")
	grep -q "dkms remove -m arena-kmod -v $version" <<<"$scripts" ||
		{ echo "no dkms remove in the scriptlets"; return 1; }
	! grep -n -E 'modprobe|insmod' <<<"$scripts"
}

# --- run --------------------------------------------------------------------

check versions-agree versions_agree
check deb-build make -C "$top" BUILD="$work" deb
check debs-hold-their-files debs_hold_their_files
check lintian-no-errors lintian_no_errors
grep -E '^[WI]: ' "$work/lintian.txt" | sed 's/^/# lintian: /'

if check nothing-loads-the-module nothing_loads_the_module; then
	mapfile -t releases < <(installed_headers)
	check dkms-headers-present headers_present
	check dkms-skips-unservable-kernels dkms_skips_unservable_kernels
	purge_dkms_package >"$work/purge-before.log" 2>&1
	start=$SECONDS
	check dkms-install install_dkms_package
	echo "# dkms built for ${#releases[@]} kernels in $((SECONDS - start)) s"
	for rel in "${releases[@]}"; do
		check "dkms-built-$rel" dkms_built_for "$rel"
	done
	check group-arena getent group arena
	start=$SECONDS
	dkms_module_boots
	sed -n 's/^\(\(not \)\{0,1\}ok - \)/\1pkg\/dkms-module\//p; /^#/p' "$work/vm.tap"
	! grep -q '^not ok' "$work/vm.tap" || : >"$work/failed"
	grep -q '^ok - .*/vm/complete$' "$work/vm.tap" ||
		cat "$work/vm.err" "$work/vm.tap" | tail -20 | fail dkms-module-vm-complete
	echo "# the VM run took $((SECONDS - start)) s"
	check purge-leaves-nothing purge_leaves_nothing
fi
check libarena-dev-builds-a-program libarena_dev_builds_a_program
check rpm-build make -C "$top" BUILD="$work" rpm
check rpms-hold-their-files rpms_hold_their_files
check not-loaded-here not_loaded_here

[ ! -e "$work/failed" ]
