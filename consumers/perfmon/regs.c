// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PMC and PMD calls: pfm_write_pmcs(), pfm_write_pmds() and
 * pfm_read_pmds(), on the PMDs of pmd.c.
 *
 * Every vector is checked whole before anything changes, so a bad entry
 * (EINVAL/EPERM/EFAULT) leaves the context as it was.
 */
#define pr_fmt(fmt) "vpmc_perfmon: " fmt

#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

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
