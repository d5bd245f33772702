// SPDX-License-Identifier: GPL-2.0-only
/*
 * Monitoring another thread: a child process spins; the parent attaches a
 * context to it, counts 1 s of its running, then waits for it to exit and
 * reads PFM_MSG_END. The count follows the child's CPU time, and the final
 * count stays readable after the exit.
 */
#include <sys/wait.h>

#include "pfm_test.h"

int main(void)
{
	unsigned long long t0, t0s, t1s, t1, v, last;
	uint64_t *clock;
	pfarg_msg_t msg;
	pid_t child;
	int fd, status;

	pfm_prog = "attach";
	child = pfm_spinner(2500000000ULL, -1, &clock);
	fd = pfm_new(0);
	OK(pfm_pmc(fd, 0, 0, PFM_EVENT));
	OK(pfm_pmd(fd, 0, 0, 0, 0, 0));
	OK(pfm_load(fd, child, 0));
	t0 = pfm_spinner_ns(clock);
	OK(pfm_start(fd, NULL));
	t0s = pfm_spinner_ns(clock);
	usleep(1000000);
	t1s = pfm_spinner_ns(clock);
	OK(pfm_stop(fd));
	t1 = pfm_spinner_ns(clock);
	v = pfm_get(fd, 0, 0);
	pfm_bracketed(PFM_EVENT_NAME " of the child vs its CPU time", v, t1s - t0s,
		      t1 - t0);

	OK(pfm_start(fd, NULL));
	alarm(30);
	CHECK(read(fd, &msg, sizeof(msg)) == sizeof(msg), "read: %s", strerror(errno));
	CHECK(msg.type == PFM_MSG_END, "message type %u, want PFM_MSG_END", msg.type);
	printf("ok PFM_MSG_END after the child's exit\n");
	CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status), "child");
	last = pfm_get(fd, 0, 0);
	CHECK(last > v, "final count %llu not above %llu", last, v);
	printf("ok final count %llu readable after exit\n", last);
	close(fd);
	return 0;
}
