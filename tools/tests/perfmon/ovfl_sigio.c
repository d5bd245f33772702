// SPDX-License-Identifier: GPL-2.0-only
/*
 * Overflow notification, self-monitoring: PMD0 = -period with
 * PFM_REGFL_OVFL_NOTIFY. Each overflow sends SIGIO (O_ASYNC + F_SETOWN),
 * makes poll() report POLLIN, queues one PFM_MSG_OVFL for read(), and masks
 * the context until pfm_restart(). The queue holds 8 messages; with
 * PFM_REGFL_RANDOM the reload value varies within reg_random_mask; with
 * PFM_FL_OVFL_NO_MSG nothing is queued but SIGIO still comes.
 */
#include <poll.h>

#include "pfm_test.h"

static int sigio;

static void on_sigio(int sig)
{
	(void)sig;
	__atomic_add_fetch(&sigio, 1, __ATOMIC_SEQ_CST);
}

static int notify_ctx(uint32_t flags)
{
	int fd = pfm_new(flags);

	OK(pfm_pmc(fd, 0, 0, PFM_EVENT));
	OK(pfm_pmd(fd, 0, 0, 0, PFM_PERIOD, PFM_REGFL_OVFL_NOTIFY));
	OK(fcntl(fd, F_SETOWN, getpid()));
	OK(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_ASYNC | O_NONBLOCK));
	OK(pfm_load(fd, pfm_gettid(), 0));
	return fd;
}

/*
 * The SIGIO count before the call that let the counter run: its overflow's
 * SIGIO may come before wait_sigio() is called (a host that stalls the
 * guest's vCPU right after the call lets the counter's time run on), and
 * a SIGIO of an overflow before that call has come by the time it returns
 * (self-monitoring: it is delivered on the way back to user space).
 */
static int since;

static int sigio_now(void)
{
	return __atomic_load_n(&sigio, __ATOMIC_SEQ_CST);
}

/* Before pfm_start() or pfm_restart(): the next overflow's SIGIO is after. */
static void expect_sigio(void)
{
	since = sigio_now();
}

/* Spin until that SIGIO; the context must then be masked. */
static void wait_sigio(void)
{
	unsigned long long end = pfm_ns(CLOCK_MONOTONIC) + 20000000000ULL;

	while (sigio_now() <= since) {
		CHECK(pfm_ns(CLOCK_MONOTONIC) < end, "no SIGIO in 20 s");
		pfm_spin(1000000);
	}
}

int main(void)
{
	struct pollfd pfd;
	pfarg_msg_t msg;
	unsigned long long v1, v2;
	int fd, i, n;

	pfm_prog = "ovfl_sigio";
	signal(SIGIO, on_sigio);

	fd = notify_ctx(0);
	pfd.fd = fd;
	pfd.events = POLLIN;
	CHECK(poll(&pfd, 1, 0) == 0, "POLLIN before any overflow");
	/*
	 * Not masked: pfm_restart() is EBUSY. (Checked here, not between
	 * overflows: a second restart there races with the next overflow,
	 * which a host stalling the vCPU lets in, and then a second message
	 * is queued.)
	 */
	ERR(pfm_restart(fd), EBUSY);
	expect_sigio();
	OK(pfm_start(fd, NULL));
	for (i = 0; i < 3; i++) {
		wait_sigio();
		CHECK(poll(&pfd, 1, 0) == 1 && pfd.revents & POLLIN, "no POLLIN");
		CHECK(read(fd, &msg, sizeof(msg)) == sizeof(msg), "read: %s",
		      strerror(errno));
		CHECK(msg.type == PFM_MSG_OVFL, "type %u", msg.type);
		CHECK(msg.pfm_ovfl_msg.msg_ovfl_pmds[0] == 1 &&
		      msg.pfm_ovfl_msg.msg_active_set == 0 &&
		      msg.pfm_ovfl_msg.msg_ovfl_tid == (uint32_t)pfm_gettid() &&
		      msg.pfm_ovfl_msg.msg_ovfl_pid == (uint32_t)getpid(),
		      "message: pmds 0x%llx set %u tid %u pid %u",
		      (unsigned long long)msg.pfm_ovfl_msg.msg_ovfl_pmds[0],
		      msg.pfm_ovfl_msg.msg_active_set, msg.pfm_ovfl_msg.msg_ovfl_tid,
		      msg.pfm_ovfl_msg.msg_ovfl_pid);
		/* Masked: nothing counts until pfm_restart(). */
		v1 = pfm_get(fd, 0, 0);
		pfm_spin(50000000);
		v2 = pfm_get(fd, 0, 0);
		CHECK(v1 == v2, "masked, yet counting: %llu -> %llu", v1, v2);
		/*
		 * Reloaded with -period at the threshold; what it counted
		 * until the callback ran and masked it stays counted, which
		 * a host stalling the vCPU can make more than a period
		 * (cycles follow virtual time): past the wrap then.
		 */
		{
			pfarg_pmd_t pmd = { .reg_num = 0 };

			OK(pfm_read_pmds(fd, &pmd, 1));
			CHECK(pmd.reg_last_reset_val == -PFM_PERIOD,
			      "last reload %#llx, want -period",
			      (unsigned long long)pmd.reg_last_reset_val);
		}
		CHECK(v1 >= -PFM_PERIOD || v1 < PFM_PERIOD,
		      "PMD %llu, want within a period of its reload to -period", v1);
		printf("ok overflow %d: SIGIO, POLLIN, PFM_MSG_OVFL at ip 0x%llx, masked\n",
		       i, (unsigned long long)msg.pfm_ovfl_msg.msg_ovfl_ip);
		/*
		 * Masked, nothing more is queued: the queue is empty now.
		 * (After pfm_restart() the next overflow may come at once:
		 * a late interrupt on a busy host leaves the PMD past its
		 * reload by the skid.)
		 */
		ERR(read(fd, &msg, sizeof(msg)), EAGAIN);
		expect_sigio();
		OK(pfm_restart(fd));
	}
	ERR(read(fd, &msg, sizeof(msg) - 1), EINVAL);

	/* Ten overflows unread: the queue keeps 8. */
	for (i = 0; i < 10; i++) {
		wait_sigio();
		expect_sigio();
		OK(pfm_restart(fd));
	}
	OK(pfm_stop(fd));
	for (n = 0; read(fd, &msg, sizeof(msg)) == sizeof(msg); n++)
		;
	CHECK(errno == EAGAIN && n == 8, "queued %d messages (errno %s), want 8",
	      n, strerror(errno));
	printf("ok 10 overflows, 8 messages queued\n");
	close(fd);

	/* PFM_REGFL_RANDOM: each reload is -period less random mask bits. */
	fd = notify_ctx(0);
	{
		pfarg_pmd_t pmd;
		unsigned long long first = 0, last = 0, mask = 0xfffff;
		bool varied = false;

		memset(&pmd, 0, sizeof(pmd));
		pmd.reg_flags = PFM_REGFL_OVFL_NOTIFY | PFM_REGFL_RANDOM;
		pmd.reg_value = -PFM_PERIOD;
		pmd.reg_long_reset = -PFM_PERIOD;
		pmd.reg_short_reset = -PFM_PERIOD;
		pmd.reg_random_mask = mask;
		OK(pfm_write_pmds(fd, &pmd, 1));
		expect_sigio();
		OK(pfm_start(fd, NULL));
		for (i = 0; i < 4; i++) {
			wait_sigio();
			memset(&pmd, 0, sizeof(pmd));
			OK(pfm_read_pmds(fd, &pmd, 1));
			last = pmd.reg_last_reset_val;
			CHECK(last <= -PFM_PERIOD && last >= -PFM_PERIOD - mask,
			      "reload 0x%llx outside -period - [0, 0x%llx]", last, mask);
			if (!i)
				first = last;
			varied |= last != first;
			expect_sigio();
			OK(pfm_restart(fd));
		}
		OK(pfm_stop(fd));
		CHECK(varied, "four reloads all 0x%llx: not randomized", last);
		printf("ok PFM_REGFL_RANDOM: reloads vary within the mask\n");
	}
	close(fd);

	/* PFM_FL_OVFL_NO_MSG: SIGIO, no message. */
	fd = notify_ctx(PFM_FL_OVFL_NO_MSG);
	expect_sigio();
	OK(pfm_start(fd, NULL));
	wait_sigio();
	OK(pfm_stop(fd));
	ERR(read(fd, &msg, sizeof(msg)), EAGAIN);
	OK(pfm_restart(fd));
	printf("ok PFM_FL_OVFL_NO_MSG: SIGIO without a message\n");
	close(fd);
	return 0;
}
