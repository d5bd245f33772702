// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the arbiter shows of itself: debugfs's state (vpmc_pmu_show())
 * and the invariant checker the tests run (vpmc_pmu_check()).
 */
#define pr_fmt(fmt) "vpmc: " fmt

#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/export.h>
#include <linux/printk.h>
#include <linux/seq_file.h>

#include "arbiter_inline.h"

/* === Introspection: debugfs and the invariant check === */

struct vpmc_walk {
	struct vpmc_pmu *pmu;
	struct seq_file *m;
	int ret;
};

static const char *const state_names[] = {
	[VPMC_USER_DETACHED] = "detached",
	[VPMC_USER_ACTIVE] = "active",
	[VPMC_USER_WAITING] = "preempted",
	[VPMC_USER_OFFLINE] = "offline",
};

static void show_user(struct seq_file *m, struct vpmc_cpu *vc,
		      struct vpmc_user *user)
{
	seq_printf(m, "    vpmc %u prio %d%s%s %s %s count %llu period %llu\n",
		   user->id, user->prio,
		   user->flags & VPMC_F_EXCLUSIVE ? " exclusive" : "",
		   user->flags & VPMC_F_PINNED ? " pinned" : "",
		   state_names[user->state],
		   user->started ? "started" : "stopped",
		   user_count(vc, user), user->period);
}

static void __show(void *info)
{
	struct vpmc_walk *walk = info;
	struct vpmc_pmu *pmu = walk->pmu;
	struct vpmc_cpu *vc = pmu->cpus[smp_processor_id()];
	struct seq_file *m = walk->m;
	struct vpmc_user *user;
	unsigned int i;

	vc_lock(vc);
	seq_printf(m, "cpu %d: %u virtual PMCs", vc->cpu, vc->nr_users);
	if (vc->nr_throttled)
		seq_printf(m, ", overflows throttled %llu times%s, %llu thresholds skipped",
			   vc->nr_throttled, vc->throttled ? " (now)" : "",
			   vc->nr_skipped);
	seq_putc(m, '\n');
	for (i = 0; i < pmu->desc.num_counters; i++) {
		struct vpmc_counter *c = &vc->ctr[i];

		seq_printf(m, "  counter %u %s/%u: ", i,
			   pmu->desc.counters[i].kind == VPMC_COUNTER_FIXED ?
			   "fixed" : "general", pmu->desc.counters[i].width);
		if (!c->nr_users) {
			seq_puts(m, "free\n");
			continue;
		}
		ctr_update(pmu, vc, i);
		seq_printf(m, "event %#llx%s count %llu\n", c->config,
			   c->exclusive ? " exclusive" : "", c->count);
		hlist_for_each_entry(user, &c->users, cnode)
			show_user(m, vc, user);
	}
	if (!list_empty(&vc->waiting))
		seq_puts(m, "  waiting:\n");
	list_for_each_entry(user, &vc->waiting, node)
		show_user(m, vc, user);
	vc_unlock(vc);
}

/**
 * vpmc_pmu_show() - print every CPU's arbiter state
 * @pmu: the PMU instance
 * @m: where to print
 *
 * Context: process context.
 */
void vpmc_pmu_show(struct vpmc_pmu *pmu, struct seq_file *m)
{
	struct vpmc_walk walk = { .pmu = pmu, .m = m };
	int cpu;

	cpus_read_lock();
	for_each_online_cpu(cpu)
		vpmc_pmu_call(cpu, __show, &walk);
	cpus_read_unlock();
}

#define CHECK(cond, fmt, ...)						\
	do {								\
		if (!(cond)) {						\
			pr_err("check cpu %d: " fmt "\n", vc->cpu,	\
			       ##__VA_ARGS__);				\
			walk->ret = -EUCLEAN;				\
		}							\
	} while (0)

static void __check(void *info)
{
	struct vpmc_walk *walk = info;
	struct vpmc_pmu *pmu = walk->pmu;
	struct vpmc_cpu *vc = pmu->cpus[smp_processor_id()];
	struct vpmc_user *user, *prev = NULL;
	unsigned int i, j, users = 0, n;
	int how;

	vc_lock(vc);
	for (i = 0; i < pmu->desc.num_counters; i++) {
		struct vpmc_counter *c = &vc->ctr[i];
		struct timerqueue_node *node;

		n = 0;
		hlist_for_each_entry(user, &c->users, cnode) {
			n++;
			CHECK(user->state == VPMC_USER_ACTIVE && user->idx == i,
			      "counter %u: user %u state %d idx %u", i, user->id,
			      user->state, user->idx);
			CHECK(user->config == c->config,
			      "counter %u counts %#llx, user %u wants %#llx", i,
			      c->config, user->id, user->config);
			CHECK(user->allowed & BIT(i),
			      "counter %u not allowed for user %u", i, user->id);
			CHECK(!user_counting(user) || !user->period ||
			      timerqueue_node_queued(&user->tq),
			      "user %u counting with a period but unarmed", user->id);
		}
		CHECK(n == c->nr_users, "counter %u: %u users listed, %u counted",
		      i, n, c->nr_users);
		CHECK(!!(vc->used & BIT(i)) == !!n, "counter %u: used bit wrong", i);
		CHECK(!c->exclusive || n <= 1, "exclusive counter %u shared", i);
		for (j = 0; n && !c->exclusive && j < i; j++)
			CHECK(!vc->ctr[j].nr_users || vc->ctr[j].exclusive ||
			      vc->ctr[j].config != c->config,
			      "counters %u and %u both count %#llx, neither exclusive",
			      j, i, c->config);
		for (node = timerqueue_getnext(&c->tq); node;
		     node = timerqueue_iterate_next(node)) {
			user = container_of(node, struct vpmc_user, tq);
			CHECK(user_counting(user) && user->idx == i,
			      "counter %u: threshold of user %u not counting here",
			      i, user->id);
		}
		users += n;
	}
	list_for_each_entry(user, &vc->waiting, node) {
		users++;
		CHECK(user->state == VPMC_USER_WAITING, "waiting user %u state %d",
		      user->id, user->state);
		CHECK(!prev || prev->prio >= user->prio,
		      "waiting list out of priority order at user %u", user->id);
		CHECK(arb_place(pmu, vc, user, &how) < 0,
		      "waiting user %u could run now (how %d)", user->id, how);
		prev = user;
	}
	CHECK(users == vc->nr_users, "%u users found, %u counted", users,
	      vc->nr_users);
	CHECK(!vc->parked && hlist_unhashed(&vc->park_node),
	      "counters %#lx parked outside a context switch", vc->parked);
	vc_unlock(vc);
}

/**
 * vpmc_pmu_check() - verify the arbiter's invariants on every online CPU
 * @pmu: the PMU instance
 *
 * No counter is double-booked or counts another event than its users; an
 * exclusive counter has one user; no two counters in use count the same
 * event unless one is exclusive; every started user with a period is
 * armed; and no waiting user could be placed now (on a free counter, by
 * sharing, or by preempting strictly lower priorities).
 *
 * Context: process context.
 * Return: 0, or -EUCLEAN after logging each violation.
 */
int vpmc_pmu_check(struct vpmc_pmu *pmu)
{
	struct vpmc_walk walk = { .pmu = pmu };
	int cpu;

	cpus_read_lock();
	for_each_online_cpu(cpu)
		vpmc_pmu_call(cpu, __check, &walk);
	cpus_read_unlock();
	return walk.ret;
}
EXPORT_SYMBOL_NS_GPL(vpmc_pmu_check, VPMC_INTERNAL);
