/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vpmc - virtual performance-monitoring counters: the public in-kernel API.
 *
 * This is the only header a consumer (tracer, watchdog, profiling module,
 * the perfmon2 interface) may include. Everything here is exported with
 * EXPORT_SYMBOL_GPL from vpmc.ko.
 */
#ifndef _VPMC_VPMC_H
#define _VPMC_VPMC_H

#include <linux/types.h>

/* The most physical counters one CPU may have, fixed ones included. */
#define VPMC_MAX_COUNTERS	32

/**
 * enum vpmc_counter_kind - what a physical counter can count
 * @VPMC_COUNTER_GENERAL: programmable: counts any event its constraints allow
 * @VPMC_COUNTER_FIXED: counts exactly one event, vpmc_counter_info.fixed_event
 */
enum vpmc_counter_kind {
	VPMC_COUNTER_GENERAL,
	VPMC_COUNTER_FIXED,
};

/**
 * struct vpmc_counter_info - description of one physical counter
 * @kind: general or fixed
 * @width: implemented bits; vpmc extends every count to 64 bits
 * @fixed_event: for a fixed counter, the raw encoding of its event; else 0
 */
struct vpmc_counter_info {
	enum vpmc_counter_kind kind;
	unsigned int width;
	u64 fixed_event;
};

/**
 * enum vpmc_generic_event - events with a common meaning on every PMU
 * @VPMC_EVENT_CYCLES: core clock cycles
 * @VPMC_EVENT_INSTRUCTIONS: retired instructions
 * @VPMC_EVENT_REF_CYCLES: reference cycles, unaffected by frequency scaling
 * @VPMC_EVENT_CACHE_REFERENCES: last-level cache references
 * @VPMC_EVENT_CACHE_MISSES: last-level cache misses
 * @VPMC_EVENT_BRANCHES: retired branch instructions
 * @VPMC_EVENT_BRANCH_MISSES: mispredicted branches
 * @VPMC_EVENT_MAX: number of generic events
 *
 * vpmc_generic_event() maps them to the backend's raw encoding where the
 * backend has one.
 */
enum vpmc_generic_event {
	VPMC_EVENT_CYCLES,
	VPMC_EVENT_INSTRUCTIONS,
	VPMC_EVENT_REF_CYCLES,
	VPMC_EVENT_CACHE_REFERENCES,
	VPMC_EVENT_CACHE_MISSES,
	VPMC_EVENT_BRANCHES,
	VPMC_EVENT_BRANCH_MISSES,
	VPMC_EVENT_MAX
};

const char *vpmc_backend_name(void);
unsigned int vpmc_num_counters(void);
int vpmc_counter_info(unsigned int idx, struct vpmc_counter_info *info);
int vpmc_event_counters(u64 config, unsigned long *mask);
const char *vpmc_generic_event_name(enum vpmc_generic_event event);
int vpmc_generic_event(enum vpmc_generic_event event, u64 *config);

#endif /* _VPMC_VPMC_H */
