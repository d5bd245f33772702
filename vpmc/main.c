// SPDX-License-Identifier: GPL-2.0-only
/*
 * vpmc.ko: module parameters, backend selection, and the order in which the
 * layers come up (arch/ via core/, then the vpmc/ views) and go down.
 */
#define pr_fmt(fmt) "vpmc: " fmt

#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "arch/backends.h"
#include "priv.h"

static char *backend = "auto";
module_param(backend, charp, 0444);
MODULE_PARM_DESC(backend, "hardware backend: auto, perf, x86 or sim (default auto: x86 if its counters can be had, else perf)");

/*
 * The PMU overflow_max_percent applies to once it exists; kernel_param_lock()
 * guards it against a write to the parameter while vpmc.ko comes or goes.
 */
static struct vpmc_pmu *ovf_pmu;
static unsigned int overflow_max_percent = 25;

static int ovf_max_set(const char *val, const struct kernel_param *kp)
{
	unsigned int pct;
	int ret;

	ret = kstrtouint(val, 0, &pct);
	if (ret)
		return ret;
	if (pct > 100)
		return -EINVAL;
	if (ovf_pmu)
		vpmc_pmu_set_overflow_limit(ovf_pmu, pct);
	overflow_max_percent = pct;
	return 0;
}

static const struct kernel_param_ops ovf_max_ops = {
	.set = ovf_max_set,
	.get = param_get_uint,
};

module_param_cb(overflow_max_percent, &ovf_max_ops, &overflow_max_percent, 0644);
MODULE_PARM_DESC(overflow_max_percent, "share of each CPU (percent, 0: no limit) overflows, deferral and callbacks, may take before their counters are throttled (default 25)");

static void vpmc_ovf_pmu(struct vpmc_pmu *pmu)
{
	kernel_param_lock(THIS_MODULE);
	if (pmu)
		vpmc_pmu_set_overflow_limit(pmu, overflow_max_percent);
	ovf_pmu = pmu;
	kernel_param_unlock(THIS_MODULE);
}

enum { VPMC_BACKEND_PERF, VPMC_BACKEND_X86, VPMC_BACKEND_SIM };

static const struct {
	const char *name;
	struct vpmc_pmu *(*create)(void);
	int (*destroy)(struct vpmc_pmu *pmu);
} vpmc_backends[] = {
	[VPMC_BACKEND_PERF] = { "perf", vpmc_perf_create_default, vpmc_perf_destroy },
	[VPMC_BACKEND_X86] = { "x86", vpmc_x86_create_default, vpmc_x86_destroy },
	[VPMC_BACKEND_SIM] = { "sim", vpmc_sim_create_default, vpmc_sim_destroy },
};

/* The entry of vpmc_backends[] that made vpmc_default_pmu. */
static unsigned int vpmc_backend_idx;

static struct vpmc_pmu *vpmc_backend_create(unsigned int i)
{
	struct vpmc_pmu *pmu = vpmc_backends[i].create();

	if (IS_ERR(pmu))
		pr_err("backend %s failed to probe: %ld\n", vpmc_backends[i].name,
		       PTR_ERR(pmu));
	else
		vpmc_backend_idx = i;
	return pmu;
}

/* auto: the exclusive x86 backend if it can be had, else perf. */
static struct vpmc_pmu *vpmc_backend_auto(void)
{
	struct vpmc_pmu *pmu = vpmc_backend_create(VPMC_BACKEND_X86);

	if (!IS_ERR(pmu))
		return pmu;
	pr_info("backend auto: x86 unavailable (%ld), using perf\n", PTR_ERR(pmu));
	return vpmc_backend_create(VPMC_BACKEND_PERF);
}

static int __init vpmc_init(void)
{
	struct vpmc_pmu *pmu;
	unsigned int i;
	int ret;

	vpmc_cache = KMEM_CACHE(vpmc, 0);
	if (!vpmc_cache)
		return -ENOMEM;
	ret = vpmc_hotplug_init();
	if (ret)
		goto err_cache;
	ret = vpmc_thread_init();
	if (ret)
		goto err_hotplug;
	if (sysfs_streq(backend, "auto")) {
		pmu = vpmc_backend_auto();
	} else {
		for (i = 0; i < ARRAY_SIZE(vpmc_backends); i++)
			if (sysfs_streq(backend, vpmc_backends[i].name))
				break;
		if (i == ARRAY_SIZE(vpmc_backends)) {
			pr_err("unknown backend '%s' (auto, perf, x86, sim)\n", backend);
			ret = -EINVAL;
			goto err_thread;
		}
		pmu = vpmc_backend_create(i);
	}
	if (IS_ERR(pmu)) {
		ret = PTR_ERR(pmu);
		goto err_thread;
	}
	vpmc_default_pmu = pmu;
	vpmc_ovf_pmu(pmu);
	ret = vpmc_sysfs_init();
	if (ret)
		goto err_pmu;
	vpmc_debugfs_init();
	pr_info("version %s, backend %s, %u counters per CPU\n", VPMC_VERSION,
		vpmc_backend_name(), vpmc_num_counters());
	return 0;

err_pmu:
	vpmc_ovf_pmu(NULL);
	vpmc_default_pmu = NULL;
	vpmc_backends[vpmc_backend_idx].destroy(pmu);
err_thread:
	vpmc_thread_exit();
err_hotplug:
	vpmc_hotplug_exit();
err_cache:
	kmem_cache_destroy(vpmc_cache);
	return ret;
}

static void __exit vpmc_exit(void)
{
	vpmc_debugfs_exit();
	vpmc_sysfs_exit();
	vpmc_ovf_pmu(NULL);
	/* Every virtual PMC holds a module reference: the PMU is idle. */
	WARN_ON(vpmc_backends[vpmc_backend_idx].destroy(vpmc_default_pmu));
	vpmc_default_pmu = NULL;
	vpmc_thread_exit();
	vpmc_hotplug_exit();
	/* System-wide virtual PMCs are freed after a grace period. */
	rcu_barrier();
	kmem_cache_destroy(vpmc_cache);
}

module_init(vpmc_init);
module_exit(vpmc_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The vpmc developers");
MODULE_DESCRIPTION("Virtual performance-monitoring counters");
MODULE_VERSION(VPMC_VERSION);
