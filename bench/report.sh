#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench-report`: from the newest results of each benchmark on each
# architecture in bench/results/, draws one PNG per benchmark with a panel
# per scenario (gnuplot; docs/performance/<arch>-<benchmark>.png) and
# writes, between the markers in docs/performance.md, each one's table and
# a summary of the ratios against the goal figures of issue 9.
#
#   bench/report.sh
#
# Without gnuplot the tables are still written, and the plots left as
# they were.

set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
results=$top/bench/results
md=$top/docs/performance.md
plots=$top/docs/performance
begin='<!-- bench-report: begin -->'
end='<!-- bench-report: end -->'

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

have_gnuplot=1
command -v gnuplot >/dev/null || {
	have_gnuplot=0
	echo "bench-report: no gnuplot (scripts/deps.sh installs it): tables only" >&2
}

# json_awk [awk options] <files>: awk with bench/json.awk's functions.
json_awk() {
	awk -f "$top/bench/json.awk" "$@"
}

meta() {	# meta <key> <file>: a top-level string or number of a results file
	json_awk -v k="$1" -f <(echo '$0 ~ "^  \"" k "\":" { print field($0, k); exit }') "$2"
}

# The newest results file of each benchmark, per architecture: names are
# <date>-<kernel release>-<arch>-<benchmark>.json.
newest() {
	local arch=$1 b
	for b in arena ringbuf progs; do
		ls "$results"/*-"$arch"-"$b".json 2>/dev/null | sort | tail -n 1
	done
}

# plot <results file> <png>: a panel per scenario, each implementation's
# median as a bar and its min-max range as an error bar.
plot() {
	local json=$1 png=$2 data=$work/data n=0 s
	rm -rf "$data"
	mkdir -p "$data"
	json_awk -v dir="$data" -f <(cat <<-'EOF'
		/"scenario":/ {
			s = field($0, "scenario")
			if (!(s in seen)) { seen[s] = 1; print s "\t" field($0, "unit") > (dir "/list") }
			print field($0, "impl"), field($0, "median"), field($0, "min"),
				field($0, "max") > (dir "/" s)
		}
	EOF
	) "$json"
	{
		echo "set terminal png size 1200,$((($(wc -l <"$data/list") + 2) / 3 * 300))"
		echo "set output '$png'"
		echo "set multiplot layout $((($(wc -l <"$data/list") + 2) / 3)),3 title '$(basename "$json" .json)'"
		echo "set style fill solid 0.5 border -1"
		echo "set xrange [-0.6:1.6]"
		while IFS=$'\t' read -r s unit; do
			# Bars from 0, unless a value is below it (memory deltas can be).
			if awk '$3 < 0 { neg = 1 } END { exit !neg }' "$data/$s"; then
				echo "set yrange [*:*]"
			else
				echo "set yrange [0:*]"
			fi
			echo "set title '$s' noenhanced"
			echo "set ylabel '$unit' noenhanced"
			# x, median, min, max, half the box's width: with five
			# columns the bars are the min-max range, not a delta.
			echo "plot '$data/$s' using 0:2:3:4:(0.3):xticlabels(1) with boxerrorbars notitle"
			n=$((n + 1))
		done <"$data/list"
		echo "unset multiplot"
	} >"$work/plot.gp"
	[ "$n" -gt 0 ] && gnuplot "$work/plot.gp"
}

# The generated part of docs/performance.md, on stdout.
section() {
	local arch files f b
	echo "$begin"
	echo
	echo "## Latest results"
	echo
	echo "Written by \`make bench-report\` (\`bench/report.sh\`) from the newest results of each benchmark in"
	echo "\`bench/results/\`; edit the script, not this section. Each ratio compares medians of one boot."
	for arch in amd64 arm64; do
		mapfile -t files < <(newest "$arch")
		[ ${#files[@]} -gt 0 ] || continue
		echo
		echo "### $arch"
		echo
		echo "Against the goal figures of issue 9 (the benchmarks never fail on them):"
		echo
		json_awk -f "$top/bench/goals.awk" "${files[@]}"
		for f in "${files[@]}"; do
			b=${f##*-}
			b=${b%.json}
			echo
			echo "#### $b: $(meta kernel_release "$f"), $(meta date "$f"), commit $(meta source "$f"), $(meta rounds "$f") rounds"
			echo
			echo "Raw results: \`bench/results/$(basename "$f")\`."
			if [ -e "$plots/$arch-$b.png" ]; then
				echo
				echo "![$arch $b](performance/$arch-$b.png)"
			fi
			echo
			json_awk -f "$top/bench/table.awk" "$f"
		done
	done
	echo
	echo "$end"
}

mkdir -p "$plots"
if [ "$have_gnuplot" = 1 ]; then
	for arch in amd64 arm64; do
		while read -r f; do
			b=${f##*-}
			plot "$f" "$plots/$arch-${b%.json}.png"
		done < <(newest "$arch")
	done
fi

section >"$work/section.md"
if grep -qF "$begin" "$md"; then
	# The lines between the markers give way to the new section.
	awk -v b="$begin" -v e="$end" -v f="$work/section.md" '
		$0 == b { while ((getline l < f) > 0) print l; skip = 1; next }
		$0 == e { skip = 0; next }
		!skip' "$md" >"$work/performance.md"
else
	cat "$md" - "$work/section.md" <<<"" >"$work/performance.md"
fi
cp "$work/performance.md" "$md"
echo "bench-report: ${md#"$top"/} written" >&2
