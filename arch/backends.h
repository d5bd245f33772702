/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The backends built into vpmc.ko. Only the module glue includes this;
 * core/ knows backends solely through struct vpmc_backend_ops.
 */
#ifndef _VPMC_ARCH_BACKENDS_H
#define _VPMC_ARCH_BACKENDS_H

#include "core/backend.h"

extern const struct vpmc_backend_ops vpmc_sim_ops;

#endif /* _VPMC_ARCH_BACKENDS_H */
