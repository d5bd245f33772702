// SPDX-License-Identifier: GPL-2.0-only
/*
 * The physical-PMC arbiter: which claim holds which counter of each CPU,
 * who waits, and when each counter must next interrupt.
 *
 * Placement of a claim (arb_place()), in order:
 *  1. share a counter already counting the same event (neither EXCLUSIVE);
 *  2. take a free allowed counter, fixed counters first (within a context
 *     switch, one the previous thread left counting the same event before
 *     any: see core/switch.c);
 *  3. preempt the allowed counter whose strongest claim is weakest, if every
 *     claim on it has a strictly lower priority and none is PINNED; its
 *     claims move to the waiting list.
 * After every change, waiting claims are placed again, highest priority
 * first (arb_rebalance()), so no waiting claim could run on a counter held by a
 * lower priority.
 *
 * Counts: each counter's raw value is extended to a 64-bit count by
 * ctr_update(); a claim's count is the counter's progress since it started
 * counting (@base) plus what it had before (@saved).
 *
 * Overflow thresholds are kept like timers: each started claim with a period
 * has its next threshold, in its counter's 64-bit count, in the counter's
 * timerqueue. The counter is programmed to interrupt at the earliest one,
 * or at half its range when there is none, so no wrap is ever missed. A
 * 64-bit counter cannot wrap in practice: one with no threshold is left as
 * it is (ctr_program()), which spares a context switch reprogramming
 * counters nobody asked an overflow of.
 *
 * This file holds the counters, placement, eviction and rebalancing, and
 * builds each CPU's arbiter; the operations that use them are in call.c,
 * read.c, overflow.c, switch.c and hotplug.c, their hot helpers in
 * arbiter_inline.h, and what the arbiter shows of itself in debug.c.
 *
 * Locking: the rules are written once, above struct vpmc_arbiter in
 * core/arbiter.h; arb_assert_locked() asserts them in the helpers that
 * rely on them.
 */
#define pr_fmt(fmt) "vpmc: " fmt

#include <linux/bitops.h>
#include <linux/error-injection.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>

#include "arbiter_inline.h"

/* === Counters === */

/* Program counter @idx for threshold @next, or half its range if NULL. */
void arb_ctr_reprogram(struct vpmc_pmu *pmu, struct vpmc_arbiter *arb,
		       unsigned int idx, struct timerqueue_node *next)
{
	struct vpmc_counter *c = &arb->ctr[idx];
	u64 dist = c->mask >> 1;

	arb_assert_locked(arb);
	ctr_update(pmu, arb, idx);
	if (next) {
		s64 left = next->expires - (s64)c->count;

		/* Overdue (the interrupt skidded): fire at the next event. */
		if (left < 1)
			left = 1;
		dist = min_t(u64, dist, left);
	}
	pmu->ops->set_period(pmu->priv, arb->cpu, idx, dist);
	c->prev = pmu->ops->read(pmu->priv, arb->cpu, idx);
	c->armed = next;
}

/* The strongest priority on counter @c; INT_MAX if a claim is pinned. */
int arb_ctr_top_prio(struct vpmc_counter *c)
{
	struct vpmc_claim *claim;
	int top = INT_MIN;

	hlist_for_each_entry(claim, &c->claims, cnode) {
		if (claim->flags & VPMC_F_PINNED)
			return INT_MAX;
		top = max(top, claim->prio);
	}
	return top;
}

/* === Claims === */

/* Call the callbacks an operation owes; the lock is dropped (rule 3). */
void arb_run_notify(struct list_head *notify)
{
	struct vpmc_claim *claim, *tmp;

	list_for_each_entry_safe(claim, tmp, notify, notify) {
		bool running = claim->state == VPMC_CLAIM_ACTIVE;

		list_del_init(&claim->notify);
		if (!claim_attached(claim) || running == claim->reported)
			continue;
		/* One that never had a counter has lost none (yet). */
		if (!running && !claim->held)
			continue;
		claim->reported = running;
		claim->preempted(claim, running);
	}
}

/* === Placement === */

/* __place() out of line, for all but the context switch. */
int arb_place(struct vpmc_pmu *pmu, struct vpmc_arbiter *arb,
	      struct vpmc_claim *claim, int *how)
{
	return __place(pmu, arb, claim, how);
}

/* Move every claim of counter @idx to the waiting list. */
void arb_ctr_evict(struct vpmc_pmu *pmu, struct vpmc_arbiter *arb,
		   unsigned int idx, struct list_head *notify)
{
	struct vpmc_counter *c = &arb->ctr[idx];
	struct vpmc_claim *claim, *tmp;
	struct hlist_node *next;
	LIST_HEAD(evicted);

	arb_assert_locked(arb);
	ctr_update(pmu, arb, idx);
	hlist_for_each_entry_safe(claim, next, &c->claims, cnode) {
		claim_times(claim);
		if (claim->started)
			claim_freeze(arb, claim);
		ctr_drop_claim(pmu, arb, claim, NULL);
		/* Newest first there: onto @evicted in reverse, oldest first. */
		list_add(&claim->node, &evicted);
	}
	list_for_each_entry_safe(claim, tmp, &evicted, node) {
		list_del(&claim->node);
		claim_wait(arb, claim);
		claim_notify(notify, claim);
	}
}

/* Give waiting claims counters, highest priority first, until none fits. */
void arb_rebalance(struct vpmc_pmu *pmu, struct vpmc_arbiter *arb,
		   struct list_head *notify)
{
	struct vpmc_claim *claim;
	int idx, how;

	arb_assert_locked(arb);
	/* A CPU going offline takes everyone off; nobody is placed. */
	if (!arb->online)
		return;
	/*
	 * Ends: each pass either shrinks the waiting list or replaces claims
	 * of a counter by a strictly stronger one, which raises the sorted
	 * list of active priorities; there are finitely many.
	 */
again:
	list_for_each_entry(claim, &arb->waiting, node) {
		idx = arb_place(pmu, arb, claim, &how);
		if (idx < 0)
			continue;
		list_del_init(&claim->node);
		if (how == PLACE_PREEMPT)
			arb_ctr_evict(pmu, arb, idx, notify);
		claim_place(pmu, arb, claim, idx, local_clock());
		claim_notify(notify, claim);
		goto again;
	}
}

/* claim_take_off(), then the waiting claims get what it freed. */
void arb_claim_remove(struct vpmc_pmu *pmu, struct vpmc_arbiter *arb,
		      struct vpmc_claim *claim, struct list_head *notify)
{
	claim_take_off(pmu, arb, claim, NULL);
	arb_rebalance(pmu, arb, notify);
}

void claim_event_put(struct vpmc_claim *claim)
{
	if (claim->evref && claim->pmu->ops->event_put)
		claim->pmu->ops->event_put(claim->pmu->priv, claim->cpu, claim->config);
	claim->evref = false;
}

int claim_event_get(struct vpmc_claim *claim)
{
	int ret = 0;

	if (claim->pmu->ops->event_get)
		ret = claim->pmu->ops->event_get(claim->pmu->priv, claim->cpu,
						claim->config);
	claim->evref = !ret;
	return ret;
}

void arb_claim_init(struct vpmc_claim *claim)
{
	claim->state = VPMC_CLAIM_DETACHED;
	claim->started = false;
	claim->reported = true;
	claim->dead = false;
	claim->held = false;
	claim->waited = false;
	claim->overdue = false;
	claim->evref = false;
	claim->saved = 0;
	claim->next = claim->period;
	claim->time_enabled = 0;
	claim->time_running = 0;
	INIT_LIST_HEAD(&claim->node);
	INIT_LIST_HEAD(&claim->notify);
	timerqueue_init(&claim->tq);
}

/* === Claims === */

static atomic_t arb_claim_ids = ATOMIC_INIT(0);

/**
 * vpmc_core_claim_init() - set what a new claim is
 * @claim: the claim, zeroed, not yet attached or given to a thread
 * @cfg: what it is; copied
 *
 * Context: any.
 */
void vpmc_core_claim_init(struct vpmc_claim *claim,
			  const struct vpmc_claim_cfg *cfg)
{
	claim->pmu = cfg->pmu;
	claim->cpu = cfg->cpu;
	claim->id = atomic_inc_return(&arb_claim_ids);
	claim->config = cfg->config;
	claim->prio = cfg->prio;
	claim->flags = cfg->flags;
	claim->allowed = cfg->allowed;
	claim->period = cfg->period;
	claim->overflow = cfg->overflow;
	claim->preempted = cfg->preempted;
	claim->hotplug = cfg->hotplug;
}

/**
 * vpmc_core_claim_init_child() - set what an inherited claim is
 * @child: the claim, zeroed, not yet given to a thread
 * @parent: the claim it inherits from
 * @cpu: the CPU its thread is on now
 *
 * The child counts @parent's event with its priority, flags, counters and
 * overflow and preemption callbacks; it has no period (inheriting claims
 * have none) and no hotplug callback (per-thread claims get none).
 *
 * Context: any.
 */
void vpmc_core_claim_init_child(struct vpmc_claim *child,
				const struct vpmc_claim *parent, int cpu)
{
	const struct vpmc_claim_cfg cfg = {
		.pmu = parent->pmu,
		.cpu = cpu,
		.config = parent->config,
		.prio = parent->prio,
		.flags = parent->flags,
		.allowed = parent->allowed,
		.overflow = parent->overflow,
		.preempted = parent->preempted,
	};

	vpmc_core_claim_init(child, &cfg);
}

/* === Building the arbiters === */

/* A fault-injection site (Documentation/testing.rst): it only allocates. */
static noinline struct vpmc_arbiter *arb_alloc(unsigned int n, int cpu)
{
	struct vpmc_arbiter *arb;

	return kzalloc_node(struct_size(arb, ctr, n), GFP_KERNEL, cpu_to_node(cpu));
}

ALLOW_ERROR_INJECTION(arb_alloc, NULL);

/* The arbiter of @cpu for @pmu, whose description is final; NULL: no memory. */
struct vpmc_arbiter *arb_cpu_create(struct vpmc_pmu *pmu, int cpu)
{
	unsigned int i, n = pmu->desc.num_counters;
	struct vpmc_arbiter *arb;

	arb = arb_alloc(n, cpu);
	if (!arb)
		return NULL;
	raw_spin_lock_init(&arb->lock);
	seqcount_raw_spinlock_init(&arb->seq, &arb->lock);
	arb->cpu = cpu;
	INIT_LIST_HEAD(&arb->waiting);
	INIT_LIST_HEAD(&arb->offline);
	INIT_LIST_HEAD(&arb->later);
	INIT_HLIST_NODE(&arb->park_node);
	arb->pmu = pmu;
	arb_overflow_init(arb);
	for (i = 0; i < n; i++) {
		INIT_HLIST_HEAD(&arb->ctr[i].claims);
		timerqueue_init_head(&arb->ctr[i].tq);
		arb->ctr[i].mask = GENMASK_ULL(pmu->desc.counters[i].width - 1, 0);
	}
	return arb;
}

/* Free an arbiter with no claims, once its backend is gone. */
void arb_cpu_destroy(struct vpmc_arbiter *arb)
{
	arb_overflow_exit(arb);
	kfree(arb);
}
