// SPDX-License-Identifier: GPL-2.0-only
/*
 * Monitored threads' state: one struct vpmc_watched per thread that was given
 * a per-thread virtual PMC, in a hash table keyed by the task that the
 * scheduler hooks read under RCU. It holds core's state of the thread
 * (struct vpmc_core_task) and a reference on the task, and goes when its
 * last virtual PMC does, a grace period later.
 *
 * Locking: vpmc_watched_lock guards changes to the table; it is innermost
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
static DEFINE_HASHTABLE(vpmc_watched_hash, VPMC_TASK_BITS);
/* Guards changes to vpmc_watched_hash; interrupts disabled. */
static DEFINE_RAW_SPINLOCK(vpmc_watched_lock);
static struct kmem_cache *vpmc_watched_cache;

/**
 * vpmc_watched_find() - the state of a monitored thread
 * @task: the thread
 *
 * Context: RCU read side (the scheduler hooks: RCU-sched).
 * Return: its state, or NULL if no virtual PMC was ever given to it.
 */
struct vpmc_watched *vpmc_watched_find(struct task_struct *task)
{
	struct vpmc_watched *watched;

	hash_for_each_possible_rcu(vpmc_watched_hash, watched, node, (unsigned long)task)
		if (watched->task == task)
			return watched;
	return NULL;
}

/* A state vpmc_watched_attach() hashed but could not use: no task reference. */
static void vt_free_new_rcu(struct rcu_head *rcu)
{
	kmem_cache_free(vpmc_watched_cache, container_of(rcu, struct vpmc_watched, rcu));
}

/* A fault-injection site (Documentation/testing.rst): it only allocates. */
static noinline struct vpmc_watched *watched_alloc(gfp_t gfp)
{
	return kmem_cache_zalloc(vpmc_watched_cache, gfp);
}

ALLOW_ERROR_INJECTION(watched_alloc, NULL);

/**
 * vpmc_watched_attach() - give a thread a per-thread virtual PMC
 * @task: the thread
 * @vpmc: the virtual PMC, its claim prepared (vpmc_core_thread_init())
 * @gfp: how to allocate the thread's state if it has none yet
 *
 * Context: any but NMI; may sleep if @gfp allows.
 * Return: 0; -ENOMEM; or -ESRCH for a thread that began exiting: past its
 * exit hook it would never count, and before it the hook finds the state,
 * which is hashed by then.
 */
int vpmc_watched_attach(struct task_struct *task, struct vpmc *vpmc, gfp_t gfp)
{
	struct vpmc_watched *watched, *new;
	unsigned long flags;
	int ret = 0;

	new = watched_alloc(gfp);
	if (!new)
		return -ENOMEM;
	vpmc_core_task_init(&new->ct);
	new->task = task;
	raw_spin_lock_irqsave(&vpmc_watched_lock, flags);
	rcu_read_lock();
	watched = vpmc_watched_find(task);
	rcu_read_unlock();
	if (!watched) {
		hash_add_rcu(vpmc_watched_hash, &new->node, (unsigned long)task);
		watched = new;
	}
	vpmc->watched = watched;
	ret = vpmc_core_task_add(&watched->ct, &vpmc->claim, task);
	if (watched == new) {
		if (ret)
			hash_del_rcu(&new->node);
		else
			get_task_struct(task);
	}
	raw_spin_unlock_irqrestore(&vpmc_watched_lock, flags);
	if (watched != new)
		kmem_cache_free(vpmc_watched_cache, new);
	else if (ret)
		call_rcu(&new->rcu, vt_free_new_rcu);
	return ret;
}

static void vt_free_rcu(struct rcu_head *rcu)
{
	struct vpmc_watched *watched = container_of(rcu, struct vpmc_watched, rcu);

	put_task_struct(watched->task);
	kmem_cache_free(vpmc_watched_cache, watched);
}

/**
 * vpmc_watched_put() - drop a thread's state if no virtual PMC is left on it
 * @watched: the state
 *
 * Context: any but NMI.
 */
void vpmc_watched_put(struct vpmc_watched *watched)
{
	unsigned long flags;
	bool empty;

	/* Attaching adds under vpmc_watched_lock: it stays empty meanwhile. */
	raw_spin_lock_irqsave(&vpmc_watched_lock, flags);
	empty = !hlist_unhashed(&watched->node) && vpmc_core_task_empty(&watched->ct);
	if (empty)
		hash_del_rcu(&watched->node);
	raw_spin_unlock_irqrestore(&vpmc_watched_lock, flags);
	if (empty)
		call_rcu(&watched->rcu, vt_free_rcu);
}

/* Module load: the cache of threads' states; 0 or -ENOMEM. */
int vpmc_watched_init(void)
{
	vpmc_watched_cache = KMEM_CACHE(vpmc_watched, 0);
	return vpmc_watched_cache ? 0 : -ENOMEM;
}

/* Module exit, after rcu_barrier(): no state is left or pending. */
void vpmc_watched_exit(void)
{
	kmem_cache_destroy(vpmc_watched_cache);
}
