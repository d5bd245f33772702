// SPDX-License-Identifier: GPL-2.0-only
/*
 * vpmc_perfmon: /dev/perfmon, the perfmon2 v2.82 calls for programs linked
 * with libperfmon (tools/lib/perfmon). A client of vpmc's public API only.
 *
 * /dev/perfmon takes one ioctl, PFM_IOC_CREATE_CONTEXT, and returns a
 * context file descriptor; ctx.c serves the other calls on it.
 *
 * Security. A context's privilege is fixed when it is created, from the
 * creator's credentials (kept in the context): handing the descriptor to
 * another process grants nothing. With paranoid at its default, 2 (perf's
 * perf_event_paranoid=2), a user without CAP_PERFMON (or CAP_SYS_ADMIN)
 * may monitor only threads it may ptrace, only in user mode. 1 also allows
 * kernel mode, 0 and -1 also system-wide contexts. Other users' threads
 * always need ptrace permission.
 */
#define pr_fmt(fmt) "vpmc_perfmon: " fmt

#include <linux/capability.h>
#include <linux/error-injection.h>
#include <linux/kernel.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include "pfm.h"

unsigned int pfm_nr;

int pfm_paranoid = 2;

static int paranoid_set(const char *val, const struct kernel_param *kp)
{
	int v, ret;

	ret = kstrtoint(val, 0, &v);
	if (ret)
		return ret;
	if (v < -1 || v > 2)
		return -EINVAL;
	WRITE_ONCE(pfm_paranoid, v);
	return 0;
}

static const struct kernel_param_ops paranoid_ops = {
	.set = paranoid_set,
	.get = param_get_int,
};
module_param_cb(paranoid, &paranoid_ops, &pfm_paranoid, 0644);
MODULE_PARM_DESC(paranoid, "what users without CAP_PERFMON may do: 2 own threads, user mode (default); 1 also kernel mode; 0/-1 also system-wide");

/* A vector's length in bytes, or its errno for a bad @count. */
static long pfm_vec_len(int count, size_t size)
{
	if (count <= 0)
		return -EINVAL;
	if (count > PFM_DEV_MAX_COUNT)
		return -E2BIG;
	return (long)count * size;
}

void *pfm_copy_vec(void __user *uptr, int count, size_t size)
{
	long len = pfm_vec_len(count, size);

	return len < 0 ? ERR_PTR(len) : vmemdup_user(uptr, len);
}

/* A fault-injection site (Documentation/testing.rst). */
ALLOW_ERROR_INJECTION(pfm_copy_vec, ERRNO);

/**
 * pfm_put_vec() - copy a call's results out, or nothing
 * @uptr: the caller's vector
 * @out: the results, @len bytes
 * @orig: what @uptr held, @len bytes
 * @len: bytes
 *
 * copy_to_user() stops at the first page it cannot write; what it wrote
 * before is put back from @orig, so a failed call leaves @uptr as it was
 * (unless another thread unmaps it meanwhile).
 *
 * Context: process context.
 * Return: 0, or -EFAULT.
 */
int pfm_put_vec(void __user *uptr, const void *out, const void *orig, size_t len)
{
	unsigned long left = copy_to_user(uptr, out, len);

	if (!left)
		return 0;
	if (copy_to_user(uptr, orig, len - left))
		pr_debug("a vector could not be put back\n");
	return -EFAULT;
}

/**
 * pfm_ctx_buf() - room for a call's @count entries of @size bytes
 * @ctx: the context, its mutex held
 * @count: entries, as the call gave it
 * @size: bytes per entry
 *
 * Up to PFM_VEC_KEEP bytes come from a buffer the context keeps, so the
 * calls a tool makes in a loop (pfm_read_pmds()) allocate nothing; more
 * are allocated for the call. Give it back with pfm_ctx_vec_done().
 *
 * Context: process context, ctx->mutex held.
 * Return: the buffer; ERR_PTR -EINVAL for a count <= 0, -E2BIG, -ENOMEM.
 */
void *pfm_ctx_buf(struct pfm_ctx *ctx, int count, size_t size)
{
	long len = pfm_vec_len(count, size);
	void *buf;

	lockdep_assert_held(&ctx->mutex);
	if (len < 0)
		return ERR_PTR(len);
	if (len > PFM_VEC_KEEP) {
		buf = kvmalloc(len, GFP_KERNEL_ACCOUNT);
		return buf ?: ERR_PTR(-ENOMEM);
	}
	if (!ctx->vec) {
		ctx->vec = kmalloc(PFM_VEC_KEEP, GFP_KERNEL_ACCOUNT);
		if (!ctx->vec)
			return ERR_PTR(-ENOMEM);
	}
	return ctx->vec;
}

/* A fault-injection site (Documentation/testing.rst). */
ALLOW_ERROR_INJECTION(pfm_ctx_buf, ERRNO);

/**
 * pfm_ctx_vec() - pfm_copy_vec() into pfm_ctx_buf()
 * @ctx: the context, its mutex held
 * @uptr: the vector
 * @count: entries
 * @size: bytes per entry
 *
 * Give it back with pfm_ctx_vec_done().
 *
 * Context: process context, ctx->mutex held.
 * Return: the copy; ERR_PTR -EINVAL for a count <= 0, -E2BIG, -ENOMEM, -EFAULT.
 */
void *pfm_ctx_vec(struct pfm_ctx *ctx, void __user *uptr, int count, size_t size)
{
	void *vec = pfm_ctx_buf(ctx, count, size);

	if (IS_ERR(vec))
		return vec;
	if (copy_from_user(vec, uptr, (size_t)count * size)) {
		pfm_ctx_vec_done(ctx, vec);
		return ERR_PTR(-EFAULT);
	}
	return vec;
}

/**
 * pfm_ctx_vec_done() - the call is done with what pfm_ctx_vec() gave
 * @ctx: the context
 * @vec: pfm_ctx_vec()'s result (not an error)
 *
 * Context: process context, ctx->mutex held.
 */
void pfm_ctx_vec_done(struct pfm_ctx *ctx, void *vec)
{
	if (vec != ctx->vec)
		kvfree(vec);
}

static long pfm_dev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	if (cmd != PFM_IOC_CREATE_CONTEXT)
		return -ENOTTY;
	return pfm_create_context((const struct pfm_dev_create __user *)arg);
}

static const struct file_operations pfm_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = pfm_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

static struct miscdevice pfm_dev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "perfmon",
	.fops = &pfm_dev_fops,
	/* Anyone may create a context; what it may do is checked in it. */
	.mode = 0666,
};

/*
 * Set switches: unbound, so the worker runs where the scheduler finds
 * room, not on the CPU of the timer that queued it, which may be the
 * monitored thread's: preempting that thread at every switch would cost
 * it a context switch its counts cannot see (sets.c). High priority, so
 * a busy CPU delays the switch less.
 */
struct workqueue_struct *pfm_wq;

static int __init pfm_init(void)
{
	int ret;

	pfm_nr = min_t(unsigned int, vpmc_num_counters(), PFM_NR);
	pfm_regs_init();
	pfm_wq = alloc_workqueue("vpmc_perfmon", WQ_UNBOUND | WQ_HIGHPRI, 0);
	if (!pfm_wq)
		return -ENOMEM;
	ret = pfm_sysfs_init();
	if (ret)
		goto out_wq;
	ret = pfm_smpl_init(pfm_sysfs_kobj());
	if (ret)
		goto out_sysfs;
	ret = misc_register(&pfm_dev);
	if (ret)
		goto out_smpl;
	pr_info("perfmon2 v%u.%u interface on vpmc (%s), %u PMC/PMD pairs\n",
		PFM_VERSION_MAJ, PFM_VERSION_MIN, vpmc_backend_name(), pfm_nr);
	return 0;

out_smpl:
	pfm_smpl_exit();
out_sysfs:
	pfm_sysfs_exit();
out_wq:
	destroy_workqueue(pfm_wq);
	return ret;
}

static void __exit pfm_exit(void)
{
	misc_deregister(&pfm_dev);
	pfm_smpl_exit();
	pfm_sysfs_exit();
	/*
	 * No context is left, and each cancelled its switch work; draining
	 * frees the buffers whose last mapping went.
	 */
	destroy_workqueue(pfm_wq);
}

module_init(pfm_init);
module_exit(pfm_exit);
MODULE_DESCRIPTION("perfmon2-compatible /dev/perfmon on vpmc");
MODULE_LICENSE("GPL");
