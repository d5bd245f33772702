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
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/spinlock.h>

#include "arbiter_inline.h"

/* === Per-thread users (rule 5) === */

/**
 * vpmc_core_thread_init() - prepare a per-thread user
 * @user: the user; its constant fields set
 * @events: take a reference on its event's backing counters on every CPU
 *	(vpmc_events_get()); false when another user of the same event, which
 *	outlives this one, holds it (an inherited child)
 * @started: counting from its first switch-in (an inherited child of a
 *	started parent); else started by vpmc_core_start()
 *
 * The user starts DETACHED; once vpmc_core_task_add() gave it to its
 * thread, the context-switch hook attaches it while the thread runs.
 *
 * Context: process context if @events, else any.
 * Return: 0, or vpmc_events_get()'s error.
 */
int vpmc_core_thread_init(struct vpmc_user *user, bool events, bool started)
{
	int ret;

	arb_user_init(user);
	INIT_LIST_HEAD(&user->tnode);
	if (events) {
		ret = vpmc_events_get(user->pmu, user->config);
		if (ret)
			return ret;
	}
	user->evref = events;
	user->started = started;
	atomic_inc(&user->pmu->nr_users);
	return 0;
}

static void op_thread_detach(struct vpmc_cpu *vc, struct vpmc_call *call)
{
	struct vpmc_user *user = call->user;
	LIST_HEAD(notify);

	/* Pairs with vpmc_core_thread_dead(). */
	WRITE_ONCE(user->dead, true);
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

/**
 * vpmc_core_started() - was a user started (vpmc_core_start())?
 * @user: the user
 *
 * Context: any; a snapshot.
 * Return: whether it counts when it holds a counter.
 */
bool vpmc_core_started(const struct vpmc_user *user)
{
	/* Pairs with the WRITE_ONCE()s of core/call.c. */
	return READ_ONCE(user->started);
}

/**
 * vpmc_core_thread_dead() - is a per-thread user detached for good?
 * @user: a user from vpmc_core_thread_init()
 *
 * Context: any; a snapshot, final once true.
 * Return: true once vpmc_core_thread_detach() has begun on it.
 */
bool vpmc_core_thread_dead(const struct vpmc_user *user)
{
	/* Pairs with op_thread_detach(). */
	return READ_ONCE(user->dead);
}

/**
 * vpmc_core_thread_final() - the final count and times of a per-thread user
 * @user: a user whose thread has exited (vpmc_core_task_exit())
 * @value: filled in
 *
 * Context: any; nothing changes the user any more.
 */
void vpmc_core_thread_final(const struct vpmc_user *user,
			    struct vpmc_value *value)
{
	value->count = user->saved;
	value->time_enabled = user->time_enabled;
	value->time_running = user->time_running;
}

/* === The context switch === */

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

enum task_dir { TASK_IN, TASK_OUT, TASK_EXIT };

/* A DETACHED user of a thread that starts running here; @vc held, online. */
static void user_switch_in(struct vpmc_switch *sw, struct vpmc_cpu *vc,
			   struct vpmc_user *user)
{
	struct vpmc_pmu *pmu = user->pmu;
	int idx, how;

	/* Pairs with read_here()'s lockless look at where the user is. */
	WRITE_ONCE(user->cpu, vc->cpu);
	idx = switch_place(pmu, vc, user, &how);
	if (idx < 0) {
		user->tstamp = switch_now(sw);
		user_wait(vc, user);
	} else {
		if (how == PLACE_PREEMPT)
			arb_ctr_evict(pmu, vc, idx, &sw->notify);
		user_place(pmu, vc, user, idx, switch_now(sw));
	}
	vc->nr_users++;
	user_notify(&sw->notify, user);
}

/*
 * @ct's users of @vc (this CPU's arbiter of one instance) in or out, under
 * @vc's lock, taken once; then the waiting users get what was freed, and
 * the callbacks owed go to the irq_work. Switched in: each DETACHED user
 * not being destroyed takes a counter by the arbiter's rules (a parked
 * one of its event first) or waits, unless vpmc has the CPU down. Switched
 * out: each attached one keeps its count and distance to the next
 * threshold for its next switch-in, on whatever CPU, and a counter it
 * leaves unused is parked until switch_end().
 */
static void task_switch_on(struct vpmc_switch *sw, struct vpmc_core_task *ct,
			   struct vpmc_cpu *vc, enum task_dir dir)
{
	struct vpmc_user *user;

	vc_lock(vc);
	list_for_each_entry(user, &ct->users, tnode) {
		if (user->pmu != vc->pmu)
			continue;
		if (dir == TASK_IN) {
			if (!vc->online)
				break;
			if (!user->dead && user->state == VPMC_USER_DETACHED)
				user_switch_in(sw, vc, user);
		} else if (user->state != VPMC_USER_DETACHED &&
			   !WARN_ON_ONCE(user->cpu != vc->cpu)) {
			user_take_off(user->pmu, vc, user, sw);
		}
	}
	if (!list_empty(&vc->waiting))
		arb_rebalance(vc->pmu, vc, &sw->notify);
	defer_notify(vc, &sw->notify);
	vc_unlock(vc);
}

/*
 * Switch @ct's users on this CPU, with its lock held. Its users are of one
 * instance but where a test made several (@one_pmu NULL): then each
 * instance's arbiter in turn, in address order.
 */
static void task_switch(struct vpmc_switch *sw, struct vpmc_core_task *ct,
			enum task_dir dir)
{
	int cpu = smp_processor_id();
	struct vpmc_cpu *vc, *last = NULL;
	struct vpmc_user *user;

	raw_spin_lock(&ct->lock);
	if (dir == TASK_EXIT)
		ct->exited = true;
	if (dir == TASK_IN && ct->exited)
		goto out;
	if (ct->one_pmu) {
		task_switch_on(sw, ct, ct->one_pmu->cpus[cpu], dir);
		goto out;
	}
	for (;;) {
		vc = NULL;
		list_for_each_entry(user, &ct->users, tnode) {
			struct vpmc_cpu *v = user->pmu->cpus[cpu];

			if (v > last && (!vc || v < vc))
				vc = v;
		}
		if (!vc)
			break;
		task_switch_on(sw, ct, vc, dir);
		last = vc;
	}
out:
	raw_spin_unlock(&ct->lock);
}

static void switch_begin(struct vpmc_switch *sw)
{
	sw->now = 0;
	INIT_LIST_HEAD(&sw->notify);
	INIT_HLIST_HEAD(&sw->parked);
}

/*
 * Disable the counters still parked: the next thread did not want them,
 * and no waiting user could take them when they were placed.
 */
static void switch_end(struct vpmc_switch *sw)
{
	struct hlist_node *tmp;
	struct vpmc_cpu *vc;
	unsigned int idx;

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

/**
 * vpmc_core_task_switch() - a context switch on this CPU
 * @prev: the thread that stops running here, or NULL if unmonitored
 * @next: the thread that starts running here, or NULL if unmonitored
 *
 * Switches @prev's users out and @next's in, in one batch: a counter
 * @prev's users leave goes on counting for a user of @next of the same
 * event. Takes and drops the threads' locks and the arbiters' itself.
 * Callbacks this owes run later from this CPU's irq_work. With @prev
 * NULL, it also switches in a thread that has been running here since
 * before its users were added or vpmc brought the CPU up.
 *
 * Context: the sched_switch hook (runqueue lock held), or an IPI on the
 * CPU that runs @next; interrupts disabled.
 */
void vpmc_core_task_switch(struct vpmc_core_task *prev,
			   struct vpmc_core_task *next)
{
	struct vpmc_switch sw;

	lockdep_assert_irqs_disabled();
	switch_begin(&sw);
	if (prev)
		task_switch(&sw, prev, TASK_OUT);
	if (next)
		task_switch(&sw, next, TASK_IN);
	switch_end(&sw);
}

/**
 * vpmc_core_task_exit() - the thread exits: switch its users out for good
 * @ct: the thread, the current one
 *
 * Its users' counts are final; none is switched in again, and no user can
 * be added to it any more (vpmc_core_task_add() answers -ESRCH).
 *
 * Context: the exiting thread's sched_process_exit hook, preemption
 * disabled.
 */
void vpmc_core_task_exit(struct vpmc_core_task *ct)
{
	struct vpmc_switch sw;
	unsigned long flags;

	switch_begin(&sw);
	local_irq_save(flags);
	task_switch(&sw, ct, TASK_EXIT);
	switch_end(&sw);
	local_irq_restore(flags);
}

/* === A thread's users === */

/**
 * vpmc_core_task_init() - prepare a thread's state, with no users
 * @ct: the state
 *
 * Context: any.
 */
void vpmc_core_task_init(struct vpmc_core_task *ct)
{
	raw_spin_lock_init(&ct->lock);
	INIT_LIST_HEAD(&ct->users);
	ct->exited = false;
	ct->one_pmu = NULL;
}

/* The instance all of @ct's users are of; NULL if none or several. */
static struct vpmc_pmu *task_one_pmu(struct vpmc_core_task *ct)
{
	struct vpmc_pmu *pmu = NULL;
	struct vpmc_user *user;

	list_for_each_entry(user, &ct->users, tnode) {
		if (pmu && user->pmu != pmu)
			return NULL;
		pmu = user->pmu;
	}
	return pmu;
}

/**
 * vpmc_core_task_add() - give a thread a user prepared for it
 * @ct: the thread's state
 * @user: a user from vpmc_core_thread_init(), on no thread
 * @task: the thread
 *
 * The context-switch hook attaches it from the thread's next switch-in
 * (vpmc_core_task_switch() with a NULL @prev does it at once where the
 * thread runs).
 *
 * Context: any but NMI.
 * Return: 0, or -ESRCH if @task began exiting: past its exit hook it would
 * never count, and before it the hook finds it.
 */
int vpmc_core_task_add(struct vpmc_core_task *ct, struct vpmc_user *user,
		       struct task_struct *task)
{
	unsigned long flags;
	int ret = 0;

	raw_spin_lock_irqsave(&ct->lock, flags);
	/* Pairs with the barriers between PF_EXITING and the exit hook. */
	smp_mb();
	if (ct->exited || (task->flags & PF_EXITING)) {
		ret = -ESRCH;
	} else {
		user->tlock = &ct->lock;
		list_add_tail_rcu(&user->tnode, &ct->users);
		ct->one_pmu = task_one_pmu(ct);
	}
	raw_spin_unlock_irqrestore(&ct->lock, flags);
	return ret;
}

/**
 * vpmc_core_task_del() - take a user off its thread
 * @ct: the thread's state
 * @user: a user vpmc_core_task_add() gave it, detached for good
 *	(vpmc_core_thread_detach())
 *
 * RCU readers of the thread's users (vpmc_core_task_for_each_rcu()) may
 * still see it for a grace period.
 *
 * Context: any but NMI.
 */
void vpmc_core_task_del(struct vpmc_core_task *ct, struct vpmc_user *user)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&ct->lock, flags);
	list_del_rcu(&user->tnode);
	ct->one_pmu = task_one_pmu(ct);
	raw_spin_unlock_irqrestore(&ct->lock, flags);
}

/**
 * vpmc_core_task_empty() - has a thread no user left?
 * @ct: the thread's state
 *
 * Context: any but NMI.
 * Return: true if no user is on it.
 */
bool vpmc_core_task_empty(struct vpmc_core_task *ct)
{
	unsigned long flags;
	bool empty;

	raw_spin_lock_irqsave(&ct->lock, flags);
	empty = list_empty(&ct->users);
	raw_spin_unlock_irqrestore(&ct->lock, flags);
	return empty;
}

/**
 * vpmc_core_task_exited() - has a thread's exit hook run?
 * @ct: the thread's state
 *
 * Context: any but NMI.
 * Return: true once vpmc_core_task_exit() has marked it.
 */
bool vpmc_core_task_exited(struct vpmc_core_task *ct)
{
	unsigned long flags;
	bool exited;

	raw_spin_lock_irqsave(&ct->lock, flags);
	exited = ct->exited;
	raw_spin_unlock_irqrestore(&ct->lock, flags);
	return exited;
}
