// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPU hotplug, and backend events kept alive on every online CPU.
 *
 * A CPU going down (CPUHP_AP_ONLINE_DYN, before perf's own teardown) takes
 * every claim off its arbiters: system-wide claims become OFFLINE, keep
 * their count and are told. Per-thread claims are never attached on a CPU
 * vpmc has taken down.
 *
 * The hotplug callbacks never call a backend's event_get() or event_put():
 * they run while the CPU hotplug lock is held for writing, and creating or
 * releasing a perf software event takes that lock for reading (the static
 * key perf_swevent_init() raises), so a callback doing it would wait for
 * its own CPU-up caller for good. Instead vpmc_cpu_work, outside the
 * hotplug lock, releases what a CPU that went down held (perf took those
 * events off the CPU: they never count again), takes the events again for
 * a CPU that came up, and only then brings its arbiters up. Until it has,
 * the CPU's system-wide claims stay OFFLINE and per-thread claims do not
 * count there, as on a CPU that is down.
 *
 * Per-thread claims may run on any CPU, and a context switch cannot sleep to
 * create a backend's event. So a per-thread claim holds, through
 * vpmc_events_hold_all(), its event on every CPU vpmc has up for as long as it
 * lives: with the perf backend, one pinned perf event per CPU for each
 * distinct event of any per-thread virtual PMC.
 */
#define pr_fmt(fmt) "vpmc: " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/error-injection.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/workqueue.h>

#include "arbiter_inline.h"

/**
 * struct vpmc_events - an event kept on every online CPU of an instance
 * @node: in vpmc_events_list
 * @pmu: the instance
 * @config: the raw event
 * @refs: vpmc_events_hold_all() not yet put
 * @missing: online CPUs where the backend's event_get() failed
 */
struct vpmc_events {
	struct list_head node;
	struct vpmc_pmu *pmu;
	u64 config;
	unsigned int refs;
	cpumask_var_t missing;
};

/*
 * Two locks, so that no backend event is created or released under the
 * CPU hotplug lock (above). Writers of vpmc_pmus hold both.
 *
 * vpmc_hotplug_mutex guards vpmc_pmus for the hotplug callbacks. It is
 * taken inside the CPU hotplug lock (the callbacks run under it) and
 * nothing that may take the hotplug lock is called under it.
 */
static DEFINE_MUTEX(vpmc_hotplug_mutex);
/*
 * vpmc_events_mutex guards vpmc_events_list and every backend event_get()
 * and event_put(): those of vpmc_events_hold_all()/put(), of system-wide claims
 * (vpmc_core_attach()/detach(), core/call.c) and of vpmc_cpu_work. It
 * is taken outside vpmc_hotplug_mutex and outside the backends' own
 * mutexes, never under the CPU hotplug lock (a backend may take that lock
 * for reading under it).
 */
DEFINE_MUTEX(vpmc_events_mutex);
static LIST_HEAD(vpmc_pmus);
static LIST_HEAD(vpmc_events_list);
static enum cpuhp_state vpmc_hp_state;

/*
 * CPUs that went down since vpmc_cpu_work last released their events; set
 * by the offline callback, cleared by the work (atomic bitops).
 */
static struct cpumask vpmc_cpus_stale;
/*
 * The CPUs fully online when vpmc_cpus_sync() looked, and those it brought
 * up (both guarded by the events mutex).
 */
static struct cpumask vpmc_cpus_up, vpmc_cpus_upped;
/*
 * vpmc_cpu_gen: how many times each CPU went down. Written only by the
 * offline callback (on that CPU, interrupts on); read by the work and by
 * vpmc_core_attach() before they take events, and again on that CPU with
 * interrupts off before they use them (vpmc_cpu_gen_get()): a CPU that went
 * down in between has a different number, and its events are dead.
 */
static DEFINE_PER_CPU(unsigned int, vpmc_cpu_gen);

/* Run on a CPU once vpmc brought it up (vpmc_hotplug_on_cpu_up()). */
static smp_call_func_t vpmc_cpu_up_fn;

static void vpmc_cpu_work_fn(struct work_struct *work);
static DECLARE_WORK(vpmc_cpu_work, vpmc_cpu_work_fn);

/**
 * vpmc_cpu_gen_get() - how many times a CPU went down
 * @cpu: the CPU
 *
 * Context: any. Pairs with the WRITE_ONCE() of the offline callback.
 * Return: the number.
 */
unsigned int vpmc_cpu_gen_get(int cpu)
{
	return READ_ONCE(per_cpu(vpmc_cpu_gen, cpu));
}

/* Take @ev's event on @cpu, where it is missing; events mutex held. */
static void events_cpu_get(struct vpmc_events *ev, int cpu)
{
	const struct vpmc_backend_ops *ops = ev->pmu->ops;
	int ret;

	lockdep_assert_held(&vpmc_events_mutex);
	ret = ops->event_get(ev->pmu->priv, cpu, ev->config);
	if (!ret) {
		cpumask_clear_cpu(cpu, ev->missing);
		return;
	}
	if (cpu_online(cpu))
		pr_warn("cpu %d: per-thread event %#llx unavailable (%d): threads do not count it there\n",
			cpu, ev->config, ret);
}

/* Release @ev's event on @cpu if it is held; events mutex held. */
static void events_cpu_put(struct vpmc_events *ev, int cpu)
{
	lockdep_assert_held(&vpmc_events_mutex);
	if (cpumask_test_and_set_cpu(cpu, ev->missing))
		return;
	ev->pmu->ops->event_put(ev->pmu->priv, cpu, ev->config);
}

/* A fault-injection site (Documentation/testing.rst): it only allocates. */
static noinline struct vpmc_events *vpmc_events_alloc(void)
{
	struct vpmc_events *ev = kzalloc(sizeof(*ev), GFP_KERNEL);

	if (ev && !alloc_cpumask_var(&ev->missing, GFP_KERNEL)) {
		kfree(ev);
		ev = NULL;
	}
	return ev;
}

ALLOW_ERROR_INJECTION(vpmc_events_alloc, NULL);

/**
 * vpmc_events_hold_all() - keep a backend event on every CPU vpmc has up
 * @pmu: the instance
 * @config: the raw event
 *
 * A CPU that is down, or up but not yet brought up by vpmc_cpu_work, gets
 * it when the work brings it up.
 *
 * Context: process context, may sleep; not under the CPU hotplug lock.
 * Return: 0; -ENOMEM; or the backend's event_get() error on a CPU that is
 * up (nothing is then held).
 */
int vpmc_events_hold_all(struct vpmc_pmu *pmu, u64 config)
{
	struct vpmc_events *ev;
	int cpu, ret = 0;

	if (!pmu->ops->event_get)
		return 0;
	mutex_lock(&vpmc_events_mutex);
	list_for_each_entry(ev, &vpmc_events_list, node) {
		if (ev->pmu == pmu && ev->config == config) {
			ev->refs++;
			goto out;
		}
	}
	ev = vpmc_events_alloc();
	if (!ev) {
		ret = -ENOMEM;
		goto out;
	}
	cpumask_setall(ev->missing);
	ev->pmu = pmu;
	ev->config = config;
	ev->refs = 1;
	for_each_possible_cpu(cpu) {
		/*
		 * Racy, and need not be: see vpmc_cpu_work_fn(). Pairs with
		 * the WRITE_ONCE()s of arb_cpu_down() and arb_cpu_up().
		 */
		if (!READ_ONCE(pmu->cpus[cpu]->online))
			continue;
		ret = pmu->ops->event_get(pmu->priv, cpu, config);
		if (!ret) {
			cpumask_clear_cpu(cpu, ev->missing);
			continue;
		}
		/* Going down meanwhile is no error: the work sees to it (as above). */
		if (!READ_ONCE(pmu->cpus[cpu]->online)) {
			ret = 0;
			continue;
		}
		for_each_possible_cpu(cpu)
			events_cpu_put(ev, cpu);
		free_cpumask_var(ev->missing);
		kfree(ev);
		goto out;
	}
	list_add(&ev->node, &vpmc_events_list);
out:
	mutex_unlock(&vpmc_events_mutex);
	return ret;
}

/**
 * vpmc_events_release_all() - undo one vpmc_events_hold_all()
 * @pmu: the instance
 * @config: the raw event
 *
 * Context: process context, may sleep; not under the CPU hotplug lock.
 */
void vpmc_events_release_all(struct vpmc_pmu *pmu, u64 config)
{
	struct vpmc_events *ev;
	int cpu;

	if (!pmu->ops->event_get)
		return;
	mutex_lock(&vpmc_events_mutex);
	list_for_each_entry(ev, &vpmc_events_list, node) {
		if (ev->pmu != pmu || ev->config != config)
			continue;
		if (--ev->refs)
			break;
		/*
		 * A context switch may still hold a counter of the event
		 * parked, bound to its backing event, after the last claim's
		 * thread lock was dropped (core/switch.c); it ends with
		 * interrupts back on, which the kick waits for. Every claim
		 * is dead by now: none is parked again.
		 */
		kick_all_cpus_sync();
		for_each_possible_cpu(cpu)
			events_cpu_put(ev, cpu);
		list_del(&ev->node);
		free_cpumask_var(ev->missing);
		kfree(ev);
		break;
	}
	mutex_unlock(&vpmc_events_mutex);
}

/**
 * vpmc_pmu_register() - let CPU hotplug reach a new instance
 * @pmu: the instance, with no claim yet
 *
 * Context: process context, may sleep.
 */
void vpmc_pmu_register(struct vpmc_pmu *pmu)
{
	int cpu;

	mutex_lock(&vpmc_events_mutex);
	cpus_read_lock();
	mutex_lock(&vpmc_hotplug_mutex);
	/* A CPU the work has yet to bring up is up to it. */
	/* Pairs with the lockless reads of vpmc_events_hold_all() and attach. */
	for_each_possible_cpu(cpu)
		WRITE_ONCE(pmu->cpus[cpu]->online, cpu_online(cpu) &&
			   !cpumask_test_cpu(cpu, &vpmc_cpus_stale));
	list_add(&pmu->node, &vpmc_pmus);
	mutex_unlock(&vpmc_hotplug_mutex);
	cpus_read_unlock();
	mutex_unlock(&vpmc_events_mutex);
	/* It may have missed a CPU coming up. */
	queue_work(system_unbound_wq, &vpmc_cpu_work);
}

/**
 * vpmc_pmu_unregister() - undo vpmc_pmu_register()
 * @pmu: the instance, with no claim left
 *
 * Context: process context, may sleep.
 */
void vpmc_pmu_unregister(struct vpmc_pmu *pmu)
{
	mutex_lock(&vpmc_events_mutex);
	mutex_lock(&vpmc_hotplug_mutex);
	list_del(&pmu->node);
	mutex_unlock(&vpmc_hotplug_mutex);
	mutex_unlock(&vpmc_events_mutex);
}

/*
 * Release every event of the CPUs that went down: perf took them off the
 * CPU, and they never count again. Claims reach a CPU's offline list only
 * from its counters, while vpmc has it up, and leave it only under the
 * events mutex: a CPU that went down has a list nobody else changes now.
 */
static void vpmc_cpus_release(void)
{
	struct vpmc_events *ev;
	struct vpmc_pmu *pmu;
	int cpu;

	for_each_possible_cpu(cpu) {
		if (!cpumask_test_and_clear_cpu(cpu, &vpmc_cpus_stale))
			continue;
		list_for_each_entry(ev, &vpmc_events_list, node)
			events_cpu_put(ev, cpu);
		list_for_each_entry(pmu, &vpmc_pmus, node)
			vpmc_core_cpu_release(pmu, cpu);
	}
}

/**
 * vpmc_cpus_sync() - release what CPUs that went down held, bring up the
 *	online ones that are not up
 *
 * For each instance and online CPU it has down: the per-thread events
 * missing there, then its arbiter (vpmc_core_cpu_up(), which takes its
 * system-wide claims' events again). A CPU that goes down meanwhile has a
 * new number, so vpmc_core_cpu_up() refuses it, and the work runs again.
 *
 * Context: process context, vpmc_events_mutex held.
 */
void vpmc_cpus_sync(void)
{
	struct vpmc_events *ev;
	struct vpmc_pmu *pmu;
	unsigned int gen;
	int cpu;

	lockdep_assert_held(&vpmc_events_mutex);
	cpumask_clear(&vpmc_cpus_upped);
	/*
	 * Only CPUs done coming up: one going down is still in the online
	 * mask after its offline callback ran. The hotplug lock is held just
	 * to look (no event is made under it); a CPU that starts going down
	 * after that has a new number by the time it is off.
	 */
	cpus_read_lock();
	cpumask_copy(&vpmc_cpus_up, cpu_online_mask);
	cpus_read_unlock();
	vpmc_cpus_release();
	list_for_each_entry(pmu, &vpmc_pmus, node) {
		for_each_cpu(cpu, &vpmc_cpus_up) {
			gen = vpmc_cpu_gen_get(cpu);
			/* Pairs with the offline callback's smp_wmb(). */
			smp_rmb();
			if (READ_ONCE(pmu->cpus[cpu]->online) ||
			    cpumask_test_cpu(cpu, &vpmc_cpus_stale))
				continue;
			list_for_each_entry(ev, &vpmc_events_list, node)
				if (ev->pmu == pmu && cpumask_test_cpu(cpu, ev->missing))
					events_cpu_get(ev, cpu);
			vpmc_core_cpu_up(pmu, cpu, gen);
			cpumask_set_cpu(cpu, &vpmc_cpus_upped);
		}
	}
	/* A thread already running there counts from now on. */
	if (vpmc_cpu_up_fn)
		for_each_cpu(cpu, &vpmc_cpus_upped)
			smp_call_function_single(cpu, vpmc_cpu_up_fn, NULL, 1);
}

/**
 * vpmc_hotplug_on_cpu_up() - what to run on a CPU vpmc has brought up
 * @fn: called on that CPU with interrupts disabled (an IPI), after its
 *	arbiters are up; NULL for nothing
 *
 * vpmc/thread.c switches in the virtual PMCs of the thread running there.
 *
 * Context: module init, before any CPU comes up for vpmc.
 */
void vpmc_hotplug_on_cpu_up(smp_call_func_t fn)
{
	vpmc_cpu_up_fn = fn;
}

/* Outside the hotplug lock: see the comment at the top. */
static void vpmc_cpu_work_fn(struct work_struct *work)
{
	mutex_lock(&vpmc_events_mutex);
	vpmc_cpus_sync();
	mutex_unlock(&vpmc_events_mutex);
}

/**
 * vpmc_hotplug_sync() - wait until vpmc has brought up every online CPU
 *
 * Context: process context, may sleep; not under the CPU hotplug lock or
 * any vpmc lock.
 */
void vpmc_hotplug_sync(void)
{
	flush_work(&vpmc_cpu_work);
}
EXPORT_SYMBOL_NS_GPL(vpmc_hotplug_sync, VPMC_INTERNAL);

/* In the CPU's hotplug thread, under the hotplug lock: no backend event. */
static int vpmc_cpu_online(unsigned int cpu)
{
	queue_work(system_unbound_wq, &vpmc_cpu_work);
	return 0;
}

static int vpmc_cpu_offline(unsigned int cpu)
{
	struct vpmc_pmu *pmu;

	mutex_lock(&vpmc_hotplug_mutex);
	list_for_each_entry(pmu, &vpmc_pmus, node)
		vpmc_core_cpu_down(pmu, cpu);
	WRITE_ONCE(per_cpu(vpmc_cpu_gen, cpu), vpmc_cpu_gen_get(cpu) + 1);
	/* The new number before the stale bit: pairs with the work's. */
	smp_wmb();
	cpumask_set_cpu(cpu, &vpmc_cpus_stale);
	mutex_unlock(&vpmc_hotplug_mutex);
	queue_work(system_unbound_wq, &vpmc_cpu_work);
	return 0;
}

/**
 * vpmc_hotplug_init() - follow CPUs going offline and online
 *
 * Context: module init, before any instance exists.
 * Return: 0, or cpuhp_setup_state_nocalls()'s error.
 */
int vpmc_hotplug_init(void)
{
	int ret;

	ret = cpuhp_setup_state_nocalls(CPUHP_AP_ONLINE_DYN, "vpmc:online",
					vpmc_cpu_online, vpmc_cpu_offline);
	if (ret < 0)
		return ret;
	vpmc_hp_state = ret;
	return 0;
}

/**
 * vpmc_hotplug_exit() - undo vpmc_hotplug_init()
 *
 * Context: module exit, after the last instance is gone.
 */
void vpmc_hotplug_exit(void)
{
	cpuhp_remove_state_nocalls(vpmc_hp_state);
	flush_work(&vpmc_cpu_work);
}

/* === The arbiters' side: each runs on the CPU concerned === */

struct vpmc_hotplug {
	struct vpmc_pmu *pmu;
	struct list_head *list;
	unsigned int gen;
	bool up;
};

/* Off the arbiter of a CPU going down; a system-wide claim onto @gone. */
static void claim_offline(struct vpmc_pmu *pmu, struct vpmc_arbiter *arb,
			  struct vpmc_claim *claim, struct list_head *gone)
{
	/* Nothing to rebalance: the CPU is going (arb_rebalance()). */
	claim_take_off(pmu, arb, claim, NULL);
	if (claim->tlock)
		return;
	list_add_tail(&claim->node, &arb->offline);
	claim->state = VPMC_CLAIM_OFFLINE;
	list_add_tail(&claim->notify, gone);
}

static void arb_cpu_down(void *info)
{
	struct vpmc_hotplug *hp = info;
	struct vpmc_pmu *pmu = hp->pmu;
	struct vpmc_arbiter *arb = pmu->cpus[smp_processor_id()];
	struct vpmc_claim *claim, *tmp;
	struct hlist_node *next;
	unsigned int i;

	arb_lock(arb);
	WRITE_ONCE(arb->online, false);
	for (i = 0; i < pmu->desc.num_counters; i++) {
		struct vpmc_counter *c = &arb->ctr[i];

		if (!c->nr_claims)
			continue;
		hlist_for_each_entry_safe(claim, next, &c->claims, cnode)
			claim_offline(pmu, arb, claim, hp->list);
	}
	list_for_each_entry_safe(claim, tmp, &arb->waiting, node)
		claim_offline(pmu, arb, claim, hp->list);
	/*
	 * A per-thread claim is only attached while its thread runs here, and
	 * this runs in the hotplug thread: only that thread's claims (if
	 * anyone monitors it) were taken off; its switch-out finds them
	 * detached. Owed preemption callbacks are moot now.
	 */
	list_for_each_entry_safe(claim, tmp, &arb->later, notify)
		list_del_init(&claim->notify);
	/*
	 * Its counters are free: no throttling is left to end. The timer is
	 * pinned here and interrupts are off, so it is not running.
	 */
	hrtimer_try_to_cancel(&arb->unthrottle);
	arb->throttled = 0;
	arb->catchup = 0;
	arb_unlock(arb);
}

/*
 * The tasks running hotplug callbacks now, so that vpmc_destroy() can
 * refuse them: [0] the hotplug thread's, for a CPU going down (one at a
 * time: the hotplug lock), [1] whoever brings a CPU up (the events mutex).
 */
static struct task_struct *notice_task[2];

/* Tell the owners of the claims on @list, taking them off it. */
static void hotplug_notify(struct list_head *list, bool online)
{
	struct vpmc_claim *claim, *tmp;

	if (list_empty(list))
		return;
	WRITE_ONCE(notice_task[online], current);
	list_for_each_entry_safe(claim, tmp, list, notify) {
		list_del_init(&claim->notify);
		if (claim->hotplug)
			claim->hotplug(claim, online);
	}
	WRITE_ONCE(notice_task[online], NULL);
}

/**
 * vpmc_core_in_notice() - is the caller running a hotplug callback?
 *
 * Context: any.
 * Return: true inside a claim's @hotplug callback.
 */
bool vpmc_core_in_notice(void)
{
	/*
	 * Pairs with hotplug_notify()'s WRITE_ONCE()s: only the task itself
	 * stores its own pointer, so a match cannot be a stale one.
	 */
	return READ_ONCE(notice_task[0]) == current ||
	       READ_ONCE(notice_task[1]) == current;
}

/**
 * vpmc_core_cpu_down() - take every claim off a CPU going offline
 * @pmu: the instance
 * @cpu: the CPU, the current one
 *
 * System-wide claims stop counting, keep their count and started state and
 * have their hotplug callbacks called; their backend events are released
 * later (vpmc_core_cpu_release()). Per-thread claims are not attached here
 * until vpmc_core_cpu_up().
 *
 * Context: the CPU hotplug thread of @cpu (the hotplug lock is held, so no
 * claim is attached meanwhile; 6.1 exports neither the lock nor
 * lockdep_assert_cpus_held() to modules, so only the CPU is asserted);
 * never calls the backend's event_put().
 */
void vpmc_core_cpu_down(struct vpmc_pmu *pmu, int cpu)
{
	LIST_HEAD(gone);
	struct vpmc_hotplug hp = { .pmu = pmu, .list = &gone };

	if (WARN_ON_ONCE(cpu != raw_smp_processor_id()))
		return;
	local_irq_disable();
	arb_cpu_down(&hp);
	local_irq_enable();
	hotplug_notify(&gone, false);
}

/**
 * vpmc_core_cpu_release() - release the events of a CPU that went down
 * @pmu: the instance
 * @cpu: the CPU, which vpmc has down
 *
 * Its OFFLINE system-wide claims drop their backend events, which the
 * backend lost with the CPU; vpmc_core_cpu_up() takes them again.
 *
 * Context: process context, vpmc_events_mutex held (so the CPU's offline
 * list changes under nobody else: see vpmc_events_mutex).
 */
void vpmc_core_cpu_release(struct vpmc_pmu *pmu, int cpu)
{
	struct vpmc_claim *claim;

	lockdep_assert_held(&vpmc_events_mutex);
	list_for_each_entry(claim, &pmu->cpus[cpu]->offline, node)
		claim_event_put(claim);
}

static void arb_cpu_up(void *info)
{
	struct vpmc_hotplug *hp = info;
	struct vpmc_pmu *pmu = hp->pmu;
	struct vpmc_arbiter *arb = pmu->cpus[smp_processor_id()];
	struct vpmc_claim *claim, *tmp;
	LIST_HEAD(notify);

	/* Down and up again since the events were taken: they are dead. */
	if (vpmc_cpu_gen_get(arb->cpu) != hp->gen)
		return;
	arb_lock(arb);
	/* Pairs with the lockless reads of vpmc_events_hold_all() and attach. */
	WRITE_ONCE(arb->online, true);
	list_for_each_entry_safe(claim, tmp, &arb->offline, node) {
		/* Those whose event could not be had again stay offline. */
		if (!claim->evref && claim->pmu->ops->event_get)
			continue;
		claim_unlist(claim);
		claim->tstamp = local_clock();
		claim_wait(arb, claim);
		arb->nr_claims++;
		list_add_tail(&claim->notify, hp->list);
	}
	arb_rebalance(pmu, arb, &notify);
	/* Their owners hear of the CPU, and read whether they count. */
	list_for_each_entry(claim, hp->list, notify)
		claim->reported = claim->state == VPMC_CLAIM_ACTIVE;
	arb_unlock(arb);
	arb_run_notify(&notify);
	hp->up = true;
}

/**
 * vpmc_core_cpu_up() - give a CPU's offline claims their counters again
 * @pmu: the instance
 * @cpu: the CPU, online but down for vpmc
 * @gen: vpmc_cpu_gen_get(@cpu) before the CPU's per-thread events were
 *	taken again: if it went down since, nothing is done
 *
 * Each OFFLINE claim takes its backend event again and is placed by the
 * arbiter's rules or waits, as after a preemption; then its hotplug
 * callback is called. A claim whose event_get() fails stays OFFLINE (and is
 * logged).
 *
 * Context: process context (vpmc_cpu_work, or an attach that found
 * the CPU not brought up yet), vpmc_events_mutex held.
 */
void vpmc_core_cpu_up(struct vpmc_pmu *pmu, int cpu, unsigned int gen)
{
	LIST_HEAD(back);
	struct vpmc_hotplug hp = { .pmu = pmu, .list = &back, .gen = gen };
	struct vpmc_claim *claim;
	int ret;

	lockdep_assert_held(&vpmc_events_mutex);
	list_for_each_entry(claim, &pmu->cpus[cpu]->offline, node) {
		if (claim->evref)
			continue;
		ret = claim_event_get(claim);
		if (ret)
			pr_warn("cpu %d: vpmc %u stays offline: event %#llx: %d\n",
				cpu, claim->id, claim->config, ret);
	}
	if (vpmc_cpu_call(cpu, arb_cpu_up, &hp) || !hp.up)
		return;		/* It went down again: the work comes back. */
	hotplug_notify(&back, true);
}
