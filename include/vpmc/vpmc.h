/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vpmc - virtual performance-monitoring counters: the public in-kernel API.
 *
 * This is the only header a consumer (tracer, watchdog, profiling module,
 * the perfmon2 interface) may include. Everything here is exported with
 * EXPORT_SYMBOL_GPL from vpmc.ko.
 */
#ifndef _VPMC_VPMC_H
#define _VPMC_VPMC_H

#include <linux/bits.h>
#include <linux/limits.h>
#include <linux/types.h>

/* The most physical counters one CPU may have, fixed ones included. */
#define VPMC_MAX_COUNTERS	32

/**
 * enum vpmc_counter_kind - what a physical counter can count
 * @VPMC_COUNTER_GENERAL: programmable: counts any event its constraints allow
 * @VPMC_COUNTER_FIXED: counts exactly one event, vpmc_counter_info.fixed_event
 */
enum vpmc_counter_kind {
	VPMC_COUNTER_GENERAL,
	VPMC_COUNTER_FIXED,
};

/**
 * struct vpmc_counter_info - description of one physical counter
 * @kind: general or fixed
 * @width: implemented bits; vpmc extends every count to 64 bits
 * @fixed_event: for a fixed counter, the raw encoding of its event; else 0
 */
struct vpmc_counter_info {
	enum vpmc_counter_kind kind;
	unsigned int width;
	u64 fixed_event;
};

/**
 * enum vpmc_generic_event - events with a common meaning on every PMU
 * @VPMC_EVENT_CYCLES: core clock cycles
 * @VPMC_EVENT_INSTRUCTIONS: retired instructions
 * @VPMC_EVENT_REF_CYCLES: reference cycles, unaffected by frequency scaling
 * @VPMC_EVENT_CACHE_REFERENCES: last-level cache references
 * @VPMC_EVENT_CACHE_MISSES: last-level cache misses
 * @VPMC_EVENT_BRANCHES: retired branch instructions
 * @VPMC_EVENT_BRANCH_MISSES: mispredicted branches
 * @VPMC_EVENT_MAX: number of generic events
 *
 * vpmc_generic_event() maps them to the backend's raw encoding where the
 * backend has one.
 */
enum vpmc_generic_event {
	VPMC_EVENT_CYCLES,
	VPMC_EVENT_INSTRUCTIONS,
	VPMC_EVENT_REF_CYCLES,
	VPMC_EVENT_CACHE_REFERENCES,
	VPMC_EVENT_CACHE_MISSES,
	VPMC_EVENT_BRANCHES,
	VPMC_EVENT_BRANCH_MISSES,
	VPMC_EVENT_MAX
};

/*
 * Priorities: a request may preempt virtual PMCs of strictly lower priority.
 * Any value from VPMC_PRIO_MIN to VPMC_PRIO_MAX is allowed; these name the
 * levels of common users.
 */
#define VPMC_PRIO_MIN		0
#define VPMC_PRIO_USER		100
#define VPMC_PRIO_TRACER	200
#define VPMC_PRIO_WATCHDOG	300
#define VPMC_PRIO_MAX		1000

/* The longest overflow period: thresholds live in signed 64-bit keys. */
#define VPMC_MAX_PERIOD		(S64_MAX / 2)

/* Never share the physical counter with another virtual PMC. */
#define VPMC_F_EXCLUSIVE	BIT(0)
/* Never preempted (creation fails instead when no counter can be had). */
#define VPMC_F_PINNED		BIT(1)
/*
 * Per-thread only: threads the monitored thread creates from now on are
 * monitored too, and each one's count and times are folded into this
 * virtual PMC when it exits. Counting only: no period.
 */
#define VPMC_F_INHERIT		BIT(2)

/* Privilege levels an event counts at (vpmc_event_plm()). */
#define VPMC_PLM_USER		BIT(0)
#define VPMC_PLM_KERNEL		BIT(1)

struct vpmc;
struct task_struct;
struct cred;

/**
 * enum vpmc_notice - what a notice callback is told
 * @VPMC_NOTICE_EXIT: the monitored thread exited; its final count stays
 *	readable until vpmc_destroy()
 * @VPMC_NOTICE_OFFLINE: the CPU of a system-wide virtual PMC went offline:
 *	it stopped counting, keeps its count, and reads fail with -ENODEV
 * @VPMC_NOTICE_ONLINE: that CPU is back: it counts again if it was started
 *	(or waits for a counter, as after a preemption)
 */
enum vpmc_notice {
	VPMC_NOTICE_EXIT,
	VPMC_NOTICE_OFFLINE,
	VPMC_NOTICE_ONLINE,
};

/**
 * typedef vpmc_overflow_fn - overflow callback
 * @vpmc: the virtual PMC whose count reached its threshold
 * @count: its count at the threshold (a multiple of the period past the
 *	count at which the period was armed). After callbacks were
 *	throttled for taking too much of the CPU (module parameter
 *	overflow_max_percent), it may jump several periods: the thresholds
 *	passed meanwhile are skipped, and this is the last of them
 * @priv: vpmc_attr.priv
 *
 * Runs in hard interrupt context, interrupts disabled, on the virtual PMC's
 * CPU (per thread: while its thread runs there). It may call
 * vpmc_read_local(), vpmc_stop(), vpmc_start(), vpmc_write(),
 * vpmc_set_period() and vpmc_swap() on virtual PMCs of this CPU, its own
 * and others it finds in its owner's data; must not sleep; and may not
 * destroy a virtual PMC (vpmc_destroy() warns and does nothing). A virtual PMC destroyed
 * meanwhile stays memory until a grace period after vpmc_destroy(), and
 * these calls on it fail with -ENODEV: an owner that takes a virtual PMC
 * out of its data before destroying it (under a lock its callbacks take,
 * or with WRITE_ONCE() and READ_ONCE()) is safe from its own callbacks on
 * any CPU (Documentation/design.rst, "Lifetime"). vpmc_overflow_sample()
 * tells it where the overflow interrupted the CPU.
 */
typedef void (*vpmc_overflow_fn)(struct vpmc *vpmc, u64 count, void *priv);

/**
 * typedef vpmc_preempt_fn - preemption callback
 * @vpmc: the virtual PMC
 * @running: false when a higher-priority request took its counter (its
 *	count freezes and reads fail with -EBUSY), true when it is counting
 *	again
 * @priv: vpmc_attr.priv
 *
 * Same context and rules as &vpmc_overflow_fn.
 */
typedef void (*vpmc_preempt_fn)(struct vpmc *vpmc, bool running, void *priv);

/**
 * typedef vpmc_notice_fn - lifetime notice
 * @vpmc: the virtual PMC
 * @notice: what happened
 * @priv: vpmc_attr.priv
 *
 * Runs in process context (a workqueue for %VPMC_NOTICE_EXIT; the CPU
 * hotplug thread for %VPMC_NOTICE_OFFLINE; for %VPMC_NOTICE_ONLINE, the
 * work that brings a CPU up after it came online, or a vpmc_create() that
 * did it first). It may sleep and operate on @vpmc, but must not destroy
 * a virtual PMC (vpmc_destroy() warns and does nothing) or create one.
 */
typedef void (*vpmc_notice_fn)(struct vpmc *vpmc, enum vpmc_notice notice,
			       void *priv);

/**
 * struct vpmc_attr - what a virtual PMC counts and how it is arbitrated
 * @config: raw event encoding (see vpmc_generic_event())
 * @priority: VPMC_PRIO_MIN..VPMC_PRIO_MAX; higher preempts lower
 * @flags: VPMC_F_EXCLUSIVE, VPMC_F_PINNED, VPMC_F_INHERIT
 * @period: overflow period in events, up to VPMC_MAX_PERIOD; needs
 *	@overflow; 0 for none until vpmc_set_period()
 * @overflow: called every @period events while counting
 * @preempt: called when the virtual PMC loses or regains its counter (a
 *	per-thread one: while its thread runs)
 * @notice: called when its thread exits or its CPU goes off- or online
 * @priv: passed to the callbacks
 */
struct vpmc_attr {
	u64 config;
	int priority;
	unsigned int flags;
	u64 period;
	vpmc_overflow_fn overflow;
	vpmc_preempt_fn preempt;
	vpmc_notice_fn notice;
	void *priv;
};

/**
 * struct vpmc_value - a read of a virtual PMC
 * @count: the 64-bit virtual count
 * @time_enabled: nanoseconds the virtual PMC was started (per thread:
 *	and its thread ran)
 * @time_running: nanoseconds of those it held a counter
 */
struct vpmc_value {
	u64 count;
	u64 time_enabled;
	u64 time_running;
};

/**
 * struct vpmc_sample - where an overflow interrupted its CPU
 * @ip: the interrupted instruction pointer; 0 if the backend's interrupt
 *	left none (an overflow raised from process context, as the sim
 *	backend's injections from their own CPU)
 * @time: local_clock() at the interrupt, in nanoseconds
 * @pid: thread id of the interrupted task (0: the idle task)
 * @tgid: its process id
 * @cpu: the CPU
 * @user: @ip is in user mode
 *
 * Captured when the backend's interrupt came (its NMI, before vpmc defers
 * the dispatch out of it), so the only skid is the hardware's. Several
 * overflows of one counter that an NMI could not dispatch one by one share
 * the first one's sample.
 */
struct vpmc_sample {
	u64 ip;
	u64 time;
	pid_t pid;
	pid_t tgid;
	unsigned int cpu;
	bool user;
};

/**
 * struct vpmc_swap_op - one virtual PMC's part in vpmc_swap()
 * @vpmc: the virtual PMC
 * @period: with @start and @rearm: its new overflow period, as
 *	vpmc_set_period() takes it, counted from the start
 * @start: start it; false: stop it
 * @rearm: set @period before starting (only with an overflow callback)
 */
struct vpmc_swap_op {
	struct vpmc *vpmc;
	u64 period;
	bool start;
	bool rearm;
};

struct vpmc *vpmc_create(const struct vpmc_attr *attr, int cpu);
struct vpmc *vpmc_create_task(const struct vpmc_attr *attr,
			      struct task_struct *task, const struct cred *cred);
int vpmc_may_monitor(const struct cred *cred, struct task_struct *task);
void vpmc_destroy(struct vpmc *vpmc);
int vpmc_start(struct vpmc *vpmc);
int vpmc_stop(struct vpmc *vpmc);
int vpmc_read(struct vpmc *vpmc, struct vpmc_value *value);
int vpmc_read_local(struct vpmc *vpmc, u64 *count);
int vpmc_write(struct vpmc *vpmc, u64 count);
int vpmc_set_period(struct vpmc *vpmc, u64 period);
int vpmc_swap(const struct vpmc_swap_op *ops, unsigned int nr);
int vpmc_overflow_sample(struct vpmc *vpmc, struct vpmc_sample *sample);

const char *vpmc_backend_name(void);
unsigned int vpmc_num_counters(void);
int vpmc_counter_info(unsigned int idx, struct vpmc_counter_info *info);
int vpmc_event_counters(u64 config, unsigned long *mask);
const char *vpmc_event_format(void);
unsigned int vpmc_event_plm(u64 config);
const char *vpmc_generic_event_name(enum vpmc_generic_event event);
int vpmc_generic_event(enum vpmc_generic_event event, u64 *config);

#endif /* _VPMC_VPMC_H */
