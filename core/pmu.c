// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PMU as core/ sees it: which backend drives it and what it looks like.
 *
 * The description is written once, by vpmc_core_init() during module init,
 * before any symbol of vpmc.ko can be used by another module, and cleared by
 * vpmc_core_exit() after the last user is gone (module refcounts guarantee
 * both). In between it is read-only, so readers take no lock.
 */
#define pr_fmt(fmt) "vpmc: " fmt

#include <linux/bits.h>
#include <linux/bitmap.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/printk.h>
#include <linux/string.h>

#include "internal.h"

/* Narrower counters overflow too often to extend in software. */
#define VPMC_MIN_WIDTH	16

static const struct vpmc_backend_ops *vpmc_ops;
static struct vpmc_pmu_desc vpmc_desc;

static const char *const vpmc_generic_names[VPMC_EVENT_MAX] = {
	[VPMC_EVENT_CYCLES]		= "cycles",
	[VPMC_EVENT_INSTRUCTIONS]	= "instructions",
	[VPMC_EVENT_REF_CYCLES]		= "ref-cycles",
	[VPMC_EVENT_CACHE_REFERENCES]	= "cache-references",
	[VPMC_EVENT_CACHE_MISSES]	= "cache-misses",
	[VPMC_EVENT_BRANCHES]		= "branches",
	[VPMC_EVENT_BRANCH_MISSES]	= "branch-misses",
};

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

/**
 * vpmc_core_init() - probe a backend and make its PMU the one vpmc serves
 * @ops: the backend
 *
 * Context: module init, process context, may sleep.
 * Return: 0, -EINVAL if the backend describes an impossible PMU, or the
 * backend's own probe error (-ENODEV: no such hardware; -EBUSY: in use).
 */
int vpmc_core_init(const struct vpmc_backend_ops *ops)
{
	struct vpmc_pmu_desc desc = {};
	int ret;

	ret = ops->probe(&desc);
	if (ret)
		return ret;
	ret = vpmc_desc_check(ops, &desc);
	if (ret) {
		ops->remove();
		return ret;
	}
	vpmc_desc = desc;
	vpmc_ops = ops;
	return 0;
}

/**
 * vpmc_core_exit() - release the backend taken by vpmc_core_init()
 *
 * Context: module exit, process context, may sleep.
 */
void vpmc_core_exit(void)
{
	vpmc_ops->remove();
	vpmc_ops = NULL;
	memset(&vpmc_desc, 0, sizeof(vpmc_desc));
}

/**
 * vpmc_core_desc() - the PMU description, for vpmc/'s sysfs view
 *
 * Context: any; the description does not change while vpmc is loaded.
 * Return: the description of the probed PMU.
 */
const struct vpmc_pmu_desc *vpmc_core_desc(void)
{
	return &vpmc_desc;
}

/**
 * vpmc_backend_name() - name of the backend that drives the counters
 *
 * Context: any.
 * Return: the backend's name, e.g. "sim" or "perf".
 */
const char *vpmc_backend_name(void)
{
	return vpmc_ops->name;
}
EXPORT_SYMBOL_GPL(vpmc_backend_name);

/**
 * vpmc_num_counters() - physical counters on each CPU, fixed ones included
 *
 * Context: any.
 * Return: the number of counters, at least 1; every CPU has the same.
 */
unsigned int vpmc_num_counters(void)
{
	return vpmc_desc.num_counters;
}
EXPORT_SYMBOL_GPL(vpmc_num_counters);

/**
 * vpmc_counter_info() - describe one physical counter
 * @idx: counter index, below vpmc_num_counters()
 * @info: filled with the counter's kind, width and fixed event
 *
 * Context: any.
 * Return: 0, or -EINVAL if @idx is out of range (@info is then untouched).
 */
int vpmc_counter_info(unsigned int idx, struct vpmc_counter_info *info)
{
	if (idx >= vpmc_desc.num_counters)
		return -EINVAL;
	*info = vpmc_desc.counters[idx];
	return 0;
}
EXPORT_SYMBOL_GPL(vpmc_counter_info);

/**
 * vpmc_event_counters() - which physical counters can count an event
 * @config: raw event encoding, in the backend's format
 * @mask: bitmap of VPMC_MAX_COUNTERS bits, set to the counters allowed
 *
 * A fixed counter is allowed when @config is its fixed event; general
 * counters are allowed by the backend's constraints.
 *
 * Context: any.
 * Return: 0, -ENOENT if no counter can count @config, or -EINVAL if the
 * backend finds @config malformed. @mask is only written on success.
 */
int vpmc_event_counters(u64 config, unsigned long *mask)
{
	DECLARE_BITMAP(allowed, VPMC_MAX_COUNTERS);
	unsigned int i;
	int ret;

	bitmap_zero(allowed, VPMC_MAX_COUNTERS);
	ret = vpmc_ops->event_constraint(config, allowed);
	if (ret && ret != -ENOENT)
		return ret;
	for (i = 0; i < vpmc_desc.num_counters; i++) {
		const struct vpmc_counter_info *c = &vpmc_desc.counters[i];

		if (c->kind == VPMC_COUNTER_FIXED) {
			if (c->fixed_event == config)
				__set_bit(i, allowed);
			else
				__clear_bit(i, allowed);
		}
	}
	bitmap_clear(allowed, vpmc_desc.num_counters,
		     VPMC_MAX_COUNTERS - vpmc_desc.num_counters);
	if (bitmap_empty(allowed, VPMC_MAX_COUNTERS))
		return -ENOENT;
	bitmap_copy(mask, allowed, VPMC_MAX_COUNTERS);
	return 0;
}
EXPORT_SYMBOL_GPL(vpmc_event_counters);

/**
 * vpmc_generic_event_name() - the name of a generic event
 * @event: the event
 *
 * Context: any.
 * Return: its name (as in perf: "cycles", "branch-misses", ...), or NULL if
 * @event is out of range.
 */
const char *vpmc_generic_event_name(enum vpmc_generic_event event)
{
	if ((unsigned int)event >= VPMC_EVENT_MAX)
		return NULL;
	return vpmc_generic_names[event];
}
EXPORT_SYMBOL_GPL(vpmc_generic_event_name);

/**
 * vpmc_generic_event() - the backend's raw encoding of a generic event
 * @event: the event
 * @config: set to the raw encoding
 *
 * Context: any.
 * Return: 0, -EINVAL if @event is out of range, -ENOENT if this backend
 * cannot count it. @config is only written on success.
 */
int vpmc_generic_event(enum vpmc_generic_event event, u64 *config)
{
	if ((unsigned int)event >= VPMC_EVENT_MAX)
		return -EINVAL;
	if (!(vpmc_desc.generic_valid & BIT(event)))
		return -ENOENT;
	*config = vpmc_desc.generic[event];
	return 0;
}
EXPORT_SYMBOL_GPL(vpmc_generic_event);
