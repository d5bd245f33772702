/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The simulated PMU's control interface, for KUnit and benchmarks
 * (symbol namespace VPMC_INTERNAL). Its counters advance only when told.
 */
#ifndef _VPMC_ARCH_SIM_H
#define _VPMC_ARCH_SIM_H

#include <linux/types.h>

struct pt_regs;
struct vpmc_pmu;

#define VPMC_SIM_MAX_CONSTRAINTS	8

/**
 * struct vpmc_sim_constraint - restrict a raw sim event to some counters
 * @config: the raw event
 * @mask: the general counters allowed to count it (may be 0: none)
 */
struct vpmc_sim_constraint {
	u64 config;
	unsigned long mask;
};

/**
 * struct vpmc_sim_config - the shape of a simulated PMU
 * @num_gp: general counters per CPU
 * @num_fixed: fixed counters (0-3: instructions, cycles, ref-cycles)
 * @width: counter width in bits, 16-64
 * @num_constraints: entries used in @constraints
 * @constraints: per-event restrictions; other events run on any general
 *	counter
 * @nmi: report overflows as a backend whose interrupt is an NMI does,
 *	through vpmc_pmu_overflow_nmi() (dispatched by the CPU's irq_work
 *	once interrupts are on)
 */
struct vpmc_sim_config {
	unsigned int num_gp;
	unsigned int num_fixed;
	unsigned int width;
	unsigned int num_constraints;
	struct vpmc_sim_constraint constraints[VPMC_SIM_MAX_CONSTRAINTS];
	bool nmi;
};

struct vpmc_pmu *vpmc_sim_create(const struct vpmc_sim_config *config);
int vpmc_sim_destroy(struct vpmc_pmu *pmu);
int vpmc_sim_inject(struct vpmc_pmu *pmu, int cpu, u64 config, u64 events);
int vpmc_sim_inject_regs(struct vpmc_pmu *pmu, int cpu, u64 config,
			 u64 events, struct pt_regs *regs);
unsigned long vpmc_sim_enabled(struct vpmc_pmu *pmu, int cpu,
			       unsigned long *enables);

#endif /* _VPMC_ARCH_SIM_H */
