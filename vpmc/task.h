/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Monitored threads' state, found from the task (vpmc/task.c), for the
 * per-thread virtual PMCs of vpmc/thread.c.
 */
#ifndef _VPMC_TASK_H
#define _VPMC_TASK_H

#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>

#include "core/internal.h"

struct vpmc;

/**
 * struct vpmc_watched - a monitored thread
 * @node: in vpmc_watched_hash, keyed by @task (RCU readers, vpmc_watched_lock)
 * @task: the thread; a reference is held
 * @ct: core's state of the thread: its virtual PMCs' claims, their lock
 *	(rule 5) and whether it exited
 * @rcu: freed after a grace period
 */
struct vpmc_watched {
	struct hlist_node node;
	struct task_struct *task;
	struct vpmc_core_task ct;
	struct rcu_head rcu;
};

struct vpmc_watched *vpmc_watched_find(struct task_struct *task);
int vpmc_watched_attach(struct task_struct *task, struct vpmc *vpmc, gfp_t gfp);
void vpmc_watched_put(struct vpmc_watched *watched);
int vpmc_watched_init(void);
void vpmc_watched_exit(void);

#endif /* _VPMC_TASK_H */
