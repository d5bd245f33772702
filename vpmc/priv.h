/* SPDX-License-Identifier: GPL-2.0-only */
/* Private interface of the vpmc/ layer (virtual PMC objects and their views). */
#ifndef _VPMC_PRIV_H
#define _VPMC_PRIV_H

#include <linux/workqueue.h>

#include <vpmc/vpmc.h>

#include "core/internal.h"

#define VPMC_VERSION	"0.4.0"

struct vpmc_task;

/**
 * struct vpmc - a virtual PMC, system-wide or per-thread
 * @user: its claim on a counter, managed by core/
 * @attr: what the consumer asked for
 * @vt: per-thread: its thread's state (vpmc/thread.c); NULL system-wide
 * @tnode: in @vt's list, guarded by @vt's lock
 * @root: an inherited one: the virtual PMC it folds into; NULL when none
 *	(guarded by vpmc_inherit_lock)
 * @children: a root: its live inherited virtual PMCs (vpmc_inherit_lock)
 * @cnode: in its root's @children
 * @folded: a root: counts and times of its exited inherited ones
 *	(vpmc_inherit_lock)
 * @dying: a root being destroyed: inherits no more (vpmc_inherit_lock)
 * @exit_notice: its exit notice is owed (set by the exit hook)
 * @inherited: made by the fork hook (constant)
 * @work: a root: tells its owner its thread exited; an inherited one:
 *	frees it after its thread exited
 * @rcu: per-thread ones are freed after a grace period: the scheduler
 *	hooks find them under RCU
 */
struct vpmc {
	struct vpmc_user user;
	struct vpmc_attr attr;
	struct vpmc_task *vt;
	struct list_head tnode;
	struct vpmc *root;
	struct list_head children;
	struct list_head cnode;
	struct vpmc_value folded;
	bool dying;
	bool exit_notice;
	bool inherited;
	struct work_struct work;
	struct rcu_head rcu;
};

struct vpmc *vpmc_alloc(struct vpmc_pmu *pmu, const struct vpmc_attr *attr,
			bool thread);
void vpmc_init_user(struct vpmc *vpmc, struct vpmc_pmu *pmu,
		    unsigned long allowed);
int vpmc_thread_init(void);
void vpmc_thread_exit(void);
void vpmc_thread_destroy(struct vpmc *vpmc);
int vpmc_thread_read(struct vpmc *vpmc, struct vpmc_value *value);
bool vpmc_thread_current(struct vpmc *vpmc);
size_t vpmc_thread_footprint(struct vpmc *vpmc);

int vpmc_sysfs_init(void);
void vpmc_sysfs_exit(void);
void vpmc_debugfs_init(void);
void vpmc_debugfs_exit(void);

#endif /* _VPMC_PRIV_H */
