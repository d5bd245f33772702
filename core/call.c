// SPDX-License-Identifier: GPL-2.0-only
/*
 * Operations on one user, each run on its CPU (an IPI, or here): attach,
 * detach, start, stop, write, set the period, swap, and which counter.
 * One trampoline, arb_call_op(), runs every op of one user with its locks;
 * user_call() gets it to the user's CPU, following a per-thread user's
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

static void __attach(void *info)
{
	struct vpmc_call *call = info;
	struct vpmc_user *user = call->user;
	struct vpmc_pmu *pmu = user->pmu;
	struct vpmc_cpu *vc = user_cpu(user);
	LIST_HEAD(notify);
	int idx, how;

	vc_lock(vc);
	idx = vc->online ? arb_place(pmu, vc, user, &how) : -ENODEV;
	if (idx < 0) {
		/* Nothing was changed: arb_place() only looks. */
		vc_unlock(vc);
		call->ret = idx;
		return;
	}
	user->tstamp = local_clock();
	if (how == PLACE_PREEMPT)
		arb_ctr_evict(pmu, vc, idx, &notify);
	user_place(pmu, vc, user, idx, user->tstamp);
	vc->nr_users++;
	arb_rebalance(pmu, vc, &notify);
	vc_unlock(vc);
	arb_run_notify(&notify);
	call->ret = 0;
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
		user_unlist(user);
	} else if (user->state != VPMC_USER_DETACHED) {
		arb_user_remove(user->pmu, vc, user, &notify);
	}
	vc_unlock(vc);
	arb_run_notify(&notify);
}

/*
 * The one trampoline of operations on one user, wherever they run (the
 * user's CPU, or here for a per-thread user that is not attached): runs
 * @call->op with what guards the user's arbiter fields: its CPU's arbiter
 * lock (@vc), or nothing more than its thread's lock, which the caller
 * holds, for a per-thread user that is not attached (rule 5; @vc is then
 * NULL). Under the lock it checks again what the IPI was sent for: the
 * arbiter of an online CPU is only ever locked on that CPU
 * (arb_assert_locked()).
 */
void arb_call_op(void *info)
{
	struct vpmc_call *call = info;
	struct vpmc_user *user = call->user;
	struct vpmc_cpu *vc;

	if (user->tlock) {
		lockdep_assert_held(user->tlock);
		if (user->state == VPMC_USER_DETACHED) {
			call->op(NULL, call);
			return;
		}
	}
	vc = user_cpu(user);
	vc_lock(vc);
	arb_assert_locked(vc);
	/*
	 * A system-wide user is DETACHED only once vpmc_core_detach() took it
	 * off (its memory lasts a grace period longer: vpmc/api.c), so a
	 * callback still holding it gets -ENODEV, and nothing changes.
	 */
	if (!user->tlock && user->state == VPMC_USER_DETACHED)
		call->ret = -ENODEV;
	else
		call->op(vc, call);
	vc_unlock(vc);
}

static void op_start(struct vpmc_cpu *vc, struct vpmc_call *call)
{
	struct vpmc_user *user = call->user;

	user_times(user);
	if (!user->started) {
		/* WRITE_ONCE: vpmc_core_started() reads it without the lock. */
		WRITE_ONCE(user->started, true);
		if (user->state == VPMC_USER_ACTIVE) {
			ctr_update(user->pmu, vc, user->idx);
			user_thaw(vc, user);
			ctr_program(user->pmu, vc, user->idx, false);
		}
	}
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
	WRITE_ONCE(user->started, false);
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

static void op_set_period(struct vpmc_cpu *vc, struct vpmc_call *call)
{
	user_rearm(vc, call->user, false, 0, 0, call->arg);
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
	arb_user_init(user);
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
	ret = arb_event_get(user);
	if (!ret)
		ret = vpmc_pmu_call(user->cpu, __attach, &call);
	if (!ret)
		ret = call.ret;
	if (!ret)
		atomic_inc(&user->pmu->nr_users);
	else
		arb_event_put(user);
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
	arb_event_put(user);
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

/* Run @op for @user through arb_call_op(), where the user is (user_call()). */
int arb_user_op(struct vpmc_user *user,
		void (*op)(struct vpmc_cpu *vc, struct vpmc_call *call),
		struct vpmc_call *call)
{
	call->op = op;
	return user_call(user, arb_call_op, call);
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

	return arb_user_op(user, op_start, &call);
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

	return arb_user_op(user, op_stop, &call);
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

	return arb_user_op(user, op_write, &call);
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

	return arb_user_op(user, op_set_period, &call);
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
			WRITE_ONCE(user->started, false);
		} else if (!user->started) {
			WRITE_ONCE(user->started, true);
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

static void op_counter_of(struct vpmc_cpu *vc, struct vpmc_call *call)
{
	struct vpmc_user *user = call->user;

	call->ret = user->state == VPMC_USER_ACTIVE ? user->idx : -EBUSY;
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

	return arb_user_op(user, op_counter_of, &call);
}
