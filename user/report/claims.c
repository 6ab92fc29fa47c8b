// SPDX-License-Identifier: GPL-2.0
/*
 * The claims of the A/B report, one row each (claims.h). The thresholds
 * are the targets of the A/B issue: measured and reported, never
 * asserted. A claim the kernel does not bear out is a finding.
 */
#include "lib/base.h"
#include "report/claims.h"

/*
 * Seed 001's benefit: a fault that sleeps under the VMA lock stalls no
 * one else; under mmap_lock the unrelated mmap()/munmap() writer's
 * mmap_write_lock() waits the sleep out, and every fault that needs
 * mmap_lock queues behind it (behind_writer). Judged on how long that
 * writer slept in its ops as a share of the victims' summed fault time,
 * as the cost rows below are: its sleep is the lock, where its ops/s
 * and the bystanders' p99 (the slowdown rows, shown) mostly measure the
 * CPU the victims' faults take from it on a 2-vCPU guest (their control,
 * nothing injected, reads 1.1-37x). The same 10% as the cost rows, set
 * by the no-wait side: the writer's sleeps behind something else.
 */
#define SEED001_FREE                                                           \
	.seed = "001", .role = VMB_CLAIM, .metric = VMB_M_METRIC,              \
	.metric_name = "writer_wait_ms", .over_victims = true,                 \
	.measure = "the unrelated writer's (mmap()/munmap() of its own region) sleep in its ops (writer_wait_ms; ops that slept during another thread's refill madvise() are apart, writer_refill_wait_ms) as a % of the victims' summed fault time; writer_waits and behind_writer (bystander faults queued behind the waiting writer) shown; the slowdowns in the row after", \
	.expect = { { VMB_CFG_WITH_LOCK, VMB_AT_MOST, 10 },                    \
		    { VMB_CFG_WITHOUT_LOCK, VMB_ABOVE, 10 } },                 \
	.nexpect = 2

/* Seed 001's slowdowns of the same runs: shown, not judged. */
#define SEED001_SLOWDOWN                                                       \
	.seed = "001", .role = VMB_CONTROL, .metric = VMB_M_STALL,             \
	.measure = "writer ops/s and bystander p99, each against its no-injection baseline"

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

/*
 * Seed 001's cost: a writer that changes the VMA a fault sleeps in (or
 * forks) waits for it while holding mmap_lock for write, with the VMA
 * lock too (vmalock-bench run --writer MODE: SCENARIO+MODE, 1 victim
 * thread). Judged on how long the writer slept in its ops (writer_wait_ms,
 * user/run/writer.c: ops asleep half a hold or more, off the CPU and not
 * runnable, so the victims' CPU use is not in it) as a share of how long
 * the victims' faults took (their summed latency: the time a fault held
 * its lock asleep, and more). Where the fault drops its lock before it
 * sleeps, the writer sleeps only behind something else (a fault's short
 * retry, reclaim): at most 10%. Where it keeps it, the writer, which
 * loops without pause, sleeps through the holds it meets: more than
 * those 10%. One threshold, set by the no-wait side; not a fit.
 */
#define SEED001_COST                                                           \
	.seed = "001", .role = VMB_CLAIM, .metric = VMB_M_METRIC,              \
	.metric_name = "writer_wait_ms", .over_victims = true,                 \
	.measure = "the writer's sleep in its ops (writer_wait_ms) as a % of the victims' summed fault time; writer_waits and behind_writer (bystander faults queued behind a waiting writer: the chain) shown"
#define SEED001_WAITS                                                          \
	.expect = { { VMB_CFG_ANY, VMB_ABOVE, 10 } }, .nexpect = 1

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
		/*
		 * Near 0: judged on the victims alone, whose every fault is a
		 * swap-in here; the counters start once their threads are up
		 * (engine.c's gate), so a thread's stack faults are not in it
		 * (before the gate they were 2 in 22: 9.09%).
		 */
		.expect = { { VMB_CFG_ANY, VMB_AT_MOST, 5 } },
		.nexpect = 1,
		.why = "__folio_lock_or_retry() drops the VMA lock (release_fault_lock()) and returns VM_FAULT_RETRY; the retry runs under mmap_lock on 6.12 too: seed 000 moved the start, not the finish",
	},
	{
		.id = "seed000-swap-cache-wait-mmap-lock",
		.title = "swap-in through the swap cache, waiting on its locked folio",
		SEED000_ACQ("swap-async"),
		/*
		 * Not 6.1: with a readahead window of one page (the scenario
		 * sets page-cluster 0) its swap_vma_readahead() reads the
		 * page with do_poll, waiting for it in swap_readpage() under
		 * mmap_lock, no retry: one acquisition, no swap-cache wait
		 * (in its VM: retry 0, mmap_lock/fault 1.2 for 20 faults).
		 */
		.expect = { { VMB_CFG_WITH_LOCK, VMB_AT_MOST, 1.5 },
			    { VMB_CFG_FORCED, VMB_AT_LEAST, 1.5 } },
		.nexpect = 2,
		.why = "with the VMA lock the first try takes no mmap_lock, only the retry does (one per fault); forced off, both tries take it (two). Not judged on 6.1, whose swap_vma_readahead() polls a one-page window's read in swap_readpage() under mmap_lock and never waits on the swap-cache folio",
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
		SEED001_FREE,
		.why = "shmem_get_folio_gfp() sleeps in folio_lock() holding only the VMA lock: the writer's mmap()/munmap() and other VMAs' faults go on; under mmap_lock (6.1, forced) its mmap_write_lock() waits the hold out and the faults queue behind it",
	},
	{
		.id = "seed001-shmem-slowdown",
		.title = "a folio held locked under a shmem fault: the slowdowns",
		.scenarios = { "folio-lock-shmem" },
		SEED001_SLOWDOWN,
		.why = "what seed001-shmem's writer and bystanders lost against their baselines: the lock's waits and the victims' CPU on a 2-vCPU guest together (the seed's 1.5x with the VMA lock and 10x without, read against seed001-control); seed001-shmem judges the sleep",
	},
	{
		.id = "seed001-swap",
		.title = "slow synchronous swap-in",
		.scenarios = { "swap-sync" },
		SEED001_FREE,
		.why = "do_swap_page() waits in swap_read_folio() (submit_bio_wait()) for its own read under the VMA lock: it blocks no one else; under mmap_lock (6.1, forced) the writer's mmap_write_lock() waits the read out",
	},
	{
		.id = "seed001-swap-slowdown",
		.title = "slow synchronous swap-in: the slowdowns",
		.scenarios = { "swap-sync" },
		SEED001_SLOWDOWN,
		.why = "what seed001-swap's writer and bystanders lost against their baselines: the lock's waits and the victims' CPU together (read against seed001-control); seed001-swap judges the sleep",
	},
	{
		.id = "d065bd810b6d-file-io",
		.seed = "d065bd810b6d",
		.title = "random reads of an mmapped file from a slow disk (major faults)",
		.scenarios = { "file-io" },
		.role = VMB_CLAIM,
		.metric = VMB_M_STALL,
		.control = "baseline-anon",
		.measure = "writer and bystander p99 slowdowns against their baselines, over the control's (baseline-anon, nothing injected) of the same repeat: what the victims' CPU use costs cancels",
		.expect = { { VMB_CFG_ANY, VMB_AT_MOST, 1.5 } },
		.nexpect = 1,
		.says = "the writer went from 55 to 15,000 mmap/munmap per second",
		.why = "since d065bd810b6d a fault drops its lock (mmap_lock, or the VMA lock) before it waits for file read I/O and retries: no kernel here blocks the writer for the read; what is left of a slowdown over the control is the read path's CPU (readahead, page cache, the disk's completions), not a lock",
	},
	{
		.id = "d065bd810b6d-file-io-waits",
		.seed = "d065bd810b6d",
		.title = "random reads of an mmapped file from a slow disk: does the writer sleep for a read",
		.scenarios = { "file-io" },
		.role = VMB_CLAIM,
		.metric = VMB_M_METRIC,
		.metric_name = "writer_wait_ms",
		.over_victims = true,
		.control = "baseline-anon",
		.measure = "the writer's sleep in ops asleep half a read delay or more (writer_wait_ms), less what it sleeps at the control's rate (baseline-anon, nothing injected: ms of such sleep per second of writer ops, over all the control's repeats) over its own ops' time, as a % of the victims' summed fault time: sleep the reads added, not CPU shared with the victims, nor the sleeps a writer has with nothing injected",
		.expect = { { VMB_CFG_ANY, VMB_AT_MOST, 10 } },
		.nexpect = 1,
		.says = "the writer went from 55 to 15,000 mmap/munmap per second",
		.why = "filemap_fault() drops the fault's lock before it waits for the read (maybe_unlock_mmap_for_io() before readahead, __folio_lock_or_retry() before folio_wait_locked_killable()): the mmap()/munmap() writer never sleeps for one; 10%: its sleeps behind something else. Over the control: with every fault under mmap_lock (6.1, forced) the writer also sleeps half a hold or more with nothing injected, as often per second as during the reads",
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
		.id = "seed001-cost-shmem",
		.title = "mprotect() of the VMA a shmem fault sleeps in (file-backed)",
		.scenarios = { "folio-lock-shmem+mprotect" },
		SEED001_COST,
		SEED001_WAITS,
		.why = "shmem_get_folio_gfp() sleeps in folio_lock() holding the VMA lock (6.1, forced: mmap_lock for read): mprotect()'s vma_start_write() (6.1: mmap_write_lock()) waits the hold out, mmap_lock held for write",
	},
	{
		.id = "seed001-cost-file",
		.title = "mprotect() of the VMA a page-cache fault waits in (file-backed)",
		.scenarios = { "folio-lock-file+mprotect" },
		SEED001_COST,
		/* The retry's lock is the injector's timing without the VMA lock. */
		.expect = { { VMB_CFG_WITH_LOCK, VMB_AT_MOST, 10 } }, .nexpect = 1,
		.why = "filemap_fault() -> lock_folio_maybe_drop_mmap() releases the VMA lock before it sleeps on the folio, and the mmap_lock retry that follows is a first try again (lock_vma_under_rcu()'s fallback sets FAULT_FLAG_TRIED only for a major fault), so it drops that lock too if it meets the next hold: the writer need not wait. Without the VMA lock (6.1, forced) the retry has FAULT_FLAG_TRIED and sleeps in __folio_lock_killable() holding mmap_lock when it meets the next hold (folio-lock-file pauses a hold between holds for it): whether it does is the guest's timing, not judged",
	},
	{
		.id = "seed001-cost-swap",
		.title = "mprotect() of the VMA a synchronous swap-in sleeps in (anonymous)",
		.scenarios = { "swap-sync+mprotect" },
		SEED001_COST,
		SEED001_WAITS,
		.why = "do_swap_page() -> swap_read_folio_bdev_sync() sleeps in submit_bio_wait() holding the VMA lock (6.1, forced: mmap_lock for read): the writer waits for the read",
	},
	{
		.id = "seed001-cost-fork",
		.title = "fork() while a synchronous swap-in sleeps (anonymous)",
		.scenarios = { "swap-sync+fork" },
		SEED001_COST,
		SEED001_WAITS,
		.why = "dup_mmap() vma_start_write()s every VMA, the sleeping fault's too, with mmap_lock held for write (6.1: mmap_write_lock() waits for the fault's read hold): every fault that needs mmap_lock queues behind",
	},
	{
		.id = "seed002-recycled",
		.seed = "002",
		.title = "recycled pages",
		.scenarios = { "uffd-move-vs-copy:copy-recycled",
			       "uffd-move-vs-copy:move-recycled" },
		.pinned = { "uffd-move-vs-copy:copy-recycled-pinned",
			    "uffd-move-vs-copy:move-recycled-pinned" },
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
		.id = "seed002-recycled-pinned",
		.seed = "002",
		.title = "recycled pages, every thread on one CPU",
		.scenarios = { "uffd-move-vs-copy:copy-recycled-pinned",
			       "uffd-move-vs-copy:move-recycled-pinned" },
		.what = { "UFFDIO_COPY", "UFFDIO_MOVE" },
		.num = 1,
		.role = VMB_CLAIM,
		.metric = VMB_M_COMPACT,
		.measure = "compaction completion (compact_ms), UFFDIO_MOVE over UFFDIO_COPY, pinned: no move needs a remote TLB flush",
		.expect = { { VMB_CFG_ANY, VMB_AT_MOST, 0.6 } },
		.nexpect = 1,
		.says = "over 40% shorter with UFFDIO_MOVE; spread, MOVE is faster only while a shootdown (shootdown_us, tlb_ipis_per_page of the spread rows) costs less than the per-page time MOVE saves here",
		.why = "pinned, move_pages() -> ptep_clear_flush() flushes the local TLB only; spread, it waits for an IPI per page to every CPU the mm is live on",
	},
	{
		.id = "seed002-allocated",
		.seed = "002",
		.title = "allocated pages",
		.scenarios = { "uffd-move-vs-copy:copy-recycled",
			       "uffd-move-vs-copy:move-fresh" },
		.pinned = { "uffd-move-vs-copy:copy-recycled-pinned",
			    "uffd-move-vs-copy:move-fresh-pinned" },
		.what = { "UFFDIO_COPY", "UFFDIO_MOVE" },
		.num = 0,
		.role = VMB_CLAIM,
		.metric = VMB_M_COMPACT,
		.measure = "compaction completion (compact_ms), UFFDIO_COPY from a reused buffer over UFFDIO_MOVE of a page the application allocated and filled",
		.expect = { { VMB_CFG_ANY, VMB_BELOW, 1 } },
		.nexpect = 1,
		.says = "UFFDIO_COPY ~20% faster when pages must be allocated",
		.why = "COPY: the kernel allocates and copies; MOVE: the application's own allocation and fill, then move_pages() and its TLB flush",
	},
	{
		.id = "seed002-allocated-pinned",
		.seed = "002",
		.title = "allocated pages, every thread on one CPU",
		.scenarios = { "uffd-move-vs-copy:copy-recycled-pinned",
			       "uffd-move-vs-copy:move-fresh-pinned" },
		.what = { "UFFDIO_COPY", "UFFDIO_MOVE" },
		.num = 0,
		.role = VMB_CLAIM,
		.metric = VMB_M_COMPACT,
		.measure = "compaction completion (compact_ms), UFFDIO_COPY from a reused buffer over UFFDIO_MOVE of a fresh page, pinned",
		.expect = { { VMB_CFG_ANY, VMB_BELOW, 1 } },
		.nexpect = 1,
		.says = "UFFDIO_COPY ~20% faster when pages must be allocated",
		.why = "without remote flushes the two differ by the kernel's allocation and copy against the application's",
	},
	{
		.id = "seed003-wake-retry",
		.seed = "003",
		.title = "a userfault woken without its page, three times",
		.scenarios = { "uffd-wake-retry" },
		.role = VMB_CLAIM,
		.metric = VMB_M_COUNTER,
		.counter = VMB_C_retry_after_tried,
		.measure = "VM_FAULT_RETRY returned by a call that had FAULT_FLAG_TRIED (retry_after_tried), per run; faults done in 4+ attempts shown",
		.expect = { { VMB_CFG_ANY, VMB_ABOVE, 0 } },
		.nexpect = 1,
		.says = "mm: allow VM_FAULT_RETRY for multiple times (5.7): FAULT_FLAG_TRIED no longer clears FAULT_FLAG_ALLOW_RETRY",
		.why = "handle_userfault() returns VM_FAULT_RETRY whenever it is woken without the page (UFFDIO_WAKE), FAULT_FLAG_TRIED or not, and do_user_addr_fault() takes the fault again: a fault woken 3 times is retried after TRIED; file faults cannot show it (lock_folio_maybe_drop_mmap() drops mmap_lock only on a first try)",
	},
	{
		.id = "seed004-2proc",
		.seed = "004",
		.title = "MADV_COLLAPSE of a memfd that a second process maps too: does the collapse take mmap_lock for write",
		.scenarios = { "collapse-shmem-2proc" },
		.role = VMB_CLAIM,
		.metric = VMB_M_METRIC,
		.metric_name = "write_locks_per_collapse",
		.measure = "mmap_lock write acquisitions and failed trylocks of the collapsing process, less its writer's two per op (target/mmap_lock), per successful MADV_COLLAPSE: a count, not a time, so the collapse's CPU is not in it; collapse_write_locks, collapse_write_failed and the slowdowns in the scenario table",
		/*
		 * The no-lock side takes none: a tenth per collapse allows
		 * for a write acquisition of the process that is not the
		 * collapse's. 6.1 and pre-seed004 take or try it once or more
		 * per collapse (shown, not judged: 6.1 is "without" along
		 * with the forced run, which is 6.12's code).
		 */
		.expect = { { VMB_CFG_WITH_LOCK, VMB_AT_MOST, 0.1 },
			    { VMB_CFG_FORCED, VMB_AT_MOST, 0.1 } },
		.nexpect = 2,
		.why = "since 6.6 retract_page_tables() clears each mapper's page table under its pmd and pte locks and madvise_collapse() runs collapse_pte_mapped_thp() under mmap_read_lock(): no write lock of any mm. 6.1's retract_page_tables() trylocks the caller's own mm (other mappers are left to khugepaged, whose trylocks are not the caller's) and, when that fails, madvise_collapse() waits in mmap_write_lock(): its writer and, without the VMA lock, every fault queue behind; the pre-seed004 variant trylocks every mapper's mm, the second process's too",
	},
	{
		.id = "seed004-control",
		.seed = "004",
		.title = "MADV_COLLAPSE with a second process: the slowdowns, mostly the collapse's CPU",
		.scenarios = { "collapse-shmem-2proc" },
		.role = VMB_CONTROL,
		.metric = VMB_M_STALL,
		.measure = "writer ops/s and bystander p99 against their baselines",
		.why = "copying 2 MiB per collapse, under TCG on a 2-vCPU guest, beside a second process that faults without pause: CPU the writer and bystanders lose on every kernel, lock or not; seed004-2proc judges the lock",
	},
	{
		.id = "ab-wall-time",
		.title = "A/B wall time",
		.role = VMB_BUDGET,
		.metric = VMB_M_WALL,
		.measure = "seconds the default A/B took, its VMs one after another (scripts/ab, report --wall)",
		.expect = { { VMB_CFG_ANY, VMB_AT_MOST, 180 } },
		.nexpect = 1,
		.says = "for three configurations (6.1, 6.12 and 6.12 forced: two boots) with the default repeats under TCG on 2 cores",
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
	case VMB_ABOVE:
		return ">";
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
	case VMB_ABOVE:
		return x > e->threshold;
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
	case VMB_CFG_FORCED:
		return "with it forced off";
	default:
		return "every configuration";
	}
}
