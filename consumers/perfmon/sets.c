// SPDX-License-Identifier: GPL-2.0-only
/*
 * Event sets: pfm_create_evtsets(), pfm_delete_evtsets(),
 * pfm_getinfo_evtsets(), and multiplexing.
 *
 * Sets are kept in id order and switched round-robin in that order: after
 * set_timeout ns of being active while started (PFM_SETFL_TIME_SWITCH, an
 * hrtimer), or after a PMD's reg_ovfl_switch_cnt overflows
 * (PFM_SETFL_OVFL_SWITCH). Switching stops one set's virtual PMCs and
 * starts the next one's in one vpmc_swap(), where the monitored thread
 * runs, so no count falls between them; it runs in a work item, because
 * that may have to reach another CPU and wait. A set's timeout is
 * wall-clock time, whether or not a monitored thread runs.
 */
#define pr_fmt(fmt) "vpmc_perfmon: " fmt

#include <linux/error-injection.h>
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/list.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include "pfm.h"

/**
 * pfm_set_find() - a context's set by id
 * @ctx: the context
 * @id: set id
 *
 * Context: ctx->mutex held.
 * Return: the set, or NULL.
 */
struct pfm_set *pfm_set_find(struct pfm_ctx *ctx, u16 id)
{
	struct pfm_set *set;

	list_for_each_entry(set, &ctx->sets, node) {
		if (set->id == id)
			return set;
		if (set->id > id)
			break;
	}
	return NULL;
}

static void pfm_set_insert(struct pfm_ctx *ctx, struct pfm_set *new)
{
	struct pfm_set *set;

	list_for_each_entry(set, &ctx->sets, node) {
		if (set->id > new->id)
			break;
	}
	list_add_tail(&new->node, &set->node);
}

/* A fault-injection site (Documentation/testing.rst): it only allocates and initialises. */
static noinline struct pfm_set *pfm_set_alloc(struct pfm_ctx *ctx, u16 id)
{
	struct pfm_set *set = kzalloc(sizeof(*set), GFP_KERNEL_ACCOUNT);
	unsigned int i;

	if (!set)
		return NULL;
	set->ctx = ctx;
	set->id = id;
	for (i = 0; i < PFM_NR; i++) {
		set->pmds[i].set = set;
		set->pmds[i].num = i;
		seqcount_spinlock_init(&set->pmds[i].seq, &ctx->lock);
	}
	return set;
}

ALLOW_ERROR_INJECTION(pfm_set_alloc, NULL);

/**
 * pfm_set_new() - add an empty set
 * @ctx: the context, which has no set @id
 * @id: its id
 *
 * Context: process context, ctx->mutex held (or @ctx not yet visible).
 * Return: the set, or NULL without memory.
 */
struct pfm_set *pfm_set_new(struct pfm_ctx *ctx, u16 id)
{
	struct pfm_set *set = pfm_set_alloc(ctx, id);

	if (set)
		pfm_set_insert(ctx, set);
	return set;
}

/**
 * pfm_sets_free() - free every set of an unloaded context
 * @ctx: the context
 *
 * Context: any; nothing else refers to @ctx.
 */
void pfm_sets_free(struct pfm_ctx *ctx)
{
	struct pfm_set *set, *tmp;

	list_for_each_entry_safe(set, tmp, &ctx->sets, node) {
		list_del(&set->node);
		kfree(set);
	}
}

/* === Multiplexing === */

/* The active set leaves at @now: its timer stops, its time is counted. */
static void pfm_set_leave(struct pfm_ctx *ctx, u64 now)
{
	struct pfm_set *set = ctx->active;

	hrtimer_cancel(&ctx->timer);
	if (set->activated) {
		set->duration += now - set->activated;
		set->activated = 0;
	}
}

/* @set becomes the active set at @now; started, its timer runs. */
static void pfm_set_enter(struct pfm_ctx *ctx, struct pfm_set *set, u64 now)
{
	spin_lock_irq(&ctx->lock);
	ctx->active = set;
	spin_unlock_irq(&ctx->lock);
	if (!ctx->started)
		return;
	set->runs++;
	set->activated = now;
	if (set->flags & PFM_SETFL_TIME_SWITCH)
		hrtimer_start(&ctx->timer, ns_to_ktime(set->timeout),
			      HRTIMER_MODE_REL);
}

/**
 * pfm_activate() - make @set the active set and, if counting, start it
 * @ctx: a loaded context
 * @set: one of its sets
 *
 * Context: process context, ctx->mutex held.
 */
void pfm_activate(struct pfm_ctx *ctx, struct pfm_set *set)
{
	lockdep_assert_held(&ctx->mutex);
	if (ctx->started && !ctx->masked)
		pfm_set_swap(ctx, NULL, set);
	pfm_set_enter(ctx, set, ktime_get_ns());
}

/**
 * pfm_deactivate() - stop the active set, accounting its active time
 * @ctx: a loaded, started context
 *
 * Context: process context, ctx->mutex held.
 */
void pfm_deactivate(struct pfm_ctx *ctx)
{
	lockdep_assert_held(&ctx->mutex);
	pfm_set_swap(ctx, ctx->active, NULL);
	pfm_set_leave(ctx, ktime_get_ns());
}

/*
 * Switch to the next set in id order. A work item: starting a per-thread
 * virtual PMC may have to reach the CPU the thread runs on and wait for
 * it, which the timer's interrupt cannot. The switch itself is one
 * pfm_set_swap() there, so however late the work runs nothing counted is
 * lost: the active set only runs that much longer, and is accounted so.
 */
void pfm_switch_work(struct work_struct *work)
{
	struct pfm_ctx *ctx = container_of(work, struct pfm_ctx, switch_work);
	struct pfm_set *prev, *next;
	u64 now;

	mutex_lock(&ctx->mutex);
	if (ctx->state == PFM_CTX_LOADED && ctx->started) {
		prev = ctx->active;
		next = list_is_last(&prev->node, &ctx->sets) ?
			list_first_entry(&ctx->sets, struct pfm_set, node) :
			list_next_entry(prev, node);
		/* Masked by a notification: nothing runs until pfm_restart(). */
		pfm_set_swap(ctx, prev, ctx->masked ? NULL : next);
		now = ktime_get_ns();
		pfm_set_leave(ctx, now);
		pfm_set_enter(ctx, next, now);
	}
	mutex_unlock(&ctx->mutex);
}

/* The active set's timeout: switch, in process context, soon. */
enum hrtimer_restart pfm_switch_timer(struct hrtimer *timer)
{
	struct pfm_ctx *ctx = container_of(timer, struct pfm_ctx, timer);

	queue_work(pfm_wq, &ctx->switch_work);
	return HRTIMER_NORESTART;
}

/* === The calls === */

/*
 * A pfm_create_evtsets() entry. As perfmon2 v2.82 on x86: both switch
 * modes at once, or switching by time without a timeout, are refused;
 * other flag bits, set_reserved1 and reserved[] are not looked at.
 */
static int pfm_check_setdesc(const pfarg_setdesc_t *req)
{
	const u32 both = PFM_SETFL_OVFL_SWITCH | PFM_SETFL_TIME_SWITCH;

	if ((req->set_flags & both) == both ||
	    (req->set_flags & PFM_SETFL_TIME_SWITCH && !req->set_timeout))
		return -EINVAL;
	return 0;
}

/**
 * pfm_create_evtsets() - pfm_create_evtsets(): create or update sets
 * @ctx: an unloaded context
 * @uptr: pfarg_setdesc_t[@count]
 * @count: entries
 *
 * An existing set takes the new flags and timeout and keeps its registers.
 *
 * Context: process context, ctx->mutex held.
 * Return: 0; -EBUSY if loaded; -EINVAL for a bad count, flag combination
 * or missing timeout; -E2BIG; -EFAULT; -ENOSPC beyond
 * PFM_MAX_SETS sets; -ENOMEM.
 */
int pfm_create_evtsets(struct pfm_ctx *ctx, void __user *uptr, int count)
{
	pfarg_setdesc_t *req;
	struct pfm_set *set, *tmp;
	LIST_HEAD(fresh);
	int i, nr, ret = 0;

	req = pfm_copy_vec(uptr, count, sizeof(*req));
	if (IS_ERR(req))
		return PTR_ERR(req);
	if (ctx->state == PFM_CTX_LOADED)
		ret = -EBUSY;
	for (i = 0; i < count && !ret; i++)
		ret = pfm_check_setdesc(&req[i]);
	/* Allocate every new set first: without memory, nothing changes. */
	nr = list_count_nodes(&ctx->sets);
	for (i = 0; i < count && !ret; i++) {
		bool known = pfm_set_find(ctx, req[i].set_id);

		list_for_each_entry(set, &fresh, node)
			known |= set->id == req[i].set_id;
		if (known)
			continue;
		if (++nr > PFM_MAX_SETS) {
			ret = -ENOSPC;
			break;
		}
		set = pfm_set_alloc(ctx, req[i].set_id);
		if (!set)
			ret = -ENOMEM;
		else
			list_add_tail(&set->node, &fresh);
	}
	if (ret) {
		list_for_each_entry_safe(set, tmp, &fresh, node)
			kfree(set);
		kvfree(req);
		return ret;
	}
	list_for_each_entry_safe(set, tmp, &fresh, node) {
		list_del(&set->node);
		pfm_set_insert(ctx, set);
	}
	for (i = 0; i < count; i++) {
		set = pfm_set_find(ctx, req[i].set_id);
		set->flags = req[i].set_flags;
		set->timeout = req[i].set_timeout;
	}
	kvfree(req);
	return 0;
}

/**
 * pfm_delete_evtsets() - pfm_delete_evtsets(): delete sets
 * @ctx: an unloaded context
 * @uptr: pfarg_setdesc_t[@count]; set_id in
 * @count: entries
 *
 * Context: process context, ctx->mutex held.
 * Return: 0; -EBUSY if loaded; -EINVAL for a bad count, set 0 or a missing
 * set; -E2BIG; -EFAULT.
 */
int pfm_delete_evtsets(struct pfm_ctx *ctx, void __user *uptr, int count)
{
	pfarg_setdesc_t *req;
	struct pfm_set *set;
	int i, ret = 0;

	req = pfm_copy_vec(uptr, count, sizeof(*req));
	if (IS_ERR(req))
		return PTR_ERR(req);
	if (ctx->state == PFM_CTX_LOADED)
		ret = -EBUSY;
	for (i = 0; i < count && !ret; i++) {
		if (!req[i].set_id || !pfm_set_find(ctx, req[i].set_id))
			ret = -EINVAL;
	}
	for (i = 0; i < count && !ret; i++) {
		set = pfm_set_find(ctx, req[i].set_id);
		if (set) {
			list_del(&set->node);
			kfree(set);
		}
	}
	kvfree(req);
	return ret;
}

/* A fault-injection site (Documentation/testing.rst): it only allocates. */
static noinline void *pfm_dup(const void *src, size_t len)
{
	void *p = kvmalloc(len, GFP_KERNEL_ACCOUNT);

	if (p)
		memcpy(p, src, len);
	return p;
}

ALLOW_ERROR_INJECTION(pfm_dup, NULL);

/**
 * pfm_getinfo_evtsets() - pfm_getinfo_evtsets(): what sets did
 * @ctx: the context
 * @uptr: pfarg_setinfo_t[@count]; set_id in, the rest but the reserved
 *	words out
 * @count: entries
 *
 * Reports flags, runs, active time (ns, including the current run), the
 * timeout left (the active set's, else its full timeout), the PMDs that
 * overflowed since the last call, and the registers available.
 *
 * Every entry is checked first, and a copy-out that faults puts back what
 * it wrote: on an error nothing changes, in the context or in @uptr.
 *
 * Context: process context, ctx->mutex held.
 * Return: 0; -EINVAL for a bad count or missing set; -E2BIG; -EFAULT;
 * -ENOMEM.
 */
int pfm_getinfo_evtsets(struct pfm_ctx *ctx, void __user *uptr, int count)
{
	size_t len = (size_t)count * sizeof(pfarg_setinfo_t);
	pfarg_setinfo_t *req, *orig = NULL;
	struct pfm_set *set;
	int i, ret = 0;

	req = pfm_copy_vec(uptr, count, sizeof(*req));
	if (IS_ERR(req))
		return PTR_ERR(req);
	for (i = 0; i < count && !ret; i++) {
		if (!pfm_set_find(ctx, req[i].set_id))
			ret = -EINVAL;
	}
	/* What the caller gave, to put back if the copy-out faults. */
	if (!ret) {
		orig = pfm_dup(req, len);
		if (!orig)
			ret = -ENOMEM;
	}
	for (i = 0; i < count && !ret; i++) {
		pfarg_setinfo_t *info = &req[i];
		u16 id = info->set_id;

		set = pfm_set_find(ctx, id);
		/* The reserved words stay as the caller left them (v2.82). */
		memset(info->set_ovfl_pmds, 0, sizeof(info->set_ovfl_pmds));
		memset(info->set_avail_pmcs, 0, sizeof(info->set_avail_pmcs));
		memset(info->set_avail_pmds, 0, sizeof(info->set_avail_pmds));
		info->set_flags = set->flags;
		info->set_runs = set->runs;
		info->set_act_duration = set->duration;
		if (set->activated)
			info->set_act_duration += ktime_get_ns() - set->activated;
		info->set_timeout = set->timeout;
		if (set->activated && set->flags & PFM_SETFL_TIME_SWITCH &&
		    hrtimer_active(&ctx->timer))
			info->set_timeout =
				max_t(s64, 0, ktime_to_ns(hrtimer_get_remaining(&ctx->timer)));
		info->set_avail_pmcs[0] = GENMASK_ULL(pfm_nr - 1, 0);
		info->set_avail_pmds[0] = GENMASK_ULL(pfm_nr - 1, 0);
		spin_lock_irq(&ctx->lock);
		info->set_ovfl_pmds[0] = set->ovfl_pmds;
		spin_unlock_irq(&ctx->lock);
	}
	if (!ret)
		ret = pfm_put_vec(uptr, req, orig, len);
	/* Only what was told is forgotten: overflows since stay. */
	for (i = 0; i < count && !ret; i++) {
		set = pfm_set_find(ctx, req[i].set_id);
		spin_lock_irq(&ctx->lock);
		set->ovfl_pmds &= ~(u32)req[i].set_ovfl_pmds[0];
		spin_unlock_irq(&ctx->lock);
	}
	kvfree(orig);
	kvfree(req);
	return ret;
}
