# SPDX-License-Identifier: GPL-2.0
#
# The goal figures of issue 9 against the medians of one architecture's
# newest results, as a Markdown table:
#   awk -f bench/json.awk -f bench/goals.awk <results files>
# The benchmarks never fail on these; this only says where we stand.

/"scenario":/ {
	s = field($0, "scenario")
	med[s, field($0, "impl")] = field($0, "median")
	unit[s] = field($0, "unit")
	if (!(s in seen)) { seen[s] = 1; order[n++] = s }
}

# goal <label> <scenario> <ratio> <target> <at least?>: one row.
function row(label, s, ratio, target, atleast) {
	printf "| %s | %s | %s | %s %s | %s |\n", label, s, num(ratio), atleast ? ">=" : "<=",
		target, (atleast ? ratio >= target : ratio <= target) ? "yes" : "no"
}

END {
	print "| goal | scenario | measured | target | met |"
	print "|---|---|---|---|---|"
	for (k = 0; k < n; k++) {
		s = order[k]
		# arena-empty and arena-pages measure parts of the arena
		# scenarios (a run's set-up, the page kfuncs), not programs.
		if (s ~ /-arena-(empty|pages)$/)
			continue
		a = med[s, "ours"]; b = med[s, "kernel"]
		if (s ~ /^jit-vs-interp-/ && med[s, "jit"] > 0)
			row("JIT speed-up over our interpreter (x)", s,
			    med[s, "interp"] / med[s, "jit"], 10, 1)
		if (a == "" || b == "" || b == 0)
			continue
		if (s ~ /^ringbuf-/ && unit[s] == "events/s")
			row("ring buffer events/s, ours/kernel", s, a / b, "1.0", 1)
		else if (s ~ /^prog-arena-/)
			row("arena-heavy program time, ours/kernel", s, a / b, 1.1, 0)
		else if (s ~ /^prog-/)
			row("compute (no arena) program time, ours/kernel", s, a / b, 1.05, 0)
		else if (s ~ /^load-/)
			row("load time (verify + JIT), ours/kernel", s, a / b, 0.5, 0)
	}
}
