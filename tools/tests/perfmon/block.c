// SPDX-License-Identifier: GPL-2.0-only
/*
 * Blocking notification (PFM_FL_NOTIFY_BLOCK): the monitored child stops
 * at its first overflow until the monitor calls pfm_restart(). The child
 * counts its loop iterations in shared memory; they stand still while it
 * is blocked and move again after the restart. Loading a blocking context
 * on oneself is EINVAL (it would wait for itself).
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include "pfm_test.h"

int main(void)
{
	unsigned long long *progress;
	unsigned long long p1, p2, p3;
	pfarg_msg_t msg;
	pid_t child;
	int fd, self;

	pfm_prog = "block";
	self = pfm_new(PFM_FL_NOTIFY_BLOCK);
	OK(pfm_pmc(self, 0, 0, PFM_EVENT));
	ERR(pfm_load(self, pfm_gettid(), 0), EINVAL);
	close(self);

	progress = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(progress != MAP_FAILED, "mmap");
	child = fork();
	CHECK(child >= 0, "fork");
	if (!child) {
		for (;;)
			__atomic_add_fetch(progress, 1, __ATOMIC_RELAXED);
	}
	fd = pfm_new(PFM_FL_NOTIFY_BLOCK);
	OK(pfm_pmc(fd, 0, 0, PFM_EVENT));
	OK(pfm_pmd(fd, 0, 0, 0, 5 * PFM_PERIOD, PFM_REGFL_OVFL_NOTIFY));
	OK(pfm_load(fd, child, 0));
	OK(pfm_start(fd, NULL));
	alarm(60);
	CHECK(read(fd, &msg, sizeof(msg)) == sizeof(msg) && msg.type == PFM_MSG_OVFL,
	      "no overflow message");
	CHECK(msg.pfm_ovfl_msg.msg_ovfl_tid == (uint32_t)child, "tid %u, child %d",
	      msg.pfm_ovfl_msg.msg_ovfl_tid, child);
	usleep(100000);
	p1 = __atomic_load_n(progress, __ATOMIC_RELAXED);
	usleep(500000);
	p2 = __atomic_load_n(progress, __ATOMIC_RELAXED);
	CHECK(p1 == p2, "child not blocked: %llu -> %llu", p1, p2);
	printf("ok child blocked at %llu iterations\n", p1);
	OK(pfm_restart(fd));
	usleep(300000);
	p3 = __atomic_load_n(progress, __ATOMIC_RELAXED);
	CHECK(p3 > p2, "child still blocked after pfm_restart");
	printf("ok child runs again after pfm_restart: %llu\n", p3);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(fd);
	return 0;
}
