// SPDX-License-Identifier: GPL-2.0-only
/*
 * A system-wide context whose PMD 0 overflows often and reloads PMD 1
 * (reg_reset_pmds), first plainly, then with a notification that stops
 * the set: meanwhile PMD 1's event is rewritten again and again, which
 * replaces its virtual PMC. The overflow callback on the CPU must never
 * see a virtual PMC that was destroyed (once a use-after-free that KASAN
 * caught within a second), and the counts stay sane.
 */
#include "pfm_test.h"

#ifdef __aarch64__
#define RACE_PERIOD	1000000ULL	/* cycles: TCG's reliable minimum */
#define RACE_OTHER	0x08ULL		/* raw INST_RETIRED */
#else
#define RACE_PERIOD	100000ULL	/* ns of cpu-clock */
#define RACE_OTHER	0x0100000000000002ULL	/* software page-faults */
#endif

static void race(int notify, uint64_t ns)
{
	uint64_t end = pfm_ns(CLOCK_MONOTONIC) + ns;
	unsigned long rewrites = 0, restarts = 0;
	pfarg_pmd_t pmd[2];
	int fd = pfm_new(PFM_FL_SYSTEM_WIDE | (notify ? PFM_FL_OVFL_NO_MSG : 0));

	OK(pfm_pmc(fd, 0, 0, PFM_EVENT));
	OK(pfm_pmc(fd, 0, 1, PFM_EVENT));
	memset(pmd, 0, sizeof(pmd));
	pmd[0].reg_num = 0;
	pmd[0].reg_value = -RACE_PERIOD;
	pmd[0].reg_long_reset = -RACE_PERIOD;
	pmd[0].reg_short_reset = -RACE_PERIOD;
	pmd[0].reg_reset_pmds[0] = 1 << 1;
	pmd[0].reg_flags = notify ? PFM_REGFL_OVFL_NOTIFY : 0;
	pmd[1].reg_num = 1;
	pmd[1].reg_short_reset = 5;
	pmd[1].reg_long_reset = 5;
	OK(pfm_write_pmds(fd, pmd, 2));
	OK(pfm_load(fd, 0, 0));
	OK(pfm_start(fd, NULL));
	while (pfm_ns(CLOCK_MONOTONIC) < end) {
		OK(pfm_pmc(fd, 0, 1, rewrites & 1 ? RACE_OTHER : PFM_EVENT));
		rewrites++;
		if (notify && !pfm_restart(fd))
			restarts++;
	}
	OK(pfm_stop(fd));
	printf("ok %s: %lu rewrites of PMD 1 under PMD 0's overflows, %lu restarts, PMD 0 %llu\n",
	       notify ? "notify" : "reset", rewrites, restarts,
	       (unsigned long long)pfm_get(fd, 0, 0));
	close(fd);
}

int main(void)
{
	pfm_prog = "reset_race";
	pfm_pin(0);
	race(0, 2000000000ULL);
	race(1, 2000000000ULL);
	return 0;
}
