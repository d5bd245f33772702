// SPDX-License-Identifier: GPL-2.0-only
/*
 * pmu_desc - check /sys/kernel/vpmc against the PMU vpmc.ko was asked for.
 *
 *   pmu_desc BACKEND GENERAL FIXED WIDTH
 *
 * Verifies the backend name, the counter count, each counter's kind and
 * width, that fixed counters (and only they) name their event, that every
 * generic event file holds a config=0x... encoding, and that the files are
 * read-only. Exits 1 with one line per mismatch.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "vpmc-util.h"

static int failures;

static void fail(const char *fmt, const char *a, const char *b)
{
	printf("pmu_desc: FAIL: ");
	printf(fmt, a, b);
	printf("\n");
	failures++;
}

static void expect_attr(const char *path, const char *want)
{
	char buf[256];
	struct stat st;

	if (read_attr(path, buf, sizeof(buf))) {
		fail("%s: cannot read%s", path, "");
		return;
	}
	if (want && strcmp(buf, want))
		fail("%s: got '%s'", path, buf);
	if (stat(path, &st) || (st.st_mode & 0222))
		fail("%s: not read-only%s", path, "");
	printf("  %-44s %s\n", path + strlen(VPMC_SYSFS) + 1, buf);
}

static void expect_config(const char *path)
{
	char buf[256];
	unsigned long long v;
	char end;

	if (read_attr(path, buf, sizeof(buf)) ||
	    sscanf(buf, "config=%llx%c", &v, &end) != 1)
		fail("%s: not config=0x...: '%s'", path, buf);
}

int main(int argc, char **argv)
{
	static const char *const generic[] = {
		"cycles", "instructions", "ref-cycles", "cache-references",
		"cache-misses", "branches", "branch-misses",
	};
	char path[256], want[64];
	int gp, fixed, i;

	if (argc != 5) {
		fprintf(stderr, "usage: pmu_desc BACKEND GENERAL FIXED WIDTH\n");
		return 2;
	}
	gp = atoi(argv[2]);
	fixed = atoi(argv[3]);

	expect_attr(VPMC_SYSFS "/backend", argv[1]);
	expect_attr(VPMC_SYSFS "/version", NULL);
	expect_attr(VPMC_SYSFS "/format", NULL);
	snprintf(want, sizeof(want), "%d", gp + fixed);
	expect_attr(VPMC_SYSFS "/num_counters", want);
	for (i = 0; i < gp + fixed; i++) {
		snprintf(path, sizeof(path), VPMC_SYSFS "/counters/%d/kind", i);
		expect_attr(path, i < gp ? "general" : "fixed");
		snprintf(path, sizeof(path), VPMC_SYSFS "/counters/%d/width", i);
		expect_attr(path, argv[4]);
		snprintf(path, sizeof(path), VPMC_SYSFS "/counters/%d/fixed_event", i);
		if (i < gp && access(path, F_OK) == 0)
			fail("%s: exists on a general counter%s", path, "");
		if (i >= gp)
			expect_config(path);
	}
	snprintf(path, sizeof(path), VPMC_SYSFS "/counters/%d", gp + fixed);
	if (access(path, F_OK) == 0)
		fail("%s: one counter too many%s", path, "");
	for (i = 0; i < (int)ARRAY_SIZE(generic); i++) {
		snprintf(path, sizeof(path), VPMC_SYSFS "/events/%s", generic[i]);
		if (access(path, F_OK) == 0)
			expect_config(path);
	}
	printf("pmu_desc: %s\n", failures ? "FAIL" : "ok");
	return failures ? 1 : 0;
}
