// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test hooks (namespace VPMC_INTERNAL, include/vpmc/internal.h): what
 * vpmc's KUnit suites, benchmarks and in-guest test modules may ask of a
 * virtual PMC or of vpmc.ko that consumers may not.
 */
#include <linux/export.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <vpmc/internal.h>

#include "priv.h"

/**
 * vpmc_footprint() - the memory a virtual PMC takes, for benchmarks
 * @vpmc: the virtual PMC
 *
 * Its slab object plus, per thread, its thread's state (shared by every
 * virtual PMC of that thread: counted whole, as for a thread's only one).
 * A backend's own state (the perf backend's backing events, one per CPU
 * and distinct event) is not included.
 *
 * Context: any, while @vpmc exists.
 * Return: bytes.
 */
size_t vpmc_footprint(struct vpmc *vpmc)
{
	return ksize(vpmc) + vpmc_thread_footprint(vpmc);
}
EXPORT_SYMBOL_NS_GPL(vpmc_footprint, VPMC_INTERNAL);

/**
 * vpmc_counter_of() - the physical counter a virtual PMC holds, for tests
 * @vpmc: the virtual PMC
 *
 * Context: process context.
 * Return: the counter index, or -EBUSY if it is preempted.
 */
int vpmc_counter_of(struct vpmc *vpmc)
{
	return vpmc_core_counter(&vpmc->claim);
}
EXPORT_SYMBOL_NS_GPL(vpmc_counter_of, VPMC_INTERNAL);

/**
 * vpmc_owner() - vpmc.ko's module, whose references pin it, for tests
 *
 * Context: any.
 * Return: THIS_MODULE of vpmc.ko.
 */
struct module *vpmc_owner(void)
{
	return THIS_MODULE;
}
EXPORT_SYMBOL_NS_GPL(vpmc_owner, VPMC_INTERNAL);

/**
 * vpmc_pmu_default() - the PMU instance vpmc_create() uses
 *
 * Context: any, while vpmc is loaded.
 * Return: the default instance.
 */
struct vpmc_pmu *vpmc_pmu_default(void)
{
	return vpmc_default_pmu;
}
EXPORT_SYMBOL_NS_GPL(vpmc_pmu_default, VPMC_INTERNAL);
