// SPDX-License-Identifier: GPL-2.0-only
/*
 * workload - a measured amount of work, bracketed by vpmc_ctl commands so
 * that vpmc counts exactly the span the work takes.
 *   workload CTL faults N	touch N fresh small pages (N minor page faults)
 *   workload CTL spin MS	spin for MS milliseconds
 * CTL is the vpmc_ctl debugfs file, or "-" for none. Run it pinned
 * (taskset) to the CPU vpmc counts on. Under `perf stat -D -1 --control
 * fd:CTL,ACK`, set PERF_CTL_FD=CTL and PERF_ACK_FD=ACK and perf counts the
 * same span: enabled before vpmc starts, disabled after it stops.
 * With WORKLOAD_SPAN=FILE, it writes there, in ns, how long the two
 * brackets took (perf enabled, vpmc not yet or no longer counting), the
 * whole span, and the time within vpmc's span it did not run (the CPU
 * was someone else's): "OUTSIDE TOTAL AWAY".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

static void ctl(const char *path, const char *cmd)
{
	FILE *f;

	if (!strcmp(path, "-"))
		return;
	f = fopen(path, "w");
	if (!f || fputs(cmd, f) < 0 || fclose(f)) {
		fprintf(stderr, "workload: %s: %s: %s\n", path, cmd, strerror(errno));
		exit(1);
	}
}

/* Tell perf stat's --control fd to "enable" or "disable"; wait for its ack. */
static void perf_ctl(const char *cmd)
{
	const char *ctl_fd = getenv("PERF_CTL_FD"), *ack_fd = getenv("PERF_ACK_FD");
	char ack[16];
	ssize_t n;

	if (!ctl_fd)
		return;
	if (write(atoi(ctl_fd), cmd, strlen(cmd)) != (ssize_t)strlen(cmd)) {
		perror("workload: perf control");
		exit(1);
	}
	if (!ack_fd)
		return;
	n = read(atoi(ack_fd), ack, sizeof(ack) - 1);
	if (n <= 0 || strncmp(ack, "ack", 3)) {
		fprintf(stderr, "workload: perf did not ack %s", cmd);
		exit(1);
	}
}

static double clock_s(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/*
 * t[0] perf asked to enable, t[1] vpmc started, t[2] vpmc stops, t[3] perf
 * disabled; cpu[] this thread's CPU time at t[1] and t[2].
 */
static double t[4], cpu[2];

static void begin(const char *path)
{
	t[0] = now();
	perf_ctl("enable\n");
	ctl(path, "start");
	t[1] = now();
	cpu[0] = clock_s(CLOCK_THREAD_CPUTIME_ID);
}

static void end(const char *path)
{
	const char *span = getenv("WORKLOAD_SPAN");
	FILE *f;

	cpu[1] = clock_s(CLOCK_THREAD_CPUTIME_ID);
	t[2] = now();
	ctl(path, "stop");
	perf_ctl("disable\n");
	t[3] = now();
	if (!span)
		return;
	f = fopen(span, "w");
	if (!f || fprintf(f, "%.0f %.0f %.0f\n", (t[1] - t[0] + t[3] - t[2]) * 1e9,
			  (t[3] - t[0]) * 1e9,
			  (t[2] - t[1] - (cpu[1] - cpu[0])) * 1e9) < 0 || fclose(f)) {
		fprintf(stderr, "workload: %s: %s\n", span, strerror(errno));
		exit(1);
	}
}

int main(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE), n, i;
	char *p;

	if (argc != 4) {
		fprintf(stderr, "usage: workload CTL faults N | workload CTL spin MS\n");
		return 2;
	}
	n = atol(argv[3]);
	if (!strcmp(argv[2], "faults")) {
		p = mmap(NULL, n * page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		/* One fault per page: no transparent huge pages. */
		if (madvise(p, n * page, MADV_NOHUGEPAGE))
			perror("madvise");
		begin(argv[1]);
		for (i = 0; i < n; i++)
			p[i * page] = 1;
		end(argv[1]);
	} else if (!strcmp(argv[2], "spin")) {
		double deadline;

		begin(argv[1]);
		deadline = now() + n / 1e3;
		while (now() < deadline)
			;
		end(argv[1]);
	} else {
		fprintf(stderr, "workload: unknown work %s\n", argv[2]);
		return 2;
	}
	return 0;
}
