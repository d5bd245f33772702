/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vpmc's internal symbols (namespace VPMC_INTERNAL): for vpmc's own KUnit
 * suites, benchmarks and backend modules, which must say
 * MODULE_IMPORT_NS(VPMC_INTERNAL). Consumers use <vpmc/vpmc.h> only.
 */
#ifndef _VPMC_INTERNAL_H
#define _VPMC_INTERNAL_H

#include <vpmc/vpmc.h>

struct module;
struct task_struct;
struct cred;
struct vpmc_pmu;

struct vpmc *vpmc_create_on(struct vpmc_pmu *pmu, const struct vpmc_attr *attr,
			    int cpu);
struct vpmc *vpmc_create_task_on(struct vpmc_pmu *pmu,
				 const struct vpmc_attr *attr,
				 struct task_struct *task,
				 const struct cred *cred);
void vpmc_thread_fork(struct task_struct *parent, struct task_struct *child);
bool vpmc_thread_hooked(void);
int vpmc_counter_of(struct vpmc *vpmc);
size_t vpmc_footprint(struct vpmc *vpmc);
bool vpmc_pmu_is_idle(struct vpmc_pmu *pmu);
int vpmc_pmu_check(struct vpmc_pmu *pmu);
int vpmc_pmu_set_overflow_limit(struct vpmc_pmu *pmu, unsigned int percent);
unsigned int vpmc_pmu_overflow_limit(struct vpmc_pmu *pmu);
int vpmc_pmu_set_clock(struct vpmc_pmu *pmu, u64 (*clock)(void));
unsigned long vpmc_pmu_throttled(struct vpmc_pmu *pmu, int cpu);
u64 vpmc_pmu_nr_throttled(struct vpmc_pmu *pmu, int cpu);
void vpmc_hotplug_sync(void);
struct module *vpmc_owner(void);
struct vpmc_pmu *vpmc_pmu_default(void);

struct vpmc_pmu_desc;
const struct vpmc_pmu_desc *vpmc_pmu_desc(struct vpmc_pmu *pmu);
int vpmc_pmu_event_counters(struct vpmc_pmu *pmu, u64 config, unsigned long *mask);

#endif /* _VPMC_INTERNAL_H */
