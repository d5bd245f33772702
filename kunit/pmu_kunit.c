// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit: PMU discovery through the public API (include/vpmc/vpmc.h).
 *
 * Runs against the backend vpmc.ko was loaded with; the sim-only cases skip
 * on other backends.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/string.h>

#include <vpmc/vpmc.h>

static bool pmu_is_sim(void)
{
	return !strcmp(vpmc_backend_name(), "sim");
}

static void pmu_counter_info_range(struct kunit *test)
{
	struct vpmc_counter_info info = { .width = 12345 };
	unsigned int n = vpmc_num_counters();

	KUNIT_ASSERT_GE(test, n, 1U);
	KUNIT_ASSERT_LE(test, n, (unsigned int)VPMC_MAX_COUNTERS);
	KUNIT_EXPECT_EQ(test, vpmc_counter_info(n, &info), -EINVAL);
	KUNIT_EXPECT_EQ(test, vpmc_counter_info(UINT_MAX, &info), -EINVAL);
	/* A failed query leaves the caller's buffer alone. */
	KUNIT_EXPECT_EQ(test, info.width, 12345U);
	KUNIT_EXPECT_EQ(test, vpmc_counter_info(n - 1, &info), 0);
	KUNIT_EXPECT_GE(test, info.width, 16U);
	KUNIT_EXPECT_LE(test, info.width, 64U);
}

/* Each fixed counter is allowed for its own event and for no other. */
static void pmu_fixed_counter_events(struct kunit *test)
{
	DECLARE_BITMAP(mask, VPMC_MAX_COUNTERS);
	struct vpmc_counter_info info, other;
	unsigned int i, j;

	for (i = 0; i < vpmc_num_counters(); i++) {
		KUNIT_ASSERT_EQ(test, vpmc_counter_info(i, &info), 0);
		if (info.kind != VPMC_COUNTER_FIXED)
			continue;
		KUNIT_ASSERT_EQ(test, vpmc_event_counters(info.fixed_event, mask), 0);
		KUNIT_EXPECT_TRUE(test, test_bit(i, mask));
		for (j = 0; j < vpmc_num_counters(); j++) {
			KUNIT_ASSERT_EQ(test, vpmc_counter_info(j, &other), 0);
			if (other.kind == VPMC_COUNTER_FIXED &&
			    other.fixed_event != info.fixed_event)
				KUNIT_EXPECT_FALSE(test, test_bit(j, mask));
		}
	}
}

static void pmu_sim_raw_events(struct kunit *test)
{
	DECLARE_BITMAP(mask, VPMC_MAX_COUNTERS);
	struct vpmc_counter_info info;
	unsigned int i;

	if (!pmu_is_sim())
		kunit_skip(test, "backend is %s, not sim", vpmc_backend_name());

	bitmap_fill(mask, VPMC_MAX_COUNTERS);
	KUNIT_EXPECT_EQ(test, vpmc_event_counters(0, mask), -ENOENT);
	KUNIT_EXPECT_EQ(test, vpmc_event_counters(1ULL << 40, mask), -EINVAL);
	/* Failures leave @mask untouched. */
	KUNIT_EXPECT_TRUE(test, bitmap_full(mask, VPMC_MAX_COUNTERS));

	/* A raw sim event runs on every general counter and no fixed one. */
	KUNIT_ASSERT_EQ(test, vpmc_event_counters(0x1234, mask), 0);
	for (i = 0; i < vpmc_num_counters(); i++) {
		KUNIT_ASSERT_EQ(test, vpmc_counter_info(i, &info), 0);
		KUNIT_EXPECT_EQ(test, test_bit(i, mask),
				info.kind == VPMC_COUNTER_GENERAL);
	}
	KUNIT_EXPECT_EQ(test, find_next_bit(mask, VPMC_MAX_COUNTERS,
					    vpmc_num_counters()),
			(unsigned long)VPMC_MAX_COUNTERS);
}

static const enum vpmc_generic_event pmu_generic_cases[] = {
	VPMC_EVENT_CYCLES, VPMC_EVENT_INSTRUCTIONS, VPMC_EVENT_REF_CYCLES,
	VPMC_EVENT_CACHE_REFERENCES, VPMC_EVENT_CACHE_MISSES,
	VPMC_EVENT_BRANCHES, VPMC_EVENT_BRANCH_MISSES,
};

static void pmu_generic_desc(const enum vpmc_generic_event *ev, char *desc)
{
	strscpy(desc, vpmc_generic_event_name(*ev), KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(pmu_generic, pmu_generic_cases, pmu_generic_desc);

/* A generic event the backend offers can be placed on some counter. */
static void pmu_generic_event_placeable(struct kunit *test)
{
	const enum vpmc_generic_event *ev = test->param_value;
	DECLARE_BITMAP(mask, VPMC_MAX_COUNTERS);
	u64 config = 0;
	int ret;

	KUNIT_EXPECT_NOT_NULL(test, vpmc_generic_event_name(*ev));
	ret = vpmc_generic_event(*ev, &config);
	if (ret == -ENOENT)
		kunit_skip(test, "not offered by %s", vpmc_backend_name());
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_ASSERT_EQ(test, vpmc_event_counters(config, mask), 0);
	KUNIT_EXPECT_FALSE(test, bitmap_empty(mask, VPMC_MAX_COUNTERS));
}

static void pmu_generic_event_range(struct kunit *test)
{
	u64 config = 42;

	KUNIT_EXPECT_EQ(test, vpmc_generic_event(VPMC_EVENT_MAX, &config), -EINVAL);
	KUNIT_EXPECT_EQ(test, vpmc_generic_event(-1, &config), -EINVAL);
	KUNIT_EXPECT_EQ(test, config, 42ULL);
	KUNIT_EXPECT_NULL(test, vpmc_generic_event_name(VPMC_EVENT_MAX));
	KUNIT_EXPECT_STREQ(test, vpmc_generic_event_name(VPMC_EVENT_CYCLES),
			   "cycles");
}

static struct kunit_case pmu_cases[] = {
	KUNIT_CASE(pmu_counter_info_range),
	KUNIT_CASE(pmu_fixed_counter_events),
	KUNIT_CASE(pmu_sim_raw_events),
	KUNIT_CASE_PARAM(pmu_generic_event_placeable, pmu_generic_gen_params),
	KUNIT_CASE(pmu_generic_event_range),
	{}
};

static struct kunit_suite pmu_suite = {
	.name = "vpmc_pmu",
	.test_cases = pmu_cases,
};

kunit_test_suite(pmu_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit suites for vpmc");
