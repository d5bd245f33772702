/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vpmc_perfmon: the perfmon2 v2.82 interface on top of vpmc's public API.
 * Private header of the module.
 *
 * Model. A context owns event sets; set 0 exists from creation. Every set
 * has PFM_NR PMC/PMD pairs: PMC n holds the raw event encoding (the
 * backend's, see vpmc_event_format()) of virtual counter n, whose 64-bit
 * value is PMD n. While the context is loaded, each PMD whose PMC was
 * written is backed by one virtual PMC (per thread or on one CPU); only
 * the active set's are started. vpmc's arbiter chooses physical counters,
 * so PMC/PMD numbers only name virtual counters.
 *
 * A PMD's value is pmd->base + the virtual PMC's count (mod 2^64): the
 * count is never written, so a write or a reset moves @base instead, and
 * vpmc's overflow schedule is armed for the distance to the 64-bit wrap
 * (a PMD holding -p overflows after p events). The callback finds the PMD
 * wrapped (bit 63 clear again, plus the events of interrupt skid) or, when
 * the distance was beyond vpmc's longest period, re-arms for the rest.
 */
#ifndef _VPMC_PERFMON_PFM_H
#define _VPMC_PERFMON_PFM_H

#include <linux/fs.h>
#include <linux/hrtimer.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/seqlock.h>
#include <linux/spinlock.h>
#include <linux/task_work.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <perfmon/perfmon.h>
#include <perfmon/perfmon_dev.h>
#include <vpmc/vpmc.h>

/* PMC/PMD pairs per set: vpmc_num_counters(), at most this many. */
#define PFM_NR			VPMC_MAX_COUNTERS
#define PFM_MSGQ_LEN		8
/* Sets per context: each costs kernel memory (about 5 KiB). */
#define PFM_MAX_SETS		256

extern unsigned int pfm_nr;		/* PMC/PMD pairs offered */
extern int pfm_paranoid;		/* see main.c */

struct pfm_ctx;
struct pfm_set;
struct pfm_smpl;

/**
 * struct pfm_pmd - one virtual counter of one set
 * @set: its set
 * @num: its number
 * @flags: PFM_REGFL_OVFL_NOTIFY, PFM_REGFL_RANDOM
 * @value: the value while no virtual PMC backs it
 * @base: the value minus the virtual PMC's count, while one backs it
 * @seq: written around every move of @base, under ctx->lock, so that
 *	pfm_read_pmds() reads @base and the count without the lock and
 *	can tell when an overflow reloaded the PMD in between
 * @armed: its virtual PMC's overflow schedule aims at the 64-bit wrap
 * @reloaded: its value is a reload of an overflow's, not the caller's:
 *	past the wrap, it overflows again at once (pfm_pmd_arm())
 * @long_reset: reload value after an overflow that notified
 * @short_reset: reload value after one that did not
 * @last_reset: the last value reloaded
 * @switch_cnt: overflows before the set switches (PFM_SETFL_OVFL_SWITCH)
 * @switch_left: overflows still to go
 * @reset_pmds: other PMDs of the set reloaded when this one overflows
 * @smpl_pmds: PMDs whose values a sample of this PMD's overflows records
 * @eventid: the sample event id
 * @random_mask: PFM_REGFL_RANDOM: bits of the reload value randomized
 * @vpmc: the virtual PMC while loaded and the PMC is written, else NULL
 *
 * ctx->mutex guards everything; ctx->lock also guards @base, @seq, @armed,
 * @reloaded, @last_reset and @switch_left, which the overflow callback
 * changes.
 */
struct pfm_pmd {
	struct pfm_set *set;
	unsigned int num;
	u32 flags;
	u64 value;
	u64 base;
	seqcount_spinlock_t seq;	/* see @seq above */
	bool armed;
	bool reloaded;
	u64 long_reset;
	u64 short_reset;
	u64 last_reset;
	u64 switch_cnt;
	u64 switch_left;
	u32 reset_pmds;
	u32 smpl_pmds;
	u64 eventid;
	u64 random_mask;
	struct vpmc *vpmc;
};

/**
 * struct pfm_set - one event set
 * @node: in ctx->sets, ordered by @id
 * @ctx: its context
 * @id: set number
 * @flags: PFM_SETFL_*
 * @timeout: ns before switching (PFM_SETFL_TIME_SWITCH)
 * @pmcs: PMC values
 * @used: PMCs written (so PMDs backed by a virtual PMC once loaded)
 * @pmds_used: PMDs written, or named in a written PMD's reset or sample
 *	mask: the ones pfm_read_pmds() may read (as perfmon2's used_pmds)
 * @runs: times it became the active set while the context was started
 * @duration: ns it was active and started, up to @activated
 * @activated: ktime of its activation, while active and started; else 0
 * @ovfl_pmds: PMDs that overflowed since the last getinfo (ctx->lock)
 * @smpl_resets: PMDs whose reload a sampling format's mask deferred to
 *	pfm_restart() (ctx->lock)
 * @pmds: its PMDs
 */
struct pfm_set {
	struct list_head node;
	struct pfm_ctx *ctx;
	u16 id;
	u32 flags;
	u64 timeout;
	u64 pmcs[PFM_NR];
	u32 used;
	u32 pmds_used;
	u64 runs;
	u64 duration;
	u64 activated;
	u32 ovfl_pmds;
	u32 smpl_resets;
	struct pfm_pmd pmds[PFM_NR];
};

enum pfm_state {
	PFM_CTX_UNLOADED,
	PFM_CTX_LOADED,
};

/**
 * struct pfm_ctx - a perfmon context: one open file
 * @ref: the file holds one, a pending blocking task_work another
 * @mutex: serializes the calls, the set switch and the exit work; taken
 *	before @lock. Locking order: mutex -> lock -> (vpmc's arbiter lock,
 *	taken inside vpmc_* calls). vpmc calls that may wait for another
 *	CPU are never made under @lock.
 * @read_mutex: readers take turns, so a message leaves the queue only
 *	after it was copied out; taken alone
 * @lock: guards what the overflow callback touches: @masked, the message
 *	queue, the PMDs' reload state and set->ovfl_pmds. Taken in hard
 *	interrupt context by the overflow callback.
 * @flags: ctx_flags
 * @cred: the creator's credentials: the context's privilege, for good
 * @may_kernel: the creator may count kernel mode
 * @state: UNLOADED or LOADED (@mutex; read locklessly by the blocked task)
 * @started: pfm_start()ed (@mutex)
 * @masked: stopped by a notification until pfm_restart() (@lock; MASKED)
 * @exited: the monitored thread exited (@lock)
 * @block_queued: a blocking task_work is pending on the thread (@lock)
 * @task: the monitored thread, while loaded per thread (a reference)
 * @loader: who loaded it: no PFM_MSG_END when that thread itself exits
 * @cpu: the CPU, while loaded system-wide
 * @sets: the sets, by id
 * @active: the active set while loaded
 * @msgq: queued messages (@lock)
 * @msg_head: first queued (@lock)
 * @msg_count: how many (@lock)
 * @msg_lost: messages dropped on a full queue (@lock)
 * @wait: readers and pollers
 * @restart_wait: a thread blocked by PFM_FL_NOTIFY_BLOCK
 * @fasync: SIGIO owners
 * @timer: PFM_SETFL_TIME_SWITCH timeout of the active set
 * @switch_work: switches sets, in process context (timer or overflows)
 * @exit_work: unloads after the monitored thread exited
 * @block_cb: the task_work that blocks the monitored thread
 * @node: in pfm_tasks while loaded per thread
 * @vec: PFM_VEC_KEEP bytes for the calls' vectors, or NULL until one
 *	(pfm_ctx_vec(); @mutex)
 * @swap: what pfm_set_swap() asks of vpmc_swap() (@mutex)
 * @smpl: its sampling format and buffer, or NULL (set at creation)
 */
struct pfm_ctx {
	struct kref ref;
	struct mutex mutex;	/* see @mutex above */
	struct mutex read_mutex;	/* see @read_mutex above */
	spinlock_t lock;	/* see @lock above */
	u32 flags;
	const struct cred *cred;
	bool may_kernel;
	enum pfm_state state;
	bool started;
	bool masked;
	bool exited;
	bool block_queued;
	struct task_struct *task;
	pid_t loader;
	int cpu;
	struct list_head sets;
	struct pfm_set *active;
	pfarg_msg_t msgq[PFM_MSGQ_LEN];
	unsigned int msg_head;
	unsigned int msg_count;
	u64 msg_lost;
	wait_queue_head_t wait;
	wait_queue_head_t restart_wait;
	struct fasync_struct *fasync;
	struct hrtimer timer;
	struct work_struct switch_work;
	struct work_struct exit_work;
	struct callback_head block_cb;
	struct list_head node;
	void *vec;
	struct vpmc_swap_op swap[2 * PFM_NR];
	struct pfm_smpl *smpl;
};

/* ctx.c: contexts and their calls. */
long pfm_create_context(const struct pfm_dev_create __user *uarg);
void pfm_ctx_put(struct pfm_ctx *ctx);
void pfm_notify_ovfl(struct pfm_ctx *ctx, struct pfm_set *set, unsigned int num);
void pfm_wake_ovfl(struct pfm_ctx *ctx, struct pfm_set *set, unsigned int num);
void pfm_notice(struct vpmc *vpmc, enum vpmc_notice notice, void *priv);

/* regs.c: the PMC and PMD calls. */
int pfm_write_pmcs(struct pfm_ctx *ctx, void __user *uptr, int count);
int pfm_write_pmds(struct pfm_ctx *ctx, void __user *uptr, int count);
int pfm_read_pmds(struct pfm_ctx *ctx, void __user *uptr, int count);
void pfm_regs_init(void);
extern u64 pfm_pmc_rsvd;

/* pmd.c: the virtual PMCs behind PMDs, their values, overflow. */
int pfm_set_attach(struct pfm_set *set);
void pfm_set_detach(struct pfm_set *set);
void pfm_set_stop(struct pfm_set *set);
void pfm_set_swap(struct pfm_ctx *ctx, struct pfm_set *stop,
		  struct pfm_set *start);
u64 pfm_pmd_get(struct pfm_pmd *pmd);
void pfm_pmd_put(struct pfm_pmd *pmd, u64 value);
int pfm_pmd_rebind(struct pfm_pmd *pmd, u64 config);
void pfm_pmd_reset_long(struct pfm_pmd *pmd);
u64 pfm_pmd_value_local(struct pfm_pmd *pmd);

/* sets.c: event sets and their multiplexing. */
struct pfm_set *pfm_set_find(struct pfm_ctx *ctx, u16 id);
struct pfm_set *pfm_set_new(struct pfm_ctx *ctx, u16 id);
void pfm_sets_free(struct pfm_ctx *ctx);
int pfm_create_evtsets(struct pfm_ctx *ctx, void __user *uptr, int count);
int pfm_delete_evtsets(struct pfm_ctx *ctx, void __user *uptr, int count);
int pfm_getinfo_evtsets(struct pfm_ctx *ctx, void __user *uptr, int count);
void pfm_activate(struct pfm_ctx *ctx, struct pfm_set *set);
void pfm_deactivate(struct pfm_ctx *ctx);
void pfm_switch_work(struct work_struct *work);
enum hrtimer_restart pfm_switch_timer(struct hrtimer *timer);
extern struct workqueue_struct *pfm_wq;

/* smpl.c, smpl_dfl.c: sampling formats and buffers. */
int pfm_smpl_create(struct pfm_ctx *ctx, const struct pfm_dev_create *arg);
void pfm_smpl_free(struct pfm_ctx *ctx);
int pfm_smpl_mmap(struct pfm_ctx *ctx, struct vm_area_struct *vma);
u32 pfm_smpl_record(struct pfm_ctx *ctx, struct pfm_set *set,
		    struct pfm_pmd *pmd, u64 value,
		    const struct vpmc_sample *sample);
u32 pfm_smpl_restart(struct pfm_ctx *ctx);
int pfm_smpl_init(struct kobject *parent);
void pfm_smpl_exit(void);
int pfm_dfl_init(void);
void pfm_dfl_exit(void);

/* sysfs.c: /sys/kernel/perfmon. */
int pfm_sysfs_init(void);
void pfm_sysfs_exit(void);
struct kobject *pfm_sysfs_kobj(void);

/* A vector from user space, checked for count and size; kvfree() it. */
void *pfm_copy_vec(void __user *uptr, int count, size_t size);
int pfm_put_vec(void __user *uptr, const void *out, const void *orig, size_t len);
/* Vectors a context keeps a buffer for: four pfarg_pmd_t and more. */
#define PFM_VEC_KEEP	1024
void *pfm_ctx_buf(struct pfm_ctx *ctx, int count, size_t size);
void *pfm_ctx_vec(struct pfm_ctx *ctx, void __user *uptr, int count, size_t size);
void pfm_ctx_vec_done(struct pfm_ctx *ctx, void *vec);

/* Every byte of a reserved field must be zero. */
static inline bool pfm_zero(const void *p, size_t len)
{
	return !memchr_inv(p, 0, len);
}

/* Is this context counting now? */
static inline bool pfm_ctx_running(struct pfm_ctx *ctx)
{
	return ctx->state == PFM_CTX_LOADED && ctx->started && !ctx->masked;
}

#endif /* _VPMC_PERFMON_PFM_H */
