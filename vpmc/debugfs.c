// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/debug/vpmc/state: the arbiter of every online CPU, read-only;
 * /sys/kernel/debug/vpmc/check: its invariants, checked when read (the
 * fuzzer's oracle). Documentation/ABI/testing/debugfs-vpmc describes both.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include <vpmc/internal.h>

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
