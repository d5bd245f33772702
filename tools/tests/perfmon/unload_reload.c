// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unload and reload: an unloaded context keeps its PMD values and counts
 * nothing; loaded again (here on another thread, then back) it continues
 * from them. Start/stop/unload of an unloaded context are EINVAL.
 */
#include <sys/wait.h>

#include "pfm_test.h"

int main(void)
{
	unsigned long long v1, v2, v3, v4;
	pid_t child;
	int fd;

	pfm_prog = "unload_reload";
	fd = pfm_new(0);
	OK(pfm_pmc(fd, 0, 0, PFM_EVENT));
	OK(pfm_pmd(fd, 0, 0, 0, 0, 0));
	OK(pfm_load(fd, pfm_gettid(), 0));
	OK(pfm_start(fd, NULL));
	pfm_spin(200000000);
	OK(pfm_unload_context(fd));
	v1 = pfm_get(fd, 0, 0);
	CHECK(v1 > 0, "nothing counted");
	ERR(pfm_start(fd, NULL), EINVAL);
	ERR(pfm_stop(fd), EINVAL);
	OK(pfm_unload_context(fd));	/* unloaded already: 0, as perfmon2 */
	pfm_spin(100000000);
	v2 = pfm_get(fd, 0, 0);
	CHECK(v1 == v2, "unloaded, yet counting");
	printf("ok unloaded: %llu kept\n", v2);

	child = fork();
	CHECK(child >= 0, "fork");
	if (!child) {
		pfm_spin(3000000000ULL);
		_exit(0);
	}
	OK(pfm_load(fd, child, 0));
	OK(pfm_start(fd, NULL));
	usleep(300000);
	OK(pfm_unload_context(fd));
	v3 = pfm_get(fd, 0, 0);
	CHECK(v3 > v2, "reloaded on the child: no progress");
	printf("ok reloaded on a child: %llu\n", v3);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);

	OK(pfm_load(fd, pfm_gettid(), 0));
	OK(pfm_start(fd, NULL));
	pfm_spin(100000000);
	OK(pfm_stop(fd));
	v4 = pfm_get(fd, 0, 0);
	CHECK(v4 > v3, "reloaded on self: no progress");
	printf("ok reloaded on self: %llu\n", v4);
	close(fd);
	return 0;
}
