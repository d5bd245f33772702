/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KUnit helpers for per-thread virtual PMCs: a private simulated PMU per
 * test, and kthreads ("workers") that inject events on their own CPU when
 * told, through the real scheduler hooks (kunit/th_worker.c).
 */
#ifndef _VPMC_KUNIT_TH_WORKER_H
#define _VPMC_KUNIT_TH_WORKER_H

#include <kunit/test.h>
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/types.h>

#include <vpmc/internal.h>

#define EV_A		0x10
#define EV_B		0x11
#define EV_C		0x12
#define ROUNDS		20

struct task_struct;

/**
 * struct th_ctx - a test's state
 * @pmu: its simulated PMU, checked and released by th_exit()
 */
struct th_ctx {
	struct vpmc_pmu *pmu;
};

/**
 * struct th_worker - a kthread that injects when told
 * @task: the kthread (a reference is held)
 * @pmu: where to inject
 * @config: the event
 * @go: its turn
 * @done: its turn is over
 * @amount: events to inject this turn, 0 to exit
 * @cpu: the CPU to move to first this turn, or -1
 * @injected: events injected on its own CPU in all its turns
 * @err: a failed injection
 * @pmu2: a second PMU to inject into as well, or NULL
 * @self: a virtual PMC of its own to read after each turn's injection, or
 *	NULL (vpmc_read() by the thread itself: the lockless way)
 * @self_ok: turns whose read of @self gave @injected exactly
 */
struct th_worker {
	struct task_struct *task;
	struct vpmc_pmu *pmu;
	struct vpmc_pmu *pmu2;
	struct vpmc *self;
	unsigned int self_ok;
	u64 config;
	struct completion go;
	struct completion done;
	u64 amount;
	int cpu;
	u64 injected;
	int err;
};

extern atomic_t th_exits;

struct vpmc_pmu *th_pmu(struct kunit *test, unsigned int gp);
int th_init(struct kunit *test);
void th_exit(struct kunit *test);
void th_start(struct kunit *test, struct th_worker *w, struct vpmc_pmu *pmu,
	      u64 config, int cpu);
void th_wait_asleep(struct kunit *test, struct th_worker *w);
void th_turn(struct th_worker *w, u64 amount, int cpu);
void th_stop(struct kunit *test, struct th_worker *w);
void th_notice(struct vpmc *v, enum vpmc_notice notice, void *priv);
struct vpmc *th_vpmc(struct kunit *test, struct vpmc_pmu *pmu,
		     struct task_struct *task, u64 config, unsigned int flags);
u64 th_count(struct kunit *test, struct vpmc *v);

#endif /* _VPMC_KUNIT_TH_WORKER_H */
