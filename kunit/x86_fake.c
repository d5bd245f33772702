// SPDX-License-Identifier: GPL-2.0-only
/*
 * The register model behind the x86 backend in KUnit. Counters increment
 * only through fake_x86_count(), which follows the SDM: a general counter
 * counts when IA32_PERFEVTSELx.EN and its IA32_PERF_GLOBAL_CTRL bit are
 * set and the event and unit mask match; a fixed counter when its
 * IA32_FIXED_CTR_CTRL nibble enables a ring and its global bit is set.
 * A counter wraps at its width, setting its IA32_PERF_GLOBAL_STATUS bit,
 * and raises a PMI if INT (PMI for fixed) is set. Writes to IA32_PMCx keep
 * 32 bits and sign-extend them; IA32_A_PMCx exists only with FW_WRITE.
 */
#include <kunit/test.h>
#include <linux/bits.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>

#include <vpmc/internal.h>
#include "core/backend.h"
#include "x86_fake.h"

static const u64 fake_fixed_events[VPMC_X86_MAX_FIXED] = { 0x00c0, 0x003c, 0x0300 };

/* EVTSEL bits 32-63 and 19 (pin control, useless here) are reserved. */
#define FAKE_EVTSEL_RESERVED	(GENMASK_ULL(63, 32) | BIT_ULL(19))

static struct fake_x86_regs *fake_regs(struct fake_x86 *fake)
{
	return &fake->regs[smp_processor_id()];
}

static u64 fake_fixed_mask(struct fake_x86 *fake)
{
	return GENMASK_ULL(fake->cfg.fixed_width - 1, 0);
}

/**
 * fake_x86_gp_mask() - the general counters' width mask
 * @fake: the model
 *
 * Return: the mask.
 */
u64 fake_x86_gp_mask(struct fake_x86 *fake)
{
	return GENMASK_ULL(fake->cfg.gp_width - 1, 0);
}

static void fake_bad(struct fake_x86 *fake, u32 msr)
{
	fake->bad++;
	fake->last_bad = msr;
}

static u64 fake_read_msr(void *ctx, u32 msr)
{
	struct fake_x86 *fake = ctx;
	struct fake_x86_regs *r = fake_regs(fake);
	u32 ngp = fake->cfg.num_gp, nfix = fake->cfg.num_fixed;

	if (msr >= VPMC_MSR_PMC(0) && msr < VPMC_MSR_PMC(ngp))
		return r->pmc[msr - VPMC_MSR_PMC(0)];
	if (msr >= VPMC_MSR_PERFEVTSEL(0) && msr < VPMC_MSR_PERFEVTSEL(ngp))
		return r->evtsel[msr - VPMC_MSR_PERFEVTSEL(0)];
	if (msr >= VPMC_MSR_FIXED_CTR(0) && msr < VPMC_MSR_FIXED_CTR(nfix))
		return r->fixed[msr - VPMC_MSR_FIXED_CTR(0)];
	switch (msr) {
	case VPMC_MSR_FIXED_CTR_CTRL:
		return r->fixed_ctrl;
	case VPMC_MSR_GLOBAL_STATUS:
		return r->status;
	case VPMC_MSR_GLOBAL_CTRL:
		return r->global;
	case VPMC_MSR_PERF_CAPABILITIES:
		return fake->cfg.fw_write ? VPMC_PERF_CAP_FW_WRITE : 0;
	}
	fake_bad(fake, msr);
	return 0;
}

static void fake_write_msr(void *ctx, u32 msr, u64 val)
{
	struct fake_x86 *fake = ctx;
	struct fake_x86_regs *r = fake_regs(fake);
	u32 ngp = fake->cfg.num_gp, nfix = fake->cfg.num_fixed;
	u64 global_bits = GENMASK_ULL(ngp - 1, 0) |
			  (nfix ? GENMASK_ULL(32 + nfix - 1, 32) : 0);

	if (msr >= VPMC_MSR_PMC(0) && msr < VPMC_MSR_PMC(ngp)) {
		/* Legacy write: bits 31:0, sign-extended. */
		r->pmc[msr - VPMC_MSR_PMC(0)] = (u64)(s64)(s32)val & fake_x86_gp_mask(fake);
	} else if (fake->cfg.fw_write && msr >= VPMC_MSR_A_PMC(0) &&
		   msr < VPMC_MSR_A_PMC(ngp)) {
		if (val & ~fake_x86_gp_mask(fake))
			fake_bad(fake, msr);
		r->pmc[msr - VPMC_MSR_A_PMC(0)] = val & fake_x86_gp_mask(fake);
	} else if (msr >= VPMC_MSR_PERFEVTSEL(0) && msr < VPMC_MSR_PERFEVTSEL(ngp)) {
		if (val & FAKE_EVTSEL_RESERVED)
			fake_bad(fake, msr);
		r->evtsel[msr - VPMC_MSR_PERFEVTSEL(0)] = val;
	} else if (msr >= VPMC_MSR_FIXED_CTR(0) && msr < VPMC_MSR_FIXED_CTR(nfix)) {
		if (val & ~fake_fixed_mask(fake))
			fake_bad(fake, msr);
		r->fixed[msr - VPMC_MSR_FIXED_CTR(0)] = val & fake_fixed_mask(fake);
	} else if (msr == VPMC_MSR_FIXED_CTR_CTRL) {
		if (val & ~GENMASK_ULL(4 * nfix - 1, 0))
			fake_bad(fake, msr);
		r->fixed_ctrl = val;
	} else if (msr == VPMC_MSR_GLOBAL_CTRL) {
		if (val & ~global_bits)
			fake_bad(fake, msr);
		r->global = val;
	} else if (msr == VPMC_MSR_GLOBAL_OVF_CTRL) {
		if (val & ~global_bits)
			fake_bad(fake, msr);
		r->status &= ~val;
	} else {
		/* Including IA32_PERF_GLOBAL_STATUS, which is read-only. */
		fake_bad(fake, msr);
	}
}

static u64 fake_read_pmc(void *ctx, u32 ecx)
{
	struct fake_x86 *fake = ctx;
	struct fake_x86_regs *r = fake_regs(fake);
	u32 idx = ecx & ~BIT(30);

	if (ecx & BIT(30)) {
		if (idx < fake->cfg.num_fixed)
			return r->fixed[idx];
	} else if (idx < fake->cfg.num_gp) {
		return r->pmc[idx];
	}
	fake_bad(fake, ecx);
	return 0;
}

static void fake_cpuid(void *ctx, u32 leaf, u32 regs[4])
{
	struct fake_x86 *fake = ctx;
	const struct fake_x86_cfg *cfg = &fake->cfg;

	memset(regs, 0, 4 * sizeof(u32));
	switch (leaf) {
	case 0:
		regs[0] = 0x16;
		memcpy(&regs[1], cfg->vendor, 4);
		memcpy(&regs[3], cfg->vendor + 4, 4);
		memcpy(&regs[2], cfg->vendor + 8, 4);
		break;
	case 1:
		regs[2] = cfg->fw_write ? BIT(15) : 0;
		break;
	case 7:
		regs[3] = cfg->hybrid ? BIT(15) : 0;
		break;
	case 0xa:
		regs[0] = cfg->version | cfg->num_gp << 8 | cfg->gp_width << 16 | 7 << 24;
		regs[1] = cfg->unavailable;
		regs[3] = cfg->num_fixed | cfg->fixed_width << 5;
		break;
	}
}

static int fake_claim(void *ctx, struct vpmc_x86 *x86, unsigned int num_gp)
{
	struct fake_x86 *fake = ctx;

	if (fake->cfg.busy)
		return -EBUSY;
	fake->claimed = true;
	fake->x86 = x86;
	return 0;
}

static void fake_release(void *ctx, struct vpmc_x86 *x86, unsigned int num_gp)
{
	struct fake_x86 *fake = ctx;

	fake->claimed = false;
}

const struct vpmc_x86_hw fake_x86_hw = {
	.read_msr	= fake_read_msr,
	.write_msr	= fake_write_msr,
	.read_pmc	= fake_read_pmc,
	.cpuid		= fake_cpuid,
	.claim		= fake_claim,
	.release	= fake_release,
};

/**
 * fake_x86_alloc() - a register model, all registers zero
 * @test: owns the memory
 * @cfg: the modelled CPU; copied
 *
 * Return: the model, or NULL.
 */
struct fake_x86 *fake_x86_alloc(struct kunit *test, const struct fake_x86_cfg *cfg)
{
	struct fake_x86 *fake;

	fake = kunit_kzalloc(test, struct_size(fake, regs, nr_cpu_ids), GFP_KERNEL);
	if (fake)
		fake->cfg = *cfg;
	return fake;
}

/**
 * fake_x86_create() - the x86 backend on a model
 * @fake: the model
 *
 * Return: as vpmc_x86_create().
 */
struct vpmc_pmu *fake_x86_create(struct fake_x86 *fake)
{
	struct vpmc_pmu *pmu = vpmc_x86_create(&fake_x86_hw, fake);

	if (!IS_ERR(pmu))
		fake->pmu = pmu;
	return pmu;
}

struct fake_count {
	struct fake_x86 *fake;
	u64 event;
	u64 left;
};

/* Does the counter count @event now? */
static bool fake_counts(struct fake_x86 *fake, struct fake_x86_regs *r,
			unsigned int i, bool fixed, u64 event)
{
	if (fixed)
		return (r->global & BIT_ULL(32 + i)) && ((r->fixed_ctrl >> (4 * i)) & 3) &&
		       fake_fixed_events[i] == event;
	return (r->global & BIT_ULL(i)) && (r->evtsel[i] & VPMC_EVTSEL_EN) &&
	       (r->evtsel[i] & 0xffff) == event;
}

/* Up to the next wrap; a PMI there. On the CPU, interrupts off. */
static void __fake_count(void *info)
{
	struct fake_count *fc = info;
	struct fake_x86 *fake = fc->fake;
	struct fake_x86_regs *r = fake_regs(fake);
	u64 step = fc->left, gp = fake_x86_gp_mask(fake), fx = fake_fixed_mask(fake);
	bool pmi = false;
	unsigned int i;

	for (i = 0; i < fake->cfg.num_gp; i++)
		if (fake_counts(fake, r, i, false, fc->event))
			step = min(step, gp - r->pmc[i] + 1);
	for (i = 0; i < fake->cfg.num_fixed; i++)
		if (fake_counts(fake, r, i, true, fc->event))
			step = min(step, fx - r->fixed[i] + 1);
	for (i = 0; i < fake->cfg.num_gp; i++) {
		if (!fake_counts(fake, r, i, false, fc->event))
			continue;
		if (r->pmc[i] + step > gp) {
			r->status |= BIT_ULL(i);
			pmi |= !!(r->evtsel[i] & VPMC_EVTSEL_INT);
		}
		r->pmc[i] = (r->pmc[i] + step) & gp;
	}
	for (i = 0; i < fake->cfg.num_fixed; i++) {
		if (!fake_counts(fake, r, i, true, fc->event))
			continue;
		if (r->fixed[i] + step > fx) {
			r->status |= BIT_ULL(32 + i);
			pmi |= !!((r->fixed_ctrl >> (4 * i)) & VPMC_FIXED_PMI);
		}
		r->fixed[i] = (r->fixed[i] + step) & fx;
	}
	fc->left -= step;
	if (pmi && fake->x86) {
		fake->pmis++;
		vpmc_x86_pmi(fake->x86, NULL);
		if (fake->pmi_done)
			fake->pmi_done(fake);
	}
}

/**
 * fake_x86_count() - @n events of @event happen on @cpu
 * @fake: the model
 * @cpu: the CPU
 * @event: event select and unit mask (bits 0-15), or a fixed event
 * @n: how many
 *
 * Counts up to each wrap, raises the PMI there and lets its deferred
 * handling finish before counting on, as the hardware would.
 *
 * Return: 0 or vpmc_cpu_call()'s error.
 */
int fake_x86_count(struct fake_x86 *fake, int cpu, u64 event, u64 n)
{
	struct fake_count fc = { .fake = fake, .event = event, .left = n };
	int ret;

	while (fc.left) {
		ret = vpmc_cpu_call(cpu, __fake_count, &fc);
		if (ret)
			return ret;
		if (fake->pmu)
			vpmc_pmu_overflow_sync(fake->pmu, cpu);
	}
	return 0;
}
