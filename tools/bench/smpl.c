// SPDX-License-Identifier: GPL-2.0-only
/*
 * B10 and B10l: sampling, vpmc's formats against perf's ring buffer, on
 * arm64's PMUv3 (raw CPU_CYCLES, user mode), in the icount guest where
 * cycles count instructions.
 *
 *   bench_smpl cost ITERS PERIOD   "smpl vpmc=X perf=Y unit=insn": kernel
 *	instructions per sample, vpmc's "default" format (PMD 0 sampling,
 *	PMD 1's value in each entry) against perf_event_open() as perf record
 *	samples (a group: a sampling leader, one member read into each sample;
 *	IP, TID, TIME, CPU, PERIOD, READ). A per-thread perf counter of kernel
 *	cycles is the meter, read around a user-mode loop of ITERS; the same
 *	loop unsampled is subtracted. The sampled counts come out of the
 *	buffers themselves.
 *   bench_smpl lost SECONDS PERIOD "smpl_lost vpmc=X perf=Y unit=samples":
 *	samples lost by a 1 MiB vpmc-ring and a 1 MiB perf ring while one
 *	thread spins sampled on CPU 1 and another drains the buffer every
 *	100 ms on CPU 0 (PERIOD 100000: 10000 samples a second).
 * Figures are in thousandths (the convention of every VPMC-BENCH line); a
 * line starting with '#' gives the sample counts.
 */
#include <pthread.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "bench.h"
#include "pfm-smpl.h"

#define CYCLES		0x11ULL			/* ARMv8 CPU_CYCLES, raw */
#define PFM_USR		0x1000000000000000ULL	/* vpmc: user mode only */
#define RING_PAGES	256			/* 1 MiB of data */

static long page;

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		bench_die("sched_setaffinity");
}

static void spin(unsigned long long iters)
{
	unsigned long long i;

	for (i = 0; i < iters; i++)
		__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

/* The meter: this thread's kernel-mode cycles, disabled. */
static int meter_open(void)
{
	struct perf_event_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_RAW;
	attr.config = CYCLES;
	attr.disabled = 1;
	attr.exclude_user = 1;
	attr.exclude_hv = 1;
	fd = syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0);
	if (fd < 0)
		bench_die("perf_event_open of the meter");
	return fd;
}

/* The meter: kernel cycles of this thread across @iters of the loop. */
static unsigned long long metered(int meter, unsigned long long iters)
{
	unsigned long long v;

	ioctl(meter, PERF_EVENT_IOC_RESET, 0);
	ioctl(meter, PERF_EVENT_IOC_ENABLE, 0);
	spin(iters);
	ioctl(meter, PERF_EVENT_IOC_DISABLE, 0);
	if (read(meter, &v, sizeof(v)) != sizeof(v))
		bench_die("read of the meter");
	return v;
}

/* PMD 0 samples every @period user cycles, PMD 1 counts them; on us. */
static int pfm_smpl(const char *fmt, void *arg, size_t size, unsigned long long period,
		    pid_t tid)
{
	pfarg_ctx_t ctx;
	pfarg_pmc_t pmc[2];
	pfarg_pmd_t pmd[2];
	pfarg_load_t load;
	int fd, i;

	memset(&ctx, 0, sizeof(ctx));
	memset(pmc, 0, sizeof(pmc));
	memset(pmd, 0, sizeof(pmd));
	memset(&load, 0, sizeof(load));
	fd = pfm_create_context(&ctx, (char *)fmt, arg, size);
	if (fd < 0)
		bench_die("pfm_create_context");
	for (i = 0; i < 2; i++) {
		pmc[i].reg_num = i;
		pmc[i].reg_value = CYCLES | PFM_USR;
		pmd[i].reg_num = i;
	}
	pmd[0].reg_value = -period;
	pmd[0].reg_short_reset = -period;
	pmd[0].reg_long_reset = -period;
	pmd[0].reg_smpl_pmds[0] = 1ULL << 1;
	load.load_pid = tid;
	if (pfm_write_pmcs(fd, pmc, 2) || pfm_write_pmds(fd, pmd, 2) ||
	    pfm_load_context(fd, &load))
		bench_die("perfmon setup");
	return fd;
}

/* perf's sampling group on thread @tid, and its ring of RING_PAGES. */
static int perf_smpl(unsigned long long period, pid_t tid, struct perf_event_mmap_page **ring)
{
	struct perf_event_attr attr;
	int lead, member;
	void *p;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = PERF_TYPE_RAW;
	attr.config = CYCLES;
	attr.disabled = 1;
	attr.exclude_kernel = 1;
	attr.exclude_hv = 1;
	attr.sample_period = period;
	attr.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
			   PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD | PERF_SAMPLE_READ;
	attr.read_format = PERF_FORMAT_GROUP;
	lead = syscall(SYS_perf_event_open, &attr, tid, -1, -1, 0);
	if (lead < 0)
		bench_die("perf_event_open of the leader");
	attr.disabled = 0;
	attr.sample_period = 0;
	attr.sample_type = 0;
	member = syscall(SYS_perf_event_open, &attr, tid, -1, lead, 0);
	if (member < 0)
		bench_die("perf_event_open of the member");
	p = mmap(NULL, (RING_PAGES + 1) * page, PROT_READ | PROT_WRITE, MAP_SHARED, lead, 0);
	if (p == MAP_FAILED)
		bench_die("mmap of perf's ring");
	*ring = p;
	return lead;
}

/* Take every record of perf's ring: samples, and lost ones added to @lost. */
static unsigned long long perf_drain(struct perf_event_mmap_page *m, unsigned long long *lost)
{
	const char *data = (const char *)m + page;
	unsigned long long head = __atomic_load_n(&m->data_head, __ATOMIC_ACQUIRE);
	unsigned long long tail = m->data_tail, n = 0;
	unsigned long long size = RING_PAGES * page;

	while (tail < head) {
		const struct perf_event_header *h = (const void *)(data + tail % size);
		struct perf_event_header hb;

		/* A record may wrap: its header never does (8-byte aligned). */
		memcpy(&hb, h, sizeof(hb));
		if (hb.type == PERF_RECORD_SAMPLE) {
			n++;
		} else if (hb.type == PERF_RECORD_LOST) {
			unsigned long long v[2];
			unsigned long long off = (tail + sizeof(hb)) % size;

			if (off + sizeof(v) <= size)
				memcpy(v, data + off, sizeof(v));
			else
				v[1] = 0;
			*lost += v[1];
		}
		if (!hb.size)
			bench_die("a perf record of size 0");
		tail += hb.size;
	}
	__atomic_store_n(&m->data_tail, tail, __ATOMIC_RELEASE);
	return n;
}

static void cost(unsigned long long iters, unsigned long long period)
{
	unsigned long long base, kv, kp, nv, np, lost = 0;
	struct perf_event_mmap_page *ring;
	const pfm_dfl_smpl_hdr_t *hdr;
	pfm_dfl_smpl_arg_t arg;
	int meter, fd;
	size_t size;

	pin(1);
	meter = meter_open();
	base = metered(meter, iters);

	/* One entry per period, and room to spare. */
	size = sizeof(*hdr) + (iters * 4 / period + 64) * (sizeof(pfm_dfl_smpl_entry_t) + 8);
	memset(&arg, 0, sizeof(arg));
	arg.buf_size = size;
	fd = pfm_smpl(PFM_DFL_SMPL_NAME, &arg, sizeof(arg), period, syscall(SYS_gettid));
	hdr = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	if (hdr == MAP_FAILED)
		bench_die("mmap of the buffer");
	if (pfm_start(fd, NULL))
		bench_die("pfm_start");
	kv = metered(meter, iters);
	pfm_stop(fd);
	nv = pfm_dfl_count(hdr);
	if (hdr->hdr_overflows)
		bench_die("the buffer filled");
	munmap((void *)hdr, size);
	close(fd);

	fd = perf_smpl(period, 0, &ring);
	ioctl(fd, PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
	kp = metered(meter, iters);
	ioctl(fd, PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP);
	np = perf_drain(ring, &lost);
	if (!nv || !np || lost)
		bench_die("no samples, or perf lost some");
	printf("# kernel cycles %llu unsampled; %llu, %llu vpmc samples; %llu, %llu perf's\n",
	       base, kv, nv, kp, np);
	/* In thousandths, as every VPMC-BENCH figure. */
	printf("smpl vpmc=%lld perf=%lld unit=insn\n",
	       kv > base ? (long long)((kv - base) * 1000 / nv) : -1,
	       kp > base ? (long long)((kp - base) * 1000 / np) : -1);
}

static unsigned long long spin_ns;

static void *spinner(void *arg)
{
	unsigned long long end;

	pin(1);
	*(pid_t *)arg = syscall(SYS_gettid);
	while (!__atomic_load_n(&spin_ns, __ATOMIC_ACQUIRE))
		;
	end = bench_ns() + spin_ns;
	while (bench_ns() < end)
		spin(1000);
	return NULL;
}

/* Samples lost by each ring while a reader drains it every 100 ms. */
static void lost(unsigned long long secs, unsigned long long period)
{
	unsigned long long nv = 0, np = 0, lp = 0, end;
	struct perf_event_mmap_page *ring;
	union {
		struct vpmc_ring_rec rec;
		struct vpmc_ring_lost l;
		char b[512];
	} u;
	struct vpmc_ring_reader r;
	struct vpmc_ring_arg arg;
	pthread_t t;
	pid_t tid = 0;
	int fd;

	pin(0);
	memset(&arg, 0, sizeof(arg));
	arg.data_size = RING_PAGES * page;
	if (pthread_create(&t, NULL, spinner, &tid))
		bench_die("pthread_create");
	while (!__atomic_load_n(&tid, __ATOMIC_ACQUIRE))
		usleep(1000);
	fd = pfm_smpl(VPMC_RING_NAME, &arg, sizeof(arg), period, tid);
	if (vpmc_ring_map(&r, fd, arg.data_size) || pfm_start(fd, NULL))
		bench_die("vpmc-ring");
	__atomic_store_n(&spin_ns, secs * 1000000000ULL, __ATOMIC_RELEASE);
	end = bench_ns() + secs * 1000000000ULL;
	while (bench_ns() < end + 200000000ULL) {
		usleep(100000);
		while (vpmc_ring_next(&r, &u, sizeof(u)))
			nv += u.rec.type == VPMC_RING_REC_SAMPLE;
		vpmc_ring_consume(&r);
	}
	pthread_join(t, NULL);
	pfm_stop(fd);

	__atomic_store_n(&spin_ns, 0, __ATOMIC_RELEASE);
	tid = 0;
	if (pthread_create(&t, NULL, spinner, &tid))
		bench_die("pthread_create");
	while (!__atomic_load_n(&tid, __ATOMIC_ACQUIRE))
		usleep(1000);
	fd = perf_smpl(period, tid, &ring);
	ioctl(fd, PERF_EVENT_IOC_ENABLE, PERF_IOC_FLAG_GROUP);
	__atomic_store_n(&spin_ns, secs * 1000000000ULL, __ATOMIC_RELEASE);
	end = bench_ns() + secs * 1000000000ULL;
	while (bench_ns() < end + 200000000ULL) {
		usleep(100000);
		np += perf_drain(ring, &lp);
	}
	pthread_join(t, NULL);
	ioctl(fd, PERF_EVENT_IOC_DISABLE, PERF_IOC_FLAG_GROUP);
	np += perf_drain(ring, &lp);
	printf("# vpmc-ring: %llu samples read; perf: %llu samples read\n", nv, np);
	printf("smpl_lost vpmc=%llu perf=%llu unit=samples\n",
	       (unsigned long long)r.hdr->lost * 1000, lp * 1000);
}

int main(int argc, char **argv)
{
	unsigned long long a = argc > 2 ? strtoull(argv[2], NULL, 0) : 0;
	unsigned long long period = argc > 3 ? strtoull(argv[3], NULL, 0) : 100000;

	page = sysconf(_SC_PAGESIZE);
	if (argc > 2 && !strcmp(argv[1], "cost") && a)
		cost(a, period);
	else if (argc > 2 && !strcmp(argv[1], "lost") && a)
		lost(a, period);
	else
		fprintf(stderr, "usage: bench_smpl cost ITERS [PERIOD] | lost SECONDS [PERIOD]\n");
	return argc > 2 ? 0 : 2;
}
