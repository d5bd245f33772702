// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-thread virtual PMCs: counters that follow one thread.
 *
 * Each monitored thread has a struct vpmc_task, found from the task by a
 * hash table that the scheduler hooks read under RCU. A module cannot
 * patch the scheduler, so three tracepoints are hooked, and only while
 * per-thread virtual PMCs are in use (tracepoints are static keys: with no
 * probe registered, the scheduler pays nothing). The hooks go unhook_ms
 * (a module parameter) after the last per-thread virtual PMC: registering
 * and unregistering patch the scheduler's text, which a program that
 * creates and destroys per-thread counters in a loop should not make
 * happen at every turn:
 *  - sched_switch: the previous thread's virtual PMCs are switched out of
 *    their CPU's arbiter, keeping count and distance to the next threshold;
 *    the next thread's are switched in, taking counters by the arbiter's
 *    rules (sharing a counter already counting their event, system-wide
 *    virtual PMCs included) or waiting for one; both in one batch, so a
 *    counter the previous thread leaves goes on for the next one's user of
 *    the same event (core/switch.c parks it);
 *  - sched_process_exit: the thread's count is final; its owner is told
 *    from a workqueue (VPMC_NOTICE_EXIT);
 *  - sched_process_fork: with VPMC_F_INHERIT, the child gets its own
 *    virtual PMC, folded into the root one when the child exits.
 *
 * Backends: switching runs with the runqueue lock held, so it never
 * sleeps. A per-thread virtual PMC holds its event on every online CPU for
 * its whole life (vpmc_events_get(), core/hotplug.c), which is what lets a
 * backend like perf, whose counters are created by sleeping, be switched
 * in atomically. See Documentation/design.rst for the cost in counters.
 *
 * Locking: a thread's lock is core's (struct vpmc_core_task), taken
 * inside core's calls; the order of all locks is in core/arbiter.h.
 */
#define pr_fmt(fmt) "vpmc: " fmt

#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/error-injection.h>
#include <linux/hashtable.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/tracepoint.h>
#include <linux/workqueue.h>

#include "priv.h"
#include "task.h"

/**
 * struct vpmc_thread - a per-thread virtual PMC
 * @vpmc: what every virtual PMC has; @vpmc.vt is set
 * @root: an inherited one: the virtual PMC it folds into; NULL when none
 *	(guarded by vpmc_inherit_lock)
 * @children: a root: its live inherited virtual PMCs (vpmc_inherit_lock)
 * @cnode: in its root's @children
 * @folded: a root: counts and times of its exited inherited ones
 *	(vpmc_inherit_lock)
 * @dying: a root being destroyed: inherits no more (vpmc_inherit_lock)
 * @inherited: made by the fork hook (constant)
 * @work: a root: tells its owner its thread exited; an inherited one:
 *	frees it after its thread exited
 *
 * It is freed after a grace period (@vpmc.rcu), as the scheduler hooks
 * find it under RCU; call_rcu() comes only when no work can be queued or
 * pending any more - a root's after its exit hook is past
 * (vpmc_thread_destroy() waits for it) and cancel_work_sync(), an
 * inherited one's from its own work or, never queued, from its root's
 * destruction (one owner, decided under vpmc_inherit_lock).
 *
 * Objects come from vpmc_thread_cache, their thread's state from
 * vpmc_task_cache: together the memory of a thread's first virtual PMC.
 */
struct vpmc_thread {
	struct vpmc vpmc;
	struct vpmc_thread *root;
	struct list_head children;
	struct list_head cnode;
	struct vpmc_value folded;
	bool dying;
	bool inherited;
	struct work_struct work;
};

static struct kmem_cache *vpmc_thread_cache;

static struct vpmc_thread *to_thread(struct vpmc *vpmc)
{
	return container_of(vpmc, struct vpmc_thread, vpmc);
}

static struct vpmc_thread *user_thread(struct vpmc_user *user)
{
	return to_thread(container_of(user, struct vpmc, user));
}

/* Guards vpmc_thread.root, .children, .folded, .dying; innermost. */
static DEFINE_RAW_SPINLOCK(vpmc_inherit_lock);
/* Serialises creation and destruction with the hooks' (un)registration. */
static DEFINE_MUTEX(vpmc_thread_mutex);
/* Per-thread virtual PMCs created by owners, under vpmc_thread_mutex. */
static unsigned int vpmc_nr_roots;
static struct workqueue_struct *vpmc_wq;

/* === The scheduler hooks === */

/*
 * Runqueue lock held, interrupts disabled, RCU-sched read side. One batch
 * for both threads: a counter @prev leaves goes on counting for @next if
 * @next counts the same event.
 */
static void vpmc_sched_switch(void *data, bool preempt, struct task_struct *prev,
			      struct task_struct *next, unsigned int prev_state)
{
	struct vpmc_task *p = vpmc_task_find(prev), *n = vpmc_task_find(next);

	if (p || n)
		vpmc_core_task_switch(p ? &p->ct : NULL, n ? &n->ct : NULL);
}

/*
 * A CPU vpmc just brought up (core/hotplug.c, after the CPU came online)
 * may already run a monitored thread that was switched in while vpmc had
 * the CPU down: switch its virtual PMCs in now, not at its next context
 * switch, which a busy thread alone on the CPU may not have for long. An
 * IPI on that CPU.
 */
static void vpmc_thread_cpu_up(void *unused)
{
	struct vpmc_task *vt;

	rcu_read_lock();
	vt = vpmc_task_find(current);
	if (vt)
		vpmc_core_task_switch(NULL, &vt->ct);
	rcu_read_unlock();
}

/* Fold an exited inherited virtual PMC into its root, then free it. */
static void vpmc_child_exit(struct vpmc_thread *child)
{
	struct vpmc_thread *root;
	struct vpmc_value *f, v;
	bool mine = false;

	vpmc_core_thread_final(&child->vpmc.user, &v);
	raw_spin_lock(&vpmc_inherit_lock);
	root = child->root;
	if (root) {
		f = &root->folded;
		f->count += v.count + child->folded.count;
		f->time_enabled += v.time_enabled;
		f->time_running += v.time_running;
		list_del_init(&child->cnode);
		child->root = NULL;
		mine = true;
	}
	raw_spin_unlock(&vpmc_inherit_lock);
	/* Else its root's destruction owns it. */
	if (mine)
		queue_work(vpmc_wq, &child->work);
}

/* In the exiting thread, preemption disabled. */
static void vpmc_sched_exit(void *data, struct task_struct *task)
{
	struct vpmc_user *user;
	struct vpmc_thread *t;
	struct vpmc_task *vt;

	vt = vpmc_task_find(task);
	if (!vt)
		return;
	vpmc_core_task_exit(&vt->ct);
	/*
	 * Queue outside the task lock, which nests in the runqueue lock that
	 * waking a worker takes. Still RCU-sched: a virtual PMC destroyed
	 * meanwhile is not freed, and its destroyer, which detached it before
	 * looking whether the thread exited, waits for this hook before
	 * cancelling the work (vpmc_thread_destroy()).
	 */
	vpmc_core_task_for_each_rcu(user, &vt->ct) {
		t = user_thread(user);
		if (!vpmc_core_thread_dead(user) && !t->inherited &&
		    t->vpmc.notice)
			queue_work(vpmc_wq, &t->work);
		if (READ_ONCE(t->root))
			vpmc_child_exit(t);
	}
}

static void vpmc_exit_work(struct work_struct *work)
{
	struct vpmc_thread *t = container_of(work, struct vpmc_thread, work);

	t->vpmc.notice(&t->vpmc, VPMC_NOTICE_EXIT, t->vpmc.priv);
}

static void vpmc_free_rcu(struct rcu_head *rcu)
{
	kmem_cache_free(vpmc_thread_cache,
			container_of(rcu, struct vpmc_thread, vpmc.rcu));
}

/* Take @t off its thread for good and free it (@t->work is done). */
static void vpmc_thread_release(struct vpmc_thread *t)
{
	struct vpmc_task *vt = t->vpmc.vt;

	if (!vpmc_core_thread_dead(&t->vpmc.user))
		vpmc_core_thread_detach(&t->vpmc.user);
	vpmc_core_task_del(&vt->ct, &t->vpmc.user);
	vpmc_task_put(vt);
	call_rcu(&t->vpmc.rcu, vpmc_free_rcu);
	module_put(THIS_MODULE);
}

/* An exited inherited virtual PMC, already folded. */
static void vpmc_child_work(struct work_struct *work)
{
	vpmc_thread_release(container_of(work, struct vpmc_thread, work));
}

/* A fault-injection site (Documentation/testing.rst): it only allocates and initialises. */
static noinline struct vpmc_thread *vpmc_thread_alloc(gfp_t gfp)
{
	struct vpmc_thread *t = kmem_cache_zalloc(vpmc_thread_cache, gfp);

	if (t) {
		INIT_LIST_HEAD(&t->children);
		INIT_LIST_HEAD(&t->cnode);
	}
	return t;
}

ALLOW_ERROR_INJECTION(vpmc_thread_alloc, NULL);

/*
 * Make the virtual PMC @child for @task, inheriting @parent's attributes
 * and root; not attached until @task first runs.
 */
static void vpmc_inherit(struct vpmc_thread *parent, struct task_struct *task)
{
	const struct vpmc_user *pu = &parent->vpmc.user;
	struct vpmc_thread *child, *root;
	unsigned long flags;
	bool ok;

	child = vpmc_thread_alloc(GFP_ATOMIC);
	if (!child)
		goto fail;
	/* No exit notice: the root's owner hears of its own thread only. */
	child->vpmc.overflow = parent->vpmc.overflow;
	child->vpmc.preempt = parent->vpmc.preempt;
	child->vpmc.priv = parent->vpmc.priv;
	vpmc_core_user_init_child(&child->vpmc.user, pu, task_cpu(task));
	INIT_WORK(&child->work, vpmc_child_work);
	child->inherited = true;
	/*
	 * The root holds the event on every CPU for as long as it lives.
	 * Counting if the parent was: @task has not run yet.
	 */
	vpmc_core_thread_init(&child->vpmc.user, false, vpmc_core_started(pu));
	/* An inherited parent whose root is being destroyed has none. */
	raw_spin_lock_irqsave(&vpmc_inherit_lock, flags);
	root = parent->inherited ? parent->root : parent;
	ok = root && !root->dying;
	if (ok) {
		child->root = root;
		list_add_tail(&child->cnode, &root->children);
	}
	raw_spin_unlock_irqrestore(&vpmc_inherit_lock, flags);
	if (!ok || vpmc_task_attach(task, &child->vpmc, GFP_ATOMIC)) {
		/* Unseen by anyone but a root that may have taken it: undo. */
		raw_spin_lock_irqsave(&vpmc_inherit_lock, flags);
		list_del_init(&child->cnode);
		child->root = NULL;
		raw_spin_unlock_irqrestore(&vpmc_inherit_lock, flags);
		vpmc_core_thread_forget(&child->vpmc.user);
		kmem_cache_free(vpmc_thread_cache, child);
		if (ok)
			goto fail;
		return;
	}
	__module_get(THIS_MODULE);
	return;

fail:
	pr_warn_ratelimited("pid %d: inherited virtual PMC lost: no memory\n",
			    task_pid_nr(task));
}

/**
 * vpmc_thread_fork() - what the sched_process_fork hook does
 * @parent: the forking thread, the current one
 * @child: the new thread, not yet running
 *
 * Gives @child an inherited virtual PMC for each of @parent's with
 * VPMC_F_INHERIT. Exported for KUnit, which forks no real thread.
 *
 * Context: atomic (the hook runs with preemption disabled), not NMI.
 */
void vpmc_thread_fork(struct task_struct *parent, struct task_struct *child)
{
	struct vpmc_user *user;
	struct vpmc_task *vt;

	/*
	 * RCU keeps the parent's virtual PMCs in memory without its lock,
	 * which a child's state must not nest in; one being destroyed
	 * meanwhile has a dying root, which refuses the child.
	 */
	rcu_read_lock();
	vt = vpmc_task_find(parent);
	if (vt)
		vpmc_core_task_for_each_rcu(user, &vt->ct)
			if (user->flags & VPMC_F_INHERIT &&
			    !vpmc_core_thread_dead(user))
				vpmc_inherit(user_thread(user), child);
	rcu_read_unlock();
}
EXPORT_SYMBOL_NS_GPL(vpmc_thread_fork, VPMC_INTERNAL);

static void vpmc_sched_fork(void *data, struct task_struct *parent,
			    struct task_struct *child)
{
	vpmc_thread_fork(parent, child);
}

/* === Registration of the hooks === */

struct vpmc_hook {
	const char *name;
	void *probe;
	struct tracepoint *tp;
};

static struct vpmc_hook vpmc_hooks[] = {
	{ "sched_switch", vpmc_sched_switch },
	{ "sched_process_exit", vpmc_sched_exit },
	{ "sched_process_fork", vpmc_sched_fork },
};

/* Whether the hooks are registered; vpmc_thread_mutex. */
static bool vpmc_hooked;
/* How long the hooks stay after the last per-thread virtual PMC went. */
static unsigned int unhook_ms = 5000;
module_param(unhook_ms, uint, 0644);
MODULE_PARM_DESC(unhook_ms, "ms the scheduler hooks stay after the last per-thread virtual PMC (default 5000)");
static void vpmc_unhook_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(vpmc_unhook_work, vpmc_unhook_fn);

static void vpmc_find_tp(struct tracepoint *tp, void *priv)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vpmc_hooks); i++)
		if (!strcmp(tp->name, vpmc_hooks[i].name))
			vpmc_hooks[i].tp = tp;
}

static void vpmc_unhook(unsigned int n)
{
	while (n--)
		WARN_ON(tracepoint_probe_unregister(vpmc_hooks[n].tp,
						    vpmc_hooks[n].probe, NULL));
	/* No probe runs any more, so none sees a freed virtual PMC. */
	tracepoint_synchronize_unregister();
}

static int vpmc_hook(void)
{
	unsigned int i;
	int ret;

	lockdep_assert_held(&vpmc_thread_mutex);
	for (i = 0; i < ARRAY_SIZE(vpmc_hooks); i++) {
		ret = tracepoint_probe_register(vpmc_hooks[i].tp,
						vpmc_hooks[i].probe, NULL);
		if (ret) {
			vpmc_unhook(i);
			return ret;
		}
	}
	vpmc_hooked = true;
	return 0;
}

/* The last per-thread virtual PMC went a while ago: unhook. */
static void vpmc_unhook_fn(struct work_struct *work)
{
	mutex_lock(&vpmc_thread_mutex);
	if (!vpmc_nr_roots && vpmc_hooked) {
		vpmc_unhook(ARRAY_SIZE(vpmc_hooks));
		vpmc_hooked = false;
	}
	mutex_unlock(&vpmc_thread_mutex);
}

/**
 * vpmc_thread_hooked() - whether the scheduler hooks are registered, for tests
 *
 * Checks the tracepoints' own probe lists, not just vpmc's flag. With no
 * per-thread virtual PMC left, it first unhooks without waiting for
 * unhook_ms, so a test sees what the hooks will be.
 *
 * Context: process context, may sleep.
 * Return: true if a vpmc probe is registered on any of the tracepoints.
 */
bool vpmc_thread_hooked(void)
{
	struct tracepoint_func *f;
	bool found = false;
	unsigned int i;

	/* Pairs with the WRITE_ONCE()s of creation and vpmc_root_put(). */
	if (!READ_ONCE(vpmc_nr_roots))
		flush_delayed_work(&vpmc_unhook_work);
	rcu_read_lock_sched();
	for (i = 0; i < ARRAY_SIZE(vpmc_hooks); i++) {
		f = rcu_dereference_sched(vpmc_hooks[i].tp->funcs);
		for (; f && f->func; f++)
			if (f->func == vpmc_hooks[i].probe)
				found = true;
	}
	rcu_read_unlock_sched();
	return found;
}
EXPORT_SYMBOL_NS_GPL(vpmc_thread_hooked, VPMC_INTERNAL);

static void vpmc_root_put(void)
{
	lockdep_assert_held(&vpmc_thread_mutex);
	WRITE_ONCE(vpmc_nr_roots, vpmc_nr_roots - 1);
	if (!vpmc_nr_roots)
		mod_delayed_work(system_wq, &vpmc_unhook_work,
				 msecs_to_jiffies(READ_ONCE(unhook_ms)));
}

/* === The API === */

/* Switch in @vt's detached virtual PMCs if its thread is running here. */
static void __vt_sync(void *info)
{
	struct vpmc_task *vt = info;

	if (current == vt->task)
		vpmc_core_task_switch(NULL, &vt->ct);
}

/*
 * The hook switches a thread's virtual PMCs in at its next switch-in; if
 * it has been running since before they were added, do it where it runs.
 * Once the thread moves, its switch-in did it: one try is enough.
 */
static void vt_sync(struct vpmc_task *vt)
{
	/* An offline CPU fails the call: the thread does not run there. */
	smp_call_function_single(task_cpu(vt->task), __vt_sync, vt, 1);
}

/**
 * vpmc_create_task_on() - vpmc_create_task() on a given PMU instance
 * @pmu: the instance
 * @attr: what to count and how; copied
 * @task: the thread
 * @cred: the requester's credentials, or NULL for an in-kernel requester
 *
 * Context: process context, may sleep.
 * Return: see vpmc_create_task().
 */
struct vpmc *vpmc_create_task_on(struct vpmc_pmu *pmu,
				 const struct vpmc_attr *attr,
				 struct task_struct *task,
				 const struct cred *cred)
{
	unsigned long allowed;
	struct vpmc_thread *t;
	struct vpmc *vpmc;
	int ret;

	if (WARN_ON_ONCE(vpmc_cannot_sleep()))
		return ERR_PTR(-EINVAL);
	might_sleep();
	if (!task)
		return ERR_PTR(-EINVAL);
	if (cred) {
		ret = vpmc_may_monitor(cred, task);
		if (ret)
			return ERR_PTR(ret);
	}
	ret = vpmc_prepare(pmu, attr, true, &allowed);
	if (ret)
		return ERR_PTR(ret);
	t = vpmc_thread_alloc(GFP_KERNEL);
	if (!t)
		return ERR_PTR(-ENOMEM);
	vpmc = &t->vpmc;
	vpmc_fill(vpmc, pmu, attr, allowed, task_cpu(task));
	INIT_WORK(&t->work, vpmc_exit_work);

	mutex_lock(&vpmc_thread_mutex);
	if (!vpmc_hooked) {
		ret = vpmc_hook();
		if (ret)
			goto err_unlock;
	}
	WRITE_ONCE(vpmc_nr_roots, vpmc_nr_roots + 1);
	ret = vpmc_core_thread_init(&vpmc->user, true, false);
	if (ret)
		goto err_root;
	ret = vpmc_task_attach(task, &t->vpmc, GFP_KERNEL);
	if (ret)
		goto err_user;
	mutex_unlock(&vpmc_thread_mutex);
	vt_sync(vpmc->vt);
	__module_get(THIS_MODULE);
	return vpmc;

err_user:
	/* Never on its thread (no tlock): nothing to detach, events to put. */
	vpmc_core_thread_forget(&vpmc->user);
err_root:
	vpmc_root_put();
err_unlock:
	mutex_unlock(&vpmc_thread_mutex);
	kmem_cache_free(vpmc_thread_cache, t);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_NS_GPL(vpmc_create_task_on, VPMC_INTERNAL);

/**
 * vpmc_create_task() - create a per-thread virtual PMC
 * @attr: what to count and how; copied (VPMC_F_INHERIT allowed)
 * @task: the thread: the caller itself or another one
 * @cred: the requester's credentials, checked by vpmc_may_monitor(); NULL
 *	for an in-kernel requester, which is not checked
 *
 * The virtual PMC counts only while @task runs, on whatever CPU: at each
 * switch-in it takes a counter of that CPU by the arbiter's rules, like a
 * system-wide one (sharing a counter that counts its event, preempting
 * lower priorities, or waiting: time_running then falls behind
 * time_enabled); at each switch-out its count and the distance to its next
 * overflow are kept. When @task exits, the count is final and the notice
 * callback is told. It is created stopped: call vpmc_start().
 *
 * Context: process context, may sleep.
 * Return: the virtual PMC, or an ERR_PTR: -EINVAL for bad attributes (as
 * vpmc_create(), or VPMC_F_INHERIT with a period) or a NULL @task;
 * -EACCES if @cred may not monitor @task; -ESRCH if @task is exiting;
 * -ENOENT, -ENOSPC as vpmc_create(); -ENOMEM; or the backend's error for
 * its event on some CPU (perf: -EBUSY if a hardware counter is missing).
 */
struct vpmc *vpmc_create_task(const struct vpmc_attr *attr,
			      struct task_struct *task, const struct cred *cred)
{
	return vpmc_create_task_on(vpmc_pmu_default(), attr, task, cred);
}
EXPORT_SYMBOL_GPL(vpmc_create_task);

/* vpmc_destroy() of a per-thread virtual PMC: process context. */
void vpmc_thread_destroy(struct vpmc *vpmc)
{
	bool inherit = vpmc->user.flags & VPMC_F_INHERIT;
	struct vpmc_thread *t = to_thread(vpmc), *child, *tmp;
	bool exited;
	unsigned long flags;
	LIST_HEAD(children);

	/* From its own exit notice, cancel_work_sync() below would hang. */
	if (WARN_ON_ONCE(current_work() == &t->work))
		return;
	raw_spin_lock_irqsave(&vpmc_inherit_lock, flags);
	t->dying = true;
	list_splice_init(&t->children, &children);
	list_for_each_entry(child, &children, cnode)
		child->root = NULL;
	raw_spin_unlock_irqrestore(&vpmc_inherit_lock, flags);
	/* Ours now: their exit hook leaves them alone. */
	list_for_each_entry_safe(child, tmp, &children, cnode)
		vpmc_thread_release(child);

	vpmc_core_thread_detach(&vpmc->user);
	exited = vpmc_core_task_exited(&vpmc->vt->ct);
	/*
	 * Detached, it is dead to an exit hook that has yet to take the task
	 * lock; one that took it before may still queue the notice.
	 */
	if (exited)
		synchronize_rcu();
	cancel_work_sync(&t->work);

	mutex_lock(&vpmc_thread_mutex);
	vpmc_thread_release(t);
	vpmc_root_put();
	mutex_unlock(&vpmc_thread_mutex);
	/* Exited inherited ones may still be queued for release. */
	if (inherit)
		flush_workqueue(vpmc_wq);
}

/* vpmc_read() of a per-thread virtual PMC. */
int vpmc_thread_read(struct vpmc *vpmc, struct vpmc_value *value)
{
	struct vpmc_value *f = &to_thread(vpmc)->folded;
	unsigned long flags;
	int ret;

	if (vpmc_thread_current(vpmc))
		ret = vpmc_core_read_mine(&vpmc->user, value);
	else
		ret = vpmc_core_read(&vpmc->user, value);
	if (ret && ret != -EBUSY)
		return ret;
	/* Only inheriting ones have exited children folded in. */
	if (!(vpmc->user.flags & VPMC_F_INHERIT))
		return ret;
	raw_spin_lock_irqsave(&vpmc_inherit_lock, flags);
	value->count += f->count;
	value->time_enabled += f->time_enabled;
	value->time_running += f->time_running;
	raw_spin_unlock_irqrestore(&vpmc_inherit_lock, flags);
	return ret;
}

/* Whether the current task is @vpmc's thread (for vpmc_read_local()). */
bool vpmc_thread_current(struct vpmc *vpmc)
{
	return vpmc->vt->task == current;
}

/**
 * vpmc_thread_init() - set up per-thread virtual PMCs; the hooks stay off
 *
 * Context: module init.
 * Return: 0, -ENOMEM, or -ENOENT if the scheduler tracepoints are missing.
 */
int vpmc_thread_init(void)
{
	unsigned int i;

	for_each_kernel_tracepoint(vpmc_find_tp, NULL);
	for (i = 0; i < ARRAY_SIZE(vpmc_hooks); i++) {
		if (!vpmc_hooks[i].tp) {
			pr_err("tracepoint %s not found\n", vpmc_hooks[i].name);
			return -ENOENT;
		}
	}
	if (vpmc_task_init())
		return -ENOMEM;
	vpmc_thread_cache = KMEM_CACHE(vpmc_thread, 0);
	vpmc_wq = alloc_workqueue("vpmc", 0, 0);
	if (!vpmc_thread_cache || !vpmc_wq) {
		if (vpmc_wq)
			destroy_workqueue(vpmc_wq);
		kmem_cache_destroy(vpmc_thread_cache);
		vpmc_task_exit();
		return -ENOMEM;
	}
	vpmc_permission_init();
	vpmc_hotplug_on_cpu_up(vpmc_thread_cpu_up);
	return 0;
}

/**
 * vpmc_thread_exit() - undo vpmc_thread_init()
 *
 * Context: module exit: no virtual PMC is left.
 */
void vpmc_thread_exit(void)
{
	WARN_ON(vpmc_nr_roots);
	/* The probes are this module's code: gone before it is. */
	cancel_delayed_work_sync(&vpmc_unhook_work);
	vpmc_unhook_fn(NULL);
	destroy_workqueue(vpmc_wq);
	/* vpmc_free_rcu() and vt_free_rcu() are this module's code. */
	rcu_barrier();
	vpmc_task_exit();
	kmem_cache_destroy(vpmc_thread_cache);
}

/*
 * Bytes of a per-thread virtual PMC's thread state (vpmc_footprint(),
 * whose ksize() of the virtual PMC is its whole struct vpmc_thread).
 */
size_t vpmc_thread_footprint(struct vpmc *vpmc)
{
	return vpmc->vt ? ksize(vpmc->vt) : 0;
}
