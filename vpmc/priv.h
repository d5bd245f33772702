/* SPDX-License-Identifier: GPL-2.0-only */
/* Private interface of the vpmc/ layer (virtual PMC objects and their views). */
#ifndef _VPMC_PRIV_H
#define _VPMC_PRIV_H

#include <linux/hardirq.h>
#include <linux/irqflags.h>
#include <linux/preempt.h>
#include <linux/rcupdate.h>
#include <linux/types.h>
#include <vpmc/vpmc.h>

#include "core/internal.h"

#define VPMC_VERSION	"0.4.0"

struct vpmc_watched;

/**
 * struct vpmc - a virtual PMC, system-wide or per-thread
 * @claim: its claim on a counter, managed by core/ (which keeps the
 *	consumer's event, priority, flags and period there)
 * @overflow: the consumer's overflow callback, or NULL
 * @preempt: its preemption callback, or NULL
 * @notice: its notice callback, or NULL
 * @priv: passed to the three
 * @watched: per-thread: its thread's state, and the object is the @vpmc of a
 *	struct vpmc_task_pmc (vpmc/thread.c); NULL system-wide
 * @rcu: vpmc_destroy() frees it a grace period after it was taken off
 *	(design.rst, "Lifetime")
 *
 * It is all a system-wide virtual PMC has: objects come from a cache of
 * their own (vpmc_cache), so memory per virtual PMC is this size.
 */
struct vpmc {
	struct vpmc_claim claim;
	vpmc_overflow_fn overflow;
	vpmc_preempt_fn preempt;
	vpmc_notice_fn notice;
	void *priv;
	struct vpmc_watched *watched;
	struct rcu_head rcu;
};

extern struct kmem_cache *vpmc_cache;

/* The instance vpmc.ko made at load (vpmc/discovery.c). */
extern struct vpmc_pmu *vpmc_default_pmu;

/*
 * Entry points that may sleep refuse, with a warning, a caller that may
 * not: a vpmc callback (hard interrupt, interrupts off), any atomic
 * section, or a hotplug notice (it runs where vpmc holds its locks).
 */
static inline bool vpmc_cannot_sleep(void)
{
	return irqs_disabled() || in_interrupt() ||
	       (IS_ENABLED(CONFIG_PREEMPT_COUNT) && preempt_count()) ||
	       rcu_preempt_depth() || vpmc_core_in_notice();
}

int vpmc_prepare(struct vpmc_pmu *pmu, const struct vpmc_attr *attr,
		 bool thread, unsigned long *allowed);
void vpmc_fill(struct vpmc *vpmc, struct vpmc_pmu *pmu,
	       const struct vpmc_attr *attr, unsigned long allowed, int cpu);

void vpmc_permission_init(void);
int vpmc_thread_init(void);
void vpmc_thread_exit(void);
void vpmc_thread_destroy(struct vpmc *vpmc);
int vpmc_thread_read(struct vpmc *vpmc, struct vpmc_value *value);
bool vpmc_thread_current(struct vpmc *vpmc);
size_t vpmc_thread_footprint(struct vpmc *vpmc);

int vpmc_sysfs_init(void);
void vpmc_sysfs_exit(void);
void vpmc_debugfs_init(void);
void vpmc_debugfs_exit(void);

#endif /* _VPMC_PRIV_H */
