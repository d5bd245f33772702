// SPDX-License-Identifier: GPL-2.0-only
/*
 * PMU instances: a backend, what it described, and one arbiter per CPU.
 *
 * vpmc.ko creates the default instance at load, from the backend= module
 * parameter (vpmc/main.c); KUnit creates private instances on simulated
 * PMUs through the VPMC_INTERNAL namespace.
 *
 * An instance's description is written at creation and then read-only, so
 * readers take no lock.
 */
#define pr_fmt(fmt) "vpmc: " fmt

#include <linux/bits.h>
#include <linux/bitmap.h>
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/error-injection.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/overflow.h>
#include <linux/printk.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "arbiter.h"

/* Narrower counters overflow too often to extend in software. */
#define VPMC_MIN_WIDTH	16

/* A backend that describes an impossible PMU is refused, not trusted. */
static int vpmc_desc_check(const struct vpmc_backend_ops *ops,
			   const struct vpmc_pmu_desc *desc)
{
	unsigned int i;

	if (!desc->num_counters || desc->num_counters > VPMC_MAX_COUNTERS) {
		pr_err("backend %s: %u counters (1..%u)\n", ops->name,
		       desc->num_counters, VPMC_MAX_COUNTERS);
		return -EINVAL;
	}
	for (i = 0; i < desc->num_counters; i++) {
		const struct vpmc_counter_info *c = &desc->counters[i];

		if (c->width < VPMC_MIN_WIDTH || c->width > 64 ||
		    (c->kind != VPMC_COUNTER_GENERAL &&
		     c->kind != VPMC_COUNTER_FIXED)) {
			pr_err("backend %s: counter %u: kind %d width %u\n",
			       ops->name, i, c->kind, c->width);
			return -EINVAL;
		}
	}
	if (desc->generic_valid & ~GENMASK(VPMC_EVENT_MAX - 1, 0)) {
		pr_err("backend %s: unknown generic events %#lx\n", ops->name,
		       desc->generic_valid);
		return -EINVAL;
	}
	return 0;
}

static void vpmc_pmu_free(struct vpmc_pmu *pmu)
{
	int cpu;

	for_each_possible_cpu(cpu) {
		if (pmu->cpus[cpu])
			arb_cpu_destroy(pmu->cpus[cpu]);
	}
	kfree(pmu);
}

/* A fault-injection site (Documentation/testing.rst): it only allocates. */
static noinline struct vpmc_pmu *vpmc_pmu_alloc(void)
{
	struct vpmc_pmu *pmu;

	return kzalloc(struct_size(pmu, cpus, nr_cpu_ids), GFP_KERNEL);
}

ALLOW_ERROR_INJECTION(vpmc_pmu_alloc, NULL);

/**
 * vpmc_pmu_create() - probe a backend and build its arbiters
 * @ops: the backend
 * @priv: the backend's instance, passed back to every op
 *
 * Context: process context, may sleep.
 * Return: the instance; ERR_PTR(-ENOMEM), ERR_PTR(-EINVAL) if the backend
 * describes an impossible PMU, or the backend's probe error (-ENODEV: no
 * such hardware; -EBUSY: in use; -EINVAL: bad parameters).
 */
struct vpmc_pmu *vpmc_pmu_create(const struct vpmc_backend_ops *ops, void *priv)
{
	struct vpmc_pmu *pmu;
	int cpu, ret;

	pmu = vpmc_pmu_alloc();
	if (!pmu)
		return ERR_PTR(-ENOMEM);
	pmu->ops = ops;
	pmu->priv = priv;
	pmu->clock = local_clock;
	atomic_set(&pmu->nr_claims, 0);
	ret = ops->probe(pmu, priv, &pmu->desc);
	if (ret)
		goto err_free;
	ret = vpmc_desc_check(ops, &pmu->desc);
	if (ret)
		goto err_remove;

	for_each_possible_cpu(cpu) {
		pmu->cpus[cpu] = arb_cpu_create(pmu, cpu);
		if (!pmu->cpus[cpu]) {
			ret = -ENOMEM;
			goto err_remove;
		}
	}
	vpmc_pmu_register(pmu);
	return pmu;

err_remove:
	ops->remove(priv);
err_free:
	vpmc_pmu_free(pmu);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_NS_GPL(vpmc_pmu_create, VPMC_INTERNAL);

/**
 * vpmc_pmu_destroy() - release an idle instance and its backend
 * @pmu: the instance
 *
 * Context: process context, may sleep.
 * Return: 0, or -EBUSY (nothing done) while virtual PMCs are attached.
 */
int vpmc_pmu_destroy(struct vpmc_pmu *pmu)
{
	if (atomic_read(&pmu->nr_claims))
		return -EBUSY;
	vpmc_pmu_unregister(pmu);
	pmu->ops->remove(pmu->priv);
	vpmc_pmu_free(pmu);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vpmc_pmu_destroy, VPMC_INTERNAL);

/**
 * vpmc_pmu_priv() - the backend instance given to vpmc_pmu_create()
 * @pmu: the instance
 *
 * Context: any.
 * Return: the pointer.
 */
void *vpmc_pmu_priv(struct vpmc_pmu *pmu)
{
	return pmu->priv;
}
EXPORT_SYMBOL_NS_GPL(vpmc_pmu_priv, VPMC_INTERNAL);

/**
 * vpmc_pmu_is_idle() - no virtual PMC is attached anywhere
 * @pmu: the instance
 *
 * Every KUnit test ends by asserting this, so a test that leaks fails.
 *
 * Context: any.
 * Return: true if no claim is attached on any CPU and no counter is in use.
 */
bool vpmc_pmu_is_idle(struct vpmc_pmu *pmu)
{
	unsigned int i;
	int cpu;

	if (atomic_read(&pmu->nr_claims))
		return false;
	for_each_possible_cpu(cpu) {
		struct vpmc_arbiter *arb = pmu->cpus[cpu];
		bool busy;

		/* A snapshot for tests: all change under the arbiter lock. */
		busy = data_race(arb->nr_claims || !list_empty(&arb->waiting) ||
				 !list_empty(&arb->offline));
		if (busy)
			return false;
		for (i = 0; i < pmu->desc.num_counters; i++) {
			/* As above. */
			if (data_race(arb->ctr[i].nr_claims))
				return false;
		}
	}
	return true;
}
EXPORT_SYMBOL_NS_GPL(vpmc_pmu_is_idle, VPMC_INTERNAL);

/**
 * vpmc_pmu_set_overflow_limit() - bound the CPU time of overflow callbacks
 * @pmu: the instance
 * @percent: the share of each CPU, 1-100, that overflows may take in
 *	every window of a millisecond, each from the backend's report (its
 *	deferral out of NMI) to the end of its callbacks; 0 for no limit
 *
 * Past it, a counter is throttled: it goes on counting exactly, but its
 * thresholds fire only once the window is over (at least the rest of a
 * window later), each overdue virtual PMC once, for the last threshold it
 * passed. The first threshold of a window always fires. A new instance
 * has no limit; vpmc.ko gives its own the module parameter
 * overflow_max_percent.
 *
 * Context: any.
 * Return: 0, or -EINVAL if @percent is over 100 (nothing changes).
 */
int vpmc_pmu_set_overflow_limit(struct vpmc_pmu *pmu, unsigned int percent)
{
	if (percent > 100)
		return -EINVAL;
	WRITE_ONCE(pmu->ovf_pct, percent);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vpmc_pmu_set_overflow_limit, VPMC_INTERNAL);

/**
 * vpmc_pmu_set_clock() - what measures the time of overflow callbacks
 * @pmu: an instance with no claim
 * @clock: a clock in nanoseconds; NULL for local_clock()
 *
 * For tests: the throttling of vpmc_pmu_set_overflow_limit() then depends
 * on a clock the test advances, not on how busy the machine is.
 *
 * Context: process context, before the instance has a claim.
 * Return: 0, or -EBUSY if it has claims (nothing changes).
 */
int vpmc_pmu_set_clock(struct vpmc_pmu *pmu, u64 (*clock)(void))
{
	if (atomic_read(&pmu->nr_claims))
		return -EBUSY;
	pmu->clock = clock ?: local_clock;
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vpmc_pmu_set_clock, VPMC_INTERNAL);

/**
 * vpmc_pmu_throttled() - the counters of a CPU throttled now, for tests
 * @pmu: the instance
 * @cpu: a possible CPU
 *
 * Context: any. A lockless snapshot; pairs with the arbiter lock holders'
 * writes (the unthrottle timer clears it).
 * Return: a mask of counter indexes.
 */
unsigned long vpmc_pmu_throttled(struct vpmc_pmu *pmu, int cpu)
{
	/* A snapshot for tests: the bits change under the arbiter lock only. */
	return data_race(pmu->cpus[cpu]->throttled);
}
EXPORT_SYMBOL_NS_GPL(vpmc_pmu_throttled, VPMC_INTERNAL);

/**
 * vpmc_pmu_nr_throttled() - how many times a CPU's counters were throttled
 * @pmu: the instance
 * @cpu: a possible CPU
 *
 * For tests: unlike vpmc_pmu_throttled(), it does not depend on when the
 * real timer that ends a throttling fires.
 *
 * Context: any. A lockless snapshot of a count the arbiter lock holders
 * increment (ovf_throttle()).
 * Return: the count since the instance was created.
 */
u64 vpmc_pmu_nr_throttled(struct vpmc_pmu *pmu, int cpu)
{
	/* A snapshot for tests: changed under the arbiter lock only. */
	return data_race(pmu->cpus[cpu]->nr_throttled);
}
EXPORT_SYMBOL_NS_GPL(vpmc_pmu_nr_throttled, VPMC_INTERNAL);

/**
 * vpmc_pmu_overflow_limit() - the limit vpmc_pmu_set_overflow_limit() set
 * @pmu: the instance
 *
 * Context: any.
 * Return: the percentage; 0 for none.
 */
unsigned int vpmc_pmu_overflow_limit(struct vpmc_pmu *pmu)
{
	/* Pairs with vpmc_pmu_set_overflow_limit()'s WRITE_ONCE(). */
	return READ_ONCE(pmu->ovf_pct);
}
EXPORT_SYMBOL_NS_GPL(vpmc_pmu_overflow_limit, VPMC_INTERNAL);

/**
 * vpmc_pmu_desc() - an instance's PMU description
 * @pmu: the instance
 *
 * Context: any; the description does not change.
 * Return: the description.
 */
const struct vpmc_pmu_desc *vpmc_pmu_desc(struct vpmc_pmu *pmu)
{
	return &pmu->desc;
}
EXPORT_SYMBOL_NS_GPL(vpmc_pmu_desc, VPMC_INTERNAL);

/**
 * vpmc_pmu_name() - the name of an instance's backend
 * @pmu: the instance
 *
 * Context: any.
 * Return: the backend's name.
 */
const char *vpmc_pmu_name(struct vpmc_pmu *pmu)
{
	return pmu->ops->name;
}

/**
 * vpmc_pmu_event_counters() - which of an instance's counters can count an event
 * @pmu: the instance
 * @config: raw event encoding
 * @mask: bitmap of VPMC_MAX_COUNTERS bits, written on success
 *
 * Context: any.
 * Return: 0; -ENOENT if the backend does not know @config; -ENOSPC if it
 * does but no counter of this PMU may count it; -EINVAL if @config is
 * malformed.
 */
int vpmc_pmu_event_counters(struct vpmc_pmu *pmu, u64 config, unsigned long *mask)
{
	const struct vpmc_pmu_desc *desc = &pmu->desc;
	DECLARE_BITMAP(allowed, VPMC_MAX_COUNTERS);
	bool fixed = false;
	unsigned int i;
	int ret;

	bitmap_zero(allowed, VPMC_MAX_COUNTERS);
	ret = pmu->ops->event_constraint(pmu->priv, config, allowed);
	if (ret && ret != -ENOENT)
		return ret;
	for (i = 0; i < desc->num_counters; i++) {
		if (desc->counters[i].kind != VPMC_COUNTER_FIXED)
			continue;
		__clear_bit(i, allowed);
		if (desc->counters[i].fixed_event == config) {
			__set_bit(i, allowed);
			fixed = true;
		}
	}
	if (ret && !fixed)
		return ret;
	bitmap_clear(allowed, desc->num_counters,
		     VPMC_MAX_COUNTERS - desc->num_counters);
	if (bitmap_empty(allowed, VPMC_MAX_COUNTERS))
		return -ENOSPC;
	bitmap_copy(mask, allowed, VPMC_MAX_COUNTERS);
	return 0;
}
EXPORT_SYMBOL_NS_GPL(vpmc_pmu_event_counters, VPMC_INTERNAL);
