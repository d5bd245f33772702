// SPDX-License-Identifier: GPL-2.0-only
/*
 * Operations on one claim, each run on its CPU (an IPI, or here): attach,
 * detach, start, stop, write, set the period, swap, and which counter.
 * One trampoline, arb_call_op(), runs every op of one claim with its locks;
 * claim_call() gets it to the claim's CPU, following a per-thread claim's
 * thread from CPU to CPU as perf's task_function_call() does.
 *
 * Locking: rules 1 and 5 of core/arbiter.h.
 */
#define pr_fmt(fmt) "vpmc: " fmt

#include <linux/cpu.h>
#include <linux/export.h>
#include <linux/hardirq.h>
#include <linux/lockdep.h>
#include <linux/mutex.h>
#include <linux/smp.h>

#include "arbiter_inline.h"

/**
 * vpmc_cpu_call() - run @fn on @cpu with interrupts disabled
 * @cpu: the CPU
 * @fn: the function
 * @info: its argument
 *
 * Context: any but NMI when @cpu is the current CPU; otherwise process or
 * softirq context with interrupts enabled.
 * Return: 0, -ENODEV if @cpu is offline, -EINVAL if called from a context
 * that cannot reach @cpu.
 */
int vpmc_cpu_call(int cpu, smp_call_func_t fn, void *info)
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
EXPORT_SYMBOL_NS_GPL(vpmc_cpu_call, VPMC_INTERNAL);

static void __attach(void *info)
{
	struct vpmc_call *call = info;
	struct vpmc_claim *claim = call->claim;
	struct vpmc_pmu *pmu = claim->pmu;
	struct vpmc_arbiter *arb = claim_arb(claim);
	LIST_HEAD(notify);
	int idx, how;

	arb_lock(arb);
	idx = arb->online ? arb_place(pmu, arb, claim, &how) : -ENODEV;
	if (idx < 0) {
		/* Nothing was changed: arb_place() only looks. */
		arb_unlock(arb);
		call->ret = idx;
		return;
	}
	claim->tstamp = local_clock();
	if (how == PLACE_PREEMPT)
		arb_ctr_evict(pmu, arb, idx, &notify);
	claim_place(pmu, arb, claim, idx, claim->tstamp);
	arb->nr_claims++;
	arb_rebalance(pmu, arb, &notify);
	arb_unlock(arb);
	arb_run_notify(&notify);
	call->ret = 0;
}

static void __detach(void *info)
{
	struct vpmc_call *call = info;
	struct vpmc_claim *claim = call->claim;
	struct vpmc_arbiter *arb = claim_arb(claim);
	LIST_HEAD(notify);

	arb_lock(arb);
	if (claim->state == VPMC_CLAIM_OFFLINE) {
		/* Its CPU is down: nothing of it is on the counters. */
		claim_unlist(claim);
	} else if (claim->state != VPMC_CLAIM_DETACHED) {
		arb_claim_remove(claim->pmu, arb, claim, &notify);
	}
	arb_unlock(arb);
	arb_run_notify(&notify);
}

/*
 * The one trampoline of operations on one claim, wherever they run (the
 * claim's CPU, or here for a per-thread claim that is not attached): runs
 * @call->op with what guards the claim's arbiter fields: its CPU's arbiter
 * lock (@arb), or nothing more than its thread's lock, which the caller
 * holds, for a per-thread claim that is not attached (rule 5; @arb is then
 * NULL). Under the lock it checks again what the IPI was sent for: the
 * arbiter of an online CPU is only ever locked on that CPU
 * (arb_assert_locked()).
 */
void arb_call_op(void *info)
{
	struct vpmc_call *call = info;
	struct vpmc_claim *claim = call->claim;
	struct vpmc_arbiter *arb;

	if (claim->tlock) {
		lockdep_assert_held(claim->tlock);
		if (claim->state == VPMC_CLAIM_DETACHED) {
			call->op(NULL, call);
			return;
		}
	}
	arb = claim_arb(claim);
	arb_lock(arb);
	arb_assert_locked(arb);
	/*
	 * A system-wide claim is DETACHED only once vpmc_core_detach() took it
	 * off (its memory lasts a grace period longer: vpmc/api.c), so a
	 * callback still holding it gets -ENODEV, and nothing changes.
	 */
	if (!claim->tlock && claim->state == VPMC_CLAIM_DETACHED)
		call->ret = -ENODEV;
	else
		call->op(arb, call);
	arb_unlock(arb);
}

static void op_start(struct vpmc_arbiter *arb, struct vpmc_call *call)
{
	struct vpmc_claim *claim = call->claim;

	claim_times(claim);
	if (!claim->started) {
		/* WRITE_ONCE: vpmc_core_started() reads it without the lock. */
		WRITE_ONCE(claim->started, true);
		if (claim->state == VPMC_CLAIM_ACTIVE) {
			ctr_update(claim->pmu, arb, claim->idx);
			claim_thaw(arb, claim);
			ctr_program(claim->pmu, arb, claim->idx, false);
		}
	}
}

static void op_stop(struct vpmc_arbiter *arb, struct vpmc_call *call)
{
	struct vpmc_claim *claim = call->claim;

	claim_times(claim);
	if (claim_counting(claim)) {
		ctr_update(claim->pmu, arb, claim->idx);
		claim_freeze(arb, claim);
		ctr_program(claim->pmu, arb, claim->idx, false);
	}
	WRITE_ONCE(claim->started, false);
}

/*
 * Set the count (@set) and/or the period, re-arming the threshold: the next
 * callback comes one full period after the new count. With @set, @since
 * events counted past that count are added to it (not to the threshold).
 */
static void claim_rearm(struct vpmc_arbiter *arb, struct vpmc_claim *claim, bool set,
			u64 count, u64 since, u64 period)
{
	bool counting;

	counting = claim_counting(claim);
	if (counting) {
		ctr_update(claim->pmu, arb, claim->idx);
		claim_freeze(arb, claim);
	}
	if (!set)
		count = claim->saved;
	claim->saved = count + since;
	claim->period = period;
	claim->next = count + period;
	claim->overdue = false;
	if (counting) {
		claim_thaw(arb, claim);
		ctr_program(claim->pmu, arb, claim->idx, false);
	}
}

static void op_write(struct vpmc_arbiter *arb, struct vpmc_call *call)
{
	struct vpmc_claim *claim = call->claim;
	u64 since = 0;

	/*
	 * From the claim's own overflow callback: the written count replaces
	 * the count at the threshold it was told of, and the events counted
	 * since (many, after a throttled stretch) are kept.
	 */
	if (arb && arb->cb_claim == claim) {
		if (claim->state == VPMC_CLAIM_ACTIVE)
			ctr_update(claim->pmu, arb, claim->idx);
		since = claim_count(arb, claim) - arb->cb_count;
	}
	claim_rearm(arb, claim, true, call->arg, since, claim->period);
}

static void op_set_period(struct vpmc_arbiter *arb, struct vpmc_call *call)
{
	claim_rearm(arb, call->claim, false, 0, 0, call->arg);
}

/**
 * vpmc_core_attach() - give a claim a counter of its CPU
 * @claim: the claim; its constant fields set, its period in @period
 *
 * Preempts lower-priority claims if it must; their preemption callbacks run
 * before this returns.
 *
 * Context: process context, may sleep.
 * Return: 0; -EBUSY if no counter can be had now without preempting an
 * equal or higher priority or a pinned claim (nothing was changed);
 * -ENODEV if the CPU is offline; or the backend's event_get error.
 */
int vpmc_core_attach(struct vpmc_claim *claim)
{
	struct vpmc_call call = { .claim = claim };
	int ret;

	might_sleep();
	arb_claim_init(claim);
	claim->tlock = NULL;
	/*
	 * The events mutex, not the CPU hotplug lock: a backend may take that
	 * lock to create its event (core/hotplug.c). A CPU that goes down
	 * from now on finds the claim on its counters or never gets it.
	 */
	mutex_lock(&vpmc_events_mutex);
	/*
	 * Just up, and the work that brings it up for vpmc still to come.
	 * Pairs with the WRITE_ONCE() of arb_cpu_up().
	 */
	if (cpu_online(claim->cpu) && !READ_ONCE(claim_arb(claim)->online))
		vpmc_cpus_sync();
	ret = claim_event_get(claim);
	if (!ret)
		ret = vpmc_cpu_call(claim->cpu, __attach, &call);
	if (!ret)
		ret = call.ret;
	if (!ret)
		atomic_inc(&claim->pmu->nr_claims);
	else
		claim_event_put(claim);
	mutex_unlock(&vpmc_events_mutex);
	return ret;
}

/**
 * vpmc_core_detach() - take a claim off its CPU's arbiter
 * @claim: an attached claim
 *
 * Waiting claims may be reinstated on the counter it frees; their callbacks
 * run before this returns. No callback of @claim runs after it returns, and
 * every later operation on it fails with -ENODEV.
 *
 * Context: process context, may sleep.
 */
void vpmc_core_detach(struct vpmc_claim *claim)
{
	struct vpmc_call call = { .claim = claim };

	might_sleep();
	mutex_lock(&vpmc_events_mutex);
	/*
	 * An offline CPU's claims are OFFLINE, on its offline list, and only
	 * the events mutex brings it up for vpmc again: take it off here.
	 */
	if (vpmc_cpu_call(claim->cpu, __detach, &call)) {
		unsigned long flags;

		local_irq_save(flags);
		WARN_ON_ONCE(claim->state != VPMC_CLAIM_OFFLINE);
		__detach(&call);
		local_irq_restore(flags);
	}
	claim_event_put(claim);
	mutex_unlock(&vpmc_events_mutex);
	atomic_dec(&claim->pmu->nr_claims);
}

/* On the CPU a per-thread claim was seen attached to: still there? */
static void __thread_call(void *info)
{
	struct vpmc_call *call = info;
	struct vpmc_claim *claim = call->claim;

	raw_spin_lock(claim->tlock);
	if (claim->state != VPMC_CLAIM_DETACHED && claim->cpu != smp_processor_id())
		call->moved = true;
	else
		call->fn(call);
	raw_spin_unlock(claim->tlock);
}

/*
 * Run @fn for a per-thread claim: here, with its thread's lock, when it is
 * detached or attached to this CPU; else on the CPU it is attached to,
 * again if its thread moved on meanwhile (as perf's task_function_call()).
 */
static int thread_call(struct vpmc_claim *claim, smp_call_func_t fn,
		       struct vpmc_call *call)
{
	unsigned long flags;
	int cpu, ret;

	call->fn = fn;
	for (;;) {
		call->moved = false;
		call->ret = 0;
		raw_spin_lock_irqsave(claim->tlock, flags);
		if (claim->state == VPMC_CLAIM_DETACHED ||
		    claim->cpu == smp_processor_id()) {
			fn(call);
			raw_spin_unlock_irqrestore(claim->tlock, flags);
			return call->ret;
		}
		cpu = claim->cpu;
		raw_spin_unlock_irqrestore(claim->tlock, flags);
		ret = vpmc_cpu_call(cpu, __thread_call, call);
		if (ret)
			return ret;
		if (!call->moved)
			return call->ret;
		cpu_relax();
	}
}

static int claim_call(struct vpmc_claim *claim, smp_call_func_t fn,
		      struct vpmc_call *call)
{
	int ret;

	call->claim = claim;
	call->ret = 0;
	if (claim->tlock)
		return thread_call(claim, fn, call);
	ret = vpmc_cpu_call(claim->cpu, fn, call);
	return ret ? ret : call->ret;
}

/* Run @op for @claim through arb_call_op(), where the claim is (claim_call()). */
int arb_claim_op(struct vpmc_claim *claim,
		 void (*op)(struct vpmc_arbiter *arb, struct vpmc_call *call),
		struct vpmc_call *call)
{
	call->op = op;
	return claim_call(claim, arb_call_op, call);
}

/**
 * vpmc_core_start() - count from now on
 * @claim: an attached claim
 *
 * Context: see vpmc_cpu_call().
 * Return: 0, or vpmc_cpu_call()'s error.
 */
int vpmc_core_start(struct vpmc_claim *claim)
{
	struct vpmc_call call;

	return arb_claim_op(claim, op_start, &call);
}

/**
 * vpmc_core_stop() - stop counting; the count is kept
 * @claim: an attached claim
 *
 * Context: see vpmc_cpu_call().
 * Return: 0, or vpmc_cpu_call()'s error.
 */
int vpmc_core_stop(struct vpmc_claim *claim)
{
	struct vpmc_call call;

	return arb_claim_op(claim, op_stop, &call);
}

/**
 * vpmc_core_write() - set a claim's count
 * @claim: an attached claim
 * @count: the new count; the next overflow comes a full period after it
 *
 * From the claim's own overflow callback, @count is its count at the
 * threshold the callback was given: the events counted since are kept.
 *
 * Context: see vpmc_cpu_call().
 * Return: 0, or vpmc_cpu_call()'s error.
 */
int vpmc_core_write(struct vpmc_claim *claim, u64 count)
{
	struct vpmc_call call = { .arg = count };

	return arb_claim_op(claim, op_write, &call);
}

/**
 * vpmc_core_set_period() - change a claim's overflow period
 * @claim: an attached claim with an overflow callback
 * @period: events between callbacks, 0 for none; counted from now
 *
 * Context: see vpmc_cpu_call().
 * Return: 0, or vpmc_cpu_call()'s error.
 */
int vpmc_core_set_period(struct vpmc_claim *claim, u64 period)
{
	struct vpmc_call call = { .arg = period };

	return arb_claim_op(claim, op_set_period, &call);
}

/* An op's claim, or NULL (and -ENODEV) for a destroyed system-wide one. */
static struct vpmc_claim *swap_claim(struct vpmc_call *call, unsigned int i)
{
	struct vpmc_claim *claim = call->claim_of(call->ops[i].vpmc);

	if (!claim->tlock && claim->state == VPMC_CLAIM_DETACHED) {
		if (!call->ret)
			call->ret = -ENODEV;
		return NULL;
	}
	return claim;
}

/*
 * vpmc_core_swap()'s work, on its target's CPU with interrupts off (per
 * thread: with the thread's lock, so its claims are all attached to this
 * CPU's arbiter or all detached; the first op's claim stands for them).
 * Each counter involved is brought up to date once, and the claims that
 * stop freeze and those that start thaw at that same count: every event
 * goes to one group or the other, none to neither. Only then is each
 * counter reprogrammed, once.
 */
static void swap_ops(struct vpmc_call *call, struct vpmc_arbiter *arb)
{
	struct vpmc_pmu *pmu = call->claim->pmu;
	unsigned long touched = 0;
	struct vpmc_claim *claim;
	unsigned int i, idx;
	u64 now;

	/* The claims to start are stopped: re-arming them counts nothing. */
	for (i = 0; i < call->nr; i++) {
		const struct vpmc_swap_op *op = &call->ops[i];

		claim = swap_claim(call, i);
		if (claim && op->start && op->rearm)
			claim_rearm(arb, claim, false, 0, 0, op->period);
	}
	for (i = 0; i < call->nr; i++) {
		bool start = call->ops[i].start;

		claim = swap_claim(call, i);
		if (claim && claim->state == VPMC_CLAIM_ACTIVE &&
		    (start ? !claim->started : claim->started) &&
		    !__test_and_set_bit(claim->idx, &touched))
			ctr_update(pmu, arb, claim->idx);
	}
	now = local_clock();
	for (i = 0; i < call->nr; i++) {
		claim = swap_claim(call, i);
		if (!claim)
			continue;
		claim_times_at(claim, now);
		if (!call->ops[i].start) {
			if (claim_counting(claim))
				claim_freeze(arb, claim);
			WRITE_ONCE(claim->started, false);
		} else if (!claim->started) {
			WRITE_ONCE(claim->started, true);
			if (claim->state == VPMC_CLAIM_ACTIVE)
				claim_thaw(arb, claim);
		}
	}
	for_each_set_bit(idx, &touched, VPMC_MAX_COUNTERS)
		ctr_program(pmu, arb, idx, false);
}

static void __swap(void *info)
{
	struct vpmc_call *call = info;
	struct vpmc_claim *first = call->claim;
	struct vpmc_arbiter *arb;

	if (first->tlock) {
		lockdep_assert_held(first->tlock);
		/* Not running: no counter to touch (rule 5). */
		if (first->state == VPMC_CLAIM_DETACHED) {
			swap_ops(call, NULL);
			return;
		}
	}
	arb = claim_arb(first);
	arb_lock(arb);
	swap_ops(call, arb);
	arb_unlock(arb);
}

/**
 * vpmc_core_swap() - stop and start claims of one target in one call
 * @ops: the ops (vpmc_swap())
 * @nr: how many
 * @claim_of: the claim of an op's virtual PMC
 *
 * All claims must share their target: per thread, their thread (so its
 * lock, which every claim of one thread shares, holds them all where it
 * runs); system-wide, their CPU. Both are fixed once attached.
 *
 * Context: see vpmc_cpu_call().
 * Return: 0; -EINVAL for claims of different targets (nothing done);
 * vpmc_cpu_call()'s error; or the first error of an op (-ENODEV).
 */
int vpmc_core_swap(const struct vpmc_swap_op *ops, unsigned int nr,
		   struct vpmc_claim *(*claim_of)(struct vpmc *vpmc))
{
	struct vpmc_call call = { .ops = ops, .nr = nr, .claim_of = claim_of };
	struct vpmc_claim *first;
	unsigned int i;

	if (!nr)
		return 0;
	first = claim_of(ops[0].vpmc);
	for (i = 1; i < nr; i++) {
		struct vpmc_claim *claim = claim_of(ops[i].vpmc);

		if (claim->pmu != first->pmu || claim->tlock != first->tlock ||
		    (!first->tlock && claim->cpu != first->cpu))
			return -EINVAL;
	}
	return claim_call(first, __swap, &call);
}

static void op_counter_of(struct vpmc_arbiter *arb, struct vpmc_call *call)
{
	struct vpmc_claim *claim = call->claim;

	call->ret = claim->state == VPMC_CLAIM_ACTIVE ? claim->idx : -EBUSY;
}

/**
 * vpmc_core_counter() - the counter a claim holds
 * @claim: an attached claim
 *
 * Context: see vpmc_cpu_call().
 * Return: the counter's index; -EBUSY if the claim is preempted (or, per
 * thread, its thread is not running); or vpmc_cpu_call()'s error.
 */
int vpmc_core_counter(struct vpmc_claim *claim)
{
	struct vpmc_call call;

	return arb_claim_op(claim, op_counter_of, &call);
}
