/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers of the perfmon2 test programs. The programs use only the
 * perfmon2 calls of <perfmon/perfmon.h> (libperfmon), as any perfmon2
 * program does; these helpers wrap the common call sequences.
 *
 * Events are in vpmc's perf-backend encoding (/sys/kernel/perfmon/pmu_desc
 * /format): on arm64 the ARMv8 CPU_CYCLES event number, raw (real cycles of
 * the emulated PMUv3, 1 GHz of virtual time); elsewhere perf's software
 * cpu-clock (ns). Both count about one per nanosecond of running.
 */
#ifndef PFM_TEST_H
#define PFM_TEST_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <perfmon/perfmon.h>

#ifdef __aarch64__
#define PFM_EVENT	0x11ULL			/* raw CPU_CYCLES */
#define PFM_EVENT_NAME	"cycles"
#define PFM_TOL_LO	0.9			/* cycles vs. CPU time, TCG */
#define PFM_TOL_HI	1.1
#else
#define PFM_EVENT	0x0100000000000000ULL	/* software cpu-clock */
#define PFM_EVENT_NAME	"cpu-clock"
#define PFM_TOL_LO	0.95
#define PFM_TOL_HI	1.05
#endif
#define PFM_USR		0x1000000000000000ULL	/* count in user mode only */
#define PFM_OS		0x2000000000000000ULL	/* count in kernel mode only */
/* An overflow period comfortably above TCG's reliable minimum (1e6). */
#define PFM_PERIOD	10000000ULL

static const char *pfm_prog = "pfm";

#define FAIL(...) do {							\
	fprintf(stderr, "%s: FAIL %s:%d: ", pfm_prog, __FILE__, __LINE__);	\
	fprintf(stderr, __VA_ARGS__);					\
	fputc('\n', stderr);						\
	exit(1);							\
} while (0)
#define CHECK(cond, ...) do { if (!(cond)) FAIL(__VA_ARGS__); } while (0)
#define OK(call) do {							\
	if ((call) < 0)							\
		FAIL("%s: %s", #call, strerror(errno));			\
} while (0)
/* A call that must fail with @e. */
#define ERR(call, e) do {						\
	int _r;								\
	errno = 0;							\
	_r = (call);							\
	CHECK(_r == -1 && errno == (e), "%s: want %s, got %d (%s)",	\
	      #call, #e, _r, strerror(errno));				\
	printf("ok %-14s %s\n", #e, #call);				\
} while (0)

static inline pid_t pfm_gettid(void)
{
	return syscall(SYS_gettid);
}

static inline uint64_t pfm_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* Busy for @ns of wall time. */
static inline void pfm_spin(uint64_t ns)
{
	uint64_t end = pfm_ns(CLOCK_MONOTONIC) + ns;

	while (pfm_ns(CLOCK_MONOTONIC) < end)
		;
}

/*
 * Busy until this thread has run @ns of CPU time and @done(@arg) holds (or
 * NULL), whatever else the machine does: at most 120 s of wall time.
 */
static inline void pfm_spin_cpu(uint64_t ns, bool (*done)(void *), void *arg)
{
	uint64_t end = pfm_ns(CLOCK_THREAD_CPUTIME_ID) + ns;
	uint64_t give_up = pfm_ns(CLOCK_MONOTONIC) + 120000000000ULL;

	while (pfm_ns(CLOCK_THREAD_CPUTIME_ID) < end || (done && !done(arg))) {
		if (pfm_ns(CLOCK_MONOTONIC) > give_up)
			return;
		pfm_spin(1000000);
	}
}

static inline void pfm_within(const char *what, unsigned long long got,
			      unsigned long long ref)
{
	double r = ref ? (double)got / ref : 0;

	printf("%s: %llu vs %llu (ratio %.4f)\n", what, got, ref, r);
	CHECK(r >= PFM_TOL_LO && r <= PFM_TOL_HI, "%s: ratio %.4f outside [%.2f, %.2f]",
	      what, r, PFM_TOL_LO, PFM_TOL_HI);
}

/*
 * @got counted from a start to a stop of another task; @lo is its CPU time
 * read after the start returned and before the stop was called, @hi read
 * before the start and after the stop: the task's time within the window
 * lies between the two, whatever the scheduler did to the caller meanwhile.
 */
static inline void pfm_bracketed(const char *what, unsigned long long got,
				 unsigned long long lo, unsigned long long hi)
{
	printf("%s: %llu vs [%llu, %llu]\n", what, got, lo, hi);
	CHECK(got >= lo * PFM_TOL_LO && got <= hi * PFM_TOL_HI,
	      "%s: %llu outside [%.0f, %.0f]", what, got, lo * PFM_TOL_LO,
	      hi * PFM_TOL_HI);
}

static inline int pfm_new(uint32_t flags)
{
	pfarg_ctx_t ctx;
	int fd;

	memset(&ctx, 0, sizeof(ctx));
	ctx.ctx_flags = flags;
	fd = pfm_create_context(&ctx, NULL, NULL, 0);
	if (fd < 0)
		FAIL("pfm_create_context(0x%x): %s", flags, strerror(errno));
	return fd;
}

static inline int pfm_pmc(int fd, uint16_t set, uint16_t num, uint64_t value)
{
	pfarg_pmc_t pmc;

	memset(&pmc, 0, sizeof(pmc));
	pmc.reg_num = num;
	pmc.reg_set = set;
	pmc.reg_value = value;
	return pfm_write_pmcs(fd, &pmc, 1);
}

/* PMD @num of @set = @value; with @period, overflow every @period events. */
static inline int pfm_pmd(int fd, uint16_t set, uint16_t num, uint64_t value,
			  uint64_t period, uint32_t flags)
{
	pfarg_pmd_t pmd;

	memset(&pmd, 0, sizeof(pmd));
	pmd.reg_num = num;
	pmd.reg_set = set;
	pmd.reg_flags = flags;
	pmd.reg_value = period ? -period : value;
	pmd.reg_long_reset = -period;
	pmd.reg_short_reset = -period;
	return pfm_write_pmds(fd, &pmd, 1);
}

static inline unsigned long long pfm_get(int fd, uint16_t set, uint16_t num)
{
	pfarg_pmd_t pmd;

	memset(&pmd, 0, sizeof(pmd));
	pmd.reg_num = num;
	pmd.reg_set = set;
	OK(pfm_read_pmds(fd, &pmd, 1));
	return pmd.reg_value;
}

static inline int pfm_load(int fd, uint32_t pid_or_cpu, uint16_t set)
{
	pfarg_load_t load;

	memset(&load, 0, sizeof(load));
	load.load_pid = pid_or_cpu;
	load.load_set = set;
	return pfm_load_context(fd, &load);
}

static inline void pfm_pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		FAIL("sched_setaffinity(%d): %s", cpu, strerror(errno));
}

/*
 * A child that spins, pinned to @cpu unless it is -1, for @ns of its CPU
 * time (0: until killed), and keeps publishing its CPU time to @*clock.
 * The kernel gives another process's CPU clock only as of the last tick
 * or switch of a running thread (thread_group_cputime()), milliseconds
 * stale under TCG; a thread's own clock is exact, so the child reads its
 * own and the parent reads what it published: at most one loop, a few
 * microseconds, behind.
 */
static inline pid_t pfm_spinner(uint64_t ns, int cpu, uint64_t **clock)
{
	uint64_t *pub = mmap(NULL, sizeof(*pub), PROT_READ | PROT_WRITE,
				      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	pid_t child;

	CHECK(pub != MAP_FAILED, "mmap: %s", strerror(errno));
	*pub = 0;
	child = fork();
	CHECK(child >= 0, "fork: %s", strerror(errno));
	if (!child) {
		uint64_t now;

		if (cpu >= 0)
			pfm_pin(cpu);
		do {
			now = pfm_ns(CLOCK_THREAD_CPUTIME_ID);
			__atomic_store_n(pub, now, __ATOMIC_RELAXED);
		} while (!ns || now < ns);
		_exit(0);
	}
	*clock = pub;
	return child;
}

/* What a pfm_spinner() published: its CPU time, ns. */
static inline uint64_t pfm_spinner_ns(uint64_t *clock)
{
	return __atomic_load_n(clock, __ATOMIC_RELAXED);
}

#endif /* PFM_TEST_H */
