/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/*
 * /dev/perfmon: how libperfmon carries the 12 perfmon2 calls to
 * vpmc_perfmon.ko. A module cannot add system calls, so each call is an
 * ioctl: pfm_create_context() on an open /dev/perfmon returns the new
 * context's file descriptor; the other 11 are ioctls on that descriptor.
 * Documentation/ABI/testing/dev-perfmon is the contract.
 *
 * Pointers travel as __u64 so 32- and 64-bit callers share one layout.
 */
#ifndef _UAPI_PERFMON_PERFMON_DEV_H
#define _UAPI_PERFMON_PERFMON_DEV_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define PFM_DEV_PATH		"/dev/perfmon"

/* At most this many entries per vector (E2BIG beyond). */
#define PFM_DEV_MAX_COUNT	320

/**
 * struct pfm_dev_create - arguments of pfm_create_context()
 * @ctx: pfarg_ctx_t *
 * @smpl_name: const char *, NUL-terminated, or 0 for no sampling format
 * @smpl_arg: the format's argument, or 0
 * @smpl_size: its size in bytes
 */
struct pfm_dev_create {
	__u64 ctx;
	__u64 smpl_name;
	__u64 smpl_arg;
	__u64 smpl_size;
};

/**
 * struct pfm_dev_vec - a vector of perfmon2 structures, or one of them
 * @ptr: the first element (0 only where the call allows NULL)
 * @count: number of elements
 * @reserved: must be zero
 */
struct pfm_dev_vec {
	__u64 ptr;
	__s32 count;
	__u32 reserved;
};

#define PFM_DEV_MAGIC		0xF5

#define PFM_IOC_CREATE_CONTEXT	_IOW(PFM_DEV_MAGIC, 0, struct pfm_dev_create)
#define PFM_IOC_WRITE_PMCS	_IOW(PFM_DEV_MAGIC, 1, struct pfm_dev_vec)
#define PFM_IOC_WRITE_PMDS	_IOW(PFM_DEV_MAGIC, 2, struct pfm_dev_vec)
#define PFM_IOC_READ_PMDS	_IOW(PFM_DEV_MAGIC, 3, struct pfm_dev_vec)
#define PFM_IOC_LOAD_CONTEXT	_IOW(PFM_DEV_MAGIC, 4, struct pfm_dev_vec)
#define PFM_IOC_START		_IOW(PFM_DEV_MAGIC, 5, struct pfm_dev_vec)
#define PFM_IOC_STOP		_IO(PFM_DEV_MAGIC, 6)
#define PFM_IOC_RESTART		_IO(PFM_DEV_MAGIC, 7)
#define PFM_IOC_CREATE_EVTSETS	_IOW(PFM_DEV_MAGIC, 8, struct pfm_dev_vec)
#define PFM_IOC_GETINFO_EVTSETS	_IOW(PFM_DEV_MAGIC, 9, struct pfm_dev_vec)
#define PFM_IOC_DELETE_EVTSETS	_IOW(PFM_DEV_MAGIC, 10, struct pfm_dev_vec)
#define PFM_IOC_UNLOAD_CONTEXT	_IO(PFM_DEV_MAGIC, 11)

#endif /* _UAPI_PERFMON_PERFMON_DEV_H */
