// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated PMU: a PMU whose shape is chosen by module parameters, for
 * tests and for machines without counters.
 *
 * Raw encoding: config bits 0-15 are the event number, every other bit must
 * be zero. Events 0x01-0x07 are the generic events; any other non-zero
 * number is a raw sim event. Fixed counters mirror Intel's order:
 * instructions, cycles, reference cycles.
 */
#define pr_fmt(fmt) "vpmc-sim: " fmt

#include <linux/bits.h>
#include <linux/bitmap.h>
#include <linux/errno.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <linux/string.h>

#include "arch/backends.h"

#define SIM_EVENT_MASK		GENMASK_ULL(15, 0)
#define SIM_MAX_FIXED		3

static unsigned int sim_gp = 4;
module_param(sim_gp, uint, 0444);
MODULE_PARM_DESC(sim_gp, "sim backend: general counters per CPU (default 4)");

static unsigned int sim_fixed = SIM_MAX_FIXED;
module_param(sim_fixed, uint, 0444);
MODULE_PARM_DESC(sim_fixed, "sim backend: fixed counters per CPU, 0-3 (default 3)");

static unsigned int sim_width = 48;
module_param(sim_width, uint, 0444);
MODULE_PARM_DESC(sim_width, "sim backend: counter width in bits, 16-64 (default 48)");

static const u64 sim_generic[VPMC_EVENT_MAX] = {
	[VPMC_EVENT_CYCLES]		= 0x01,
	[VPMC_EVENT_INSTRUCTIONS]	= 0x02,
	[VPMC_EVENT_REF_CYCLES]		= 0x03,
	[VPMC_EVENT_CACHE_REFERENCES]	= 0x04,
	[VPMC_EVENT_CACHE_MISSES]	= 0x05,
	[VPMC_EVENT_BRANCHES]		= 0x06,
	[VPMC_EVENT_BRANCH_MISSES]	= 0x07,
};

static const enum vpmc_generic_event sim_fixed_events[SIM_MAX_FIXED] = {
	VPMC_EVENT_INSTRUCTIONS, VPMC_EVENT_CYCLES, VPMC_EVENT_REF_CYCLES,
};

static int sim_probe(struct vpmc_pmu_desc *desc)
{
	unsigned int i, n = 0;

	if (sim_fixed > SIM_MAX_FIXED || sim_gp + sim_fixed == 0 ||
	    sim_gp + sim_fixed > VPMC_MAX_COUNTERS) {
		pr_err("sim_gp=%u sim_fixed=%u: need 1-%u counters, at most %u fixed\n",
		       sim_gp, sim_fixed, VPMC_MAX_COUNTERS, SIM_MAX_FIXED);
		return -EINVAL;
	}
	if (sim_width < 16 || sim_width > 64) {
		pr_err("sim_width=%u: must be 16-64\n", sim_width);
		return -EINVAL;
	}
	for (i = 0; i < sim_gp; i++, n++) {
		desc->counters[n].kind = VPMC_COUNTER_GENERAL;
		desc->counters[n].width = sim_width;
	}
	for (i = 0; i < sim_fixed; i++, n++) {
		desc->counters[n].kind = VPMC_COUNTER_FIXED;
		desc->counters[n].width = sim_width;
		desc->counters[n].fixed_event = sim_generic[sim_fixed_events[i]];
	}
	desc->num_counters = n;
	desc->event_format = "config:0-15";
	memcpy(desc->generic, sim_generic, sizeof(sim_generic));
	desc->generic_valid = GENMASK(VPMC_EVENT_MAX - 1, 0);
	return 0;
}

static void sim_remove(void)
{
}

static int sim_event_constraint(u64 config, unsigned long *mask)
{
	if (config & ~SIM_EVENT_MASK)
		return -EINVAL;
	if (!config)
		return -ENOENT;
	bitmap_set(mask, 0, sim_gp);
	return 0;
}

const struct vpmc_backend_ops vpmc_sim_ops = {
	.name			= "sim",
	.probe			= sim_probe,
	.remove			= sim_remove,
	.event_constraint	= sim_event_constraint,
};
