/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * The perfmon2 v2.82 user interface: structures, flags and the 12 calls,
 * byte for byte as programs written for perfmon2 (libpfm-3.10's
 * <perfmon/perfmon.h>) expect them. libperfmon implements the calls on top
 * of /dev/perfmon (vpmc_perfmon.ko); <perfmon/perfmon_dev.h> is that
 * device's own ioctl interface.
 *
 * Input is checked as perfmon2 v2.82 checked it, field by field: the
 * reserved words, and every field a call does not use, are ignored, so
 * programs that leave them uninitialised work as they did on perfmon2
 * (Documentation/ABI/testing/dev-perfmon has the table).
 */
#ifndef _UAPI_PERFMON_PERFMON_H
#define _UAPI_PERFMON_PERFMON_H

#include <linux/types.h>

#ifndef __KERNEL__
#include <stddef.h>
#include <stdint.h>
#endif

#define PFM_VERSION_MAJ		2U
#define PFM_VERSION_MIN		82U
#define PFM_VERSION		(((PFM_VERSION_MAJ & 0xffff) << 16) | \
				 (PFM_VERSION_MIN & 0xffff))

/* The register space of x86 in perfmon2: 256 PMCs/PMDs plus 64. */
#define PFM_MAX_PMCS		(256 + 64)
#define PFM_MAX_PMDS		(256 + 64)
#define PFM_BVSIZE(x)		(((x) + 63) / 64)
#define PFM_PMC_BV		PFM_BVSIZE(PFM_MAX_PMCS)
#define PFM_PMD_BV		PFM_BVSIZE(PFM_MAX_PMDS)

/* pfarg_ctx_t.ctx_flags */
#define PFM_FL_NOTIFY_BLOCK	0x01	/* block the monitored thread on notification */
#define PFM_FL_SYSTEM_WIDE	0x02	/* one CPU, every thread */
#define PFM_FL_OVFL_NO_MSG	0x80	/* no message on overflow; waiters still woken */

/* reg_flags */
#define PFM_REGFL_OVFL_NOTIFY	0x1	/* PMD: notify on overflow */
#define PFM_REGFL_RANDOM	0x2	/* PMD: randomize the reset value */
#define PFM_REGFL_NO_EMUL64	0x4	/* PMC: no 64-bit emulation (accepted, moot) */

/* pfarg_setdesc_t.set_flags */
#define PFM_SETFL_OVFL_SWITCH	0x01	/* switch after reg_ovfl_switch_cnt overflows */
#define PFM_SETFL_TIME_SWITCH	0x02	/* switch after set_timeout ns */

/* pfarg_msg_t.type */
#define PFM_MSG_OVFL		1	/* a PMD overflowed */
#define PFM_MSG_END		2	/* the monitored thread exited */

/* Sampling format names are at most this long, with the NUL. */
#define PFM_FMT_NAME_LEN	64

typedef struct {
	__u32 ctx_flags;
	__u32 ctx_reserved1;
	__u64 ctx_reserved3[7];
} pfarg_ctx_t;

typedef struct {
	__u16 reg_num;
	__u16 reg_set;
	__u32 reg_flags;
	__u64 reg_value;
	__u64 reg_reserved2[4];
} pfarg_pmc_t;

typedef struct {
	__u16 reg_num;
	__u16 reg_set;
	__u32 reg_flags;
	__u64 reg_value;
	__u64 reg_long_reset;
	__u64 reg_short_reset;
	__u64 reg_last_reset_val;
	__u64 reg_ovfl_switch_cnt;
	__u64 reg_reset_pmds[PFM_PMD_BV];
	__u64 reg_smpl_pmds[PFM_PMD_BV];
	__u64 reg_smpl_eventid;
	__u64 reg_random_mask;
	__u32 reg_random_seed;
	__u32 reg_reserved2[7];
} pfarg_pmd_t;

typedef struct {
	__u16 start_set;
	__u16 start_reserved1;
	__u32 start_reserved2;
	__u64 reserved3[3];
} pfarg_start_t;

typedef struct {
	__u32 load_pid;
	__u16 load_set;
	__u16 load_reserved1;
	__u64 load_reserved2[3];
} pfarg_load_t;

typedef struct {
	__u16 set_id;
	__u16 set_reserved1;
	__u32 set_flags;
	__u64 set_timeout;
	__u64 reserved[6];
} pfarg_setdesc_t;

typedef struct {
	__u16 set_id;
	__u16 set_reserved1;
	__u32 set_flags;
	__u64 set_ovfl_pmds[PFM_PMD_BV];
	__u64 set_runs;
	__u64 set_timeout;
	__u64 set_act_duration;
	__u64 set_avail_pmcs[PFM_PMC_BV];
	__u64 set_avail_pmds[PFM_PMD_BV];
	__u64 set_reserved3[6];
} pfarg_setinfo_t;

typedef struct {
	__u32 msg_type;
	__u32 msg_ovfl_pid;
	__u16 msg_active_set;
	__u16 msg_ovfl_cpu;
	__u32 msg_ovfl_tid;
	__u64 msg_ovfl_ip;
	__u64 msg_ovfl_pmds[PFM_PMD_BV];
} pfarg_ovfl_msg_t;

typedef union {
	__u32 type;
	pfarg_ovfl_msg_t pfm_ovfl_msg;
} pfarg_msg_t;

#ifndef __KERNEL__
#ifdef __cplusplus
extern "C" {
#endif

int pfm_create_context(pfarg_ctx_t *ctx, char *smpl_name, void *smpl_arg,
		       size_t smpl_size);
int pfm_write_pmcs(int fd, pfarg_pmc_t *pmcs, int count);
int pfm_write_pmds(int fd, pfarg_pmd_t *pmds, int count);
int pfm_read_pmds(int fd, pfarg_pmd_t *pmds, int count);
int pfm_load_context(int fd, pfarg_load_t *load);
int pfm_start(int fd, pfarg_start_t *start);
int pfm_stop(int fd);
int pfm_restart(int fd);
int pfm_create_evtsets(int fd, pfarg_setdesc_t *setd, int count);
int pfm_getinfo_evtsets(int fd, pfarg_setinfo_t *info, int count);
int pfm_delete_evtsets(int fd, pfarg_setdesc_t *setd, int count);
int pfm_unload_context(int fd);

#ifdef __cplusplus
}
#endif
#endif /* !__KERNEL__ */

#endif /* _UAPI_PERFMON_PERFMON_H */
