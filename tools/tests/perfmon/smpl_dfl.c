// SPDX-License-Identifier: GPL-2.0-only
/*
 * perfmon2's "default" sampling format, used as perfmon2-era tools used it
 * (task_smpl.c, self_smpl.c): a context created with "default" and a
 * pfm_dfl_smpl_arg_t, its buffer mapped read-only, PMD 0 sampling every
 * PERIOD events with PMD 1's value in each entry.
 *
 *  - self-sampling: the program spins in one function (its own section,
 *    so its address range is known) until ENTRIES samples are in: each
 *    entry names this thread and process, PMD 0, set 0, the reset value,
 *    a CPU; time and PMD 1 go up; at least 95% of the IPs are in the
 *    function, in user mode (the event counts user mode only);
 *  - kernel mode: the same in kernel mode only while vpmc_ctl.ko spins in
 *    ctl_spin() for the program: 95% of the IPs in that function, as
 *    /proc/kallsyms places it (90% on a debug kernel, below);
 *  - full: a buffer with room for exactly FULL entries holds FULL after
 *    FULL overflows, counts one overflow, queues one PFM_MSG_OVFL and
 *    stops counting (PMD 1 stands still); pfm_restart() empties it and
 *    sampling goes on; pfm_restart() when not masked is EBUSY;
 *  - refusals, each changing nothing: an unknown format, a wrong argument
 *    size, a buffer too small (EINVAL) or above every cap (ENOMEM), a
 *    writable mapping or one past the buffer or of a context without one
 *    (EINVAL), mprotect() to writable (EACCES), a buffer above
 *    RLIMIT_MEMLOCK for an unprivileged user (ENOMEM); VmLck is back to
 *    what it was once the contexts and mappings are gone.
 *
 * It waits for samples, not for wall time: a busy host only makes it
 * longer.
 */
#include <sys/resource.h>
#include <sys/wait.h>

#include <perfmon/perfmon_dfl_smpl.h>

#include "pfm_test.h"

#define PERIOD		200000ULL	/* ns of cpu-clock, or cycles */
#define ENTRIES		200
#define FULL		5
#define ENTRY		(sizeof(pfm_dfl_smpl_entry_t) + sizeof(uint64_t))

static unsigned int npmds;	/* PMDs the PMU has: the largest entry */

/* A field of the mapped header, as the kernel writes it meanwhile. */
static inline uint64_t hdr_get(const __u64 *field)
{
	return __atomic_load_n(field, __ATOMIC_ACQUIRE);
}

/*
 * The function the samples must land in, alone in its section: until @n
 * samples are in, or the buffer filled once more than @full times.
 */
static noinline __section("pfm_spin_text")
void spin_until(const pfm_dfl_smpl_hdr_t *hdr, uint64_t n, uint64_t full,
		uint64_t give_up)
{
	uint64_t i = 0;

	while (hdr_get(&hdr->hdr_count) < n && hdr_get(&hdr->hdr_overflows) <= full)
		if (!(++i & 0xffff) && pfm_ns(CLOCK_MONOTONIC) > give_up)
			break;
}

extern const char __start_pfm_spin_text[], __stop_pfm_spin_text[];

static unsigned long vmlck_kb(void)
{
	char line[128];
	unsigned long kb = ~0UL;
	FILE *f = fopen("/proc/self/status", "r");

	CHECK(f, "/proc/self/status: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmLck: %lu kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static int smpl_new(const char *name, const void *arg, size_t size)
{
	pfarg_ctx_t ctx;

	memset(&ctx, 0, sizeof(ctx));
	return pfm_create_context(&ctx, (char *)name, (void *)arg, size);
}

static int smpl_ctx(uint64_t buf_size)
{
	pfm_dfl_smpl_arg_t arg;
	int fd;

	memset(&arg, 0, sizeof(arg));
	arg.buf_size = buf_size;
	fd = smpl_new(PFM_DFL_SMPL_NAME, &arg, sizeof(arg));
	CHECK(fd >= 0, "pfm_create_context(\"default\", %llu bytes): %s",
	      (unsigned long long)buf_size, strerror(errno));
	return fd;
}

/*
 * PMD 0 samples every @period events in @plm's mode (PFM_USR or PFM_OS),
 * recording PMD 1; loaded on us.
 */
static void smpl_setup_plm(int fd, uint64_t plm, uint64_t period)
{
	pfarg_pmd_t pmd[2];

	OK(pfm_pmc(fd, 0, 0, PFM_EVENT | plm));
	OK(pfm_pmc(fd, 0, 1, PFM_EVENT | plm));
	memset(pmd, 0, sizeof(pmd));
	pmd[0].reg_num = 0;
	pmd[0].reg_flags = PFM_REGFL_OVFL_NOTIFY;
	pmd[0].reg_value = -period;
	pmd[0].reg_long_reset = -period;
	pmd[0].reg_short_reset = -period;
	pmd[0].reg_smpl_pmds[0] = 1ULL << 1;
	pmd[1].reg_num = 1;
	OK(pfm_write_pmds(fd, pmd, 2));
	OK(pfm_load(fd, pfm_gettid(), 0));
}

static void smpl_setup(int fd)
{
	smpl_setup_plm(fd, PFM_USR, PERIOD);
}

static const pfm_dfl_smpl_hdr_t *smpl_map(int fd, size_t size)
{
	void *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);

	CHECK(p != MAP_FAILED, "mmap of the buffer: %s", strerror(errno));
	return p;
}

static void self_sampling(void)
{
	size_t size = 64 * 1024;
	uint64_t last_t = 0, last_v = 0, in = 0, i;
	const pfm_dfl_smpl_hdr_t *hdr;
	const pfm_dfl_smpl_entry_t *e;
	int fd = smpl_ctx(size);

	/* One CPU: its clock orders the samples' times. */
	pfm_pin(0);
	smpl_setup(fd);
	hdr = smpl_map(fd, size);
	CHECK(hdr->hdr_version == PFM_DFL_SMPL_VERSION, "version %#x", hdr->hdr_version);
	CHECK(hdr->hdr_buf_size == size && hdr->hdr_cur_offs == sizeof(*hdr) &&
	      !hdr->hdr_count && !hdr->hdr_overflows,
	      "fresh header: size %llu offset %llu count %llu overflows %llu",
	      (unsigned long long)hdr->hdr_buf_size, (unsigned long long)hdr->hdr_cur_offs,
	      (unsigned long long)hdr->hdr_count, (unsigned long long)hdr->hdr_overflows);
	CHECK(hdr->hdr_min_buf_space == sizeof(*e) + 8 * npmds,
	      "min_buf_space %llu, not for %u PMDs",
	      (unsigned long long)hdr->hdr_min_buf_space, npmds);
	OK(pfm_start(fd, NULL));
	spin_until(hdr, ENTRIES, 0, pfm_ns(CLOCK_MONOTONIC) + 300000000000ULL);
	OK(pfm_stop(fd));
	CHECK(hdr->hdr_count >= ENTRIES, "%llu samples, not %u",
	      (unsigned long long)hdr->hdr_count, ENTRIES);
	CHECK(!hdr->hdr_overflows, "buffer full after %llu samples",
	      (unsigned long long)hdr->hdr_count);
	CHECK(hdr->hdr_cur_offs == sizeof(*hdr) + hdr->hdr_count * ENTRY,
	      "offset %llu after %llu entries", (unsigned long long)hdr->hdr_cur_offs,
	      (unsigned long long)hdr->hdr_count);
	e = (const void *)(hdr + 1);
	for (i = 0; i < hdr->hdr_count; i++, e = (const void *)((const char *)e + ENTRY)) {
		uint64_t v = *(const uint64_t *)(e + 1);

		CHECK(e->pid == (uint32_t)pfm_gettid() && e->tgid == (uint32_t)getpid(),
		      "entry %llu: pid %u tgid %u", (unsigned long long)i, e->pid, e->tgid);
		CHECK(e->ovfl_pmd == 0 && e->set == 0 && e->last_reset_val == -PERIOD,
		      "entry %llu: pmd %u set %u last reset %#llx", (unsigned long long)i,
		      e->ovfl_pmd, e->set, (unsigned long long)e->last_reset_val);
		CHECK(e->cpu < sysconf(_SC_NPROCESSORS_CONF), "entry %llu: cpu %u",
		      (unsigned long long)i, e->cpu);
		CHECK(e->tstamp > last_t, "entry %llu: time %llu after %llu",
		      (unsigned long long)i, (unsigned long long)e->tstamp,
		      (unsigned long long)last_t);
		CHECK(v >= last_v, "entry %llu: PMD 1 %llu after %llu",
		      (unsigned long long)i, (unsigned long long)v, (unsigned long long)last_v);
		last_t = e->tstamp;
		last_v = v;
		in += e->ip >= (uintptr_t)__start_pfm_spin_text &&
		      e->ip < (uintptr_t)__stop_pfm_spin_text;
	}
	printf("self: %llu samples, %llu (%.1f%%) in spin_until() [%p, %p)\n",
	       (unsigned long long)hdr->hdr_count, (unsigned long long)in,
	       100.0 * in / hdr->hdr_count, (void *)__start_pfm_spin_text,
	       (void *)__stop_pfm_spin_text);
	CHECK(in * 100 >= hdr->hdr_count * 95, "only %llu of %llu IPs in the spinning function",
	      (unsigned long long)in, (unsigned long long)hdr->hdr_count);
	/* Anything the context gets now is bad input: it still counts. */
	CHECK(munmap((void *)hdr, size) == 0, "munmap: %s", strerror(errno));
	close(fd);
}

/* [*start, *end) of the kernel function @name: from /proc/kallsyms. */
static bool ksym_range(const char *name, uint64_t *start, uint64_t *end)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	unsigned long long a;
	char line[256], sym[128];

	*start = 0;
	*end = ~0ULL;
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %*s %127s", &a, sym) == 2 && a &&
		    !strncmp(sym, name, strlen(name)) &&
		    (sym[strlen(name)] == 0 || sym[strlen(name)] == '.'))
			*start = a;
	rewind(f);
	while (*start && fgets(line, sizeof(line), f)) {
		a = strtoull(line, NULL, 16);
		if (a > *start && a < *end)
			*end = a;
	}
	fclose(f);
	return *start && *end != ~0ULL;
}

/*
 * Kernel mode: while vpmc_ctl.ko spins in ctl_spin() for us (a write to
 * its debugfs file), samples of kernel-mode events land there.
 */
static void kernel_sampling(void)
{
	const char *spin = "/sys/kernel/debug/vpmc_ctl";
	uint64_t start, end, in = 0, i, give_up;
	size_t size = 64 * 1024;
	const pfm_dfl_smpl_hdr_t *hdr;
	const pfm_dfl_smpl_entry_t *e;
	unsigned int pct;
	int fd, ctl;

	ctl = open(spin, O_WRONLY);
	if (ctl < 0 || !ksym_range("ctl_spin", &start, &end)) {
		printf("skip kernel-mode samples: no %s or ctl_spin in /proc/kallsyms\n", spin);
		if (ctl >= 0)
			close(ctl);
		return;
	}
	fd = smpl_ctx(size);
	pfm_pin(0);
	smpl_setup_plm(fd, PFM_OS, PERIOD);
	hdr = smpl_map(fd, size);
	give_up = pfm_ns(CLOCK_MONOTONIC) + 300000000000ULL;
	OK(pfm_start(fd, NULL));
	while (hdr_get(&hdr->hdr_count) < ENTRIES && !hdr_get(&hdr->hdr_overflows)) {
		CHECK(write(ctl, "spin 100", 8) == 8, "spin: %s", strerror(errno));
		CHECK(pfm_ns(CLOCK_MONOTONIC) < give_up, "%llu kernel samples after 300 s",
		      (unsigned long long)hdr->hdr_count);
	}
	OK(pfm_stop(fd));
	e = (const void *)(hdr + 1);
	for (i = 0; i < hdr->hdr_count; i++, e = (const void *)((const char *)e + ENTRY)) {
		CHECK(e->pid == (uint32_t)pfm_gettid(), "entry %llu: pid %u",
		      (unsigned long long)i, e->pid);
		in += e->ip >= start && e->ip < end;
	}
	printf("kernel: %llu samples, %llu (%.1f%%) in ctl_spin() [%#llx, %#llx)\n",
	       (unsigned long long)hdr->hdr_count, (unsigned long long)in,
	       100.0 * in / hdr->hdr_count, (unsigned long long)start,
	       (unsigned long long)end);
	/*
	 * The spin takes the interrupts of its CPU, whose handlers count in
	 * kernel mode too: on a debug kernel (told by kmemleak's file) they
	 * take longer, and 94.3% of the IPs were seen in ctl_spin() on debug
	 * arm64 with the host busy, 98.3% and more on the stock kernels.
	 */
	pct = access("/sys/kernel/debug/kmemleak", F_OK) ? 95 : 90;
	CHECK(in * 100 >= hdr->hdr_count * pct, "only %llu of %llu IPs in ctl_spin(), under %u%%",
	      (unsigned long long)in, (unsigned long long)hdr->hdr_count, pct);
	munmap((void *)hdr, size);
	close(fd);
	close(ctl);
}

static void full_restart(void)
{
	/* Room for exactly FULL entries: the last one fits the largest. */
	size_t size = sizeof(pfm_dfl_smpl_hdr_t) + (FULL - 1) * ENTRY +
		      sizeof(pfm_dfl_smpl_entry_t) + 8 * npmds;
	const pfm_dfl_smpl_hdr_t *hdr;
	unsigned long long pmd1;
	pfarg_msg_t msg;
	int fd = smpl_ctx(size);

	smpl_setup(fd);
	hdr = smpl_map(fd, size);
	ERR(pfm_restart(fd), EBUSY);
	OK(pfm_start(fd, NULL));
	spin_until(hdr, ~0ULL, 0, pfm_ns(CLOCK_MONOTONIC) + 300000000000ULL);
	CHECK(hdr->hdr_overflows == 1 && hdr->hdr_count == FULL,
	      "full: %llu entries, %llu overflows; want %u, 1",
	      (unsigned long long)hdr->hdr_count, (unsigned long long)hdr->hdr_overflows, FULL);
	CHECK(hdr->hdr_cur_offs == sizeof(*hdr) + FULL * ENTRY, "full: offset %llu",
	      (unsigned long long)hdr->hdr_cur_offs);
	CHECK(read(fd, &msg, sizeof(msg)) == sizeof(msg) &&
	      msg.type == PFM_MSG_OVFL && msg.pfm_ovfl_msg.msg_ovfl_pmds[0] == 1,
	      "no overflow message for the full buffer");
	/* Masked: nothing counts until the restart. */
	pmd1 = pfm_get(fd, 0, 1);
	pfm_spin(20000000);
	CHECK(pfm_get(fd, 0, 1) == pmd1, "PMD 1 counted while masked");
	CHECK(hdr->hdr_count == FULL && hdr->hdr_overflows == 1, "a sample while masked");
	/*
	 * Stopped first: a restart of a started context samples again at
	 * once, and a busy host may delay this thread past a period between
	 * the restart and the look at the header.
	 */
	OK(pfm_stop(fd));
	OK(pfm_restart(fd));
	CHECK(hdr->hdr_count == 0 && hdr->hdr_cur_offs == sizeof(*hdr) &&
	      hdr->hdr_overflows == 1, "after restart: %llu entries at %llu, %llu overflows",
	      (unsigned long long)hdr->hdr_count, (unsigned long long)hdr->hdr_cur_offs,
	      (unsigned long long)hdr->hdr_overflows);
	OK(pfm_start(fd, NULL));
	spin_until(hdr, 1, 1, pfm_ns(CLOCK_MONOTONIC) + 300000000000ULL);
	CHECK(hdr->hdr_count >= 1 || hdr->hdr_overflows > 1, "no sample after the restart");
	OK(pfm_stop(fd));
	/* Not masked (unless it filled again already): nothing to restart. */
	if (hdr->hdr_overflows == 1)
		ERR(pfm_restart(fd), EBUSY);
	/* The file goes before the mapping: the mapping keeps the buffer. */
	close(fd);
	CHECK(hdr->hdr_version == PFM_DFL_SMPL_VERSION, "buffer gone with the fd");
	CHECK(munmap((void *)hdr, size) == 0, "munmap: %s", strerror(errno));
}

static void refusals(void)
{
	pfm_dfl_smpl_arg_t arg;
	size_t size = 4096;
	void *p;
	int fd;

	memset(&arg, 0, sizeof(arg));
	arg.buf_size = 4096;
	CHECK(smpl_new("nonesuch", &arg, sizeof(arg)) < 0 && errno == EINVAL,
	      "unknown format: %s", strerror(errno));
	CHECK(smpl_new(PFM_DFL_SMPL_NAME, &arg, sizeof(arg) - 8) < 0 && errno == EINVAL,
	      "short argument: %s", strerror(errno));
	CHECK(smpl_new(PFM_DFL_SMPL_NAME, NULL, 0) < 0 && errno == EINVAL,
	      "no argument: %s", strerror(errno));
	arg.buf_size = sizeof(pfm_dfl_smpl_hdr_t) + sizeof(pfm_dfl_smpl_entry_t);
	CHECK(smpl_new(PFM_DFL_SMPL_NAME, &arg, sizeof(arg)) < 0 && errno == EINVAL,
	      "buffer too small: %s", strerror(errno));
	arg.buf_size = 1ULL << 40;
	CHECK(smpl_new(PFM_DFL_SMPL_NAME, &arg, sizeof(arg)) < 0 && errno == ENOMEM,
	      "buffer of 1 TiB: %s", strerror(errno));

	fd = smpl_ctx(size);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p == MAP_FAILED && errno == EINVAL, "writable mapping: %s", strerror(errno));
	p = mmap(NULL, 2 * size, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(p == MAP_FAILED && errno == EINVAL, "mapping past the buffer: %s", strerror(errno));
	p = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED, "read-only mapping: %s", strerror(errno));
	CHECK(mprotect(p, size, PROT_READ | PROT_WRITE) && errno == EACCES,
	      "mprotect to writable: %s", strerror(errno));
	munmap(p, size);
	close(fd);
	fd = pfm_new(0);
	p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(p == MAP_FAILED && errno == EINVAL, "mapping without a buffer: %s", strerror(errno));
	close(fd);
}

/* As nobody, with 64 KiB of RLIMIT_MEMLOCK: 1 MiB is refused, 32 KiB is not. */
static void memlock(void)
{
	struct rlimit rl = { 64 * 1024, 64 * 1024 };
	pfm_dfl_smpl_arg_t arg;
	pid_t child;
	int status;

	child = fork();
	CHECK(child >= 0, "fork: %s", strerror(errno));
	if (!child) {
		int fd;

		CHECK(!setrlimit(RLIMIT_MEMLOCK, &rl), "setrlimit: %s", strerror(errno));
		CHECK(!setgid(65534) && !setuid(65534), "setuid: %s", strerror(errno));
		memset(&arg, 0, sizeof(arg));
		arg.buf_size = 1 << 20;
		CHECK(smpl_new(PFM_DFL_SMPL_NAME, &arg, sizeof(arg)) < 0 && errno == ENOMEM,
		      "1 MiB over RLIMIT_MEMLOCK: %s", strerror(errno));
		CHECK(vmlck_kb() == 0, "VmLck %lu kB after a refusal", vmlck_kb());
		arg.buf_size = 32 * 1024;
		fd = smpl_new(PFM_DFL_SMPL_NAME, &arg, sizeof(arg));
		CHECK(fd >= 0, "32 KiB under RLIMIT_MEMLOCK: %s", strerror(errno));
		CHECK(vmlck_kb() == 32, "VmLck %lu kB with a 32 KiB buffer", vmlck_kb());
		close(fd);
		CHECK(vmlck_kb() == 0, "VmLck %lu kB once the buffer went", vmlck_kb());
		_exit(0);
	}
	CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) &&
	      !WEXITSTATUS(status), "the unprivileged child failed");
}

int main(void)
{
	unsigned long before = vmlck_kb();
	FILE *f = fopen("/sys/kernel/perfmon/pmu_desc/num_pmds", "r");

	pfm_prog = "smpl_dfl";
	setvbuf(stdout, NULL, _IOLBF, 0);
	CHECK(f && fscanf(f, "%u", &npmds) == 1, "num_pmds: %s", strerror(errno));
	fclose(f);
	CHECK(access("/sys/kernel/perfmon/formats/default/version", R_OK) == 0,
	      "/sys/kernel/perfmon/formats/default/version: %s", strerror(errno));
	self_sampling();
	kernel_sampling();
	full_restart();
	refusals();
	memlock();
	CHECK(vmlck_kb() == before, "VmLck %lu kB, was %lu", vmlck_kb(), before);
	printf("ok\n");
	return 0;
}
