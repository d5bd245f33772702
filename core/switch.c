// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-thread users (rule 5 of core/arbiter.h): made detached, attached by
 * the context-switch hook while their thread runs, and taken off for good
 * at destroy; and the context switch's batch, which takes one thread's
 * users off and puts the next one's on.
 */
#define pr_fmt(fmt) "vpmc: " fmt

#include <linux/bitops.h>
#include <linux/lockdep.h>
#include <linux/smp.h>

#include "arbiter_inline.h"

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

	arb_user_init(user);
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
		arb_user_remove(user->pmu, vc, user, &notify);
		defer_notify(vc, &notify);
	}
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
	arb_user_op(user, op_thread_detach, &call);
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
 * placed once (arb_rebalance()), and the callbacks owed go to the irq_work
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
		arb_rebalance(vc->pmu, vc, &sw->notify);
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
			arb_ctr_evict(pmu, vc, idx, &sw->notify);
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
