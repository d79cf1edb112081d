# SPDX-License-Identifier: GPL-2.0
#
# The Markdown table of one benchmark's results, one row per scenario, ours
# and the kernel's side by side (or our JIT and our interpreter), with the
# ratio of the medians:
#   awk -f bench/json.awk -f bench/table.awk <results: one JSON object a line>
# Lines without a "scenario" are skipped, so that a results file can be
# given as it is.  bench/run.sh and bench/report.sh print it.

function cell(s, i) {
	return (s, i) in med ? num(med[s, i]) " (" num(lo[s, i]) "-" num(hi[s, i]) ")" : "-"
}
/"scenario":/ {
	s = field($0, "scenario"); i = field($0, "impl")
	i = i == "jit" ? "ours" : i == "interp" ? "kernel" : i
	if (!(s in unit)) { order[n++] = s; unit[s] = field($0, "unit") }
	med[s, i] = field($0, "median"); lo[s, i] = field($0, "min"); hi[s, i] = field($0, "max")
}
END {
	print "| scenario | unit | better | ours (jit): median (min-max) | kernel (interp): median (min-max) | ours/kernel (jit/interp) |"
	print "|---|---|---|---|---|---|"
	for (k = 0; k < n; k++) {
		s = order[k]
		ratio = "-"
		if ((s, "ours") in med && (s, "kernel") in med && med[s, "kernel"] != 0)
			ratio = num(med[s, "ours"] / med[s, "kernel"])
		printf "| %s | %s | %s | %s | %s | %s |\n", s, unit[s],
			unit[s] ~ /\/s$/ ? "higher" : "lower", cell(s, "ours"), cell(s, "kernel"), ratio
	}
}
