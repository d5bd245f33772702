// SPDX-License-Identifier: GPL-2.0-only
/*
 * B3: reading 4 counters of one's own thread from user space:
 * pfm_read_pmds() of 4 PMDs against read() of a perf group of the same 4
 * events. Prints "read4 vpmc=X perf=Y unit=ns" (thousandths of ns per read).
 *   bench_read4 ITERS [vpmc]   (vpmc alone: for a profile)
 */
#include "bench.h"

int main(int argc, char **argv)
{
	unsigned long long iters = argc > 1 ? strtoull(argv[1], NULL, 0) : 100000;
	unsigned long long t0, t1, t2, i, sum = 0, buf[1 + 4];
	pfarg_pmd_t pmd[4];
	int pfd, lead, fds[4], k;

	pfd = bench_pfm_open(syscall(SYS_gettid));
	memset(pmd, 0, sizeof(pmd));
	for (k = 0; k < 4; k++)
		pmd[k].reg_num = k;
	lead = -1;
	for (k = 0; k < 4; k++) {
		fds[k] = bench_perf_open(bench_sw[k], 0, lead, PERF_FORMAT_GROUP);
		if (!k)
			lead = fds[0];
	}
	t0 = bench_ns();
	for (i = 0; i < iters; i++) {
		if (pfm_read_pmds(pfd, pmd, 4))
			bench_die("pfm_read_pmds");
		sum += pmd[0].reg_value;
	}
	t1 = bench_ns();
	if (argc > 2)
		return 0;
	for (i = 0; i < iters; i++) {
		if (read(lead, buf, sizeof(buf)) != sizeof(buf))
			bench_die("read of the perf group");
		sum += buf[1];
	}
	t2 = bench_ns();
	if (!sum)
		bench_die("nothing counted");
	printf("read4 vpmc=%llu perf=%llu unit=ns\n", (t1 - t0) * 1000 / iters,
	       (t2 - t1) * 1000 / iters);
	return 0;
}
