// SPDX-License-Identifier: GPL-2.0-only
/*
 * Both sampling formats, counted exactly: vpmc on the simulated PMU
 * (backend=sim), whose events happen only when the test writes
 * /sys/kernel/debug/vpmc/sim_inject, each write returning once they are
 * counted. PMD 0 samples every P events of sim event 0x10, PMD 1 counts
 * the same event and is sampled; self-monitoring on CPU 0.
 *
 *  - "default": each P events make exactly one entry, PMD 1 P higher than
 *    in the last; a buffer with room for 5 is full at the 5th (one
 *    overflow, one message, masked: 3 more P count nothing), restart
 *    empties it and the next P make one entry;
 *  - "vpmc-ring" of one page (64 records): 74 periods give 64 samples,
 *    10 lost; once read, one more period gives LOST(10) and a sample;
 *  - its watermark: one message exactly when the 64th record of a
 *    two-page ring is in, none before, none again until the reader moves;
 *  - overwrite mode, 3 pages (192 records): 500 periods leave the newest
 *    192, 308 overwritten, consecutive;
 *  - both CPUs at once: a system-wide ring on each, a thread on each
 *    making 2000 periods there: each ring has exactly its CPU's 2000.
 *
 * Usage: pfm_smpl_exact (as root, vpmc.ko loaded with backend=sim and
 * overflow_max_percent=0, vpmc_perfmon.ko and vpmc_ring.ko loaded).
 */
#include <poll.h>
#include <pthread.h>

#include "pfm_test.h"
#include "pfm-smpl.h"

#define EV		0x10ULL
#define P		1000ULL
#define INJECT		"/sys/kernel/debug/vpmc/sim_inject"
#define REC		(sizeof(struct vpmc_ring_sample) + sizeof(uint64_t))

static long page;
static unsigned int npmds;

/* @n events on @cpu, counted when this returns. */
static void inject(int cpu, uint64_t n)
{
	char buf[64];
	int fd = open(INJECT, O_WRONLY), len;

	CHECK(fd >= 0, INJECT ": %s", strerror(errno));
	len = snprintf(buf, sizeof(buf), "%d %llx %llu", cpu, EV, (unsigned long long)n);
	CHECK(write(fd, buf, len) == len, "writing %s: %s", buf, strerror(errno));
	close(fd);
}

static void periods(int cpu, unsigned int n)
{
	while (n--)
		inject(cpu, P);
}

/* PMD 0 samples every P events of EV, recording PMD 1; loaded on @target. */
static void setup(int fd, uint32_t target)
{
	pfarg_pmd_t pmd[2];

	OK(pfm_pmc(fd, 0, 0, EV));
	OK(pfm_pmc(fd, 0, 1, EV));
	memset(pmd, 0, sizeof(pmd));
	pmd[0].reg_num = 0;
	pmd[0].reg_flags = PFM_REGFL_OVFL_NOTIFY;
	pmd[0].reg_value = -P;
	pmd[0].reg_long_reset = -P;
	pmd[0].reg_short_reset = -P;
	pmd[0].reg_smpl_pmds[0] = 1ULL << 1;
	pmd[1].reg_num = 1;
	OK(pfm_write_pmds(fd, pmd, 2));
	OK(pfm_load(fd, target, 0));
	OK(pfm_start(fd, NULL));
}

static int ctx(uint32_t flags, const char *fmt, void *arg, size_t size)
{
	pfarg_ctx_t c;
	int fd;

	memset(&c, 0, sizeof(c));
	c.ctx_flags = flags;
	fd = pfm_create_context(&c, (char *)fmt, arg, size);
	CHECK(fd >= 0, "pfm_create_context(%s): %s", fmt, strerror(errno));
	return fd;
}

static int ring(uint32_t flags, uint64_t size, uint64_t watermark, uint32_t rflags)
{
	struct vpmc_ring_arg arg;

	memset(&arg, 0, sizeof(arg));
	arg.data_size = size;
	arg.watermark = watermark;
	arg.flags = rflags;
	return ctx(flags, VPMC_RING_NAME, &arg, sizeof(arg));
}

/*
 * PMD 1 in sample @i (0-based): i or i + 1 periods, as PMD 1's counter
 * takes the period's events before or after PMD 0's (the same for all).
 */
static void check_v(uint64_t v, uint64_t i, uint64_t *base)
{
	if (*base == UINT64_MAX)
		*base = v - i * P;
	CHECK((*base == 0 || *base == P) && v == *base + i * P,
	      "sample %llu: PMD 1 %llu, %llu periods ahead", (unsigned long long)i,
	      (unsigned long long)v, (unsigned long long)*base);
}

static void dfl(void)
{
	size_t size = sizeof(pfm_dfl_smpl_hdr_t) + 4 * (sizeof(pfm_dfl_smpl_entry_t) + 8) +
		      sizeof(pfm_dfl_smpl_entry_t) + 8 * npmds;
	const pfm_dfl_smpl_entry_t *e;
	const pfm_dfl_smpl_hdr_t *hdr;
	pfm_dfl_smpl_arg_t arg;
	uint64_t i, v5, base = UINT64_MAX;
	pfarg_msg_t msg;
	int fd;

	memset(&arg, 0, sizeof(arg));
	arg.buf_size = size;
	fd = ctx(0, PFM_DFL_SMPL_NAME, &arg, sizeof(arg));
	hdr = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(hdr != MAP_FAILED, "mmap: %s", strerror(errno));
	setup(fd, pfm_gettid());
	inject(0, P - 1);
	CHECK(pfm_dfl_count(hdr) == 0, "an entry before the period");
	inject(0, 1);
	for (i = 1; i <= 5; i++) {
		CHECK(pfm_dfl_count(hdr) == i && hdr->hdr_overflows == (i == 5),
		      "after %llu periods: %llu entries, %llu overflows", (unsigned long long)i,
		      (unsigned long long)hdr->hdr_count, (unsigned long long)hdr->hdr_overflows);
		if (i < 5)
			inject(0, P);
	}
	e = pfm_dfl_first(hdr);
	for (i = 0; i < 5; i++, e = pfm_dfl_next(e, 1)) {
		CHECK(e->pid == (uint32_t)pfm_gettid() && e->ovfl_pmd == 0 && e->cpu == 0 &&
		      e->last_reset_val == -P, "entry %llu: pid %u pmd %u cpu %u reset %#llx",
		      (unsigned long long)i, e->pid, e->ovfl_pmd, e->cpu,
		      (unsigned long long)e->last_reset_val);
		/* The first period came in two writes: P - 1, then 1. */
		if (i)
			check_v(pfm_dfl_values(e)[0], i, &base);
		else
			CHECK(pfm_dfl_values(e)[0] == P - 1 || pfm_dfl_values(e)[0] == P,
			      "first entry: PMD 1 %llu", (unsigned long long)pfm_dfl_values(e)[0]);
	}
	CHECK(read(fd, &msg, sizeof(msg)) == sizeof(msg) && msg.type == PFM_MSG_OVFL,
	      "no message for the full buffer");
	/* Masked at the 5th: PMD 1 has it, unless it came after PMD 0. */
	v5 = pfm_get(fd, 0, 1);
	CHECK(v5 == 4 * P + base, "PMD 1 %llu when masked", (unsigned long long)v5);
	periods(0, 3);
	CHECK(pfm_dfl_count(hdr) == 5 && pfm_get(fd, 0, 1) == v5,
	      "masked: %llu entries, PMD 1 %llu", (unsigned long long)hdr->hdr_count,
	      pfm_get(fd, 0, 1));
	OK(pfm_restart(fd));
	CHECK(pfm_dfl_count(hdr) == 0, "restart left %llu entries",
	      (unsigned long long)hdr->hdr_count);
	inject(0, P);
	CHECK(pfm_dfl_count(hdr) == 1 && pfm_get(fd, 0, 1) == v5 + P,
	      "after the restart: %llu entries, PMD 1 %llu", (unsigned long long)hdr->hdr_count,
	      pfm_get(fd, 0, 1));
	printf("ok default: 5 entries in 5 periods, full at the 5th, restart\n");
	munmap((void *)hdr, size);
	close(fd);
}

/* Read every record of @r into the checks; the number of samples. */
static uint64_t drain(struct vpmc_ring_reader *r, uint64_t *lost, uint64_t *i, uint64_t *base)
{
	union {
		struct vpmc_ring_rec rec;
		struct vpmc_ring_sample s;
		struct vpmc_ring_lost l;
		char b[512];
	} u;
	uint64_t n = 0;

	while (vpmc_ring_next(r, &u, sizeof(u))) {
		if (u.rec.type == VPMC_RING_REC_LOST) {
			*lost += u.l.lost;
			*i += u.l.lost;
			continue;
		}
		CHECK(u.rec.type == VPMC_RING_REC_SAMPLE && u.rec.size == REC,
		      "record type %u size %u", u.rec.type, u.rec.size);
		check_v(u.s.pmds[0], (*i)++, base);
		n++;
	}
	vpmc_ring_consume(r);
	return n;
}

static void ring_loss(void)
{
	uint64_t lost = 0, i = 0, base = UINT64_MAX, n;
	struct vpmc_ring_reader r;
	int fd = ring(0, page, 0, 0);

	CHECK(!vpmc_ring_map(&r, fd, page), "map: %s", strerror(errno));
	setup(fd, pfm_gettid());
	periods(0, 64 + 10);
	CHECK(r.hdr->samples == 64 && r.hdr->lost == 10 && r.hdr->lost_pending == 10 &&
	      r.hdr->data_head == 64 * REC,
	      "74 periods: %llu samples, %llu lost (%llu pending), head %llu",
	      (unsigned long long)r.hdr->samples, (unsigned long long)r.hdr->lost,
	      (unsigned long long)r.hdr->lost_pending, (unsigned long long)r.hdr->data_head);
	n = drain(&r, &lost, &i, &base);
	CHECK(n == 64 && !lost, "read %llu samples, %llu told lost", (unsigned long long)n,
	      (unsigned long long)lost);
	inject(0, P);
	/* LOST(10) moves the index past the dropped ones to the sample. */
	n = drain(&r, &lost, &i, &base);
	CHECK(n == 1 && lost == 10, "then %llu samples, %llu told lost",
	      (unsigned long long)n, (unsigned long long)lost);
	printf("ok vpmc-ring: 64 kept, 10 lost, then LOST(10) and a sample\n");
	CHECK(r.hdr->samples == 65 && r.hdr->lost == 10 && !r.hdr->lost_pending,
	      "after the reader caught up: %llu samples, %llu lost, %llu pending",
	      (unsigned long long)r.hdr->samples, (unsigned long long)r.hdr->lost,
	      (unsigned long long)r.hdr->lost_pending);
	vpmc_ring_unmap(&r);
	close(fd);
}

static void ring_watermark(void)
{
	uint64_t lost = 0, i = 0, base = UINT64_MAX;
	struct vpmc_ring_reader r;
	struct pollfd pfd;
	pfarg_msg_t msg;
	int fd = ring(0, 2 * page, 64 * REC, 0);

	CHECK(!vpmc_ring_map(&r, fd, 2 * page), "map: %s", strerror(errno));
	setup(fd, pfm_gettid());
	pfd.fd = fd;
	pfd.events = POLLIN;
	periods(0, 63);
	CHECK(poll(&pfd, 1, 0) == 0 && !r.hdr->wakeups, "woken below the watermark");
	inject(0, P);
	CHECK(poll(&pfd, 1, 0) == 1 && r.hdr->wakeups == 1, "not woken at the watermark");
	CHECK(read(fd, &msg, sizeof(msg)) == sizeof(msg) && msg.type == PFM_MSG_OVFL,
	      "no PFM_MSG_OVFL at the watermark");
	periods(0, 10);
	CHECK(poll(&pfd, 1, 0) == 0 && r.hdr->wakeups == 1, "woken again, the reader idle");
	CHECK(drain(&r, &lost, &i, &base) == 74 && !lost, "read back");
	periods(0, 63);
	CHECK(poll(&pfd, 1, 0) == 0 && r.hdr->wakeups == 1, "woken below the watermark");
	inject(0, P);
	CHECK(poll(&pfd, 1, 0) == 1 && r.hdr->wakeups == 2, "not woken at the watermark again");
	printf("ok vpmc-ring watermark: woken at the 64th record, once per read\n");
	vpmc_ring_unmap(&r);
	close(fd);
}

static void ring_overwrite(void)
{
	uint64_t lost = 0, i = 308, base = UINT64_MAX, n;
	struct vpmc_ring_reader r;
	int fd = ring(0, 3 * page, 0, VPMC_RING_OVERWRITE);

	CHECK(!vpmc_ring_map(&r, fd, 3 * page), "map: %s", strerror(errno));
	setup(fd, pfm_gettid());
	periods(0, 500);
	CHECK(r.hdr->samples == 500 && r.hdr->overwritten == 308 && !r.hdr->lost &&
	      r.hdr->data_oldest == 308 * REC,
	      "500 periods: %llu samples, %llu overwritten, oldest %llu",
	      (unsigned long long)r.hdr->samples, (unsigned long long)r.hdr->overwritten,
	      (unsigned long long)r.hdr->data_oldest);
	/* The oldest left is sample 308: check_v() numbers them so. */
	vpmc_ring_oldest(&r);
	n = drain(&r, &lost, &i, &base);
	CHECK(n == 192 && !lost, "%llu records, %llu lost", (unsigned long long)n,
	      (unsigned long long)lost);
	printf("ok vpmc-ring overwrite: the newest 192 of 500, 308 overwritten\n");
	vpmc_ring_unmap(&r);
	close(fd);
}

#define CONCURRENT	2000

static void *cpu_ring(void *arg)
{
	int cpu = (int)(intptr_t)arg, fd;
	uint64_t lost = 0, i = 0, base = UINT64_MAX, n;
	struct vpmc_ring_reader r;

	pfm_pin(cpu);
	fd = ring(PFM_FL_SYSTEM_WIDE, 64 * page, 0, 0);
	CHECK(!vpmc_ring_map(&r, fd, 64 * page), "map: %s", strerror(errno));
	setup(fd, cpu);
	periods(cpu, CONCURRENT);
	OK(pfm_stop(fd));
	n = drain(&r, &lost, &i, &base);
	CHECK(n == CONCURRENT && !lost && r.hdr->samples == CONCURRENT,
	      "CPU %d: %llu samples read, %llu in the header, %llu lost", cpu,
	      (unsigned long long)n, (unsigned long long)r.hdr->samples,
	      (unsigned long long)r.hdr->lost);
	vpmc_ring_unmap(&r);
	close(fd);
	return NULL;
}

static void both_cpus(void)
{
	pthread_t t[2];
	int i;

	for (i = 0; i < 2; i++)
		CHECK(!pthread_create(&t[i], NULL, cpu_ring, (void *)(intptr_t)i),
		      "pthread_create");
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	printf("ok both CPUs at once: %u samples each, exact\n", CONCURRENT);
}

int main(void)
{
	FILE *f = fopen("/sys/kernel/perfmon/pmu_desc/num_pmds", "r");

	pfm_prog = "smpl_exact";
	page = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	CHECK(f && fscanf(f, "%u", &npmds) == 1, "num_pmds: %s", strerror(errno));
	fclose(f);
	pfm_pin(0);
	dfl();
	ring_loss();
	ring_watermark();
	ring_overwrite();
	both_cpus();
	printf("ok\n");
	return 0;
}
