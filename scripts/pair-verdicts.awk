# SPDX-License-Identifier: GPL-2.0
#
# A pair's claims (the "- **seed NNN** `id`" lines of its report.md) as
# what the pair shows, for scripts/ab-seeds: both kernels of a pair have
# the VMA lock, so a claim written for "with the VMA lock" that holds on
# plain and fails on the variant alone is the seed's effect, shown.
#   -v plain=RELEASE -v variant=RELEASE
# One markdown row per claim line: claim, threads, verdict, what it shows.
#
# Then seed 001's cost on each side, from "vmalock-bench compare --ci"
# of the pair's SCENARIO+MODE runs (their result files), given after the
# reports: each file's kernel release ("[N] FILE: kernel RELEASE, ...")
# names its side, and its row "writer wait %" (the figure
# writer_wait_pct: the writer's sleep in its ops, writer_wait_ms, as a %
# of the victims' summed fault time, the report's seed001-cost-*
# measure, for scenarios that have no claim) gives per side the mean
# over the repeats and its 95% t-interval, judged here against that
# claim's 10%: above, the writer waits for the fault; at or below, it
# does not. One row per SCENARIO+MODE and thread count: whether the two
# sides differ (compare's '*': Welch's t-test, p < 0.05, as the control
# table judges a figure). The numbers are compare's; nothing is
# computed here.
function names(s, rel) {
	# a release named as a column: followed by a blank, ':' or ' ['
	return index(s, rel " ") || index(s, rel ":")
}
# Side s's words of a compare --ci row: mean, "[LO,HI]" or "-" (one
# repeat), and after [0] the ratio to [0] with its mark. "mean% [lo, hi]"
# into shown[s], its mean into mu[s], its mark ('*': p < 0.05) into
# mark[s]; "waits" (the interval above 10%), "none" (at most 10%) or "?"
# (straddles, or no interval); nn[s]: 0 not run, 1 no interval, 2 one.
function side(s,    k, w, iv, b) {
	k = col[s] - 1	# compare's [k], -1: not given
	w = k < 0 ? 0 : k == 0 ? 6 : 8 + 3 * (k - 1)
	mark[s] = k > 0 ? substr($(w + 2), length($(w + 2))) : ""
	if (!w || $w == "-") {
		nn[s] = 0
		shown[s] = "not run"
		return "?"
	}
	mu[s] = $w + 0
	iv = $(w + 1)
	if (iv == "-") {
		nn[s] = 1
		shown[s] = sprintf("%.3g%% (1 repeat: no interval)", mu[s])
		return "?"
	}
	nn[s] = 2
	gsub(/[][]/, "", iv)
	split(iv, b, ",")
	shown[s] = sprintf("%.3g%% [%.3g, %.3g]", mu[s], b[1], b[2])
	return b[1] + 0 > 10 ? "waits" : b[2] + 0 <= 10 ? "none" : "?"
}
function against10(w) {
	return w == "waits" ? "above 10%" : w == "none" ? "at most 10%" : "straddles 10%"
}
/^- \*\*seed [^*]*\*\* `/ {
	id = $0
	sub(/^[^`]*`/, "", id)
	sub(/`.*/, "", id)
	thr = "-"
	if (match($0, /, [0-9]+ victim threads?\)/))
		thr = substr($0, RSTART + 2, RLENGTH - 2) + 0
	if (index($0, "**Cannot be judged here**"))
		next
	if (index($0, "**Observed.**")) {
		v = "Observed"
		what = "the same on both: not what the variant changes"
	} else if (index($0, "**Not significant**")) {
		v = "Not significant"
		what = "cannot tell (intervals straddle the threshold)"
	} else if (index($0, "**Not observed**")) {
		v = "Not observed"
		tail = $0
		sub(/.*\*\*Not observed\*\*:/, "", tail)
		p = names(tail, plain)
		q = names(tail, variant)
		if (q && !p)
			what = "**differs**: holds on plain, not on the variant (the change removes it)"
		else if (p && !q)
			what = "**differs**: holds on the variant, not on plain"
		else
			what = "fails on both"
	} else {
		next
	}
	printf "| `%s` | %s | %s | %s |\n", id, thr, v, what
	next
}
# compare's files, [0] first: which column is which side (col: k + 1).
/^\[[0-9]+\] .*: kernel / {
	k = substr($1, 2, length($1) - 2) + 0
	if (!k)
		split("", col)
	rel = $0
	sub(/.*: kernel /, "", rel)
	sub(/, module .*/, "", rel)
	if (rel == plain)
		col["p"] = k + 1
	else if (rel == variant)
		col["v"] = k + 1
	next
}
# A SCENARIO+MODE row of the figure, in either side's column.
$1 ~ /\+/ && $2 ~ /^[0-9]+$/ && $3 == "writer" && $4 == "wait" && $5 == "%" {
	a = side("p")
	b = side("v")
	if (nn["p"] < 2 || nn["v"] < 2)
		what = "cannot tell (a side has under 2 repeats)"
	else if (col["p"] > 1 && col["v"] > 1)
		what = "cannot tell (neither side is compare's [0]: no test between them)"
	else if (mark["p"] mark["v"] == "*")
		what = sprintf("**differs** (Welch's t-test, p < 0.05): the writer sleeps %s on the variant; plain %s, the variant %s",
			mu["v"] > mu["p"] ? "more" : "less", against10(a), against10(b))
	else if (a == b && a != "?")
		what = "the same on both (" (a == "waits" ? "the writer waits for the fault" : "no wait for the fault") "): not what the variant changes"
	else
		what = sprintf("no difference found (Welch's t-test, p >= 0.05); plain %s, the variant %s",
			against10(a), against10(b))
	printf "| `%s` writer_wait share | %s | plain: %s, variant: %s | %s |\n",
		$1, $2, shown["p"], shown["v"], what
}
