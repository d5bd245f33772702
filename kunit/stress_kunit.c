// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: the arbiter under random operations and under concurrency.
 *
 * vpmc_model drives thousands of random create/destroy/start/stop/write/
 * inject steps with mixed priorities and flags against a reference model of
 * the counts, checking the arbiter's invariants after every step.
 * vpmc_concurrency runs kthreads on every online CPU that create, read and
 * destroy virtual PMCs on every CPU while another kthread raises simulated
 * overflow interrupts; lockdep, KASAN and kmemleak judge the run.
 * vpmc_lifetime checks that virtual PMCs pin vpmc.ko.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>

#include <vpmc/internal.h>
#include "arch/sim/sim.h"

static const u64 model_events[] = { 0x02, 0x10, 0x11, 0x12 };
static const int model_prios[] = { 100, 150, 200 };

#define MODEL_MAX	16
#define MODEL_STEPS	3000

struct model_vpmc {
	struct vpmc *v;
	u64 config;
	bool started;
	u64 expect;
};

struct model {
	struct model_vpmc m[MODEL_MAX];
	unsigned int n;
};

static u32 rnd(u32 below)
{
	return get_random_u32_below(below);
}

static void model_create(struct kunit *test, struct vpmc_pmu *pmu,
			 struct model *model)
{
	struct vpmc_attr attr = {
		.config = model_events[rnd(ARRAY_SIZE(model_events))],
		.priority = model_prios[rnd(ARRAY_SIZE(model_prios))],
	};
	struct vpmc *v;

	if (!rnd(10))
		attr.flags |= VPMC_F_EXCLUSIVE;
	if (!rnd(10))
		attr.flags |= VPMC_F_PINNED;
	v = vpmc_create_on(pmu, &attr, 0);
	if (IS_ERR(v)) {
		KUNIT_EXPECT_EQ(test, PTR_ERR(v), -EBUSY);
		return;
	}
	model->m[model->n++] = (struct model_vpmc){ .v = v, .config = attr.config };
}

static void model_inject(struct kunit *test, struct vpmc_pmu *pmu,
			 struct model *model)
{
	u64 config = model_events[rnd(ARRAY_SIZE(model_events))];
	u64 n = rnd(8) ? 1 + rnd(1000) : 1 + rnd(U32_MAX);
	unsigned int i;

	/* Injection does not move anybody: who counts is known before. */
	for (i = 0; i < model->n; i++) {
		struct model_vpmc *m = &model->m[i];

		if (m->config == config && m->started && vpmc_counter_of(m->v) >= 0)
			m->expect += n;
	}
	KUNIT_ASSERT_EQ(test, vpmc_sim_inject(pmu, 0, config, n), 0);
}

static bool model_verify(struct kunit *test, struct vpmc_pmu *pmu,
			 struct model *model, unsigned int step)
{
	struct vpmc_value val;
	unsigned int i;
	int ret;

	if (vpmc_pmu_check(pmu)) {
		KUNIT_FAIL(test, "step %u: arbiter invariants broken (see log)", step);
		return false;
	}
	for (i = 0; i < model->n; i++) {
		struct model_vpmc *m = &model->m[i];

		ret = vpmc_read(m->v, &val);
		if (ret && ret != -EBUSY) {
			KUNIT_FAIL(test, "step %u: read %d", step, ret);
			return false;
		}
		if ((ret == -EBUSY) != (vpmc_counter_of(m->v) < 0) ||
		    val.count != m->expect) {
			KUNIT_FAIL(test, "step %u: vpmc %u: read %d count %llu, model %llu",
				   step, i, ret, val.count, m->expect);
			return false;
		}
	}
	return true;
}

static void model_random_steps(struct kunit *test)
{
	struct vpmc_sim_config cfg = { .num_gp = 2, .num_fixed = 1, .width = 32 };
	struct model *model = kunit_kzalloc(test, sizeof(*model), GFP_KERNEL);
	struct vpmc_pmu *pmu;
	unsigned int step, i;

	KUNIT_ASSERT_NOT_NULL(test, model);
	pmu = vpmc_sim_create(&cfg);
	KUNIT_ASSERT_FALSE(test, IS_ERR(pmu));

	for (step = 0; step < MODEL_STEPS; step++) {
		u32 op = rnd(100);
		struct model_vpmc *m = model->n ? &model->m[rnd(model->n)] : NULL;

		if (op < 20 || !m) {
			if (model->n < MODEL_MAX)
				model_create(test, pmu, model);
		} else if (op < 32) {
			vpmc_destroy(m->v);
			*m = model->m[--model->n];
		} else if (op < 47) {
			KUNIT_EXPECT_EQ(test, vpmc_start(m->v), 0);
			m->started = true;
		} else if (op < 57) {
			KUNIT_EXPECT_EQ(test, vpmc_stop(m->v), 0);
			m->started = false;
		} else if (op < 62) {
			m->expect = get_random_u64() >> 8;
			KUNIT_EXPECT_EQ(test, vpmc_write(m->v, m->expect), 0);
		} else {
			model_inject(test, pmu, model);
		}
		if (!model_verify(test, pmu, model, step))
			break;
	}
	for (i = 0; i < model->n; i++)
		vpmc_destroy(model->m[i].v);
	KUNIT_EXPECT_TRUE(test, vpmc_pmu_is_idle(pmu));
	KUNIT_EXPECT_EQ(test, vpmc_sim_destroy(pmu), 0);
}

static struct kunit_case model_cases[] = {
	KUNIT_CASE(model_random_steps),
	{}
};

static struct kunit_suite model_suite = {
	.name = "vpmc_model",
	.test_cases = model_cases,
};

/* === Concurrency === */

#define CONC_ITERS	150

struct conc {
	struct vpmc_pmu *pmu;
	atomic_t errors;
	atomic_long_t fires;
	struct completion *done;	/* one per possible CPU */
};

/* Each callback writes into memory its creator frees right after destroy. */
struct conc_priv {
	struct conc *conc;
	u64 last;
};

static void conc_overflow(struct vpmc *v, u64 count, void *priv)
{
	struct conc_priv *p = priv;
	u64 now;

	p->last = count;
	/* Callbacks may read their own virtual PMC without locks. */
	if (vpmc_read_local(v, &now) == 0 && now < count)
		atomic_inc(&p->conc->errors);
	atomic_long_inc(&p->conc->fires);
}

static int conc_worker(void *data)
{
	struct conc *conc = data;
	int self = smp_processor_id();
	unsigned int i;

	for (i = 0; i < CONC_ITERS; i++) {
		struct conc_priv *p = kzalloc(sizeof(*p), GFP_KERNEL);
		struct vpmc_attr attr = {
			.config = 0x10 + rnd(3),
			.priority = model_prios[rnd(ARRAY_SIZE(model_prios))],
			.period = 1 + rnd(50),
			.overflow = conc_overflow,
		};
		int cpu = cpumask_nth(rnd(num_online_cpus()), cpu_online_mask);
		struct vpmc_value val;
		struct vpmc *v;
		int ret;

		if (!p)
			break;
		p->conc = conc;
		attr.priv = p;
		v = vpmc_create_on(conc->pmu, &attr, cpu);
		if (IS_ERR(v)) {
			if (PTR_ERR(v) != -EBUSY)
				atomic_inc(&conc->errors);
			kfree(p);
			continue;
		}
		if (vpmc_start(v))
			atomic_inc(&conc->errors);
		if (rnd(2) && vpmc_write(v, rnd(1000)))
			atomic_inc(&conc->errors);
		/* Enough events for a callback, unless preempted meanwhile. */
		if (vpmc_sim_inject(conc->pmu, cpu, attr.config, attr.period))
			atomic_inc(&conc->errors);
		/* -EBUSY is a fair answer: a stronger worker may hold the counter. */
		ret = vpmc_read(v, &val);
		if (ret && ret != -EBUSY)
			atomic_inc(&conc->errors);
		if (rnd(2))
			cond_resched();
		vpmc_destroy(v);
		kfree(p);
	}
	complete(&conc->done[self]);
	while (!kthread_should_stop())
		schedule_timeout_interruptible(1);
	return 0;
}

static int conc_injector(void *data)
{
	struct conc *conc = data;
	int cpu;

	while (!kthread_should_stop()) {
		for_each_online_cpu(cpu)
			vpmc_sim_inject(conc->pmu, cpu, 0x10 + rnd(3), 1 + rnd(300));
		cond_resched();
	}
	return 0;
}

static void concurrency_create_read_destroy(struct kunit *test)
{
	struct vpmc_sim_config cfg = { .num_gp = 2, .num_fixed = 0, .width = 32 };
	struct conc *conc = kunit_kzalloc(test, sizeof(*conc), GFP_KERNEL);
	struct task_struct **workers, *injector;
	int cpu;

	KUNIT_ASSERT_NOT_NULL(test, conc);
	workers = kunit_kcalloc(test, nr_cpu_ids, sizeof(*workers), GFP_KERNEL);
	conc->done = kunit_kcalloc(test, nr_cpu_ids, sizeof(*conc->done), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, workers);
	KUNIT_ASSERT_NOT_NULL(test, conc->done);
	conc->pmu = vpmc_sim_create(&cfg);
	KUNIT_ASSERT_FALSE(test, IS_ERR(conc->pmu));

	injector = kthread_run(conc_injector, conc, "vpmc-inject");
	KUNIT_ASSERT_FALSE(test, IS_ERR(injector));
	for_each_online_cpu(cpu) {
		init_completion(&conc->done[cpu]);
		workers[cpu] = kthread_create(conc_worker, conc, "vpmc-work/%d", cpu);
		if (IS_ERR(workers[cpu])) {
			workers[cpu] = NULL;
			complete(&conc->done[cpu]);
			atomic_inc(&conc->errors);
			continue;
		}
		kthread_bind(workers[cpu], cpu);
		wake_up_process(workers[cpu]);
	}
	for_each_online_cpu(cpu) {
		wait_for_completion(&conc->done[cpu]);
		if (workers[cpu])
			kthread_stop(workers[cpu]);
	}
	kthread_stop(injector);

	KUNIT_EXPECT_EQ(test, atomic_read(&conc->errors), 0);
	KUNIT_EXPECT_GT(test, atomic_long_read(&conc->fires), 0L);
	KUNIT_EXPECT_EQ(test, vpmc_pmu_check(conc->pmu), 0);
	KUNIT_EXPECT_TRUE(test, vpmc_pmu_is_idle(conc->pmu));
	KUNIT_EXPECT_EQ(test, vpmc_sim_destroy(conc->pmu), 0);
	kunit_info(test, "%ld overflow callbacks", atomic_long_read(&conc->fires));
}

static struct kunit_case concurrency_cases[] = {
	KUNIT_CASE(concurrency_create_read_destroy),
	{}
};

static struct kunit_suite concurrency_suite = {
	.name = "vpmc_concurrency",
	.test_cases = concurrency_cases,
};

/* === Lifetime === */

/* vpmc.ko cannot be unloaded while a virtual PMC exists. */
static void lifetime_vpmc_pins_module(struct kunit *test)
{
	struct vpmc_attr attr = { .config = 0x1234, .priority = VPMC_PRIO_USER };
	struct module *mod = vpmc_owner();
	int before;
	struct vpmc *v;

	KUNIT_ASSERT_NOT_NULL(test, mod);
	before = module_refcount(mod);
	v = vpmc_create(&attr, 0);
	if (IS_ERR(v))
		kunit_skip(test, "default PMU cannot count 0x1234: %ld", PTR_ERR(v));
	KUNIT_EXPECT_EQ(test, module_refcount(mod), before + 1);
	vpmc_destroy(v);
	KUNIT_EXPECT_EQ(test, module_refcount(mod), before);
}

/* A PMU instance with virtual PMCs refuses to go. */
static void lifetime_busy_pmu_refuses_destroy(struct kunit *test)
{
	struct vpmc_sim_config cfg = { .num_gp = 1, .width = 48 };
	struct vpmc_attr attr = { .config = 0x10, .priority = VPMC_PRIO_USER };
	struct vpmc_pmu *pmu = vpmc_sim_create(&cfg);
	struct vpmc *v;

	KUNIT_ASSERT_FALSE(test, IS_ERR(pmu));
	v = vpmc_create_on(pmu, &attr, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(v));
	KUNIT_EXPECT_EQ(test, vpmc_sim_destroy(pmu), -EBUSY);
	KUNIT_EXPECT_FALSE(test, vpmc_pmu_is_idle(pmu));
	vpmc_destroy(v);
	KUNIT_EXPECT_TRUE(test, vpmc_pmu_is_idle(pmu));
	KUNIT_EXPECT_EQ(test, vpmc_sim_destroy(pmu), 0);
}

static struct kunit_case lifetime_cases[] = {
	KUNIT_CASE(lifetime_vpmc_pins_module),
	KUNIT_CASE(lifetime_busy_pmu_refuses_destroy),
	{}
};

static struct kunit_suite lifetime_suite = {
	.name = "vpmc_lifetime",
	.test_cases = lifetime_cases,
};

kunit_test_suites(&model_suite, &concurrency_suite, &lifetime_suite);
