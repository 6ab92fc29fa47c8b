# SPDX-License-Identifier: GPL-2.0
#
# A pair's claims (the "- **seed NNN** `id`" lines of its report.md) as
# what the pair shows, for scripts/ab-seeds: both kernels of a pair have
# the VMA lock, so a claim written for "with the VMA lock" that holds on
# plain and fails on the variant alone is the seed's effect, shown.
#   -v plain=RELEASE -v variant=RELEASE
# One markdown row per claim line: claim, threads, verdict, what it shows.
function names(s, rel) {
	# a release named as a column: followed by a blank, ':' or ' ['
	return index(s, rel " ") || index(s, rel ":")
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
}
