// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reads of a claim's count and times: under its arbiter's lock where the
 * claim is (vpmc_core_read()); lockless on its own CPU under the arbiter's
 * seqcount when nothing can move it meanwhile (read_seq_same_cpu(); rule 2 of
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

static void op_read(struct vpmc_arbiter *arb, struct vpmc_call *call)
{
	struct vpmc_claim *claim = call->claim;

	claim_times(claim);
	if (claim->state == VPMC_CLAIM_ACTIVE)
		ctr_update(claim->pmu, arb, claim->idx);
	call->value->count = claim_count(arb, claim);
	call->value->time_enabled = claim->time_enabled;
	call->value->time_running = claim->time_running;
	call->ret = claim_read_errno(claim);
}

/*
 * op_read() of a claim of this CPU without the lock and with interrupts on:
 * it writes nothing, and reads again if the arbiter changed meanwhile.
 * Every writer of this CPU's arbiter runs here with interrupts disabled, so
 * outside NMI the sequence is never odd at the start; if it is, the caller
 * takes the locked way. A per-thread claim qualifies only when @mine (the
 * caller is its thread, so it runs here and cannot leave) and while it is
 * attached: then only this CPU changes it, and taking it off needs this
 * arbiter's lock, so the sequence tells. False if this is not the place.
 */
static bool read_seq_same_cpu(struct vpmc_claim *claim, struct vpmc_value *value,
			      bool mine, int *ret)
{
	struct vpmc_pmu *pmu = claim->pmu;
	/* Pairs with claim_switch_in(); checked again under the seqcount. */
	int cpu = READ_ONCE(claim->cpu);
	struct vpmc_arbiter *arb;
	unsigned int seq;
	bool done = false;

	if (in_nmi() || (claim->tlock && !mine))
		return false;
	preempt_disable();
	if (cpu != smp_processor_id())
		goto out;
	arb = pmu->cpus[cpu];
	do {
		seq = raw_read_seqcount(&arb->seq);
		if (seq & 1)
			goto out;
		if (claim->tlock && (!claim_attached(claim) || claim->cpu != cpu))
			goto out;
		/* Destroyed: the locked way says so. */
		if (claim->state == VPMC_CLAIM_DETACHED)
			goto out;
		value->count = claim_count_live(pmu, arb, claim);
		claim_times_peek(claim, local_clock(), &value->time_enabled,
				 &value->time_running);
		*ret = claim_read_errno(claim);
	} while (read_seqcount_retry(&arb->seq, seq));
	done = true;
out:
	preempt_enable();
	return done;
}

/**
 * vpmc_core_read() - a claim's count and times
 * @claim: an attached claim
 * @value: filled in, also when the claim is preempted
 *
 * Context: see vpmc_cpu_call().
 * Return: 0; -EBUSY if the claim is preempted (@value holds its frozen count
 * and its times); -ENODEV if its CPU is offline (@value as well, when
 * called from process context); or vpmc_cpu_call()'s error.
 */
int vpmc_core_read(struct vpmc_claim *claim, struct vpmc_value *value)
{
	struct vpmc_call call = { .value = value };
	unsigned long flags;
	int ret;

	if (read_seq_same_cpu(claim, value, false, &ret))
		return ret;
	ret = arb_claim_op(claim, op_read, &call);
	/* Destroyed, or a caller that may not sleep: nothing more to read. */
	if (ret != -ENODEV || claim->tlock || !preemptible() ||
	    rcu_preempt_depth() || claim->state == VPMC_CLAIM_DETACHED)
		return ret;
	/* Its CPU is down: read its frozen count there, as detach does. */
	cpus_read_lock();
	if (!cpu_online(claim->cpu)) {
		local_irq_save(flags);
		arb_call_op(&call);
		local_irq_restore(flags);
		ret = call.ret;
	}
	cpus_read_unlock();
	return ret;
}

/**
 * vpmc_core_read_own_thread() - vpmc_core_read() of a per-thread claim by its thread
 * @claim: a per-thread claim whose thread is the caller
 * @value: as vpmc_core_read()
 *
 * While the claim is attached, reads it without a lock or an interrupt-free
 * section, as vpmc_core_read() does for a system-wide claim of its CPU.
 *
 * Context: as vpmc_core_read().
 * Return: as vpmc_core_read().
 */
int vpmc_core_read_own_thread(struct vpmc_claim *claim, struct vpmc_value *value)
{
	int ret;

	if (read_seq_same_cpu(claim, value, true, &ret))
		return ret;
	return vpmc_core_read(claim, value);
}

/**
 * vpmc_core_read_local() - a claim's count, from any context on its CPU
 * @claim: an attached claim of the current CPU
 * @count: set to its count
 *
 * Takes no lock: safe in NMI context and in the claim's own callbacks.
 *
 * Context: any, including NMI, with preemption disabled.
 * Return: 0; -EINVAL if @claim is not of this CPU; -EBUSY if it is
 * preempted; -ENODEV if it was detached; -EAGAIN if this NMI interrupted
 * an update of this CPU's arbiter. @count is written only on success.
 */
int vpmc_core_read_local(struct vpmc_claim *claim, u64 *count)
{
	struct vpmc_pmu *pmu = claim->pmu;
	struct vpmc_arbiter *arb;
	unsigned int seq;
	u64 val;
	int ret = 0;

	if (claim->cpu != smp_processor_id())
		return -EINVAL;
	arb = claim_arb(claim);
	seq = raw_read_seqcount(&arb->seq);
	if (seq & 1)
		return -EAGAIN;
	if (claim->state == VPMC_CLAIM_WAITING)
		ret = -EBUSY;
	else if (!claim->tlock && claim->state == VPMC_CLAIM_DETACHED)
		ret = -ENODEV;	/* destroyed; see arb_call_op() */
	else
		val = claim_count_live(pmu, arb, claim);
	if (read_seqcount_retry(&arb->seq, seq))
		return -EAGAIN;
	if (!ret)
		*count = val;
	return ret;
}
