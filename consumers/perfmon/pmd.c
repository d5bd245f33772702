// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PMD as a value: the virtual PMC behind a loaded PMD, its 64-bit
 * value over a count that restarts, its reload at overflow, the overflow
 * callback itself (with and without a sampling format), and a set's
 * virtual PMCs made, destroyed, stopped and swapped together.
 *
 * The locks are ctx->mutex and ctx->lock, whose rules are in pfm.h.
 */
#define pr_fmt(fmt) "vpmc_perfmon: " fmt

#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/random.h>
#include <linux/workqueue.h>

#include <perfmon/perfmon_fmt.h>

#include "pfm.h"

/* Events until a PMD holding @value wraps to 0, capped; 0 for "never". */
static u64 pfm_dist(u64 value)
{
	if (!(value & BIT_ULL(63)))
		return 0;
	return min_t(u64, -value, VPMC_MAX_PERIOD);
}

/* === The virtual PMC behind a PMD === */

/*
 * Its count; a preempted or offline one gives its frozen count. The
 * monitored thread itself, or the CPU of a system-wide context, reads it
 * with vpmc_read_local(): no lock, no call to its CPU and no times. (The
 * virtual PMCs never inherit, which that read would leave out.)
 */
static u64 pfm_pmd_count(struct pfm_pmd *pmd)
{
	struct vpmc_value val = {};
	u64 count;
	int ret;

	preempt_disable();
	ret = vpmc_read_local(pmd->vpmc, &count);
	preempt_enable();
	if (!ret)
		return count;
	vpmc_read(pmd->vpmc, &val);
	return val.count;
}

/*
 * A PMD's value, without ctx->lock: read again if an overflow reloaded it
 * between the count and @base. Process context, ctx->mutex held.
 */
u64 pfm_pmd_get(struct pfm_pmd *pmd)
{
	unsigned int seq;
	u64 value;

	if (!pmd->vpmc)
		return pmd->value;
	do {
		seq = read_seqcount_begin(&pmd->seq);
		value = pfm_pmd_count(pmd);
		value += pmd->base;
	} while (read_seqcount_retry(&pmd->seq, seq));
	return value;
}

/* Move a backed PMD's @base, ctx->lock held. */
static void pfm_pmd_rebase(struct pfm_pmd *pmd, u64 base)
{
	write_seqcount_begin(&pmd->seq);
	pmd->base = base;
	write_seqcount_end(&pmd->seq);
}

/*
 * The overflow period that aims a PMD now holding @value at its wrap,
 * recorded as armed; the caller sets it on the virtual PMC.
 */
static u64 pfm_pmd_aim(struct pfm_pmd *pmd, u64 value)
{
	struct pfm_ctx *ctx = pmd->set->ctx;
	unsigned long flags;
	u64 dist = pfm_dist(value);

	spin_lock_irqsave(&ctx->lock, flags);
	/*
	 * Reloaded by an overflow, then past the wrap again by the time the
	 * set runs (a late interrupt on a busy host counts on after its
	 * threshold): the next overflow is due now, not never.
	 */
	if (!dist && pmd->reloaded)
		dist = 1;
	pmd->armed = dist;
	spin_unlock_irqrestore(&ctx->lock, flags);
	return dist;
}

/* Aim the overflow schedule at the wrap of a PMD now holding @value. */
static void pfm_pmd_arm(struct pfm_pmd *pmd, u64 value)
{
	vpmc_set_period(pmd->vpmc, pfm_pmd_aim(pmd, value));
}

/**
 * pfm_pmd_put() - set a PMD's value and its distance to overflow
 * @pmd: the PMD
 * @value: its new 64-bit value
 *
 * Context: process context, ctx->mutex held, ctx->lock not.
 */
void pfm_pmd_put(struct pfm_pmd *pmd, u64 value)
{
	struct pfm_ctx *ctx = pmd->set->ctx;
	u64 count;

	if (!pmd->vpmc) {
		pmd->value = value;
		pmd->reloaded = false;
		return;
	}
	count = pfm_pmd_count(pmd);
	spin_lock_irq(&ctx->lock);
	pfm_pmd_rebase(pmd, value - count);
	pmd->reloaded = false;
	spin_unlock_irq(&ctx->lock);
	pfm_pmd_arm(pmd, value);
}

/**
 * pfm_pmd_reset_long() - reload a PMD with its long reset value
 * @pmd: the PMD, whose reload an overflow deferred (the set is masked)
 *
 * As an overflow's reload, in process context: randomized with
 * PFM_REGFL_RANDOM, and the value is the PMD's last reset.
 *
 * Context: process context, ctx->mutex held, ctx->lock not.
 */
void pfm_pmd_reset_long(struct pfm_pmd *pmd)
{
	struct pfm_ctx *ctx = pmd->set->ctx;
	u64 reset = pmd->long_reset;

	if (pmd->flags & PFM_REGFL_RANDOM)
		reset -= get_random_u64() & pmd->random_mask;
	spin_lock_irq(&ctx->lock);
	pmd->last_reset = reset;
	spin_unlock_irq(&ctx->lock);
	pfm_pmd_put(pmd, reset);
}

/**
 * pfm_pmd_value_local() - a PMD's value, from an overflow callback
 * @pmd: a PMD of the set whose callback runs
 *
 * Context: the overflow callback, ctx->lock held.
 * Return: its 64-bit value; for a virtual PMC preempted now, its value
 * when it was last counting is not known, and @base (its value at count
 * 0) is given.
 */
u64 pfm_pmd_value_local(struct pfm_pmd *pmd)
{
	u64 count = 0;

	lockdep_assert_held(&pmd->set->ctx->lock);
	if (!pmd->vpmc)
		return pmd->value;
	if (vpmc_read_local(pmd->vpmc, &count))
		count = 0;
	return pmd->base + count;
}

/*
 * Reload a PMD that overflowed, or is reset with one that did, at @count
 * of its virtual PMC. Overflow callback, ctx->lock held.
 */
static void pfm_pmd_reload(struct pfm_pmd *pmd, u64 count, bool notified)
{
	u64 reset = notified ? pmd->long_reset : pmd->short_reset;

	lockdep_assert_held(&pmd->set->ctx->lock);
	if (pmd->flags & PFM_REGFL_RANDOM)
		reset -= get_random_u64() & pmd->random_mask;
	pmd->last_reset = reset;
	pmd->reloaded = true;
	pfm_pmd_rebase(pmd, reset - count);
	pmd->armed = pfm_dist(reset);
	vpmc_set_period(pmd->vpmc, pfm_dist(reset));
}

/*
 * A 64-bit overflow of a context with a sampling format: the format
 * records it and says what follows, as perfmon2's interrupt tail did.
 * MASK stops the set until pfm_restart() and defers the reloads to it
 * (long reset); otherwise RESET reloads with the short reset values; a
 * format asking for neither leaves the PMD counting on, unarmed. NOTIFY
 * notifies when the PMD asked for it (which masks too); vpmc's WAKE tells
 * readers alike, whatever the PMD asked, and masks nothing.
 */
static void pfm_ovfl_smpl(struct pfm_pmd *pmd, struct vpmc *vpmc, u64 count,
			  unsigned long resets, bool notify)
{
	struct pfm_set *set = pmd->set;
	struct pfm_ctx *ctx = set->ctx;
	struct vpmc_sample sample = {};
	unsigned int i;
	u64 other;
	u32 ctrl;

	lockdep_assert_held(&ctx->lock);
	/* In its own callback, it cannot fail. */
	WARN_ON_ONCE(vpmc_overflow_sample(vpmc, &sample));
	ctrl = pfm_smpl_record(ctx, set, pmd, pmd->base + count, &sample);
	set->ovfl_pmds |= BIT(pmd->num);
	if (ctrl & PFM_OVFL_CTRL_MASK) {
		set->smpl_resets |= BIT(pmd->num) | resets;
		pmd->armed = 0;
		if (notify && (ctrl & PFM_OVFL_CTRL_NOTIFY) && !ctx->masked) {
			pfm_notify_ovfl(ctx, set, pmd->num);
		} else if (!ctx->masked) {
			WRITE_ONCE(ctx->masked, true);
			pfm_set_stop(set);
		}
		return;
	}
	if (ctrl & PFM_OVFL_CTRL_RESET) {
		pfm_pmd_reload(pmd, count, false);
		for_each_set_bit(i, &resets, pfm_nr) {
			struct pfm_pmd *o = &set->pmds[i];

			if (o->vpmc && !vpmc_read_local(o->vpmc, &other))
				pfm_pmd_reload(o, other, false);
		}
	} else {
		pmd->armed = 0;
		vpmc_set_period(vpmc, 0);
	}
	if ((set->flags & PFM_SETFL_OVFL_SWITCH) && pmd->switch_cnt &&
	    !--pmd->switch_left) {
		pmd->switch_left = pmd->switch_cnt;
		queue_work(pfm_wq, &ctx->switch_work);
	}
	if (notify && (ctrl & PFM_OVFL_CTRL_NOTIFY) && !ctx->masked)
		pfm_notify_ovfl(ctx, set, pmd->num);
	else if ((ctrl & PFM_OVFL_CTRL_WAKE) && !ctx->masked)
		pfm_wake_ovfl(ctx, set, pmd->num);
}

/*
 * vpmc's overflow callback: the PMD reached the 64-bit wrap. With a
 * sampling format, the format decides (pfm_ovfl_smpl()). Otherwise reload
 * it (and its reset_pmds) with the short reset value, or the long one when
 * it notifies; count it towards an overflow-driven set switch; notify.
 *
 * Context: hard interrupt on the virtual PMC's CPU (per thread: while its
 * thread runs there).
 */
static void pfm_ovfl(struct vpmc *vpmc, u64 count, void *priv)
{
	struct pfm_pmd *pmd = priv;
	struct pfm_set *set = pmd->set;
	struct pfm_ctx *ctx = set->ctx;
	unsigned long resets;
	u64 value, other;
	unsigned int i;
	bool notify;

	spin_lock(&ctx->lock);
	notify = pmd->flags & PFM_REGFL_OVFL_NOTIFY;
	resets = pmd->reset_pmds & ~BIT(pmd->num);
	value = pmd->base + count;
	if (!pmd->armed)
		goto unlock;		/* rewritten meanwhile: not aimed at a wrap */
	if (value & BIT_ULL(63)) {
		/* Armed short of the wrap (a capped distance), or rewritten. */
		pmd->armed = pfm_dist(value);
		vpmc_set_period(vpmc, pfm_dist(value));
		goto unlock;
	}
	if (ctx->smpl) {
		pfm_ovfl_smpl(pmd, vpmc, count, resets, notify);
		goto unlock;
	}
	pfm_pmd_reload(pmd, count, notify);
	for_each_set_bit(i, &resets, pfm_nr) {
		struct pfm_pmd *o = &set->pmds[i];

		if (o->vpmc && !vpmc_read_local(o->vpmc, &other))
			pfm_pmd_reload(o, other, notify);
	}
	set->ovfl_pmds |= BIT(pmd->num);
	if ((set->flags & PFM_SETFL_OVFL_SWITCH) && pmd->switch_cnt &&
	    !--pmd->switch_left) {
		pmd->switch_left = pmd->switch_cnt;
		queue_work(pfm_wq, &ctx->switch_work);
	}
	if (notify && !ctx->masked)
		pfm_notify_ovfl(ctx, set, pmd->num);
unlock:
	spin_unlock(&ctx->lock);
}

/* A virtual PMC for PMD @pmd counting its PMC's event, stopped. */
static struct vpmc *pfm_pmd_create(struct pfm_pmd *pmd)
{
	struct pfm_set *set = pmd->set;
	struct pfm_ctx *ctx = set->ctx;
	struct vpmc_attr attr = {
		.config = set->pmcs[pmd->num],
		.priority = VPMC_PRIO_USER,
		.overflow = pfm_ovfl,
		.notice = pfm_notice,
		.priv = pmd,
	};

	if (ctx->task)
		return vpmc_create_task(&attr, ctx->task, ctx->cred);
	return vpmc_create(&attr, ctx->cpu);
}

/* Back PMD @pmd, which has none, with a new virtual PMC. */
static int pfm_pmd_attach(struct pfm_pmd *pmd)
{
	struct pfm_ctx *ctx = pmd->set->ctx;
	struct vpmc *vpmc = pfm_pmd_create(pmd);

	if (IS_ERR(vpmc))
		return PTR_ERR(vpmc);
	spin_lock_irq(&ctx->lock);
	pfm_pmd_rebase(pmd, pmd->value);
	pmd->vpmc = vpmc;
	spin_unlock_irq(&ctx->lock);
	return 0;
}

/*
 * Keep the PMD's value and let its virtual PMC go. The overflow callback
 * of another PMD (reg_reset_pmds, a set stopped by a notification) finds
 * PMD virtual PMCs under ctx->lock: it is taken off there first, so no
 * callback holds it when it is destroyed (design.rst, "Lifetime").
 */
static void pfm_pmd_detach(struct pfm_pmd *pmd)
{
	struct pfm_ctx *ctx = pmd->set->ctx;
	struct vpmc *vpmc = pmd->vpmc;
	u64 value;

	if (!vpmc)
		return;
	value = pfm_pmd_get(pmd);
	spin_lock_irq(&ctx->lock);
	pmd->vpmc = NULL;
	pmd->value = value;
	spin_unlock_irq(&ctx->lock);
	vpmc_destroy(vpmc);
}

/**
 * pfm_set_attach() - back every written PMC's PMD with a virtual PMC
 * @set: a set of a context being loaded (ctx->task or ctx->cpu set)
 *
 * Context: process context, ctx->mutex held.
 * Return: 0, or vpmc_create()'s error (nothing attached then).
 */
int pfm_set_attach(struct pfm_set *set)
{
	unsigned long used = set->used;
	unsigned int i;
	int ret;

	for_each_set_bit(i, &used, pfm_nr) {
		ret = pfm_pmd_attach(&set->pmds[i]);
		if (ret) {
			pfm_set_detach(set);
			return ret;
		}
	}
	return 0;
}

/**
 * pfm_set_detach() - destroy a set's virtual PMCs, keeping the PMD values
 * @set: the set
 *
 * Context: process context, ctx->mutex held.
 */
void pfm_set_detach(struct pfm_set *set)
{
	unsigned int i;

	for (i = 0; i < pfm_nr; i++)
		pfm_pmd_detach(&set->pmds[i]);
}

/**
 * pfm_set_stop() - stop a set's virtual PMCs from an overflow callback
 * @set: the active set
 *
 * On the set's CPU with interrupts off, each stop is immediate: they all
 * stop at one instant, as pfm_set_swap() does from elsewhere.
 *
 * Context: the overflow callback on the set's CPU, ctx->lock held.
 */
void pfm_set_stop(struct pfm_set *set)
{
	unsigned int i;

	lockdep_assert_held(&set->ctx->lock);
	for (i = 0; i < pfm_nr; i++)
		if (set->pmds[i].vpmc)
			vpmc_stop(set->pmds[i].vpmc);
}

/* Append to @ops what stops, or starts and re-arms, @set's virtual PMCs. */
static unsigned int pfm_set_ops(struct pfm_set *set, bool start,
				struct vpmc_swap_op *ops)
{
	unsigned int i, n = 0;

	for (i = 0; i < pfm_nr; i++) {
		struct pfm_pmd *pmd = &set->pmds[i];

		if (!pmd->vpmc)
			continue;
		ops[n] = (struct vpmc_swap_op){ .vpmc = pmd->vpmc, .start = start };
		if (start) {
			ops[n].rearm = true;
			ops[n].period = pfm_pmd_aim(pmd, pfm_pmd_get(pmd));
		}
		n++;
	}
	return n;
}

/**
 * pfm_set_swap() - stop one set's virtual PMCs and start another's, at once
 * @ctx: a loaded context
 * @stop: the set to stop, or NULL
 * @start: the set to start, each PMD aimed at its wrap, or NULL
 *
 * One vpmc_swap(): on the monitored thread's CPU (or the context's), with
 * interrupts off, so no event of the thread falls between the two sets,
 * and the PMDs of a set start and stop together however late the caller
 * (a work item, on a busy host) runs.
 *
 * Context: process context, ctx->mutex held.
 */
void pfm_set_swap(struct pfm_ctx *ctx, struct pfm_set *stop,
		  struct pfm_set *start)
{
	unsigned int n = 0;

	lockdep_assert_held(&ctx->mutex);
	if (stop)
		n += pfm_set_ops(stop, false, ctx->swap + n);
	if (start)
		n += pfm_set_ops(start, true, ctx->swap + n);
	vpmc_swap(ctx->swap, n);
}

/*
 * A loaded PMD's PMC changed (or was first written): a new virtual PMC.
 * It is made before the old one goes, so a refusal (EPERM, ESRCH, ...)
 * leaves the PMD as it was; only a system-wide PMD that needs the very
 * counter its old virtual PMC holds (EBUSY) gives that one up first, and
 * gets it back if the new one still cannot be had.
 */
int pfm_pmd_rebind(struct pfm_pmd *pmd, u64 config)
{
	struct pfm_set *set = pmd->set;
	struct pfm_ctx *ctx = set->ctx;
	u64 old = set->pmcs[pmd->num];
	struct vpmc *vpmc, *prev;
	int ret = 0;
	u64 value;

	set->pmcs[pmd->num] = config;
	vpmc = pfm_pmd_create(pmd);
	if (IS_ERR(vpmc) && PTR_ERR(vpmc) == -EBUSY && pmd->vpmc) {
		/* It needs the counter the old one holds. */
		pfm_pmd_detach(pmd);
		ret = pfm_pmd_attach(pmd);
		if (ret) {
			set->pmcs[pmd->num] = old;
			/* Its counter was free a moment ago. */
			if (pfm_pmd_attach(pmd))
				set->used &= ~BIT(pmd->num);
		}
	} else if (IS_ERR(vpmc)) {
		set->pmcs[pmd->num] = old;
		ret = PTR_ERR(vpmc);
	} else {
		prev = pmd->vpmc;
		value = prev ? pfm_pmd_get(pmd) : pmd->value;
		spin_lock_irq(&ctx->lock);
		pmd->vpmc = vpmc;
		pmd->value = value;
		pfm_pmd_rebase(pmd, value);
		spin_unlock_irq(&ctx->lock);
		vpmc_destroy(prev);
	}
	if (pmd->vpmc && set == ctx->active && pfm_ctx_running(ctx)) {
		pfm_pmd_arm(pmd, pfm_pmd_get(pmd));
		vpmc_start(pmd->vpmc);
	}
	/* vpmc_may_monitor()'s refusal is perfmon's EPERM, as at load. */
	return ret == -EACCES ? -EPERM : ret;
}
