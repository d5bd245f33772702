// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-thread virtual PMCs: counters that follow one thread.
 *
 * Each monitored thread has a struct vpmc_watched, found from the task by a
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
 *    counter the previous thread leaves goes on for the next one's claim of
 *    the same event (core/switch.c parks it);
 *  - sched_process_exit: the thread's count is final; its owner is told
 *    from a workqueue (VPMC_NOTICE_EXIT);
 *  - sched_process_fork: with VPMC_F_INHERIT, the child gets its own
 *    virtual PMC, folded into the root one when the child exits.
 *
 * Backends: switching runs with the runqueue lock held, so it never
 * sleeps. A per-thread virtual PMC holds its event on every online CPU for
 * its whole life (vpmc_events_hold_all(), core/hotplug.c), which is what lets a
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
 * struct vpmc_task_pmc - a per-thread virtual PMC
 * @vpmc: what every virtual PMC has; @vpmc.watched is set
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
 * Objects come from vpmc_task_pmc_cache, their thread's state from
 * vpmc_watched_cache: together the memory of a thread's first virtual PMC.
 */
struct vpmc_task_pmc {
	struct vpmc vpmc;
	struct vpmc_task_pmc *root;
	struct list_head children;
	struct list_head cnode;
	struct vpmc_value folded;
	bool dying;
	bool inherited;
	struct work_struct work;
};

static struct kmem_cache *vpmc_task_pmc_cache;

static struct vpmc_task_pmc *to_task_pmc(struct vpmc *vpmc)
{
	return container_of(vpmc, struct vpmc_task_pmc, vpmc);
}

static struct vpmc_task_pmc *claim_task_pmc(struct vpmc_claim *claim)
{
	return to_task_pmc(container_of(claim, struct vpmc, claim));
}

/* Guards vpmc_task_pmc.root, .children, .folded, .dying; innermost. */
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
	struct vpmc_watched *p = vpmc_watched_find(prev), *n = vpmc_watched_find(next);

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
	struct vpmc_watched *watched;

	rcu_read_lock();
	watched = vpmc_watched_find(current);
	if (watched)
		vpmc_core_task_switch(NULL, &watched->ct);
	rcu_read_unlock();
}

/* Fold an exited inherited virtual PMC into its root, then free it. */
static void vpmc_child_exit(struct vpmc_task_pmc *child)
{
	struct vpmc_task_pmc *root;
	struct vpmc_value *f, v;
	bool mine = false;

	vpmc_core_thread_final(&child->vpmc.claim, &v);
	raw_spin_lock(&vpmc_inherit_lock);
	root = child->root;
	if (root) {
		f = &root->folded;
		f->count += v.count + child->folded.count;
		f->time_enabled += v.time_enabled;
		f->time_running += v.time_running;
		list_del_init(&child->cnode);
		/* Pairs with the exit hook's unlocked READ_ONCE(). */
		WRITE_ONCE(child->root, NULL);
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
	struct vpmc_claim *claim;
	struct vpmc_task_pmc *tp;
	struct vpmc_watched *watched;

	watched = vpmc_watched_find(task);
	if (!watched)
		return;
	vpmc_core_task_exit(&watched->ct);
	/*
	 * Queue outside the task lock, which nests in the runqueue lock that
	 * waking a worker takes. Still RCU-sched: a virtual PMC destroyed
	 * meanwhile is not freed, and its destroyer, which detached it before
	 * looking whether the thread exited, waits for this hook before
	 * cancelling the work (vpmc_thread_destroy()).
	 */
	vpmc_core_task_for_each_rcu(claim, &watched->ct) {
		tp = claim_task_pmc(claim);
		if (!vpmc_core_thread_dead(claim) && !tp->inherited &&
		    tp->vpmc.notice)
			queue_work(vpmc_wq, &tp->work);
		/*
		 * Unlocked: a hint, checked again under vpmc_inherit_lock.
		 * Pairs with the WRITE_ONCE()s of vpmc_child_exit(),
		 * vpmc_inherit() and vpmc_thread_destroy().
		 */
		if (READ_ONCE(tp->root))
			vpmc_child_exit(tp);
	}
}

static void vpmc_exit_work(struct work_struct *work)
{
	struct vpmc_task_pmc *tp = container_of(work, struct vpmc_task_pmc, work);

	tp->vpmc.notice(&tp->vpmc, VPMC_NOTICE_EXIT, tp->vpmc.priv);
}

static void vpmc_free_rcu(struct rcu_head *rcu)
{
	kmem_cache_free(vpmc_task_pmc_cache,
			container_of(rcu, struct vpmc_task_pmc, vpmc.rcu));
}

/* Take @tp off its thread for good and free it (@tp->work is done). */
static void vpmc_task_pmc_release(struct vpmc_task_pmc *tp)
{
	struct vpmc_watched *watched = tp->vpmc.watched;

	if (!vpmc_core_thread_dead(&tp->vpmc.claim))
		vpmc_core_thread_detach(&tp->vpmc.claim);
	vpmc_core_task_del(&watched->ct, &tp->vpmc.claim);
	vpmc_watched_put(watched);
	call_rcu(&tp->vpmc.rcu, vpmc_free_rcu);
	module_put(THIS_MODULE);
}

/* An exited inherited virtual PMC, already folded. */
static void vpmc_child_work(struct work_struct *work)
{
	vpmc_task_pmc_release(container_of(work, struct vpmc_task_pmc, work));
}

/* A fault-injection site (Documentation/testing.rst): it only allocates and initialises. */
static noinline struct vpmc_task_pmc *vpmc_task_pmc_alloc(gfp_t gfp)
{
	struct vpmc_task_pmc *tp = kmem_cache_zalloc(vpmc_task_pmc_cache, gfp);

	if (tp) {
		INIT_LIST_HEAD(&tp->children);
		INIT_LIST_HEAD(&tp->cnode);
	}
	return tp;
}

ALLOW_ERROR_INJECTION(vpmc_task_pmc_alloc, NULL);

/*
 * Make the virtual PMC @child for @task, inheriting @parent's attributes
 * and root; not attached until @task first runs.
 */
static void vpmc_inherit(struct vpmc_task_pmc *parent, struct task_struct *task)
{
	const struct vpmc_claim *pu = &parent->vpmc.claim;
	struct vpmc_task_pmc *child, *root;
	unsigned long flags;
	bool ok;

	child = vpmc_task_pmc_alloc(GFP_ATOMIC);
	if (!child)
		goto fail;
	/* No exit notice: the root's owner hears of its own thread only. */
	child->vpmc.overflow = parent->vpmc.overflow;
	child->vpmc.preempt = parent->vpmc.preempt;
	child->vpmc.priv = parent->vpmc.priv;
	vpmc_core_claim_init_child(&child->vpmc.claim, pu, task_cpu(task));
	INIT_WORK(&child->work, vpmc_child_work);
	child->inherited = true;
	/*
	 * The root holds the event on every CPU for as long as it lives.
	 * Counting if the parent was: @task has not run yet.
	 */
	vpmc_core_thread_init(&child->vpmc.claim, false, vpmc_core_started(pu));
	/* An inherited parent whose root is being destroyed has none. */
	raw_spin_lock_irqsave(&vpmc_inherit_lock, flags);
	root = parent->inherited ? parent->root : parent;
	ok = root && !root->dying;
	if (ok) {
		WRITE_ONCE(child->root, root);
		list_add_tail(&child->cnode, &root->children);
	}
	raw_spin_unlock_irqrestore(&vpmc_inherit_lock, flags);
	if (!ok || vpmc_watched_attach(task, &child->vpmc, GFP_ATOMIC)) {
		/* Unseen by anyone but a root that may have taken it: undo. */
		raw_spin_lock_irqsave(&vpmc_inherit_lock, flags);
		list_del_init(&child->cnode);
		WRITE_ONCE(child->root, NULL);
		raw_spin_unlock_irqrestore(&vpmc_inherit_lock, flags);
		vpmc_core_thread_forget(&child->vpmc.claim);
		kmem_cache_free(vpmc_task_pmc_cache, child);
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
	struct vpmc_claim *claim;
	struct vpmc_watched *watched;

	/*
	 * RCU keeps the parent's virtual PMCs in memory without its lock,
	 * which a child's state must not nest in; one being destroyed
	 * meanwhile has a dying root, which refuses the child.
	 */
	rcu_read_lock();
	watched = vpmc_watched_find(parent);
	if (watched)
		vpmc_core_task_for_each_rcu(claim, &watched->ct)
			if (claim->flags & VPMC_F_INHERIT &&
			    !vpmc_core_thread_dead(claim))
				vpmc_inherit(claim_task_pmc(claim), child);
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
				 /* Written by the parameter's sysfs store. */
				 msecs_to_jiffies(READ_ONCE(unhook_ms)));
}

/* === The API === */

/* Switch in @watched's detached virtual PMCs if its thread is running here. */
static void __vt_sync(void *info)
{
	struct vpmc_watched *watched = info;

	if (current == watched->task)
		vpmc_core_task_switch(NULL, &watched->ct);
}

/*
 * The hook switches a thread's virtual PMCs in at its next switch-in; if
 * it has been running since before they were added, do it where it runs.
 * Once the thread moves, its switch-in did it: one try is enough.
 */
static void vt_sync(struct vpmc_watched *watched)
{
	/* An offline CPU fails the call: the thread does not run there. */
	smp_call_function_single(task_cpu(watched->task), __vt_sync, watched, 1);
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
	struct vpmc_task_pmc *tp;
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
	tp = vpmc_task_pmc_alloc(GFP_KERNEL);
	if (!tp)
		return ERR_PTR(-ENOMEM);
	vpmc = &tp->vpmc;
	vpmc_fill(vpmc, pmu, attr, allowed, task_cpu(task));
	INIT_WORK(&tp->work, vpmc_exit_work);

	mutex_lock(&vpmc_thread_mutex);
	if (!vpmc_hooked) {
		ret = vpmc_hook();
		if (ret)
			goto err_unlock;
	}
	WRITE_ONCE(vpmc_nr_roots, vpmc_nr_roots + 1);
	ret = vpmc_core_thread_init(&vpmc->claim, true, false);
	if (ret)
		goto err_root;
	ret = vpmc_watched_attach(task, &tp->vpmc, GFP_KERNEL);
	if (ret)
		goto err_claim;
	mutex_unlock(&vpmc_thread_mutex);
	vt_sync(vpmc->watched);
	__module_get(THIS_MODULE);
	return vpmc;

err_claim:
	/* Never on its thread (no tlock): nothing to detach, events to put. */
	vpmc_core_thread_forget(&vpmc->claim);
err_root:
	vpmc_root_put();
err_unlock:
	mutex_unlock(&vpmc_thread_mutex);
	kmem_cache_free(vpmc_task_pmc_cache, tp);
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
	bool inherit = vpmc->claim.flags & VPMC_F_INHERIT;
	struct vpmc_task_pmc *tp = to_task_pmc(vpmc), *child, *tmp;
	bool exited;
	unsigned long flags;
	LIST_HEAD(children);

	/* From its own exit notice, cancel_work_sync() below would hang. */
	if (WARN_ON_ONCE(current_work() == &tp->work))
		return;
	raw_spin_lock_irqsave(&vpmc_inherit_lock, flags);
	tp->dying = true;
	list_splice_init(&tp->children, &children);
	list_for_each_entry(child, &children, cnode)
		WRITE_ONCE(child->root, NULL);
	raw_spin_unlock_irqrestore(&vpmc_inherit_lock, flags);
	/* Ours now: their exit hook leaves them alone. */
	list_for_each_entry_safe(child, tmp, &children, cnode)
		vpmc_task_pmc_release(child);

	vpmc_core_thread_detach(&vpmc->claim);
	exited = vpmc_core_task_exited(&vpmc->watched->ct);
	/*
	 * Detached, it is dead to an exit hook that has yet to take the task
	 * lock; one that took it before may still queue the notice.
	 */
	if (exited)
		synchronize_rcu();
	cancel_work_sync(&tp->work);

	mutex_lock(&vpmc_thread_mutex);
	vpmc_task_pmc_release(tp);
	vpmc_root_put();
	mutex_unlock(&vpmc_thread_mutex);
	/* Exited inherited ones may still be queued for release. */
	if (inherit)
		flush_workqueue(vpmc_wq);
}

/* vpmc_read() of a per-thread virtual PMC. */
int vpmc_thread_read(struct vpmc *vpmc, struct vpmc_value *value)
{
	struct vpmc_value *f = &to_task_pmc(vpmc)->folded;
	unsigned long flags;
	int ret;

	if (vpmc_thread_current(vpmc))
		ret = vpmc_core_read_own_thread(&vpmc->claim, value);
	else
		ret = vpmc_core_read(&vpmc->claim, value);
	if (ret && ret != -EBUSY)
		return ret;
	/* Only inheriting ones have exited children folded in. */
	if (!(vpmc->claim.flags & VPMC_F_INHERIT))
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
	return vpmc->watched->task == current;
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
	if (vpmc_watched_init())
		return -ENOMEM;
	vpmc_task_pmc_cache = KMEM_CACHE(vpmc_task_pmc, 0);
	vpmc_wq = alloc_workqueue("vpmc", 0, 0);
	if (!vpmc_task_pmc_cache || !vpmc_wq) {
		if (vpmc_wq)
			destroy_workqueue(vpmc_wq);
		kmem_cache_destroy(vpmc_task_pmc_cache);
		vpmc_watched_exit();
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
	vpmc_watched_exit();
	kmem_cache_destroy(vpmc_task_pmc_cache);
}

/*
 * Bytes of a per-thread virtual PMC's thread state (vpmc_footprint(),
 * whose ksize() of the virtual PMC is its whole struct vpmc_task_pmc).
 */
size_t vpmc_thread_footprint(struct vpmc *vpmc)
{
	return vpmc->watched ? ksize(vpmc->watched) : 0;
}
