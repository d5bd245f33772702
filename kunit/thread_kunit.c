// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: per-thread virtual PMCs on a simulated PMU, driven by real
 * kthreads through the real scheduler hooks.
 *
 * Each kthread injects events on its own CPU while it runs, so exactly the
 * events of its own slices must land in its virtual PMC: alternation of two
 * threads on one CPU (with a system-wide virtual PMC sharing the counter),
 * migration with an overflow period, exit, fork inheritance, destruction
 * while the thread runs elsewhere, priorities at switch-in, CPU hotplug,
 * permissions, vpmc_swap() of one thread's virtual PMCs, one switch over
 * two PMU instances with each thread reading
 * its own count, a counter going on from one thread to the next, and that
 * the scheduler hooks are off when unused.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cred.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/sched/task.h>
#include <linux/slab.h>

#include <vpmc/internal.h>
#include "arch/sim/sim.h"
#include "th_worker.h"

MODULE_IMPORT_NS(VPMC_INTERNAL);

/* Two threads alternate on one CPU; a system-wide one sees both. */
static void thread_alternate(struct kunit *test)
{
	struct vpmc_pmu *pmu = th_pmu(test, 2);
	struct vpmc_attr sys_attr = { .config = EV_A, .priority = VPMC_PRIO_USER };
	int cpu = cpumask_last(cpu_online_mask);
	struct th_worker a = {}, b = {};
	u64 a2 = 0;
	struct vpmc *va, *va2, *vb, *sys;
	struct vpmc_value val;
	unsigned int i;

	KUNIT_EXPECT_FALSE(test, vpmc_thread_hooked());
	th_start(test, &a, pmu, EV_A, cpu);
	th_start(test, &b, pmu, EV_A, cpu);
	va = th_vpmc(test, pmu, a.task, EV_A, 0);
	vb = th_vpmc(test, pmu, b.task, EV_A, 0);
	/* A second owner of the same thread, started later: independent. */
	va2 = vpmc_create_task_on(pmu, &(struct vpmc_attr){ .config = EV_A },
				  a.task, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(va2));
	KUNIT_EXPECT_TRUE(test, vpmc_thread_hooked());
	sys = vpmc_create_on(pmu, &sys_attr, cpu);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sys));
	KUNIT_ASSERT_EQ(test, vpmc_start(sys), 0);
	wake_up_process(a.task);
	wake_up_process(b.task);
	th_wait_asleep(test, &a);
	th_wait_asleep(test, &b);

	/* Events outside either thread's slices go to the system-wide one only. */
	KUNIT_EXPECT_EQ(test, vpmc_sim_inject(pmu, cpu, EV_A, 1000), 0);
	for (i = 1; i <= ROUNDS; i++) {
		if (i == ROUNDS / 2 + 1) {
			KUNIT_EXPECT_EQ(test, vpmc_start(va2), 0);
			a2 = a.injected;
		}
		th_turn(&a, 100 * i + 1, -1);
		th_turn(&b, 7 * i + 3, -1);
	}
	KUNIT_EXPECT_EQ(test, th_count(test, va2), a.injected - a2);
	vpmc_destroy(va2);
	KUNIT_EXPECT_EQ(test, a.err, 0);
	KUNIT_EXPECT_EQ(test, b.err, 0);
	KUNIT_EXPECT_EQ(test, th_count(test, va), a.injected);
	KUNIT_EXPECT_EQ(test, th_count(test, vb), b.injected);

	atomic_set(&th_exits, 0);
	th_stop(test, &a);
	th_stop(test, &b);
	/* Exit keeps the final counts; the owners were told. */
	KUNIT_EXPECT_EQ(test, th_count(test, va), a.injected);
	KUNIT_EXPECT_EQ(test, th_count(test, vb), b.injected);
	for (i = 0; i < 100 && atomic_read(&th_exits) < 2; i++)
		msleep(20);
	KUNIT_EXPECT_EQ(test, atomic_read(&th_exits), 2);
	KUNIT_EXPECT_EQ(test, vpmc_read(sys, &val), 0);
	KUNIT_EXPECT_EQ(test, val.count, a.injected + b.injected + 1000);
	KUNIT_EXPECT_EQ(test, vpmc_pmu_check(pmu), 0);

	/* A thread's times: enabled while it ran, running as long. */
	KUNIT_EXPECT_EQ(test, vpmc_read(va, &val), 0);
	KUNIT_EXPECT_GT(test, val.time_enabled, 0ULL);
	KUNIT_EXPECT_EQ(test, val.time_running, val.time_enabled);
	vpmc_destroy(va);
	vpmc_destroy(vb);
	vpmc_destroy(sys);
}

static atomic_t th_fires;
static u64 th_last;

static void th_overflow(struct vpmc *v, u64 count, void *priv)
{
	atomic_inc(&th_fires);
	WRITE_ONCE(th_last, count);
}

/* A thread moves between CPUs: count and overflow distance go with it. */
static void thread_migrate(struct kunit *test)
{
	struct vpmc_pmu *pmu = th_pmu(test, 2);
	struct vpmc_attr attr = {
		.config = EV_B, .priority = VPMC_PRIO_USER, .period = 1000,
		.overflow = th_overflow,
	};
	int c0 = cpumask_first(cpu_online_mask);
	int c1 = cpumask_last(cpu_online_mask);
	struct th_worker w = {};
	struct vpmc *v;
	unsigned int i;

	if (c0 == c1)
		kunit_skip(test, "one CPU online");
	th_start(test, &w, pmu, EV_B, -1);
	v = vpmc_create_task_on(pmu, &attr, w.task, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(v));
	KUNIT_ASSERT_EQ(test, vpmc_start(v), 0);
	atomic_set(&th_fires, 0);
	wake_up_process(w.task);
	/* 700 per turn: each threshold is crossed on some other CPU's turn. */
	for (i = 0; i < ROUNDS; i++)
		th_turn(&w, 700, i & 1 ? c1 : c0);
	KUNIT_EXPECT_EQ(test, w.err, 0);
	KUNIT_EXPECT_EQ(test, th_count(test, v), 700ULL * ROUNDS);
	KUNIT_EXPECT_EQ(test, atomic_read(&th_fires), 700 * ROUNDS / 1000);
	KUNIT_EXPECT_EQ(test, READ_ONCE(th_last), 1000ULL * (700 * ROUNDS / 1000));
	th_stop(test, &w);
	KUNIT_EXPECT_EQ(test, th_count(test, v), 700ULL * ROUNDS);
	vpmc_destroy(v);
}

/*
 * One context switch, claims on two PMU instances: the hook's batch moves
 * from one arbiter to the other. Each thread reads its own virtual PMC
 * while it runs (no lock) and must see exactly what it injected.
 */
static void thread_two_pmus(struct kunit *test)
{
	struct vpmc_sim_config cfg = { .num_gp = 1, .width = 64 };
	struct vpmc_pmu *pmu = th_pmu(test, 2), *pmu2;
	int cpu = cpumask_first(cpu_online_mask);
	struct th_worker a = {}, b = {};
	struct vpmc *va, *va2, *va3, *vb, *vb2;
	unsigned int i;

	pmu2 = vpmc_sim_create(&cfg);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pmu2));
	th_start(test, &a, pmu, EV_A, cpu);
	th_start(test, &b, pmu, EV_A, cpu);
	a.pmu2 = pmu2;
	b.pmu2 = pmu2;
	va = th_vpmc(test, pmu, a.task, EV_A, 0);
	va2 = th_vpmc(test, pmu2, a.task, EV_A, 0);
	va3 = th_vpmc(test, pmu, a.task, EV_A, 0);
	/* pmu2's only counter: a's EV_A while a runs, b's EV_B while b does. */
	vb = th_vpmc(test, pmu, b.task, EV_A, 0);
	vb2 = th_vpmc(test, pmu2, b.task, EV_B, 0);
	a.self = va2;
	b.self = vb;
	wake_up_process(a.task);
	wake_up_process(b.task);
	th_wait_asleep(test, &a);
	th_wait_asleep(test, &b);
	for (i = 1; i <= ROUNDS; i++) {
		th_turn(&a, 10 * i + 1, -1);
		th_turn(&b, 3 * i + 2, -1);
	}
	KUNIT_EXPECT_EQ(test, a.err, 0);
	KUNIT_EXPECT_EQ(test, b.err, 0);
	KUNIT_EXPECT_EQ(test, a.self_ok, ROUNDS);
	KUNIT_EXPECT_EQ(test, b.self_ok, ROUNDS);
	KUNIT_EXPECT_EQ(test, th_count(test, va), a.injected);
	KUNIT_EXPECT_EQ(test, th_count(test, va2), a.injected);
	KUNIT_EXPECT_EQ(test, th_count(test, va3), a.injected);
	KUNIT_EXPECT_EQ(test, th_count(test, vb), b.injected);
	KUNIT_EXPECT_EQ(test, th_count(test, vb2), 0ULL);	/* EV_B never happened */
	KUNIT_EXPECT_EQ(test, vpmc_pmu_check(pmu2), 0);
	th_stop(test, &a);
	th_stop(test, &b);
	vpmc_destroy(va);
	vpmc_destroy(va2);
	vpmc_destroy(va3);
	vpmc_destroy(vb);
	vpmc_destroy(vb2);
	KUNIT_EXPECT_TRUE(test, vpmc_pmu_is_idle(pmu2));
	KUNIT_EXPECT_EQ(test, vpmc_sim_destroy(pmu2), 0);
}

/**
 * struct th_pong - one of two kthreads that hand the CPU to each other
 * @task: the kthread (a reference is held)
 * @pmu: where to inject
 * @peer: the other one, woken after each turn
 * @go: its turn
 * @done: completed after its last turn, before it exits
 * @config: the events it injects, each @amount times a turn
 * @amount: events per turn
 * @turns: turns to take
 * @injected: events of each of @config injected in all its turns
 * @err: a failed injection
 */
struct th_pong {
	struct task_struct *task;
	struct vpmc_pmu *pmu;
	struct th_pong *peer;
	struct completion go;
	struct completion *done;
	u64 config[2];
	u64 amount;
	unsigned int turns;
	u64 injected;
	int err;
};

static int th_pong_fn(void *arg)
{
	struct th_pong *p = arg;
	unsigned int i, k;
	int cpu, ret = 0;

	for (i = 0; i < p->turns; i++) {
		wait_for_completion(&p->go);
		cpu = get_cpu();
		for (k = 0; k < 2 && !ret; k++)
			ret = vpmc_sim_inject(p->pmu, cpu, p->config[k], p->amount);
		put_cpu();
		if (ret)
			p->err = ret;
		else
			p->injected += p->amount;
		/* Wakes the peer on this CPU, then sleeps: a switch to it. */
		complete(&p->peer->go);
	}
	complete(p->done);
	return 0;
}

static void th_pong_start(struct kunit *test, struct th_pong *p, struct th_pong *peer,
			  struct completion *done, u64 ev0, u64 ev1, int cpu)
{
	p->peer = peer;
	p->done = done;
	p->config[0] = ev0;
	p->config[1] = ev1;
	init_completion(&p->go);
	p->task = kthread_create(th_pong_fn, p, "vpmc-kunit-pong");
	KUNIT_ASSERT_FALSE(test, IS_ERR(p->task));
	get_task_struct(p->task);
	kthread_bind(p->task, cpu);
}

static void th_pong_reap(struct kunit *test, struct th_pong *p)
{
	unsigned int i;

	for (i = 0; i < 200 && !READ_ONCE(p->task->exit_state); i++)
		msleep(20);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(p->task->exit_state) != 0);
	put_task_struct(p->task);
}

/*
 * Two threads on one CPU hand it to each other, a counting EV_A and EV_B,
 * b EV_A and EV_C. The hook switches both in one batch: the counter of
 * EV_A a leaves goes on for b (and back) with no disable and enable, so a
 * switch enables one counter, not two; a counter nobody takes is disabled
 * when the switch ends. Counts stay exact.
 */
static void thread_switch_parks_counter(struct kunit *test)
{
	struct vpmc_pmu *pmu = th_pmu(test, 4);
	int cpu = cpumask_first(cpu_online_mask);
	struct vpmc *va, *va2, *vb, *vb2;
	struct th_pong a = {}, b = {};
	unsigned long n0, n1, mask;
	DECLARE_COMPLETION_ONSTACK(done);
	unsigned int turns = 5 * ROUNDS;

	a.pmu = pmu;
	b.pmu = pmu;
	a.amount = 3;
	b.amount = 5;
	a.turns = turns;
	b.turns = turns;
	th_pong_start(test, &a, &b, &done, EV_A, EV_B, cpu);
	th_pong_start(test, &b, &a, &done, EV_A, EV_C, cpu);
	va = th_vpmc(test, pmu, a.task, EV_A, 0);
	va2 = th_vpmc(test, pmu, a.task, EV_B, 0);
	vb = th_vpmc(test, pmu, b.task, EV_A, 0);
	vb2 = th_vpmc(test, pmu, b.task, EV_C, 0);
	vpmc_sim_enabled(pmu, cpu, &n0);
	wake_up_process(a.task);
	wake_up_process(b.task);
	complete(&a.go);
	wait_for_completion(&done);
	wait_for_completion(&done);
	th_pong_reap(test, &a);
	th_pong_reap(test, &b);
	mask = vpmc_sim_enabled(pmu, cpu, &n1);

	KUNIT_EXPECT_EQ(test, a.err, 0);
	KUNIT_EXPECT_EQ(test, b.err, 0);
	KUNIT_EXPECT_EQ(test, th_count(test, va), a.injected);
	KUNIT_EXPECT_EQ(test, th_count(test, va2), a.injected);
	KUNIT_EXPECT_EQ(test, th_count(test, vb), b.injected);
	KUNIT_EXPECT_EQ(test, th_count(test, vb2), b.injected);
	/*
	 * 2 * turns switches between them, each enabling EV_B's or EV_C's
	 * counter, where enabling EV_A's as well would make 4 * turns; a
	 * third task running between them now and then costs a few more.
	 */
	KUNIT_EXPECT_LT(test, n1 - n0, 3UL * turns);
	kunit_info(test, "%lu enables in %u switches\n", n1 - n0, 2 * turns);
	/* Nobody runs: nothing is left enabled, nothing parked. */
	KUNIT_EXPECT_EQ(test, mask, 0UL);
	KUNIT_EXPECT_EQ(test, vpmc_pmu_check(pmu), 0);
	vpmc_destroy(va);
	vpmc_destroy(va2);
	vpmc_destroy(vb);
	vpmc_destroy(vb2);
}

/* A child's count folds into its parent's inherited virtual PMC at exit. */
static void thread_inherit(struct kunit *test)
{
	struct vpmc_pmu *pmu = th_pmu(test, 2);
	int cpu = cpumask_first(cpu_online_mask);
	struct th_worker parent = {}, child = {}, grandchild = {};
	struct vpmc_attr bad = {
		.config = EV_A, .flags = VPMC_F_INHERIT, .period = 10,
		.overflow = th_overflow,
	};
	struct vpmc *v;

	/* Counting only; and never system-wide. */
	KUNIT_EXPECT_TRUE(test, IS_ERR(vpmc_create_task_on(pmu, &bad, current, NULL)));
	bad.period = 0;
	bad.overflow = NULL;
	KUNIT_EXPECT_EQ(test, PTR_ERR(vpmc_create_on(pmu, &bad, cpu)), -EINVAL);

	th_start(test, &parent, pmu, EV_A, cpu);
	v = th_vpmc(test, pmu, parent.task, EV_A, VPMC_F_INHERIT);
	th_start(test, &child, pmu, EV_A, cpu);
	th_start(test, &grandchild, pmu, EV_A, cpu);
	/* What the sched_process_fork hook does when these fork. */
	vpmc_thread_fork(parent.task, child.task);
	vpmc_thread_fork(child.task, grandchild.task);
	wake_up_process(parent.task);
	wake_up_process(child.task);
	wake_up_process(grandchild.task);
	th_turn(&parent, 5, -1);
	th_turn(&child, 70, -1);
	th_turn(&grandchild, 300, -1);
	th_turn(&parent, 5, -1);
	/* Live children are not folded yet. */
	KUNIT_EXPECT_EQ(test, th_count(test, v), 10ULL);
	th_stop(test, &grandchild);
	KUNIT_EXPECT_EQ(test, th_count(test, v), 310ULL);
	th_stop(test, &child);
	KUNIT_EXPECT_EQ(test, th_count(test, v), 380ULL);
	th_stop(test, &parent);
	KUNIT_EXPECT_EQ(test, th_count(test, v), 380ULL);
	/* Also waits for the exited children's queued releases. */
	vpmc_destroy(v);
}

/* Destroying a root takes its live inherited ones with it. */
static void thread_inherit_destroy(struct kunit *test)
{
	struct vpmc_pmu *pmu = th_pmu(test, 2);
	struct th_worker parent = {}, child = {};
	struct vpmc *v;

	th_start(test, &parent, pmu, EV_A, -1);
	th_start(test, &child, pmu, EV_A, -1);
	v = th_vpmc(test, pmu, parent.task, EV_A, VPMC_F_INHERIT);
	vpmc_thread_fork(parent.task, child.task);
	wake_up_process(parent.task);
	wake_up_process(child.task);
	th_turn(&child, 40, -1);
	vpmc_destroy(v);
	/* The child runs and exits unmonitored. */
	th_turn(&child, 40, -1);
	th_stop(test, &child);
	th_stop(test, &parent);
}

static int th_spin_fn(void *arg)
{
	while (!kthread_should_stop())
		cond_resched();
	return 0;
}

/* Destroyed while its thread spins on another CPU: a clean detach. */
static void thread_destroy_running(struct kunit *test)
{
	struct vpmc_pmu *pmu = th_pmu(test, 1);
	int cpu = cpumask_last(cpu_online_mask);
	struct task_struct *t;
	struct vpmc *v;
	unsigned int i;

	t = kthread_create(th_spin_fn, NULL, "vpmc-spin");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	get_task_struct(t);
	kthread_bind(t, cpu);
	wake_up_process(t);
	for (i = 0; i < 50; i++) {
		v = th_vpmc(test, pmu, t, EV_A, 0);
		KUNIT_EXPECT_EQ(test, vpmc_pmu_check(pmu), 0);
		vpmc_destroy(v);
	}
	kthread_stop(t);
	put_task_struct(t);
}

static atomic_t th_swap_fires;

static void th_swap_overflow(struct vpmc *v, u64 count, void *priv)
{
	atomic_inc(&th_swap_fires);
}

/*
 * vpmc_swap(): one thread's virtual PMCs stop and start in one call, a
 * new period armed with the start; ops mixing targets do nothing. While
 * the thread sleeps the call runs here; while it spins on another CPU,
 * there: 50 swaps, then only the started one's time goes on.
 */
static void thread_swap(struct kunit *test)
{
	struct vpmc_pmu *pmu = th_pmu(test, 2);
	struct vpmc_attr attr = {
		.config = EV_A, .priority = VPMC_PRIO_USER,
		.overflow = th_swap_overflow,
	};
	int cpu = cpumask_last(cpu_online_mask);
	struct th_worker w = {}, o = {};
	struct vpmc_value v1, v2;
	struct vpmc *va, *vb, *other, *sys;
	struct vpmc_swap_op ops[2];
	struct task_struct *t;
	unsigned int i;

	th_start(test, &w, pmu, EV_A, cpu);
	th_start(test, &o, pmu, EV_A, cpu);
	va = th_vpmc(test, pmu, w.task, EV_A, 0);
	vb = vpmc_create_task_on(pmu, &attr, w.task, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(vb));
	other = th_vpmc(test, pmu, o.task, EV_A, 0);
	sys = vpmc_create_on(pmu, &(struct vpmc_attr){ .config = EV_A }, cpu);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sys));
	wake_up_process(w.task);
	wake_up_process(o.task);
	th_wait_asleep(test, &w);
	th_wait_asleep(test, &o);
	th_turn(&w, 100, -1);

	/* Another thread's or a CPU's virtual PMC: refused, nothing done. */
	ops[0] = (struct vpmc_swap_op){ .vpmc = va };
	ops[1] = (struct vpmc_swap_op){ .vpmc = other, .start = true };
	KUNIT_EXPECT_EQ(test, vpmc_swap(ops, 2), -EINVAL);
	ops[1].vpmc = sys;
	KUNIT_EXPECT_EQ(test, vpmc_swap(ops, 2), -EINVAL);
	/* A period for a virtual PMC without an overflow callback. */
	ops[0] = (struct vpmc_swap_op){ .vpmc = va, .start = true, .rearm = true,
					.period = 10 };
	KUNIT_EXPECT_EQ(test, vpmc_swap(ops, 1), -EINVAL);
	th_turn(&w, 10, -1);
	KUNIT_EXPECT_EQ(test, th_count(test, va), 110ULL);
	KUNIT_EXPECT_EQ(test, th_count(test, vb), 0ULL);

	/* va stops, vb starts with a period of 30: 3 callbacks in 100. */
	atomic_set(&th_swap_fires, 0);
	ops[0] = (struct vpmc_swap_op){ .vpmc = va };
	ops[1] = (struct vpmc_swap_op){ .vpmc = vb, .start = true, .rearm = true,
					.period = 30 };
	KUNIT_EXPECT_EQ(test, vpmc_swap(ops, 2), 0);
	th_turn(&w, 100, -1);
	KUNIT_EXPECT_EQ(test, th_count(test, va), 110ULL);
	KUNIT_EXPECT_EQ(test, th_count(test, vb), 100ULL);
	KUNIT_EXPECT_EQ(test, atomic_read(&th_swap_fires), 3);
	KUNIT_EXPECT_EQ(test, vpmc_swap(ops, 0), 0);
	KUNIT_EXPECT_EQ(test, w.err, 0);
	vpmc_destroy(va);
	vpmc_destroy(vb);
	vpmc_destroy(other);
	vpmc_destroy(sys);
	th_stop(test, &w);
	th_stop(test, &o);

	/* A thread spinning on another CPU: the swaps are made there. */
	t = kthread_create(th_spin_fn, NULL, "vpmc-spin");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	get_task_struct(t);
	kthread_bind(t, cpu);
	va = th_vpmc(test, pmu, t, EV_A, 0);
	vb = vpmc_create_task_on(pmu, &attr, t, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(vb));
	wake_up_process(t);
	for (i = 0; i < 50; i++) {
		ops[0] = (struct vpmc_swap_op){ .vpmc = i & 1 ? vb : va };
		ops[1] = (struct vpmc_swap_op){ .vpmc = i & 1 ? va : vb, .start = true };
		KUNIT_EXPECT_EQ(test, vpmc_swap(ops, 2), 0);
	}
	/* The last swap (i = 49) stopped vb and started va. */
	KUNIT_EXPECT_EQ(test, vpmc_read(vb, &v1), 0);
	msleep(20);
	KUNIT_EXPECT_EQ(test, vpmc_read(vb, &v2), 0);
	KUNIT_EXPECT_EQ(test, v2.time_enabled, v1.time_enabled);
	KUNIT_EXPECT_EQ(test, vpmc_read(va, &v1), 0);
	msleep(20);
	KUNIT_EXPECT_EQ(test, vpmc_read(va, &v2), 0);
	KUNIT_EXPECT_GT(test, v2.time_enabled, v1.time_enabled);
	KUNIT_EXPECT_EQ(test, vpmc_pmu_check(pmu), 0);
	vpmc_destroy(va);
	vpmc_destroy(vb);
	kthread_stop(t);
	put_task_struct(t);
}

static atomic_t th_preempts;

static void th_preempt(struct vpmc *v, bool running, void *priv)
{
	atomic_inc(&th_preempts);
}

/*
 * On a one-counter PMU a stronger thread's virtual PMC takes the counter
 * from a system-wide one while the thread runs, and gives it back.
 */
static void thread_priority(struct kunit *test)
{
	struct vpmc_pmu *pmu = th_pmu(test, 1);
	struct vpmc_attr sys_attr = {
		.config = EV_B, .priority = VPMC_PRIO_USER, .preempt = th_preempt,
	};
	struct vpmc_attr t_attr = { .config = EV_A, .priority = VPMC_PRIO_TRACER };
	int cpu = cpumask_last(cpu_online_mask);
	struct th_worker w = {};
	struct vpmc_value val;
	struct vpmc *sys, *v;
	unsigned int i;

	th_start(test, &w, pmu, EV_A, cpu);
	v = vpmc_create_task_on(pmu, &t_attr, w.task, NULL);
	KUNIT_ASSERT_FALSE(test, IS_ERR(v));
	KUNIT_ASSERT_EQ(test, vpmc_start(v), 0);
	sys = vpmc_create_on(pmu, &sys_attr, cpu);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sys));
	KUNIT_ASSERT_EQ(test, vpmc_start(sys), 0);
	atomic_set(&th_preempts, 0);
	wake_up_process(w.task);
	for (i = 0; i < ROUNDS; i++) {
		th_turn(&w, 10, -1);
		KUNIT_EXPECT_EQ(test, vpmc_sim_inject(pmu, cpu, EV_B, 1), 0);
	}
	th_stop(test, &w);
	KUNIT_EXPECT_EQ(test, th_count(test, v), 10ULL * ROUNDS);
	/* Counted only while the thread was off the CPU. */
	KUNIT_EXPECT_EQ(test, vpmc_read(sys, &val), 0);
	KUNIT_EXPECT_LE(test, val.count, (u64)ROUNDS);
	KUNIT_EXPECT_LT(test, val.time_running, val.time_enabled);
	KUNIT_EXPECT_GT(test, atomic_read(&th_preempts), 0);
	vpmc_destroy(sys);
	vpmc_destroy(v);
}

static atomic_t th_offline, th_online;

static void th_hp_notice(struct vpmc *v, enum vpmc_notice notice, void *priv)
{
	if (notice == VPMC_NOTICE_OFFLINE)
		atomic_inc(&th_offline);
	else if (notice == VPMC_NOTICE_ONLINE)
		atomic_inc(&th_online);
}

/* A CPU goes offline and back: system-wide ones stop, are told, resume. */
static void thread_hotplug(struct kunit *test)
{
	struct vpmc_pmu *pmu = th_pmu(test, 2);
	struct vpmc_attr attr = {
		.config = EV_A, .priority = VPMC_PRIO_USER, .notice = th_hp_notice,
	};
	int cpu = cpumask_last(cpu_online_mask);
	struct th_worker w = {};
	struct vpmc_value val;
	struct vpmc *sys, *v;
	int ret;

	if (cpu == 0 || num_online_cpus() < 2)
		kunit_skip(test, "needs a second CPU");
	sys = vpmc_create_on(pmu, &attr, cpu);
	KUNIT_ASSERT_FALSE(test, IS_ERR(sys));
	KUNIT_ASSERT_EQ(test, vpmc_start(sys), 0);
	th_start(test, &w, pmu, EV_A, -1);
	v = th_vpmc(test, pmu, w.task, EV_A, 0);
	wake_up_process(w.task);
	th_turn(&w, 10, cpu);
	KUNIT_EXPECT_EQ(test, vpmc_sim_inject(pmu, cpu, EV_A, 5), 0);
	atomic_set(&th_offline, 0);
	atomic_set(&th_online, 0);

	ret = remove_cpu(cpu);
	if (ret) {
		th_stop(test, &w);
		vpmc_destroy(v);
		vpmc_destroy(sys);
		kunit_skip(test, "remove_cpu(%d): %d", cpu, ret);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&th_offline), 1);
	KUNIT_EXPECT_EQ(test, vpmc_read(sys, &val), -ENODEV);
	KUNIT_EXPECT_EQ(test, val.count, 15ULL);
	/* The thread moved off the dying CPU and keeps counting elsewhere. */
	th_turn(&w, 20, cpumask_first(cpu_online_mask));
	KUNIT_EXPECT_EQ(test, th_count(test, v), 30ULL);

	KUNIT_ASSERT_EQ(test, add_cpu(cpu), 0);
	/* vpmc brings the CPU up from a work item, after the hotplug lock. */
	vpmc_hotplug_sync();
	KUNIT_EXPECT_EQ(test, atomic_read(&th_online), 1);
	KUNIT_EXPECT_EQ(test, vpmc_sim_inject(pmu, cpu, EV_A, 100), 0);
	th_turn(&w, 40, cpu);
	KUNIT_EXPECT_EQ(test, vpmc_read(sys, &val), 0);
	KUNIT_EXPECT_EQ(test, val.count, 15ULL + 100 + 40);
	KUNIT_EXPECT_EQ(test, th_count(test, v), 70ULL);
	th_stop(test, &w);
	vpmc_destroy(v);
	vpmc_destroy(sys);
}

/* Another user's thread, or a CPU, is off limits to an unprivileged cred. */
static void thread_permission(struct kunit *test)
{
	struct vpmc_attr attr = { .config = EV_A, .priority = VPMC_PRIO_USER };
	struct vpmc_pmu *pmu = th_pmu(test, 1);
	struct th_worker root = {};
	struct cred *cred;
	struct vpmc *v;

	KUNIT_EXPECT_EQ(test, vpmc_may_monitor(current_cred(), NULL), 0);
	KUNIT_EXPECT_EQ(test, vpmc_may_monitor(current_cred(), current), 0);
	cred = prepare_creds();
	KUNIT_ASSERT_NOT_NULL(test, cred);
	cred->uid = KUIDT_INIT(1000);
	cred->euid = cred->uid;
	cred->suid = cred->uid;
	cred->fsuid = cred->uid;
	cred->gid = KGIDT_INIT(1000);
	cred->egid = cred->gid;
	cred->sgid = cred->gid;
	cred->fsgid = cred->gid;
	cap_clear(cred->cap_effective);
	cap_clear(cred->cap_permitted);
	/* A kthread of root's, not in this thread's group. */
	th_start(test, &root, pmu, EV_A, -1);
	KUNIT_EXPECT_EQ(test, vpmc_may_monitor(cred, NULL), -EACCES);
	KUNIT_EXPECT_EQ(test, vpmc_may_monitor(cred, root.task), -EACCES);
	KUNIT_EXPECT_EQ(test, vpmc_may_monitor(current_cred(), root.task), 0);
	v = vpmc_create_task_on(pmu, &attr, root.task, cred);
	KUNIT_EXPECT_EQ(test, PTR_ERR(v), -EACCES);
	KUNIT_EXPECT_EQ(test, vpmc_may_monitor(NULL, current), -EACCES);
	put_cred(cred);
	wake_up_process(root.task);
	th_stop(test, &root);
	KUNIT_EXPECT_EQ(test, PTR_ERR(vpmc_create_task_on(pmu, &attr, NULL, NULL)),
			-EINVAL);
}

static struct kunit_case thread_cases[] = {
	KUNIT_CASE(thread_alternate),
	KUNIT_CASE(thread_migrate),
	KUNIT_CASE(thread_two_pmus),
	KUNIT_CASE(thread_switch_parks_counter),
	KUNIT_CASE(thread_inherit),
	KUNIT_CASE(thread_inherit_destroy),
	KUNIT_CASE(thread_destroy_running),
	KUNIT_CASE(thread_swap),
	KUNIT_CASE(thread_priority),
	KUNIT_CASE(thread_hotplug),
	KUNIT_CASE(thread_permission),
	{}
};

static struct kunit_suite thread_suite = {
	.name = "vpmc_thread",
	.init = th_init,
	.exit = th_exit,
	.test_cases = thread_cases,
};

kunit_test_suites(&thread_suite);
