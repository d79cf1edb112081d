# SPDX-License-Identifier: GPL-2.0
#
# What bench/table.awk and bench/goals.awk share: reading the flat JSON
# objects of a results file, one a line.

# The value of key in a line of flat JSON, unquoted.
function field(line, key,    m) {
	if (match(line, "\"" key "\": *(\"[^\"]*\"|[^,}]*)")) {
		m = substr(line, RSTART, RLENGTH)
		sub(/^"[^"]*": */, "", m)
		gsub(/"/, "", m)
		return m
	}
	return ""
}

# A number as the tables show it: whole above 1000, else 3 digits.
function num(x) {
	x += 0
	return x >= 1000 || x <= -1000 ? sprintf("%.0f", x) : sprintf("%.3g", x)
}
