/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The arbiter's hot helpers, inline: a context switch runs them for every
 * user it takes off or places, and a call each would cost as much as its
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

static inline struct vpmc_cpu *user_cpu(struct vpmc_user *user)
{
	return user->pmu->cpus[user->cpu];
}

/*
 * Rule 1 of core/arbiter.h: @vc's lock is held, and on @vc's CPU while
 * vpmc has that CPU up (a CPU that is down for vpmc has its arbiter
 * locked from elsewhere: detach and read of its OFFLINE users). Nothing
 * without CONFIG_LOCKDEP.
 */
static __always_inline void arb_assert_locked(struct vpmc_cpu *vc)
{
	lockdep_assert_held(&vc->lock);
	if (IS_ENABLED(CONFIG_LOCKDEP))
		WARN_ON_ONCE(READ_ONCE(vc->online) &&
			     vc->cpu != raw_smp_processor_id());
}

static inline void vc_lock(struct vpmc_cpu *vc)
	__acquires(&vc->lock)
{
	lockdep_assert_irqs_disabled();
	raw_spin_lock(&vc->lock);
	write_seqcount_begin(&vc->seq);
}

static inline void vc_unlock(struct vpmc_cpu *vc)
	__releases(&vc->lock)
{
	write_seqcount_end(&vc->seq);
	raw_spin_unlock(&vc->lock);
}

/*
 * The helpers a context switch runs for every user are inline (and so are
 * the ones it runs for every user it places, below): the switch is their
 * hot path, and each call they would make costs as much as the work.
 */
static __always_inline void ctr_update(struct vpmc_pmu *pmu, struct vpmc_cpu *vc, unsigned int idx)
{
	struct vpmc_counter *c = &vc->ctr[idx];
	u64 raw = pmu->ops->read(pmu->priv, vc->cpu, idx);

	arb_assert_locked(vc);
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
static __always_inline void ctr_program(struct vpmc_pmu *pmu, struct vpmc_cpu *vc,
					unsigned int idx, bool force)
{
	struct vpmc_counter *c = &vc->ctr[idx];
	struct timerqueue_node *next = timerqueue_getnext(&c->tq);

	if (unlikely(vc->throttled & BIT(idx)))
		next = NULL;
	if (!next && !c->armed && !force && c->mask == U64_MAX)
		return;
	arb_ctr_reprogram(pmu, vc, idx, next);
}

/* Disable a counter a context switch left enabled with no user. */
static inline void ctr_unpark(struct vpmc_pmu *pmu, struct vpmc_cpu *vc, unsigned int idx)
{
	arb_assert_locked(vc);
	__clear_bit(idx, &vc->parked);
	pmu->ops->disable(pmu->priv, vc->cpu, idx);
}

/*
 * Put @user on counter @idx; true if the counter must be brought up to
 * date (ctr_update()) because it was counting for others. One this call
 * enabled is up to date; so is a parked one of the same event, which goes
 * on counting: it was updated when its last user left, in the same context
 * switch, and the few events since go to @user.
 */
static __always_inline bool ctr_get(struct vpmc_pmu *pmu, struct vpmc_cpu *vc,
				    unsigned int idx, struct vpmc_user *user)
{
	struct vpmc_counter *c = &vc->ctr[idx];
	bool counting = c->nr_users, parked = false;

	arb_assert_locked(vc);
	if (test_bit(idx, &vc->parked)) {
		parked = c->config == user->config;
		if (parked)
			__clear_bit(idx, &vc->parked);
		else
			ctr_unpark(pmu, vc, idx);
	}
	if (parked) {
		c->exclusive = user->flags & VPMC_F_EXCLUSIVE;
	} else if (!counting) {
		c->config = user->config;
		c->exclusive = user->flags & VPMC_F_EXCLUSIVE;
		c->count = 0;
		c->armed = false;
		pmu->ops->enable(pmu->priv, vc->cpu, idx, c->config);
		c->prev = pmu->ops->read(pmu->priv, vc->cpu, idx);
	}
	if (!c->nr_users++)
		__set_bit(idx, &vc->used);
	hlist_add_head(&user->cnode, &c->users);
	user->state = VPMC_USER_ACTIVE;
	user->idx = idx;
	user->held = true;
	user->waited = false;
	return counting;
}

/*
 * Take @user off its counter. The last user's counter is disabled, or with
 * @sw parked: left counting for the rest of the context switch, which may
 * give it to the next thread's user of the same event and otherwise
 * disables it at its end (switch_end()).
 */
static __always_inline void ctr_put(struct vpmc_pmu *pmu, struct vpmc_cpu *vc,
				    struct vpmc_user *user,
				    struct vpmc_switch *sw)
{
	struct vpmc_counter *c = &vc->ctr[user->idx];

	arb_assert_locked(vc);
	hlist_del_init(&user->cnode);
	user->state = VPMC_USER_DETACHED;
	if (--c->nr_users)
		return;
	__clear_bit(user->idx, &vc->used);
	/* Its users took their overdue thresholds along (user_take_off()). */
	__clear_bit(user->idx, &vc->catchup);
	WARN_ON_ONCE(timerqueue_getnext(&c->tq));
	if (!sw) {
		pmu->ops->disable(pmu->priv, vc->cpu, user->idx);
		return;
	}
	__set_bit(user->idx, &vc->parked);
	if (hlist_unhashed(&vc->park_node))
		hlist_add_head(&vc->park_node, &sw->parked);
}

static inline bool user_counting(struct vpmc_user *user)
{
	return user->state == VPMC_USER_ACTIVE && user->started;
}

/*
 * The user's count now, from its counter's raw value; no update. Inline:
 * the lockless reads are its callers.
 */
static __always_inline u64 user_count_live(struct vpmc_pmu *pmu,
					   struct vpmc_cpu *vc,
					   struct vpmc_user *user)
{
	struct vpmc_counter *c = &vc->ctr[user->idx];
	u64 raw;

	if (!user_counting(user))
		return user->saved;
	raw = pmu->ops->read(pmu->priv, vc->cpu, user->idx);
	return user->saved + c->count + ((raw - c->prev) & c->mask) - user->base;
}

/* The user's count; its counter must have been updated. */
static inline u64 user_count(struct vpmc_cpu *vc, struct vpmc_user *user)
{
	if (!user_counting(user))
		return user->saved;
	return user->saved + vc->ctr[user->idx].count - user->base;
}

static inline bool user_attached(const struct vpmc_user *user)
{
	return user->state == VPMC_USER_ACTIVE || user->state == VPMC_USER_WAITING;
}

/*
 * Times advance only while attached: a per-thread user while its thread
 * runs. @now is local_clock(), or a context switch's one time for all its
 * users.
 */
static __always_inline void user_times_peek(const struct vpmc_user *user,
					    u64 now, u64 *enabled,
					    u64 *running)
{
	u64 delta = now - user->tstamp;

	*enabled = user->time_enabled;
	*running = user->time_running;
	if (user->started && user_attached(user)) {
		*enabled += delta;
		if (user->state == VPMC_USER_ACTIVE)
			*running += delta;
	}
}

/* user_times_peek(), kept: the times are brought up to date at @now. */
static inline void user_times_at(struct vpmc_user *user, u64 now)
{
	user_times_peek(user, now, &user->time_enabled, &user->time_running);
	user->tstamp = now;
}

static inline void user_times(struct vpmc_user *user)
{
	user_times_at(user, local_clock());
}

/* Stop accumulating: fold the counter's progress into @saved, disarm. */
static inline void user_freeze(struct vpmc_cpu *vc, struct vpmc_user *user)
{
	struct vpmc_counter *c = &vc->ctr[user->idx];

	arb_assert_locked(vc);
	user->saved += c->count - user->base;
	if (timerqueue_node_queued(&user->tq))
		timerqueue_del(&c->tq, &user->tq);
}

/* Accumulate from the counter's current count; arm the next threshold. */
static inline void user_thaw(struct vpmc_cpu *vc, struct vpmc_user *user)
{
	struct vpmc_counter *c = &vc->ctr[user->idx];

	arb_assert_locked(vc);
	user->base = c->count;
	if (user->period) {
		user->tq.expires = (s64)(c->count + (user->next - user->saved));
		timerqueue_add(&c->tq, &user->tq);
	}
}

/*
 * Queue @user's preemption callback. It is owed only if, when it runs, the
 * user is attached and its running state differs from the one last
 * reported.
 */
static inline void user_notify(struct list_head *notify, struct vpmc_user *user)
{
	if (user->preempted && list_empty(&user->notify))
		list_add_tail(&user->notify, notify);
}

/* From a context switch: leave the callbacks to this CPU's irq_work. */
static inline void defer_notify(struct vpmc_cpu *vc, struct list_head *notify)
{
	if (list_empty(notify))
		return;
	list_splice_tail_init(notify, &vc->later);
	irq_work_queue(&vc->work);
}

enum { PLACE_SHARE, PLACE_FREE, PLACE_PREEMPT };

/*
 * Where @user could go now: a counter index (and @how), or -EBUSY. The
 * counters are word-sized masks (@allowed, vpmc_cpu.used and .parked), so
 * that for_each_set_bit() over BITS_PER_LONG is inline: a context switch
 * places every user of the next thread through here.
 */
static __always_inline int __place(struct vpmc_pmu *pmu, struct vpmc_cpu *vc,
				   struct vpmc_user *user, int *how)
{
	unsigned long used = user->allowed & vc->used;
	unsigned long parked = user->allowed & vc->parked, m;
	int idx, best = -1, best_prio = INT_MAX;
	int pass;

	arb_assert_locked(vc);
	if (!(user->flags & VPMC_F_EXCLUSIVE)) {
		for_each_set_bit(idx, &used, BITS_PER_LONG) {
			struct vpmc_counter *c = &vc->ctr[idx];

			if (!c->exclusive && c->config == user->config) {
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
		if (vc->ctr[idx].config == user->config)
			return idx;
	m = user->allowed & ~vc->used & ~vc->parked;
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
		int top = arb_ctr_top_prio(&vc->ctr[idx]);

		if (top < user->prio && top < best_prio) {
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
 * __place() for a context switch: when the counter @user last had is one
 * the previous thread left parked on the same event, not exclusive, it
 * goes there without the search. That is what __place() answers: sharing
 * would come first, but a non-exclusive counter of an event is the only
 * one counting it that is not exclusive, used or parked (placing shares
 * the one there is before taking another; vpmc_pmu_check() asserts it),
 * so there is no other to share; and a parked counter of the event comes
 * before any free one.
 */
static __always_inline int switch_place(struct vpmc_pmu *pmu, struct vpmc_cpu *vc,
					struct vpmc_user *user, int *how)
{
	unsigned int idx = user->idx;

	if (idx < BITS_PER_LONG && (vc->parked & user->allowed & BIT(idx)) &&
	    vc->ctr[idx].config == user->config && !vc->ctr[idx].exclusive) {
		*how = PLACE_FREE;
		return idx;
	}
	return __place(pmu, vc, user, how);
}

/* Off the waiting or offline list it is on: DETACHED. */
static inline void user_unlist(struct vpmc_user *user)
{
	list_del_init(&user->node);
	user->state = VPMC_USER_DETACHED;
}

/*
 * What a read of @user answers with its value: -EBUSY while preempted (a
 * per-thread user off-CPU: if it was when its thread left), -ENODEV while
 * its CPU is offline.
 */
static inline int user_read_errno(const struct vpmc_user *user)
{
	if (user->state == VPMC_USER_WAITING ||
	    (user->state == VPMC_USER_DETACHED && user->waited))
		return -EBUSY;
	if (user->state == VPMC_USER_OFFLINE)
		return -ENODEV;
	return 0;
}

static inline void user_wait(struct vpmc_cpu *vc, struct vpmc_user *user)
{
	struct vpmc_user *pos;

	arb_assert_locked(vc);
	list_for_each_entry(pos, &vc->waiting, node)
		if (pos->prio < user->prio)
			break;
	/* Before the first weaker one: by priority, then by age. */
	list_add_tail(&user->node, &pos->node);
	user->state = VPMC_USER_WAITING;
	user->waited = true;
}

static __always_inline void user_place(struct vpmc_pmu *pmu, struct vpmc_cpu *vc,
				       struct vpmc_user *user, unsigned int idx,
				       u64 now)
{
	user_times_at(user, now);
	if (ctr_get(pmu, vc, idx, user))
		ctr_update(pmu, vc, idx);
	if (user->started)
		user_thaw(vc, user);
	ctr_program(pmu, vc, idx, false);
}

/* A context switch's one time for all its users, read when first needed. */
static inline u64 switch_now(struct vpmc_switch *sw)
{
	if (!sw->now)
		sw->now = local_clock();
	return sw->now;
}

/*
 * Take an attached user off its arbiter, keeping its count; lock held. The
 * waiting users are not placed yet: arb_rebalance() is owed. With @sw (a
 * context switch), a counter it leaves without users is parked (ctr_put()).
 */
static __always_inline void user_take_off(struct vpmc_pmu *pmu,
					  struct vpmc_cpu *vc,
					  struct vpmc_user *user,
					  struct vpmc_switch *sw)
{
	unsigned int idx = user->idx;

	arb_assert_locked(vc);
	if (WARN_ON_ONCE(user->state == VPMC_USER_DETACHED))
		return;
	user_times_at(user, sw ? switch_now(sw) : local_clock());
	if (user->state == VPMC_USER_ACTIVE) {
		ctr_update(pmu, vc, idx);
		if (user->started) {
			user_freeze(vc, user);
			/*
			 * Its threshold passed while throttled (or before the
			 * catch-up fired): it catches up wherever it goes.
			 */
			if (unlikely((vc->throttled | vc->catchup) & BIT(idx)) &&
			    user->period && (s64)(user->saved - user->next) >= 0)
				user->overdue = true;
		}
		ctr_put(pmu, vc, user, sw);
		if (vc->ctr[idx].nr_users)
			ctr_program(pmu, vc, idx, false);
	} else {
		user_unlist(user);
	}
	if (!list_empty(&user->notify))
		list_del_init(&user->notify);
	vc->nr_users--;
}

#endif /* _VPMC_CORE_ARBITER_INLINE_H */
