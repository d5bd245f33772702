// SPDX-License-Identifier: GPL-2.0-only
/*
 * One check per errno of perfmon2's semantics, and for each bad entry in a
 * vector: the call fails with its errno and changes nothing (the PMD
 * values read back are the ones before).
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include "pfm_test.h"

#define BAD_PTR ((void *)16)

static int fresh(void)
{
	int fd = pfm_new(0);

	OK(pfm_pmc(fd, 0, 0, PFM_EVENT));
	OK(pfm_pmd(fd, 0, 0, 1234, 0, 0));
	return fd;
}

/* A vector of two PMD writes whose second entry is bad changes nothing. */
static void pmd_vector(int fd, void (*spoil)(pfarg_pmd_t *), int want)
{
	pfarg_pmd_t pmd[2];

	memset(pmd, 0, sizeof(pmd));
	pmd[0].reg_value = 99;
	pmd[1].reg_value = 98;
	spoil(&pmd[1]);
	ERR(pfm_write_pmds(fd, pmd, 2), want);
	CHECK(pfm_get(fd, 0, 0) == 1234, "a failed vector changed PMD0");
}

static void bad_num(pfarg_pmd_t *p) { p->reg_num = 300; }
static void bad_set(pfarg_pmd_t *p) { p->reg_set = 7; }
static void bad_flag(pfarg_pmd_t *p) { p->reg_flags = 0x100; }
static void bad_reset(pfarg_pmd_t *p) { p->reg_reset_pmds[4] = 1; }
static void bad_smpl(pfarg_pmd_t *p) { p->reg_smpl_pmds[0] = 1ULL << 63; }
static void bad_smpl3(pfarg_pmd_t *p) { p->reg_smpl_pmds[3] = 1; }
static void bad_reset0(pfarg_pmd_t *p) { p->reg_reset_pmds[0] = 1ULL << 63; }
/* PMD 1 of set 0: never written, nor named in a written PMD's masks. */
static void unused(pfarg_pmd_t *p) { p->reg_num = 1; }

/* A read vector whose second entry is bad fails and writes nothing back. */
static void read_vector(int fd, void (*spoil)(pfarg_pmd_t *))
{
	pfarg_pmd_t pmd[2];

	memset(pmd, 0, sizeof(pmd));
	pmd[0].reg_value = 77;
	pmd[0].reg_last_reset_val = 78;
	spoil(&pmd[1]);
	ERR(pfm_read_pmds(fd, pmd, 2), EINVAL);
	CHECK(pmd[0].reg_value == 77 && pmd[0].reg_last_reset_val == 78,
	      "a failed read wrote a value back");
}

/*
 * A read gives reg_value, reg_last_reset_val and reg_ovfl_switch_cnt and
 * leaves the rest, garbage in the reserved words included (perfmon2 v2.82
 * never looked at them).
 */
static void read_keeps(int fd)
{
	pfarg_pmd_t pmd, want;

	memset(&pmd, 0x5a, sizeof(pmd));
	pmd.reg_num = 0;
	pmd.reg_set = 0;
	want = pmd;
	want.reg_value = 1234;
	/* The value written, as perfmon2 v2.82 (lval = value). */
	want.reg_last_reset_val = 1234;
	want.reg_ovfl_switch_cnt = 0;
	OK(pfm_read_pmds(fd, &pmd, 1));
	CHECK(!memcmp(&pmd, &want, sizeof(pmd)),
	      "a read changed more than its three outputs");
}

/* Fields v2.82 ignored take any value and change nothing else. */
static void garbage_ignored(int fd)
{
	pfarg_pmc_t pmc;
	pfarg_pmd_t pmd;

	memset(&pmc, 0, sizeof(pmc));
	memset(pmc.reg_reserved2, 0xa5, sizeof(pmc.reg_reserved2));
	pmc.reg_value = PFM_EVENT | 1ULL << 63;	/* a reserved bit: cleared */
	OK(pfm_write_pmcs(fd, &pmc, 1));
	printf("ok %-14s write_pmcs with reserved bits and words\n", "accepted");
	memset(&pmd, 0, sizeof(pmd));
	memset(pmd.reg_reserved2, 0xa5, sizeof(pmd.reg_reserved2));
	pmd.reg_random_seed = 0xdeadbeef;
	pmd.reg_last_reset_val = 0x77;
	pmd.reg_value = 1234;
	OK(pfm_write_pmds(fd, &pmd, 1));
	CHECK(pfm_get(fd, 0, 0) == 1234, "PMD0 is not what was written");
	printf("ok %-14s write_pmds with reserved words\n", "accepted");
}

/* A vector running into an unmapped page: EFAULT, nothing written back. */
static void read_fault(int fd)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *map = mmap(NULL, 2 * pg, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	pfarg_pmd_t *pmd;

	CHECK(map != MAP_FAILED, "mmap");
	OK(munmap(map + pg, pg));
	pmd = (pfarg_pmd_t *)(map + pg - sizeof(*pmd) - 8);
	memset(pmd, 0, sizeof(*pmd) + 8);
	pmd->reg_value = 77;
	ERR(pfm_read_pmds(fd, pmd, 2), EFAULT);
	CHECK(pmd->reg_value == 77, "a faulting read wrote a value back");
	OK(munmap(map, pg));
}

int main(void)
{
	pfarg_pmc_t pmcs[PFM_MAX_PMCS + 1], pmc;
	pfarg_setdesc_t sd;
	pfarg_start_t st;
	pfarg_load_t ld;
	pfarg_ctx_t ctx;
	pfarg_msg_t msg;
	int fd, fd2, pipefd[2];
	pid_t child;

	pfm_prog = "errno";
	memset(&ctx, 0, sizeof(ctx));

	/* pfm_create_context */
	ctx.ctx_flags = PFM_FL_SYSTEM_WIDE | PFM_FL_NOTIFY_BLOCK;
	ERR(pfm_create_context(&ctx, NULL, NULL, 0), EINVAL);
	/* Unknown flags and the reserved words: ignored, as v2.82. */
	ctx.ctx_flags = 0x40;
	ctx.ctx_reserved1 = 0xdeadbeef;
	memset(ctx.ctx_reserved3, 0xa5, sizeof(ctx.ctx_reserved3));
	OK(fd = pfm_create_context(&ctx, NULL, NULL, 0));
	close(fd);
	memset(&ctx, 0, sizeof(ctx));
	ERR(pfm_create_context(&ctx, "nonesuch", NULL, 0), EINVAL);
	ERR(pfm_create_context(&ctx, "default", NULL, 0), EINVAL);
	ERR(pfm_create_context(&ctx, NULL, &ctx, 8), EINVAL);
	ERR(pfm_create_context(BAD_PTR, NULL, NULL, 0), EFAULT);

	/* bad descriptors */
	ERR(pfm_write_pmcs(-1, &pmc, 1), EBADF);
	OK(pipe(pipefd));
	ERR(pfm_write_pmcs(pipefd[0], &pmc, 1), EBADF);
	ERR(pfm_stop(pipefd[0]), EBADF);
	close(pipefd[0]);
	close(pipefd[1]);
	fd = fresh();
	close(fd);
	ERR(pfm_read_pmds(fd, NULL, 1), EBADF);

	/* counts, sizes, pointers */
	fd = fresh();
	memset(pmcs, 0, sizeof(pmcs));
	ERR(pfm_write_pmcs(fd, pmcs, 0), EINVAL);
	ERR(pfm_write_pmcs(fd, pmcs, -1), EINVAL);
	ERR(pfm_write_pmcs(fd, pmcs, PFM_MAX_PMCS + 1), E2BIG);
	ERR(pfm_write_pmcs(fd, BAD_PTR, 1), EFAULT);
	ERR(pfm_read_pmds(fd, BAD_PTR, 1), EFAULT);

	/* bad PMC entries */
	memset(&pmc, 0, sizeof(pmc));
	pmc.reg_value = PFM_EVENT;
	pmc.reg_num = 300;
	ERR(pfm_write_pmcs(fd, &pmc, 1), EINVAL);
	pmc.reg_num = 0;
	pmc.reg_set = 5;
	ERR(pfm_write_pmcs(fd, &pmc, 1), EINVAL);
	pmc.reg_set = 0;
	pmc.reg_flags = PFM_REGFL_OVFL_NOTIFY;
	ERR(pfm_write_pmcs(fd, &pmc, 1), EINVAL);
	pmc.reg_flags = 0;
	pmc.reg_value = 0x0100000000000fffULL;	/* no such software event */
	ERR(pfm_write_pmcs(fd, &pmc, 1), EINVAL);
	pmc.reg_value = PFM_EVENT;
	garbage_ignored(fd);

	/* bad PMD entries: nothing changes */
	pmd_vector(fd, bad_num, EINVAL);
	pmd_vector(fd, bad_set, EINVAL);
	pmd_vector(fd, bad_flag, EINVAL);
	pmd_vector(fd, bad_reset, EINVAL);
	pmd_vector(fd, bad_reset0, EINVAL);
	pmd_vector(fd, bad_smpl, EINVAL);
	pmd_vector(fd, bad_smpl3, EINVAL);

	/* bad PMD reads: nothing is written back */
	read_vector(fd, bad_num);
	read_vector(fd, bad_set);
	read_vector(fd, unused);
	read_keeps(fd);
	read_fault(fd);
	ERR(pfm_read_pmds(fd, (pfarg_pmd_t *)pmcs, 0), EINVAL);
	ERR(pfm_read_pmds(fd, (pfarg_pmd_t *)pmcs, PFM_MAX_PMCS + 1), E2BIG);

	/* sets */
	memset(&sd, 0, sizeof(sd));
	sd.set_id = 1;
	sd.set_flags = PFM_SETFL_OVFL_SWITCH | PFM_SETFL_TIME_SWITCH;
	sd.set_timeout = 1000000;
	ERR(pfm_create_evtsets(fd, &sd, 1), EINVAL);
	sd.set_flags = PFM_SETFL_TIME_SWITCH;
	sd.set_timeout = 0;
	ERR(pfm_create_evtsets(fd, &sd, 1), EINVAL);
	/* Unknown flags and the reserved words: ignored, as v2.82 on x86. */
	sd.set_flags = 0x10;
	sd.set_reserved1 = 0xbeef;
	memset(sd.reserved, 0xa5, sizeof(sd.reserved));
	OK(pfm_create_evtsets(fd, &sd, 1));
	OK(pfm_delete_evtsets(fd, &sd, 1));
	memset(&sd, 0, sizeof(sd));
	sd.set_id = 1;
	ERR(pfm_delete_evtsets(fd, &sd, 1), EINVAL);	/* no set 1 */
	{
		/* 256 sets at most (set 0 and 255 more); none added on failure. */
		static pfarg_setdesc_t many[256];
		pfarg_setinfo_t si;
		int k;

		for (k = 0; k < 256; k++)
			many[k].set_id = k + 1;
		ERR(pfm_create_evtsets(fd, many, 256), ENOSPC);
		memset(&si, 0, sizeof(si));
		si.set_id = 1;
		ERR(pfm_getinfo_evtsets(fd, &si, 1), EINVAL);
		OK(pfm_create_evtsets(fd, many, 255));
		OK(pfm_delete_evtsets(fd, many, 255));
	}
	sd.set_id = 0;
	ERR(pfm_delete_evtsets(fd, &sd, 1), EINVAL);	/* set 0 stays */
	{
		pfarg_setinfo_t si;

		memset(&si, 0, sizeof(si));
		si.set_id = 9;
		ERR(pfm_getinfo_evtsets(fd, &si, 1), EINVAL);
	}

	/* states */
	ERR(pfm_start(fd, NULL), EINVAL);
	ERR(pfm_stop(fd), EINVAL);
	ERR(pfm_restart(fd), EBUSY);
	OK(pfm_unload_context(fd));	/* unloaded already: 0, as perfmon2 */
	memset(&ld, 0, sizeof(ld));
	ld.load_pid = pfm_gettid();
	ld.load_set = 3;
	ERR(pfm_load_context(fd, &ld), EINVAL);
	ld.load_set = 0;
	ERR(pfm_load_context(fd, BAD_PTR), EFAULT);
	/* The reserved words: ignored, as v2.82 (the loads below). */
	ld.load_reserved1 = 0xbeef;
	memset(ld.load_reserved2, 0xa5, sizeof(ld.load_reserved2));
	ld.load_pid = 0x3fffffff;
	ERR(pfm_load_context(fd, &ld), ESRCH);
	ld.load_pid = pfm_gettid();
	OK(pfm_load_context(fd, &ld));
	ERR(pfm_load_context(fd, &ld), EBUSY);
	fd2 = fresh();
	ERR(pfm_load_context(fd2, &ld), EEXIST);
	close(fd2);
	memset(&st, 0, sizeof(st));
	st.start_set = 4;
	ERR(pfm_start(fd, &st), EINVAL);
	st.start_set = 0;
	st.start_reserved1 = 0xbeef;
	st.start_reserved2 = 0xdeadbeef;
	memset(st.reserved3, 0xa5, sizeof(st.reserved3));
	OK(pfm_start(fd, &st));
	OK(pfm_stop(fd));
	ERR(pfm_restart(fd), EBUSY);
	ERR(pfm_create_evtsets(fd, &sd, 1), EBUSY);
	fcntl(fd, F_SETFL, O_NONBLOCK);
	ERR(read(fd, &msg, sizeof(msg)), EAGAIN);
	ERR(read(fd, &msg, 8), EINVAL);
	close(fd);

	/* the context dies with its descriptor: the thread is free again */
	fd = fresh();
	OK(pfm_load(fd, pfm_gettid(), 0));
	close(fd);

	/* system-wide: loaded from its CPU only */
	if (sysconf(_SC_NPROCESSORS_ONLN) > 1) {
		pfm_pin(0);
		fd = pfm_new(PFM_FL_SYSTEM_WIDE);
		OK(pfm_pmc(fd, 0, 0, PFM_EVENT));
		ERR(pfm_load(fd, 1, 0), EINVAL);
		ERR(pfm_load(fd, 4096, 0), EINVAL);
		close(fd);
	}

	/* a thread that exited is gone */
	child = fork();
	if (!child)
		_exit(0);
	waitpid(child, NULL, 0);
	fd = fresh();
	ERR(pfm_load(fd, child, 0), ESRCH);
	close(fd);
	printf("ok every errno\n");
	return 0;
}
