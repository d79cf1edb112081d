#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: boots one of Debian's kernels in QEMU with our module and
# the benchmarks (bench/arena, bench/ringbuf, bench/progs) as the only
# tests, and keeps what they measured:
#
#   [BENCHES="arena ringbuf progs"] bench/run.sh [--rounds N] [TAG]
#					(TAG: 6.12-amd64 by default)
#
# Writes bench/results/<date>-<kernel release>-<arch>-<benchmark>.json for
# each and prints a Markdown table with the ratio ours/kernel per
# scenario.  Fails if the VM did not finish, the module did not load, a
# benchmark could not take a measurement, or the kernel log shows trouble;
# never because of a number.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/tests/vm/lib.sh"

rounds=7
if [ "${1:-}" = --rounds ]; then
	rounds=$2
	shift 2
fi
[ $# -le 1 ] || { echo "usage: $0 [--rounds N] [TAG]" >&2; exit 2; }
vm_setup "${1:-6.12-amd64}"

work=$build/bench/$tag
rm -rf "$work"
mkdir -p "$work"

die() {
	echo "bench: $*" >&2
	exit 1
}

release=$(cat "$kdir/release")
# What is measured: the commit, and changes to the module's sources not in it.
source=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo unknown)
source_changed=$(git -C "$top" status --porcelain -- Kbuild module include 2>/dev/null |
	tr '\n' ' ' | sed 's/ *$//')
benches=${BENCHES:-arena ringbuf progs}
echo "bench: building arena_kmod and the benchmarks ($benches) for $release ($arch)" >&2
vm_build_module "$work/kmod" || die "module build failed or warned: $work/kmod.log"
vm_build_userspace
make -s -C "$top/bench" O="$ubuild" CC="$cc" >&2

# The benchmarks are the VM's only tests; init.sh runs each without arguments.
mkdir -p "$work/initramfs"
scripts=()
for b in $benches; do
	[ -x "$ubuild/bench/$b" ] || die "no benchmark $b"
	printf '#!/bin/sh\nexec /bench-%s -r %d\n' "$b" "$rounds" >"$work/$b"
	chmod +x "$work/$b"
	cp "$ubuild/bench/$b" "$work/initramfs/bench-$b"
	scripts+=("$work/$b")
done
# bench/progs loads these BPF objects (PROGS_DIR in bench/progs.c).
mkdir -p "$work/initramfs/bench-bpf"
cp "$ubuild"/bench/bpf/*.bpf.o "$work/initramfs/bench-bpf/"
test_timeout=900 vm_initramfs "$work/initramfs" "$work/initramfs.cpio" \
	"$work/kmod/arena_kmod.ko" "${scripts[@]}"

echo "bench: booting it in QEMU ($rounds rounds, several minutes)" >&2
rc=0
vm_boot "$work/initramfs.cpio" "$work/console.log" $((300 + 900 * ${#scripts[@]})) \
	>"$work/qemu.log" 2>&1 || rc=$?
vm_console_text "$work/console.log" >"$work/console.txt"
log=$work/console.txt

[ "$rc" != 124 ] || die "the VM timed out: $log"
grep -q '@H insmod 0$' "$log" || die "the module did not load: $log"
for b in $benches; do
	grep -q "@H end $b 0\$" "$log" || die "benchmark $b did not finish cleanly: $log"
done
grep -q '@H done$' "$log" || die "the VM did not finish: $log"
if grep -v -E '@[HT] ' "$log" | grep -E "$vm_trouble" >&2; then
	die "the kernel log shows trouble: $log"
fi

json_str() {	# a JSON string of $1
	printf '"%s"' "$(sed 's/[\\"]/\\&/g' <<<"$1")"
}

date=$(date +%F)
mkdir -p "$top/bench/results"

# report <benchmark>: its JSON file and its table, from its lines of the log.
report() {
	local b=$1 out
	# The "@T" lines between this benchmark's begin and end.
	awk -v b="$b" '/@H begin /{ cur = ($NF == b) } /@H end /{ cur = 0 }
		cur && /@T /{ sub(/^.*@T /, ""); print }' "$log" >"$work/$b.txt"
	grep '^# ' "$work/$b.txt" >&2 || true
	grep '^BENCH ' "$work/$b.txt" | sed 's/^BENCH //' >"$work/$b.jsonl"
	[ -s "$work/$b.jsonl" ] || die "no BENCH lines of $b in $log"
	out=$top/bench/results/$date-$release-$arch-$b.json
	{
		echo "{"
		echo "  \"date\": $(json_str "$date"),"
		echo "  \"kernel_release\": $(json_str "$release"),"
		echo "  \"arch\": $(json_str "$arch"),"
		echo "  \"qemu\": $(json_str "$("${qemu[0]}" --version | head -1)"),"
		echo "  \"qemu_command\": $(json_str "${qemu[*]} -smp 2 -m 1G"),"
		echo "  \"host_cpu\": $(json_str "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"),"
		echo "  \"rounds\": $rounds,"
		echo "  \"source\": $(json_str "$source"),"
		echo "  \"source_changed\": $(json_str "$source_changed"),"
		echo "  \"notes\": ["
		sed -n 's/^# //p' "$work/$b.txt" | grep -v ' median ' | while IFS= read -r line; do
			echo "    $(json_str "$line"),"
		done | sed '$ s/,$//'
		echo "  ],"
		echo "  \"results\": ["
		sed 's/^/    /; $! s/$/,/' "$work/$b.jsonl"
		echo "  ]"
		echo "}"
	} >"$out"
	echo "bench: results in ${out#"$top"/}" >&2

	# The table: one row per scenario, ours and the kernel's side by side
	# (or our JIT and our interpreter).
	awk -f "$top/bench/json.awk" -f "$top/bench/table.awk" "$work/$b.jsonl"
}

for b in $benches; do
	report "$b"
done
