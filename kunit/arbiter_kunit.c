// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: the arbiter's rules, one suite per rule, on private simulated PMUs.
 *
 * Every test builds its own PMU with vpmc_sim_create() (fake hardware behind
 * the ops table), drives events with vpmc_sim_inject(), checks the arbiter's
 * invariants with vpmc_pmu_check(), and ends by asserting that the PMU is
 * idle, so a test that leaks a virtual PMC fails.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/random.h>
#include <linux/slab.h>

#include <vpmc/internal.h>
#include "arch/sim/sim.h"

MODULE_IMPORT_NS(VPMC_INTERNAL);

#define EV_CYCLES	0x01
#define EV_INSTR	0x02
#define EV_A		0x10
#define EV_B		0x11
#define EV_C		0x12

struct arb_ctx {
	struct vpmc_pmu *pmu;
};

/* The test's simulated PMU; arb_exit() checks and releases it. */
static struct vpmc_pmu *arb_sim(struct kunit *test,
				const struct vpmc_sim_config *cfg)
{
	struct arb_ctx *ctx = test->priv;

	ctx->pmu = vpmc_sim_create(cfg);
	KUNIT_ASSERT_FALSE(test, IS_ERR(ctx->pmu));
	return ctx->pmu;
}

static struct vpmc_pmu *arb_pmu(struct kunit *test, unsigned int gp,
				unsigned int fixed, unsigned int width)
{
	struct vpmc_sim_config cfg = {
		.num_gp = gp, .num_fixed = fixed, .width = width,
	};

	return arb_sim(test, &cfg);
}

static int arb_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct arb_ctx), GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

/* Every test leaves its PMU idle and consistent. */
static void arb_exit(struct kunit *test)
{
	struct arb_ctx *ctx = test->priv;

	if (!ctx->pmu)
		return;
	KUNIT_EXPECT_EQ(test, vpmc_pmu_check(ctx->pmu), 0);
	KUNIT_EXPECT_TRUE(test, vpmc_pmu_is_idle(ctx->pmu));
	KUNIT_EXPECT_EQ(test, vpmc_sim_destroy(ctx->pmu), 0);
}

/* Create on CPU 0; the test stops here if that fails. */
static struct vpmc *mk_attr(struct kunit *test, struct vpmc_pmu *pmu,
			    const struct vpmc_attr *attr)
{
	struct vpmc *v = vpmc_create_on(pmu, attr, 0);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(v), "create %#llx prio %d: %ld",
			       attr->config, attr->priority, PTR_ERR_OR_ZERO(v));
	return v;
}

static struct vpmc *mk(struct kunit *test, struct vpmc_pmu *pmu, u64 config,
		       int prio, unsigned int flags)
{
	struct vpmc_attr attr = {
		.config = config, .priority = prio, .flags = flags,
	};

	return mk_attr(test, pmu, &attr);
}

static u64 count_of(struct kunit *test, struct vpmc *v)
{
	struct vpmc_value val;

	KUNIT_EXPECT_EQ(test, vpmc_read(v, &val), 0);
	return val.count;
}

static void inject(struct kunit *test, struct vpmc_pmu *pmu, u64 config, u64 n)
{
	KUNIT_ASSERT_EQ(test, vpmc_sim_inject(pmu, 0, config, n), 0);
}

/* === Rule 1: constraints === */

struct placement_case {
	const char *name;
	u64 config;
	unsigned int flags;
	int expect;	/* counter index, or -errno */
};

/* 4 general + 3 fixed (instructions 4, cycles 5, ref-cycles 6). */
static const struct placement_case placement_cases[] = {
	{ "raw event: first general", 0x1234, 0, 0 },
	{ "constrained to counter 2", 0x100, 0, 2 },
	{ "constrained to 1 or 3", 0x102, 0, 1 },
	{ "cycles: fixed preferred", EV_CYCLES, 0, 5 },
	{ "instructions: fixed preferred", EV_INSTR, 0, 4 },
	{ "exclusive cycles: fixed too", EV_CYCLES, VPMC_F_EXCLUSIVE, 5 },
	{ "unknown event", 0, 0, -ENOENT },
	{ "known, but no counter allowed", 0x101, 0, -ENOSPC },
	{ "malformed encoding", 1ULL << 20, 0, -EINVAL },
};

static void placement_desc(const struct placement_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(placement, placement_cases, placement_desc);

static struct vpmc_pmu *constrained_pmu(struct kunit *test)
{
	struct vpmc_sim_config cfg = {
		.num_gp = 4, .num_fixed = 3, .width = 48, .num_constraints = 3,
		.constraints = {
			{ .config = 0x100, .mask = BIT(2) },
			{ .config = 0x101, .mask = 0 },
			{ .config = 0x102, .mask = BIT(1) | BIT(3) },
		},
	};

	return arb_sim(test, &cfg);
}

static void constraint_placement(struct kunit *test)
{
	const struct placement_case *c = test->param_value;
	struct vpmc_pmu *pmu = constrained_pmu(test);
	struct vpmc_attr attr = {
		.config = c->config, .priority = VPMC_PRIO_USER, .flags = c->flags,
	};
	struct vpmc *v = vpmc_create_on(pmu, &attr, 0);

	if (c->expect < 0) {
		KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(v), c->expect);
		if (!IS_ERR(v))
			vpmc_destroy(v);
		return;
	}
	KUNIT_ASSERT_FALSE(test, IS_ERR(v));
	KUNIT_EXPECT_EQ(test, vpmc_counter_of(v), c->expect);
	vpmc_destroy(v);
}

/* A constrained event whose only counter is taken waits for nobody: EBUSY. */
static void constraint_only_counter_taken(struct kunit *test)
{
	struct vpmc_pmu *pmu = constrained_pmu(test);
	struct vpmc *a, *b;
	struct vpmc_attr attr = { .config = 0x100, .priority = VPMC_PRIO_USER };

	/* A raw event fills counters 0, 1, 2 (counter 2 last). */
	a = mk(test, pmu, 0x1234, VPMC_PRIO_USER, VPMC_F_EXCLUSIVE);
	b = mk(test, pmu, 0x1235, VPMC_PRIO_USER, VPMC_F_EXCLUSIVE);
	KUNIT_EXPECT_EQ(test, vpmc_counter_of(a), 0);
	KUNIT_EXPECT_EQ(test, vpmc_counter_of(b), 1);
	{
		struct vpmc *c = mk(test, pmu, 0x1236, VPMC_PRIO_USER, 0);
		struct vpmc *d;

		KUNIT_EXPECT_EQ(test, vpmc_counter_of(c), 2);
		d = vpmc_create_on(pmu, &attr, 0);
		KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(d), -EBUSY);
		KUNIT_EXPECT_EQ(test, vpmc_pmu_check(pmu), 0);
		vpmc_destroy(c);
		/* Now counter 2 is free: the constrained event gets it. */
		d = vpmc_create_on(pmu, &attr, 0);
		KUNIT_ASSERT_FALSE(test, IS_ERR(d));
		KUNIT_EXPECT_EQ(test, vpmc_counter_of(d), 2);
		vpmc_destroy(d);
	}
	vpmc_destroy(a);
	vpmc_destroy(b);
}

/* A refused request leaves every other virtual PMC exactly as it was. */
static void constraint_failure_changes_nothing(struct kunit *test)
{
	struct vpmc_pmu *pmu = arb_pmu(test, 1, 0, 48);
	struct vpmc_attr attr = { .config = EV_B, .priority = VPMC_PRIO_USER };
	struct vpmc *a = mk(test, pmu, EV_A, VPMC_PRIO_USER, 0);

	KUNIT_ASSERT_EQ(test, vpmc_start(a), 0);
	inject(test, pmu, EV_A, 100);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(vpmc_create_on(pmu, &attr, 0)), -EBUSY);
	attr.priority = VPMC_PRIO_USER - 1;
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(vpmc_create_on(pmu, &attr, 0)), -EBUSY);
	KUNIT_EXPECT_EQ(test, vpmc_counter_of(a), 0);
	KUNIT_EXPECT_EQ(test, vpmc_pmu_check(pmu), 0);
	inject(test, pmu, EV_A, 23);
	KUNIT_EXPECT_EQ(test, count_of(test, a), 123ULL);
	vpmc_destroy(a);
}

static void attr_noop_overflow(struct vpmc *v, u64 count, void *priv)
{
}

static void constraint_bad_attributes(struct kunit *test)
{
	struct vpmc_pmu *pmu = arb_pmu(test, 2, 0, 48);
	const struct vpmc_attr good = { .config = EV_A, .priority = VPMC_PRIO_USER };
	struct vpmc_attr attr;

	KUNIT_EXPECT_EQ(test, PTR_ERR(vpmc_create_on(pmu, NULL, 0)), -EINVAL);
	attr = good;
	attr.flags = BIT(7);
	KUNIT_EXPECT_EQ(test, PTR_ERR(vpmc_create_on(pmu, &attr, 0)), -EINVAL);
	attr = good;
	attr.priority = VPMC_PRIO_MIN - 1;
	KUNIT_EXPECT_EQ(test, PTR_ERR(vpmc_create_on(pmu, &attr, 0)), -EINVAL);
	attr.priority = VPMC_PRIO_MAX + 1;
	KUNIT_EXPECT_EQ(test, PTR_ERR(vpmc_create_on(pmu, &attr, 0)), -EINVAL);
	attr = good;
	attr.period = 10;
	KUNIT_EXPECT_EQ(test, PTR_ERR(vpmc_create_on(pmu, &attr, 0)), -EINVAL);
	attr = good;
	attr.overflow = attr_noop_overflow;
	attr.period = S64_MAX;
	KUNIT_EXPECT_EQ(test, PTR_ERR(vpmc_create_on(pmu, &attr, 0)), -EINVAL);
	attr = good;
	KUNIT_EXPECT_EQ(test, PTR_ERR(vpmc_create_on(pmu, &attr, -1)), -EINVAL);
	KUNIT_EXPECT_EQ(test, PTR_ERR(vpmc_create_on(pmu, &attr, nr_cpu_ids)), -EINVAL);
	/* set_period needs an overflow callback and a sane period. */
	{
		struct vpmc *v = mk(test, pmu, EV_A, VPMC_PRIO_USER, 0);

		KUNIT_EXPECT_EQ(test, vpmc_set_period(v, 100), -EINVAL);
		vpmc_destroy(v);
	}
	KUNIT_EXPECT_TRUE(test, vpmc_pmu_is_idle(pmu));
}

static struct kunit_case constraint_cases[] = {
	KUNIT_CASE_PARAM(constraint_placement, placement_gen_params),
	KUNIT_CASE(constraint_only_counter_taken),
	KUNIT_CASE(constraint_failure_changes_nothing),
	KUNIT_CASE(constraint_bad_attributes),
	{}
};

static struct kunit_suite constraint_suite = {
	.name = "vpmc_constraints",
	.init = arb_init,
	.exit = arb_exit,
	.test_cases = constraint_cases,
};

/* === Rule 2: sharing === */

static void sharing_same_event_same_counter(struct kunit *test)
{
	struct vpmc_pmu *pmu = arb_pmu(test, 2, 0, 48);
	struct vpmc *a = mk(test, pmu, EV_A, VPMC_PRIO_USER, 0);
	struct vpmc *b = mk(test, pmu, EV_A, VPMC_PRIO_TRACER, 0);
	struct vpmc *c = mk(test, pmu, EV_B, VPMC_PRIO_USER, 0);

	KUNIT_EXPECT_EQ(test, vpmc_counter_of(a), vpmc_counter_of(b));
	KUNIT_EXPECT_NE(test, vpmc_counter_of(a), vpmc_counter_of(c));
	vpmc_destroy(c);
	vpmc_destroy(b);
	vpmc_destroy(a);
}

/* Each sharer has its own base: start, stop, write, destroy are private. */
static void sharing_independent_counts(struct kunit *test)
{
	struct vpmc_pmu *pmu = arb_pmu(test, 1, 0, 48);
	struct vpmc *a = mk(test, pmu, EV_A, VPMC_PRIO_USER, 0);
	struct vpmc *b = mk(test, pmu, EV_A, VPMC_PRIO_USER, 0);
	struct vpmc *c;

	KUNIT_ASSERT_EQ(test, vpmc_start(a), 0);
	inject(test, pmu, EV_A, 10);
	KUNIT_ASSERT_EQ(test, vpmc_start(b), 0);
	inject(test, pmu, EV_A, 5);
	KUNIT_EXPECT_EQ(test, count_of(test, a), 15ULL);
	KUNIT_EXPECT_EQ(test, count_of(test, b), 5ULL);

	KUNIT_ASSERT_EQ(test, vpmc_stop(b), 0);
	inject(test, pmu, EV_A, 7);
	KUNIT_EXPECT_EQ(test, count_of(test, a), 22ULL);
	KUNIT_EXPECT_EQ(test, count_of(test, b), 5ULL);

	KUNIT_ASSERT_EQ(test, vpmc_write(b, 1000), 0);
	KUNIT_ASSERT_EQ(test, vpmc_start(b), 0);
	inject(test, pmu, EV_A, 3);
	KUNIT_EXPECT_EQ(test, count_of(test, a), 25ULL);
	KUNIT_EXPECT_EQ(test, count_of(test, b), 1003ULL);

	/* A third sharer arriving late starts from zero. */
	c = mk(test, pmu, EV_A, VPMC_PRIO_USER, 0);
	KUNIT_ASSERT_EQ(test, vpmc_start(c), 0);
	vpmc_destroy(b);
	inject(test, pmu, EV_A, 4);
	KUNIT_EXPECT_EQ(test, count_of(test, a), 29ULL);
	KUNIT_EXPECT_EQ(test, count_of(test, c), 4ULL);
	vpmc_destroy(a);
	inject(test, pmu, EV_A, 1);
	KUNIT_EXPECT_EQ(test, count_of(test, c), 5ULL);
	vpmc_destroy(c);
}

static void sharing_exclusive_refuses(struct kunit *test)
{
	struct vpmc_pmu *pmu = arb_pmu(test, 2, 0, 48);
	struct vpmc_attr attr = { .config = EV_A, .priority = VPMC_PRIO_USER };
	struct vpmc *a = mk(test, pmu, EV_A, VPMC_PRIO_USER, VPMC_F_EXCLUSIVE);
	struct vpmc *b = mk(test, pmu, EV_A, VPMC_PRIO_USER, 0);
	struct vpmc *c;

	KUNIT_EXPECT_NE(test, vpmc_counter_of(a), vpmc_counter_of(b));
	/* b's counter is shareable; an exclusive request is not. */
	c = mk(test, pmu, EV_A, VPMC_PRIO_USER, 0);
	KUNIT_EXPECT_EQ(test, vpmc_counter_of(c), vpmc_counter_of(b));
	attr.flags = VPMC_F_EXCLUSIVE;
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(vpmc_create_on(pmu, &attr, 0)), -EBUSY);
	vpmc_destroy(c);
	vpmc_destroy(b);
	vpmc_destroy(a);
}

static struct kunit_case sharing_cases[] = {
	KUNIT_CASE(sharing_same_event_same_counter),
	KUNIT_CASE(sharing_independent_counts),
	KUNIT_CASE(sharing_exclusive_refuses),
	{}
};

static struct kunit_suite sharing_suite = {
	.name = "vpmc_sharing",
	.init = arb_init,
	.exit = arb_exit,
	.test_cases = sharing_cases,
};

/* === Rule 3: priorities === */

struct preempt_log {
	int events;
	bool running[8];
};

static void log_preempt(struct vpmc *v, bool running, void *priv)
{
	struct preempt_log *log = priv;

	if (log->events < ARRAY_SIZE(log->running))
		log->running[log->events] = running;
	log->events++;
}

static struct vpmc *mk_logged(struct kunit *test, struct vpmc_pmu *pmu,
			      u64 config, int prio, unsigned int flags,
			      struct preempt_log *log)
{
	struct vpmc_attr attr = {
		.config = config, .priority = prio, .flags = flags,
		.preempt = log_preempt, .priv = log,
	};

	return mk_attr(test, pmu, &attr);
}

static void priority_preempt_and_reinstate(struct kunit *test)
{
	struct vpmc_pmu *pmu = arb_pmu(test, 1, 0, 48);
	struct preempt_log log = {};
	struct vpmc *low = mk_logged(test, pmu, EV_A, VPMC_PRIO_USER, 0, &log);
	struct vpmc_value val, before;
	struct vpmc *high;

	KUNIT_ASSERT_EQ(test, vpmc_start(low), 0);
	inject(test, pmu, EV_A, 10);
	high = mk(test, pmu, EV_B, VPMC_PRIO_TRACER, 0);
	KUNIT_EXPECT_EQ(test, log.events, 1);
	KUNIT_EXPECT_FALSE(test, log.running[0]);
	KUNIT_EXPECT_EQ(test, vpmc_counter_of(low), -EBUSY);

	/*
	 * A preempted read fails, but still reports count and times: time
	 * running stands still while time enabled goes on. (Sleep a few
	 * ticks: local_clock() may not advance within one under TCG.)
	 */
	KUNIT_ASSERT_EQ(test, vpmc_start(high), 0);
	KUNIT_EXPECT_EQ(test, vpmc_read(low, &before), -EBUSY);
	msleep(20);
	inject(test, pmu, EV_A, 1000);
	inject(test, pmu, EV_B, 5);
	KUNIT_EXPECT_EQ(test, vpmc_read(low, &val), -EBUSY);
	KUNIT_EXPECT_EQ(test, val.count, 10ULL);
	KUNIT_EXPECT_EQ(test, val.time_running, before.time_running);
	KUNIT_EXPECT_GE(test, val.time_enabled, before.time_enabled + 10 * NSEC_PER_MSEC);
	KUNIT_EXPECT_EQ(test, count_of(test, high), 5ULL);

	vpmc_destroy(high);
	KUNIT_EXPECT_EQ(test, log.events, 2);
	KUNIT_EXPECT_TRUE(test, log.running[1]);
	inject(test, pmu, EV_A, 7);
	KUNIT_EXPECT_EQ(test, count_of(test, low), 17ULL);
	vpmc_destroy(low);
}

static void priority_equal_never_preempts(struct kunit *test)
{
	struct vpmc_pmu *pmu = arb_pmu(test, 1, 0, 48);
	struct vpmc_attr attr = { .config = EV_B, .priority = VPMC_PRIO_TRACER };
	struct vpmc *a = mk(test, pmu, EV_A, VPMC_PRIO_TRACER, 0);

	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(vpmc_create_on(pmu, &attr, 0)), -EBUSY);
	KUNIT_EXPECT_EQ(test, vpmc_counter_of(a), 0);
	vpmc_destroy(a);
}

static void priority_pinned_never_preempted(struct kunit *test)
{
	struct vpmc_pmu *pmu = arb_pmu(test, 1, 0, 48);
	struct vpmc_attr attr = { .config = EV_B, .priority = VPMC_PRIO_MAX };
	struct vpmc *a = mk(test, pmu, EV_A, VPMC_PRIO_MIN, VPMC_F_PINNED);

	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(vpmc_create_on(pmu, &attr, 0)), -EBUSY);
	KUNIT_EXPECT_EQ(test, vpmc_counter_of(a), 0);
	vpmc_destroy(a);
}

/* Every sharer of the victim counter must be weaker than the request. */
static void priority_shared_counter_needs_all_weaker(struct kunit *test)
{
	struct vpmc_pmu *pmu = arb_pmu(test, 1, 0, 48);
	struct vpmc_attr attr = { .config = EV_B, .priority = VPMC_PRIO_TRACER };
	struct vpmc *a = mk(test, pmu, EV_A, VPMC_PRIO_USER, 0);
	struct vpmc *b = mk(test, pmu, EV_A, VPMC_PRIO_WATCHDOG, 0);
	struct vpmc *c;

	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(vpmc_create_on(pmu, &attr, 0)), -EBUSY);
	vpmc_destroy(b);
	c = vpmc_create_on(pmu, &attr, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c));
	KUNIT_EXPECT_EQ(test, vpmc_counter_of(a), -EBUSY);
	vpmc_destroy(c);
	KUNIT_EXPECT_EQ(test, vpmc_counter_of(a), 0);
	vpmc_destroy(a);
}

/* The victim is the counter whose strongest claim is weakest. */
static void priority_weakest_counter_is_victim(struct kunit *test)
{
	struct vpmc_pmu *pmu = arb_pmu(test, 2, 0, 48);
	struct vpmc *a = mk(test, pmu, EV_A, 150, 0);
	struct vpmc *b = mk(test, pmu, EV_B, 120, 0);
	struct vpmc *c = mk(test, pmu, EV_C, 200, 0);

	KUNIT_EXPECT_EQ(test, vpmc_counter_of(a), 0);
	KUNIT_EXPECT_EQ(test, vpmc_counter_of(b), -EBUSY);
	KUNIT_EXPECT_EQ(test, vpmc_counter_of(c), 1);
	vpmc_destroy(c);
	vpmc_destroy(b);
	vpmc_destroy(a);
}

/* Waiting virtual PMCs come back strongest first. */
static void priority_reinstated_strongest_first(struct kunit *test)
{
	struct vpmc_pmu *pmu = arb_pmu(test, 1, 0, 48);
	struct vpmc *a = mk(test, pmu, EV_A, 100, 0);
	struct vpmc *b = mk(test, pmu, EV_B, 150, 0);
	struct vpmc *c = mk(test, pmu, EV_C, 200, 0);

	KUNIT_EXPECT_EQ(test, vpmc_counter_of(a), -EBUSY);
	KUNIT_EXPECT_EQ(test, vpmc_counter_of(b), -EBUSY);
	vpmc_destroy(c);
	KUNIT_EXPECT_EQ(test, vpmc_counter_of(b), 0);
	KUNIT_EXPECT_EQ(test, vpmc_counter_of(a), -EBUSY);
	KUNIT_EXPECT_EQ(test, vpmc_pmu_check(pmu), 0);
	vpmc_destroy(b);
	KUNIT_EXPECT_EQ(test, vpmc_counter_of(a), 0);
	vpmc_destroy(a);
}

static struct kunit_case priority_cases[] = {
	KUNIT_CASE(priority_preempt_and_reinstate),
	KUNIT_CASE(priority_equal_never_preempts),
	KUNIT_CASE(priority_pinned_never_preempted),
	KUNIT_CASE(priority_shared_counter_needs_all_weaker),
	KUNIT_CASE(priority_weakest_counter_is_victim),
	KUNIT_CASE(priority_reinstated_strongest_first),
	{}
};

static struct kunit_suite priority_suite = {
	.name = "vpmc_priority",
	.init = arb_init,
	.exit = arb_exit,
	.test_cases = priority_cases,
};

/* === Rule 4: overflow callbacks scheduled like timers === */

#define OVF_LOG	4096

struct ovf_log {
	u64 period;
	unsigned int calls;
	bool misaligned;
	/* Shared by all loggers of a test: thresholds in firing order. */
	u64 *order;
	unsigned int *norder;
};

static void log_overflow(struct vpmc *v, u64 count, void *priv)
{
	struct ovf_log *log = priv;

	log->calls++;
	if (count % log->period)
		log->misaligned = true;
	if (log->order && *log->norder < OVF_LOG)
		log->order[(*log->norder)++] = count;
}

static struct vpmc *mk_periodic(struct kunit *test, struct vpmc_pmu *pmu,
				u64 config, struct ovf_log *log)
{
	struct vpmc_attr attr = {
		.config = config, .priority = VPMC_PRIO_USER,
		.period = log->period, .overflow = log_overflow, .priv = log,
	};

	return mk_attr(test, pmu, &attr);
}

/* N sharers with different periods: each gets floor(count / period). */
static void overflow_shared_counter_exact(struct kunit *test)
{
	static const u64 periods[] = { 3, 5, 7, 1000, 1 };
	struct vpmc_pmu *pmu = arb_pmu(test, 1, 0, 48);
	struct ovf_log logs[ARRAY_SIZE(periods)] = {};
	struct vpmc *v[ARRAY_SIZE(periods)];
	u64 *order = kunit_kcalloc(test, OVF_LOG, sizeof(u64), GFP_KERNEL);
	unsigned int norder = 0, i;
	u64 total = 0;

	KUNIT_ASSERT_NOT_NULL(test, order);
	for (i = 0; i < ARRAY_SIZE(periods); i++) {
		logs[i].period = periods[i];
		if (periods[i] > 1) {
			logs[i].order = order;
			logs[i].norder = &norder;
		}
		v[i] = mk_periodic(test, pmu, EV_A, &logs[i]);
		KUNIT_ASSERT_EQ(test, vpmc_start(v[i]), 0);
	}
	while (total < 2000) {
		u64 n = 1 + get_random_u32_below(97);

		inject(test, pmu, EV_A, n);
		total += n;
	}
	for (i = 0; i < ARRAY_SIZE(periods); i++) {
		KUNIT_EXPECT_EQ_MSG(test, (u64)logs[i].calls, total / periods[i],
				    "period %llu", periods[i]);
		KUNIT_EXPECT_FALSE(test, logs[i].misaligned);
		KUNIT_EXPECT_EQ(test, count_of(test, v[i]), total);
		vpmc_destroy(v[i]);
	}
	/* Thresholds fired in threshold order. */
	for (i = 1; i < norder; i++)
		KUNIT_EXPECT_LE(test, order[i - 1], order[i]);
}

/* Periods longer than half the counter still fire exactly. */
static void overflow_period_beyond_width(struct kunit *test)
{
	struct vpmc_pmu *pmu = arb_pmu(test, 1, 0, 16);
	struct ovf_log log = { .period = 100000 };
	struct vpmc *v = mk_periodic(test, pmu, EV_A, &log);
	unsigned int i;

	KUNIT_ASSERT_EQ(test, vpmc_start(v), 0);
	for (i = 0; i < 70; i++)
		inject(test, pmu, EV_A, 10000);
	KUNIT_EXPECT_EQ(test, log.calls, 7U);
	KUNIT_EXPECT_EQ(test, count_of(test, v), 700000ULL);
	vpmc_destroy(v);
}

/* Stopped, preempted or re-armed virtual PMCs fire as they count. */
static void overflow_stop_write_set_period(struct kunit *test)
{
	struct vpmc_pmu *pmu = arb_pmu(test, 1, 0, 48);
	struct ovf_log log = { .period = 10 };
	struct vpmc *v = mk_periodic(test, pmu, EV_A, &log);

	inject(test, pmu, EV_A, 100);		/* created stopped */
	KUNIT_EXPECT_EQ(test, log.calls, 0U);
	KUNIT_ASSERT_EQ(test, vpmc_start(v), 0);
	inject(test, pmu, EV_A, 25);
	KUNIT_EXPECT_EQ(test, log.calls, 2U);
	KUNIT_ASSERT_EQ(test, vpmc_stop(v), 0);
	inject(test, pmu, EV_A, 100);
	KUNIT_EXPECT_EQ(test, log.calls, 2U);
	KUNIT_ASSERT_EQ(test, vpmc_start(v), 0);
	inject(test, pmu, EV_A, 5);		/* 30 reached */
	KUNIT_EXPECT_EQ(test, log.calls, 3U);

	/* write: the next callback is a full period after the new count. */
	KUNIT_ASSERT_EQ(test, vpmc_write(v, 1000), 0);
	inject(test, pmu, EV_A, 9);
	KUNIT_EXPECT_EQ(test, log.calls, 3U);
	inject(test, pmu, EV_A, 1);
	KUNIT_EXPECT_EQ(test, log.calls, 4U);

	/* set_period counts from the current count. */
	log.period = 4;
	KUNIT_ASSERT_EQ(test, vpmc_set_period(v, 4), 0);
	inject(test, pmu, EV_A, 2);
	KUNIT_EXPECT_EQ(test, vpmc_write(v, 0), 0);
	inject(test, pmu, EV_A, 12);
	KUNIT_EXPECT_EQ(test, log.calls, 7U);
	KUNIT_EXPECT_FALSE(test, log.misaligned);

	/* Period 0: no more callbacks, however far it counts. */
	KUNIT_ASSERT_EQ(test, vpmc_set_period(v, 0), 0);
	inject(test, pmu, EV_A, 100);
	KUNIT_EXPECT_EQ(test, log.calls, 7U);
	vpmc_destroy(v);
}

/*
 * A 64-bit counter with no threshold is not reprogrammed when a virtual PMC
 * without a period takes it, so it may interrupt once for the period its
 * last claim left behind: nothing fires, nothing is lost, and the interrupt
 * disarms it.
 */
static void overflow_wide_counter_left_armed(struct kunit *test)
{
	struct vpmc_pmu *pmu = arb_pmu(test, 1, 0, 64);
	struct ovf_log log = { .period = 10 };
	struct vpmc *a = mk_periodic(test, pmu, EV_A, &log);
	struct vpmc *b;

	KUNIT_ASSERT_EQ(test, vpmc_start(a), 0);
	inject(test, pmu, EV_A, 25);
	KUNIT_EXPECT_EQ(test, log.calls, 2U);
	vpmc_destroy(a);			/* the counter is 5 from a threshold */

	b = mk(test, pmu, EV_A, VPMC_PRIO_USER, 0);
	KUNIT_ASSERT_EQ(test, vpmc_start(b), 0);
	inject(test, pmu, EV_A, 3);
	KUNIT_EXPECT_EQ(test, count_of(test, b), 3ULL);
	inject(test, pmu, EV_A, 100);		/* past the stale threshold */
	KUNIT_EXPECT_EQ(test, count_of(test, b), 103ULL);
	inject(test, pmu, EV_A, 1000000);
	KUNIT_EXPECT_EQ(test, count_of(test, b), 1000103ULL);
	KUNIT_EXPECT_EQ(test, log.calls, 2U);

	/* A period armed later on the same counter still fires exactly. */
	log.calls = 0;
	a = mk_periodic(test, pmu, EV_A, &log);
	KUNIT_ASSERT_EQ(test, vpmc_start(a), 0);
	inject(test, pmu, EV_A, 35);
	KUNIT_EXPECT_EQ(test, log.calls, 3U);
	KUNIT_EXPECT_FALSE(test, log.misaligned);
	KUNIT_EXPECT_EQ(test, count_of(test, b), 1000138ULL);
	vpmc_destroy(a);
	vpmc_destroy(b);
}

/*
 * A clock the test advances: a "slow" callback takes SLOW_CB_NS of it, so
 * throttling does not depend on how busy the machine is.
 */
#define SLOW_CB_NS	150000
static atomic64_t slow_now;

static u64 slow_clock(void)
{
	return atomic64_read(&slow_now);
}

static void slow_overflow(struct vpmc *v, u64 count, void *priv)
{
	atomic64_add(SLOW_CB_NS, &slow_now);
	log_overflow(v, count, priv);
}

/* Wait for the (real) timer that ends a throttling on CPU 0. */
static void wait_unthrottled(struct kunit *test, struct vpmc_pmu *pmu)
{
	unsigned int i;

	for (i = 0; i < 5000 && vpmc_pmu_throttled(pmu, 0); i++)
		usleep_range(1000, 2000);
	KUNIT_ASSERT_EQ(test, vpmc_pmu_throttled(pmu, 0), 0UL);
}

/*
 * Callbacks that take more of the CPU than the PMU's limit are throttled:
 * the counter goes on counting exactly, and once the window is over each
 * overdue virtual PMC fires once, for the last threshold it passed. With
 * no limit, every threshold fires. A limit over 100% changes nothing.
 */
static void overflow_throttled(struct kunit *test)
{
	struct vpmc_pmu *pmu = arb_pmu(test, 1, 0, 48);
	u64 *order = kunit_kcalloc(test, OVF_LOG, sizeof(u64), GFP_KERNEL);
	unsigned int norder = 0, first;
	struct ovf_log log = { .period = 10, .order = order, .norder = &norder };
	struct vpmc_attr attr = {
		.config = EV_A, .priority = VPMC_PRIO_USER, .period = 10,
		.overflow = slow_overflow, .priv = &log,
	};
	struct vpmc *v;

	KUNIT_ASSERT_NOT_NULL(test, order);
	atomic64_set(&slow_now, 1000000000ULL);
	KUNIT_ASSERT_EQ(test, vpmc_pmu_set_clock(pmu, slow_clock), 0);
	KUNIT_EXPECT_EQ(test, vpmc_pmu_overflow_limit(pmu), 0U);
	KUNIT_EXPECT_EQ(test, vpmc_pmu_set_overflow_limit(pmu, 101), -EINVAL);
	KUNIT_EXPECT_EQ(test, vpmc_pmu_overflow_limit(pmu), 0U);
	/* 100 us a millisecond: one callback spends it. */
	KUNIT_ASSERT_EQ(test, vpmc_pmu_set_overflow_limit(pmu, 10), 0);
	v = mk_attr(test, pmu, &attr);
	KUNIT_ASSERT_EQ(test, vpmc_start(v), 0);

	/* 100 thresholds in one go: one fires, then it throttles. */
	inject(test, pmu, EV_A, 1000);
	first = log.calls;
	KUNIT_EXPECT_EQ(test, first, 1U);
	KUNIT_EXPECT_EQ(test, count_of(test, v), 1000ULL);

	/* Unthrottled: the next event catches up, one callback for 1000. */
	wait_unthrottled(test, pmu);
	atomic64_add(10 * NSEC_PER_MSEC, &slow_now);
	inject(test, pmu, EV_A, 1);
	KUNIT_EXPECT_EQ(test, log.calls, first + 1);
	KUNIT_EXPECT_EQ(test, order[first], 1000ULL);

	/*
	 * That callback spent the budget again, so the counter idles for a
	 * window (on a real timer: not asserted). With no limit, once that
	 * ends, every threshold fires, however slow.
	 */
	KUNIT_ASSERT_EQ(test, vpmc_pmu_set_overflow_limit(pmu, 0), 0);
	wait_unthrottled(test, pmu);
	inject(test, pmu, EV_A, 99);
	KUNIT_EXPECT_EQ(test, log.calls, first + 11);
	KUNIT_EXPECT_EQ(test, order[norder - 1], 1100ULL);
	KUNIT_EXPECT_FALSE(test, log.misaligned);
	KUNIT_EXPECT_EQ(test, count_of(test, v), 1100ULL);
	vpmc_destroy(v);
}

static struct kunit_case overflow_cases[] = {
	KUNIT_CASE(overflow_shared_counter_exact),
	KUNIT_CASE(overflow_wide_counter_left_armed),
	KUNIT_CASE(overflow_period_beyond_width),
	KUNIT_CASE(overflow_stop_write_set_period),
	KUNIT_CASE(overflow_throttled),
	{}
};

static struct kunit_suite overflow_suite = {
	.name = "vpmc_overflow",
	.init = arb_init,
	.exit = arb_exit,
	.test_cases = overflow_cases,
};

/* === Rule 5: 64-bit counts over narrower counters === */

static const unsigned int widths[] = { 16, 32, 48 };

static void width_desc(const unsigned int *w, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%u bits", *w);
}

KUNIT_ARRAY_PARAM(width, widths, width_desc);

static void width_no_lost_wrap(struct kunit *test)
{
	const unsigned int *w = test->param_value;
	struct vpmc_pmu *pmu = arb_pmu(test, 1, 1, *w);
	u64 range = 1ULL << *w, expect = 0;
	struct vpmc *gp = mk(test, pmu, EV_A, VPMC_PRIO_USER, 0);
	struct vpmc *fx = mk(test, pmu, EV_INSTR, VPMC_PRIO_USER, 0);
	unsigned int i;

	KUNIT_ASSERT_EQ(test, vpmc_start(gp), 0);
	KUNIT_ASSERT_EQ(test, vpmc_start(fx), 0);
	/* Chunks just under, at and over the range: every wrap is seen. */
	for (i = 0; i < 6; i++) {
		u64 n = range - 1 + (i % 3);

		inject(test, pmu, EV_A, n);
		inject(test, pmu, EV_INSTR, n);
		expect += n;
	}
	KUNIT_EXPECT_EQ(test, count_of(test, gp), expect);
	KUNIT_EXPECT_EQ(test, count_of(test, fx), expect);
	KUNIT_EXPECT_GT(test, expect, range * 5);
	vpmc_destroy(fx);
	vpmc_destroy(gp);
}

static struct kunit_case width_cases[] = {
	KUNIT_CASE_PARAM(width_no_lost_wrap, width_gen_params),
	{}
};

static struct kunit_suite width_suite = {
	.name = "vpmc_width",
	.init = arb_init,
	.exit = arb_exit,
	.test_cases = width_cases,
};

kunit_test_suites(&constraint_suite, &sharing_suite, &priority_suite,
		  &overflow_suite, &width_suite);
