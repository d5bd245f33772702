// SPDX-License-Identifier: GPL-2.0-only
/*
 * PMCs and PMDs: pfm_write_pmcs(), pfm_write_pmds(), pfm_read_pmds(), the
 * virtual PMCs behind loaded PMDs and their overflow callback.
 *
 * Every vector is checked whole before anything changes, so a bad entry
 * (EINVAL/EPERM/EFAULT) leaves the context as it was.
 */
#define pr_fmt(fmt) "vpmc_perfmon: " fmt

#include <linux/bitops.h>
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include <perfmon/perfmon_fmt.h>

#include "pfm.h"

/* Bits of a PMC value outside the backend's event format. */
u64 pfm_pmc_rsvd;

/* Parse vpmc_event_format(): "name=config:lo-hi" or "config:n" fields. */
void pfm_regs_init(void)
{
	const char *p = vpmc_event_format();
	u64 used = 0;

	while ((p = strstr(p, "config:"))) {
		unsigned int lo, hi;
		int n = 0;

		p += strlen("config:");
		if (sscanf(p, "%u-%u%n", &lo, &hi, &n) != 2) {
			if (sscanf(p, "%u%n", &lo, &n) != 1)
				break;
			hi = lo;
		}
		if (lo <= hi && hi < 64)
			used |= GENMASK_ULL(hi, lo);
		p += n;
	}
	pfm_pmc_rsvd = ~used;
}

static u32 pfm_regs_mask(void)
{
	return (u32)GENMASK(pfm_nr - 1, 0);
}

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
static u64 pfm_pmd_get(struct pfm_pmd *pmd)
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
static int pfm_pmd_rebind(struct pfm_pmd *pmd, u64 config)
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

/* === The calls === */

/*
 * A pfm_write_pmcs() entry. As perfmon2 v2.82: the reserved bits of the
 * value (rsvd_msk in sysfs) take their default (dfl_val, 0), they are
 * not refused; reg_reserved2 is not looked at.
 */
static int pfm_check_pmc(struct pfm_ctx *ctx, pfarg_pmc_t *req)
{
	DECLARE_BITMAP(mask, VPMC_MAX_COUNTERS) = {};

	req->reg_value &= ~pfm_pmc_rsvd;
	if (req->reg_num >= pfm_nr || !pfm_set_find(ctx, req->reg_set) ||
	    req->reg_flags & ~PFM_REGFL_NO_EMUL64 ||
	    vpmc_event_counters(req->reg_value, mask) ||
	    bitmap_empty(mask, VPMC_MAX_COUNTERS))
		return -EINVAL;
	if (!ctx->may_kernel && vpmc_event_plm(req->reg_value) & VPMC_PLM_KERNEL)
		return -EPERM;
	return 0;
}

/**
 * pfm_write_pmcs() - pfm_write_pmcs(): set PMCs, i.e. events
 * @ctx: the context
 * @uptr: pfarg_pmc_t[@count]
 * @count: entries
 *
 * A PMC takes a raw event encoding of the backend (vpmc_event_format());
 * writing one makes its PMD count that event, in that set. Bits outside
 * the encoding are cleared, not refused (perfmon2's rsvd_msk). On a
 * loaded context the PMD's virtual PMC is replaced, keeping its value.
 *
 * Context: process context, ctx->mutex held.
 * Return: 0; -EINVAL for a bad count, register, set or flag, or an event
 * no counter can count; -E2BIG for too many entries; -EFAULT; -EPERM for an event
 * counting kernel mode that the context's creator may not count, or (on a
 * loaded per-thread context) a thread it may no longer monitor; on a
 * loaded context, ESRCH if the thread is exiting, EBUSY if no counter can
 * be had, ENOMEM, and the other errors of vpmc_create() (earlier entries
 * are then applied; the failing entry's PMD keeps its event).
 */
int pfm_write_pmcs(struct pfm_ctx *ctx, void __user *uptr, int count)
{
	pfarg_pmc_t *req;
	int i, ret = 0;

	req = pfm_ctx_vec(ctx, uptr, count, sizeof(*req));
	if (IS_ERR(req))
		return PTR_ERR(req);
	for (i = 0; i < count && !ret; i++)
		ret = pfm_check_pmc(ctx, &req[i]);
	for (i = 0; i < count && !ret; i++) {
		struct pfm_set *set = pfm_set_find(ctx, req[i].reg_set);
		unsigned int num = req[i].reg_num;

		if (ctx->state == PFM_CTX_LOADED &&
		    (!(set->used & BIT(num)) || set->pmcs[num] != req[i].reg_value))
			ret = pfm_pmd_rebind(&set->pmds[num], req[i].reg_value);
		if (!ret) {
			set->pmcs[num] = req[i].reg_value;
			set->used |= BIT(num);
		}
	}
	pfm_ctx_vec_done(ctx, req);
	return ret;
}

/* Is @mask (a PMD bitmap of pfarg_pmd_t) a set of our PMDs? */
static bool pfm_pmd_mask_ok(const u64 *mask, size_t size)
{
	return !(mask[0] & ~(u64)pfm_regs_mask()) &&
	       pfm_zero(&mask[1], size - sizeof(mask[0]));
}

/*
 * A pfm_write_pmds() entry. As perfmon2 v2.82: the reset and sample masks
 * must name implemented PMDs (all of ours are writable); reg_reserved2 is
 * not looked at.
 */
static int pfm_check_pmd(struct pfm_ctx *ctx, const pfarg_pmd_t *req)
{
	if (req->reg_num >= pfm_nr || !pfm_set_find(ctx, req->reg_set) ||
	    req->reg_flags & ~(PFM_REGFL_OVFL_NOTIFY | PFM_REGFL_RANDOM) ||
	    !pfm_pmd_mask_ok(req->reg_reset_pmds, sizeof(req->reg_reset_pmds)) ||
	    !pfm_pmd_mask_ok(req->reg_smpl_pmds, sizeof(req->reg_smpl_pmds)))
		return -EINVAL;
	return 0;
}

/*
 * PMDs named in a written PMD's masks become readable; those not yet
 * used start at 0, as perfmon2 wrote them.
 */
static void pfm_pmds_use(struct pfm_set *set, unsigned long mask)
{
	unsigned int i;

	mask &= ~(unsigned long)set->pmds_used;
	for_each_set_bit(i, &mask, pfm_nr) {
		set->pmds_used |= BIT(i);
		pfm_pmd_put(&set->pmds[i], 0);
	}
}

/**
 * pfm_write_pmds() - pfm_write_pmds(): set PMD values and reload settings
 * @ctx: the context
 * @uptr: pfarg_pmd_t[@count]
 * @count: entries
 *
 * A value of -p makes the PMD overflow after p events. Overflow reloads
 * reg_short_reset, or reg_long_reset after a notification
 * (PFM_REGFL_OVFL_NOTIFY), minus random bits of reg_random_mask with
 * PFM_REGFL_RANDOM; reg_reset_pmds are reloaded with it.
 *
 * Context: process context, ctx->mutex held.
 * Return: 0; -EINVAL for a bad count, register, set, flag or PMD mask;
 * -E2BIG; -EFAULT.
 */
int pfm_write_pmds(struct pfm_ctx *ctx, void __user *uptr, int count)
{
	pfarg_pmd_t *req;
	int i, ret = 0;

	req = pfm_ctx_vec(ctx, uptr, count, sizeof(*req));
	if (IS_ERR(req))
		return PTR_ERR(req);
	for (i = 0; i < count && !ret; i++)
		ret = pfm_check_pmd(ctx, &req[i]);
	for (i = 0; i < count && !ret; i++) {
		struct pfm_set *set = pfm_set_find(ctx, req[i].reg_set);
		struct pfm_pmd *pmd = &set->pmds[req[i].reg_num];

		spin_lock_irq(&ctx->lock);
		pmd->flags = req[i].reg_flags;
		pmd->long_reset = req[i].reg_long_reset;
		pmd->short_reset = req[i].reg_short_reset;
		pmd->switch_cnt = req[i].reg_ovfl_switch_cnt;
		pmd->switch_left = pmd->switch_cnt;
		pmd->reset_pmds = req[i].reg_reset_pmds[0];
		pmd->smpl_pmds = req[i].reg_smpl_pmds[0];
		pmd->eventid = req[i].reg_smpl_eventid;
		pmd->random_mask = req[i].reg_random_mask;
		/* As perfmon2's lval: the value written is the last reset. */
		pmd->last_reset = req[i].reg_value;
		spin_unlock_irq(&ctx->lock);
		set->pmds_used |= BIT(pmd->num);
		pfm_pmd_put(pmd, req[i].reg_value);
		pfm_pmds_use(set, pmd->reset_pmds | pmd->smpl_pmds);
	}
	pfm_ctx_vec_done(ctx, req);
	return ret;
}

/* The fields pfm_read_pmds() writes back to each pfarg_pmd_t. */
enum { PFM_RD_VALUE, PFM_RD_LAST_RESET, PFM_RD_SWITCH_CNT, PFM_RD_OUTS };

/*
 * What pfm_read_pmds() takes of one pfarg_pmd_t (reg_num, reg_set; the
 * outputs as they were, to put back if a later entry cannot be written),
 * then the PMD they name and the outputs.
 */
struct pfm_rd {
	u16 num;
	u16 set;
	u64 old[PFM_RD_OUTS];
	struct pfm_pmd *pmd;
	u64 out[PFM_RD_OUTS];
};

/*
 * Fetch what pfm_read_pmds() needs of each entry from @uptr, in one pass
 * (the reload settings and reserved words it ignores are never copied).
 */
static int pfm_get_rds(struct pfm_rd *rd, const void __user *uptr, int count)
{
	const pfarg_pmd_t __user *u = uptr;
	int i;

	if (!user_read_access_begin(u, (size_t)count * sizeof(*u)))
		return -EFAULT;
	for (i = 0; i < count; i++, u++) {
		unsafe_get_user(rd[i].num, &u->reg_num, efault);
		unsafe_get_user(rd[i].set, &u->reg_set, efault);
		unsafe_get_user(rd[i].old[PFM_RD_VALUE], &u->reg_value, efault);
		unsafe_get_user(rd[i].old[PFM_RD_LAST_RESET],
				&u->reg_last_reset_val, efault);
		unsafe_get_user(rd[i].old[PFM_RD_SWITCH_CNT],
				&u->reg_ovfl_switch_cnt, efault);
	}
	user_read_access_end();
	return 0;
efault:
	user_read_access_end();
	return -EFAULT;
}

/*
 * Write the first @n outputs (entry 0's value, last reset and switch
 * count, entry 1's...) of @rd, new or old; -EFAULT and how many were
 * written on a fault.
 */
static int pfm_put_outs(pfarg_pmd_t __user *u, const struct pfm_rd *rd,
			int n, bool old, int *done)
{
	int k;

	*done = 0;
	if (!user_write_access_begin(u, (size_t)DIV_ROUND_UP(n, PFM_RD_OUTS) *
				     sizeof(*u)))
		return -EFAULT;
	for (k = 0; k < n; k++) {
		const struct pfm_rd *r = &rd[k / PFM_RD_OUTS];
		pfarg_pmd_t __user *e = &u[k / PFM_RD_OUTS];
		unsigned int f = k % PFM_RD_OUTS;
		u64 v = old ? r->old[f] : r->out[f];

		if (f == PFM_RD_VALUE)
			unsafe_put_user(v, &e->reg_value, efault);
		else if (f == PFM_RD_LAST_RESET)
			unsafe_put_user(v, &e->reg_last_reset_val, efault);
		else
			unsafe_put_user(v, &e->reg_ovfl_switch_cnt, efault);
		*done = k + 1;
	}
	user_write_access_end();
	return 0;
efault:
	user_write_access_end();
	return -EFAULT;
}

/*
 * The outputs of each entry back to @uptr. A vector that runs into a page
 * that cannot be written (access_ok() only checks the range) gets what
 * was written before it put back: nothing changes.
 */
static int pfm_put_rds(void __user *uptr, const struct pfm_rd *rd, int count)
{
	int done, undone;

	if (!pfm_put_outs(uptr, rd, PFM_RD_OUTS * count, false, &done))
		return 0;
	/* Those pages took a write a moment ago. */
	pfm_put_outs(uptr, rd, done, true, &undone);
	return -EFAULT;
}

/**
 * pfm_read_pmds() - pfm_read_pmds(): PMD values
 * @ctx: the context
 * @uptr: pfarg_pmd_t[@count]; reg_num and reg_set in; reg_value,
 *	reg_last_reset_val and reg_ovfl_switch_cnt (overflows still to go
 *	before the set switches) out; the rest is left as it is
 * @count: entries
 *
 * Only a PMD the set uses can be read: written with pfm_write_pmds(), or
 * named in the reset or sample mask of one that was (perfmon2 v2.82).
 * Every entry is checked before any is read, so a bad one writes nothing.
 *
 * Context: process context, ctx->mutex held.
 * Return: 0; -EINVAL for a bad count, register or set, or a PMD the set
 * does not use; -E2BIG; -EFAULT.
 */
int pfm_read_pmds(struct pfm_ctx *ctx, void __user *uptr, int count)
{
	struct pfm_set *set = NULL;
	struct pfm_rd *rd;
	int i, ret;

	rd = pfm_ctx_buf(ctx, count, sizeof(*rd));
	if (IS_ERR(rd))
		return PTR_ERR(rd);
	ret = pfm_get_rds(rd, uptr, count);
	for (i = 0; i < count && !ret; i++) {
		if (!set || set->id != rd[i].set)
			set = pfm_set_find(ctx, rd[i].set);
		if (rd[i].num >= pfm_nr || !set ||
		    !(set->pmds_used & BIT(rd[i].num)))
			ret = -EINVAL;
		else
			rd[i].pmd = &set->pmds[rd[i].num];
	}
	for (i = 0; i < count && !ret; i++) {
		struct pfm_pmd *pmd = rd[i].pmd;

		rd[i].out[PFM_RD_VALUE] = pfm_pmd_get(pmd);
		/* Both change in the overflow callback, under ctx->lock. */
		spin_lock_irq(&ctx->lock);
		rd[i].out[PFM_RD_LAST_RESET] = pmd->last_reset;
		rd[i].out[PFM_RD_SWITCH_CNT] = pmd->switch_left;
		spin_unlock_irq(&ctx->lock);
	}
	if (!ret)
		ret = pfm_put_rds(uptr, rd, count);
	pfm_ctx_vec_done(ctx, rd);
	return ret;
}
