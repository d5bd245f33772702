// SPDX-License-Identifier: GPL-2.0-only
/*
 * vpmc_demo.ko - a sample consumer, shown by `make run`.
 *
 * On CPU 0 it creates the virtual PMCs a machine might have: a pinned
 * watchdog counting cycles with an overflow period, a tracer sharing that
 * counter, and more user-priority raw events than there are general
 * counters, plus one tracer request that preempts a user. Then it drives
 * the simulated PMU (backend=sim) so counts move and callbacks fire, and
 * logs what it sees. /sys/kernel/debug/vpmc/state shows the result.
 *
 * It uses the public API, plus vpmc_sim_inject() from VPMC_INTERNAL
 * because simulated counters advance only when told.
 */
#define pr_fmt(fmt) "vpmc_demo: " fmt

#include <linux/atomic.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/string.h>

#include <vpmc/internal.h>
#include "arch/sim/sim.h"

MODULE_IMPORT_NS(VPMC_INTERNAL);

#define DEMO_MAX	8

static struct vpmc *demo[DEMO_MAX];
static atomic_t demo_overflows = ATOMIC_INIT(0);

static void demo_overflow(struct vpmc *v, u64 count, void *priv)
{
	atomic_inc(&demo_overflows);
}

static void demo_preempt(struct vpmc *v, bool running, void *priv)
{
	pr_info("%s %s\n", (const char *)priv, running ? "reinstated" : "preempted");
}

static struct vpmc *demo_create(const char *name, u64 config, int prio,
				unsigned int flags, u64 period)
{
	struct vpmc_attr attr = {
		.config = config, .priority = prio, .flags = flags,
		.period = period, .overflow = period ? demo_overflow : NULL,
		.preempt = demo_preempt, .priv = (void *)name,
	};
	struct vpmc *v = vpmc_create(&attr, 0);

	if (IS_ERR(v)) {
		pr_info("%s: event %#llx prio %d: refused, %ld\n", name, config,
			prio, PTR_ERR(v));
		return NULL;
	}
	vpmc_start(v);
	return v;
}

static void demo_exit(void)
{
	unsigned int i;

	for (i = 0; i < DEMO_MAX; i++)
		vpmc_destroy(demo[i]);
}

static int __init demo_init(void)
{
	struct vpmc_pmu *pmu = vpmc_pmu_default();
	struct vpmc_value val;
	unsigned int i, n = 0;
	u64 cycles, raw = 0x100;

	if (strcmp(vpmc_backend_name(), "sim")) {
		pr_err("needs backend=sim, not %s\n", vpmc_backend_name());
		return -ENODEV;
	}
	if (vpmc_generic_event(VPMC_EVENT_CYCLES, &cycles))
		return -ENOENT;
	demo[n++] = demo_create("watchdog", cycles, VPMC_PRIO_WATCHDOG,
				VPMC_F_PINNED, 1000000);
	demo[n++] = demo_create("tracer-cycles", cycles, VPMC_PRIO_TRACER, 0, 0);
	while (n < DEMO_MAX - 1) {
		demo[n] = demo_create("user", raw++, VPMC_PRIO_USER, 0, 0);
		if (!demo[n++])
			break;
	}
	demo[n] = demo_create("tracer-raw", raw, VPMC_PRIO_TRACER, 0, 0);

	for (i = 0; i < 10; i++) {
		vpmc_sim_inject(pmu, 0, cycles, 1234567);
		vpmc_sim_inject(pmu, 0, 0x100, 1000);
		vpmc_sim_inject(pmu, 0, raw, 77);
	}
	for (i = 0; i < DEMO_MAX; i++) {
		int ret;

		if (!demo[i])
			continue;
		ret = vpmc_read(demo[i], &val);
		pr_info("vpmc %u: count %llu%s\n", i, val.count,
			ret == -EBUSY ? " (preempted: read fails with -EBUSY)" : "");
	}
	pr_info("%d watchdog overflow callbacks (period 1000000)\n",
		atomic_read(&demo_overflows));
	return 0;
}

module_init(demo_init);
module_exit(demo_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vpmc sample consumer for the demo");
