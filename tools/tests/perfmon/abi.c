// SPDX-License-Identifier: GPL-2.0-only
/*
 * The perfmon2 v2.82 ABI: every structure's size and every field's offset,
 * against the figures measured from libpfm-3.10's headers on x86_64
 * (../shared/reference/perfmon2-abi.md). The same layout holds on arm64
 * (LP64, natural alignment). Checked at compile time and printed.
 */
#include <assert.h>
#include <stddef.h>

#include <perfmon/perfmon_dfl_smpl.h>
#include <perfmon/perfmon_vpmc_ring.h>

#include "pfm_test.h"

#define SZ(t, n) static_assert(sizeof(t) == (n), #t " size")
#define OFF(t, f, n) static_assert(offsetof(t, f) == (n), #t "." #f " offset")

SZ(pfarg_ctx_t, 64);
OFF(pfarg_ctx_t, ctx_flags, 0);
OFF(pfarg_ctx_t, ctx_reserved1, 4);
OFF(pfarg_ctx_t, ctx_reserved3, 8);

SZ(pfarg_pmc_t, 48);
OFF(pfarg_pmc_t, reg_num, 0);
OFF(pfarg_pmc_t, reg_set, 2);
OFF(pfarg_pmc_t, reg_flags, 4);
OFF(pfarg_pmc_t, reg_value, 8);
OFF(pfarg_pmc_t, reg_reserved2, 16);

SZ(pfarg_pmd_t, 176);
OFF(pfarg_pmd_t, reg_num, 0);
OFF(pfarg_pmd_t, reg_set, 2);
OFF(pfarg_pmd_t, reg_flags, 4);
OFF(pfarg_pmd_t, reg_value, 8);
OFF(pfarg_pmd_t, reg_long_reset, 16);
OFF(pfarg_pmd_t, reg_short_reset, 24);
OFF(pfarg_pmd_t, reg_last_reset_val, 32);
OFF(pfarg_pmd_t, reg_ovfl_switch_cnt, 40);
OFF(pfarg_pmd_t, reg_reset_pmds, 48);
OFF(pfarg_pmd_t, reg_smpl_pmds, 88);
OFF(pfarg_pmd_t, reg_smpl_eventid, 128);
OFF(pfarg_pmd_t, reg_random_mask, 136);
OFF(pfarg_pmd_t, reg_random_seed, 144);
OFF(pfarg_pmd_t, reg_reserved2, 148);

SZ(pfarg_start_t, 32);
OFF(pfarg_start_t, start_set, 0);
OFF(pfarg_start_t, start_reserved1, 2);
OFF(pfarg_start_t, start_reserved2, 4);
OFF(pfarg_start_t, reserved3, 8);

SZ(pfarg_load_t, 32);
OFF(pfarg_load_t, load_pid, 0);
OFF(pfarg_load_t, load_set, 4);
OFF(pfarg_load_t, load_reserved1, 6);
OFF(pfarg_load_t, load_reserved2, 8);

SZ(pfarg_setdesc_t, 64);
OFF(pfarg_setdesc_t, set_id, 0);
OFF(pfarg_setdesc_t, set_reserved1, 2);
OFF(pfarg_setdesc_t, set_flags, 4);
OFF(pfarg_setdesc_t, set_timeout, 8);
OFF(pfarg_setdesc_t, reserved, 16);

SZ(pfarg_setinfo_t, 200);
OFF(pfarg_setinfo_t, set_id, 0);
OFF(pfarg_setinfo_t, set_reserved1, 2);
OFF(pfarg_setinfo_t, set_flags, 4);
OFF(pfarg_setinfo_t, set_ovfl_pmds, 8);
OFF(pfarg_setinfo_t, set_runs, 48);
OFF(pfarg_setinfo_t, set_timeout, 56);
OFF(pfarg_setinfo_t, set_act_duration, 64);
OFF(pfarg_setinfo_t, set_avail_pmcs, 72);
OFF(pfarg_setinfo_t, set_avail_pmds, 112);
OFF(pfarg_setinfo_t, set_reserved3, 152);

SZ(pfarg_msg_t, 64);
SZ(pfarg_ovfl_msg_t, 64);
OFF(pfarg_msg_t, type, 0);
OFF(pfarg_ovfl_msg_t, msg_type, 0);
OFF(pfarg_ovfl_msg_t, msg_ovfl_pid, 4);
OFF(pfarg_ovfl_msg_t, msg_active_set, 8);
OFF(pfarg_ovfl_msg_t, msg_ovfl_cpu, 10);
OFF(pfarg_ovfl_msg_t, msg_ovfl_tid, 12);
OFF(pfarg_ovfl_msg_t, msg_ovfl_ip, 16);
OFF(pfarg_ovfl_msg_t, msg_ovfl_pmds, 24);

/* The "default" sampling format (perfmon2-abi.md, "Sampling formats"). */
SZ(pfm_dfl_smpl_arg_t, 64);
OFF(pfm_dfl_smpl_arg_t, buf_size, 0);
OFF(pfm_dfl_smpl_arg_t, buf_flags, 8);
OFF(pfm_dfl_smpl_arg_t, res1, 12);
OFF(pfm_dfl_smpl_arg_t, reserved, 16);

SZ(pfm_dfl_smpl_hdr_t, 128);
OFF(pfm_dfl_smpl_hdr_t, hdr_count, 0);
OFF(pfm_dfl_smpl_hdr_t, hdr_cur_offs, 8);
OFF(pfm_dfl_smpl_hdr_t, hdr_overflows, 16);
OFF(pfm_dfl_smpl_hdr_t, hdr_buf_size, 24);
OFF(pfm_dfl_smpl_hdr_t, hdr_min_buf_space, 32);
OFF(pfm_dfl_smpl_hdr_t, hdr_version, 40);
OFF(pfm_dfl_smpl_hdr_t, hdr_buf_flags, 44);
OFF(pfm_dfl_smpl_hdr_t, hdr_res, 48);

SZ(pfm_dfl_smpl_entry_t, 40);
OFF(pfm_dfl_smpl_entry_t, pid, 0);
OFF(pfm_dfl_smpl_entry_t, ovfl_pmd, 4);
OFF(pfm_dfl_smpl_entry_t, reserved, 6);
OFF(pfm_dfl_smpl_entry_t, last_reset_val, 8);
OFF(pfm_dfl_smpl_entry_t, ip, 16);
OFF(pfm_dfl_smpl_entry_t, tstamp, 24);
OFF(pfm_dfl_smpl_entry_t, cpu, 32);
OFF(pfm_dfl_smpl_entry_t, set, 34);
OFF(pfm_dfl_smpl_entry_t, tgid, 36);

static_assert(PFM_DFL_SMPL_VERSION == 0x10000, "default format version 1.0");

/* vpmc's "vpmc-ring" (Documentation/ABI/testing/dev-perfmon). */
SZ(struct vpmc_ring_arg, 64);
OFF(struct vpmc_ring_arg, watermark, 8);
OFF(struct vpmc_ring_arg, flags, 16);
OFF(struct vpmc_ring_arg, reserved1, 20);
OFF(struct vpmc_ring_arg, reserved, 24);
SZ(struct vpmc_ring_hdr, 128);
OFF(struct vpmc_ring_hdr, flags, 4);
OFF(struct vpmc_ring_hdr, data_offset, 8);
OFF(struct vpmc_ring_hdr, data_size, 16);
OFF(struct vpmc_ring_hdr, ctl_offset, 24);
OFF(struct vpmc_ring_hdr, watermark, 32);
OFF(struct vpmc_ring_hdr, data_head, 40);
OFF(struct vpmc_ring_hdr, data_oldest, 48);
OFF(struct vpmc_ring_hdr, samples, 56);
OFF(struct vpmc_ring_hdr, lost, 64);
OFF(struct vpmc_ring_hdr, lost_pending, 72);
OFF(struct vpmc_ring_hdr, overwritten, 80);
OFF(struct vpmc_ring_hdr, bad_tail, 88);
OFF(struct vpmc_ring_hdr, wakeups, 96);
OFF(struct vpmc_ring_hdr, tail_seen, 104);
OFF(struct vpmc_ring_hdr, wake_tail, 112);
SZ(struct vpmc_ring_ctl, 8);
SZ(struct vpmc_ring_rec, 8);
OFF(struct vpmc_ring_rec, size, 2);
OFF(struct vpmc_ring_rec, reserved, 4);
SZ(struct vpmc_ring_sample, 56);
OFF(struct vpmc_ring_sample, ip, 8);
OFF(struct vpmc_ring_sample, tstamp, 16);
OFF(struct vpmc_ring_sample, last_reset, 24);
OFF(struct vpmc_ring_sample, pid, 32);
OFF(struct vpmc_ring_sample, tgid, 36);
OFF(struct vpmc_ring_sample, ovfl_pmd, 40);
OFF(struct vpmc_ring_sample, set, 42);
OFF(struct vpmc_ring_sample, cpu, 44);
OFF(struct vpmc_ring_sample, flags, 46);
OFF(struct vpmc_ring_sample, nr_pmds, 48);
OFF(struct vpmc_ring_sample, pmds, 56);
SZ(struct vpmc_ring_lost, 16);
OFF(struct vpmc_ring_lost, lost, 8);
static_assert(VPMC_RING_VERSION == 0x10000, "vpmc-ring version 1.0");

static_assert(PFM_PMC_BV == 5 && PFM_PMD_BV == 5, "register bit vectors");
static_assert(PFM_FL_NOTIFY_BLOCK == 0x01 && PFM_FL_SYSTEM_WIDE == 0x02 &&
	      PFM_FL_OVFL_NO_MSG == 0x80, "context flags");
static_assert(PFM_REGFL_OVFL_NOTIFY == 0x1 && PFM_REGFL_RANDOM == 0x2 &&
	      PFM_REGFL_NO_EMUL64 == 0x4, "register flags");
static_assert(PFM_SETFL_OVFL_SWITCH == 0x01 && PFM_SETFL_TIME_SWITCH == 0x02,
	      "set flags");
static_assert(PFM_MSG_OVFL == 1 && PFM_MSG_END == 2, "message types");

int main(void)
{
	printf("ok pfarg_ctx_t %zu pfarg_pmc_t %zu pfarg_pmd_t %zu pfarg_start_t %zu\n",
	       sizeof(pfarg_ctx_t), sizeof(pfarg_pmc_t), sizeof(pfarg_pmd_t),
	       sizeof(pfarg_start_t));
	printf("ok pfarg_load_t %zu pfarg_setdesc_t %zu pfarg_setinfo_t %zu pfarg_msg_t %zu\n",
	       sizeof(pfarg_load_t), sizeof(pfarg_setdesc_t), sizeof(pfarg_setinfo_t),
	       sizeof(pfarg_msg_t));
	printf("ok pfm_dfl_smpl_arg_t %zu pfm_dfl_smpl_hdr_t %zu pfm_dfl_smpl_entry_t %zu\n",
	       sizeof(pfm_dfl_smpl_arg_t), sizeof(pfm_dfl_smpl_hdr_t),
	       sizeof(pfm_dfl_smpl_entry_t));
	return 0;
}
