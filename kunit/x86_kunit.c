// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: the x86 backend's programming, on the register model of
 * x86_fake.c: what probe accepts and refuses, and exactly which values
 * reach IA32_PERFEVTSELx, IA32_FIXED_CTR_CTRL, IA32_PERF_GLOBAL_CTRL,
 * the counters and IA32_PERF_GLOBAL_OVF_CTRL. No access may touch an MSR
 * the model does not have or set a reserved bit (fake->bad).
 */
#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/delay.h>
#include <linux/module.h>

#include <vpmc/internal.h>
#include "core/backend.h"
#include "x86_fake.h"

MODULE_IMPORT_NS(VPMC_INTERNAL);

#define CPU 0

static const struct fake_x86_cfg skylake = {
	.vendor = "GenuineIntel", .version = 4, .num_gp = 4, .gp_width = 48,
	.num_fixed = 3, .fixed_width = 48, .fw_write = true,
};

struct x86_ctx {
	struct fake_x86 *fake;
	struct vpmc_pmu *pmu;
};

static struct fake_x86 *x86_fake(struct kunit *test, const struct fake_x86_cfg *cfg)
{
	struct x86_ctx *ctx = test->priv;

	ctx->fake = fake_x86_alloc(test, cfg);
	KUNIT_ASSERT_NOT_NULL(test, ctx->fake);
	return ctx->fake;
}

static struct vpmc_pmu *x86_pmu(struct kunit *test, const struct fake_x86_cfg *cfg)
{
	struct x86_ctx *ctx = test->priv;

	x86_fake(test, cfg);
	ctx->pmu = fake_x86_create(ctx->fake);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(ctx->pmu), "create: %ld", PTR_ERR(ctx->pmu));
	KUNIT_EXPECT_TRUE(test, ctx->fake->claimed);
	return ctx->pmu;
}

static int x86_test_init(struct kunit *test)
{
	test->priv = kunit_kzalloc(test, sizeof(struct x86_ctx), GFP_KERNEL);
	return test->priv ? 0 : -ENOMEM;
}

static void x86_test_exit(struct kunit *test)
{
	struct x86_ctx *ctx = test->priv;

	if (!ctx->fake)
		return;
	if (ctx->pmu) {
		KUNIT_EXPECT_EQ(test, vpmc_pmu_check(ctx->pmu), 0);
		KUNIT_EXPECT_TRUE(test, vpmc_pmu_is_idle(ctx->pmu));
		KUNIT_EXPECT_EQ(test, vpmc_x86_destroy(ctx->pmu), 0);
		KUNIT_EXPECT_FALSE(test, ctx->fake->claimed);
	}
	KUNIT_EXPECT_EQ_MSG(test, ctx->fake->bad, 0, "bad access to MSR %#x",
			    ctx->fake->last_bad);
}

static struct fake_x86_regs *regs(struct kunit *test)
{
	return &((struct x86_ctx *)test->priv)->fake->regs[CPU];
}

static struct vpmc *mk(struct kunit *test, u64 config, u64 period,
		       vpmc_overflow_fn fn, void *priv)
{
	struct x86_ctx *ctx = test->priv;
	struct vpmc_attr attr = {
		.config = config, .priority = VPMC_PRIO_USER, .period = period,
		.overflow = fn, .priv = priv,
	};
	struct vpmc *v = vpmc_create_on(ctx->pmu, &attr, CPU);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(v), "create %#llx: %ld", config,
			       PTR_ERR_OR_ZERO(v));
	return v;
}

static u64 count_of(struct kunit *test, struct vpmc *v)
{
	struct vpmc_value val;

	KUNIT_EXPECT_EQ(test, vpmc_read(v, &val), 0);
	return val.count;
}

struct refusal {
	const char *name;
	struct fake_x86_cfg cfg;
	int err;
};

static const struct refusal refusals[] = {
	{ "amd", { .vendor = "AuthenticAMD", .version = 4, .num_gp = 4, .gp_width = 48 }, -ENODEV },
	{ "hybrid", { .vendor = "GenuineIntel", .hybrid = true, .version = 5, .num_gp = 8,
		      .gp_width = 48 }, -ENODEV },
	{ "no-perfmon", { .vendor = "GenuineIntel" }, -ENODEV },
	{ "perfmon-v1", { .vendor = "GenuineIntel", .version = 1, .num_gp = 2, .gp_width = 40 },
	  -ENODEV },
	{ "held-by-perf", { .vendor = "GenuineIntel", .version = 4, .num_gp = 4, .gp_width = 48,
			    .busy = true }, -EBUSY },
};

static void refusal_desc(const struct refusal *r, char *desc)
{
	strscpy(desc, r->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(refusal, refusals, refusal_desc);

/* Not Intel, hybrid, no perfmon v2, counters held: refused, nothing kept. */
static void x86_probe_refuses(struct kunit *test)
{
	const struct refusal *r = test->param_value;
	struct fake_x86 *fake = x86_fake(test, &r->cfg);
	struct vpmc_pmu *pmu = fake_x86_create(fake);

	KUNIT_ASSERT_TRUE(test, IS_ERR(pmu));
	KUNIT_EXPECT_EQ(test, PTR_ERR(pmu), r->err);
	KUNIT_EXPECT_FALSE(test, fake->claimed);
	KUNIT_EXPECT_EQ(test, fake->regs[CPU].global, 0);
}

/* The description comes from CPUID leaf 0xA, EBX hiding events. */
static void x86_desc_from_cpuid(struct kunit *test)
{
	struct fake_x86_cfg cfg = skylake;
	const struct vpmc_pmu_desc *desc;
	struct vpmc_pmu *pmu;

	cfg.num_gp = 2;
	cfg.gp_width = 40;
	cfg.num_fixed = 2;
	cfg.fixed_width = 44;
	cfg.unavailable = BIT(3) | BIT(6);	/* LLC references, branch misses */
	pmu = x86_pmu(test, &cfg);
	desc = vpmc_pmu_desc(pmu);
	KUNIT_ASSERT_EQ(test, desc->num_counters, 4);
	KUNIT_EXPECT_EQ(test, desc->counters[0].kind, VPMC_COUNTER_GENERAL);
	KUNIT_EXPECT_EQ(test, desc->counters[1].width, 40);
	KUNIT_EXPECT_EQ(test, desc->counters[2].kind, VPMC_COUNTER_FIXED);
	KUNIT_EXPECT_EQ(test, desc->counters[2].fixed_event, 0x00c0);
	KUNIT_EXPECT_EQ(test, desc->counters[3].fixed_event, 0x003c);
	KUNIT_EXPECT_EQ(test, desc->counters[3].width, 44);
	KUNIT_EXPECT_EQ(test, desc->generic_valid,
			BIT(VPMC_EVENT_CYCLES) | BIT(VPMC_EVENT_INSTRUCTIONS) |
			BIT(VPMC_EVENT_REF_CYCLES) | BIT(VPMC_EVENT_CACHE_MISSES) |
			BIT(VPMC_EVENT_BRANCHES));
	KUNIT_EXPECT_EQ(test, desc->generic[VPMC_EVENT_CACHE_MISSES], 0x412e);
	/* No fixed counter 2: reference cycles on a general counter. */
	KUNIT_EXPECT_EQ(test, desc->generic[VPMC_EVENT_REF_CYCLES], 0x013c);
}

/* Event select: the user's bits, both rings by default, EN and INT. */
static void x86_event_select_encoding(struct kunit *test)
{
	struct vpmc_pmu *pmu = x86_pmu(test, &skylake);
	struct vpmc *a, *b;
	unsigned long mask;

	a = mk(test, 0x412e, 0, NULL, NULL);
	KUNIT_EXPECT_EQ(test, vpmc_counter_of(a), 0);
	KUNIT_EXPECT_EQ(test, regs(test)->evtsel[0], 0x0053412eULL);
	/* OS only, edge, cmask 2: kept; the counter's global bit is on. */
	b = mk(test, 0x020600c4ULL | VPMC_EVTSEL_OS, 0, NULL, NULL);
	KUNIT_EXPECT_EQ(test, vpmc_counter_of(b), 1);
	KUNIT_EXPECT_EQ(test, regs(test)->evtsel[1], 0x025600c4ULL);
	KUNIT_EXPECT_EQ(test, regs(test)->global, 0x3ULL);
	vpmc_destroy(a);
	KUNIT_EXPECT_EQ(test, regs(test)->evtsel[0], 0);
	KUNIT_EXPECT_EQ(test, regs(test)->global, 0x2ULL);
	vpmc_destroy(b);
	KUNIT_EXPECT_EQ(test, regs(test)->global, 0);

	/* EN, INT, ANY, pin control and bits 32+ are not the user's. */
	KUNIT_EXPECT_EQ(test, vpmc_pmu_event_counters(pmu, 0x412e | VPMC_EVTSEL_EN, &mask),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vpmc_pmu_event_counters(pmu, 0x412e | VPMC_EVTSEL_INT, &mask),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vpmc_pmu_event_counters(pmu, 0x412e | BIT_ULL(21), &mask),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vpmc_pmu_event_counters(pmu, 0x412e | BIT_ULL(32), &mask),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, vpmc_pmu_event_counters(pmu, 0x0100, &mask), -ENOENT);
	KUNIT_EXPECT_EQ(test, vpmc_pmu_event_counters(pmu, 0x412e, &mask), 0);
	KUNIT_EXPECT_EQ(test, mask, 0xfUL);
	/* The ref-cycles pseudo-event exists only on fixed counter 2. */
	KUNIT_EXPECT_EQ(test, vpmc_pmu_event_counters(pmu, 0x0300, &mask), 0);
	KUNIT_EXPECT_EQ(test, mask, BIT(6));
}

/* Fixed counters: one nibble each (OS, USR, PMI), global bits 32+. */
static void x86_fixed_ctrl_nibbles(struct kunit *test)
{
	struct vpmc *ins, *cyc, *ref;

	x86_pmu(test, &skylake);
	cyc = mk(test, 0x003c, 0, NULL, NULL);
	KUNIT_EXPECT_EQ(test, vpmc_counter_of(cyc), 5);
	KUNIT_EXPECT_EQ(test, regs(test)->fixed_ctrl, 0xb0ULL);
	ins = mk(test, 0x00c0, 0, NULL, NULL);
	ref = mk(test, 0x0300, 0, NULL, NULL);
	KUNIT_EXPECT_EQ(test, regs(test)->fixed_ctrl, 0xbbbULL);
	KUNIT_EXPECT_EQ(test, regs(test)->global, 0x7ULL << 32);
	KUNIT_EXPECT_EQ(test, regs(test)->evtsel[0], 0);
	vpmc_destroy(cyc);
	KUNIT_EXPECT_EQ(test, regs(test)->fixed_ctrl, 0xb0bULL);
	KUNIT_EXPECT_EQ(test, regs(test)->global, 0x5ULL << 32);
	vpmc_destroy(ins);
	vpmc_destroy(ref);
	KUNIT_EXPECT_EQ(test, regs(test)->fixed_ctrl, 0);
	KUNIT_EXPECT_EQ(test, regs(test)->global, 0);
}

struct ovf_log {
	unsigned int calls;
	u64 at[16];
};

static void ovf_cb(struct vpmc *v, u64 at, void *priv)
{
	struct ovf_log *log = priv;

	if (log->calls < ARRAY_SIZE(log->at))
		log->at[log->calls] = at;
	log->calls++;
}

/*
 * A threshold is programmed as -distance; the PMI is acknowledged in
 * IA32_PERF_GLOBAL_OVF_CTRL; two sharers of different periods make the
 * counter interrupt at whichever threshold comes first.
 */
static void x86_overflow_earliest_threshold(struct kunit *test)
{
	struct x86_ctx *ctx = test->priv;
	struct ovf_log la = {}, lb = {};
	u64 mask = GENMASK_ULL(47, 0);
	struct vpmc *a, *b;

	x86_pmu(test, &skylake);
	a = mk(test, 0x412e, 1000, ovf_cb, &la);
	KUNIT_ASSERT_EQ(test, vpmc_start(a), 0);
	KUNIT_EXPECT_EQ(test, regs(test)->pmc[0], -1000ULL & mask);
	b = mk(test, 0x412e, 300, ovf_cb, &lb);
	KUNIT_ASSERT_EQ(test, vpmc_counter_of(b), 0);
	KUNIT_ASSERT_EQ(test, vpmc_start(b), 0);
	KUNIT_EXPECT_EQ(test, regs(test)->pmc[0], -300ULL & mask);

	KUNIT_ASSERT_EQ(test, fake_x86_count(ctx->fake, CPU, 0x412e, 300), 0);
	KUNIT_EXPECT_EQ(test, ctx->fake->pmis, 1);
	KUNIT_EXPECT_EQ(test, regs(test)->status, 0);
	KUNIT_EXPECT_EQ(test, lb.calls, 1);
	KUNIT_EXPECT_EQ(test, lb.at[0], 300);
	/* Next: b at 600 (a at 1000). */
	KUNIT_EXPECT_EQ(test, regs(test)->pmc[0], -300ULL & mask);
	KUNIT_ASSERT_EQ(test, fake_x86_count(ctx->fake, CPU, 0x412e, 700), 0);
	KUNIT_EXPECT_EQ(test, lb.calls, 3);
	KUNIT_EXPECT_EQ(test, la.calls, 1);
	KUNIT_EXPECT_EQ(test, la.at[0], 1000);
	KUNIT_EXPECT_EQ(test, ctx->fake->pmis, 4);	/* at 300, 600, 900, 1000 */
	/* Next: b at 1200. */
	KUNIT_EXPECT_EQ(test, regs(test)->pmc[0], -200ULL & mask);
	KUNIT_EXPECT_EQ(test, count_of(test, a), 1000);
	KUNIT_EXPECT_EQ(test, count_of(test, b), 1000);
	vpmc_destroy(b);
	KUNIT_EXPECT_EQ(test, regs(test)->pmc[0], -1000ULL & mask);
	vpmc_destroy(a);
}

/*
 * A clock the test advances: each PMI's own time (its return and the hop
 * to the irq_work that dispatches it) is PMI_NS of it; callbacks take none.
 */
#define PMI_NS	60000
static atomic64_t pmi_now;

static u64 pmi_clock(void)
{
	return atomic64_read(&pmi_now);
}

static void pmi_costs(struct fake_x86 *fake)
{
	atomic64_add(PMI_NS, &pmi_now);
}

static void wait_unthrottled(struct kunit *test, struct vpmc_pmu *pmu)
{
	unsigned int i;

	for (i = 0; i < 5000 && vpmc_pmu_throttled(pmu, CPU); i++)
		usleep_range(1000, 2000);
	KUNIT_ASSERT_EQ(test, vpmc_pmu_throttled(pmu, CPU), 0UL);
}

/* A PMU on the model whose overflows may take 100 us of each millisecond of pmi_now. */
static void pmi_budget_pmu(struct kunit *test)
{
	struct x86_ctx *ctx = test->priv;

	x86_pmu(test, &skylake);
	atomic64_set(&pmi_now, 1000000000ULL);
	KUNIT_ASSERT_EQ(test, vpmc_pmu_set_clock(ctx->pmu, pmi_clock), 0);
	KUNIT_ASSERT_EQ(test, vpmc_pmu_set_overflow_limit(ctx->pmu, 10), 0);
}

/*
 * An overflow is charged from the PMI that reported it, not from its
 * dispatch: free callbacks still throttle once the PMIs take the PMU's
 * share (under TCG such a storm kept a CPU for good). The first threshold
 * of a window fires whatever its PMI cost; counting stays exact.
 */
static void x86_overflow_charges_pmi(struct kunit *test)
{
	struct x86_ctx *ctx = test->priv;
	struct ovf_log log = {};
	struct vpmc *v;

	pmi_budget_pmu(test);
	/* Two PMIs of 60 us spend the 100 us. */
	ctx->fake->pmi_done = pmi_costs;
	v = mk(test, 0x412e, 10, ovf_cb, &log);
	KUNIT_ASSERT_EQ(test, vpmc_start(v), 0);

	KUNIT_ASSERT_EQ(test, fake_x86_count(ctx->fake, CPU, 0x412e, 10), 0);
	KUNIT_EXPECT_EQ(test, ctx->fake->pmis, 1);
	KUNIT_EXPECT_EQ(test, log.calls, 1);
	/* 120 us of PMIs in the window: throttled before the callback. */
	KUNIT_ASSERT_EQ(test, fake_x86_count(ctx->fake, CPU, 0x412e, 10), 0);
	KUNIT_EXPECT_EQ(test, ctx->fake->pmis, 2);
	KUNIT_EXPECT_EQ(test, log.calls, 1);
	KUNIT_EXPECT_EQ(test, count_of(test, v), 20);

	/*
	 * Once the throttling ends (a real timer, a window later) the next
	 * event fires the overdue threshold, once.
	 */
	wait_unthrottled(test, ctx->pmu);
	atomic64_add(10 * NSEC_PER_MSEC, &pmi_now);
	KUNIT_ASSERT_EQ(test, fake_x86_count(ctx->fake, CPU, 0x412e, 1), 0);
	KUNIT_EXPECT_EQ(test, ctx->fake->pmis, 3);
	KUNIT_EXPECT_EQ(test, log.calls, 2);
	KUNIT_EXPECT_EQ(test, log.at[1], 20);
	KUNIT_EXPECT_EQ(test, count_of(test, v), 21);
	vpmc_destroy(v);
}

struct report {
	struct vpmc_pmu *pmu;
	unsigned int idx;
};

/* A backend's report of an overflow that is not due, and its cost. */
static void report_early(void *info)
{
	struct report *r = info;

	vpmc_pmu_overflow_nmi(r->pmu, r->idx, NULL);
	atomic64_add(PMI_NS, &pmi_now);
}

/*
 * Reports that fire nothing (a backend's early or repeated ones) are
 * throttled too once they spend the PMU's share: otherwise nothing would
 * end such a storm, as no threshold is ever due.
 */
static void x86_overflow_early_reports_throttled(struct kunit *test)
{
	struct x86_ctx *ctx = test->priv;
	struct report r = {};
	struct ovf_log log = {};
	struct vpmc *v;

	pmi_budget_pmu(test);
	v = mk(test, 0x412e, 1000, ovf_cb, &log);
	KUNIT_ASSERT_EQ(test, vpmc_start(v), 0);
	r.pmu = ctx->pmu;
	r.idx = vpmc_counter_of(v);

	/* 60 us: within the 100 us of the window. */
	KUNIT_ASSERT_EQ(test, vpmc_cpu_call(CPU, report_early, &r), 0);
	vpmc_pmu_overflow_sync(ctx->pmu, CPU);
	KUNIT_EXPECT_EQ(test, vpmc_pmu_nr_throttled(ctx->pmu, CPU), 0);
	/* 120 us: past it, with nothing due. */
	KUNIT_ASSERT_EQ(test, vpmc_cpu_call(CPU, report_early, &r), 0);
	vpmc_pmu_overflow_sync(ctx->pmu, CPU);
	KUNIT_EXPECT_EQ(test, vpmc_pmu_nr_throttled(ctx->pmu, CPU), 1);
	KUNIT_EXPECT_EQ(test, log.calls, 0);

	/* Counting is exact, and the threshold fires once it is due. */
	wait_unthrottled(test, ctx->pmu);
	atomic64_add(10 * NSEC_PER_MSEC, &pmi_now);
	KUNIT_ASSERT_EQ(test, fake_x86_count(ctx->fake, CPU, 0x412e, 1000), 0);
	KUNIT_EXPECT_EQ(test, log.calls, 1);
	KUNIT_EXPECT_EQ(test, log.at[0], 1000);
	KUNIT_EXPECT_EQ(test, count_of(test, v), 1000);
	vpmc_destroy(v);
}

/* Without FW_WRITE a general counter takes 32 sign-extended bits. */
static void x86_legacy_writes(struct kunit *test)
{
	struct fake_x86_cfg cfg = skylake;
	struct x86_ctx *ctx = test->priv;
	u64 mask = GENMASK_ULL(47, 0);
	struct ovf_log log = {};
	struct vpmc *v;

	cfg.fw_write = false;
	x86_pmu(test, &cfg);
	v = mk(test, 0x412e, 1ULL << 40, ovf_cb, &log);
	KUNIT_ASSERT_EQ(test, vpmc_start(v), 0);
	/* The farthest a legacy write reaches: 2^31 - 1. */
	KUNIT_EXPECT_EQ(test, regs(test)->pmc[0], -(BIT_ULL(31) - 1) & mask);
	KUNIT_ASSERT_EQ(test, fake_x86_count(ctx->fake, CPU, 0x412e, (1ULL << 40) - 1), 0);
	KUNIT_EXPECT_EQ(test, log.calls, 0);
	KUNIT_ASSERT_EQ(test, fake_x86_count(ctx->fake, CPU, 0x412e, 1), 0);
	KUNIT_EXPECT_EQ(test, log.calls, 1);
	KUNIT_EXPECT_EQ(test, count_of(test, v), 1ULL << 40);
	vpmc_destroy(v);
}

/* Counters of other events and other CPUs are left alone. */
static void x86_only_matching_counts(struct kunit *test)
{
	struct x86_ctx *ctx = test->priv;
	struct vpmc *a, *b;

	x86_pmu(test, &skylake);
	a = mk(test, 0x412e, 0, NULL, NULL);
	b = mk(test, 0x00c4, 0, NULL, NULL);
	KUNIT_ASSERT_EQ(test, vpmc_start(a), 0);
	KUNIT_ASSERT_EQ(test, vpmc_start(b), 0);
	KUNIT_ASSERT_EQ(test, fake_x86_count(ctx->fake, CPU, 0x412e, 5), 0);
	KUNIT_ASSERT_EQ(test, fake_x86_count(ctx->fake, CPU, 0x00c4, 7), 0);
	if (num_online_cpus() > 1)
		KUNIT_ASSERT_EQ(test, fake_x86_count(ctx->fake, 1, 0x412e, 100), 0);
	KUNIT_EXPECT_EQ(test, count_of(test, a), 5);
	KUNIT_EXPECT_EQ(test, count_of(test, b), 7);
	vpmc_destroy(a);
	vpmc_destroy(b);
}

static struct kunit_case x86_cases[] = {
	KUNIT_CASE_PARAM(x86_probe_refuses, refusal_gen_params),
	KUNIT_CASE(x86_desc_from_cpuid),
	KUNIT_CASE(x86_event_select_encoding),
	KUNIT_CASE(x86_fixed_ctrl_nibbles),
	KUNIT_CASE(x86_overflow_earliest_threshold),
	KUNIT_CASE(x86_overflow_charges_pmi),
	KUNIT_CASE(x86_overflow_early_reports_throttled),
	KUNIT_CASE(x86_legacy_writes),
	KUNIT_CASE(x86_only_matching_counts),
	{}
};

static struct kunit_suite x86_suite = {
	.name = "vpmc_x86",
	.init = x86_test_init,
	.exit = x86_test_exit,
	.test_cases = x86_cases,
};

kunit_test_suites(&x86_suite);
