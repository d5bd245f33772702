/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The contract between core/ and the hardware backends in arch/.
 *
 * A backend fills a PMU description and answers which counters may count an
 * event; core/ does the rest. core/ includes this header and never an arch/
 * one; each backend exports one static const struct vpmc_backend_ops.
 */
#ifndef _VPMC_CORE_BACKEND_H
#define _VPMC_CORE_BACKEND_H

#include <vpmc/vpmc.h>

/**
 * struct vpmc_pmu_desc - what a backend tells core/ about its PMU
 * @num_counters: physical counters per CPU (every CPU has the same)
 * @counters: one entry per counter, general ones first by convention
 * @event_format: the raw encoding, in perf's sysfs "format" syntax
 * @generic: raw encodings of the generic events, valid where @generic_valid
 * @generic_valid: bitmap over enum vpmc_generic_event
 */
struct vpmc_pmu_desc {
	unsigned int num_counters;
	struct vpmc_counter_info counters[VPMC_MAX_COUNTERS];
	const char *event_format;
	u64 generic[VPMC_EVENT_MAX];
	unsigned long generic_valid;
};

/**
 * struct vpmc_backend_ops - one hardware backend
 * @name: what the backend= parameter and sysfs call it
 * @probe: check the hardware, claim it and fill @desc; 0 or -errno
 * @remove: release what @probe claimed
 * @event_constraint: set in @mask the general counters that may count the
 *	raw event @config; -ENOENT if the backend does not know the event,
 *	-EINVAL if @config is malformed. Fixed counters are core/'s business.
 */
struct vpmc_backend_ops {
	const char *name;
	int (*probe)(struct vpmc_pmu_desc *desc);
	void (*remove)(void);
	int (*event_constraint)(u64 config, unsigned long *mask);
};

#endif /* _VPMC_CORE_BACKEND_H */
