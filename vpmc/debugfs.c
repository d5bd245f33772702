// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/debug/vpmc/state: the arbiter of every online CPU, read-only.
 * Documentation/ABI/testing/debugfs-vpmc describes the format.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "priv.h"

static struct dentry *vpmc_debugfs_dir;

static int state_show(struct seq_file *m, void *unused)
{
	vpmc_pmu_show(vpmc_default_pmu, m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(state);

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
