// SPDX-License-Identifier: GPL-2.0-only
/*
 * The "vpmc-ring" sampling format (<perfmon/perfmon_vpmc_ring.h>), a
 * module of its own on vpmc_perfmon's format interface only: a ring of
 * records that never stops monitoring. A reader that falls behind loses
 * samples, each counted (hdr->lost) and told in the stream by a lost
 * record before the next sample that fits; with VPMC_RING_OVERWRITE the
 * oldest whole records make room instead (a flight recorder). Unread data
 * reaching the watermark wakes the reader once per position it published.
 *
 * The kernel trusts nothing it reads from the control page: a data_tail
 * ahead of the head or more than the ring behind it is refused (counted
 * in hdr->bad_tail) and the last good one kept. The header and records
 * are mapped read-only, so what the kernel reads back from them is its
 * own.
 *
 * Ordering, for readers that read while the handler writes: a record is
 * whole before data_head passes it (smp_wmb() before WRITE_ONCE(head));
 * the handler reads data_tail before it writes over what the tail frees
 * (smp_mb() between, pairing with the reader's barrier before it stores
 * the tail); in overwrite mode data_oldest moves past a record before the
 * record is written over (smp_wmb()).
 */
#include <linux/build_bug.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/stddef.h>
#include <perfmon/perfmon_fmt.h>
#include <perfmon/perfmon_vpmc_ring.h>

static_assert(sizeof(struct vpmc_ring_arg) == 64);
static_assert(sizeof(struct vpmc_ring_hdr) == 128);
static_assert(sizeof(struct vpmc_ring_sample) == 56);
static_assert(sizeof(struct vpmc_ring_lost) == 16);

#define RING_CTL_PAGE	1
#define RING_DATA_OFF	(2 * PAGE_SIZE)
#define RING_REC_MAX	(sizeof(struct vpmc_ring_sample) + \
			 PFM_SMPL_MAX_PMDS * sizeof(u64))

static_assert(RING_REC_MAX <= U16_MAX);

static int ring_validate(u32 ctx_flags, u16 npmds, void *data)
{
	struct vpmc_ring_arg *arg = data;
	unsigned int i;

	if (arg->flags & ~VPMC_RING_OVERWRITE || arg->reserved1)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(arg->reserved); i++)
		if (arg->reserved[i])
			return -EINVAL;
	/* Room for the largest record and its padding, at least. */
	if (arg->data_size < 2 * RING_REC_MAX ||
	    arg->watermark > arg->data_size)
		return -EINVAL;
	/* Past size_t, no buffer: as the cap would say. */
	if (arg->data_size > SIZE_MAX - RING_DATA_OFF - PAGE_SIZE)
		return -ENOMEM;
	return 0;
}

static int ring_getsize(u32 ctx_flags, void *data, size_t *size)
{
	struct vpmc_ring_arg *arg = data;

	*size = RING_DATA_OFF + PAGE_ALIGN(arg->data_size);
	return 0;
}

static int ring_init(void *buf, u32 ctx_flags, u16 npmds, void *data)
{
	struct vpmc_ring_arg *arg = data;
	struct vpmc_ring_hdr *hdr = buf;

	hdr->version = VPMC_RING_VERSION;
	hdr->flags = arg->flags;
	hdr->data_offset = RING_DATA_OFF;
	hdr->data_size = PAGE_ALIGN(arg->data_size);
	hdr->ctl_offset = RING_CTL_PAGE * PAGE_SIZE;
	hdr->watermark = arg->watermark ?: hdr->data_size / 2;
	return 0;
}

static struct vpmc_ring_rec *ring_at(void *buf, const struct vpmc_ring_hdr *hdr,
				     u64 pos)
{
	u64 off;

	div64_u64_rem(pos, hdr->data_size, &off);
	return buf + RING_DATA_OFF + off;
}

/* Bytes a record of @size at @head takes, a PAD to the end included. */
static u64 ring_need(const struct vpmc_ring_hdr *hdr, u64 head, u64 size)
{
	u64 off;

	div64_u64_rem(head, hdr->data_size, &off);
	return off + size > hdr->data_size ? hdr->data_size - off + size : size;
}

/*
 * The reader's position, if it is one: not ahead of the head, not more
 * than the ring behind it. Otherwise the last one taken.
 */
static u64 ring_tail(void *buf, struct vpmc_ring_hdr *hdr)
{
	struct vpmc_ring_ctl *ctl = buf + RING_CTL_PAGE * PAGE_SIZE;
	/* Pairs with the reader's store after its barrier (see above). */
	u64 tail = READ_ONCE(ctl->data_tail);

	if (hdr->data_head - tail > hdr->data_size) {
		hdr->bad_tail++;
		tail = hdr->tail_seen;
	}
	/* What the tail frees is not written before the tail is read. */
	smp_mb();
	hdr->tail_seen = tail;
	return tail;
}

/* Overwrite mode: move data_oldest past whole records until @need fits. */
static void ring_make_room(void *buf, struct vpmc_ring_hdr *hdr, u64 need)
{
	u64 oldest = hdr->data_oldest;

	while (hdr->data_head + need - oldest > hdr->data_size) {
		struct vpmc_ring_rec *rec = ring_at(buf, hdr, oldest);

		/* The kernel's own record (mapped read-only): never 0. */
		if (WARN_ON_ONCE(!rec->size || rec->size % 8)) {
			oldest = hdr->data_head;
			break;
		}
		if (rec->type == VPMC_RING_REC_SAMPLE)
			hdr->overwritten++;
		oldest += rec->size;
	}
	WRITE_ONCE(hdr->data_oldest, oldest);
	/* Readers see the new oldest before the records it frees change. */
	smp_wmb();
}

/*
 * Start a record of @size at the head, behind a PAD if it would cross the
 * end; NULL if it does not fit before @tail (never in overwrite mode).
 * The head moves in ring_publish().
 */
static struct vpmc_ring_rec *ring_reserve(void *buf, struct vpmc_ring_hdr *hdr,
					  u64 tail, u16 type, u16 size, u64 *head)
{
	u64 need = ring_need(hdr, *head, size);
	struct vpmc_ring_rec *rec;

	if (hdr->flags & VPMC_RING_OVERWRITE)
		ring_make_room(buf, hdr, *head - hdr->data_head + need);
	else if (*head + need - tail > hdr->data_size)
		return NULL;
	if (need > size) {
		rec = ring_at(buf, hdr, *head);
		rec->type = VPMC_RING_REC_PAD;
		rec->size = need - size;
		rec->reserved = 0;
		*head += need - size;
	}
	rec = ring_at(buf, hdr, *head);
	rec->type = type;
	rec->size = size;
	rec->reserved = 0;
	*head += size;
	return rec;
}

/* The records up to @head are whole: readers may take them. */
static void ring_publish(struct vpmc_ring_hdr *hdr, u64 head)
{
	/* The records before the head that counts them (a reader's rmb). */
	smp_wmb();
	WRITE_ONCE(hdr->data_head, head);
}

static void ring_fill(struct vpmc_ring_sample *s, const struct pfm_ovfl_arg *arg)
{
	unsigned int i;

	s->ip = arg->ip;
	s->tstamp = arg->tstamp;
	s->last_reset = arg->pmd_last_reset;
	s->pid = arg->pid;
	s->tgid = arg->tgid;
	s->ovfl_pmd = arg->ovfl_pmd;
	s->set = arg->active_set;
	s->cpu = arg->cpu;
	s->flags = arg->user ? VPMC_RING_SAMPLE_USER : 0;
	s->nr_pmds = arg->num_smpl_pmds;
	memset(s->reserved, 0, sizeof(s->reserved));
	for (i = 0; i < arg->num_smpl_pmds; i++)
		s->pmds[i] = arg->smpl_pmds_values[i];
}

/*
 * One sample, after a lost record if samples were dropped before it. In
 * the overflow interrupt, the context's lock held: one writer.
 */
static int ring_handler(void *buf, struct pfm_ovfl_arg *arg)
{
	struct vpmc_ring_hdr *hdr = buf;
	bool overwrite = hdr->flags & VPMC_RING_OVERWRITE;
	u16 size = sizeof(struct vpmc_ring_sample) +
		   arg->num_smpl_pmds * sizeof(u64);
	u64 head = hdr->data_head;
	u64 tail = overwrite ? 0 : ring_tail(buf, hdr);
	struct vpmc_ring_rec *rec;
	int ret = 0;

	arg->ovfl_ctrl = PFM_OVFL_CTRL_RESET;
	if (hdr->lost_pending) {
		rec = ring_reserve(buf, hdr, tail, VPMC_RING_REC_LOST,
				   sizeof(struct vpmc_ring_lost), &head);
		if (!rec)
			goto drop;
		container_of(rec, struct vpmc_ring_lost, rec)->lost = hdr->lost_pending;
		hdr->lost_pending = 0;
	}
	rec = ring_reserve(buf, hdr, tail, VPMC_RING_REC_SAMPLE, size, &head);
	if (!rec)
		goto drop;
	ring_fill(container_of(rec, struct vpmc_ring_sample, rec), arg);
	hdr->samples++;
	goto publish;
drop:
	hdr->lost++;
	hdr->lost_pending++;
	ret = -ENOBUFS;
publish:
	ring_publish(hdr, head);
	/* Once per position the reader published, at the watermark. */
	if (!overwrite && head - tail >= hdr->watermark &&
	    (!hdr->wakeups || tail != hdr->wake_tail)) {
		hdr->wakeups++;
		hdr->wake_tail = tail;
		arg->ovfl_ctrl |= PFM_OVFL_CTRL_WAKE;
	}
	return ret;
}

static struct pfm_smpl_fmt ring_fmt = {
	.fmt_name = VPMC_RING_NAME,
	.fmt_arg_size = sizeof(struct vpmc_ring_arg),
	.fmt_version = VPMC_RING_VERSION,
	.fmt_validate = ring_validate,
	.fmt_getsize = ring_getsize,
	.fmt_init = ring_init,
	.fmt_handler = ring_handler,
	.fmt_ctl_page = RING_CTL_PAGE,
	.owner = THIS_MODULE,
};

static int __init ring_mod_init(void)
{
	return pfm_fmt_register(&ring_fmt);
}

static void __exit ring_mod_exit(void)
{
	pfm_fmt_unregister(&ring_fmt);
}

module_init(ring_mod_init);
module_exit(ring_mod_exit);
MODULE_DESCRIPTION("vpmc: the vpmc-ring perfmon sampling format");
MODULE_LICENSE("GPL");
