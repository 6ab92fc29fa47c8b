# SPDX-License-Identifier: GPL-2.0
#
# "vmalock-bench compare A B" output to one markdown row per scenario and
# thread count: "differs" when a figure's Welch test gave p < 0.05 ('*'),
# "no difference found" when none did, "one side only" when a side has
# no result for it. Used by scripts/ab-seeds for the control pair.
function flush() {
	if (key == "")
		return
	if (only)
		v = "one side only"
	else if (diff != "")
		v = "**differs**"
	else
		v = "no difference found"
	split(key, k, SUBSEP)
	printf "| %s | %s | %s | %s |\n", k[1], k[2], v,
		diff != "" ? diff : (unsure != "" ? "(one repeat, not judged: " unsure ")" : "")
	diff = unsure = ""
	only = 0
}
/^\[[0-9]+\]/ || /^scenario / { next }
NF >= 4 && $2 ~ /^[0-9]+$/ {
	if (($1 SUBSEP $2) != key) {
		flush()
		key = $1 SUBSEP $2
	}
	m = ""
	for (i = 3; i <= NF && $i !~ /±/ && $i != "-"; i++)
		m = m (m == "" ? "" : " ") $i
	a = $i
	b = (i + 1 <= NF) ? $(i + 1) : "-"
	r = (i + 2 <= NF) ? $(i + 2) : ""
	if (a == "-" || b == "-") {
		only = only || (m ~ /^victim p50/)
		next
	}
	if (r ~ /\*$/)
		diff = diff (diff == "" ? "" : ", ") m " " substr(r, 1, length(r) - 1)
	else if (r ~ /\?$/)
		unsure = unsure (unsure == "" ? "" : ", ") m
}
END { flush() }
