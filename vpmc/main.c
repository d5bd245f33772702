// SPDX-License-Identifier: GPL-2.0-only
/*
 * vpmc.ko: module parameters, backend selection, and the order in which the
 * layers come up (arch/ via core/, then the vpmc/ views) and go down.
 */
#define pr_fmt(fmt) "vpmc: " fmt

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

#include "arch/backends.h"
#include "priv.h"

static char *backend = "sim";
module_param(backend, charp, 0444);
MODULE_PARM_DESC(backend, "hardware backend: sim (default sim)");

static const struct {
	const char *name;
	struct vpmc_pmu *(*create)(void);
	int (*destroy)(struct vpmc_pmu *pmu);
} vpmc_backends[] = {
	{ "sim", vpmc_sim_create_default, vpmc_sim_destroy },
};

/* The entry of vpmc_backends[] that made vpmc_default_pmu. */
static unsigned int vpmc_backend_idx;

static int __init vpmc_init(void)
{
	struct vpmc_pmu *pmu;
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(vpmc_backends); i++)
		if (sysfs_streq(backend, vpmc_backends[i].name))
			break;
	if (i == ARRAY_SIZE(vpmc_backends)) {
		pr_err("unknown backend '%s' (available: sim)\n", backend);
		return -EINVAL;
	}
	pmu = vpmc_backends[i].create();
	if (IS_ERR(pmu)) {
		pr_err("backend %s failed to probe: %ld\n", vpmc_backends[i].name,
		       PTR_ERR(pmu));
		return PTR_ERR(pmu);
	}
	vpmc_backend_idx = i;
	vpmc_default_pmu = pmu;
	ret = vpmc_sysfs_init();
	if (ret)
		goto err_pmu;
	vpmc_debugfs_init();
	pr_info("version %s, backend %s, %u counters per CPU\n", VPMC_VERSION,
		vpmc_backend_name(), vpmc_num_counters());
	return 0;

err_pmu:
	vpmc_default_pmu = NULL;
	vpmc_backends[i].destroy(pmu);
	return ret;
}

static void __exit vpmc_exit(void)
{
	vpmc_debugfs_exit();
	vpmc_sysfs_exit();
	/* Every virtual PMC holds a module reference: the PMU is idle. */
	WARN_ON(vpmc_backends[vpmc_backend_idx].destroy(vpmc_default_pmu));
	vpmc_default_pmu = NULL;
}

module_init(vpmc_init);
module_exit(vpmc_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The vpmc developers");
MODULE_DESCRIPTION("Virtual performance-monitoring counters");
MODULE_VERSION(VPMC_VERSION);
