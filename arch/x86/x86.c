// SPDX-License-Identifier: GPL-2.0-only
/*
 * The x86 backend: Intel architectural performance monitoring, version 2
 * or later, programmed directly (Intel SDM vol. 3B, chapter 20).
 *
 * Counters: the general counters IA32_PMCx/IA32_PERFEVTSELx and up to three
 * fixed counters (instructions, core cycles, reference cycles), their
 * number and widths from CPUID leaf 0xA. A counter runs when its select
 * (or its IA32_FIXED_CTR_CTRL nibble) enables it and its bit in
 * IA32_PERF_GLOBAL_CTRL is set; every enabled counter interrupts on wrap.
 * Without full-width writes (IA32_PERF_CAPABILITIES.FW_WRITE) a general
 * counter takes only 32 sign-extended bits, so thresholds are at most
 * 2^31 - 1 events away, as in perf.
 *
 * Raw encoding: the IA32_PERFEVTSELx bits a user may choose - event (0-7),
 * unit mask (8-15), USR (16), OS (17), edge (18), invert (23) and counter
 * mask (24-31); neither USR nor OS means both. The fixed counters' events
 * are 0x00c0, 0x003c and, as in perf, the pseudo-encoding 0x0300.
 *
 * Exclusive: hw->claim() reserves the general counters with
 * reserve_perfctr_nmi()/reserve_evntsel_nmi(), so perf's hardware events
 * fail with -EBUSY while vpmc holds them and vpmc's probe fails with
 * -EBUSY while perf (or the NMI watchdog) holds them.
 *
 * The PMI: vpmc_x86_pmi(), from hw.c's NMI handler (or a test), acknowledges
 * IA32_PERF_GLOBAL_STATUS and hands the counters to vpmc_pmu_overflow_nmi(),
 * which defers them out of NMI.
 */
#define pr_fmt(fmt) "vpmc-x86: " fmt

#include <linux/bitmap.h>
#include <linux/cpu.h>
#include <linux/bits.h>
#include <linux/err.h>
#include <linux/error-injection.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>

#include "arch/backends.h"
#include "x86.h"

#define X86_CFG_ALLOWED	(GENMASK_ULL(15, 0) | VPMC_EVTSEL_USR | VPMC_EVTSEL_OS | \
			 VPMC_EVTSEL_EDGE | VPMC_EVTSEL_INV | GENMASK_ULL(31, 24))
#define X86_CFG_EVENT	GENMASK_ULL(7, 0)

/* The raw encoding, as /sys/kernel/vpmc/format shows it (one line). */
static const char *const x86_event_format[] = {
	"event=config:0-7 umask=config:8-15 usr=config:16 os=config:17 edge=config:18 inv=config:23 cmask=config:24-31",
};

/* Fixed counters' events, in counter order. */
static const u64 x86_fixed_events[VPMC_X86_MAX_FIXED] = VPMC_X86_FIXED_EVENTS;

/* CPUID.0AH:EBX bit i set: architectural event i is not available. */
static const struct {
	enum vpmc_generic_event generic;
	u64 config;
} x86_arch_events[] = {
	{ VPMC_EVENT_CYCLES,		0x003c },
	{ VPMC_EVENT_INSTRUCTIONS,	0x00c0 },
	{ VPMC_EVENT_REF_CYCLES,	0x013c },
	{ VPMC_EVENT_CACHE_REFERENCES,	0x4f2e },
	{ VPMC_EVENT_CACHE_MISSES,	0x412e },
	{ VPMC_EVENT_BRANCHES,		0x00c4 },
	{ VPMC_EVENT_BRANCH_MISSES,	0x00c5 },
};

/**
 * struct vpmc_x86 - the x86 backend
 * @hw: the way to the PMU
 * @ctx: @hw's argument
 * @pmu: the instance it drives
 * @num_gp: general counters: vpmc counters 0 to @num_gp - 1
 * @num_fixed: fixed counters: vpmc counters @num_gp onwards
 * @gp_mask: general counters' width mask
 * @fixed_mask: fixed counters' width mask
 * @max_period: farthest threshold a general counter can be written for
 * @full_width: general counters are written through IA32_A_PMCx
 * @claimed: hw->claim() succeeded
 */
struct vpmc_x86 {
	const struct vpmc_x86_hw *hw;
	void *ctx;
	struct vpmc_pmu *pmu;
	unsigned int num_gp;
	unsigned int num_fixed;
	u64 gp_mask;
	u64 fixed_mask;
	u64 max_period;
	bool full_width;
	bool claimed;
};

static u64 x86_rd(struct vpmc_x86 *x86, u32 msr)
{
	return x86->hw->read_msr(x86->ctx, msr);
}

static void x86_wr(struct vpmc_x86 *x86, u32 msr, u64 val)
{
	x86->hw->write_msr(x86->ctx, msr, val);
}

/* The IA32_PERF_GLOBAL_* bit of vpmc counter @idx. */
static u64 x86_global_bit(struct vpmc_x86 *x86, unsigned int idx)
{
	return idx < x86->num_gp ? BIT_ULL(idx) : BIT_ULL(32 + idx - x86->num_gp);
}

static u64 x86_all_bits(struct vpmc_x86 *x86)
{
	return GENMASK_ULL(x86->num_gp - 1, 0) |
	       (x86->num_fixed ? GENMASK_ULL(32 + x86->num_fixed - 1, 32) : 0);
}

/* On one CPU: everything of ours stopped, zeroed and acknowledged. */
static void x86_reset_cpu(void *info)
{
	struct vpmc_x86 *x86 = info;
	u64 global = x86_rd(x86, VPMC_MSR_GLOBAL_CTRL);
	unsigned int i;

	x86_wr(x86, VPMC_MSR_GLOBAL_CTRL, global & ~x86_all_bits(x86));
	for (i = 0; i < x86->num_gp; i++) {
		x86_wr(x86, VPMC_MSR_PERFEVTSEL(i), 0);
		x86_wr(x86, x86->full_width ? VPMC_MSR_A_PMC(i) : VPMC_MSR_PMC(i), 0);
	}
	if (x86->num_fixed) {
		x86_wr(x86, VPMC_MSR_FIXED_CTR_CTRL, 0);
		for (i = 0; i < x86->num_fixed; i++)
			x86_wr(x86, VPMC_MSR_FIXED_CTR(i), 0);
	}
	x86_wr(x86, VPMC_MSR_GLOBAL_OVF_CTRL, x86_all_bits(x86));
}

static void x86_reset_all(struct vpmc_x86 *x86)
{
	int cpu;

	cpus_read_lock();
	for_each_online_cpu(cpu)
		WARN_ON(vpmc_cpu_call(cpu, x86_reset_cpu, x86));
	cpus_read_unlock();
}

/**
 * vpmc_x86_pmi() - handle a performance-monitoring interrupt
 * @x86: the backend
 * @regs: the registers the interrupt interrupted (NULL: none known)
 *
 * Acknowledges the overflowed counters of the current CPU and hands them to
 * vpmc_pmu_overflow_nmi().
 *
 * Context: NMI, or any context with interrupts disabled.
 * Return: whether any counter of ours had overflowed (the PMI was ours).
 */
bool vpmc_x86_pmi(struct vpmc_x86 *x86, struct pt_regs *regs)
{
	u64 status = x86_rd(x86, VPMC_MSR_GLOBAL_STATUS) & x86_all_bits(x86);
	unsigned int idx;

	if (!status)
		return false;
	x86_wr(x86, VPMC_MSR_GLOBAL_OVF_CTRL, status);
	for (idx = 0; idx < x86->num_gp + x86->num_fixed; idx++)
		if (status & x86_global_bit(x86, idx))
			vpmc_pmu_overflow_nmi(x86->pmu, idx, regs);
	return true;
}
EXPORT_SYMBOL_NS_GPL(vpmc_x86_pmi, VPMC_INTERNAL);

static int x86_probe(struct vpmc_pmu *pmu, void *priv, struct vpmc_pmu_desc *desc)
{
	struct vpmc_x86 *x86 = priv;
	u32 r[4], version, gp_width, fixed_width, ebx_len;
	char vendor[13];
	unsigned int i, n = 0;
	int ret;

	x86->hw->cpuid(x86->ctx, 0, r);
	memcpy(vendor, &r[1], 4);
	memcpy(vendor + 4, &r[3], 4);
	memcpy(vendor + 8, &r[2], 4);
	vendor[12] = '\0';
	if (strcmp(vendor, "GenuineIntel")) {
		pr_err("%s CPU: only Intel architectural perfmon is supported; use backend=perf\n",
		       vendor);
		return -ENODEV;
	}
	if (r[0] < 0xa) {
		pr_err("CPUID has no leaf 0xA (max %#x): no architectural perfmon; use backend=perf\n",
		       r[0]);
		return -ENODEV;
	}
	if (r[0] >= 7) {
		x86->hw->cpuid(x86->ctx, 7, r);
		if (r[3] & BIT(15)) {
			pr_err("hybrid CPU (CPUID.07H:EDX[15]): not supported yet; use backend=perf\n");
			return -ENODEV;
		}
	}
	x86->hw->cpuid(x86->ctx, 0xa, r);
	version = r[0] & 0xff;
	if (version < 2) {
		pr_err("architectural perfmon version %u (CPUID.0AH): need 2 or later; use backend=perf\n",
		       version);
		return -ENODEV;
	}
	x86->num_gp = min_t(u32, (r[0] >> 8) & 0xff, VPMC_X86_MAX_GP);
	gp_width = (r[0] >> 16) & 0xff;
	ebx_len = r[0] >> 24;
	x86->num_fixed = min_t(u32, r[3] & 0x1f, VPMC_X86_MAX_FIXED);
	fixed_width = (r[3] >> 5) & 0xff;
	if (!x86->num_gp || gp_width < 32 || gp_width > 64 ||
	    (x86->num_fixed && (fixed_width < 32 || fixed_width > 64))) {
		pr_err("CPUID.0AH: %u general counters of %u bits, %u fixed of %u bits: unusable\n",
		       x86->num_gp, gp_width, x86->num_fixed, fixed_width);
		return -ENODEV;
	}
	x86->gp_mask = GENMASK_ULL(gp_width - 1, 0);
	x86->fixed_mask = GENMASK_ULL(max(fixed_width, 32U) - 1, 0);
	x86->hw->cpuid(x86->ctx, 1, r);
	/* PDCM: IA32_PERF_CAPABILITIES exists. */
	if (r[2] & BIT(15))
		x86->full_width = x86->hw->read_msr(x86->ctx, VPMC_MSR_PERF_CAPABILITIES) &
				  VPMC_PERF_CAP_FW_WRITE;
	x86->max_period = x86->full_width ? x86->gp_mask >> 1 : BIT_ULL(31) - 1;

	for (i = 0; i < x86->num_gp; i++, n++) {
		desc->counters[n].kind = VPMC_COUNTER_GENERAL;
		desc->counters[n].width = gp_width;
	}
	for (i = 0; i < x86->num_fixed; i++, n++) {
		desc->counters[n].kind = VPMC_COUNTER_FIXED;
		desc->counters[n].width = fixed_width;
		desc->counters[n].fixed_event = x86_fixed_events[i];
	}
	desc->num_counters = n;
	desc->event_format = x86_event_format[0];
	desc->plm_user = VPMC_EVTSEL_USR;
	desc->plm_kernel = VPMC_EVTSEL_OS;
	x86->hw->cpuid(x86->ctx, 0xa, r);
	for (i = 0; i < ARRAY_SIZE(x86_arch_events); i++) {
		enum vpmc_generic_event g = x86_arch_events[i].generic;

		if (i < ebx_len && (r[1] & BIT(i)))
			continue;
		desc->generic[g] = x86_arch_events[i].config;
		desc->generic_valid |= BIT(g);
	}
	/* Reference cycles are counted by fixed counter 2 where there is one. */
	if (x86->num_fixed > 2) {
		desc->generic[VPMC_EVENT_REF_CYCLES] = x86_fixed_events[2];
		desc->generic_valid |= BIT(VPMC_EVENT_REF_CYCLES);
	}

	x86->pmu = pmu;
	ret = x86->hw->claim(x86->ctx, x86, x86->num_gp);
	if (ret) {
		pr_err("the general counters are in use by perf or the NMI watchdog (%d); use backend=perf, or free them (nmi_watchdog=0, no perf hardware events)\n",
		       ret);
		return ret;
	}
	x86->claimed = true;
	x86_reset_all(x86);
	pr_info("perfmon v%u: %u general counters of %u bits, %u fixed of %u bits%s\n",
		version, x86->num_gp, gp_width, x86->num_fixed, fixed_width,
		x86->full_width ? ", full-width writes" : "");
	return 0;
}

static void x86_remove(void *priv)
{
	struct vpmc_x86 *x86 = priv;

	x86_reset_all(x86);
	x86->hw->release(x86->ctx, x86, x86->num_gp);
}

static int x86_event_constraint(void *priv, u64 config, unsigned long *mask)
{
	struct vpmc_x86 *x86 = priv;

	if (config & ~X86_CFG_ALLOWED)
		return -EINVAL;
	/* Event select 0 is no event (0x0300 is a fixed-counter pseudo-event). */
	if (!(config & X86_CFG_EVENT))
		return -ENOENT;
	bitmap_set(mask, 0, x86->num_gp);
	return 0;
}

static void x86_enable(void *priv, int cpu, unsigned int idx, u64 config)
{
	struct vpmc_x86 *x86 = priv;
	u64 global = x86_rd(x86, VPMC_MSR_GLOBAL_CTRL);

	if (idx < x86->num_gp) {
		u64 sel = config | VPMC_EVTSEL_EN | VPMC_EVTSEL_INT;

		if (!(config & (VPMC_EVTSEL_USR | VPMC_EVTSEL_OS)))
			sel |= VPMC_EVTSEL_USR | VPMC_EVTSEL_OS;
		x86_wr(x86, VPMC_MSR_PERFEVTSEL(idx), sel);
	} else {
		unsigned int shift = 4 * (idx - x86->num_gp);
		u64 ctrl = x86_rd(x86, VPMC_MSR_FIXED_CTR_CTRL);

		ctrl &= ~(0xfULL << shift);
		ctrl |= (u64)(VPMC_FIXED_OS | VPMC_FIXED_USR | VPMC_FIXED_PMI) << shift;
		x86_wr(x86, VPMC_MSR_FIXED_CTR_CTRL, ctrl);
	}
	x86_wr(x86, VPMC_MSR_GLOBAL_CTRL, global | x86_global_bit(x86, idx));
}

static void x86_disable(void *priv, int cpu, unsigned int idx)
{
	struct vpmc_x86 *x86 = priv;
	u64 global = x86_rd(x86, VPMC_MSR_GLOBAL_CTRL);

	x86_wr(x86, VPMC_MSR_GLOBAL_CTRL, global & ~x86_global_bit(x86, idx));
	if (idx < x86->num_gp) {
		x86_wr(x86, VPMC_MSR_PERFEVTSEL(idx), 0);
	} else {
		unsigned int shift = 4 * (idx - x86->num_gp);
		u64 ctrl = x86_rd(x86, VPMC_MSR_FIXED_CTR_CTRL);

		x86_wr(x86, VPMC_MSR_FIXED_CTR_CTRL, ctrl & ~(0xfULL << shift));
	}
}

static u64 x86_read(void *priv, int cpu, unsigned int idx)
{
	struct vpmc_x86 *x86 = priv;

	if (idx < x86->num_gp)
		return x86->hw->read_pmc(x86->ctx, idx);
	return x86->hw->read_pmc(x86->ctx, BIT(30) | (idx - x86->num_gp));
}

static void x86_set_period(void *priv, int cpu, unsigned int idx, u64 distance)
{
	struct vpmc_x86 *x86 = priv;

	if (idx < x86->num_gp) {
		distance = min(distance, x86->max_period);
		x86_wr(x86, x86->full_width ? VPMC_MSR_A_PMC(idx) : VPMC_MSR_PMC(idx),
		       -distance & x86->gp_mask);
	} else {
		x86_wr(x86, VPMC_MSR_FIXED_CTR(idx - x86->num_gp),
		       -distance & x86->fixed_mask);
	}
	/* An overflow of the old threshold not yet taken is now stale. */
	x86_wr(x86, VPMC_MSR_GLOBAL_OVF_CTRL, x86_global_bit(x86, idx));
}

static const struct vpmc_backend_ops vpmc_x86_ops = {
	.name			= "x86",
	.probe			= x86_probe,
	.remove			= x86_remove,
	.event_constraint	= x86_event_constraint,
	.enable			= x86_enable,
	.disable		= x86_disable,
	.read			= x86_read,
	.set_period		= x86_set_period,
};

/* A fault-injection site (Documentation/testing.rst): it only allocates. */
static noinline struct vpmc_x86 *vpmc_x86_alloc(void)
{
	struct vpmc_x86 *x86;

	return kzalloc(sizeof(*x86), GFP_KERNEL);
}

ALLOW_ERROR_INJECTION(vpmc_x86_alloc, NULL);

/**
 * vpmc_x86_create() - a PMU instance on Intel architectural perfmon
 * @hw: how to reach the PMU: the real one (hw.c) or a model (KUnit)
 * @ctx: @hw's argument
 *
 * Context: process context, may sleep.
 * Return: the instance; ERR_PTR(-ENODEV) if the CPU has no usable
 * architectural perfmon (not Intel, hybrid, version < 2), ERR_PTR(-EBUSY)
 * if perf or the NMI watchdog holds the counters, ERR_PTR(-ENOMEM).
 */
struct vpmc_pmu *vpmc_x86_create(const struct vpmc_x86_hw *hw, void *ctx)
{
	struct vpmc_x86 *x86;
	struct vpmc_pmu *pmu;

	x86 = vpmc_x86_alloc();
	if (!x86)
		return ERR_PTR(-ENOMEM);
	x86->hw = hw;
	x86->ctx = ctx;
	pmu = vpmc_pmu_create(&vpmc_x86_ops, x86);
	if (IS_ERR(pmu))
		kfree(x86);
	return pmu;
}
EXPORT_SYMBOL_NS_GPL(vpmc_x86_create, VPMC_INTERNAL);

/**
 * vpmc_x86_destroy() - release an idle x86 instance and its counters
 * @pmu: from vpmc_x86_create()
 *
 * Context: process context, may sleep.
 * Return: 0, or -EBUSY while virtual PMCs are attached.
 */
int vpmc_x86_destroy(struct vpmc_pmu *pmu)
{
	struct vpmc_x86 *x86 = vpmc_pmu_priv(pmu);
	int ret;

	ret = vpmc_pmu_destroy(pmu);
	if (!ret)
		kfree(x86);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(vpmc_x86_destroy, VPMC_INTERNAL);

#ifndef CONFIG_X86
/**
 * vpmc_x86_create_default() - backend=x86 where there is no x86 CPU
 *
 * Context: module init.
 * Return: ERR_PTR(-ENODEV).
 */
struct vpmc_pmu *vpmc_x86_create_default(void)
{
	pr_err("not an x86 CPU; use backend=perf\n");
	return ERR_PTR(-ENODEV);
}
#endif
