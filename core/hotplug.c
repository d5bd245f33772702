// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPU hotplug, and backend events kept alive on every online CPU.
 *
 * A CPU going down (CPUHP_AP_ONLINE_DYN, before perf's own teardown) takes
 * every user off its arbiters: system-wide users become OFFLINE, keep
 * their count and are told; then the backend events of that CPU are
 * released. Coming up (after perf is up there), the events are taken again
 * and the OFFLINE users placed again. Per-thread users are never attached
 * on a CPU between the two.
 *
 * Per-thread users may run on any CPU, and a context switch cannot sleep to
 * create a backend's event. So a per-thread user holds, through
 * vpmc_events_get(), its event on every online CPU for as long as it
 * lives: with the perf backend, one pinned perf event per CPU for each
 * distinct event of any per-thread virtual PMC.
 */
#define pr_fmt(fmt) "vpmc: " fmt

#include <linux/cpu.h>
#include <linux/cpuhotplug.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/smp.h>

#include "arbiter.h"

/**
 * struct vpmc_events - an event kept on every online CPU of an instance
 * @node: in vpmc_events_list
 * @pmu: the instance
 * @config: the raw event
 * @refs: vpmc_events_get() not yet put
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
 * vpmc_hotplug_mutex guards vpmc_pmus and vpmc_events_list. It is taken
 * inside the CPU hotplug lock (the callbacks run under it; everyone else
 * takes cpus_read_lock() first) and outside the backends' own mutexes.
 */
static DEFINE_MUTEX(vpmc_hotplug_mutex);
static LIST_HEAD(vpmc_pmus);
static LIST_HEAD(vpmc_events_list);
static enum cpuhp_state vpmc_hp_state;

static void events_cpu_get(struct vpmc_events *ev, int cpu)
{
	const struct vpmc_backend_ops *ops = ev->pmu->ops;
	int ret;

	ret = ops->event_get(ev->pmu->priv, cpu, ev->config);
	if (!ret)
		return;
	pr_warn("cpu %d: per-thread event %#llx unavailable (%d): threads do not count it there\n",
		cpu, ev->config, ret);
	cpumask_set_cpu(cpu, ev->missing);
}

static void events_cpu_put(struct vpmc_events *ev, int cpu)
{
	if (cpumask_test_and_clear_cpu(cpu, ev->missing))
		return;
	ev->pmu->ops->event_put(ev->pmu->priv, cpu, ev->config);
}

/**
 * vpmc_events_get() - keep a backend event on every online CPU
 * @pmu: the instance
 * @config: the raw event
 *
 * Context: process context, may sleep.
 * Return: 0; -ENOMEM; or the backend's event_get() error on some CPU
 * (nothing is then held).
 */
int vpmc_events_get(struct vpmc_pmu *pmu, u64 config)
{
	struct vpmc_events *ev;
	int cpu, ret = 0;

	if (!pmu->ops->event_get)
		return 0;
	cpus_read_lock();
	mutex_lock(&vpmc_hotplug_mutex);
	list_for_each_entry(ev, &vpmc_events_list, node) {
		if (ev->pmu == pmu && ev->config == config) {
			ev->refs++;
			goto out;
		}
	}
	ev = kzalloc(sizeof(*ev), GFP_KERNEL);
	if (!ev || !zalloc_cpumask_var(&ev->missing, GFP_KERNEL)) {
		kfree(ev);
		ret = -ENOMEM;
		goto out;
	}
	ev->pmu = pmu;
	ev->config = config;
	ev->refs = 1;
	for_each_online_cpu(cpu) {
		ret = pmu->ops->event_get(pmu->priv, cpu, config);
		if (ret)
			break;
	}
	if (ret) {
		int undo;

		for_each_online_cpu(undo) {
			if (undo == cpu)
				break;
			pmu->ops->event_put(pmu->priv, undo, config);
		}
		free_cpumask_var(ev->missing);
		kfree(ev);
		goto out;
	}
	list_add(&ev->node, &vpmc_events_list);
out:
	mutex_unlock(&vpmc_hotplug_mutex);
	cpus_read_unlock();
	return ret;
}

/**
 * vpmc_events_put() - undo one vpmc_events_get()
 * @pmu: the instance
 * @config: the raw event
 *
 * Context: process context, may sleep.
 */
void vpmc_events_put(struct vpmc_pmu *pmu, u64 config)
{
	struct vpmc_events *ev;
	int cpu;

	if (!pmu->ops->event_get)
		return;
	cpus_read_lock();
	mutex_lock(&vpmc_hotplug_mutex);
	list_for_each_entry(ev, &vpmc_events_list, node) {
		if (ev->pmu != pmu || ev->config != config)
			continue;
		if (--ev->refs)
			break;
		/*
		 * A context switch may still hold a counter of the event
		 * parked, bound to its backing event, after the last user's
		 * thread lock was dropped (core/arbiter.c); it ends with
		 * interrupts back on, which the kick waits for. Every user
		 * is dead by now: none is parked again.
		 */
		kick_all_cpus_sync();
		for_each_online_cpu(cpu)
			events_cpu_put(ev, cpu);
		list_del(&ev->node);
		free_cpumask_var(ev->missing);
		kfree(ev);
		break;
	}
	mutex_unlock(&vpmc_hotplug_mutex);
	cpus_read_unlock();
}

/**
 * vpmc_pmu_register() - let CPU hotplug reach a new instance
 * @pmu: the instance, with no user yet
 *
 * Context: process context, may sleep.
 */
void vpmc_pmu_register(struct vpmc_pmu *pmu)
{
	int cpu;

	cpus_read_lock();
	mutex_lock(&vpmc_hotplug_mutex);
	for_each_possible_cpu(cpu)
		pmu->cpus[cpu]->online = cpu_online(cpu);
	list_add(&pmu->node, &vpmc_pmus);
	mutex_unlock(&vpmc_hotplug_mutex);
	cpus_read_unlock();
}

/**
 * vpmc_pmu_unregister() - undo vpmc_pmu_register()
 * @pmu: the instance, with no user left
 *
 * Context: process context, may sleep.
 */
void vpmc_pmu_unregister(struct vpmc_pmu *pmu)
{
	mutex_lock(&vpmc_hotplug_mutex);
	list_del(&pmu->node);
	mutex_unlock(&vpmc_hotplug_mutex);
}

static int vpmc_cpu_online(unsigned int cpu)
{
	struct vpmc_events *ev;
	struct vpmc_pmu *pmu;

	mutex_lock(&vpmc_hotplug_mutex);
	list_for_each_entry(ev, &vpmc_events_list, node)
		events_cpu_get(ev, cpu);
	list_for_each_entry(pmu, &vpmc_pmus, node)
		vpmc_core_cpu_up(pmu, cpu);
	mutex_unlock(&vpmc_hotplug_mutex);
	return 0;
}

static int vpmc_cpu_offline(unsigned int cpu)
{
	struct vpmc_events *ev;
	struct vpmc_pmu *pmu;

	mutex_lock(&vpmc_hotplug_mutex);
	list_for_each_entry(pmu, &vpmc_pmus, node)
		vpmc_core_cpu_down(pmu, cpu);
	list_for_each_entry(ev, &vpmc_events_list, node)
		events_cpu_put(ev, cpu);
	mutex_unlock(&vpmc_hotplug_mutex);
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
}
