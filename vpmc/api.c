// SPDX-License-Identifier: GPL-2.0-only
/*
 * Virtual PMC objects: the in-kernel API of include/vpmc/vpmc.h.
 *
 * A system-wide virtual PMC is one core/ claim on one CPU. This layer checks
 * the caller's attributes, owns the object's memory and translates core/'s
 * callbacks into the consumer's. Each virtual PMC holds a reference on
 * vpmc.ko, so the module cannot be unloaded under it.
 */
#define pr_fmt(fmt) "vpmc: " fmt

#include <linux/atomic.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/error-injection.h>
#include <linux/export.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>

#include "core/internal.h"
#include "priv.h"

/* System-wide virtual PMCs (per-thread ones: vpmc_task_pmc_cache). */
struct kmem_cache *vpmc_cache;

static void vpmc_overflow_cb(struct vpmc_claim *claim, u64 count)
{
	struct vpmc *vpmc = container_of(claim, struct vpmc, claim);

	vpmc->overflow(vpmc, count, vpmc->priv);
}

static void vpmc_preempt_cb(struct vpmc_claim *claim, bool running)
{
	struct vpmc *vpmc = container_of(claim, struct vpmc, claim);

	vpmc->preempt(vpmc, running, vpmc->priv);
}

static void vpmc_hotplug_cb(struct vpmc_claim *claim, bool online)
{
	struct vpmc *vpmc = container_of(claim, struct vpmc, claim);

	vpmc->notice(vpmc, online ? VPMC_NOTICE_ONLINE : VPMC_NOTICE_OFFLINE,
		     vpmc->priv);
}

#define VPMC_F_ALL		(VPMC_F_EXCLUSIVE | VPMC_F_PINNED | VPMC_F_INHERIT)

/* Attributes either kind may have; VPMC_F_INHERIT is checked by kind. */
static int vpmc_attr_check(const struct vpmc_attr *attr)
{
	if (!attr || attr->flags & ~VPMC_F_ALL ||
	    attr->priority < VPMC_PRIO_MIN || attr->priority > VPMC_PRIO_MAX ||
	    (attr->period && !attr->overflow) || attr->period > VPMC_MAX_PERIOD ||
	    (attr->flags & VPMC_F_INHERIT && attr->period))
		return -EINVAL;
	return 0;
}

/* Fill @vpmc (zeroed) from @attr, which vpmc_prepare() checked. */
void vpmc_fill(struct vpmc *vpmc, struct vpmc_pmu *pmu,
	       const struct vpmc_attr *attr, unsigned long allowed, int cpu)
{
	const struct vpmc_claim_cfg cfg = {
		.pmu = pmu,
		.cpu = cpu,
		.config = attr->config,
		.prio = attr->priority,
		.flags = attr->flags,
		.allowed = allowed,
		.period = attr->period,
		.overflow = attr->overflow ? vpmc_overflow_cb : NULL,
		.preempted = attr->preempt ? vpmc_preempt_cb : NULL,
		.hotplug = attr->notice ? vpmc_hotplug_cb : NULL,
	};

	vpmc->overflow = attr->overflow;
	vpmc->preempt = attr->preempt;
	vpmc->notice = attr->notice;
	vpmc->priv = attr->priv;
	vpmc_core_claim_init(&vpmc->claim, &cfg);
}

/*
 * Check @attr (VPMC_F_INHERIT only if @thread) and its event on @pmu; set
 * @allowed to the counters that may count it.
 */
int vpmc_prepare(struct vpmc_pmu *pmu, const struct vpmc_attr *attr,
		 bool thread, unsigned long *allowed)
{
	int ret;

	ret = vpmc_attr_check(attr);
	if (ret)
		return ret;
	if (!thread && attr->flags & VPMC_F_INHERIT)
		return -EINVAL;
	*allowed = 0;
	return vpmc_pmu_event_counters(pmu, attr->config, allowed);
}

/* A fault-injection site (Documentation/testing.rst): it only allocates. */
static noinline struct vpmc *vpmc_alloc(void)
{
	return kmem_cache_zalloc(vpmc_cache, GFP_KERNEL);
}

ALLOW_ERROR_INJECTION(vpmc_alloc, NULL);

/**
 * vpmc_create_on() - create a system-wide virtual PMC on a given PMU instance
 * @pmu: the instance (vpmc_create() uses the default one)
 * @attr: what to count and how; copied
 * @cpu: the CPU to count on
 *
 * Context: process context, may sleep.
 * Return: see vpmc_create().
 */
struct vpmc *vpmc_create_on(struct vpmc_pmu *pmu, const struct vpmc_attr *attr,
			    int cpu)
{
	unsigned long allowed;
	struct vpmc *vpmc;
	int ret;

	if (WARN_ON_ONCE(vpmc_cannot_sleep()))
		return ERR_PTR(-EINVAL);
	might_sleep();
	if (cpu < 0 || cpu >= nr_cpu_ids || !cpu_possible(cpu))
		return ERR_PTR(-EINVAL);
	ret = vpmc_prepare(pmu, attr, false, &allowed);
	if (ret)
		return ERR_PTR(ret);
	vpmc = vpmc_alloc();
	if (!vpmc)
		return ERR_PTR(-ENOMEM);
	vpmc_fill(vpmc, pmu, attr, allowed, cpu);

	ret = vpmc_core_attach(&vpmc->claim);
	if (ret) {
		kmem_cache_free(vpmc_cache, vpmc);
		return ERR_PTR(ret);
	}
	__module_get(THIS_MODULE);
	return vpmc;
}
EXPORT_SYMBOL_NS_GPL(vpmc_create_on, VPMC_INTERNAL);

/**
 * vpmc_create() - create a system-wide virtual PMC
 * @attr: what to count and how; copied
 * @cpu: the CPU to count on
 *
 * The virtual PMC gets a physical counter at once: it shares one already
 * counting the same event, takes a free one, or preempts the virtual PMCs
 * of strictly lower priority on one (their preemption callbacks run before
 * this returns). It is created stopped: call vpmc_start().
 *
 * Context: process context, may sleep; not from a vpmc callback or notice.
 * It asks no permission: a consumer acting for a user calls
 * vpmc_may_monitor() first. If @cpu goes offline the virtual PMC stops and
 * its notice callback is told; it counts again when @cpu is back.
 *
 * Return: the virtual PMC, or an ERR_PTR: -EINVAL for bad attributes (NULL
 * @attr, unknown flags, VPMC_F_INHERIT, priority out of range, a period
 * without a callback, a period above VPMC_MAX_PERIOD, a malformed
 * @attr->config: reserved bits of the backend's format set), an
 * impossible @cpu, or a caller that cannot sleep (it warns once);
 * -ENOENT if the backend does not know the event; -ENOSPC if no counter of
 * this PMU can ever count it; -EBUSY if no counter can be had now without
 * preempting an equal or higher priority or a pinned virtual PMC, or (perf
 * backend) if perf has no hardware counter left for a new event; -ENODEV
 * if @cpu is offline; -ENOMEM; or (perf backend) the error of
 * perf_event_create_kernel_counter() for the backing perf event.
 */
struct vpmc *vpmc_create(const struct vpmc_attr *attr, int cpu)
{
	return vpmc_create_on(vpmc_default_pmu, attr, cpu);
}
EXPORT_SYMBOL_GPL(vpmc_create);

static void vpmc_free_rcu(struct rcu_head *rcu)
{
	kmem_cache_free(vpmc_cache, container_of(rcu, struct vpmc, rcu));
}

/**
 * vpmc_destroy() - release a virtual PMC
 * @vpmc: the virtual PMC; may be NULL or an ERR_PTR
 *
 * Its counter goes to the strongest waiting virtual PMC that can use it.
 * A per-thread one is detached from its thread, which may be running on
 * another CPU, and takes its inherited ones with it. None of @vpmc's
 * callbacks runs after this returns. A callback of another virtual PMC
 * that still holds @vpmc may call in until a grace period has passed and
 * gets -ENODEV (design.rst, "Lifetime").
 *
 * Context: process context, may sleep. From a vpmc callback, a notice or
 * any atomic context it warns once and does nothing.
 */
void vpmc_destroy(struct vpmc *vpmc)
{
	if (IS_ERR_OR_NULL(vpmc))
		return;
	/* Documented misuse; refused rather than a sleep in atomic context. */
	if (WARN_ON_ONCE(vpmc_cannot_sleep()))
		return;
	if (vpmc->watched) {
		vpmc_thread_destroy(vpmc);
		return;
	}
	vpmc_core_detach(&vpmc->claim);
	/*
	 * Any callback of another virtual PMC that found this one before its
	 * owner let go of it runs with interrupts off: a grace period ends
	 * them all. Until then, operations on it fail with -ENODEV.
	 */
	call_rcu(&vpmc->rcu, vpmc_free_rcu);
	module_put(THIS_MODULE);
}
EXPORT_SYMBOL_GPL(vpmc_destroy);

/**
 * vpmc_start() - start counting
 * @vpmc: the virtual PMC
 *
 * Starting a started virtual PMC does nothing.
 *
 * Context: process context, or any context but NMI on @vpmc's CPU.
 * Return: 0, -ENODEV if its CPU is offline, -EINVAL from a context that
 * cannot reach its CPU.
 */
int vpmc_start(struct vpmc *vpmc)
{
	return vpmc_core_start(&vpmc->claim);
}
EXPORT_SYMBOL_GPL(vpmc_start);

/**
 * vpmc_stop() - stop counting; the count is kept
 * @vpmc: the virtual PMC
 *
 * Stopping one virtual PMC never changes the counts of others sharing its
 * physical counter.
 *
 * Context: process context, or any context but NMI on @vpmc's CPU.
 * Return: 0, -ENODEV if its CPU is offline, -EINVAL from a context that
 * cannot reach its CPU.
 */
int vpmc_stop(struct vpmc *vpmc)
{
	return vpmc_core_stop(&vpmc->claim);
}
EXPORT_SYMBOL_GPL(vpmc_stop);

/**
 * vpmc_read() - read a virtual PMC
 * @vpmc: the virtual PMC
 * @value: its 64-bit count, time enabled and time running
 *
 * A per-thread virtual PMC can be read while its thread runs on another
 * CPU, and after it exited; its count includes its exited inherited
 * threads' counts.
 *
 * Context: process context, or any context but NMI on @vpmc's CPU (per
 * thread: on the CPU its thread runs on).
 * Return: 0; -EBUSY if it is preempted (@value still holds its frozen
 * count and its times); -ENODEV if its CPU is offline (@value holds its
 * count and times); -EINVAL from a context that cannot reach its CPU.
 */
int vpmc_read(struct vpmc *vpmc, struct vpmc_value *value)
{
	if (vpmc->watched)
		return vpmc_thread_read(vpmc, value);
	return vpmc_core_read(&vpmc->claim, value);
}
EXPORT_SYMBOL_GPL(vpmc_read);

/**
 * vpmc_read_local() - read a virtual PMC of this CPU, from any context
 * @vpmc: a virtual PMC of the current CPU
 * @count: set to its 64-bit count
 *
 * Takes no lock: usable from NMI handlers and tracers' probes. A per-thread
 * virtual PMC is read this way by its own thread only (its inherited
 * threads' counts are not included).
 *
 * Context: any, including NMI, with preemption disabled.
 * Return: 0; -EINVAL if @vpmc counts on another CPU (per thread: if the
 * current task is not its thread); -EBUSY if it is preempted; -EAGAIN if
 * this NMI interrupted vpmc updating this CPU.
 */
int vpmc_read_local(struct vpmc *vpmc, u64 *count)
{
	if (vpmc->watched && !vpmc_thread_current(vpmc))
		return -EINVAL;
	return vpmc_core_read_local(&vpmc->claim, count);
}
EXPORT_SYMBOL_GPL(vpmc_read_local);

/**
 * vpmc_write() - set a virtual PMC's count
 * @vpmc: the virtual PMC
 * @count: the new 64-bit count (e.g. -period, perfmon-style)
 *
 * The next overflow callback comes one full period after @count. Sharers'
 * counts are not affected. From @vpmc's own overflow callback, @count
 * replaces the count at the threshold the callback was given, and the
 * events counted since (interrupt skid, or several periods after a
 * throttled stretch) are kept on top of it.
 *
 * Context: process context, or any context but NMI on @vpmc's CPU.
 * Return: 0, -ENODEV if its CPU is offline or @vpmc was destroyed (seen
 * from a callback of another virtual PMC), -EINVAL from a context that
 * cannot reach its CPU.
 */
int vpmc_write(struct vpmc *vpmc, u64 count)
{
	return vpmc_core_write(&vpmc->claim, count);
}
EXPORT_SYMBOL_GPL(vpmc_write);

/**
 * vpmc_set_period() - change the overflow period
 * @vpmc: a virtual PMC created with an overflow callback
 * @period: events between callbacks, counted from the current count;
 *	1 to VPMC_MAX_PERIOD, or 0 for no more callbacks
 *
 * Context: process context, or any context but NMI on @vpmc's CPU.
 * Return: 0; -EINVAL if @vpmc has no overflow callback or @period is out
 * of range; -ENODEV if its CPU is offline.
 */
int vpmc_set_period(struct vpmc *vpmc, u64 period)
{
	if (!vpmc->overflow || period > VPMC_MAX_PERIOD)
		return -EINVAL;
	return vpmc_core_set_period(&vpmc->claim, period);
}
EXPORT_SYMBOL_GPL(vpmc_set_period);

/**
 * vpmc_overflow_sample() - where the overflow being delivered interrupted
 * @vpmc: the virtual PMC whose overflow callback is running
 * @sample: filled with the interrupted IP, mode, thread, CPU and time
 *
 * Context: @vpmc's overflow callback, and only there.
 * Return: 0; -EINVAL outside @vpmc's overflow callback (@sample is then
 * untouched).
 */
int vpmc_overflow_sample(struct vpmc *vpmc, struct vpmc_sample *sample)
{
	return vpmc_core_overflow_sample(&vpmc->claim, sample);
}
EXPORT_SYMBOL_GPL(vpmc_overflow_sample);

static struct vpmc_claim *vpmc_claim_of(struct vpmc *vpmc)
{
	return &vpmc->claim;
}

/**
 * vpmc_swap() - stop some virtual PMCs and start others, at one instant
 * @ops: what to do to each, in order
 * @nr: how many
 *
 * Every virtual PMC of @ops must count the same target: one CPU, or one
 * thread. The stops and starts all happen there in one go, interrupts off
 * (per thread: on the CPU the thread runs on, with the thread held there,
 * or at once if it is not running), so no event of the target falls
 * between a stopped group and a started one, as it would between separate
 * vpmc_stop() and vpmc_start() calls that each have to reach the thread's
 * CPU while it runs. Multiplexing event sets is what it is for.
 *
 * Context: process context, or any context but NMI on the target's CPU.
 * Return: 0; -EINVAL if @ops mix targets, name no virtual PMC, or rearm
 * one without an overflow callback or with a period out of range (nothing
 * is done then), or from a context that cannot reach the target's CPU;
 * -ENODEV if its CPU is offline.
 */
int vpmc_swap(const struct vpmc_swap_op *ops, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		if (!ops[i].vpmc)
			return -EINVAL;
		if (ops[i].start && ops[i].rearm &&
		    (!ops[i].vpmc->overflow || ops[i].period > VPMC_MAX_PERIOD))
			return -EINVAL;
	}
	return vpmc_core_swap(ops, nr, vpmc_claim_of);
}
EXPORT_SYMBOL_GPL(vpmc_swap);
