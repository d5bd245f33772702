/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Helpers of the user-space benchmarks: the four events each counts, in
 * perfmon (vpmc's perf-backend encoding) and perf_event_open() terms, and
 * perf_event_open() itself.
 */
#ifndef VPMC_BENCH_H
#define VPMC_BENCH_H

#include <errno.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <perfmon/perfmon.h>

/* Four software events every guest has: clock, faults, switches, migrations. */
static const unsigned long long bench_sw[4] = {
	PERF_COUNT_SW_CPU_CLOCK, PERF_COUNT_SW_PAGE_FAULTS,
	PERF_COUNT_SW_CONTEXT_SWITCHES, PERF_COUNT_SW_CPU_MIGRATIONS,
};

#define BENCH_PFM_SW(e)	(0x0100000000000000ULL | (e))

static inline void bench_die(const char *what)
{
	fprintf(stderr, "bench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static inline unsigned long long bench_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline int bench_perf_open(unsigned long long config, pid_t pid,
				  int group, unsigned long long read_format)
{
	struct perf_event_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_SOFTWARE;
	attr.config = config;
	attr.read_format = read_format;
	fd = syscall(SYS_perf_event_open, &attr, pid, -1, group, 0);
	if (fd < 0)
		bench_die("perf_event_open");
	return fd;
}

/* A perfmon context on thread @tid counting the four events, started. */
static inline int bench_pfm_open(pid_t tid)
{
	pfarg_ctx_t ctx;
	pfarg_pmc_t pmc[4];
	pfarg_pmd_t pmd[4];
	pfarg_load_t load;
	int fd, i;

	memset(&ctx, 0, sizeof(ctx));
	memset(pmc, 0, sizeof(pmc));
	memset(pmd, 0, sizeof(pmd));
	memset(&load, 0, sizeof(load));
	fd = pfm_create_context(&ctx, NULL, NULL, 0);
	if (fd < 0)
		bench_die("pfm_create_context");
	for (i = 0; i < 4; i++) {
		pmc[i].reg_num = i;
		pmc[i].reg_value = BENCH_PFM_SW(bench_sw[i]);
		pmd[i].reg_num = i;
	}
	load.load_pid = tid;
	if (pfm_write_pmcs(fd, pmc, 4) || pfm_write_pmds(fd, pmd, 4) ||
	    pfm_load_context(fd, &load) ||
	    pfm_start(fd, NULL))
		bench_die("perfmon setup");
	return fd;
}

#endif /* VPMC_BENCH_H */
