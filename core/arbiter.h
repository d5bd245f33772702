/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * core/'s own structures: a PMU instance and its per-CPU arbiters, and
 * what core/'s files share of the arbiter (its inline helpers are in
 * arbiter_inline.h). Only core/ includes this.
 */
#ifndef _VPMC_CORE_ARBITER_H
#define _VPMC_CORE_ARBITER_H

#include <linux/atomic.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <asm/local64.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>

#include "internal.h"

/**
 * struct vpmc_counter - one physical counter of one CPU
 * @config: the event it counts, while it has claims
 * @exclusive: its only claim asked for VPMC_F_EXCLUSIVE
 * @armed: programmed for a threshold since it was enabled (ctr_program())
 * @nr_claims: claims on @claims
 * @claims: ACTIVE claims sharing it (vpmc_claim.cnode), newest first
 * @count: 64-bit count since it was given to its first claim
 * @prev: raw value at the last update
 * @mask: its width as a mask; constant
 * @tq: thresholds of its started claims with a period, earliest cached
 * @nmi_sample: where the NMI that deferred its overflow interrupted:
 *	written by that NMI while the counter's bit of vpmc_arbiter.pending
 *	is clear, read by the arbiter's irq_work before it clears the bit
 *
 * All but @mask and @nmi_sample are guarded by the owning vpmc_arbiter's
 * lock.
 */
struct vpmc_counter {
	u64 config;
	bool exclusive;
	bool armed;
	unsigned int nr_claims;
	struct hlist_head claims;
	u64 count;
	u64 prev;
	u64 mask;
	struct timerqueue_head tq;
	struct vpmc_sample nmi_sample;
};

/*
 * Locking rules:
 *  1. Each CPU's arbiter (struct vpmc_arbiter) is guarded by its raw spinlock,
 *     always taken on that CPU with interrupts disabled (but for a CPU
 *     vpmc has down: detach and read of its OFFLINE claims lock it from
 *     elsewhere; arb_assert_locked() checks both). Everything that
 *     touches a CPU's counters runs on that CPU: callers elsewhere go
 *     through vpmc_cpu_call() (an IPI), because backends such as x86 can
 *     only program their own CPU.
 *  2. vpmc_arbiter.seq is odd while the lock holder changes arbiter state.
 *     vpmc_core_read_local() reads under it without the lock, so it works
 *     in NMI context; an NMI that finds it odd has interrupted the writer on
 *     its own CPU and answers -EAGAIN instead of waiting. vpmc_core_read()
 *     of a system-wide claim from its own CPU reads under it as well.
 *  3. Callbacks run on their claim's CPU with interrupts disabled and the
 *     lock dropped, so they may operate on claims of this CPU. No claim can
 *     be detached under a callback: detaching runs on the same CPU, which
 *     is busy with interrupts disabled.
 *  4. Backend ops are called under the lock and never sleep; the only lock
 *     taken under it is a backend's own innermost raw spinlock (struct
 *     vpmc_backend_ops says so) and, to start @unthrottle, the hrtimer
 *     base lock. event_get/event_put, which may sleep, run
 *     before attach and after detach, outside it.
 *  5. A per-thread claim is attached only while its thread runs, on that
 *     thread's CPU. Its thread's raw spinlock (vpmc_claim.tlock, taken with
 *     interrupts disabled) is taken outside the arbiter lock and held by
 *     whoever attaches or detaches it: the context-switch hook (under the
 *     runqueue lock: rq lock -> tlock -> arbiter lock), and every other
 *     operation, which runs where the claim is attached or, while it is
 *     DETACHED, anywhere with only tlock held (a detached claim has no
 *     counter, so its fields are all tlock guards). Callbacks owed by a
 *     context switch cannot run under the runqueue lock: they are queued
 *     on @later and delivered by @work. The hook holds one thread's tlock
 *     at a time, and the arbiter lock only under it; a counter the
 *     previous thread left parked (@parked) belongs to no claim, and its
 *     backend event outlives it because vpmc_events_release_all() waits for every
 *     CPU's interrupts to come back on before releasing one.
 *
 * Lock order, outermost first; each lock is taken only under those above
 * it, and only one arbiter lock is ever held:
 *
 *   vpmc_thread_mutex            (vpmc/thread.c: per-thread creation, hooks)
 *     vpmc_events_mutex          (core/hotplug.c: every event_get/event_put)
 *       a backend's mutex        (around its event_get/event_put)
 *         cpu_hotplug_lock, read (a backend may take it; core only looks at
 *                                 the online CPUs or reads an offline CPU's
 *                                 claim)
 *           vpmc_hotplug_mutex   (core/hotplug.c; the hotplug callbacks
 *                                 hold it under the write lock)
 *
 *   rq lock                      (held only by the context-switch hook)
 *   vpmc_watched_lock              (vpmc/task.c: the thread hash)
 *     vpmc_core_task.lock        (rule 5; under the rq lock in the hook)
 *       vpmc_arbiter.lock            (rule 1)
 *         a backend's raw spinlock, or the hrtimer base lock (rule 4)
 *   vpmc_inherit_lock            (vpmc/thread.c: nothing is taken under it)
 *
 * No work item is queued under a task lock (waking a worker takes a rq
 * lock): callbacks owed there go through the CPU's irq_work.
 */

/**
 * struct vpmc_arbiter - the arbiter of one CPU
 * @lock: guards everything here and the arbiter fields of its claims;
 *	rules 1-4 above
 * @seq: odd while @lock's holder changes counts; lets NMIs read
 * @cpu: the CPU
 * @nr_claims: claims attached (ACTIVE or WAITING)
 * @online: the CPU is up as far as vpmc is concerned (core/hotplug.c)
 * @waiting: WAITING claims, highest priority first, oldest first within one
 * @offline: OFFLINE system-wide claims, while @online is false
 * @later: claims whose preemption callback a context switch deferred
 * @pmu: the instance it belongs to
 * @used: counters with claims (nr_claims > 0)
 * @parked: counters a context switch left counting with no claim; empty
 *	outside a context switch (core/switch.c)
 * @park_node: in that switch's list of arbiters with parked counters
 * @pending: counters whose overflow an NMI deferred (atomic bitops, no lock)
 * @ovf_entry: the PMU's clock when the first of @pending was deferred,
 *	so the dispatch is charged the deferral too; written by
 *	vpmc_pmu_overflow_nmi() while @pending is empty, read by @work
 *	before it clears @pending, both on this CPU (local64, no lock)
 * @work: delivers @pending through vpmc_pmu_overflow(), then @later
 * @throttled: counters left without their thresholds until @unthrottle
 *	fires, because overflow callbacks took more than the PMU's share of
 *	the CPU (vpmc_pmu.ovf_pct) in the current window
 * @catchup: counters unthrottled with thresholds still overdue: each
 *	overdue claim fires once, for the last threshold it passed
 * @cb_claim: the claim whose overflow callback runs now, or NULL
 * @cb_count: the count that callback was given (vpmc_core_write() from it
 *	keeps the events counted since)
 * @cb_sample: where the overflow being dispatched interrupted, while
 *	@cb_claim's callback runs (vpmc_core_overflow_sample())
 * @ovf_window: the PMU's clock at the start of the current window
 * @ovf_spent: nanoseconds spent in it from each overflow's deferral (or
 *	dispatch) to the end of its callbacks
 * @nr_throttled: times a counter of this CPU was throttled
 * @nr_skipped: thresholds skipped by catching up
 * @unthrottle: ends the throttling; pinned to @cpu, cancelled when it goes
 *	offline
 * @ctr: the counters, vpmc_pmu_desc.num_counters of them (last, so KASAN
 *	catches an overrun)
 */
struct vpmc_arbiter {
	raw_spinlock_t lock;
	seqcount_raw_spinlock_t seq;
	int cpu;
	unsigned int nr_claims;
	bool online;
	struct list_head waiting;
	struct list_head offline;
	struct list_head later;
	struct vpmc_pmu *pmu;
	unsigned long used;
	unsigned long parked;
	struct hlist_node park_node;
	unsigned long pending;
	local64_t ovf_entry;
	struct irq_work work;
	unsigned long throttled;
	unsigned long catchup;
	struct vpmc_claim *cb_claim;
	u64 cb_count;
	const struct vpmc_sample *cb_sample;
	u64 ovf_window;
	u64 ovf_spent;
	u64 nr_throttled;
	u64 nr_skipped;
	struct hrtimer unthrottle;
	struct vpmc_counter ctr[];
};

/**
 * struct vpmc_pmu - a backend and its arbiters
 * @ops: the backend
 * @priv: the backend's instance
 * @desc: what the backend described; constant after creation
 * @nr_claims: claims attached on all CPUs
 * @ovf_pct: the share of each CPU, in percent, overflow callbacks may take
 *	in a window before its counters are throttled; 0: no limit
 *	(READ_ONCE: vpmc_pmu_set_overflow_limit() changes it any time)
 * @clock: what measures the callbacks' time: local_clock(), or a clock a
 *	test controls (vpmc_pmu_set_clock(), before any claim)
 * @node: in core/hotplug.c's list of instances
 * @cpus: one arbiter per possible CPU (NULL for impossible ones)
 */
struct vpmc_pmu {
	const struct vpmc_backend_ops *ops;
	void *priv;
	struct vpmc_pmu_desc desc;
	atomic_t nr_claims;
	unsigned int ovf_pct;
	u64 (*clock)(void);
	struct list_head node;
	struct vpmc_arbiter *cpus[];
};

/**
 * struct vpmc_switch - a context switch's batch of claims (core/switch.c)
 * @now: the switch's time (local_clock()) for all its claims' times; 0
 *	until the first needs it
 * @notify: preemption callbacks owed, handed to each arbiter's irq_work
 * @parked: arbiters with counters parked by this switch
 */
struct vpmc_switch {
	u64 now;
	struct list_head notify;
	struct hlist_head parked;
};

/**
 * struct vpmc_call - an operation on one claim, carried to the claim's CPU
 * @claim: the claim
 * @arg: the op's argument (a count, a period)
 * @value: where a read puts the claim's value
 * @ret: the op's result
 * @moved: a per-thread claim's thread was found elsewhere: send it again
 * @fn: what runs on the claim's CPU (arb_call_op(), or another function)
 * @op: what arb_call_op() runs, with what guards the claim (rule 5)
 * @ops: vpmc_core_swap()'s ops
 * @nr: how many
 * @claim_of: the claim of an op's virtual PMC
 */
struct vpmc_call {
	struct vpmc_claim *claim;
	u64 arg;
	struct vpmc_value *value;
	int ret;
	bool moved;
	smp_call_func_t fn;
	void (*op)(struct vpmc_arbiter *arb, struct vpmc_call *call);
	const struct vpmc_swap_op *ops;
	unsigned int nr;
	struct vpmc_claim *(*claim_of)(struct vpmc *vpmc);
};

/* core/arbiter.c: counters, placement, eviction, rebalancing */
struct vpmc_arbiter *arb_cpu_create(struct vpmc_pmu *pmu, int cpu);
void arb_cpu_destroy(struct vpmc_arbiter *arb);
void arb_ctr_reprogram(struct vpmc_pmu *pmu, struct vpmc_arbiter *arb,
		       unsigned int idx, struct timerqueue_node *next);
int arb_ctr_top_prio(struct vpmc_counter *c);
void arb_ctr_evict(struct vpmc_pmu *pmu, struct vpmc_arbiter *arb,
		   unsigned int idx, struct list_head *notify);
int arb_place(struct vpmc_pmu *pmu, struct vpmc_arbiter *arb,
	      struct vpmc_claim *claim, int *how);
void arb_rebalance(struct vpmc_pmu *pmu, struct vpmc_arbiter *arb,
		   struct list_head *notify);
void arb_claim_remove(struct vpmc_pmu *pmu, struct vpmc_arbiter *arb,
		      struct vpmc_claim *claim, struct list_head *notify);
void arb_run_notify(struct list_head *notify);
void arb_claim_init(struct vpmc_claim *claim);
int claim_event_get(struct vpmc_claim *claim);
void claim_event_put(struct vpmc_claim *claim);

/* core/call.c: operations carried to a claim's CPU */
void arb_call_op(void *info);
int arb_claim_op(struct vpmc_claim *claim,
		 void (*op)(struct vpmc_arbiter *arb, struct vpmc_call *call),
		struct vpmc_call *call);

/* core/overflow.c */
void arb_overflow_init(struct vpmc_arbiter *arb);
void arb_overflow_exit(struct vpmc_arbiter *arb);

#endif /* _VPMC_CORE_ARBITER_H */
