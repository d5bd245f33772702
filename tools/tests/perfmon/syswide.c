// SPDX-License-Identifier: GPL-2.0-only
/*
 * System-wide contexts, one per CPU: pinned to each online CPU in turn, a
 * context loaded on it counts while this thread keeps the CPU busy. Also:
 * the context is operated from its CPU only (EBUSY from another).
 */
#include "pfm_test.h"

int main(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned long long t0, t1, v;
	int cpu, fd;

	pfm_prog = "syswide";
	for (cpu = 0; cpu < ncpu; cpu++) {
		pfm_pin(cpu);
		fd = pfm_new(PFM_FL_SYSTEM_WIDE);
		OK(pfm_pmc(fd, 0, 0, PFM_EVENT));
		OK(pfm_pmd(fd, 0, 0, 0, 0, 0));
		OK(pfm_load(fd, cpu, 0));
		t0 = pfm_ns(CLOCK_MONOTONIC);
		OK(pfm_start(fd, NULL));
		pfm_spin(300000000);
		OK(pfm_stop(fd));
		t1 = pfm_ns(CLOCK_MONOTONIC);
		v = pfm_get(fd, 0, 0);
		printf("cpu %d: ", cpu);
		pfm_within(PFM_EVENT_NAME " of a busy CPU vs elapsed", v, t1 - t0);
		if (ncpu > 1) {
			pfm_pin((cpu + 1) % ncpu);
			pfarg_pmd_t pmd = { .reg_num = 0 };

			ERR(pfm_start(fd, NULL), EBUSY);
			ERR(pfm_read_pmds(fd, &pmd, 1), EBUSY);
		}
		close(fd);
	}
	return 0;
}
