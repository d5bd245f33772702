// SPDX-License-Identifier: GPL-2.0-only
/*
 * Event sets lose nothing at their switches (issue 20, items 4 and 5).
 *
 * Two sets multiplexed by time (10 ms, then 1 ms), each with two PMDs:
 * cpu-clock and a second event (arm64: the emulated PMUv3's cycles, which
 * TCG derives from the same virtual clock, through perf's generic event,
 * which vpmc gives the whole 64-bit cycle counter: as a 32-bit counter it
 * interrupts every 2^31 cycles, and QEMU 7.2 miscounts such an interrupt
 * now and then under load, a set's cycles 1.76e9 over its cpu-clock
 * (Documentation/testing.rst); x86_64: cpu-clock again). The
 * reference is a virtual PMC of vpmc_ctl.ko on the same target and event,
 * never switched, started just before the context and stopped just after.
 *
 *  - per thread: the parent monitors a spinning child, as perfmon2 tools
 *    do (the child on CPU 1, the parent on CPU 0). The two sets' cpu-clock
 *    counts never exceed the reference, come within 1% of it (less what
 *    the child ran between the two starts and the two stops) or of the
 *    child's CPU time as it publishes it; the two PMDs of each set agree
 *    within 1% on arm64, 3% on x86_64 (a context switch's skew, below).
 *    One set alone, no switching, runs first as a baseline;
 *  - system-wide, on CPU 1 with the child pinned there: every read of the
 *    four PMDs while the sets switch (each 5 ms) has the two PMDs of each
 *    set agree within 1% (plus what the read itself took) and no count
 *    above the time elapsed (a cycles PMD once read 3.5e9 after 1.57 s of
 *    cpu-clock); at the end the sets add up to the reference and to the
 *    elapsed time within 1%.
 *
 * The test waits for switches (each set 20 runs) and CPU time, not for
 * wall time: a busy host only makes it longer.
 * Usage: pfm_sets_exact [ROUNDS [VPMC_CTL]] (1, /sys/kernel/debug/vpmc_ctl).
 */
#include <signal.h>
#include <sys/wait.h>

#include "pfm_test.h"
#include "vpmc-util.h"

#define CLOCK_EV	0x0100000000000000ULL	/* software cpu-clock */
#if defined(__aarch64__)
/* perf's cycles: the cycle counter, 64-bit, so no wrap interrupt. */
#define OTHER_EV	0x0200000000000000ULL
#define OTHER_NAME	"cycles"
#define THREAD_SKEW(k)	0ULL
#else
#define OTHER_EV	CLOCK_EV
#define OTHER_NAME	"cpu-clock"
#define THREAD_SKEW(k)	(2 * (k) / 100)
#endif
#define RUNS		20
#define CPU		1

static void unpin(void)
{
	cpu_set_t set;
	int i;

	CPU_ZERO(&set);
	for (i = 0; i < CPU_SETSIZE; i++)
		CPU_SET(i, &set);
	CHECK(!sched_setaffinity(0, sizeof(set), &set), "sched_setaffinity: %s",
	      strerror(errno));
}

/*
 * The reference: one virtual PMC of vpmc_ctl.ko (no sets, never switched)
 * on the same event and target, started before the context and stopped
 * after it.
 */
static const char *ctl = "/sys/kernel/debug/vpmc_ctl";

static void ctl_cmd(const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vpmc_ctl_vcmd(ctl, buf, sizeof(buf), fmt, ap);
	va_end(ap);
	CHECK(!ret, "%s: '%s': %s", ctl, buf, strerror(errno));
}

static unsigned long long ctl_count(void)
{
	unsigned long long config, period, count = 0;
	char where[16];
	FILE *f = fopen(ctl, "r");

	CHECK(f && fscanf(f, "%15s %llx %llu %llu", where, &config, &period, &count) == 4,
	      "%s: no virtual PMC listed", ctl);
	fclose(f);
	return count;
}

static void reap(pid_t child)
{
	int status;

	kill(child, SIGKILL);
	CHECK(waitpid(child, &status, 0) == child, "waitpid: %s", strerror(errno));
}

static void two_sets(int fd, unsigned long long timeout)
{
	pfarg_setdesc_t sd[2];
	unsigned int s;

	if (!timeout) {		/* the baseline: set 0 alone */
		OK(pfm_pmc(fd, 0, 0, CLOCK_EV));
		OK(pfm_pmc(fd, 0, 1, OTHER_EV));
		OK(pfm_pmd(fd, 0, 0, 0, 0, 0));
		OK(pfm_pmd(fd, 0, 1, 0, 0, 0));
		return;
	}

	memset(sd, 0, sizeof(sd));
	for (s = 0; s < 2; s++) {
		sd[s].set_id = s;
		sd[s].set_flags = PFM_SETFL_TIME_SWITCH;
		sd[s].set_timeout = timeout;
	}
	OK(pfm_create_evtsets(fd, sd, 2));
	for (s = 0; s < 2; s++) {
		OK(pfm_pmc(fd, s, 0, CLOCK_EV));
		OK(pfm_pmc(fd, s, 1, OTHER_EV));
		OK(pfm_pmd(fd, s, 0, 0, 0, 0));
		OK(pfm_pmd(fd, s, 1, 0, 0, 0));
	}
}

/* Both sets ran RUNS times. */
static bool ran(int fd, bool sets)
{
	pfarg_setinfo_t si[2];

	if (!sets)
		return true;
	memset(si, 0, sizeof(si));
	si[1].set_id = 1;
	OK(pfm_getinfo_evtsets(fd, si, 2));
	return si[0].set_runs >= RUNS && si[1].set_runs >= RUNS;
}

/*
 * v[set * 2 + pmd]: both sets' two PMDs in one call. Returns how long the
 * call took: the active set counts on between its two PMDs' reads, for as
 * long as the caller is held up in there (a whole time slice of the
 * spinning child, system-wide on the same CPU).
 */
static unsigned long long read4(int fd, unsigned long long v[4], bool sets)
{
	unsigned int i, n = sets ? 4 : 2;
	pfarg_pmd_t pmd[4];
	unsigned long long t;

	memset(pmd, 0, sizeof(pmd));
	for (i = 0; i < 4; i++) {
		pmd[i].reg_set = i / 2;
		pmd[i].reg_num = i % 2;
	}
	t = pfm_ns(CLOCK_MONOTONIC);
	OK(pfm_read_pmds(fd, pmd, n));
	t = pfm_ns(CLOCK_MONOTONIC) - t;
	for (i = 0; i < 4; i++)
		v[i] = i < n ? pmd[i].reg_value : 0;
	return t;
}

/* The two PMDs of each set agree within 1%, plus @slack ns. */
static void agree(const char *when, const unsigned long long v[4],
		  unsigned long long slack)
{
	unsigned int s;

	for (s = 0; s < 2; s++) {
		unsigned long long k = v[2 * s], o = v[2 * s + 1];
		unsigned long long d = k > o ? k - o : o - k;

		CHECK(d <= k / 100 + slack,
		      "%s: set %u: cpu-clock %llu vs " OTHER_NAME " %llu: more than 1%% apart%s",
		      when, s, k, o, slack ? " (and the slack)" : "");
	}
}

/*
 * The sets' cpu-clock (@v after the stop) against the reference @ref,
 * which also counted @out outside the context's window, and the target's
 * time in [@lo, @hi]: never over @ref, and within 1% of it or, with
 * @either, of that time.
 */
static void by_ref(const char *what, unsigned long long timeout,
		   const unsigned long long v[4], unsigned long long ref,
		   unsigned long long out, unsigned long long lo,
		   unsigned long long hi, bool either)
{
	unsigned long long sum = v[0] + v[2];

	printf("%s, %llu us: sets %llu+%llu = %llu ns of cpu-clock, " OTHER_NAME
	       " %llu/%llu; never switched %llu (%llu of it outside the window);"
	       " time in [%llu, %llu]\n", what, timeout / 1000, v[0], v[2], sum, v[1],
	       v[3], ref, out, lo, hi);
	CHECK(sum <= ref + ref / 100,
	      "sum of the sets' cpu-clock %llu over the %llu never switched", sum, ref);
	CHECK(sum + out + ref / 100 >= ref || (either && sum >= lo * 0.99),
	      "sum of the sets' cpu-clock %llu more than 1%% short of the %llu never switched%s",
	      sum, ref, either ? " and of the time" : "");
}

static void per_thread(unsigned long long timeout)
{
	unsigned long long t0, t0s, t1s, t1, v[4], ref, out;
	uint64_t give_up = pfm_ns(CLOCK_MONOTONIC) + 120000000000ULL;
	uint64_t *clock;
	pid_t child;
	int fd;

	/*
	 * The child alone on its CPU: each of its context switches costs a
	 * debug kernel under TCG some 100 us, which the scheduler and a
	 * per-thread count (switched at the sched_switch tracepoint) share
	 * out differently; the parent waking on its CPU every poll would
	 * make that a percent, with or without sets.
	 */
	pfm_pin(0);
	child = pfm_spinner(0, CPU, &clock);
	fd = pfm_new(0);

	two_sets(fd, timeout);
	OK(pfm_load(fd, child, 0));
	ctl_cmd("destroy");
	ctl_cmd("task %d %#llx", child, CLOCK_EV);
	t0 = pfm_spinner_ns(clock);
	ctl_cmd("start");
	OK(pfm_start(fd, NULL));
	t0s = pfm_spinner_ns(clock);
	while (!ran(fd, timeout) || pfm_spinner_ns(clock) - t0s < 500000000ULL) {
		CHECK(pfm_ns(CLOCK_MONOTONIC) < give_up, "sets did not switch %u times", RUNS);
		usleep(50000);
	}
	t1s = pfm_spinner_ns(clock);
	OK(pfm_stop(fd));
	ctl_cmd("stop");
	t1 = pfm_spinner_ns(clock);
	ref = ctl_count();
	ctl_cmd("destroy");
	read4(fd, v, timeout);
	out = (t0s - t0) + (t1 - t1s);
	/*
	 * The references themselves disagree on a debug kernel under TCG,
	 * which spends ~100 us per context switch that the scheduler's clock
	 * and a per-thread count (moved at the sched_switch tracepoint) share
	 * out differently (one set alone: up to 1.6%); on debug arm64 with
	 * the host overloaded the unswitched one was seen 7.7% over, and
	 * 7% under, the child's CPU time. So the sets come within 1% of
	 * either; how per-thread counts follow CPU time is for the tests of
	 * per-thread counting (thread_count.c, self_count.c), not of sets.
	 */
	by_ref("per thread", timeout, v, ref, out, t1s - t0s, t1 - t0, true);
	/*
	 * Per thread, the two PMDs of a set start and stop together, but a
	 * context switch takes a thread's virtual PMCs off one after the
	 * other and puts them back in the same order, each bringing the
	 * counter up to date: on a debug kernel under TCG the earlier PMD
	 * of set 0 was seen up to 1.7% ahead at 1 ms switching (the worker
	 * preempting the child at every switch). 3% there; that skew is
	 * core's, not the sets'. On arm64 (cycles and cpu-clock) the pair
	 * stayed within 0.12% over 54 rounds on a busy host: 1%, no slack.
	 */
	agree("per thread", v, THREAD_SKEW(v[0]));
	OK(pfm_unload_context(fd));
	close(fd);
	reap(child);
	unpin();
}

static void system_wide(unsigned long long timeout)
{
	unsigned long long t0, t0s, t1s, t1, v[4], took, sum, ref, out, reads = 0;
	uint64_t *clock;
	uint64_t give_up;
	pid_t child;
	int fd;

	pfm_pin(CPU);
	child = pfm_spinner(0, CPU, &clock);
	fd = pfm_new(PFM_FL_SYSTEM_WIDE);
	two_sets(fd, timeout);
	OK(pfm_load(fd, CPU, 0));
	ctl_cmd("destroy");
	ctl_cmd("create %d %#llx", CPU, CLOCK_EV);
	give_up = pfm_ns(CLOCK_MONOTONIC) + 120000000000ULL;
	t0 = pfm_ns(CLOCK_MONOTONIC);
	ctl_cmd("start");
	OK(pfm_start(fd, NULL));
	t0s = pfm_ns(CLOCK_MONOTONIC);
	do {
		unsigned long long before = pfm_ns(CLOCK_MONOTONIC) - t0;

		CHECK(pfm_ns(CLOCK_MONOTONIC) < give_up, "sets did not switch %u times", RUNS);
		took = read4(fd, v, timeout);
		reads++;
		CHECK(v[0] + v[2] <= (pfm_ns(CLOCK_MONOTONIC) - t0) * 1.01,
		      "cpu-clock %llu+%llu after %llu ns", v[0], v[2], before);
		CHECK(v[1] + v[3] <= (pfm_ns(CLOCK_MONOTONIC) - t0) * 1.01,
		      OTHER_NAME " %llu+%llu after %llu ns", v[1], v[3], before);
		agree("while switching", v, took + took / 100);
		usleep(2000);
	} while (!ran(fd, timeout) || pfm_ns(CLOCK_MONOTONIC) - t0s < 500000000ULL);
	t1s = pfm_ns(CLOCK_MONOTONIC);
	OK(pfm_stop(fd));
	ctl_cmd("stop");
	t1 = pfm_ns(CLOCK_MONOTONIC);
	ref = ctl_count();
	ctl_cmd("destroy");
	read4(fd, v, timeout);
	sum = v[0] + v[2];
	out = (t0s - t0) + (t1 - t1s);
	by_ref("CPU 1", timeout, v, ref, out, t1s - t0s, t1 - t0, false);
	printf("%llu reads while switching\n", reads);
	CHECK(sum >= (t1s - t0s) * 0.99 && sum <= (t1 - t0) * 1.01,
	      "sum of the sets' cpu-clock %llu not within 1%% of the elapsed [%llu, %llu]",
	      sum, t1s - t0s, t1 - t0);
	agree("system-wide", v, 0);
	OK(pfm_unload_context(fd));
	close(fd);
	reap(child);
	unpin();
}

int main(int argc, char **argv)
{
	int rounds = argc > 1 ? atoi(argv[1]) : 1, i;

	if (argc > 2)
		ctl = argv[2];
	pfm_prog = "sets_exact";
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (i = 0; i < rounds; i++) {
		per_thread(0);
		per_thread(10000000);
		per_thread(1000000);
		system_wide(5000000);
	}
	printf("ok %d rounds: no count lost or made up at set switches\n", rounds);
	return 0;
}
