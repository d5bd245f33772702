// SPDX-License-Identifier: GPL-2.0-only
/*
 * vpmc_fuzz.ko - the public in-kernel API fuzzed from several kthreads
 * while overflows fire; a consumer of <vpmc/vpmc.h> only, as a module
 * author would write one (make fuzz, and once small in make check).
 *
 * /sys/kernel/debug/vpmc_fuzz (root only):
 *	write "SEED OPS THREADS"	run OPS operations in all, spread over
 *					THREADS kthreads (1-8) seeded from
 *					SEED; returns when they are done
 *	read				the last run: operations by kind and
 *					result, callbacks, forbidden successes
 * A write fails with EUCLEAN if an operation that must fail succeeded
 * (attributes out of range, a period without a callback, an impossible
 * CPU, ...). The kernel's reports (KASAN, lockdep, ...) judge the rest.
 *
 * Each kthread owns up to FZ_SLOTS virtual PMCs, system-wide on any CPU
 * or per thread on itself or on another fuzz kthread, and does random
 * operations on them, valid and not, migrating between CPUs as it goes.
 * They are published in fz_pub[] for the overflow callbacks, which pick
 * any published virtual PMC and operate on it (Documentation/design.rst,
 * "Lifetime": an owner takes one out of fz_pub[] before destroying it).
 */
#define pr_fmt(fmt) "vpmc_fuzz: " fmt

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <vpmc/vpmc.h>

#define FZ_THREADS	8
#define FZ_SLOTS	6
#define FZ_ERRNO	134

enum fz_op {
	FZ_CREATE, FZ_CREATE_TASK, FZ_DESTROY, FZ_START, FZ_STOP, FZ_READ,
	FZ_READ_LOCAL, FZ_WRITE, FZ_SET_PERIOD, FZ_MIGRATE, FZ_CB_OP, FZ_NOPS
};

static const char *const fz_names[FZ_NOPS] = {
	"create", "create_task", "destroy", "start", "stop", "read",
	"read_local", "write", "set_period", "migrate", "callback_op",
};

/* Results of a run: counts by operation and errno (atomic: callbacks). */
static atomic64_t fz_count[FZ_NOPS][FZ_ERRNO];
static atomic64_t fz_callbacks, fz_preempts, fz_notices, fz_forbidden;
/* What the callbacks may find: NULL before the owner destroys one. */
static struct vpmc *fz_pub[FZ_THREADS * FZ_SLOTS];

struct fz_thread {
	struct task_struct *task;
	int idx;
	u64 rng;
	unsigned long ops;
	struct vpmc *slot[FZ_SLOTS];
	struct completion done;
};

static struct fz_thread fz_threads[FZ_THREADS];
static unsigned int fz_nthreads;
/* One run at a time. */
static DEFINE_MUTEX(fz_mutex);
static struct dentry *fz_file;

static u64 fz_rnd(struct fz_thread *t)
{
	t->rng ^= t->rng << 13;
	t->rng ^= t->rng >> 7;
	t->rng ^= t->rng << 17;
	return t->rng;
}

static unsigned int fz_below(struct fz_thread *t, unsigned int n)
{
	return n ? fz_rnd(t) % n : 0;
}

static void fz_note(enum fz_op op, int ret, bool must_fail)
{
	int e = ret < 0 ? -ret : 0;

	atomic64_inc(&fz_count[op][e < FZ_ERRNO ? e : FZ_ERRNO - 1]);
	if (must_fail && !ret) {
		atomic64_inc(&fz_forbidden);
		pr_err("forbidden success: %s\n", fz_names[op]);
	}
}

/*
 * Overflow callback (hard interrupt, its CPU): an operation on any
 * published virtual PMC, its own included. One of another CPU, or of a
 * thread running elsewhere, refuses with -EINVAL; none may crash.
 */
static void fz_overflow(struct vpmc *vpmc, u64 count, void *priv)
{
	struct vpmc *v = READ_ONCE(fz_pub[get_random_u32_below(ARRAY_SIZE(fz_pub))]);
	u32 r = get_random_u32();
	u64 c;
	int ret;

	atomic64_inc(&fz_callbacks);
	if (!v)
		v = vpmc;
	switch (r % 6) {
	case 0:
		ret = vpmc_read_local(v, &c);
		break;
	case 1:
		ret = vpmc_stop(v);
		break;
	case 2:
		ret = vpmc_start(v);
		break;
	case 3:
		ret = vpmc_set_period(v, (r >> 8) % 2 ? 1000000 + (r >> 12) : 0);
		break;
	case 4:
		ret = vpmc_write(v, -(u64)(1000000 + (r >> 12)));
		break;
	default:
		ret = vpmc_set_period(vpmc, 1000000 + (r >> 12));
	}
	fz_note(FZ_CB_OP, ret, false);
}

static void fz_preempt(struct vpmc *vpmc, bool running, void *priv)
{
	atomic64_inc(&fz_preempts);
}

static void fz_notice(struct vpmc *vpmc, enum vpmc_notice notice, void *priv)
{
	struct vpmc_value val;

	atomic64_inc(&fz_notices);
	vpmc_read(vpmc, &val);
}

/* An event: a generic one this backend has, or any raw encoding. */
static u64 fz_event(struct fz_thread *t)
{
	u64 config;

	switch (fz_below(t, 6)) {
	case 0:
		return fz_rnd(t);
	case 1:
		return fz_rnd(t) & 0xffff;
	default:
		if (!vpmc_generic_event(fz_below(t, VPMC_EVENT_MAX + 1), &config))
			return config;
		/* The perf backend's software cpu-clock and page faults. */
		return fz_below(t, 2) ? 0x0100000000000000ULL : 0x0100000000000002ULL;
	}
}

/* Attributes, valid or not; *bad says whether creation must fail. */
static void fz_attr(struct fz_thread *t, struct vpmc_attr *attr, bool task,
		    bool *bad)
{
	memset(attr, 0, sizeof(*attr));
	attr->config = fz_event(t);
	attr->priority = fz_below(t, 16) ? fz_below(t, VPMC_PRIO_MAX + 1) :
			 (int)fz_rnd(t);
	/* Mostly valid: most operations should meet a virtual PMC. */
	attr->flags = fz_below(t, 16) ? fz_below(t, 4) : (unsigned int)fz_rnd(t);
	if (task && !fz_below(t, 8))
		attr->flags |= VPMC_F_INHERIT;
	switch (fz_below(t, 8)) {
	case 0:
		break;
	case 1:
		attr->period = fz_rnd(t);
		break;
	default:
		if (!(attr->flags & VPMC_F_INHERIT))
			attr->period = 100000 + fz_below(t, 2000000);
	}
	if (fz_below(t, 16))
		attr->overflow = fz_overflow;
	if (fz_below(t, 2))
		attr->preempt = fz_preempt;
	if (fz_below(t, 2))
		attr->notice = fz_notice;
	*bad = attr->priority < VPMC_PRIO_MIN || attr->priority > VPMC_PRIO_MAX ||
	       attr->flags & ~(VPMC_F_EXCLUSIVE | VPMC_F_PINNED | VPMC_F_INHERIT) ||
	       (attr->period && !attr->overflow) || attr->period > VPMC_MAX_PERIOD ||
	       (attr->flags & VPMC_F_INHERIT && (!task || attr->period));
}

static void fz_publish(struct fz_thread *t, unsigned int i, struct vpmc *v)
{
	t->slot[i] = v;
	WRITE_ONCE(fz_pub[t->idx * FZ_SLOTS + i], v);
}

static void fz_destroy(struct fz_thread *t, unsigned int i)
{
	struct vpmc *v = t->slot[i];

	if (!v)
		return;
	/* Out of what the callbacks see first; vpmc_destroy() does the rest. */
	fz_publish(t, i, NULL);
	vpmc_destroy(v);
	fz_note(FZ_DESTROY, 0, false);
}

static void fz_create(struct fz_thread *t, bool task)
{
	unsigned int i = fz_below(t, FZ_SLOTS);
	struct vpmc_attr attr;
	struct vpmc *v;
	bool bad;
	int cpu;

	fz_attr(t, &attr, task, &bad);
	fz_destroy(t, i);
	if (task) {
		struct fz_thread *o = &fz_threads[fz_below(t, fz_nthreads)];

		/* Itself or another fuzz kthread, which lives as long as the run. */
		v = vpmc_create_task(&attr, o->task, NULL);
		fz_note(FZ_CREATE_TASK, PTR_ERR_OR_ZERO(v), bad);
	} else {
		cpu = fz_below(t, 8) ? fz_below(t, nr_cpu_ids) :
		      (int)fz_rnd(t) % (2 * nr_cpu_ids);
		bad |= cpu < 0 || cpu >= nr_cpu_ids || !cpu_possible(cpu);
		v = vpmc_create(&attr, cpu);
		fz_note(FZ_CREATE, PTR_ERR_OR_ZERO(v), bad);
	}
	if (IS_ERR(v))
		return;
	if (fz_below(t, 8))
		vpmc_start(v);
	fz_publish(t, i, v);
}

static void fz_op(struct fz_thread *t)
{
	struct vpmc *v = t->slot[fz_below(t, FZ_SLOTS)];
	struct vpmc_value val;
	u64 c;
	int cpu;

	switch (fz_below(t, 16)) {
	case 0:
	case 1:
		fz_create(t, false);
		return;
	case 2:
	case 3:
		fz_create(t, true);
		return;
	case 4:
		fz_destroy(t, fz_below(t, FZ_SLOTS));
		return;
	case 5:
		cpu = cpumask_nth(fz_below(t, num_online_cpus()), cpu_online_mask);
		if (cpu < nr_cpu_ids)
			fz_note(FZ_MIGRATE, set_cpus_allowed_ptr(current, cpumask_of(cpu)),
				false);
		return;
	}
	if (!v) {
		fz_create(t, fz_below(t, 2));
		return;
	}
	switch (fz_below(t, 6)) {
	case 0:
		fz_note(FZ_START, vpmc_start(v), false);
		break;
	case 1:
		fz_note(FZ_STOP, vpmc_stop(v), false);
		break;
	case 2:
		fz_note(FZ_READ, vpmc_read(v, &val), false);
		break;
	case 3:
		preempt_disable();
		fz_note(FZ_READ_LOCAL, vpmc_read_local(v, &c), false);
		preempt_enable();
		break;
	case 4:
		fz_note(FZ_WRITE, vpmc_write(v, fz_rnd(t)), false);
		break;
	default:
		c = fz_below(t, 4) ? 100000 + fz_below(t, 10000000) : fz_rnd(t);
		fz_note(FZ_SET_PERIOD, vpmc_set_period(v, c),
			c > VPMC_MAX_PERIOD);
	}
}

static int fz_thread_fn(void *arg)
{
	struct fz_thread *t = arg;
	unsigned long i;
	unsigned int k;

	for (i = 0; i < t->ops && !kthread_should_stop(); i++) {
		fz_op(t);
		if (!(i % 64))
			cond_resched();
	}
	for (k = 0; k < FZ_SLOTS; k++)
		fz_destroy(t, k);
	complete(&t->done);
	/* Wait to be stopped: others may still create on this thread. */
	while (!kthread_should_stop())
		msleep(20);
	return 0;
}

static int fz_run(u64 seed, unsigned long ops, unsigned int n)
{
	unsigned int i, j;

	memset(fz_count, 0, sizeof(fz_count));
	atomic64_set(&fz_callbacks, 0);
	atomic64_set(&fz_preempts, 0);
	atomic64_set(&fz_notices, 0);
	atomic64_set(&fz_forbidden, 0);
	fz_nthreads = n;
	for (i = 0; i < n; i++) {
		struct fz_thread *t = &fz_threads[i];

		memset(t, 0, sizeof(*t));
		t->idx = i;
		t->rng = seed * 0x9e3779b97f4a7c15ULL + i + 1;
		t->ops = ops / n;
		init_completion(&t->done);
		t->task = kthread_create(fz_thread_fn, t, "vpmc_fuzz/%u", i);
		if (IS_ERR(t->task)) {
			int ret = PTR_ERR(t->task);

			for (j = 0; j < i; j++)
				kthread_stop(fz_threads[j].task);
			return ret;
		}
		get_task_struct(t->task);
	}
	for (i = 0; i < n; i++)
		wake_up_process(fz_threads[i].task);
	/*
	 * Idle, not uninterruptible: a million operations take minutes on a
	 * debug kernel, and the hung-task detector would take the writer
	 * for stuck (it watches the fuzz kthreads themselves).
	 */
	for (i = 0; i < n; i++)
		wait_for_completion_state(&fz_threads[i].done, TASK_IDLE);
	/* All done: per-thread ones on the others were destroyed by owners. */
	for (i = 0; i < n; i++) {
		kthread_stop(fz_threads[i].task);
		put_task_struct(fz_threads[i].task);
	}
	pr_info("seed %llu: %lu operations on %u threads, %lld callbacks, %lld forbidden\n",
		seed, ops, n, atomic64_read(&fz_callbacks), atomic64_read(&fz_forbidden));
	return atomic64_read(&fz_forbidden) ? -EUCLEAN : 0;
}

static ssize_t fz_write(struct file *file, const char __user *ubuf,
			size_t len, loff_t *pos)
{
	unsigned long ops;
	unsigned int n;
	char buf[64];
	u64 seed;
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	if (sscanf(buf, "%llu %lu %u", &seed, &ops, &n) != 3 || !n ||
	    n > FZ_THREADS || !ops)
		return -EINVAL;
	mutex_lock(&fz_mutex);
	ret = fz_run(seed, ops, n);
	mutex_unlock(&fz_mutex);
	return ret ?: len;
}

static int fz_show(struct seq_file *m, void *unused)
{
	unsigned int op, e;
	u64 total = 0;

	mutex_lock(&fz_mutex);
	for (op = 0; op < FZ_NOPS; op++) {
		u64 sum = 0;

		for (e = 0; e < FZ_ERRNO; e++)
			sum += atomic64_read(&fz_count[op][e]);
		if (!sum)
			continue;
		total += sum;
		seq_printf(m, "%-12s %llu:", fz_names[op], sum);
		for (e = 0; e < FZ_ERRNO; e++) {
			u64 n = atomic64_read(&fz_count[op][e]);

			if (n)
				seq_printf(m, " %s%u=%llu", e ? "E" : "ok", e ? e : 0, n);
		}
		seq_putc(m, '\n');
	}
	seq_printf(m, "operations %llu callbacks %lld preempts %lld notices %lld forbidden %lld\n",
		   total, atomic64_read(&fz_callbacks), atomic64_read(&fz_preempts),
		   atomic64_read(&fz_notices), atomic64_read(&fz_forbidden));
	mutex_unlock(&fz_mutex);
	return 0;
}

static int fz_open(struct inode *inode, struct file *file)
{
	return single_open(file, fz_show, NULL);
}

static const struct file_operations fz_fops = {
	.owner = THIS_MODULE,
	.open = fz_open,
	.read = seq_read,
	.write = fz_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static int __init fz_init(void)
{
	fz_file = debugfs_create_file("vpmc_fuzz", 0600, NULL, NULL, &fz_fops);
	return 0;
}

static void __exit fz_exit(void)
{
	debugfs_remove(fz_file);
}

module_init(fz_init);
module_exit(fz_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vpmc: the in-kernel API fuzzed from kthreads");
