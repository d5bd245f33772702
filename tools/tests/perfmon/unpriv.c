// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unprivileged users (run as root; the checks run in children that become
 * uid/gid 1000 without capabilities):
 *  - may count their own thread in user mode;
 *  - may not count kernel mode, create system-wide contexts, or attach to
 *    another user's thread (EPERM);
 *  - a context they created and passed to root (SCM_RIGHTS) still may not:
 *    its privilege is fixed at creation;
 *  - a PMC rewrite refused because the thread may no longer be monitored
 *    (it made itself non-dumpable) is EPERM, and the PMD keeps counting;
 *  - paranoid=1 allows kernel mode, paranoid=0 system-wide; 2 is restored.
 */
#include <grp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "pfm_test.h"

#define PARANOID "/sys/module/vpmc_perfmon/parameters/paranoid"

static void paranoid(int level)
{
	FILE *f = fopen(PARANOID, "w");

	CHECK(f && fprintf(f, "%d\n", level) > 0 && !fclose(f), "set paranoid %d", level);
}

static void drop(void)
{
	CHECK(!setgroups(0, NULL) && !setresgid(1000, 1000, 1000) &&
	      !setresuid(1000, 1000, 1000), "becoming uid 1000: %s", strerror(errno));
}

/* Run @fn as uid 1000 in a child; it must exit 0. */
static void as_user(void (*fn)(void), const char *what)
{
	int status;
	pid_t pid = fork();

	CHECK(pid >= 0, "fork");
	if (!pid) {
		drop();
		fn();
		exit(0);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	      !WEXITSTATUS(status), "%s (as uid 1000) failed", what);
}

static void user_default(void)
{
	pfarg_ctx_t ctx;
	unsigned long long v;
	int fd;

	memset(&ctx, 0, sizeof(ctx));
	ctx.ctx_flags = PFM_FL_SYSTEM_WIDE;
	ERR(pfm_create_context(&ctx, NULL, NULL, 0), EPERM);
	fd = pfm_new(0);
	ERR(pfm_pmc(fd, 0, 0, PFM_EVENT), EPERM);
	ERR(pfm_pmc(fd, 0, 0, PFM_EVENT | PFM_OS), EPERM);
	OK(pfm_pmc(fd, 0, 0, PFM_EVENT | PFM_USR));
	OK(pfm_pmd(fd, 0, 0, 0, 0, 0));
	ERR(pfm_load(fd, 1, 0), EPERM);
	OK(pfm_load(fd, pfm_gettid(), 0));
	OK(pfm_start(fd, NULL));
	pfm_spin(100000000);
	OK(pfm_stop(fd));
	v = pfm_get(fd, 0, 0);
	CHECK(v > 0, "own thread, user mode: nothing counted");
	printf("ok own thread in user mode: %llu\n", v);
	close(fd);
}

#ifdef __aarch64__
#define ALT_EVENT	0x08ULL			/* raw INST_RETIRED */
#else
#define ALT_EVENT	0x0100000000000002ULL	/* software page-faults */
#endif

static void user_rewrite_refused(void)
{
	unsigned long long a, b;
	int go[2], back[2], fd;
	pid_t child;
	char c = 0;

	/* Changing uid made this process non-dumpable: its child may be. */
	CHECK(!prctl(PR_SET_DUMPABLE, 1), "prctl");
	OK(pipe(go));
	OK(pipe(back));
	child = fork();
	CHECK(child >= 0, "fork");
	if (!child) {
		CHECK(read(go[0], &c, 1) == 1, "child: read");
		CHECK(!prctl(PR_SET_DUMPABLE, 0), "child: prctl");
		CHECK(write(back[1], &c, 1) == 1, "child: write");
		for (;;)
			pfm_spin(1000000);
	}
	fd = pfm_new(0);
	OK(pfm_pmc(fd, 0, 0, PFM_EVENT | PFM_USR));
	OK(pfm_pmd(fd, 0, 0, 0, 0, 0));
	OK(pfm_load(fd, child, 0));
	OK(pfm_start(fd, NULL));
	CHECK(write(go[1], &c, 1) == 1 && read(back[0], &c, 1) == 1, "handshake");
	ERR(pfm_pmc(fd, 0, 0, ALT_EVENT | PFM_USR), EPERM);
	a = pfm_get(fd, 0, 0);
	usleep(200000);
	b = pfm_get(fd, 0, 0);
	CHECK(b > a, "the refused rewrite stopped PMD0 (%llu, then %llu)", a, b);
	printf("ok a refused rewrite keeps the PMD counting: %llu, then %llu\n", a, b);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	close(fd);
}

static void user_kernel_allowed(void)
{
	int fd = pfm_new(0);

	OK(pfm_pmc(fd, 0, 0, PFM_EVENT));
	printf("ok paranoid=1: kernel mode allowed\n");
	close(fd);
}

static void user_cpu_allowed(void)
{
	pfm_pin(0);
	close(pfm_new(PFM_FL_SYSTEM_WIDE));
	printf("ok paranoid=0: system-wide allowed\n");
}

static int sock[2];

/* Create a context and hand it to root. */
static void user_pass_fd(void)
{
	char byte = 0, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	int fd = pfm_new(0);

	OK(pfm_pmc(fd, 0, 0, PFM_EVENT | PFM_USR));
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	CHECK(sendmsg(sock[1], &mh, 0) == 1, "sendmsg: %s", strerror(errno));
}

static int receive_fd(void)
{
	char byte, cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	int fd;

	CHECK(recvmsg(sock[0], &mh, 0) == 1, "recvmsg: %s", strerror(errno));
	memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&mh)), sizeof(int));
	return fd;
}

int main(void)
{
	int fd;

	pfm_prog = "unpriv";
	CHECK(getuid() == 0, "run me as root");
	paranoid(2);
	as_user(user_default, "paranoid=2");
	as_user(user_rewrite_refused, "rewrite refused");

	OK(socketpair(AF_UNIX, SOCK_DGRAM, 0, sock));
	as_user(user_pass_fd, "pass a context");
	fd = receive_fd();
	ERR(pfm_pmc(fd, 0, 0, PFM_EVENT), EPERM);
	ERR(pfm_load(fd, 1, 0), EPERM);
	printf("ok a passed context keeps its creator's privilege\n");
	close(fd);

	paranoid(1);
	as_user(user_kernel_allowed, "paranoid=1");
	paranoid(0);
	as_user(user_cpu_allowed, "paranoid=0");
	paranoid(2);
	return 0;
}
