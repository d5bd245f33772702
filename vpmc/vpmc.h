/* SPDX-License-Identifier: GPL-2.0-only */
/* Private interface of the vpmc/ layer (virtual PMC objects and their views). */
#ifndef _VPMC_VPMC_PRIV_H
#define _VPMC_VPMC_PRIV_H

#define VPMC_VERSION	"0.1.0"

int vpmc_sysfs_init(void);
void vpmc_sysfs_exit(void);

#endif /* _VPMC_VPMC_PRIV_H */
