/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A model of Intel architectural perfmon registers (SDM vol. 3B ch. 20,
 * vol. 4 table 2-2), behind the x86 backend's struct vpmc_x86_hw, so KUnit
 * can drive and inspect the backend's programming on any architecture.
 */
#ifndef _VPMC_KUNIT_X86_FAKE_H
#define _VPMC_KUNIT_X86_FAKE_H

#include <linux/types.h>

#include "arch/x86/x86.h"

struct kunit;

/**
 * struct fake_x86_cfg - the modelled CPU
 * @vendor: CPUID.0 vendor string, 12 characters
 * @hybrid: CPUID.07H:EDX[15]
 * @version: CPUID.0AH:EAX[7:0]
 * @num_gp: general counters
 * @gp_width: their width
 * @num_fixed: fixed counters
 * @fixed_width: their width
 * @unavailable: CPUID.0AH:EBX, architectural events not available
 * @fw_write: IA32_PERF_CAPABILITIES.FW_WRITE (and CPUID.1:ECX.PDCM)
 * @busy: claiming the counters fails, as when perf holds them
 */
struct fake_x86_cfg {
	const char *vendor;
	bool hybrid;
	u32 version;
	u32 num_gp;
	u32 gp_width;
	u32 num_fixed;
	u32 fixed_width;
	u32 unavailable;
	bool fw_write;
	bool busy;
};

/**
 * struct fake_x86_regs - one CPU's registers
 * @pmc: IA32_PMCx
 * @evtsel: IA32_PERFEVTSELx
 * @fixed: IA32_FIXED_CTRx
 * @fixed_ctrl: IA32_FIXED_CTR_CTRL
 * @status: IA32_PERF_GLOBAL_STATUS
 * @global: IA32_PERF_GLOBAL_CTRL
 */
struct fake_x86_regs {
	u64 pmc[VPMC_X86_MAX_GP];
	u64 evtsel[VPMC_X86_MAX_GP];
	u64 fixed[VPMC_X86_MAX_FIXED];
	u64 fixed_ctrl;
	u64 status;
	u64 global;
};

/**
 * struct fake_x86 - the model
 * @cfg: the CPU
 * @x86: the backend on it, once it claimed the counters
 * @pmu: the instance, once created
 * @claimed: the counters are claimed
 * @pmis: PMIs raised
 * @pmi_done: if set, called after each PMI's handler returned and before
 *	its deferred handling runs: a test charges the interrupt's own time
 *	(its return and the irq_work hop) to its clock there
 * @bad: accesses that would #GP or write reserved bits (must stay 0)
 * @last_bad: the MSR of the last bad access
 * @regs: per CPU, nr_cpu_ids entries
 */
struct fake_x86 {
	struct fake_x86_cfg cfg;
	struct vpmc_x86 *x86;
	struct vpmc_pmu *pmu;
	bool claimed;
	unsigned int pmis;
	void (*pmi_done)(struct fake_x86 *fake);
	unsigned int bad;
	u32 last_bad;
	struct fake_x86_regs regs[];
};

extern const struct vpmc_x86_hw fake_x86_hw;

struct fake_x86 *fake_x86_alloc(struct kunit *test, const struct fake_x86_cfg *cfg);
struct vpmc_pmu *fake_x86_create(struct fake_x86 *fake);
u64 fake_x86_gp_mask(struct fake_x86 *fake);
int fake_x86_count(struct fake_x86 *fake, int cpu, u64 event, u64 n);

#endif /* _VPMC_KUNIT_X86_FAKE_H */
