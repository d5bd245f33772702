// SPDX-License-Identifier: GPL-2.0-only
/*
 * The physical-PMC arbiter: which user holds which counter of each CPU,
 * who waits, and when each counter must next interrupt.
 *
 * Placement of a user (arb_place()), in order:
 *  1. share a counter already counting the same event (neither EXCLUSIVE);
 *  2. take a free allowed counter, fixed counters first (within a context
 *     switch, one the previous thread left counting the same event before
 *     any: see core/switch.c);
 *  3. preempt the allowed counter whose strongest user is weakest, if every
 *     user on it has a strictly lower priority and none is PINNED; its
 *     users move to the waiting list.
 * After every change, waiting users are placed again, highest priority
 * first (arb_rebalance()), so no waiting user could run on a counter held by a
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
 * This file holds the counters, placement, eviction and rebalancing, and
 * builds each CPU's arbiter; the operations that use them are in call.c,
 * read.c, overflow.c, switch.c and hotplug.c, their hot helpers in
 * arbiter_inline.h, and what the arbiter shows of itself in debug.c.
 *
 * Locking: the rules are written once, above struct vpmc_cpu in
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
void arb_ctr_reprogram(struct vpmc_pmu *pmu, struct vpmc_cpu *vc,
		       unsigned int idx, struct timerqueue_node *next)
{
	struct vpmc_counter *c = &vc->ctr[idx];
	u64 dist = c->mask >> 1;

	arb_assert_locked(vc);
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

/* The strongest priority on counter @c; INT_MAX if a user is pinned. */
int arb_ctr_top_prio(struct vpmc_counter *c)
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

/* Call the callbacks an operation owes; the lock is dropped (rule 3). */
void arb_run_notify(struct list_head *notify)
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

/* === Placement === */

/* __place() out of line, for all but the context switch. */
int arb_place(struct vpmc_pmu *pmu, struct vpmc_cpu *vc,
	      struct vpmc_user *user, int *how)
{
	return __place(pmu, vc, user, how);
}

/* Move every user of counter @idx to the waiting list. */
void arb_ctr_evict(struct vpmc_pmu *pmu, struct vpmc_cpu *vc,
		   unsigned int idx, struct list_head *notify)
{
	struct vpmc_counter *c = &vc->ctr[idx];
	struct vpmc_user *user, *tmp;
	struct hlist_node *next;
	LIST_HEAD(evicted);

	arb_assert_locked(vc);
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

/* Give waiting users counters, highest priority first, until none fits. */
void arb_rebalance(struct vpmc_pmu *pmu, struct vpmc_cpu *vc,
		   struct list_head *notify)
{
	struct vpmc_user *user;
	int idx, how;

	arb_assert_locked(vc);
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
		idx = arb_place(pmu, vc, user, &how);
		if (idx < 0)
			continue;
		list_del_init(&user->node);
		if (how == PLACE_PREEMPT)
			arb_ctr_evict(pmu, vc, idx, notify);
		user_place(pmu, vc, user, idx, local_clock());
		user_notify(notify, user);
		goto again;
	}
}

/* user_take_off(), then the waiting users get what it freed. */
void arb_user_remove(struct vpmc_pmu *pmu, struct vpmc_cpu *vc,
		     struct vpmc_user *user, struct list_head *notify)
{
	user_take_off(pmu, vc, user, NULL);
	arb_rebalance(pmu, vc, notify);
}

void arb_event_put(struct vpmc_user *user)
{
	if (user->evref && user->pmu->ops->event_put)
		user->pmu->ops->event_put(user->pmu->priv, user->cpu, user->config);
	user->evref = false;
}

int arb_event_get(struct vpmc_user *user)
{
	int ret = 0;

	if (user->pmu->ops->event_get)
		ret = user->pmu->ops->event_get(user->pmu->priv, user->cpu,
						user->config);
	user->evref = !ret;
	return ret;
}

void arb_user_init(struct vpmc_user *user)
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

/* === Users === */

static atomic_t arb_user_ids = ATOMIC_INIT(0);

/**
 * vpmc_core_user_init() - set what a new user is
 * @user: the user, zeroed, not yet attached or given to a thread
 * @cfg: what it is; copied
 *
 * Context: any.
 */
void vpmc_core_user_init(struct vpmc_user *user,
			 const struct vpmc_user_cfg *cfg)
{
	user->pmu = cfg->pmu;
	user->cpu = cfg->cpu;
	user->id = atomic_inc_return(&arb_user_ids);
	user->config = cfg->config;
	user->prio = cfg->prio;
	user->flags = cfg->flags;
	user->allowed = cfg->allowed;
	user->period = cfg->period;
	user->overflow = cfg->overflow;
	user->preempted = cfg->preempted;
	user->hotplug = cfg->hotplug;
}

/**
 * vpmc_core_user_init_child() - set what an inherited user is
 * @child: the user, zeroed, not yet given to a thread
 * @parent: the user it inherits from
 * @cpu: the CPU its thread is on now
 *
 * The child counts @parent's event with its priority, flags, counters and
 * overflow and preemption callbacks; it has no period (inheriting users
 * have none) and no hotplug callback (per-thread users get none).
 *
 * Context: any.
 */
void vpmc_core_user_init_child(struct vpmc_user *child,
			       const struct vpmc_user *parent, int cpu)
{
	const struct vpmc_user_cfg cfg = {
		.pmu = parent->pmu,
		.cpu = cpu,
		.config = parent->config,
		.prio = parent->prio,
		.flags = parent->flags,
		.allowed = parent->allowed,
		.overflow = parent->overflow,
		.preempted = parent->preempted,
	};

	vpmc_core_user_init(child, &cfg);
}

/* === Building the arbiters === */

/* A fault-injection site (Documentation/testing.rst): it only allocates. */
static noinline struct vpmc_cpu *vpmc_cpu_alloc(unsigned int n, int cpu)
{
	struct vpmc_cpu *vc;

	return kzalloc_node(struct_size(vc, ctr, n), GFP_KERNEL, cpu_to_node(cpu));
}

ALLOW_ERROR_INJECTION(vpmc_cpu_alloc, NULL);

/* The arbiter of @cpu for @pmu, whose description is final; NULL: no memory. */
struct vpmc_cpu *arb_cpu_create(struct vpmc_pmu *pmu, int cpu)
{
	unsigned int i, n = pmu->desc.num_counters;
	struct vpmc_cpu *vc;

	vc = vpmc_cpu_alloc(n, cpu);
	if (!vc)
		return NULL;
	raw_spin_lock_init(&vc->lock);
	seqcount_raw_spinlock_init(&vc->seq, &vc->lock);
	vc->cpu = cpu;
	INIT_LIST_HEAD(&vc->waiting);
	INIT_LIST_HEAD(&vc->offline);
	INIT_LIST_HEAD(&vc->later);
	INIT_HLIST_NODE(&vc->park_node);
	vc->pmu = pmu;
	arb_overflow_init(vc);
	for (i = 0; i < n; i++) {
		INIT_HLIST_HEAD(&vc->ctr[i].users);
		timerqueue_init_head(&vc->ctr[i].tq);
		vc->ctr[i].mask = GENMASK_ULL(pmu->desc.counters[i].width - 1, 0);
	}
	return vc;
}

/* Free an arbiter with no users, once its backend is gone. */
void arb_cpu_destroy(struct vpmc_cpu *vc)
{
	arb_overflow_exit(vc);
	kfree(vc);
}
