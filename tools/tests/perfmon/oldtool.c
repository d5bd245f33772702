// SPDX-License-Identifier: GPL-2.0-only
/*
 * A program written the way perfmon2-era tools were (task.c, syst.c of
 * libpfm-3.x's examples): every structure on the stack and never zeroed,
 * so the fields a call does not use hold garbage (here on purpose: 0xa5
 * bytes); the monitored command started by the tool, stopped by ptrace at
 * its exec, loaded, started, let go; the context unloaded and its sets
 * deleted right after waitpid() says the command exited.
 *
 * The command touches N fresh pages (workload - faults N); vpmc's perf
 * backend counts page faults exactly, so the count is N plus the faults of
 * exec and program start-up. Per thread and system-wide (on CPU 1, the
 * command pinned there), ROUNDS times each:
 *  - fields perfmon2 v2.82 ignored take any value; the same garbage in a
 *    field it checked gets EINVAL;
 *  - after waitpid(), the context is unloaded, every time: the first call
 *    (pfm_delete_evtsets() of a second set) succeeds, PFM_MSG_END is
 *    queued, pfm_unload_context() returns 0 (perfmon2 had unloaded it at
 *    the exit), and the PMD holds the final count.
 */
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "pfm_test.h"

#define FAULTS		5000
#define SLACK		300	/* exec and start-up of workload (20-30) */
#define ROUNDS		11
#define PAGE_FAULTS	0x0100000000000002ULL	/* perf software page-faults */
#define GARBAGE		0xa5

static void garble(void *p, size_t len)
{
	memset(p, GARBAGE, len);
}

/* The command, stopped by ptrace at its exec; pinned to @cpu if >= 0. */
static pid_t start_command(int cpu)
{
	char n[16];
	pid_t pid;
	int st;

	snprintf(n, sizeof(n), "%d", FAULTS);
	pid = fork();
	CHECK(pid >= 0, "fork: %s", strerror(errno));
	if (!pid) {
		if (cpu >= 0)
			pfm_pin(cpu);
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
			_exit(126);
		execlp("workload", "workload", "-", "faults", n, (char *)NULL);
		_exit(127);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFSTOPPED(st) &&
	      WSTOPSIG(st) == SIGTRAP, "command not stopped at exec (status %#x)", st);
	return pid;
}

static void let_go_and_wait(pid_t pid)
{
	int st;

	OK(ptrace(PTRACE_DETACH, pid, NULL, NULL));
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st),
	      "command failed (status %#x)", st);
}

/* Fields v2.82 checked: the garbage is refused. */
static void checked_fields(int fd, bool sys)
{
	pfarg_setdesc_t sd;
	pfarg_load_t load;
	pfarg_pmc_t pmc;
	pfarg_pmd_t pmd;

	garble(&pmc, sizeof(pmc));
	pmc.reg_num = 0;
	pmc.reg_set = 0;
	pmc.reg_value = PAGE_FAULTS;
	ERR(pfm_write_pmcs(fd, &pmc, 1), EINVAL);	/* reg_flags */
	garble(&pmd, sizeof(pmd));
	pmd.reg_num = 0;
	pmd.reg_set = 0;
	ERR(pfm_write_pmds(fd, &pmd, 1), EINVAL);	/* flags, masks */
	pmd.reg_flags = 0;
	ERR(pfm_write_pmds(fd, &pmd, 1), EINVAL);	/* reset and sample masks */
	garble(&sd, sizeof(sd));
	sd.set_flags = PFM_SETFL_OVFL_SWITCH | PFM_SETFL_TIME_SWITCH;
	ERR(pfm_create_evtsets(fd, &sd, 1), EINVAL);
	sd.set_flags = PFM_SETFL_TIME_SWITCH;
	sd.set_timeout = 0;
	ERR(pfm_create_evtsets(fd, &sd, 1), EINVAL);
	garble(&load, sizeof(load));
	load.load_pid = sys ? 1 : pfm_gettid();
	ERR(pfm_load_context(fd, &load), EINVAL);	/* load_set 0xa5a5 */
}

/* One round: a context as a perfmon2 tool makes it, with garbage. */
static void round_of(bool sys)
{
	unsigned long long count;
	pfarg_setdesc_t sd;
	pfarg_start_t start;
	pfarg_load_t load;
	pfarg_ctx_t ctx;
	pfarg_pmc_t pmc;
	pfarg_pmd_t pmd;
	pfarg_msg_t msg;
	pid_t pid;
	int fd;

	garble(&ctx, sizeof(ctx));
	ctx.ctx_flags = sys ? PFM_FL_SYSTEM_WIDE : 0;
	ctx.ctx_flags |= 0x5a0000;	/* bits v2.82 did not know */
	fd = pfm_create_context(&ctx, NULL, NULL, 0);
	CHECK(fd >= 0, "pfm_create_context with garbage: %s", strerror(errno));
	checked_fields(fd, sys);

	garble(&pmc, sizeof(pmc));
	pmc.reg_num = 0;
	pmc.reg_set = 0;
	pmc.reg_flags = 0;
	pmc.reg_value = PAGE_FAULTS;
	OK(pfm_write_pmcs(fd, &pmc, 1));
	garble(&pmd, sizeof(pmd));
	pmd.reg_num = 0;
	pmd.reg_set = 0;
	pmd.reg_flags = 0;
	pmd.reg_value = 0;
	pmd.reg_long_reset = 0;
	pmd.reg_short_reset = 0;
	pmd.reg_ovfl_switch_cnt = 0;
	memset(pmd.reg_reset_pmds, 0, sizeof(pmd.reg_reset_pmds));
	memset(pmd.reg_smpl_pmds, 0, sizeof(pmd.reg_smpl_pmds));
	OK(pfm_write_pmds(fd, &pmd, 1));
	/* A second set that never becomes active: deleted after the exit. */
	garble(&sd, sizeof(sd));
	sd.set_id = 1;
	sd.set_flags = PFM_SETFL_OVFL_SWITCH;
	sd.set_timeout = 0;
	OK(pfm_create_evtsets(fd, &sd, 1));

	pid = start_command(sys ? 1 : -1);
	garble(&load, sizeof(load));
	load.load_pid = sys ? 1 : pid;
	load.load_set = 0;
	OK(pfm_load_context(fd, &load));
	garble(&start, sizeof(start));
	ERR(pfm_start(fd, &start), EINVAL);		/* start_set 0xa5a5 */
	start.start_set = 0;
	OK(pfm_start(fd, &start));
	let_go_and_wait(pid);

	if (sys) {
		OK(pfm_stop(fd));
		OK(pfm_unload_context(fd));
	} else {
		/* The first call after waitpid(): unloaded, every time. */
		OK(pfm_delete_evtsets(fd, &sd, 1));
		fcntl(fd, F_SETFL, O_NONBLOCK);
		CHECK(read(fd, &msg, sizeof(msg)) == sizeof(msg) &&
		      msg.type == PFM_MSG_END, "no PFM_MSG_END after waitpid()");
		OK(pfm_unload_context(fd));	/* perfmon2: unloaded at exit, 0 */
	}

	garble(&pmd, sizeof(pmd));
	pmd.reg_num = 0;
	pmd.reg_set = 0;
	OK(pfm_read_pmds(fd, &pmd, 1));
	count = pmd.reg_value;
	CHECK(count >= FAULTS && count <= FAULTS + SLACK + (sys ? SLACK : 0),
	      "%s: %llu page faults for %d touched pages", sys ? "CPU 1" : "thread",
	      count, FAULTS);
	printf("%s: %llu page faults for %d touched pages\n",
	       sys ? "system-wide" : "per-thread", count, FAULTS);
	if (sys)
		OK(pfm_delete_evtsets(fd, &sd, 1));
	close(fd);
}

int main(void)
{
	int i;

	pfarg_ctx_t ctx;

	pfm_prog = "oldtool";
	garble(&ctx, sizeof(ctx));
	ctx.ctx_flags = PFM_FL_SYSTEM_WIDE | PFM_FL_NOTIFY_BLOCK;
	ERR(pfm_create_context(&ctx, NULL, NULL, 0), EINVAL);
	for (i = 0; i < ROUNDS; i++)
		round_of(false);
	printf("ok per thread: %d rounds, unloaded at every exit\n", ROUNDS);
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1) {
		pfm_pin(1);
		for (i = 0; i < ROUNDS; i++)
			round_of(true);
		printf("ok system-wide: %d rounds\n", ROUNDS);
	}
	return 0;
}
