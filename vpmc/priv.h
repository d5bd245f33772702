/* SPDX-License-Identifier: GPL-2.0-only */
/* Private interface of the vpmc/ layer (virtual PMC objects and their views). */
#ifndef _VPMC_PRIV_H
#define _VPMC_PRIV_H

#include <vpmc/vpmc.h>

#include "core/internal.h"

#define VPMC_VERSION	"0.3.0"

/**
 * struct vpmc - a system-wide virtual PMC
 * @user: its claim on a counter, managed by core/
 * @attr: what the consumer asked for
 */
struct vpmc {
	struct vpmc_user user;
	struct vpmc_attr attr;
};

int vpmc_sysfs_init(void);
void vpmc_sysfs_exit(void);
void vpmc_debugfs_init(void);
void vpmc_debugfs_exit(void);

#endif /* _VPMC_PRIV_H */
