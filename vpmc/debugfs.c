// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/debug/vpmc/state: the arbiter of every online CPU, read-only;
 * /sys/kernel/debug/vpmc/check: its invariants, checked when read (the
 * fuzzer's oracle); with backend=sim, /sys/kernel/debug/vpmc/sim_inject:
 * events made to happen, so that user-space tests count exactly.
 * Documentation/ABI/testing/debugfs-vpmc describes them.
 */
#include <linux/bits.h>
#include <linux/cpumask.h>
#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/ptrace.h>
#include <linux/sched/task_stack.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include <vpmc/internal.h>

#include "arch/sim/sim.h"
#include "priv.h"

static struct dentry *vpmc_debugfs_dir;

static int state_show(struct seq_file *m, void *unused)
{
	vpmc_pmu_show(vpmc_default_pmu, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(state);

/* "ok", or EUCLEAN with each broken invariant in the kernel log. */
static int check_show(struct seq_file *m, void *unused)
{
	int ret = vpmc_pmu_check(vpmc_default_pmu);

	if (ret)
		return ret;
	seq_puts(m, "ok\n");
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(check);

/*
 * "CPU CONFIG EVENTS": EVENTS events of CONFIG on CPU, as if the writer
 * had been interrupted where it made the system call (its user registers),
 * so samples carry a user-mode IP of the writer. EINVAL for anything else,
 * a CPU that is not online, or more than SIM_INJECT_MAX events.
 */
#define SIM_INJECT_MAX	BIT_ULL(24)

static ssize_t sim_inject_write(struct file *file, const char __user *ubuf,
				size_t len, loff_t *ppos)
{
	char buf[64];
	unsigned int cpu;
	u64 config, events;
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = 0;
	/* At most 2^24 events: 256 wraps of a 16-bit counter, interrupts off. */
	if (sscanf(buf, "%u %llx %llu", &cpu, &config, &events) != 3 ||
	    cpu >= nr_cpu_ids || !cpu_online(cpu) || events > SIM_INJECT_MAX)
		return -EINVAL;
	ret = vpmc_sim_inject_regs(vpmc_default_pmu, cpu, config, events,
				   task_pt_regs(current));
	return ret ?: len;
}

static const struct file_operations sim_inject_fops = {
	.owner = THIS_MODULE,
	.write = sim_inject_write,
	.llseek = noop_llseek,
};

/**
 * vpmc_debugfs_init() - create /sys/kernel/debug/vpmc
 *
 * debugfs is optional: failures are not reported.
 *
 * Context: module init, after the default PMU exists; may sleep.
 */
void vpmc_debugfs_init(void)
{
	vpmc_debugfs_dir = debugfs_create_dir("vpmc", NULL);
	debugfs_create_file("state", 0444, vpmc_debugfs_dir, NULL, &state_fops);
	debugfs_create_file("check", 0444, vpmc_debugfs_dir, NULL, &check_fops);
	if (!strcmp(vpmc_backend_name(), "sim"))
		debugfs_create_file("sim_inject", 0200, vpmc_debugfs_dir, NULL,
				    &sim_inject_fops);
}

/**
 * vpmc_debugfs_exit() - remove /sys/kernel/debug/vpmc
 *
 * Context: module exit; may sleep.
 */
void vpmc_debugfs_exit(void)
{
	debugfs_remove(vpmc_debugfs_dir);
}
