// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reads of a user's count and times: under its arbiter's lock where the
 * user is (vpmc_core_read()); lockless on its own CPU under the arbiter's
 * seqcount when nothing can move it meanwhile (read_here(); rule 2 of
 * core/arbiter.h); and from any context on that CPU, NMI included
 * (vpmc_core_read_local()).
 */
#define pr_fmt(fmt) "vpmc: " fmt

#include <linux/cpu.h>
#include <linux/hardirq.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/seqlock.h>

#include "arbiter_inline.h"

static void op_read(struct vpmc_cpu *vc, struct vpmc_call *call)
{
	struct vpmc_user *user = call->user;

	user_times(user);
	if (user->state == VPMC_USER_ACTIVE)
		ctr_update(user->pmu, vc, user->idx);
	call->value->count = user_count(vc, user);
	call->value->time_enabled = user->time_enabled;
	call->value->time_running = user->time_running;
	call->ret = user_read_errno(user);
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
	/* Pairs with user_switch_in(); checked again under the seqcount. */
	int cpu = READ_ONCE(user->cpu);
	struct vpmc_cpu *vc;
	unsigned int seq;
	bool done = false;

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
		user_times_peek(user, local_clock(), &value->time_enabled,
				&value->time_running);
		*ret = user_read_errno(user);
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
	ret = arb_user_op(user, op_read, &call);
	/* Destroyed, or a caller that may not sleep: nothing more to read. */
	if (ret != -ENODEV || user->tlock || !preemptible() ||
	    rcu_preempt_depth() || user->state == VPMC_USER_DETACHED)
		return ret;
	/* Its CPU is down: read its frozen count there, as detach does. */
	cpus_read_lock();
	if (!cpu_online(user->cpu)) {
		local_irq_save(flags);
		arb_call_op(&call);
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
		ret = -ENODEV;	/* destroyed; see arb_call_op() */
	else
		val = user_count_live(pmu, vc, user);
	if (read_seqcount_retry(&vc->seq, seq))
		return -EAGAIN;
	if (!ret)
		*count = val;
	return ret;
}
