// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sampling buffers and the sampling-format registry (perfmon2 v2.82's
 * perfmon_smpl.c, perfmon_fmt.c and the buffer half of perfmon_file.c).
 *
 * A context created with a format's name owns one buffer: zeroed pages
 * charged to the creator (memcg, RLIMIT_MEMLOCK through locked_vm, and
 * smpl_buffer_mem_max for all buffers), mapped contiguously in the kernel
 * for the format's handler and read-only into user space by mmap() on the
 * context's fd. The buffer is freed when the last of the context and its
 * mappings goes (a kref: the context holds one, each mapping one), from
 * pfm_wq: the last may be a munmap(), which holds the mmap_lock that
 * uncharging locked_vm takes (perfmon2's mmap_nlock problem).
 *
 * Formats register by name (pfm_fmt_register(), include/perfmon/
 * perfmon_fmt.h); a context pins its format's module; each is listed in
 * /sys/kernel/perfmon/formats/<name>/version.
 *
 * Locking: pfm_fmt_mutex guards the list and sysfs; the buffer's pages are
 * written by the format only, under the context's lock (the handler in the
 * overflow interrupt, restart in process context).
 */
#define pr_fmt(fmt) "vpmc_perfmon: " fmt

#include <linux/error-injection.h>
#include <linux/kref.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>
#include <perfmon/perfmon_fmt.h>

#include "pfm.h"

static unsigned long smpl_buffer_mem_max = 64UL << 20;
module_param(smpl_buffer_mem_max, ulong, 0644);
MODULE_PARM_DESC(smpl_buffer_mem_max, "bytes all sampling buffers may take together (default 64 MiB)");

/* Bytes of all live buffers, against smpl_buffer_mem_max. */
static atomic_long_t smpl_mem_used = ATOMIC_LONG_INIT(0);

static LIST_HEAD(pfm_fmts);
static DEFINE_MUTEX(pfm_fmt_mutex);
static struct kobject *pfm_fmt_kobj;

/**
 * struct pfm_smpl_buf - one sampling buffer
 * @ref: the context holds one, each mapping one
 * @pages: its pages
 * @nr: how many
 * @addr: their kernel mapping, contiguous
 * @size: bytes the format asked for (@nr pages hold them)
 * @mm: whose locked_vm it is charged to (mmgrab()ed), or NULL
 * @free_work: frees it once the last reference is gone
 */
struct pfm_smpl_buf {
	struct kref ref;
	struct page **pages;
	unsigned int nr;
	void *addr;
	size_t size;
	struct mm_struct *mm;
	struct work_struct free_work;
};

/**
 * struct pfm_smpl - a context's sampling state
 * @fmt: its format, whose module it pins
 * @buf: its buffer
 * @arg: the overflow being recorded (under the context's lock)
 */
struct pfm_smpl {
	const struct pfm_smpl_fmt *fmt;
	struct pfm_smpl_buf *buf;
	struct pfm_ovfl_arg arg;
};

/* === Formats === */

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr,
			    char *buf)
{
	struct pfm_smpl_fmt *fmt = container_of(kobj, struct pfm_smpl_fmt, kobj);

	return sysfs_emit(buf, "%u.%u\n", fmt->fmt_version >> 16,
			  fmt->fmt_version & 0xffff);
}

static struct kobj_attribute pfm_fmt_version = __ATTR_RO(version);

static struct attribute *pfm_fmt_attrs[] = {
	&pfm_fmt_version.attr,
	NULL,
};
ATTRIBUTE_GROUPS(pfm_fmt);

/* The format is its module's: nothing to free. */
static void pfm_fmt_release(struct kobject *kobj)
{
}

static struct kobj_type pfm_fmt_ktype = {
	.release = pfm_fmt_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = pfm_fmt_groups,
};

static struct pfm_smpl_fmt *pfm_fmt_find(const char *name)
{
	struct pfm_smpl_fmt *fmt;

	lockdep_assert_held(&pfm_fmt_mutex);
	list_for_each_entry(fmt, &pfm_fmts, node)
		if (!strcmp(fmt->fmt_name, name))
			return fmt;
	return NULL;
}

/**
 * pfm_fmt_register() - offer a sampling format to pfm_create_context()
 * @fmt: the format, with @fmt_name, @fmt_getsize, @fmt_handler and @owner
 *
 * Context: process context, may sleep.
 * Return: 0; -EINVAL if a required member is missing, the name is empty
 * or too long, or the argument is larger than a page; -EBUSY if a format
 * of that name is registered; -ENODEV before vpmc_perfmon.ko is up; or
 * the error of making its sysfs directory.
 */
int pfm_fmt_register(struct pfm_smpl_fmt *fmt)
{
	int ret;

	if (!fmt->fmt_name || !*fmt->fmt_name ||
	    strlen(fmt->fmt_name) >= PFM_FMT_NAME_LEN || !fmt->fmt_getsize ||
	    !fmt->fmt_handler || !fmt->owner || fmt->fmt_arg_size > PAGE_SIZE)
		return -EINVAL;
	mutex_lock(&pfm_fmt_mutex);
	ret = -ENODEV;
	if (!pfm_fmt_kobj)
		goto out;
	ret = -EBUSY;
	if (pfm_fmt_find(fmt->fmt_name))
		goto out;
	memset(&fmt->kobj, 0, sizeof(fmt->kobj));
	ret = kobject_init_and_add(&fmt->kobj, &pfm_fmt_ktype, pfm_fmt_kobj,
				   "%s", fmt->fmt_name);
	if (ret) {
		kobject_put(&fmt->kobj);
		goto out;
	}
	list_add_tail(&fmt->node, &pfm_fmts);
out:
	mutex_unlock(&pfm_fmt_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(pfm_fmt_register);

/**
 * pfm_fmt_unregister() - withdraw a format
 * @fmt: a registered format
 *
 * Contexts using it hold its module, so its module's exit cannot come
 * while one does.
 *
 * Context: process context, may sleep.
 * Return: 0, or -ENOENT if @fmt is not registered.
 */
int pfm_fmt_unregister(struct pfm_smpl_fmt *fmt)
{
	int ret = -ENOENT;

	mutex_lock(&pfm_fmt_mutex);
	if (pfm_fmt_find(fmt->fmt_name) == fmt) {
		list_del(&fmt->node);
		kobject_put(&fmt->kobj);
		ret = 0;
	}
	mutex_unlock(&pfm_fmt_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(pfm_fmt_unregister);

/* The format named @name, its module held; NULL if none is registered. */
static const struct pfm_smpl_fmt *pfm_fmt_get(const char *name)
{
	struct pfm_smpl_fmt *fmt;

	mutex_lock(&pfm_fmt_mutex);
	fmt = pfm_fmt_find(name);
	if (fmt && !try_module_get(fmt->owner))
		fmt = NULL;
	mutex_unlock(&pfm_fmt_mutex);
	return fmt;
}

/* === Buffers === */

/* Process context, no mmap_lock held. */
static void pfm_smpl_uncharge(struct pfm_smpl_buf *buf)
{
	struct mm_struct *mm = buf->mm;

	if (mm) {
		/* An address space already torn down has no locked_vm left. */
		if (mmget_not_zero(mm)) {
			account_locked_vm(mm, buf->nr, false);
			mmput(mm);
		}
		mmdrop(mm);
	}
	atomic_long_sub((long)buf->nr << PAGE_SHIFT, &smpl_mem_used);
}

/* Charge @nr pages to the caller: every buffer's cap, then its locked_vm. */
static int pfm_smpl_charge(struct pfm_smpl_buf *buf, unsigned int nr)
{
	long bytes = (long)nr << PAGE_SHIFT;
	int ret;

	/* The parameter's sysfs store writes it any time. */
	if (atomic_long_add_return(bytes, &smpl_mem_used) >
	    READ_ONCE(smpl_buffer_mem_max)) {
		atomic_long_sub(bytes, &smpl_mem_used);
		return -ENOMEM;
	}
	buf->nr = nr;
	if (!current->mm)
		return 0;
	ret = account_locked_vm(current->mm, nr, true);
	if (ret) {
		atomic_long_sub(bytes, &smpl_mem_used);
		return ret;
	}
	mmgrab(current->mm);
	buf->mm = current->mm;
	return 0;
}

static void pfm_smpl_buf_free_fn(struct work_struct *work)
{
	struct pfm_smpl_buf *buf = container_of(work, struct pfm_smpl_buf,
						free_work);
	unsigned int i;

	vunmap(buf->addr);
	for (i = 0; i < buf->nr; i++)
		__free_page(buf->pages[i]);
	pfm_smpl_uncharge(buf);
	kvfree(buf->pages);
	kfree(buf);
}

/* The last reference, dropped where no mmap_lock is held. */
static void pfm_smpl_buf_free(struct kref *ref)
{
	struct pfm_smpl_buf *buf = container_of(ref, struct pfm_smpl_buf, ref);

	pfm_smpl_buf_free_fn(&buf->free_work);
}

/* The last reference, dropped by munmap(): freed from pfm_wq. */
static void pfm_smpl_buf_free_later(struct kref *ref)
{
	struct pfm_smpl_buf *buf = container_of(ref, struct pfm_smpl_buf, ref);

	queue_work(pfm_wq, &buf->free_work);
}

/* A fault-injection site (Documentation/testing.rst): it only allocates. */
static noinline struct pfm_smpl_buf *pfm_smpl_buf_alloc(unsigned int nr)
{
	struct pfm_smpl_buf *buf = kzalloc(sizeof(*buf), GFP_KERNEL_ACCOUNT);

	if (!buf)
		return NULL;
	buf->pages = kvcalloc(nr, sizeof(*buf->pages), GFP_KERNEL_ACCOUNT);
	if (!buf->pages) {
		kfree(buf);
		return NULL;
	}
	return buf;
}

ALLOW_ERROR_INJECTION(pfm_smpl_buf_alloc, NULL);

/* A zeroed buffer of @size bytes, charged to the caller. */
static struct pfm_smpl_buf *pfm_smpl_buf_new(size_t size)
{
	unsigned int i, nr;
	struct pfm_smpl_buf *buf;
	int ret;

	if (!size || size > READ_ONCE(smpl_buffer_mem_max))
		return ERR_PTR(-ENOMEM);
	nr = PAGE_ALIGN(size) >> PAGE_SHIFT;
	buf = pfm_smpl_buf_alloc(nr);
	if (!buf)
		return ERR_PTR(-ENOMEM);
	kref_init(&buf->ref);
	INIT_WORK(&buf->free_work, pfm_smpl_buf_free_fn);
	buf->size = size;
	ret = pfm_smpl_charge(buf, nr);
	if (ret) {
		kvfree(buf->pages);
		kfree(buf);
		return ERR_PTR(ret);
	}
	for (i = 0; i < nr; i++) {
		buf->pages[i] = alloc_page(GFP_KERNEL_ACCOUNT | __GFP_ZERO);
		if (!buf->pages[i])
			goto fail;
	}
	buf->addr = vmap(buf->pages, nr, VM_MAP, PAGE_KERNEL);
	if (buf->addr)
		return buf;
fail:
	while (i--)
		__free_page(buf->pages[i]);
	pfm_smpl_uncharge(buf);
	kvfree(buf->pages);
	kfree(buf);
	return ERR_PTR(-ENOMEM);
}

/* === A context's sampling === */

/**
 * pfm_smpl_create() - give a new context the format and buffer it asks for
 * @ctx: the context, not yet visible to anyone
 * @arg: pfm_create_context()'s arguments, smpl_name set
 *
 * Context: process context, may sleep.
 * Return: 0 (ctx->smpl set); -EFAULT for a bad pointer; -EINVAL for an
 * unknown format, an argument of another size than the format's, or one
 * the format refuses; -ENOMEM for a buffer above the caller's
 * RLIMIT_MEMLOCK or smpl_buffer_mem_max, or no memory. Nothing is left
 * allocated or charged on failure.
 */
int pfm_smpl_create(struct pfm_ctx *ctx, const struct pfm_dev_create *arg)
{
	const struct pfm_smpl_fmt *fmt;
	char name[PFM_FMT_NAME_LEN];
	struct pfm_smpl_buf *buf;
	struct pfm_smpl *smpl;
	void *farg = NULL;
	size_t size = 0;
	long len;
	int ret;

	len = strncpy_from_user(name, u64_to_user_ptr(arg->smpl_name),
				sizeof(name));
	if (len < 0)
		return -EFAULT;
	if (len == sizeof(name))
		return -EINVAL;		/* no NUL: too long for any format */
	fmt = pfm_fmt_get(name);
	if (!fmt)
		return -EINVAL;
	ret = -EINVAL;
	if (arg->smpl_size != fmt->fmt_arg_size ||
	    (fmt->fmt_arg_size && !arg->smpl_arg))
		goto put_fmt;
	if (fmt->fmt_arg_size) {
		farg = memdup_user(u64_to_user_ptr(arg->smpl_arg),
				   fmt->fmt_arg_size);
		if (IS_ERR(farg)) {
			ret = PTR_ERR(farg);
			farg = NULL;
			goto put_fmt;
		}
	}
	if (fmt->fmt_validate) {
		ret = fmt->fmt_validate(ctx->flags, pfm_nr, farg);
		if (ret)
			goto free_arg;
	}
	ret = fmt->fmt_getsize(ctx->flags, farg, &size);
	if (ret)
		goto free_arg;
	buf = pfm_smpl_buf_new(size);
	if (IS_ERR(buf)) {
		ret = PTR_ERR(buf);
		goto free_arg;
	}
	ret = -ENOMEM;
	smpl = kzalloc(sizeof(*smpl), GFP_KERNEL_ACCOUNT);
	if (!smpl)
		goto put_buf;
	if (fmt->fmt_init) {
		ret = fmt->fmt_init(buf->addr, ctx->flags, pfm_nr, farg);
		if (ret)
			goto free_smpl;
	}
	kfree(farg);
	smpl->fmt = fmt;
	smpl->buf = buf;
	ctx->smpl = smpl;
	return 0;

free_smpl:
	kfree(smpl);
put_buf:
	kref_put(&buf->ref, pfm_smpl_buf_free);
free_arg:
	kfree(farg);
put_fmt:
	module_put(fmt->owner);
	return ret;
}

/**
 * pfm_smpl_free() - a context's sampling goes with it
 * @ctx: the context, unloaded, no callback left
 *
 * Context: process context.
 */
void pfm_smpl_free(struct pfm_ctx *ctx)
{
	struct pfm_smpl *smpl = ctx->smpl;

	if (!smpl)
		return;
	if (smpl->fmt->fmt_exit)
		smpl->fmt->fmt_exit(smpl->buf->addr);
	kref_put(&smpl->buf->ref, pfm_smpl_buf_free);
	module_put(smpl->fmt->owner);
	kfree(smpl);
	ctx->smpl = NULL;
}

static void pfm_smpl_vm_open(struct vm_area_struct *vma)
{
	struct pfm_smpl_buf *buf = vma->vm_private_data;

	kref_get(&buf->ref);
}

static void pfm_smpl_vm_close(struct vm_area_struct *vma)
{
	struct pfm_smpl_buf *buf = vma->vm_private_data;

	kref_put(&buf->ref, pfm_smpl_buf_free_later);
}

static const struct vm_operations_struct pfm_smpl_vm_ops = {
	.open = pfm_smpl_vm_open,
	.close = pfm_smpl_vm_close,
};

/*
 * A mapping of the format's control page alone, at its offset: the one
 * that may be writable, and then only shared (a private one would write
 * to copies the format never sees).
 */
static bool pfm_smpl_is_ctl(const struct pfm_smpl *smpl,
			    struct vm_area_struct *vma)
{
	unsigned int ctl = smpl->fmt->fmt_ctl_page;

	return ctl && ctl < smpl->buf->nr && vma->vm_pgoff == ctl &&
	       vma_pages(vma) == 1;
}

/**
 * pfm_smpl_mmap() - map a context's buffer into user space
 * @ctx: the context
 * @vma: the mapping: at offset 0, at most the buffer's pages long, and
 *	read-only; or the format's control page alone, shared if writable
 *
 * Context: mmap(), mmap_lock held for writing.
 * Return: 0; -EINVAL for a context without a buffer, a writable mapping
 * other than a shared one of the control page, another offset, or more
 * than the buffer; or vm_insert_page()'s error.
 */
int pfm_smpl_mmap(struct pfm_ctx *ctx, struct vm_area_struct *vma)
{
	unsigned long i, n = vma_pages(vma);
	struct pfm_smpl_buf *buf;
	bool ctl;
	int ret;

	if (!ctx->smpl)
		return -EINVAL;
	buf = ctx->smpl->buf;
	ctl = pfm_smpl_is_ctl(ctx->smpl, vma);
	if (!ctl && (vma->vm_flags & VM_WRITE || vma->vm_pgoff || n > buf->nr))
		return -EINVAL;
	if (ctl && vma->vm_flags & VM_WRITE && !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	/* Never writable, not even by mprotect(), but a shared control page. */
	if (!ctl || !(vma->vm_flags & VM_SHARED))
		vma->vm_flags &= ~VM_MAYWRITE;
	vma->vm_flags |= VM_DONTEXPAND | VM_DONTDUMP;
	for (i = 0; i < n; i++) {
		ret = vm_insert_page(vma, vma->vm_start + i * PAGE_SIZE,
				     buf->pages[vma->vm_pgoff + i]);
		if (ret)
			return ret;
	}
	vma->vm_ops = &pfm_smpl_vm_ops;
	vma->vm_private_data = buf;
	kref_get(&buf->ref);
	return 0;
}

/**
 * pfm_smpl_record() - hand a 64-bit overflow to the context's format
 * @ctx: the context, with a format
 * @set: the active set
 * @pmd: the PMD that overflowed
 * @value: its value now (just past the wrap)
 * @sample: where the overflow interrupted
 *
 * Context: the overflow callback, ctx->lock held.
 * Return: the format's PFM_OVFL_CTRL_* bits.
 */
u32 pfm_smpl_record(struct pfm_ctx *ctx, struct pfm_set *set,
		    struct pfm_pmd *pmd, u64 value,
		    const struct vpmc_sample *sample)
{
	struct pfm_smpl *smpl = ctx->smpl;
	struct pfm_ovfl_arg *arg = &smpl->arg;
	unsigned long pmds = pmd->smpl_pmds;
	unsigned int j, k = 0;

	lockdep_assert_held(&ctx->lock);
	arg->ovfl_pmd = pmd->num;
	arg->active_set = set->id;
	arg->ovfl_ctrl = 0;
	arg->pmd_last_reset = pmd->last_reset;
	arg->pmd_eventid = pmd->eventid;
	arg->ip = sample->ip;
	arg->tstamp = sample->time;
	arg->pid = sample->pid;
	arg->tgid = sample->tgid;
	arg->cpu = sample->cpu;
	arg->user = sample->user;
	for_each_set_bit(j, &pmds, pfm_nr)
		arg->smpl_pmds_values[k++] = &set->pmds[j] == pmd ? value :
					     pfm_pmd_value_local(&set->pmds[j]);
	arg->num_smpl_pmds = k;
	smpl->fmt->fmt_handler(smpl->buf->addr, arg);
	return arg->ovfl_ctrl;
}

/**
 * pfm_smpl_restart() - pfm_restart() of a masked context with a format
 * @ctx: the context
 *
 * Context: process context, ctx->mutex and ctx->lock held.
 * Return: the format's PFM_OVFL_CTRL_* bits (PFM_OVFL_CTRL_RESET without
 * a restart callback).
 */
u32 pfm_smpl_restart(struct pfm_ctx *ctx)
{
	const struct pfm_smpl_fmt *fmt = ctx->smpl->fmt;
	u32 ctrl = PFM_OVFL_CTRL_RESET;

	lockdep_assert_held(&ctx->lock);
	if (fmt->fmt_restart)
		fmt->fmt_restart(true, &ctrl, ctx->smpl->buf->addr);
	return ctrl;
}

/**
 * pfm_smpl_init() - /sys/kernel/perfmon/formats, and the built-in formats
 * @parent: /sys/kernel/perfmon
 *
 * Context: module init.
 * Return: 0 or -errno (nothing left behind).
 */
int pfm_smpl_init(struct kobject *parent)
{
	struct kobject *kobj = kobject_create_and_add("formats", parent);
	int ret;

	if (!kobj)
		return -ENOMEM;
	mutex_lock(&pfm_fmt_mutex);
	pfm_fmt_kobj = kobj;
	mutex_unlock(&pfm_fmt_mutex);
	ret = pfm_dfl_init();
	if (ret)
		pfm_smpl_exit();
	return ret;
}

/**
 * pfm_smpl_exit() - undo pfm_smpl_init()
 *
 * Context: module exit (no context is left), or a failed init.
 */
void pfm_smpl_exit(void)
{
	pfm_dfl_exit();
	mutex_lock(&pfm_fmt_mutex);
	WARN_ON(!list_empty(&pfm_fmts));
	kobject_put(pfm_fmt_kobj);
	pfm_fmt_kobj = NULL;
	mutex_unlock(&pfm_fmt_mutex);
}
