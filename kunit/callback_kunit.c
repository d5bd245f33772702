// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: what overflow callbacks may do, and what a destroy means to the
 * callbacks of other virtual PMCs (Documentation/design.rst, "Lifetime"),
 * on private simulated PMUs.
 *
 * A virtual PMC destroyed while a callback still holds it stays memory
 * for a grace period, and every operation on it fails with -ENODEV;
 * destroying a virtual PMC from a callback is refused (with a warning the
 * check log expects); a write from a callback keeps the events counted
 * since the threshold it was told of; throttling is measured on a clock
 * the test controls; a callback is told where its overflow interrupted,
 * as the interrupt (or the NMI, before vpmc defers it) saw it.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/rcupdate.h>
#include <linux/sched/clock.h>
#include <linux/sched/task.h>
#include <asm/ptrace.h>

#include <vpmc/internal.h>
#include "arch/sim/sim.h"
#include "core/backend.h"

#define EV_A		0x10
#define EV_B		0x11

struct cb_ctx {
	struct vpmc_pmu *pmu;
};

static int cb_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct cb_ctx), GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

/* Every test leaves its PMU idle and consistent. */
static void cb_exit(struct kunit *test)
{
	struct cb_ctx *ctx = test->priv;

	if (!ctx->pmu)
		return;
	KUNIT_EXPECT_EQ(test, vpmc_pmu_check(ctx->pmu), 0);
	KUNIT_EXPECT_TRUE(test, vpmc_pmu_is_idle(ctx->pmu));
	KUNIT_EXPECT_EQ(test, vpmc_sim_destroy(ctx->pmu), 0);
}

static struct vpmc_pmu *cb_pmu(struct kunit *test, unsigned int gp)
{
	struct vpmc_sim_config cfg = { .num_gp = gp, .width = 48 };
	struct cb_ctx *ctx = test->priv;

	ctx->pmu = vpmc_sim_create(&cfg);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx->pmu));
	return ctx->pmu;
}

/* Inject on @cpu from there, interrupts off as the simulator wants. */
struct cb_inject {
	struct vpmc_pmu *pmu;
	u64 config;
	u64 n;
	int ret;
};

static void cb_inject_fn(void *info)
{
	struct cb_inject *in = info;

	in->ret = vpmc_sim_inject(in->pmu, smp_processor_id(), in->config, in->n);
}

static void cb_inject(struct kunit *test, struct vpmc_pmu *pmu, int cpu,
		      u64 config, u64 n)
{
	struct cb_inject in = { .pmu = pmu, .config = config, .n = n };

	KUNIT_ASSERT_EQ(test, smp_call_function_single(cpu, cb_inject_fn, &in, 1), 0);
	KUNIT_ASSERT_EQ(test, in.ret, 0);
}

static u64 cb_count(struct kunit *test, struct vpmc *v)
{
	struct vpmc_value val;

	KUNIT_EXPECT_EQ(test, vpmc_read(v, &val), 0);
	return val.count;
}

/* The destroyer: another thread, on another CPU. */
struct cb_destroyer {
	struct vpmc *victim;
	struct completion done;
};

static int cb_destroy_fn(void *arg)
{
	struct cb_destroyer *d = arg;

	vpmc_destroy(d->victim);
	complete(&d->done);
	return 0;
}

struct cb_local {
	struct vpmc *v;
	int ret;
};

static void cb_read_local_fn(void *info)
{
	struct cb_local *l = info;
	u64 count = 0;

	l->ret = vpmc_read_local(l->v, &count);
}

/*
 * A callback that found a virtual PMC before its owner destroyed it (the
 * UAF once found through perfmon's reg_reset_pmds) runs with interrupts
 * off: within the grace period that vpmc_destroy() leaves before freeing,
 * every operation on it is refused with -ENODEV and changes nothing. An
 * RCU read-side section stands in for the callback here.
 */
static void cb_destroyed_under_reader(struct kunit *test)
{
	struct vpmc_pmu *pmu = cb_pmu(test, 2);
	struct vpmc_attr attr = { .config = EV_B, .priority = VPMC_PRIO_USER };
	int c0 = cpumask_first(cpu_online_mask);
	int c1 = cpumask_last(cpu_online_mask);
	struct cb_destroyer d = {};
	struct vpmc_value val;
	struct task_struct *t;
	struct cb_local local = {};
	struct vpmc *v;

	if (c0 == c1)
		kunit_skip(test, "needs two CPUs");
	v = vpmc_create_on(pmu, &attr, c0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(v));
	KUNIT_ASSERT_EQ(test, vpmc_start(v), 0);
	cb_inject(test, pmu, c0, EV_B, 5);
	init_completion(&d.done);
	d.victim = v;
	t = kthread_create(cb_destroy_fn, &d, "vpmc-kunit-destroy");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	kthread_bind(t, c1);

	rcu_read_lock();
	wake_up_process(t);
	/* Spin, not sleep: a reader may not block. */
	while (!completion_done(&d.done))
		cpu_relax();
	KUNIT_EXPECT_EQ(test, vpmc_start(v), -ENODEV);
	KUNIT_EXPECT_EQ(test, vpmc_stop(v), -ENODEV);
	KUNIT_EXPECT_EQ(test, vpmc_write(v, 0), -ENODEV);
	KUNIT_EXPECT_EQ(test, vpmc_read(v, &val), -ENODEV);
	local.v = v;
	KUNIT_EXPECT_EQ(test, smp_call_function_single(c0, cb_read_local_fn,
						       &local, 1), 0);
	KUNIT_EXPECT_EQ(test, local.ret, -ENODEV);
	rcu_read_unlock();
	/* The counter it held is free, and nothing counts there. */
	KUNIT_EXPECT_EQ(test, vpmc_pmu_check(pmu), 0);
	KUNIT_EXPECT_TRUE(test, vpmc_pmu_is_idle(pmu));
	rcu_barrier();
}

static struct vpmc *cb_self;
static int cb_self_calls;

static void cb_destroy_self(struct vpmc *v, u64 count, void *priv)
{
	cb_self_calls++;
	/* Documented misuse: vpmc_destroy() warns once and does nothing. */
	vpmc_destroy(v);
}

/*
 * Destroying a virtual PMC from its own overflow callback (hard interrupt)
 * is refused: one warning, and it goes on counting and firing. The check
 * log expects the warning that the marker line announces.
 */
static void cb_destroy_in_callback(struct kunit *test)
{
	struct vpmc_pmu *pmu = cb_pmu(test, 1);
	struct vpmc_attr attr = {
		.config = EV_A, .priority = VPMC_PRIO_USER, .period = 10,
		.overflow = cb_destroy_self,
	};
	int cpu = cpumask_first(cpu_online_mask);

	cb_self_calls = 0;
	cb_self = vpmc_create_on(pmu, &attr, cpu);
	KUNIT_ASSERT_FALSE(test, IS_ERR(cb_self));
	KUNIT_ASSERT_EQ(test, vpmc_start(cb_self), 0);
	pr_info("VPMC-EXPECT-WARN vpmc_destroy\n");
	cb_inject(test, pmu, cpu, EV_A, 25);
	KUNIT_EXPECT_EQ(test, cb_self_calls, 2);
	KUNIT_EXPECT_EQ(test, cb_count(test, cb_self), 25ULL);
	cb_inject(test, pmu, cpu, EV_A, 5);
	KUNIT_EXPECT_EQ(test, cb_self_calls, 3);
	vpmc_destroy(cb_self);
}

/* A clock the test advances: each slow callback takes 60 us of it. */
static atomic64_t cb_now;
#define CB_NS		60000

static u64 cb_clock(void)
{
	return atomic64_read(&cb_now);
}

static int cb_calls, cb_write_errs;
static u64 cb_at;

static void cb_slow_rewrite(struct vpmc *v, u64 count, void *priv)
{
	atomic64_add(CB_NS, &cb_now);
	cb_calls++;
	cb_at = count;
	/* perfmon-style reload: the count at the threshold becomes 0. */
	if (vpmc_write(v, 0))
		cb_write_errs++;
}

/* Wait until @cpu's counters are no longer throttled (a real timer). */
static void cb_wait_unthrottled(struct kunit *test, struct vpmc_pmu *pmu, int cpu)
{
	unsigned int i;

	for (i = 0; i < 5000 && vpmc_pmu_throttled(pmu, cpu); i++)
		usleep_range(1000, 2000);
	KUNIT_ASSERT_EQ(test, vpmc_pmu_throttled(pmu, cpu), 0UL);
}

/*
 * Throttled on the test's clock (100 us a millisecond; two callbacks of
 * 60 us spend it), the counter goes on counting; after the window the next
 * event fires once, for the last threshold passed. A callback that writes
 * 0 then keeps the events counted since that threshold: none are lost.
 */
static void cb_throttled_write_keeps_since(struct kunit *test)
{
	struct vpmc_pmu *pmu = cb_pmu(test, 1);
	struct vpmc_attr attr = {
		.config = EV_A, .priority = VPMC_PRIO_USER, .period = 10,
		.overflow = cb_slow_rewrite,
	};
	int cpu = cpumask_first(cpu_online_mask);
	struct vpmc *v;

	atomic64_set(&cb_now, 1000000000ULL);
	cb_calls = 0;
	cb_write_errs = 0;
	KUNIT_ASSERT_EQ(test, vpmc_pmu_set_clock(pmu, cb_clock), 0);
	KUNIT_ASSERT_EQ(test, vpmc_pmu_set_overflow_limit(pmu, 10), 0);
	v = vpmc_create_on(pmu, &attr, cpu);
	KUNIT_ASSERT_FALSE(test, IS_ERR(v));
	KUNIT_EXPECT_EQ(test, vpmc_pmu_set_clock(pmu, NULL), -EBUSY);
	KUNIT_ASSERT_EQ(test, vpmc_start(v), 0);

	/* Each callback rewinds to 0: thresholds at 10 events apart. */
	cb_inject(test, pmu, cpu, EV_A, 20);
	KUNIT_EXPECT_EQ(test, cb_calls, 2);
	KUNIT_EXPECT_EQ(test, cb_count(test, v), 0ULL);
	/* A third callback would spend more than the window allows. */
	cb_inject(test, pmu, cpu, EV_A, 1000);
	KUNIT_EXPECT_EQ(test, cb_calls, 2);
	KUNIT_EXPECT_EQ(test, cb_count(test, v), 1000ULL);

	cb_wait_unthrottled(test, pmu, cpu);
	atomic64_add(10 * NSEC_PER_MSEC, &cb_now);
	cb_inject(test, pmu, cpu, EV_A, 3);
	/* One catch-up callback, for 1000; 3 events since it stay. */
	KUNIT_EXPECT_EQ(test, cb_calls, 3);
	KUNIT_EXPECT_EQ(test, cb_at, 1000ULL);
	KUNIT_EXPECT_EQ(test, cb_count(test, v), 3ULL);
	/* And the next threshold is a period after the written count. */
	cb_inject(test, pmu, cpu, EV_A, 7);
	KUNIT_EXPECT_EQ(test, cb_calls, 4);
	KUNIT_EXPECT_EQ(test, cb_at, 10ULL);
	KUNIT_EXPECT_EQ(test, cb_write_errs, 0);
	vpmc_destroy(v);
}

/* What each overflow callback was told of its interrupt. */
struct cb_sampler {
	struct vpmc *other;
	struct vpmc_sample s[4];
	int ret[4];
	u64 called_at[4];
	int other_ret;
	unsigned int n;
};

static void cb_sample_fn(struct vpmc *v, u64 count, void *priv)
{
	struct cb_sampler *c = priv;
	struct vpmc_sample other;

	if (c->n >= ARRAY_SIZE(c->s))
		return;
	c->ret[c->n] = vpmc_overflow_sample(v, &c->s[c->n]);
	c->called_at[c->n] = local_clock();
	/* Another virtual PMC's sample is not this callback's to ask. */
	c->other_ret = vpmc_overflow_sample(c->other, &other);
	c->n++;
}

/* Injected on this CPU, interrupts off, bracketed by the clock. */
struct cb_regs_inject {
	struct vpmc_pmu *pmu;
	struct pt_regs *regs;
	u64 before;
	u64 after;
	int ret;
};

static void cb_regs_inject_fn(void *info)
{
	struct cb_regs_inject *in = info;

	in->before = local_clock();
	in->ret = vpmc_sim_inject_regs(in->pmu, smp_processor_id(), EV_A, 250,
				       in->regs);
	in->after = local_clock();
}

/*
 * Two thresholds (100, 200) passed by one injection of 250 events that
 * says it interrupted @regs: both callbacks get the IP, mode, thread, CPU
 * and a time inside the injection. Through the NMI path the dispatch
 * comes later, from the CPU's irq_work, and must still tell what the NMI
 * saw, not what the irq_work interrupted.
 */
static void cb_sample(struct kunit *test, bool nmi)
{
	struct vpmc_sim_config cfg = { .num_gp = 2, .width = 48, .nmi = nmi };
	struct cb_ctx *ctx = test->priv;
	struct cb_sampler *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	struct vpmc_attr attr = {
		.config = EV_A, .priority = VPMC_PRIO_USER, .period = 100,
		.overflow = cb_sample_fn, .priv = c,
	};
	struct vpmc_attr plain = { .config = EV_B, .priority = VPMC_PRIO_USER };
	struct pt_regs regs = {};
	struct cb_regs_inject in = { .regs = &regs };
	struct vpmc_sample s;
	struct vpmc *v;
	unsigned int i;
	int cpu;

	KUNIT_ASSERT_NOT_NULL(test, c);
	ctx->pmu = vpmc_sim_create(&cfg);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx->pmu));
	in.pmu = ctx->pmu;
	instruction_pointer_set(&regs, (unsigned long)cb_sample_fn);

	/* Pinned, so the interrupted thread is this one (a KUnit kthread). */
	cpu = cpumask_first(cpu_online_mask);
	KUNIT_ASSERT_EQ(test, set_cpus_allowed_ptr(current, cpumask_of(cpu)), 0);
	v = vpmc_create_on(ctx->pmu, &attr, cpu);
	c->other = vpmc_create_on(ctx->pmu, &plain, cpu);
	KUNIT_ASSERT_FALSE(test, IS_ERR(v));
	KUNIT_ASSERT_FALSE(test, IS_ERR(c->other));
	KUNIT_ASSERT_EQ(test, vpmc_start(v), 0);
	/* Outside its callback: refused, and nothing written. */
	memset(&s, 0xa5, sizeof(s));
	KUNIT_EXPECT_EQ(test, vpmc_overflow_sample(v, &s), -EINVAL);
	KUNIT_EXPECT_EQ(test, s.ip, 0xa5a5a5a5a5a5a5a5ULL);

	KUNIT_EXPECT_EQ(test, smp_call_function_single(cpu, cb_regs_inject_fn, &in, 1), 0);
	vpmc_pmu_overflow_sync(ctx->pmu, cpu);
	KUNIT_EXPECT_EQ(test, in.ret, 0);
	KUNIT_ASSERT_EQ(test, c->n, 2U);
	for (i = 0; i < c->n; i++) {
		KUNIT_EXPECT_EQ(test, c->ret[i], 0);
		KUNIT_EXPECT_EQ(test, c->s[i].ip, (u64)(unsigned long)cb_sample_fn);
		KUNIT_EXPECT_EQ(test, c->s[i].user, (bool)user_mode(&regs));
		KUNIT_EXPECT_EQ(test, c->s[i].pid, task_pid_nr(current));
		KUNIT_EXPECT_EQ(test, c->s[i].tgid, task_tgid_nr(current));
		KUNIT_EXPECT_EQ(test, c->s[i].cpu, (unsigned int)cpu);
		KUNIT_EXPECT_GE(test, c->s[i].time, in.before);
		KUNIT_EXPECT_LE(test, c->s[i].time, in.after);
		KUNIT_EXPECT_LE(test, c->s[i].time, c->called_at[i]);
	}
	KUNIT_EXPECT_EQ(test, c->other_ret, -EINVAL);
	vpmc_destroy(c->other);
	vpmc_destroy(v);
	set_cpus_allowed_ptr(current, cpu_possible_mask);
}

static void cb_sample_irq(struct kunit *test)
{
	cb_sample(test, false);
}

static void cb_sample_nmi(struct kunit *test)
{
	cb_sample(test, true);
}

static struct kunit_case cb_cases[] = {
	KUNIT_CASE(cb_sample_irq),
	KUNIT_CASE(cb_sample_nmi),
	KUNIT_CASE(cb_destroyed_under_reader),
	KUNIT_CASE(cb_destroy_in_callback),
	KUNIT_CASE(cb_throttled_write_keeps_since),
	{}
};

static struct kunit_suite cb_suite = {
	.name = "vpmc_callbacks",
	.init = cb_init,
	.exit = cb_exit,
	.test_cases = cb_cases,
};

kunit_test_suite(cb_suite);
