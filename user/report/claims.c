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

/* The seeds: shared/seeds/ and README, "Kernel A/B report". */
const struct vmb_claim vmb_claims[] = {
	{
		.id = "seed001-shmem",
		.title = "a folio held locked under a shmem fault",
		.scenarios = { "folio-lock-shmem" },
		SEED001_STALL,
		.why = "a fault asleep on a folio lock holds only its VMA's lock: mmap() and other VMAs' faults go on; under mmap_lock they wait",
	},
	{
		.id = "seed001-swap",
		.title = "slow synchronous swap-in",
		.scenarios = { "swap-sync" },
		SEED001_STALL,
		.why = "a swap-in waiting for its own slow read under the VMA lock blocks no one else (seeds 000, 001)",
	},
	{
		.id = "seed001-control",
		.seed = "001",
		.title = "nothing injected: the part of a slowdown that is the victims' CPU use, not a lock",
		.scenarios = { "baseline-anon" },
		.role = VMB_CONTROL,
		.metric = VMB_M_STALL,
		.measure = "writer and bystander p99 slowdowns against their baselines",
		.why = "what the victims' CPU use alone costs the others on a 2-vCPU guest, to read the claims above against",
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
		.measure = "compaction completion (compact_ms), UFFDIO_MOVE over UFFDIO_COPY",
		.expect = { { VMB_CFG_ANY, VMB_AT_MOST, 0.6 } },
		.nexpect = 1,
		.says = "over 40% shorter with UFFDIO_MOVE",
		.why = "UFFDIO_MOVE remaps the page: no allocation, no memcpy, no madvise() to release it, as UFFDIO_COPY needs",
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
		.measure = "compaction completion (compact_ms), UFFDIO_COPY over UFFDIO_MOVE",
		.expect = { { VMB_CFG_ANY, VMB_BELOW, 1 } },
		.nexpect = 1,
		.says = "UFFDIO_COPY ~20% faster when pages must be allocated",
		.why = "when the source page must be allocated anyway, UFFDIO_MOVE saves nothing: the seed measured UFFDIO_COPY ahead",
	},
	{
		.id = "vma-lock-hit-rate",
		.seed = "000",
		.title = "VMA-lock hit rate",
		.role = VMB_CLAIM,
		.metric = VMB_M_VMA_HIT,
		.measure = "faults that took the per-VMA lock first, vma_locked_done + vma_lock_retry over faults, per scenario",
		.expect = { { VMB_CFG_WITH_LOCK, VMB_AT_LEAST, 99 },
			    { VMB_CFG_WITHOUT_LOCK, VMB_EXACTLY, 0 } },
		.nexpect = 2,
		.why = "swap, folio, migration-entry and userfault waits are handled under the VMA lock since 6.6; forced off or before 6.4 never",
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

const char *vmb_direction_op(enum vmb_direction d)
{
	switch (d) {
	case VMB_AT_MOST:
		return "<=";
	case VMB_AT_LEAST:
		return ">=";
	case VMB_BELOW:
		return "<";
	default:
		return "=";
	}
}

int vmb_expect_met(const struct vmb_expect *e, double x)
{
	switch (e->dir) {
	case VMB_AT_MOST:
		return x <= e->threshold;
	case VMB_AT_LEAST:
		return x >= e->threshold;
	case VMB_BELOW:
		return x < e->threshold;
	default:
		return x == e->threshold;
	}
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
