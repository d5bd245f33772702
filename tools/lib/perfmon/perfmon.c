// SPDX-License-Identifier: LGPL-2.1-only
/*
 * libperfmon: the 12 perfmon2 v2.82 calls, carried to vpmc_perfmon.ko by
 * ioctls on /dev/perfmon and on context file descriptors
 * (<perfmon/perfmon_dev.h>). Return values and errno are perfmon2's:
 * a file descriptor or 0, else -1 with errno set.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <perfmon/perfmon.h>
#include <perfmon/perfmon_dev.h>

#define PFM_EXPORT __attribute__((visibility("default")))

static uint64_t ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* A context call. A descriptor that is not a context is EBADF, as in perfmon2. */
static int ctx_ioctl(int fd, unsigned long cmd, const void *p, int count)
{
	struct pfm_dev_vec vec = { .ptr = ptr(p), .count = count };
	int ret;

	ret = ioctl(fd, cmd, &vec);
	if (ret < 0 && errno == ENOTTY)
		errno = EBADF;
	return ret < 0 ? -1 : 0;
}

PFM_EXPORT int pfm_create_context(pfarg_ctx_t *ctx, char *smpl_name,
				  void *smpl_arg, size_t smpl_size)
{
	struct pfm_dev_create arg = {
		.ctx = ptr(ctx),
		.smpl_name = ptr(smpl_name),
		.smpl_arg = ptr(smpl_arg),
		.smpl_size = smpl_size,
	};
	int dev, fd, err;

	/* Without vpmc_perfmon loaded: ENOENT. */
	dev = open(PFM_DEV_PATH, O_RDONLY | O_CLOEXEC);
	if (dev < 0)
		return -1;
	fd = ioctl(dev, PFM_IOC_CREATE_CONTEXT, &arg);
	err = errno;
	close(dev);
	errno = err;
	return fd < 0 ? -1 : fd;
}

PFM_EXPORT int pfm_write_pmcs(int fd, pfarg_pmc_t *pmcs, int count)
{
	return ctx_ioctl(fd, PFM_IOC_WRITE_PMCS, pmcs, count);
}

PFM_EXPORT int pfm_write_pmds(int fd, pfarg_pmd_t *pmds, int count)
{
	return ctx_ioctl(fd, PFM_IOC_WRITE_PMDS, pmds, count);
}

PFM_EXPORT int pfm_read_pmds(int fd, pfarg_pmd_t *pmds, int count)
{
	return ctx_ioctl(fd, PFM_IOC_READ_PMDS, pmds, count);
}

PFM_EXPORT int pfm_load_context(int fd, pfarg_load_t *load)
{
	return ctx_ioctl(fd, PFM_IOC_LOAD_CONTEXT, load, 1);
}

PFM_EXPORT int pfm_start(int fd, pfarg_start_t *start)
{
	return ctx_ioctl(fd, PFM_IOC_START, start, start ? 1 : 0);
}

PFM_EXPORT int pfm_stop(int fd)
{
	return ctx_ioctl(fd, PFM_IOC_STOP, NULL, 0);
}

PFM_EXPORT int pfm_restart(int fd)
{
	return ctx_ioctl(fd, PFM_IOC_RESTART, NULL, 0);
}

PFM_EXPORT int pfm_create_evtsets(int fd, pfarg_setdesc_t *setd, int count)
{
	return ctx_ioctl(fd, PFM_IOC_CREATE_EVTSETS, setd, count);
}

PFM_EXPORT int pfm_getinfo_evtsets(int fd, pfarg_setinfo_t *info, int count)
{
	return ctx_ioctl(fd, PFM_IOC_GETINFO_EVTSETS, info, count);
}

PFM_EXPORT int pfm_delete_evtsets(int fd, pfarg_setdesc_t *setd, int count)
{
	return ctx_ioctl(fd, PFM_IOC_DELETE_EVTSETS, setd, count);
}

PFM_EXPORT int pfm_unload_context(int fd)
{
	return ctx_ioctl(fd, PFM_IOC_UNLOAD_CONTEXT, NULL, 0);
}
