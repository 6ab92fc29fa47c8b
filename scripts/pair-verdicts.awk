# SPDX-License-Identifier: GPL-2.0
#
# A pair's claims (the "- **seed NNN** `id`" lines of its report.md) as
# what the pair shows, for scripts/ab-seeds: both kernels of a pair have
# the VMA lock, so a claim written for "with the VMA lock" that holds on
# plain and fails on the variant alone is the seed's effect, shown.
#   -v plain=RELEASE -v variant=RELEASE
# One markdown row per claim line: claim, threads, verdict, what it shows.
#
# Then seed 001's cost on each side, from the result files (vmalock-bench
# run --json, one result a line) of the pair's SCENARIO+MODE runs given
# after the reports: each file's "kernel" release names its side. Per
# repeat, the writer's sleep in its ops (writer_wait_ms) as a % of the
# victims' summed fault time (the report's seed001-cost-* measure, for
# scenarios that have no claim); per side the mean and its 95%
# t-interval, judged against that claim's 10%: above, the writer waits
# for the fault; at or below, it does not. One row per SCENARIO+MODE and
# thread count: whether the two sides differ (Welch's t-test, p < 0.05,
# as compare and the control table judge a figure).
function names(s, rel) {
	# a release named as a column: followed by a blank, ':' or ' ['
	return index(s, rel " ") || index(s, rel ":")
}
# The value of "KEY": in s (a number or a string), or "" if none.
function field(s, key,    v) {
	if (!match(s, "\"" key "\":(\"[^\"]*\"|[-+0-9.eE]+)"))
		return ""
	v = substr(s, RSTART + length(key) + 3, RLENGTH - length(key) - 3)
	gsub(/"/, "", v)
	return v
}
# t(0.975, df), as user/report/stats.c; above 30 the normal's.
function t975(df,    t) {
	split("12.706 4.303 3.182 2.776 2.571 2.447 2.365 2.306 2.262 2.228 2.201 2.179 2.160 2.145 2.131 2.120 2.110 2.101 2.093 2.086 2.080 2.074 2.069 2.064 2.060 2.056 2.052 2.048 2.045 2.042", t, " ")
	return df <= 30 ? t[df] + 0 : 1.96
}
# Side s of key k: "mean% [lo, hi]" into shown[s], its mean, variance of
# the mean and repeats into mu[s], vm[s], nn[s]; "waits" (the interval
# above 10%), "none" (at most 10%) or "?" (straddles, or no interval).
function side(k, s,    n, i, m, ss, h, lo, hi) {
	n = nn[s] = cnt[s, k] + 0
	if (!n) {
		shown[s] = "not run"
		return "?"
	}
	m = 0
	for (i = 1; i <= n; i++)
		m += val[s, k, i]
	m = mu[s] = m / n
	if (n < 2) {
		shown[s] = sprintf("%.3g%% (1 repeat: no interval)", m)
		return "?"
	}
	ss = 0
	for (i = 1; i <= n; i++)
		ss += (val[s, k, i] - m) ^ 2
	vm[s] = ss / (n - 1) / n
	h = t975(n - 1) * sqrt(vm[s])
	lo = m - h
	hi = m + h
	shown[s] = sprintf("%.3g%% [%.3g, %.3g]", m, lo, hi)
	return lo > 10 ? "waits" : hi <= 10 ? "none" : "?"
}
# Welch's t-test of the two sides at p < 0.05: |t| above t(0.975) at
# Welch's degrees of freedom, rounded down (a wider bound, never a
# narrower one than user/report/stats.c's exact p).
function welch(    se, t, df) {
	se = vm["p"] + vm["v"]
	if (se <= 0)
		return mu["p"] != mu["v"]
	t = (mu["v"] - mu["p"]) / sqrt(se)
	df = se ^ 2 / (vm["p"] ^ 2 / (nn["p"] - 1) + vm["v"] ^ 2 / (nn["v"] - 1))
	return (t < 0 ? -t : t) > t975(int(df))
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
# A result file's first line: whose results follow.
/^\{"tool":"vmalock-bench"/ {
	rel = $0
	sub(/.*"kernel":\{"release":"/, "", rel)
	sub(/".*/, "", rel)
	cur = rel == plain ? "p" : rel == variant ? "v" : ""
	next
}
# One result: a SCENARIO+MODE run of either side that timed a fault.
/^\{"scenario":"[^"]*\+/ {
	if (cur == "" || field($0, "status") != "ok")
		next
	ms = field($0, "writer_wait_ms")
	if (ms == "" || !match($0, /"victim":\{[^}]*/))
		next
	sum = field(substr($0, RSTART, RLENGTH), "sum_ns") + 0
	if (sum <= 0)
		next
	k = field($0, "scenario") SUBSEP field($0, "threads")
	if (!(k in seen)) {
		seen[k] = 1
		order[++nk] = k
	}
	val[cur, k, ++cnt[cur, k]] = 100 * ms * 1e6 / sum
}
END {
	for (i = 1; i <= nk; i++) {
		split(order[i], kk, SUBSEP)
		a = side(order[i], "p")
		b = side(order[i], "v")
		if (nn["p"] < 2 || nn["v"] < 2)
			what = "cannot tell (a side has under 2 repeats)"
		else if (welch())
			what = sprintf("**differs** (Welch's t-test, p < 0.05): the writer sleeps %s on the variant; plain %s, the variant %s",
				mu["v"] > mu["p"] ? "more" : "less", against10(a), against10(b))
		else if (a == b && a != "?")
			what = "the same on both (" (a == "waits" ? "the writer waits for the fault" : "no wait for the fault") "): not what the variant changes"
		else
			what = sprintf("no difference found (Welch's t-test, p >= 0.05); plain %s, the variant %s",
				against10(a), against10(b))
		printf "| `%s` writer_wait share | %s | plain: %s, variant: %s | %s |\n",
			kk[1], kk[2], shown["p"], shown["v"], what
	}
}
