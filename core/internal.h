/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private interface of core/, for the rest of vpmc.ko (vpmc/, the module
 * glue) and, through the VPMC_INTERNAL symbol namespace, for KUnit and
 * backends. Consumers never see it.
 */
#ifndef _VPMC_CORE_INTERNAL_H
#define _VPMC_CORE_INTERNAL_H

#include <linux/list.h>
#include <linux/rculist.h>
#include <linux/spinlock.h>
#include <linux/mutex.h>
#include <linux/smp.h>
#include <linux/seq_file.h>
#include <linux/timerqueue.h>

#include <vpmc/internal.h>

#include "backend.h"

/**
 * enum vpmc_claim_state - where a claim stands in its CPU's arbiter
 * @VPMC_CLAIM_DETACHED: not attached (before attach, after detach)
 * @VPMC_CLAIM_ACTIVE: holds a physical counter, alone or shared
 * @VPMC_CLAIM_WAITING: preempted; reinstated when a counter can be had
 * @VPMC_CLAIM_OFFLINE: a system-wide claim whose CPU went offline; on its
 *	arbiter's offline list until the CPU comes back
 */
enum vpmc_claim_state {
	VPMC_CLAIM_DETACHED,
	VPMC_CLAIM_ACTIVE,
	VPMC_CLAIM_WAITING,
	VPMC_CLAIM_OFFLINE,
};

/**
 * struct vpmc_claim - one claimant of a physical counter on one CPU
 * @pmu: the PMU instance
 * @cpu: the CPU whose counters it claims (a per-thread claim: the CPU its
 *	thread last ran on with it attached)
 * @id: a number for debugfs and logs
 * @config: raw event
 * @prio: priority, VPMC_PRIO_MIN..VPMC_PRIO_MAX
 * @flags: VPMC_F_*
 * @allowed: bitmap of the counters that may count @config
 * @overflow: called with the count at each threshold, or NULL
 * @preempted: called when the claim loses or regains its counter, or NULL
 * @hotplug: called in process context when its CPU goes offline (false)
 *	or comes back (true), or NULL
 * @tlock: a per-thread claim: the lock of its thread, which serialises its
 *	attachment (rule 5 in core/arbiter.h); NULL for a system-wide claim
 *	(set by vpmc_core_task_add())
 * @tnode: a per-thread claim: in its thread's vpmc_core_task.claims
 * @state: see enum vpmc_claim_state
 * @idx: the counter held, while ACTIVE
 * @started: counting was requested (vpmc_core_start())
 * @reported: the running state its @preempted callback last reported
 * @dead: a per-thread claim being destroyed: never attached again
 * @held: has held a counter since it was made: only then is losing one
 *	reported to @preempted
 * @waited: was WAITING when last attached and has had no counter since:
 *	a per-thread claim whose thread is off-CPU still reads -EBUSY then
 * @overdue: left a throttled counter with its threshold passed: its next
 *	callback catches up (fires once, for the last threshold passed)
 * @evref: holds an event_get() on @cpu (system-wide claims)
 * @node: in the CPU's waiting list (WAITING) or offline list (OFFLINE)
 * @cnode: in its counter's claim list (ACTIVE); shares @node's memory, as a
 *	claim is on one list at a time
 * @notify: in the list of callbacks an operation owes
 * @period: overflow period, 0 for none
 * @saved: count accumulated while not counting on a counter
 * @base: the counter's 64-bit count when this claim last began counting
 * @next: the count at which @overflow fires next
 * @tq: the threshold in the counter's timer queue (expires = the counter's
 *	count at which @next is reached), armed while ACTIVE, started and
 *	with a period
 * @time_enabled: ns started
 * @time_running: ns started and ACTIVE
 * @tstamp: when the times were last brought up to date
 *
 * Fields up to @hotplug are set by vpmc_core_claim_init() before
 * vpmc_core_attach() (or vpmc_core_thread_init()) and are then constant;
 * @tlock by vpmc_core_task_add(). The rest belongs to the
 * arbiter and is guarded by the lock of @cpu's arbiter; a per-thread claim
 * that is DETACHED by @tlock instead (rules in core/arbiter.h).
 */
struct vpmc_claim {
	struct vpmc_pmu *pmu;
	int cpu;
	unsigned int id;
	u64 config;
	int prio;
	unsigned int flags;
	unsigned long allowed;
	void (*overflow)(struct vpmc_claim *claim, u64 count);
	void (*preempted)(struct vpmc_claim *claim, bool running);
	void (*hotplug)(struct vpmc_claim *claim, bool online);
	raw_spinlock_t *tlock;
	struct list_head tnode;

	enum vpmc_claim_state state;
	unsigned int idx;
	bool started;
	bool reported;
	bool dead;
	bool held;
	bool waited;
	bool overdue;
	bool evref;
	union {
		struct list_head node;
		struct hlist_node cnode;
	};
	struct list_head notify;
	u64 period;
	u64 saved;
	u64 base;
	u64 next;
	struct timerqueue_node tq;
	u64 time_enabled;
	u64 time_running;
	u64 tstamp;
};

/**
 * struct vpmc_claim_cfg - what a claim is, as its creator decides
 * @pmu: the PMU instance
 * @cpu: the CPU whose counters it claims (per thread: its thread's CPU now)
 * @config: raw event
 * @prio: priority, VPMC_PRIO_MIN..VPMC_PRIO_MAX
 * @flags: VPMC_F_*
 * @allowed: the counters that may count @config (vpmc_pmu_event_counters())
 * @period: overflow period, 0 for none
 * @overflow: called with the count at each threshold, or NULL
 * @preempted: called when the claim loses or regains its counter, or NULL
 * @hotplug: called when its CPU goes offline or comes back, or NULL
 */
struct vpmc_claim_cfg {
	struct vpmc_pmu *pmu;
	int cpu;
	u64 config;
	int prio;
	unsigned int flags;
	unsigned long allowed;
	u64 period;
	void (*overflow)(struct vpmc_claim *claim, u64 count);
	void (*preempted)(struct vpmc_claim *claim, bool running);
	void (*hotplug)(struct vpmc_claim *claim, bool online);
};

void vpmc_core_claim_init(struct vpmc_claim *claim,
			  const struct vpmc_claim_cfg *cfg);
void vpmc_core_claim_init_child(struct vpmc_claim *child,
				const struct vpmc_claim *parent, int cpu);

/* === core/pmu.c: PMU instances and their description === */

const struct vpmc_pmu_desc *vpmc_pmu_desc(struct vpmc_pmu *pmu);
const char *vpmc_pmu_name(struct vpmc_pmu *pmu);
int vpmc_pmu_event_counters(struct vpmc_pmu *pmu, u64 config,
			    unsigned long *mask);
void vpmc_pmu_show(struct vpmc_pmu *pmu, struct seq_file *m);

/* === core/call.c and core/read.c: one claim at a time === */

int vpmc_core_attach(struct vpmc_claim *claim);
void vpmc_core_detach(struct vpmc_claim *claim);
int vpmc_core_start(struct vpmc_claim *claim);
int vpmc_core_stop(struct vpmc_claim *claim);
int vpmc_core_read(struct vpmc_claim *claim, struct vpmc_value *value);
int vpmc_core_read_own_thread(struct vpmc_claim *claim, struct vpmc_value *value);
int vpmc_core_read_local(struct vpmc_claim *claim, u64 *count);
int vpmc_core_write(struct vpmc_claim *claim, u64 count);
int vpmc_core_set_period(struct vpmc_claim *claim, u64 period);
int vpmc_core_swap(const struct vpmc_swap_op *ops, unsigned int nr,
		   struct vpmc_claim *(*claim_of)(struct vpmc *vpmc));
int vpmc_core_counter(struct vpmc_claim *claim);
int vpmc_core_overflow_sample(const struct vpmc_claim *claim,
			      struct vpmc_sample *sample);

/* Per-thread claims: attached only while their thread runs (rule 5). */
int vpmc_core_thread_init(struct vpmc_claim *claim, bool events, bool started);
void vpmc_core_thread_detach(struct vpmc_claim *claim);
void vpmc_core_thread_forget(struct vpmc_claim *claim);
bool vpmc_core_started(const struct vpmc_claim *claim);
bool vpmc_core_thread_dead(const struct vpmc_claim *claim);
void vpmc_core_thread_final(const struct vpmc_claim *claim,
			    struct vpmc_value *value);

/**
 * struct vpmc_core_task - a monitored thread, as core/ sees it
 * @lock: serialises the attachment of its claims (rule 5 in core/arbiter.h)
 * @claims: its claims (vpmc_claim.tnode); written under @lock, read under it
 *	or RCU (vpmc_core_task_for_each_rcu())
 * @one_pmu: the instance all of @claims are of; NULL if none or several
 * @exited: its exit hook ran: none of its claims is switched in again
 *
 * Embedded in vpmc/'s state of the thread; only core/switch.c touches it.
 */
struct vpmc_core_task {
	raw_spinlock_t lock;
	struct list_head claims;
	struct vpmc_pmu *one_pmu;
	bool exited;
};

/* Each claim of @ct, under RCU (or @ct's lock). */
#define vpmc_core_task_for_each_rcu(claim, ct) \
	list_for_each_entry_rcu(claim, &(ct)->claims, tnode)

void vpmc_core_task_init(struct vpmc_core_task *ct);
int vpmc_core_task_add(struct vpmc_core_task *ct, struct vpmc_claim *claim,
		       struct task_struct *task);
void vpmc_core_task_del(struct vpmc_core_task *ct, struct vpmc_claim *claim);
bool vpmc_core_task_empty(struct vpmc_core_task *ct);
bool vpmc_core_task_exited(struct vpmc_core_task *ct);
void vpmc_core_task_switch(struct vpmc_core_task *prev,
			   struct vpmc_core_task *next);
void vpmc_core_task_exit(struct vpmc_core_task *ct);

/* === core/hotplug.c: CPU hotplug and events kept on every CPU === */

int vpmc_hotplug_init(void);
void vpmc_hotplug_exit(void);
void vpmc_pmu_register(struct vpmc_pmu *pmu);
void vpmc_pmu_unregister(struct vpmc_pmu *pmu);
int vpmc_events_hold_all(struct vpmc_pmu *pmu, u64 config);
void vpmc_events_release_all(struct vpmc_pmu *pmu, u64 config);
extern struct mutex vpmc_events_mutex;
unsigned int vpmc_cpu_gen_get(int cpu);
void vpmc_cpus_sync(void);
void vpmc_hotplug_on_cpu_up(smp_call_func_t fn);
void vpmc_core_cpu_down(struct vpmc_pmu *pmu, int cpu);
void vpmc_core_cpu_release(struct vpmc_pmu *pmu, int cpu);
void vpmc_core_cpu_up(struct vpmc_pmu *pmu, int cpu, unsigned int gen);
bool vpmc_core_in_notice(void);

#endif /* _VPMC_CORE_INTERNAL_H */
