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
 *   alloc0 ITERS CONFIG  B7: as alloc (tools/bench/run.sh runs it with the
 *                        perf backend's cache off: perf_keep_ms=0)
 *   mem    0 CONFIG      B8: bytes per system-wide counter
 *   tmem   0 CONFIG      B8: bytes per per-thread counter, with its thread
 *   ovfN   EVENTS        B5: N virtual PMCs with distinct periods on one
 *                        sim counter: ns per delivered callback ("perf"
 *                        is the callbacks delivered)
 *   share  EVENTS        B6: 8 users of one sim event: the largest error
 *                        of their counts against the events injected, ppm
 *   hwovfN NS CONFIG     B5 on the PMU's CONFIG (arm64: cycles): N
 *                        virtual PMCs with distinct periods on one counter
 *                        while a loop spins NS ns; ns of the loop's time
 *                        taken per delivered callback ("perf": callbacks)
 *   hwshare WRITES       B6 on arm64: 8 users of SW_INCR on a PMU left
 *                        with 4 free counters, WRITES increments made in
 *                        bursts; the largest error against WRITES of
 *                        vpmc's 8 users and of 8 multiplexed perf events
 *                        (their scaled counts), ppm
 * CONFIG is in the perf backend's encoding (vpmc must run on perf).
 */
#define pr_fmt(fmt) "vpmc_bench: " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/perf_event.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#ifdef CONFIG_ARM64
#include <asm/sysreg.h>
#endif

#include <vpmc/internal.h>
#include "arch/sim/sim.h"

MODULE_IMPORT_NS(VPMC_INTERNAL);

static DEFINE_MUTEX(bench_mutex);
static char bench_result[160];
static struct dentry *bench_file;

/* The perf event the perf backend would make of @config. */
static void bench_attr(struct perf_event_attr *attr, u64 config, bool pinned)
{
	static const u32 types[] = { PERF_TYPE_RAW, PERF_TYPE_SOFTWARE,
				     PERF_TYPE_HARDWARE };
	unsigned int type = (config >> 56) & 0xf;

	memset(attr, 0, sizeof(*attr));
	attr->size = sizeof(*attr);
	attr->type = type < ARRAY_SIZE(types) ? types[type] : PERF_TYPE_MAX;
	attr->config = config & GENMASK_ULL(55, 0);
	attr->pinned = pinned;
}

static struct perf_event *bench_perf_flex(u64 config, int cpu,
					  struct task_struct *task, bool pinned)
{
	struct perf_event_attr attr;

	bench_attr(&attr, config, pinned);
	return perf_event_create_kernel_counter(&attr, task ? -1 : cpu, task,
						NULL, NULL);
}

static struct perf_event *bench_perf(u64 config, int cpu,
				     struct task_struct *task)
{
	return bench_perf_flex(config, cpu, task, true);
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
 * @n started virtual PMCs of @config on @cpu of @pmu (NULL: the default
 * one); with @period, each a distinct period from it up and bench_cb().
 * On error none is left.
 */
static int bench_users(struct vpmc_pmu *pmu, u64 config, int cpu,
		       struct vpmc **v, unsigned int n, u64 period)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		struct vpmc_attr attr = {
			.config = config, .priority = VPMC_PRIO_USER,
			.period = period ? period + 7 * i : 0,
			.overflow = period ? bench_cb : NULL,
		};

		v[i] = pmu ? vpmc_create_on(pmu, &attr, cpu) :
			     vpmc_create(&attr, cpu);
		if (IS_ERR(v[i])) {
			int ret = PTR_ERR(v[i]);

			while (i--)
				vpmc_destroy(v[i]);
			return ret;
		}
		vpmc_start(v[i]);
		/*
		 * The ones started already interrupt meanwhile: on a slow
		 * guest, 1000 of them kept the CPU from scheduling for 30 s.
		 */
		cond_resched();
	}
	return 0;
}

static void bench_put(struct vpmc **v, unsigned int n)
{
	while (n--) {
		vpmc_destroy(v[n]);
		cond_resched();
	}
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
	ret = bench_users(pmu, SIM_EVENT, cpu, v, n, B5_PERIOD);
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
	bench_put(v, n);
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
	ret = bench_users(pmu, SIM_EVENT, cpu, v, ARRAY_SIZE(v), 0);
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
	bench_put(v, ARRAY_SIZE(v));
out:
	vpmc_sim_destroy(pmu);
	return ret;
}

/* === B5, B6 on a real PMU === */

/* Under TCG, overflow interrupts are reliable from 1e6 events up. */
#define HW_PERIOD_MIN	1000000ULL

/* Iterations of a loop in @ns ns: the work a thread gets done then. */
static u64 bench_spin(u64 ns)
{
	u64 end = ktime_get_ns() + ns, n = 0;

	while (ktime_get_ns() < end)
		n++;
	return n;
}

/*
 * The time overflow dispatch takes from the thread it interrupts: a loop
 * spins @ns ns without virtual PMCs (before and after) and with them; the
 * iterations it lost, in ns, per delivered callback. The period grows
 * with @n (10 000 events per virtual PMC, at least HW_PERIOD_MIN), so
 * callbacks come at most 10 per 1e5 events whatever @n.
 */
static int bench_ovf_hw(unsigned int n, u64 ns, u64 config, u64 *vr, u64 *pr)
{
	u64 period = max_t(u64, HW_PERIOD_MIN, n * 10000ULL);
	int cpu = raw_smp_processor_id();
	u64 base, got, calls, lost;
	struct vpmc **v;
	int ret;

	v = vcalloc(n, sizeof(*v));
	if (!v)
		return -ENOMEM;
	base = bench_spin(ns);
	ret = bench_users(NULL, config, cpu, v, n, period);
	if (ret)
		goto out;
	atomic_long_set(&bench_calls, 0);
	got = bench_spin(ns);
	calls = atomic_long_read(&bench_calls);
	bench_put(v, n);
	base = (base + bench_spin(ns)) / 2;
	lost = base > got ? div64_u64((base - got) * ns, base) : 0;
	*vr = calls ? per_op(lost, calls) : 0;
	*pr = calls * 1000;
out:
	vfree(v);
	return ret;
}

#ifdef CONFIG_ARM64
/*
 * ARMv8's SW_INCR event (raw 0x00) counts writes to PMSWINC_EL0: a
 * workload whose exact count is known. Every counter of the event counts
 * each write (bits 0-30: all general counters).
 */
#define SWINC_CONFIG	0x00
#define BLOCK_CONFIG	0x11		/* the blockers count CPU_CYCLES */
#define SHARE_USERS	8
#define SHARE_FREE	4		/* the counters left to the users */

/*
 * @writes increments in bursts of 0 to 2e5 with busy gaps of 0 to 2 ms
 * between them, from a fixed seed: a rate that changes within perf's
 * multiplexing intervals, as real workloads' do.
 */
static void bench_swinc(u64 writes)
{
	u32 seed = 1;

	while (writes) {
		u64 burst;

		seed = next_pseudo_random32(seed);
		burst = min_t(u64, writes, seed % 200000);
		writes -= burst;
		while (burst--)
			write_sysreg(GENMASK(30, 0), pmswinc_el0);
		seed = next_pseudo_random32(seed);
		udelay(seed % 2000);
		cond_resched();
	}
}

/* |@count - @exact| in ppm of @exact, in thousandths. */
static u64 bench_ppm(u64 count, u64 exact)
{
	u64 err = count > exact ? count - exact : exact - count;

	return div64_u64(err * 1000000000ULL, exact);
}

/*
 * Pinned blockers of BLOCK_CONFIG on @cpu until perf has none left, then
 * SHARE_FREE of them released: the PMU keeps SHARE_FREE free general
 * counters (and its cycle counter holds a blocker). Return: how many
 * stay in @blk.
 */
static int bench_block(int cpu, struct perf_event **blk, int max)
{
	int n = 0, i;

	while (n < max) {
		blk[n] = bench_perf(BLOCK_CONFIG, cpu, NULL);
		if (IS_ERR(blk[n])) {
			int ret = PTR_ERR(blk[n]);

			while (n--)
				perf_event_release_kernel(blk[n]);
			return ret;
		}
		if (READ_ONCE(blk[n]->state) == PERF_EVENT_STATE_ERROR) {
			perf_event_release_kernel(blk[n]);
			break;
		}
		n++;
	}
	/* The cycle counter's blocker was first; only general ones go. */
	for (i = 0; i < SHARE_FREE && n > 1; i++)
		perf_event_release_kernel(blk[--n]);
	return n;
}

static int bench_share_hw(u64 writes, u64 *vr, u64 *pr)
{
	int cpu = raw_smp_processor_id();
	struct perf_event *blk[32], *ev[SHARE_USERS];
	struct vpmc *v[SHARE_USERS];
	struct vpmc_value val;
	u64 en, run, count, worst = 0;
	int nblk, i, ret;

	nblk = bench_block(cpu, blk, ARRAY_SIZE(blk));
	if (nblk < 0)
		return nblk;
	pr_info("hwshare: cpu %d, %d counters held by blockers\n", cpu, nblk);
	/* vpmc: 8 users, one counter. */
	ret = bench_users(NULL, SWINC_CONFIG, cpu, v, SHARE_USERS, 0);
	if (ret)
		goto out;
	bench_swinc(writes);
	for (i = 0; i < SHARE_USERS && !ret; i++) {
		ret = vpmc_read(v[i], &val);
		worst = max(worst, bench_ppm(val.count, writes));
	}
	bench_put(v, SHARE_USERS);
	*vr = worst;
	if (ret)
		goto out;
	/* perf: 8 events on 4 counters, multiplexed; their scaled counts. */
	for (i = 0; i < SHARE_USERS; i++) {
		ev[i] = bench_perf_flex(SWINC_CONFIG, cpu, NULL, false);
		if (IS_ERR(ev[i])) {
			ret = PTR_ERR(ev[i]);
			while (i--)
				perf_event_release_kernel(ev[i]);
			goto out;
		}
	}
	bench_swinc(writes);
	worst = 0;
	for (i = 0; i < SHARE_USERS; i++) {
		count = perf_event_read_value(ev[i], &en, &run);
		/* Never on a counter: perf has no estimate at all. */
		count = run ? mul_u64_u64_div_u64(count, en, run) : 0;
		worst = max(worst, bench_ppm(count, writes));
		perf_event_release_kernel(ev[i]);
	}
	*pr = worst;
out:
	while (nblk-- > 0)
		perf_event_release_kernel(blk[nblk]);
	return ret;
}
#else
static int bench_share_hw(u64 writes, u64 *vr, u64 *pr)
{
	return -EOPNOTSUPP;	/* SW_INCR is ARMv8's */
}
#endif

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
	} else if (!strcmp(name, "alloc") || !strcmp(name, "alloc0") ||
		   !strcmp(name, "alloc2")) {
		ret = bench_alloc(iters, config, name[5] == '2', &vr, &pr);
	} else if (!strcmp(name, "mem") || !strcmp(name, "tmem")) {
		ret = bench_mem(config, name[0] == 't', &vr, &pr);
		unit = "bytes";
	} else if (sscanf(name, "ovf%u", &n) == 1 && n >= 1 && n <= 100000) {
		ret = bench_ovf(n, iters, &vr, &pr);
	} else if (!strcmp(name, "share")) {
		ret = bench_share(iters, &vr, &pr);
		unit = "ppm";
	} else if (sscanf(name, "hwovf%u", &n) == 1 && n >= 1 && n <= 100000) {
		ret = bench_ovf_hw(n, iters, config, &vr, &pr);
	} else if (!strcmp(name, "hwshare")) {
		ret = bench_share_hw(iters, &vr, &pr);
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
