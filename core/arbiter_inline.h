/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The arbiter's hot helpers, inline: a context switch runs them for every
 * claim it takes off or places, and a call each would cost as much as its
 * work. Every one that changes arbiter state runs under its arbiter's lock
 * (rule 1 of core/arbiter.h) and says so with arb_assert_locked(). Only
 * core/ includes this.
 */
#ifndef _VPMC_CORE_ARBITER_INLINE_H
#define _VPMC_CORE_ARBITER_INLINE_H

#include <linux/bitops.h>
#include <linux/irq_work.h>
#include <linux/lockdep.h>
#include <linux/sched/clock.h>
#include <linux/smp.h>

#include "arbiter.h"

static inline struct vpmc_arbiter *claim_arb(struct vpmc_claim *claim)
{
	return claim->pmu->cpus[claim->cpu];
}

/*
 * Rule 1 of core/arbiter.h: @arb's lock is held, and on @arb's CPU while
 * vpmc has that CPU up (a CPU that is down for vpmc has its arbiter
 * locked from elsewhere: detach and read of its OFFLINE claims). Nothing
 * without CONFIG_LOCKDEP.
 */
static __always_inline void arb_assert_locked(struct vpmc_arbiter *arb)
{
	lockdep_assert_held(&arb->lock);
	/* Pairs with the WRITE_ONCE()s of core/hotplug.c. */
	if (IS_ENABLED(CONFIG_LOCKDEP))
		WARN_ON_ONCE(READ_ONCE(arb->online) &&
			     arb->cpu != raw_smp_processor_id());
}

static inline void arb_lock(struct vpmc_arbiter *arb)
	__acquires(&arb->lock)
{
	lockdep_assert_irqs_disabled();
	raw_spin_lock(&arb->lock);
	write_seqcount_begin(&arb->seq);
}

static inline void arb_unlock(struct vpmc_arbiter *arb)
	__releases(&arb->lock)
{
	write_seqcount_end(&arb->seq);
	raw_spin_unlock(&arb->lock);
}

/*
 * The helpers a context switch runs for every claim are inline (and so are
 * the ones it runs for every claim it places, below): the switch is their
 * hot path, and each call they would make costs as much as the work.
 */
static __always_inline void ctr_update(struct vpmc_pmu *pmu,
				       struct vpmc_arbiter *arb, unsigned int idx)
{
	struct vpmc_counter *c = &arb->ctr[idx];
	u64 raw = pmu->ops->read(pmu->priv, arb->cpu, idx);

	arb_assert_locked(arb);
	c->count += (raw - c->prev) & c->mask;
	c->prev = raw;
}

/*
 * Make counter @idx interrupt at its earliest threshold (or half range,
 * while it is throttled: vpmc_pmu_overflow()). A 64-bit counter with no
 * threshold and none programmed since it was enabled is left alone: its
 * half range is centuries away. A backend may then still interrupt early
 * for a period set before it was disabled; @force (after an interrupt)
 * reprograms it anyway, so that happens once. Inline: every switch-in
 * asks, and most answers are "leave it".
 */
static __always_inline void ctr_program(struct vpmc_pmu *pmu, struct vpmc_arbiter *arb,
					unsigned int idx, bool force)
{
	struct vpmc_counter *c = &arb->ctr[idx];
	struct timerqueue_node *next = timerqueue_getnext(&c->tq);

	if (unlikely(arb->throttled & BIT(idx)))
		next = NULL;
	if (!next && !c->armed && !force && c->mask == U64_MAX)
		return;
	arb_ctr_reprogram(pmu, arb, idx, next);
}

/* Disable a counter a context switch left enabled with no claim. */
static inline void ctr_unpark(struct vpmc_pmu *pmu, struct vpmc_arbiter *arb, unsigned int idx)
{
	arb_assert_locked(arb);
	__clear_bit(idx, &arb->parked);
	pmu->ops->disable(pmu->priv, arb->cpu, idx);
}

/*
 * Put @claim on counter @idx; true if the counter must be brought up to
 * date (ctr_update()) because it was counting for others. One this call
 * enabled is up to date; so is a parked one of the same event, which goes
 * on counting: it was updated when its last claim left, in the same context
 * switch, and the few events since go to @claim.
 */
static __always_inline bool ctr_add_claim(struct vpmc_pmu *pmu, struct vpmc_arbiter *arb,
					  unsigned int idx, struct vpmc_claim *claim)
{
	struct vpmc_counter *c = &arb->ctr[idx];
	bool counting = c->nr_claims, parked = false;

	arb_assert_locked(arb);
	if (test_bit(idx, &arb->parked)) {
		parked = c->config == claim->config;
		if (parked)
			__clear_bit(idx, &arb->parked);
		else
			ctr_unpark(pmu, arb, idx);
	}
	if (parked) {
		c->exclusive = claim->flags & VPMC_F_EXCLUSIVE;
	} else if (!counting) {
		c->config = claim->config;
		c->exclusive = claim->flags & VPMC_F_EXCLUSIVE;
		c->count = 0;
		c->armed = false;
		pmu->ops->enable(pmu->priv, arb->cpu, idx, c->config);
		c->prev = pmu->ops->read(pmu->priv, arb->cpu, idx);
	}
	if (!c->nr_claims++)
		__set_bit(idx, &arb->used);
	hlist_add_head(&claim->cnode, &c->claims);
	claim->state = VPMC_CLAIM_ACTIVE;
	claim->idx = idx;
	claim->held = true;
	claim->waited = false;
	return counting;
}

/*
 * Take @claim off its counter. The last claim's counter is disabled, or with
 * @sw parked: left counting for the rest of the context switch, which may
 * give it to the next thread's claim of the same event and otherwise
 * disables it at its end (switch_end()).
 */
static __always_inline void ctr_drop_claim(struct vpmc_pmu *pmu, struct vpmc_arbiter *arb,
					   struct vpmc_claim *claim,
				    struct vpmc_switch *sw)
{
	struct vpmc_counter *c = &arb->ctr[claim->idx];

	arb_assert_locked(arb);
	hlist_del_init(&claim->cnode);
	claim->state = VPMC_CLAIM_DETACHED;
	if (--c->nr_claims)
		return;
	__clear_bit(claim->idx, &arb->used);
	/* Its claims took their overdue thresholds along (claim_take_off()). */
	__clear_bit(claim->idx, &arb->catchup);
	WARN_ON_ONCE(timerqueue_getnext(&c->tq));
	if (!sw) {
		pmu->ops->disable(pmu->priv, arb->cpu, claim->idx);
		return;
	}
	__set_bit(claim->idx, &arb->parked);
	if (hlist_unhashed(&arb->park_node))
		hlist_add_head(&arb->park_node, &sw->parked);
}

static inline bool claim_counting(struct vpmc_claim *claim)
{
	return claim->state == VPMC_CLAIM_ACTIVE && claim->started;
}

/*
 * The claim's count now, from its counter's raw value; no update. Inline:
 * the lockless reads are its callers.
 */
static __always_inline u64 claim_count_live(struct vpmc_pmu *pmu,
					    struct vpmc_arbiter *arb,
					   struct vpmc_claim *claim)
{
	struct vpmc_counter *c = &arb->ctr[claim->idx];
	u64 raw;

	if (!claim_counting(claim))
		return claim->saved;
	raw = pmu->ops->read(pmu->priv, arb->cpu, claim->idx);
	return claim->saved + c->count + ((raw - c->prev) & c->mask) - claim->base;
}

/* The claim's count; its counter must have been updated. */
static inline u64 claim_count(struct vpmc_arbiter *arb, struct vpmc_claim *claim)
{
	if (!claim_counting(claim))
		return claim->saved;
	return claim->saved + arb->ctr[claim->idx].count - claim->base;
}

static inline bool claim_attached(const struct vpmc_claim *claim)
{
	return claim->state == VPMC_CLAIM_ACTIVE || claim->state == VPMC_CLAIM_WAITING;
}

/*
 * Times advance only while attached: a per-thread claim while its thread
 * runs. @now is local_clock(), or a context switch's one time for all its
 * claims.
 */
static __always_inline void claim_times_peek(const struct vpmc_claim *claim,
					     u64 now, u64 *enabled,
					    u64 *running)
{
	u64 delta = now - claim->tstamp;

	*enabled = claim->time_enabled;
	*running = claim->time_running;
	if (claim->started && claim_attached(claim)) {
		*enabled += delta;
		if (claim->state == VPMC_CLAIM_ACTIVE)
			*running += delta;
	}
}

/* claim_times_peek(), kept: the times are brought up to date at @now. */
static inline void claim_times_at(struct vpmc_claim *claim, u64 now)
{
	claim_times_peek(claim, now, &claim->time_enabled, &claim->time_running);
	claim->tstamp = now;
}

static inline void claim_times(struct vpmc_claim *claim)
{
	claim_times_at(claim, local_clock());
}

/* Stop accumulating: fold the counter's progress into @saved, disarm. */
static inline void claim_freeze(struct vpmc_arbiter *arb, struct vpmc_claim *claim)
{
	struct vpmc_counter *c = &arb->ctr[claim->idx];

	arb_assert_locked(arb);
	claim->saved += c->count - claim->base;
	if (timerqueue_node_queued(&claim->tq))
		timerqueue_del(&c->tq, &claim->tq);
}

/* Accumulate from the counter's current count; arm the next threshold. */
static inline void claim_thaw(struct vpmc_arbiter *arb, struct vpmc_claim *claim)
{
	struct vpmc_counter *c = &arb->ctr[claim->idx];

	arb_assert_locked(arb);
	claim->base = c->count;
	if (claim->period) {
		claim->tq.expires = (s64)(c->count + (claim->next - claim->saved));
		timerqueue_add(&c->tq, &claim->tq);
	}
}

/*
 * Queue @claim's preemption callback. It is owed only if, when it runs, the
 * claim is attached and its running state differs from the one last
 * reported.
 */
static inline void claim_notify(struct list_head *notify, struct vpmc_claim *claim)
{
	if (claim->preempted && list_empty(&claim->notify))
		list_add_tail(&claim->notify, notify);
}

/* From a context switch: leave the callbacks to this CPU's irq_work. */
static inline void defer_notify(struct vpmc_arbiter *arb, struct list_head *notify)
{
	if (list_empty(notify))
		return;
	list_splice_tail_init(notify, &arb->later);
	irq_work_queue(&arb->work);
}

enum { PLACE_SHARE, PLACE_FREE, PLACE_PREEMPT };

/*
 * Where @claim could go now: a counter index (and @how), or -EBUSY. The
 * counters are word-sized masks (@allowed, vpmc_arbiter.used and .parked), so
 * that for_each_set_bit() over BITS_PER_LONG is inline: a context switch
 * places every claim of the next thread through here.
 */
static __always_inline int __place(struct vpmc_pmu *pmu, struct vpmc_arbiter *arb,
				   struct vpmc_claim *claim, int *how)
{
	unsigned long used = claim->allowed & arb->used;
	unsigned long parked = claim->allowed & arb->parked, m;
	int idx, best = -1, best_prio = INT_MAX;
	int pass;

	arb_assert_locked(arb);
	if (!(claim->flags & VPMC_F_EXCLUSIVE)) {
		for_each_set_bit(idx, &used, BITS_PER_LONG) {
			struct vpmc_counter *c = &arb->ctr[idx];

			if (!c->exclusive && c->config == claim->config) {
				*how = PLACE_SHARE;
				return idx;
			}
		}
	}
	/*
	 * Free counters: one a context switch parked on the same event (it
	 * goes on counting), fixed ones, general ones, then other parked ones.
	 */
	*how = PLACE_FREE;
	for_each_set_bit(idx, &parked, BITS_PER_LONG)
		if (arb->ctr[idx].config == claim->config)
			return idx;
	m = claim->allowed & ~arb->used & ~arb->parked;
	for (pass = 0; pass < 2; pass++) {
		enum vpmc_counter_kind kind = pass ? VPMC_COUNTER_GENERAL :
						     VPMC_COUNTER_FIXED;

		for_each_set_bit(idx, &m, BITS_PER_LONG)
			if (pmu->desc.counters[idx].kind == kind)
				return idx;
	}
	if (parked)
		return __ffs(parked);
	for_each_set_bit(idx, &used, BITS_PER_LONG) {
		int top = arb_ctr_top_prio(&arb->ctr[idx]);

		if (top < claim->prio && top < best_prio) {
			best = idx;
			best_prio = top;
		}
	}
	if (best < 0)
		return -EBUSY;
	*how = PLACE_PREEMPT;
	return best;
}

/*
 * __place() for a context switch: when the counter @claim last had is one
 * the previous thread left parked on the same event, not exclusive, it
 * goes there without the search. That is what __place() answers: sharing
 * would come first, but a non-exclusive counter of an event is the only
 * one counting it that is not exclusive, used or parked (placing shares
 * the one there is before taking another; vpmc_pmu_check() asserts it),
 * so there is no other to share; and a parked counter of the event comes
 * before any free one.
 */
static __always_inline int switch_place(struct vpmc_pmu *pmu, struct vpmc_arbiter *arb,
					struct vpmc_claim *claim, int *how)
{
	unsigned int idx = claim->idx;

	if (idx < BITS_PER_LONG && (arb->parked & claim->allowed & BIT(idx)) &&
	    arb->ctr[idx].config == claim->config && !arb->ctr[idx].exclusive) {
		*how = PLACE_FREE;
		return idx;
	}
	return __place(pmu, arb, claim, how);
}

/* Off the waiting or offline list it is on: DETACHED. */
static inline void claim_unlist(struct vpmc_claim *claim)
{
	list_del_init(&claim->node);
	claim->state = VPMC_CLAIM_DETACHED;
}

/*
 * What a read of @claim answers with its value: -EBUSY while preempted (a
 * per-thread claim off-CPU: if it was when its thread left), -ENODEV while
 * its CPU is offline.
 */
static inline int claim_read_errno(const struct vpmc_claim *claim)
{
	if (claim->state == VPMC_CLAIM_WAITING ||
	    (claim->state == VPMC_CLAIM_DETACHED && claim->waited))
		return -EBUSY;
	if (claim->state == VPMC_CLAIM_OFFLINE)
		return -ENODEV;
	return 0;
}

static inline void claim_wait(struct vpmc_arbiter *arb, struct vpmc_claim *claim)
{
	struct vpmc_claim *pos;

	arb_assert_locked(arb);
	list_for_each_entry(pos, &arb->waiting, node)
		if (pos->prio < claim->prio)
			break;
	/* Before the first weaker one: by priority, then by age. */
	list_add_tail(&claim->node, &pos->node);
	claim->state = VPMC_CLAIM_WAITING;
	claim->waited = true;
}

static __always_inline void claim_place(struct vpmc_pmu *pmu, struct vpmc_arbiter *arb,
					struct vpmc_claim *claim, unsigned int idx,
				       u64 now)
{
	claim_times_at(claim, now);
	if (ctr_add_claim(pmu, arb, idx, claim))
		ctr_update(pmu, arb, idx);
	if (claim->started)
		claim_thaw(arb, claim);
	ctr_program(pmu, arb, idx, false);
}

/* A context switch's one time for all its claims, read when first needed. */
static inline u64 switch_now(struct vpmc_switch *sw)
{
	if (!sw->now)
		sw->now = local_clock();
	return sw->now;
}

/*
 * Take an attached claim off its arbiter, keeping its count; lock held. The
 * waiting claims are not placed yet: arb_rebalance() is owed. With @sw (a
 * context switch), a counter it leaves without claims is parked (ctr_drop_claim()).
 */
static __always_inline void claim_take_off(struct vpmc_pmu *pmu,
					   struct vpmc_arbiter *arb,
					  struct vpmc_claim *claim,
					  struct vpmc_switch *sw)
{
	unsigned int idx = claim->idx;

	arb_assert_locked(arb);
	if (WARN_ON_ONCE(claim->state == VPMC_CLAIM_DETACHED))
		return;
	claim_times_at(claim, sw ? switch_now(sw) : local_clock());
	if (claim->state == VPMC_CLAIM_ACTIVE) {
		ctr_update(pmu, arb, idx);
		if (claim->started) {
			claim_freeze(arb, claim);
			/*
			 * Its threshold passed while throttled (or before the
			 * catch-up fired): it catches up wherever it goes.
			 */
			if (unlikely((arb->throttled | arb->catchup) & BIT(idx)) &&
			    claim->period && (s64)(claim->saved - claim->next) >= 0)
				claim->overdue = true;
		}
		ctr_drop_claim(pmu, arb, claim, sw);
		if (arb->ctr[idx].nr_claims)
			ctr_program(pmu, arb, idx, false);
	} else {
		claim_unlist(claim);
	}
	if (!list_empty(&claim->notify))
		list_del_init(&claim->notify);
	arb->nr_claims--;
}

#endif /* _VPMC_CORE_ARBITER_INLINE_H */
