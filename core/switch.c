// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-thread claims (rule 5 of core/arbiter.h): made detached, attached by
 * the context-switch hook while their thread runs, and taken off for good
 * at destroy; and the context switch's batch, which takes one thread's
 * claims off and puts the next one's on.
 */
#define pr_fmt(fmt) "vpmc: " fmt

#include <linux/bitops.h>
#include <linux/lockdep.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/spinlock.h>

#include "arbiter_inline.h"

/* === Per-thread claims (rule 5) === */

/**
 * vpmc_core_thread_init() - prepare a per-thread claim
 * @claim: the claim; its constant fields set
 * @events: take a reference on its event's backing counters on every CPU
 *	(vpmc_events_hold_all()); false when another claim of the same event, which
 *	outlives this one, holds it (an inherited child)
 * @started: counting from its first switch-in (an inherited child of a
 *	started parent); else started by vpmc_core_start()
 *
 * The claim starts DETACHED; once vpmc_core_task_add() gave it to its
 * thread, the context-switch hook attaches it while the thread runs.
 *
 * Context: process context if @events, else any.
 * Return: 0, or vpmc_events_hold_all()'s error.
 */
int vpmc_core_thread_init(struct vpmc_claim *claim, bool events, bool started)
{
	int ret;

	arb_claim_init(claim);
	INIT_LIST_HEAD(&claim->tnode);
	if (events) {
		ret = vpmc_events_hold_all(claim->pmu, claim->config);
		if (ret)
			return ret;
	}
	claim->evref = events;
	claim->started = started;
	atomic_inc(&claim->pmu->nr_claims);
	return 0;
}

static void op_thread_detach(struct vpmc_arbiter *arb, struct vpmc_call *call)
{
	struct vpmc_claim *claim = call->claim;
	LIST_HEAD(notify);

	/* Pairs with vpmc_core_thread_dead(). */
	WRITE_ONCE(claim->dead, true);
	if (arb) {
		arb_claim_remove(claim->pmu, arb, claim, &notify);
		defer_notify(arb, &notify);
	}
}

/**
 * vpmc_core_thread_detach() - take a per-thread claim off for good
 * @claim: a claim prepared by vpmc_core_thread_init()
 *
 * Detaches it from the CPU its thread runs on, if it runs, and keeps it
 * detached; its count stays readable.
 *
 * Context: process context, may sleep.
 */
void vpmc_core_thread_detach(struct vpmc_claim *claim)
{
	struct vpmc_call call = {};

	might_sleep();
	arb_claim_op(claim, op_thread_detach, &call);
	if (claim->evref)
		vpmc_events_release_all(claim->pmu, claim->config);
	claim->evref = false;
	atomic_dec(&claim->pmu->nr_claims);
}

/**
 * vpmc_core_thread_forget() - undo vpmc_core_thread_init() of a claim never
 *	given to its thread (so never seen by the context-switch hook)
 * @claim: the claim
 *
 * Context: any if it was made without events; else process context.
 */
void vpmc_core_thread_forget(struct vpmc_claim *claim)
{
	WARN_ON_ONCE(claim->state != VPMC_CLAIM_DETACHED);
	if (claim->evref) {
		might_sleep();
		vpmc_events_release_all(claim->pmu, claim->config);
		claim->evref = false;
	}
	atomic_dec(&claim->pmu->nr_claims);
}

/**
 * vpmc_core_started() - was a claim started (vpmc_core_start())?
 * @claim: the claim
 *
 * Context: any; a snapshot.
 * Return: whether it counts when it holds a counter.
 */
bool vpmc_core_started(const struct vpmc_claim *claim)
{
	/* Pairs with the WRITE_ONCE()s of core/call.c. */
	return READ_ONCE(claim->started);
}

/**
 * vpmc_core_thread_dead() - is a per-thread claim detached for good?
 * @claim: a claim from vpmc_core_thread_init()
 *
 * Context: any; a snapshot, final once true.
 * Return: true once vpmc_core_thread_detach() has begun on it.
 */
bool vpmc_core_thread_dead(const struct vpmc_claim *claim)
{
	/* Pairs with op_thread_detach(). */
	return READ_ONCE(claim->dead);
}

/**
 * vpmc_core_thread_final() - the final count and times of a per-thread claim
 * @claim: a claim whose thread has exited (vpmc_core_task_exit())
 * @value: filled in
 *
 * Context: any; nothing changes the claim any more.
 */
void vpmc_core_thread_final(const struct vpmc_claim *claim,
			    struct vpmc_value *value)
{
	value->count = claim->saved;
	value->time_enabled = claim->time_enabled;
	value->time_running = claim->time_running;
}

/* === The context switch === */

/*
 * A context switch takes or leaves counters for all of a thread's claims at
 * once: each arbiter's lock is taken once per thread, the waiting claims are
 * placed once (arb_rebalance()), and the callbacks owed go to the irq_work
 * together. A counter the previous thread's claims leave is parked, not
 * disabled, until the switch ends: when the next thread counts the same
 * event, as threads of one program do, it goes on counting for it, which
 * spares the backend a disable and an enable. The whole switch runs with
 * interrupts disabled on this CPU, and every other writer of this CPU's
 * arbiter runs here with interrupts disabled too (rule 1), so nobody else
 * sees a parked counter.
 */

enum task_dir { TASK_IN, TASK_OUT, TASK_EXIT };

/* A DETACHED claim of a thread that starts running here; @arb held, online. */
static void claim_switch_in(struct vpmc_switch *sw, struct vpmc_arbiter *arb,
			    struct vpmc_claim *claim)
{
	struct vpmc_pmu *pmu = claim->pmu;
	int idx, how;

	/* Pairs with read_seq_same_cpu()'s lockless look at where the claim is. */
	WRITE_ONCE(claim->cpu, arb->cpu);
	idx = switch_place(pmu, arb, claim, &how);
	if (idx < 0) {
		claim->tstamp = switch_now(sw);
		claim_wait(arb, claim);
	} else {
		if (how == PLACE_PREEMPT)
			arb_ctr_evict(pmu, arb, idx, &sw->notify);
		claim_place(pmu, arb, claim, idx, switch_now(sw));
	}
	arb->nr_claims++;
	claim_notify(&sw->notify, claim);
}

/*
 * @ct's claims of @arb (this CPU's arbiter of one instance) in or out, under
 * @arb's lock, taken once; then the waiting claims get what was freed, and
 * the callbacks owed go to the irq_work. Switched in: each DETACHED claim
 * not being destroyed takes a counter by the arbiter's rules (a parked
 * one of its event first) or waits, unless vpmc has the CPU down. Switched
 * out: each attached one keeps its count and distance to the next
 * threshold for its next switch-in, on whatever CPU, and a counter it
 * leaves unused is parked until switch_end().
 */
static void task_switch_on(struct vpmc_switch *sw, struct vpmc_core_task *ct,
			   struct vpmc_arbiter *arb, enum task_dir dir)
{
	struct vpmc_claim *claim;

	arb_lock(arb);
	list_for_each_entry(claim, &ct->claims, tnode) {
		if (claim->pmu != arb->pmu)
			continue;
		if (dir == TASK_IN) {
			if (!arb->online)
				break;
			if (!claim->dead && claim->state == VPMC_CLAIM_DETACHED)
				claim_switch_in(sw, arb, claim);
		} else if (claim->state != VPMC_CLAIM_DETACHED &&
			   !WARN_ON_ONCE(claim->cpu != arb->cpu)) {
			claim_take_off(claim->pmu, arb, claim, sw);
		}
	}
	if (!list_empty(&arb->waiting))
		arb_rebalance(arb->pmu, arb, &sw->notify);
	defer_notify(arb, &sw->notify);
	arb_unlock(arb);
}

/*
 * Switch @ct's claims on this CPU, with its lock held. Its claims are of one
 * instance but where a test made several (@one_pmu NULL): then each
 * instance's arbiter in turn, in address order.
 */
static void task_switch(struct vpmc_switch *sw, struct vpmc_core_task *ct,
			enum task_dir dir)
{
	int cpu = smp_processor_id();
	struct vpmc_arbiter *arb, *last = NULL;
	struct vpmc_claim *claim;

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
		arb = NULL;
		list_for_each_entry(claim, &ct->claims, tnode) {
			struct vpmc_arbiter *v = claim->pmu->cpus[cpu];

			if (v > last && (!arb || v < arb))
				arb = v;
		}
		if (!arb)
			break;
		task_switch_on(sw, ct, arb, dir);
		last = arb;
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
 * and no waiting claim could take them when they were placed.
 */
static void switch_end(struct vpmc_switch *sw)
{
	struct hlist_node *tmp;
	struct vpmc_arbiter *arb;
	unsigned int idx;

	hlist_for_each_entry_safe(arb, tmp, &sw->parked, park_node) {
		hlist_del_init(&arb->park_node);
		/* Only this CPU, interrupts off, changes it: no lock to look. */
		if (!arb->parked)
			continue;
		arb_lock(arb);
		for_each_set_bit(idx, &arb->parked, BITS_PER_LONG)
			ctr_unpark(arb->pmu, arb, idx);
		arb_unlock(arb);
	}
}

/**
 * vpmc_core_task_switch() - a context switch on this CPU
 * @prev: the thread that stops running here, or NULL if unmonitored
 * @next: the thread that starts running here, or NULL if unmonitored
 *
 * Switches @prev's claims out and @next's in, in one batch: a counter
 * @prev's claims leave goes on counting for a claim of @next of the same
 * event. Takes and drops the threads' locks and the arbiters' itself.
 * Callbacks this owes run later from this CPU's irq_work. With @prev
 * NULL, it also switches in a thread that has been running here since
 * before its claims were added or vpmc brought the CPU up.
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
 * vpmc_core_task_exit() - the thread exits: switch its claims out for good
 * @ct: the thread, the current one
 *
 * Its claims' counts are final; none is switched in again, and no claim can
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

/* === A thread's claims === */

/**
 * vpmc_core_task_init() - prepare a thread's state, with no claims
 * @ct: the state
 *
 * Context: any.
 */
void vpmc_core_task_init(struct vpmc_core_task *ct)
{
	raw_spin_lock_init(&ct->lock);
	INIT_LIST_HEAD(&ct->claims);
	ct->exited = false;
	ct->one_pmu = NULL;
}

/* The instance all of @ct's claims are of; NULL if none or several. */
static struct vpmc_pmu *task_one_pmu(struct vpmc_core_task *ct)
{
	struct vpmc_pmu *pmu = NULL;
	struct vpmc_claim *claim;

	list_for_each_entry(claim, &ct->claims, tnode) {
		if (pmu && claim->pmu != pmu)
			return NULL;
		pmu = claim->pmu;
	}
	return pmu;
}

/**
 * vpmc_core_task_add() - give a thread a claim prepared for it
 * @ct: the thread's state
 * @claim: a claim from vpmc_core_thread_init(), on no thread
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
int vpmc_core_task_add(struct vpmc_core_task *ct, struct vpmc_claim *claim,
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
		claim->tlock = &ct->lock;
		list_add_tail_rcu(&claim->tnode, &ct->claims);
		ct->one_pmu = task_one_pmu(ct);
	}
	raw_spin_unlock_irqrestore(&ct->lock, flags);
	return ret;
}

/**
 * vpmc_core_task_del() - take a claim off its thread
 * @ct: the thread's state
 * @claim: a claim vpmc_core_task_add() gave it, detached for good
 *	(vpmc_core_thread_detach())
 *
 * RCU readers of the thread's claims (vpmc_core_task_for_each_rcu()) may
 * still see it for a grace period.
 *
 * Context: any but NMI.
 */
void vpmc_core_task_del(struct vpmc_core_task *ct, struct vpmc_claim *claim)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&ct->lock, flags);
	list_del_rcu(&claim->tnode);
	ct->one_pmu = task_one_pmu(ct);
	raw_spin_unlock_irqrestore(&ct->lock, flags);
}

/**
 * vpmc_core_task_empty() - has a thread no claim left?
 * @ct: the thread's state
 *
 * Context: any but NMI.
 * Return: true if no claim is on it.
 */
bool vpmc_core_task_empty(struct vpmc_core_task *ct)
{
	unsigned long flags;
	bool empty;

	raw_spin_lock_irqsave(&ct->lock, flags);
	empty = list_empty(&ct->claims);
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
