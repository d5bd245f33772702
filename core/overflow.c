// SPDX-License-Identifier: GPL-2.0-only
/*
 * Overflow dispatch: each counter is programmed to interrupt at the
 * earliest threshold of its started claims (their timerqueue, earliest
 * cached), and an interrupt fires every threshold passed, in order, as
 * expiring timers do; throttling when callbacks take more than their share
 * of a CPU; and the irq_work that carries NMI reports and the callbacks a
 * context switch owed out of contexts that cannot run them.
 *
 * Locking: rules 1-3 of core/arbiter.h; @pending and @ovf_entry of
 * struct vpmc_arbiter are their own (atomic bitops, local64).
 */
#define pr_fmt(fmt) "vpmc: " fmt

#include <linux/bitops.h>
#include <linux/export.h>
#include <linux/hrtimer.h>
#include <linux/irq_work.h>
#include <linux/math64.h>
#include <linux/sched.h>
#include <linux/sched/clock.h>
#include <linux/time64.h>
#include <asm/irq_regs.h>
#include <asm/ptrace.h>

#include "arbiter_inline.h"

/* Bound on callbacks per interrupt; the rest fire at the next event. */
#define VPMC_MAX_FIRES	256

/* The window in which overflow dispatch may take vpmc_pmu.ovf_pct. */
#define VPMC_OVF_WINDOW_NS	NSEC_PER_MSEC

/*
 * Overflow throttling. Thousands of thresholds close together, or a
 * period short for a slow CPU, could keep a CPU in overflow interrupts
 * for good. So each CPU's overflows may take vpmc_pmu.ovf_pct percent of
 * every window of VPMC_OVF_WINDOW_NS: past that, the counter is throttled
 * (it keeps counting, exactly, with no threshold armed) until the window
 * is over, and at least for the rest of a window. Then its overdue claims
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
	/* Pairs with vpmc_pmu_set_overflow_limit()'s WRITE_ONCE(). */
	return div_u64(VPMC_OVF_WINDOW_NS * READ_ONCE(pmu->ovf_pct), 100);
}

static void ovf_throttle(struct vpmc_arbiter *arb, unsigned int idx, u64 budget,
			 u64 now)
{
	u64 end = arb->ovf_window + VPMC_OVF_WINDOW_NS;
	u64 pause = max(end > now ? end - now : 0, VPMC_OVF_WINDOW_NS - budget);

	__set_bit(idx, &arb->throttled);
	arb->nr_throttled++;
	if (!hrtimer_is_queued(&arb->unthrottle))
		hrtimer_start(&arb->unthrottle, ns_to_ktime(pause),
			      HRTIMER_MODE_REL_PINNED_HARD);
}

/* The end of a throttling: hard interrupt context, on the arbiter's CPU. */
static enum hrtimer_restart ovf_unthrottle(struct hrtimer *timer)
{
	struct vpmc_arbiter *arb = container_of(timer, struct vpmc_arbiter, unthrottle);
	unsigned long throttled;
	unsigned int idx;

	arb_lock(arb);
	throttled = arb->throttled;
	arb->throttled = 0;
	arb->catchup |= throttled;
	for_each_set_bit(idx, &throttled, BITS_PER_LONG)
		if (arb->ctr[idx].nr_claims)
			ctr_program(arb->pmu, arb, idx, true);
	arb_unlock(arb);
	return HRTIMER_NORESTART;
}

/*
 * Where the backend's interrupt came: @regs, or the current interrupt's.
 * NMI-safe: it reads only the CPU's own state and current's ids.
 */
static void ovf_capture(struct vpmc_sample *s, struct pt_regs *regs)
{
	if (!regs)
		regs = get_irq_regs();
	s->ip = regs ? instruction_pointer(regs) : 0;
	s->user = regs && user_mode(regs);
	s->time = local_clock();
	s->pid = task_pid_nr(current);
	s->tgid = task_tgid_nr(current);
	s->cpu = smp_processor_id();
}

/*
 * vpmc_pmu_overflow() charged from @entry, the PMU's clock when the
 * backend reported the overflow (0: from now), that interrupted @sample.
 */
static void __vpmc_pmu_overflow(struct vpmc_pmu *pmu, unsigned int idx, u64 entry,
				const struct vpmc_sample *sample)
{
	struct vpmc_arbiter *arb = pmu->cpus[smp_processor_id()];
	struct vpmc_counter *c = &arb->ctr[idx];
	u64 budget = ovf_budget(pmu), t0 = 0, at, skip;
	u64 (*clock)(void) = pmu->clock;
	struct timerqueue_node *node;
	struct vpmc_claim *claim;
	unsigned int fires;

	if (WARN_ON_ONCE(idx >= pmu->desc.num_counters))
		return;
	arb_lock(arb);
	if (!c->nr_claims)
		goto out;
	ctr_update(pmu, arb, idx);
	/* A wrap of a throttled counter: nothing is armed. */
	if (arb->throttled & BIT(idx))
		goto program;
	if (budget) {
		t0 = clock();
		/* A report older than a window is one a CPU left behind. */
		if (entry && t0 - entry < VPMC_OVF_WINDOW_NS)
			t0 = entry;
		if (t0 - arb->ovf_window >= VPMC_OVF_WINDOW_NS) {
			arb->ovf_window = t0;
			arb->ovf_spent = 0;
		}
	}
	for (fires = 0; fires < VPMC_MAX_FIRES; fires++) {
		node = timerqueue_getnext(&c->tq);
		if (!node || node->expires > (s64)c->count) {
			__clear_bit(idx, &arb->catchup);
			break;
		}
		/* The first of a window fires whatever its report cost. */
		if (budget && (fires || arb->ovf_spent)) {
			u64 now = clock();

			if (arb->ovf_spent + (now - t0) > budget) {
				ovf_throttle(arb, idx, budget, now);
				break;
			}
		}
		claim = container_of(node, struct vpmc_claim, tq);
		skip = 0;
		if ((arb->catchup & BIT(idx)) || claim->overdue)
			skip = div64_u64(c->count - node->expires, claim->period);
		claim->overdue = false;
		arb->nr_skipped += skip;
		at = claim->next + skip * claim->period;
		claim->next = at + claim->period;
		timerqueue_del(&c->tq, node);
		node->expires += (skip + 1) * claim->period;
		timerqueue_add(&c->tq, node);
		if (!claim->overflow)
			continue;
		arb->cb_claim = claim;
		arb->cb_count = at;
		arb->cb_sample = sample;
		arb_unlock(arb);
		claim->overflow(claim, at);
		arb_lock(arb);
		arb->cb_claim = NULL;
		arb->cb_sample = NULL;
		if (!c->nr_claims)
			goto spent;
		ctr_update(pmu, arb, idx);
	}
	/*
	 * Past the budget with nothing left to fire, the counter idles too:
	 * reports that fire nothing (a backend's early or repeated ones)
	 * would otherwise never be throttled.
	 */
	if (t0 && !(arb->throttled & BIT(idx))) {
		u64 now = clock();

		if (arb->ovf_spent + (now - t0) > budget)
			ovf_throttle(arb, idx, budget, now);
	}
program:
	ctr_program(pmu, arb, idx, true);
spent:
	if (t0)
		arb->ovf_spent += clock() - t0;
out:
	arb_unlock(arb);
}

/**
 * vpmc_pmu_overflow() - a backend's counter reached its programmed period
 * @pmu: the PMU instance
 * @idx: the counter, on the current CPU
 * @regs: the registers the counter's interrupt interrupted; NULL: those of
 *	the current interrupt (get_irq_regs()), if any
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
void vpmc_pmu_overflow(struct vpmc_pmu *pmu, unsigned int idx,
		       struct pt_regs *regs)
{
	struct vpmc_sample sample;

	ovf_capture(&sample, regs);
	__vpmc_pmu_overflow(pmu, idx, 0, &sample);
}
EXPORT_SYMBOL_NS_GPL(vpmc_pmu_overflow, VPMC_INTERNAL);

/*
 * The irq_work of vpmc_pmu_overflow_nmi() and of deferred preemption
 * callbacks: hard interrupt context, on @arb's CPU.
 */
static void ovf_work(struct irq_work *work)
{
	struct vpmc_arbiter *arb = container_of(work, struct vpmc_arbiter, work);
	/* Before @pending is cleared: pairs with vpmc_pmu_overflow_nmi(). */
	u64 entry = local64_read(&arb->ovf_entry);
	struct vpmc_sample sample;
	unsigned int idx;
	LIST_HEAD(notify);

	for (idx = 0; idx < arb->pmu->desc.num_counters; idx++) {
		if (!test_bit(idx, &arb->pending))
			continue;
		/*
		 * The NMI's sample is stable while the bit is set: take it,
		 * then clear the bit. An NMI in between is dispatched with this
		 * one (the dispatch reads the counter after the clear), its
		 * sample merged into this one's.
		 */
		sample = arb->ctr[idx].nmi_sample;
		clear_bit_unlock(idx, &arb->pending);
		/* The first dispatched carries the deferral's cost. */
		__vpmc_pmu_overflow(arb->pmu, idx, entry, &sample);
		entry = 0;
	}
	if (list_empty(&arb->later))
		return;
	arb_lock(arb);
	list_splice_init(&arb->later, &notify);
	arb_unlock(arb);
	arb_run_notify(&notify);
}

/**
 * vpmc_pmu_overflow_nmi() - vpmc_pmu_overflow(), deferred out of NMI
 * @pmu: the PMU instance
 * @idx: the counter, on the current CPU
 * @regs: the registers the NMI interrupted (NULL: none known)
 *
 * Records where the NMI came, marks the counter and queues this CPU's
 * irq_work, which dispatches the overflow once interrupts are enabled: the
 * arbiter's lock cannot be taken in an NMI that may have interrupted its
 * holder. Until then, further NMIs of the counter share the first's
 * sample.
 *
 * Context: any, including NMI, on the counter's CPU; always the same kind
 * of context for one counter (its interrupt's), so that two reports of it
 * never interleave their samples.
 */
void vpmc_pmu_overflow_nmi(struct vpmc_pmu *pmu, unsigned int idx,
			   struct pt_regs *regs)
{
	struct vpmc_arbiter *arb = pmu->cpus[smp_processor_id()];

	if (WARN_ON_ONCE(idx >= pmu->desc.num_counters))
		return;
	/*
	 * NMIs do not nest, and the irq_work copies the sample before it
	 * clears the bit (clear_bit_unlock()): a clear bit means the slot is
	 * nobody's. Pairs with ovf_work().
	 */
	if (!test_bit(idx, &arb->pending))
		ovf_capture(&arb->ctr[idx].nmi_sample, regs);
	/*
	 * The first deferred since the last dispatch stamps the report. Only
	 * NMIs and the irq_work of this CPU touch it: neither can be torn by
	 * the other (local64), and @work reads it before clearing @pending.
	 * @pending pairs with the bit operations below and in ovf_work();
	 * @ovf_pct with vpmc_pmu_set_overflow_limit()'s WRITE_ONCE().
	 */
	if (!READ_ONCE(arb->pending) && READ_ONCE(pmu->ovf_pct))
		local64_set(&arb->ovf_entry, pmu->clock());
	set_bit(idx, &arb->pending);
	irq_work_queue(&arb->work);
}
EXPORT_SYMBOL_NS_GPL(vpmc_pmu_overflow_nmi, VPMC_INTERNAL);

/**
 * vpmc_core_overflow_sample() - where the overflow a claim's callback is
 *	told of interrupted
 * @claim: the claim whose overflow callback runs
 * @sample: filled in
 *
 * Context: @claim's overflow callback (its CPU, interrupts disabled).
 * Return: 0, or -EINVAL anywhere else (@sample is then untouched).
 */
int vpmc_core_overflow_sample(const struct vpmc_claim *claim,
			      struct vpmc_sample *sample)
{
	struct vpmc_arbiter *arb;

	if (!irqs_disabled())
		return -EINVAL;
	arb = claim->pmu->cpus[smp_processor_id()];
	/*
	 * Both are set and cleared around the callback by this CPU's
	 * dispatch, with interrupts off: nothing else writes them meanwhile.
	 */
	if (arb->cb_claim != claim || !arb->cb_sample)
		return -EINVAL;
	*sample = *arb->cb_sample;
	return 0;
}

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

/* Ready @arb's irq_work and unthrottle timer. */
void arb_overflow_init(struct vpmc_arbiter *arb)
{
	init_irq_work(&arb->work, ovf_work);
	hrtimer_init(&arb->unthrottle, CLOCK_MONOTONIC,
		     HRTIMER_MODE_REL_PINNED_HARD);
	arb->unthrottle.function = ovf_unthrottle;
}

/*
 * The backend is gone: no overflow is deferred any more, and none
 * throttles a counter again. Wait for what is in flight.
 */
void arb_overflow_exit(struct vpmc_arbiter *arb)
{
	irq_work_sync(&arb->work);
	hrtimer_cancel(&arb->unthrottle);
}
