// SPDX-License-Identifier: GPL-2.0-only
/*
 * B4: context-switch overhead. Two processes pinned to one CPU bounce a
 * byte through two pipes (as perf bench sched pipe), bare, then with 4
 * per-thread counters on each through perfmon (vpmc), then with 4
 * per-thread perf events on each, in interleaved rounds (the best round of
 * each mode counts), each after the mode before's scheduler hooks are
 * gone (not with BENCH_SETTLE=0). Prints "pipe vpmc=X perf=Y unit=%":
 * the overhead over bare, in thousandths of a percent (may be negative
 * within noise).
 *   bench_pipe ROUNDTRIPS [vpmc|perf|bare]   (a mode alone: for a profile)
 */
#include <sched.h>
#include <sys/wait.h>

#include "bench.h"

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		bench_die("sched_setaffinity");
}

enum mode { BARE, VPMC, PERF };

/* ns per round trip with @mode's counters on both processes. */
static unsigned long long run(enum mode mode, unsigned long long n)
{
	int ab[2], ba[2], fds[2][4], k;
	unsigned long long i, t0, t1;
	char c = 0;
	pid_t child;

	if (pipe(ab) || pipe(ba))
		bench_die("pipe");
	child = fork();
	if (child < 0)
		bench_die("fork");
	if (!child) {
		/* Only the parent's ends: its close() is then our EOF. */
		close(ab[1]);
		close(ba[0]);
		for (;;) {
			if (read(ab[0], &c, 1) != 1)
				_exit(0);
			if (write(ba[1], &c, 1) != 1)
				_exit(1);
		}
	}
	close(ab[0]);
	close(ba[1]);
	memset(fds, -1, sizeof(fds));
	if (mode == VPMC) {
		fds[0][0] = bench_pfm_open(syscall(SYS_gettid));
		fds[1][0] = bench_pfm_open(child);
	} else if (mode == PERF) {
		for (k = 0; k < 4; k++) {
			fds[0][k] = bench_perf_open(bench_sw[k], 0, -1, 0);
			fds[1][k] = bench_perf_open(bench_sw[k], child, -1, 0);
		}
	}
	t0 = bench_ns();
	for (i = 0; i < n; i++) {
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
			bench_die("ping-pong");
	}
	t1 = bench_ns();
	close(ab[1]);
	close(ba[0]);
	waitpid(child, NULL, 0);
	for (k = 0; k < 4; k++) {
		if (fds[0][k] >= 0)
			close(fds[0][k]);
		if (fds[1][k] >= 0)
			close(fds[1][k]);
	}
	return (t1 - t0) / n;
}

/* Rounds of the three modes, interleaved; each mode's best round counts. */
#define ROUNDS	10

int main(int argc, char **argv)
{
	unsigned long long n = argc > 1 ? strtoull(argv[1], NULL, 0) : 20000;
	unsigned long long best[3] = { ~0ULL, ~0ULL, ~0ULL }, t;
	/* How long a mode's scheduler hooks outlive its round, in ms. */
	static const unsigned int settle_ms[3] = { [VPMC] = 300, [PERF] = 1100 };
	const char *env = getenv("BENCH_SETTLE");
	int settle = !env || strcmp(env, "0");
	long long bare, vpmc, perf;
	int r, m;

	pin(1 % sysconf(_SC_NPROCESSORS_ONLN));
	if (argc > 2) {
		m = !strcmp(argv[2], "vpmc") ? VPMC : !strcmp(argv[2], "perf") ? PERF : BARE;
		printf("# %s: %llu ns per round trip\n", argv[2], run(m, n));
		return 0;
	}
	run(BARE, n / 10 + 1);		/* warm up */
	/*
	 * Under TCG the host's own load comes and goes over seconds: rounds
	 * of bare, vpmc and perf side by side see the same weather, and the
	 * least disturbed round of each is the closest to its true cost.
	 */
	for (r = 0; r < ROUNDS; r++) {
		for (m = BARE; m <= PERF; m++) {
			/*
			 * Each mode on a scheduler without the others' hooks:
			 * perf drops its context-switch hooks a second (HZ)
			 * after its last per-thread event, vpmc as soon as its
			 * work item runs (unhook_ms=0 in make bench).
			 */
			if (settle)
				usleep(settle_ms[m ? m - 1 : PERF] * 1000);
			t = run(m, n / ROUNDS + 1);
			if (t < best[m])
				best[m] = t;
		}
	}
	bare = best[BARE];
	vpmc = best[VPMC];
	perf = best[PERF];
	printf("# round trip: bare %lld ns, vpmc %lld ns, perf %lld ns\n", bare, vpmc, perf);
	printf("pipe vpmc=%lld perf=%lld unit=%%\n", (vpmc - bare) * 100000 / bare,
	       (perf - bare) * 100000 / bare);
	return 0;
}
