// SPDX-License-Identifier: GPL-2.0-only
/*
 * The physical-PMC arbiter: which user holds which counter of each CPU,
 * who waits, and when each counter must next interrupt.
 *
 * Placement of a user (place()), in order:
 *  1. share a counter already counting the same event (neither EXCLUSIVE);
 *  2. take a free allowed counter, fixed counters first (within a context
 *     switch, one the previous thread left counting the same event before
 *     any: see vpmc_core_switch_begin());
 *  3. preempt the allowed counter whose strongest user is weakest, if every
 *     user on it has a strictly lower priority and none is PINNED; its
 *     users move to the waiting list.
 * After every change, waiting users are placed again, highest priority
 * first (rebalance()), so no waiting user could run on a counter held by a
 * lower priority.
 *
 * Counts: each counter's raw value is extended to a 64-bit count by
 * ctr_update(); a user's count is the counter's progress since it started
 * counting (@base) plus what it had before (@saved).
 *
 * Overflow thresholds are kept like timers: each started user with a period
 * has its next threshold, in its counter's 64-bit count, in the counter's
 * timerqueue. The counter is programmed to interrupt at the earliest one,
 * or at half its range when there is none, so no wrap is ever missed. A
 * 64-bit counter cannot wrap in practice: one with no threshold is left as
 * it is (ctr_program()), which spares a context switch reprogramming
 * counters nobody asked an overflow of.
 *
 * Locking: the rules are written once, above struct vpmc_cpu in
 * core/arbiter.h; vc_lock() and the seqcount assert them.
 */
#define pr_fmt(fmt) "vpmc: " fmt

#include <linux/bitops.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/export.h>
#include <linux/hardirq.h>
#include <linux/lockdep.h>
#include <linux/rcupdate.h>
#include <linux/sched/clock.h>
#include <linux/seq_file.h>
#include <linux/smp.h>
#include <linux/time64.h>

#include "arbiter.h"

/* Bound on callbacks per interrupt; the rest fire at the next event. */
#define VPMC_MAX_FIRES	256

/* The window in which overflow dispatch may take vpmc_pmu.ovf_pct. */
#define VPMC_OVF_WINDOW_NS	NSEC_PER_MSEC

struct vpmc_call {
	struct vpmc_user *user;
	u64 arg;
	struct vpmc_value *value;
	int ret;
	bool moved;
	smp_call_func_t fn;
	const struct vpmc_swap_op *ops;		/* vpmc_core_swap() */
	unsigned int nr;
	struct vpmc_user *(*user_of)(struct vpmc *vpmc);
};

static struct vpmc_cpu *user_cpu(struct vpmc_user *user)
{
	return user->pmu->cpus[user->cpu];
}

static void vc_lock(struct vpmc_cpu *vc)
	__acquires(&vc->lock)
{
	lockdep_assert_irqs_disabled();
	raw_spin_lock(&vc->lock);
	write_seqcount_begin(&vc->seq);
}

static void vc_unlock(struct vpmc_cpu *vc)
	__releases(&vc->lock)
{
	write_seqcount_end(&vc->seq);
	raw_spin_unlock(&vc->lock);
}

/**
 * vpmc_pmu_call() - run @fn on @cpu with interrupts disabled
 * @cpu: the CPU
 * @fn: the function
 * @info: its argument
 *
 * Context: any but NMI when @cpu is the current CPU; otherwise process or
 * softirq context with interrupts enabled.
 * Return: 0, -ENODEV if @cpu is offline, -EINVAL if called from a context
 * that cannot reach @cpu.
 */
int vpmc_pmu_call(int cpu, smp_call_func_t fn, void *info)
{
	unsigned long flags;
	int ret = 0;

	if (in_nmi())
		return -EINVAL;
	if (cpu == get_cpu()) {
		local_irq_save(flags);
		fn(info);
		local_irq_restore(flags);
	} else if (irqs_disabled()) {
		ret = -EINVAL;
	} else if (smp_call_function_single(cpu, fn, info, 1)) {
		ret = -ENODEV;
	}
	put_cpu();
	return ret;
}
EXPORT_SYMBOL_NS_GPL(vpmc_pmu_call, VPMC_INTERNAL);

/* === Counters === */

/*
 * The helpers a context switch runs for every user are inline (and so are
 * the ones it runs for every user it places, below): the switch is their
 * hot path, and each call they would make costs as much as the work.
 */
static __always_inline void ctr_update(struct vpmc_pmu *pmu, struct vpmc_cpu *vc, unsigned int idx)
{
	struct vpmc_counter *c = &vc->ctr[idx];
	u64 raw = pmu->ops->read(pmu->priv, vc->cpu, idx);

	c->count += (raw - c->prev) & c->mask;
	c->prev = raw;
}

/* Program counter @idx for threshold @next, or half its range if NULL. */
static void ctr_reprogram(struct vpmc_pmu *pmu, struct vpmc_cpu *vc, unsigned int idx,
			  struct timerqueue_node *next)
{
	struct vpmc_counter *c = &vc->ctr[idx];
	u64 dist = c->mask >> 1;

	ctr_update(pmu, vc, idx);
	if (next) {
		s64 left = next->expires - (s64)c->count;

		/* Overdue (the interrupt skidded): fire at the next event. */
		if (left < 1)
			left = 1;
		dist = min_t(u64, dist, left);
	}
	pmu->ops->set_period(pmu->priv, vc->cpu, idx, dist);
	c->prev = pmu->ops->read(pmu->priv, vc->cpu, idx);
	c->armed = next;
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
	ctr_reprogram(pmu, vc, idx, next);
}

/* Disable a counter a context switch left enabled with no user. */
static void ctr_unpark(struct vpmc_pmu *pmu, struct vpmc_cpu *vc, unsigned int idx)
{
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
 * disables it at its end (vpmc_core_switch_end()).
 */
static __always_inline void ctr_put(struct vpmc_pmu *pmu, struct vpmc_cpu *vc,
				    struct vpmc_user *user,
				    struct vpmc_switch *sw)
{
	struct vpmc_counter *c = &vc->ctr[user->idx];

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

/* The strongest priority on counter @c; INT_MAX if a user is pinned. */
static int ctr_top_prio(struct vpmc_counter *c)
{
	struct vpmc_user *user;
	int top = INT_MIN;

	hlist_for_each_entry(user, &c->users, cnode) {
		if (user->flags & VPMC_F_PINNED)
			return INT_MAX;
		top = max(top, user->prio);
	}
	return top;
}

/* === Users === */

static bool user_counting(struct vpmc_user *user)
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
static u64 user_count(struct vpmc_cpu *vc, struct vpmc_user *user)
{
	if (!user_counting(user))
		return user->saved;
	return user->saved + vc->ctr[user->idx].count - user->base;
}

static bool user_attached(struct vpmc_user *user)
{
	return user->state == VPMC_USER_ACTIVE || user->state == VPMC_USER_WAITING;
}

/*
 * Times advance only while attached: a per-thread user while its thread
 * runs. @now is local_clock(), or a context switch's one time for all its
 * users.
 */
static void user_times_at(struct vpmc_user *user, u64 now)
{
	u64 delta = now - user->tstamp;

	if (user->started && user_attached(user)) {
		user->time_enabled += delta;
		if (user->state == VPMC_USER_ACTIVE)
			user->time_running += delta;
	}
	user->tstamp = now;
}

static void user_times(struct vpmc_user *user)
{
	user_times_at(user, local_clock());
}

/* Stop accumulating: fold the counter's progress into @saved, disarm. */
static void user_freeze(struct vpmc_cpu *vc, struct vpmc_user *user)
{
	struct vpmc_counter *c = &vc->ctr[user->idx];

	user->saved += c->count - user->base;
	if (!RB_EMPTY_NODE(&user->tq.node)) {
		timerqueue_del(&c->tq, &user->tq);
		RB_CLEAR_NODE(&user->tq.node);
	}
}

/* Accumulate from the counter's current count; arm the next threshold. */
static void user_thaw(struct vpmc_cpu *vc, struct vpmc_user *user)
{
	struct vpmc_counter *c = &vc->ctr[user->idx];

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
static void user_notify(struct list_head *notify, struct vpmc_user *user)
{
	if (user->preempted && list_empty(&user->notify))
		list_add_tail(&user->notify, notify);
}

/* Call the callbacks an operation owes; the lock is dropped (rule 3). */
static void run_notify(struct list_head *notify)
{
	struct vpmc_user *user, *tmp;

	list_for_each_entry_safe(user, tmp, notify, notify) {
		bool running = user->state == VPMC_USER_ACTIVE;

		list_del_init(&user->notify);
		if (!user_attached(user) || running == user->reported)
			continue;
		/* One that never had a counter has lost none (yet). */
		if (!running && !user->held)
			continue;
		user->reported = running;
		user->preempted(user, running);
	}
}

/* From a context switch: leave the callbacks to this CPU's irq_work. */
static void defer_notify(struct vpmc_cpu *vc, struct list_head *notify)
{
	if (list_empty(notify))
		return;
	list_splice_tail_init(notify, &vc->later);
	irq_work_queue(&vc->work);
}

/* === Placement === */

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
		int top = ctr_top_prio(&vc->ctr[idx]);

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

/* __place() out of line, for all but the context switch. */
static int place(struct vpmc_pmu *pmu, struct vpmc_cpu *vc,
		 struct vpmc_user *user, int *how)
{
	return __place(pmu, vc, user, how);
}

static void user_wait(struct vpmc_cpu *vc, struct vpmc_user *user)
{
	struct vpmc_user *pos;

	list_for_each_entry(pos, &vc->waiting, node)
		if (pos->prio < user->prio)
			break;
	/* Before the first weaker one: by priority, then by age. */
	list_add_tail(&user->node, &pos->node);
	user->state = VPMC_USER_WAITING;
	user->waited = true;
}

/* Move every user of counter @idx to the waiting list. */
static void ctr_evict(struct vpmc_pmu *pmu, struct vpmc_cpu *vc, unsigned int idx,
		      struct list_head *notify)
{
	struct vpmc_counter *c = &vc->ctr[idx];
	struct vpmc_user *user, *tmp;
	struct hlist_node *next;
	LIST_HEAD(evicted);

	ctr_update(pmu, vc, idx);
	hlist_for_each_entry_safe(user, next, &c->users, cnode) {
		user_times(user);
		if (user->started)
			user_freeze(vc, user);
		ctr_put(pmu, vc, user, NULL);
		/* Newest first there: onto @evicted in reverse, oldest first. */
		list_add(&user->node, &evicted);
	}
	list_for_each_entry_safe(user, tmp, &evicted, node) {
		list_del(&user->node);
		user_wait(vc, user);
		user_notify(notify, user);
	}
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

/* Give waiting users counters, highest priority first, until none fits. */
static void rebalance(struct vpmc_pmu *pmu, struct vpmc_cpu *vc,
		      struct list_head *notify)
{
	struct vpmc_user *user;
	int idx, how;

	/* A CPU going offline takes everyone off; nobody is placed. */
	if (!vc->online)
		return;
	/*
	 * Ends: each pass either shrinks the waiting list or replaces users
	 * of a counter by a strictly stronger one, which raises the sorted
	 * list of active priorities; there are finitely many.
	 */
again:
	list_for_each_entry(user, &vc->waiting, node) {
		idx = place(pmu, vc, user, &how);
		if (idx < 0)
			continue;
		list_del_init(&user->node);
		if (how == PLACE_PREEMPT)
			ctr_evict(pmu, vc, idx, notify);
		user_place(pmu, vc, user, idx, local_clock());
		user_notify(notify, user);
		goto again;
	}
}

/* === Operations, each run on the user's CPU === */

static void __attach(void *info)
{
	struct vpmc_call *call = info;
	struct vpmc_user *user = call->user;
	struct vpmc_pmu *pmu = user->pmu;
	struct vpmc_cpu *vc = user_cpu(user);
	LIST_HEAD(notify);
	int idx, how;

	vc_lock(vc);
	idx = vc->online ? place(pmu, vc, user, &how) : -ENODEV;
	if (idx < 0) {
		/* Nothing was changed: place() only looks. */
		vc_unlock(vc);
		call->ret = idx;
		return;
	}
	user->tstamp = local_clock();
	if (how == PLACE_PREEMPT)
		ctr_evict(pmu, vc, idx, &notify);
	user_place(pmu, vc, user, idx, user->tstamp);
	vc->nr_users++;
	rebalance(pmu, vc, &notify);
	vc_unlock(vc);
	run_notify(&notify);
	call->ret = 0;
}

/* A context switch's one time for all its users, read when first needed. */
static u64 switch_now(struct vpmc_switch *sw)
{
	if (!sw->now)
		sw->now = local_clock();
	return sw->now;
}

/*
 * Take an attached user off its arbiter, keeping its count; lock held. The
 * waiting users are not placed yet: rebalance() is owed. With @sw (a
 * context switch), a counter it leaves without users is parked (ctr_put()).
 */
static __always_inline void user_take_off(struct vpmc_pmu *pmu,
					  struct vpmc_cpu *vc,
					  struct vpmc_user *user,
					  struct vpmc_switch *sw)
{
	unsigned int idx = user->idx;

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
		list_del_init(&user->node);
		user->state = VPMC_USER_DETACHED;
	}
	if (!list_empty(&user->notify))
		list_del_init(&user->notify);
	vc->nr_users--;
}

/* user_take_off(), then the waiting users get what it freed. */
static void user_remove(struct vpmc_pmu *pmu, struct vpmc_cpu *vc,
			struct vpmc_user *user, struct list_head *notify)
{
	user_take_off(pmu, vc, user, NULL);
	rebalance(pmu, vc, notify);
}

static void __detach(void *info)
{
	struct vpmc_call *call = info;
	struct vpmc_user *user = call->user;
	struct vpmc_cpu *vc = user_cpu(user);
	LIST_HEAD(notify);

	vc_lock(vc);
	if (user->state == VPMC_USER_OFFLINE) {
		/* Its CPU is down: nothing of it is on the counters. */
		list_del_init(&user->node);
		user->state = VPMC_USER_DETACHED;
	} else if (user->state != VPMC_USER_DETACHED) {
		user_remove(user->pmu, vc, user, &notify);
	}
	vc_unlock(vc);
	run_notify(&notify);
}

/*
 * Run @op with what guards @user's arbiter fields: its CPU's arbiter lock
 * (@vc), or nothing more than its thread's lock, which the caller holds,
 * for a per-thread user that is not attached (rule 5; @vc is then NULL).
 */
static void user_locked(struct vpmc_call *call,
			void (*op)(struct vpmc_cpu *vc, struct vpmc_call *call))
{
	struct vpmc_user *user = call->user;
	struct vpmc_cpu *vc;

	if (user->tlock) {
		lockdep_assert_held(user->tlock);
		if (user->state == VPMC_USER_DETACHED) {
			op(NULL, call);
			return;
		}
	}
	vc = user_cpu(user);
	vc_lock(vc);
	/*
	 * A system-wide user is DETACHED only once vpmc_core_detach() took it
	 * off (its memory lasts a grace period longer: vpmc/api.c), so a
	 * callback still holding it gets -ENODEV, and nothing changes.
	 */
	if (!user->tlock && user->state == VPMC_USER_DETACHED)
		call->ret = -ENODEV;
	else
		op(vc, call);
	vc_unlock(vc);
}

static void op_start(struct vpmc_cpu *vc, struct vpmc_call *call)
{
	struct vpmc_user *user = call->user;

	user_times(user);
	if (!user->started) {
		user->started = true;
		if (user->state == VPMC_USER_ACTIVE) {
			ctr_update(user->pmu, vc, user->idx);
			user_thaw(vc, user);
			ctr_program(user->pmu, vc, user->idx, false);
		}
	}
}

static void __start(void *info)
{
	user_locked(info, op_start);
}

static void op_stop(struct vpmc_cpu *vc, struct vpmc_call *call)
{
	struct vpmc_user *user = call->user;

	user_times(user);
	if (user_counting(user)) {
		ctr_update(user->pmu, vc, user->idx);
		user_freeze(vc, user);
		ctr_program(user->pmu, vc, user->idx, false);
	}
	user->started = false;
}

static void __stop(void *info)
{
	user_locked(info, op_stop);
}

static void op_read(struct vpmc_cpu *vc, struct vpmc_call *call)
{
	struct vpmc_user *user = call->user;

	user_times(user);
	if (user->state == VPMC_USER_ACTIVE)
		ctr_update(user->pmu, vc, user->idx);
	call->value->count = user_count(vc, user);
	call->value->time_enabled = user->time_enabled;
	call->value->time_running = user->time_running;
	/* Per thread, off-CPU: preempted still if it was when it left. */
	if (user->state == VPMC_USER_WAITING ||
	    (user->state == VPMC_USER_DETACHED && user->waited))
		call->ret = -EBUSY;
	else if (user->state == VPMC_USER_OFFLINE)
		call->ret = -ENODEV;
	else
		call->ret = 0;
}

static void __read(void *info)
{
	user_locked(info, op_read);
}

/*
 * Set the count (@set) and/or the period, re-arming the threshold: the next
 * callback comes one full period after the new count. With @set, @since
 * events counted past that count are added to it (not to the threshold).
 */
static void user_rearm(struct vpmc_cpu *vc, struct vpmc_user *user, bool set,
		       u64 count, u64 since, u64 period)
{
	bool counting;

	counting = user_counting(user);
	if (counting) {
		ctr_update(user->pmu, vc, user->idx);
		user_freeze(vc, user);
	}
	if (!set)
		count = user->saved;
	user->saved = count + since;
	user->period = period;
	user->next = count + period;
	user->overdue = false;
	if (counting) {
		user_thaw(vc, user);
		ctr_program(user->pmu, vc, user->idx, false);
	}
}

static void op_write(struct vpmc_cpu *vc, struct vpmc_call *call)
{
	struct vpmc_user *user = call->user;
	u64 since = 0;

	/*
	 * From the user's own overflow callback: the written count replaces
	 * the count at the threshold it was told of, and the events counted
	 * since (many, after a throttled stretch) are kept.
	 */
	if (vc && vc->cb_user == user) {
		if (user->state == VPMC_USER_ACTIVE)
			ctr_update(user->pmu, vc, user->idx);
		since = user_count(vc, user) - vc->cb_count;
	}
	user_rearm(vc, user, true, call->arg, since, user->period);
}

static void __write(void *info)
{
	user_locked(info, op_write);
}

static void op_set_period(struct vpmc_cpu *vc, struct vpmc_call *call)
{
	user_rearm(vc, call->user, false, 0, 0, call->arg);
}

static void __set_period(void *info)
{
	user_locked(info, op_set_period);
}

static void event_put(struct vpmc_user *user)
{
	if (user->evref && user->pmu->ops->event_put)
		user->pmu->ops->event_put(user->pmu->priv, user->cpu, user->config);
	user->evref = false;
}

static int event_get(struct vpmc_user *user)
{
	int ret = 0;

	if (user->pmu->ops->event_get)
		ret = user->pmu->ops->event_get(user->pmu->priv, user->cpu,
						user->config);
	user->evref = !ret;
	return ret;
}

static void user_init(struct vpmc_user *user)
{
	user->state = VPMC_USER_DETACHED;
	user->started = false;
	user->reported = true;
	user->dead = false;
	user->held = false;
	user->waited = false;
	user->overdue = false;
	user->evref = false;
	user->saved = 0;
	user->next = user->period;
	user->time_enabled = 0;
	user->time_running = 0;
	INIT_LIST_HEAD(&user->node);
	INIT_LIST_HEAD(&user->notify);
	timerqueue_init(&user->tq);
}

/**
 * vpmc_core_attach() - give a user a counter of its CPU
 * @user: the user; its constant fields set, its period in @period
 *
 * Preempts lower-priority users if it must; their preemption callbacks run
 * before this returns.
 *
 * Context: process context, may sleep.
 * Return: 0; -EBUSY if no counter can be had now without preempting an
 * equal or higher priority or a pinned user (nothing was changed);
 * -ENODEV if the CPU is offline; or the backend's event_get error.
 */
int vpmc_core_attach(struct vpmc_user *user)
{
	struct vpmc_call call = { .user = user };
	int ret;

	might_sleep();
	user_init(user);
	user->tlock = NULL;
	/*
	 * The events mutex, not the CPU hotplug lock: a backend may take that
	 * lock to create its event (core/hotplug.c). A CPU that goes down
	 * from now on finds the user on its counters or never gets it.
	 */
	mutex_lock(&vpmc_events_mutex);
	/* Just up, and the work that brings it up for vpmc still to come. */
	if (cpu_online(user->cpu) && !READ_ONCE(user_cpu(user)->online))
		vpmc_cpus_sync();
	ret = event_get(user);
	if (!ret)
		ret = vpmc_pmu_call(user->cpu, __attach, &call);
	if (!ret)
		ret = call.ret;
	if (!ret)
		atomic_inc(&user->pmu->nr_users);
	else
		event_put(user);
	mutex_unlock(&vpmc_events_mutex);
	return ret;
}

/**
 * vpmc_core_detach() - take a user off its CPU's arbiter
 * @user: an attached user
 *
 * Waiting users may be reinstated on the counter it frees; their callbacks
 * run before this returns. No callback of @user runs after it returns, and
 * every later operation on it fails with -ENODEV.
 *
 * Context: process context, may sleep.
 */
void vpmc_core_detach(struct vpmc_user *user)
{
	struct vpmc_call call = { .user = user };

	might_sleep();
	mutex_lock(&vpmc_events_mutex);
	/*
	 * An offline CPU's users are OFFLINE, on its offline list, and only
	 * the events mutex brings it up for vpmc again: take it off here.
	 */
	if (vpmc_pmu_call(user->cpu, __detach, &call)) {
		unsigned long flags;

		local_irq_save(flags);
		WARN_ON_ONCE(user->state != VPMC_USER_OFFLINE);
		__detach(&call);
		local_irq_restore(flags);
	}
	event_put(user);
	mutex_unlock(&vpmc_events_mutex);
	atomic_dec(&user->pmu->nr_users);
}

/* On the CPU a per-thread user was seen attached to: still there? */
static void __thread_call(void *info)
{
	struct vpmc_call *call = info;
	struct vpmc_user *user = call->user;

	raw_spin_lock(user->tlock);
	if (user->state != VPMC_USER_DETACHED && user->cpu != smp_processor_id())
		call->moved = true;
	else
		call->fn(call);
	raw_spin_unlock(user->tlock);
}

/*
 * Run @fn for a per-thread user: here, with its thread's lock, when it is
 * detached or attached to this CPU; else on the CPU it is attached to,
 * again if its thread moved on meanwhile (as perf's task_function_call()).
 */
static int thread_call(struct vpmc_user *user, smp_call_func_t fn,
		       struct vpmc_call *call)
{
	unsigned long flags;
	int cpu, ret;

	call->fn = fn;
	for (;;) {
		call->moved = false;
		call->ret = 0;
		raw_spin_lock_irqsave(user->tlock, flags);
		if (user->state == VPMC_USER_DETACHED ||
		    user->cpu == smp_processor_id()) {
			fn(call);
			raw_spin_unlock_irqrestore(user->tlock, flags);
			return call->ret;
		}
		cpu = user->cpu;
		raw_spin_unlock_irqrestore(user->tlock, flags);
		ret = vpmc_pmu_call(cpu, __thread_call, call);
		if (ret)
			return ret;
		if (!call->moved)
			return call->ret;
		cpu_relax();
	}
}

static int user_call(struct vpmc_user *user, smp_call_func_t fn,
		     struct vpmc_call *call)
{
	int ret;

	call->user = user;
	call->ret = 0;
	if (user->tlock)
		return thread_call(user, fn, call);
	ret = vpmc_pmu_call(user->cpu, fn, call);
	return ret ? ret : call->ret;
}

/**
 * vpmc_core_start() - count from now on
 * @user: an attached user
 *
 * Context: see vpmc_pmu_call().
 * Return: 0, or vpmc_pmu_call()'s error.
 */
int vpmc_core_start(struct vpmc_user *user)
{
	struct vpmc_call call;

	return user_call(user, __start, &call);
}

/**
 * vpmc_core_stop() - stop counting; the count is kept
 * @user: an attached user
 *
 * Context: see vpmc_pmu_call().
 * Return: 0, or vpmc_pmu_call()'s error.
 */
int vpmc_core_stop(struct vpmc_user *user)
{
	struct vpmc_call call;

	return user_call(user, __stop, &call);
}

/*
 * op_read() of a user of this CPU without the lock and with interrupts on:
 * it writes nothing, and reads again if the arbiter changed meanwhile.
 * Every writer of this CPU's arbiter runs here with interrupts disabled, so
 * outside NMI the sequence is never odd at the start; if it is, the caller
 * takes the locked way. A per-thread user qualifies only when @mine (the
 * caller is its thread, so it runs here and cannot leave) and while it is
 * attached: then only this CPU changes it, and taking it off needs this
 * arbiter's lock, so the sequence tells. False if this is not the place.
 */
static bool read_here(struct vpmc_user *user, struct vpmc_value *value,
		      bool mine, int *ret)
{
	struct vpmc_pmu *pmu = user->pmu;
	int cpu = READ_ONCE(user->cpu);
	struct vpmc_cpu *vc;
	unsigned int seq;
	bool done = false;
	u64 delta;

	if (in_nmi() || (user->tlock && !mine))
		return false;
	preempt_disable();
	if (cpu != smp_processor_id())
		goto out;
	vc = pmu->cpus[cpu];
	do {
		seq = raw_read_seqcount(&vc->seq);
		if (seq & 1)
			goto out;
		if (user->tlock && (!user_attached(user) || user->cpu != cpu))
			goto out;
		/* Destroyed: the locked way says so. */
		if (user->state == VPMC_USER_DETACHED)
			goto out;
		value->count = user_count_live(pmu, vc, user);
		delta = local_clock() - user->tstamp;
		value->time_enabled = user->time_enabled;
		value->time_running = user->time_running;
		if (user->started && user_attached(user)) {
			value->time_enabled += delta;
			if (user->state == VPMC_USER_ACTIVE)
				value->time_running += delta;
		}
		if (user->state == VPMC_USER_WAITING)
			*ret = -EBUSY;
		else if (user->state == VPMC_USER_OFFLINE)
			*ret = -ENODEV;
		else
			*ret = 0;
	} while (read_seqcount_retry(&vc->seq, seq));
	done = true;
out:
	preempt_enable();
	return done;
}

/**
 * vpmc_core_read() - a user's count and times
 * @user: an attached user
 * @value: filled in, also when the user is preempted
 *
 * Context: see vpmc_pmu_call().
 * Return: 0; -EBUSY if the user is preempted (@value holds its frozen count
 * and its times); -ENODEV if its CPU is offline (@value as well, when
 * called from process context); or vpmc_pmu_call()'s error.
 */
int vpmc_core_read(struct vpmc_user *user, struct vpmc_value *value)
{
	struct vpmc_call call = { .value = value };
	unsigned long flags;
	int ret;

	if (read_here(user, value, false, &ret))
		return ret;
	ret = user_call(user, __read, &call);
	/* Destroyed, or a caller that may not sleep: nothing more to read. */
	if (ret != -ENODEV || user->tlock || !preemptible() ||
	    rcu_preempt_depth() || user->state == VPMC_USER_DETACHED)
		return ret;
	/* Its CPU is down: read its frozen count there, as detach does. */
	cpus_read_lock();
	if (!cpu_online(user->cpu)) {
		local_irq_save(flags);
		__read(&call);
		local_irq_restore(flags);
		ret = call.ret;
	}
	cpus_read_unlock();
	return ret;
}

/**
 * vpmc_core_read_mine() - vpmc_core_read() of a per-thread user by its thread
 * @user: a per-thread user whose thread is the caller
 * @value: as vpmc_core_read()
 *
 * While the user is attached, reads it without a lock or an interrupt-free
 * section, as vpmc_core_read() does for a system-wide user of its CPU.
 *
 * Context: as vpmc_core_read().
 * Return: as vpmc_core_read().
 */
int vpmc_core_read_mine(struct vpmc_user *user, struct vpmc_value *value)
{
	int ret;

	if (read_here(user, value, true, &ret))
		return ret;
	return vpmc_core_read(user, value);
}

/**
 * vpmc_core_write() - set a user's count
 * @user: an attached user
 * @count: the new count; the next overflow comes a full period after it
 *
 * From the user's own overflow callback, @count is its count at the
 * threshold the callback was given: the events counted since are kept.
 *
 * Context: see vpmc_pmu_call().
 * Return: 0, or vpmc_pmu_call()'s error.
 */
int vpmc_core_write(struct vpmc_user *user, u64 count)
{
	struct vpmc_call call = { .arg = count };

	return user_call(user, __write, &call);
}

/**
 * vpmc_core_set_period() - change a user's overflow period
 * @user: an attached user with an overflow callback
 * @period: events between callbacks, 0 for none; counted from now
 *
 * Context: see vpmc_pmu_call().
 * Return: 0, or vpmc_pmu_call()'s error.
 */
int vpmc_core_set_period(struct vpmc_user *user, u64 period)
{
	struct vpmc_call call = { .arg = period };

	return user_call(user, __set_period, &call);
}

/* An op's user, or NULL (and -ENODEV) for a destroyed system-wide one. */
static struct vpmc_user *swap_user(struct vpmc_call *call, unsigned int i)
{
	struct vpmc_user *user = call->user_of(call->ops[i].vpmc);

	if (!user->tlock && user->state == VPMC_USER_DETACHED) {
		if (!call->ret)
			call->ret = -ENODEV;
		return NULL;
	}
	return user;
}

/*
 * vpmc_core_swap()'s work, on its target's CPU with interrupts off (per
 * thread: with the thread's lock, so its users are all attached to this
 * CPU's arbiter or all detached; the first op's user stands for them).
 * Each counter involved is brought up to date once, and the users that
 * stop freeze and those that start thaw at that same count: every event
 * goes to one group or the other, none to neither. Only then is each
 * counter reprogrammed, once.
 */
static void swap_ops(struct vpmc_call *call, struct vpmc_cpu *vc)
{
	struct vpmc_pmu *pmu = call->user->pmu;
	unsigned long touched = 0;
	struct vpmc_user *user;
	unsigned int i, idx;
	u64 now;

	/* The users to start are stopped: re-arming them counts nothing. */
	for (i = 0; i < call->nr; i++) {
		const struct vpmc_swap_op *op = &call->ops[i];

		user = swap_user(call, i);
		if (user && op->start && op->rearm)
			user_rearm(vc, user, false, 0, 0, op->period);
	}
	for (i = 0; i < call->nr; i++) {
		bool start = call->ops[i].start;

		user = swap_user(call, i);
		if (user && user->state == VPMC_USER_ACTIVE &&
		    (start ? !user->started : user->started) &&
		    !__test_and_set_bit(user->idx, &touched))
			ctr_update(pmu, vc, user->idx);
	}
	now = local_clock();
	for (i = 0; i < call->nr; i++) {
		user = swap_user(call, i);
		if (!user)
			continue;
		user_times_at(user, now);
		if (!call->ops[i].start) {
			if (user_counting(user))
				user_freeze(vc, user);
			user->started = false;
		} else if (!user->started) {
			user->started = true;
			if (user->state == VPMC_USER_ACTIVE)
				user_thaw(vc, user);
		}
	}
	for_each_set_bit(idx, &touched, VPMC_MAX_COUNTERS)
		ctr_program(pmu, vc, idx, false);
}

static void __swap(void *info)
{
	struct vpmc_call *call = info;
	struct vpmc_user *first = call->user;
	struct vpmc_cpu *vc;

	if (first->tlock) {
		lockdep_assert_held(first->tlock);
		/* Not running: no counter to touch (rule 5). */
		if (first->state == VPMC_USER_DETACHED) {
			swap_ops(call, NULL);
			return;
		}
	}
	vc = user_cpu(first);
	vc_lock(vc);
	swap_ops(call, vc);
	vc_unlock(vc);
}

/**
 * vpmc_core_swap() - stop and start users of one target in one call
 * @ops: the ops (vpmc_swap())
 * @nr: how many
 * @user_of: the user of an op's virtual PMC
 *
 * All users must share their target: per thread, their thread (so its
 * lock, which every user of one thread shares, holds them all where it
 * runs); system-wide, their CPU. Both are fixed once attached.
 *
 * Context: see vpmc_pmu_call().
 * Return: 0; -EINVAL for users of different targets (nothing done);
 * vpmc_pmu_call()'s error; or the first error of an op (-ENODEV).
 */
int vpmc_core_swap(const struct vpmc_swap_op *ops, unsigned int nr,
		   struct vpmc_user *(*user_of)(struct vpmc *vpmc))
{
	struct vpmc_call call = { .ops = ops, .nr = nr, .user_of = user_of };
	struct vpmc_user *first;
	unsigned int i;

	if (!nr)
		return 0;
	first = user_of(ops[0].vpmc);
	for (i = 1; i < nr; i++) {
		struct vpmc_user *user = user_of(ops[i].vpmc);

		if (user->pmu != first->pmu || user->tlock != first->tlock ||
		    (!first->tlock && user->cpu != first->cpu))
			return -EINVAL;
	}
	return user_call(first, __swap, &call);
}

/**
 * vpmc_core_read_local() - a user's count, from any context on its CPU
 * @user: an attached user of the current CPU
 * @count: set to its count
 *
 * Takes no lock: safe in NMI context and in the user's own callbacks.
 *
 * Context: any, including NMI, with preemption disabled.
 * Return: 0; -EINVAL if @user is not of this CPU; -EBUSY if it is
 * preempted; -ENODEV if it was detached; -EAGAIN if this NMI interrupted
 * an update of this CPU's arbiter. @count is written only on success.
 */
int vpmc_core_read_local(struct vpmc_user *user, u64 *count)
{
	struct vpmc_pmu *pmu = user->pmu;
	struct vpmc_cpu *vc;
	unsigned int seq;
	u64 val;
	int ret = 0;

	if (user->cpu != smp_processor_id())
		return -EINVAL;
	vc = user_cpu(user);
	seq = raw_read_seqcount(&vc->seq);
	if (seq & 1)
		return -EAGAIN;
	if (user->state == VPMC_USER_WAITING)
		ret = -EBUSY;
	else if (!user->tlock && user->state == VPMC_USER_DETACHED)
		ret = -ENODEV;	/* destroyed; see user_locked() */
	else
		val = user_count_live(pmu, vc, user);
	if (read_seqcount_retry(&vc->seq, seq))
		return -EAGAIN;
	if (!ret)
		*count = val;
	return ret;
}

/*
 * Overflow throttling. Thousands of thresholds close together, or a
 * period short for a slow CPU, could keep a CPU in overflow interrupts
 * for good. So each CPU's overflows may take vpmc_pmu.ovf_pct percent of
 * every window of VPMC_OVF_WINDOW_NS: past that, the counter is throttled
 * (it keeps counting, exactly, with no threshold armed) until the window
 * is over, and at least for the rest of a window. Then its overdue users
 * catch up: each fires once, for the last threshold it passed, and the
 * thresholds in between are skipped (their callbacks see the count jump).
 * An overflow is charged from the backend's report, when it deferred it
 * out of NMI (vpmc_pmu_overflow_nmi()), not from the dispatch: under an
 * emulated PMU the irq_work hop can cost more than short callbacks. The
 * first threshold of a window always fires, so callbacks progress
 * whatever the interrupts cost; a dispatch that fires nothing is charged
 * and throttled alike.
 */
static u64 ovf_budget(struct vpmc_pmu *pmu)
{
	return div_u64(VPMC_OVF_WINDOW_NS * READ_ONCE(pmu->ovf_pct), 100);
}

static void ovf_throttle(struct vpmc_cpu *vc, unsigned int idx, u64 budget,
			 u64 now)
{
	u64 end = vc->ovf_window + VPMC_OVF_WINDOW_NS;
	u64 pause = max(end > now ? end - now : 0, VPMC_OVF_WINDOW_NS - budget);

	__set_bit(idx, &vc->throttled);
	vc->nr_throttled++;
	if (!hrtimer_is_queued(&vc->unthrottle))
		hrtimer_start(&vc->unthrottle, ns_to_ktime(pause),
			      HRTIMER_MODE_REL_PINNED_HARD);
}

/* The end of a throttling: hard interrupt context, on the arbiter's CPU. */
enum hrtimer_restart vpmc_pmu_unthrottle(struct hrtimer *timer)
{
	struct vpmc_cpu *vc = container_of(timer, struct vpmc_cpu, unthrottle);
	unsigned long throttled;
	unsigned int idx;

	vc_lock(vc);
	throttled = vc->throttled;
	vc->throttled = 0;
	vc->catchup |= throttled;
	for_each_set_bit(idx, &throttled, BITS_PER_LONG)
		if (vc->ctr[idx].nr_users)
			ctr_program(vc->pmu, vc, idx, true);
	vc_unlock(vc);
	return HRTIMER_NORESTART;
}

/*
 * vpmc_pmu_overflow() charged from @entry, the PMU's clock when the
 * backend reported the overflow (0: from now).
 */
static void __vpmc_pmu_overflow(struct vpmc_pmu *pmu, unsigned int idx, u64 entry)
{
	struct vpmc_cpu *vc = pmu->cpus[smp_processor_id()];
	struct vpmc_counter *c = &vc->ctr[idx];
	u64 budget = ovf_budget(pmu), t0 = 0, at, skip;
	u64 (*clock)(void) = pmu->clock;
	struct timerqueue_node *node;
	struct vpmc_user *user;
	unsigned int fires;

	if (WARN_ON_ONCE(idx >= pmu->desc.num_counters))
		return;
	vc_lock(vc);
	if (!c->nr_users)
		goto out;
	ctr_update(pmu, vc, idx);
	/* A wrap of a throttled counter: nothing is armed. */
	if (vc->throttled & BIT(idx))
		goto program;
	if (budget) {
		t0 = clock();
		/* A report older than a window is one a CPU left behind. */
		if (entry && t0 - entry < VPMC_OVF_WINDOW_NS)
			t0 = entry;
		if (t0 - vc->ovf_window >= VPMC_OVF_WINDOW_NS) {
			vc->ovf_window = t0;
			vc->ovf_spent = 0;
		}
	}
	for (fires = 0; fires < VPMC_MAX_FIRES; fires++) {
		node = timerqueue_getnext(&c->tq);
		if (!node || node->expires > (s64)c->count) {
			__clear_bit(idx, &vc->catchup);
			break;
		}
		/* The first of a window fires whatever its report cost. */
		if (budget && (fires || vc->ovf_spent)) {
			u64 now = clock();

			if (vc->ovf_spent + (now - t0) > budget) {
				ovf_throttle(vc, idx, budget, now);
				break;
			}
		}
		user = container_of(node, struct vpmc_user, tq);
		skip = 0;
		if ((vc->catchup & BIT(idx)) || user->overdue)
			skip = div64_u64(c->count - node->expires, user->period);
		user->overdue = false;
		vc->nr_skipped += skip;
		at = user->next + skip * user->period;
		user->next = at + user->period;
		timerqueue_del(&c->tq, node);
		node->expires += (skip + 1) * user->period;
		timerqueue_add(&c->tq, node);
		if (!user->overflow)
			continue;
		vc->cb_user = user;
		vc->cb_count = at;
		vc_unlock(vc);
		user->overflow(user, at);
		vc_lock(vc);
		vc->cb_user = NULL;
		if (!c->nr_users)
			goto spent;
		ctr_update(pmu, vc, idx);
	}
	/*
	 * Past the budget with nothing left to fire, the counter idles too:
	 * reports that fire nothing (a backend's early or repeated ones)
	 * would otherwise never be throttled.
	 */
	if (t0 && !(vc->throttled & BIT(idx))) {
		u64 now = clock();

		if (vc->ovf_spent + (now - t0) > budget)
			ovf_throttle(vc, idx, budget, now);
	}
program:
	ctr_program(pmu, vc, idx, true);
spent:
	if (t0)
		vc->ovf_spent += clock() - t0;
out:
	vc_unlock(vc);
}

/**
 * vpmc_pmu_overflow() - a backend's counter reached its programmed period
 * @pmu: the PMU instance
 * @idx: the counter, on the current CPU
 *
 * Fires every expired threshold of the counter in threshold order, re-arms
 * each by its period, and programs the counter for the next one; unless
 * this CPU's overflows, reports and callbacks, took their share of it
 * (vpmc_pmu_set_overflow_limit()): then the counter is throttled and the
 * rest fire later.
 *
 * Context: hard interrupt context (not NMI: defer with irq_work),
 * interrupts disabled, on the counter's CPU.
 */
void vpmc_pmu_overflow(struct vpmc_pmu *pmu, unsigned int idx)
{
	__vpmc_pmu_overflow(pmu, idx, 0);
}
EXPORT_SYMBOL_NS_GPL(vpmc_pmu_overflow, VPMC_INTERNAL);

/*
 * The irq_work of vpmc_pmu_overflow_nmi() and of deferred preemption
 * callbacks: hard interrupt context, on @vc's CPU.
 */
void vpmc_pmu_overflow_work(struct irq_work *work)
{
	struct vpmc_cpu *vc = container_of(work, struct vpmc_cpu, work);
	/* Before @pending is cleared: pairs with vpmc_pmu_overflow_nmi(). */
	u64 entry = local64_read(&vc->ovf_entry);
	unsigned int idx;
	LIST_HEAD(notify);

	for (idx = 0; idx < vc->pmu->desc.num_counters; idx++) {
		if (!test_and_clear_bit(idx, &vc->pending))
			continue;
		/* The first dispatched carries the deferral's cost. */
		__vpmc_pmu_overflow(vc->pmu, idx, entry);
		entry = 0;
	}
	if (list_empty(&vc->later))
		return;
	vc_lock(vc);
	list_splice_init(&vc->later, &notify);
	vc_unlock(vc);
	run_notify(&notify);
}

/**
 * vpmc_pmu_overflow_nmi() - vpmc_pmu_overflow(), deferred out of NMI
 * @pmu: the PMU instance
 * @idx: the counter, on the current CPU
 *
 * Marks the counter and queues this CPU's irq_work, which calls
 * vpmc_pmu_overflow() once interrupts are enabled: the arbiter's lock
 * cannot be taken in an NMI that may have interrupted its holder.
 *
 * Context: any, including NMI, on the counter's CPU.
 */
void vpmc_pmu_overflow_nmi(struct vpmc_pmu *pmu, unsigned int idx)
{
	struct vpmc_cpu *vc = pmu->cpus[smp_processor_id()];

	if (WARN_ON_ONCE(idx >= pmu->desc.num_counters))
		return;
	/*
	 * The first deferred since the last dispatch stamps the report. Only
	 * NMIs and the irq_work of this CPU touch it: neither can be torn by
	 * the other (local64), and @work reads it before clearing @pending.
	 */
	if (!READ_ONCE(vc->pending) && READ_ONCE(pmu->ovf_pct))
		local64_set(&vc->ovf_entry, pmu->clock());
	set_bit(idx, &vc->pending);
	irq_work_queue(&vc->work);
}
EXPORT_SYMBOL_NS_GPL(vpmc_pmu_overflow_nmi, VPMC_INTERNAL);

/**
 * vpmc_pmu_overflow_sync() - wait for a CPU's deferred overflows
 * @pmu: the PMU instance
 * @cpu: the CPU
 *
 * Context: process context.
 */
void vpmc_pmu_overflow_sync(struct vpmc_pmu *pmu, int cpu)
{
	irq_work_sync(&pmu->cpus[cpu]->work);
}
EXPORT_SYMBOL_NS_GPL(vpmc_pmu_overflow_sync, VPMC_INTERNAL);

/* === Introspection: debugfs and the invariant check === */

struct vpmc_walk {
	struct vpmc_pmu *pmu;
	struct seq_file *m;
	int ret;
};

static const char *const state_names[] = {
	[VPMC_USER_DETACHED] = "detached",
	[VPMC_USER_ACTIVE] = "active",
	[VPMC_USER_WAITING] = "preempted",
};

static void show_user(struct seq_file *m, struct vpmc_cpu *vc,
		      struct vpmc_user *user)
{
	seq_printf(m, "    vpmc %u prio %d%s%s %s %s count %llu period %llu\n",
		   user->id, user->prio,
		   user->flags & VPMC_F_EXCLUSIVE ? " exclusive" : "",
		   user->flags & VPMC_F_PINNED ? " pinned" : "",
		   state_names[user->state],
		   user->started ? "started" : "stopped",
		   user_count(vc, user), user->period);
}

static void __show(void *info)
{
	struct vpmc_walk *walk = info;
	struct vpmc_pmu *pmu = walk->pmu;
	struct vpmc_cpu *vc = pmu->cpus[smp_processor_id()];
	struct seq_file *m = walk->m;
	struct vpmc_user *user;
	unsigned int i;

	vc_lock(vc);
	seq_printf(m, "cpu %d: %u virtual PMCs", vc->cpu, vc->nr_users);
	if (vc->nr_throttled)
		seq_printf(m, ", overflows throttled %llu times%s, %llu thresholds skipped",
			   vc->nr_throttled, vc->throttled ? " (now)" : "",
			   vc->nr_skipped);
	seq_putc(m, '\n');
	for (i = 0; i < pmu->desc.num_counters; i++) {
		struct vpmc_counter *c = &vc->ctr[i];

		seq_printf(m, "  counter %u %s/%u: ", i,
			   pmu->desc.counters[i].kind == VPMC_COUNTER_FIXED ?
			   "fixed" : "general", pmu->desc.counters[i].width);
		if (!c->nr_users) {
			seq_puts(m, "free\n");
			continue;
		}
		ctr_update(pmu, vc, i);
		seq_printf(m, "event %#llx%s count %llu\n", c->config,
			   c->exclusive ? " exclusive" : "", c->count);
		hlist_for_each_entry(user, &c->users, cnode)
			show_user(m, vc, user);
	}
	if (!list_empty(&vc->waiting))
		seq_puts(m, "  waiting:\n");
	list_for_each_entry(user, &vc->waiting, node)
		show_user(m, vc, user);
	vc_unlock(vc);
}

/**
 * vpmc_pmu_show() - print every CPU's arbiter state
 * @pmu: the PMU instance
 * @m: where to print
 *
 * Context: process context.
 */
void vpmc_pmu_show(struct vpmc_pmu *pmu, struct seq_file *m)
{
	struct vpmc_walk walk = { .pmu = pmu, .m = m };
	int cpu;

	cpus_read_lock();
	for_each_online_cpu(cpu)
		vpmc_pmu_call(cpu, __show, &walk);
	cpus_read_unlock();
}

#define CHECK(cond, fmt, ...)						\
	do {								\
		if (!(cond)) {						\
			pr_err("check cpu %d: " fmt "\n", vc->cpu,	\
			       ##__VA_ARGS__);				\
			walk->ret = -EUCLEAN;				\
		}							\
	} while (0)

static void __check(void *info)
{
	struct vpmc_walk *walk = info;
	struct vpmc_pmu *pmu = walk->pmu;
	struct vpmc_cpu *vc = pmu->cpus[smp_processor_id()];
	struct vpmc_user *user, *prev = NULL;
	unsigned int i, j, users = 0, n;
	int how;

	vc_lock(vc);
	for (i = 0; i < pmu->desc.num_counters; i++) {
		struct vpmc_counter *c = &vc->ctr[i];
		struct timerqueue_node *node;

		n = 0;
		hlist_for_each_entry(user, &c->users, cnode) {
			n++;
			CHECK(user->state == VPMC_USER_ACTIVE && user->idx == i,
			      "counter %u: user %u state %d idx %u", i, user->id,
			      user->state, user->idx);
			CHECK(user->config == c->config,
			      "counter %u counts %#llx, user %u wants %#llx", i,
			      c->config, user->id, user->config);
			CHECK(user->allowed & BIT(i),
			      "counter %u not allowed for user %u", i, user->id);
			CHECK(!user_counting(user) || !user->period ||
			      !RB_EMPTY_NODE(&user->tq.node),
			      "user %u counting with a period but unarmed", user->id);
		}
		CHECK(n == c->nr_users, "counter %u: %u users listed, %u counted",
		      i, n, c->nr_users);
		CHECK(!!(vc->used & BIT(i)) == !!n, "counter %u: used bit wrong", i);
		CHECK(!c->exclusive || n <= 1, "exclusive counter %u shared", i);
		for (j = 0; n && !c->exclusive && j < i; j++)
			CHECK(!vc->ctr[j].nr_users || vc->ctr[j].exclusive ||
			      vc->ctr[j].config != c->config,
			      "counters %u and %u both count %#llx, neither exclusive",
			      j, i, c->config);
		for (node = timerqueue_getnext(&c->tq); node;
		     node = timerqueue_iterate_next(node)) {
			user = container_of(node, struct vpmc_user, tq);
			CHECK(user_counting(user) && user->idx == i,
			      "counter %u: threshold of user %u not counting here",
			      i, user->id);
		}
		users += n;
	}
	list_for_each_entry(user, &vc->waiting, node) {
		users++;
		CHECK(user->state == VPMC_USER_WAITING, "waiting user %u state %d",
		      user->id, user->state);
		CHECK(!prev || prev->prio >= user->prio,
		      "waiting list out of priority order at user %u", user->id);
		CHECK(place(pmu, vc, user, &how) < 0,
		      "waiting user %u could run now (how %d)", user->id, how);
		prev = user;
	}
	CHECK(users == vc->nr_users, "%u users found, %u counted", users,
	      vc->nr_users);
	CHECK(!vc->parked && hlist_unhashed(&vc->park_node),
	      "counters %#lx parked outside a context switch", vc->parked);
	vc_unlock(vc);
}

/**
 * vpmc_pmu_check() - verify the arbiter's invariants on every online CPU
 * @pmu: the PMU instance
 *
 * No counter is double-booked or counts another event than its users; an
 * exclusive counter has one user; no two counters in use count the same
 * event unless one is exclusive; every started user with a period is
 * armed; and no waiting user could be placed now (on a free counter, by
 * sharing, or by preempting strictly lower priorities).
 *
 * Context: process context.
 * Return: 0, or -EUCLEAN after logging each violation.
 */
int vpmc_pmu_check(struct vpmc_pmu *pmu)
{
	struct vpmc_walk walk = { .pmu = pmu };
	int cpu;

	cpus_read_lock();
	for_each_online_cpu(cpu)
		vpmc_pmu_call(cpu, __check, &walk);
	cpus_read_unlock();
	return walk.ret;
}
EXPORT_SYMBOL_NS_GPL(vpmc_pmu_check, VPMC_INTERNAL);

static void op_counter_of(struct vpmc_cpu *vc, struct vpmc_call *call)
{
	struct vpmc_user *user = call->user;

	call->ret = user->state == VPMC_USER_ACTIVE ? user->idx : -EBUSY;
}

static void __counter_of(void *info)
{
	user_locked(info, op_counter_of);
}

/**
 * vpmc_core_counter() - the counter a user holds
 * @user: an attached user
 *
 * Context: see vpmc_pmu_call().
 * Return: the counter's index; -EBUSY if the user is preempted (or, per
 * thread, its thread is not running); or vpmc_pmu_call()'s error.
 */
int vpmc_core_counter(struct vpmc_user *user)
{
	struct vpmc_call call;

	return user_call(user, __counter_of, &call);
}

/* === Per-thread users (rule 5) === */

/**
 * vpmc_core_thread_init() - prepare a per-thread user
 * @user: the user; its constant fields set, @tlock its thread's lock
 * @events: take a reference on its event's backing counters on every CPU
 *	(vpmc_events_get()); false when another user of the same event, which
 *	outlives this one, holds it (an inherited child)
 *
 * The user starts DETACHED; the context-switch hook attaches it while its
 * thread runs.
 *
 * Context: process context if @events, else any.
 * Return: 0, or vpmc_events_get()'s error.
 */
int vpmc_core_thread_init(struct vpmc_user *user, bool events)
{
	int ret;

	user_init(user);
	if (events) {
		ret = vpmc_events_get(user->pmu, user->config);
		if (ret)
			return ret;
	}
	user->evref = events;
	atomic_inc(&user->pmu->nr_users);
	return 0;
}

static void op_thread_detach(struct vpmc_cpu *vc, struct vpmc_call *call)
{
	struct vpmc_user *user = call->user;
	LIST_HEAD(notify);

	user->dead = true;
	if (vc) {
		user_remove(user->pmu, vc, user, &notify);
		defer_notify(vc, &notify);
	}
}

static void __thread_detach(void *info)
{
	user_locked(info, op_thread_detach);
}

/**
 * vpmc_core_thread_detach() - take a per-thread user off for good
 * @user: a user prepared by vpmc_core_thread_init()
 *
 * Detaches it from the CPU its thread runs on, if it runs, and keeps it
 * detached; its count stays readable.
 *
 * Context: process context, may sleep.
 */
void vpmc_core_thread_detach(struct vpmc_user *user)
{
	struct vpmc_call call = {};

	might_sleep();
	user_call(user, __thread_detach, &call);
	if (user->evref)
		vpmc_events_put(user->pmu, user->config);
	user->evref = false;
	atomic_dec(&user->pmu->nr_users);
}

/**
 * vpmc_core_thread_forget() - undo vpmc_core_thread_init() of a user never
 *	given to its thread (so never seen by the context-switch hook)
 * @user: the user
 *
 * Context: any if it was made without events; else process context.
 */
void vpmc_core_thread_forget(struct vpmc_user *user)
{
	WARN_ON_ONCE(user->state != VPMC_USER_DETACHED);
	if (user->evref) {
		might_sleep();
		vpmc_events_put(user->pmu, user->config);
		user->evref = false;
	}
	atomic_dec(&user->pmu->nr_users);
}

/*
 * A context switch takes or leaves counters for all of a thread's users at
 * once: each arbiter's lock is taken once per thread, the waiting users are
 * placed once (rebalance()), and the callbacks owed go to the irq_work
 * together. A counter the previous thread's users leave is parked, not
 * disabled, until the switch ends: when the next thread counts the same
 * event, as threads of one program do, it goes on counting for it, which
 * spares the backend a disable and an enable. The whole switch runs with
 * interrupts disabled on this CPU, and every other writer of this CPU's
 * arbiter runs here with interrupts disabled too (rule 1), so nobody else
 * sees a parked counter.
 */

/* Place @sw's waiting users on the arbiter it holds, if any, and unlock it. */
static void switch_release(struct vpmc_switch *sw)
	__releases(&sw->vc->lock)
{
	struct vpmc_cpu *vc = sw->vc;

	if (!list_empty(&vc->waiting))
		rebalance(vc->pmu, vc, &sw->notify);
	defer_notify(vc, &sw->notify);
	vc_unlock(vc);
	sw->vc = NULL;
}

/*
 * Hold @vc for @sw, releasing another arbiter first. The batch holds the
 * lock across calls, which sparse cannot follow: to it, the batch's lock is
 * taken and released here and in vpmc_core_switch_unlock().
 */
static void switch_lock(struct vpmc_switch *sw, struct vpmc_cpu *vc)
{
	if (sw->vc == vc)
		return;
	if (sw->vc) {
		__acquire(&sw->vc->lock);
		switch_release(sw);
	}
	vc_lock(vc);
	sw->vc = vc;
	__release(&vc->lock);
}

/**
 * vpmc_core_switch_begin() - start a context switch's batch of users
 * @sw: the batch, on the caller's stack
 *
 * A batch switches one thread's users out, then (after
 * vpmc_core_switch_unlock()) the next thread's users in, and ends with
 * vpmc_core_switch_end(); either part may be empty.
 *
 * Context: the context-switch hook (or an IPI on the thread's CPU, or the
 * thread's exit); interrupts disabled from the batch's first
 * vpmc_core_switch_in() or vpmc_core_switch_out() to its
 * vpmc_core_switch_end().
 */
void vpmc_core_switch_begin(struct vpmc_switch *sw)
{
	sw->now = 0;
	sw->vc = NULL;
	INIT_LIST_HEAD(&sw->notify);
	INIT_HLIST_HEAD(&sw->parked);
}

/**
 * vpmc_core_switch_in() - its thread starts running here: attach the user
 * @sw: the batch, from vpmc_core_switch_begin()
 * @user: a per-thread user, DETACHED
 *
 * It takes a counter of this CPU by the arbiter's rules (a parked one of
 * its event first), or waits for one; the waiting users of the arbiter are
 * placed again by vpmc_core_switch_unlock(). Nothing happens for a user
 * being destroyed or on a CPU vpmc has taken offline. Callbacks this owes
 * run later from this CPU's irq_work.
 *
 * Context: as vpmc_core_switch_begin(), holding @user->tlock until
 * vpmc_core_switch_unlock().
 */
void vpmc_core_switch_in(struct vpmc_switch *sw, struct vpmc_user *user)
{
	struct vpmc_pmu *pmu = user->pmu;
	struct vpmc_cpu *vc = pmu->cpus[smp_processor_id()];
	int idx, how;

	lockdep_assert_held(user->tlock);
	if (user->dead || user->state != VPMC_USER_DETACHED)
		return;
	switch_lock(sw, vc);
	if (!vc->online)
		return;
	user->cpu = vc->cpu;
	idx = switch_place(pmu, vc, user, &how);
	if (idx < 0) {
		user->tstamp = switch_now(sw);
		user_wait(vc, user);
	} else {
		/* user_place() stamps it. */
		if (how == PLACE_PREEMPT)
			ctr_evict(pmu, vc, idx, &sw->notify);
		user_place(pmu, vc, user, idx, switch_now(sw));
	}
	vc->nr_users++;
	user_notify(&sw->notify, user);
}

/**
 * vpmc_core_switch_out() - its thread stops running here: detach the user
 * @sw: the batch, from vpmc_core_switch_begin()
 * @user: a per-thread user
 *
 * Its count and remaining distance to the next threshold are kept for its
 * next switch-in, on whatever CPU; what it frees goes to the waiting users
 * in vpmc_core_switch_unlock(), and a counter it leaves unused is parked
 * until vpmc_core_switch_end(). Nothing happens if it is not attached.
 *
 * Context: as vpmc_core_switch_in().
 */
void vpmc_core_switch_out(struct vpmc_switch *sw, struct vpmc_user *user)
{
	struct vpmc_cpu *vc;

	lockdep_assert_held(user->tlock);
	if (user->state == VPMC_USER_DETACHED)
		return;
	vc = user_cpu(user);
	WARN_ON_ONCE(user->cpu != smp_processor_id());
	switch_lock(sw, vc);
	user_take_off(user->pmu, vc, user, sw);
}

/**
 * vpmc_core_switch_unlock() - done with one thread's users
 * @sw: the batch
 *
 * Places the waiting users of the arbiter the batch holds (switching to
 * another arbiter already did it for the one before) and unlocks it, so
 * that the caller may drop the thread's lock and take the next one's.
 *
 * Context: as vpmc_core_switch_begin(), still holding the users' tlock.
 */
void vpmc_core_switch_unlock(struct vpmc_switch *sw)
{
	if (sw->vc) {
		__acquire(&sw->vc->lock);
		switch_release(sw);
	}
}

/**
 * vpmc_core_switch_end() - end a context switch's batch
 * @sw: the batch
 *
 * vpmc_core_switch_unlock() if the caller has not, then disables the
 * counters still parked: the next thread did not want them, and no waiting
 * user could take them when they were placed.
 *
 * Context: as vpmc_core_switch_begin(); the users' tlock may be held.
 */
void vpmc_core_switch_end(struct vpmc_switch *sw)
{
	struct hlist_node *tmp;
	struct vpmc_cpu *vc;
	unsigned int idx;

	vpmc_core_switch_unlock(sw);
	hlist_for_each_entry_safe(vc, tmp, &sw->parked, park_node) {
		hlist_del_init(&vc->park_node);
		/* Only this CPU, interrupts off, changes it: no lock to look. */
		if (!vc->parked)
			continue;
		vc_lock(vc);
		for_each_set_bit(idx, &vc->parked, BITS_PER_LONG)
			ctr_unpark(vc->pmu, vc, idx);
		vc_unlock(vc);
	}
}

/* === CPU hotplug (core/hotplug.c calls these on the CPU concerned) === */

struct vpmc_hotplug {
	struct vpmc_pmu *pmu;
	struct list_head *list;
	unsigned int gen;
	bool up;
};

/* Off the arbiter of a CPU going down; a system-wide user onto @gone. */
static void user_offline(struct vpmc_pmu *pmu, struct vpmc_cpu *vc,
			 struct vpmc_user *user, struct list_head *gone)
{
	LIST_HEAD(none);

	user_remove(pmu, vc, user, &none);
	if (user->tlock)
		return;
	list_add_tail(&user->node, &vc->offline);
	user->state = VPMC_USER_OFFLINE;
	list_add_tail(&user->notify, gone);
}

static void arb_cpu_down(void *info)
{
	struct vpmc_hotplug *hp = info;
	struct vpmc_pmu *pmu = hp->pmu;
	struct vpmc_cpu *vc = pmu->cpus[smp_processor_id()];
	struct vpmc_user *user, *tmp;
	struct hlist_node *next;
	LIST_HEAD(notify);
	unsigned int i;

	vc_lock(vc);
	WRITE_ONCE(vc->online, false);
	for (i = 0; i < pmu->desc.num_counters; i++) {
		struct vpmc_counter *c = &vc->ctr[i];

		if (!c->nr_users)
			continue;
		hlist_for_each_entry_safe(user, next, &c->users, cnode)
			user_offline(pmu, vc, user, hp->list);
	}
	list_for_each_entry_safe(user, tmp, &vc->waiting, node)
		user_offline(pmu, vc, user, hp->list);
	/*
	 * A per-thread user is only attached while its thread runs here, and
	 * this runs in the hotplug thread: only that thread's users (if
	 * anyone monitors it) were taken off; its switch-out finds them
	 * detached. Owed preemption callbacks are moot now.
	 */
	list_for_each_entry_safe(user, tmp, &vc->later, notify)
		list_del_init(&user->notify);
	/*
	 * Its counters are free: no throttling is left to end. The timer is
	 * pinned here and interrupts are off, so it is not running.
	 */
	hrtimer_try_to_cancel(&vc->unthrottle);
	vc->throttled = 0;
	vc->catchup = 0;
	vc_unlock(vc);
}

/*
 * The tasks running hotplug callbacks now, so that vpmc_destroy() can
 * refuse them: [0] the hotplug thread's, for a CPU going down (one at a
 * time: the hotplug lock), [1] whoever brings a CPU up (the events mutex).
 */
static struct task_struct *notice_task[2];

/* Tell the owners of the users on @list, taking them off it. */
static void hotplug_notify(struct list_head *list, bool online)
{
	struct vpmc_user *user, *tmp;

	if (list_empty(list))
		return;
	WRITE_ONCE(notice_task[online], current);
	list_for_each_entry_safe(user, tmp, list, notify) {
		list_del_init(&user->notify);
		if (user->hotplug)
			user->hotplug(user, online);
	}
	WRITE_ONCE(notice_task[online], NULL);
}

/**
 * vpmc_core_in_notice() - is the caller running a hotplug callback?
 *
 * Context: any.
 * Return: true inside a user's @hotplug callback.
 */
bool vpmc_core_in_notice(void)
{
	/* Only the task itself stores its own pointer: no race to care of. */
	return READ_ONCE(notice_task[0]) == current ||
	       READ_ONCE(notice_task[1]) == current;
}

/**
 * vpmc_core_cpu_down() - take every user off a CPU going offline
 * @pmu: the instance
 * @cpu: the CPU, the current one
 *
 * System-wide users stop counting, keep their count and started state and
 * have their hotplug callbacks called; their backend events are released
 * later (vpmc_core_cpu_release()). Per-thread users are not attached here
 * until vpmc_core_cpu_up().
 *
 * Context: the CPU hotplug thread of @cpu (the hotplug lock is held, so no
 * user is attached meanwhile); never calls the backend's event_put().
 */
void vpmc_core_cpu_down(struct vpmc_pmu *pmu, int cpu)
{
	LIST_HEAD(gone);
	struct vpmc_hotplug hp = { .pmu = pmu, .list = &gone };

	if (WARN_ON_ONCE(cpu != raw_smp_processor_id()))
		return;
	local_irq_disable();
	arb_cpu_down(&hp);
	local_irq_enable();
	hotplug_notify(&gone, false);
}

/**
 * vpmc_core_cpu_release() - release the events of a CPU that went down
 * @pmu: the instance
 * @cpu: the CPU, which vpmc has down
 *
 * Its OFFLINE system-wide users drop their backend events, which the
 * backend lost with the CPU; vpmc_core_cpu_up() takes them again.
 *
 * Context: process context, vpmc_events_mutex held (so the CPU's offline
 * list changes under nobody else: see core/hotplug.c).
 */
void vpmc_core_cpu_release(struct vpmc_pmu *pmu, int cpu)
{
	struct vpmc_user *user;

	lockdep_assert_held(&vpmc_events_mutex);
	list_for_each_entry(user, &pmu->cpus[cpu]->offline, node)
		event_put(user);
}

static void arb_cpu_up(void *info)
{
	struct vpmc_hotplug *hp = info;
	struct vpmc_pmu *pmu = hp->pmu;
	struct vpmc_cpu *vc = pmu->cpus[smp_processor_id()];
	struct vpmc_user *user, *tmp;
	LIST_HEAD(notify);

	/* Down and up again since the events were taken: they are dead. */
	if (vpmc_cpu_gen_get(vc->cpu) != hp->gen)
		return;
	vc_lock(vc);
	/* Pairs with the lockless reads of vpmc_events_get() and attach. */
	WRITE_ONCE(vc->online, true);
	list_for_each_entry_safe(user, tmp, &vc->offline, node) {
		/* Those whose event could not be had again stay offline. */
		if (!user->evref && user->pmu->ops->event_get)
			continue;
		list_del_init(&user->node);
		user->state = VPMC_USER_DETACHED;
		user->tstamp = local_clock();
		user_wait(vc, user);
		vc->nr_users++;
		list_add_tail(&user->notify, hp->list);
	}
	rebalance(pmu, vc, &notify);
	/* Their owners hear of the CPU, and read whether they count. */
	list_for_each_entry(user, hp->list, notify)
		user->reported = user->state == VPMC_USER_ACTIVE;
	vc_unlock(vc);
	run_notify(&notify);
	hp->up = true;
}

/**
 * vpmc_core_cpu_up() - give a CPU's offline users their counters again
 * @pmu: the instance
 * @cpu: the CPU, online but down for vpmc
 * @gen: vpmc_cpu_gen_get(@cpu) before the CPU's per-thread events were
 *	taken again: if it went down since, nothing is done
 *
 * Each OFFLINE user takes its backend event again and is placed by the
 * arbiter's rules or waits, as after a preemption; then its hotplug
 * callback is called. A user whose event_get() fails stays OFFLINE (and is
 * logged).
 *
 * Context: process context (core/hotplug.c's work, or an attach that found
 * the CPU not brought up yet), vpmc_events_mutex held.
 */
void vpmc_core_cpu_up(struct vpmc_pmu *pmu, int cpu, unsigned int gen)
{
	LIST_HEAD(back);
	struct vpmc_hotplug hp = { .pmu = pmu, .list = &back, .gen = gen };
	struct vpmc_user *user;
	int ret;

	lockdep_assert_held(&vpmc_events_mutex);
	list_for_each_entry(user, &pmu->cpus[cpu]->offline, node) {
		if (user->evref)
			continue;
		ret = event_get(user);
		if (ret)
			pr_warn("cpu %d: vpmc %u stays offline: event %#llx: %d\n",
				cpu, user->id, user->config, ret);
	}
	if (vpmc_pmu_call(cpu, arb_cpu_up, &hp) || !hp.up)
		return;		/* It went down again: the work comes back. */
	hotplug_notify(&back, true);
}
