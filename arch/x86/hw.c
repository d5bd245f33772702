// SPDX-License-Identifier: GPL-2.0-only
/*
 * The x86 backend on the real CPU: MSRs, CPUID and RDPMC, the counters'
 * reservation against perf and the NMI watchdog, and the PMI as an NMI.
 * Built on x86 only; the logic it serves is in x86.c.
 */
#define pr_fmt(fmt) "vpmc-x86: " fmt

#include <linux/nmi.h>
#include <linux/percpu.h>

#include <asm/apic.h>
#include <asm/msr.h>
#include <asm/nmi.h>

#include "arch/backends.h"
#include "x86.h"

static struct vpmc_x86 *x86_hw_owner;

static u64 x86_hw_rdmsr(void *ctx, u32 msr)
{
	u64 val;

	rdmsrl(msr, val);
	return val;
}

static void x86_hw_wrmsr(void *ctx, u32 msr, u64 val)
{
	wrmsrl(msr, val);
}

static u64 x86_hw_rdpmc(void *ctx, u32 ecx)
{
	return native_read_pmc(ecx);
}

static void x86_hw_cpuid(void *ctx, u32 leaf, u32 regs[4])
{
	cpuid_count(leaf, 0, &regs[0], &regs[1], &regs[2], &regs[3]);
}

static int x86_hw_nmi(unsigned int cmd, struct pt_regs *regs)
{
	/* Pairs with x86_hw_claim()'s and x86_hw_release()'s WRITE_ONCE()s. */
	struct vpmc_x86 *x86 = READ_ONCE(x86_hw_owner);

	if (!x86 || !vpmc_x86_pmi(x86, regs))
		return NMI_DONE;
	/* Intel masks LVTPC on every PMI. */
	apic_write(APIC_LVTPC, APIC_DM_NMI);
	return NMI_HANDLED;
}

static void x86_hw_unreserve(unsigned int num)
{
	while (num--) {
		release_evntsel_nmi(VPMC_MSR_PERFEVTSEL(num));
		release_perfctr_nmi(VPMC_MSR_PMC(num));
	}
}

static void x86_hw_lvtpc(void *info)
{
	apic_write(APIC_LVTPC, APIC_DM_NMI);
}

static int x86_hw_claim(void *ctx, struct vpmc_x86 *x86, unsigned int num_gp)
{
	unsigned int i;
	int ret;

	for (i = 0; i < num_gp; i++) {
		if (!reserve_perfctr_nmi(VPMC_MSR_PMC(i)))
			break;
		if (!reserve_evntsel_nmi(VPMC_MSR_PERFEVTSEL(i))) {
			release_perfctr_nmi(VPMC_MSR_PMC(i));
			break;
		}
	}
	if (i < num_gp) {
		x86_hw_unreserve(i);
		return -EBUSY;
	}
	WRITE_ONCE(x86_hw_owner, x86);
	ret = register_nmi_handler(NMI_LOCAL, x86_hw_nmi, 0, "vpmc");
	if (ret) {
		WRITE_ONCE(x86_hw_owner, NULL);
		x86_hw_unreserve(num_gp);
		return ret;
	}
	on_each_cpu(x86_hw_lvtpc, NULL, 1);
	return 0;
}

static void x86_hw_release(void *ctx, struct vpmc_x86 *x86, unsigned int num_gp)
{
	unregister_nmi_handler(NMI_LOCAL, "vpmc");
	WRITE_ONCE(x86_hw_owner, NULL);
	x86_hw_unreserve(num_gp);
}

static const struct vpmc_x86_hw vpmc_x86_real = {
	.read_msr	= x86_hw_rdmsr,
	.write_msr	= x86_hw_wrmsr,
	.read_pmc	= x86_hw_rdpmc,
	.cpuid		= x86_hw_cpuid,
	.claim		= x86_hw_claim,
	.release	= x86_hw_release,
};

/**
 * vpmc_x86_create_default() - the x86 instance vpmc.ko serves with backend=x86
 *
 * Context: module init, may sleep.
 * Return: as vpmc_x86_create().
 */
struct vpmc_pmu *vpmc_x86_create_default(void)
{
	return vpmc_x86_create(&vpmc_x86_real, NULL);
}
