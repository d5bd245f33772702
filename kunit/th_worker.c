// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit helpers for per-thread virtual PMCs: kunit/th_worker.h.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/sched/task.h>

#include "arch/sim/sim.h"
#include "th_worker.h"

struct vpmc_pmu *th_pmu(struct kunit *test, unsigned int gp)
{
	struct vpmc_sim_config cfg = { .num_gp = gp, .width = 32 };
	struct th_ctx *ctx = test->priv;

	ctx->pmu = vpmc_sim_create(&cfg);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx->pmu));
	return ctx->pmu;
}

int th_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct th_ctx), GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

/* Every test leaves its PMU idle and the scheduler hooks off. */
void th_exit(struct kunit *test)
{
	struct th_ctx *ctx = test->priv;

	if (!ctx->pmu)
		return;
	KUNIT_EXPECT_EQ(test, vpmc_pmu_check(ctx->pmu), 0);
	KUNIT_EXPECT_TRUE(test, vpmc_pmu_is_idle(ctx->pmu));
	KUNIT_EXPECT_EQ(test, vpmc_sim_destroy(ctx->pmu), 0);
	KUNIT_EXPECT_FALSE(test, vpmc_thread_hooked());
}

static int th_worker_fn(void *arg)
{
	struct th_worker *w = arg;
	int cpu, ret;

	for (;;) {
		wait_for_completion(&w->go);
		if (!w->amount)
			break;
		if (w->cpu >= 0)
			set_cpus_allowed_ptr(current, cpumask_of(w->cpu));
		/* Inject on the CPU it runs on, preemption off meanwhile. */
		cpu = get_cpu();
		ret = vpmc_sim_inject(w->pmu, cpu, w->config, w->amount);
		if (!ret && w->pmu2)
			ret = vpmc_sim_inject(w->pmu2, cpu, w->config, w->amount);
		put_cpu();
		if (ret)
			w->err = ret;
		else
			w->injected += w->amount;
		if (w->self) {
			struct vpmc_value val;

			if (!vpmc_read(w->self, &val) && val.count == w->injected &&
			    val.time_running == val.time_enabled)
				w->self_ok++;
		}
		complete(&w->done);
	}
	return 0;
}

void th_start(struct kunit *test, struct th_worker *w,
	      struct vpmc_pmu *pmu, u64 config, int cpu)
{
	w->pmu = pmu;
	w->config = config;
	w->cpu = -1;
	init_completion(&w->go);
	init_completion(&w->done);
	w->task = kthread_create(th_worker_fn, w, "vpmc-kunit");
	KUNIT_ASSERT_FALSE(test, IS_ERR(w->task));
	get_task_struct(w->task);
	if (cpu >= 0)
		kthread_bind(w->task, cpu);
}

/*
 * Wait until a just-woken worker is asleep again and off its CPU (its
 * sched_switch hook has run), so events injected there now are not its.
 */
void th_wait_asleep(struct kunit *test, struct th_worker *w)
{
	unsigned int i;

	for (i = 0; i < 1000; i++) {
		if (READ_ONCE(w->task->__state) != TASK_RUNNING &&
		    !READ_ONCE(w->task->on_cpu))
			return;
		usleep_range(1000, 2000);
	}
	KUNIT_FAIL(test, "worker never went to sleep");
}

/* One turn: move to @cpu (or stay, -1) and inject @amount. */
void th_turn(struct th_worker *w, u64 amount, int cpu)
{
	w->amount = amount;
	w->cpu = cpu;
	complete(&w->go);
	wait_for_completion(&w->done);
}

/* Tell it to exit and wait until it is dead (past the exit hook). */
void th_stop(struct kunit *test, struct th_worker *w)
{
	unsigned int i;

	w->amount = 0;
	complete(&w->go);
	for (i = 0; i < 200 && !READ_ONCE(w->task->exit_state); i++)
		msleep(20);
	KUNIT_EXPECT_TRUE(test, READ_ONCE(w->task->exit_state) != 0);
	put_task_struct(w->task);
}

atomic_t th_exits;

void th_notice(struct vpmc *v, enum vpmc_notice notice, void *priv)
{
	if (notice == VPMC_NOTICE_EXIT)
		atomic_inc(&th_exits);
}

struct vpmc *th_vpmc(struct kunit *test, struct vpmc_pmu *pmu,
		     struct task_struct *task, u64 config, unsigned int flags)
{
	struct vpmc_attr attr = {
		.config = config, .priority = VPMC_PRIO_USER, .flags = flags,
		.notice = th_notice,
	};
	struct vpmc *v = vpmc_create_task_on(pmu, &attr, task, NULL);

	KUNIT_ASSERT_FALSE(test, IS_ERR(v));
	KUNIT_ASSERT_EQ(test, vpmc_start(v), 0);
	return v;
}

u64 th_count(struct kunit *test, struct vpmc *v)
{
	struct vpmc_value val;

	KUNIT_EXPECT_EQ(test, vpmc_read(v, &val), 0);
	return val.count;
}

