# SPDX-License-Identifier: GPL-2.0
#
# Shared by the VM harness (tests/vm/run-vm.sh), its self-test and the demo:
# which tools a kernel tag needs, building the module and the initramfs, and
# booting QEMU.  Source it with $top set to the repository.

. "$top/scripts/cache-dir.sh"
build=${ARENA_BUILD:-$top/build}
# ../shared beside the checkout (a worktree sits one level deeper).
shared=${ARENA_SHARED:-$top/../shared}
[ -d "$shared" ] || [ ! -d "$top/../../shared" ] || shared=$top/../../shared

# Kernel reports of trouble in a serial log (arm64 says "Call trace:", x86
# "Call Trace:"); our own "@H"/"@T" lines are not the kernel's.  Lockdep,
# KASAN, KFENCE and soft lockups report as "BUG:" or "WARNING:" too; the
# lockdep phrases also catch a report cut short.  Not the word "lockdep"
# alone: the debug kernel says "RCU lockdep checking is enabled" at boot.
vm_trouble='Oops: [0-9]|BUG:|WARNING:|Call [Tt]race|Kernel panic|possible (circular|recursive) locking|inconsistent lock state|KASAN|UBSAN|blocked for more than|hung task|detected stalls|invoked oom-killer'

# vm_setup <tag>: sets kdir, kbuild_arch, cc, qemu, console and arch for one
# of 6.1-amd64, 6.12-amd64, 6.1-arm64, 6.12-arm64, fetching the kernel if it
# is not cached yet, or 6.12-amd64-debug, building it.
vm_setup() {
	tag=$1
	case "$tag" in
	6.1-amd64 | 6.12-amd64 | 6.12-amd64-debug)
		kbuild_arch=(ARCH=x86_64)
		cc=gcc
		qemu=(qemu-system-x86_64 -machine q35 -cpu max)
		console=ttyS0
		;;
	6.1-arm64 | 6.12-arm64)
		kbuild_arch=(ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-)
		cc=aarch64-linux-gnu-gcc
		# 6.1 runs on a Cortex-A57 (ARMv8.0: no LSE atomics, no pointer
		# authentication, no BTI), so that the JIT's load-exclusive
		# loops and plain entries run in the suite as well; 6.12 on
		# QEMU's max CPU, which has all three.  pauth-impdef: QEMU's own
		# pointer-authentication hash, much cheaper under TCG than the
		# architected QARMA, as valid here.
		local cpu=max,pauth-impdef=on
		[ "$tag" != 6.1-arm64 ] || cpu=cortex-a57
		qemu=(qemu-system-aarch64 -M virt -cpu "$cpu")
		console=ttyAMA0
		;;
	*)
		echo "unknown kernel tag '$tag'" >&2
		return 2
		;;
	esac
	arch=${tag#*-}
	arch=${arch%-debug}
	kdir=$cache/kernels/$tag
	if [ "$tag" = 6.12-amd64-debug ]; then
		"$top/scripts/build-debug-kernel.sh"
	else
		[ -e "$kdir/.complete" ] || "$top/scripts/fetch-kernels.sh" "$tag" >&2
	fi
}

# vm_build_module <dir>: builds arena_kmod.ko in <dir> the way DKMS does,
# from a copy of the sources, with W=1 and sparse and the module's
# self-tests; the log is <dir>.log.  Fails on any warning.
vm_build_module() {
	local dir=$1
	rm -rf "$dir"
	mkdir -p "$dir"
	cp -r "$top/Kbuild" "$top/dkms.conf" "$top/module" "$top/include" "$dir/"
	make -C "$kdir/build" M="$dir" "${kbuild_arch[@]}" W=1 C=1 ARENA_KMOD_SELFTEST=1 modules \
		>"$dir.log" 2>&1 && ! grep -q -E 'warning:|error:' "$dir.log"
}

# vm_build_userspace: the static library, CLI, examples and VM test
# binaries for the tag's architecture, into $ubuild.
vm_build_userspace() {
	ubuild=$build/$arch-static
	make -s -C "$top/userspace" O="$ubuild" CC="$cc" STATIC=1 >&2 &&
		make -s -C "$top/examples" O="$ubuild" CC="$cc" STATIC=1 >&2 &&
		make -s -C "$top/tests/vm" O="$ubuild" CC="$cc" >&2
}

# vm_initramfs <root> <cpio> <module> <test binaries...>: busybox, our
# /init, the module (as /arena_kmod.ko, the name /init loads), every program
# of $ubuild/bin (arenactl, the examples) and the tests.  Extra modules to
# load after ours may be dropped into <root>/extra-ko before the call.
vm_initramfs() {
	local root=$1 cpio=$2 ko=$3
	shift 3
	mkdir -p "$root"/{bin,dev,proc,sys,tests,extra-ko}
	cp "$kdir/busybox" "$ubuild"/bin/* "$root/bin/"
	install -m 755 "$top/tests/vm/init.sh" "$root/init"
	cp "$ko" "$root/arena_kmod.ko"
	# The conformance suite's test files, for tests/vm/conformance.c.
	if [ -d "$shared/reference/bpf_conformance/tests" ]; then
		mkdir -p "$root/data"
		cp -r "$shared/reference/bpf_conformance/tests" "$root/data/conformance"
	fi
	# The loader's BPF objects, for tests/vm/loader.c.
	if [ -d "$ubuild/tests/vm-data" ]; then
		mkdir -p "$root/data"
		cp -r "$ubuild/tests/vm-data/." "$root/data/"
	fi
	[ $# -eq 0 ] || cp "$@" "$root/tests/"
	# STRESS_SCALE multiplies the stress tests' counts, and so their time.
	echo "$((${test_timeout:-300} * ${STRESS_SCALE:-1}))" >"$root/test-timeout"
	echo "${STRESS_SCALE:-1}" >"$root/stress-scale"
	(cd "$root" && find . | cpio -o -H newc -R 0:0 --quiet) >"$cpio"
}

# vm_boot <cpio> <serial log> <timeout>: boots the tag's kernel; returns
# QEMU's status, 124 on timeout.
vm_boot() {
	local kernel=$kdir/vmlinuz
	[ ! -e "$kdir/vmlinux" ] || kernel=$kdir/vmlinux
	timeout "$3" "${qemu[@]}" -smp 2 -m 1G -nographic -no-reboot -nodefaults \
		-kernel "$kernel" -initrd "$1" -serial "file:$2" \
		-append "console=$console panic=-1 oops=panic panic_on_warn=1 softlockup_panic=1 tsc=reliable printk.devkmsg=on rdinit=/init"
}

# vm_console_text <serial log>: the log as plain lines on stdout.  The
# serial console ends lines with CR LF, and a panic or reset can leave a NUL
# or a stray high byte in it; grep would then take the whole log for a binary
# file and match nothing, so a kernel report would go unseen.  Only tab,
# newline and printable ASCII are kept.
vm_console_text() {
	LC_ALL=C tr -c -d '\t\n -~' <"$1"
}

# vm_kernel_trouble <console text>: true if the kernel reported trouble
# anywhere in the log but in our own lines.
vm_kernel_trouble() {
	grep -v -E '@[HT] ' "$1" | grep -q -E "$vm_trouble"
}

# The VM test binaries built by vm_build_userspace.
vm_test_binaries() {
	find "$ubuild/tests/vm" -maxdepth 1 -type f -perm -u+x | sort
}
