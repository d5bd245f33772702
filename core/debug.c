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
	[VPMC_CLAIM_DETACHED] = "detached",
	[VPMC_CLAIM_ACTIVE] = "active",
	[VPMC_CLAIM_WAITING] = "preempted",
	[VPMC_CLAIM_OFFLINE] = "offline",
};

static void show_claim(struct seq_file *m, struct vpmc_arbiter *arb,
		       struct vpmc_claim *claim)
{
	seq_printf(m, "    vpmc %u prio %d%s%s %s %s count %llu period %llu\n",
		   claim->id, claim->prio,
		   claim->flags & VPMC_F_EXCLUSIVE ? " exclusive" : "",
		   claim->flags & VPMC_F_PINNED ? " pinned" : "",
		   state_names[claim->state],
		   claim->started ? "started" : "stopped",
		   claim_count(arb, claim), claim->period);
}

static void __show(void *info)
{
	struct vpmc_walk *walk = info;
	struct vpmc_pmu *pmu = walk->pmu;
	struct vpmc_arbiter *arb = pmu->cpus[smp_processor_id()];
	struct seq_file *m = walk->m;
	struct vpmc_claim *claim;
	unsigned int i;

	arb_lock(arb);
	seq_printf(m, "cpu %d: %u virtual PMCs", arb->cpu, arb->nr_claims);
	if (arb->nr_throttled)
		seq_printf(m, ", overflows throttled %llu times%s, %llu thresholds skipped",
			   arb->nr_throttled, arb->throttled ? " (now)" : "",
			   arb->nr_skipped);
	seq_putc(m, '\n');
	for (i = 0; i < pmu->desc.num_counters; i++) {
		struct vpmc_counter *c = &arb->ctr[i];

		seq_printf(m, "  counter %u %s/%u: ", i,
			   pmu->desc.counters[i].kind == VPMC_COUNTER_FIXED ?
			   "fixed" : "general", pmu->desc.counters[i].width);
		if (!c->nr_claims) {
			seq_puts(m, "free\n");
			continue;
		}
		ctr_update(pmu, arb, i);
		seq_printf(m, "event %#llx%s count %llu\n", c->config,
			   c->exclusive ? " exclusive" : "", c->count);
		hlist_for_each_entry(claim, &c->claims, cnode)
			show_claim(m, arb, claim);
	}
	if (!list_empty(&arb->waiting))
		seq_puts(m, "  waiting:\n");
	list_for_each_entry(claim, &arb->waiting, node)
		show_claim(m, arb, claim);
	arb_unlock(arb);
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
		vpmc_cpu_call(cpu, __show, &walk);
	cpus_read_unlock();
}

#define CHECK(cond, fmt, ...)						\
	do {								\
		if (!(cond)) {						\
			pr_err("check cpu %d: " fmt "\n", arb->cpu,	\
			       ##__VA_ARGS__);				\
			walk->ret = -EUCLEAN;				\
		}							\
	} while (0)

static void __check(void *info)
{
	struct vpmc_walk *walk = info;
	struct vpmc_pmu *pmu = walk->pmu;
	struct vpmc_arbiter *arb = pmu->cpus[smp_processor_id()];
	struct vpmc_claim *claim, *prev = NULL;
	unsigned int i, j, claims = 0, n;
	int how;

	arb_lock(arb);
	for (i = 0; i < pmu->desc.num_counters; i++) {
		struct vpmc_counter *c = &arb->ctr[i];
		struct timerqueue_node *node;

		n = 0;
		hlist_for_each_entry(claim, &c->claims, cnode) {
			n++;
			CHECK(claim->state == VPMC_CLAIM_ACTIVE && claim->idx == i,
			      "counter %u: claim %u state %d idx %u", i, claim->id,
			      claim->state, claim->idx);
			CHECK(claim->config == c->config,
			      "counter %u counts %#llx, claim %u wants %#llx", i,
			      c->config, claim->id, claim->config);
			CHECK(claim->allowed & BIT(i),
			      "counter %u not allowed for claim %u", i, claim->id);
			CHECK(!claim_counting(claim) || !claim->period ||
			      timerqueue_node_queued(&claim->tq),
			      "claim %u counting with a period but unarmed", claim->id);
		}
		CHECK(n == c->nr_claims, "counter %u: %u claims listed, %u counted",
		      i, n, c->nr_claims);
		CHECK(!!(arb->used & BIT(i)) == !!n, "counter %u: used bit wrong", i);
		CHECK(!c->exclusive || n <= 1, "exclusive counter %u shared", i);
		for (j = 0; n && !c->exclusive && j < i; j++)
			CHECK(!arb->ctr[j].nr_claims || arb->ctr[j].exclusive ||
			      arb->ctr[j].config != c->config,
			      "counters %u and %u both count %#llx, neither exclusive",
			      j, i, c->config);
		for (node = timerqueue_getnext(&c->tq); node;
		     node = timerqueue_iterate_next(node)) {
			claim = container_of(node, struct vpmc_claim, tq);
			CHECK(claim_counting(claim) && claim->idx == i,
			      "counter %u: threshold of claim %u not counting here",
			      i, claim->id);
		}
		claims += n;
	}
	list_for_each_entry(claim, &arb->waiting, node) {
		claims++;
		CHECK(claim->state == VPMC_CLAIM_WAITING, "waiting claim %u state %d",
		      claim->id, claim->state);
		CHECK(!prev || prev->prio >= claim->prio,
		      "waiting list out of priority order at claim %u", claim->id);
		CHECK(arb_place(pmu, arb, claim, &how) < 0,
		      "waiting claim %u could run now (how %d)", claim->id, how);
		prev = claim;
	}
	CHECK(claims == arb->nr_claims, "%u claims found, %u counted", claims,
	      arb->nr_claims);
	CHECK(!arb->parked && hlist_unhashed(&arb->park_node),
	      "counters %#lx parked outside a context switch", arb->parked);
	arb_unlock(arb);
}

/**
 * vpmc_pmu_check() - verify the arbiter's invariants on every online CPU
 * @pmu: the PMU instance
 *
 * No counter is double-booked or counts another event than its claims; an
 * exclusive counter has one claim; no two counters in use count the same
 * event unless one is exclusive; every started claim with a period is
 * armed; and no waiting claim could be placed now (on a free counter, by
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
		vpmc_cpu_call(cpu, __check, &walk);
	cpus_read_unlock();
	return walk.ret;
}
EXPORT_SYMBOL_NS_GPL(vpmc_pmu_check, VPMC_INTERNAL);
