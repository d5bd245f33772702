// SPDX-License-Identifier: GPL-2.0-only
/*
 * vpmc.ko: module parameters, backend selection, and the order in which the
 * layers come up (arch/ via core/, then the vpmc/ views) and go down.
 */
#define pr_fmt(fmt) "vpmc: " fmt

#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

#include "arch/backends.h"
#include "core/internal.h"
#include "vpmc.h"

static char *backend = "sim";
module_param(backend, charp, 0444);
MODULE_PARM_DESC(backend, "hardware backend: sim (default sim)");

static const struct vpmc_backend_ops *const vpmc_backends[] = {
	&vpmc_sim_ops,
};

static const struct vpmc_backend_ops *vpmc_find_backend(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vpmc_backends); i++)
		if (sysfs_streq(name, vpmc_backends[i]->name))
			return vpmc_backends[i];
	return NULL;
}

static int __init vpmc_init(void)
{
	const struct vpmc_backend_ops *ops;
	int ret;

	ops = vpmc_find_backend(backend);
	if (!ops) {
		pr_err("unknown backend '%s' (available: sim)\n", backend);
		return -EINVAL;
	}
	ret = vpmc_core_init(ops);
	if (ret) {
		pr_err("backend %s failed to probe: %d\n", ops->name, ret);
		return ret;
	}
	ret = vpmc_sysfs_init();
	if (ret)
		goto err_core;
	pr_info("version %s, backend %s, %u counters per CPU\n", VPMC_VERSION,
		ops->name, vpmc_num_counters());
	return 0;

err_core:
	vpmc_core_exit();
	return ret;
}

static void __exit vpmc_exit(void)
{
	vpmc_sysfs_exit();
	vpmc_core_exit();
}

module_init(vpmc_init);
module_exit(vpmc_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The vpmc developers");
MODULE_DESCRIPTION("Virtual performance-monitoring counters");
MODULE_VERSION(VPMC_VERSION);
