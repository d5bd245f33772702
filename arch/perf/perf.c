// SPDX-License-Identifier: GPL-2.0-only
/*
 * The perf-events backend: vpmc's counters are backed by pinned per-CPU
 * kernel perf events, so vpmc runs wherever perf does and coexists with
 * perf's own users and the NMI watchdog.
 *
 * Counters. A CPU has @gp general and @fixed fixed "hardware" counters
 * (the PMU's, as perf reports them; the perf_gp parameter overrides) and
 * perf_sw "software" counters for perf's software events, which need no
 * hardware and make vpmc usable in guests without a PMU.
 *
 * Raw encoding: config bits 0-55 are perf_event_attr.config, bits 56-59
 * its type (0: PERF_TYPE_RAW, the PMU's own encoding - the x86 event
 * select, the ARMv8 event number; 1: PERF_TYPE_SOFTWARE; 2:
 * PERF_TYPE_HARDWARE, perf's generic events), bit 60 "usr" and bit 61
 * "os" the privilege levels (neither: both; only one: perf's
 * exclude_kernel and exclude_hv, or exclude_user), bits 62-63 are zero.
 *
 * Backing events. Creating a perf event sleeps, but core/ enables counters
 * with interrupts disabled. So a backing event is created by event_get(),
 * in process context, when the first virtual PMC of its event is attached
 * on a CPU, and lives - counting - until the last one is gone; enable()
 * and disable() only bind a counter to it and take snapshots of its count.
 * The cost: every distinct event with virtual PMCs on a CPU holds a perf
 * event, and for a hardware event a hardware counter in perf's scheduling,
 * whether or not vpmc's arbiter lets it count now. A new event perf cannot
 * schedule is refused with -EBUSY rather than left in error state.
 *
 * Cache. Creating and releasing a perf event is most of what creating and
 * destroying a virtual PMC costs, and programs do it in loops (a perfmon2
 * tool loading and unloading contexts). So an event whose last virtual
 * PMC went is disabled (it counts nothing and holds no hardware counter)
 * and kept perf_keep_ms on its CPU's @cached list, at most PERF_CACHE_MAX
 * of them; event_get() of its event enables it again instead of creating
 * one. One that does not come back active (no counter free for it, or its
 * CPU went offline since) is released and a new one created.
 *
 * Reads never take perf's mutex: on the event's CPU the PMU's own read
 * folds the hardware into event->count (wrapper/perf_event.h).
 *
 * Overflow. perf_event_period() takes a mutex, so set_period() moves the
 * threshold the way perf itself does when it changes a period from an
 * IPI, on the event's CPU with interrupts off (wrapper/perf_event.h).
 * perf's overflow handler may run in NMI context, so it hands the
 * counters bound to the event to vpmc_pmu_overflow_nmi().
 * Several counters bound to one event (exclusive virtual PMCs of the same
 * event) each keep their own threshold; the event is programmed for the
 * nearest, and for none (PERF_IDLE_PERIOD) once the last is unbound.
 *
 * Credentials. Per-CPU perf events are checked against the caller's
 * credentials (perf_allow_cpu()); vpmc's consumers make their own checks
 * where user requests enter, so backing events are created with kernel
 * credentials.
 */
#define pr_fmt(fmt) "vpmc-perf: " fmt

#include <linux/bitmap.h>
#include <linux/bits.h>
#include <linux/cpumask.h>
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/error-injection.h>
#include <linux/list.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/perf_event.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#ifdef CONFIG_ARM_PMU
#include <linux/perf/arm_pmu.h>
#endif

#include "arch/backends.h"
#include "wrapper/perf_event.h"
#ifdef CONFIG_X86
#include "arch/x86/x86.h"
#endif

#define PERF_CFG_EVENT		GENMASK_ULL(55, 0)
#define PERF_CFG_TYPE_SHIFT	56
#define PERF_CFG_TYPE		GENMASK_ULL(59, 56)
#define PERF_CFG_USR		BIT_ULL(60)
#define PERF_CFG_OS		BIT_ULL(61)
#define PERF_CFG_RESERVED	GENMASK_ULL(63, 62)

enum { VPMC_PERF_RAW, VPMC_PERF_SOFTWARE, VPMC_PERF_HARDWARE, VPMC_PERF_TYPES };

static const u32 perf_types[VPMC_PERF_TYPES] = {
	[VPMC_PERF_RAW]		= PERF_TYPE_RAW,
	[VPMC_PERF_SOFTWARE]	= PERF_TYPE_SOFTWARE,
	[VPMC_PERF_HARDWARE]	= PERF_TYPE_HARDWARE,
};

/* A period that never comes: the event interrupts only when asked to. */
#define PERF_IDLE_PERIOD	BIT_ULL(62)

static int perf_gp = -1;
module_param(perf_gp, int, 0444);
MODULE_PARM_DESC(perf_gp, "perf backend: general hardware counters per CPU (default -1: as the PMU reports)");

static unsigned int perf_sw = 8;
module_param(perf_sw, uint, 0444);
MODULE_PARM_DESC(perf_sw, "perf backend: software-event counters per CPU (default 8)");

static unsigned int perf_keep_ms = 1000;
module_param(perf_keep_ms, uint, 0644);
MODULE_PARM_DESC(perf_keep_ms, "perf backend: ms a backing perf event is kept, disabled, after its last virtual PMC (default 1000; 0: released at once)");

/* Backing events kept per CPU, at most. */
#define PERF_CACHE_MAX		8

static const u64 perf_generic[VPMC_EVENT_MAX] = {
	[VPMC_EVENT_CYCLES]		= PERF_COUNT_HW_CPU_CYCLES,
	[VPMC_EVENT_INSTRUCTIONS]	= PERF_COUNT_HW_INSTRUCTIONS,
	[VPMC_EVENT_REF_CYCLES]		= PERF_COUNT_HW_REF_CPU_CYCLES,
	[VPMC_EVENT_CACHE_REFERENCES]	= PERF_COUNT_HW_CACHE_REFERENCES,
	[VPMC_EVENT_CACHE_MISSES]	= PERF_COUNT_HW_CACHE_MISSES,
	[VPMC_EVENT_BRANCHES]		= PERF_COUNT_HW_BRANCH_INSTRUCTIONS,
	[VPMC_EVENT_BRANCH_MISSES]	= PERF_COUNT_HW_BRANCH_MISSES,
};

/* The software events offered; the others make no sense per CPU. */
static const unsigned long perf_sw_events =
	BIT(PERF_COUNT_SW_CPU_CLOCK) | BIT(PERF_COUNT_SW_PAGE_FAULTS) |
	BIT(PERF_COUNT_SW_CONTEXT_SWITCHES) | BIT(PERF_COUNT_SW_CPU_MIGRATIONS) |
	BIT(PERF_COUNT_SW_PAGE_FAULTS_MIN) | BIT(PERF_COUNT_SW_PAGE_FAULTS_MAJ) |
	BIT(PERF_COUNT_SW_ALIGNMENT_FAULTS) | BIT(PERF_COUNT_SW_EMULATION_FAULTS);

static u64 pb_config(unsigned int type, u64 event)
{
	return (u64)type << PERF_CFG_TYPE_SHIFT | event;
}

struct vpmc_perf;

/**
 * struct pb_backing - the perf event behind one event on one CPU
 * @node: in pb_cpu.events, or pb_cpu.cached once unused
 * @config: vpmc's raw encoding
 * @refs: event_get()s not yet put
 * @idle: jiffies when it was cached
 * @event: the pinned kernel perf event
 * @pc: its CPU's state
 * @bound: counters enabled on it (written under the arbiter lock, read by
 *	the overflow handler)
 */
struct pb_backing {
	struct list_head node;
	u64 config;
	unsigned int refs;
	unsigned long idle;
	struct perf_event *event;
	struct pb_cpu *pc;
	unsigned long bound;
};

/**
 * struct pb_slot - one vpmc counter
 * @be: the backing event while enabled, else NULL
 * @acc: events counted in earlier enabled spans
 * @base: the backing event's count when enabled
 * @target: the backing event's count at this counter's next threshold
 */
struct pb_slot {
	struct pb_backing *be;
	u64 acc;
	u64 base;
	u64 target;
};

/**
 * struct pb_cpu - the backend's state for one CPU
 * @lock: protects @events against the lookup in enable(); nests inside
 *	the arbiter's lock, taken with interrupts disabled
 * @events: backing events of this CPU
 * @cached: disabled backing events kept for reuse, newest first (guarded
 *	by vpmc_perf.mutex only: enable() never looks there)
 * @nr_cached: on @cached
 * @vp: the backend
 * @slot: the counters
 */
struct pb_cpu {
	raw_spinlock_t lock;
	struct list_head events;
	struct list_head cached;
	unsigned int nr_cached;
	struct vpmc_perf *vp;
	struct pb_slot slot[VPMC_MAX_COUNTERS];
};

/**
 * struct vpmc_perf - the perf backend
 * @pmu: the instance it drives
 * @mutex: serialises event_get()/event_put() (creation and release) and
 *	guards the caches
 * @reap: releases cached events kept perf_keep_ms
 * @cred: kernel credentials for creating events
 * @gp: general hardware counters: indices 0 to @gp - 1
 * @hw: hardware counters, fixed ones included; software ones follow
 * @num: all counters
 * @cpus: per-CPU state
 */
struct vpmc_perf {
	struct vpmc_pmu *pmu;
	struct mutex mutex;	/* see @mutex above */
	struct delayed_work reap;
	const struct cred *cred;
	unsigned int gp;
	unsigned int hw;
	unsigned int num;
	struct pb_cpu __percpu *cpus;
};

static u32 pb_type_of(u64 config)
{
	return perf_types[(config & PERF_CFG_TYPE) >> PERF_CFG_TYPE_SHIFT];
}

static void pb_attr_init(struct perf_event_attr *attr, u64 config)
{
	memset(attr, 0, sizeof(*attr));
	attr->size = sizeof(*attr);
	attr->type = pb_type_of(config);
	attr->config = config & PERF_CFG_EVENT;
	if (config & (PERF_CFG_USR | PERF_CFG_OS)) {
		attr->exclude_user = !(config & PERF_CFG_USR);
		attr->exclude_kernel = !(config & PERF_CFG_OS);
		attr->exclude_hv = attr->exclude_kernel;
	}
	attr->pinned = 1;
	attr->sample_period = PERF_IDLE_PERIOD;
#ifdef CONFIG_ARM_PMU
	/*
	 * The cycle counter is 64 bits wide (PMCR_EL0.LC): the fixed cycles
	 * event asks for all of it ("long", armv8_pmuv3's config1:0), so perf
	 * never interrupts to extend it, where it would every 2^31 cycles.
	 * Free, on the counter it gets first (perf places cycles there); only
	 * a raw CPU_CYCLES event created before it on the CPU would leave it
	 * two chained event counters. (QEMU's PMUv3 also miscounts some of
	 * those interrupts under load: Documentation/testing.rst.)
	 */
	if (config == pb_config(VPMC_PERF_HARDWARE, PERF_COUNT_HW_CPU_CYCLES))
		attr->config1 = 1;
#endif
}

static void pb_overflow(struct perf_event *event,
			struct perf_sample_data *data, struct pt_regs *regs)
{
	struct pb_backing *be = event->overflow_handler_context;
	/* Pairs with pb_enable()'s and pb_disable()'s atomic bit ops. */
	unsigned long bound = READ_ONCE(be->bound);
	unsigned int idx;

	for_each_set_bit(idx, &bound, VPMC_MAX_COUNTERS)
		vpmc_pmu_overflow_nmi(be->pc->vp->pmu, idx, regs);
}

/* Move the backing event's next overflow @dist events from now. */
static void pb_reprogram(struct perf_event *event, u64 dist)
{
	vpmc_wrapper_perf_set_period(event, clamp_t(u64, dist, 1, PERF_IDLE_PERIOD));
}

static struct pb_backing *pb_find(struct pb_cpu *pc, u64 config)
{
	struct pb_backing *be;

	list_for_each_entry(be, &pc->events, node)
		if (be->config == config)
			return be;
	return NULL;
}

static void pb_free(struct pb_backing *be)
{
	perf_event_release_kernel(be->event);
	kfree(be);
}

/* A cached backing event of @config on @pc, enabled again; or NULL. */
static struct pb_backing *pb_uncache(struct pb_cpu *pc, u64 config)
{
	struct pb_backing *be;

	list_for_each_entry(be, &pc->cached, node) {
		if (be->config != config)
			continue;
		list_del(&be->node);
		pc->nr_cached--;
		perf_event_enable(be->event);
		/* Pairs with perf's WRITE_ONCE() in perf_event_set_state(). */
		if (READ_ONCE(be->event->state) == PERF_EVENT_STATE_ACTIVE)
			return be;
		pb_free(be);
		return NULL;
	}
	return NULL;
}

/* A fault-injection site (Documentation/testing.rst): it only allocates. */
static noinline struct pb_backing *pb_event_alloc(void)
{
	struct pb_backing *be;

	return kzalloc(sizeof(*be), GFP_KERNEL);
}

ALLOW_ERROR_INJECTION(pb_event_alloc, NULL);

static int pb_event_get(void *priv, int cpu, u64 config)
{
	struct vpmc_perf *vp = priv;
	struct pb_cpu *pc = per_cpu_ptr(vp->cpus, cpu);
	struct perf_event_attr attr;
	struct pb_backing *be;
	struct perf_event *event;
	const struct cred *old;
	int ret = 0;

	mutex_lock(&vp->mutex);
	be = pb_find(pc, config);
	if (be) {
		be->refs++;
		goto out;
	}
	be = pb_uncache(pc, config);
	if (be)
		goto add;
	be = pb_event_alloc();
	if (!be) {
		ret = -ENOMEM;
		goto out;
	}
	be->config = config;
	be->pc = pc;
	pb_attr_init(&attr, config);
	old = override_creds(vp->cred);
	event = perf_event_create_kernel_counter(&attr, cpu, NULL, pb_overflow, be);
	revert_creds(old);
	if (IS_ERR(event)) {
		ret = PTR_ERR(event);
		kfree(be);
		goto out;
	}
	/*
	 * A pinned event perf could not schedule is in error state for good.
	 * Pairs with perf's WRITE_ONCE() in perf_event_set_state().
	 */
	if (READ_ONCE(event->state) == PERF_EVENT_STATE_ERROR) {
		pr_info_ratelimited("cpu %d: no free hardware counter for event %#llx\n",
				    cpu, config);
		perf_event_release_kernel(event);
		kfree(be);
		ret = -EBUSY;
		goto out;
	}
	be->event = event;
add:
	be->refs = 1;
	raw_spin_lock_irq(&pc->lock);
	list_add(&be->node, &pc->events);
	raw_spin_unlock_irq(&pc->lock);
out:
	mutex_unlock(&vp->mutex);
	return ret;
}

/* Release @pc's cached events idle since @before (all: jiffies + 1). */
static void pb_reap_cpu(struct pb_cpu *pc, unsigned long before)
{
	struct pb_backing *be, *tmp;

	list_for_each_entry_safe_reverse(be, tmp, &pc->cached, node) {
		if (time_after(be->idle, before))
			break;
		list_del(&be->node);
		pc->nr_cached--;
		pb_free(be);
	}
}

static void pb_reap(struct work_struct *work)
{
	struct vpmc_perf *vp = container_of(to_delayed_work(work),
					    struct vpmc_perf, reap);
	/* perf_keep_ms: written by the parameter's sysfs store, any time. */
	unsigned long keep = msecs_to_jiffies(READ_ONCE(perf_keep_ms));
	bool left = false;
	int cpu;

	mutex_lock(&vp->mutex);
	for_each_possible_cpu(cpu) {
		struct pb_cpu *pc = per_cpu_ptr(vp->cpus, cpu);

		pb_reap_cpu(pc, jiffies - keep);
		left |= pc->nr_cached;
	}
	if (left)
		schedule_delayed_work(&vp->reap, max(keep, 1UL));
	mutex_unlock(&vp->mutex);
}

static void pb_event_put(void *priv, int cpu, u64 config)
{
	struct vpmc_perf *vp = priv;
	struct pb_cpu *pc = per_cpu_ptr(vp->cpus, cpu);
	/* perf_keep_ms: written by the parameter's sysfs store, any time. */
	unsigned int keep = READ_ONCE(perf_keep_ms);
	struct pb_backing *be;

	mutex_lock(&vp->mutex);
	be = pb_find(pc, config);
	if (WARN_ON_ONCE(!be) || --be->refs)
		goto out;
	/* core/ disabled every counter of a detached event (pb_disable()). */
	WARN_ON_ONCE(READ_ONCE(be->bound));
	raw_spin_lock_irq(&pc->lock);
	list_del(&be->node);
	raw_spin_unlock_irq(&pc->lock);
	if (keep)
		perf_event_disable(be->event);
	/*
	 * Kept only if surely off: a cached event must count nothing. Pairs
	 * with perf's WRITE_ONCE() in perf_event_set_state().
	 */
	if (!keep || READ_ONCE(be->event->state) != PERF_EVENT_STATE_OFF) {
		pb_free(be);
		goto out;
	}
	be->idle = jiffies;
	list_add(&be->node, &pc->cached);
	if (++pc->nr_cached > PERF_CACHE_MAX) {
		be = list_last_entry(&pc->cached, struct pb_backing, node);
		list_del(&be->node);
		pc->nr_cached--;
		pb_free(be);
	}
	if (!delayed_work_pending(&vp->reap))
		schedule_delayed_work(&vp->reap, msecs_to_jiffies(keep));
out:
	mutex_unlock(&vp->mutex);
}

static int pb_event_constraint(void *priv, u64 config, unsigned long *mask)
{
	struct vpmc_perf *vp = priv;
	unsigned int type = (config & PERF_CFG_TYPE) >> PERF_CFG_TYPE_SHIFT;
	u64 event = config & PERF_CFG_EVENT;

	if ((config & PERF_CFG_RESERVED) || type >= VPMC_PERF_TYPES)
		return -EINVAL;
	switch (type) {
	case VPMC_PERF_SOFTWARE:
		if (event >= BITS_PER_LONG || !(perf_sw_events & BIT(event)))
			return -ENOENT;
		bitmap_set(mask, vp->hw, vp->num - vp->hw);
		return 0;
	case VPMC_PERF_HARDWARE:
		if (event >= PERF_COUNT_HW_MAX)
			return -ENOENT;
		break;
	}
	bitmap_set(mask, 0, vp->gp);
	return 0;
}

static void pb_enable(void *priv, int cpu, unsigned int idx, u64 config)
{
	struct vpmc_perf *vp = priv;
	struct pb_cpu *pc = this_cpu_ptr(vp->cpus);
	struct pb_slot *s = &pc->slot[idx];
	struct pb_backing *be;

	raw_spin_lock(&pc->lock);
	be = pb_find(pc, config);
	raw_spin_unlock(&pc->lock);
	/* Only if event_get() failed when this CPU came online: logged then. */
	if (!be)
		return;
	s->base = vpmc_wrapper_perf_count(be->event);
	s->target = s->base + PERF_IDLE_PERIOD;
	WRITE_ONCE(s->be, be);
	set_bit(idx, &be->bound);
}

static void pb_disable(void *priv, int cpu, unsigned int idx)
{
	struct vpmc_perf *vp = priv;
	struct pb_slot *s = &this_cpu_ptr(vp->cpus)->slot[idx];
	struct pb_backing *be = s->be;

	if (!be)
		return;
	clear_bit(idx, &be->bound);
	s->acc += vpmc_wrapper_perf_count(be->event) - s->base;
	WRITE_ONCE(s->be, NULL);
	/*
	 * The last counter bound to the event leaves it with the period of
	 * its last threshold, and nobody to move it on: pb_overflow() has no
	 * counter to report, so perf would re-arm that period at every
	 * interrupt for good (with perf's own throttling off, an interrupt
	 * storm that soft-locked debug arm64: Documentation/testing.rst).
	 * Already idle (the common case of a context switch), it is left be.
	 */
	if (!be->bound && vpmc_wrapper_perf_period(be->event) != PERF_IDLE_PERIOD)
		pb_reprogram(be->event, PERF_IDLE_PERIOD);
}

static u64 pb_read(void *priv, int cpu, unsigned int idx)
{
	struct vpmc_perf *vp = priv;
	struct pb_slot *s = &this_cpu_ptr(vp->cpus)->slot[idx];
	/* Pairs with the WRITE_ONCE()s of pb_enable() and pb_disable(). */
	struct pb_backing *be = READ_ONCE(s->be);

	if (!be)
		return s->acc;
	return s->acc + vpmc_wrapper_perf_count(be->event) - s->base;
}

static void pb_set_period(void *priv, int cpu, unsigned int idx, u64 distance)
{
	struct vpmc_perf *vp = priv;
	struct pb_cpu *pc = this_cpu_ptr(vp->cpus);
	struct pb_backing *be = pc->slot[idx].be;
	u64 now, dist = PERF_IDLE_PERIOD;
	unsigned int i;

	if (!be)
		return;
	now = vpmc_wrapper_perf_count(be->event);
	pc->slot[idx].target = now + distance;
	for_each_set_bit(i, &be->bound, VPMC_MAX_COUNTERS) {
		s64 left = pc->slot[i].target - now;

		dist = min_t(u64, dist, max_t(s64, left, 1));
	}
	pb_reprogram(be->event, dist);
}

/* How many hardware counters the PMU has: general and fixed. */
static void pb_hw_counters(unsigned int *gp, unsigned int *fixed)
{
#ifdef CONFIG_X86
	struct x86_pmu_capability cap;

	perf_get_x86_pmu_capability(&cap);
	*gp = cap.num_counters_gp;
	*fixed = min(cap.num_counters_fixed, 3);
#elif defined(CONFIG_ARM_PMU)
	struct perf_event_attr attr;
	struct perf_event *event;

	*gp = 0;
	*fixed = 0;
	pb_attr_init(&attr, pb_config(VPMC_PERF_HARDWARE, PERF_COUNT_HW_CPU_CYCLES));
	attr.disabled = 1;
	event = perf_event_create_kernel_counter(&attr, raw_smp_processor_id(),
						 NULL, NULL, NULL);
	if (IS_ERR(event))
		return;
	/* ARMv8: num_events counts the cycle counter, which only counts cycles. */
	*gp = to_arm_pmu(event->pmu)->num_events - 1;
	*fixed = 1;
	perf_event_release_kernel(event);
#else
	*gp = 0;
	*fixed = 0;
#endif
}

/* The fixed counters' events, in the order the PMU numbers them. */
static u64 pb_fixed_event(unsigned int i)
{
#ifdef CONFIG_X86
	static const u64 x86_fixed[] = VPMC_X86_FIXED_EVENTS;

	return pb_config(VPMC_PERF_RAW, x86_fixed[i]);
#else
	return pb_config(VPMC_PERF_HARDWARE, PERF_COUNT_HW_CPU_CYCLES);
#endif
}

/* Whether perf can create the generic event (it exists on this PMU). */
static bool pb_generic_works(u64 config)
{
	struct perf_event_attr attr;
	struct perf_event *event;

	pb_attr_init(&attr, config);
	attr.disabled = 1;
	event = perf_event_create_kernel_counter(&attr, raw_smp_processor_id(),
						 NULL, NULL, NULL);
	if (IS_ERR(event))
		return false;
	perf_event_release_kernel(event);
	return true;
}

/* A fault-injection site (Documentation/testing.rst): it only allocates. */
static noinline struct pb_cpu __percpu *pb_cpus_alloc(void)
{
	return alloc_percpu(struct pb_cpu);
}

ALLOW_ERROR_INJECTION(pb_cpus_alloc, NULL);

static int pb_probe(struct vpmc_pmu *pmu, void *priv, struct vpmc_pmu_desc *desc)
{
	struct vpmc_perf *vp = priv;
	unsigned int gp, fixed, i, n = 0;
	const struct cred *old;
	int cpu;

	vp->cred = prepare_kernel_cred(NULL);
	if (!vp->cred)
		return -ENOMEM;
	old = override_creds(vp->cred);
	pb_hw_counters(&gp, &fixed);
	if (perf_gp >= 0)
		gp = perf_gp;
	if (!gp)
		fixed = 0;
	if (gp + fixed + perf_sw > VPMC_MAX_COUNTERS || gp + fixed + perf_sw == 0) {
		pr_err("%u general, %u fixed, %u software counters: 1 to %u in all\n",
		       gp, fixed, perf_sw, VPMC_MAX_COUNTERS);
		revert_creds(old);
		put_cred(vp->cred);
		return -EINVAL;
	}
	for (i = 0; i < gp; i++, n++) {
		desc->counters[n].kind = VPMC_COUNTER_GENERAL;
		desc->counters[n].width = 64;
	}
	for (i = 0; i < fixed; i++, n++) {
		desc->counters[n].kind = VPMC_COUNTER_FIXED;
		desc->counters[n].width = 64;
		desc->counters[n].fixed_event = pb_fixed_event(i);
	}
	vp->gp = gp;
	vp->hw = n;
	for (i = 0; i < perf_sw; i++, n++) {
		desc->counters[n].kind = VPMC_COUNTER_GENERAL;
		desc->counters[n].width = 64;
	}
	vp->num = n;
	desc->num_counters = n;
	desc->event_format = "event=config:0-55 type=config:56-59 usr=config:60 os=config:61";
	desc->plm_user = PERF_CFG_USR;
	desc->plm_kernel = PERF_CFG_OS;
	for (i = 0; i < VPMC_EVENT_MAX && vp->hw; i++) {
		desc->generic[i] = pb_config(VPMC_PERF_HARDWARE, perf_generic[i]);
		if (pb_generic_works(desc->generic[i]))
			desc->generic_valid |= BIT(i);
	}
	revert_creds(old);

	vp->cpus = pb_cpus_alloc();
	if (!vp->cpus) {
		put_cred(vp->cred);
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu) {
		struct pb_cpu *pc = per_cpu_ptr(vp->cpus, cpu);

		raw_spin_lock_init(&pc->lock);
		INIT_LIST_HEAD(&pc->events);
		INIT_LIST_HEAD(&pc->cached);
		pc->vp = vp;
	}
	mutex_init(&vp->mutex);
	INIT_DELAYED_WORK(&vp->reap, pb_reap);
	vp->pmu = pmu;
	pr_info("%u general and %u fixed hardware counters, %u for software events\n",
		gp, fixed, perf_sw);
	return 0;
}

static void pb_remove(void *priv)
{
	struct vpmc_perf *vp = priv;
	int cpu;

	/* No event_put() is left to queue it again. */
	cancel_delayed_work_sync(&vp->reap);
	for_each_possible_cpu(cpu) {
		struct pb_cpu *pc = per_cpu_ptr(vp->cpus, cpu);

		WARN_ON_ONCE(!list_empty(&pc->events));
		pb_reap_cpu(pc, jiffies + 1);
	}
	free_percpu(vp->cpus);
	put_cred(vp->cred);
	mutex_destroy(&vp->mutex);
}

static const struct vpmc_backend_ops vpmc_perf_ops = {
	.name			= "perf",
	.probe			= pb_probe,
	.remove			= pb_remove,
	.event_get		= pb_event_get,
	.event_put		= pb_event_put,
	.event_constraint	= pb_event_constraint,
	.enable			= pb_enable,
	.disable		= pb_disable,
	.read			= pb_read,
	.set_period		= pb_set_period,
};

/* A fault-injection site (Documentation/testing.rst): it only allocates. */
static noinline struct vpmc_perf *pb_alloc(void)
{
	struct vpmc_perf *vp;

	return kzalloc(sizeof(*vp), GFP_KERNEL);
}

ALLOW_ERROR_INJECTION(pb_alloc, NULL);

/**
 * vpmc_perf_create_default() - a PMU instance on perf events
 *
 * Context: process context, may sleep.
 * Return: the instance, or an ERR_PTR from vpmc_pmu_create().
 */
struct vpmc_pmu *vpmc_perf_create_default(void)
{
	struct vpmc_perf *vp;
	struct vpmc_pmu *pmu;

	vp = pb_alloc();
	if (!vp)
		return ERR_PTR(-ENOMEM);
	pmu = vpmc_pmu_create(&vpmc_perf_ops, vp);
	if (IS_ERR(pmu))
		kfree(vp);
	return pmu;
}
EXPORT_SYMBOL_NS_GPL(vpmc_perf_create_default, VPMC_INTERNAL);

/**
 * vpmc_perf_destroy() - release an idle perf instance
 * @pmu: from vpmc_perf_create_default()
 *
 * Context: process context, may sleep.
 * Return: 0, or -EBUSY while virtual PMCs are attached.
 */
int vpmc_perf_destroy(struct vpmc_pmu *pmu)
{
	void *vp = vpmc_pmu_priv(pmu);
	int ret;

	ret = vpmc_pmu_destroy(pmu);
	if (!ret)
		kfree(vp);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(vpmc_perf_destroy, VPMC_INTERNAL);
