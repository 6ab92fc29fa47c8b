// SPDX-License-Identifier: GPL-2.0
/*
 * The claims of the A/B report, one row each (claims.h). The thresholds
 * are the targets of the A/B issue: measured and reported, never
 * asserted. A claim the kernel does not bear out is a finding.
 */
#include "lib/base.h"
#include "report/claims.h"

/*
 * Seed 001: a fault that sleeps under the VMA lock stalls no one else,
 * under mmap_lock an mmap() writer and every other fault of the process.
 */
#define SEED001_STALL                                                          \
	.seed = "001", .role = VMB_CLAIM, .metric = VMB_M_STALL,               \
	.measure = "writer ops/s and bystander p99, each against its no-injection baseline", \
	.expect = { { VMB_CFG_WITH_LOCK, VMB_AT_MOST, 1.5 },                   \
		    { VMB_CFG_WITHOUT_LOCK, VMB_AT_LEAST, 10 } },              \
	.nexpect = 2

/*
 * Seed 000: where a fault of the scenario finishes. Judged on runs whose
 * faults are (nearly) all the victims': scripts/ab runs these scenarios
 * with --bystanders 0 --no-writer; with bystanders, their own anonymous
 * faults (done under the VMA lock on 6.12) swamp the share.
 */
#define SEED000_DONE(sc)                                                       \
	.seed = "000", .role = VMB_CLAIM, .metric = VMB_M_FIGURE,              \
	.scenarios = { sc },                                                   \
	.figure = VMB_FIG_completed_under_vma_lock_pct,                        \
	.measure = "faults completed under the VMA lock, % (vma_locked_done / faults; a fallback after a retry is not in it)"

#define SEED000_ACQ(sc)                                                        \
	.seed = "000", .role = VMB_CLAIM, .metric = VMB_M_FIGURE,              \
	.scenarios = { sc },                                                   \
	.figure = VMB_FIG_mmap_lock_read_in_fault_per_fault,                   \
	.measure = "mmap_lock read acquisitions in faults, per fault (target/mmap_lock)"

/* The seeds: shared/seeds/ and README, "Kernel A/B report". */
const struct vmb_claim vmb_claims[] = {
	{
		.id = "seed000-swap-sync",
		.title = "synchronous swap-in",
		SEED000_DONE("swap-sync"),
		.expect = { { VMB_CFG_WITH_LOCK, VMB_AT_LEAST, 90 },
			    { VMB_CFG_WITHOUT_LOCK, VMB_AT_MOST, 10 } },
		.nexpect = 2,
		.why = "do_swap_page() reads a SWP_SYNCHRONOUS_IO page with swap_read_folio() and returns without VM_FAULT_RETRY, under the VMA lock since 6.6",
	},
	{
		.id = "seed000-swap-sync-mmap-lock",
		.title = "synchronous swap-in",
		SEED000_ACQ("swap-sync"),
		.expect = { { VMB_CFG_WITH_LOCK, VMB_AT_MOST, 0.1 },
			    { VMB_CFG_WITHOUT_LOCK, VMB_AT_LEAST, 0.9 } },
		.nexpect = 2,
		.why = "the same fault never reaches lock_mm_and_find_vma() with the VMA lock; without it every fault takes mmap_lock once",
	},
	{
		.id = "seed000-swap-cache-wait",
		.title = "swap-in through the swap cache, waiting on its locked folio",
		SEED000_DONE("swap-async"),
		/* 20: a victim's own odd fault (its stack, say) is 1 in 10 of a short run */
		.expect = { { VMB_CFG_ANY, VMB_AT_MOST, 20 } },
		.nexpect = 1,
		.why = "__folio_lock_or_retry() drops the VMA lock (release_fault_lock()) and returns VM_FAULT_RETRY; the retry runs under mmap_lock on 6.12 too: seed 000 moved the start, not the finish",
	},
	{
		.id = "seed000-swap-cache-wait-mmap-lock",
		.title = "swap-in through the swap cache, waiting on its locked folio",
		SEED000_ACQ("swap-async"),
		.expect = { { VMB_CFG_WITH_LOCK, VMB_AT_MOST, 1.5 },
			    { VMB_CFG_WITHOUT_LOCK, VMB_AT_LEAST, 1.5 } },
		.nexpect = 2,
		.why = "with the VMA lock the first try takes no mmap_lock, only the retry does (one per fault); before, both tries take it (two)",
	},
	{
		.id = "seed000-migration",
		.title = "a fault on a migration entry",
		SEED000_DONE("migration"),
		.expect = { { VMB_CFG_WITH_LOCK, VMB_AT_LEAST, 90 },
			    { VMB_CFG_WITHOUT_LOCK, VMB_AT_MOST, 10 } },
		.nexpect = 2,
		.why = "do_swap_page() calls migration_entry_wait() under the VMA lock and returns 0: the fault is simply taken again once the entry is gone",
	},
	{
		.id = "seed000-uffd-missing",
		.title = "a userfaultfd missing fault",
		SEED000_ACQ("uffd-missing"),
		.expect = { { VMB_CFG_WITH_LOCK, VMB_AT_MOST, 1.5 },
			    { VMB_CFG_WITHOUT_LOCK, VMB_AT_LEAST, 1.5 } },
		.nexpect = 2,
		.why = "handle_userfault() releases the VMA lock (release_fault_lock()) before it sleeps and returns VM_FAULT_RETRY: only the retry takes mmap_lock; before seed 000 the first try took it too",
	},
	{
		.id = "seed001-shmem",
		.title = "a folio held locked under a shmem fault",
		.scenarios = { "folio-lock-shmem" },
		SEED001_STALL,
		.why = "shmem_get_folio_gfp() sleeps in folio_lock() holding only the VMA lock: mmap() and other VMAs' faults go on; under mmap_lock they wait",
	},
	{
		.id = "seed001-swap",
		.title = "slow synchronous swap-in",
		.scenarios = { "swap-sync" },
		SEED001_STALL,
		.why = "do_swap_page() waits in swap_read_folio() (submit_bio_wait()) for its own read under the VMA lock: it blocks no one else",
	},
	{
		.id = "seed001-control",
		.seed = "001",
		.title = "nothing injected: the part of a slowdown that is the victims' CPU use, not a lock",
		.scenarios = { "baseline-anon" },
		.role = VMB_CONTROL,
		.metric = VMB_M_STALL,
		.measure = "writer and bystander p99 slowdowns against their baselines",
		.why = "what the victims' CPU use alone costs the others on a 2-vCPU guest, to read the claims above against; the forced column's writer also pays the force path (see the control's note)",
	},
	{
		.id = "seed002-recycled",
		.seed = "002",
		.title = "recycled pages",
		.scenarios = { "uffd-move-vs-copy:copy-recycled",
			       "uffd-move-vs-copy:move-recycled" },
		.what = { "UFFDIO_COPY", "UFFDIO_MOVE" },
		.num = 1,
		.role = VMB_CLAIM,
		.metric = VMB_M_COMPACT,
		.measure = "compaction completion (compact_ms), UFFDIO_MOVE over UFFDIO_COPY, repeat by repeat",
		.expect = { { VMB_CFG_ANY, VMB_AT_MOST, 0.6 } },
		.nexpect = 1,
		.says = "over 40% shorter with UFFDIO_MOVE",
		.why = "move_pages() remaps the page (move_present_pte()): no allocation, no memcpy, no madvise() to release it, as mfill_atomic_pte_copy() needs; but each moved page costs a ptep_clear_flush(), a TLB shootdown once the mm ran on another CPU",
	},
	{
		.id = "seed002-fresh",
		.seed = "002",
		.title = "freshly allocated pages",
		.scenarios = { "uffd-move-vs-copy:copy-fresh",
			       "uffd-move-vs-copy:move-fresh" },
		.what = { "UFFDIO_COPY", "UFFDIO_MOVE" },
		.num = 0,
		.role = VMB_CLAIM,
		.metric = VMB_M_COMPACT,
		.measure = "compaction completion (compact_ms), UFFDIO_COPY over UFFDIO_MOVE, repeat by repeat",
		.expect = { { VMB_CFG_ANY, VMB_BELOW, 1 } },
		.nexpect = 1,
		.says = "UFFDIO_COPY ~20% faster when pages must be allocated",
		.why = "when the source page must be allocated anyway, move_pages() saves nothing over mfill_atomic_pte_copy(): the seed measured UFFDIO_COPY ahead (copy-fresh also faults a staging page: see issue 13)",
	},
	{
		.id = "ab-wall-time",
		.title = "A/B wall time",
		.role = VMB_BUDGET,
		.metric = VMB_M_WALL,
		.measure = "seconds the default A/B took, its VMs one after another (scripts/ab, report --wall)",
		.expect = { { VMB_CFG_ANY, VMB_AT_MOST, 180 } },
		.nexpect = 1,
		.says = "for three with the default repeats under TCG on 2 cores",
		.why = "make ab runs on every change that touches a fault path: it must stay short",
	},
};
const size_t vmb_nclaims = VMB_ARRAY_SIZE(vmb_claims);

/* Every seed has a line in the report, whether a row judges it or not. */
const struct vmb_seed vmb_seeds[] = {
	{ "000", "swap, migration-entry and userfault faults under the per-VMA lock",
	  "swap-in, swap-cache, migration-entry and userfault faults" },
	{ "001", "sleeping on a folio under the VMA lock: who else waits",
	  "a stall with bystanders, an unrelated writer and a writer on the victim's VMA" },
	{ "002", "UFFDIO_MOVE against UFFDIO_COPY",
	  "a heap compaction, recycled and allocated pages" },
	{ "003", "VM_FAULT_RETRY more than once (FAULT_FLAG_TRIED)",
	  "a fault that really retries after FAULT_FLAG_TRIED (a userfault woken unresolved, uffd-wp)" },
	{ "004", "retract_page_tables() without mmap_lock",
	  "MADV_COLLAPSE of a memfd a second process maps, faults timed in both" },
};
const size_t vmb_nseeds = VMB_ARRAY_SIZE(vmb_seeds);

const char *const vmb_verdict_names[VMB_VERDICT_NR] = {
	[VMB_OBSERVED] = "Observed",
	[VMB_NOT_OBSERVED] = "Not observed",
	[VMB_NOT_SIGNIFICANT] = "Not significant",
	[VMB_CANNOT_JUDGE] = "Cannot be judged here",
};

const char *vmb_direction_op(enum vmb_direction d)
{
	switch (d) {
	case VMB_AT_MOST:
		return "<=";
	case VMB_AT_LEAST:
		return ">=";
	default:
		return "<";
	}
}

int vmb_expect_met(const struct vmb_expect *e, double x)
{
	switch (e->dir) {
	case VMB_AT_MOST:
		return x <= e->threshold;
	case VMB_AT_LEAST:
		return x >= e->threshold;
	default:
		return x < e->threshold;
	}
}

enum vmb_verdict vmb_expect_judge(const struct vmb_expect *e, double lo,
				  double hi)
{
	bool lo_met = vmb_expect_met(e, lo), hi_met = vmb_expect_met(e, hi);

	if (lo_met && hi_met)
		return VMB_OBSERVED;
	if (!lo_met && !hi_met)
		return VMB_NOT_OBSERVED;
	return VMB_NOT_SIGNIFICANT;
}

const char *vmb_cfgs_name(enum vmb_cfgs c)
{
	switch (c) {
	case VMB_CFG_WITH_LOCK:
		return "with the VMA lock";
	case VMB_CFG_WITHOUT_LOCK:
		return "without";
	default:
		return "every configuration";
	}
}
