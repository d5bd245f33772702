/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel internals vpmc depends on that 6.1 does not export, one file
 * each, as lttng-modules' wrapper/: what is looked up, how, and what a
 * caller gets when it is missing.
 */
#ifndef _VPMC_WRAPPER_PTRACE_H
#define _VPMC_WRAPPER_PTRACE_H

#include <linux/sched.h>
#include <linux/types.h>

void vpmc_wrapper_ptrace_init(void);
int vpmc_wrapper_ptrace_may_access(struct task_struct *task,
				   unsigned int mode);

#endif /* _VPMC_WRAPPER_PTRACE_H */
