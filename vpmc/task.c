// SPDX-License-Identifier: GPL-2.0-only
/*
 * Monitored threads' state: one struct vpmc_task per thread that was given
 * a per-thread virtual PMC, in a hash table keyed by the task that the
 * scheduler hooks read under RCU. It holds core's state of the thread
 * (struct vpmc_core_task) and a reference on the task, and goes when its
 * last virtual PMC does, a grace period later.
 *
 * Locking: vpmc_tasks_lock guards changes to the table; it is innermost
 * but for the thread's own lock, which core's calls take inside it.
 */
#include <linux/error-injection.h>
#include <linux/hashtable.h>
#include <linux/rculist.h>
#include <linux/sched/task.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "priv.h"
#include "task.h"

#define VPMC_TASK_BITS	8
static DEFINE_HASHTABLE(vpmc_tasks, VPMC_TASK_BITS);
/* Guards changes to vpmc_tasks; interrupts disabled. */
static DEFINE_RAW_SPINLOCK(vpmc_tasks_lock);
static struct kmem_cache *vpmc_task_cache;

/**
 * vpmc_task_find() - the state of a monitored thread
 * @task: the thread
 *
 * Context: RCU read side (the scheduler hooks: RCU-sched).
 * Return: its state, or NULL if no virtual PMC was ever given to it.
 */
struct vpmc_task *vpmc_task_find(struct task_struct *task)
{
	struct vpmc_task *vt;

	hash_for_each_possible_rcu(vpmc_tasks, vt, node, (unsigned long)task)
		if (vt->task == task)
			return vt;
	return NULL;
}

/* A state vpmc_task_attach() hashed but could not use: no task reference. */
static void vt_free_new_rcu(struct rcu_head *rcu)
{
	kmem_cache_free(vpmc_task_cache, container_of(rcu, struct vpmc_task, rcu));
}

/* A fault-injection site (Documentation/testing.rst): it only allocates. */
static noinline struct vpmc_task *vt_alloc(gfp_t gfp)
{
	return kmem_cache_zalloc(vpmc_task_cache, gfp);
}

ALLOW_ERROR_INJECTION(vt_alloc, NULL);

/**
 * vpmc_task_attach() - give a thread a per-thread virtual PMC
 * @task: the thread
 * @vpmc: the virtual PMC, its user prepared (vpmc_core_thread_init())
 * @gfp: how to allocate the thread's state if it has none yet
 *
 * Context: any but NMI; may sleep if @gfp allows.
 * Return: 0; -ENOMEM; or -ESRCH for a thread that began exiting: past its
 * exit hook it would never count, and before it the hook finds the state,
 * which is hashed by then.
 */
int vpmc_task_attach(struct task_struct *task, struct vpmc *vpmc, gfp_t gfp)
{
	struct vpmc_task *vt, *new;
	unsigned long flags;
	int ret = 0;

	new = vt_alloc(gfp);
	if (!new)
		return -ENOMEM;
	vpmc_core_task_init(&new->ct);
	new->task = task;
	raw_spin_lock_irqsave(&vpmc_tasks_lock, flags);
	rcu_read_lock();
	vt = vpmc_task_find(task);
	rcu_read_unlock();
	if (!vt) {
		hash_add_rcu(vpmc_tasks, &new->node, (unsigned long)task);
		vt = new;
	}
	vpmc->vt = vt;
	ret = vpmc_core_task_add(&vt->ct, &vpmc->user, task);
	if (vt == new) {
		if (ret)
			hash_del_rcu(&new->node);
		else
			get_task_struct(task);
	}
	raw_spin_unlock_irqrestore(&vpmc_tasks_lock, flags);
	if (vt != new)
		kmem_cache_free(vpmc_task_cache, new);
	else if (ret)
		call_rcu(&new->rcu, vt_free_new_rcu);
	return ret;
}

static void vt_free_rcu(struct rcu_head *rcu)
{
	struct vpmc_task *vt = container_of(rcu, struct vpmc_task, rcu);

	put_task_struct(vt->task);
	kmem_cache_free(vpmc_task_cache, vt);
}

/**
 * vpmc_task_put() - drop a thread's state if no virtual PMC is left on it
 * @vt: the state
 *
 * Context: any but NMI.
 */
void vpmc_task_put(struct vpmc_task *vt)
{
	unsigned long flags;
	bool empty;

	/* Attaching adds under vpmc_tasks_lock: it stays empty meanwhile. */
	raw_spin_lock_irqsave(&vpmc_tasks_lock, flags);
	empty = !hlist_unhashed(&vt->node) && vpmc_core_task_empty(&vt->ct);
	if (empty)
		hash_del_rcu(&vt->node);
	raw_spin_unlock_irqrestore(&vpmc_tasks_lock, flags);
	if (empty)
		call_rcu(&vt->rcu, vt_free_rcu);
}

/* Module load: the cache of threads' states; 0 or -ENOMEM. */
int vpmc_task_init(void)
{
	vpmc_task_cache = KMEM_CACHE(vpmc_task, 0);
	return vpmc_task_cache ? 0 : -ENOMEM;
}

/* Module exit, after rcu_barrier(): no state is left or pending. */
void vpmc_task_exit(void)
{
	kmem_cache_destroy(vpmc_task_cache);
}
