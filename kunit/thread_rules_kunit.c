// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: what a per-thread virtual PMC's owner is told, and when, on a
 * simulated PMU driven by real kthreads (kunit/th_worker.h).
 *
 * A failed creation leaves the arbiter as it was; a virtual PMC that never
 * held a counter is not told it lost one, and while its thread is off-CPU
 * it reads as the preempted one it still is; thresholds passed while the
 * counter was throttled are caught up on whatever CPU the thread runs
 * next, with one callback.
 */
#include <kunit/test.h>
#include <linux/cpumask.h>
#include <linux/module.h>
#include <linux/sched/task.h>
#include <linux/smp.h>

#include "arch/sim/sim.h"
#include "th_worker.h"

/*
 * Creating a virtual PMC for a thread that exited fails with -ESRCH and
 * changes no CPU's count of claims (it once decremented task_cpu()'s,
 * for good, at every try).
 */
static void rules_create_exited(struct kunit *test)
{
	struct vpmc_attr attr = { .config = EV_A, .priority = VPMC_PRIO_USER };
	struct vpmc_pmu *pmu = th_pmu(test, 2);
	struct th_worker w = {};
	struct task_struct *task;
	struct vpmc *v;
	int i;

	th_start(test, &w, pmu, EV_A, -1);
	task = w.task;
	get_task_struct(task);
	wake_up_process(task);
	th_stop(test, &w);
	for (i = 0; i < 3; i++) {
		v = vpmc_create_task_on(pmu, &attr, task, NULL);
		KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(v), -ESRCH);
		if (!IS_ERR(v))
			vpmc_destroy(v);
	}
	KUNIT_EXPECT_EQ(test, vpmc_pmu_check(pmu), 0);
	KUNIT_EXPECT_TRUE(test, vpmc_pmu_is_idle(pmu));
	put_task_struct(task);
}

static atomic_t rules_lost, rules_regained;

static void rules_preempt(struct vpmc *v, bool running, void *priv)
{
	atomic_inc(running ? &rules_regained : &rules_lost);
}

static void rules_nop(void *info)
{
}

/*
 * Wait for the irq_work that delivers the callbacks a context switch on
 * @cpu owed: it was raised before this IPI, which @cpu answers after it.
 */
static void rules_flush(int cpu)
{
	smp_call_function_single(cpu, rules_nop, NULL, 1);
}

/*
 * A per-thread virtual PMC that finds every counter taken by a stronger
 * one waits from its first switch-in: it never held a counter, so it is
 * told of no loss; off-CPU it reads -EBUSY, as it is still preempted; once
 * it gets a counter it counts, again without a callback (nothing was
 * reported lost).
 */
static void rules_never_held(struct kunit *test)
{
	struct vpmc_pmu *pmu = th_pmu(test, 1);
	int cpu = cpumask_first(cpu_online_mask);
	struct vpmc_attr tattr = {
		.config = EV_A, .priority = VPMC_PRIO_USER, .preempt = rules_preempt,
	};
	struct vpmc_attr sattr = { .config = EV_B, .priority = VPMC_PRIO_TRACER };
	struct th_worker w = {};
	struct vpmc_value val;
	struct vpmc *sys, *v;

	atomic_set(&rules_lost, 0);
	atomic_set(&rules_regained, 0);
	sys = vpmc_create_on(pmu, &sattr, cpu);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sys));
	th_start(test, &w, pmu, EV_A, cpu);
	v = vpmc_create_task_on(pmu, &tattr, w.task, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(v));
	KUNIT_ASSERT_EQ(test, vpmc_start(v), 0);
	wake_up_process(w.task);
	th_turn(&w, 10, cpu);
	th_wait_asleep(test, &w);
	rules_flush(cpu);
	KUNIT_EXPECT_EQ(test, atomic_read(&rules_lost), 0);
	KUNIT_EXPECT_EQ(test, vpmc_read(v, &val), -EBUSY);
	KUNIT_EXPECT_EQ(test, val.count, 0ULL);
	KUNIT_EXPECT_GT(test, val.time_enabled, 0ULL);
	KUNIT_EXPECT_EQ(test, val.time_running, 0ULL);

	vpmc_destroy(sys);
	th_turn(&w, 7, cpu);
	th_wait_asleep(test, &w);
	rules_flush(cpu);
	KUNIT_EXPECT_EQ(test, vpmc_read(v, &val), 0);
	KUNIT_EXPECT_EQ(test, val.count, 7ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&rules_lost), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&rules_regained), 0);
	th_stop(test, &w);
	vpmc_destroy(v);
}

/* A clock the test advances: each slow callback takes 60 us of it. */
static atomic64_t rules_now;
#define RULES_CB_NS	60000

static u64 rules_clock(void)
{
	return atomic64_read(&rules_now);
}

static atomic_t rules_fires;
static atomic64_t rules_at;

static void rules_slow(struct vpmc *v, u64 count, void *priv)
{
	atomic64_add(RULES_CB_NS, &rules_now);
	atomic_inc(&rules_fires);
	atomic64_set(&rules_at, count);
}

/*
 * Thresholds a thread passes while its counter is throttled are not lost
 * when it leaves that CPU: on the next CPU it runs on, its next event
 * fires one callback, for the last threshold passed (the others are
 * skipped), however long the counter there has been idle. Throttling is
 * measured on the test's clock, so a busy host changes nothing.
 */
static void rules_throttled_moves(struct kunit *test)
{
	struct vpmc_pmu *pmu = th_pmu(test, 1);
	int c0 = cpumask_first(cpu_online_mask);
	int c1 = cpumask_last(cpu_online_mask);
	struct vpmc_attr attr = {
		.config = EV_A, .priority = VPMC_PRIO_USER, .period = 10,
		.overflow = rules_slow,
	};
	struct th_worker w = {};
	unsigned int first;
	struct vpmc *v;

	if (c0 == c1)
		kunit_skip(test, "needs two CPUs");
	atomic64_set(&rules_now, 1000000000ULL);
	atomic_set(&rules_fires, 0);
	KUNIT_ASSERT_EQ(test, vpmc_pmu_set_clock(pmu, rules_clock), 0);
	/* 100 us of each millisecond: the second callback spends it. */
	KUNIT_ASSERT_EQ(test, vpmc_pmu_set_overflow_limit(pmu, 10), 0);
	th_start(test, &w, pmu, EV_A, -1);
	v = vpmc_create_task_on(pmu, &attr, w.task, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(v));
	KUNIT_ASSERT_EQ(test, vpmc_start(v), 0);
	wake_up_process(w.task);
	th_turn(&w, 1000, c0);
	first = atomic_read(&rules_fires);
	KUNIT_EXPECT_EQ(test, first, 2U);
	KUNIT_EXPECT_EQ(test, atomic64_read(&rules_at), 20LL);

	/* A fresh window on another CPU: one catch-up callback, for 1000. */
	atomic64_add(10 * NSEC_PER_MSEC, &rules_now);
	th_turn(&w, 1, c1);
	KUNIT_EXPECT_EQ(test, atomic_read(&rules_fires), first + 1);
	KUNIT_EXPECT_EQ(test, atomic64_read(&rules_at), 1000LL);
	/* And then every threshold again, one period apart. */
	atomic64_add(10 * NSEC_PER_MSEC, &rules_now);
	th_turn(&w, 9, c1);
	KUNIT_EXPECT_EQ(test, atomic_read(&rules_fires), first + 2);
	KUNIT_EXPECT_EQ(test, atomic64_read(&rules_at), 1010LL);
	KUNIT_EXPECT_EQ(test, th_count(test, v), 1010ULL);
	th_stop(test, &w);
	vpmc_destroy(v);
}

static struct kunit_case rules_cases[] = {
	KUNIT_CASE(rules_create_exited),
	KUNIT_CASE(rules_never_held),
	KUNIT_CASE(rules_throttled_moves),
	{}
};

static struct kunit_suite rules_suite = {
	.name = "vpmc_thread_rules",
	.init = th_init,
	.exit = th_exit,
	.test_cases = rules_cases,
};

kunit_test_suite(rules_suite);
