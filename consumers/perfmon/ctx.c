// SPDX-License-Identifier: GPL-2.0-only
/*
 * perfmon contexts: creation, the context file (ioctl, read, poll, SIGIO,
 * close), load/unload, start/stop/restart, notifications.
 *
 * Ioctls on a context fd (Documentation/ABI/testing/dev-perfmon):
 *   PFM_IOC_WRITE_PMCS, PFM_IOC_WRITE_PMDS, PFM_IOC_READ_PMDS,
 *   PFM_IOC_LOAD_CONTEXT, PFM_IOC_START, PFM_IOC_STOP, PFM_IOC_RESTART,
 *   PFM_IOC_CREATE_EVTSETS, PFM_IOC_GETINFO_EVTSETS,
 *   PFM_IOC_DELETE_EVTSETS, PFM_IOC_UNLOAD_CONTEXT.
 *
 * States. UNLOADED -> LOADED on pfm_load_context(); LOADED is MASKED
 * (@masked) from a notifying overflow until pfm_restart(). perfmon2's
 * ZOMBIE (closed while attached to another thread) does not last here:
 * vpmc can detach a virtual PMC from a thread running anywhere, so close()
 * unloads and frees at once.
 */
#define pr_fmt(fmt) "vpmc_perfmon: " fmt

#include <linux/anon_inodes.h>
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/error-injection.h>
#include <linux/file.h>
#include <linux/module.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/ptrace.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/uaccess.h>

#include <perfmon/perfmon_fmt.h>

#include "pfm.h"

/*
 * Threads with a loaded per-thread context: one context per thread
 * (EEXIST). Taken after a context's mutex.
 */
static DEFINE_MUTEX(pfm_tasks_mutex);
static LIST_HEAD(pfm_tasks);

/* === Lifetime === */

static void pfm_ctx_free(struct kref *ref)
{
	struct pfm_ctx *ctx = container_of(ref, struct pfm_ctx, ref);

	pfm_sets_free(ctx);
	pfm_smpl_free(ctx);
	put_cred(ctx->cred);
	kfree(ctx->vec);
	kfree(ctx);
}

/* Any context: the last reference is dropped only after close(). */
void pfm_ctx_put(struct pfm_ctx *ctx)
{
	kref_put(&ctx->ref, pfm_ctx_free);
}

/* === Notifications === */

static void pfm_wake(struct pfm_ctx *ctx)
{
	wake_up_all(&ctx->wait);
	kill_fasync(&ctx->fasync, SIGIO, POLL_IN);
}

/* Caller holds ctx->lock. A full queue drops the message. */
static void pfm_queue_msg(struct pfm_ctx *ctx, const pfarg_msg_t *msg)
{
	lockdep_assert_held(&ctx->lock);
	if (ctx->msg_count == PFM_MSGQ_LEN) {
		ctx->msg_lost++;
		return;
	}
	ctx->msgq[(ctx->msg_head + ctx->msg_count) % PFM_MSGQ_LEN] = *msg;
	/* Pairs with the READ_ONCE()s of pfm_read() and pfm_poll(). */
	WRITE_ONCE(ctx->msg_count, ctx->msg_count + 1);
}

/* task_work of a monitored thread after a PFM_FL_NOTIFY_BLOCK overflow. */
static void pfm_block_fn(struct callback_head *cb)
{
	struct pfm_ctx *ctx = container_of(cb, struct pfm_ctx, block_cb);

	if (!(current->flags & PF_EXITING))
		/* Pairs with the WRITE_ONCE()s of ctx->masked and ->state. */
		wait_event_interruptible(ctx->restart_wait,
					 !READ_ONCE(ctx->masked) ||
					 READ_ONCE(ctx->state) != PFM_CTX_LOADED);
	spin_lock_irq(&ctx->lock);
	ctx->block_queued = false;
	spin_unlock_irq(&ctx->lock);
	pfm_ctx_put(ctx);
	/*
	 * The reference taken with the task_work kept rmmod away; only this
	 * function's return runs after it is dropped.
	 */
	module_put(THIS_MODULE);
}

/**
 * pfm_wake_ovfl() - tell readers that PMD @num of @set overflowed
 * @ctx: the context
 * @set: the active set
 * @num: the PMD
 *
 * Queues a PFM_MSG_OVFL message (unless PFM_FL_OVFL_NO_MSG), wakes
 * readers and sends SIGIO; monitoring goes on.
 *
 * Context: the overflow callback (hard interrupt, the set's CPU); ctx->lock
 * held.
 */
void pfm_wake_ovfl(struct pfm_ctx *ctx, struct pfm_set *set, unsigned int num)
{
	lockdep_assert_held(&ctx->lock);
	if (!(ctx->flags & PFM_FL_OVFL_NO_MSG)) {
		pfarg_msg_t msg = {};

		msg.pfm_ovfl_msg.msg_type = PFM_MSG_OVFL;
		msg.pfm_ovfl_msg.msg_ovfl_pid = task_tgid_nr(current);
		msg.pfm_ovfl_msg.msg_ovfl_tid = task_pid_nr(current);
		msg.pfm_ovfl_msg.msg_active_set = set->id;
		msg.pfm_ovfl_msg.msg_ovfl_cpu = smp_processor_id();
		/* Where the thread was in user space; no sample of the kernel. */
		if (current->mm)
			msg.pfm_ovfl_msg.msg_ovfl_ip =
				instruction_pointer(task_pt_regs(current));
		msg.pfm_ovfl_msg.msg_ovfl_pmds[0] = BIT_ULL(num);
		pfm_queue_msg(ctx, &msg);
	}
	pfm_wake(ctx);
}

/**
 * pfm_notify_ovfl() - a notifying PMD of @set overflowed: mask, tell
 * @ctx: the context
 * @set: the active set
 * @num: the PMD
 *
 * Stops the set's virtual PMCs until pfm_restart(), queues a message
 * (unless PFM_FL_OVFL_NO_MSG), wakes readers, sends SIGIO and, for
 * PFM_FL_NOTIFY_BLOCK, blocks the monitored thread on its way back to user
 * space.
 *
 * Context: the overflow callback (hard interrupt, the set's CPU); ctx->lock
 * held.
 */
void pfm_notify_ovfl(struct pfm_ctx *ctx, struct pfm_set *set, unsigned int num)
{
	lockdep_assert_held(&ctx->lock);
	WRITE_ONCE(ctx->masked, true);
	pfm_set_stop(set);
	pfm_wake_ovfl(ctx, set, num);
	/*
	 * task_work runs on the way back to user space: never for a kernel
	 * thread (refused at load), and the work would hold the context and
	 * this module for good.
	 */
	if ((ctx->flags & PFM_FL_NOTIFY_BLOCK) && ctx->task == current &&
	    !(current->flags & PF_KTHREAD) &&
	    !ctx->block_queued && try_module_get(THIS_MODULE)) {
		kref_get(&ctx->ref);
		init_task_work(&ctx->block_cb, pfm_block_fn);
		if (!task_work_add(current, &ctx->block_cb, TWA_RESUME)) {
			ctx->block_queued = true;
			return;
		}
		pfm_ctx_put(ctx);
		module_put(THIS_MODULE);
	}
}

/*
 * The monitored thread exited: PFM_MSG_END once, unless the thread that
 * loaded the context is the one exiting. True the first time.
 */
static bool pfm_thread_exited(struct pfm_ctx *ctx)
{
	pfarg_msg_t msg = { .type = PFM_MSG_END };

	spin_lock_irq(&ctx->lock);
	if (ctx->exited) {
		spin_unlock_irq(&ctx->lock);
		return false;
	}
	ctx->exited = true;
	if (task_pid_nr(ctx->task) != ctx->loader)
		pfm_queue_msg(ctx, &msg);
	spin_unlock_irq(&ctx->lock);
	pfm_wake(ctx);
	return true;
}

/**
 * pfm_notice() - vpmc's lifetime notice for a PMD's virtual PMC
 * @vpmc: the virtual PMC
 * @notice: what happened
 * @priv: the PMD
 *
 * On the monitored thread's exit: PFM_MSG_END (unless the thread that
 * loaded the context is the one exiting), then unload in a work item
 * (a notice callback may not destroy virtual PMCs). Every PMD's virtual
 * PMC is told; the first one acts. A call on the context may have seen
 * the exit first and unloaded already (pfm_reap()).
 *
 * Context: vpmc's workqueue, process context.
 */
void pfm_notice(struct vpmc *vpmc, enum vpmc_notice notice, void *priv)
{
	struct pfm_pmd *pmd = priv;
	struct pfm_ctx *ctx = pmd->set->ctx;

	if (notice != VPMC_NOTICE_EXIT)
		return;
	if (pfm_thread_exited(ctx))
		schedule_work(&ctx->exit_work);
}

/* === Load and unload === */

static int pfm_unload(struct pfm_ctx *ctx)
{
	struct pfm_set *set;

	lockdep_assert_held(&ctx->mutex);
	if (ctx->state != PFM_CTX_LOADED)
		return -EINVAL;
	if (ctx->started)
		pfm_deactivate(ctx);
	ctx->started = false;
	list_for_each_entry(set, &ctx->sets, node)
		pfm_set_detach(set);
	if (ctx->task) {
		mutex_lock(&pfm_tasks_mutex);
		list_del(&ctx->node);
		mutex_unlock(&pfm_tasks_mutex);
		put_task_struct(ctx->task);
		ctx->task = NULL;
	}
	spin_lock_irq(&ctx->lock);
	WRITE_ONCE(ctx->masked, false);
	spin_unlock_irq(&ctx->lock);
	WRITE_ONCE(ctx->state, PFM_CTX_UNLOADED);
	wake_up_all(&ctx->restart_wait);
	return 0;
}

/*
 * perfmon2 unloaded a context in its thread's exit path, so once the
 * thread can be reaped (waitpid()) every call finds it unloaded. vpmc's
 * exit notice may come later (a workqueue); PF_EXITING, set early in
 * do_exit(), never later than that, cannot: a call that sees the thread
 * exiting or exited unloads first, with the counts it has.
 */
static void pfm_reap(struct pfm_ctx *ctx)
{
	lockdep_assert_held(&ctx->mutex);
	if (ctx->state != PFM_CTX_LOADED || !ctx->task)
		return;
	/*
	 * Pairs with exit_signals() setting PF_EXITING in the thread itself:
	 * set once, never cleared, so any value read was the thread's. The
	 * exit notice comes after it, so a thread with no PF_EXITING has not
	 * exited either, and a call on a live thread's context (the reads
	 * tools loop on) costs this one load.
	 */
	if (!(READ_ONCE(ctx->task->flags) & PF_EXITING))
		return;
	pfm_thread_exited(ctx);
	pfm_unload(ctx);
}

static void pfm_exit_work(struct work_struct *work)
{
	struct pfm_ctx *ctx = container_of(work, struct pfm_ctx, exit_work);

	mutex_lock(&ctx->mutex);
	if (ctx->exited)
		pfm_unload(ctx);
	mutex_unlock(&ctx->mutex);
}

static struct task_struct *pfm_find_task(pid_t nr)
{
	struct task_struct *task;
	struct pid *pid;

	pid = find_get_pid(nr);
	if (!pid)
		return NULL;
	task = get_pid_task(pid, PIDTYPE_PID);
	put_pid(pid);
	return task;
}

static int pfm_attach_sets(struct pfm_ctx *ctx)
{
	struct pfm_set *set, *done;
	int ret;

	list_for_each_entry(set, &ctx->sets, node) {
		ret = pfm_set_attach(set);
		if (ret)
			goto detach;
	}
	return 0;

detach:
	list_for_each_entry(done, &ctx->sets, node) {
		if (done == set)
			break;
		pfm_set_detach(done);
	}
	return ret;
}

/* Per thread: the thread in @task, checked and registered; ctx->mutex held. */
static int pfm_load_task(struct pfm_ctx *ctx, struct task_struct *task)
{
	struct pfm_ctx *other;
	int ret;

	if ((ctx->flags & PFM_FL_NOTIFY_BLOCK) && task == current)
		return -EINVAL;		/* it would wait for itself */
	/* A kernel thread never returns to user space, where it would block. */
	if ((ctx->flags & PFM_FL_NOTIFY_BLOCK) && (task->flags & PF_KTHREAD))
		return -EINVAL;
	if (vpmc_may_monitor(ctx->cred, task))
		return -EPERM;
	mutex_lock(&pfm_tasks_mutex);
	list_for_each_entry(other, &pfm_tasks, node) {
		if (other->task == task) {
			ret = -EEXIST;
			goto unlock;
		}
	}
	ctx->task = task;
	ret = pfm_attach_sets(ctx);
	if (ret)
		ctx->task = NULL;
	else
		list_add(&ctx->node, &pfm_tasks);
unlock:
	mutex_unlock(&pfm_tasks_mutex);
	return ret;
}

static int pfm_load(struct pfm_ctx *ctx, void __user *uptr, int count)
{
	struct task_struct *task;
	struct pfm_set *set;
	pfarg_load_t load;
	int ret;

	if (count != 1)
		return -EINVAL;
	if (copy_from_user(&load, uptr, sizeof(load)))
		return -EFAULT;
	/* As perfmon2 v2.82: only load_pid and load_set are looked at. */
	if (ctx->state == PFM_CTX_LOADED)
		return -EBUSY;
	set = pfm_set_find(ctx, load.load_set);
	if (!set)
		return -EINVAL;

	ctx->exited = false;
	ctx->loader = task_pid_nr(current);
	if (ctx->flags & PFM_FL_SYSTEM_WIDE) {
		/* As perfmon2: loaded from, and then operated on, its CPU. */
		if (load.load_pid >= nr_cpu_ids || !cpu_online(load.load_pid) ||
		    load.load_pid != raw_smp_processor_id())
			return -EINVAL;
		ctx->cpu = load.load_pid;
		ret = pfm_attach_sets(ctx);
	} else {
		task = pfm_find_task(load.load_pid);
		if (!task)
			return -ESRCH;
		ret = pfm_load_task(ctx, task);
		if (ret)
			put_task_struct(task);
	}
	if (ret)
		return ret == -EACCES ? -EPERM : ret;
	ctx->active = set;
	ctx->started = false;
	WRITE_ONCE(ctx->masked, false);
	WRITE_ONCE(ctx->state, PFM_CTX_LOADED);
	return 0;
}

/* === Start, stop, restart === */

static int pfm_start(struct pfm_ctx *ctx, void __user *uptr, int count)
{
	pfarg_start_t start = {};
	struct pfm_set *set;

	/* No argument: start the set the context was loaded with. */
	if (!uptr && count > 1)
		return -EINVAL;
	if (uptr) {
		if (count != 1)
			return -EINVAL;
		/* As perfmon2 v2.82: only start_set is looked at. */
		if (copy_from_user(&start, uptr, sizeof(start)))
			return -EFAULT;
	}
	if (ctx->state != PFM_CTX_LOADED)
		return -EINVAL;
	set = pfm_set_find(ctx, start.start_set);
	if (!set)
		return -EINVAL;
	if (ctx->started)
		pfm_deactivate(ctx);
	ctx->started = true;
	pfm_activate(ctx, set);
	return 0;
}

static int pfm_stop(struct pfm_ctx *ctx)
{
	if (ctx->state != PFM_CTX_LOADED)
		return -EINVAL;
	if (ctx->started)
		pfm_deactivate(ctx);
	ctx->started = false;
	return 0;
}

/*
 * With a sampling format, the format empties its buffer first and the
 * PMDs whose reload its mask deferred get their long reset values, as
 * perfmon2's pfm_resume_after_ovfl().
 */
static int pfm_restart(struct pfm_ctx *ctx)
{
	struct pfm_set *set = ctx->active;
	unsigned long resets = 0;
	unsigned int i;
	u32 ctrl = 0;

	spin_lock_irq(&ctx->lock);
	if (ctx->state != PFM_CTX_LOADED || !ctx->masked) {
		spin_unlock_irq(&ctx->lock);
		return -EBUSY;
	}
	if (ctx->smpl) {
		ctrl = pfm_smpl_restart(ctx);
		resets = set->smpl_resets;
		set->smpl_resets = 0;
	}
	spin_unlock_irq(&ctx->lock);
	if (ctrl & PFM_OVFL_CTRL_RESET)
		for_each_set_bit(i, &resets, pfm_nr)
			pfm_pmd_reset_long(&set->pmds[i]);
	spin_lock_irq(&ctx->lock);
	WRITE_ONCE(ctx->masked, false);
	spin_unlock_irq(&ctx->lock);
	if (ctx->started)
		pfm_set_swap(ctx, NULL, ctx->active);
	wake_up_all(&ctx->restart_wait);
	return 0;
}

/* === The context file === */

/*
 * The commands of a context fd (perfmon-abi.h; Documentation/ABI/testing/
 * dev-perfmon gives each one's errnos): WRITE_PMCS, WRITE_PMDS, READ_PMDS,
 * LOAD_CONTEXT, START, CREATE_EVTSETS, GETINFO_EVTSETS and DELETE_EVTSETS
 * take a struct pfm_dev_vec at @arg (-EFAULT if unreadable, -EINVAL if
 * its reserved word is set); STOP, RESTART and UNLOAD_CONTEXT take
 * nothing. Any other command is -ENOTTY. A loaded system-wide context is
 * operated from its CPU only (-EBUSY elsewhere).
 */
static long pfm_ctx_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct pfm_ctx *ctx = file->private_data;
	struct pfm_dev_vec vec = {};
	void __user *uptr;
	long ret;

	switch (cmd) {
	case PFM_IOC_STOP:
	case PFM_IOC_RESTART:
	case PFM_IOC_UNLOAD_CONTEXT:
		break;
	case PFM_IOC_WRITE_PMCS:
	case PFM_IOC_WRITE_PMDS:
	case PFM_IOC_READ_PMDS:
	case PFM_IOC_LOAD_CONTEXT:
	case PFM_IOC_START:
	case PFM_IOC_CREATE_EVTSETS:
	case PFM_IOC_GETINFO_EVTSETS:
	case PFM_IOC_DELETE_EVTSETS:
		if (copy_from_user(&vec, (void __user *)arg, sizeof(vec)))
			return -EFAULT;
		if (vec.reserved)
			return -EINVAL;
		break;
	default:
		return -ENOTTY;
	}
	uptr = u64_to_user_ptr(vec.ptr);

	mutex_lock(&ctx->mutex);
	pfm_reap(ctx);
	/* A loaded system-wide context is operated from its CPU. */
	if (ctx->state == PFM_CTX_LOADED && !ctx->task &&
	    ctx->cpu != raw_smp_processor_id()) {
		ret = -EBUSY;
		goto unlock;
	}
	switch (cmd) {
	case PFM_IOC_WRITE_PMCS:
		ret = pfm_write_pmcs(ctx, uptr, vec.count);
		break;
	case PFM_IOC_WRITE_PMDS:
		ret = pfm_write_pmds(ctx, uptr, vec.count);
		break;
	case PFM_IOC_READ_PMDS:
		ret = pfm_read_pmds(ctx, uptr, vec.count);
		break;
	case PFM_IOC_LOAD_CONTEXT:
		ret = pfm_load(ctx, uptr, vec.count);
		break;
	case PFM_IOC_START:
		ret = pfm_start(ctx, uptr, vec.count);
		break;
	case PFM_IOC_STOP:
		ret = pfm_stop(ctx);
		break;
	case PFM_IOC_RESTART:
		ret = pfm_restart(ctx);
		break;
	case PFM_IOC_CREATE_EVTSETS:
		ret = pfm_create_evtsets(ctx, uptr, vec.count);
		break;
	case PFM_IOC_GETINFO_EVTSETS:
		ret = pfm_getinfo_evtsets(ctx, uptr, vec.count);
		break;
	case PFM_IOC_DELETE_EVTSETS:
		ret = pfm_delete_evtsets(ctx, uptr, vec.count);
		break;
	case PFM_IOC_UNLOAD_CONTEXT:
		/* Unloaded already (its thread exited, say): 0, as perfmon2. */
		ret = ctx->state == PFM_CTX_LOADED ? pfm_unload(ctx) : 0;
		break;
	default:
		/* The first switch let only the commands above through. */
		WARN_ON_ONCE(1);
		ret = -ENOTTY;
		break;
	}
unlock:
	mutex_unlock(&ctx->mutex);
	return ret;
}

/*
 * One message per read(); a buffer too small for one is EINVAL. The
 * message leaves the queue only once it was copied out: readers take
 * turns (read_mutex), and a fault (EFAULT) leaves it for the next read.
 */
static ssize_t pfm_ctx_read(struct file *file, char __user *buf, size_t size,
			    loff_t *pos)
{
	struct pfm_ctx *ctx = file->private_data;
	bool nonblock = file->f_flags & O_NONBLOCK;
	pfarg_msg_t msg;
	ssize_t ret;

	if (size < sizeof(msg))
		return -EINVAL;
	for (;;) {
		if (!nonblock) {
			/* Pairs with the WRITE_ONCE()s of msg_count. */
			ret = wait_event_interruptible(ctx->wait,
						       READ_ONCE(ctx->msg_count));
			if (ret)
				return ret;
			if (mutex_lock_interruptible(&ctx->read_mutex))
				return -ERESTARTSYS;
		} else if (!mutex_trylock(&ctx->read_mutex)) {
			return -EAGAIN;
		}
		spin_lock_irq(&ctx->lock);
		if (ctx->msg_count)
			break;
		spin_unlock_irq(&ctx->lock);
		mutex_unlock(&ctx->read_mutex);
		if (nonblock)
			return -EAGAIN;
	}
	msg = ctx->msgq[ctx->msg_head];
	spin_unlock_irq(&ctx->lock);
	if (copy_to_user(buf, &msg, sizeof(msg))) {
		ret = -EFAULT;
	} else {
		/* Only readers take messages off, and they take turns. */
		spin_lock_irq(&ctx->lock);
		ctx->msg_head = (ctx->msg_head + 1) % PFM_MSGQ_LEN;
		WRITE_ONCE(ctx->msg_count, ctx->msg_count - 1);
		spin_unlock_irq(&ctx->lock);
		ret = sizeof(msg);
	}
	mutex_unlock(&ctx->read_mutex);
	return ret;
}

static __poll_t pfm_ctx_poll(struct file *file, poll_table *wait)
{
	struct pfm_ctx *ctx = file->private_data;

	poll_wait(file, &ctx->wait, wait);
	/* Pairs with the WRITE_ONCE()s of msg_count. */
	return READ_ONCE(ctx->msg_count) ? EPOLLIN | EPOLLRDNORM : 0;
}

static int pfm_ctx_fasync(int fd, struct file *file, int on)
{
	struct pfm_ctx *ctx = file->private_data;

	return fasync_helper(fd, file, on, &ctx->fasync);
}

static int pfm_ctx_mmap(struct file *file, struct vm_area_struct *vma)
{
	return pfm_smpl_mmap(file->private_data, vma);
}

static int pfm_ctx_release(struct inode *inode, struct file *file)
{
	struct pfm_ctx *ctx = file->private_data;

	mutex_lock(&ctx->mutex);
	pfm_unload(ctx);
	mutex_unlock(&ctx->mutex);
	/* Unloaded: no callback, notice or timer can queue work any more. */
	hrtimer_cancel(&ctx->timer);
	cancel_work_sync(&ctx->switch_work);
	cancel_work_sync(&ctx->exit_work);
	pfm_ctx_put(ctx);
	return 0;
}

static const struct file_operations pfm_ctx_fops = {
	.owner = THIS_MODULE,
	.release = pfm_ctx_release,
	.read = pfm_ctx_read,
	.poll = pfm_ctx_poll,
	.fasync = pfm_ctx_fasync,
	.mmap = pfm_ctx_mmap,
	.unlocked_ioctl = pfm_ctx_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

/* === Creation === */

/* A fault-injection site (Documentation/testing.rst): it only allocates. */
static noinline struct pfm_ctx *pfm_ctx_alloc(void)
{
	struct pfm_ctx *ctx;

	return kzalloc(sizeof(*ctx), GFP_KERNEL_ACCOUNT);
}

ALLOW_ERROR_INJECTION(pfm_ctx_alloc, NULL);

/**
 * pfm_create_context() - pfm_create_context(): a new context and its fd
 * @uarg: struct pfm_dev_create in user space
 *
 * Context: process context, may sleep.
 * Return: the new file descriptor; -EFAULT for a bad pointer; -EINVAL for
 * a system-wide context with PFM_FL_NOTIFY_BLOCK, a format argument
 * without a format, or what pfm_smpl_create() refuses (an unknown format,
 * an argument of the wrong size or one the format refuses); -EPERM for a
 * system-wide context the caller may not have; -ENOMEM (also for a
 * sampling buffer above RLIMIT_MEMLOCK or smpl_buffer_mem_max); or
 * anon_inode_getfd()'s error.
 */
long pfm_create_context(const struct pfm_dev_create __user *uarg)
{
	struct pfm_dev_create arg;
	struct pfm_ctx *ctx;
	pfarg_ctx_t req;
	int ret, fd;

	if (copy_from_user(&arg, uarg, sizeof(arg)) ||
	    copy_from_user(&req, u64_to_user_ptr(arg.ctx), sizeof(req)))
		return -EFAULT;
	/*
	 * As perfmon2 v2.82: a system-wide context cannot block its
	 * notifications; other flag bits and the reserved words are not
	 * looked at (and the unknown bits are dropped).
	 */
	req.ctx_flags &= PFM_FL_NOTIFY_BLOCK | PFM_FL_SYSTEM_WIDE |
			 PFM_FL_OVFL_NO_MSG;
	if (req.ctx_flags & PFM_FL_SYSTEM_WIDE &&
	    req.ctx_flags & PFM_FL_NOTIFY_BLOCK)
		return -EINVAL;
	/* Without a format, no format argument. */
	if (!arg.smpl_name && (arg.smpl_arg || arg.smpl_size))
		return -EINVAL;
	/* pfm_paranoid pairs with the WRITE_ONCE() of its parameter store. */
	if (req.ctx_flags & PFM_FL_SYSTEM_WIDE && !perfmon_capable() &&
	    READ_ONCE(pfm_paranoid) > 0)
		return -EPERM;

	ctx = pfm_ctx_alloc();
	if (!ctx)
		return -ENOMEM;
	kref_init(&ctx->ref);
	mutex_init(&ctx->mutex);
	mutex_init(&ctx->read_mutex);
	spin_lock_init(&ctx->lock);
	ctx->flags = req.ctx_flags;
	ctx->cred = get_current_cred();
	/* As above: the parameter may change between the two reads. */
	ctx->may_kernel = perfmon_capable() || READ_ONCE(pfm_paranoid) <= 1;
	INIT_LIST_HEAD(&ctx->sets);
	INIT_LIST_HEAD(&ctx->node);
	init_waitqueue_head(&ctx->wait);
	init_waitqueue_head(&ctx->restart_wait);
	hrtimer_init(&ctx->timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	ctx->timer.function = pfm_switch_timer;
	INIT_WORK(&ctx->switch_work, pfm_switch_work);
	INIT_WORK(&ctx->exit_work, pfm_exit_work);
	if (!pfm_set_new(ctx, 0)) {
		ret = -ENOMEM;
		goto put;
	}
	if (arg.smpl_name) {
		ret = pfm_smpl_create(ctx, &arg);
		if (ret)
			goto put;
	}
	fd = anon_inode_getfd("[perfmon]", &pfm_ctx_fops, ctx, O_RDWR);
	if (fd < 0) {
		ret = fd;
		goto put;
	}
	return fd;

put:
	pfm_ctx_put(ctx);
	return ret;
}
