#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What `make check` runs: the host unit tests, a short run of each fuzzer,
# the VM harness self-test, the VM suite on each kernel and the packaging
# tests, as one TAP stream numbered across all of them, ending with
# "N passed, N failed".
#
#   tests/check.sh [TAG...]	(default: 6.1-amd64 6.12-amd64 6.1-arm64 6.12-arm64
#				6.12-amd64-debug, the last the debug kernel)

set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${ARENA_BUILD:-$top/build}
results=$build/check
tags=("$@")
[ ${#tags[@]} -gt 0 ] || tags=(6.1-amd64 6.12-amd64 6.1-arm64 6.12-arm64 6.12-amd64-debug)

rm -rf "$results"
mkdir -p "$results"

n=0
passed=0
failed=0
failures=$results/failures

# The failed tests again, each after the diagnostics that preceded it, just
# before the summary: a CI log often keeps only its tail.
report_failures() {
	[ -s "$failures" ] || return 0
	echo "# the tests that failed, again:"
	sed 's/^/# /' "$failures"
}

# emit <where> <file>: number the stage's TAP lines, adding <where>/ to the
# test names that do not carry it yet.  The last 20 "#" lines before a
# failure, which say what went wrong, are kept for report_failures.
emit() {
	local where=$1 line name
	local -a diag=()
	while IFS= read -r line; do
		case "$line" in
		"ok - "* | "not ok - "*)
			name=${line#*ok - }
			[ -z "$where" ] || name=$where/$name
			n=$((n + 1))
			if [ "${line%%ok - *}" = "" ]; then
				passed=$((passed + 1))
				echo "ok $n - $name"
			else
				failed=$((failed + 1))
				echo "not ok $n - $name"
				{
					[ ${#diag[@]} = 0 ] || printf '  %s\n' "${diag[@]}"
					echo "not ok $n - $name"
				} >>"$failures"
			fi
			diag=()
			;;
		"#"*)
			diag+=("$line")
			[ ${#diag[@]} -le 20 ] || diag=("${diag[@]:1}")
			echo "$line"
			;;
		*) echo "$line" ;;
		esac
	done <"$2"
}

# stage <name> <where> <command...>: run a stage into its own file; a stage
# that fails without saying which test failed is a failed test itself.
stage() {
	local name=$1 where=$2 out=$results/$1.tap rc
	shift 2
	echo "# $name: $*"
	"$@" >"$out" 2>"$results/$name.err"
	rc=$?
	if [ "$rc" != 0 ] && ! grep -q '^not ok - ' "$out"; then
		{
			sed 's/^/# /' "$results/$name.err" | tail -40
			echo "not ok - ${where:+$where/}$name/exit-status-$rc"
		} >>"$out"
	fi
	emit "$where" "$out"
}

stage unit host make -s -C "$top/tests/unit" O="$build/host" run
stage fuzz "" make -s -C "$top/tests/fuzz" O="$build/host" check

for tag in "${tags[@]}"; do
	# The harness must fail when it should before its passes mean anything;
	# one amd64 kernel is enough to show it.
	if [ "$tag" = 6.1-amd64 ]; then
		stage vm-selftest "" "$top/tests/vm/selftest.sh" "$tag"
	fi
	# KASAN, lockdep and the rest slow the debug kernel down several times.
	timeout=600
	[[ $tag != *-debug ]] || timeout=2400
	stage "vm-$tag" "" "$top/tests/vm/run-vm.sh" --timeout "$timeout" "$tag"
done

# The packaging tests boot the host architecture's 6.1 kernel with the
# module DKMS built: they run when that kernel is among the tags.
if [[ " ${tags[*]} " == *" 6.1-$(dpkg --print-architecture) "* ]]; then
	stage pkg "" "$top/tests/pkg/run.sh"
fi

report_failures
echo "1..$n"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ] && [ "$n" -gt 0 ]
