// SPDX-License-Identifier: GPL-2.0-only
/*
 * pfmstat - count one event of a command through the perfmon2 calls
 * (libperfmon), like a minimal pfmon:
 *   pfmstat CONFIG -- CMD [ARGS]          the command's thread, per-thread
 *   pfmstat -c CPU CONFIG -- CMD [ARGS]   system-wide on CPU, the command
 *                                         pinned there
 * CONFIG is a raw event encoding of vpmc's backend
 * (/sys/kernel/perfmon/pmu_desc/format). Prints "pfmstat: COUNT".
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <perfmon/perfmon.h>

static void die(const char *what)
{
	fprintf(stderr, "pfmstat: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		die("sched_setaffinity");
}

int main(int argc, char **argv)
{
	pfarg_ctx_t ctx = { 0 };
	pfarg_pmc_t pmc = { 0 };
	pfarg_pmd_t pmd = { 0 };
	pfarg_load_t load = { 0 };
	int go[2], fd, status, cpu = -1, i = 1;
	char byte = 0;
	pid_t child;

	if (argc > 2 && !strcmp(argv[1], "-c")) {
		cpu = atoi(argv[2]);
		i = 3;
	}
	if (argc < i + 3 || strcmp(argv[i + 1], "--")) {
		fprintf(stderr, "usage: pfmstat [-c CPU] CONFIG -- CMD [ARGS]\n");
		return 2;
	}
	pmc.reg_value = strtoull(argv[i], NULL, 0);
	if (cpu >= 0) {
		pin(cpu);
		ctx.ctx_flags = PFM_FL_SYSTEM_WIDE;
	}
	fd = pfm_create_context(&ctx, NULL, NULL, 0);
	if (fd < 0)
		die("pfm_create_context");
	if (pfm_write_pmcs(fd, &pmc, 1) || pfm_write_pmds(fd, &pmd, 1))
		die("pfm_write_pmcs/pmds");
	if (pipe(go))
		die("pipe");
	child = fork();
	if (child < 0)
		die("fork");
	if (!child) {
		/* Wait until counting is set up, then become the command. */
		close(go[1]);
		if (read(go[0], &byte, 1) != 1)
			_exit(127);
		execvp(argv[i + 2], argv + i + 2);
		_exit(127);
	}
	close(go[0]);
	load.load_pid = cpu >= 0 ? (unsigned int)cpu : (unsigned int)child;
	if (pfm_load_context(fd, &load) || pfm_start(fd, NULL))
		die("pfm_load_context/pfm_start");
	if (write(go[1], &byte, 1) != 1)
		die("write");
	if (waitpid(child, &status, 0) != child)
		die("waitpid");
	/* A system-wide context stops now; a thread's count is final. */
	if (cpu >= 0 && pfm_stop(fd))
		die("pfm_stop");
	if (pfm_read_pmds(fd, &pmd, 1))
		die("pfm_read_pmds");
	printf("pfmstat: %llu\n", (unsigned long long)pmd.reg_value);
	close(fd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
