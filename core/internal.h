/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private interface of core/, for the rest of vpmc.ko (vpmc/, the module
 * glue). Consumers never see it.
 */
#ifndef _VPMC_CORE_INTERNAL_H
#define _VPMC_CORE_INTERNAL_H

#include "backend.h"

int vpmc_core_init(const struct vpmc_backend_ops *ops);
void vpmc_core_exit(void);
const struct vpmc_pmu_desc *vpmc_core_desc(void);

#endif /* _VPMC_CORE_INTERNAL_H */
