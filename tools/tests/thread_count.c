// SPDX-License-Identifier: GPL-2.0-only
/*
 * thread_count CTL CONFIG MS time|ratio [hotplug]
 *
 * A busy thread (spinning) and an idle one (sleeping 10 ms at a time) each
 * get a per-thread virtual PMC counting CONFIG through vpmc_ctl.ko (CTL),
 * next to a system-wide one on CPU 1, for MS milliseconds.
 *   time:  CONFIG is time-based (ns): the busy thread's count must match
 *          its run time in /proc/self/task/TID/schedstat within 5% (on a
 *          kernel without CONFIG_SCHED_INFO, such as our debug build, its
 *          CPU-time clock, which reads the same se.sum_exec_runtime).
 *   ratio: CONFIG counts at a steady rate (cycles): each thread's count
 *          per nanosecond of its own run time (as above) must be the
 *          same within a factor of 2, and both non-zero. A thread counted
 *          while it sleeps would count at its wall-clock share, the idle
 *          one's about 10 times its run time. (A fixed busy/idle ratio
 *          cannot hold on an overloaded host: each of the idle thread's
 *          wake-ups costs more there.)
 * hotplug: midway, CPU 1 goes offline and comes back; the system-wide
 * virtual PMC must have been told both and count again afterwards, and the
 * busy thread must keep counting.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "vpmc-util.h"

static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("thread_count: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static atomic_int stop;
static atomic_int tids[2];

static void *busy(void *arg)
{
	(void)arg;
	atomic_store(&tids[0], syscall(SYS_gettid));
	while (!atomic_load(&stop))
		;
	return NULL;
}

static void *idle(void *arg)
{
	struct timespec ts = { 0, 10 * 1000 * 1000 };

	(void)arg;
	atomic_store(&tids[1], syscall(SYS_gettid));
	while (!atomic_load(&stop))
		nanosleep(&ts, NULL);
	return NULL;
}

static void ctl_cmd(const char *ctl, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = vpmc_ctl_vcmd(ctl, buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (ret)
		die("%s: '%s' failed", ctl, buf);
}

static const char *ref = "schedstat";

/*
 * The thread's run time (se.sum_exec_runtime): from schedstat, or, on a
 * kernel without CONFIG_SCHED_INFO, from its CPU-time clock, which reads
 * the same sum.
 */
static unsigned long long runtime(int tid, pthread_t t)
{
	unsigned long long ns = 0;
	struct timespec ts;
	clockid_t clk;
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/schedstat", tid);
	f = fopen(path, "r");
	if (f && fscanf(f, "%llu", &ns) == 1) {
		fclose(f);
		return ns;
	}
	if (f)
		fclose(f);
	ref = "thread CPU clock (no schedstat)";
	if (pthread_getcpuclockid(t, &clk) || clock_gettime(clk, &ts))
		die("no run time for thread %d", tid);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static const char *ctl_path;

/* Leave no virtual PMC behind, whatever happened. */
static void cleanup(void)
{
	FILE *f = fopen(ctl_path, "w");

	if (f) {
		fputs("destroy", f);
		fclose(f);
	}
	f = fopen("/sys/devices/system/cpu/cpu1/online", "w");
	if (f) {
		fputs("1\n", f);
		fclose(f);
	}
}

static void cpu1_online(int on)
{
	FILE *f = fopen("/sys/devices/system/cpu/cpu1/online", "w");

	if (!f || fprintf(f, "%d\n", on) < 0 || fclose(f))
		die("cpu1 online=%d failed", on);
}

struct line {
	char where[16];
	unsigned long long count, enabled, running;
	char rest[64];
};

/* The ctl lines, in creation order: busy, idle, CPU 1. */
static void ctl_read(const char *ctl, struct line *l, int n)
{
	char buf[256];
	FILE *f = fopen(ctl, "r");
	int i = 0;

	if (!f)
		die("%s unreadable", ctl);
	while (i < n && fgets(buf, sizeof(buf), f)) {
		l[i].rest[0] = '\0';
		if (sscanf(buf, "%15s %*s %*s %llu %*s %llu %llu %63[^\n]", l[i].where,
			   &l[i].count, &l[i].enabled, &l[i].running, l[i].rest) < 4)
			die("bad line: %s", buf);
		i++;
	}
	fclose(f);
	if (i != n)
		die("%d lines, %d expected", i, n);
}

static void show(const char *when, struct line *l)
{
	printf("%s: busy %s %llu (enabled %llu running %llu) | idle %s %llu | cpu1 %llu %s\n",
	       when, l[0].where, l[0].count, l[0].enabled, l[0].running, l[1].where,
	       l[1].count, l[2].count, l[2].rest);
}

int main(int argc, char **argv)
{
	unsigned long long t0[2], t1[2], config;
	struct line mid[3], end[3];
	int hotplug, ms, ok = 1;
	pthread_t b, i;
	const char *ctl;

	if (argc < 5)
		die("usage: thread_count CTL CONFIG MS time|ratio [hotplug]");
	ctl = argv[1];
	ctl_path = ctl;
	config = strtoull(argv[2], NULL, 0);
	ms = atoi(argv[3]);
	hotplug = argc > 5 && !strcmp(argv[5], "hotplug");
	if (pthread_create(&b, NULL, busy, NULL) || pthread_create(&i, NULL, idle, NULL))
		die("pthread_create");
	while (!atomic_load(&tids[0]) || !atomic_load(&tids[1]))
		usleep(1000);

	ctl_cmd(ctl, "destroy");
	ctl_cmd(ctl, "task %d %#llx", tids[0], config);
	ctl_cmd(ctl, "task %d %#llx", tids[1], config);
	ctl_cmd(ctl, "create 1 %#llx", config);
	atexit(cleanup);
	t0[0] = runtime(tids[0], b);
	t0[1] = runtime(tids[1], i);
	ctl_cmd(ctl, "start");
	usleep(ms * 500);
	ctl_read(ctl, mid, 3);
	if (hotplug) {
		cpu1_online(0);
		usleep(100 * 1000);
		cpu1_online(1);
	}
	usleep(ms * 500);
	ctl_cmd(ctl, "stop");
	t1[0] = runtime(tids[0], b);
	t1[1] = runtime(tids[1], i);
	ctl_read(ctl, end, 3);
	atomic_store(&stop, 1);
	pthread_join(b, NULL);
	pthread_join(i, NULL);
	ctl_cmd(ctl, "destroy");

	show("midway", mid);
	show("end", end);
	if (!strcmp(argv[4], "time")) {
		double rt = t1[0] - t0[0], d = (double)end[0].count - rt;

		printf("busy thread: vpmc %llu ns, %s %.0f ns, difference %.2f%%\n",
		       end[0].count, ref, rt, 100.0 * (d < 0 ? -d : d) / rt);
		ok &= (d < 0 ? -d : d) <= rt / 20.0;
	} else {
		double rb = t1[0] - t0[0], ri = t1[1] - t0[1];
		double qb = rb > 0 ? end[0].count / rb : 0, qi = ri > 0 ? end[1].count / ri : 0;

		printf("busy/idle: %.1f; run time (%s) busy %.0f ns, idle %.0f ns\n",
		       end[1].count ? (double)end[0].count / end[1].count : 0, ref, rb, ri);
		printf("per ns of run time: busy %.3f, idle %.3f\n", qb, qi);
		ok &= qb > 0 && qi > 0 && qi <= 2 * qb && qb <= 2 * qi;
	}
	/* Per thread: time enabled is the thread's own run time, all placed. */
	ok &= end[0].enabled > 0 && end[0].running == end[0].enabled;
	if (hotplug) {
		int offl = 0, onl = 0;

		if (sscanf(strstr(end[2].rest, "offlined=") ?: "",
			   "offlined=%d onlined=%d", &offl, &onl) != 2)
			offl = 0;
		printf("cpu1 notices: offlined %d, onlined %d\n", offl, onl);
		ok &= offl == 1 && onl == 1;
		/* Counts continued across the hotplug. */
		ok &= end[2].count > mid[2].count && end[0].count > mid[0].count;
	}
	printf("%s\n", ok ? "ok" : "FAILED");
	return !ok;
}
