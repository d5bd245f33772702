// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated PMU: a PMU whose shape is chosen by module parameters (the
 * default instance) or by a test (vpmc_sim_create()), and whose counters
 * advance only through vpmc_sim_inject(). An injection that wraps a counter
 * raises its overflow "interrupt" at that exact event, so every rule of the
 * arbiter can be driven deterministically.
 *
 * Raw encoding: config bits 0-15 are the event number, every other bit must
 * be zero. Events 0x01-0x07 are the generic events; any other non-zero
 * number is a raw sim event. Fixed counters mirror Intel's order:
 * instructions, cycles, reference cycles.
 *
 * A counter's state belongs to its CPU: ops run there under the arbiter's
 * lock, injections run there with interrupts disabled (vpmc_cpu_call()).
 */
#define pr_fmt(fmt) "vpmc-sim: " fmt

#include <linux/bits.h>
#include <linux/bitmap.h>
#include <linux/err.h>
#include <linux/errno.h>
#include <linux/error-injection.h>
#include <linux/export.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "arch/backends.h"
#include "sim.h"

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

struct sim_counter {
	u64 raw;
	u64 config;
	bool enabled;
	unsigned long enables;
};

/**
 * struct vpmc_sim - one simulated PMU
 * @config: its shape
 * @pmu: the instance that drives it
 * @mask: counter width mask
 * @num: counters per CPU
 * @ctr: nr_cpu_ids * @num counters, CPU-major
 */
struct vpmc_sim {
	struct vpmc_sim_config config;
	struct vpmc_pmu *pmu;
	u64 mask;
	unsigned int num;
	struct sim_counter ctr[];
};

static struct sim_counter *sim_ctr(struct vpmc_sim *sim, int cpu, unsigned int idx)
{
	return &sim->ctr[cpu * sim->num + idx];
}

static int sim_probe(struct vpmc_pmu *pmu, void *priv, struct vpmc_pmu_desc *desc)
{
	struct vpmc_sim *sim = priv;
	const struct vpmc_sim_config *cfg = &sim->config;
	unsigned int i, n = 0;

	for (i = 0; i < cfg->num_gp; i++, n++) {
		desc->counters[n].kind = VPMC_COUNTER_GENERAL;
		desc->counters[n].width = cfg->width;
	}
	for (i = 0; i < cfg->num_fixed; i++, n++) {
		desc->counters[n].kind = VPMC_COUNTER_FIXED;
		desc->counters[n].width = cfg->width;
		desc->counters[n].fixed_event = sim_generic[sim_fixed_events[i]];
	}
	desc->num_counters = n;
	desc->event_format = "config:0-15";
	memcpy(desc->generic, sim_generic, sizeof(sim_generic));
	desc->generic_valid = GENMASK(VPMC_EVENT_MAX - 1, 0);
	sim->pmu = pmu;
	return 0;
}

static void sim_remove(void *priv)
{
}

static int sim_event_constraint(void *priv, u64 config, unsigned long *mask)
{
	struct vpmc_sim *sim = priv;
	unsigned int i;

	if (config & ~SIM_EVENT_MASK)
		return -EINVAL;
	if (!config)
		return -ENOENT;
	for (i = 0; i < sim->config.num_constraints; i++) {
		if (sim->config.constraints[i].config == config) {
			*mask |= sim->config.constraints[i].mask &
				 GENMASK(sim->config.num_gp - 1, 0);
			return 0;
		}
	}
	bitmap_set(mask, 0, sim->config.num_gp);
	return 0;
}

static void sim_enable(void *priv, int cpu, unsigned int idx, u64 config)
{
	struct sim_counter *c = sim_ctr(priv, cpu, idx);

	c->config = config;
	WRITE_ONCE(c->enabled, true);
	WRITE_ONCE(c->enables, c->enables + 1);
}

static void sim_disable(void *priv, int cpu, unsigned int idx)
{
	WRITE_ONCE(sim_ctr(priv, cpu, idx)->enabled, false);
}

static u64 sim_read(void *priv, int cpu, unsigned int idx)
{
	/* Pairs with the WRITE_ONCE()s of sim_set_period() and of counting. */
	return READ_ONCE(sim_ctr(priv, cpu, idx)->raw);
}

static void sim_set_period(void *priv, int cpu, unsigned int idx, u64 distance)
{
	struct vpmc_sim *sim = priv;

	WRITE_ONCE(sim_ctr(sim, cpu, idx)->raw, -distance & sim->mask);
}

static const struct vpmc_backend_ops vpmc_sim_ops = {
	.name			= "sim",
	.probe			= sim_probe,
	.remove			= sim_remove,
	.event_constraint	= sim_event_constraint,
	.enable			= sim_enable,
	.disable		= sim_disable,
	.read			= sim_read,
	.set_period		= sim_set_period,
};

/* A fault-injection site (Documentation/testing.rst): it only allocates. */
static noinline struct vpmc_sim *vpmc_sim_alloc(unsigned int nr_ctr)
{
	struct vpmc_sim *sim;

	return kzalloc(struct_size(sim, ctr, nr_ctr), GFP_KERNEL);
}

ALLOW_ERROR_INJECTION(vpmc_sim_alloc, NULL);

/**
 * vpmc_sim_create() - a simulated PMU and its arbiters
 * @config: its shape; copied
 *
 * Context: process context, may sleep.
 * Return: the PMU instance; ERR_PTR(-EINVAL) for an impossible shape (no
 * counter, more than 3 fixed or VPMC_MAX_COUNTERS in all, width outside
 * 16-64, too many constraints), ERR_PTR(-ENOMEM).
 */
struct vpmc_pmu *vpmc_sim_create(const struct vpmc_sim_config *config)
{
	unsigned int num = config->num_gp + config->num_fixed;
	struct vpmc_pmu *pmu;
	struct vpmc_sim *sim;

	if (config->num_fixed > SIM_MAX_FIXED || !num || num > VPMC_MAX_COUNTERS ||
	    config->num_constraints > VPMC_SIM_MAX_CONSTRAINTS) {
		pr_err("%u general + %u fixed counters, %u constraints: need 1-%u counters, at most %u fixed, %u constraints\n",
		       config->num_gp, config->num_fixed, config->num_constraints,
		       VPMC_MAX_COUNTERS, SIM_MAX_FIXED, VPMC_SIM_MAX_CONSTRAINTS);
		return ERR_PTR(-EINVAL);
	}
	if (config->width < 16 || config->width > 64) {
		pr_err("width %u: must be 16-64\n", config->width);
		return ERR_PTR(-EINVAL);
	}
	sim = vpmc_sim_alloc(nr_cpu_ids * num);
	if (!sim)
		return ERR_PTR(-ENOMEM);
	sim->config = *config;
	sim->num = num;
	sim->mask = GENMASK_ULL(config->width - 1, 0);
	pmu = vpmc_pmu_create(&vpmc_sim_ops, sim);
	if (IS_ERR(pmu))
		kfree(sim);
	return pmu;
}
EXPORT_SYMBOL_NS_GPL(vpmc_sim_create, VPMC_INTERNAL);

/**
 * vpmc_sim_destroy() - release a simulated PMU made by vpmc_sim_create()
 * @pmu: the instance
 *
 * Context: process context, may sleep.
 * Return: 0, or -EBUSY (nothing done) while virtual PMCs are attached.
 */
int vpmc_sim_destroy(struct vpmc_pmu *pmu)
{
	struct vpmc_sim *sim = vpmc_pmu_priv(pmu);
	int ret;

	ret = vpmc_pmu_destroy(pmu);
	if (!ret)
		kfree(sim);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(vpmc_sim_destroy, VPMC_INTERNAL);

struct sim_inject {
	struct vpmc_sim *sim;
	u64 config;
	u64 events;
	struct pt_regs *regs;
};

/* On the target CPU, interrupts disabled: as the hardware would count. */
static void __sim_inject(void *info)
{
	struct sim_inject *in = info;
	struct vpmc_sim *sim = in->sim;
	int cpu = smp_processor_id();
	unsigned int idx;

	for (idx = 0; idx < sim->num; idx++) {
		struct sim_counter *c = sim_ctr(sim, cpu, idx);
		u64 left = in->events;

		/* The overflow callbacks may reprogram, or free, this counter. */
		while (left && c->enabled && c->config == in->config) {
			u64 room = sim->mask - c->raw;

			if (left <= room) {
				WRITE_ONCE(c->raw, c->raw + left);
				break;
			}
			left -= room + 1;
			WRITE_ONCE(c->raw, 0);
			if (sim->config.nmi)
				vpmc_pmu_overflow_nmi(sim->pmu, idx, in->regs);
			else
				vpmc_pmu_overflow(sim->pmu, idx, in->regs);
		}
	}
}

/**
 * vpmc_sim_inject() - make events happen on a simulated CPU
 * @pmu: a simulated PMU instance
 * @cpu: the CPU
 * @config: the raw event that happens
 * @events: how many times
 *
 * Every enabled counter of @cpu counting @config advances by @events;
 * each wrap raises its overflow interrupt on @cpu at that exact event,
 * interrupting what the IPI that carried the events interrupted (or, run
 * on @cpu itself, nothing: the overflow's sample has no IP).
 *
 * Context: process context (an IPI reaches @cpu), or any non-NMI context
 * on @cpu.
 * Return: 0, -ENODEV if @cpu is offline, -EINVAL if @cpu cannot be reached
 * from this context.
 */
int vpmc_sim_inject(struct vpmc_pmu *pmu, int cpu, u64 config, u64 events)
{
	return vpmc_sim_inject_regs(pmu, cpu, config, events, NULL);
}
EXPORT_SYMBOL_NS_GPL(vpmc_sim_inject, VPMC_INTERNAL);

/**
 * vpmc_sim_inject_regs() - vpmc_sim_inject(), interrupting given registers
 * @pmu: a simulated PMU instance
 * @cpu: the CPU
 * @config: the raw event that happens
 * @events: how many times
 * @regs: what each overflow interrupt says it interrupted; NULL: as
 *	vpmc_sim_inject()
 *
 * Context: as vpmc_sim_inject().
 * Return: as vpmc_sim_inject().
 */
int vpmc_sim_inject_regs(struct vpmc_pmu *pmu, int cpu, u64 config,
			 u64 events, struct pt_regs *regs)
{
	struct sim_inject in = {
		.sim = vpmc_pmu_priv(pmu), .config = config, .events = events,
		.regs = regs,
	};

	return vpmc_cpu_call(cpu, __sim_inject, &in);
}
EXPORT_SYMBOL_NS_GPL(vpmc_sim_inject_regs, VPMC_INTERNAL);

/**
 * vpmc_sim_enabled() - which counters of a CPU the arbiter left enabled
 * @pmu: a simulated PMU instance
 * @cpu: the CPU
 * @enables: if not NULL, set to the number of enable() calls on @cpu's
 *	counters so far
 *
 * Context: any; exact once the arbiter of @cpu is quiet.
 * Return: the mask of @cpu's enabled counters.
 */
unsigned long vpmc_sim_enabled(struct vpmc_pmu *pmu, int cpu,
			       unsigned long *enables)
{
	struct vpmc_sim *sim = vpmc_pmu_priv(pmu);
	unsigned long mask = 0, n = 0;
	unsigned int idx;

	for (idx = 0; idx < sim->num; idx++) {
		struct sim_counter *c = sim_ctr(sim, cpu, idx);

		/* Pairs with sim_enable()'s and sim_disable()'s WRITE_ONCE()s. */
		if (READ_ONCE(c->enabled))
			mask |= BIT(idx);
		n += READ_ONCE(c->enables);
	}
	if (enables)
		*enables = n;
	return mask;
}
EXPORT_SYMBOL_NS_GPL(vpmc_sim_enabled, VPMC_INTERNAL);

/**
 * vpmc_sim_create_default() - the simulated PMU vpmc.ko serves with backend=sim
 *
 * Its shape comes from the module parameters sim_gp, sim_fixed, sim_width.
 *
 * Context: module init, may sleep.
 * Return: as vpmc_sim_create().
 */
struct vpmc_pmu *vpmc_sim_create_default(void)
{
	struct vpmc_sim_config config = {
		.num_gp = sim_gp, .num_fixed = sim_fixed, .width = sim_width,
	};

	return vpmc_sim_create(&config);
}
