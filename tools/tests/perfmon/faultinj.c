// SPDX-License-Identifier: GPL-2.0-only
/*
 * One perfmon2 call with an allocation failed under it: a clean errno,
 * nothing changed (the same call then succeeds), nothing left behind
 * (every context closed, no virtual PMC of ours left, the arbiter's
 * invariants hold). tools/tests/faultinj.sh drives it on the debug kernels
 * (Documentation/testing.rst, "Fault injection").
 *
 *   pfm_faultinj site OP   the call fails where fail_function (set up by the
 *                          caller, task-filter on) fails it: this thread is
 *                          marked (make-it-fail) around the call only, and
 *                          it must fail with ENOMEM
 *   pfm_faultinj nth OP    the call again and again, its Nth fault point
 *                          failed for N = 1, 2, ... (/proc/thread-self/
 *                          fail-nth: failslab and our fail_function sites,
 *                          kernel allocations included) until it completes
 *                          with none left to fail; each failure ENOMEM
 *
 * OP: create create_smpl write_pmcs write_pmds read_pmds load_thread
 * load_cpu rebind create_evtsets getinfo
 */
#include <perfmon/perfmon_dfl_smpl.h>

#include "pfm_test.h"

struct op {
	const char *name;
	/* The set-up before the call; returns the context (or -1). */
	int (*setup)(void);
	/* The call itself, on that context; -1 and errno on failure. */
	int (*call)(int fd);
};

static int new_thread_ctx(void)
{
	int fd = pfm_new(0);

	OK(pfm_pmc(fd, 0, 0, PFM_EVENT));
	return fd;
}

/* PMD 0 written too: the set uses it, so it may be read. */
static int written_ctx(void)
{
	int fd = new_thread_ctx();

	OK(pfm_pmd(fd, 0, 0, 0, 0, 0));
	return fd;
}

static int loaded_thread_ctx(void)
{
	int fd = new_thread_ctx();

	OK(pfm_load(fd, pfm_gettid(), 0));
	return fd;
}

static int no_ctx(void)
{
	return -1;
}

static int cpu_ctx(void)
{
	int fd = pfm_new(PFM_FL_SYSTEM_WIDE);

	OK(pfm_pmc(fd, 0, 0, PFM_EVENT));
	return fd;
}

static int call_create(int fd)
{
	pfarg_ctx_t ctx;
	int ret;

	(void)fd;
	memset(&ctx, 0, sizeof(ctx));
	ret = pfm_create_context(&ctx, NULL, NULL, 0);
	if (ret >= 0)
		close(ret);
	return ret < 0 ? -1 : 0;
}

/* A context with a "default" sampling buffer of 5 pages. */
static int call_create_smpl(int fd)
{
	pfm_dfl_smpl_arg_t arg;
	pfarg_ctx_t ctx;
	int ret;

	(void)fd;
	memset(&ctx, 0, sizeof(ctx));
	memset(&arg, 0, sizeof(arg));
	arg.buf_size = 5 * 4096;
	ret = pfm_create_context(&ctx, PFM_DFL_SMPL_NAME, &arg, sizeof(arg));
	if (ret >= 0)
		close(ret);
	return ret < 0 ? -1 : 0;
}

static int call_write_pmcs(int fd)
{
	return pfm_pmc(fd, 0, 1, PFM_EVENT);
}

static int call_write_pmds(int fd)
{
	return pfm_pmd(fd, 0, 0, 0, PFM_PERIOD, 0);
}

static int call_read_pmds(int fd)
{
	pfarg_pmd_t pmd;

	memset(&pmd, 0, sizeof(pmd));
	return pfm_read_pmds(fd, &pmd, 1);
}

static int call_load_thread(int fd)
{
	return pfm_load(fd, pfm_gettid(), 0);
}

static int call_load_cpu(int fd)
{
	return pfm_load(fd, 0, 0);
}

/*
 * Another event (the same, in user mode only) for a loaded PMD: its new
 * virtual PMC is created before the old one goes.
 */
static int call_rebind(int fd)
{
	return pfm_pmc(fd, 0, 0, PFM_EVENT | PFM_USR);
}

static int call_create_evtsets(int fd)
{
	pfarg_setdesc_t sd;

	memset(&sd, 0, sizeof(sd));
	sd.set_id = 1;
	return pfm_create_evtsets(fd, &sd, 1);
}

static int call_getinfo(int fd)
{
	pfarg_setinfo_t si;

	memset(&si, 0, sizeof(si));
	return pfm_getinfo_evtsets(fd, &si, 1);
}

static const struct op ops[] = {
	{ "create", no_ctx, call_create },
	{ "create_smpl", no_ctx, call_create_smpl },
	{ "write_pmcs", new_thread_ctx, call_write_pmcs },
	{ "write_pmds", new_thread_ctx, call_write_pmds },
	{ "read_pmds", written_ctx, call_read_pmds },
	{ "load_thread", new_thread_ctx, call_load_thread },
	{ "load_cpu", cpu_ctx, call_load_cpu },
	{ "rebind", loaded_thread_ctx, call_rebind },
	{ "create_evtsets", new_thread_ctx, call_create_evtsets },
	{ "getinfo", new_thread_ctx, call_getinfo },
	{ NULL },
};

static void put_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY);

	if (fd < 0 || write(fd, val, strlen(val)) != (ssize_t)strlen(val))
		FAIL("write %s to %s: %s", val, path, strerror(errno));
	close(fd);
}

/* The arbiter's invariant check (vpmc/debugfs.c): "ok" or what broke. */
static void arbiter_ok(const char *when)
{
	char buf[256] = "";
	int fd = open("/sys/kernel/debug/vpmc/check", O_RDONLY);
	ssize_t n;

	CHECK(fd >= 0, "open vpmc/check: %s", strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	CHECK(n > 0 && !strcmp(buf, "ok\n"), "%s: arbiter check: %s", when, buf);
}

/* Virtual PMCs on every CPU, from vpmc/state. */
static long nr_vpmcs(void)
{
	FILE *f = fopen("/sys/kernel/debug/vpmc/state", "r");
	char line[256];
	long n = 0;
	unsigned int v;
	int cpu;

	CHECK(f, "open vpmc/state: %s", strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "cpu %d: %u virtual PMCs", &cpu, &v) == 2)
			n += v;
	fclose(f);
	return n;
}

static const struct op *find_op(const char *name)
{
	for (const struct op *op = ops; op->name; op++)
		if (!strcmp(op->name, name))
			return op;
	FAIL("unknown OP %s", name);
}

/*
 * Run @op's call once, with @arm/@disarm around the call only. Returns
 * whether it failed (then with ENOMEM); the same call then succeeds.
 */
static bool run_once(const struct op *op, void (*arm)(void *), void (*disarm)(void *),
		     void *arg)
{
	int fd = op->setup(), ret, err;

	arm(arg);
	ret = op->call(fd);
	err = errno;
	disarm(arg);
	if (ret < 0) {
		CHECK(err == ENOMEM, "%s: want ENOMEM, got %s", op->name, strerror(err));
		OK(op->call(fd));	/* nothing was changed that refuses it now */
	}
	if (fd >= 0)
		close(fd);
	return ret < 0;
}

static void mark(void *arg)
{
	(void)arg;
	put_file("/proc/thread-self/make-it-fail", "1");
}

static void unmark(void *arg)
{
	(void)arg;
	put_file("/proc/thread-self/make-it-fail", "0");
}

/*
 * /proc/thread-self/fail-nth, opened once: opening it is a fault point
 * itself (a struct file), writing and reading it are none.
 */
static int nth_fd = -1;

static void nth_put(int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%d", n);

	if (pwrite(nth_fd, buf, len, 0) != len)
		FAIL("fail-nth = %d: %s", n, strerror(errno));
}

static void nth_arm(void *arg)
{
	nth_put(*(int *)arg);
}

/* fail-nth reads 0 once its fault was injected; then clear it. */
static void nth_disarm(void *arg)
{
	char buf[16] = "";

	if (pread(nth_fd, buf, sizeof(buf) - 1, 0) <= 0)
		FAIL("read fail-nth: %s", strerror(errno));
	*(int *)arg = atoi(buf);
	nth_put(0);
}

int main(int argc, char **argv)
{
	const struct op *op;
	long before;
	int n;

	pfm_prog = "pfm_faultinj";
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 3 || (strcmp(argv[1], "site") && strcmp(argv[1], "nth")))
		FAIL("usage: pfm_faultinj site|nth OP");
	op = find_op(argv[2]);
	pfm_pin(0);
	before = nr_vpmcs();
	if (!strcmp(argv[1], "site")) {
		CHECK(run_once(op, mark, unmark, NULL), "%s: did not fail", op->name);
		printf("ok %s: ENOMEM, then the same call succeeded\n", op->name);
	} else {
		nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
		CHECK(nth_fd >= 0, "open fail-nth: %s", strerror(errno));
		for (n = 1; n < 10000; n++) {
			int left = n;

			run_once(op, nth_arm, nth_disarm, &left);
			if (left)	/* fewer than n fault points: done */
				break;
			arbiter_ok(op->name);
		}
		CHECK(n < 10000, "%s: still failing after %d fault points", op->name, n);
		printf("ok %s: each of its %d fault points failed in turn, ENOMEM each time\n",
		       op->name, n - 1);
	}
	arbiter_ok(op->name);
	CHECK(nr_vpmcs() == before, "%s: %ld virtual PMCs left behind", op->name,
	      nr_vpmcs() - before);
	return 0;
}
