// SPDX-License-Identifier: GPL-2.0-only
/*
 * pfm_fuzz - a perf_fuzzer-style fuzzer of /dev/perfmon (vpmc_perfmon.ko).
 *
 *   pfm_fuzz [-s SEED] [-t SECONDS] [-n OPS] [-w WORKERS] [-c] [-q]
 *
 * Seeded and bounded: WORKERS processes (as root, every other one becomes
 * uid 1000 without capabilities), each with its own generator from SEED,
 * make random sequences of the 12 perfmon2 calls (libperfmon) with valid
 * and broken arguments (bad and partly mapped or read-only pointers, huge
 * and negative counts, reserved bits, random registers, sets, periods,
 * reloads and masks), plus close/dup, read/poll/fcntl/mmap/write on
 * context descriptors, signals, and victims that fork, exec, exit and are
 * killed while monitored. With -c (root), a chaos process takes CPU 1
 * off- and online and writes the modules' parameters, valid and not.
 *
 * It fails (exit 1) on: a forbidden success as uid 1000 (a system-wide
 * context, kernel-mode counting, or monitoring another user's thread with
 * paranoid=2), a worker that dies of a signal or does not finish (the
 * watchdog: SECONDS + 120 s), a broken arbiter invariant
 * (/sys/kernel/debug/vpmc/check) or a virtual PMC left behind once every
 * descriptor is closed (/sys/kernel/debug/vpmc/state). The kernel's own
 * reports (KASAN, lockdep, ...) are the guest runner's to find. It prints
 * the seed first, counts by call and errno at the end, and a worker's last
 * calls when it fails.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <perfmon/perfmon.h>
#include <perfmon/perfmon_dev.h>
#include <perfmon/perfmon_dfl_smpl.h>
#include <perfmon/perfmon_vpmc_ring.h>

#define MAX_WORKERS	16
#define NFDS		6
#define NVICTIMS	3
#define LOGN		48
#define NCALLS		20
#define NERRNO		134
#define UID_USER	1000

#ifdef __aarch64__
static const uint64_t events[] = { 0x11, 0x08, 0x0100000000000002ULL, 0x0100000000000000ULL };
#else
static const uint64_t events[] = { 0x0100000000000000ULL, 0x0100000000000002ULL,
				   0x0100000000000005ULL, 0x0100000000000003ULL };
#endif
#define EV_USR		0x1000000000000000ULL
#define EV_OS		0x2000000000000000ULL

enum call {
	C_CREATE, C_WRITE_PMCS, C_WRITE_PMDS, C_READ_PMDS, C_LOAD, C_START,
	C_STOP, C_RESTART, C_CREATE_SETS, C_DELETE_SETS, C_GETINFO, C_UNLOAD,
	C_CLOSE, C_DUP, C_READ, C_POLL, C_FCNTL, C_MMAP, C_WRITE, C_RAW,
};

static const char *const call_names[NCALLS] = {
	"create_context", "write_pmcs", "write_pmds", "read_pmds", "load_context",
	"start", "stop", "restart", "create_evtsets", "delete_evtsets",
	"getinfo_evtsets", "unload_context", "close", "dup", "read", "poll",
	"fcntl", "mmap", "write", "raw_ioctl",
};

/* Counts by call and errno, in memory shared with the parent. */
struct stats {
	unsigned long n[MAX_WORKERS][NCALLS][NERRNO];
	unsigned long forbidden[MAX_WORKERS];
	char log[MAX_WORKERS][LOGN][96];
	unsigned int logpos[MAX_WORKERS];
};

static struct stats *st;

static int me;			/* worker index */
static bool unpriv;
static uint64_t rng;
static char *page_ro, *page_edge;	/* read-only page; page before a hole */
static long pgsz;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned int below(unsigned int n)
{
	return n ? rnd() % n : 0;
}

static void trace(const char *fmt, ...)
{
	va_list ap;
	unsigned int i = st->logpos[me]++ % LOGN;

	va_start(ap, fmt);
	vsnprintf(st->log[me][i], sizeof(st->log[me][i]), fmt, ap);
	va_end(ap);
}

/* Record a call's result; a forbidden success is counted and logged. */
static int note(enum call c, int ret, bool must_fail)
{
	int e = ret < 0 ? errno : 0;

	if (e < 0 || e >= NERRNO)
		e = NERRNO - 1;
	st->n[me][c][e]++;
	trace("%s -> %d (%s)", call_names[c], ret, ret < 0 ? strerror(errno) : "ok");
	if (must_fail && ret >= 0) {
		st->forbidden[me]++;
		fprintf(stderr, "pfm_fuzz: worker %d (uid %d): FORBIDDEN success of %s\n",
			me, getuid(), call_names[c]);
	}
	return ret;
}

/* A pointer for @len bytes: good, NULL, wild, running into a hole or RO. */
static void *ptr(void *good, size_t len)
{
	switch (below(16)) {
	case 0:
		return NULL;
	case 1:
		return (void *)16;
	case 2:
		return len < (size_t)pgsz ? page_edge + pgsz - len / 2 : good;
	case 3:
		return len <= (size_t)pgsz ? page_ro : good;
	default:
		return good;
	}
}

static int count(int n)
{
	switch (below(12)) {
	case 0:
		return 0;
	case 1:
		return -1 - (int)below(5);
	case 2:
		return 321 + below(1000);
	case 3:
		return (int)rnd();
	default:
		return 1 + below(n);
	}
}

static uint64_t event(void)
{
	uint64_t e = events[below(4)];

	switch (below(10)) {
	case 0:
		return rnd();
	case 1:
		return e | EV_OS;
	case 2:
		return e | (rnd() & 0xff00000000000000ULL);
	default:
		/* Unprivileged workers mostly ask for what they may have. */
		return unpriv && below(4) ? e | EV_USR : e;
	}
}

static uint16_t regnum(void)
{
	return below(8) ? below(6) : rnd();
}

static uint16_t setid(void)
{
	return below(4) ? below(3) : rnd();
}

static void fill(void *p, size_t len)
{
	unsigned char *c = p;

	while (len--)
		*c++ = rnd();
}

static pid_t victims[NVICTIMS];

/* A victim: spins, forks short-lived children, execs itself, exits. */
static void victim_life(const char *self)
{
	for (;;) {
		switch (below(20)) {
		case 0:
			_exit(0);
		case 1:
			execl(self, self, "--victim", (char *)NULL);
			_exit(0);
		case 2:
			if (!fork())
				_exit(0);
			while (waitpid(-1, NULL, WNOHANG) > 0)
				;
			break;
		default:
			usleep(below(2000));
		}
	}
}

static pid_t victim(const char *self)
{
	unsigned int i = below(NVICTIMS);

	if (victims[i] <= 0 || waitpid(victims[i], NULL, WNOHANG)) {
		victims[i] = fork();
		if (!victims[i]) {
			rng ^= getpid();
			victim_life(self);
		}
	}
	return victims[i];
}

static void kill_victim(void)
{
	unsigned int i = below(NVICTIMS);

	if (victims[i] > 0) {
		kill(victims[i], SIGKILL);
		waitpid(victims[i], NULL, 0);
		victims[i] = 0;
	}
}

static int fds[NFDS];

static int pick_fd(void)
{
	int fd = fds[below(NFDS)];

	switch (below(16)) {
	case 0:
		return -1;
	case 1:
		return 0;	/* stdin: not a context */
	default:
		return fd;
	}
}

static void op_create(void)
{
	pfarg_ctx_t ctx;
	uint32_t flags = 0;
	int fd, slot = below(NFDS);
	void *p;
	bool sys;

	memset(&ctx, 0, sizeof(ctx));
	if (below(3) == 0)
		flags |= PFM_FL_SYSTEM_WIDE;
	if (below(4) == 0)
		flags |= PFM_FL_NOTIFY_BLOCK;
	if (below(4) == 0)
		flags |= PFM_FL_OVFL_NO_MSG;
	if (below(10) == 0)
		flags |= rnd();
	if (below(10) == 0)
		fill(&ctx.ctx_reserved3, sizeof(ctx.ctx_reserved3));
	ctx.ctx_flags = flags;
	sys = flags & PFM_FL_SYSTEM_WIDE;
	p = ptr(&ctx, sizeof(ctx));
	/*
	 * A third with a sampling format, "default" or "vpmc-ring": buffers
	 * from too small to above every cap, arguments of the wrong size,
	 * reserved words, bad pointers.
	 */
	if (below(3)) {
		fd = pfm_create_context(p, NULL, NULL, 0);
	} else if (below(2)) {
		static const uint64_t sizes[] = { 0, 624, 4096, 3 * 4096 + 512, 65536, 1ULL << 40 };
		struct vpmc_ring_arg arg;
		size_t len = below(8) ? sizeof(arg) : below(sizeof(arg) + 8);

		memset(&arg, 0, sizeof(arg));
		arg.data_size = below(4) ? sizes[below(6)] : rnd() % (1 << 20);
		arg.watermark = below(2) ? 0 : rnd() % (arg.data_size + 2);
		arg.flags = below(3) ? 0 : below(2) ? VPMC_RING_OVERWRITE : rnd();
		if (below(8) == 0)
			fill(&arg, sizeof(arg));
		fd = pfm_create_context(p, VPMC_RING_NAME, ptr(&arg, sizeof(arg)), len);
	} else {
		static const uint64_t sizes[] = { 0, 168, 4096, 3 * 4096 + 512, 65536, 1ULL << 40 };
		pfm_dfl_smpl_arg_t arg;
		size_t len = below(8) ? sizeof(arg) : below(sizeof(arg) + 8);

		memset(&arg, 0, sizeof(arg));
		arg.buf_size = below(4) ? sizes[below(6)] : rnd() % (1 << 20);
		if (below(8) == 0)
			fill(&arg, sizeof(arg));
		fd = pfm_create_context(p, below(10) ? PFM_DFL_SMPL_NAME : "nonesuch",
					ptr(&arg, sizeof(arg)), len);
	}
	fd = note(C_CREATE, fd, unpriv && sys && p == &ctx);
	if (fd < 0)
		return;
	if (fds[slot] > 0)
		close(fds[slot]);
	fds[slot] = fd;
}

static void op_pmcs(void)
{
	pfarg_pmc_t pmc[4];
	bool kernel = false;
	int i, n = count(4), fd = pick_fd();
	void *p;

	memset(pmc, 0, sizeof(pmc));
	for (i = 0; i < 4; i++) {
		pmc[i].reg_num = regnum();
		pmc[i].reg_set = setid();
		pmc[i].reg_value = event();
		if (below(12) == 0)
			pmc[i].reg_flags = rnd();
		if (below(12) == 0)
			fill(pmc[i].reg_reserved2, sizeof(pmc[i].reg_reserved2));
		/* Only entries the call takes count; one kernel-mode is enough. */
		if (i < n && (!(pmc[i].reg_value & EV_USR) || pmc[i].reg_value & EV_OS))
			kernel = true;
	}
	p = ptr(pmc, sizeof(pmc));
	note(C_WRITE_PMCS, pfm_write_pmcs(fd, p, n),
	     unpriv && kernel && n > 0 && n <= 4 && p == pmc);
}

static void op_pmds(void)
{
	pfarg_pmd_t pmd[3];
	int i;

	memset(pmd, 0, sizeof(pmd));
	for (i = 0; i < 3; i++) {
		uint64_t period = below(2) ? 1000000 + below(50000000) : rnd();

		pmd[i].reg_num = regnum();
		pmd[i].reg_set = setid();
		pmd[i].reg_value = below(2) ? -period : rnd();
		pmd[i].reg_long_reset = -period;
		pmd[i].reg_short_reset = -(period + below(1000));
		pmd[i].reg_flags = below(3) ? below(4) : rnd();
		pmd[i].reg_reset_pmds[0] = below(2) ? below(64) : rnd();
		pmd[i].reg_random_mask = below(4) ? 0 : rnd() & 0xffff;
		pmd[i].reg_ovfl_switch_cnt = below(4);
		if (below(16) == 0)
			fill(pmd[i].reg_reserved2, sizeof(pmd[i].reg_reserved2));
	}
	note(C_WRITE_PMDS, pfm_write_pmds(pick_fd(), ptr(pmd, sizeof(pmd)), count(3)), false);
}

static void op_read_pmds(void)
{
	pfarg_pmd_t pmd[3];
	int i;

	memset(pmd, 0, sizeof(pmd));
	for (i = 0; i < 3; i++) {
		pmd[i].reg_num = regnum();
		pmd[i].reg_set = setid();
	}
	note(C_READ_PMDS, pfm_read_pmds(pick_fd(), ptr(pmd, sizeof(pmd)), count(3)), false);
}

static void op_load(const char *self)
{
	pfarg_load_t load;
	bool foreign = false;
	int fd = pick_fd();
	void *p;

	memset(&load, 0, sizeof(load));
	switch (below(8)) {
	case 0:
		load.load_pid = 1;		/* init: root's */
		foreign = true;
		break;
	case 1:
		load.load_pid = 2;		/* kthreadd */
		foreign = true;
		break;
	case 2:
		load.load_pid = below(2);	/* a CPU, system-wide */
		break;
	case 3:
		load.load_pid = rnd();
		break;
	case 4:
	case 5:
		load.load_pid = victim(self);
		break;
	default:
		load.load_pid = gettid();
	}
	load.load_set = setid();
	if (below(16) == 0)
		load.load_reserved1 = rnd();
	p = ptr(&load, sizeof(load));
	note(C_LOAD, pfm_load_context(fd, p), unpriv && foreign && p == &load);
}

static void op_sets(enum call c)
{
	pfarg_setdesc_t sd[3];
	pfarg_setinfo_t si[3];
	int i, n = count(3), fd = pick_fd();

	memset(sd, 0, sizeof(sd));
	memset(si, 0, sizeof(si));
	for (i = 0; i < 3; i++) {
		sd[i].set_id = setid();
		si[i].set_id = sd[i].set_id;
		sd[i].set_flags = below(3) ? below(2) * PFM_SETFL_TIME_SWITCH : rnd();
		sd[i].set_timeout = below(2) ? 1000000 + below(10000000) : rnd();
		if (below(16) == 0)
			fill(sd[i].reserved, sizeof(sd[i].reserved));
	}
	if (c == C_CREATE_SETS)
		note(c, pfm_create_evtsets(fd, ptr(sd, sizeof(sd)), n), false);
	else if (c == C_DELETE_SETS)
		note(c, pfm_delete_evtsets(fd, ptr(sd, sizeof(sd)), n), false);
	else
		note(c, pfm_getinfo_evtsets(fd, ptr(si, sizeof(si)), n), false);
}

static void op_start(void)
{
	pfarg_start_t start;

	memset(&start, 0, sizeof(start));
	start.start_set = setid();
	if (below(16) == 0)
		start.start_reserved1 = rnd();
	note(C_START, pfm_start(pick_fd(), below(3) ? NULL : ptr(&start, sizeof(start))),
	     false);
}

static void op_fd(const char *self)
{
	char buf[sizeof(pfarg_msg_t) * 2];
	struct pollfd pfd;
	int fd = pick_fd(), slot = below(NFDS), r;
	struct pfm_dev_vec vec;
	void *m;

	switch (below(10)) {
	case 8: {
		cpu_set_t set;

		/* System-wide contexts are loaded from, and used on, their CPU. */
		CPU_ZERO(&set);
		CPU_SET(below(2), &set);
		sched_setaffinity(0, sizeof(set), &set);
		break;
	}
	case 0:
		note(C_CLOSE, close(fds[slot]), false);
		fds[slot] = -1;
		break;
	case 1:
		r = note(C_DUP, dup(fd), false);
		if (r >= 0) {
			if (fds[slot] > 0)
				close(fds[slot]);
			fds[slot] = r;
		}
		break;
	case 2:
		fcntl(fd, F_SETFL, O_NONBLOCK);
		note(C_READ, read(fd, ptr(buf, sizeof(buf)),
				  below(2) ? sizeof(pfarg_msg_t) : below(400)), false);
		break;
	case 3:
		pfd.fd = fd;
		pfd.events = POLLIN;
		note(C_POLL, poll(&pfd, 1, 0), false);
		break;
	case 4:
		note(C_FCNTL, fcntl(fd, F_SETFL, below(2) ? O_ASYNC | O_NONBLOCK : O_NONBLOCK),
		     false);
		fcntl(fd, F_SETOWN, below(2) ? getpid() : victim(self));
		break;
	case 5: {
		/*
		 * The sampling buffer: read it, or ask for too much or to write;
		 * a ring's control page (page 1 alone, shared) may be written:
		 * any reader position, true or not.
		 */
		size_t len = pgsz * (1 + below(4));
		off_t off = below(10) ? 0 : below(2) ? pgsz : pgsz * below(4);
		int prot = below(6) ? PROT_READ : PROT_READ | PROT_WRITE;
		int flags = below(2) ? MAP_SHARED : MAP_PRIVATE;
		bool ctl;

		if (below(3) == 0) {
			len = pgsz;
			off = pgsz;
		}
		ctl = off == pgsz && len == (size_t)pgsz && flags == MAP_SHARED;
		m = mmap(NULL, len, prot, flags, fd, off);
		note(C_MMAP, m == MAP_FAILED ? -1 : 0, false);
		if (m != MAP_FAILED) {
			uint64_t *hdr = m;

			(void)__atomic_load_n(&hdr[below(len / 8)], __ATOMIC_RELAXED);
			if (ctl && (prot & PROT_WRITE))
				__atomic_store_n(&hdr[0], below(2) ? rnd() % 8192 : rnd(),
						 __ATOMIC_RELEASE);
			if (below(4) == 0)
				note(C_MMAP, mprotect(m, len, PROT_READ | PROT_WRITE), !ctl);
			/* Closed before or after its mapping: both keep the buffer. */
			munmap(m, len);
		}
		break;
	}
	case 6:
		note(C_WRITE, write(fd, buf, 8), false);
		break;
	case 7:
		/* A raw vector: reserved bits, any command number. */
		vec.ptr = (uintptr_t)buf;
		vec.count = count(2);
		vec.reserved = below(2) ? rnd() : 0;
		fill(buf, sizeof(buf));
		note(C_RAW, ioctl(fd, _IOW(PFM_DEV_MAGIC, below(14), struct pfm_dev_vec),
				  ptr(&vec, sizeof(vec))), false);
		break;
	default:
		kill_victim();
	}
}

static void worker(const char *self, long ops, double deadline)
{
	long i;

	signal(SIGIO, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);
	for (i = 0; i < NFDS; i++)
		fds[i] = -1;
	for (i = 0; i < ops; i++) {
		struct timespec ts;

		if (!(i & 63)) {
			clock_gettime(CLOCK_MONOTONIC, &ts);
			if (ts.tv_sec + ts.tv_nsec / 1e9 > deadline)
				break;
		}
		switch (below(24)) {
		case 0:
		case 1:
			op_create();
			break;
		case 2:
		case 3:
		case 4:
			op_pmcs();
			break;
		case 5:
		case 6:
			op_pmds();
			break;
		case 7:
		case 8:
			op_read_pmds();
			break;
		case 9:
		case 10:
			op_load(self);
			break;
		case 11:
		case 12:
			op_start();
			break;
		case 13:
			note(C_STOP, pfm_stop(pick_fd()), false);
			break;
		case 14:
			note(C_RESTART, pfm_restart(pick_fd()), false);
			break;
		case 15:
			op_sets(C_CREATE_SETS);
			break;
		case 16:
			op_sets(C_DELETE_SETS);
			break;
		case 17:
			op_sets(C_GETINFO);
			break;
		case 18:
			note(C_UNLOAD, pfm_unload_context(pick_fd()), false);
			break;
		case 19:
			raise(SIGIO);
			break;
		default:
			op_fd(self);
		}
	}
	for (i = 0; i < NFDS; i++)
		if (fds[i] > 0)
			close(fds[i]);
	for (i = 0; i < NVICTIMS; i++)
		if (victims[i] > 0) {
			kill(victims[i], SIGKILL);
			waitpid(victims[i], NULL, 0);
		}
}

static void put(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");

	if (f) {
		fputs(val, f);
		fclose(f);
	}
}

/*
 * CPU 1 off and on, module parameters good and bad; paranoid stays 2.
 * Short perf_keep_ms and unhook_ms patch kernel text (perf's static keys,
 * vpmc's tracepoints) at every create and destroy: the x86_64 guests run
 * on single-threaded TCG for it (Documentation/testing.rst).
 */
static void chaos(double deadline)
{
	static const char *const params[][2] = {
		{ "/sys/module/vpmc/parameters/perf_keep_ms", "0 1 1000 5 x -1" },
		{ "/sys/module/vpmc/parameters/unhook_ms", "0 1 5000 x" },
		{ "/sys/module/vpmc/parameters/overflow_max_percent", "0 25 100 101 x 1" },
		{ "/sys/module/vpmc_perfmon/parameters/paranoid", "2 3 -2 x" },
	};
	char vals[64], *v, *save;
	struct timespec ts;

	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if (ts.tv_sec + ts.tv_nsec / 1e9 > deadline)
			break;
		if (below(4) == 0) {
			put("/sys/devices/system/cpu/cpu1/online", "0");
			usleep(below(200000));
			put("/sys/devices/system/cpu/cpu1/online", "1");
		} else {
			unsigned int p = below(4), k = below(6);

			snprintf(vals, sizeof(vals), "%s", params[p][1]);
			for (v = strtok_r(vals, " ", &save); v && k; k--)
				v = strtok_r(NULL, " ", &save);
			if (v)
				put(params[p][0], v);
		}
		usleep(below(300000));
	}
	put("/sys/devices/system/cpu/cpu1/online", "1");
	put("/sys/module/vpmc/parameters/perf_keep_ms", "1000");
	put("/sys/module/vpmc/parameters/overflow_max_percent", "25");
	put("/sys/module/vpmc/parameters/unhook_ms", "5000");
}

/* Every virtual PMC gone (contexts closed), and the arbiter consistent. */
static int oracle(void)
{
	char line[256];
	int bad = 0, tries;
	FILE *f;

	f = fopen("/sys/kernel/debug/vpmc/check", "r");
	if (!f || !fgets(line, sizeof(line), f) || strcmp(line, "ok\n")) {
		fprintf(stderr, "pfm_fuzz: arbiter invariants broken (%s); see the kernel log\n",
			strerror(errno));
		bad = 1;
	}
	if (f)
		fclose(f);
	/* Exit work of victims may still be unloading contexts: wait a little. */
	for (tries = 0; tries < 50; tries++) {
		unsigned long cpu, n, left = 0;

		f = fopen("/sys/kernel/debug/vpmc/state", "r");
		if (!f)
			break;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, "cpu %lu: %lu virtual PMCs", &cpu, &n) == 2)
				left += n;
		fclose(f);
		if (!left)
			return bad;
		usleep(100000);
	}
	fprintf(stderr, "pfm_fuzz: virtual PMCs left behind after every context closed\n");
	return 1;
}

int main(int argc, char **argv)
{
	long ops = 1L << 40, total = 0;
	unsigned long long seed = time(NULL) ^ getpid();
	int workers = 4, seconds = 60, c, i, bad = 0, quiet = 0;
	bool do_chaos = false, root = !getuid();
	pid_t pids[MAX_WORKERS], chaos_pid = 0;
	struct timespec ts;
	double deadline;

	if (argc == 2 && !strcmp(argv[1], "--victim")) {
		rng = getpid() | 1;
		victim_life("/proc/self/exe");
	}
	while ((c = getopt(argc, argv, "s:t:n:w:cq")) != -1) {
		switch (c) {
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 't':
			seconds = atoi(optarg);
			break;
		case 'n':
			ops = atol(optarg);
			break;
		case 'w':
			workers = atoi(optarg);
			break;
		case 'c':
			do_chaos = true;
			break;
		case 'q':
			quiet = 1;
			break;
		default:
			fputs("usage: pfm_fuzz [-s SEED] [-t S] [-n OPS] [-w N] [-c] [-q]\n",
			      stderr);
			return 2;
		}
	}
	if (workers < 1 || workers > MAX_WORKERS)
		workers = 4;
	printf("pfm_fuzz: seed %llu, %d workers, %d s, %s\n", seed, workers, seconds,
	       root ? "root and uid 1000" : "unprivileged");
	fflush(stdout);
	pgsz = sysconf(_SC_PAGESIZE);
	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	page_ro = mmap(NULL, 3 * pgsz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED || page_ro == MAP_FAILED)
		return 2;
	memset(page_ro, 0, 3 * pgsz);
	page_edge = page_ro + pgsz;
	munmap(page_edge + pgsz, pgsz);		/* a hole after page_edge */
	mprotect(page_ro, pgsz, PROT_READ);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	deadline = ts.tv_sec + ts.tv_nsec / 1e9 + seconds;

	for (i = 0; i < workers; i++) {
		pids[i] = fork();
		if (!pids[i]) {
			me = i;
			rng = seed * 2654435761ULL + i + 1;
			unpriv = !root || (i & 1);
			if (root && unpriv &&
			    (setgroups(0, NULL) || setresgid(UID_USER, UID_USER, UID_USER) ||
			     setresuid(UID_USER, UID_USER, UID_USER)))
				_exit(3);
			/* The uid change made it non-dumpable; its victims need not be. */
			prctl(PR_SET_DUMPABLE, 1);
			worker(argv[0][0] == '/' ? argv[0] : "/proc/self/exe", ops, deadline);
			_exit(0);
		}
	}
	if (do_chaos && root) {
		chaos_pid = fork();
		if (!chaos_pid) {
			rng = seed ^ 0x9e3779b97f4a7c15ULL;
			chaos(deadline);
			_exit(0);
		}
	}
	/* The watchdog: every worker done by the deadline plus 120 s. */
	for (i = 0; i < workers; i++) {
		int status = 0, w;

		for (;;) {
			w = waitpid(pids[i], &status, WNOHANG);
			clock_gettime(CLOCK_MONOTONIC, &ts);
			if (w || ts.tv_sec + ts.tv_nsec / 1e9 > deadline + 120)
				break;
			usleep(100000);
		}
		if (!w) {
			fprintf(stderr, "pfm_fuzz: HANG: worker %d did not finish\n", i);
			kill(pids[i], SIGKILL);
			waitpid(pids[i], &status, 0);
			bad = 1;
		} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
			fprintf(stderr, "pfm_fuzz: worker %d ended with status %#x\n", i, status);
			bad = 1;
		}
		if (!w || !WIFEXITED(status) || WEXITSTATUS(status) || st->forbidden[i]) {
			unsigned int k, p = st->logpos[i];

			fprintf(stderr, "pfm_fuzz: worker %d's last calls:\n", i);
			for (k = p > LOGN ? p - LOGN : 0; k < p; k++)
				fprintf(stderr, "  %s\n", st->log[i][k % LOGN]);
		}
	}
	if (chaos_pid)
		waitpid(chaos_pid, NULL, 0);
	for (c = 0; c < NCALLS; c++) {
		char line[1024];
		int len = 0, e;
		unsigned long sum = 0;

		for (e = 0; e < NERRNO; e++) {
			unsigned long n = 0;

			for (i = 0; i < workers; i++)
				n += st->n[i][c][e];
			if (!n)
				continue;
			sum += n;
			if (len < (int)sizeof(line) - 40)
				len += snprintf(line + len, sizeof(line) - len, " %s=%lu",
						e ? strerrorname_np(e) ?: "?" : "ok", n);
		}
		total += sum;
		if (sum && !quiet)
			printf("  %-16s %8lu:%s\n", call_names[c], sum, line);
	}
	for (i = 0; i < workers; i++)
		if (st->forbidden[i])
			bad = 1;
	bad |= oracle();
	printf("pfm_fuzz: seed %llu: %ld calls, %s\n", seed, total, bad ? "FAILED" : "ok");
	return bad;
}
