/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * perfmon2's "default" sampling format, byte for byte as programs written
 * for perfmon2 (libpfm-3.10's <perfmon/perfmon_dfl_smpl.h>) expect it.
 *
 * A context created with this format has a buffer: this header, then one
 * entry per 64-bit overflow of a PMD, each followed by the values of the
 * PMDs in the overflowed PMD's reg_smpl_pmds, in increasing index order.
 * The buffer is mapped read-only with mmap() on the context's fd.
 * Documentation/ABI/testing/dev-perfmon describes its life.
 */
#ifndef _UAPI_PERFMON_PERFMON_DFL_SMPL_H
#define _UAPI_PERFMON_PERFMON_DFL_SMPL_H

#include <linux/types.h>

#define PFM_DFL_SMPL_NAME	"default"

#define PFM_DFL_SMPL_VERSION_MAJ	1U
#define PFM_DFL_SMPL_VERSION_MIN	0U
#define PFM_DFL_SMPL_VERSION	(((PFM_DFL_SMPL_VERSION_MAJ & 0xffff) << 16) | \
				 (PFM_DFL_SMPL_VERSION_MIN & 0xffff))

/* The argument of pfm_create_context() (64 bytes). */
typedef struct {
	__u64 buf_size;		/* bytes of the buffer, header included */
	__u32 buf_flags;	/* copied to hdr_buf_flags; none defined */
	__u32 res1;		/* reserved */
	__u64 reserved[6];	/* reserved */
} pfm_dfl_smpl_arg_t;

/* The buffer's header (128 bytes). */
typedef struct {
	__u64 hdr_count;	/* valid entries */
	__u64 hdr_cur_offs;	/* offset of the next entry */
	__u64 hdr_overflows;	/* times the buffer filled */
	__u64 hdr_buf_size;	/* bytes of the buffer */
	__u64 hdr_min_buf_space; /* the largest entry: below it, full */
	__u32 hdr_version;	/* PFM_DFL_SMPL_VERSION */
	__u32 hdr_buf_flags;	/* pfm_dfl_smpl_arg_t.buf_flags */
	__u64 hdr_res[10];	/* reserved */
} pfm_dfl_smpl_hdr_t;

/* One sample (40 bytes), then 8 bytes per sampled PMD. */
typedef struct {
	__u32 pid;		/* thread id of the interrupted task */
	__u16 ovfl_pmd;		/* the PMD that overflowed */
	__u16 reserved;
	__u64 last_reset_val;	/* its reset value before the overflow */
	__u64 ip;		/* the interrupted instruction */
	__u64 tstamp;		/* the kernel's clock at the interrupt, ns */
	__u16 cpu;		/* the CPU */
	__u16 set;		/* the active set */
	__u32 tgid;		/* process id of the interrupted task */
} pfm_dfl_smpl_entry_t;

#endif /* _UAPI_PERFMON_PERFMON_DFL_SMPL_H */
