// SPDX-License-Identifier: GPL-2.0-only
/*
 * vpmc's "vpmc-ring" sampling format (vpmc_ring.ko), read as its users
 * would, through tools/include/pfm-smpl.h. PMD 0 samples every PERIOD
 * events (user mode only) with PMD 1's value in each record.
 *
 *  - a reader that never reads: the ring holds what fitted, whole, and
 *    every later sample is counted lost (lost == lost_pending), none told
 *    yet; samples and lost add up to the overflows PMD 1 saw; at least 95%
 *    of the samples are in user mode, where it spins. Once the
 *    reader consumes it all, the next record is a LOST record of exactly
 *    that many samples, then samples again;
 *  - a reader in another process, as perfmon2's task_smpl: a spinning
 *    child monitored, the parent waits in poll() for the watermark's
 *    PFM_MSG_OVFL and drains the ring (61 pages: any number) at each, until
 *    it has read SAMPLES: all the child's, in time order, PMD 1 going up,
 *    no LOST record, nothing lost, the context never masked (RESTART
 *    EBUSY; 1 ms periods, so that the ring holds 4 s of samples);
 *  - overwrite mode: the ring keeps the newest whole records, from
 *    data_oldest to the head, and counts the rest overwritten, none lost;
 *  - refusals, each changing nothing: reserved words, unknown flags, a ring
 *    too small, a watermark above it, one past every cap (ENOMEM), the
 *    control page writable but private, any other page writable, a wrong
 *    offset or length; a data_tail ahead of the head is counted in
 *    bad_tail and ignored; vpmc_ring.ko cannot go while a context uses it.
 *
 * It waits for samples, not for wall time: a busy host only makes it
 * longer.
 */
#include <poll.h>
#include <sys/wait.h>

#include "pfm_test.h"
#include "pfm-smpl.h"

#if defined(__aarch64__)
#define PERIOD		1000000ULL	/* cycles: TCG's reliable minimum */
#else
#define PERIOD		200000ULL	/* ns of cpu-clock */
#endif
#define SLOW_PERIOD	1000000ULL
#define REC		(sizeof(struct vpmc_ring_sample) + sizeof(uint64_t))
#define SAMPLES		2000
#define GIVE_UP		300000000000ULL	/* 300 s: something is wrong */

static long page;

static int ring_new(uint64_t data_size, uint64_t watermark, uint32_t flags)
{
	struct vpmc_ring_arg arg;
	pfarg_ctx_t ctx;

	memset(&ctx, 0, sizeof(ctx));
	memset(&arg, 0, sizeof(arg));
	arg.data_size = data_size;
	arg.watermark = watermark;
	arg.flags = flags;
	return pfm_create_context(&ctx, VPMC_RING_NAME, &arg, sizeof(arg));
}

static int ring_ctx(uint64_t data_size, uint64_t watermark, uint32_t flags)
{
	int fd = ring_new(data_size, watermark, flags);

	CHECK(fd >= 0, "pfm_create_context(\"%s\", %llu bytes): %s", VPMC_RING_NAME,
	      (unsigned long long)data_size, strerror(errno));
	return fd;
}

/* PMD 0 samples every @period events, recording PMD 1; loaded on @pid. */
static void ring_setup(int fd, pid_t pid, uint64_t period)
{
	pfarg_pmd_t pmd[2];

	OK(pfm_pmc(fd, 0, 0, PFM_EVENT | PFM_USR));
	OK(pfm_pmc(fd, 0, 1, PFM_EVENT | PFM_USR));
	memset(pmd, 0, sizeof(pmd));
	pmd[0].reg_num = 0;
	pmd[0].reg_value = -period;
	pmd[0].reg_long_reset = -period;
	pmd[0].reg_short_reset = -period;
	pmd[0].reg_smpl_pmds[0] = 1ULL << 1;
	pmd[1].reg_num = 1;
	OK(pfm_write_pmds(fd, pmd, 2));
	OK(pfm_load(fd, pid, 0));
}

static void ring_map(struct vpmc_ring_reader *r, int fd, uint64_t data_size)
{
	CHECK(!vpmc_ring_map(r, fd, data_size), "mapping the ring: %s", strerror(errno));
	CHECK(r->hdr->version == VPMC_RING_VERSION && r->hdr->data_offset == 2 * (uint64_t)page &&
	      r->hdr->ctl_offset == (uint64_t)page,
	      "header: version %#x, data at %llu, control at %llu", r->hdr->version,
	      (unsigned long long)r->hdr->data_offset, (unsigned long long)r->hdr->ctl_offset);
}

static uint64_t hdr_get(const __u64 *field)
{
	return __atomic_load_n(field, __ATOMIC_ACQUIRE);
}

/* Spin (being sampled) until samples + lost reach @n. */
static void spin_for(const struct vpmc_ring_hdr *hdr, uint64_t n)
{
	uint64_t give_up = pfm_ns(CLOCK_MONOTONIC) + GIVE_UP, i = 0;

	while (hdr_get(&hdr->samples) + hdr_get(&hdr->lost) < n)
		if (!(++i & 0xffff) && pfm_ns(CLOCK_MONOTONIC) > give_up)
			FAIL("%llu samples, %llu lost after 300 s",
			     (unsigned long long)hdr->samples, (unsigned long long)hdr->lost);
}

/* A sample record of ours: PMD 0, set 0, PMD 1 after it. */
static void check_sample(const struct vpmc_ring_sample *s, pid_t pid, uint64_t period,
			 uint64_t *t, uint64_t *v)
{
	CHECK(s->rec.size == REC && s->nr_pmds == 1 && s->ovfl_pmd == 0 && s->set == 0,
	      "record: size %u, %u PMDs, PMD %u, set %u", s->rec.size, s->nr_pmds,
	      s->ovfl_pmd, s->set);
	CHECK(s->pid == (uint32_t)pid && s->tgid == (uint32_t)pid, "sample of %u/%u, not %d",
	      s->pid, s->tgid, pid);
	/*
	 * Only user mode counts, but the interrupt may come in the kernel
	 * (pfm_spinner()'s clock is a system call): the flag says which.
	 */
	CHECK(s->last_reset == -period && !(s->flags & ~VPMC_RING_SAMPLE_USER),
	      "last reset %#llx, flags %#x", (unsigned long long)s->last_reset, s->flags);
	CHECK(s->tstamp > *t && s->pmds[0] >= *v, "time %llu after %llu, PMD 1 %llu after %llu",
	      (unsigned long long)s->tstamp, (unsigned long long)*t,
	      (unsigned long long)s->pmds[0], (unsigned long long)*v);
	*t = s->tstamp;
	*v = s->pmds[0];
}

static void never_read(void)
{
	union {
		struct vpmc_ring_rec rec;
		struct vpmc_ring_sample s;
		struct vpmc_ring_lost l;
		char b[512];
	} u;
	struct vpmc_ring_reader r;
	uint64_t t = 0, v = 0, n = 0, usr = 0, lost, pmd1;
	int fd = ring_ctx(page, 0, 0);

	pfm_pin(0);
	ring_setup(fd, pfm_gettid(), PERIOD);
	ring_map(&r, fd, page);
	OK(pfm_start(fd, NULL));
	spin_for(r.hdr, 3 * page / REC);
	OK(pfm_stop(fd));
	lost = r.hdr->lost;
	pmd1 = pfm_get(fd, 0, 1);
	CHECK(lost && r.hdr->lost_pending == lost && r.hdr->data_head <= r.hdr->data_size,
	      "full ring: %llu lost, %llu pending, head %llu", (unsigned long long)lost,
	      (unsigned long long)r.hdr->lost_pending, (unsigned long long)r.hdr->data_head);
	while (vpmc_ring_next(&r, &u, sizeof(u))) {
		CHECK(u.rec.type == VPMC_RING_REC_SAMPLE, "record %llu of type %u",
		      (unsigned long long)n, u.rec.type);
		check_sample(&u.s, pfm_gettid(), PERIOD, &t, &v);
		usr += u.s.flags & VPMC_RING_SAMPLE_USER;
		n++;
	}
	/* It spins in user mode: the interrupts come there. */
	CHECK(usr * 100 >= n * 95, "%llu of %llu samples in user mode",
	      (unsigned long long)usr, (unsigned long long)n);
	CHECK(n == r.hdr->samples && n == page / REC, "%llu records, %llu samples, room for %lu",
	      (unsigned long long)n, (unsigned long long)r.hdr->samples, page / REC);
	/* One handler call per overflow PMD 1 saw, each a sample or a loss. */
	printf("never read: %llu samples, %llu lost, PMD 1 %llu = %.2f periods\n",
	       (unsigned long long)n, (unsigned long long)lost, (unsigned long long)pmd1,
	       (double)pmd1 / PERIOD);
	CHECK((n + lost) * PERIOD <= pmd1 + 2 * PERIOD, "%llu overflows for PMD 1 at %llu",
	      (unsigned long long)(n + lost), (unsigned long long)pmd1);
	vpmc_ring_consume(&r);
	OK(pfm_start(fd, NULL));
	spin_for(r.hdr, n + lost + 1);
	OK(pfm_stop(fd));
	CHECK(vpmc_ring_next(&r, &u, sizeof(u)) && u.rec.type == VPMC_RING_REC_LOST &&
	      u.rec.size == sizeof(u.l) && u.l.lost == lost,
	      "after the reader caught up: record type %u, %llu lost, want LOST %llu",
	      u.rec.type, (unsigned long long)u.l.lost, (unsigned long long)lost);
	CHECK(vpmc_ring_next(&r, &u, sizeof(u)) && u.rec.type == VPMC_RING_REC_SAMPLE,
	      "no sample after the lost record");
	check_sample(&u.s, pfm_gettid(), PERIOD, &t, &v);
	printf("ok LOST record of %llu samples, then samples\n", (unsigned long long)lost);
	ERR(pfm_restart(fd), EBUSY);
	vpmc_ring_unmap(&r);
	close(fd);
}

/* The parent reads a child's samples at each watermark wakeup. */
static void other_process(void)
{
	union {
		struct vpmc_ring_rec rec;
		struct vpmc_ring_sample s;
		char b[512];
	} u;
	uint64_t size = 61 * page, t = 0, v = 0, n = 0, usr = 0, msgs = 0;
	uint64_t give_up = pfm_ns(CLOCK_MONOTONIC) + GIVE_UP;
	struct vpmc_ring_reader r;
	struct pollfd pfd;
	pfarg_msg_t msg;
	uint64_t *clock;
	pid_t child;
	int fd, status;

	child = pfm_spinner(0, 1, &clock);
	fd = ring_ctx(size, 16 * page, 0);
	ring_setup(fd, child, SLOW_PERIOD);
	ring_map(&r, fd, size);
	CHECK(r.hdr->data_size == size && r.hdr->watermark == 16 * (uint64_t)page,
	      "ring of %llu bytes, watermark %llu", (unsigned long long)r.hdr->data_size,
	      (unsigned long long)r.hdr->watermark);
	OK(pfm_start(fd, NULL));
	pfd.fd = fd;
	pfd.events = POLLIN;
	while (n < SAMPLES) {
		CHECK(pfm_ns(CLOCK_MONOTONIC) < give_up, "%llu samples after 300 s",
		      (unsigned long long)n);
		if (poll(&pfd, 1, 1000) != 1)
			continue;
		CHECK(read(fd, &msg, sizeof(msg)) == sizeof(msg) && msg.type == PFM_MSG_OVFL,
		      "no PFM_MSG_OVFL at the watermark: %s", strerror(errno));
		msgs++;
		while (vpmc_ring_next(&r, &u, sizeof(u))) {
			CHECK(u.rec.type == VPMC_RING_REC_SAMPLE, "record %llu of type %u",
			      (unsigned long long)n, u.rec.type);
			check_sample(&u.s, child, SLOW_PERIOD, &t, &v);
			usr += u.s.flags & VPMC_RING_SAMPLE_USER;
			n++;
		}
		vpmc_ring_consume(&r);
	}
	ERR(pfm_restart(fd), EBUSY);
	OK(pfm_stop(fd));
	printf("other process: %llu samples (%llu user), %llu wakeups (%llu counted), %llu lost\n",
	       (unsigned long long)n, (unsigned long long)usr, (unsigned long long)msgs,
	       (unsigned long long)r.hdr->wakeups, (unsigned long long)r.hdr->lost);
	CHECK(!r.hdr->lost && !r.hdr->bad_tail && msgs <= r.hdr->wakeups,
	      "%llu lost, %llu bad tails, %llu messages for %llu wakeups",
	      (unsigned long long)r.hdr->lost, (unsigned long long)r.hdr->bad_tail,
	      (unsigned long long)msgs, (unsigned long long)r.hdr->wakeups);
	kill(child, SIGKILL);
	CHECK(waitpid(child, &status, 0) == child, "waitpid: %s", strerror(errno));
	vpmc_ring_unmap(&r);
	close(fd);
}

static void overwrite(void)
{
	union {
		struct vpmc_ring_rec rec;
		struct vpmc_ring_sample s;
		char b[512];
	} u;
	uint64_t size = 3 * page, t = 0, v = 0, n = 0;
	struct vpmc_ring_reader r;
	int fd = ring_ctx(size, 0, VPMC_RING_OVERWRITE);

	pfm_pin(0);
	ring_setup(fd, pfm_gettid(), PERIOD);
	ring_map(&r, fd, size);
	OK(pfm_start(fd, NULL));
	spin_for(r.hdr, 3 * size / REC);
	OK(pfm_stop(fd));
	CHECK(!r.hdr->lost && r.hdr->overwritten && !r.hdr->wakeups &&
	      r.hdr->data_head - r.hdr->data_oldest <= size,
	      "overwriting: %llu lost, %llu overwritten, %llu wakeups, head %llu oldest %llu",
	      (unsigned long long)r.hdr->lost, (unsigned long long)r.hdr->overwritten,
	      (unsigned long long)r.hdr->wakeups, (unsigned long long)r.hdr->data_head,
	      (unsigned long long)r.hdr->data_oldest);
	vpmc_ring_oldest(&r);
	while (vpmc_ring_next(&r, &u, sizeof(u))) {
		CHECK(u.rec.type == VPMC_RING_REC_SAMPLE, "record of type %u", u.rec.type);
		check_sample(&u.s, pfm_gettid(), PERIOD, &t, &v);
		n++;
	}
	CHECK(n == r.hdr->samples - r.hdr->overwritten && n >= size / REC - 1,
	      "%llu records of %llu samples, %llu overwritten", (unsigned long long)n,
	      (unsigned long long)r.hdr->samples, (unsigned long long)r.hdr->overwritten);
	printf("ok overwriting: the newest %llu of %llu samples, whole\n",
	       (unsigned long long)n, (unsigned long long)r.hdr->samples);
	vpmc_ring_unmap(&r);
	close(fd);
}

static void refusals(void)
{
	struct vpmc_ring_arg arg;
	struct vpmc_ring_reader r;
	pfarg_ctx_t ctx;
	uint64_t bad;
	void *p;
	int fd;

	memset(&ctx, 0, sizeof(ctx));
	memset(&arg, 0, sizeof(arg));
	arg.data_size = page;
	arg.reserved1 = 1;
	ERR(pfm_create_context(&ctx, VPMC_RING_NAME, &arg, sizeof(arg)), EINVAL);
	arg.reserved1 = 0;
	arg.reserved[4] = 1;
	ERR(pfm_create_context(&ctx, VPMC_RING_NAME, &arg, sizeof(arg)), EINVAL);
	ERR(ring_new(page, 0, 2), EINVAL);
	ERR(ring_new(100, 0, 0), EINVAL);
	ERR(ring_new(page, page + 1, 0), EINVAL);
	ERR(ring_new(1ULL << 40, 0, 0), ENOMEM);
	ERR(ring_new(~0ULL, 0, 0), ENOMEM);

	fd = ring_ctx(page, 0, 0);
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, page);
	CHECK(p == MAP_FAILED && errno == EINVAL, "private writable control page: %s",
	      strerror(errno));
	p = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p == MAP_FAILED && errno == EINVAL, "writable ring: %s", strerror(errno));
	p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 2 * page);
	CHECK(p == MAP_FAILED && errno == EINVAL, "writable record page: %s", strerror(errno));
	p = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, page);
	CHECK(p == MAP_FAILED && errno == EINVAL, "control page and more: %s", strerror(errno));
	p = mmap(NULL, 4 * page, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(p == MAP_FAILED && errno == EINVAL, "past the ring: %s", strerror(errno));
	printf("ok EINVAL        the mappings that may not be\n");

	/* A reader that lies: the kernel keeps its last good position. */
	pfm_pin(0);
	ring_setup(fd, pfm_gettid(), PERIOD);
	ring_map(&r, fd, page);
	bad = r.hdr->data_head + 8 * page;
	__atomic_store_n(&r.ctl->data_tail, bad, __ATOMIC_RELEASE);
	OK(pfm_start(fd, NULL));
	spin_for(r.hdr, 2);
	OK(pfm_stop(fd));
	CHECK(r.hdr->bad_tail >= 2 && r.hdr->tail_seen == 0 && r.hdr->samples >= 1,
	      "data_tail %llu: %llu refused, tail %llu, %llu samples", (unsigned long long)bad,
	      (unsigned long long)r.hdr->bad_tail, (unsigned long long)r.hdr->tail_seen,
	      (unsigned long long)r.hdr->samples);
	printf("ok bad_tail %llu, the lie ignored\n", (unsigned long long)r.hdr->bad_tail);

	/* The format's module is pinned by the context (root only). */
	errno = 0;
	if (syscall(SYS_delete_module, "vpmc_ring", O_NONBLOCK) == 0)
		FAIL("vpmc_ring.ko unloaded under a context");
	CHECK(errno == EWOULDBLOCK || errno == EPERM, "delete_module: %s", strerror(errno));
	printf("ok %s unloading vpmc_ring.ko in use\n", strerror(errno));
	vpmc_ring_unmap(&r);
	close(fd);
}

int main(void)
{
	pfm_prog = "smpl_ring";
	page = sysconf(_SC_PAGESIZE);
	setvbuf(stdout, NULL, _IOLBF, 0);
	CHECK(access("/sys/kernel/perfmon/formats/" VPMC_RING_NAME "/version", R_OK) == 0,
	      "/sys/kernel/perfmon/formats/%s/version: %s", VPMC_RING_NAME, strerror(errno));
	never_read();
	other_process();
	overwrite();
	refusals();
	printf("ok\n");
	return 0;
}
