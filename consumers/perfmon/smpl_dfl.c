// SPDX-License-Identifier: GPL-2.0-only
/*
 * perfmon2's "default" sampling format, as v2.82's perfmon_dfl_smpl.c
 * behaved, on the layout of <perfmon/perfmon_dfl_smpl.h>: a header, then
 * one entry per 64-bit overflow with the sampled PMDs after it. An entry
 * is written whole or not at all: the handler checks for the largest
 * entry's room before writing and again after, so the buffer is declared
 * full (hdr_overflows++, notify and mask) while the last entry still fits,
 * and no sample is lost or cut. pfm_restart() empties it and monitoring
 * resumes with the long reset values.
 */
#include <linux/build_bug.h>
#include <linux/module.h>
#include <linux/stddef.h>
#include <perfmon/perfmon_dfl_smpl.h>
#include <perfmon/perfmon_fmt.h>

#include "pfm.h"

static_assert(sizeof(pfm_dfl_smpl_arg_t) == 64);
static_assert(sizeof(pfm_dfl_smpl_hdr_t) == 128);
static_assert(sizeof(pfm_dfl_smpl_entry_t) == 40);
static_assert(offsetof(pfm_dfl_smpl_hdr_t, hdr_version) == 40);
static_assert(offsetof(pfm_dfl_smpl_entry_t, tgid) == 36);

/* The largest entry: one with every PMD sampled. */
static size_t dfl_entry_max(u16 npmds)
{
	return sizeof(pfm_dfl_smpl_entry_t) + npmds * sizeof(u64);
}

static int dfl_validate(u32 ctx_flags, u16 npmds, void *data)
{
	pfm_dfl_smpl_arg_t *arg = data;

	/* The header and one entry of the largest size, at least. */
	if (arg->buf_size < sizeof(pfm_dfl_smpl_hdr_t) + dfl_entry_max(npmds))
		return -EINVAL;
	/* Past size_t, no buffer: as the cap would say. */
	if (arg->buf_size > SIZE_MAX)
		return -ENOMEM;
	return 0;
}

static int dfl_getsize(u32 ctx_flags, void *data, size_t *size)
{
	pfm_dfl_smpl_arg_t *arg = data;

	*size = arg->buf_size;
	return 0;
}

static int dfl_init(void *buf, u32 ctx_flags, u16 npmds, void *data)
{
	pfm_dfl_smpl_arg_t *arg = data;
	pfm_dfl_smpl_hdr_t *hdr = buf;

	hdr->hdr_version = PFM_DFL_SMPL_VERSION;
	hdr->hdr_buf_size = arg->buf_size;
	hdr->hdr_buf_flags = arg->buf_flags;
	hdr->hdr_cur_offs = sizeof(*hdr);
	hdr->hdr_overflows = 0;
	hdr->hdr_count = 0;
	hdr->hdr_min_buf_space = dfl_entry_max(npmds);
	return 0;
}

/*
 * Readers map the buffer and read it while the handler may write: the
 * header's count and offset move only after the entry is whole
 * (WRITE_ONCE after the stores, with smp_wmb(): a reader that reads the
 * count with READ_ONCE and smp_rmb() sees that many whole entries).
 */
static int dfl_handler(void *buf, struct pfm_ovfl_arg *arg)
{
	pfm_dfl_smpl_hdr_t *hdr = buf;
	u64 cur = hdr->hdr_cur_offs, end = hdr->hdr_buf_size;
	u64 min = hdr->hdr_min_buf_space;
	size_t size = sizeof(pfm_dfl_smpl_entry_t) +
		      arg->num_smpl_pmds * sizeof(u64);
	pfm_dfl_smpl_entry_t *ent;
	u64 *val;
	unsigned int i;

	if (end - cur < min)
		goto full;
	ent = buf + cur;
	ent->pid = arg->pid;
	ent->ovfl_pmd = arg->ovfl_pmd;
	ent->reserved = 0;
	ent->last_reset_val = arg->pmd_last_reset;
	ent->ip = arg->ip;
	ent->tstamp = arg->tstamp;
	ent->cpu = arg->cpu;
	ent->set = arg->active_set;
	ent->tgid = arg->tgid;
	val = (u64 *)(ent + 1);
	for (i = 0; i < arg->num_smpl_pmds; i++)
		val[i] = arg->smpl_pmds_values[i];
	cur += size;
	/* The entry before the header that counts it: see above. */
	smp_wmb();
	WRITE_ONCE(hdr->hdr_cur_offs, cur);
	WRITE_ONCE(hdr->hdr_count, hdr->hdr_count + 1);
	/* Room for the next, or full now: the last sample is never lost. */
	if (end - cur < min)
		goto full;
	arg->ovfl_ctrl = PFM_OVFL_CTRL_RESET;
	return 0;
full:
	WRITE_ONCE(hdr->hdr_overflows, hdr->hdr_overflows + 1);
	arg->ovfl_ctrl = PFM_OVFL_CTRL_NOTIFY | PFM_OVFL_CTRL_MASK;
	return -ENOBUFS;
}

static int dfl_restart(bool is_active, u32 *ovfl_ctrl, void *buf)
{
	pfm_dfl_smpl_hdr_t *hdr = buf;

	WRITE_ONCE(hdr->hdr_count, 0);
	WRITE_ONCE(hdr->hdr_cur_offs, sizeof(*hdr));
	*ovfl_ctrl = PFM_OVFL_CTRL_RESET;
	return 0;
}

static struct pfm_smpl_fmt dfl_fmt = {
	.fmt_name = PFM_DFL_SMPL_NAME,
	.fmt_arg_size = sizeof(pfm_dfl_smpl_arg_t),
	.fmt_version = PFM_DFL_SMPL_VERSION,
	.fmt_validate = dfl_validate,
	.fmt_getsize = dfl_getsize,
	.fmt_init = dfl_init,
	.fmt_handler = dfl_handler,
	.fmt_restart = dfl_restart,
	.owner = THIS_MODULE,
};

/* Register "default" (pfm_smpl_init()). */
int pfm_dfl_init(void)
{
	return pfm_fmt_register(&dfl_fmt);
}

/* Withdraw it; no context is left. */
void pfm_dfl_exit(void)
{
	pfm_fmt_unregister(&dfl_fmt);
}
