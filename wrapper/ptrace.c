// SPDX-License-Identifier: GPL-2.0-only
/*
 * ptrace_may_access() is not exported in 6.1: it is resolved once, at
 * load, through a kprobe on its name, as lttng-modules resolves
 * kallsyms_lookup_name() (src/wrapper/kallsyms.c). The kprobe is
 * registered disabled, so it is never armed: disarming can fail (ftrace
 * without memory), and would then leave the on-stack kprobe in the kprobe
 * table. Debian's 6.1 kernels have CONFIG_X86_KERNEL_IBT unset, so the
 * indirect call needs no IBT bracket.
 */
#define pr_fmt(fmt) "vpmc: " fmt

#include <linux/kprobes.h>
#include <linux/printk.h>

#include "wrapper/ptrace.h"

/* Set once by vpmc_wrapper_ptrace_init(), before any reader can run. */
static bool (*ptrace_may_access_fn)(struct task_struct *task, unsigned int mode);

/* Resolve ptrace_may_access(); logs if it cannot be found. */
void vpmc_wrapper_ptrace_init(void)
{
	struct kprobe kp = {
		.symbol_name = "ptrace_may_access", .flags = KPROBE_FLAG_DISABLED,
	};

	if (register_kprobe(&kp)) {
		pr_warn("ptrace_may_access() not found: monitoring another thread needs CAP_SYS_PTRACE\n");
		return;
	}
	ptrace_may_access_fn = (void *)kp.addr;
	unregister_kprobe(&kp);
}

/*
 * ptrace_may_access(@task, @mode) under the current credentials: 1 or 0;
 * -ENOENT if it could not be resolved.
 */
int vpmc_wrapper_ptrace_may_access(struct task_struct *task, unsigned int mode)
{
	if (!ptrace_may_access_fn)
		return -ENOENT;
	return ptrace_may_access_fn(task, mode);
}
