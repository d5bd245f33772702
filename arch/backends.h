/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The backends built into vpmc.ko. Only the module glue and the backends
 * include this; core/ knows backends solely through struct vpmc_backend_ops.
 */
#ifndef _VPMC_ARCH_BACKENDS_H
#define _VPMC_ARCH_BACKENDS_H

#include "core/backend.h"

/* Each creates the default PMU instance from its module parameters. */
struct vpmc_pmu *vpmc_sim_create_default(void);
int vpmc_sim_destroy(struct vpmc_pmu *pmu);
struct vpmc_pmu *vpmc_perf_create_default(void);
int vpmc_perf_destroy(struct vpmc_pmu *pmu);
struct vpmc_pmu *vpmc_x86_create_default(void);
int vpmc_x86_destroy(struct vpmc_pmu *pmu);

#endif /* _VPMC_ARCH_BACKENDS_H */
