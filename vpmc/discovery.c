// SPDX-License-Identifier: GPL-2.0-only
/*
 * Discovery: the public API that lists the default PMU's counters and
 * events (include/vpmc/vpmc.h), over core/'s description of the instance.
 *
 * vpmc_default_pmu is set by vpmc_init() before any other module can
 * resolve a vpmc symbol, and cleared at exit, after the last module using
 * vpmc is gone, so readers take no lock; the description it points to is
 * read-only.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/types.h>
#include <vpmc/vpmc.h>

#include "priv.h"

struct vpmc_pmu *vpmc_default_pmu;

static const char *const vpmc_generic_names[VPMC_EVENT_MAX] = {
	[VPMC_EVENT_CYCLES]		= "cycles",
	[VPMC_EVENT_INSTRUCTIONS]	= "instructions",
	[VPMC_EVENT_REF_CYCLES]		= "ref-cycles",
	[VPMC_EVENT_CACHE_REFERENCES]	= "cache-references",
	[VPMC_EVENT_CACHE_MISSES]	= "cache-misses",
	[VPMC_EVENT_BRANCHES]		= "branches",
	[VPMC_EVENT_BRANCH_MISSES]	= "branch-misses",
};

/**
 * vpmc_backend_name() - name of the backend that drives the counters
 *
 * Context: any.
 * Return: the backend's name, e.g. "sim" or "perf".
 */
const char *vpmc_backend_name(void)
{
	return vpmc_pmu_name(vpmc_default_pmu);
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
	return vpmc_pmu_desc(vpmc_default_pmu)->num_counters;
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
	if (idx >= vpmc_pmu_desc(vpmc_default_pmu)->num_counters)
		return -EINVAL;
	*info = vpmc_pmu_desc(vpmc_default_pmu)->counters[idx];
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
 * Return: 0; -ENOENT if the backend does not know @config; -ENOSPC if no
 * counter of this PMU may count it; -EINVAL if the backend finds @config
 * malformed. @mask is only written on success.
 */
int vpmc_event_counters(u64 config, unsigned long *mask)
{
	return vpmc_pmu_event_counters(vpmc_default_pmu, config, mask);
}
EXPORT_SYMBOL_GPL(vpmc_event_counters);

/**
 * vpmc_event_format() - the backend's raw event encoding, described
 *
 * Fields in perf's sysfs "format" syntax ("name=config:lo-hi ..."): every
 * bit of a raw encoding outside them is reserved and makes the encoding
 * malformed.
 *
 * Context: any.
 * Return: the description, constant while vpmc is loaded.
 */
const char *vpmc_event_format(void)
{
	return vpmc_pmu_desc(vpmc_default_pmu)->event_format;
}
EXPORT_SYMBOL_GPL(vpmc_event_format);

/**
 * vpmc_event_plm() - the privilege levels an event counts at
 * @config: raw event encoding, in the backend's format
 *
 * A backend that can filter by privilege level names a "user" and a
 * "kernel" bit in its encoding; an encoding with neither counts at both,
 * and so does every encoding of a backend without such bits. Consumers
 * acting for unprivileged users check this before creating a virtual PMC.
 *
 * Context: any.
 * Return: a mask of VPMC_PLM_USER and VPMC_PLM_KERNEL, never 0.
 */
unsigned int vpmc_event_plm(u64 config)
{
	const struct vpmc_pmu_desc *desc = vpmc_pmu_desc(vpmc_default_pmu);
	unsigned int plm = 0;

	if (config & desc->plm_user)
		plm |= VPMC_PLM_USER;
	if (config & desc->plm_kernel)
		plm |= VPMC_PLM_KERNEL;
	return plm ?: VPMC_PLM_USER | VPMC_PLM_KERNEL;
}
EXPORT_SYMBOL_GPL(vpmc_event_plm);

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
 * has no encoding for it or no counter of this PMU can count that
 * encoding. @config is only written on success.
 */
int vpmc_generic_event(enum vpmc_generic_event event, u64 *config)
{
	const struct vpmc_pmu_desc *desc = vpmc_pmu_desc(vpmc_default_pmu);
	unsigned long mask = 0;

	if ((unsigned int)event >= VPMC_EVENT_MAX)
		return -EINVAL;
	if (!(desc->generic_valid & BIT(event)))
		return -ENOENT;
	/* An encoding no counter of this PMU may count is no use either. */
	if (vpmc_pmu_event_counters(vpmc_default_pmu, desc->generic[event], &mask) ||
	    !mask)
		return -ENOENT;
	*config = desc->generic[event];
	return 0;
}
EXPORT_SYMBOL_GPL(vpmc_generic_event);
