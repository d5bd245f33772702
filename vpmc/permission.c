// SPDX-License-Identifier: GPL-2.0-only
/*
 * Who may monitor what: the check consumers make where a user's request
 * enters the kernel.
 */
#include <linux/capability.h>
#include <linux/cred.h>
#include <linux/export.h>
#include <linux/ptrace.h>
#include <linux/sched/signal.h>

#include "wrapper/ptrace.h"
#include "priv.h"

/* At load: resolve the kernel internals the check needs. */
void vpmc_permission_init(void)
{
	vpmc_wrapper_ptrace_init();
}

/**
 * vpmc_may_monitor() - may a requester monitor a thread, or a CPU
 * @cred: the requester's credentials, e.g. current_cred() where its request
 *	enters the kernel
 * @task: the thread to monitor, or NULL for system-wide monitoring
 *
 * Per thread: ptrace_may_access(@task, PTRACE_MODE_READ_REALCREDS) under
 * @cred, as perf asks; system-wide: perfmon_capable() under @cred.
 * Consumers call this where user requests enter, with the credentials of
 * the opener; in-kernel users need not.
 *
 * Context: process context of the requester (a check against the current
 * thread group counts as monitoring oneself).
 * Return: 0, or -EACCES.
 */
int vpmc_may_monitor(const struct cred *cred, struct task_struct *task)
{
	const struct cred *old;
	int ok;

	if (!cred)
		return -EACCES;
	old = override_creds(cred);
	if (!task) {
		ok = perfmon_capable();
	} else {
		ok = vpmc_wrapper_ptrace_may_access(task, PTRACE_MODE_READ_REALCREDS);
		/* Fail closed: only oneself, or with CAP_SYS_PTRACE. */
		if (ok < 0)
			ok = same_thread_group(task, current) || capable(CAP_SYS_PTRACE);
	}
	revert_creds(old);
	return ok ? 0 : -EACCES;
}
EXPORT_SYMBOL_GPL(vpmc_may_monitor);
