// SPDX-License-Identifier: GPL-2.0-only
/*
 * A failed call changes nothing, in the context or in the caller's memory,
 * and the errnos of the corners: a read-only page in the middle of an
 * output vector (pfm_read_pmds(), pfm_getinfo_evtsets(), read()), a
 * blocking-notification context refused on a kernel thread, PFM_IOC_START
 * without an argument but with a count, and write()/mmap() on a context.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <perfmon/perfmon_dev.h>

#include "pfm_test.h"

/* Two pages: the second read-only. @off bytes before the boundary. */
static char *ro_tail(size_t off)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *map = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	CHECK(map != MAP_FAILED, "mmap");
	memset(map, 0, 2 * pg);
	OK(mprotect(map + pg, pg, PROT_READ));
	return map + pg - off;
}

static void ro_free(char *p, size_t off)
{
	long pg = sysconf(_SC_PAGESIZE);

	OK(munmap(p + off - pg, 2 * pg));
}

/* A read whose second entry is read-only: EFAULT, the first untouched. */
static void read_pmds_ro(int fd)
{
	pfarg_pmd_t *pmd = (pfarg_pmd_t *)ro_tail(sizeof(*pmd) + 16), want;

	memset(pmd, 0, sizeof(*pmd));
	pmd->reg_value = 77;
	pmd->reg_last_reset_val = 78;
	want = *pmd;
	/* The second entry starts in the writable page, ends read-only. */
	memset((char *)(pmd + 1), 0, 16);
	ERR(pfm_read_pmds(fd, pmd, 2), EFAULT);
	CHECK(!memcmp(pmd, &want, sizeof(want)), "a failed read wrote entry 0");
	ro_free((char *)pmd, sizeof(*pmd) + 16);
}

/* getinfo into a read-only tail: EFAULT, and the overflows stay to tell. */
static void getinfo_ro(void)
{
	pfarg_setinfo_t *si = (pfarg_setinfo_t *)ro_tail(sizeof(*si) + 8), ok;
	pfarg_setinfo_t want;
	int fd = pfm_new(0), i;

	OK(pfm_pmc(fd, 0, 0, PFM_EVENT));
	/* Overflows every 1e6 events: plenty in 100 ms of spinning. */
	OK(pfm_pmd(fd, 0, 0, 0, 1000000, 0));
	OK(pfm_load(fd, pfm_gettid(), 0));
	OK(pfm_start(fd, NULL));
	pfm_spin(100000000);
	OK(pfm_stop(fd));
	memset(si, 0, sizeof(*si));
	memset((char *)(si + 1), 0, 8);
	si[0].set_id = 0;
	si[1].set_id = 0;
	want = *si;
	for (i = 0; i < 2; i++) {
		ERR(pfm_getinfo_evtsets(fd, si, 2), EFAULT);
		CHECK(!memcmp(si, &want, sizeof(want)), "a failed getinfo wrote entry 0");
	}
	memset(&ok, 0, sizeof(ok));
	OK(pfm_getinfo_evtsets(fd, &ok, 1));
	CHECK(ok.set_ovfl_pmds[0] & 1, "the overflow of PMD0 was forgotten by a failed call");
	OK(pfm_getinfo_evtsets(fd, &ok, 1));
	CHECK(!(ok.set_ovfl_pmds[0] & 1), "a successful getinfo did not clear it");
	printf("ok getinfo: EFAULT keeps the overflowed PMDs for the next call\n");
	close(fd);
	ro_free((char *)si, sizeof(*si) + 8);
}

/* read() of a message into a read-only page: EFAULT, the message stays. */
static void read_msg_ro(void)
{
	char *buf = ro_tail(8);
	pfarg_msg_t msg;
	int fd = pfm_new(0), i;

	OK(pfm_pmc(fd, 0, 0, PFM_EVENT));
	OK(pfm_pmd(fd, 0, 0, 0, 1000000, PFM_REGFL_OVFL_NOTIFY));
	OK(pfm_load(fd, pfm_gettid(), 0));
	OK(pfm_start(fd, NULL));
	/* The notification masks the context: one message. */
	for (i = 0; i < 100 && pfm_restart(fd) < 0; i++)
		pfm_spin(10000000);
	CHECK(i < 100, "no overflow in a second of spinning");
	OK(pfm_stop(fd));
	fcntl(fd, F_SETFL, O_NONBLOCK);
	errno = 0;
	CHECK(read(fd, buf, sizeof(msg)) == -1 && errno == EFAULT,
	      "read into a read-only page: %s", strerror(errno));
	CHECK(read(fd, &msg, sizeof(msg)) == sizeof(msg) && msg.type == PFM_MSG_OVFL,
	      "the message was lost with the failed read");
	printf("ok read: EFAULT leaves the message for the next read\n");
	close(fd);
	ro_free(buf, 8);
}

/* A blocking-notification context cannot block a kernel thread. */
static void block_kthread(void)
{
	int fd = pfm_new(PFM_FL_NOTIFY_BLOCK);

	OK(pfm_pmc(fd, 0, 0, PFM_EVENT));
	/* kthreadd, pid 2, is a kernel thread on every Linux. */
	ERR(pfm_load(fd, 2, 0), EINVAL);
	close(fd);
}

/* The calls' corners. */
static void corners(void)
{
	struct pfm_dev_vec vec = { .ptr = 0, .count = 2 };
	int fd = pfm_new(0);
	char c = 0;

	OK(pfm_pmc(fd, 0, 0, PFM_EVENT));
	OK(pfm_load(fd, pfm_gettid(), 0));
	ERR(ioctl(fd, PFM_IOC_START, &vec), EINVAL);
	vec.count = 1;
	OK(ioctl(fd, PFM_IOC_START, &vec));
	vec.count = 0;
	OK(ioctl(fd, PFM_IOC_START, &vec));
	OK(pfm_stop(fd));
	ERR(write(fd, &c, 1), EINVAL);
	errno = 0;
	/* Without a sampling buffer, as perfmon2: nothing to map. */
	CHECK(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED &&
	      errno == EINVAL, "mmap of a context: %s", strerror(errno));
	printf("ok EINVAL       mmap(context)\n");
	close(fd);
}

int main(void)
{
	int fd;

	pfm_prog = "nochange";
	fd = pfm_new(0);
	OK(pfm_pmc(fd, 0, 0, PFM_EVENT));
	OK(pfm_pmd(fd, 0, 0, 1234, 0, 0));
	read_pmds_ro(fd);
	close(fd);
	getinfo_ro();
	read_msg_ro();
	block_kthread();
	corners();
	printf("ok failed calls change nothing\n");
	return 0;
}
