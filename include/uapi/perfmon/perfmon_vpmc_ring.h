/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * vpmc's "vpmc-ring" sampling format: a ring of records that keeps going
 * when its reader is slow and says how many samples it dropped.
 *
 * A context created with this format has a buffer of three parts, each
 * starting on a page: the header (page 0, written by the kernel only), the
 * control page (page 1: the reader's position, the only word the kernel
 * reads from user space) and the records (from page 2, data_size bytes,
 * any number of pages). Map the header and records read-only at offset 0,
 * and the control page alone, shared and writable, at offset ctl_offset.
 * Documentation/ABI/testing/dev-perfmon describes the protocol.
 */
#ifndef _UAPI_PERFMON_PERFMON_VPMC_RING_H
#define _UAPI_PERFMON_PERFMON_VPMC_RING_H

#include <linux/types.h>

#define VPMC_RING_NAME		"vpmc-ring"
#define VPMC_RING_VERSION	((1U << 16) | 0U)	/* 1.0 */

/* vpmc_ring_arg.flags: overwrite the oldest records, never drop (no reader). */
#define VPMC_RING_OVERWRITE	0x1U

/* The argument of pfm_create_context() (64 bytes). */
struct vpmc_ring_arg {
	__u64 data_size;	/* bytes of records, rounded up to pages */
	__u64 watermark;	/* unread bytes that wake the reader; 0: half */
	__u32 flags;		/* VPMC_RING_* */
	__u32 reserved1;	/* 0 */
	__u64 reserved[5];	/* 0 */
};

/* Page 0 (128 bytes used): the kernel writes it, user space reads it. */
struct vpmc_ring_hdr {
	__u32 version;		/* VPMC_RING_VERSION */
	__u32 flags;		/* vpmc_ring_arg.flags */
	__u64 data_offset;	/* where the records start: 2 pages */
	__u64 data_size;	/* bytes of records: positions wrap at it */
	__u64 ctl_offset;	/* where the control page is: 1 page */
	__u64 watermark;	/* the watermark, in bytes */
	__u64 data_head;	/* bytes ever written: records below are whole */
	__u64 data_oldest;	/* the oldest record still in the ring */
	__u64 samples;		/* sample records written */
	__u64 lost;		/* samples dropped because the ring was full */
	__u64 lost_pending;	/* of those, not yet told by a lost record */
	__u64 overwritten;	/* sample records overwritten (VPMC_RING_OVERWRITE) */
	__u64 bad_tail;		/* data_tail values refused (kept the last one) */
	__u64 wakeups;		/* watermark wakeups */
	__u64 tail_seen;	/* the data_tail the kernel last took */
	__u64 wake_tail;	/* data_tail at the last wakeup */
	__u64 reserved;
};

/* Page 1: the reader's. */
struct vpmc_ring_ctl {
	__u64 data_tail;	/* bytes the reader consumed: it writes, the kernel reads */
};

/* Record types. */
#define VPMC_RING_REC_SAMPLE	1	/* struct vpmc_ring_sample */
#define VPMC_RING_REC_LOST	2	/* struct vpmc_ring_lost */
#define VPMC_RING_REC_PAD	3	/* nothing: skip to the ring's end */

/*
 * Every record starts with this, 8-byte aligned, at data_offset +
 * position % data_size, and never runs past the ring's end: one that would
 * is preceded by a PAD record to the end, and starts at 0.
 */
struct vpmc_ring_rec {
	__u16 type;		/* VPMC_RING_REC_* */
	__u16 size;		/* bytes, this header included, a multiple of 8 */
	__u32 reserved;
};

/* vpmc_ring_sample.flags: ip is a user-mode address. */
#define VPMC_RING_SAMPLE_USER	0x1

/* One 64-bit overflow (56 bytes), then nr_pmds values. */
struct vpmc_ring_sample {
	struct vpmc_ring_rec rec;
	__u64 ip;		/* the interrupted instruction */
	__u64 tstamp;		/* the kernel's clock at the interrupt, ns */
	__u64 last_reset;	/* the PMD's value at its last reload */
	__u32 pid;		/* thread id of the interrupted task */
	__u32 tgid;		/* its process id */
	__u16 ovfl_pmd;		/* the PMD that overflowed */
	__u16 set;		/* the active set */
	__u16 cpu;		/* the CPU */
	__u16 flags;		/* VPMC_RING_SAMPLE_* */
	__u16 nr_pmds;		/* values that follow */
	__u16 reserved[3];
	__u64 pmds[];		/* reg_smpl_pmds, in increasing index order */
};

/* Samples dropped since the last lost record (16 bytes). */
struct vpmc_ring_lost {
	struct vpmc_ring_rec rec;
	__u64 lost;
};

#endif /* _UAPI_PERFMON_PERFMON_VPMC_RING_H */
