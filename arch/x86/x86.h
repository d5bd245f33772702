/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The x86 architectural-perfmon backend's seam (symbol namespace
 * VPMC_INTERNAL). Every MSR, CPUID and RDPMC access, and the claim of the
 * counters, goes through struct vpmc_x86_hw: hw.c implements it on the
 * real CPU, KUnit with a register file that models the SDM. So the
 * programming logic in x86.c builds, and is tested, on every architecture.
 */
#ifndef _VPMC_ARCH_X86_H
#define _VPMC_ARCH_X86_H

#include <linux/bits.h>
#include <linux/types.h>

struct pt_regs;
struct vpmc_pmu;
struct vpmc_x86;

/* Architectural MSRs (Intel SDM vol. 4, table 2-2). */
#define VPMC_MSR_PMC(i)			(0x0c1 + (i))
#define VPMC_MSR_PERFEVTSEL(i)		(0x186 + (i))
#define VPMC_MSR_PERF_CAPABILITIES	0x345
#define VPMC_MSR_FIXED_CTR(i)		(0x309 + (i))
#define VPMC_MSR_FIXED_CTR_CTRL		0x38d
#define VPMC_MSR_GLOBAL_STATUS		0x38e
#define VPMC_MSR_GLOBAL_CTRL		0x38f
#define VPMC_MSR_GLOBAL_OVF_CTRL	0x390
#define VPMC_MSR_A_PMC(i)		(0x4c1 + (i))

/* IA32_PERFEVTSELx bits. */
#define VPMC_EVTSEL_USR			BIT_ULL(16)
#define VPMC_EVTSEL_OS			BIT_ULL(17)
#define VPMC_EVTSEL_EDGE		BIT_ULL(18)
#define VPMC_EVTSEL_INT			BIT_ULL(20)
#define VPMC_EVTSEL_EN			BIT_ULL(22)
#define VPMC_EVTSEL_INV			BIT_ULL(23)

/* One IA32_FIXED_CTR_CTRL nibble. */
#define VPMC_FIXED_OS			0x1
#define VPMC_FIXED_USR			0x2
#define VPMC_FIXED_PMI			0x8

/* IA32_PERF_CAPABILITIES.FW_WRITE: full-width writes via IA32_A_PMCx. */
#define VPMC_PERF_CAP_FW_WRITE		BIT_ULL(13)

#define VPMC_X86_MAX_GP			8
#define VPMC_X86_MAX_FIXED		3

/*
 * The fixed counters' events, in counter order: instructions retired,
 * unhalted core cycles and, as in perf, the pseudo-encoding 0x0300 of
 * unhalted reference cycles. The x86 backend and the perf backend on x86
 * describe them alike.
 */
#define VPMC_X86_FIXED_EVENTS		{ 0x00c0, 0x003c, 0x0300 }

/**
 * struct vpmc_x86_hw - how the backend reaches the PMU
 * @read_msr: read an MSR of the current CPU
 * @write_msr: write an MSR of the current CPU
 * @read_pmc: RDPMC with @ecx on the current CPU; NMI-safe
 * @cpuid: CPUID leaf @leaf, subleaf 0, on the current CPU: eax..edx
 * @claim: reserve @num_gp general counters against other users (perf,
 *	the NMI watchdog) and start taking PMIs: 0 or -EBUSY. Process context.
 * @release: undo @claim. Process context.
 *
 * Every callback gets the @ctx given to vpmc_x86_create().
 */
struct vpmc_x86_hw {
	u64 (*read_msr)(void *ctx, u32 msr);
	void (*write_msr)(void *ctx, u32 msr, u64 val);
	u64 (*read_pmc)(void *ctx, u32 ecx);
	void (*cpuid)(void *ctx, u32 leaf, u32 regs[4]);
	int (*claim)(void *ctx, struct vpmc_x86 *x86, unsigned int num_gp);
	void (*release)(void *ctx, struct vpmc_x86 *x86, unsigned int num_gp);
};

struct vpmc_pmu *vpmc_x86_create(const struct vpmc_x86_hw *hw, void *ctx);
int vpmc_x86_destroy(struct vpmc_pmu *pmu);
bool vpmc_x86_pmi(struct vpmc_x86 *x86, struct pt_regs *regs);

#endif /* _VPMC_ARCH_X86_H */
