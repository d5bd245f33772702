// SPDX-License-Identifier: GPL-2.0-only
/*
 * Self-monitoring count: a thread counts itself. The count follows its CPU
 * time while started, stands still while stopped, and a PMD write sets the
 * value counting continues from.
 */
#include "pfm_test.h"

int main(void)
{
	unsigned long long t0, t1, v1, v2, v3;
	int fd;

	pfm_prog = "self_count";
	fd = pfm_new(0);
	OK(pfm_pmc(fd, 0, 0, PFM_EVENT));
	OK(pfm_pmd(fd, 0, 0, 0, 0, 0));
	OK(pfm_load(fd, pfm_gettid(), 0));
	t0 = pfm_ns(CLOCK_THREAD_CPUTIME_ID);
	OK(pfm_start(fd, NULL));
	pfm_spin(500000000);
	OK(pfm_stop(fd));
	t1 = pfm_ns(CLOCK_THREAD_CPUTIME_ID);
	v1 = pfm_get(fd, 0, 0);
	pfm_within(PFM_EVENT_NAME " vs thread CPU time", v1, t1 - t0);

	pfm_spin(100000000);
	v2 = pfm_get(fd, 0, 0);
	CHECK(v2 == v1, "stopped, yet counted: %llu -> %llu", v1, v2);
	printf("ok stopped: %llu\n", v2);

	/* Counting continues from a written value. */
	OK(pfm_pmd(fd, 0, 0, 1ULL << 40, 0, 0));
	OK(pfm_start(fd, NULL));
	pfm_spin(100000000);
	OK(pfm_stop(fd));
	v3 = pfm_get(fd, 0, 0);
	CHECK(v3 > (1ULL << 40) && v3 - (1ULL << 40) < 1000000000ULL,
	      "after writing 2^40: %llu", v3);
	printf("ok written 2^40, now 2^40 + %llu\n", (unsigned long long)(v3 - (1ULL << 40)));
	close(fd);
	return 0;
}
