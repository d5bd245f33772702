// SPDX-License-Identifier: GPL-2.0-only
/*
 * Event sets multiplexed on one thread: two sets, each PMD0 counting the
 * same event, switched round-robin
 *  - by time (PFM_SETFL_TIME_SWITCH, 20 ms each): both run many times, each
 *    is active about half the time, each counts a fair share, and both
 *    together count the thread's CPU time as one PMD would (a switch
 *    leaves no gap; sets_exact.c checks that to 1%, at 1 ms, with the
 *    thread monitored from outside);
 *  - by overflow count (PFM_SETFL_OVFL_SWITCH, reg_ovfl_switch_cnt 2):
 *    each set runs for two overflows, and getinfo reports the overflowed
 *    PMD.
 * The thread spins for CPU time, not wall time, and until the switches it
 * waits for came (within two minutes): a busy host only makes it longer.
 * Sets are created and deleted only while unloaded (EBUSY).
 */
#include "pfm_test.h"

static void two_sets(int fd, uint32_t flags, unsigned long long timeout)
{
	pfarg_setdesc_t sd[2];

	memset(sd, 0, sizeof(sd));
	sd[0].set_id = 0;
	sd[1].set_id = 1;
	sd[0].set_flags = flags;
	sd[1].set_flags = flags;
	sd[0].set_timeout = timeout;
	sd[1].set_timeout = timeout;
	OK(pfm_create_evtsets(fd, sd, 2));
	OK(pfm_pmc(fd, 0, 0, PFM_EVENT));
	OK(pfm_pmc(fd, 1, 0, PFM_EVENT));
	OK(pfm_pmd(fd, 0, 0, 0, 0, 0));
	OK(pfm_pmd(fd, 1, 0, 0, 0, 0));
}

static void info(int fd, pfarg_setinfo_t *si)
{
	memset(si, 0, 2 * sizeof(*si));
	si[0].set_id = 0;
	si[1].set_id = 1;
	OK(pfm_getinfo_evtsets(fd, si, 2));
}

/* What the polls of ran() saw overflow (getinfo forgets what it tells). */
static uint64_t seen_ovfl[2];

/* Both sets ran @arg times at least (getinfo). */
static bool ran(void *arg)
{
	int *want = arg;
	pfarg_setinfo_t si[2];

	info(want[1], si);
	seen_ovfl[0] |= si[0].set_ovfl_pmds[0];
	seen_ovfl[1] |= si[1].set_ovfl_pmds[0];
	return si[0].set_runs >= (unsigned int)want[0] &&
	       si[1].set_runs >= (unsigned int)want[0];
}

static void by_time(void)
{
	pfarg_setinfo_t si[2];
	pfarg_setdesc_t sd;
	unsigned long long t0, t1, v0, v1, total;
	int fd = pfm_new(0);

	two_sets(fd, PFM_SETFL_TIME_SWITCH, 20000000);
	OK(pfm_load(fd, pfm_gettid(), 0));
	memset(&sd, 0, sizeof(sd));
	sd.set_id = 2;
	ERR(pfm_create_evtsets(fd, &sd, 1), EBUSY);
	sd.set_id = 1;
	ERR(pfm_delete_evtsets(fd, &sd, 1), EBUSY);

	t0 = pfm_ns(CLOCK_THREAD_CPUTIME_ID);
	OK(pfm_start(fd, NULL));
	/*
	 * A second of this thread's CPU time and ten runs of each set: the
	 * switches come from a timer and a work item, late on a busy host.
	 */
	pfm_spin_cpu(1000000000, ran, (int[]){ 10, fd });
	info(fd, si);
	CHECK(si[0].set_timeout <= 20000000, "active set's leftover timeout %llu",
	      (unsigned long long)si[0].set_timeout);
	OK(pfm_stop(fd));
	t1 = pfm_ns(CLOCK_THREAD_CPUTIME_ID);
	info(fd, si);
	v0 = pfm_get(fd, 0, 0);
	v1 = pfm_get(fd, 1, 0);
	total = si[0].set_act_duration + si[1].set_act_duration;
	printf("runs %llu/%llu, active %llu/%llu ns, counts %llu/%llu\n",
	       (unsigned long long)si[0].set_runs, (unsigned long long)si[1].set_runs,
	       (unsigned long long)si[0].set_act_duration,
	       (unsigned long long)si[1].set_act_duration, v0, v1);
	CHECK(si[0].set_runs >= 10 && si[1].set_runs >= 10, "too few runs");
	CHECK(si[0].set_flags == PFM_SETFL_TIME_SWITCH &&
	      si[0].set_avail_pmds[0] & 1 && si[1].set_avail_pmcs[0] & 1,
	      "getinfo flags/available registers");
	CHECK(si[0].set_act_duration > total * 3 / 10 &&
	      si[1].set_act_duration > total * 3 / 10, "uneven active time");
	/*
	 * Each switch is one vpmc_swap() on this thread's CPU: no gap, so
	 * both together count what one PMD would, as self_count.c bounds it
	 * against CPU time (sets_exact.c compares with one never switched).
	 */
	pfm_within("sum of both sets' counts vs CPU time", v0 + v1, t1 - t0);
	CHECK(v0 > (v0 + v1) * 3 / 10 && v1 > (v0 + v1) * 3 / 10, "uneven counts");
	printf("ok multiplexed by time\n");
	OK(pfm_unload_context(fd));
	OK(pfm_delete_evtsets(fd, &sd, 1));
	ERR(pfm_delete_evtsets(fd, &sd, 1), EINVAL);
	close(fd);
}

static void by_overflow(void)
{
	pfarg_setinfo_t si[2];
	pfarg_pmd_t pmd[2];
	int fd = pfm_new(0), i;

	two_sets(fd, PFM_SETFL_OVFL_SWITCH, 0);
	memset(pmd, 0, sizeof(pmd));
	for (i = 0; i < 2; i++) {
		pmd[i].reg_set = i;
		pmd[i].reg_value = -PFM_PERIOD;
		pmd[i].reg_short_reset = -PFM_PERIOD;
		pmd[i].reg_ovfl_switch_cnt = 2;
	}
	OK(pfm_write_pmds(fd, pmd, 2));
	OK(pfm_load(fd, pfm_gettid(), 0));
	OK(pfm_start(fd, NULL));
	/* Five runs each (~25 are due in a second; TCG loses interrupts). */
	seen_ovfl[0] = 0;
	seen_ovfl[1] = 0;
	pfm_spin_cpu(1000000000, ran, (int[]){ 5, fd });
	OK(pfm_stop(fd));
	info(fd, si);
	si[0].set_ovfl_pmds[0] |= seen_ovfl[0];
	si[1].set_ovfl_pmds[0] |= seen_ovfl[1];
	printf("runs %llu/%llu, ovfl_pmds 0x%llx/0x%llx\n",
	       (unsigned long long)si[0].set_runs, (unsigned long long)si[1].set_runs,
	       (unsigned long long)si[0].set_ovfl_pmds[0],
	       (unsigned long long)si[1].set_ovfl_pmds[0]);
	CHECK(si[0].set_runs >= 5 && si[1].set_runs >= 5, "too few switches");
	CHECK(si[0].set_ovfl_pmds[0] == 1 && si[1].set_ovfl_pmds[0] == 1,
	      "overflowed PMDs not reported");
	info(fd, si);
	CHECK(!si[0].set_ovfl_pmds[0], "ovfl_pmds not cleared by getinfo");
	printf("ok multiplexed by overflow count\n");
	close(fd);
}

int main(void)
{
	pfm_prog = "sets";
	by_time();
	by_overflow();
	return 0;
}
