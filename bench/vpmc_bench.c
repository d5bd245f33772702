// SPDX-License-Identifier: GPL-2.0-only
/*
 * vpmc_bench: in-kernel benchmarks of vpmc against perf events, measured
 * side by side in the same kernel (tools/bench drives them, make bench
 * reports them).
 *
 * /sys/kernel/debug/vpmc_bench: write "NAME ITERS [CONFIG]", read the
 * result line "NAME vpmc=X perf=Y unit=U" (X, Y in thousandths of U):
 *   read   ITERS CONFIG  B1: vpmc_read() vs perf_event_read_value()
 *   local  ITERS CONFIG  B2: vpmc_read_local() vs pmu->read() + the count
 *   alloc  ITERS CONFIG  B7: create+destroy, the event's first user
 *   alloc2 ITERS CONFIG  B7: the same while another user holds the event
 *   mem    0 CONFIG      B8: bytes per system-wide counter
 *   tmem   0 CONFIG      B8: bytes per per-thread counter, with its thread
 *   ovfN   EVENTS        B5: N virtual PMCs with distinct periods on one
 *                        sim counter: ns per delivered callback ("perf"
 *                        is the callbacks delivered)
 *   share  EVENTS        B6: 8 users of one sim event: the largest error
 *                        of their counts against the events injected, ppm
 * CONFIG is in the perf backend's encoding (vpmc must run on perf).
 */
#define pr_fmt(fmt) "vpmc_bench: " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include <vpmc/internal.h>
#include "arch/sim/sim.h"

MODULE_IMPORT_NS(VPMC_INTERNAL);

static DEFINE_MUTEX(bench_mutex);
static char bench_result[160];
static struct dentry *bench_file;

/* The perf event the perf backend would make of @config. */
static void bench_attr(struct perf_event_attr *attr, u64 config)
{
	static const u32 types[] = { PERF_TYPE_RAW, PERF_TYPE_SOFTWARE,
				     PERF_TYPE_HARDWARE };
	unsigned int type = (config >> 56) & 0xf;

	memset(attr, 0, sizeof(*attr));
	attr->size = sizeof(*attr);
	attr->type = type < ARRAY_SIZE(types) ? types[type] : PERF_TYPE_MAX;
	attr->config = config & GENMASK_ULL(55, 0);
	attr->pinned = 1;
}

static struct perf_event *bench_perf(u64 config, int cpu,
				     struct task_struct *task)
{
	struct perf_event_attr attr;

	bench_attr(&attr, config);
	return perf_event_create_kernel_counter(&attr, task ? -1 : cpu, task,
						NULL, NULL);
}

static struct vpmc *bench_vpmc(u64 config, int cpu)
{
	struct vpmc_attr attr = { .config = config, .priority = VPMC_PRIO_USER };
	struct vpmc *v = vpmc_create(&attr, cpu);

	if (!IS_ERR(v))
		vpmc_start(v);
	return v;
}

/* ns per iteration, in thousandths. */
static u64 per_op(u64 ns, u64 iters)
{
	return div64_u64(ns * 1000, iters);
}

/* === B1, B2: reads === */

static int bench_read(u64 iters, u64 config, bool local, u64 *vr, u64 *pr)
{
	int cpu = raw_smp_processor_id();
	struct perf_event *ev;
	struct vpmc_value val;
	struct vpmc *v;
	u64 t0, t1, t2, i, en, run, sum = 0;
	unsigned long flags;
	int ret = 0;

	v = bench_vpmc(config, cpu);
	if (IS_ERR(v))
		return PTR_ERR(v);
	ev = bench_perf(config, cpu, NULL);
	if (IS_ERR(ev)) {
		vpmc_destroy(v);
		return PTR_ERR(ev);
	}
	if (local) {
		/* The LTTng way: the PMU's read on the event's CPU, then the count. */
		local_irq_save(flags);
		t0 = ktime_get_ns();
		for (i = 0; i < iters; i++) {
			u64 c;

			if (!vpmc_read_local(v, &c))
				sum += c;
		}
		t1 = ktime_get_ns();
		for (i = 0; i < iters; i++) {
			if (ev->state == PERF_EVENT_STATE_ACTIVE)
				ev->pmu->read(ev);
			sum += local64_read(&ev->count);
		}
		t2 = ktime_get_ns();
		local_irq_restore(flags);
	} else {
		t0 = ktime_get_ns();
		for (i = 0; i < iters; i++) {
			vpmc_read(v, &val);
			sum += val.count;
		}
		t1 = ktime_get_ns();
		for (i = 0; i < iters; i++)
			sum += perf_event_read_value(ev, &en, &run);
		t2 = ktime_get_ns();
	}
	if (!sum)
		ret = -ENODATA;		/* neither counted: nothing was measured */
	*vr = per_op(t1 - t0, iters);
	*pr = per_op(t2 - t1, iters);
	perf_event_release_kernel(ev);
	vpmc_destroy(v);
	return ret;
}

/* === B7: allocation === */

static int bench_alloc(u64 iters, u64 config, bool shared, u64 *vr, u64 *pr)
{
	int cpu = raw_smp_processor_id();
	struct vpmc *v, *anchor = NULL;
	struct perf_event *ev, *panchor = NULL;
	u64 t0, t1, t2, i;
	int ret = 0;

	if (shared) {
		anchor = bench_vpmc(config, cpu);
		panchor = bench_perf(config, cpu, NULL);
		if (IS_ERR(anchor) || IS_ERR(panchor)) {
			ret = -ENODEV;
			goto out;
		}
	}
	t0 = ktime_get_ns();
	for (i = 0; i < iters && !ret; i++) {
		v = bench_vpmc(config, cpu);
		if (IS_ERR(v))
			ret = PTR_ERR(v);
		else
			vpmc_destroy(v);
	}
	t1 = ktime_get_ns();
	for (i = 0; i < iters && !ret; i++) {
		ev = bench_perf(config, cpu, NULL);
		if (IS_ERR(ev))
			ret = PTR_ERR(ev);
		else
			perf_event_release_kernel(ev);
	}
	t2 = ktime_get_ns();
	*vr = per_op(t1 - t0, iters);
	*pr = per_op(t2 - t1, iters);
out:
	if (!IS_ERR_OR_NULL(anchor))
		vpmc_destroy(anchor);
	if (!IS_ERR_OR_NULL(panchor))
		perf_event_release_kernel(panchor);
	return ret;
}

/* === B8: memory === */

static int bench_mem(u64 config, bool thread, u64 *vr, u64 *pr)
{
	struct vpmc_attr attr = { .config = config, .priority = VPMC_PRIO_USER };
	int cpu = raw_smp_processor_id();
	struct perf_event *ev;
	struct vpmc *v;

	v = thread ? vpmc_create_task(&attr, current, NULL) : vpmc_create(&attr, cpu);
	if (IS_ERR(v))
		return PTR_ERR(v);
	ev = bench_perf(config, cpu, thread ? current : NULL);
	if (IS_ERR(ev)) {
		vpmc_destroy(v);
		return PTR_ERR(ev);
	}
	*vr = vpmc_footprint(v) * 1000;
	/* A task's events hang off a context of its own; a CPU's is static. */
	*pr = (ksize(ev) + (thread ? ksize(ev->ctx) : 0)) * 1000;
	perf_event_release_kernel(ev);
	vpmc_destroy(v);
	return 0;
}

/* === B5, B6: the sim PMU === */

static atomic_long_t bench_calls;

static void bench_cb(struct vpmc *vpmc, u64 count, void *priv)
{
	atomic_long_inc(&bench_calls);
}

#define SIM_EVENT	1
#define B5_PERIOD	100000

/*
 * @n started virtual PMCs of the sim event on @cpu; with @period, each a
 * distinct period from it up and bench_cb(). On error none is left.
 */
static int bench_sim_users(struct vpmc_pmu *pmu, int cpu, struct vpmc **v,
			   unsigned int n, u64 period)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct vpmc_attr attr = {
			.config = SIM_EVENT, .priority = VPMC_PRIO_USER,
			.period = period ? period + 7 * i : 0,
			.overflow = period ? bench_cb : NULL,
		};

		v[i] = vpmc_create_on(pmu, &attr, cpu);
		if (IS_ERR(v[i])) {
			int ret = PTR_ERR(v[i]);

			while (i--)
				vpmc_destroy(v[i]);
			return ret;
		}
		vpmc_start(v[i]);
	}
	return 0;
}

static void bench_sim_put(struct vpmc **v, unsigned int n)
{
	while (n--)
		vpmc_destroy(v[n]);
}

static int bench_ovf(unsigned int n, u64 events, u64 *vr, u64 *pr)
{
	struct vpmc_sim_config cfg = { .num_gp = 1, .width = 48 };
	struct vpmc_pmu *pmu;
	struct vpmc **v;
	int cpu, ret;
	u64 t0, t1, done;

	v = vcalloc(n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	pmu = vpmc_sim_create(&cfg);
	if (IS_ERR(pmu)) {
		vfree(v);
		return PTR_ERR(pmu);
	}
	cpu = raw_smp_processor_id();
	ret = bench_sim_users(pmu, cpu, v, n, B5_PERIOD);
	if (ret)
		goto out;
	atomic_long_set(&bench_calls, 0);
	t0 = ktime_get_ns();
	for (done = 0; done < events && !ret; done += B5_PERIOD / 2) {
		preempt_disable();
		ret = vpmc_sim_inject(pmu, cpu, SIM_EVENT, B5_PERIOD / 2);
		preempt_enable();
	}
	t1 = ktime_get_ns();
	*pr = atomic_long_read(&bench_calls) * 1000;
	*vr = atomic_long_read(&bench_calls) ?
		per_op(t1 - t0, atomic_long_read(&bench_calls)) : 0;
	bench_sim_put(v, n);
out:
	vpmc_sim_destroy(pmu);
	vfree(v);
	return ret;
}

static int bench_share(u64 events, u64 *vr, u64 *pr)
{
	struct vpmc_sim_config cfg = { .num_gp = 4, .width = 48 };
	struct vpmc *v[8];
	struct vpmc_value val;
	struct vpmc_pmu *pmu;
	u64 worst = 0, err;
	unsigned int i;
	int cpu, ret;

	pmu = vpmc_sim_create(&cfg);
	if (IS_ERR(pmu))
		return PTR_ERR(pmu);
	cpu = raw_smp_processor_id();
	ret = bench_sim_users(pmu, cpu, v, ARRAY_SIZE(v), 0);
	if (ret)
		goto out;
	preempt_disable();
	ret = vpmc_sim_inject(pmu, cpu, SIM_EVENT, events);
	preempt_enable();
	for (i = 0; i < ARRAY_SIZE(v) && !ret; i++) {
		ret = vpmc_read(v[i], &val);
		err = val.count > events ? val.count - events : events - val.count;
		worst = max(worst, div64_u64(err * 1000000, events));
	}
	*vr = worst * 1000;
	*pr = 0;
	bench_sim_put(v, ARRAY_SIZE(v));
out:
	vpmc_sim_destroy(pmu);
	return ret;
}

/* === The control file === */

static int bench_run(const char *name, u64 iters, u64 config)
{
	const struct cpumask *old = current->cpus_ptr;
	cpumask_var_t saved;
	const char *unit = "ns";
	u64 vr = 0, pr = 0;
	unsigned int n;
	int ret;

	if (!iters && strcmp(name, "mem") && strcmp(name, "tmem"))
		return -EINVAL;
	if (!zalloc_cpumask_var(&saved, GFP_KERNEL))
		return -ENOMEM;
	cpumask_copy(saved, old);
	/* Everything runs on one CPU, so vpmc and perf read it locally. */
	set_cpus_allowed_ptr(current, cpumask_of(raw_smp_processor_id()));
	if (!strcmp(name, "read")) {
		ret = bench_read(iters, config, false, &vr, &pr);
	} else if (!strcmp(name, "local")) {
		ret = bench_read(iters, config, true, &vr, &pr);
	} else if (!strcmp(name, "alloc") || !strcmp(name, "alloc2")) {
		ret = bench_alloc(iters, config, name[5] == '2', &vr, &pr);
	} else if (!strcmp(name, "mem") || !strcmp(name, "tmem")) {
		ret = bench_mem(config, name[0] == 't', &vr, &pr);
		unit = "bytes";
	} else if (sscanf(name, "ovf%u", &n) == 1 && n >= 1 && n <= 100000) {
		ret = bench_ovf(n, iters, &vr, &pr);
	} else if (!strcmp(name, "share")) {
		ret = bench_share(iters, &vr, &pr);
		unit = "ppm";
	} else {
		ret = -EINVAL;
	}
	set_cpus_allowed_ptr(current, saved);
	free_cpumask_var(saved);
	if (!ret)
		snprintf(bench_result, sizeof(bench_result),
			 "%s vpmc=%llu perf=%llu unit=%s\n", name, vr, pr, unit);
	return ret;
}

static ssize_t bench_write(struct file *file, const char __user *ubuf,
			   size_t len, loff_t *pos)
{
	char buf[96], name[16];
	u64 iters = 0, config = 0;
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%15s %llu %llx", name, &iters, &config) < 2)
		return -EINVAL;
	mutex_lock(&bench_mutex);
	bench_result[0] = '\0';
	ret = bench_run(name, iters, config);
	mutex_unlock(&bench_mutex);
	return ret ?: len;
}

static ssize_t bench_read_result(struct file *file, char __user *ubuf,
				 size_t len, loff_t *pos)
{
	ssize_t ret;

	mutex_lock(&bench_mutex);
	ret = simple_read_from_buffer(ubuf, len, pos, bench_result,
				      strlen(bench_result));
	mutex_unlock(&bench_mutex);
	return ret;
}

static const struct file_operations bench_fops = {
	.owner = THIS_MODULE,
	.write = bench_write,
	.read = bench_read_result,
	.llseek = default_llseek,
};

static int __init bench_init(void)
{
	bench_file = debugfs_create_file("vpmc_bench", 0600, NULL, NULL,
					 &bench_fops);
	return 0;
}

static void __exit bench_exit(void)
{
	debugfs_remove(bench_file);
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("vpmc against perf events: in-kernel benchmarks");
MODULE_LICENSE("GPL");
