// SPDX-License-Identifier: GPL-2.0-only
/*
 * vpmc_ctl.ko - virtual PMCs driven from user space, for the in-guest
 * tests (and anyone curious). A consumer of the public API only.
 *
 * /sys/kernel/debug/vpmc_ctl (root only) takes one command per write:
 *	create CPU CONFIG [PERIOD]	a system-wide virtual PMC, stopped;
 *					PERIOD > 0 counts overflow callbacks
 *	task TID CONFIG [PERIOD [inherit]]
 *					a per-thread one, checked against the
 *					writer's credentials
 *	start | stop			all of them
 *	destroy				all of them
 *	spin MS				busy MS ms (at most 1000) in the
 *					kernel, in ctl_spin()
 * and reads back one line per virtual PMC:
 *	WHERE CONFIG PERIOD COUNT CALLBACKS TIME_ENABLED TIME_RUNNING [STATE]
 * WHERE is the CPU, or t<TID> per thread; STATE is "preempted", "offline"
 * or "error" when the read says so, then "exited" once the thread's exit
 * notice came, "offlined=N onlined=M" when CPU hotplug notices came, and
 * "skipped=N" when callbacks skipped N thresholds (throttled).
 * Errors come back as the write's errno (the API's, see vpmc_create()).
 */
#define pr_fmt(fmt) "vpmc_ctl: " fmt

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/math64.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pid.h>
#include <linux/sched/clock.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <vpmc/vpmc.h>

#define CTL_MAX		64

struct ctl_vpmc {
	struct vpmc *vpmc;
	int cpu;
	pid_t tid;
	u64 config;
	u64 period;
	atomic64_t callbacks;
	/* Thresholds passed without a callback while throttled. */
	atomic64_t skipped;
	/*
	 * The count of the last callback of @vpmc itself (not of a thread it
	 * was inherited by), whose callbacks never run concurrently.
	 */
	u64 last;
	atomic_t notices[VPMC_NOTICE_ONLINE + 1];
};

/* Serialises the commands and the listing. */
static DEFINE_MUTEX(ctl_mutex);
static struct ctl_vpmc *ctl[CTL_MAX];
static unsigned int ctl_num;
static struct dentry *ctl_file;

static void ctl_overflow(struct vpmc *v, u64 count, void *priv)
{
	struct ctl_vpmc *c = priv;

	/* A throttled virtual PMC's callback may jump several periods. */
	if (v == c->vpmc) {
		if (count > c->last + c->period)
			atomic64_add(div64_u64(count - c->last, c->period) - 1, &c->skipped);
		c->last = count;
	}
	atomic64_inc(&c->callbacks);
}

static void ctl_notice(struct vpmc *v, enum vpmc_notice notice, void *priv)
{
	struct ctl_vpmc *c = priv;

	atomic_inc(&c->notices[notice]);
}

/* A system-wide virtual PMC on @cpu, or one for thread @tid if not 0. */
static int ctl_create(int cpu, pid_t tid, u64 config, u64 period,
		      unsigned int flags)
{
	struct vpmc_attr attr = {
		.config = config, .priority = VPMC_PRIO_USER, .period = period,
		.flags = flags, .notice = ctl_notice,
	};
	struct task_struct *task;
	struct ctl_vpmc *c;

	if (ctl_num == CTL_MAX)
		return -ENOSPC;
	c = kzalloc(sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->cpu = cpu;
	c->tid = tid;
	c->config = config;
	c->period = period;
	attr.overflow = period ? ctl_overflow : NULL;
	attr.priv = c;
	if (tid) {
		task = get_pid_task(find_vpid(tid), PIDTYPE_PID);
		if (!task) {
			kfree(c);
			return -ESRCH;
		}
		c->vpmc = vpmc_create_task(&attr, task, current_cred());
		put_task_struct(task);
	} else {
		c->vpmc = vpmc_may_monitor(current_cred(), NULL) ? ERR_PTR(-EACCES) :
			  vpmc_create(&attr, cpu);
	}
	if (IS_ERR(c->vpmc)) {
		int ret = PTR_ERR(c->vpmc);

		kfree(c);
		return ret;
	}
	ctl[ctl_num++] = c;
	return 0;
}

static void ctl_destroy_all(void)
{
	while (ctl_num) {
		struct ctl_vpmc *c = ctl[--ctl_num];

		vpmc_destroy(c->vpmc);
		kfree(c);
	}
}

static int ctl_each(int (*fn)(struct vpmc *vpmc))
{
	unsigned int i;
	int ret;

	for (i = 0; i < ctl_num; i++) {
		ret = fn(ctl[i]->vpmc);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * Busy in this function, in kernel mode, for about @ms of local_clock(): a
 * known place for kernel-mode samples to land (tools/tests/perfmon/
 * smpl_dfl.c finds it in /proc/kallsyms). The clock is read only every
 * 2^18 relaxes: under TCG a read of arm64's counter is an I/O access that
 * costs as much as thousands of instructions, and with a read every 1024
 * the samples of debug arm64 landed in sched_clock() (86% of them).
 */
static noinline void ctl_spin(unsigned int ms)
{
	u64 end = local_clock() + (u64)ms * NSEC_PER_MSEC;
	unsigned int i;

	do {
		for (i = 0; i < (1U << 18); i++)
			cpu_relax();
	} while (local_clock() < end);
}

static ssize_t ctl_write(struct file *file, const char __user *ubuf,
			 size_t len, loff_t *ppos)
{
	char buf[96], opt[16] = "";
	long long config, period = 0;
	int cpu, n, ret;
	unsigned int flags, ms;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	strim(buf);
	if (str_has_prefix(buf, "spin ")) {
		if (kstrtouint(buf + 5, 10, &ms) || ms > 1000)
			return -EINVAL;
		ctl_spin(ms);
		return len;
	}
	mutex_lock(&ctl_mutex);
	if (!strcmp(buf, "start")) {
		ret = ctl_each(vpmc_start);
	} else if (!strcmp(buf, "stop")) {
		ret = ctl_each(vpmc_stop);
	} else if (!strcmp(buf, "destroy")) {
		ctl_destroy_all();
		ret = 0;
	} else if (!strncmp(buf, "task ", 5)) {
		n = sscanf(buf, "task %d %lli %lli %15s", &cpu, &config, &period, opt);
		flags = !strcmp(opt, "inherit") ? VPMC_F_INHERIT : 0;
		ret = n >= 2 && cpu > 0 && period >= 0 && (n < 4 || flags) ?
		      ctl_create(-1, cpu, config, period, flags) : -EINVAL;
	} else {
		n = sscanf(buf, "create %d %lli %lli", &cpu, &config, &period);
		ret = n >= 2 && period >= 0 ? ctl_create(cpu, 0, config, period, 0) :
		      -EINVAL;
	}
	mutex_unlock(&ctl_mutex);
	return ret ? ret : len;
}

static int ctl_show(struct seq_file *m, void *v)
{
	struct vpmc_value val;
	unsigned int i;
	int ret;

	mutex_lock(&ctl_mutex);
	for (i = 0; i < ctl_num; i++) {
		struct ctl_vpmc *c = ctl[i];

		ret = vpmc_read(c->vpmc, &val);
		if (c->tid)
			seq_printf(m, "t%d", c->tid);
		else
			seq_printf(m, "%d", c->cpu);
		seq_printf(m, " %#llx %llu %llu %lld %llu %llu%s", c->config,
			   c->period, val.count, atomic64_read(&c->callbacks),
			   val.time_enabled, val.time_running,
			   ret == -EBUSY ? " preempted" : ret == -ENODEV ? " offline" :
			   ret ? " error" : "");
		if (atomic_read(&c->notices[VPMC_NOTICE_EXIT]))
			seq_puts(m, " exited");
		if (atomic_read(&c->notices[VPMC_NOTICE_OFFLINE]))
			seq_printf(m, " offlined=%d onlined=%d",
				   atomic_read(&c->notices[VPMC_NOTICE_OFFLINE]),
				   atomic_read(&c->notices[VPMC_NOTICE_ONLINE]));
		if (atomic64_read(&c->skipped))
			seq_printf(m, " skipped=%lld", atomic64_read(&c->skipped));
		seq_putc(m, '\n');
	}
	mutex_unlock(&ctl_mutex);
	return 0;
}

static int ctl_open(struct inode *inode, struct file *file)
{
	return single_open(file, ctl_show, NULL);
}

static const struct file_operations ctl_fops = {
	.owner		= THIS_MODULE,
	.open		= ctl_open,
	.read		= seq_read,
	.write		= ctl_write,
	.llseek		= seq_lseek,
	.release	= single_release,
};

static int __init ctl_init(void)
{
	ctl_file = debugfs_create_file("vpmc_ctl", 0600, NULL, NULL, &ctl_fops);
	return 0;
}

static void __exit ctl_exit(void)
{
	debugfs_remove(ctl_file);
	ctl_destroy_all();
}

module_init(ctl_init);
module_exit(ctl_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("vpmc: system-wide virtual PMCs driven through debugfs");
